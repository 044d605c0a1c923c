/*
 * Benchmark: discovery with nmap, and what assay adds to it.
 *
 * Makes the network namespace assay-perfscan with a veth pair
 * (asy-perfscan0 198.18.252.1/24 here, eth0 198.18.252.2/24 inside, lo up,
 * net.ipv4.icmp_ratelimit=0 inside so that closed UDP ports answer at
 * once), starts real listeners inside it (SSH on 22: dropbear when it is
 * installed, else a banner; HTTP on 80 and HTTPS on 443: Python's
 * threading http.server; SNMP on udp/161: snmpd when it is installed),
 * each under "timeout 300", then alternates three times:
 *
 *   (a) the argv asy_nmap_argv() builds for a full budget (TCP 1-65535,
 *       the top 100 UDP ports, -sV intensity 7, ssh2-enum-algos and
 *       ssl-enum-ciphers, 4000 packets per second), run alone through
 *       asy_proc_run();
 *   (b) asy_nmap_run() with the same budget: the same run, plus parsing
 *       its XML into the inventory.
 *
 * Prints each wall time, both medians and their ratio (b/a, the target is
 * at most 1.2), the time to parse the XML alone, the services found, and
 * the peak RSS of this process (nmap is a child and not counted; the
 * target is under 64 MiB).  4000 pps keeps one scan well under a minute
 * here (the SYN sweep of 65535 ports alone takes 65535/pps seconds).
 *
 * Traffic goes only to 198.18.252.2, inside the namespace made here.  The
 * listeners are killed and the namespace deleted on every way out,
 * including SIGINT, SIGTERM and SIGHUP.
 *
 * Needs root, ip, timeout, sysctl, python3, openssl and nmap: without one
 * of them it says which and exits 77 (skipped).  Exit 1 when the benchmark
 * itself fails.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"
#include "error.h"
#include "nmap.h"
#include "proc.h"
#include "util.h"

extern char **environ;

#define NS		"assay-perfscan"
#define HOST_IF		"asy-perfscan0"
#define HOST_CIDR	"198.18.252.1/24"
#define DEV_ADDR	"198.18.252.2"
#define DEV_CIDR	"198.18.252.2/24"

#define RUNS		3
#define PARSE_RUNS	21
#define PPS		4000
#define INTENSITY	7
#define SCRIPTS		"ssh2-enum-algos,ssl-enum-ciphers"
#define SCAN_MS		300000UL
#define CMD_MS		30000UL
#define LISTEN_S	"300"

#define TARGET_RATIO	1.2
#define TARGET_MIB	64.0

/* HTTPS with Python's threading server: one thread per connection, the
 * TLS handshake in that thread (so a client that sends nothing holds up
 * no one). */
static const char https_py[] =
    "import functools, http.server as h, ssl, sys\n"
    "addr, cert, key, root = sys.argv[1:5]\n"
    "c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "c.load_cert_chain(cert, key)\n"
    "s = h.ThreadingHTTPServer((addr, 443), functools.partial("
    "h.SimpleHTTPRequestHandler, directory=root))\n"
    "s.socket = c.wrap_socket(s.socket, server_side=True, "
    "do_handshake_on_connect=False)\n"
    "s.serve_forever()\n";

/* An SSH greeting, for when dropbear is not installed. */
static const char ssh_py[] =
    "import socketserver, sys\n"
    "class H(socketserver.BaseRequestHandler):\n"
    "    def handle(self):\n"
    "        self.request.sendall(b'SSH-2.0-OpenSSH_9.2p1 Debian-2\\r\\n')\n"
    "        self.request.recv(1024)\n"
    "socketserver.ThreadingTCPServer.allow_reuse_address = True\n"
    "socketserver.ThreadingTCPServer((sys.argv[1], 22), H)"
    ".serve_forever()\n";

#define MAX_LISTENERS	8

static pid_t listeners[MAX_LISTENERS];
static volatile sig_atomic_t n_listeners;
static volatile sig_atomic_t ns_made;
static const char *scratch;	/* our folder, for the signal handler */

