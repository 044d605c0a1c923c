/*
 * The run journal (see journal.h for the format).
 */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "util.h"

#define JOURNAL_MAGIC	"assay-journal 1"
#define JOURNAL_MAX	(64u << 20)	/* read at most */
#define RECORD_MAX	(4u << 20)	/* one case's records */
#define MAX_FIELDS	8

static void
unit_release(struct asy_journal_unit *u)
{
	free(u->case_id);
	free(u->unit);
	free(u->row);
	free(u->decided_by);
	free(u->reason);
	for (size_t i = 0; i < u->n_ev; i++) {
		free(u->ev[i].path);
		free(u->ev[i].kind);
		free(u->ev[i].note);
	}
	free(u->ev);
}

static void
kv_release(struct asy_journal_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void
asy_journal_free(struct asy_journal *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->path);
	kv_release(j->opts, j->n_opts);
	kv_release(j->disc, j->n_disc);
	for (size_t i = 0; i < j->n_units; i++)
		unit_release(&j->units[i]);
	free(j->units);
	for (size_t i = 0; i < j->n_done; i++)
		free(j->done[i]);
	free(j->done);
	free(j->stopped);
	free(j);
}

static struct asy_journal *
journal_new(const char *dir)
{
	struct asy_journal *j;

	j = calloc(1, sizeof(*j));
	if (j == NULL)
		return NULL;
	j->fd = -1;
	j->path = asy_path_join(dir, ASY_JOURNAL_FILE);
	if (j->path == NULL) {
		free(j);
		return NULL;
	}
	return j;
}

/* ---- writing ------------------------------------------------------------ */

/* One field, escaped; NULL as \N. */
static int
put_field(struct asy_buf *b, const char *s)
{
	int r = 0;

	if (s == NULL)
		return asy_buf_puts(b, "\\N");
	for (; *s != '\0' && r == 0; s++) {
		switch (*s) {
		case '\\':
			r = asy_buf_puts(b, "\\\\");
			break;
		case '\t':
			r = asy_buf_puts(b, "\\t");
			break;
		case '\n':
			r = asy_buf_puts(b, "\\n");
			break;
		case '\r':
			r = asy_buf_puts(b, "\\r");
			break;
		default:
			r = asy_buf_putc(b, *s);
			break;
		}
	}
	return r;
}

/* A record: the tag, then each field after a tab, then a newline. */
static int
put_record(struct asy_buf *b, char tag, const char *const *f, size_t n)
{
	int r;

	r = asy_buf_putc(b, tag);
	for (size_t i = 0; i < n && r == 0; i++) {
		r = asy_buf_putc(b, '\t');
		if (r == 0)
			r = put_field(b, f[i]);
	}
	if (r == 0)
		r = asy_buf_putc(b, '\n');
	return r;
}

/* Write all of b at the end of the journal, then make it durable. */
static int
journal_append(struct asy_journal *j, const struct asy_buf *b)
{
	size_t off = 0;

	if (j->fd < 0)
		return ASY_E_IO;
	while (off < b->len) {
		ssize_t n = write(j->fd, b->data + off, b->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ASY_E_IO;
		off += (size_t)n;
	}
	if (fdatasync(j->fd) < 0 && errno != EINVAL)
		return ASY_E_IO;
	return 0;
}

int
asy_journal_create(const char *dir, struct asy_journal **out)
{
	struct asy_journal *j;
	struct asy_buf b;
	int r;

	j = journal_new(dir);
	if (j == NULL)
		return ASY_E_NOMEM;
	j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND |
	    O_CLOEXEC, 0644);
	if (j->fd < 0) {
		r = errno == EEXIST ? ASY_E_EXISTS : ASY_E_IO;
		asy_journal_free(j);
		return r;
	}
	asy_buf_init(&b, 64);
	r = asy_buf_puts(&b, JOURNAL_MAGIC "\n");
	if (r == 0)
		r = journal_append(j, &b);
	asy_buf_release(&b);
	if (r < 0) {
		asy_journal_free(j);
		return r;
	}
	*out = j;
	return 0;
}

