#include "labcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "catalogue.h"
#include "pki.h"
#include "error.h"
#include "util.h"
#include "xml.h"

/* The one variable a control argument may name. */
#define LABDIR_VAR	"${LABDIR}"

/* Cap on one control argument after ${LABDIR} is expanded. */
#define ARG_MAX_LEN	((size_t)1 << 20)

/* Cap on a secret: the first line of a file, at most this many bytes. */
#define SECRET_MAX	4096
#define KEY_MAX		65536	/* an ssh-key credential file */

/* Longest OS network interface name (IFNAMSIZ - 1 on Linux). */
#define IFNAME_MAX	15

#if ULONG_MAX > 0xffffffffUL
#define FILE_CAP_MAX	(64UL << 30)
#else
#define FILE_CAP_MAX	ULONG_MAX
#endif

/* State of one load: where diagnostics go and how paths resolve. */
struct loader {
	struct asy_lab		*lab;
	struct asy_diags	*d;
	const char		*file;		/* the lab file, for messages */
	char			*dir;		/* its folder, absolute */
	int			 nomem;		/* a copy failed */
	int			 scope_broken;	/* a <net> did not parse */
};

#define LERR(L, line, ...) \
	asy_diag_error((L)->d, (L)->file, (line), __VA_ARGS__)
#define LWARN(L, line, ...) \
	asy_diag_warn((L)->d, (L)->file, (line), __VA_ARGS__)

/* A heap copy of s (NULL stays NULL); remembers a failed copy. */
static char *
ldup(struct loader *L, const char *s)
{
	char *p;

	if (s == NULL)
		return NULL;
	p = strdup(s);
	if (p == NULL)
		L->nomem = 1;
	return p;
}

/*
 * A path from the file, resolved: absolute paths stay, relative ones are
 * taken from the lab file's folder.
 */
static char *
resolve(struct loader *L, const char *rel)
{
	char *p;

	if (rel == NULL)
		return NULL;
	if (rel[0] == '/')
		return ldup(L, rel);
	p = asy_path_join(L->dir, rel);
	if (p == NULL)
		L->nomem = 1;
	return p;
}

/* The absolute folder of path, or NULL (errno set). */
static char *
folder_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir, *abs;

	if (slash == NULL)
		dir = strdup(".");
	else if (slash == path)
		dir = strdup("/");
	else
		dir = asy_strndup(path, (size_t)(slash - path));
	if (dir == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	abs = realpath(dir, NULL);
	free(dir);
	return abs;
}

/* ---- Freeing ------------------------------------------------------------ */

static void
iface_release(struct asy_lab_iface *f)
{
	free(f->id);
	free(f->name);
	free(f->path);
	free(f->flow);
}

static void
cred_release(struct asy_lab_cred *c)
{
	free(c->id);
	free(c->user);
	free(c->file);
	free(c->env);
}

static void argv_release(char **argv, size_t argc);

static void
cmd_release(struct asy_lab_cmd *c)
{
	free(c->action);
	argv_release(c->argv, c->argc);
}

static void
argv_release(char **argv, size_t argc)
{
	if (argv != NULL)
		for (size_t i = 0; i < argc; i++)
			free(argv[i]);
	free(argv);
}

static void
step_release(struct asy_lab_step *st)
{
	free(st->text);
	argv_release(st->argv, st->argc);
}

static void
image_release(struct asy_lab_image *im)
{
	free(im->version);
	free(im->file);
	free(im->signature);
}

static void
update_release(struct asy_lab_update *u)
{
	free(u->mechanism);
	free(u->listen);
	free(u->base);
	free(u->sig_alg);
	free(u->ca_cert);
	free(u->ca_key);
	image_release(&u->installed);
	image_release(&u->newer);
	free(u->manifest);
	free(u->manifest_type);
	step_release(&u->point);
	step_release(&u->trigger);
	step_release(&u->version);
	step_release(&u->reset);
}

static void
dut_release(struct asy_lab_dut *t)
{
	free(t->name);
	free(t->ipv4);
	free(t->ipv6);
	free(t->mac);
	free(t->model);
	free(t->ics);
	free(t->ixit);
	free(t->answers);
	free(t->catalogue);
	free(t->creds);
	if (t->cred_for != NULL)
		for (size_t i = 0; i < t->n_creds; i++)
			free(t->cred_for[i]);
	free(t->cred_for);
	free(t->cred_limited);
	for (size_t i = 0; i < t->n_cmds; i++)
		cmd_release(&t->cmds[i]);
	free(t->cmds);
	for (size_t i = 0; i < t->n_updates; i++)
		update_release(&t->updates[i]);
	free(t->updates);
	step_release(&t->resil.configure);
	step_release(&t->resil.state);
	step_release(&t->erase.create);
	step_release(&t->erase.read);
	step_release(&t->erase.del);
	for (size_t i = 0; i < t->n_functions; i++) {
		free(t->functions[i].service);
		step_release(&t->functions[i].req);
	}
	free(t->functions);
	for (size_t i = 0; i < t->n_credchanges; i++) {
		free(t->credchanges[i].mechanism);
		step_release(&t->credchanges[i].change);
		step_release(&t->credchanges[i].check);
		step_release(&t->credchanges[i].restore);
	}
	free(t->credchanges);
	if (t->wifi != NULL) {
		free(t->wifi->capture);
		free(t->wifi->ssid);
		free(t->wifi->bssid);
		free(t->wifi->intf);
		free(t->wifi);
	}
}

void
asy_lab_free(struct asy_lab *lab)
{
	if (lab == NULL)
		return;
	free(lab->path);
	free(lab->scope);
	free(lab->name);
	free(lab->user);
	for (size_t i = 0; i < lab->n_ifaces; i++)
		iface_release(&lab->ifaces[i]);
	free(lab->ifaces);
	for (size_t i = 0; i < lab->n_creds; i++)
		cred_release(&lab->creds[i]);
	free(lab->creds);
	for (size_t i = 0; i < lab->n_duts; i++)
		dut_release(&lab->duts[i]);
	free(lab->duts);
	free(lab->tools.nmap);
	free(lab->tools.tshark);
	free(lab->scan.tcp_ports);
	free(lab->scan.scripts);
	for (size_t i = 0; i < lab->n_wordlists; i++)
		free(lab->wordlists[i]);
	free(lab->wordlists);
	free(lab);
}

/* ---- Lookups ------------------------------------------------------------ */

const struct asy_lab_dut *
asy_lab_dut(const struct asy_lab *lab, const char *name)
{
	if (lab == NULL)
		return NULL;
	if (name == NULL)
		return lab->n_duts == 1 ? &lab->duts[0] : NULL;
	for (size_t i = 0; i < lab->n_duts; i++)
		if (strcmp(lab->duts[i].name, name) == 0)
			return &lab->duts[i];
	return NULL;
}

const struct asy_lab_cmd *
asy_lab_cmd(const struct asy_lab_dut *dut, const char *action)
{
	if (dut == NULL || action == NULL)
		return NULL;
	for (size_t i = 0; i < dut->n_cmds; i++)
		if (strcmp(dut->cmds[i].action, action) == 0)
			return &dut->cmds[i];
	return NULL;
}

static const struct asy_lab_iface *
find_iface(const struct asy_lab *lab, const char *id)
{
	for (size_t i = 0; i < lab->n_ifaces; i++)
		if (strcmp(lab->ifaces[i].id, id) == 0)
			return &lab->ifaces[i];
	return NULL;
}

static const struct asy_lab_cred *
find_cred(const struct asy_lab *lab, const char *id)
{
	for (size_t i = 0; i < lab->n_creds; i++)
		if (strcmp(lab->creds[i].id, id) == 0)
			return &lab->creds[i];
	return NULL;
}

/* ---- Addresses and the scope -------------------------------------------- */

/*
 * Parse an address (text, nothing around it) into family and addr.  An
 * IPv4-mapped IPv6 address (::ffff:a.b.c.d) is taken as the IPv4 address
 * it reaches.  0 or -1.
 */
static int
parse_addr(const char *s, int *family, unsigned char addr[16])
{
	struct in_addr a4;
	struct in6_addr a6;

	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, &a4) == 1) {
		*family = AF_INET;
		memcpy(addr, &a4, 4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			*family = AF_INET;
			memcpy(addr, &a6.s6_addr[12], 4);
		} else {
			*family = AF_INET6;
			memcpy(addr, a6.s6_addr, 16);
		}
		return 0;
	}
	return -1;
}

static int
net_contains(const struct asy_lab_net *net, int family,
    const unsigned char *addr)
{
	unsigned full = net->prefix / 8, rest = net->prefix % 8;
	unsigned char mask;

	if (net->family != family)
		return 0;
	if (memcmp(net->addr, addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xffu << (8 - rest));
	return ((net->addr[full] ^ addr[full]) & mask) == 0;
}

int
asy_lab_in_scope(const struct asy_lab *lab, const char *addr)
{
	unsigned char a[16];
	int family;

	if (lab == NULL || addr == NULL || parse_addr(addr, &family, a) < 0)
		return 0;
	for (size_t i = 0; i < lab->n_scope; i++)
		if (net_contains(&lab->scope[i], family, a))
			return 1;
	return 0;
}

/*
 * One <net>: "address/prefix", IPv4 or IPv6, the prefix in range and not
 * 0 (a scope of everything limits nothing), no host bits set (a typo
 * there usually means a wrong prefix; the message gives the network).
 * A net with host bits set is still stored as its network, so that the
 * DUT addresses are not all reported a second time.
 */
static const unsigned char v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff,
};

