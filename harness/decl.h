/*
 * A supplier's declarations for one DUT: the ICS and the IXIT, loaded and
 * checked against the catalogue of the edition the ICS names.
 *
 * Every string points into the loaded documents and lives as long as the
 * struct asy_decl.
 */
#ifndef ASSAY_DECL_H
#define ASSAY_DECL_H

#include <stddef.h>

#include "catalogue.h"
#include "diag.h"
#include "map.h"

struct asy_xdoc;

enum asy_support {
	ASY_SUPPORT_Y,
	ASY_SUPPORT_N,
	ASY_SUPPORT_NA,
};
const char *asy_support_name(enum asy_support s);	/* "Y" "N" "N/A" */

struct asy_ics_flag {
	const struct asy_cat_flag *flag;
	int			 applies;
	unsigned long		 line;
};

struct asy_ics_row {
	const struct asy_cat_provision *prov;
	enum asy_support	 support;
	const char		*detail;	/* "" when none */
	unsigned long		 line;
};

struct asy_ixit_value {
	const struct asy_cat_field *field;
	const char		*value;
	unsigned long		 line;
};

struct asy_ixit_row {
	const char		*id;
	const struct asy_cat_table *table;
	struct asy_ixit_value	*values;
	size_t			 n_values;
	unsigned long		 line;
};

struct asy_decl {
	struct asy_catalogue	*cat;
	struct asy_xdoc		*ics_doc;
	struct asy_xdoc		*ixit_doc;
	const char		*ics_path;
	const char		*ixit_path;
	const char		*edition;
	struct {
		const char	*vendor, *model, *hw, *sw, *name;
	} dut;
	struct asy_ics_flag	*flags;
	size_t			 n_flags;
	struct asy_ics_row	*rows;
	size_t			 n_rows;
	struct asy_ixit_row	*ixit;
	size_t			 n_ixit;
	struct asy_map		 ixit_index;	/* row ID -> asy_ixit_row */
};

struct asy_decl_paths {
	const char	*ics;
	const char	*ixit;
	const char	*catalogue;	/* NULL: the ICS's edition's own */
};

/*
 * Load both declarations and their catalogue and check everything: the
 * schemas, then every reference and consistency rule.  Every problem goes
 * to d; if any is an error the result is ASY_E_INPUT and *out is untouched.
 */
int	asy_decl_load(const struct asy_decl_paths *p, struct asy_diags *d,
	    struct asy_decl **out);
void	asy_decl_free(struct asy_decl *decl);

/* The value of field in row, or NULL when the row does not give it. */
const char *asy_ixit_get(const struct asy_ixit_row *row, const char *field);
/* The row with this ID, or NULL. */
const struct asy_ixit_row *asy_decl_row(const struct asy_decl *decl,
	    const char *id);
/* The ICS row of a provision, or NULL. */
const struct asy_ics_row *asy_decl_ics_row(const struct asy_decl *decl,
	    const struct asy_cat_provision *prov);
/* Does the ICS declare this condition or feature to apply? */
int	asy_decl_flag_applies(const struct asy_decl *decl,
	    const struct asy_cat_flag *f);
/* Do all the flags of a status apply (a status without flags: yes)? */
int	asy_decl_status_applies(const struct asy_decl *decl,
	    const struct asy_status *st);

#endif
