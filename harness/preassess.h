/*
 * Conceptual pre-assessment: rules that check the declarations where the
 * facts allow (a universal password, a deprecated algorithm, an enabled
 * service without a justification).  A rule's result is a proposal that an
 * assessor confirms or overrides; it is never the verdict on its own.
 * Catalogue cases name a rule by its name (preassess="...").
 */
#ifndef ASSAY_PREASSESS_H
#define ASSAY_PREASSESS_H

#include "buf.h"
#include "verdict.h"

struct asy_decl;
struct asy_cat_case;

struct asy_preassess_rule {
	const char	*name;
	const char	*summary;
	/*
	 * Judge case c on the declarations: *v PASS or FAIL, with a reason
	 * sentence appended to why (which names the rows it rests on).
	 * Returns 0, or ASY_E_NOMEM / ASY_E_TOOBIG.
	 */
	int		(*run)(const struct asy_decl *d,
			    const struct asy_cat_case *c, enum asy_verdict *v,
			    struct asy_buf *why);
};

extern const struct asy_preassess_rule asy_preassess_rules[];
extern const size_t asy_n_preassess_rules;

const struct asy_preassess_rule *asy_preassess_find(const char *name);

/*
 * Scan a free-text crypto description for deprecated algorithms and key
 * sizes (MD5, SHA-1, DES, 3DES, RC4, SSL, TLS < 1.2, RSA/DH < 2048...).
 * Appends the findings, comma separated, to found; returns how many, or a
 * negative error.  Exposed for unit tests.
 */
int	asy_crypto_scan(const char *text, struct asy_buf *found);

#endif