static void
load_net(struct loader *L, const struct asy_xnode *n)
{
	struct asy_lab *lab = L->lab;
	const char *t = n->text, *slash = strchr(t, '/');
	struct asy_lab_net net = { 0 };
	char host[INET6_ADDRSTRLEN + 1];
	unsigned long prefix;
	unsigned max, full, rest;
	size_t hl;
	int bad_bits = 0;

	hl = slash != NULL ? (size_t)(slash - t) : strlen(t);
	if (hl >= sizeof(host)) {
		LERR(L, n->line, "scope network '%.64s' is not an IPv4 or IPv6 "
		    "network; write address/prefix, e.g. 198.18.0.0/15 or "
		    "2001:2::/48", t);
		L->scope_broken = 1;
		return;
	}
	memcpy(host, t, hl);
	host[hl] = '\0';
	if (inet_pton(AF_INET, host, net.addr) == 1) {
		net.family = AF_INET;
		max = 32;
	} else if (inet_pton(AF_INET6, host, net.addr) == 1) {
		net.family = AF_INET6;
		max = 128;
	} else {
		LERR(L, n->line, "scope network '%.64s' is not an IPv4 or IPv6 "
		    "network; write address/prefix, e.g. 198.18.0.0/15 or "
		    "2001:2::/48", t);
		L->scope_broken = 1;
		return;
	}
	if (slash == NULL) {
		LERR(L, n->line, "scope network '%s' has no prefix length; "
		    "write it as a network, e.g. %s/%u for this one address",
		    t, host, max);
		L->scope_broken = 1;
		return;
	}
	if (asy_parse_ulong(slash + 1, &prefix) < 0 || prefix > max) {
		LERR(L, n->line, "prefix length '/%.16s' of scope network '%s' "
		    "is not valid; use a decimal number from 1 to %u for an "
		    "IPv%c network", slash + 1, host, max,
		    net.family == AF_INET ? '4' : '6');
		L->scope_broken = 1;
		return;
	}
	/* ::ffff:a.b.c.d/96 and longer is IPv4 space, as
	 * asy_lab_in_scope() sees it. */
	if (net.family == AF_INET6 && prefix >= 96 &&
	    memcmp(net.addr, v4mapped, sizeof(v4mapped)) == 0) {
		net.family = AF_INET;
		memmove(net.addr, net.addr + 12, 4);
		memset(net.addr + 4, 0, 12);
		prefix -= 96;
		max = 32;
	}
	if (prefix == 0) {
		LERR(L, n->line, "scope network '%.80s' covers every IPv%c "
		    "address, so it would not limit where assay sends; list "
		    "only the lab's own networks", t,
		    net.family == AF_INET ? '4' : '6');
		return;
	}
	net.prefix = (unsigned)prefix;
	full = net.prefix / 8;
	rest = net.prefix % 8;
	if (rest != 0) {
		unsigned char mask = (unsigned char)(0xffu << (8 - rest));

		if ((net.addr[full] & ~mask) != 0)
			bad_bits = 1;
		net.addr[full] &= mask;
		full++;
	}
	for (unsigned i = full; i < max / 8; i++) {
		if (net.addr[i] != 0)
			bad_bits = 1;
		net.addr[i] = 0;
	}
	if (bad_bits) {
		char fixed[INET6_ADDRSTRLEN];

		if (inet_ntop(net.family, net.addr, fixed, sizeof(fixed)) ==
		    NULL)
			fixed[0] = '\0';
		LERR(L, n->line, "scope network '%.80s' has host bits set (the "
		    "bits after the first %u); write the network %s/%u, or "
		    "fix the prefix length", t, net.prefix, fixed, net.prefix);
	}
	lab->scope[lab->n_scope++] = net;
}

static void
load_scope(struct loader *L, const struct asy_xnode *scope)
{
	struct asy_lab *lab = L->lab;

	lab->scope = calloc(scope->n_children + 1, sizeof(*lab->scope));
	if (lab->scope == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < scope->n_children; i++)
		load_net(L, &scope->children[i]);
}

/* ---- Numbers ------------------------------------------------------------ */

/*
 * Read attribute attr of n as a decimal number in [min, max] into *out;
 * absent: *out keeps its default.  range says the range for a person.
 * 0, or -1 after a diagnostic.
 */
static int
get_num(struct loader *L, const struct asy_xnode *n, const char *attr,
    unsigned long min, unsigned long max, const char *range,
    unsigned long *out)
{
	const char *v = asy_xnode_attr(n, attr);
	unsigned long x;

	if (v == NULL)
		return 0;
	if (asy_parse_ulong(v, &x) < 0) {
		LERR(L, n->line, "%s '%.64s' of <%s> is not a decimal number; "
		    "write a plain number (no sign, unit or suffix) from %s",
		    attr, v, n->name, range);
		return -1;
	}
	if (x < min || x > max) {
		LERR(L, n->line, "%s %lu of <%s> is out of range; use %s",
		    attr, x, n->name, range);
		return -1;
	}
	*out = x;
	return 0;
}

/* Numbers of <capture> and <scan>: a table, with their defaults. */
struct num_attr {
	const char	*elem;
	const char	*attr;
	unsigned long	 min, max, def;
	const char	*range;
	size_t		 off;		/* of an unsigned long in asy_lab */
	int		 is_uint;	/* ... or of an unsigned */
};

static const struct num_attr num_attrs[] = {
	{ "capture", "snaplen", 64, 262144, 262144,
	  "64 to 262144 (bytes)",
	  offsetof(struct asy_lab, capture.snaplen), 0 },
	{ "capture", "buffer", 64UL << 10, 1UL << 30, 16UL << 20,
	  "65536 (64 KiB) to 1073741824 (1 GiB) (bytes)",
	  offsetof(struct asy_lab, capture.buffer), 0 },
	{ "capture", "file-cap", 1UL << 20, FILE_CAP_MAX, 1UL << 30,
	  "1048576 (1 MiB) to 68719476736 (64 GiB) (bytes)",
	  offsetof(struct asy_lab, capture.file_cap), 0 },
	{ "scan", "pps", 1, 1000000, 1000,
	  "1 to 1000000 (packets per second)",
	  offsetof(struct asy_lab, scan.pps), 0 },
	{ "scan", "udp-top", 0, 1000, 100,
	  "0 to 1000 (the most common UDP ports; 0: no UDP scan)",
	  offsetof(struct asy_lab, scan.udp_top), 0 },
	{ "scan", "timeout", 10, 86400, 900,
	  "10 to 86400 (seconds)",
	  offsetof(struct asy_lab, scan.timeout_s), 0 },
	{ "budget", "attempts", 1, 100000, 100,
	  "1 to 100000 (password guesses a login path)",
	  offsetof(struct asy_lab, budget.attempts), 0 },
	{ "budget", "seconds", 1, 86400, 60,
	  "1 to 86400 (seconds of guessing a login path)",
	  offsetof(struct asy_lab, budget.seconds), 0 },
	{ "budget", "workers", 1, 16, 4,
	  "1 to 16 (parallel connections while guessing)",
	  offsetof(struct asy_lab, budget.workers), 0 },
	{ "budget", "timeout", 100, 120000, 5000,
	  "100 to 120000 (milliseconds a request may take)",
	  offsetof(struct asy_lab, budget.timeout_ms), 0 },
	{ "budget", "fuzz-cases", 0, 100000, 200,
	  "0 to 100000 (malformed inputs an endpoint; 0: no fuzzing)",
	  offsetof(struct asy_lab, budget.fuzz_cases), 0 },
	{ "budget", "fuzz-seconds", 1, 86400, 60,
	  "1 to 86400 (seconds of fuzzing an endpoint)",
	  offsetof(struct asy_lab, budget.fuzz_seconds), 0 },
	{ "scan", "version-intensity", 0, 9, 7,
	  "0 to 9 (nmap --version-intensity)",
	  offsetof(struct asy_lab, scan.version_intensity), 1 },
};

static void
load_numbers(struct loader *L, const struct asy_xnode *root)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(num_attrs); i++) {
		const struct num_attr *a = &num_attrs[i];
		const struct asy_xnode *n = asy_xnode_child(root, a->elem);
		char *field = (char *)L->lab + a->off;
		unsigned long v = a->def;

		if (n != NULL)
			get_num(L, n, a->attr, a->min, a->max, a->range, &v);
		if (a->is_uint)
			*(unsigned *)(void *)field = (unsigned)v;
		else
			*(unsigned long *)(void *)field = v;
	}
}

/* ---- Lists: ports, scripts ---------------------------------------------- */

/* A port (1..65535) in s[0..n); 0 if it is not one. */
static unsigned long
port_of(const char *s, size_t n)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535 ? v : 0;
}

/*
 * tcp-ports: "" (no TCP), or items "PORT" or "LOW-HIGH" joined by commas,
 * every port 1..65535, LOW <= HIGH.  One diagnostic per bad item.
 */
static void
check_ports(struct loader *L, const struct asy_xnode *n, const char *v)
{
	const char *p = v;
	int bad = 0;

	if (*v == '\0')
		return;
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *dash = memchr(p, '-', len);
		unsigned long lo, hi;

		if (len == 0) {
			LERR(L, n->line, "tcp-ports '%.64s' has an empty item "
			    "(two commas in a row, or one at an end); write "
			    "ports and ranges joined by single commas, e.g. "
			    "22,80,443 or 1-1024,8080", v);
			bad = 1;
		} else if (dash == NULL) {
			if (port_of(p, len) == 0) {
				LERR(L, n->line, "'%.*s' in tcp-ports is not a "
				    "port; use numbers from 1 to 65535 and "
				    "ranges LOW-HIGH, e.g. 1-1024,8080",
				    (int)(len > 64 ? 64 : len), p);
				bad = 1;
			}
		} else {
			lo = port_of(p, (size_t)(dash - p));
			hi = port_of(dash + 1, len - (size_t)(dash - p) - 1);
			if (lo == 0 || hi == 0) {
				LERR(L, n->line, "'%.*s' in tcp-ports is not a "
				    "port range; write LOW-HIGH with ports "
				    "from 1 to 65535, e.g. 1-1024",
				    (int)(len > 64 ? 64 : len), p);
				bad = 1;
			} else if (lo > hi) {
				LERR(L, n->line, "range '%.*s' in tcp-ports "
				    "runs backwards; write the lower port "
				    "first: %lu-%lu", (int)len, p, hi, lo);
				bad = 1;
			}
		}
		if (bad || p[len] == '\0')
			break;
		p += len + 1;
	}
}

static int
script_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
}

/* scripts: NSE script or category names [a-z0-9-]+ joined by commas. */
static void
check_scripts(struct loader *L, const struct asy_xnode *n, const char *v)
{
	const char *p = v;

	for (;;) {
		size_t len = 0;

		while (script_char(p[len]))
			len++;
		if (len == 0 || (p[len] != ',' && p[len] != '\0') ||
		    (p[len] == ',' && p[len + 1] == '\0')) {
			LERR(L, n->line, "scripts '%.64s' is not a list of "
			    "script names; write names of lowercase letters, "
			    "digits and '-' joined by commas, e.g. "
			    "banner,ssl-enum-ciphers (no spaces, wildcards "
			    "or expressions)", v);
			return;
		}
		if (p[len] == '\0')
			return;
		p += len + 1;
	}
}

static void
load_scan(struct loader *L, const struct asy_xnode *root)
{
	struct asy_lab *lab = L->lab;
	const struct asy_xnode *n = asy_xnode_child(root, "scan");
	const char *ports = n ? asy_xnode_attr(n, "tcp-ports") : NULL;
	const char *scripts = n ? asy_xnode_attr(n, "scripts") : NULL;

	if (ports != NULL)
		check_ports(L, n, ports);
	lab->scan.tcp_ports = ldup(L, ports != NULL ? ports : "1-65535");
	if (scripts != NULL && *scripts != '\0') {
		check_scripts(L, n, scripts);
		lab->scan.scripts = ldup(L, scripts);
	}
}

