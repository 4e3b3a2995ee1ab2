/*
 * Tests of the definitions' search path (lm_instrument_find(), lm_catalog_*):
 * temporary directories named by LIBRA_MEASURES_PATH and XDG_DATA_HOME, the
 * order they are searched in, a definition that shadows a built-in, a file
 * whose id is not its name, and what lm_instrument_load() makes of an id.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

struct fx {
	char root[64];
	char a[128], b[128], xdg[128], user[192];
	lm_error *err;
};

static void mkdir_p(const char *path)
{
	char tmp[256];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0700);
			*p = '/';
		}
	mkdir(tmp, 0700);
}

/* A small valid definition of @p id, in @p dir as @p file, with @p name. */
static void write_def(const char *dir, const char *file, const char *id, const char *name)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f,
		"format: 1\nid: %s\nname: %s\nversion: \"1\"\n"
		"responses: [{value: 0, label: No}, {value: 1, label: Yes}]\n"
		"items:\n  - {id: q1, label: one}\n  - {id: q2, label: two}\n"
		"scales:\n  - {id: total, label: Total, items: [q1, q2], method: sum, min_answered: 2}\n",
		id, name);
	fclose(f);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	if (!fx || lm_error_new(&fx->err) != LM_OK)
		return -1;
	snprintf(fx->root, sizeof(fx->root), "/tmp/lm_test_search_XXXXXX");
	if (!mkdtemp(fx->root))
		return -1;
	snprintf(fx->a, sizeof(fx->a), "%s/a", fx->root);
	snprintf(fx->b, sizeof(fx->b), "%s/b", fx->root);
	snprintf(fx->xdg, sizeof(fx->xdg), "%s/xdg", fx->root);
	snprintf(fx->user, sizeof(fx->user), "%s/libra_measures/instruments", fx->xdg);
	mkdir_p(fx->a);
	mkdir_p(fx->b);
	mkdir_p(fx->user);
	char path[1024];
	snprintf(path, sizeof(path), "%s::%s/none:%s", fx->a, fx->root, fx->b); /* an empty and a missing entry */
	setenv("LIBRA_MEASURES_PATH", path, 1);
	setenv("XDG_DATA_HOME", fx->xdg, 1);
	*state = fx;
	return 0;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		remove_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	unsetenv("LIBRA_MEASURES_PATH");
	unsetenv("XDG_DATA_HOME");
	remove_tree(fx->root);
	lm_error_free(fx->err);
	free(fx);
	return 0;
}

static int said(const lm_error *err, const char *text)
{
	for (size_t i = 0; i < lm_error_count(err); i++)
		if (strstr(lm_error_text(err, i), text))
			return 1;
	return 0;
}

/* The first directory that has ID.yaml wins: PATH entries in order, then XDG. */
static void test_order(void **state)
{
	struct fx *fx = *state;
	write_def(fx->b, "cdr.yaml", "cdr", "from b");
	write_def(fx->user, "cdr.yaml", "cdr", "from xdg");
	write_def(fx->user, "mine.yml", "mine", "only in xdg");
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_find(&inst, "cdr", fx->err), LM_OK);
	assert_string_equal(lm_instrument_name(inst), "from b");
	char want[1024];
	snprintf(want, sizeof(want), "%s/cdr.yaml", fx->b);
	assert_string_equal(lm_instrument_source(inst), want);
	lm_instrument_free(inst);

	write_def(fx->a, "cdr.yaml", "cdr", "from a");
	assert_int_equal(lm_instrument_find(&inst, "cdr", fx->err), LM_OK);
	assert_string_equal(lm_instrument_name(inst), "from a");
	lm_instrument_free(inst);

	assert_int_equal(lm_instrument_find(&inst, "mine", fx->err), LM_OK);
	assert_string_equal(lm_instrument_name(inst), "only in xdg");
	lm_instrument_free(inst);

	/* lm_instrument_load() takes an id on the path as well. */
	assert_int_equal(lm_instrument_load(&inst, "mine", fx->err), LM_OK);
	assert_string_equal(lm_instrument_id(inst), "mine");
	lm_instrument_free(inst);

	/* Without XDG_DATA_HOME, $HOME/.local/share is searched. */
	unsetenv("XDG_DATA_HOME");
	char home[200];
	snprintf(home, sizeof(home), "%s/home", fx->root);
	char dir[1024];
	snprintf(dir, sizeof(dir), "%s/.local/share/libra_measures/instruments", home);
	mkdir_p(dir);
	write_def(dir, "homed.yaml", "homed", "in home");
	const char *old_home = getenv("HOME");
	char *saved = old_home ? strdup(old_home) : NULL;
	setenv("HOME", home, 1);
	assert_int_equal(lm_instrument_find(&inst, "homed", fx->err), LM_OK);
	lm_instrument_free(inst);
	assert_int_equal(lm_instrument_find(&inst, "mine", fx->err), LM_ENOTFOUND);
	if (saved)
		setenv("HOME", saved, 1);
	else
		unsetenv("HOME");
	free(saved);
	assert_int_equal(lm_error_total(fx->err), 1);
}

