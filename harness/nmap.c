/*
 * The nmap adapter: the only file that builds nmap command lines or reads
 * nmap's output.  Everything that reaches nmap's argv is checked first
 * (addresses with inet_pton, port and script lists character by
 * character), nmap runs through asy_proc_run() with a deadline, and its
 * XML goes through the libxml2 adapter like every other input.
 */
#include "nmap.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "proc.h"
#include "util.h"
#include "xml.h"

/* Longest port list or script list accepted (the top 1000 UDP ports as a
 * list are about 5 KB). */
#define MAX_SPEC	((size_t)64 << 10)
/* Longest interface name (IFNAMSIZ - 1). */
#define MAX_IFNAME	15
/* What nmap may print on stderr that we keep, and how much of it goes
 * into a why. */
#define MAX_STDERR	((size_t)64 << 10)
#define WHY_STDERR	500
/* nmap-services is about 1 MB. */
#define MAX_SERVICES_FILE	((size_t)8 << 20)
/* nmap refuses a --host-timeout of 1500 ms or less. */
#define MIN_HOST_TIMEOUT_MS	1501UL
#define VERSION_TIMEOUT_MS	10000UL
#define MAX_VERSION_LINE	200

#define ARGV_MAX	48

/* ---- checking what goes on the command line ----------------------------- */

static int
valid_target(const char *t, int *v6)
{
	unsigned char a[16];

	if (t == NULL || strlen(t) > 64)
		return 0;
	if (inet_pton(AF_INET, t, a) == 1) {
		*v6 = 0;
		return 1;
	}
	if (inet_pton(AF_INET6, t, a) == 1) {
		*v6 = 1;
		return 1;
	}
	return 0;
}

/* One port number 1..65535 at *pp, at most five digits. */
static int
read_port(const char **pp, unsigned long *out)
{
	const char *p = *pp;
	unsigned long v = 0;
	size_t n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > 5)
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
		p++;
	}
	if (n == 0 || v < 1 || v > 65535)
		return 0;
	*pp = p;
	*out = v;
	return 1;
}

/* "22", "1-1024", "22,80,8000-8100": N or N-M items (N <= M) joined by
 * single commas; nothing else. */
static int
valid_ports(const char *s)
{
	const char *p = s;

	if (s == NULL || *s == '\0' || strlen(s) > MAX_SPEC)
		return 0;
	for (;;) {
		unsigned long lo, hi;

		if (!read_port(&p, &lo))
			return 0;
		if (*p == '-') {
			p++;
			if (!read_port(&p, &hi) || hi < lo)
				return 0;
		}
		if (*p == '\0')
			return 1;
		if (*p != ',')
			return 0;
		p++;
	}
}

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* "ssh2-enum-algos,ssl-enum-ciphers": names of [a-z0-9-] that start with
 * a letter or digit, joined by single commas. */
static int
valid_scripts(const char *s)
{
	int at_start = 1;

	if (s == NULL || *s == '\0' || strlen(s) > MAX_SPEC)
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == ',') {
			if (at_start)
				return 0;
			at_start = 1;
		} else if (is_lower_alnum(*p) || (*p == '-' && !at_start)) {
			at_start = 0;
		} else {
			return 0;
		}
	}
	return !at_start;
}

static int
valid_ifname(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > MAX_IFNAME || s[0] == '-')
		return 0;
	for (const char *p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '-'))
			return 0;
	return 1;
}

static int
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* NULL when o is fine, else what is wrong with it (for a why). */
static const char *
check_opts(const struct asy_nmap_opts *o, int *v6)
{
	if (o->nmap != NULL && *o->nmap == '\0')
		return "the nmap program name is empty";
	if (!valid_target(o->target, v6))
		return "the target is not an IPv4 or IPv6 address";
	if (o->ifname != NULL && !valid_ifname(o->ifname))
		return "the interface name is not a plain interface name";
	if (empty(o->tcp_ports) && empty(o->udp_ports))
		return "there is no TCP or UDP port to scan";
	if (!empty(o->tcp_ports) && !valid_ports(o->tcp_ports))
		return "the TCP port list is not a list of ports and ranges";
	if (!empty(o->udp_ports) && !valid_ports(o->udp_ports))
		return "the UDP port list is not a list of ports and ranges";
	if (!empty(o->udp_ports) && o->connect_scan)
		return "a connect scan (no raw sockets) cannot scan UDP ports";
	if (!empty(o->scripts) && !valid_scripts(o->scripts))
		return "the script list is not a list of nmap script names";
	if (o->version_intensity > 9)
		return "the version intensity is over 9";
	if (o->timeout_ms == 0)
		return "there is no timeout";
	if (empty(o->xml_path) || o->xml_path[0] == '-')
		return "the XML output path is empty or starts with '-'";
	return NULL;
}

