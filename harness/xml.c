#include "xml.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlschemas.h>
#include <libxml/xmlversion.h>

#include "buf.h"
#include "error.h"
#include "util.h"

/* Nodes and strings of one document live in an arena freed at once. */
struct chunk {
	struct chunk	*next;
	size_t		 used;
	size_t		 size;
	char		 data[];
};

struct asy_xdoc {
	struct chunk		*chunks;
	struct asy_xnode	*root;
	char			*path;
};

struct load_state {
	struct asy_diags	*d;
	const char		*path;
	unsigned		 flags;		/* ASY_XML_* */
	int			 failed;
	xmlParserCtxtPtr	 ctxt;
};

struct schema_cache {
	char		*path;
	xmlSchemaPtr	 schema;
};

static struct schema_cache *schemas;
static size_t n_schemas, cap_schemas;
static int initialised;

static void *
arena_alloc(struct asy_xdoc *doc, size_t n)
{
	struct chunk *c = doc->chunks;
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > 65536 ? n : 65536;

		c = malloc(sizeof(*c) + size);
		if (c == NULL)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = doc->chunks;
		doc->chunks = c;
	}
	p = c->data + c->used;
	c->used += n;
	return p;
}

static const char *
arena_strndup(struct asy_xdoc *doc, const char *s, size_t n)
{
	char *p;

	p = arena_alloc(doc, n + 1);
	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
asy_xdoc_free(struct asy_xdoc *doc)
{
	struct chunk *c, *next;

	if (doc == NULL)
		return;
	for (c = doc->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(doc->path);
	free(doc);
}

const struct asy_xnode *
asy_xdoc_root(const struct asy_xdoc *doc)
{
	return doc->root;
}

const char *
asy_xdoc_path(const struct asy_xdoc *doc)
{
	return doc->path;
}

const char *
asy_xnode_attr(const struct asy_xnode *n, const char *name)
{
	for (size_t i = 0; i < n->n_attrs; i++)
		if (strcmp(n->attrs[i].name, name) == 0)
			return n->attrs[i].value;
	return NULL;
}

const struct asy_xnode *
asy_xnode_child(const struct asy_xnode *n, const char *name)
{
	for (size_t i = 0; i < n->n_children; i++)
		if (strcmp(n->children[i].name, name) == 0)
			return &n->children[i];
	return NULL;
}

const char *
asy_xml_version(void)
{
	return LIBXML_DOTTED_VERSION;
}

/* Drop the trailing newline libxml2 puts on its messages. */
static void
add_libxml_error(struct load_state *st, const char *file, long line,
    const char *msg, const char *hint)
{
	size_t n = msg ? strlen(msg) : 0;

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' ' ||
	    msg[n - 1] == '.'))
		n--;
	st->failed = 1;
	asy_diag_error(st->d, file, line > 0 ? (unsigned long)line : 1,
	    "%.*s; %s", (int)n, msg ? msg : "malformed XML", hint);
}

static void
on_parse_error(void *ctx, xmlErrorPtr err)
{
	struct load_state *st = ctx;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	if (err->code == XML_ERR_INTERNAL_ERROR && err->message != NULL &&
	    strstr(err->message, "depth") != NULL) {
		st->failed = 1;
		asy_diag_error(st->d, st->path, err->line > 0 ?
		    (unsigned long)err->line : 1, "elements are nested too "
		    "deeply (more than 256 levels); no assay format needs "
		    "that: check that it is the right file");
		return;
	}
	add_libxml_error(st, st->path, err->line, err->message,
	    err->domain == XML_FROM_I18N || err->code ==
	    XML_ERR_UNSUPPORTED_ENCODING || err->code ==
	    XML_ERR_INVALID_ENCODING ?
	    "the encoding is wrong: save the file as UTF-8" :
	    "fix the XML at that place: a well-formed UTF-8 document is needed");
}

static void
on_schema_error(void *ctx, xmlErrorPtr err)
{
	struct load_state *st = ctx;
	long line;

	if (err == NULL || err->level == XML_ERR_WARNING)
		return;
	line = err->line;
	if (err->node != NULL)
		line = xmlGetLineNo((xmlNodePtr)err->node);
	add_libxml_error(st, st->path, line, err->message,
	    "correct it as the format's schema requires (see ics-ixit/schema/ "
	    "and the README)");
}