/* <wordlist file="..."/>: more user:password pairs to try. */
static void
load_wordlists(struct loader *L, const struct asy_xnode *root)
{
	struct asy_lab *lab = L->lab;
	size_t n = 0;

	for (size_t i = 0; i < root->n_children; i++)
		if (strcmp(root->children[i].name, "wordlist") == 0)
			n++;
	if (n == 0)
		return;
	lab->wordlists = calloc(n, sizeof(*lab->wordlists));
	if (lab->wordlists == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *w = &root->children[i];
		char *path;

		if (strcmp(w->name, "wordlist") != 0)
			continue;
		path = resolve(L, asy_xnode_attr(w, "file"));
		if (path == NULL)
			continue;
		if (access(path, R_OK) != 0)
			LERR(L, w->line, "wordlist %.200s cannot be read (%s); "
			    "give the path of a file of user:password lines, "
			    "relative to this lab config", path,
			    strerror(errno));
		lab->wordlists[lab->n_wordlists++] = path;
	}
}

/* ---- The simple elements ------------------------------------------------ */

static void
load_capture(struct loader *L, const struct asy_xnode *root)
{
	const struct asy_xnode *n = asy_xnode_child(root, "capture");
	struct asy_lab *lab = L->lab;

	/* A kernel buffer smaller than one packet loses every big one. */
	if (n != NULL && asy_xnode_attr(n, "buffer") != NULL &&
	    lab->capture.buffer < lab->capture.snaplen)
		LERR(L, n->line, "capture buffer %lu is smaller than snaplen "
		    "%lu, so it cannot hold one whole packet; raise buffer or "
		    "lower snaplen", lab->capture.buffer, lab->capture.snaplen);
}

/* A tool: a bare name is looked up in PATH when run; a path with a '/'
 * is resolved like every other path of the file. */
static char *
load_tool(struct loader *L, const struct asy_xnode *n, const char *attr,
    const char *def)
{
	const char *v = n ? asy_xnode_attr(n, attr) : NULL;

	if (v == NULL)
		return ldup(L, def);
	if (asy_str_blank(v)) {
		LERR(L, n->line, "tool %s is blank; give the program's path, "
		    "or leave the attribute out to use '%s' from PATH", attr,
		    def);
		return NULL;
	}
	if (strchr(v, '/') == NULL)
		return ldup(L, v);
	return resolve(L, v);
}

static void
load_head(struct loader *L, const struct asy_xnode *root)
{
	struct asy_lab *lab = L->lab;
	const struct asy_xnode *n;
	const char *v;

	v = asy_xnode_attr(root, "format");
	if (v == NULL || strcmp(v, "1") != 0)
		LERR(L, root->line, "format \"%.20s\" is not supported: this "
		    "assay reads format 1; write the file in format 1 or "
		    "update assay", v ? v : "");
	v = asy_xnode_attr(root, "name");
	if (v == NULL || asy_str_blank(v))
		LERR(L, root->line, "the lab's name is blank; name the bench, "
		    "e.g. name=\"bench 2, room 114\"");
	lab->name = ldup(L, v ? v : "");

	lab->operator_mode = ASY_OPERATOR_NONE;
	n = asy_xnode_child(root, "operator");
	v = n ? asy_xnode_attr(n, "mode") : NULL;
	if (v != NULL && strcmp(v, "interactive") == 0)
		lab->operator_mode = ASY_OPERATOR_INTERACTIVE;
	else if (v != NULL && strcmp(v, "answers") == 0)
		lab->operator_mode = ASY_OPERATOR_ANSWERS;

	n = asy_xnode_child(root, "privileges");
	v = n ? asy_xnode_attr(n, "user") : NULL;
	if (v != NULL && (asy_str_blank(v) || strpbrk(v, " \t\r\n:/") !=
	    NULL)) {
		LERR(L, n->line, "privileges user '%.64s' is not an account "
		    "name; name the unprivileged account assay runs as, e.g. "
		    "user=\"assay\" (the default is nobody)", v);
		v = NULL;
	} else if (v != NULL && (strcmp(v, "root") == 0 ||
	    strcmp(v, "0") == 0)) {
		LWARN(L, n->line, "privileges user is %s, so assay keeps full "
		    "privileges after opening captures and sockets; name an "
		    "unprivileged account", v);
	}
	lab->user = ldup(L, v != NULL ? v : "nobody");

	n = asy_xnode_child(root, "tools");
	lab->tools.nmap = load_tool(L, n, "nmap", "nmap");
	lab->tools.tshark = load_tool(L, n, "tshark", "tshark");
}

/* ---- Interfaces --------------------------------------------------------- */

/* A Linux network interface name: 1..15 bytes, no '/', no white space. */
static int
ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > IFNAME_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' ||
		    s[i] == 0x7f)
			return 0;
	return 1;
}

/* The rates termios has a Bxxx constant for on Linux. */
static const unsigned long bauds[] = {
	50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
	19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
	1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000,
};

static void
load_serial(struct loader *L, const struct asy_xnode *n,
    struct asy_lab_iface *f)
{
	const char *v, *path = asy_xnode_attr(n, "path");
	unsigned long x;
	size_t i = 0;

	f->path = resolve(L, path ? path : "");
	f->baud = 115200;
	f->data_bits = 8;
	f->parity = 'n';
	f->stop_bits = 1;
	v = asy_xnode_attr(n, "baud");
	if (v != NULL) {
		x = 0;
		if (asy_parse_ulong(v, &x) == 0)
			for (i = 0; i < ASY_ELEMENTSOF(bauds); i++)
				if (bauds[i] == x)
					break;
		if (x == 0 || i == ASY_ELEMENTSOF(bauds))
			LERR(L, n->line, "baud '%.32s' of serial port %s is "
			    "not a standard rate; use one of 9600, 19200, "
			    "38400, 57600, 115200, 230400, 460800, 921600 (or "
			    "another termios rate from 50 to 4000000)", v,
			    f->id);
		else
			f->baud = x;
	}
	v = asy_xnode_attr(n, "data-bits");
	if (v != NULL) {
		if (asy_parse_ulong(v, &x) < 0 || x < 5 || x > 8)
			LERR(L, n->line, "data-bits '%.32s' of serial port %s "
			    "is not valid; use 5, 6, 7 or 8 (8 for almost "
			    "every device)", v, f->id);
		else
			f->data_bits = (unsigned)x;
	}
	v = asy_xnode_attr(n, "stop-bits");
	if (v != NULL) {
		if (asy_parse_ulong(v, &x) < 0 || x < 1 || x > 2)
			LERR(L, n->line, "stop-bits '%.32s' of serial port %s "
			    "is not valid; use 1 or 2", v, f->id);
		else
			f->stop_bits = (unsigned)x;
	}
	v = asy_xnode_attr(n, "parity");
	if (v != NULL && strcmp(v, "even") == 0)
		f->parity = 'e';
	else if (v != NULL && strcmp(v, "odd") == 0)
		f->parity = 'o';
	v = asy_xnode_attr(n, "flow");
	f->flow = ldup(L, v != NULL ? v : "none");
}

static void
load_ifaces(struct loader *L, const struct asy_xnode *list)
{
	struct asy_lab *lab = L->lab;

	/* Allocated once: DUTs keep pointers into it. */
	lab->ifaces = calloc(list->n_children + 1, sizeof(*lab->ifaces));
	if (lab->ifaces == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < list->n_children; i++) {
		const struct asy_xnode *n = &list->children[i];
		const char *id = asy_xnode_attr(n, "id");
		const struct asy_lab_iface *prev;
		struct asy_lab_iface *f;

		if (id == NULL)
			continue;
		prev = find_iface(lab, id);
		if (prev != NULL) {
			LERR(L, n->line, "interface ID '%s' is already used on "
			    "line %lu; give every interface (ethernet, wifi "
			    "and serial alike) its own ID", id, prev->line);
			continue;
		}
		f = &lab->ifaces[lab->n_ifaces++];
		f->id = ldup(L, id);
		f->line = n->line;
		if (f->id == NULL) {
			lab->n_ifaces--;
			continue;
		}
		if (strcmp(n->name, "serial") == 0) {
			f->kind = ASY_IFACE_SERIAL;
			load_serial(L, n, f);
			continue;
		}
		f->kind = strcmp(n->name, "wifi") == 0 ? ASY_IFACE_WIFI :
		    ASY_IFACE_ETHERNET;
		f->name = ldup(L, asy_xnode_attr(n, "name"));
		if (f->name != NULL && !ifname_ok(f->name))
			LERR(L, n->line, "'%.64s' (interface %s) is not a "
			    "network interface name; use the name 'ip link' "
			    "shows, at most %d characters without '/', ':' "
			    "or spaces", f->name, f->id, IFNAME_MAX);
		f->monitor = n->name[0] == 'w' &&
		    asy_xnode_attr(n, "monitor") != NULL &&
		    strcmp(asy_xnode_attr(n, "monitor"), "yes") == 0;
	}
}

/* ---- Credentials -------------------------------------------------------- */

static int
env_name_ok(const char *s)
{
	if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '_'))
			return 0;
	return 1;
}

static void
load_creds(struct loader *L, const struct asy_xnode *root)
{
	struct asy_lab *lab = L->lab;
	size_t n_creds = 0;

	for (size_t i = 0; i < root->n_children; i++)
		if (strcmp(root->children[i].name, "credential") == 0)
			n_creds++;
	/* Allocated once: DUTs keep pointers into it. */
	lab->creds = calloc(n_creds + 1, sizeof(*lab->creds));
	if (lab->creds == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *n = &root->children[i];
		const char *id, *file, *env;
		const struct asy_lab_cred *prev;
		struct asy_lab_cred *c;

		if (strcmp(n->name, "credential") != 0)
			continue;
		id = asy_xnode_attr(n, "id");
		file = asy_xnode_attr(n, "file");
		env = asy_xnode_attr(n, "env");
		if (id == NULL)
			continue;
		prev = find_cred(lab, id);
		if (prev != NULL) {
			LERR(L, n->line, "credential ID '%s' is already used "
			    "on line %lu; give every credential its own ID",
			    id, prev->line);
			continue;
		}
		if (file != NULL && env != NULL)
			LERR(L, n->line, "credential %s names both a file and "
			    "an environment variable; keep one of file= and "
			    "env=", id);
		else if (file == NULL && env == NULL)
			LERR(L, n->line, "credential %s says neither where its "
			    "secret is; add file=\"PATH\" (first line of the "
			    "file) or env=\"VARIABLE\"", id);
		if (env != NULL && !env_name_ok(env))
			LERR(L, n->line, "env '%.64s' of credential %s is not "
			    "an environment variable name; use capitals, "
			    "digits and '_', not starting with a digit, e.g. "
			    "ASSAY_ADMIN_PASSWORD", env, id);
		c = &lab->creds[lab->n_creds++];
		c->id = ldup(L, id);
		c->user = ldup(L, asy_xnode_attr(n, "user"));
		c->file = resolve(L, file);
		c->env = ldup(L, env);
		c->line = n->line;
		{
			const char *type = asy_xnode_attr(n, "type");

			c->ssh_key = type != NULL &&
			    strcmp(type, "ssh-key") == 0;
			if (c->ssh_key && env != NULL)
				LERR(L, n->line, "credential %s is an ssh-key "
				    "but names an environment variable; a "
				    "key is read from a file: use file=\"PATH\"",
				    id);
		}
		if (c->id == NULL) {
			cred_release(c);
			memset(c, 0, sizeof(*c));
			lab->n_creds--;
		}
	}
}

