#include "observe.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "util.h"

const char *
asy_match_name(enum asy_match m)
{
	static const char *const names[] = {
		[ASY_MATCH_DECLARED] = "declared",
		[ASY_MATCH_UNDECLARED] = "undeclared",
		[ASY_MATCH_DISABLED] = "declared disabled",
		[ASY_MATCH_NOT_SEEN] = "declared, not seen",
		[ASY_MATCH_CLOSED] = "declared disabled, closed",
	};

	if ((size_t)m >= ASY_ELEMENTSOF(names))
		return "?";
	return names[m];
}

/*
 * What a service can do, by nmap's service name.  UPDATE marks protocols
 * made for pushing files onto a device (firmware upload), not every
 * protocol that could carry an update.  A table, not a switch:
 * adding a protocol is one line.
 */
static const struct {
	const char	*name;
	unsigned	 classes;
} svc_classes[] = {
	{ "ssh",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG },
	{ "telnet",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "ftp",		ASY_SVC_PASSWORD | ASY_SVC_UPDATE |
				ASY_SVC_CLEARTEXT },
	{ "tftp",		ASY_SVC_UPDATE | ASY_SVC_CLEARTEXT },
	{ "http",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "http-proxy",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "http-alt",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "https",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG },
	{ "https-alt",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG },
	{ "mqtt",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "secure-mqtt",	ASY_SVC_PASSWORD | ASY_SVC_CONFIG },
	{ "snmp",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "rtsp",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "rtsp-alt",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "vnc",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG },
	{ "upnp",		ASY_SVC_CONFIG | ASY_SVC_CLEARTEXT },
	{ "coap",		ASY_SVC_CONFIG | ASY_SVC_CLEARTEXT },
	{ "modbus",		ASY_SVC_CONFIG | ASY_SVC_CLEARTEXT },
	{ "mysql",		ASY_SVC_PASSWORD },
	{ "postgresql",		ASY_SVC_PASSWORD },
	{ "redis",		ASY_SVC_PASSWORD | ASY_SVC_CONFIG |
				ASY_SVC_CLEARTEXT },
	{ "smb",		ASY_SVC_PASSWORD },
	{ "microsoft-ds",	ASY_SVC_PASSWORD },
	{ "rlogin",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "login",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "shell",		ASY_SVC_CONFIG | ASY_SVC_CLEARTEXT },
	{ "pop3",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "imap",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "smtp",		ASY_SVC_PASSWORD | ASY_SVC_CLEARTEXT },
	{ "adb",		ASY_SVC_CONFIG | ASY_SVC_UPDATE |
				ASY_SVC_CLEARTEXT },
};

unsigned
asy_service_classes(const char *name, const char *tunnel)
{
	unsigned c = 0;

	if (name == NULL)
		return 0;
	for (size_t i = 0; i < ASY_ELEMENTSOF(svc_classes); i++)
		if (strcmp(svc_classes[i].name, name) == 0) {
			c = svc_classes[i].classes;
			break;
		}
	if (tunnel != NULL && strcmp(tunnel, "ssl") == 0)
		c &= ~(unsigned)ASY_SVC_CLEARTEXT;
	return c;
}

int
asy_ports_scan(const char *s, int (*fn)(void *, const char *, unsigned),
    void *arg)
{
	static const char *const protos[] = { "tcp", "udp", "sctp" };

	if (s == NULL)
		return 0;
	for (const char *p = s; *p; p++) {
		for (size_t i = 0; i < ASY_ELEMENTSOF(protos); i++) {
			size_t l = strlen(protos[i]);
			unsigned long port = 0;
			const char *q;
			int r;

			/* A word start: not in the middle of "xtcp/1". */
			if (p > s && ((p[-1] >= 'a' && p[-1] <= 'z') ||
			    (p[-1] >= 'A' && p[-1] <= 'Z')))
				continue;
			if (strncasecmp(p, protos[i], l) != 0 || p[l] != '/')
				continue;
			q = p + l + 1;
			if (*q < '0' || *q > '9')
				continue;
			while (*q >= '0' && *q <= '9' && port <= 65535)
				port = port * 10 + (unsigned long)(*q++ - '0');
			if (port == 0 || port > 65535)
				continue;
			r = fn(arg, protos[i], (unsigned)port);
			if (r != 0)
				return r;
		}
	}
	return 0;
}

/* The IXIT fields that name ports: 13-SoftServ port, 28-LogIntf access. */
static const struct {
	const char	*table;
	const char	*field;
} port_fields[] = {
	{ "13-SoftServ",	"port" },
	{ "28-LogIntf",		"access" },
};

struct find_arg {
	const char	*proto;
	unsigned	 port;
	int		 found;
};

static int
find_port(void *arg, const char *proto, unsigned port)
{
	struct find_arg *fa = arg;

	if (port == fa->port && strcmp(proto, fa->proto) == 0) {
		fa->found = 1;
		return 1;
	}
	return 0;
}

static const char *
row_ports(const struct asy_ixit_row *row)
{
	for (size_t i = 0; i < ASY_ELEMENTSOF(port_fields); i++)
		if (strcmp(row->table->id, port_fields[i].table) == 0)
			return asy_ixit_get(row, port_fields[i].field);
	return NULL;
}

static int
row_disabled(const struct asy_ixit_row *row)
{
	const char *st = asy_ixit_get(row, "status");

	return st != NULL && strcmp(st, "disabled") == 0;
}

/* The row declaring proto/port: an enabled one first, else a disabled
 * one, else NULL. */
