/*
 * libra_measures — where definitions are found by id: the built-ins, then
 * the directories of $LIBRA_MEASURES_PATH, $XDG_DATA_HOME/libra_measures/
 * instruments (default ~/.local/share/...) and the installed data directory,
 * each holding ID.yaml (or ID.yml). A definition may not take a built-in's id.
 * Also what a command line's INSTRUMENT argument names (lm_instrument_load()).
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "strbuf.h"

#ifndef LM_INSTRUMENTS_DIR
#define LM_INSTRUMENTS_DIR "/usr/local/share/libra_measures/instruments"
#endif

enum origin { FROM_BUILTIN = 0, FROM_PATH, FROM_USER, FROM_INSTALLED };

static const char *const origin_names[] = {"built-in", "LIBRA_MEASURES_PATH", "XDG_DATA_HOME", "installed"};

struct dir {
	char *path;
	int origin;
};

/* A formatted string (malloc'd), or NULL when out of memory. */
static char *format(const char *fmt, ...) LM_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n < 0 ? NULL : malloc((size_t)n + 1);
	if (s) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

static void free_dirs(struct dir *d, size_t n)
{
	for (size_t k = 0; k < n; k++)
		free(d[k].path);
	free(d);
}

static int add_dir(struct dir **d, size_t *n, const char *path, size_t len, int origin)
{
	if (!len)
		return LM_OK; /* an empty entry of the path names no directory */
	struct dir *v = realloc(*d, (*n + 1) * sizeof(*v));
	if (!v)
		return LM_ENOMEM;
	*d = v;
	if (!(v[*n].path = lm__strndup(path, len)))
		return LM_ENOMEM;
	v[(*n)++].origin = origin;
	return LM_OK;
}

/* The directories searched, in order, as the environment says now. */
static int search_dirs(struct dir **out, size_t *n)
{
	struct dir *d = NULL;
	*n = 0;
	int r = LM_OK;
	const char *path = getenv("LIBRA_MEASURES_PATH");
	for (const char *p = path; r == LM_OK && p && *p;) {
		size_t len = strcspn(p, ":");
		r = add_dir(&d, n, p, len, FROM_PATH);
		p += len + (p[len] == ':');
	}
	/* XDG Base Directory: a relative $XDG_DATA_HOME is invalid and ignored. */
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char *user = NULL;
	if (xdg && xdg[0] == '/')
		user = format("%s/libra_measures/instruments", xdg);
	else if (home && home[0] == '/')
		user = format("%s/.local/share/libra_measures/instruments", home);
	if (r == LM_OK && user)
		r = add_dir(&d, n, user, strlen(user), FROM_USER);
	free(user);
	if (r == LM_OK)
		r = add_dir(&d, n, LM_INSTRUMENTS_DIR, strlen(LM_INSTRUMENTS_DIR), FROM_INSTALLED);
	if (r != LM_OK) {
		free_dirs(d, *n);
		return r;
	}
	*out = d;
	return LM_OK;
}

static const struct lm__builtin *builtin_of(const char *id)
{
	for (size_t i = 0; i < lm__n_builtins; i++)
		if (strcmp(lm__builtins[i].id, id) == 0)
			return &lm__builtins[i];
	return NULL;
}

static int is_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Whether the file at @p path holds exactly @p b's text: the installed copy of a built-in. */
static int same_as_builtin(const char *path, const struct lm__builtin *b)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	char *buf = malloc(b->len + 1);
	size_t n = buf ? fread(buf, 1, b->len + 1, f) : 0;
	fclose(f);
	int same = buf && n == b->len && memcmp(buf, b->yaml, b->len) == 0;
	free(buf);
	return same;
}

/* A definition at @p path would take built-in @p b's id: LM_EDEFINITION, naming both. */
static int shadows(const char *path, const struct lm__builtin *b, int origin, lm_error *err)
{
	if (origin == FROM_INSTALLED && same_as_builtin(path, b))
		return LM_OK;
	return lm__error(err, LM_EDEFINITION, path, 0, 0,
			 "defines instrument '%s' (found through %s), but '%s' is built into the library: a "
			 "definition cannot shadow a built-in one; give it another id and file name",
			 b->id, origin_names[origin], b->id);
}