/* ---- DUTs --------------------------------------------------------------- */

/* Six hex pairs separated by ':' or '-'; stored lowercase with ':'. */
static char *
parse_mac(struct loader *L, const char *s)
{
	char out[18];
	static const char hex[] = "0123456789abcdef";

	if (strlen(s) != 17)
		return NULL;
	for (size_t i = 0; i < 17; i++) {
		char c = s[i];

		if (i % 3 == 2) {
			if (c != ':' && c != '-')
				return NULL;
			out[i] = ':';
			continue;
		}
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (strchr(hex, c) == NULL || c == '\0')
			return NULL;
		out[i] = c;
	}
	if (s[2] != s[5] || s[5] != s[8] || s[8] != s[11] || s[11] != s[14])
		return NULL;
	out[17] = '\0';
	return ldup(L, out);
}

/* <wifi> of a DUT: exactly one source, a network to look for. */
#define WIFI_SECONDS_DEF	30
#define WIFI_SSID_MAX		32

static void
load_wifi(struct loader *L, const struct asy_xnode *n, struct asy_lab_dut *t)
{
	const char *ifname = asy_xnode_attr(n, "interface");
	const char *capture = asy_xnode_attr(n, "capture");
	const char *ssid = asy_xnode_attr(n, "ssid");
	const char *bssid = asy_xnode_attr(n, "bssid");
	const char *intf = asy_xnode_attr(n, "intf");
	unsigned long secs = WIFI_SECONDS_DEF;
	struct asy_lab_wifi *w;
	struct stat st;

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		L->nomem = 1;
		return;
	}
	t->wifi = w;
	w->line = n->line;
	if ((ifname == NULL) == (capture == NULL))
		LERR(L, n->line, "<wifi> of DUT %s needs exactly one source; "
		    "give interface=\"ID\" (a <wifi monitor=\"yes\"> "
		    "interface) or capture=\"FILE.pcap\" (a recorded "
		    "onboarding), not %s", t->name, ifname == NULL ? "none" :
		    "both");
	if (ifname != NULL) {
		const struct asy_lab_iface *f = find_iface(L->lab, ifname);

		if (f == NULL)
			LERR(L, n->line, "<wifi> of DUT %s names interface "
			    "'%s', which is not defined; add <wifi id=\"%s\" "
			    "name=\"...\" monitor=\"yes\"/> to <interfaces> "
			    "or fix the ID", t->name, ifname, ifname);
		else if (f->kind != ASY_IFACE_WIFI || !f->monitor)
			LERR(L, n->line, "interface %s is not a Wi-Fi interface "
			    "in monitor mode, so it cannot hear the DUT's "
			    "onboarding; name a <wifi monitor=\"yes\"> "
			    "interface", ifname);
		else
			w->iface = f;
		if (get_num(L, n, "seconds", 1, 600, "1 to 600 (seconds)",
		    &secs) == 0)
			w->seconds = (unsigned)secs;
	} else if (asy_xnode_attr(n, "seconds") != NULL) {
		LERR(L, n->line, "seconds= is for listening on an interface; "
		    "a capture file is read whole, so remove seconds=");
	}
	if (capture != NULL) {
		w->capture = resolve(L, capture);
		if (w->capture != NULL && stat(w->capture, &st) < 0)
			LERR(L, n->line, "capture file '%.200s' does not exist "
			    "or cannot be read (%s); fix the path (a relative "
			    "path is relative to the lab file's folder)",
			    capture, strerror(errno));
		else if (w->capture != NULL && !S_ISREG(st.st_mode))
			LERR(L, n->line, "capture '%.200s' is not a regular "
			    "file; name the pcap file itself", capture);
	}
	if (ssid == NULL && bssid == NULL)
		LERR(L, n->line, "<wifi> of DUT %s does not say which network "
		    "is the DUT's; add ssid=\"...\" (its onboarding network's "
		    "name) or bssid=\"aa:bb:cc:dd:ee:ff\"", t->name);
	if (ssid != NULL && (*ssid == '\0' || strlen(ssid) > WIFI_SSID_MAX))
		LERR(L, n->line, "ssid '%.64s' is %s; an SSID is 1 to %d "
		    "bytes: give the network's name exactly, or bssid= for a "
		    "hidden one", ssid, *ssid ? "too long" : "empty",
		    WIFI_SSID_MAX);
	else
		w->ssid = ldup(L, ssid);
	if (bssid != NULL) {
		w->bssid = parse_mac(L, bssid);
		if (w->bssid == NULL && !L->nomem)
			LERR(L, n->line, "bssid '%.64s' is not a MAC address; "
			    "write six hex pairs separated by ':', e.g. "
			    "02:00:00:00:02:00", bssid);
	}
	w->intf = ldup(L, intf);
}

static void
load_address(struct loader *L, const struct asy_xnode *n,
    struct asy_lab_dut *t)
{
	const char *v4 = asy_xnode_attr(n, "ipv4");
	const char *v6 = asy_xnode_attr(n, "ipv6");
	const char *mac = asy_xnode_attr(n, "mac");
	unsigned char a[16];

	if (v4 != NULL) {
		if (inet_pton(AF_INET, v4, a) == 1)
			t->ipv4 = ldup(L, v4);
		else if (inet_pton(AF_INET6, v4, a) == 1)
			LERR(L, n->line, "ipv4 '%.64s' of DUT %s is an IPv6 "
			    "address; move it to ipv6=", v4, t->name);
		else
			LERR(L, n->line, "ipv4 '%.64s' of DUT %s is not an "
			    "IPv4 address; write four decimal numbers 0-255 "
			    "joined by dots, e.g. 198.18.0.20", v4, t->name);
	}
	if (v6 != NULL) {
		if (inet_pton(AF_INET6, v6, a) == 1)
			t->ipv6 = ldup(L, v6);
		else if (inet_pton(AF_INET, v6, a) == 1)
			LERR(L, n->line, "ipv6 '%.64s' of DUT %s is an IPv4 "
			    "address; move it to ipv4=", v6, t->name);
		else
			LERR(L, n->line, "ipv6 '%.64s' of DUT %s is not an "
			    "IPv6 address; write it as inet_pton() reads it, "
			    "e.g. 2001:2::20 (no brackets, prefix or %%zone)",
			    v6, t->name);
	}
	if (mac != NULL) {
		t->mac = parse_mac(L, mac);
		if (t->mac == NULL && !L->nomem)
			LERR(L, n->line, "mac '%.64s' of DUT %s is not a MAC "
			    "address; write six hex pairs joined by colons, "
			    "e.g. 02:00:5e:10:00:20", mac, t->name);
	}
}

/*
 * Every DUT address inside the scope.  The example network to list is the
 * address itself (an IPv4-mapped IPv6 address is its IPv4 address).
 */
static void
check_in_scope(struct loader *L, const struct asy_xnode *n,
    const struct asy_lab_dut *t, const char *addr)
{
	char text[INET6_ADDRSTRLEN];
	unsigned char a[16];
	int family;

	if (addr == NULL || L->scope_broken ||
	    asy_lab_in_scope(L->lab, addr))
		return;
	if (parse_addr(addr, &family, a) < 0 ||
	    inet_ntop(family, a, text, sizeof(text)) == NULL)
		return;
	LERR(L, n->line, "address %s of DUT %s is outside the lab's scope, "
	    "and assay never sends outside the scope; list its network in "
	    "<scope> (e.g. <net>%s/%u</net>) or fix the address", addr,
	    t->name, text, family == AF_INET ? 32 : 128);
}

/* One file of <declarations>: resolved, and a regular file. */
static char *
load_decl_file(struct loader *L, const struct asy_xnode *n,
    const char *attr)
{
	const char *v = asy_xnode_attr(n, attr);
	struct stat st;
	char *p;

	if (v == NULL)
		return NULL;
	p = resolve(L, v);
	if (p == NULL)
		return NULL;
	if (stat(p, &st) < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			LERR(L, n->line, "%s file '%.200s' does not exist "
			    "(looked for %.400s); fix the path (a relative "
			    "path is relative to the lab file's folder)", attr,
			    v, p);
		else
			LERR(L, n->line, "%s file '%.200s' cannot be checked "
			    "(%s); make it readable", attr, v,
			    strerror(errno));
	} else if (!S_ISREG(st.st_mode)) {
		LERR(L, n->line, "%s file '%.200s' (%.400s) is not a regular "
		    "file; name the XML file itself", attr, v, p);
	} else {
		/* Without the "dir/../" of a relative path, for messages and
		 * reports. */
		char *canon = realpath(p, NULL);

		if (canon != NULL) {
			free(p);
			p = canon;
		}
	}
	return p;
}

static void
load_uses(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	size_t n_uses = 0;

	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "uses") == 0)
			n_uses++;
	t->creds = calloc(n_uses + 1, sizeof(*t->creds));
	t->cred_for = calloc(n_uses + 1, sizeof(*t->cred_for));
	t->cred_limited = calloc(n_uses + 1, sizeof(*t->cred_limited));
	if (t->creds == NULL || t->cred_for == NULL ||
	    t->cred_limited == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < dn->n_children; i++) {
		const struct asy_xnode *n = &dn->children[i];
		const char *id, *priv;
		const struct asy_lab_cred *c;
		size_t k;

		if (strcmp(n->name, "uses") != 0)
			continue;
		id = asy_xnode_attr(n, "credential");
		if (id == NULL)
			continue;
		priv = asy_xnode_attr(n, "privilege");
		c = find_cred(L->lab, id);
		if (c == NULL) {
			LERR(L, n->line, "DUT %s uses credential '%s', which "
			    "is not defined; add <credential id=\"%s\" .../> "
			    "before the DUTs or fix the ID", t->name, id, id);
			continue;
		}
		for (k = 0; k < t->n_creds; k++)
			if (t->creds[k] == c)
				break;
		if (k < t->n_creds) {
			LERR(L, n->line, "DUT %s uses credential %s twice; "
			    "keep one <uses>", t->name, id);
			continue;
		}
		if (asy_xnode_attr(n, "for") != NULL) {
			t->cred_for[t->n_creds] = ldup(L,
			    asy_xnode_attr(n, "for"));
			if (t->cred_for[t->n_creds] == NULL)
				continue;
		}
		if (priv != NULL && strcmp(priv, "limited") == 0) {
			if (c->ssh_key || c->user == NULL)
				LERR(L, n->line, "DUT %s uses credential %s as a "
				    "limited one, but it is not a user with a "
				    "password; a lower-privileged account needs "
				    "user= and a password file or variable",
				    t->name, id);
			t->cred_limited[t->n_creds] = 1;
		}
		t->creds[t->n_creds++] = c;
	}
}