static const struct asy_ixit_row *
find_row(const struct asy_decl *decl, const char *proto, unsigned port)
{
	const struct asy_ixit_row *disabled = NULL;

	for (size_t i = 0; i < decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &decl->ixit[i];
		struct find_arg fa = { proto, port, 0 };

		asy_ports_scan(row_ports(row), find_port, &fa);
		if (!fa.found)
			continue;
		if (!row_disabled(row))
			return row;
		if (disabled == NULL)
			disabled = row;
	}
	return disabled;
}

static struct asy_observed *
add(struct asy_observation *obs, size_t *cap, enum asy_match m,
    const char *proto, unsigned port)
{
	struct asy_observed *o;

	o = asy_array_add(&obs->v, &obs->n, cap, sizeof(*o));
	if (o == NULL)
		return NULL;
	o->proto = asy_strdup(proto);
	if (o->proto == NULL) {
		obs->n--;
		return NULL;
	}
	o->match = m;
	o->port = port;
	obs->n_count[m]++;
	return o;
}

struct decl_arg {
	const struct asy_decl		*decl;
	const struct asy_inventory	*inv;
	const struct asy_ixit_row	*row;
	struct asy_observation		*obs;
	size_t				*cap;
};

static int
open_in_inventory(const struct asy_inventory *inv, const char *proto,
    unsigned port)
{
	for (size_t i = 0; i < inv->n_services; i++) {
		const struct asy_service *s = &inv->services[i];

		if (s->port == port && strcmp(s->proto, proto) == 0 &&
		    strcmp(s->state, "open") == 0)
			return 1;
	}
	return 0;
}

/* A declared port not found open: NOT_SEEN or CLOSED. */
static int
declared_port(void *arg, const char *proto, unsigned port)
{
	struct decl_arg *da = arg;
	struct asy_observed *o;
	enum asy_match m;

	if (open_in_inventory(da->inv, proto, port))
		return 0;
	/* Once per port. */
	for (size_t i = 0; i < da->obs->n; i++)
		if (da->obs->v[i].port == port &&
		    strcmp(da->obs->v[i].proto, proto) == 0)
			return 0;
	m = row_disabled(da->row) ? ASY_MATCH_CLOSED : ASY_MATCH_NOT_SEEN;
	o = add(da->obs, da->cap, m, proto, port);
	if (o == NULL)
		return ASY_E_NOMEM;
	o->row = da->row;
	return 0;
}

int
asy_observe(const struct asy_decl *decl, const struct asy_inventory *inv,
    struct asy_observation **out)
{
	struct asy_observation *obs;
	size_t cap = 0;
	int r = 0;

	obs = calloc(1, sizeof(*obs));
	if (obs == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < inv->n_services && r == 0; i++) {
		const struct asy_service *s = &inv->services[i];
		const struct asy_ixit_row *row;
		struct asy_observed *o;
		enum asy_match m;

		if (strcmp(s->state, "open") != 0)
			continue;
		/* The same port on two addresses (IPv4 and IPv6) once. */
		for (size_t j = 0; j < obs->n; j++)
			if (obs->v[j].port == s->port &&
			    strcmp(obs->v[j].proto, s->proto) == 0)
				goto next;
		obs->n_open++;
		row = find_row(decl, s->proto, s->port);
		m = row == NULL ? ASY_MATCH_UNDECLARED : row_disabled(row) ?
		    ASY_MATCH_DISABLED : ASY_MATCH_DECLARED;
		o = add(obs, &cap, m, s->proto, s->port);
		if (o == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		o->svc = s;
		o->row = row;
		o->classes = asy_service_classes(s->name, s->tunnel);
next:
		;
	}
	for (size_t i = 0; i < decl->n_ixit && r == 0; i++) {
		struct decl_arg da = { decl, inv, &decl->ixit[i], obs, &cap };

		r = asy_ports_scan(row_ports(&decl->ixit[i]), declared_port,
		    &da);
	}
	if (r < 0) {
		asy_observation_free(obs);
		return r;
	}
	*out = obs;
	return 0;
}

void
asy_observation_free(struct asy_observation *obs)
{
	if (obs == NULL)
		return;
	for (size_t i = 0; i < obs->n; i++)
		free(obs->v[i].proto);
	free(obs->v);
	free(obs);
}

/* Append at most max bytes of s. */
static int
put_capped(struct asy_buf *out, const char *s, size_t max)
{
	size_t n = strlen(s);
	int r;

	if (n <= max)
		return asy_buf_puts(out, s);
	r = asy_buf_add(out, s, max);
	if (r == 0)
		r = asy_buf_puts(out, "...");
	return r;
}

int
asy_observed_label(const struct asy_observed *o, struct asy_buf *out)
{
	const struct asy_service *s = o->svc;
	int r;

	r = asy_buf_printf(out, "%s/%u", o->proto, o->port);
	if (r < 0 || s == NULL)
		return r;
	if (s->name == NULL && s->product == NULL)
		return 0;
	r = asy_buf_puts(out, " (");
	if (r == 0 && s->name != NULL)
		r = put_capped(out, s->name, 40);
	if (r == 0 && s->tunnel != NULL && strcmp(s->tunnel, "ssl") == 0)
		r = asy_buf_puts(out, " over TLS");
	if (r == 0 && s->product != NULL) {
		r = asy_buf_puts(out, s->name != NULL ? ", " : "");
		if (r == 0)
			r = put_capped(out, s->product, 80);
		if (r == 0 && s->version != NULL) {
			r = asy_buf_putc(out, ' ');
			if (r == 0)
				r = put_capped(out, s->version, 40);
		}
	}
	if (r == 0)
		r = asy_buf_putc(out, ')');
	return r;
}