static int
kv_add(struct asy_journal_kv **arr, size_t *n, size_t *cap, const char *key,
    const char *value)
{
	struct asy_journal_kv *kv;

	/* A later record replaces an earlier one with the same key. */
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*arr)[i].key, key) == 0)
			return asy_set_str(&(*arr)[i].value, value);
	kv = asy_array_add(arr, n, cap, sizeof(**arr));
	if (kv == NULL)
		return ASY_E_NOMEM;
	kv->key = asy_strdup(key);
	kv->value = value ? asy_strdup(value) : NULL;
	if (kv->key == NULL || (value != NULL && kv->value == NULL))
		return ASY_E_NOMEM;
	return 0;
}

static int
put_kv(struct asy_journal *j, char tag, const char *key, const char *value)
{
	const char *f[2] = { key, value };
	struct asy_buf b;
	int r;

	asy_buf_init(&b, RECORD_MAX);
	r = put_record(&b, tag, f, 2);
	if (r == 0)
		r = journal_append(j, &b);
	asy_buf_release(&b);
	if (r == 0)
		r = tag == 'O' ? kv_add(&j->opts, &j->n_opts, &j->cap_opts,
		    key, value) : kv_add(&j->disc, &j->n_disc, &j->cap_disc,
		    key, value);
	return r;
}

int
asy_journal_put_opt(struct asy_journal *j, const char *key, const char *value)
{
	return put_kv(j, 'O', key, value);
}

int
asy_journal_put_disc(struct asy_journal *j, const char *key,
    const char *value)
{
	return put_kv(j, 'D', key, value);
}

int
asy_journal_put_stop(struct asy_journal *j, const char *why)
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, RECORD_MAX);
	r = put_record(&b, 'S', &why, 1);
	if (r == 0)
		r = journal_append(j, &b);
	asy_buf_release(&b);
	if (r == 0)
		r = asy_set_str(&j->stopped, why);
	return r;
}

int
asy_journal_put_case(struct asy_journal *j, const struct asy_case_result *c)
{
	struct asy_buf b;
	int r = 0;

	asy_buf_init(&b, RECORD_MAX);
	for (size_t i = 0; i < c->n_units && r == 0; i++) {
		const struct asy_unit_result *u = &c->units[i];
		const char *f[6] = { c->id, u->id, u->row,
		    asy_verdict_name(u->verdict), u->decided_by, u->reason };

		r = put_record(&b, 'U', f, 6);
		for (size_t e = 0; e < u->n_ev && r == 0; e++) {
			const char *g[3] = { u->ev[e].path, u->ev[e].kind,
			    u->ev[e].note };

			r = put_record(&b, 'E', g, 3);
		}
	}
	if (r == 0)
		r = put_record(&b, 'K', (const char *const *)&c->id, 1);
	if (r == 0)
		r = journal_append(j, &b);
	asy_buf_release(&b);
	return r;
}

/* ---- reading ------------------------------------------------------------ */

/* Split line (NUL-terminated, no newline) into unescaped fields after the
 * tag; *n gets their count.  NULL fields stay NULL.  0, ASY_E_INPUT
 * (a bad escape) or ASY_E_NOMEM. */
static int
split(const char *line, char **f, size_t *n)
{
	const char *p = line + 1;
	int r = 0;

	*n = 0;
	while (*p == '\t' && r == 0) {
		struct asy_buf b;
		int null = 0;

		p++;
		if (*n == MAX_FIELDS)
			return ASY_E_INPUT;
		asy_buf_init(&b, RECORD_MAX);
		for (; *p != '\0' && *p != '\t' && r == 0; p++) {
			if (*p != '\\') {
				r = asy_buf_putc(&b, *p);
				continue;
			}
			p++;
			switch (*p) {
			case '\\':
				r = asy_buf_putc(&b, '\\');
				break;
			case 't':
				r = asy_buf_putc(&b, '\t');
				break;
			case 'n':
				r = asy_buf_putc(&b, '\n');
				break;
			case 'r':
				r = asy_buf_putc(&b, '\r');
				break;
			case 'N':
				null = 1;
				break;
			default:
				r = ASY_E_INPUT;
				p--;
				break;
			}
		}
		if (r < 0 || null) {
			asy_buf_release(&b);
			if (r < 0)
				break;
			f[(*n)++] = NULL;
			continue;
		}
		f[*n] = asy_buf_steal(&b);
		if (f[(*n)++] == NULL)
			r = ASY_E_NOMEM;
	}
	if (r == 0 && *p != '\0')
		r = ASY_E_INPUT;
	return r;
}