static void
quiet_generic(void *ctx, const char *msg, ...)
{
}

/*
 * A DOCTYPE stops the parse before its internal subset is read: no entity
 * is ever declared, so none can be expanded or fetched.
 *
 * With ASY_XML_ALLOW_BARE_DOCTYPE, "<!DOCTYPE name>" alone goes through.
 * libxml2 calls this once it has read the name and the optional external
 * ID, with blanks skipped: the next input byte is '>' for a bare DOCTYPE
 * and '[' when an internal subset follows.  Nothing is recorded (no DTD
 * node), so the document has no declarations at all.
 */
static void
on_internal_subset(void *ctx, const xmlChar *name, const xmlChar *ext,
    const xmlChar *sys)
{
	xmlParserCtxtPtr ctxt = ctx;
	struct load_state *st = ctxt->_private;

	if ((st->flags & ASY_XML_ALLOW_BARE_DOCTYPE) && ext == NULL &&
	    sys == NULL && ctxt->input != NULL && ctxt->input->cur != NULL &&
	    *ctxt->input->cur == '>')
		return;
	st->failed = 1;
	if (st->flags & ASY_XML_ALLOW_BARE_DOCTYPE)
		asy_diag_error(st->d, st->path,
		    (unsigned long)xmlSAX2GetLineNumber(ctx), "a DOCTYPE with "
		    "an internal subset, a PUBLIC or a SYSTEM identifier is "
		    "not allowed (only a bare <!DOCTYPE %.40s> is), and "
		    "neither are the entities it would declare; this is not "
		    "the file the tool wrote: check where it comes from",
		    name != NULL ? (const char *)name : "name");
	else
		asy_diag_error(st->d, st->path,
		    (unsigned long)xmlSAX2GetLineNumber(ctx), "a DOCTYPE (DTD) "
		    "is not allowed, and neither are the entities it would "
		    "declare; remove the <!DOCTYPE ...> declaration");
	xmlStopParser(ctxt);
}

/*
 * Second line of defence for ASY_XML_ALLOW_BARE_DOCTYPE: should a libxml2
 * version ever read an internal subset after all, every declaration in it
 * stops the parse.
 */
static void
refuse_decl(xmlParserCtxtPtr ctxt, const char *what)
{
	struct load_state *st = ctxt->_private;

	st->failed = 1;
	asy_diag_error(st->d, st->path,
	    (unsigned long)xmlSAX2GetLineNumber(ctxt), "a markup declaration "
	    "(%s) is not allowed; this is not the file the tool wrote: check "
	    "where it comes from", what);
	xmlStopParser(ctxt);
}

static void
on_entity_decl(void *ctx, const xmlChar *name, int type,
    const xmlChar *public_id, const xmlChar *system_id, xmlChar *content)
{
	refuse_decl(ctx, "<!ENTITY>");
}

static void
on_unparsed_entity_decl(void *ctx, const xmlChar *name,
    const xmlChar *public_id, const xmlChar *system_id,
    const xmlChar *notation)
{
	refuse_decl(ctx, "<!ENTITY>");
}

static void
on_element_decl(void *ctx, const xmlChar *name, int type,
    xmlElementContentPtr content)
{
	refuse_decl(ctx, "<!ELEMENT>");
}

static void
on_attribute_decl(void *ctx, const xmlChar *elem, const xmlChar *fullname,
    int type, int def, const xmlChar *default_value, xmlEnumerationPtr tree)
{
	/* The handler owns tree. */
	xmlFreeEnumeration(tree);
	refuse_decl(ctx, "<!ATTLIST>");
}

static void
on_notation_decl(void *ctx, const xmlChar *name, const xmlChar *public_id,
    const xmlChar *system_id)
{
	refuse_decl(ctx, "<!NOTATION>");
}

static struct load_state *loader_state;

/* libxml2 may try to load a resource (an external DTD, XInclude, a schema
 * import): refuse them all, and say so. */
static xmlParserInputPtr
refuse_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
	if (loader_state != NULL) {
		loader_state->failed = 1;
		asy_diag_error(loader_state->d, loader_state->path, 1,
		    "a reference to an external resource ('%.200s') is not "
		    "allowed; assay never loads files or URLs named in a "
		    "document: remove the reference", url ? url : "?");
	}
	return NULL;
}

