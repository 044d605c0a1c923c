/*
 * 5.3-16-2: the model designation is readable on the DUT as declared.
 *
 * Automated where the IXIT's 2-UserInfo row of topic model-designation
 * says it is shown on a console (its location names a console, serial or
 * UART) and the lab config gives the DUT's serial port: the console is
 * probed once for the run (tclib.h) and what it printed (boot banner, boot
 * log, prompts) is searched for the declared designation, the first item
 * of the row's content ("LC20, hardware revision B." declares "LC20"),
 * case-sensitive, as a whole word: in the lines that name a model or
 * board ("Model:", "Board:", "Machine model:"; quoted, escaped) when there
 * are any, else anywhere.  Anywhere
 * else (a label, a web page, an app) the units stay the operator's.
 *
 * V1.1.1: a the designation found in the declared way, b it matches the
 * declared one.  V2.1.1: a both.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "disclose.h"
#include "error.h"
#include "tcstate.h"

/* Most model lines quoted. */
#define MAX_LINES	4

struct model {
	const char	*row;		/* the IXIT row */
	char		 declared[64];	/* "LC20" */
	int		 console_err;	/* the console could not be read */
	char		*console_why;
	int		 found;		/* the declared designation shown */
	struct asy_buf	 lines;		/* the model lines, "; " between */
};

static int
icase_has(const char *s, const char *word)
{
	size_t n = strlen(word);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, word, n) == 0)
			return 1;
	return 0;
}

static int
word_char(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '_';
}

/* Does text (len bytes) hold word, case-sensitive, as a whole word? */
static int
has_word(const char *text, size_t len, const char *word)
{
	size_t n = strlen(word);

	if (n == 0)
		return 0;
	for (size_t i = 0; i + n <= len; i++) {
		if (memcmp(text + i, word, n) != 0)
			continue;
		if ((i == 0 || !word_char(text[i - 1])) &&
		    (i + n == len || !word_char(text[i + n])))
			return 1;
	}
	return 0;
}

/* The designation row, when the IXIT shows it on a console. */
static const struct asy_ixit_row *
console_row(const struct asy_live *lv)
{
	for (size_t i = 0; i < lv->decl->n_ixit; i++) {
		const struct asy_ixit_row *row = &lv->decl->ixit[i];
		const char *topic = asy_ixit_get(row, "topic");
		const char *where = asy_ixit_get(row, "location");

		if (strcmp(row->table->id, "2-UserInfo") != 0 ||
		    topic == NULL || strcmp(topic, "model-designation") != 0)
			continue;
		if (where != NULL && (icase_has(where, "console") ||
		    icase_has(where, "serial") || icase_has(where, "uart")))
			return row;
	}
	return NULL;
}

/* The lines the console printed (the transcript's "< " lines) that name a
 * model or board. */
static void
model_lines(const struct asy_buf *log, struct asy_buf *out)
{
	static const char *const keys[] = { "Model:", "Board:",
	    "Machine model:" };
	size_t n = 0;

	for (size_t i = 0; i < log->len && n < MAX_LINES;) {
		const char *l = log->data + i;
		const char *nl = memchr(l, '\n', log->len - i);
		size_t len = nl ? (size_t)(nl - l) : log->len - i;
		const char *rx = memchr(l, '<', len);

		i += len + 1;
		if (rx == NULL || rx + 2 > l + len)
			continue;
		for (size_t k = 0; k < ASY_ELEMENTSOF(keys); k++) {
			const char *hit = NULL;
			size_t klen = strlen(keys[k]);

			for (const char *p = rx; p + klen <= l + len; p++)
				if (memcmp(p, keys[k], klen) == 0) {
					hit = p;
					break;
				}
			if (hit != NULL) {
				size_t m = (size_t)(l + len - hit);
				char *q;

				/* The transcript's escape of the line end. */
				if (m >= 4 && memcmp(hit + m - 4, "\\r\\n", 4) == 0)
					m -= 4;
				q = asy_printable(hit, m, 120);
				(void)asy_buf_printf(out, "%s\"%s\"", out->len ?
				    "; " : "", q != NULL ? q : "");
				free(q);
				n++;
				break;
			}
		}
	}
}

