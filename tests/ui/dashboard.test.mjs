// The dashboard as a person sees it: assay serve on a temporary runs folder,
// driven by headless Chromium (Debian's, through playwright-core).
//
// The runs folder holds two real offline runs made by the assay binary (the
// ipcam and hub examples) and a running run simulated by a progress.json
// that this test rewrites.  Checked on the list: the device names, the
// verdict words, the running run's current case, elapsed time and counts,
// and that they change when progress.json does (the page's script polls
// /api/runs); then a click to a run, to its report (which must render,
// its own script allowed by the Content-Security-Policy), and the
// running run's page.  No console error and no CSP violation anywhere.
// Screenshots go to the build folder (ui-*.png).
//
// Usage: node dashboard.test.mjs ASSAY_BIN SRCDIR OUTDIR
// Exit 0 passed, 1 failed, 77 skipped (no chromium, no node_modules).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [bin, srcdir, outdir] = process.argv.slice(2);
const CHROMIUM = '/usr/bin/chromium';
const STEP_MS = 20000;

function skip(why) {
	console.log(`1..0 # SKIP ${why}`);
	process.exit(77);
}

if (!bin || !srcdir || !outdir) {
	console.error('usage: node dashboard.test.mjs ASSAY_BIN SRCDIR OUTDIR');
	process.exit(2);
}
if (!fs.existsSync(CHROMIUM))
	skip(`${CHROMIUM} is missing: apt-get install chromium ` +
	    '(tools/install-deps.sh does)');
let chromium;
try {
	const require = createRequire(path.join(here, 'package.json'));
	({ chromium } = require('playwright-core'));
} catch (e) {
	skip('tests/ui/node_modules lacks playwright-core: run ' +
	    'npm ci --prefix tests/ui (tools/install-deps.sh does)');
}