/* ---- running commands ---------------------------------------------------- */

/* Run argv (no shell) with a deadline; 0 when it exited 0.  Else says
 * why on stderr unless quiet, and returns -1. */
static int
cmd(char *const argv[], int quiet)
{
	struct asy_proc_opts po = { .timeout_ms = CMD_MS };
	struct asy_proc_result res = { 0 };
	struct asy_buf err;
	char how[160];
	int r;

	asy_buf_init(&err, 4096);
	po.err = &err;
	r = asy_proc_run(argv, &po, &res);
	if (r == 0 && res.exited && res.status == 0) {
		asy_buf_release(&err);
		return 0;
	}
	if (!quiet) {
		asy_proc_describe(&res, how, sizeof(how));
		fprintf(stderr, "bench-discovery: %s: %s%s%s\n", argv[0],
		    r < 0 ? asy_strerror(r) : how, err.len ? ": " : "",
		    err.len ? err.data : "");
	}
	asy_buf_release(&err);
	return -1;
}

/* Is prog in PATH? */
static int
have(const char *prog)
{
	const char *path = getenv("PATH");
	const char *p;
	int found = 0;

	if (path == NULL)
		path = "/usr/bin:/bin:/usr/sbin:/sbin";
	for (p = path; !found && *p != '\0';) {
		size_t n = strcspn(p, ":");
		char *dir = asy_strndup(p, n), *full;

		full = dir != NULL ? asy_path_join(n ? dir : ".", prog) : NULL;
		found = full != NULL && access(full, X_OK) == 0;
		free(full);
		free(dir);
		p += n;
		if (*p == ':')
			p++;
	}
	return found;
}

/* ---- listeners ----------------------------------------------------------- */

/* Start "timeout 300 ip netns exec NS argv..." in its own process group,
 * output to /dev/null, with env (NULL: ours). */