static void
xml_init(void)
{
	if (initialised)
		return;
	xmlInitParser();
	xmlSetExternalEntityLoader(refuse_loader);
	xmlSetGenericErrorFunc(NULL, quiet_generic);
	initialised = 1;
}

static xmlSchemaPtr
schema_get(const char *path, struct asy_diags *d)
{
	struct schema_cache *c;
	xmlSchemaParserCtxtPtr pctxt = NULL;
	xmlSchemaPtr schema = NULL;
	struct load_state st = { .d = d, .path = path };
	struct asy_buf b;
	int r;

	for (size_t i = 0; i < n_schemas; i++)
		if (strcmp(schemas[i].path, path) == 0)
			return schemas[i].schema;
	asy_buf_init(&b, ASY_XML_MAX_INPUT);
	r = asy_buf_load_file(&b, path);
	if (r < 0) {
		asy_diag_error(d, path, 0, "cannot read the schema (%s); "
		    "reinstall assay or set ASSAY_DATADIR", asy_strerror(r));
		goto out;
	}
	loader_state = &st;
	xmlSetStructuredErrorFunc(&st, on_parse_error);
	pctxt = xmlSchemaNewMemParserCtxt(b.data, (int)b.len);
	if (pctxt != NULL) {
		xmlSchemaSetParserStructuredErrors(pctxt, on_parse_error, &st);
		schema = xmlSchemaParse(pctxt);
	}
	xmlSetStructuredErrorFunc(NULL, NULL);
	loader_state = NULL;
	if (schema == NULL) {
		if (!st.failed)
			asy_diag_error(d, path, 0, "cannot load the schema; "
			    "reinstall assay");
		goto out;
	}
	c = asy_array_add(&schemas, &n_schemas, &cap_schemas, sizeof(*c));
	if (c == NULL) {
		xmlSchemaFree(schema);
		schema = NULL;
		goto out;
	}
	c->path = strdup(path);
	c->schema = schema;
out:
	if (pctxt != NULL)
		xmlSchemaFreeParserCtxt(pctxt);
	asy_buf_release(&b);
	return schema;
}

void
asy_xml_cleanup(void)
{
	for (size_t i = 0; i < n_schemas; i++) {
		xmlSchemaFree(schemas[i].schema);
		free(schemas[i].path);
	}
	free(schemas);
	schemas = NULL;
	n_schemas = cap_schemas = 0;
	if (initialised)
		xmlCleanupParser();
	initialised = 0;
}