/* Load the definition of @p id at @p path; its id must be the one its file name says. */
static int load_as(lm_instrument **out, const char *path, const char *id, lm_error *err)
{
	int r = lm_instrument_load_file(out, path, err);
	if (r != LM_OK)
		return r;
	if (strcmp(lm_instrument_id(*out), id) != 0) {
		r = lm__error(err, LM_EDEFINITION, path, 0, 0,
			      "its id is '%s', but the file name says '%s': a definition found by id is ID.yaml",
			      lm_instrument_id(*out), id);
		lm_instrument_free(*out);
		*out = NULL;
	}
	return r;
}

/* ID.yaml or ID.yml in @p dir, if there is one (malloc'd), else NULL with *nomem 0. */
static char *file_in(const char *dir, const char *id, int *nomem)
{
	static const char *const exts[] = {".yaml", ".yml"};
	*nomem = 0;
	for (size_t k = 0; k < 2; k++) {
		char *p = format("%s/%s%s", dir, id, exts[k]);
		if (!p) {
			*nomem = 1;
			return NULL;
		}
		if (is_file(p))
			return p;
		free(p);
	}
	return NULL;
}

/* An id a file name can hold: not empty, no '/', not "." or "..". */
static int plain_id(const char *id)
{
	return *id && !strchr(id, '/') && strcmp(id, ".") != 0 && strcmp(id, "..") != 0;
}

int lm_instrument_find(lm_instrument **out, const char *id, lm_error *err)
{
	if (!out || !id)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_instrument_find");
	*out = NULL;
	const struct lm__builtin *b = builtin_of(id);
	struct dir *dirs = NULL;
	size_t n = 0;
	if (plain_id(id) && search_dirs(&dirs, &n) != LM_OK)
		return LM_ENOMEM;
	int r = LM_ENOTFOUND;
	for (size_t k = 0; k < n && r == LM_ENOTFOUND; k++) {
		int nomem;
		char *path = file_in(dirs[k].path, id, &nomem);
		if (nomem)
			r = LM_ENOMEM;
		else if (path && b)
			r = shadows(path, b, dirs[k].origin, err) == LM_OK ? LM_ENOTFOUND : LM_EDEFINITION;
		else if (path)
			r = load_as(out, path, id, err);
		free(path);
	}
	if (r == LM_ENOTFOUND && b)
		r = lm_instrument_load_builtin(out, id, err);
	if (r == LM_ENOTFOUND) {
		struct lm_strbuf where = LM_STRBUF_INIT;
		for (size_t k = 0; k < n; k++) {
			lm__sb_str(&where, k ? ", " : "");
			lm__sb_str(&where, dirs[k].path);
		}
		r = where.failed ? LM_ENOMEM
				 : lm__error(err, LM_ENOTFOUND, NULL, 0, 0,
					     "no instrument '%s': it is not built in, and no directory of the "
					     "definitions' search path has %s.yaml (searched: %s)",
					     id, id, where.s ? where.s : "nothing");
		lm__sb_free(&where);
	}
	free_dirs(dirs, n);
	return r;
}

/* A command line's INSTRUMENT argument. */
int lm_instrument_load(lm_instrument **out, const char *spec, lm_error *err)
{
	if (!out || !spec)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_instrument_load");
	for (size_t i = 0; i < lm__n_builtins; i++)
		if (!strcmp(lm__builtins[i].id, spec))
			return lm_instrument_find(out, spec, err); /* which refuses a definition shadowing it */
	if (strchr(spec, '/'))
		return lm_instrument_load_file(out, spec, err);
	/* An id on the search path; else a file of that name here. */
	lm_error *found = NULL;
	int r = lm_error_new(&found);
	if (r == LM_OK)
		r = lm_instrument_find(out, spec, found);
	struct stat st;
	if (r == LM_ENOTFOUND && stat(spec, &st) == 0)
		r = lm_instrument_load_file(out, spec, err);
	else
		lm__error_move(err, found);
	lm_error_free(found);
	return r;
}

/* ---- every definition on the search path ---------------------------------- */

struct entry {
	lm_instrument *inst;
	int origin;
};

struct lm_catalog {
	struct entry *v;
	size_t n;
};

static int add_entry(lm_catalog *c, lm_instrument *inst, int origin)
{
	struct entry *v = realloc(c->v, (c->n + 1) * sizeof(*v));
	if (!v) {
		lm_instrument_free(inst);
		return LM_ENOMEM;
	}
	c->v = v;
	v[c->n].inst = inst;
	v[c->n++].origin = origin;
	return LM_OK;
}

