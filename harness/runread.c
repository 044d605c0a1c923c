/*
 * Reading a run folder's report.xml back into struct asy_runinfo (see
 * runread.h).
 */
#include "runread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "catalogue.h"
#include "error.h"
#include "evidence.h"
#include "report.h"
#include "util.h"
#include "xml.h"

/* Heap strings the model owns besides the document (labels with a row). */
struct owned {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

struct reader {
	struct asy_runinfo	*ri;
	struct owned		 own;
	size_t			 cap_units;
	size_t			 cap_services;
};

/* The model keeps its owned strings right after the public struct. */
struct runinfo_priv {
	struct asy_runinfo	pub;
	struct owned		own;
};

static const char *
attr_or(const struct asy_xnode *n, const char *name, const char *dflt)
{
	const char *v = n != NULL ? asy_xnode_attr(n, name) : NULL;

	return v != NULL ? v : dflt;
}

static const char *
child_text(const struct asy_xnode *n, const char *name)
{
	const struct asy_xnode *c = n != NULL ? asy_xnode_child(n, name) :
	    NULL;

	return c != NULL ? c->text : "";
}

static int
own(struct owned *o, char *s)
{
	char **slot;

	if (s == NULL)
		return ASY_E_NOMEM;
	slot = asy_array_add(&o->v, &o->n, &o->cap, sizeof(*o->v));
	if (slot == NULL) {
		free(s);
		return ASY_E_NOMEM;
	}
	*slot = s;
	return 0;
}

static int
verdict_of(const struct asy_xnode *n, enum asy_verdict *v)
{
	/* The schema has checked the value already. */
	return asy_verdict_parse(attr_or(n, "verdict", ""), v);
}

static int
add_unit(struct reader *rd, const struct asy_xnode *src, const char *group,
    const char *case_id, const char *label, int mandatory)
{
	struct asy_runinfo *ri = rd->ri;
	struct asy_run_unit *u;
	size_t cap_ev = 0;

	u = asy_array_add(&ri->units, &ri->n_units, &rd->cap_units,
	    sizeof(*u));
	if (u == NULL)
		return ASY_E_NOMEM;
	u->group = group;
	u->case_id = case_id;
	u->label = label;
	u->mandatory = mandatory;
	u->reason = child_text(src, "reason");
	if (verdict_of(src, &u->verdict) < 0)
		u->verdict = ASY_V_NONE;
	for (size_t i = 0; i < src->n_children; i++) {
		const struct asy_xnode *ev = &src->children[i];
		const char **slot;

		if (strcmp(ev->name, "evidence") != 0)
			continue;
		slot = asy_array_add(&u->evidence, &u->n_evidence, &cap_ev,
		    sizeof(*slot));
		if (slot == NULL)
			return ASY_E_NOMEM;
		*slot = attr_or(ev, "path", "");
	}
	return 0;
}

static int
read_case(struct reader *rd, const struct asy_xnode *c, const char *group,
    int mandatory)
{
	const char *id = attr_or(c, "id", "");
	size_t n_units = 0;
	int r;

	for (size_t i = 0; i < c->n_children; i++) {
		const struct asy_xnode *u = &c->children[i];
		const char *uid, *row, *label;

		if (strcmp(u->name, "unit") != 0)
			continue;
		n_units++;
		uid = attr_or(u, "id", "");
		row = asy_xnode_attr(u, "row");
		label = uid;
		if (row != NULL && *row != '\0') {
			char *l = asy_strdup_printf("%s:%s", uid, row);

			r = own(&rd->own, l);
			if (r < 0)
				return r;
			label = l;
		}
		r = add_unit(rd, u, group, id, label, mandatory);
		if (r < 0)
			return r;
	}
	if (n_units == 0)
		return add_unit(rd, c, group, id, ASY_RUN_LABEL_CASE,
		    mandatory);
	return 0;
}

static int
read_groups(struct reader *rd, const struct asy_xnode *groups)
{
	int r;

	for (size_t i = 0; i < groups->n_children; i++) {
		const struct asy_xnode *g = &groups->children[i];
		const char *gid = attr_or(g, "id", "");
		int mandatory = strcmp(attr_or(g, "mandatory", ""), "true") ==
		    0 || strcmp(attr_or(g, "mandatory", ""), "1") == 0;
		size_t n_cases = 0;

		for (size_t j = 0; j < g->n_children; j++) {
			if (strcmp(g->children[j].name, "case") != 0)
				continue;
			n_cases++;
			r = read_case(rd, &g->children[j], gid, mandatory);
			if (r < 0)
				return r;
		}
		if (n_cases == 0) {
			r = add_unit(rd, g, gid, gid, ASY_RUN_LABEL_GROUP,
			    mandatory);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int
read_discovery(struct reader *rd, const struct asy_xnode *disc)
{
	struct asy_runinfo *ri = rd->ri;

	ri->discovery_status = attr_or(disc, "status", "not run");
	for (size_t i = 0; i < disc->n_children; i++) {
		const struct asy_xnode *s = &disc->children[i];
		struct asy_run_service *sv;
		unsigned long port = 0;

		if (strcmp(s->name, "service") != 0)
			continue;
		sv = asy_array_add(&ri->services, &ri->n_services,
		    &rd->cap_services, sizeof(*sv));
		if (sv == NULL)
			return ASY_E_NOMEM;
		if (asy_parse_ulong(attr_or(s, "port", ""), &port) < 0 ||
		    port > 65535)
			port = 0;	/* the schema refuses it already */
		sv->proto = attr_or(s, "proto", "");
		sv->port = (unsigned)port;
		sv->match = attr_or(s, "match", "");
		sv->name = asy_xnode_attr(s, "name");
		sv->product = asy_xnode_attr(s, "product");
		sv->row = asy_xnode_attr(s, "row");
	}
	return 0;
}

/* "NAME.partial" */
static int
is_partial_name(const char *path)
{
	size_t n = strlen(path), k = strlen(ASY_PARTIAL);

	while (n > 1 && path[n - 1] == '/')
		n--;
	return n > k && strncmp(path + n - k, ASY_PARTIAL, k) == 0;
}

static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The folder that holds file path (a fresh string), or NULL. */
static char *
parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return asy_strdup(".");
	if (slash == path)
		return asy_strdup("/");
	return asy_strndup(path, (size_t)(slash - path));
}

/*
 * Work out which report.xml to read: a finished run folder's, or the file
 * given.  Problems go to d.
 */
static int
locate(const char *path, struct asy_diags *d, char **folder, char **report)
{
	struct stat st;
	char *f = NULL, *rep = NULL, *man = NULL, *partial = NULL;
	int r = ASY_E_INPUT;

	if (stat(path, &st) < 0) {
		partial = asy_strdup_printf("%s%s", path, ASY_PARTIAL);
		if (partial == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (errno == ENOENT && is_dir(partial))
			asy_diag_error(d, path, 0, "the run did not finish: "
			    "only %s exists; diff a finished run, or run "
			    "assay again", partial);
		else
			asy_diag_error(d, path, 0, "cannot read it (%s); give "
			    "a run folder or its report.xml", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		if (is_partial_name(path)) {
			asy_diag_error(d, path, 0, "this run folder is "
			    "unfinished (%s): assay stopped before the run "
			    "was complete; diff a finished run, or run assay "
			    "again", ASY_PARTIAL);
			goto out;
		}
		f = asy_strdup(path);
		rep = asy_path_join(path, "report.xml");
		man = asy_path_join(path, ASY_MANIFEST);
		if (f == NULL || rep == NULL || man == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (access(rep, F_OK) < 0) {
			asy_diag_error(d, path, 0, "not a run folder: it has no "
			    "report.xml; give a folder written by 'assay run' "
			    "or the path of a report.xml");
			goto out;
		}
		if (access(man, F_OK) < 0) {
			asy_diag_error(d, path, 0, "not a finished run folder: "
			    "it has no %s; give a folder written by 'assay "
			    "run' (check it with 'assay verify')",
			    ASY_MANIFEST);
			goto out;
		}
	} else if (S_ISREG(st.st_mode)) {
		char *parent = parent_of(path);

		if (parent == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (is_partial_name(parent)) {
			asy_diag_error(d, path, 0, "this report is in an "
			    "unfinished run folder (%s): diff a finished run, "
			    "or run assay again", ASY_PARTIAL);
			free(parent);
			goto out;
		}
		free(parent);
		rep = asy_strdup(path);
		if (rep == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
	} else {
		asy_diag_error(d, path, 0, "not a run folder or a file; give a "
		    "folder written by 'assay run' or its report.xml");
		goto out;
	}
	*folder = f;
	*report = rep;
	f = rep = NULL;
	r = 0;
out:
	free(f);
	free(rep);
	free(man);
	free(partial);
	return r;
}

/* Two units with the same (case, label) would make a diff ambiguous. */
static int
unit_cmp(const void *a, const void *b)
{
	const struct asy_run_unit *x = *(const struct asy_run_unit *const *)a;
	const struct asy_run_unit *y = *(const struct asy_run_unit *const *)b;
	int c = strcmp(x->case_id, y->case_id);

	return c != 0 ? c : strcmp(x->label, y->label);
}

static int
check_unique(struct asy_runinfo *ri, struct asy_diags *d)
{
	const struct asy_run_unit **v;
	int r = 0;

	if (ri->n_units < 2)
		return 0;
	v = malloc(ri->n_units * sizeof(*v));
	if (v == NULL)
		return ASY_E_NOMEM;
	for (size_t i = 0; i < ri->n_units; i++)
		v[i] = &ri->units[i];
	qsort(v, ri->n_units, sizeof(*v), unit_cmp);
	for (size_t i = 1; i < ri->n_units; i++) {
		if (unit_cmp(&v[i - 1], &v[i]) != 0)
			continue;
		asy_diag_error(d, ri->report, 0, "unit %s %s appears twice; "
		    "this report was not written by assay: use the run "
		    "folder's original report.xml", v[i]->case_id,
		    v[i]->label);
		r = ASY_E_INPUT;
		break;
	}
	free(v);
	return r;
}

void
asy_runinfo_free(struct asy_runinfo *ri)
{
	struct runinfo_priv *p = (struct runinfo_priv *)ri;

	if (ri == NULL)
		return;
	for (size_t i = 0; i < ri->n_units; i++)
		free(ri->units[i].evidence);
	free(ri->units);
	free(ri->services);
	for (size_t i = 0; i < p->own.n; i++)
		free(p->own.v[i]);
	free(p->own.v);
	asy_xdoc_free(ri->doc);
	free(ri->folder);
	free(ri->report);
	free(p);
}

int
asy_runinfo_load(const char *path, struct asy_diags *d,
    struct asy_runinfo **out)
{
	struct runinfo_priv *p = NULL;
	struct asy_runinfo *ri = NULL;
	struct reader rd = { 0 };
	const struct asy_xnode *root, *n;
	char *xsd = NULL;
	int r;

	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return ASY_E_NOMEM;
	ri = &p->pub;
	r = locate(path, d, &ri->folder, &ri->report);
	if (r < 0)
		goto out;
	xsd = asy_data_path("reports/schema/report.xsd");
	if (xsd == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_xml_load(ri->report, xsd, ASY_REPORT_MAX, d, &ri->doc);
	if (r == ASY_E_INPUT)
		asy_diag_error(d, ri->report, 0, "not a complete report written "
		    "by assay (format 1, namespace urn:assay:report:1, see "
		    "reports/schema/report.xsd); give the report.xml of a "
		    "finished run, or run assay again");
	if (r < 0)
		goto out;
	root = asy_xdoc_root(ri->doc);
	n = asy_xnode_child(root, "run");
	ri->id = attr_or(n, "id", "");
	ri->date = attr_or(n, "date", "");
	ri->mode = attr_or(n, "mode", "");
	ri->edition = attr_or(n, "edition", "");
	ri->assay_version = attr_or(n, "assay-version", "");
	n = asy_xnode_child(root, "dut");
	ri->device = attr_or(n, "name", "");
	ri->vendor = attr_or(n, "vendor", "");
	ri->model = attr_or(n, "model", "");
	ri->hw = attr_or(n, "hw", "");
	ri->sw = attr_or(n, "sw", "");
	n = asy_xnode_child(root, "overall");
	if (n == NULL || verdict_of(n, &ri->overall) < 0)
		ri->overall = ASY_V_NONE;
	ri->overall_reason = child_text(n, "reason");
	rd.ri = ri;
	n = asy_xnode_child(root, "discovery");
	r = n != NULL ? read_discovery(&rd, n) : 0;
	n = asy_xnode_child(root, "groups");
	if (r == 0 && n != NULL)
		r = read_groups(&rd, n);
	p->own = rd.own;
	if (r == 0)
		r = check_unique(ri, d);
	if (r < 0)
		goto out;
	*out = ri;
	ri = NULL;
out:
	asy_runinfo_free(ri);
	free(xsd);
	return r;
}

int
asy_run_unit_is_pseudo(const struct asy_run_unit *u)
{
	return strcmp(u->label, ASY_RUN_LABEL_CASE) == 0 ||
	    strcmp(u->label, ASY_RUN_LABEL_GROUP) == 0;
}

const struct asy_run_unit *
asy_runinfo_unit(const struct asy_runinfo *ri, const char *case_id,
    const char *label)
{
	for (size_t i = 0; i < ri->n_units; i++)
		if (strcmp(ri->units[i].case_id, case_id) == 0 &&
		    strcmp(ri->units[i].label, label) == 0)
			return &ri->units[i];
	return NULL;
}

char *
asy_runinfo_device_key(const char *device)
{
	struct asy_buf b;
	const char *name = device != NULL && *device != '\0' ? device : "dut";
	int r = 0;

	asy_buf_init(&b, 64);
	for (const char *p = name; *p && r == 0 && p - name < 40; p++)
		r = asy_buf_putc(&b, ((*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_') ? *p : '_');
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}
