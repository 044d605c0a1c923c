/*
 * The HTML report a lab hands to its customer: one self-contained file
 * (inline CSS and a little inline JavaScript, nothing fetched, works
 * offline and printed).
 *
 * Safety: every string from the model goes through asy_buf_put_xml() (via
 * render.h); the script is a constant that never contains model data and
 * reads the page only through data attributes the writer sets from its own
 * values (verdict slugs, group indexes).  A Content-Security-Policy allows
 * no network access at all and only the one script whose hash it names, so
 * even markup that slipped through escaping could not run or fetch.
 * Evidence links are relative hrefs into the run folder; a path that is
 * absolute, climbs with "..", names a scheme or is otherwise odd is shown
 * as plain text instead.
 *
 * Without JavaScript the filter bar stays hidden and everything is shown;
 * print always shows everything, whatever the filters say.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "render.h"
#include "util.h"

/*
 * The inline script.  Its SHA-256 (base64) is in the CSP below; the unit
 * test recomputes it, so an edit to one without the other fails the build.
 */
static const char script[] =
"(function () {\n"
"\t\"use strict\";\n"
"\tvar form = document.getElementById(\"filters\");\n"
"\tif (!form || !document.querySelectorAll || !document.body.classList)\n"
"\t\treturn;\n"
"\tvar boxes = form.querySelectorAll(\"input[data-v]\");\n"
"\tvar sel = document.getElementById(\"f-group\");\n"
"\tvar txt = document.getElementById(\"f-text\");\n"
"\tvar cnt = document.getElementById(\"f-count\");\n"
"\tvar cases = document.querySelectorAll(\"article.case\");\n"
"\tvar groups = document.querySelectorAll(\"section.group\");\n"
"\tvar rows = document.querySelectorAll(\"tr[data-group]\");\n"
"\tvar ghead = {}, ctext = [], i;\n"
"\tfor (i = 0; i < groups.length; i++)\n"
"\t\tghead[groups[i].getAttribute(\"data-group\")] =\n"
"\t\t    groups[i].querySelector(\".ghead\").textContent.toLowerCase();\n"
"\tfor (i = 0; i < cases.length; i++)\n"
"\t\tctext.push(cases[i].textContent.toLowerCase());\n"
"\tfunction apply() {\n"
"\t\tvar on = {}, vis = {}, shown = 0, g = sel.value;\n"
"\t\tvar q = txt.value.trim().toLowerCase(), i, el, id, ok;\n"
"\t\tfor (i = 0; i < boxes.length; i++)\n"
"\t\t\ton[boxes[i].getAttribute(\"data-v\")] = boxes[i].checked;\n"
"\t\tfor (i = 0; i < cases.length; i++) {\n"
"\t\t\tel = cases[i];\n"
"\t\t\tid = el.getAttribute(\"data-group\");\n"
"\t\t\tok = on[el.getAttribute(\"data-verdict\")] &&\n"
"\t\t\t    (g === \"\" || g === id) && (q === \"\" ||\n"
"\t\t\t    ghead[id].indexOf(q) >= 0 || ctext[i].indexOf(q) >= 0);\n"
"\t\t\tel.classList.toggle(\"hide\", !ok);\n"
"\t\t\tif (ok) {\n"
"\t\t\t\tshown++;\n"
"\t\t\t\tvis[id] = true;\n"
"\t\t\t}\n"
"\t\t}\n"
"\t\tfor (i = 0; i < groups.length; i++) {\n"
"\t\t\tel = groups[i];\n"
"\t\t\tid = el.getAttribute(\"data-group\");\n"
"\t\t\tok = vis[id] || (el.getAttribute(\"data-cases\") === \"0\" &&\n"
"\t\t\t    on[el.getAttribute(\"data-verdict\")] &&\n"
"\t\t\t    (g === \"\" || g === id) &&\n"
"\t\t\t    (q === \"\" || ghead[id].indexOf(q) >= 0));\n"
"\t\t\tel.classList.toggle(\"hide\", !ok);\n"
"\t\t\tvis[id] = ok;\n"
"\t\t}\n"
"\t\tfor (i = 0; i < rows.length; i++)\n"
"\t\t\trows[i].classList.toggle(\"hide\",\n"
"\t\t\t    !vis[rows[i].getAttribute(\"data-group\")]);\n"
"\t\tcnt.textContent = shown + \" of \" + cases.length +\n"
"\t\t    \" test cases shown\";\n"
"\t}\n"
"\tform.addEventListener(\"change\", apply);\n"
"\ttxt.addEventListener(\"input\", apply);\n"
"\tform.addEventListener(\"submit\", function (ev) {\n"
"\t\tev.preventDefault();\n"
"\t});\n"
"\tdocument.getElementById(\"f-reset\").addEventListener(\"click\",\n"
"\t    function () {\n"
"\t\tform.reset();\n"
"\t\tapply();\n"
"\t});\n"
"\tform.hidden = false;\n"
"\tapply();\n"
"})();\n";

/* base64(SHA-256(script)), checked by tests/unit/test-reports.c. */
#define SCRIPT_SHA256	"mbRCX4o5OhbLukwqmHqoZVwWWL//FTQ9wo3ckGZ++3o="

/* In the report's <meta>, and sent as a header by assay serve. */
const char asy_report_html_csp[] =
    "default-src 'none'; style-src 'unsafe-inline'; "
    "script-src 'sha256-" SCRIPT_SHA256 "'; img-src data:; "
    "base-uri 'none'; form-action 'none'";