/* Replace every ${LABDIR} in s by the lab's folder into a fresh string. */
static char *
expand_arg(struct loader *L, const struct asy_xnode *n, const char *s)
{
	struct asy_buf b;
	const char *p = s, *hit;
	char *out = NULL;
	int r = 0;

	asy_buf_init(&b, ARG_MAX_LEN);
	for (;;) {
		hit = strstr(p, LABDIR_VAR);
		if (hit == NULL)
			break;
		r = asy_buf_add(&b, p, (size_t)(hit - p));
		if (r == 0)
			r = asy_buf_puts(&b, L->dir);
		if (r < 0)
			break;
		p = hit + strlen(LABDIR_VAR);
	}
	if (r == 0)
		r = asy_buf_puts(&b, p);
	if (r == ASY_E_TOOBIG)
		LERR(L, n->line, "an argument is longer than %zu bytes once "
		    "${LABDIR} is expanded; shorten it", ARG_MAX_LEN);
	else if (r < 0)
		L->nomem = 1;
	else
		out = asy_buf_steal(&b);
	asy_buf_release(&b);
	return out;
}

/* The <arg> children of n into a NULL-terminated argv (what names the
 * command in messages). */
static void
load_argv(struct loader *L, const struct asy_xnode *n, const char *what,
    const struct asy_lab_dut *t, char ***argvp, size_t *argcp)
{
	size_t n_args = 0, argc = 0;
	char **argv;

	for (size_t i = 0; i < n->n_children; i++)
		if (strcmp(n->children[i].name, "arg") == 0)
			n_args++;
	argv = calloc(n_args + 1, sizeof(*argv));
	if (argv == NULL) {
		L->nomem = 1;
		return;
	}
	*argvp = argv;
	for (size_t i = 0; i < n->n_children; i++) {
		const struct asy_xnode *a = &n->children[i];
		const char *var;

		if (strcmp(a->name, "arg") != 0)
			continue;
		if (argc == 0 && asy_str_blank(a->text))
			LERR(L, a->line, "the program of the %s command of "
			    "DUT %s is empty; put the program's path in the "
			    "first <arg>", what, t->name);
		var = strstr(a->text, "${");
		while (var != NULL && strncmp(var, LABDIR_VAR,
		    strlen(LABDIR_VAR)) == 0)
			var = strstr(var + 1, "${");
		if (var != NULL)
			LWARN(L, a->line, "'%.32s' in an argument of the %s "
			    "command stays as it is: commands run without a "
			    "shell and only ${LABDIR} is replaced; write the "
			    "value out", var, what);
		argv[argc] = expand_arg(L, a, a->text);
		if (argv[argc] == NULL)
			return;
		*argcp = ++argc;
	}
}

static void
load_control(struct loader *L, const struct asy_xnode *n,
    struct asy_lab_dut *t)
{
	const char *action = asy_xnode_attr(n, "action");
	const struct asy_lab_cmd *prev;
	struct asy_lab_cmd *c;
	unsigned long secs = 30;
	size_t n_args = 0;

	if (action == NULL)
		return;
	prev = asy_lab_cmd(t, action);
	if (prev != NULL) {
		LERR(L, n->line, "DUT %s has a second %s command (the first is "
		    "on line %lu); keep one <control action=\"%s\">", t->name,
		    action, prev->line, action);
		return;
	}
	get_num(L, n, "timeout", 1, 3600, "1 to 3600 (seconds)", &secs);
	for (size_t i = 0; i < n->n_children; i++)
		if (strcmp(n->children[i].name, "arg") == 0)
			n_args++;
	if (n_args == 0) {
		LERR(L, n->line, "the %s command of DUT %s has no <arg>; give "
		    "the program and its arguments, one <arg> each", action,
		    t->name);
		return;
	}
	c = &t->cmds[t->n_cmds++];
	c->action = ldup(L, action);
	c->timeout_ms = secs * 1000;
	c->line = n->line;
	load_argv(L, n, action, t, &c->argv, &c->argc);
}

/* Turning a DUT off or its network down needs the way back. */
static void
check_pairs(struct loader *L, const struct asy_xnode *dn,
    const struct asy_lab_dut *t)
{
	static const char *const pairs[][2] = {
		{ "power-off", "power-on" },
		{ "network-down", "network-up" },
	};

	for (size_t i = 0; i < ASY_ELEMENTSOF(pairs); i++) {
		const struct asy_lab_cmd *c = asy_lab_cmd(t, pairs[i][0]);

		if (c != NULL && asy_lab_cmd(t, pairs[i][1]) == NULL)
			LWARN(L, c->line, "DUT %s has a %s command but no %s, "
			    "so a test could leave it %s; add <control "
			    "action=\"%s\">", t->name, pairs[i][0],
			    pairs[i][1], i == 0 ? "off" : "offline",
			    pairs[i][1]);
	}
}

/* ---- Update sessions ---------------------------------------------------- */

static int
ascii_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/* A heap copy of s without leading and trailing white space. */
static char *
ldup_trim(struct loader *L, const char *s)
{
	const char *e;
	char *out;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	out = strndup(s, (size_t)(e - s));
	if (out == NULL)
		L->nomem = 1;
	return out;
}

/* A version as devices print it: [0-9A-Za-z._+-], 1 to 32 bytes. */
static int
version_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ascii_alnum(s[i]) && strchr("._+-", s[i]) == NULL)
			return 0;
	return 1;
}

/* A URL path prefix: '/' first and last, [A-Za-z0-9._/-] between, no
 * "..". */
static int
base_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 128 || s[0] != '/' || s[n - 1] != '/' ||
	    strstr(s, "..") != NULL || strstr(s, "//") != NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!ascii_alnum(s[i]) && strchr("._/-", s[i]) == NULL)
			return 0;
	return 1;
}

/* The steps of <erase>, <function> and <resilience><configure> take
 * {token}; those of <update> {url} and {ca}. */
static int
erase_step(const char *name)
{
	return strcmp(name, "create") == 0 || strcmp(name, "read") == 0 ||
	    strcmp(name, "delete") == 0 || strcmp(name, "function") == 0 ||
	    strcmp(name, "configure") == 0;
}

/* The steps of <credential-change>: {old} and {new} in <change> and
 * <restore>, nothing in <check>. */
static int
credchange_step(const char *name)
{
	return strcmp(name, "change") == 0 || strcmp(name, "check") == 0 ||
	    strcmp(name, "restore") == 0;
}

static void
check_cc_placeholders(struct loader *L, const struct asy_xnode *n,
    const char *text)
{
	int check = strcmp(n->name, "check") == 0;

	for (const char *p = strchr(text, '{'); p != NULL;
	    p = strchr(p + 1, '{')) {
		if (!check && (strncmp(p, "{old}", 5) == 0 ||
		    strncmp(p, "{new}", 5) == 0))
			continue;
		if (check)
			LERR(L, n->line, "'%.16s' in <check> is not replaced; "
			    "<check> is made with the credential's user and "
			    "the value assay tries, so write the request out",
			    p);
		else
			LERR(L, n->line, "'%.16s' in <%s> is not a "
			    "placeholder assay knows; use {new} (the value "
			    "assay makes for the run) or {old} (the lab's)",
			    p, n->name);
		return;
	}
}

/* Placeholders in a step's text: {url} and {ca}, or {token}. */
static void
check_placeholders(struct loader *L, const struct asy_xnode *n,
    const char *text)
{
	int erase = erase_step(n->name);

	if (credchange_step(n->name)) {
		check_cc_placeholders(L, n, text);
		return;
	}

	for (const char *p = strchr(text, '{'); p != NULL;
	    p = strchr(p + 1, '{')) {
		if (!erase && strcmp(n->name, "state") != 0 &&
		    (strncmp(p, "{url}", 5) == 0 ||
		    strncmp(p, "{ca}", 4) == 0))
			continue;
		if (erase && strncmp(p, "{token}", 7) == 0)
			continue;
		if (erase)
			LERR(L, n->line, "'%.16s' in <%s> is not a placeholder "
			    "assay knows; use {token} (the marker assay "
			    "makes for the user data)", p, n->name);
		else if (strcmp(n->name, "state") == 0)
			LERR(L, n->line, "'%.16s' in <state> is not "
			    "replaced; write the value out", p);
		else
			LERR(L, n->line, "'%.16s' in <%s> is not a "
			    "placeholder assay knows; use {url} (the "
			    "manifest's address on assay's server) or {ca} "
			    "(the lab CA's certificate file)", p, n->name);
		return;
	}
}

static int
dut_uses(const struct asy_lab_dut *t, const struct asy_lab_cred *c)
{
	for (size_t i = 0; i < t->n_creds; i++)
		if (t->creds[i] == c)
			return 1;
	return 0;
}

static const struct {
	const char	*name;
	enum asy_lab_via via;
} vias[] = {
	{ "http",	ASY_VIA_HTTP },
	{ "ssh",	ASY_VIA_SSH },
	{ "command",	ASY_VIA_COMMAND },
	{ "wait",	ASY_VIA_WAIT },
	{ "serial",	ASY_VIA_SERIAL },
};

static void parse_step(struct loader *L, const struct asy_xnode *n,
    const char *name, const struct asy_lab_dut *t, struct asy_lab_step *st);

static void
load_step(struct loader *L, const struct asy_xnode *un, const char *name,
    const struct asy_lab_dut *t, struct asy_lab_step *st)
{
	const struct asy_xnode *n = asy_xnode_child(un, name);

	if (n != NULL)
		parse_step(L, n, name, t, st);
}

