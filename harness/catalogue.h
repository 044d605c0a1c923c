/*
 * A TS 103 701 catalogue: provisions, test groups, cases and units, the
 * IXIT tables with their fields, and the conditions and features of one
 * edition, loaded from ics-ixit/catalogue/EDITION.xml.  Code binds to IDs
 * only; all names and texts are data.
 *
 * Every string points into the loaded document and lives as long as the
 * catalogue.
 */
#ifndef ASSAY_CATALOGUE_H
#define ASSAY_CATALOGUE_H

#include <stddef.h>

#include "diag.h"
#include "map.h"

struct asy_xdoc;

enum asy_field_type {
	ASY_FIELD_TEXT,
	ASY_FIELD_ENUM,
	ASY_FIELD_BOOL,
	ASY_FIELD_INT,
	ASY_FIELD_REF,
	ASY_FIELD_SECRET,	/* never copied into reports */
};

/* Bench capabilities a functional unit needs. */
enum asy_need {
	ASY_NEED_NETWORK	= 1 << 0,
	ASY_NEED_SERIAL		= 1 << 1,
	ASY_NEED_WIFI		= 1 << 2,
	ASY_NEED_OPERATOR	= 1 << 3,
	ASY_NEED_POWER		= 1 << 4,
};
#define ASY_NEED_ALL	0x1fu

/* "network serial" from a need mask, into buf (at least 64 bytes). */
void	asy_needs_format(unsigned needs, char *buf, size_t size);
/* Parse "network,serial" or "network serial"; 0 or ASY_E_INPUT with the
 * offending word in *bad (pointing into s). */
int	asy_needs_parse(const char *s, unsigned *out, const char **bad);

enum asy_kind {
	ASY_KIND_CONCEPTUAL,
	ASY_KIND_FUNCTIONAL,
	ASY_KIND_MIXED,
};
const char *asy_kind_name(enum asy_kind k);

struct asy_cat_field {
	const char		*name;
	const char		*title;
	enum asy_field_type	 type;
	int			 required;
	int			 multi;
	const char		*values;	/* enum: space separated */
	const char		*ref;		/* ref: table ID */
	const struct asy_cat_table *ref_table;
};

struct asy_cat_table {
	const char		*id;		/* "1-AuthMech" */
	const char		*prefix;	/* "AuthMech" */
	const char		*title;
	struct asy_cat_field	*fields;
	size_t			 n_fields;
};

/* IXIT rows that show a condition holds: rows of table whose fields all
 * have the given values (no pairs: any row of the table). */
struct asy_cat_evidence {
	const struct asy_cat_table	*table;
	const struct asy_cat_field	*field[4];
	char				*value[4];	/* owned */
	size_t				 n_match;
	const char			*match;		/* as written */
};

/* A condition C(n) or a feature F(x). */
struct asy_cat_flag {
	const char		*id;
	const char		*title;
	int			 feature;
	struct asy_cat_evidence	*ev;
	size_t			 n_ev;
};

/* A parsed ICS status: "M C F(14,e)". */
struct asy_status {
	int			 mandatory;
	const struct asy_cat_flag *flags[8];	/* all must hold */
	size_t			 n_flags;
};

/* Parse status text against cat's conditions and features.  0, or
 * ASY_E_INPUT with a description of the fault in err (size errlen). */
struct asy_catalogue;
int	asy_status_parse(const struct asy_catalogue *cat, const char *text,
	    struct asy_status *out, char *err, size_t errlen);

struct asy_cat_provision {
	const char		*id;
	const char		*title;
	const char		*status_text;
	struct asy_status	 status;
};

struct asy_cat_unit {
	const char		*id;		/* "a" */
	const char		*text;
	enum asy_kind		 kind;		/* conceptual or functional */
	unsigned		 needs;
	const struct asy_cat_table *fanout;	/* or NULL */
	const struct asy_cat_field *where_field;	/* or NULL */
	const char		*where_value;
	int			 derived;
};

struct asy_cat_group;

struct asy_cat_case {
	const char		*id;
	const char		*title;
	enum asy_kind		 kind;
	const struct asy_cat_table *reads[8];
	size_t			 n_reads;
	const char		*preassess;	/* rule name, or NULL */
	int			 derived;
	struct asy_cat_unit	*units;
	size_t			 n_units;
	const struct asy_cat_group *group;
};

struct asy_cat_group {
	const char		*id;
	const char		*title;
	const struct asy_cat_provision *provision;	/* NULL: always applies */
	struct asy_status	 status;
	const char		*status_text;
	int			 derived;
	struct asy_cat_case	*cases;
	size_t			 n_cases;
};

struct asy_catalogue {
	struct asy_xdoc		*doc;
	const char		*path;
	const char		*id;
	const char		*title;
	const char		*baseline;
	const char		*method;
	struct asy_cat_flag	*flags;		/* conditions, then features */
	size_t			 n_flags;
	struct asy_cat_table	*tables;
	size_t			 n_tables;
	struct asy_cat_provision *provisions;
	size_t			 n_provisions;
	struct asy_cat_group	*groups;
	size_t			 n_groups;
	size_t			 n_cases;
	size_t			 n_units;
	struct asy_map		 case_index;	/* case ID -> asy_cat_case */
};

/*
 * Load and check a catalogue file (schema, then every cross-reference).
 * Problems go to d; then ASY_E_INPUT.  Free with asy_catalogue_free().
 */
int	asy_catalogue_load(const char *path, struct asy_diags *d,
	    struct asy_catalogue **out);
void	asy_catalogue_free(struct asy_catalogue *cat);

const struct asy_cat_table *asy_catalogue_table(
	    const struct asy_catalogue *cat, const char *id);
const struct asy_cat_field *asy_cat_table_field(
	    const struct asy_cat_table *t, const char *name);
const struct asy_cat_provision *asy_catalogue_provision(
	    const struct asy_catalogue *cat, const char *id);
const struct asy_cat_flag *asy_catalogue_flag(const struct asy_catalogue *cat,
	    const char *id, int feature);
const struct asy_cat_case *asy_catalogue_case(
	    const struct asy_catalogue *cat, const char *id);

/* Does the space-separated list contain word? */
int	asy_word_in(const char *list, const char *word);

/*
 * Where assay's data lives (catalogues, schemas): $ASSAY_DATADIR, else the
 * source tree it was built from, else the installed data folder.  Returns a
 * fresh path to rel inside it, or NULL when out of memory.
 */
char	*asy_data_path(const char *rel);

#endif