/* The style sheet, in pieces (C compilers need not take long literals). */
static const char *const css[] = {
	":root{--fg:#1f2328;--muted:#5a6470;--line:#d0d7de;--soft:#f6f8fa;"
	"--accent:#0b3d6b}\n",
	".v-pass{--c:#1a7f37;--cb:#e6f6ea}\n",
	".v-fail{--c:#c62828;--cb:#fdecea}\n",
	".v-error{--c:#7b3fc4;--cb:#f4edfc}\n",
	".v-inconclusive{--c:#a86300;--cb:#fff5db}\n",
	".v-na{--c:#6b7580;--cb:#f1f3f5}\n",
	".v-none{--c:#9aa3ad;--cb:#f6f8fa}\n",
	"*{box-sizing:border-box}\n",
	"[hidden]{display:none!important}\n",
	"html{-webkit-text-size-adjust:100%}\n",
	"body{margin:0;color:var(--fg);background:#fff;font:14px/1.5 system-ui,"
	"-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
	"sans-serif}\n",
	"main{max-width:1140px;margin:0 auto;padding:28px 36px 48px}\n",
	"a{color:var(--accent)}\n",
	"code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"\"Liberation Mono\",monospace;font-size:12.5px}\n",
	".muted,.nil{color:var(--muted)}\n",
	"tr.m-undeclared td,tr.m-disabled td{background:#fdecea}\n",
	"tr.m-undeclared .m,tr.m-disabled .m{color:#c62828;font-weight:600}\n",
	"tr.m-missing td{color:var(--muted)}\n",
	"pre.cmd{white-space:pre-wrap;word-break:break-all;margin:6px 0;"
	"padding:6px 8px;background:var(--soft);border:1px solid var(--line)}"
	"\n",
	".nil{font-style:italic}\n",
	"h1{font-size:28px;line-height:1.2;margin:14px 0 4px}\n",
	"h2{font-size:17px;margin:36px 0 12px;padding-bottom:6px;"
	"border-bottom:2px solid var(--accent);color:var(--accent)}\n",
	"h3{font-size:16px;margin:0}\n",
	"h4{font-size:14.5px;margin:0}\n",
	".doc-top{display:flex;justify-content:space-between;gap:16px;"
	"font-size:11.5px;color:var(--muted);text-transform:uppercase;"
	"letter-spacing:.07em;border-bottom:1px solid var(--line);"
	"padding-bottom:8px}\n",
	".doc-top b{color:var(--accent)}\n",
	".lead{margin:0;color:var(--muted);font-size:15px}\n",
	".idgrid{display:grid;grid-template-columns:1fr 1fr;gap:16px;"
	"margin-top:18px}\n",
	".card{border:1px solid var(--line);border-radius:6px;"
	"padding:12px 16px;"
	"background:var(--soft)}\n",
	".card h2{font-size:11.5px;text-transform:uppercase;"
	"letter-spacing:.07em;"
	"margin:0 0 8px;padding:0;border:0;color:var(--muted)}\n",
	"dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;"
	"margin:0}\n",
	"dl.kv dt{color:var(--muted)}\n",
	"dl.kv dd{margin:0;font-weight:600;overflow-wrap:anywhere}\n",
	"dl.kv dd .muted{font-weight:400}\n",
	".notice{margin:16px 0 0;padding:8px 14px;border-radius:6px;"
	"border:1px solid #e3c26b;background:#fff8e1;font-weight:600}\n",
	".overall{display:flex;flex-wrap:wrap;gap:28px;align-items:center;"
	"margin:22px 0 0;"
	"padding:18px 24px;border:1px solid var(--c);border-left:12px solid "
	"var(--c);border-radius:6px;background:var(--cb)}\n",
	".ov-label{font-size:11.5px;text-transform:uppercase;"
	"letter-spacing:.08em;"
	"color:var(--muted);font-weight:600}\n",
	".ov-big{font-size:44px;line-height:1.05;font-weight:800;"
	"color:var(--c);"
	"letter-spacing:.01em;white-space:nowrap}\n",
	".ov-main{min-width:200px;flex:0 0 auto}\n",
	".ov-body{flex:1}\n",
	".ov-reason{margin:0 0 10px;font-size:15px;font-weight:500}\n",
	"table{border-collapse:collapse;width:100%}\n",
	"th{text-align:left;font-weight:600}\n",
	"table.counts{width:auto;background:#fff;border:1px solid var(--line);"
	"font-size:13px}\n",
	"table.counts th,table.counts td{padding:3px 10px;"
	"border-bottom:1px solid var(--line)}\n",
	"table.counts thead th{font-size:11px;letter-spacing:.03em;"
	"border-bottom:2px solid var(--line);white-space:nowrap}\n",
	"table.counts thead th span{display:inline-block;width:8px;height:8px;"
	"border-radius:50%;background:var(--c);margin-right:5px}\n",
	"table.counts td{text-align:right;font-variant-numeric:tabular-nums;"
	"min-width:44px}\n",
	"table.counts td.z{color:#b7bec6}\n",
	"table.counts td.t{font-weight:700}\n",
	".v{display:inline-block;padding:1px 9px;border-radius:11px;"
	"font-size:11px;font-weight:700;letter-spacing:.04em;"
	"white-space:nowrap;"
	"color:#fff;background:var(--c);vertical-align:1px}\n",
	".filters{position:sticky;top:0;z-index:5;display:flex;flex-wrap:wrap;"
	"align-items:center;gap:8px 18px;margin:22px 0 0;padding:10px 14px;"
	"background:#fff;border:1px solid var(--line);border-radius:6px;"
	"box-shadow:0 2px 6px rgba(31,35,40,.08);font-size:13px}\n",
	".filters fieldset{border:0;margin:0;padding:0;display:flex;"
	"flex-wrap:wrap;gap:4px 10px;align-items:center}\n",
	".filters legend{float:left;margin-right:6px;font-weight:600}\n",
	".filters label{display:inline-flex;align-items:center;gap:4px;"
	"cursor:pointer}\n",
	".filters select,.filters input[type=search]{font:inherit;"
	"padding:3px 6px;"
	"border:1px solid var(--line);border-radius:4px;max-width:260px}\n",
	".filters button{font:inherit;padding:3px 10px;border:1px solid "
	"var(--line);border-radius:4px;background:var(--soft);cursor:pointer}"
	"\n",
	"#f-count{margin-left:auto;color:var(--muted)}\n",
	"table.list th,table.list td{padding:6px 10px;vertical-align:top;"
	"border-bottom:1px solid var(--line)}\n",
	"table.list thead th{font-size:12px;color:var(--muted);"
	"border-bottom:2px solid var(--line);white-space:nowrap}\n",
	"table.list tbody tr:nth-child(even){background:#fafbfc}\n",
	"table.list td.id{white-space:nowrap;font-weight:600}\n",
	".mr{display:inline-block;min-width:20px;text-align:center;"
	"border-radius:3px;font-size:11px;font-weight:700;padding:0 4px;"
	"margin-right:6px;border:1px solid var(--accent);color:var(--accent)}"
	"\n",
	".mr.m{background:var(--accent);color:#fff}\n",
	".group{margin:0 0 28px}\n",
	".ghead{padding:10px 14px;margin-bottom:12px;background:var(--soft);"
	"border:1px solid var(--line);border-left:6px solid var(--c);"
	"border-radius:6px}\n",
	".ghead h3{display:flex;align-items:baseline;gap:10px}\n",
	".ghead h3 .v{margin-left:auto}\n",
	".gid,.cid{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"monospace;color:var(--accent);white-space:nowrap}\n",
	".meta{margin:4px 0 0;color:var(--muted);font-size:13px}\n",
	".meta span+span:before{content:\"\\00b7\";margin:0 8px;color:#b7bec6}"
	"\n",
	".reason{margin:6px 0 0}\n",
	".detail{margin:6px 0 0;padding:6px 10px;background:#fff;"
	"border:1px solid var(--line);border-radius:4px;font-size:13px;"
	"white-space:pre-line}\n",
	".case{margin:0 0 14px 20px;padding:10px 14px 12px;border:1px solid "
	"var(--line);border-left:5px solid var(--c);border-radius:5px}\n",
	".chead{display:flex;align-items:baseline;gap:10px}\n",
	".chead h4{flex:1}\n",
	".tag{display:inline-block;font-size:11px;padding:0 6px;"
	"border-radius:3px;"
	"background:#eef1f4;color:var(--muted);font-weight:600;"
	"margin-left:4px}\n",
	"table.units{margin-top:10px;font-size:13px;table-layout:fixed}\n",
	"table.units th,table.units td{padding:6px 8px;vertical-align:top;"
	"border-top:1px solid #e6e9ed}\n",
	"table.units thead th{font-size:11.5px;color:var(--muted);"
	"border-top:0;border-bottom:1px solid var(--line)}\n",
	"table.units col.c-u{width:13%}\n",
	"table.units col.c-t{width:29%}\n",
	"table.units col.c-v{width:148px}\n",
	"table.units td.uid{font-weight:700;overflow-wrap:anywhere}\n",
	".row{font-weight:400;font-size:11.5px;color:var(--muted);"
	"margin-top:2px}\n",
	".row code{display:block;color:var(--fg);font-size:12px;"
	"overflow-wrap:anywhere}\n",
	"dl.ud{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;"
	"margin:6px 0 0;font-size:12.5px}\n",
	"dl.ud dt{color:var(--muted)}\n",
	"dl.ud dd{margin:0;overflow-wrap:anywhere}\n",
	".pre{font-size:10.5px;text-transform:uppercase;letter-spacing:.05em;"
	"color:var(--muted);border:1px dashed #aab3bd;border-radius:3px;"
	"padding:0 4px;margin-right:6px}\n",
	"ul.ev{list-style:none;margin:0;padding:0}\n",
	"ul.ev li{margin:0 0 2px}\n",
	".path{overflow-wrap:anywhere}\n",
	".unsafe{color:#8a1c1c}\n",
	".sha{font-size:11.5px;white-space:nowrap}\n",
	".origin{font-size:12px;color:var(--muted);overflow-wrap:anywhere}\n",
	"table.tools{width:auto;min-width:50%}\n",
	"dl.legend{display:grid;grid-template-columns:max-content 1fr;"
	"gap:6px 16px;align-items:baseline;margin:0;font-size:13px}\n",
	"dl.legend dd{margin:0}\n",
	"footer{margin-top:40px;padding-top:10px;"
	"border-top:1px solid var(--line);"
	"font-size:12px;color:var(--muted)}\n",
	".top{font-size:12px;font-weight:400;margin-left:8px}\n",
	"@media screen{.hide{display:none!important}}\n",
	"@media screen and (max-width:760px){main{padding:16px}.idgrid{"
	"grid-template-columns:"
	"1fr}.overall{flex-direction:column;align-items:flex-start}"
	".case{margin-left:0}.sha{white-space:normal;overflow-wrap:anywhere}}"
	"\n",
	"@page{size:A4;margin:14mm 12mm 16mm;"
	"@bottom-right{content:\"Page \" counter(page) \" of \" counter(pages);"
	"font:9pt system-ui,sans-serif;color:#5a6470}"
	"@bottom-left{content:\"assay test report\";"
	"font:9pt system-ui,sans-serif;color:#5a6470}}\n",
	"@media print{"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
	"body{font-size:9.5pt}"
	"main{max-width:none;padding:0}"
	".filters,.top{display:none!important}"
	"a{color:inherit;text-decoration:none}"
	"h2{break-after:avoid;margin-top:22px}"
	".ghead,.chead{break-after:avoid;break-inside:avoid}"
	".overall,.card,tr,.legend{break-inside:avoid}"
	"#inputs,#tools,#legend{break-inside:avoid}"
	"table.list tbody tr:nth-child(even){background:none}"
	".sha{font-size:7pt}"
	".case{margin-left:12px;break-inside:avoid}"
	".overall{display:block;padding:12px 16px}"
	".ov-main{display:flex;align-items:baseline;gap:14px}"
	".ov-big{font-size:30pt}"
	".ov-reason{margin:4px 0 8px}"
	"table.counts{width:100%;font-size:8.5pt}"
	".v{font-size:7.5pt;padding:0 6px}"
	"table.units{font-size:8.5pt}"
	"table.units col.c-u{width:14%}"
	"table.units col.c-t{width:22%}"
	"table.units col.c-v{width:96px}"
	"dl.ud{font-size:8.5pt}"
	"code,.mono{font-size:8pt}"
	"}\n",
};