/* One step element n (<name>) into st. */
static void
parse_step(struct loader *L, const struct asy_xnode *n, const char *name,
    const struct asy_lab_dut *t, struct asy_lab_step *st)
{
	const char *via, *v;
	unsigned long secs = 30, port = 0;

	st->line = n->line;
	via = asy_xnode_attr(n, "via");
	for (size_t i = 0; via != NULL && i < ASY_ELEMENTSOF(vias); i++)
		if (strcmp(via, vias[i].name) == 0)
			st->via = vias[i].via;
	if (st->via == ASY_VIA_NONE) {
		LERR(L, n->line, "<%s> has no via=\"http|ssh|serial|command\"; "
		    "say how assay reaches the device for this step", name);
		return;
	}
	if (st->via == ASY_VIA_WAIT && strcmp(name, "trigger") != 0 &&
	    strcmp(name, "state") != 0) {
		LERR(L, n->line, "<%s via=\"wait\"> is only for <trigger> "
		    "(waiting for the device's own check); read the version "
		    "over http, ssh or a command", name);
		return;
	}
	get_num(L, n, "timeout", 1, 600, "1 to 600 (seconds)", &secs);
	st->timeout_ms = secs * 1000;
	if (get_num(L, n, "port", 1, 65535, "1 to 65535", &port) == 0)
		st->port = (unsigned)port;
	v = asy_xnode_attr(n, "tls");
	st->tls = v != NULL && strcmp(v, "yes") == 0;
	v = asy_xnode_attr(n, "credential");
	if (v != NULL) {
		st->cred = find_cred(L->lab, v);
		if (st->cred == NULL)
			LERR(L, n->line, "<%s> uses credential '%s', which is "
			    "not defined; add <credential id=\"%s\" .../> or "
			    "fix the ID", name, v, v);
		else if (!dut_uses(t, st->cred))
			LERR(L, n->line, "<%s> uses credential %s, but DUT %s "
			    "has no <uses credential=\"%s\"/>; add it (assay "
			    "reads only the secrets a DUT uses)", name, v,
			    t->name, v);
	}
	switch (st->via) {
	case ASY_VIA_COMMAND:
		load_argv(L, n, name, t, &st->argv, &st->argc);
		if (st->argc == 0)
			LERR(L, n->line, "<%s via=\"command\"> has no <arg>; "
			    "give the program and its arguments, one <arg> "
			    "each", name);
		break;
	case ASY_VIA_HTTP:
	case ASY_VIA_SSH:
	case ASY_VIA_SERIAL:
		if (st->via == ASY_VIA_SERIAL && t->serial == NULL)
			LERR(L, n->line, "<%s via=\"serial\">, but DUT %s has "
			    "no serial port; add serial=\"ID\" to its <dut>",
			    name, t->name);
		if (st->via == ASY_VIA_SERIAL && st->cred != NULL &&
		    (st->cred->ssh_key || st->cred->user == NULL))
			LERR(L, n->line, "<%s via=\"serial\"> logs in at the "
			    "console's prompt with a user and a password; "
			    "credential %s is not one", name, st->cred->id);
		if (n->text == NULL || asy_str_blank(n->text)) {
			LERR(L, n->line, "<%s via=\"%s\"> is empty; write the "
			    "%s inside it", name, via, st->via != ASY_VIA_HTTP ?
			    "command to run on the device" :
			    strcmp(name, "function") == 0 ? "request target "
			    "(\"/admin/config.cgi?name={token}\")" : "request "
			    "target (\"/cgi-bin/update.cgi?url={url}\")");
			break;
		}
		st->text = ldup_trim(L, n->text);
		if (st->text == NULL)
			break;
		if (st->via == ASY_VIA_HTTP && (st->text[0] != '/' ||
		    strpbrk(st->text, " \t\r\n") != NULL))
			LERR(L, n->line, "the request target of <%s> is not "
			    "a path; start it with '/' and leave out white "
			    "space", name);
		if (strpbrk(st->text, "\r\n") != NULL)
			LERR(L, n->line, "the command of <%s> is on several "
			    "lines; write it on one line", name);
		check_placeholders(L, n, st->text);
		if (st->via == ASY_VIA_SSH && (st->cred == NULL ||
		    st->cred->user == NULL))
			LERR(L, n->line, "<%s via=\"ssh\"> has no account "
			    "to log in with; add credential=\"ID\" naming a "
			    "credential with a user", name);
		break;
	default:
		break;
	}
}

static void
load_image(struct loader *L, const struct asy_xnode *n,
    const struct asy_lab_update *u, struct asy_lab_image *im)
{
	const char *v = asy_xnode_attr(n, "version");

	if (im->line != 0) {
		LERR(L, n->line, "a second <image role=\"%s\"> (the first is "
		    "on line %lu); keep one", asy_xnode_attr(n, "role"),
		    im->line);
		return;
	}
	im->line = n->line;
	if (v != NULL && !version_ok(v))
		LERR(L, n->line, "version '%.40s' of <image> is not a version; use "
		    "1 to 32 of [0-9A-Za-z._+-], as the device reports it", v);
	im->version = ldup(L, v);
	im->file = resolve(L, asy_xnode_attr(n, "file"));
	im->signature = resolve(L, asy_xnode_attr(n, "signature"));
	if (u->sig_alg != NULL && asy_xnode_attr(n, "signature") == NULL)
		LERR(L, n->line, "the mechanism's images are signed "
		    "(signature=\"%s\" on <update>) but this <image> names "
		    "no signature file; add signature=\"FILE\"", u->sig_alg);
}

static void
load_update(struct loader *L, const struct asy_xnode *n,
    struct asy_lab_dut *t, struct asy_lab_update *u)
{
	const struct asy_xnode *ca, *mf;
	unsigned long port = 0, secs;
	const char *v;

	u->line = n->line;
	u->mechanism = ldup(L, asy_xnode_attr(n, "mechanism"));
	v = asy_xnode_attr(n, "scheme");
	u->tls = v != NULL && strcmp(v, "https") == 0;
	v = asy_xnode_attr(n, "listen");
	if (v != NULL) {
		int family;
		unsigned char a[16];

		if (parse_addr(v, &family, a) < 0)
			LERR(L, n->line, "listen '%.64s' of <update> is not an "
			    "IPv4 or IPv6 address; give the lab's address on "
			    "the DUT's network, e.g. 198.18.2.1", v);
		else if (!asy_lab_in_scope(L->lab, v))
			LERR(L, n->line, "listen %s of <update> is outside the "
			    "lab's <scope>; the update server must sit on the "
			    "DUT's network", v);
		u->listen = ldup(L, v);
	}
	if (get_num(L, n, "port", 1, 65535, "1 to 65535", &port) == 0)
		u->port = (unsigned)port;
	v = asy_xnode_attr(n, "base");
	if (v == NULL)
		v = "/";
	if (!base_ok(v))
		LERR(L, n->line, "base '%.64s' of <update> must start and end "
		    "with '/' and hold only [A-Za-z0-9._/-]; write e.g. \"/h1/\"",
		    v);
	u->base = ldup(L, v);
	v = asy_xnode_attr(n, "signature");
	if (v != NULL && !asy_pki_alg_known(v))
		LERR(L, n->line, "signature '%.32s' of <update> is not one "
		    "assay can make; use ecdsa-p256-sha256, "
		    "ecdsa-p384-sha384, rsa2048-sha256, rsa3072-sha256 or "
		    "ed25519", v);
	u->sig_alg = ldup(L, v);
	get_num(L, n, "max-size", 1, 1UL << 30, "1 to 1073741824 (bytes)",
	    &u->max_size);
	secs = 30;
	get_num(L, n, "wait", 1, 3600, "1 to 3600 (seconds)", &secs);
	u->wait_ms = secs * 1000;
	secs = 10;
	get_num(L, n, "settle", 0, 3600, "0 to 3600 (seconds)", &secs);
	u->settle_ms = secs * 1000;
	secs = 0;
	get_num(L, n, "observe", 0, 86400, "0 to 86400 (seconds)", &secs);
	u->observe_ms = secs * 1000;

	ca = asy_xnode_child(n, "ca");
	if (ca != NULL) {
		u->ca_cert = resolve(L, asy_xnode_attr(ca, "cert"));
		u->ca_key = resolve(L, asy_xnode_attr(ca, "key"));
	} else if (u->tls)
		LERR(L, n->line, "<update scheme=\"https\"> needs <ca "
		    "cert=\"FILE\" key=\"FILE\"/> for the lab's update "
		    "CA; add it (assay makes both files when neither "
		    "exists)");
	for (size_t i = 0; i < n->n_children; i++) {
		const struct asy_xnode *c = &n->children[i];

		if (strcmp(c->name, "image") != 0)
			continue;
		v = asy_xnode_attr(c, "role");
		load_image(L, c, u, v != NULL && strcmp(v, "new") == 0 ?
		    &u->newer : &u->installed);
	}
	if (u->installed.line == 0 || u->newer.line == 0)
		LERR(L, n->line, "<update> needs two genuine images; give "
		    "<image role=\"installed\" .../> (the version on the "
		    "device) and <image role=\"new\" .../> (a newer one)");
	else if (u->installed.version != NULL && u->newer.version != NULL &&
	    strcmp(u->installed.version, u->newer.version) == 0)
		LERR(L, u->newer.line, "the new image has the installed "
		    "version %s; give a newer release", u->newer.version);
	mf = asy_xnode_child(n, "manifest");
	if (mf != NULL) {
		if (mf->text == NULL || asy_str_blank(mf->text))
			LERR(L, mf->line, "<manifest> is empty; write the "
			    "template, or leave it out for assay's JSON");
		else
			u->manifest = ldup(L, mf->text);
		v = asy_xnode_attr(mf, "type");
		u->manifest_type = ldup(L, v != NULL ? v : "text/plain");
	}
	load_step(L, n, "point", t, &u->point);
	load_step(L, n, "trigger", t, &u->trigger);
	load_step(L, n, "version", t, &u->version);
	load_step(L, n, "reset", t, &u->reset);
}

static void
load_updates(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	size_t n = 0;

	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "update") == 0)
			n++;
	t->updates = calloc(n + 1, sizeof(*t->updates));
	if (t->updates == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < dn->n_children; i++) {
		const struct asy_xnode *c = &dn->children[i];
		const char *mech = asy_xnode_attr(c, "mechanism");

		if (strcmp(c->name, "update") != 0 || mech == NULL)
			continue;
		if (asy_lab_update_for(t, mech) != NULL) {
			LERR(L, c->line, "DUT %s has a second <update> for %s; "
			    "keep one", t->name, mech);
			continue;
		}
		load_update(L, c, t, &t->updates[t->n_updates++]);
	}
}

const struct asy_lab_update *
asy_lab_update_for(const struct asy_lab_dut *dut, const char *mech_id)
{
	for (size_t i = 0; i < dut->n_updates; i++)
		if (dut->updates[i].mechanism != NULL &&
		    strcmp(dut->updates[i].mechanism, mech_id) == 0)
			return &dut->updates[i];
	return NULL;
}

