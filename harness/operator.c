#include "operator.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* Bytes of one IXIT value, and of one row's line, shown to the operator. */
#define VALUE_MAX	120
#define LINE_MAX_	400
/* Bytes of the evidence file's own name kept in the copy's name. */
#define NAME_MAX_	64
#define EXT_MAX		10

/*
 * 2-UserInfo holds one row per published piece of information, each with
 * a topic; a case about one provision needs only the rows of its topic.
 * The catalogue does not say which topic a provision's cases read, so this
 * table does (by group ID, the same in both editions).
 */
static const struct {
	const char	*group;
	const char	*topic;
} topics[] = {
	{ "5.1-4", "change-auth" },
	{ "5.2-1", "vdp" },
	{ "5.2-2", "vdp" },
	{ "5.3-13", "support-period" },
	{ "5.3-14", "replacement" },
	{ "5.3-15", "replacement" },
	{ "5.3-16", "model-designation" },
	{ "5.8-3", "sensors" },
	{ "5.11-3", "deletion" },
	{ "5.11-4", "deletion" },
	{ "5.12-2", "secure-setup" },
	{ "5.12-3", "setup-check" },
	{ "6-1", "personal-data" },
	{ "6-5", "telemetry" },
};

static const char *
case_topic(const struct asy_cat_case *cc)
{
	if (cc->group == NULL)
		return NULL;
	for (size_t i = 0; i < ASY_ELEMENTSOF(topics); i++)
		if (strcmp(topics[i].group, cc->group->id) == 0)
			return topics[i].topic;
	return NULL;
}

/* Is the row one the operator should see for this case? */
static int
row_wanted(const struct asy_ixit_row *row, const char *topic,
    int table_has_topic)
{
	const char *v;

	if (!table_has_topic)
		return 1;
	v = asy_ixit_get(row, "topic");
	return v != NULL && strcmp(v, topic) == 0;
}

/* "ROW (TABLE): field: value; field: value", secrets left out. */
static int
put_row(struct asy_buf *out, const struct asy_ixit_row *row)
{
	struct asy_buf line;
	int r;

	asy_buf_init(&line, 1 << 16);
	r = asy_buf_printf(&line, "%s (%s):", row->id, row->table->id);
	for (size_t i = 0; i < row->n_values && r == 0; i++) {
		const struct asy_ixit_value *v = &row->values[i];

		if (v->field->type == ASY_FIELD_SECRET)
			continue;
		r = asy_buf_printf(&line, "%s %s: ", i ? ";" : "",
		    v->field->name);
		if (r == 0)
			r = asy_buf_put_term(&line, v->value, VALUE_MAX);
	}
	if (r == 0)
		r = asy_buf_put_term(out, line.data ? line.data : "",
		    LINE_MAX_);
	if (r == 0)
		r = asy_buf_putc(out, '\n');
	asy_buf_release(&line);
	return r;
}

int
asy_operator_lookfor(const struct asy_decl *decl,
    const struct asy_cat_case *cc, const struct asy_ixit_row *row,
    struct asy_buf *out)
{
	const char *topic = case_topic(cc);
	const char *dut[4] = { decl->dut.vendor, decl->dut.model,
	    decl->dut.hw, decl->dut.sw };
	static const char *const label[4] = { "", " ", ", hw ", ", sw " };
	size_t shown = 0, more = 0;
	int r;

	/* "DUT: Lumora C20, hw rev B, sw 2.4.1", as the ICS declares it. */
	r = asy_buf_puts(out, "DUT:");
	for (size_t i = 0; i < 4 && r == 0; i++) {
		if (dut[i] == NULL || *dut[i] == '\0')
			continue;
		r = asy_buf_puts(out, shown ? label[i] : " ");
		if (r == 0)
			r = asy_buf_put_term(out, dut[i], VALUE_MAX);
		shown++;
	}
	if (r == 0)
		r = asy_buf_puts(out, shown ? "\n" : " not named\n");
	if (r == 0 && row != NULL)
		return put_row(out, row);
	if (r < 0)
		return r;
	shown = 0;
	for (size_t t = 0; t < cc->n_reads && r == 0; t++) {
		const struct asy_cat_table *tab = cc->reads[t];
		int has_topic = topic != NULL &&
		    asy_cat_table_field(tab, "topic") != NULL;
		size_t hits = 0;

		/* No row of the topic: show them all, not nothing. */
		for (size_t i = 0; i < decl->n_ixit && has_topic; i++)
			if (decl->ixit[i].table == tab &&
			    row_wanted(&decl->ixit[i], topic, 1))
				hits++;
		if (hits == 0)
			has_topic = 0;
		for (size_t i = 0; i < decl->n_ixit && r == 0; i++) {
			const struct asy_ixit_row *x = &decl->ixit[i];

			if (x->table != tab || !row_wanted(x, topic, has_topic))
				continue;
			if (shown == ASY_OPERATOR_LOOKFOR_ROWS) {
				more++;
				continue;
			}
			r = put_row(out, x);
			shown++;
		}
	}
	if (r == 0 && shown == 0 && cc->n_reads > 0)
		r = asy_buf_puts(out, "(the IXIT has no rows in the tables "
		    "this case reads)\n");
	if (r == 0 && more > 0)
		r = asy_buf_printf(out, "(%zu more rows in the IXIT)\n", more);
	return r;
}