/* Verdicts in the order a reader scans them. */
static const enum asy_verdict order[] = {
	ASY_V_FAIL, ASY_V_ERROR, ASY_V_INCONCLUSIVE, ASY_V_PASS, ASY_V_NA,
	ASY_V_NONE,
};

static const char *const meaning[ASY_V__COUNT] = {
	[ASY_V_PASS] = "The device meets the requirement tested.",
	[ASY_V_FAIL] = "The device does not meet the requirement tested.",
	[ASY_V_NA] = "The requirement does not apply to this device, "
	    "as declared in its ICS.",
	[ASY_V_INCONCLUSIVE] = "The evidence could not be collected (device "
	    "unreachable, capture incomplete, operator step unanswered); "
	    "this says nothing about the device.",
	[ASY_V_ERROR] = "The harness or the test bench failed; this is not "
	    "a failure of the device.",
	[ASY_V_NONE] = "Not decided yet: awaiting an assessor's answer.",
};

struct html {
	struct asy_emit	 e;
	struct asy_buf	 scratch;	/* an href being encoded */
};

static void
badge(struct asy_emit *e, enum asy_verdict v)
{
	asy_emit_printf(e, "<span class=\"v v-%s\">%s</span>",
	    asy_verdict_slug(v), asy_verdict_name(v));
}

