/*
 * Fixtures shared by the tests: the small test instrument "tab", a fixture
 * holding it with a scorer, a table and an error list (and, where a test
 * writes files, a temporary directory), and a growing string for
 * transcripts. tests/helpers.c; linked into the tests that use them and the
 * table fuzz target, so it does not use cmocka.
 */
#ifndef LM_TEST_HELPERS_H
#define LM_TEST_HELPERS_H

#include <stddef.h>

#include "libra_measures/libra_measures.h"

/* The test instrument "tab": items t_1..t_3 answered 1..5 (-99 declined),
 * t_4 a filler; the scale "total" a prorated sum of t_1..t_3 that needs 2
 * answers. tab_yaml_len excludes the terminating NUL. */
extern const char tab_yaml[];
extern const size_t tab_yaml_len;

/* The "tab" instrument (loaded as "tab.yaml"), its scorer, a table of it and
 * an error list. */
struct table_fx {
	lm_instrument *inst;
	lm_scorer *s;
	lm_table *t;
	lm_error *err;
	char dir[64];   /* table_fx_setup_with_dir(): a temporary directory; else "" */
	char path[128]; /* scratch room for a path in dir */
};

/* cmocka setup and teardown functions: *state is a struct table_fx. The
 * teardown removes the directory and the files in it, and fails if it
 * cannot. */
int table_fx_setup(void **state);
int table_fx_setup_with_dir(void **state);
int table_fx_teardown(void **state);

/* A new directory /tmp/PREFIX_XXXXXX, its path in dir[size]. 0, or -1. */
int temp_dir_make(char *dir, size_t size, const char *prefix);
/* The files in @p dir, then the directory. 0, or -1 when one is left. */
int temp_dir_remove(const char *dir);

/* A growing string; s is NUL-terminated once anything was added. Aborts
 * when out of memory. */
struct str {
	char *s;
	size_t len, cap;
};

void str_add(struct str *b, const char *s, size_t n);
#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 2, 3)))
#endif
void str_printf(struct str *b, const char *fmt, ...);

#endif