/* Units of a case not yet complete (moved over at its K line). */
struct pending {
	struct asy_journal_unit *u;
	size_t	 n, cap;
};

static int
apply(struct asy_journal *j, struct pending *pend, char tag, char **f,
    size_t n, const char **what)
{
	struct asy_journal_unit *u;
	struct asy_evidence *e;

	switch (tag) {
	case 'O':
	case 'D':
		if (n != 2 || f[0] == NULL) {
			*what = "an option or discovery record needs a key "
			    "and a value";
			return ASY_E_INPUT;
		}
		return tag == 'O' ? kv_add(&j->opts, &j->n_opts, &j->cap_opts,
		    f[0], f[1]) : kv_add(&j->disc, &j->n_disc, &j->cap_disc,
		    f[0], f[1]);
	case 'U':
		if (n != 6 || f[0] == NULL || f[1] == NULL || f[3] == NULL) {
			*what = "a unit record needs case, unit, row, "
			    "verdict, decided-by and reason";
			return ASY_E_INPUT;
		}
		u = asy_array_add(&pend->u, &pend->n, &pend->cap, sizeof(*u));
		if (u == NULL)
			return ASY_E_NOMEM;
		if (asy_verdict_parse(f[3], &u->verdict) < 0) {
			*what = "unknown verdict";
			return ASY_E_INPUT;
		}
		u->case_id = f[0];
		u->unit = f[1];
		u->row = f[2];
		u->decided_by = f[4];
		u->reason = f[5];
		f[0] = f[1] = f[2] = f[4] = f[5] = NULL;
		return 0;
	case 'E':
		if (n != 3 || f[0] == NULL || pend->n == 0) {
			*what = "an evidence record needs a unit record before "
			    "it and a path";
			return ASY_E_INPUT;
		}
		u = &pend->u[pend->n - 1];
		e = asy_array_add(&u->ev, &u->n_ev, &u->cap_ev, sizeof(*e));
		if (e == NULL)
			return ASY_E_NOMEM;
		e->path = f[0];
		e->kind = f[1];
		e->note = f[2];
		f[0] = f[1] = f[2] = NULL;
		return 0;
	case 'K':
		if (n != 1 || f[0] == NULL) {
			*what = "a case record needs the case";
			return ASY_E_INPUT;
		}
		for (size_t i = 0; i < pend->n; i++) {
			if (strcmp(pend->u[i].case_id, f[0]) != 0) {
				*what = "units of another case before this "
				    "case's end";
				return ASY_E_INPUT;
			}
			u = asy_array_add(&j->units, &j->n_units,
			    &j->cap_units, sizeof(*u));
			if (u == NULL)
				return ASY_E_NOMEM;
			*u = pend->u[i];
			memset(&pend->u[i], 0, sizeof(pend->u[i]));
		}
		pend->n = 0;
		if (asy_array_add(&j->done, &j->n_done, &j->cap_done,
		    sizeof(*j->done)) == NULL)
			return ASY_E_NOMEM;
		j->done[j->n_done - 1] = f[0];
		f[0] = NULL;
		return 0;
	case 'S':
		if (n != 1) {
			*what = "a stop record needs its reason";
			return ASY_E_INPUT;
		}
		return asy_set_str(&j->stopped, f[0]);
	default:
		*what = "unknown record type";
		return ASY_E_INPUT;
	}
}

int
asy_journal_load(const char *dir, struct asy_diags *d,
    struct asy_journal **out)
{
	struct asy_journal *j;
	struct pending pend = { 0 };
	struct asy_buf b;
	unsigned long lineno = 0;
	size_t keep = 0;
	char *line, *nl;
	int r;