/* ---- the command line --------------------------------------------------- */

struct argv_build {
	char	**v;
	size_t	  n;
	int	  failed;
};

static void
push(struct argv_build *a, const char *s)
{
	char *p;

	if (a->failed)
		return;
	if (a->n >= ARGV_MAX) {
		/* Our own list outgrew the array: a bug in this file. */
		a->failed = 1;
		return;
	}
	p = asy_strdup(s);
	if (p == NULL) {
		a->failed = 1;
		return;
	}
	a->v[a->n++] = p;
}

static void
pushf(struct argv_build *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
pushf(struct argv_build *a, const char *fmt, ...)
{
	struct asy_buf b;
	va_list ap;
	int r;

	if (a->failed)
		return;
	asy_buf_init(&b, 2 * MAX_SPEC + 64);
	va_start(ap, fmt);
	r = asy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == 0)
		push(a, b.data);
	else
		a->failed = 1;
	asy_buf_release(&b);
}

void
asy_nmap_argv_free(char **argv)
{
	if (argv == NULL)
		return;
	for (char **p = argv; *p != NULL; p++)
		free(*p);
	free(argv);
}

char **
asy_nmap_argv(const struct asy_nmap_opts *o)
{
	struct argv_build a = { 0 };
	unsigned long host_ms;
	int v6 = 0, tcp, udp;

	if (o == NULL || check_opts(o, &v6) != NULL)
		return NULL;
	tcp = !empty(o->tcp_ports);
	udp = !empty(o->udp_ports);
	a.v = calloc(ARGV_MAX + 1, sizeof(*a.v));
	if (a.v == NULL)
		return NULL;

	push(&a, o->nmap != NULL ? o->nmap : "nmap");
	/* No reverse DNS (nothing to resolve in a lab, and no traffic to a
	 * resolver), no host discovery: the device is there, and a device
	 * that ignores ping must still be scanned. */
	push(&a, "-n");
	push(&a, "-Pn");
	if (v6)
		push(&a, "-6");
	if (o->privileged)
		push(&a, "--privileged");
	if (o->ifname != NULL) {
		push(&a, "-e");
		push(&a, o->ifname);
	}
	/* A lab LAN is fast and reliable: -T4's shorter RTT timeouts (initial
	 * 500 ms, at most 1250 ms) and scan delays (at most 10 ms).  It comes
	 * before the options below, which override what it sets. */
	push(&a, "-T4");
	/* SYN scan with raw sockets; without them, a full TCP connect. */
	if (tcp)
		push(&a, o->connect_scan ? "-sT" : "-sS");
	if (udp)
		push(&a, "-sU");
	/* One -p for both protocols: "T:" and "U:" items. */
	push(&a, "-p");
	if (tcp && udp)
		pushf(&a, "T:%s,U:%s", o->tcp_ports, o->udp_ports);
	else if (tcp)
		pushf(&a, "T:%s", o->tcp_ports);
	else
		pushf(&a, "U:%s", o->udp_ports);
	push(&a, "-sV");
	push(&a, "--version-intensity");
	pushf(&a, "%u", o->version_intensity);
	/* The deadline kills nmap; nmap's own --host-timeout fires first (at
	 * 90 %) so that nmap ends on its own and still writes its XML. */
	host_ms = o->timeout_ms - o->timeout_ms / 10;
	if (!empty(o->scripts)) {
		push(&a, "--script");
		push(&a, o->scripts);
		/* A script stuck on a slow device (ssl-enum-ciphers makes
		 * dozens of handshakes) is stopped after a quarter of the
		 * budget, so that it cannot cost the results of the others:
		 * a host that reaches --host-timeout loses every result. */
		if (host_ms / 4 >= 1000) {
			push(&a, "--script-timeout");
			pushf(&a, "%lums", host_ms / 4);
		}
	}
	/* The budget's ceiling on packets per second.  No --min-rate: it
	 * would override nmap's congestion control against a device that
	 * is already struggling. */
	if (o->pps > 0) {
		push(&a, "--max-rate");
		pushf(&a, "%lu", o->pps);
	}
	/* Two retransmissions are plenty on a LAN (-T4 allows 6). */
	push(&a, "--max-retries");
	push(&a, "2");
	/* Devices that rate-limit RSTs would slow a full TCP range to a
	 * crawl; nmap then stops waiting for the RSTs, which only turns some
	 * closed ports into filtered ones: both are left out of the
	 * inventory.  (No --defeat-icmp-ratelimit for UDP: it would label
	 * silent UDP services closed|filtered instead of open|filtered.) */
	if (tcp && !o->connect_scan)
		push(&a, "--defeat-rst-ratelimit");
	if (host_ms >= MIN_HOST_TIMEOUT_MS) {
		push(&a, "--host-timeout");
		pushf(&a, "%lums", host_ms);
	}
	/* Why each port has its state (syn-ack, udp-response, ...) for the
	 * evidence; no reading of the keyboard (stdin is /dev/null). */
	push(&a, "--reason");
	push(&a, "--noninteractive");
	push(&a, "-oX");
	push(&a, o->xml_path);
	push(&a, o->target);
	if (a.failed) {
		asy_nmap_argv_free(a.v);
		return NULL;
	}
	return a.v;
}