static int
listener_start(const char *const *argv, char **env)
{
	const char *full[32];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	size_t n = 0;
	pid_t pid;
	int r;

	if (n_listeners >= MAX_LISTENERS)
		return -1;
	full[n++] = "timeout";
	full[n++] = LISTEN_S;
	full[n++] = "ip";
	full[n++] = "netns";
	full[n++] = "exec";
	full[n++] = NS;
	for (size_t i = 0; argv[i] != NULL && n < ASY_ELEMENTSOF(full) - 1;
	    i++)
		full[n++] = argv[i];
	full[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setpgroup(&at, 0);
	r = posix_spawnp(&pid, "timeout", &fa, &at, (char *const *)full,
	    env != NULL ? env : environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (r != 0) {
		fprintf(stderr, "bench-discovery: cannot start %s: %s\n",
		    argv[0], strerror(r));
		return -1;
	}
	listeners[n_listeners] = pid;
	n_listeners = n_listeners + 1;
	return 0;
}

/* Wait until DEV_ADDR:port accepts a connection (at most ms). */
static int
wait_tcp(unsigned port, long ms)
{
	double end = bench_now_ms() + (double)ms;

	while (bench_now_ms() < end) {
		struct sockaddr_in sa = { .sin_family = AF_INET,
		    .sin_port = htons((unsigned short)port) };
		int fd, ok;

		inet_pton(AF_INET, DEV_ADDR, &sa.sin_addr);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return -1;
		ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
		close(fd);
		if (ok)
			return 0;
		poll(NULL, 0, 100);
	}
	fprintf(stderr, "bench-discovery: nothing listens on %s:%u after "
	    "%ld ms\n", DEV_ADDR, port, ms);
	return -1;
}

/* ---- the namespace ------------------------------------------------------- */

/* Kill every listener's process group: TERM, then KILL after 2 s. */
static void
listeners_stop(void)
{
	double end = bench_now_ms() + 2000;
	size_t left;

	for (sig_atomic_t i = 0; i < n_listeners; i++)
		kill(-listeners[i], SIGTERM);
	do {
		left = 0;
		for (sig_atomic_t i = 0; i < n_listeners; i++) {
			if (listeners[i] == 0)
				continue;
			if (waitpid(listeners[i], NULL, WNOHANG) ==
			    listeners[i])
				listeners[i] = 0;
			else
				left++;
		}
		if (left > 0)
			poll(NULL, 0, 50);
	} while (left > 0 && bench_now_ms() < end);
	for (sig_atomic_t i = 0; i < n_listeners; i++) {
		if (listeners[i] == 0)
			continue;
		kill(-listeners[i], SIGKILL);
		waitpid(listeners[i], NULL, 0);
		listeners[i] = 0;
	}
	n_listeners = 0;
}

/* Kill whatever still runs inside our namespace (children the listeners
 * left behind), by pid, then delete the namespace and so the veth pair. */
static void
ns_teardown(void)
{
	char *pids[] = { "ip", "netns", "pids", NS, NULL };
	char *del[] = { "ip", "netns", "del", NS, NULL };
	struct asy_proc_opts po = { .timeout_ms = CMD_MS };
	struct asy_proc_result res = { 0 };
	struct asy_buf out;

	listeners_stop();
	if (!ns_made)
		return;
	asy_buf_init(&out, 65536);
	po.out = &out;
	if (asy_proc_run(pids, &po, &res) == 0 && out.data != NULL) {
		for (char *p = out.data, *end; *p != '\0'; p = end) {
			unsigned long pid = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (pid > 1)
				kill((pid_t)pid, SIGKILL);
		}
	}
	asy_buf_release(&out);
	if (cmd(del, 0) == 0)
		ns_made = 0;
}

/* Run argv and wait, from a signal handler. */
static void
run_in_handler(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

/*
 * On SIGINT, SIGTERM or SIGHUP: kill the listeners, delete the namespace
 * and our folder with async-signal-safe calls only (kill, fork, execvp,
 * waitpid, _exit), then end.
 */
static void
on_signal(int sig)
{
	for (sig_atomic_t i = 0; i < n_listeners; i++)
		if (listeners[i] > 0)
			kill(-listeners[i], SIGKILL);
	if (ns_made) {
		char *del[] = { "ip", "netns", "del", NS, NULL };

		run_in_handler(del);
	}
	if (scratch != NULL) {
		char *rm[] = { "rm", "-rf", "--", (char *)scratch, NULL };

		run_in_handler(rm);
	}
	_exit(128 + sig);
}

static int
ns_setup(void)
{
	char *old[] = { "ip", "netns", "del", NS, NULL };
	char *old_link[] = { "ip", "link", "del", HOST_IF, NULL };
	char *add[] = { "ip", "netns", "add", NS, NULL };
	char *veth[] = { "ip", "link", "add", HOST_IF, "type", "veth", "peer",
	    "name", "eth0", "netns", NS, NULL };
	char *addr[] = { "ip", "addr", "add", HOST_CIDR, "dev", HOST_IF, NULL };
	char *up[] = { "ip", "link", "set", HOST_IF, "up", NULL };
	char *in_addr[] = { "ip", "-n", NS, "addr", "add", DEV_CIDR, "dev",
	    "eth0", NULL };
	char *in_up[] = { "ip", "-n", NS, "link", "set", "eth0", "up", NULL };
	char *in_lo[] = { "ip", "-n", NS, "link", "set", "lo", "up", NULL };
	char *icmp[] = { "ip", "netns", "exec", NS, "sysctl", "-q", "-w",
	    "net.ipv4.icmp_ratelimit=0", NULL };

	/* Left over from a run that was killed. */
	cmd(old, 1);
	cmd(old_link, 1);
	if (cmd(add, 0) < 0)
		return -1;
	ns_made = 1;
	if (cmd(veth, 0) < 0 || cmd(addr, 0) < 0 || cmd(up, 0) < 0 ||
	    cmd(in_addr, 0) < 0 || cmd(in_up, 0) < 0 || cmd(in_lo, 0) < 0 ||
	    cmd(icmp, 0) < 0)
		return -1;
	return 0;
}

/* ---- files --------------------------------------------------------------- */

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	remove(path);
	return 0;
}

static int
write_file(const char *path, const char *text)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, strlen(text) + 1);
	r = asy_buf_puts(&b, text);
	if (r == 0)
		r = asy_buf_save_file(&b, path);
	asy_buf_release(&b);
	return r;
}