/* <resilience>: outages for 5.9; needs the control commands it uses. */
static void
load_resilience(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	const struct asy_xnode *n = asy_xnode_child(dn, "resilience");
	struct asy_lab_resilience *rs = &t->resil;
	unsigned long outage = 10, recover = 120, observe = 0;

	if (n == NULL)
		return;
	rs->line = n->line;
	get_num(L, n, "outage", 1, 3600, "1 to 3600 (seconds)", &outage);
	get_num(L, n, "recover", 1, 3600, "1 to 3600 (seconds)", &recover);
	get_num(L, n, "observe", 0, 3600, "0 to 3600 (seconds)", &observe);
	rs->outage_ms = outage * 1000;
	rs->recover_ms = recover * 1000;
	rs->observe_ms = observe * 1000;
	load_step(L, n, "configure", t, &rs->configure);
	if (rs->configure.via == ASY_VIA_WAIT)
		LERR(L, rs->configure.line, "<configure> changes the DUT's "
		    "settings; give it via=\"http\", \"ssh\", \"serial\" or "
		    "\"command\"");
	load_step(L, n, "state", t, &rs->state);
	if (rs->state.via == ASY_VIA_WAIT)
		LERR(L, rs->state.line, "<state> reads the DUT's settings; "
		    "give it via=\"http\", \"ssh\", \"serial\" or "
		    "\"command\"");
	if (asy_lab_cmd(t, "network-down") == NULL &&
	    asy_lab_cmd(t, "power-off") == NULL)
		LERR(L, n->line, "<resilience> for DUT %s, but it has no "
		    "<control action=\"network-down\"> or \"power-off\"> "
		    "to make an outage with; add them, or remove "
		    "<resilience> (the outage tests are then an operator's)",
		    t->name);
}

/* <erase>: create, read and delete user data for 5.11-1-2. */
static void
load_erase(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	const struct asy_xnode *n = asy_xnode_child(dn, "erase");
	struct asy_lab_erase *e = &t->erase;
	unsigned long settle = 120;
	static const char *const names[] = { "create", "read", "delete" };
	struct asy_lab_step *steps[] = { &e->create, &e->read, &e->del };

	if (n == NULL)
		return;
	e->line = n->line;
	get_num(L, n, "settle", 1, 3600, "1 to 3600 (seconds)", &settle);
	e->settle_ms = settle * 1000;
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		load_step(L, n, names[i], t, steps[i]);
		if (asy_xnode_child(n, names[i]) == NULL)
			LERR(L, n->line, "<erase> of DUT %s has no <%s>; "
			    "it needs <create>, <read> and <delete>",
			    t->name, names[i]);
	}
}

/*
 * <function service= privilege= changes=>: the requests of 5.5-4-2 and
 * 5.5-5-2 a.  HTTP only: its answer's status tells granted (2xx) from
 * refused (401, 403).
 */
static void
load_functions(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	size_t n_fn = 0;

	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "function") == 0)
			n_fn++;
	if (n_fn == 0)
		return;
	t->functions = calloc(n_fn, sizeof(*t->functions));
	if (t->functions == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < dn->n_children; i++) {
		const struct asy_xnode *n = &dn->children[i];
		struct asy_lab_function *f;
		const char *v;

		if (strcmp(n->name, "function") != 0)
			continue;
		f = &t->functions[t->n_functions++];
		f->line = n->line;
		f->service = ldup(L, asy_xnode_attr(n, "service"));
		v = asy_xnode_attr(n, "privilege");
		f->admin_only = v == NULL || strcmp(v, "any") != 0;
		v = asy_xnode_attr(n, "changes");
		f->changes = v != NULL && strcmp(v, "yes") == 0;
		parse_step(L, n, "function", t, &f->req);
		if (f->req.via != ASY_VIA_NONE && f->req.via != ASY_VIA_HTTP)
			LERR(L, n->line, "<function via=\"%s\"> of DUT %s: "
			    "assay sends functions over HTTP only, where the "
			    "status tells granted from refused; use "
			    "via=\"http\" with the request target",
			    asy_xnode_attr(n, "via"), t->name);
		if (f->req.cred != NULL && (f->req.cred->ssh_key ||
		    f->req.cred->user == NULL))
			LERR(L, n->line, "<function> of DUT %s names "
			    "credential %s, which is not a user with a "
			    "password; name the admin's web account",
			    t->name, f->req.cred->id);
		for (size_t k = 0; k < t->n_creds && f->req.cred != NULL; k++)
			if (t->creds[k] == f->req.cred && t->cred_limited[k])
				LERR(L, n->line, "<function> of DUT %s names "
				    "credential %s, which the DUT uses as a "
				    "limited one; name the admin's credential "
				    "(assay tries the limited one itself)",
				    t->name, f->req.cred->id);
	}
}

/* Does the step's text (or one of its arguments) hold what? */
static int
step_has(const struct asy_lab_step *st, const char *what)
{
	if (st->text != NULL && strstr(st->text, what) != NULL)
		return 1;
	for (size_t i = 0; i < st->argc; i++)
		if (strstr(st->argv[i], what) != NULL)
			return 1;
	return 0;
}

/* One <credential-change>: 5.1-4-2 for an IXIT 1-AuthMech row. */
static void
load_credchange(struct loader *L, const struct asy_xnode *n,
    struct asy_lab_dut *t, struct asy_lab_credchange *cc)
{
	static const char *const names[] = { "change", "check", "restore" };
	struct asy_lab_step *steps[] = { &cc->change, &cc->check,
	    &cc->restore };
	unsigned long settle = 10;
	const char *v;

	cc->line = n->line;
	cc->mechanism = ldup(L, asy_xnode_attr(n, "mechanism"));
	get_num(L, n, "settle", 0, 600, "0 to 600 (seconds)", &settle);
	cc->settle_ms = settle * 1000;
	v = asy_xnode_attr(n, "credential");
	if (v != NULL) {
		cc->cred = find_cred(L->lab, v);
		if (cc->cred == NULL)
			LERR(L, n->line, "<credential-change> changes "
			    "credential '%s', which is not defined; add "
			    "<credential id=\"%s\" .../> or fix the ID", v, v);
		else if (!dut_uses(t, cc->cred))
			LERR(L, n->line, "<credential-change> changes "
			    "credential %s, but DUT %s has no <uses "
			    "credential=\"%s\"/>; add it", v, t->name, v);
		else if (cc->cred->ssh_key || cc->cred->user == NULL)
			LERR(L, n->line, "<credential-change> changes "
			    "credential %s, which is not a password with a "
			    "user; name the password credential of the "
			    "mechanism (a key is not an authentication value "
			    "assay can make)", v);
	}
	/* The check is made as the changed credential unless it says. */
	cc->check.cred = cc->cred;
	for (size_t i = 0; i < ASY_ELEMENTSOF(names); i++) {
		if (asy_xnode_child(n, names[i]) == NULL) {
			LERR(L, n->line, "<credential-change> for %s has no "
			    "<%s>; it needs <change>, <check> and <restore>",
			    cc->mechanism ? cc->mechanism : "?", names[i]);
			continue;
		}
		load_step(L, n, names[i], t, steps[i]);
	}
	if (cc->check.line != 0 && cc->check.cred != cc->cred)
		LERR(L, cc->check.line, "<check> names credential %s, but "
		    "the credential changed is %s; leave credential= out "
		    "(the check is made with the changed credential)",
		    cc->check.cred != NULL ? cc->check.cred->id : "?",
		    cc->cred != NULL ? cc->cred->id : "?");
	if (cc->check.via != ASY_VIA_NONE && cc->check.via != ASY_VIA_HTTP &&
	    cc->check.via != ASY_VIA_SSH)
		LERR(L, cc->check.line, "<check via=\"%s\">: a check is a "
		    "login the device judges; use via=\"http\" (a GET that "
		    "needs the credential) or via=\"ssh\" (a login and a "
		    "command)", asy_xnode_attr(asy_xnode_child(n, "check"),
		    "via"));
	if (cc->change.line != 0 && cc->change.via != ASY_VIA_NONE &&
	    !step_has(&cc->change, "{new}"))
		LERR(L, cc->change.line, "<change> does not use {new}; put "
		    "{new} where the new value goes (assay makes it for the "
		    "run)");
	if (cc->restore.line != 0 && cc->restore.via != ASY_VIA_NONE &&
	    !step_has(&cc->restore, "{old}"))
		LERR(L, cc->restore.line, "<restore> does not use {old}; put "
		    "{old} where the lab's value goes, so that the lab's "
		    "credential works again after the test");
}

/* <credential-change>, at most one per mechanism. */
static void
load_credchanges(struct loader *L, const struct asy_xnode *dn,
    struct asy_lab_dut *t)
{
	size_t n = 0;

	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "credential-change") == 0)
			n++;
	if (n == 0)
		return;
	t->credchanges = calloc(n, sizeof(*t->credchanges));
	if (t->credchanges == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < dn->n_children; i++) {
		const struct asy_xnode *c = &dn->children[i];
		const char *mech = asy_xnode_attr(c, "mechanism");
		const struct asy_lab_credchange *prev;

		if (strcmp(c->name, "credential-change") != 0 || mech == NULL)
			continue;
		prev = asy_lab_credchange_for(t, mech);
		if (prev != NULL) {
			LERR(L, c->line, "DUT %s has a second "
			    "<credential-change> for %s (the first is on line "
			    "%lu); keep one", t->name, mech, prev->line);
			continue;
		}
		load_credchange(L, c, t, &t->credchanges[t->n_credchanges++]);
	}
}

const struct asy_lab_credchange *
asy_lab_credchange_for(const struct asy_lab_dut *dut, const char *mech_id)
{
	for (size_t i = 0; i < dut->n_credchanges; i++)
		if (dut->credchanges[i].mechanism != NULL &&
		    strcmp(dut->credchanges[i].mechanism, mech_id) == 0)
			return &dut->credchanges[i];
	return NULL;
}