/* ---- nmap-services ------------------------------------------------------ */

struct udp_port {
	unsigned		port;
	unsigned long long	freq;	/* frequency in units of 1e-9 */
};

/* "0.484143", "1", "0.5": at most 9 decimals kept, no sign, no
 * exponent; 0 or -1. */
static int
parse_freq(const char *s, size_t n, unsigned long long *out)
{
	unsigned long long ip = 0, frac = 0, scale = 1000000000ULL;
	size_t i = 0, digits = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (++digits > 6)
			return -1;
		ip = ip * 10 + (unsigned)(s[i] - '0');
		i++;
	}
	if (digits == 0)
		return -1;
	if (i < n && s[i] == '.') {
		size_t fd = 0;

		i++;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			if (fd < 9) {
				scale /= 10;
				frac += (unsigned long long)(s[i] - '0') *
				    scale;
			}
			fd++;
			i++;
		}
		if (fd == 0)
			return -1;
	}
	if (i != n)
		return -1;
	*out = ip * 1000000000ULL + frac;
	return 0;
}

/* Split [p, end) at spaces and tabs into at most 3 fields. */
static size_t
split_fields(const char *p, const char *end, const char **f, size_t *len)
{
	size_t n = 0;

	while (p < end && n < 3) {
		const char *start;

		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end || *p == '#')
			break;
		start = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		f[n] = start;
		len[n] = (size_t)(p - start);
		n++;
	}
	return n;
}

static int
by_freq(const void *a, const void *b)
{
	const struct udp_port *x = a, *y = b;

	if (x->freq != y->freq)
		return x->freq > y->freq ? -1 : 1;
	return (x->port > y->port) - (x->port < y->port);
}

static int
by_port(const void *a, const void *b)
{
	const struct udp_port *x = a, *y = b;

	return (x->port > y->port) - (x->port < y->port);
}