/* ---- the listeners inside ----------------------------------------------- */

struct files {
	char	*dir, *www, *cert, *key, *sshkey, *snmpconf, *snmppid;
	char	*snmpdir, *snmpenv;
};

static void
files_free(struct files *f)
{
	free(f->www);
	free(f->cert);
	free(f->key);
	free(f->sshkey);
	free(f->snmpconf);
	free(f->snmppid);
	free(f->snmpdir);
	free(f->snmpenv);
}

static int
start_listeners(const struct files *f, struct asy_buf *what)
{
	const char *http[] = { "python3", "-m", "http.server", "80", "--bind",
	    DEV_ADDR, "--directory", f->www, NULL };
	const char *https[] = { "python3", "-c", https_py, DEV_ADDR, f->cert,
	    f->key, f->www, NULL };
	const char *dropbear[] = { "dropbear", "-F", "-E", "-s", "-r",
	    f->sshkey, "-p", DEV_ADDR ":22", NULL };
	const char *banner[] = { "python3", "-c", ssh_py, DEV_ADDR, NULL };
	const char *snmpd[] = { "snmpd", "-f", "-Lo", "-C", "-I", "-smux",
	    "-c", f->snmpconf, "-p", f->snmppid, "udp:" DEV_ADDR ":161", NULL };
	char *keygen[] = { "dropbearkey", "-t", "ed25519", "-f", f->sshkey,
	    NULL };
	int use_dropbear = have("dropbear") && have("dropbearkey");

	if (use_dropbear && cmd(keygen, 0) < 0)
		return -1;
	if (listener_start(use_dropbear ? dropbear : banner, NULL) < 0 ||
	    listener_start(http, NULL) < 0 || listener_start(https, NULL) < 0)
		return -1;
	asy_buf_printf(what, "ssh on 22 (%s), http on 80 and https on 443 "
	    "(python3 http.server)", use_dropbear ? "dropbear" :
	    "a python3 banner");
	if (have("snmpd")) {
		size_t n = 0;
		char **env;

		/* snmpd's persistent files go to our folder, not /var. */
		while (environ[n] != NULL)
			n++;
		env = calloc(n + 2, sizeof(*env));
		if (env == NULL)
			return -1;
		memcpy(env, environ, n * sizeof(*env));
		env[n] = f->snmpenv;
		if (listener_start(snmpd, env) < 0) {
			free(env);
			return -1;
		}
		free(env);
		asy_buf_puts(what, ", snmp on udp/161 (snmpd)");
	} else {
		asy_buf_puts(what, " (no snmpd: udp/161 closed)");
	}
	if (wait_tcp(22, 10000) < 0 || wait_tcp(80, 10000) < 0 ||
	    wait_tcp(443, 10000) < 0)
		return -1;
	/* snmpd reads its configuration: give it a moment. */
	poll(NULL, 0, 1000);
	return 0;
}

/* ---- the measurement ----------------------------------------------------- */