let failed = 0, n = 0;
function ok(cond, what) {
	n++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${what}`);
	if (!cond)
		failed++;
}

function freePort() {
	return new Promise((resolve, reject) => {
		const s = net.createServer();
		s.once('error', reject);
		s.listen(0, '127.0.0.1', () => {
			const { port } = s.address();
			s.close(() => resolve(port));
		});
	});
}

function isoNow(delta = 0) {
	return new Date(Date.now() + delta * 1000).toISOString()
	    .replace(/\.\d+Z$/, 'Z');
}

// The running run's progress.json, written as assay writes it (rename).
function writeProgress(dir, done, caseId, title, pass) {
	const p = {
		format: 1, state: 'running', device: 'Vendo <b>Doorbell</b> D1',
		edition: 'ts103701-v1.1.1', host: os.hostname(),
		pid: process.pid, started: isoNow(-3725), updated: isoNow(),
		case: { id: caseId, title, started: isoNow(-42) },
		done, total: 171,
		counts: { pass, fail: 2, na: 0, inconclusive: done - pass - 2,
		    error: 0, none: 0 },
		last: [{ case: caseId, unit: 'a', verdict: 'FAIL' }],
	};
	const tmp = path.join(dir, '.progress.json.tmp');
	fs.writeFileSync(tmp, JSON.stringify(p, null, 2) + '\n');
	fs.renameSync(tmp, path.join(dir, 'progress.json'));
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'assay-ui-'));
const runs = path.join(work, 'runs');
let serve = null, context = null;

async function main() {
	for (const dev of ['ipcam', 'hub']) {
		const r = spawnSync(bin, ['run', '--offline', '--batch',
		    '--runs-dir', runs, path.join(srcdir, 'ics-ixit/examples',
		    dev)], { encoding: 'utf8', timeout: 60000 });
		ok(r.status === 1 || r.status === 3,
		    `assay run --offline ${dev} made a run (exit ${r.status})`);
	}
	const running = path.join(runs, 'doorbell-20991231T000000Z.partial');
	fs.mkdirSync(running);
	writeProgress(running, 12, '5.1-1-2', 'Probe every password surface',
	    9);

	const port = await freePort();
	serve = spawn(bin, ['serve', '--runs-dir', runs, '--port',
	    String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
	let said = '';
	serve.stdout.on('data', (d) => { said += d; });
	serve.stderr.on('data', (d) => { said += d; });
	const t0 = Date.now();
	while (!said.includes('http://') && Date.now() - t0 < STEP_MS) {
		if (serve.exitCode !== null)
			break;
		await new Promise((r) => setTimeout(r, 50));
	}
	ok(said.includes(`http://127.0.0.1:${port}/`),
	    'assay serve says where it listens');
	const base = `http://127.0.0.1:${port}`;

	const profile = fs.mkdtempSync(path.join(work, 'profile-'));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ['--headless', '--no-sandbox', '--disable-gpu',
		    '--disable-background-networking',
		    '--disable-component-update', '--no-first-run'],
		viewport: { width: 1280, height: 900 },
	});
	const page = context.pages()[0] || await context.newPage();
	page.setDefaultTimeout(STEP_MS);
	const problems = [];
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(m.text());
	});
	page.on('pageerror', (e) => problems.push(String(e)));

	// The list.
	await page.goto(`${base}/`);
	ok(await page.title() === 'Runs - assay', 'the list has its title');
	const body = await page.locator('main').innerText();
	ok(body.includes('Lumora Imaging C20 IP camera'),
	    'the list shows the camera');
	ok(body.includes('Korvat Systems H1 smart-home hub') ||
	    /Korvat/.test(body), 'the list shows the hub');
	ok(body.includes('Vendo <b>Doorbell</b> D1'),
	    'the running device name is shown as text, markup and all');
	const cam = page.locator('tr', { hasText: 'Lumora Imaging C20' });
	ok((await cam.locator('.v').innerText()) === 'FAIL',
	    'the camera run shows the verdict FAIL');
	ok((await cam.innerText()).includes('complete'),
	    'the camera run is complete');
	const row = page.locator('tr[data-state="running"]');
	const rowText = await row.innerText();
	ok(rowText.includes('running'), 'the doorbell run says running');
	ok(rowText.includes('5.1-1-2 Probe every password surface'),
	    'the running run shows its current case');
	ok(rowText.includes('12 of 171 units'),
	    'the running run shows units done');
	ok(/running for 1 h 2 min \d+ s/.test(rowText),
	    'the running run shows its elapsed time');
	ok(rowText.includes('PASS 9'), 'the running run shows its counts');
	ok(await row.locator('progress').getAttribute('value') === '12',
	    'the progress bar is at 12');
	await page.screenshot({ path: path.join(outdir, 'ui-list.png'),
	    fullPage: true });

	// Progress moves on; the page follows without a reload by hand.
	writeProgress(running, 57, '5.3-1-2', 'Update mechanism over HTTPS',
	    40);
	let moved = false;
	try {
		await page.waitForFunction(() => {
			const r = document.querySelector(
			    'tr[data-state="running"]');
			return r && r.innerText.includes('57 of 171 units') &&
			    r.innerText.includes('5.3-1-2');
		}, null, { timeout: STEP_MS });
		moved = true;
	} catch (e) {
		moved = false;
	}
	ok(moved, 'the list follows progress.json: 57 of 171 units, case ' +
	    '5.3-1-2');
	const moved_text = await row.innerText();
	ok(moved_text.includes('PASS 40'), 'the counts follow too');
	await page.screenshot({ path: path.join(outdir, 'ui-list-moved.png'),
	    fullPage: true });

	// A run's page, then its report.
	await cam.locator('td:first-child a').click();
	await page.waitForLoadState();
	const runText = await page.locator('main').innerText();
	ok(runText.includes('10 of 33 mandatory test groups failed'),
	    'the run page gives the overall reason');
	ok(runText.includes('report.xml') && runText.includes('junit.xml') &&
	    runText.includes('inputs/ics.xml'),
	    'the run page lists the reports and files');
	ok(runText.includes('Compare with'), 'the run page has the compare ' +
	    'form');
	await page.screenshot({ path: path.join(outdir, 'ui-run.png'),
	    fullPage: true });
	await page.locator('ul.reports a', { hasText: 'report.html' })
	    .click();
	await page.waitForLoadState();
	ok((await page.title()).includes('Lumora Imaging C20 IP camera'),
	    'the report opens');
	const rep = await page.locator('body').innerText();
	ok(rep.includes('FAIL'), 'the report shows the verdict');
	await page.screenshot({ path: path.join(outdir, 'ui-report.png') });

	// The running run's page.
	await page.goto(`${base}/runs/doorbell-20991231T000000Z.partial/`);
	const live = await page.locator('main').innerText();
	ok(live.includes('57 of 171 units') && live.includes('5.3-1-2'),
	    'the running run page shows its progress');
	ok(live.includes('FAIL 5.3-1-2 a'), 'and its latest verdicts');
	await page.screenshot({ path: path.join(outdir, 'ui-running.png'),
	    fullPage: true });

	ok(problems.length === 0, 'no console error or CSP violation' +
	    (problems.length ? `: ${problems.join(' | ')}` : ''));
}

try {
	await main();
} catch (e) {
	ok(false, `the test stopped: ${e && e.stack ? e.stack : e}`);
} finally {
	if (context)
		await context.close().catch(() => {});
	if (serve && serve.exitCode === null) {
		serve.kill('SIGTERM');
		await new Promise((r) => {
			const t = setTimeout(r, 5000);
			serve.once('exit', () => { clearTimeout(t); r(); });
		});
		ok(serve.exitCode === 0, 'assay serve stopped cleanly on SIGTERM');
	}
	fs.rmSync(work, { recursive: true, force: true });
}
console.log(`1..${n}`);
console.log(`${n - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