/* Escaped s, or a muted placeholder when there is none. */
static void
text_or(struct asy_emit *e, const char *s, const char *none)
{
	if (s != NULL && *s != '\0') {
		asy_emit_xml(e, s);
		return;
	}
	asy_emit_printf(e, "<span class=\"nil\">%s</span>", none);
}

static void
kv(struct asy_emit *e, const char *label, const char *value)
{
	asy_emit_printf(e, "<dt>%s</dt><dd>", label);
	text_or(e, value, "not declared");
	asy_emit_raw(e, "</dd>\n");
}

/*
 * May p become a relative link into the run folder?  Not when it is empty,
 * absolute ("/x", "\x", "//host"), climbs (".." anywhere), names a scheme
 * or a drive (":" anywhere), holds a percent sign (which a browser would
 * decode, "%2e%2e"), a backslash or a control byte.
 */
static int
href_safe(const char *p)
{
	if (p == NULL || *p == '\0' || *p == '/' || *p == '\\')
		return 0;
	if (strstr(p, "..") != NULL)
		return 0;
	for (; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c == 0x7f || c == ':' || c == '%' ||
		    c == '\\')
			return 0;
	}
	return 1;
}

/* Percent-encode a safe path for href: only [A-Za-z0-9-._~/] stay. */
static int
href_encode(struct asy_buf *b, const char *p)
{
	static const char hex[] = "0123456789ABCDEF";
	int r = 0;

	asy_buf_reset(b);
	r = asy_buf_add(b, "", 0);
	for (; *p != '\0' && r == 0; p++) {
		unsigned char c = (unsigned char)*p;
		char pct[3] = { '%', hex[c >> 4], hex[c & 15] };

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/')
			r = asy_buf_add(b, p, 1);
		else
			r = asy_buf_add(b, pct, 3);
	}
	return r;
}

/* A link to a file of the run folder, or the path as text if unsafe. */
static void
file_link(struct html *h, const char *path)
{
	struct asy_emit *e = &h->e;
	int r;

	if (!href_safe(path)) {
		asy_emit_raw(e, "<span class=\"path mono unsafe\" title=\"not "
		    "linked: the path leaves the run folder\">");
		text_or(e, path, "no path");
		asy_emit_raw(e, "</span>");
		return;
	}
	r = href_encode(&h->scratch, path);
	if (r < 0) {
		if (e->err == 0)
			e->err = r;
		return;
	}
	asy_emit_raw(e, "<a class=\"path mono\" href=\"");
	asy_emit_attr_text(e, h->scratch.data);
	asy_emit_raw(e, "\">");
	asy_emit_xml(e, path);
	asy_emit_raw(e, "</a>");
}

static void
head(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"");
	asy_emit_raw(e, asy_report_html_csp);
	asy_emit_raw(e, "\">\n<meta name=\"referrer\" content=\"no-referrer\">"
	    "\n<meta name=\"generator\" content=\"assay");
	if (r->assay_version != NULL) {
		asy_emit_raw(e, " ");
		asy_emit_attr_text(e, r->assay_version);
	}
	asy_emit_raw(e, "\">\n<title>Test report");
	if (r->dut.vendor != NULL || r->dut.model != NULL)
		asy_emit_raw(e, ": ");
	asy_emit_xml(e, r->dut.vendor);
	if (r->dut.vendor != NULL && r->dut.model != NULL)
		asy_emit_raw(e, " ");
	asy_emit_xml(e, r->dut.model);
	asy_emit_raw(e, "</title>\n<style>\n");
	for (size_t i = 0; i < ASY_ELEMENTSOF(css); i++)
		asy_emit_raw(e, css[i]);
	asy_emit_raw(e, "</style>\n</head>\n<body>\n<main>\n");
}