/* Append s reduced to A-Z a-z 0-9 . _ - (at most max bytes). */
static int
put_safe(struct asy_buf *b, const char *s, size_t max)
{
	int r = 0;

	for (size_t i = 0; s[i] != '\0' && i < max && r == 0; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_'))
			c = '_';
		r = asy_buf_putc(b, c);
	}
	return r;
}

char *
asy_operator_evidence_name(const char *case_id, const char *unit,
    const char *src, unsigned n)
{
	const char *base;
	size_t len, plen, dir_len, ext_len = 0, stem_len;
	struct asy_buf b, nb;
	int r;

	/* The last component of src; "file" when there is none. */
	len = strlen(src);
	while (len > 0 && src[len - 1] == '/')
		len--;
	base = src + len;
	while (base > src && base[-1] != '/')
		base--;
	len -= (size_t)(base - src);
	if (len == 0 || (len == 1 && base[0] == '.') || (len == 2 &&
	    base[0] == '.' && base[1] == '.')) {
		base = "file";
		len = 4;
	}

	asy_buf_init(&b, 4096);
	asy_buf_init(&nb, 4096);
	r = asy_buf_puts(&b, ASY_OPERATOR_DIR "/");
	dir_len = b.len;
	if (r == 0)
		r = put_safe(&b, case_id, 32);
	if (r == 0)
		r = asy_buf_putc(&b, '_');
	if (r == 0 && strcmp(unit, "*") == 0)
		r = asy_buf_puts(&b, "all");
	else if (r == 0) {
		/* "b:Intf-USB" -> "b-Intf-USB" */
		const char *colon = strchr(unit, ':');

		r = put_safe(&b, unit, colon ? (size_t)(colon - unit) : 48);
		if (r == 0 && colon != NULL)
			r = asy_buf_putc(&b, '-');
		if (r == 0 && colon != NULL)
			r = put_safe(&b, colon + 1, 48);
	}
	if (r == 0)
		r = asy_buf_putc(&b, '_');
	if (r == 0)
		r = put_safe(&nb, base, len);
	if (r < 0)
		goto out;
	/* A copy given again (the answers.xml of an earlier run) keeps its
	 * name instead of growing a second prefix. */
	plen = b.len - dir_len;
	if (len > plen && memcmp(nb.data, b.data + dir_len, plen) == 0) {
		memmove(nb.data, nb.data + plen, len - plen + 1);
		len -= plen;
	}
	/* A short extension survives the cut and the "-n". */
	for (size_t i = len; i-- > 1; )
		if (nb.data[i] == '.') {
			if (len - i <= EXT_MAX)
				ext_len = len - i;
			break;
		}
	stem_len = len - ext_len;
	if (stem_len > NAME_MAX_ - ext_len)
		stem_len = NAME_MAX_ - ext_len;
	r = asy_buf_add(&b, nb.data, stem_len);
	if (r == 0 && n > 1)
		r = asy_buf_printf(&b, "-%u", n);
	if (r == 0 && ext_len > 0)
		r = asy_buf_add(&b, nb.data + len - ext_len, ext_len);
out:
	asy_buf_release(&nb);
	if (r < 0) {
		asy_buf_release(&b);
		return NULL;
	}
	return asy_buf_steal(&b);
}

/*
 * Open path for reading as evidence: no link followed, no blocking on a
 * fifo, a regular file of at most the cap.  The fd into *fd.
 */