	j = journal_new(dir);
	if (j == NULL)
		return ASY_E_NOMEM;
	asy_buf_init(&b, JOURNAL_MAX);
	r = asy_buf_load_file(&b, j->path);
	if (r < 0) {
		if (access(j->path, F_OK) < 0) {
			r = ASY_E_NOTFOUND;
			asy_diag_error(d, j->path, 0, "no journal: this is not "
			    "the folder of a run assay can resume; give the "
			    "run folder (NAME.partial) of a stopped run");
		} else
			asy_diag_error(d, j->path, 0, "cannot read the journal "
			    "(%s)", asy_strerror(r));
		goto out;
	}
	line = b.data;
	for (; line != NULL && line < b.data + b.len; line = nl + 1) {
		char *f[MAX_FIELDS] = { NULL };
		const char *what = "bad escape or too many fields";
		size_t n = 0;

		nl = strchr(line, '\n');
		lineno++;
		if (nl == NULL)
			break;		/* cut short by a crash: ignored */
		*nl = '\0';
		if (lineno == 1) {
			if (strcmp(line, JOURNAL_MAGIC) != 0) {
				asy_diag_error(d, j->path, 1, "not an assay "
				    "journal (format 1); resume only folders "
				    "assay wrote");
				r = ASY_E_INPUT;
				goto out;
			}
			keep = (size_t)(nl + 1 - b.data);
			continue;
		}
		if (strlen(line) != (size_t)(nl - line)) {
			what = "a NUL byte";
			r = ASY_E_INPUT;
		} else if (line[0] == '\0' || (line[1] != '\0' &&
		    line[1] != '\t'))
			r = ASY_E_INPUT;
		else
			r = split(line, f, &n);
		if (r == 0)
			r = apply(j, &pend, line[0], f, n, &what);
		/* Units count only with their case's end: a crash during
		 * a case leaves units after the last end, cut off below. */
		if (r == 0 && line[0] != 'U' && line[0] != 'E')
			keep = (size_t)(nl + 1 - b.data);
		for (size_t i = 0; i < MAX_FIELDS; i++)
			free(f[i]);
		if (r == ASY_E_INPUT)
			asy_diag_error(d, j->path, lineno, "damaged journal "
			    "record (%s); the run cannot be resumed safely: "
			    "start a new run", what);
		if (r < 0)
			goto out;
	}
	if (keep == 0) {
		asy_diag_error(d, j->path, 0, "the journal is empty; start a "
		    "new run");
		r = ASY_E_INPUT;
		goto out;
	}
	j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (j->fd < 0) {
		asy_diag_error(d, j->path, 0, "cannot append to the journal "
		    "(%s); check the folder's permissions", strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	/* What a crash left after the last complete record goes, so that
	 * what is appended now follows whole records. */
	if (keep < b.len && ftruncate(j->fd, (off_t)keep) < 0) {
		asy_diag_error(d, j->path, lineno, "cannot cut the unfinished "
		    "record a crash left (%s)", strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	*out = j;
	j = NULL;
out:
	for (size_t i = 0; i < pend.n; i++)
		unit_release(&pend.u[i]);
	free(pend.u);
	asy_buf_release(&b);
	asy_journal_free(j);
	return r;
}

static const char *
kv_get(const struct asy_journal_kv *kv, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, key) == 0)
			return kv[i].value;
	return NULL;
}

const char *
asy_journal_opt(const struct asy_journal *j, const char *key)
{
	return kv_get(j->opts, j->n_opts, key);
}

const char *
asy_journal_disc(const struct asy_journal *j, const char *key)
{
	return kv_get(j->disc, j->n_disc, key);
}

int
asy_journal_has_case(const struct asy_journal *j, const char *case_id)
{
	for (size_t i = 0; i < j->n_done; i++)
		if (strcmp(j->done[i], case_id) == 0)
			return 1;
	return 0;
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
asy_journal_restore(const struct asy_journal *j, const char *case_id,
    struct asy_unit_result *u)
{
	const struct asy_journal_unit *ju = NULL;
	int r;

	/* The last record wins: a case run again after a resume. */
	for (size_t i = j->n_units; i-- > 0; )
		if (strcmp(j->units[i].case_id, case_id) == 0 &&
		    same(j->units[i].unit, u->id) &&
		    same(j->units[i].row, u->row)) {
			ju = &j->units[i];
			break;
		}
	if (ju == NULL)
		return 0;
	u->verdict = ju->verdict;
	r = asy_set_str(&u->reason, ju->reason);
	if (r == 0)
		r = asy_set_str(&u->decided_by, ju->decided_by);
	for (size_t e = 0; e < ju->n_ev && r == 0; e++)
		r = asy_unit_add_evidence(u, ju->ev[e].path, ju->ev[e].kind,
		    ju->ev[e].note);
	return r < 0 ? r : 1;
}