static void
mode_text(struct asy_emit *e, const char *mode)
{
	if (mode != NULL && strcmp(mode, "offline") == 0)
		asy_emit_raw(e, "offline: conceptual cases and operator "
		    "steps");
	else if (mode != NULL && strcmp(mode, "live") == 0)
		asy_emit_raw(e, "live: conceptual and functional cases");
	else
		text_or(e, mode, "unknown");
}

static void
identity(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<header id=\"top\">\n<div class=\"doc-top\">"
	    "<span><b>assay</b> &#183; cyber security test report</span>"
	    "<span>");
	text_or(e, r->baseline, "baseline not recorded");
	asy_emit_raw(e, "</span></div>\n<h1>");
	if (r->dut.vendor == NULL && r->dut.model == NULL) {
		asy_emit_raw(e, "Device under test");
	} else {
		asy_emit_xml(e, r->dut.vendor);
		if (r->dut.vendor != NULL && r->dut.model != NULL)
			asy_emit_raw(e, " ");
		asy_emit_xml(e, r->dut.model);
	}
	asy_emit_raw(e, "</h1>\n<p class=\"lead\">Assessment against ");
	text_or(e, r->baseline, "an unrecorded baseline");
	asy_emit_raw(e, " by the test method of ");
	text_or(e, r->method, "an unrecorded method");
	asy_emit_raw(e, "</p>\n<div class=\"idgrid\">\n"
	    "<section class=\"card\"><h2>Device under test</h2>"
	    "<dl class=\"kv\">\n");
	kv(e, "Vendor", r->dut.vendor);
	kv(e, "Model", r->dut.model);
	kv(e, "Hardware version", r->dut.hw);
	kv(e, "Software version", r->dut.sw);
	kv(e, "Device name", r->dut.name);
	asy_emit_raw(e, "</dl></section>\n"
	    "<section class=\"card\"><h2>Assessment</h2><dl class=\"kv\">\n");
	kv(e, "Baseline", r->baseline);
	kv(e, "Test method", r->method);
	asy_emit_raw(e, "<dt>Catalogue</dt><dd>");
	text_or(e, r->edition, "unknown");
	if (r->catalogue_title != NULL) {
		asy_emit_raw(e, " <span class=\"muted\">(");
		asy_emit_xml(e, r->catalogue_title);
		asy_emit_raw(e, ")</span>");
	}
	asy_emit_raw(e, "</dd>\n<dt>Mode</dt><dd>");
	mode_text(e, r->mode);
	asy_emit_raw(e, "</dd>\n");
	kv(e, "Date (UTC)", r->date);
	asy_emit_raw(e, "<dt>Run ID</dt><dd class=\"mono\">");
	text_or(e, r->run_id, "none");
	asy_emit_raw(e, "</dd>\n");
	kv(e, "assay version", r->assay_version);
	asy_emit_raw(e, "</dl></section>\n</div>\n");
	if (r->mode != NULL && strcmp(r->mode, "offline") == 0)
		asy_emit_raw(e, "<p class=\"notice\">Offline run: conceptual "
		    "cases only.  No functional test was run against the "
		    "device.</p>\n");
	asy_emit_raw(e, "</header>\n");
}

static void
counts_row(struct asy_emit *e, const char *label, const char *level,
    const unsigned *n)
{
	unsigned long total = 0;

	asy_emit_printf(e, "<tr><th>%s</th>", label);
	for (size_t i = 0; i < ASY_ELEMENTSOF(order); i++) {
		unsigned c = n[order[i]];

		asy_emit_printf(e, "<td id=\"n-%s-%s\"%s>%u</td>", level,
		    asy_verdict_slug(order[i]), c ? "" : " class=\"z\"", c);
		total += c;
	}
	asy_emit_printf(e, "<td class=\"t\" id=\"n-%s-total\">%lu</td></tr>\n",
	    level, total);
}

static void
overall(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_printf(e, "<section class=\"overall v-%s\" id=\"overall\">\n"
	    "<div class=\"ov-main\"><div class=\"ov-label\">Overall verdict"
	    "</div><div class=\"ov-big\" id=\"overall-verdict\">%s</div>"
	    "</div>\n<div class=\"ov-body\"><p class=\"ov-reason\">",
	    asy_verdict_slug(r->overall), asy_verdict_name(r->overall));
	text_or(e, r->overall_reason, "no reason recorded");
	asy_emit_raw(e, "</p>\n<table class=\"counts\"><thead><tr><th></th>");
	for (size_t i = 0; i < ASY_ELEMENTSOF(order); i++)
		asy_emit_printf(e, "<th class=\"v-%s\"><span></span>%s</th>",
		    asy_verdict_slug(order[i]), asy_verdict_name(order[i]));
	asy_emit_raw(e, "<th>Total</th></tr></thead>\n<tbody>\n");
	counts_row(e, "Test groups", "groups", r->n_group);
	counts_row(e, "Test cases", "cases", r->n_case);
	counts_row(e, "Test units", "units", r->n_unit);
	asy_emit_raw(e, "</tbody></table></div>\n</section>\n");
}

