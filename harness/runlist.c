/*
 * Listing and classifying run folders for the dashboard (see runlist.h).
 *
 * Every file is opened relative to a folder descriptor with O_NOFOLLOW,
 * so a symbolic link inside the runs folder or a run is never followed.
 * The head of report.xml is scanned, not parsed with libxml2: it is our
 * own writer's output (reports/xml.c writes <run>, <dut> and <overall>
 * before the groups), only the first ASY_REPORT_HEAD bytes are read, and
 * whatever it holds is only shown, escaped.
 */
#include "runlist.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "error.h"
#include "evidence.h"
#include "log.h"
#include "map.h"
#include "util.h"

#define REPORT_XML	"report.xml"
/* Text kept from report.xml per value. */
#define MAX_VALUE	2048

static const char *const run_state_names[ASY_RUN__COUNT] = {
	[ASY_RUN_COMPLETE] = "complete",
	[ASY_RUN_RUNNING] = "running",
	[ASY_RUN_INCOMPLETE] = "incomplete",
	[ASY_RUN_CORRUPT] = "corrupt",
	[ASY_RUN_FOREIGN] = "foreign",
};

const char *
asy_run_state_name(enum asy_run_state s)
{
	if ((unsigned)s >= ASY_RUN__COUNT)
		return "corrupt";
	return run_state_names[s];
}

/* ---- the head of report.xml ---------------------------------------------- */

/* Find needle in [s, s + n); NULL if absent. */
static const char *
find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k == 0 || n < k)
		return NULL;
	for (size_t i = 0; i + k <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, k) == 0)
			return s + i;
	return NULL;
}

/* The end of the tag starting at tag ('>' outside quotes), or NULL. */
static const char *
tag_end(const char *tag, const char *end)
{
	char q = 0;

	for (const char *p = tag; p < end; p++) {
		if (q != 0) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'')
			q = *p;
		else if (*p == '>')
			return p;
	}
	return NULL;
}

/* Decode XML text [s, s + n) into a fresh string: the five entities and
 * character references; anything else is kept as it is. */