static int
open_evidence(const char *path, int *fd, char *why, size_t why_len)
{
	struct stat st;
	int f, e;

	f = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (f < 0) {
		e = errno;
		if (e == ENOENT || e == ENOTDIR) {
			asy_why(why, why_len, "there is no such file; check "
			    "the path");
			return ASY_E_NOTFOUND;
		}
		if (e == ELOOP) {
			asy_why(why, why_len, "it is a symbolic link, which "
			    "assay does not follow; name the file it points "
			    "to");
			return ASY_E_NOTREG;
		}
		asy_why(why, why_len, "it cannot be opened (%s); make it "
		    "readable", strerror(e));
		errno = e;
		return ASY_E_IO;
	}
	if (fstat(f, &st) < 0) {
		e = errno;
		close(f);
		asy_why(why, why_len, "it cannot be read (%s)", strerror(e));
		errno = e;
		return ASY_E_IO;
	}
	if (S_ISDIR(st.st_mode) || !S_ISREG(st.st_mode)) {
		close(f);
		asy_why(why, why_len, "it is %s, not a regular file; name a "
		    "file (a photo, a PDF, a text file)", S_ISDIR(st.st_mode) ?
		    "a folder" : "a device, fifo or socket");
		return ASY_E_NOTREG;
	}
	if ((unsigned long long)st.st_size > ASY_OPERATOR_EVIDENCE_MAX) {
		close(f);
		asy_why(why, why_len, "it is %llu bytes, over the %zu MiB cap "
		    "for one evidence file; attach a smaller file (a scaled "
		    "photo, the relevant pages)",
		    (unsigned long long)st.st_size,
		    ASY_OPERATOR_EVIDENCE_MAX >> 20);
		return ASY_E_TOOBIG;
	}
	/* A regular file never blocks; reads should not fail with EAGAIN. */
	(void)fcntl(f, F_SETFL, fcntl(f, F_GETFL) & ~O_NONBLOCK);
	*fd = f;
	return 0;
}

int
asy_operator_evidence_check(const char *path, char *why, size_t why_len)
{
	int fd = -1, r;

	r = open_evidence(path, &fd, why, why_len);
	if (r < 0)
		return r;
	close(fd);
	return 0;
}

int
asy_operator_evidence_copy(const char *src, const char *dir,
    const char *rel, char *why, size_t why_len)
{
	char *folder = NULL, *dst = NULL, chunk[65536];
	size_t total = 0;
	int in = -1, out = -1, r, created = 0;

	r = open_evidence(src, &in, why, why_len);
	if (r < 0)
		return r;
	folder = asy_path_join(dir, ASY_OPERATOR_DIR);
	dst = asy_path_join(dir, rel);
	if (folder == NULL || dst == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_mkdir_p(folder, 0755);
	if (r < 0) {
		asy_why(why, why_len, "cannot create %s in the run folder (%s)",
		    ASY_OPERATOR_DIR, strerror(errno));
		goto out;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (out < 0) {
		r = errno == EEXIST ? ASY_E_EXISTS : ASY_E_IO;
		asy_why(why, why_len, "cannot create its copy %s (%s)", rel,
		    strerror(errno));
		goto out;
	}
	created = 1;
	for (;;) {
		ssize_t n = read(in, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			asy_why(why, why_len, "reading it failed (%s)",
			    strerror(errno));
			r = ASY_E_IO;
			goto out;
		}
		if (n == 0)
			break;
		total += (size_t)n;
		if (total > ASY_OPERATOR_EVIDENCE_MAX) {
			asy_why(why, why_len, "it grew past the %zu MiB cap "
			    "while it was copied; attach a file nobody is "
			    "writing", ASY_OPERATOR_EVIDENCE_MAX >> 20);
			r = ASY_E_TOOBIG;
			goto out;
		}
		for (ssize_t done = 0; done < n; ) {
			ssize_t w = write(out, chunk + done,
			    (size_t)(n - done));

			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				asy_why(why, why_len, "writing its copy failed "
				    "(%s)", strerror(errno));
				r = ASY_E_IO;
				goto out;
			}
			done += w;
		}
	}
	if (fsync(out) < 0 || close(out) < 0) {
		out = -1;
		asy_why(why, why_len, "writing its copy failed (%s)",
		    strerror(errno));
		r = ASY_E_IO;
		goto out;
	}
	out = -1;
	created = 0;
out:
	if (out >= 0)
		close(out);
	if (created)
		(void)unlink(dst);
	if (in >= 0)
		close(in);
	free(folder);
	free(dst);
	return r;
}