static void
filters(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<form id=\"filters\" class=\"filters\" hidden>\n"
	    "<fieldset><legend>Show</legend>\n");
	for (size_t i = 0; i < ASY_ELEMENTSOF(order); i++)
		asy_emit_printf(e, "<label><input type=\"checkbox\" "
		    "data-v=\"%s\" checked> <span class=\"v v-%s\">%s</span>"
		    " <span class=\"muted\">%u</span></label>\n",
		    asy_verdict_slug(order[i]), asy_verdict_slug(order[i]),
		    asy_verdict_name(order[i]), r->n_case[order[i]]);
	asy_emit_raw(e, "</fieldset>\n<label>Group <select id=\"f-group\">"
	    "<option value=\"\">All groups</option>\n");
	for (size_t i = 0; i < r->n_groups; i++) {
		asy_emit_printf(e, "<option value=\"%zu\">", i);
		asy_emit_xml(e, r->groups[i].id);
		asy_emit_raw(e, " ");
		asy_emit_xml(e, r->groups[i].title);
		asy_emit_raw(e, "</option>\n");
	}
	asy_emit_raw(e, "</select></label>\n<label>Search <input "
	    "id=\"f-text\" type=\"search\" placeholder=\"ID, title, "
	    "reason\" autocomplete=\"off\"></label>\n<button type=\"button\" "
	    "id=\"f-reset\">Reset</button>\n<span id=\"f-count\" "
	    "aria-live=\"polite\"></span>\n</form>\n");
}

static void
summary(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<section id=\"summary\">\n<h2>Test groups</h2>\n"
	    "<table class=\"list\"><thead><tr><th>Group</th><th>Title</th>"
	    "<th>Status</th><th>ICS support</th><th>Cases</th>"
	    "<th>Verdict</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->n_groups; i++) {
		const struct asy_group_result *g = &r->groups[i];

		asy_emit_printf(e, "<tr data-group=\"%zu\"><td class=\"id\">"
		    "<a href=\"#g%zu\">", i, i);
		text_or(e, g->id, "?");
		asy_emit_raw(e, "</a></td><td>");
		text_or(e, g->title, "untitled");
		asy_emit_printf(e, "</td><td><span class=\"mr%s\" title=\"%s\">"
		    "%s</span>", g->mandatory ? " m" : "",
		    g->mandatory ? "mandatory" : "recommended",
		    g->mandatory ? "M" : "R");
		/* "M C(1)" says more than the badge; a bare "M" does not. */
		if (g->status != NULL &&
		    strcmp(g->status, g->mandatory ? "M" : "R") != 0)
			asy_emit_xml(e, g->status);
		asy_emit_raw(e, "</td><td>");
		text_or(e, g->support, "no ICS row");
		asy_emit_printf(e, "</td><td>%zu</td><td>", g->n_cases);
		badge(e, g->verdict);
		asy_emit_raw(e, "</td></tr>\n");
	}
	asy_emit_raw(e, "</tbody></table>\n</section>\n");
}

static void
unit(struct html *h, const struct asy_case_result *c,
    const struct asy_unit_result *u)
{
	struct asy_emit *e = &h->e;

	asy_emit_printf(e, "<tr class=\"v-%s\"><td class=\"uid\">",
	    asy_verdict_slug(u->verdict));
	text_or(e, u->id, "?");
	if (u->row != NULL) {
		asy_emit_raw(e, "<div class=\"row\">IXIT row<code>");
		asy_emit_xml(e, u->row);
		asy_emit_raw(e, "</code></div>");
	}
	asy_emit_raw(e, "</td><td class=\"ut\">");
	text_or(e, u->title, "untitled");
	/* The kind only when it is not the case's (a mixed case). */
	if (u->kind != NULL && (c->kind == NULL ||
	    strcmp(u->kind, c->kind) != 0)) {
		asy_emit_raw(e, " <span class=\"tag\">");
		asy_emit_xml(e, u->kind);
		asy_emit_raw(e, "</span>");
	}
	asy_emit_raw(e, "</td><td class=\"uv\">");
	badge(e, u->verdict);
	asy_emit_raw(e, "</td><td>");
	text_or(e, u->reason, "no reason recorded");
	asy_emit_raw(e, "<dl class=\"ud\">");
	if (u->pre != ASY_V_NONE || u->pre_reason != NULL) {
		asy_emit_raw(e, "<dt>Pre-assessment</dt><dd>"
		    "<span class=\"pre\">harness proposal</span>");
		badge(e, u->pre);
		if (u->pre_reason != NULL) {
			asy_emit_raw(e, " ");
			asy_emit_xml(e, u->pre_reason);
		}
		asy_emit_raw(e, "</dd>");
	}
	asy_emit_raw(e, "<dt>Decided by</dt><dd>");
	text_or(e, u->decided_by, "undecided");
	asy_emit_raw(e, "</dd>");
	if (u->needs != NULL) {
		asy_emit_raw(e, "<dt>Needs</dt><dd>");
		asy_emit_xml(e, u->needs);
		asy_emit_raw(e, "</dd>");
	}
	if (u->n_ev > 0) {
		asy_emit_raw(e, "<dt>Evidence</dt><dd><ul class=\"ev\">");
		for (size_t i = 0; i < u->n_ev; i++) {
			const struct asy_evidence *ev = &u->ev[i];

			asy_emit_raw(e, "<li>");
			file_link(h, ev->path);
			asy_emit_raw(e, " <span class=\"tag\">");
			asy_emit_xml(e, ev->kind);
			asy_emit_raw(e, "</span>");
			if (ev->note != NULL) {
				asy_emit_raw(e, " ");
				asy_emit_xml(e, ev->note);
			}
			asy_emit_raw(e, "</li>");
		}
		asy_emit_raw(e, "</ul></dd>");
	}
	asy_emit_raw(e, "</dl></td></tr>\n");
}