static int has_id(const lm_catalog *c, const char *id, size_t len)
{
	for (size_t k = 0; k < c->n; k++) {
		const char *e = lm_instrument_id(c->v[k].inst);
		if (strlen(e) == len && memcmp(e, id, len) == 0)
			return 1;
	}
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ID.yaml and ID.yml files of a directory, sorted; a missing directory has none. */
static int list_dir(const char *dir, char ***out, size_t *n)
{
	*out = NULL;
	*n = 0;
	DIR *d = opendir(dir);
	if (!d)
		return LM_OK;
	char **v = NULL;
	int r = LM_OK;
	for (struct dirent *e; r == LM_OK && (e = readdir(d)) != NULL;) {
		size_t len = strlen(e->d_name);
		int yaml = (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) ||
			   (len > 4 && strcmp(e->d_name + len - 4, ".yml") == 0);
		if (!yaml || e->d_name[0] == '.')
			continue;
		char **nv = realloc(v, (*n + 1) * sizeof(*nv));
		if (!nv || !(nv[*n] = lm__strdup(e->d_name))) {
			v = nv ? nv : v;
			r = LM_ENOMEM;
			break;
		}
		v = nv;
		(*n)++;
	}
	closedir(d);
	if (v)
		qsort(v, *n, sizeof(*v), by_name);
	*out = v;
	return r;
}

/* Add the definitions of one directory that no earlier place has. */
static int scan_dir(lm_catalog *c, const struct dir *dir, lm_error *err)
{
	char **names;
	size_t n;
	int r = list_dir(dir->path, &names, &n);
	for (size_t k = 0; r == LM_OK && k < n; k++) {
		size_t stem = strlen(names[k]) - (names[k][strlen(names[k]) - 4] == '.' ? 4 : 5);
		char *id = lm__strndup(names[k], stem);
		char *path = id ? format("%s/%s", dir->path, names[k]) : NULL;
		const struct lm__builtin *b = id ? builtin_of(id) : NULL;
		lm_instrument *inst = NULL;
		if (!path)
			r = LM_ENOMEM;
		else if (b)
			shadows(path, b, dir->origin, err); /* said; the built-in is listed */
		else if (!has_id(c, id, stem) && is_file(path) && load_as(&inst, path, id, err) == LM_OK)
			r = add_entry(c, inst, dir->origin);
		free(id);
		free(path);
	}
	for (size_t k = 0; k < n; k++)
		free(names[k]);
	free(names);
	return r;
}

int lm_catalog_new(lm_catalog **out, lm_error *err)
{
	if (!out)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_catalog_new");
	*out = NULL;
	lm_catalog *c = calloc(1, sizeof(*c));
	if (!c)
		return LM_ENOMEM;
	int r = LM_OK;
	for (size_t i = 0; r == LM_OK && i < lm__n_builtins; i++) {
		lm_instrument *inst;
		r = lm_instrument_load_builtin(&inst, lm__builtins[i].id, err);
		if (r == LM_OK)
			r = add_entry(c, inst, FROM_BUILTIN);
	}
	struct dir *dirs = NULL;
	size_t n = 0;
	if (r == LM_OK)
		r = search_dirs(&dirs, &n);
	for (size_t k = 0; r == LM_OK && k < n; k++)
		r = scan_dir(c, &dirs[k], err);
	free_dirs(dirs, n);
	if (r != LM_OK) {
		lm_catalog_free(c);
		return r;
	}
	*out = c;
	return LM_OK;
}

void lm_catalog_free(lm_catalog *catalog)
{
	if (!catalog)
		return;
	for (size_t k = 0; k < catalog->n; k++)
		lm_instrument_free(catalog->v[k].inst);
	free(catalog->v);
	free(catalog);
}

size_t lm_catalog_count(const lm_catalog *catalog)
{
	return catalog ? catalog->n : 0;
}

const lm_instrument *lm_catalog_instrument(const lm_catalog *catalog, size_t i)
{
	return catalog && i < catalog->n ? catalog->v[i].inst : NULL;
}

const char *lm_catalog_origin(const lm_catalog *catalog, size_t i)
{
	return catalog && i < catalog->n ? origin_names[catalog->v[i].origin] : NULL;
}

const char *lm_instruments_dir(void)
{
	return LM_INSTRUMENTS_DIR;
}