static void
load_dut(struct loader *L, const struct asy_xnode *dn, struct asy_lab_dut *t)
{
	struct asy_lab *lab = L->lab;
	const struct asy_xnode *addr, *decl, *n;
	const struct asy_lab_iface *f;
	const char *v;
	size_t n_cmds = 0;

	t->line = dn->line;
	v = asy_xnode_attr(dn, "interface");
	if (v != NULL) {
		f = find_iface(lab, v);
		if (f == NULL)
			LERR(L, dn->line, "DUT %s names interface '%s', which "
			    "is not defined; add it to <interfaces> or fix "
			    "the ID", t->name, v);
		else if (f->kind == ASY_IFACE_SERIAL)
			LERR(L, dn->line, "interface %s of DUT %s is a serial "
			    "port; name an ethernet or wifi interface here, "
			    "and the serial port with serial=\"%s\"", v,
			    t->name, v);
		else
			t->iface = f;
	}
	v = asy_xnode_attr(dn, "serial");
	if (v != NULL) {
		f = find_iface(lab, v);
		if (f == NULL)
			LERR(L, dn->line, "DUT %s names serial port '%s', "
			    "which is not defined; add <serial id=\"%s\" "
			    ".../> to <interfaces> or fix the ID", t->name, v,
			    v);
		else if (f->kind != ASY_IFACE_SERIAL)
			LERR(L, dn->line, "serial %s of DUT %s is a network "
			    "interface; name a <serial> port here, and the "
			    "network interface with interface=\"%s\"", v,
			    t->name, v);
		else
			t->serial = f;
	}

	v = asy_xnode_attr(dn, "model");
	if (v != NULL) {
		if (asy_str_blank(v) || strlen(v) > 64)
			LERR(L, dn->line, "DUT %s has model '%.80s'; give the "
			    "model designation (1 to 64 characters) that its "
			    "other units in this lab config share", t->name, v);
		else
			t->model = ldup(L, v);
	}

	addr = asy_xnode_child(dn, "address");
	if (addr != NULL) {
		load_address(L, addr, t);
		check_in_scope(L, addr, t, t->ipv4);
		check_in_scope(L, addr, t, t->ipv6);
	}
	n = asy_xnode_child(dn, "wifi");
	if (n != NULL)
		load_wifi(L, n, t);
	if (asy_xnode_attr(dn, "serial") == NULL && n == NULL &&
	    (addr == NULL || (asy_xnode_attr(addr, "ipv4") == NULL &&
	    asy_xnode_attr(addr, "ipv6") == NULL)))
		LERR(L, dn->line, "DUT %s has no IP address, no serial port "
		    "and no Wi-Fi source, so assay cannot reach it; add "
		    "<address ipv4=... or ipv6=...>, serial=\"ID\" or <wifi>",
		    t->name);

	decl = asy_xnode_child(dn, "declarations");
	if (decl != NULL) {
		t->ics = load_decl_file(L, decl, "ics");
		t->ixit = load_decl_file(L, decl, "ixit");
		t->answers = load_decl_file(L, decl, "answers");
		t->catalogue = load_decl_file(L, decl, "catalogue");
		if (lab->operator_mode == ASY_OPERATOR_ANSWERS &&
		    asy_xnode_attr(decl, "answers") == NULL)
			LERR(L, decl->line, "operator mode is answers, but DUT "
			    "%s has no answers file; add answers=\"PATH\" to "
			    "its <declarations>, or choose <operator "
			    "mode=\"interactive\"> or \"none\"", t->name);
	}

	load_uses(L, dn, t);

	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "control") == 0)
			n_cmds++;
	t->cmds = calloc(n_cmds + 1, sizeof(*t->cmds));
	if (t->cmds == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < dn->n_children; i++)
		if (strcmp(dn->children[i].name, "control") == 0)
			load_control(L, &dn->children[i], t);
	check_pairs(L, dn, t);
	load_updates(L, dn, t);
	load_resilience(L, dn, t);
	load_erase(L, dn, t);
	load_functions(L, dn, t);
	load_credchanges(L, dn, t);
}

static void
load_duts(struct loader *L, const struct asy_xnode *root)
{
	struct asy_lab *lab = L->lab;
	size_t n_duts = 0;

	for (size_t i = 0; i < root->n_children; i++)
		if (strcmp(root->children[i].name, "dut") == 0)
			n_duts++;
	lab->duts = calloc(n_duts + 1, sizeof(*lab->duts));
	if (lab->duts == NULL) {
		L->nomem = 1;
		return;
	}
	for (size_t i = 0; i < root->n_children; i++) {
		const struct asy_xnode *n = &root->children[i];
		const char *name = asy_xnode_attr(n, "name");
		const struct asy_lab_dut *prev;
		struct asy_lab_dut *t;

		if (strcmp(n->name, "dut") != 0 || name == NULL)
			continue;
		prev = asy_lab_dut(lab, name);
		if (prev != NULL)
			LERR(L, n->line, "DUT name '%s' is already used on "
			    "line %lu; give every DUT its own name", name,
			    prev->line);
		t = &lab->duts[lab->n_duts];
		t->name = ldup(L, name);
		if (t->name == NULL)
			return;
		lab->n_duts++;
		/* Check a duplicate too, so all its problems show at once;
		 * lookups find the first. */
		load_dut(L, n, t);
	}
}

/* ---- Loading ------------------------------------------------------------ */

int
asy_lab_load(const char *path, struct asy_diags *d, struct asy_lab **out)
{
	struct loader L = { .d = d, .file = path };
	unsigned long errors_before = d->n_errors;
	struct asy_xdoc *doc = NULL;
	const struct asy_xnode *root, *n;
	char *xsd = NULL;
	int r;

	xsd = asy_data_path("lab-config/schema/lab.xsd");
	if (xsd == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_xml_load(path, xsd, ASY_XML_MAX_INPUT, d, &doc);
	if (r < 0)
		goto out;
	L.dir = folder_of(path);
	if (L.dir == NULL) {
		if (errno == ENOMEM) {
			r = ASY_E_NOMEM;
			goto out;
		}
		asy_diag_error(d, path, 0, "cannot find the absolute path of "
		    "the lab file's folder (%s); make the folder "
		    "searchable", strerror(errno));
		r = ASY_E_INPUT;
		goto out;
	}
	L.lab = calloc(1, sizeof(*L.lab));
	if (L.lab == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	L.lab->path = ldup(&L, path);

	/* In document order, so diagnostics come out that way too; the
	 * schema guarantees the required elements are there. */
	root = asy_xdoc_root(doc);
	load_head(&L, root);
	n = asy_xnode_child(root, "scope");
	if (n != NULL)
		load_scope(&L, n);
	n = asy_xnode_child(root, "interfaces");
	if (n != NULL)
		load_ifaces(&L, n);
	load_numbers(&L, root);
	load_capture(&L, root);
	load_scan(&L, root);
	load_wordlists(&L, root);
	load_creds(&L, root);
	load_duts(&L, root);

	if (L.nomem) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (d->n_errors > errors_before) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = L.lab;
	L.lab = NULL;
	r = 0;
out:
	asy_lab_free(L.lab);
	asy_xdoc_free(doc);
	free(L.dir);
	free(xsd);
	return r;
}

/* ---- Secrets ------------------------------------------------------------ */

void
asy_secret_free(char *secret)
{
	if (secret == NULL)
		return;
	explicit_bzero(secret, strlen(secret));
	free(secret);
}

/*
 * The file's first line is read straight into the string handed back, so
 * no other copy is made: the rest of what was read is wiped before the
 * caller gets it.  A first line longer than SECRET_MAX bytes is refused
 * (ASY_E_TOOBIG) rather than cut.
 */
static int
secret_from_file(const char *path, int whole, char **secret)
{
	size_t max = whole ? KEY_MAX : SECRET_MAX;
	char *s = NULL;
	size_t len = 0, end;
	struct stat st;
	int fd = -1, r;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = errno == ENOENT || errno == ENOTDIR ? ASY_E_NOTFOUND :
		    ASY_E_IO;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		r = ASY_E_IO;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		r = ASY_E_NOTREG;
		goto out;
	}
	s = malloc(max + 2);
	if (s == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	/* One byte more than a secret may have, to tell a long line. */
	while (len < max + 1) {
		ssize_t n = read(fd, s + len, max + 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = ASY_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		if (!whole && memchr(s + len, '\n', (size_t)n) != NULL) {
			len += (size_t)n;
			break;
		}
		len += (size_t)n;
	}
	/* A key file is kept whole, its line ends included. */
	for (end = 0; end < len; end++)
		if ((!whole && (s[end] == '\n' || s[end] == '\r')) ||
		    s[end] == '\0')
			break;
	if (end > max) {
		r = ASY_E_TOOBIG;
		goto out;
	}
	if (end == 0) {
		r = ASY_E_NOTFOUND;
		goto out;
	}
	explicit_bzero(s + end, max + 2 - end);
	*secret = s;
	s = NULL;
	r = 0;
out:
	if (s != NULL) {
		explicit_bzero(s, max + 2);
		free(s);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* Does the space-separated list name id? */
static int
list_has(const char *list, const char *id)
{
	size_t n = strlen(id);

	while (*list != '\0') {
		size_t len = strcspn(list, " \t\n");

		if (len == n && strncmp(list, id, n) == 0)
			return 1;
		list += len;
		list += strspn(list, " \t\n");
	}
	return 0;
}

const struct asy_lab_cred *
asy_lab_cred_for(const struct asy_lab_dut *dut, const char *row_id,
    int ssh_key)
{
	const struct asy_lab_cred *any = NULL;

	if (dut == NULL)
		return NULL;
	for (size_t i = 0; i < dut->n_creds; i++) {
		const struct asy_lab_cred *c = dut->creds[i];
		const char *f = dut->cred_for != NULL ? dut->cred_for[i] :
		    NULL;

		if (c->ssh_key != ssh_key || (dut->cred_limited != NULL &&
		    dut->cred_limited[i]))
			continue;
		if (f == NULL) {
			if (any == NULL)
				any = c;
			continue;
		}
		if (row_id != NULL && list_has(f, row_id))
			return c;
	}
	return any;
}

const struct asy_lab_cred *
asy_lab_cred_limited(const struct asy_lab_dut *dut, const char *row_id)
{
	const struct asy_lab_cred *any = NULL;

	if (dut == NULL || dut->cred_limited == NULL)
		return NULL;
	for (size_t i = 0; i < dut->n_creds; i++) {
		const char *f = dut->cred_for != NULL ? dut->cred_for[i] :
		    NULL;

		if (!dut->cred_limited[i] || dut->creds[i]->ssh_key)
			continue;
		if (f == NULL) {
			if (any == NULL)
				any = dut->creds[i];
			continue;
		}
		if (row_id != NULL && list_has(f, row_id))
			return dut->creds[i];
	}
	return any;
}

int
asy_lab_secret(const struct asy_lab_cred *c, char **secret)
{
	const char *v;
	char *s;

	if (c == NULL || secret == NULL)
		return ASY_E_INTERNAL;
	if (c->file != NULL)
		return secret_from_file(c->file, c->ssh_key, secret);
	if (c->env == NULL)
		return ASY_E_NOTFOUND;
	v = getenv(c->env);
	if (v == NULL || *v == '\0')
		return ASY_E_NOTFOUND;
	s = strdup(v);
	if (s == NULL)
		return ASY_E_NOMEM;
	*secret = s;
	return 0;
}