static int
measure(const struct files *f, const char *udp)
{
	struct asy_nmap_opts o = {
		.nmap = "nmap", .target = DEV_ADDR, .ifname = HOST_IF,
		.pps = PPS, .tcp_ports = "1-65535", .udp_ports = udp,
		.version_intensity = INTENSITY, .scripts = SCRIPTS,
		.timeout_ms = SCAN_MS,
	};
	double a[RUNS], b[RUNS], p[PARSE_RUNS], ma, mb;
	struct asy_inventory *inv = NULL;
	char *xml_a = NULL, *xml_b = NULL, *cmdline = NULL;
	struct asy_buf why;
	int r = -1;

	asy_buf_init(&why, 65536);
	for (int i = 0; i < RUNS; i++) {
		struct asy_proc_opts po = { .timeout_ms = SCAN_MS };
		struct asy_proc_result res = { 0 };
		struct asy_buf err;
		char **argv;
		double t0;
		int rr;

		free(xml_a);
		free(xml_b);
		xml_a = asy_strdup_printf("%s/a-%d.xml", f->dir, i);
		xml_b = asy_strdup_printf("%s/b-%d.xml", f->dir, i);
		if (xml_a == NULL || xml_b == NULL)
			goto out;

		/* (a) nmap alone, the same way asy_nmap_run runs it. */
		o.xml_path = xml_a;
		argv = asy_nmap_argv(&o);
		if (argv == NULL) {
			fprintf(stderr, "bench-discovery: asy_nmap_argv "
			    "refused the budget\n");
			goto out;
		}
		if (cmdline == NULL)
			cmdline = asy_proc_cmdline(argv);
		asy_buf_init(&err, (size_t)64 << 10);
		po.err = &err;
		t0 = bench_now_ms();
		rr = asy_proc_run(argv, &po, &res);
		a[i] = bench_now_ms() - t0;
		asy_nmap_argv_free(argv);
		if (rr < 0 || !res.exited || res.status != 0) {
			char how[160];

			asy_proc_describe(&res, how, sizeof(how));
			fprintf(stderr, "bench-discovery: nmap: %s: %s\n", how,
			    err.data != NULL ? err.data : "");
			asy_buf_release(&err);
			goto out;
		}
		asy_buf_release(&err);

		/* (b) run + parse. */
		o.xml_path = xml_b;
		asy_buf_reset(&why);
		t0 = bench_now_ms();
		rr = asy_nmap_run(&o, &inv, &why);
		b[i] = bench_now_ms() - t0;
		if (rr < 0) {
			fprintf(stderr, "bench-discovery: asy_nmap_run: %s: "
			    "%s\n", asy_strerror(rr), why.data != NULL ?
			    why.data : "");
			goto out;
		}
		printf("run %d   nmap alone %9.0f ms   asy_nmap_run %9.0f ms   "
		    "%zu services\n", i + 1, a[i], b[i], inv->n_services);
		fflush(stdout);
		if (i + 1 < RUNS) {
			asy_inventory_free(inv);
			inv = NULL;
		}
	}

	/* The parse alone, on the last XML. */
	for (int i = 0; i < PARSE_RUNS; i++) {
		struct asy_inventory *x = NULL;
		struct asy_diags d;
		double t0;

		asy_diags_init(&d);
		t0 = bench_now_ms();
		if (asy_nmap_parse(xml_b, &d, &x) < 0) {
			asy_diags_print(&d, stderr);
			asy_diags_release(&d);
			goto out;
		}
		p[i] = bench_now_ms() - t0;
		asy_inventory_free(x);
		asy_diags_release(&d);
	}

	printf("\nnmap command: %s\n", cmdline != NULL ? cmdline : "?");
	printf("services found:\n");
	for (size_t i = 0; i < inv->n_services; i++) {
		const struct asy_service *s = &inv->services[i];

		printf("  %u/%s %s %s%s%s%s%s", s->port, s->proto, s->state,
		    s->tunnel != NULL ? s->tunnel : "",
		    s->tunnel != NULL ? "/" : "",
		    s->name != NULL ? s->name : "?",
		    s->product != NULL ? " " : "",
		    s->product != NULL ? s->product : "");
		for (size_t k = 0; k < s->n_scripts; k++)
			printf("%s%s", k ? "," : " [", s->scripts[k].id);
		printf("%s\n", s->n_scripts ? "]" : "");
	}
	ma = bench_median(a, RUNS);
	mb = bench_median(b, RUNS);
	printf("\nmedian of %d: nmap alone %.0f ms, asy_nmap_run %.0f ms; "
	    "ratio b/a %.3f (target <= %.1f)\n", RUNS, ma, mb, mb / ma,
	    TARGET_RATIO);
	printf("parsing the XML alone: median of %d %.2f ms\n", PARSE_RUNS,
	    bench_median(p, PARSE_RUNS));
	r = 0;
out:
	asy_inventory_free(inv);
	asy_buf_release(&why);
	free(cmdline);
	free(xml_a);
	free(xml_b);
	return r;
}