static void
tcase(struct html *h, size_t gi, size_t ci, const struct asy_case_result *c)
{
	struct asy_emit *e = &h->e;
	const char *slug = asy_verdict_slug(c->verdict);

	asy_emit_printf(e, "<article class=\"case v-%s\" id=\"c%zu-%zu\" "
	    "data-group=\"%zu\" data-verdict=\"%s\">\n<div class=\"chead\">"
	    "<h4><span class=\"cid\">", slug, gi, ci, gi, slug);
	text_or(e, c->id, "?");
	asy_emit_raw(e, "</span> ");
	asy_emit_xml(e, c->title);
	asy_emit_raw(e, "</h4>");
	badge(e, c->verdict);
	asy_emit_raw(e, "</div>\n<p class=\"meta\">");
	if (c->kind != NULL) {
		asy_emit_raw(e, "<span>");
		asy_emit_xml(e, c->kind);
		asy_emit_raw(e, "</span>");
	}
	asy_emit_printf(e, "<span>%zu unit%s</span>", c->n_units,
	    c->n_units == 1 ? "" : "s");
	if (c->derived)
		asy_emit_raw(e, "<span>catalogue entry derived, not "
		    "transcribed</span>");
	if (c->excluded)
		asy_emit_raw(e, "<span><strong>not run: left out of the plan"
		    "</strong></span>");
	asy_emit_raw(e, "</p>\n<p class=\"reason\">");
	text_or(e, c->reason, "no reason recorded");
	asy_emit_raw(e, "</p>\n");
	if (c->n_units > 0) {
		asy_emit_raw(e, "<table class=\"units\"><colgroup>"
		    "<col class=\"c-u\"><col class=\"c-t\"><col class=\"c-v\">"
		    "<col></colgroup><thead><tr><th>Unit"
		    "</th><th>Checks</th><th>Verdict</th><th>Finding</th></tr>"
		    "</thead>\n<tbody>\n");
		for (size_t i = 0; i < c->n_units; i++)
			unit(h, c, &c->units[i]);
		asy_emit_raw(e, "</tbody></table>\n");
	}
	asy_emit_raw(e, "</article>\n");
}

static void
group(struct html *h, size_t gi, const struct asy_group_result *g)
{
	struct asy_emit *e = &h->e;

	const char *slug = asy_verdict_slug(g->verdict);

	asy_emit_printf(e, "<section class=\"group v-%s\" id=\"g%zu\" "
	    "data-group=\"%zu\" data-verdict=\"%s\" data-cases=\"%zu\">\n"
	    "<div class=\"ghead\"><h3><span class=\"gid\">", slug, gi, gi,
	    slug, g->n_cases);
	text_or(e, g->id, "?");
	asy_emit_raw(e, "</span> ");
	asy_emit_xml(e, g->title);
	badge(e, g->verdict);
	asy_emit_raw(e, "</h3>\n<p class=\"meta\">");
	if (g->provision != NULL) {
		asy_emit_raw(e, "<span>Provision ");
		asy_emit_xml(e, g->provision);
		asy_emit_raw(e, "</span>");
	}
	asy_emit_printf(e, "<span>%s", g->mandatory ? "Mandatory" :
	    "Recommended");
	if (g->status != NULL) {
		asy_emit_raw(e, " (ICS status ");
		asy_emit_xml(e, g->status);
		asy_emit_raw(e, ")");
	}
	asy_emit_raw(e, "</span><span>ICS support: ");
	text_or(e, g->support, "no ICS row");
	asy_emit_raw(e, "</span><a class=\"top\" href=\"#top\">back to top</a>"
	    "</p>\n");
	if (g->detail != NULL) {
		asy_emit_raw(e, "<p class=\"detail\"><strong>ICS detail:"
		    "</strong> ");
		asy_emit_xml(e, g->detail);
		asy_emit_raw(e, "</p>\n");
	}
	asy_emit_raw(e, "<p class=\"reason\">");
	text_or(e, g->reason, "no reason recorded");
	asy_emit_raw(e, "</p></div>\n");
	for (size_t i = 0; i < g->n_cases; i++)
		tcase(h, gi, i, &g->cases[i]);
	asy_emit_raw(e, "</section>\n");
}

/* The row class of a match: undeclared and disabled-but-open stand out. */
static const char *
match_class(const char *m)
{
	if (m == NULL)
		return "m-other";
	if (strcmp(m, "undeclared") == 0)
		return "m-undeclared";
	if (strcmp(m, "declared disabled") == 0)
		return "m-disabled";
	if (strncmp(m, "declared, not seen", 18) == 0 ||
	    strncmp(m, "declared disabled, closed", 25) == 0)
		return "m-missing";
	return "m-declared";
}