static char *
xml_text(const char *s, size_t n)
{
	static const struct {
		const char	*ent;
		char		 c;
	} ents[] = {
		{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&apos;", '\'' },
	};
	struct asy_buf b;
	size_t i = 0;

	asy_buf_init(&b, MAX_VALUE);
	if (asy_buf_puts(&b, "") < 0)
		return NULL;
	while (i < n && b.len < MAX_VALUE) {
		int done = 0;

		if (s[i] != '&') {
			(void)asy_buf_putc(&b, s[i++]);
			continue;
		}
		for (size_t e = 0; e < ASY_ELEMENTSOF(ents) && !done; e++) {
			size_t k = strlen(ents[e].ent);

			if (n - i >= k && memcmp(s + i, ents[e].ent, k) == 0) {
				(void)asy_buf_putc(&b, ents[e].c);
				i += k;
				done = 1;
			}
		}
		if (!done && n - i >= 4 && s[i + 1] == '#') {
			size_t j = i + 2;
			unsigned long cp = 0;
			int hex = s[j] == 'x', digits = 0;
			char u[4];

			j += (size_t)hex;
			for (; j < n && digits < 8; j++, digits++) {
				char c = s[j];

				if (c >= '0' && c <= '9')
					cp = cp * (hex ? 16 : 10) +
					    (unsigned long)(c - '0');
				else if (hex && c >= 'a' && c <= 'f')
					cp = cp * 16 + (unsigned long)(c - 'a' +
					    10);
				else if (hex && c >= 'A' && c <= 'F')
					cp = cp * 16 + (unsigned long)(c - 'A' +
					    10);
				else
					break;
			}
			if (digits > 0 && j < n && s[j] == ';') {
				/* Only what we write: CR, TAB, LF, and
				 * printable ASCII; the rest as U+FFFD. */
				if (cp == '\r' || cp == '\t' || cp == '\n' ||
				    (cp >= 0x20 && cp < 0x7f))
					(void)asy_buf_putc(&b, (char)cp);
				else {
					u[0] = (char)0xef;
					u[1] = (char)0xbf;
					u[2] = (char)0xbd;
					(void)asy_buf_add(&b, u, 3);
				}
				i = j + 1;
				done = 1;
			}
		}
		if (!done)
			(void)asy_buf_putc(&b, s[i++]);
	}
	return asy_buf_steal(&b);
}

/* The value of attribute name in the tag [tag, end), decoded; "" if
 * absent; NULL when out of memory. */
static char *
attr(const char *tag, const char *end, const char *name)
{
	size_t k = strlen(name);

	for (const char *p = tag; p + k + 2 < end; p++) {
		const char *v, *q;

		if ((p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n') ||
		    memcmp(p, name, k) != 0 || p[k] != '=' ||
		    (p[k + 1] != '"' && p[k + 1] != '\''))
			continue;
		v = p + k + 2;
		q = memchr(v, p[k + 1], (size_t)(end - v));
		if (q == NULL)
			break;
		return xml_text(v, (size_t)(q - v));
	}
	return asy_strdup("");
}

void
asy_report_head_release(struct asy_report_head *h)
{
	if (h == NULL)
		return;
	free(h->id);
	free(h->date);
	free(h->mode);
	free(h->edition);
	free(h->vendor);
	free(h->model);
	free(h->sw);
	free(h->dut_name);
	free(h->reason);
	memset(h, 0, sizeof(*h));
}

/* Find the tag "<name " in [s, end); its start (after '<') and end
 * ('>'), set only when it is found whole. */
static int
find_tag(const char *s, const char *end, const char *open,
    const char **tag, const char **tend)
{
	const char *t = find(s, (size_t)(end - s), open), *e;

	if (t == NULL)
		return 0;
	e = tag_end(t, end);
	if (e == NULL)
		return 0;
	*tag = t + 1;
	*tend = e;
	return 1;
}

int
asy_report_head_parse(const char *text, size_t len, struct asy_report_head *h,
    char *why, size_t whylen)
{
	struct asy_report_head got = { 0 };
	const char *end = text + len, *t, *te, *ov, *ove, *p, *q;
	char *verdict = NULL, *level = NULL, *num = NULL;
	int r = ASY_E_INPUT;

	memset(h, 0, sizeof(*h));
	if (text == NULL || !find_tag(text, end, "<report ", &t, &te) ||
	    find(t, (size_t)(te - t), "xmlns=\"urn:assay:report:1\"") == NULL) {
		asy_why(why, whylen, "not an assay report (no <report "
		    "xmlns=\"urn:assay:report:1\">)");
		goto out;
	}
	if (!find_tag(te, end, "<run ", &t, &te)) {
		asy_why(why, whylen, "no <run> element");
		goto out;
	}
	r = ASY_E_NOMEM;
	got.id = attr(t, te, "id");
	got.date = attr(t, te, "date");
	got.mode = attr(t, te, "mode");
	got.edition = attr(t, te, "edition");
	if (got.id == NULL || got.date == NULL || got.mode == NULL ||
	    got.edition == NULL)
		goto out;
	if (find_tag(te, end, "<dut ", &t, &te)) {
		got.vendor = attr(t, te, "vendor");
		got.model = attr(t, te, "model");
		got.sw = attr(t, te, "sw");
		got.dut_name = attr(t, te, "name");
	} else {
		got.vendor = asy_strdup("");
		got.model = asy_strdup("");
		got.sw = asy_strdup("");
		got.dut_name = asy_strdup("");
	}
	if (got.vendor == NULL || got.model == NULL || got.sw == NULL ||
	    got.dut_name == NULL)
		goto out;
	r = ASY_E_INPUT;
	if (!find_tag(te, end, "<overall ", &ov, &ove)) {
		asy_why(why, whylen, "no overall verdict in the first %zu "
		    "bytes", len);
		goto out;
	}
	verdict = attr(ov, ove, "verdict");
	if (verdict == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (asy_verdict_parse(verdict, &got.overall) < 0) {
		asy_why(why, whylen, "the overall verdict is not a verdict");
		goto out;
	}
	/* The reason and the counts, up to </overall>. */
	q = find(ove, (size_t)(end - ove), "</overall>");
	if (q == NULL)
		q = end;
	p = find(ove, (size_t)(q - ove), "<reason>");
	if (p != NULL) {
		const char *rend = find(p, (size_t)(q - p), "</reason>");

		got.reason = rend != NULL ? xml_text(p + 8,
		    (size_t)(rend - p - 8)) : asy_strdup("");
	} else
		got.reason = asy_strdup("");
	if (got.reason == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	for (p = ove; find_tag(p, q, "<counts ", &t, &te); p = te) {
		free(level);
		level = attr(t, te, "level");
		if (level == NULL || strcmp(level, "units") != 0)
			continue;
		got.has_units = 1;
		for (int v = 0; v < ASY_V__COUNT; v++) {
			unsigned long u = 0;

			free(num);
			num = attr(t, te, asy_verdict_slug((enum asy_verdict)v));
			if (num != NULL && asy_parse_ulong(num, &u) == 0)
				got.units[v] = u;
		}
		break;
	}
	*h = got;
	memset(&got, 0, sizeof(got));
	r = 0;
out:
	if (r == ASY_E_NOMEM)
		asy_why(why, whylen, "out of memory");
	free(verdict);
	free(level);
	free(num);
	asy_report_head_release(&got);
	return r;
}

/* ---- one run folder ------------------------------------------------------ */

void
asy_run_info_release(struct asy_run_info *ri)
{
	if (ri == NULL)
		return;
	free(ri->name);
	free(ri->reason);
	free(ri->device);
	free(ri->dut_name);
	free(ri->edition);
	free(ri->mode);
	free(ri->started);
	asy_report_head_release(&ri->head);
	asy_progress_view_release(&ri->progress);
	memset(ri, 0, sizeof(*ri));
}

/*
 * Read at most max bytes of name in the folder dfd (no symlink, regular
 * files only) into b; *st gets its status.  Reading less than the whole
 * file is not an error: *cut says so.
 */
static int
read_head(int dfd, const char *name, size_t max, struct asy_buf *b,
    struct stat *st, int *cut)
{
	int fd, r = 0;

	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? ASY_E_NOTFOUND : errno == ELOOP ?
		    ASY_E_NOTREG : ASY_E_IO;
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		r = ASY_E_NOTREG;
		goto out;
	}
	*cut = (unsigned long long)st->st_size > max;
	while (b->len < max) {
		char chunk[16384];
		size_t want = max - b->len < sizeof(chunk) ? max - b->len :
		    sizeof(chunk);
		ssize_t n = read(fd, chunk, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = ASY_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		r = asy_buf_add(b, chunk, (size_t)n);
		if (r < 0)
			goto out;
	}
out:
	close(fd);
	return r;
}

__attribute__((format(printf, 3, 4)))
static int
set_state(struct asy_run_info *ri, enum asy_run_state s, const char *fmt,
    ...)
{
	va_list ap;
	char *m;
	struct asy_buf b;
	int r;

	asy_buf_init(&b, 4096);
	va_start(ap, fmt);
	r = asy_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (r == ASY_E_TOOBIG)
		r = 0;
	m = r == 0 ? asy_buf_steal(&b) : NULL;
	asy_buf_release(&b);
	if (m == NULL)
		return ASY_E_NOMEM;
	free(ri->reason);
	ri->reason = m;
	ri->state = s;
	return 0;
}

/* "NAME-20261122T113000Z[.partial]": the stamp as ISO 8601, or "". */
static void
stamp_of(const char *name, char iso[32])
{
	const char *dash = strrchr(name, '-');
	const char *s;

	iso[0] = '\0';
	if (dash == NULL)
		return;
	s = dash + 1;
	if (strlen(s) < 16 || (s[16] != '\0' && strcmp(s + 16,
	    ASY_PARTIAL) != 0))
		return;
	for (int i = 0; i < 16; i++) {
		char want = "ddddddddTddddddZ"[i];

		if (want == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != want)
			return;
	}
	snprintf(iso, 32, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", s, s + 4, s + 6,
	    s + 9, s + 11, s + 13);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* Is pid a process of this host?  EPERM: it exists, owned by another. */
static int
pid_alive(long pid)
{
	if (pid <= 0 || pid > 0x3fffffff)
		return 0;
	return kill((pid_t)pid, 0) == 0 || errno == EPERM;
}

/* The stale-run rule for a .partial folder with a readable progress. */
static int
classify_partial(struct asy_run_info *ri, long long now)
{
	const struct asy_progress_view *v = &ri->progress;
	char host[256];
	long long upd = 0;
	int same_host;

	switch (v->state) {
	case ASY_PROGRESS_FAILED:
		return set_state(ri, ASY_RUN_INCOMPLETE, "failed: the "
		    "assessment process failed after %lu of %lu units",
		    v->done, v->total);
	case ASY_PROGRESS_INCOMPLETE:
		return set_state(ri, ASY_RUN_INCOMPLETE, "stopped after %lu "
		    "of %lu units", v->done, v->total);
	case ASY_PROGRESS_COMPLETE:
		return set_state(ri, ASY_RUN_INCOMPLETE, "every unit was "
		    "decided, but the run folder was never finished (no "
		    "manifest, still %s)", ASY_PARTIAL);
	default:
		break;
	}
	if (gethostname(host, sizeof(host)) < 0)
		host[0] = '\0';
	host[sizeof(host) - 1] = '\0';
	same_host = v->host[0] == '\0' || strcmp(v->host, host) == 0;
	if (asy_iso8601_parse(v->updated, &upd) < 0)
		return set_state(ri, ASY_RUN_INCOMPLETE, "stopped: "
		    "progress.json has no valid update time");
	if (same_host && !pid_alive(v->pid))
		return set_state(ri, ASY_RUN_INCOMPLETE, "stopped: process "
		    "%ld is gone after %lu of %lu units", v->pid, v->done,
		    v->total);
	if (now - upd > ASY_RUN_STALE_S)
		return set_state(ri, ASY_RUN_INCOMPLETE, "stopped: no "
		    "progress for %lld hours", (now - upd) / 3600);
	return set_state(ri, ASY_RUN_RUNNING, "%s", "");
}

/* Fill device, edition, mode and started from what was read. */
static int
fill_summary(struct asy_run_info *ri)
{
	const char *dev = "", *ed = "", *mode = "", *st = "", *dn = "";
	char iso[32];
	long long t = 0;

	stamp_of(ri->name, iso);
	st = iso;
	if (ri->has_head) {
		ed = ri->head.edition;
		mode = ri->head.mode;
		dn = ri->head.dut_name;
		if (ri->head.date[0] != '\0')
			st = ri->head.date;
	}
	if (ri->has_progress) {
		if (*ed == '\0')
			ed = ri->progress.edition;
		if (ri->progress.started[0] != '\0' && !ri->has_head)
			st = ri->progress.started;
		dev = ri->progress.device;
	}
	ri->device = ri->has_head ? asy_strdup_printf("%s%s%s",
	    ri->head.vendor, *ri->head.vendor && *ri->head.model ? " " : "",
	    ri->head.model) : asy_strdup(dev);
	ri->edition = asy_strdup(ed);
	ri->mode = asy_strdup(mode);
	ri->dut_name = asy_strdup(dn);
	ri->started = asy_strdup(st);
	if (ri->device == NULL || ri->edition == NULL || ri->mode == NULL ||
	    ri->dut_name == NULL || ri->started == NULL)
		return ASY_E_NOMEM;
	if (asy_iso8601_parse(ri->started, &t) == 0)
		ri->t_started = t;
	else
		ri->t_started = (long long)ri->mtime.tv_sec;
	return 0;
}

static int
load_progress(struct asy_run_info *ri, int rfd, char *why, size_t whylen)
{
	struct asy_buf b;
	struct stat st;
	int r, cut = 0;

	asy_buf_init(&b, ASY_PROGRESS_MAX + 1);
	r = read_head(rfd, ASY_PROGRESS_FILE, ASY_PROGRESS_MAX + 1, &b, &st,
	    &cut);
	if (r == 0) {
		ri->prog_mtime = st.st_mtim;
		r = asy_progress_parse(b.data, b.len, &ri->progress, why,
		    whylen);
		ri->has_progress = r == 0;
	} else
		asy_why(why, whylen, "%s", r == ASY_E_NOTREG ? "not a "
		    "regular file" : asy_strerror(r));
	asy_buf_release(&b);
	return r;
}

static int
load_complete(struct asy_run_info *ri, int rfd)
{
	struct asy_buf b;
	struct stat st;
	char why[256] = "", stamp[32];
	int r, cut = 0, has_manifest, has_progress, looks_like_run;

	/* A folder named as assay names runs, or holding a manifest or a
	 * progress file, is a run: damaged, it is corrupt, not foreign. */
	stamp_of(ri->name, stamp);

	has_manifest = fstatat(rfd, ASY_MANIFEST, &st, AT_SYMLINK_NOFOLLOW) ==
	    0;
	has_progress = fstatat(rfd, ASY_PROGRESS_FILE, &st,
	    AT_SYMLINK_NOFOLLOW) == 0;
	asy_buf_init(&b, ASY_REPORT_HEAD);
	r = read_head(rfd, REPORT_XML, ASY_REPORT_HEAD, &b, &st, &cut);
	looks_like_run = has_manifest || has_progress || stamp[0] != '\0';
	if (r == ASY_E_NOTFOUND) {
		asy_buf_release(&b);
		if (!looks_like_run)
			return set_state(ri, ASY_RUN_FOREIGN, "not a run "
			    "folder: no report.xml, %s or %s", ASY_MANIFEST,
			    ASY_PROGRESS_FILE);
		return set_state(ri, ASY_RUN_CORRUPT, "report.xml is "
		    "missing");
	}
	if (r < 0) {
		asy_buf_release(&b);
		if (r == ASY_E_NOMEM)
			return r;
		return set_state(ri, ASY_RUN_CORRUPT, "report.xml cannot be "
		    "read: %s", r == ASY_E_NOTREG ? "not a regular file" :
		    asy_strerror(r));
	}
	r = asy_report_head_parse(b.data, b.len, &ri->head, why,
	    sizeof(why));
	asy_buf_release(&b);
	if (r == ASY_E_NOMEM)
		return r;
	if (r < 0)
		return set_state(ri, looks_like_run ? ASY_RUN_CORRUPT :
		    ASY_RUN_FOREIGN, "report.xml: %s", why);
	ri->has_head = 1;
	if (!has_manifest)
		return set_state(ri, ASY_RUN_CORRUPT, "%s is missing: the "
		    "folder was changed after the run", ASY_MANIFEST);
	return set_state(ri, ASY_RUN_COMPLETE, "%s", "");
}

int
asy_run_load(int dir_fd, const char *name, long long now,
    struct asy_run_info *ri)
{
	struct stat st;
	char why[256] = "";
	int rfd = -1, r;

	memset(ri, 0, sizeof(*ri));
	ri->name = asy_strdup(name);
	if (ri->name == NULL)
		return ASY_E_NOMEM;
	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		r = errno == ENOENT ? ASY_E_NOTFOUND : ASY_E_IO;
		if (r == ASY_E_IO)
			r = set_state(ri, ASY_RUN_FOREIGN, "cannot be looked "
			    "at: %s", strerror(errno));
		goto out;
	}
	ri->dev = st.st_dev;
	ri->ino = st.st_ino;
	ri->mtime = st.st_mtim;
	if (S_ISLNK(st.st_mode)) {
		r = set_state(ri, ASY_RUN_FOREIGN, "a symbolic link: only "
		    "real folders are served");
		goto summary;
	}
	if (!S_ISDIR(st.st_mode)) {
		r = set_state(ri, ASY_RUN_FOREIGN, "not a folder");
		goto summary;
	}
	rfd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (rfd < 0) {
		r = set_state(ri, ASY_RUN_FOREIGN, "cannot be opened: %s",
		    strerror(errno));
		goto summary;
	}
	r = load_progress(ri, rfd, why, sizeof(why));
	if (r == ASY_E_NOMEM)
		goto out;
	if (ends_with(name, ASY_PARTIAL)) {
		if (r == ASY_E_NOTFOUND)
			r = set_state(ri, ASY_RUN_INCOMPLETE, "stopped before "
			    "the end (no %s: the run crashed early, or was "
			    "made by an assay without live progress)",
			    ASY_PROGRESS_FILE);
		else if (r < 0)
			r = set_state(ri, ASY_RUN_CORRUPT, "%s: %s",
			    ASY_PROGRESS_FILE, why);
		else
			r = classify_partial(ri, now);
	} else
		r = load_complete(ri, rfd);
summary:
	if (r == 0)
		r = fill_summary(ri);
out:
	if (rfd >= 0)
		close(rfd);
	if (r == ASY_E_NOMEM || r == ASY_E_NOTFOUND) {
		asy_run_info_release(ri);
		return r;
	}
	return 0;
}

/* ---- the cached list ----------------------------------------------------- */

struct asy_runlist {
	char			*dir;
	int			 fd;
	struct asy_run_info	*v;
	size_t			 n;
	struct asy_map		 by_name;
	struct timespec		 mtime;
	long long		 last_ms;
	int			 scanned;
	unsigned long		 gen;
};

int
asy_runlist_open(const char *dir, struct asy_runlist **out)
{
	struct asy_runlist *l;
	struct stat st;
	int fd;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ASY_E_NOTFOUND;
		return errno == ENOTDIR ? ASY_E_NOTREG : ASY_E_IO;
	}
	if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
		close(fd);
		return ASY_E_NOTREG;
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL || (l->dir = asy_strdup(dir)) == NULL) {
		free(l);
		close(fd);
		return ASY_E_NOMEM;
	}
	l->fd = fd;
	asy_map_init(&l->by_name);
	*out = l;
	return 0;
}

static void
free_entries(struct asy_run_info *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		asy_run_info_release(&v[i]);
	free(v);
}

void
asy_runlist_free(struct asy_runlist *l)
{
	if (l == NULL)
		return;
	free_entries(l->v, l->n);
	asy_map_release(&l->by_name);
	if (l->fd >= 0)
		close(l->fd);
	free(l->dir);
	free(l);
}

int
asy_runlist_fd(const struct asy_runlist *l)
{
	return l->fd;
}

static int
newest_first(const void *a, const void *b)
{
	const struct asy_run_info *x = a, *y = b;
	int xr = x->state == ASY_RUN_RUNNING, yr = y->state == ASY_RUN_RUNNING;

	/* Running runs first, then newest first. */
	if (xr != yr)
		return xr ? -1 : 1;
	if (x->t_started != y->t_started)
		return x->t_started > y->t_started ? -1 : 1;
	return strcmp(y->name, x->name);
}

static int
ts_eq(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

/* May the cached entry old stand for the folder as it is now? */
static int
still_valid(int dir_fd, const struct asy_run_info *old, const char *name)
{
	struct stat st, ps;
	char *p;
	int r;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    st.st_dev != old->dev || st.st_ino != old->ino ||
	    !ts_eq(st.st_mtim, old->mtime))
		return 0;
	if (!old->has_progress)
		return 1;
	p = asy_strdup_printf("%s/%s", name, ASY_PROGRESS_FILE);
	if (p == NULL)
		return 0;
	r = fstatat(dir_fd, p, &ps, AT_SYMLINK_NOFOLLOW);
	free(p);
	return r == 0 && ts_eq(ps.st_mtim, old->prog_mtime);
}

static int
rebuild_map(struct asy_runlist *l)
{
	int r = 0;

	asy_map_release(&l->by_name);
	asy_map_init(&l->by_name);
	for (size_t i = 0; i < l->n && r == 0; i++) {
		r = asy_map_put(&l->by_name, l->v[i].name, &l->v[i]);
		if (r == ASY_E_EXISTS)
			r = 0;
	}
	return r;
}

int
asy_runlist_refresh(struct asy_runlist *l, long ttl_ms)
{
	struct asy_run_info *v = NULL, *old;
	struct dirent *de;
	struct stat st;
	DIR *d = NULL;
	size_t n = 0, cap = 0;
	long long now_ms = asy_now_ms(), now = (long long)time(NULL);
	int fd = -1, r = 0, changed = 0;

	if (fstat(l->fd, &st) < 0)
		return ASY_E_IO;
	if (l->scanned && ts_eq(st.st_mtim, l->mtime) &&
	    now_ms - l->last_ms < ttl_ms)
		return 0;
	fd = dup(l->fd);
	if (fd < 0)
		return ASY_E_IO;
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return ASY_E_IO;
	}
	fd = -1;
	rewinddir(d);
	for (;;) {
		struct asy_run_info *e;

		errno = 0;
		de = readdir(d);
		if (de == NULL) {
			if (errno != 0)
				r = ASY_E_IO;
			break;
		}
		/* Hidden entries (., .., dotfiles) are not runs. */
		if (de->d_name[0] == '.')
			continue;
		e = asy_array_add(&v, &n, &cap, sizeof(*v));
		if (e == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		old = asy_map_get(&l->by_name, de->d_name);
		if (old != NULL && old->name != NULL &&
		    still_valid(l->fd, old, de->d_name)) {
			enum asy_run_state was = old->state;

			*e = *old;
			memset(old, 0, sizeof(*old));
			/* A running run may have stopped meanwhile. */
			if (was == ASY_RUN_RUNNING) {
				r = classify_partial(e, now);
				if (r < 0)
					break;
				changed |= e->state != was;
			}
			continue;
		}
		r = asy_run_load(l->fd, de->d_name, now, e);
		if (r == ASY_E_NOTFOUND) {
			n--;
			r = 0;
			continue;
		}
		if (r < 0) {
			n--;
			break;
		}
		changed = 1;
	}
	closedir(d);
	if (r < 0) {
		/* The entries taken over from the old list are in v: put
		 * nothing back, rescan everything next time. */
		free_entries(v, n);
		free_entries(l->v, l->n);
		l->v = NULL;
		l->n = 0;
		l->scanned = 0;
		(void)rebuild_map(l);
		l->gen++;
		return r;
	}
	if (n != l->n)
		changed = 1;
	if (n > 1)
		qsort(v, n, sizeof(*v), newest_first);
	free_entries(l->v, l->n);
	l->v = v;
	l->n = n;
	l->mtime = st.st_mtim;
	l->last_ms = now_ms;
	l->scanned = 1;
	if (changed)
		l->gen++;
	return rebuild_map(l);
}

const struct asy_run_info *
asy_runlist_entries(const struct asy_runlist *l, size_t *n)
{
	*n = l->n;
	return l->v;
}

unsigned long
asy_runlist_generation(const struct asy_runlist *l)
{
	return l->gen;
}

const struct asy_run_info *
asy_runlist_find(const struct asy_runlist *l, const char *name)
{
	return asy_map_get(&l->by_name, name);
}