int
main(void)
{
	static const char *const needed[] = {
		"ip", "timeout", "sysctl", "python3", "openssl", "nmap",
	};
	struct sigaction sa;
	struct files f = { 0 };
	struct asy_buf udp, what;
	char tmpl[] = "/tmp/assay-bench-discovery-XXXXXX";
	char *version = NULL;
	long rss;
	int status = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		printf("bench-discovery: skipped: it needs root (to make a "
		    "network namespace and to SYN-scan)\n");
		return 77;
	}
	for (size_t i = 0; i < ASY_ELEMENTSOF(needed); i++)
		if (!have(needed[i])) {
			printf("bench-discovery: skipped: %s is not "
			    "installed\n", needed[i]);
			return 77;
		}
	version = asy_nmap_version("nmap");
	if (version == NULL) {
		printf("bench-discovery: skipped: nmap --version fails\n");
		return 77;
	}
	asy_buf_init(&udp, 65536);
	asy_buf_init(&what, 4096);
	if (asy_nmap_top_udp(100, &udp) < 0) {
		printf("bench-discovery: skipped: no nmap-services to take the "
		    "top 100 UDP ports from\n");
		status = 77;
		goto out;
	}
	if (mkdtemp(tmpl) == NULL) {
		perror("bench-discovery: mkdtemp");
		goto out;
	}
	f.dir = tmpl;
	scratch = tmpl;
	f.www = asy_path_join(f.dir, "www");
	f.cert = asy_path_join(f.dir, "cert.pem");
	f.key = asy_path_join(f.dir, "key.pem");
	f.sshkey = asy_path_join(f.dir, "ssh_host_ed25519_key");
	f.snmpconf = asy_path_join(f.dir, "snmpd.conf");
	f.snmppid = asy_path_join(f.dir, "snmpd.pid");
	f.snmpdir = asy_path_join(f.dir, "snmp");
	f.snmpenv = asy_strdup_printf("SNMP_PERSISTENT_DIR=%s/snmp", f.dir);
	if (f.www == NULL || f.cert == NULL || f.key == NULL ||
	    f.sshkey == NULL || f.snmpconf == NULL || f.snmppid == NULL ||
	    f.snmpdir == NULL || f.snmpenv == NULL)
		goto out;
	{
		char *www_index = asy_path_join(f.www, "index.html");
		char *req[] = { "openssl", "req", "-x509", "-newkey", "ec",
		    "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
		    f.key, "-out", f.cert, "-days", "2", "-subj",
		    "/CN=assay-perfscan", NULL };
		int bad = www_index == NULL || mkdir(f.www, 0755) < 0 ||
		    mkdir(f.snmpdir, 0700) < 0 || write_file(www_index,
		    "<!doctype html><title>perfscan</title>\n") < 0 ||
		    write_file(f.snmpconf, "rocommunity public 198.18.252.1\n"
		    "sysName perfscan\nsysDescr assay discovery benchmark\n"
		    "master no\n") < 0 || cmd(req, 0) < 0;

		free(www_index);
		if (bad)
			goto out;
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	if (ns_setup() < 0 || start_listeners(&f, &what) < 0)
		goto out;
	printf("bench-discovery: %s against %s in netns %s\n", version,
	    DEV_ADDR, NS);
	printf("listeners: %s\n", what.data);
	printf("budget: TCP 1-65535, UDP top 100, -sV intensity %d, scripts "
	    "%s, %d pps, deadline %lu s\n\n", INTENSITY, SCRIPTS, PPS,
	    SCAN_MS / 1000);
	if (measure(&f, udp.data) < 0)
		goto out;
	rss = bench_maxrss_kib();
	printf("peak RSS of this process: %ld KiB = %.1f MiB (target < %.0f "
	    "MiB; nmap is a child and not counted)\n", rss, (double)rss /
	    1024, TARGET_MIB);
	status = 0;
out:
	ns_teardown();
	if (f.dir != NULL)
		nftw(f.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	files_free(&f);
	asy_buf_release(&what);
	asy_buf_release(&udp);
	free(version);
	return status;
}