static void test_not_found(void **state)
{
	struct fx *fx = *state;
	lm_instrument *inst = (lm_instrument *)1;
	assert_int_equal(lm_instrument_find(&inst, "nowhere", fx->err), LM_ENOTFOUND);
	assert_null(inst);
	char want[1024];
	snprintf(want, sizeof(want), "no instrument 'nowhere': it is not built in, and no directory of the "
				     "definitions' search path has nowhere.yaml (searched: %s, %s/none, %s, %s, %s)",
		 fx->a, fx->root, fx->b, fx->user, lm_instruments_dir());
	assert_string_equal(lm_error_text(fx->err, 0), want);
	assert_int_equal(lm_instrument_find(NULL, "x", NULL), LM_EINVAL);
	assert_int_equal(lm_instrument_find(&inst, NULL, NULL), LM_EINVAL);
	/* Not a file name: never looked for in a directory. */
	assert_int_equal(lm_instrument_find(&inst, "../a/x", NULL), LM_ENOTFOUND);
}

/* A definition with a built-in's id is an error naming the file and the built-in. */
static void test_shadow(void **state)
{
	struct fx *fx = *state;
	write_def(fx->user, "stss.yaml", "stss", "not the real one");
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_find(&inst, "stss", fx->err), LM_EDEFINITION);
	assert_null(inst);
	char want[1024];
	snprintf(want, sizeof(want),
		 "%s/stss.yaml: defines instrument 'stss' (found through XDG_DATA_HOME), but 'stss' is built into "
		 "the library: a definition cannot shadow a built-in one; give it another id and file name",
		 fx->user);
	assert_string_equal(lm_error_text(fx->err, 0), want);
	lm_error_clear(fx->err);
	assert_int_equal(lm_instrument_load(&inst, "stss", fx->err), LM_EDEFINITION);
	assert_true(said(fx->err, "is built into the library"));
	/* A path is a path: no search. */
	char path[1024];
	snprintf(path, sizeof(path), "%s/stss.yaml", fx->user);
	assert_int_equal(lm_instrument_load(&inst, path, NULL), LM_OK);
	lm_instrument_free(inst);
}

/* The id inside must be the file's name. */
static void test_wrong_id(void **state)
{
	struct fx *fx = *state;
	write_def(fx->a, "cdr.yaml", "other", "misnamed");
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_find(&inst, "cdr", fx->err), LM_EDEFINITION);
	assert_null(inst);
	assert_true(said(fx->err, "cdr.yaml: its id is 'other', but the file name says 'cdr'"));
}

static void test_catalog(void **state)
{
	struct fx *fx = *state;
	write_def(fx->a, "zeta.yaml", "zeta", "Z");
	write_def(fx->a, "alpha.yml", "alpha", "A");
	write_def(fx->b, "alpha.yaml", "alpha", "A again"); /* shadowed by a's: left out, no error */
	write_def(fx->b, "stss.yaml", "stss", "shadow");   /* an error, left out */
	write_def(fx->user, "beta.yaml", "beta", "B");
	write_def(fx->user, "README.txt", "x", "not a definition");
	lm_catalog *c = NULL;
	assert_int_equal(lm_catalog_new(&c, fx->err), LM_OK);
	assert_int_equal(lm_error_total(fx->err), 1);
	assert_true(said(fx->err, "stss.yaml: defines instrument 'stss' (found through LIBRA_MEASURES_PATH)"));
	size_t nb = lm_builtin_count();
	assert_int_equal(lm_catalog_count(c), nb + 3);
	for (size_t i = 0; i < nb; i++) {
		assert_string_equal(lm_instrument_id(lm_catalog_instrument(c, i)), lm_builtin_id(i));
		assert_string_equal(lm_catalog_origin(c, i), "built-in");
	}
	static const char *const ids[] = {"alpha", "zeta", "beta"};
	static const char *const origins[] = {"LIBRA_MEASURES_PATH", "LIBRA_MEASURES_PATH", "XDG_DATA_HOME"};
	for (size_t k = 0; k < 3; k++) {
		assert_string_equal(lm_instrument_id(lm_catalog_instrument(c, nb + k)), ids[k]);
		assert_string_equal(lm_catalog_origin(c, nb + k), origins[k]);
	}
	assert_string_equal(lm_instrument_name(lm_catalog_instrument(c, nb)), "A");
	assert_null(lm_catalog_instrument(c, nb + 3));
	assert_null(lm_catalog_origin(c, nb + 3));
	assert_null(lm_catalog_origin(NULL, 0));
	assert_int_equal(lm_catalog_count(NULL), 0);
	/* An instrument taken with its own reference outlives the catalog. */
	lm_instrument *kept = NULL;
	assert_int_equal(lm_instrument_find(&kept, "zeta", NULL), LM_OK);
	lm_catalog_free(c);
	lm_catalog_free(NULL);
	assert_string_equal(lm_instrument_name(kept), "Z");
	lm_instrument_free(kept);
	assert_int_equal(lm_catalog_new(NULL, NULL), LM_EINVAL);
}

/* With nothing on the path, the catalog is the built-ins and a built-in is found. */
static void test_builtins_only(void **state)
{
	struct fx *fx = *state;
	setenv("LIBRA_MEASURES_PATH", "", 1);
	lm_catalog *c = NULL;
	assert_int_equal(lm_catalog_new(&c, fx->err), LM_OK);
	assert_int_equal(lm_catalog_count(c), lm_builtin_count());
	lm_catalog_free(c);
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_find(&inst, "stss", fx->err), LM_OK);
	assert_string_equal(lm_instrument_source(inst), "builtin:stss");
	lm_instrument_free(inst);
	assert_int_equal(lm_error_total(fx->err), 0);
	assert_non_null(strstr(lm_instruments_dir(), "libra_measures/instruments"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shadow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_catalog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_builtins_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
