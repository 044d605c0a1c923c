#include "evidence.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* Caps for walking a run folder: a foreign or hostile one must not make
 * verify run forever. */
#define MAX_FILES	200000
#define MAX_DEPTH	16
#define MAX_MANIFEST	((size_t)64 << 20)

struct flist {
	char	**v;
	size_t	 n, cap;
};

static void
flist_free(struct flist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
flist_add(struct flist *l, const char *s)
{
	char **slot;

	if (l->n >= MAX_FILES)
		return ASY_E_TOOBIG;
	slot = asy_array_add(&l->v, &l->n, &l->cap, sizeof(*l->v));
	if (slot == NULL)
		return ASY_E_NOMEM;
	*slot = strdup(s);
	return *slot == NULL ? ASY_E_NOMEM : 0;
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Collect the regular files below root/rel.  Anything else (a link, a
 * device, a fifo) is an error: a run folder holds plain files only.
 */
static int
walk(const char *root, const char *rel, int depth, struct flist *out,
    struct asy_diags *d)
{
	char *path = NULL;
	DIR *dp = NULL;
	struct dirent *de;
	int r = 0;

	if (depth > MAX_DEPTH)
		return ASY_E_TOOBIG;
	path = *rel ? asy_path_join(root, rel) : strdup(root);
	if (path == NULL)
		return ASY_E_NOMEM;
	dp = opendir(path);
	if (dp == NULL) {
		r = ASY_E_IO;
		goto out;
	}
	while (r == 0 && (de = readdir(dp)) != NULL) {
		struct stat st;
		char *sub, *full;

		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		sub = *rel ? asy_path_join(rel, de->d_name) :
		    strdup(de->d_name);
		full = sub ? asy_path_join(root, sub) : NULL;
		if (full == NULL) {
			free(sub);
			r = ASY_E_NOMEM;
			break;
		}
		if (lstat(full, &st) < 0)
			r = ASY_E_IO;
		else if (S_ISDIR(st.st_mode))
			r = walk(root, sub, depth + 1, out, d);
		else if (S_ISREG(st.st_mode))
			r = flist_add(out, sub);
		else if (d != NULL)
			asy_diag_error(d, full, 0, "not a regular file (a link "
			    "or a device); a run folder holds plain files "
			    "only: remove it");
		free(sub);
		free(full);
	}
out:
	if (dp != NULL)
		closedir(dp);
	free(path);
	return r;
}

/* flock() the partial folder; ASY_E_BUSY when another process has it. */
static int
rundir_lock(struct asy_rundir *rd)
{
	rd->lock_fd = open(rd->work_path, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC);
	if (rd->lock_fd < 0)
		return ASY_E_IO;
	if (flock(rd->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? ASY_E_BUSY : ASY_E_IO;
	return 0;
}

int
asy_rundir_create(const char *final_path, struct asy_rundir **out)
{
	struct asy_rundir *rd;
	struct stat st;
	size_t n;
	int r;

	rd = calloc(1, sizeof(*rd));
	if (rd == NULL)
		return ASY_E_NOMEM;
	rd->lock_fd = -1;
	rd->final_path = strdup(final_path);
	n = strlen(final_path);
	while (n > 1 && rd->final_path && rd->final_path[n - 1] == '/')
		rd->final_path[--n] = '\0';
	rd->work_path = rd->final_path ? malloc(n + sizeof(ASY_PARTIAL)) :
	    NULL;
	if (rd->work_path == NULL) {
		asy_rundir_free(rd);
		return ASY_E_NOMEM;
	}
	memcpy(rd->work_path, rd->final_path, n);
	memcpy(rd->work_path + n, ASY_PARTIAL, sizeof(ASY_PARTIAL));
	if (lstat(rd->final_path, &st) == 0) {
		asy_rundir_free(rd);
		return ASY_E_EXISTS;
	}
	if (mkdir(rd->work_path, 0755) < 0) {
		int e = errno;

		asy_rundir_free(rd);
		return e == EEXIST ? ASY_E_EXISTS : ASY_E_IO;
	}
	r = rundir_lock(rd);
	if (r < 0) {
		asy_rundir_free(rd);
		return r;
	}
	*out = rd;
	return 0;
}

int
asy_rundir_reopen(const char *path, struct asy_rundir **out)
{
	struct asy_rundir *rd;
	struct stat st;
	size_t n, np = sizeof(ASY_PARTIAL) - 1;
	int r;

	rd = calloc(1, sizeof(*rd));
	if (rd == NULL)
		return ASY_E_NOMEM;
	rd->lock_fd = -1;
	rd->final_path = strdup(path);
	n = rd->final_path ? strlen(rd->final_path) : 0;
	while (n > 1 && rd->final_path[n - 1] == '/')
		rd->final_path[--n] = '\0';
	if (rd->final_path != NULL && n > np &&
	    strcmp(rd->final_path + n - np, ASY_PARTIAL) == 0)
		rd->final_path[n -= np] = '\0';
	rd->work_path = rd->final_path ? malloc(n + sizeof(ASY_PARTIAL)) :
	    NULL;
	if (rd->work_path == NULL) {
		asy_rundir_free(rd);
		return ASY_E_NOMEM;
	}
	memcpy(rd->work_path, rd->final_path, n);
	memcpy(rd->work_path + n, ASY_PARTIAL, sizeof(ASY_PARTIAL));
	if (lstat(rd->final_path, &st) == 0) {
		asy_rundir_free(rd);
		return ASY_E_EXISTS;
	}
	if (lstat(rd->work_path, &st) < 0 || !S_ISDIR(st.st_mode)) {
		asy_rundir_free(rd);
		return ASY_E_NOTFOUND;
	}
	r = rundir_lock(rd);
	if (r < 0) {
		asy_rundir_free(rd);
		return r;
	}
	*out = rd;
	return 0;
}

void
asy_rundir_free(struct asy_rundir *rd)
{
	if (rd == NULL)
		return;
	if (rd->lock_fd >= 0)
		close(rd->lock_fd);
	free(rd->final_path);
	free(rd->work_path);
	free(rd);
}

/* Refuse relative paths that could leave the run folder. */
static int
rel_ok(const char *rel)
{
	if (*rel == '\0' || *rel == '/')
		return 0;
	for (const char *p = rel; *p; ) {
		size_t n = strcspn(p, "/");

		if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' &&
		    p[1] == '.') || n == 0)
			return 0;
		p += n;
		if (*p == '/')
			p++;
	}
	return 1;
}

/* The absolute path of rel in the partial folder, its folder created. */
static char *
prepare(struct asy_rundir *rd, const char *rel)
{
	char *full, *slash;

	if (!rel_ok(rel))
		return NULL;
	full = asy_path_join(rd->work_path, rel);
	if (full == NULL)
		return NULL;
	slash = strrchr(full, '/');
	if (slash != NULL && slash > full + strlen(rd->work_path)) {
		*slash = '\0';
		if (asy_mkdir_p(full, 0755) < 0) {
			free(full);
			return NULL;
		}
		*slash = '/';
	}
	return full;
}

int
asy_rundir_write(struct asy_rundir *rd, const char *rel,
    const struct asy_buf *b)
{
	char *full;
	int r;

	full = prepare(rd, rel);
	if (full == NULL)
		return ASY_E_IO;
	r = asy_buf_save_file(b, full);
	free(full);
	return r;
}

int
asy_rundir_copy(struct asy_rundir *rd, const char *src, const char *rel,
    char hex[ASY_SHA256_HEX])
{
	struct asy_buf b;
	int r;

	asy_buf_init(&b, (size_t)1 << 30);
	r = asy_buf_load_file(&b, src);
	if (r == 0)
		r = asy_rundir_write(rd, rel, &b);
	if (r == 0)
		r = asy_sha256_buf(b.data, b.len, hex);
	asy_buf_release(&b);
	return r;
}

int
asy_rundir_finish(struct asy_rundir *rd)
{
	struct flist files = { 0 };
	struct asy_buf m;
	char *mpath = NULL;
	int r;

	asy_buf_init(&m, MAX_MANIFEST);
	r = walk(rd->work_path, "", 0, &files, NULL);
	if (r < 0)
		goto out;
	if (files.n > 0)
		qsort(files.v, files.n, sizeof(*files.v), str_cmp);
	for (size_t i = 0; i < files.n && r == 0; i++) {
		char hex[ASY_SHA256_HEX], *full;

		if (strcmp(files.v[i], ASY_MANIFEST) == 0)
			continue;
		full = asy_path_join(rd->work_path, files.v[i]);
		if (full == NULL) {
			r = ASY_E_NOMEM;
			break;
		}
		r = asy_sha256_file(full, hex);
		free(full);
		if (r == 0)
			r = asy_buf_printf(&m, "%s  %s\n", hex, files.v[i]);
	}
	if (r < 0)
		goto out;
	mpath = asy_path_join(rd->work_path, ASY_MANIFEST);
	if (mpath == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	if (m.data == NULL)
		r = asy_buf_puts(&m, "");
	if (r == 0)
		r = asy_buf_save_file(&m, mpath);
	if (r < 0)
		goto out;
	/* rename(2) onto an existing empty folder would succeed: check. */
	if (access(rd->final_path, F_OK) == 0) {
		r = ASY_E_EXISTS;
		goto out;
	}
	if (rename(rd->work_path, rd->final_path) < 0)
		r = ASY_E_IO;
out:
	free(mpath);
	flist_free(&files);
	asy_buf_release(&m);
	return r;
}

static int
hex_ok(const char *s)
{
	for (int i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return 0;
	return 1;
}

int
asy_verify_rundir(const char *dir, struct asy_diags *d,
    unsigned long *n_files)
{
	struct flist files = { 0 }, listed = { 0 };
	struct asy_buf m;
	char *mpath = NULL;
	unsigned long line = 0, bad = 0, errors_before = d->n_errors;
	int r;

	asy_buf_init(&m, MAX_MANIFEST);
	mpath = asy_path_join(dir, ASY_MANIFEST);
	if (mpath == NULL) {
		r = ASY_E_NOMEM;
		goto out;
	}
	r = asy_buf_load_file(&m, mpath);
	if (r < 0) {
		asy_diag_error(d, mpath, 0, "cannot read the manifest (%s); "
		    "is this an assay run folder? An unfinished run ends in "
		    "%s and has none", asy_strerror(r), ASY_PARTIAL);
		r = ASY_E_INPUT;
		goto out;
	}
	r = walk(dir, "", 0, &files, d);
	if (r < 0) {
		asy_diag_error(d, dir, 0, "cannot list the folder (%s)",
		    asy_strerror(r));
		r = ASY_E_INPUT;
		goto out;
	}
	qsort(files.v, files.n, sizeof(*files.v), str_cmp);

	for (char *p = m.data; *p != '\0'; ) {
		char *nl = strchr(p, '\n');
		char *path, *full, hex[ASY_SHA256_HEX];
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int e;

		line++;
		if (len < 67 || !hex_ok(p) || p[64] != ' ' || p[65] != ' ' ||
		    memchr(p, '\0', len) != NULL) {
			asy_diag_error(d, mpath, line, "not a 'SHA256  PATH' "
			    "line; the manifest is damaged: re-run the "
			    "assessment");
			r = ASY_E_INPUT;
			goto out;
		}
		path = asy_strndup(p + 66, len - 66);
		if (path == NULL) {
			r = ASY_E_NOMEM;
			goto out;
		}
		if (!rel_ok(path) || strcmp(path, ASY_MANIFEST) == 0) {
			asy_diag_error(d, mpath, line, "path '%s' points "
			    "outside the run folder or at the manifest; the "
			    "manifest is damaged", path);
			free(path);
			r = ASY_E_INPUT;
			goto out;
		}
		r = flist_add(&listed, path);
		full = r == 0 ? asy_path_join(dir, path) : NULL;
		if (full == NULL) {
			free(path);
			r = ASY_E_NOMEM;
			goto out;
		}
		e = asy_sha256_file(full, hex);
		if (e == ASY_E_NOTFOUND) {
			asy_diag_error(d, full, 0, "missing: listed in the "
			    "manifest (line %lu) but not in the folder", line);
			bad++;
		} else if (e < 0) {
			asy_diag_error(d, full, 0, "cannot be read (%s)",
			    asy_strerror(e));
			bad++;
		} else if (memcmp(hex, p, 64) != 0) {
			asy_diag_error(d, full, 0, "changed: its SHA-256 is "
			    "%s, the manifest (line %lu) says %.64s", hex,
			    line, p);
			bad++;
		}
		free(full);
		free(path);
		p += len;
		if (*p == '\n')
			p++;
	}
	qsort(listed.v, listed.n, sizeof(*listed.v), str_cmp);
	for (size_t i = 0; i < files.n; i++) {
		if (strcmp(files.v[i], ASY_MANIFEST) == 0)
			continue;
		if (bsearch(&files.v[i], listed.v, listed.n,
		    sizeof(*listed.v), str_cmp) == NULL) {
			char *full = asy_path_join(dir, files.v[i]);

			asy_diag_error(d, full ? full : files.v[i], 0,
			    "added: present in the folder but not in the "
			    "manifest");
			free(full);
			bad++;
		}
	}
	/* Links, devices and fifos found by walk() count too. */
	if (bad == 0 && d->n_errors > errors_before)
		bad = d->n_errors - errors_before;
	if (n_files != NULL)
		*n_files = listed.n;
	r = bad > 0 ? ASY_E_MISMATCH : 0;
out:
	free(mpath);
	flist_free(&files);
	flist_free(&listed);
	asy_buf_release(&m);
	return r;
}