int
asy_nmap_top_udp(unsigned long n, struct asy_buf *out)
{
	const char *dir = getenv("NMAPDIR");
	unsigned long long *best = NULL;	/* per port: freq + 1, or 0 */
	struct udp_port *v = NULL;
	struct asy_buf file, list;
	char *path = NULL;
	size_t nv = 0;
	int r;

	asy_buf_init(&file, MAX_SERVICES_FILE);
	asy_buf_init(&list, 8 * 65536);
	path = asy_path_join(dir != NULL && *dir != '\0' ? dir :
	    "/usr/share/nmap", "nmap-services");
	best = calloc(65536, sizeof(*best));
	if (path == NULL || best == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_buf_load_file(&file, path);
	if (r < 0)
		goto out;

	/* "name<TAB>port/proto<TAB>frequency[<TAB># comment]"; anything
	 * else is skipped. */
	for (const char *p = file.data, *end = file.data + file.len;
	    p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl != NULL ? nl : end;
		const char *f[3], *slash;
		size_t len[3];
		unsigned long long freq;
		unsigned long port;
		char num[8];

		if (split_fields(p, eol, f, len) == 3) {
			slash = memchr(f[1], '/', len[1]);
			if (slash != NULL &&
			    (size_t)(slash - f[1]) < sizeof(num) &&
			    len[1] - (size_t)(slash - f[1]) == 4 &&
			    memcmp(slash, "/udp", 4) == 0) {
				memcpy(num, f[1], (size_t)(slash - f[1]));
				num[slash - f[1]] = '\0';
				if (asy_parse_ulong(num, &port) == 0 &&
				    port >= 1 && port <= 65535 &&
				    parse_freq(f[2], len[2], &freq) == 0 &&
				    freq + 1 > best[port])
					best[port] = freq + 1;
			}
		}
		p = eol < end ? eol + 1 : end;
	}

	for (unsigned port = 1; port <= 65535; port++)
		if (best[port] != 0)
			nv++;
	if (nv == 0 && n > 0) {
		r = ASY_E_INPUT;
		goto out;
	}
	v = calloc(nv + 1, sizeof(*v));
	if (v == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	nv = 0;
	for (unsigned port = 1; port <= 65535; port++)
		if (best[port] != 0) {
			v[nv].port = port;
			v[nv].freq = best[port] - 1;
			nv++;
		}
	qsort(v, nv, sizeof(*v), by_freq);
	if (n < nv)
		nv = n;
	qsort(v, nv, sizeof(*v), by_port);
	r = asy_buf_add(&list, "", 0);
	for (size_t i = 0; i < nv && r == 0; i++)
		r = asy_buf_printf(&list, "%s%u", i ? "," : "", v[i].port);
	if (r < 0)
		goto out;
	r = asy_buf_add(out, list.data, list.len);
out:
	free(v);
	free(best);
	free(path);
	asy_buf_release(&list);
	asy_buf_release(&file);
	return r;
}

/* ---- the inventory ------------------------------------------------------ */

static void
service_release(struct asy_service *s)
{
	free(s->addr);
	free(s->proto);
	free(s->state);
	free(s->reason);
	free(s->name);
	free(s->product);
	free(s->version);
	free(s->extrainfo);
	free(s->tunnel);
	for (size_t i = 0; i < s->n_scripts; i++) {
		free(s->scripts[i].id);
		free(s->scripts[i].output);
	}
	free(s->scripts);
}

void
asy_inventory_free(struct asy_inventory *inv)
{
	if (inv == NULL)
		return;
	for (size_t i = 0; i < inv->n_services; i++)
		service_release(&inv->services[i]);
	free(inv->services);
	free(inv->nmap_version);
	free(inv->args);
	free(inv->host_state);
	free(inv);
}

struct parse {
	const char		*path;
	struct asy_diags	*d;
	struct asy_inventory	*inv;
	size_t			 cap_services;
	int			 nomem;
};

/*
 * A copy of s cut to max bytes at a character boundary (the adapter has
 * checked that the file is UTF-8), with a warning when it was cut.  NULL
 * for NULL; sets p->nomem when memory ran out.
 */
static char *
capped(struct parse *p, const struct asy_xnode *n, const char *what,
    const char *s, size_t max)
{
	size_t len;
	char *c;

	if (s == NULL)
		return NULL;
	len = strlen(s);
	if (len > max) {
		len = max;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		asy_diag_warn(p->d, p->path, n->line, "%s is %zu bytes long; "
		    "only the first %zu are kept", what, strlen(s), len);
	}
	c = asy_strndup(s, len);
	if (c == NULL)
		p->nomem = 1;
	return c;
}

static const char *const port_states[] = {
	"open", "closed", "filtered", "unfiltered", "open|filtered",
	"closed|filtered",
};

/* Closed and filtered ports are not services. */
static int
state_kept(const char *state)
{
	return strcmp(state, "closed") != 0 && strcmp(state, "filtered") != 0 &&
	    strcmp(state, "closed|filtered") != 0;
}

static void
parse_scripts(struct parse *p, const struct asy_xnode *port,
    struct asy_service *s)
{
	size_t cap = 0;

	for (size_t i = 0; i < port->n_children && !p->nomem; i++) {
		const struct asy_xnode *sc = &port->children[i];
		struct asy_nmap_script *x;
		const char *id;

		if (strcmp(sc->name, "script") != 0)
			continue;
		id = asy_xnode_attr(sc, "id");
		if (id == NULL || *id == '\0') {
			asy_diag_error(p->d, p->path, sc->line, "<script> has "
			    "no id; this is not nmap's XML output, or it is "
			    "damaged: run the discovery again");
			continue;
		}
		x = asy_array_add(&s->scripts, &s->n_scripts, &cap,
		    sizeof(*x));
		if (x == NULL) {
			p->nomem = 1;
			return;
		}
		x->id = capped(p, sc, "the script id", id, ASY_NMAP_MAX_FIELD);
		x->output = capped(p, sc, "the script output",
		    asy_xnode_attr(sc, "output") != NULL ?
		    asy_xnode_attr(sc, "output") : "",
		    ASY_NMAP_MAX_SCRIPT_OUTPUT);
	}
}

static void
parse_port(struct parse *p, const struct asy_xnode *port, const char *addr)
{
	const char *proto = asy_xnode_attr(port, "protocol");
	const char *portid = asy_xnode_attr(port, "portid");
	const struct asy_xnode *st = asy_xnode_child(port, "state");
	const struct asy_xnode *sv = asy_xnode_child(port, "service");
	const char *state = st != NULL ? asy_xnode_attr(st, "state") : NULL;
	struct asy_inventory *inv = p->inv;
	struct asy_service *s;
	unsigned long num = 0;
	int ok = 1, known = 0;

	if (proto == NULL || (strcmp(proto, "tcp") != 0 &&
	    strcmp(proto, "udp") != 0 && strcmp(proto, "sctp") != 0)) {
		asy_diag_error(p->d, p->path, port->line, "<port> has %s "
		    "protocol%s%.20s%s; nmap writes tcp, udp or sctp: this is "
		    "not nmap's XML output, or it is damaged",
		    proto == NULL ? "no" : "the", proto == NULL ? "" : " \"",
		    proto == NULL ? "" : proto, proto == NULL ? "" : "\"");
		ok = 0;
	}
	if (portid == NULL || asy_parse_ulong(portid, &num) < 0 || num < 1 ||
	    num > 65535) {
		asy_diag_error(p->d, p->path, port->line, "<port> has %s "
		    "portid%s%.20s%s; a port is a number from 1 to 65535: "
		    "this is not nmap's XML output, or it is damaged",
		    portid == NULL ? "no" : "the", portid == NULL ? "" : " \"",
		    portid == NULL ? "" : portid, portid == NULL ? "" : "\"");
		ok = 0;
	}
	for (size_t i = 0; state != NULL && i < ASY_ELEMENTSOF(port_states);
	    i++)
		if (strcmp(state, port_states[i]) == 0)
			known = 1;
	if (!known) {
		asy_diag_error(p->d, p->path, st != NULL ? st->line :
		    port->line, "<port> has %s state%s%.20s%s; nmap writes "
		    "open, closed, filtered, unfiltered, open|filtered or "
		    "closed|filtered: this is not nmap's XML output, or it is "
		    "damaged", state == NULL ? "no" : "the unknown",
		    state == NULL ? "" : " \"", state == NULL ? "" : state,
		    state == NULL ? "" : "\"");
		ok = 0;
	}
	if (!ok || !state_kept(state))
		return;

	s = asy_array_add(&inv->services, &inv->n_services, &p->cap_services,
	    sizeof(*s));
	if (s == NULL) {
		p->nomem = 1;
		return;
	}
	s->port = (unsigned)num;
	s->addr = capped(p, port, "the address", addr, ASY_NMAP_MAX_FIELD);
	s->proto = capped(p, port, "the protocol", proto, ASY_NMAP_MAX_FIELD);
	s->state = capped(p, st, "the state", state, ASY_NMAP_MAX_FIELD);
	s->reason = capped(p, st, "the reason", asy_xnode_attr(st, "reason"),
	    ASY_NMAP_MAX_FIELD);
	if (sv != NULL) {
		s->name = capped(p, sv, "the service name",
		    asy_xnode_attr(sv, "name"), ASY_NMAP_MAX_FIELD);
		s->product = capped(p, sv, "the product",
		    asy_xnode_attr(sv, "product"), ASY_NMAP_MAX_FIELD);
		s->version = capped(p, sv, "the version",
		    asy_xnode_attr(sv, "version"), ASY_NMAP_MAX_FIELD);
		s->extrainfo = capped(p, sv, "the extra information",
		    asy_xnode_attr(sv, "extrainfo"), ASY_NMAP_MAX_FIELD);
		s->tunnel = capped(p, sv, "the tunnel",
		    asy_xnode_attr(sv, "tunnel"), ASY_NMAP_MAX_FIELD);
	}
	parse_scripts(p, port, s);
}

static void
parse_host(struct parse *p, const struct asy_xnode *host)
{
	const struct asy_xnode *status = asy_xnode_child(host, "status");
	const struct asy_xnode *ports = asy_xnode_child(host, "ports");
	const char *state = status != NULL ? asy_xnode_attr(status, "state") :
	    NULL;
	const char *timedout = asy_xnode_attr(host, "timedout");
	const char *addr = NULL;

	if (state == NULL || *state == '\0') {
		asy_diag_error(p->d, p->path, host->line, "<host> has no "
		    "<status state=...>; this is not nmap's XML output, or it "
		    "is damaged: run the discovery again");
		return;
	}
	for (size_t i = 0; i < host->n_children && addr == NULL; i++) {
		const struct asy_xnode *a = &host->children[i];
		const char *type = asy_xnode_attr(a, "addrtype");

		if (strcmp(a->name, "address") == 0 && type != NULL &&
		    (strcmp(type, "ipv4") == 0 || strcmp(type, "ipv6") == 0))
			addr = asy_xnode_attr(a, "addr");
	}
	if (addr == NULL || *addr == '\0') {
		asy_diag_error(p->d, p->path, host->line, "<host> has no "
		    "<address addr=... addrtype=\"ipv4\" or \"ipv6\">; this "
		    "is not nmap's XML output, or it is damaged: run the "
		    "discovery again");
		return;
	}
	if (timedout != NULL && strcmp(timedout, "true") == 0)
		p->inv->timed_out = 1;
	if (p->inv->host_state == NULL) {
		p->inv->host_state = capped(p, status, "the host state", state,
		    ASY_NMAP_MAX_FIELD);
		if (p->nomem)
			return;
	}
	if (ports == NULL)
		return;
	for (size_t i = 0; i < ports->n_children && !p->nomem; i++)
		if (strcmp(ports->children[i].name, "port") == 0)
			parse_port(p, &ports->children[i], addr);
}

int
asy_nmap_parse(const char *path, struct asy_diags *d,
    struct asy_inventory **out)
{
	struct parse p = { .path = path, .d = d };
	struct asy_xdoc *doc = NULL;
	const struct asy_xnode *root;
	unsigned long errors = d->n_errors;
	const char *scanner, *version, *args;
	int r;

	r = asy_xml_load_opts(path, NULL, ASY_NMAP_MAX_XML,
	    ASY_XML_ALLOW_BARE_DOCTYPE | ASY_XML_LONG_ATTRS, d, &doc);
	if (r < 0)
		goto out;
	p.inv = calloc(1, sizeof(*p.inv));
	if (p.inv == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	root = asy_xdoc_root(doc);
	if (strcmp(root->name, "nmaprun") != 0) {
		asy_diag_error(d, path, root->line, "the document is <%.40s>, "
		    "not <nmaprun>; give the file nmap wrote with -oX",
		    root->name);
		r = ASY_E_INPUT;
		goto out;
	}
	scanner = asy_xnode_attr(root, "scanner");
	version = asy_xnode_attr(root, "version");
	args = asy_xnode_attr(root, "args");
	if (scanner == NULL || strcmp(scanner, "nmap") != 0 ||
	    version == NULL || *version == '\0' || args == NULL) {
		asy_diag_error(d, path, root->line, "<nmaprun> lacks "
		    "scanner=\"nmap\", version or args; give the file nmap "
		    "wrote with -oX");
		r = ASY_E_INPUT;
		goto out;
	}
	p.inv->nmap_version = capped(&p, root, "the nmap version", version,
	    ASY_NMAP_MAX_FIELD);
	p.inv->args = capped(&p, root, "the command line", args,
	    ASY_NMAP_MAX_SCRIPT_OUTPUT);
	for (size_t i = 0; i < root->n_children && !p.nomem; i++)
		if (strcmp(root->children[i].name, "host") == 0)
			parse_host(&p, &root->children[i]);
	if (p.nomem) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (d->n_errors > errors) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = p.inv;
	p.inv = NULL;
out:
	asy_inventory_free(p.inv);
	asy_xdoc_free(doc);
	return r;
}

/* ---- running nmap ------------------------------------------------------- */

/* At most max bytes of s as printable ASCII: white space becomes a space,
 * other bytes '?'; "..." when cut. */
static int
put_printable(struct asy_buf *b, const char *s, size_t n, size_t max)
{
	size_t i;
	int r = 0;

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (i = 0; i < n && i < max && r == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n' || c == '\r' || c == '\t')
			c = ' ';
		else if (c < 0x20 || c > 0x7e)
			c = '?';
		r = asy_buf_putc(b, (char)c);
	}
	if (r == 0 && i < n)
		r = asy_buf_puts(b, "...");
	return r;
}

/*
 * why: "nmap WHAT; it said: \"STDERR\"" (err NULL: without the second
 * part), prog named when it is not plain "nmap".
 */
static void
nmap_why(struct asy_buf *why, const char *prog, const char *what,
    const struct asy_buf *err)
{
	int r;

	if (why == NULL)
		return;
	r = asy_buf_puts(why, "nmap ");
	if (r == 0 && strcmp(prog, "nmap") != 0) {
		r = asy_buf_puts(why, "(");
		if (r == 0)
			r = put_printable(why, prog, strlen(prog), 200);
		if (r == 0)
			r = asy_buf_puts(why, ") ");
	}
	if (r == 0)
		r = put_printable(why, what, strlen(what), 2 * WHY_STDERR);
	if (r == 0 && err != NULL) {
		if (err->len == 0) {
			r = asy_buf_puts(why, "; it printed nothing on stderr");
		} else {
			r = asy_buf_puts(why, "; it said: \"");
			if (r == 0)
				r = put_printable(why, err->data, err->len,
				    WHY_STDERR);
			if (r == 0)
				r = asy_buf_puts(why, "\"");
		}
	}
}

int
asy_nmap_run(const struct asy_nmap_opts *o, struct asy_inventory **inv,
    struct asy_buf *why)
{
	struct asy_proc_opts po = { 0 };
	struct asy_proc_result res = { 0 };
	struct asy_inventory *got = NULL;
	struct asy_diags d;
	struct asy_buf err, detail;
	const char *prog = o->nmap != NULL && *o->nmap != '\0' ? o->nmap :
	    "nmap";
	const char *bad;
	char **argv = NULL;
	char how[160];
	int r, v6 = 0;

	asy_diags_init(&d);
	asy_buf_init(&err, MAX_STDERR);
	asy_buf_init(&detail, 4096);
	bad = check_opts(o, &v6);
	if (bad != NULL) {
		if (why != NULL)
			asy_buf_printf(why, "the nmap options are refused: %s",
			    bad);
		r = ASY_E_USAGE;
		goto out;
	}
	argv = asy_nmap_argv(o);
	if (argv == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	po.timeout_ms = o->timeout_ms;
	po.err = &err;
	po.keep_net_caps = o->privileged;
	r = asy_proc_run(argv, &po, &res);
	if (r == ASY_E_NOTFOUND) {
		asy_proc_describe(&res, how, sizeof(how));
		asy_buf_printf(&detail, "%s; install nmap or set tools nmap= "
		    "in the lab config", how);
		nmap_why(why, prog, detail.data != NULL ? detail.data : how,
		    NULL);
		goto out;
	}
	if (r < 0) {
		asy_buf_printf(&detail, "could not be run (%s)",
		    asy_strerror(r));
		nmap_why(why, prog, detail.data != NULL ? detail.data :
		    "could not be run", NULL);
		r = r == ASY_E_NOMEM ? r : ASY_E_IO;
		goto out;
	}
	asy_proc_describe(&res, how, sizeof(how));
	if (!res.exited || res.status != 0 || res.timed_out) {
		asy_buf_printf(&detail, "failed (%s)", how);
		nmap_why(why, prog, detail.data != NULL ? detail.data :
		    "failed", &err);
		r = ASY_E_IO;
		goto out;
	}
	r = asy_nmap_parse(o->xml_path, &d, &got);
	if (r == ASY_E_NOMEM)
		goto out;
	if (r < 0) {
		const struct asy_diag *first = NULL;

		for (size_t i = 0; i < d.n && first == NULL; i++)
			if (d.v[i].sev == ASY_SEV_ERROR)
				first = &d.v[i];
		asy_buf_printf(&detail, "ended with %s, but its XML output is "
		    "unusable (", how);
		if (first != NULL)
			asy_buf_printf(&detail, "%s:%lu: %s", first->file,
			    first->line, first->msg);
		else
			asy_buf_puts(&detail, asy_strerror(r));
		asy_buf_puts(&detail, ")");
		nmap_why(why, prog, detail.data != NULL ? detail.data :
		    "wrote no usable XML", &err);
		r = ASY_E_IO;
		goto out;
	}
	if (got->timed_out) {
		asy_buf_printf(&detail, "gave up on %s at its --host-timeout "
		    "(90 %% of the %lu s deadline), so no port was reported; "
		    "raise the deadline or the packet rate, or scan fewer "
		    "ports", o->target, o->timeout_ms / 1000);
		nmap_why(why, prog, detail.data != NULL ? detail.data :
		    "gave up at its --host-timeout", NULL);
		r = ASY_E_IO;
		goto out;
	}
	*inv = got;
	got = NULL;
out:
	asy_inventory_free(got);
	asy_nmap_argv_free(argv);
	asy_diags_release(&d);
	asy_buf_release(&detail);
	asy_buf_release(&err);
	return r;
}

char *
asy_nmap_version(const char *nmap)
{
	char *argv[] = { (char *)(nmap != NULL && *nmap != '\0' ? nmap :
	    "nmap"), (char *)"--version", NULL };
	struct asy_proc_opts po = { .timeout_ms = VERSION_TIMEOUT_MS };
	struct asy_proc_result res = { 0 };
	struct asy_buf out, line;
	char *ret = NULL;
	size_t n;
	int r;

	asy_buf_init(&out, (size_t)64 << 10);
	asy_buf_init(&line, MAX_VERSION_LINE + 8);
	po.out = &out;
	r = asy_proc_run(argv, &po, &res);
	if (r < 0 || !res.exited || res.status != 0 || out.data == NULL)
		goto out;
	n = strcspn(out.data, "\r\n");
	if (n > MAX_VERSION_LINE)
		n = MAX_VERSION_LINE;
	r = put_printable(&line, out.data, n, MAX_VERSION_LINE);
	if (r < 0 || line.len == 0)
		goto out;
	ret = asy_buf_steal(&line);
out:
	asy_buf_release(&line);
	asy_buf_release(&out);
	return ret;
}