static int
look(struct asy_live *lv, struct model *m)
{
	const struct asy_ixit_row *row = console_row(lv);
	struct asy_tc_state *tc;
	const char *content;
	size_t n;
	int r;

	memset(m, 0, sizeof(*m));
	asy_buf_init(&m->lines, 4096);
	if (row == NULL || lv->dut->serial == NULL)
		return ASY_TC_OPERATOR;
	m->row = row->id;
	content = asy_ixit_get(row, "content");
	if (content == NULL)
		return ASY_TC_OPERATOR;
	while (*content == ' ')
		content++;
	n = strcspn(content, ",;(");
	while (n > 0 && strchr(" .", content[n - 1]) != NULL)
		n--;
	if (n == 0 || n >= sizeof(m->declared))
		return ASY_TC_OPERATOR;
	memcpy(m->declared, content, n);
	m->declared[n] = '\0';
	if (lv->console == NULL) {
		m->console_err = 1;
		m->console_why = asy_strdup(lv->console_error ?
		    lv->console_error : "the serial port is not open");
		return m->console_why == NULL ? ASY_E_NOMEM : 0;
	}
	r = asy_tc_console(lv, &tc);
	if (r == 0)
		r = asy_tc_console_save(lv, &tc->con_transcript);
	if (r < 0)
		return r;
	model_lines(&lv->console_log, &m->lines);
	/* Where the console names a model, the designation must be there;
	 * else anywhere in what it printed (a banner, a prompt). */
	if (m->lines.len > 0)
		m->found = has_word(m->lines.data, m->lines.len, m->declared);
	else
		m->found = has_word(lv->console_log.data ?
		    lv->console_log.data : "", lv->console_log.len,
		    m->declared);
	if (!m->found && m->lines.len == 0 && tc->con_err < 0) {
		m->console_err = 1;
		m->console_why = asy_strdup_printf("the console could not be "
		    "read (%s): %s", asy_strerror(tc->con_err),
		    tc->con.reason);
	}
	return 0;
}

static int
add_evidence(struct asy_live *lv, struct asy_unit_result *u)
{
	struct asy_tc_state *tc = lv->tc;

	if (tc == NULL || tc->con_transcript == NULL)
		return 0;
	return asy_unit_add_evidence(u, tc->con_transcript, "transcript",
	    "the serial console, both ways, timestamped");
}

/* found: unit a (shown at all); match: unit b (the declared one). */
static int
judge(struct asy_live *lv, struct asy_unit_result *u, int match)
{
	struct model m;
	int r;

	r = look(lv, &m);
	if (r == ASY_TC_OPERATOR || r < 0)
		goto out;
	if (m.console_err)
		r = asy_unit_set(u, ASY_V_INCONCLUSIVE, "%s declares the "
		    "model designation on the console, but %s", m.row,
		    m.console_why);
	else if (m.found)
		r = asy_unit_set(u, ASY_V_PASS, "the console on %s shows the "
		    "declared model designation %s (%s)%s%s",
		    lv->dut->serial->path, m.declared, m.row,
		    m.lines.len ? ": " : "", m.lines.len ? m.lines.data : "");
	else if (m.lines.len > 0)
		r = asy_unit_set(u, ASY_V_FAIL, "%s declares %s on the "
		    "console, but the console names %s", m.row, m.declared,
		    m.lines.data);
	else
		r = asy_unit_set(u, ASY_V_FAIL, "%s declares the model "
		    "designation %s on the console, but nothing the console "
		    "printed shows %s", m.row, m.declared, match ?
		    "it" : "a model designation");
	if (r == 0)
		r = add_evidence(lv, u);
out:
	free(m.console_why);
	asy_buf_release(&m.lines);
	return r;
}

static int
unit_found(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return judge(lv, u, 0);
}

static int
unit_match(struct asy_live *lv, const struct asy_plan_unit *pu,
    struct asy_unit_result *u)
{
	(void)pu;
	return judge(lv, u, 1);
}

static const struct asy_tc_unit units_v1[] = {
	{ "a", unit_found },
	{ "b", unit_match },
};

static const struct asy_tc_unit units_v2[] = {
	{ "a", unit_match },
};

const struct asy_testcase asy_tc_5_3_16_2 = {
	"ts103701-v1.1.1", "5.3-16-2", units_v1, ASY_ELEMENTSOF(units_v1),
};

const struct asy_testcase asy_tc_5_3_16_2_v2 = {
	"ts103701-v2.1.1", "5.3-16-2", units_v2, ASY_ELEMENTSOF(units_v2),
};