static void
discovery(struct html *h, const struct asy_discovery *d)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<section id=\"discovery\">\n<h2>Declared and "
	    "observed services</h2>\n<p>");
	text_or(e, d->note, "no summary recorded");
	asy_emit_raw(e, "</p>\n<p class=\"muted\">Discovery ");
	text_or(e, d->status, "?");
	asy_emit_raw(e, " on ");
	text_or(e, d->target, "no target");
	asy_emit_raw(e, ".  Evidence: ");
	if (d->evidence != NULL)
		file_link(h, d->evidence);
	else
		asy_emit_raw(e, "<span class=\"nil\">no nmap output</span>");
	asy_emit_raw(e, ", ");
	if (d->pcap != NULL)
		file_link(h, d->pcap);
	else
		asy_emit_raw(e, "<span class=\"nil\">no capture</span>");
	asy_emit_raw(e, ".</p>\n");
	if (d->command != NULL) {
		asy_emit_raw(e, "<pre class=\"cmd mono\">");
		asy_emit_xml(e, d->command);
		asy_emit_raw(e, "</pre>\n");
	}
	asy_emit_raw(e, "<table class=\"list\"><thead><tr><th>Port</th>"
	    "<th>Service</th><th>Product</th><th>IXIT row</th>"
	    "<th>Declared?</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < d->n_services; i++) {
		const struct asy_observed_service *s = &d->services[i];

		asy_emit_printf(e, "<tr class=\"%s\"><td class=\"id\">",
		    match_class(s->match));
		asy_emit_xml(e, s->proto);
		asy_emit_printf(e, "/%u</td><td>", s->port);
		text_or(e, s->service, "unknown");
		asy_emit_raw(e, "</td><td>");
		text_or(e, s->product, "not identified");
		asy_emit_raw(e, "</td><td class=\"id\">");
		text_or(e, s->row, "none");
		asy_emit_raw(e, "</td><td class=\"m\">");
		text_or(e, s->match, "?");
		asy_emit_raw(e, "</td></tr>\n");
	}
	if (d->n_services == 0)
		asy_emit_raw(e, "<tr><td colspan=\"5\" class=\"nil\">no "
		    "open service found and none declared</td></tr>\n");
	asy_emit_raw(e, "</tbody></table>\n</section>\n");
}

static void
inputs_tools(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<section id=\"inputs\">\n<h2>Inputs</h2>\n"
	    "<p class=\"muted\">The declarations and data this run read, as "
	    "copied into the run folder, with their SHA-256.</p>\n"
	    "<table class=\"list\"><thead><tr><th>Role</th><th>File</th>"
	    "<th>SHA-256</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->n_inputs; i++) {
		const struct asy_input_file *f = &r->inputs[i];

		asy_emit_raw(e, "<tr><td class=\"id\">");
		text_or(e, f->role, "?");
		asy_emit_raw(e, "</td><td>");
		file_link(h, f->path);
		asy_emit_raw(e, "<div class=\"origin\">copied from <span "
		    "class=\"path\">");
		text_or(e, f->origin, "unknown");
		asy_emit_raw(e, "</span></div></td><td><code class=\"sha\">");
		text_or(e, f->sha256, "none");
		asy_emit_raw(e, "</code></td></tr>\n");
	}
	if (r->n_inputs == 0)
		asy_emit_raw(e, "<tr><td colspan=\"3\" class=\"nil\">none "
		    "recorded</td></tr>\n");
	asy_emit_raw(e, "</tbody></table>\n</section>\n"
	    "<section id=\"tools\">\n<h2>Tools</h2>\n"
	    "<table class=\"list tools\">"
	    "<thead><tr><th>Tool</th><th>Version</th></tr></thead>\n"
	    "<tbody>\n");
	for (size_t i = 0; i < r->n_tools; i++) {
		asy_emit_raw(e, "<tr><td class=\"id\">");
		text_or(e, r->tools[i].name, "?");
		asy_emit_raw(e, "</td><td>");
		text_or(e, r->tools[i].version, "unknown");
		asy_emit_raw(e, "</td></tr>\n");
	}
	if (r->n_tools == 0)
		asy_emit_raw(e, "<tr><td colspan=\"2\" class=\"nil\">none "
		    "recorded</td></tr>\n");
	asy_emit_raw(e, "</tbody></table>\n</section>\n");
}

static void
legend(struct html *h, const struct asy_report *r)
{
	struct asy_emit *e = &h->e;

	asy_emit_raw(e, "<section id=\"legend\">\n<h2>Verdicts</h2>\n"
	    "<dl class=\"legend\">\n");
	for (size_t i = 0; i < ASY_ELEMENTSOF(order); i++) {
		asy_emit_raw(e, "<dt>");
		badge(e, order[i]);
		asy_emit_printf(e, "</dt><dd>%s</dd>\n", meaning[order[i]]);
	}
	asy_emit_raw(e, "</dl>\n<p class=\"muted\">A unit's pre-assessment "
	    "is the harness's proposal from declared facts; the verdict is "
	    "the one decided by the assessor or the harness as shown.  "
	    "Evidence paths are relative to the run folder, which also holds "
	    "the SHA-256 manifest of every file.</p>\n</section>\n"
	    "<footer>Generated by assay ");
	asy_emit_xml(e, r->assay_version);
	asy_emit_raw(e, " on ");
	text_or(e, r->date, "an unrecorded date");
	asy_emit_raw(e, ", run <span class=\"mono\">");
	text_or(e, r->run_id, "none");
	asy_emit_raw(e, "</span>.</footer>\n");
}

int
asy_report_render_html(const struct asy_report *r, struct asy_buf *out)
{
	struct html h;
	int e;

	asy_emit_init(&h.e, out);
	asy_buf_init(&h.scratch, 1 << 20);
	head(&h, r);
	identity(&h, r);
	overall(&h, r);
	filters(&h, r);
	summary(&h, r);
	if (r->discovery != NULL)
		discovery(&h, r->discovery);
	asy_emit_raw(&h.e, "<section id=\"details\">\n<h2>Results by test "
	    "group</h2>\n");
	for (size_t i = 0; i < r->n_groups; i++)
		group(&h, i, &r->groups[i]);
	asy_emit_raw(&h.e, "</section>\n");
	inputs_tools(&h, r);
	legend(&h, r);
	asy_emit_raw(&h.e, "</main>\n<script>");
	asy_emit_raw(&h.e, script);
	asy_emit_raw(&h.e, "</script>\n</body>\n</html>\n");
	e = asy_emit_end(&h.e);
	asy_buf_release(&h.scratch);
	return e;
}
