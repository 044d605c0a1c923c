/*
 * The libxml2 adapter: the only file that includes libxml2.
 *
 * Files from outside (declarations, lab configs, answers, run folders) are
 * read with a size cap, parsed with network access off, without DTDs (a
 * document with a DOCTYPE is refused before any entity is declared, so no
 * external entity, no entity expansion), validated against an XSD, and
 * handed on as a small tree of our own (struct asy_xnode) with line numbers.
 */
#ifndef ASSAY_XML_H
#define ASSAY_XML_H

#include <stddef.h>

#include "diag.h"

struct asy_xattr {
	const char	*name;
	const char	*value;
};

struct asy_xnode {
	const char		*name;
	unsigned long		 line;
	const char		*text;	/* direct text, trimmed; "" if none */
	struct asy_xattr	*attrs;
	size_t			 n_attrs;
	struct asy_xnode	*children;	/* elements only */
	size_t			 n_children;
};

struct asy_xdoc;

/* Cap on a declaration or lab config file: 16 MiB; on one attribute
 * value: 4 KiB; on the text of one element: 64 KiB. */
#define ASY_XML_MAX_INPUT	((size_t)16 << 20)
#define ASY_XML_MAX_ATTR	((size_t)4 << 10)
#define ASY_XML_MAX_TEXT	((size_t)64 << 10)

/*
 * Load path (at most max bytes), check it against the XSD at schema_path
 * (NULL: well-formedness only), and return its tree in *out.  Every problem
 * goes to d as "path:line: ..."; then ASY_E_INPUT.  Other errors:
 * ASY_E_NOMEM.  The caller frees *out with asy_xdoc_free().
 */
int	asy_xml_load(const char *path, const char *schema_path, size_t max,
	    struct asy_diags *d, struct asy_xdoc **out);

/*
 * Relaxations for documents written by other tools (nmap's -oX), for
 * asy_xml_load_opts():
 *
 * ASY_XML_ALLOW_BARE_DOCTYPE: accept a DOCTYPE that is only a name,
 *   "<!DOCTYPE nmaprun>": no PUBLIC or SYSTEM identifier and no internal
 *   subset.  Any other DOCTYPE is still refused before anything in it is
 *   read, and any markup declaration (ENTITY, ELEMENT, ATTLIST, NOTATION)
 *   is refused should libxml2 ever reach one; no entity is declared,
 *   expanded or fetched, and network access stays off.
 * ASY_XML_LONG_ATTRS: attribute values up to ASY_XML_MAX_LONG_ATTR (1 MiB)
 *   instead of ASY_XML_MAX_ATTR (nmap's script output="..." can be long).
 */
enum {
	ASY_XML_ALLOW_BARE_DOCTYPE	= 1 << 0,
	ASY_XML_LONG_ATTRS		= 1 << 1,
	ASY_XML_FOREIGN			= 1 << 2,	/* no format="1" check */
};
#define ASY_XML_MAX_LONG_ATTR	((size_t)1 << 20)

/* asy_xml_load() with flags (0: exactly asy_xml_load()). */
int	asy_xml_load_opts(const char *path, const char *schema_path,
	    size_t max, unsigned flags, struct asy_diags *d,
	    struct asy_xdoc **out);

/*
 * Parse len bytes at data (a document a device sent, at most max bytes)
 * the same way, without a schema and without the format check; name
 * stands for the file in diagnostics.  0 and *out, or ASY_E_INPUT (d
 * says why), ASY_E_NOMEM.
 */
int	asy_xml_parse_mem(const char *data, size_t len, const char *name,
	    size_t max, struct asy_diags *d, struct asy_xdoc **out);
void	asy_xdoc_free(struct asy_xdoc *doc);
const struct asy_xnode *asy_xdoc_root(const struct asy_xdoc *doc);
const char *asy_xdoc_path(const struct asy_xdoc *doc);

/* The value of attribute name, or NULL. */
const char *asy_xnode_attr(const struct asy_xnode *n, const char *name);
/* The first child element called name, or NULL. */
const struct asy_xnode *asy_xnode_child(const struct asy_xnode *n,
	    const char *name);

/* Version of libxml2 in use, for the report's tool list. */
const char *asy_xml_version(void);

/* Free cached schemas (for leak checkers at exit). */
void	asy_xml_cleanup(void);

#endif