static size_t
count_elements(xmlNodePtr n)
{
	size_t k = 0;

	for (xmlNodePtr c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			k++;
	return k;
}

static void
add_limit_error(struct load_state *st, xmlNodePtr node, const char *attr,
    size_t len, size_t max)
{
	st->failed = 1;
	if (attr != NULL)
		asy_diag_error(st->d, st->path, (unsigned long)xmlGetLineNo(node),
		    "attribute '%s' of <%s> is %zu bytes long, more than the "
		    "%zu allowed; shorten it", attr, (const char *)node->name,
		    len, max);
	else
		asy_diag_error(st->d, st->path, (unsigned long)xmlGetLineNo(node),
		    "the text of <%s> is %zu bytes long, more than the %zu "
		    "allowed; shorten it", (const char *)node->name, len, max);
}

/* Every assay format so far is format 1. */
static void
check_format(struct load_state *st, const struct asy_xnode *root)
{
	const char *f = asy_xnode_attr(root, "format");

	if (f != NULL && strcmp(f, "1") != 0) {
		st->failed = 1;
		asy_diag_error(st->d, st->path, root->line, "format \"%.20s\" "
		    "is not supported: this assay reads format 1; write the "
		    "file in format 1 or update assay", f);
	}
}

static int
convert(struct load_state *st, struct asy_xdoc *doc, xmlNodePtr src,
    struct asy_xnode *dst)
{
	struct asy_buf text;
	size_t k, start, end;
	size_t attr_max = (st->flags & ASY_XML_LONG_ATTRS) ?
	    ASY_XML_MAX_LONG_ATTR : ASY_XML_MAX_ATTR;
	int r = 0, borrowed = 0;

	dst->name = arena_strndup(doc, (const char *)src->name,
	    strlen((const char *)src->name));
	dst->line = (unsigned long)xmlGetLineNo(src);
	if (dst->name == NULL)
		return ASY_E_NOMEM;

	k = 0;
	for (xmlAttrPtr a = src->properties; a != NULL; a = a->next)
		k++;
	dst->attrs = arena_alloc(doc, k * sizeof(*dst->attrs) + 1);
	if (dst->attrs == NULL)
		return ASY_E_NOMEM;
	for (xmlAttrPtr a = src->properties; a != NULL; a = a->next) {
		struct asy_xattr *at = &dst->attrs[dst->n_attrs++];
		const char *v = "";

		if (a->children != NULL && a->children->content != NULL)
			v = (const char *)a->children->content;
		if (strlen(v) > attr_max) {
			add_limit_error(st, src, (const char *)a->name,
			    strlen(v), attr_max);
			v = "";
		}
		at->name = arena_strndup(doc, (const char *)a->name,
		    strlen((const char *)a->name));
		at->value = arena_strndup(doc, v, strlen(v));
		if (at->name == NULL || at->value == NULL)
			return ASY_E_NOMEM;
	}

	asy_buf_init(&text, ASY_XML_MAX_INPUT);
	for (xmlNodePtr c = src->children; c != NULL && r == 0; c = c->next) {
		if ((c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
			continue;
		/* The common case, one text child, needs no copy. */
		if (text.data == NULL && (c->next == NULL ||
		    (c->next->type != XML_TEXT_NODE &&
		    c->next->type != XML_CDATA_SECTION_NODE))) {
			size_t n = strlen((const char *)c->content);

			if (n > ASY_XML_MAX_INPUT) {
				r = ASY_E_TOOBIG;
				break;
			}
			text.data = (char *)c->content;
			text.len = n;
			borrowed = 1;
			continue;
		}
		if (borrowed) {
			/* A second run of text: copy the first after all. */
			const char *first = text.data;
			size_t n = text.len;

			asy_buf_init(&text, ASY_XML_MAX_INPUT);
			borrowed = 0;
			r = asy_buf_add(&text, first, n);
			if (r < 0)
				break;
		}
		r = asy_buf_puts(&text, (const char *)c->content);
	}
	if (r < 0)
		goto out;
	if (text.len > ASY_XML_MAX_TEXT) {
		add_limit_error(st, src, NULL, text.len, ASY_XML_MAX_TEXT);
		text.len = 0;
	}
	start = 0;
	end = text.len;
	while (start < end && strchr(" \t\r\n", text.data[start]) != NULL)
		start++;
	while (end > start && strchr(" \t\r\n", text.data[end - 1]) != NULL)
		end--;
	dst->text = arena_strndup(doc, text.data ? text.data + start : "",
	    end - start);
	if (dst->text == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}

	k = count_elements(src);
	dst->children = arena_alloc(doc, k * sizeof(*dst->children) + 1);
	if (dst->children == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	memset(dst->children, 0, k * sizeof(*dst->children));
	for (xmlNodePtr c = src->children; c != NULL && r == 0; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			r = convert(st, doc, c,
			    &dst->children[dst->n_children++]);
out:
	if (!borrowed)
		asy_buf_release(&text);
	return r;
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t
utf8_seq_len(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len, i;
	unsigned long cp;

	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/*
 * assay reads UTF-8 only: a byte order mark of UTF-16 or UTF-32, a declared
 * encoding other than UTF-8 (or its ASCII subset), a NUL byte or an invalid
 * UTF-8 sequence is refused with the line it is on, before libxml2 could
 * guess at it.
 */
static int
check_encoding(const struct asy_buf *b, const char *path, struct asy_diags *d)
{
	const unsigned char *p = (const unsigned char *)b->data;
	const unsigned char *end = p + b->len;
	unsigned long line = 1;

	if (b->len >= 2 && ((p[0] == 0xff && p[1] == 0xfe) ||
	    (p[0] == 0xfe && p[1] == 0xff))) {
		asy_diag_error(d, path, 1, "the file is UTF-16 or UTF-32 "
		    "encoded (it starts with that byte order mark); save it as "
		    "UTF-8");
		return ASY_E_INPUT;
	}
	if (b->len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		p += 3;
	if (end - p >= 5 && memcmp(p, "<?xml", 5) == 0) {
		const unsigned char *q = p, *decl_end;

		decl_end = memchr(p, '>', (size_t)(end - p));
		if (decl_end != NULL) {
			const char *enc;
			size_t n = (size_t)(decl_end - q);
			char head[256];

			if (n >= sizeof(head))
				n = sizeof(head) - 1;
			memcpy(head, q, n);
			head[n] = '\0';
			enc = strstr(head, "encoding");
			if (enc != NULL) {
				const char *v = enc + 8;
				char quote;
				size_t vl;

				while (*v == ' ' || *v == '=')
					v++;
				quote = *v++;
				vl = strcspn(v, "\"'");
				if ((quote == '"' || quote == '\'') &&
				    !(vl == 5 && strncasecmp(v, "UTF-8", 5) ==
				    0) && !(vl == 8 && strncasecmp(v,
				    "US-ASCII", 8) == 0) && !(vl == 5 &&
				    strncasecmp(v, "ASCII", 5) == 0)) {
					asy_diag_error(d, path, 1, "the file "
					    "declares encoding \"%.*s\"; assay "
					    "reads UTF-8 only: save it as "
					    "UTF-8 and declare "
					    "encoding=\"UTF-8\"",
					    (int)(vl > 40 ? 40 : vl), v);
					return ASY_E_INPUT;
				}
			}
		}
	}
	while (p < end) {
		size_t n;

		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (*p == 0) {
			asy_diag_error(d, path, line, "the file holds a NUL "
			    "byte (is it UTF-16, or binary?); save it as UTF-8 "
			    "text");
			return ASY_E_INPUT;
		}
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_seq_len(p, (size_t)(end - p));
		if (n == 0) {
			asy_diag_error(d, path, line, "byte 0x%02x is not "
			    "valid UTF-8 (Latin-1 or another legacy encoding?); "
			    "save the file as UTF-8", *p);
			return ASY_E_INPUT;
		}
		p += n;
	}
	return 0;
}

int
asy_xml_load(const char *path, const char *schema_path, size_t max,
    struct asy_diags *d, struct asy_xdoc **out)
{
	return asy_xml_load_opts(path, schema_path, max, 0, d, out);
}

static int	parse_buf(const struct asy_buf *b, const char *path,
		    const char *schema_path, unsigned flags,
		    struct asy_diags *d, struct asy_xdoc **out);

int
asy_xml_load_opts(const char *path, const char *schema_path, size_t max,
    unsigned flags, struct asy_diags *d, struct asy_xdoc **out)
{
	struct asy_buf b;
	int r;

	xml_init();
	asy_buf_init(&b, max);
	r = asy_buf_load_file(&b, path);
	if (r == ASY_E_TOOBIG) {
		asy_diag_error(d, path, 1, "the file is larger than the %zu MiB "
		    "limit for this kind of input; check that it is the right "
		    "file, or split it", max >> 20);
		r = ASY_E_INPUT;
		goto out;
	}
	if (r == ASY_E_NOTFOUND) {
		asy_diag_error(d, path, 1, "no such file; check the path");
		r = ASY_E_INPUT;
		goto out;
	}
	if (r == ASY_E_NOTREG) {
		asy_diag_error(d, path, 1, "not a regular file (a folder, a "
		    "pipe or a device); give the path of an XML file");
		r = ASY_E_INPUT;
		goto out;
	}
	if (r < 0) {
		asy_diag_error(d, path, 1, "cannot read the file (%s); check "
		    "that it is a readable regular file", asy_strerror(r));
		r = ASY_E_INPUT;
		goto out;
	}
	r = parse_buf(&b, path, schema_path, flags, d, out);
out:
	asy_buf_release(&b);
	return r;
}

int
asy_xml_parse_mem(const char *data, size_t len, const char *name,
    size_t max, struct asy_diags *d, struct asy_xdoc **out)
{
	struct asy_buf b;
	int r;

	xml_init();
	asy_buf_init(&b, max);
	r = data != NULL && len > 0 ? asy_buf_add(&b, data, len) : 0;
	if (r == ASY_E_TOOBIG) {
		asy_diag_error(d, name, 1, "the document is larger than the "
		    "%zu bytes allowed", max);
		r = ASY_E_INPUT;
	}
	if (r == 0)
		r = parse_buf(&b, name, NULL, ASY_XML_FOREIGN, d, out);
	asy_buf_release(&b);
	return r;
}

/* Parse and check the document in b (path names it in diagnostics). */
static int
parse_buf(const struct asy_buf *bp, const char *path,
    const char *schema_path, unsigned flags, struct asy_diags *d,
    struct asy_xdoc **out)
{
	struct load_state st = { .d = d, .path = path, .flags = flags };
	const struct asy_buf b = *bp;
	struct asy_xdoc *doc = NULL;
	xmlSchemaValidCtxtPtr vctxt = NULL;
	xmlSchemaPtr schema = NULL;
	xmlDocPtr xdoc = NULL;
	int r;

	r = check_encoding(&b, path, d);
	if (r < 0)
		goto out;
	if (b.len == 0 || asy_str_blank(b.data)) {
		asy_diag_error(d, path, 1, "the file is empty; it must hold an "
		    "XML document (see the templates: assay template)");
		r = ASY_E_INPUT;
		goto out;
	}
	if (b.len > (size_t)0x7fffffff) {
		r = ASY_E_INPUT;
		goto out;
	}
	if (schema_path != NULL) {
		schema = schema_get(schema_path, d);
		if (schema == NULL) {
			r = ASY_E_INPUT;
			goto out;
		}
	}

	st.ctxt = xmlNewParserCtxt();
	if (st.ctxt == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	st.ctxt->_private = &st;
	st.ctxt->sax->internalSubset = on_internal_subset;
	if (flags & ASY_XML_ALLOW_BARE_DOCTYPE) {
		st.ctxt->sax->entityDecl = on_entity_decl;
		st.ctxt->sax->unparsedEntityDecl = on_unparsed_entity_decl;
		st.ctxt->sax->elementDecl = on_element_decl;
		st.ctxt->sax->attributeDecl = on_attribute_decl;
		st.ctxt->sax->notationDecl = on_notation_decl;
	}
	loader_state = &st;
	xmlSetStructuredErrorFunc(&st, on_parse_error);
	xdoc = xmlCtxtReadMemory(st.ctxt, b.data, (int)b.len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (xdoc != NULL && !st.failed && schema != NULL) {
		vctxt = xmlSchemaNewValidCtxt(schema);
		if (vctxt == NULL) {
			r = ASY_E_NOMEM;
			goto out_reset;
		}
		xmlSchemaSetValidStructuredErrors(vctxt, on_schema_error, &st);
		if (xmlSchemaValidateDoc(vctxt, xdoc) != 0)
			st.failed = 1;
	}
out_reset:
	xmlSetStructuredErrorFunc(NULL, NULL);
	loader_state = NULL;
	if (r < 0)
		goto out;
	if (xdoc == NULL || st.failed) {
		if (!st.failed)
			asy_diag_error(d, path, 1, "not a well-formed XML "
			    "document; check that it is the right file");
		r = ASY_E_INPUT;
		goto out;
	}

	doc = calloc(1, sizeof(*doc));
	if (doc == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	doc->path = strdup(path);
	doc->root = arena_alloc(doc, sizeof(*doc->root));
	if (doc->path == NULL || doc->root == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	memset(doc->root, 0, sizeof(*doc->root));
	r = convert(&st, doc, xmlDocGetRootElement(xdoc), doc->root);
	if (r < 0)
		goto out;
	if (r == 0 && !st.failed && !(flags & ASY_XML_FOREIGN))
		check_format(&st, doc->root);
	if (st.failed) {
		r = ASY_E_INPUT;
		goto out;
	}
	*out = doc;
	doc = NULL;
out:
	if (vctxt != NULL)
		xmlSchemaFreeValidCtxt(vctxt);
	if (xdoc != NULL)
		xmlFreeDoc(xdoc);
	if (st.ctxt != NULL)
		xmlFreeParserCtxt(st.ctxt);
	asy_xdoc_free(doc);
	return r;
}
