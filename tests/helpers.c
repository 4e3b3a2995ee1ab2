/*
 * Fixtures shared by the tests (helpers.h).
 */
#include "helpers.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char tab_yaml[] =
	"format: 1\n"
	"id: tab\n"
	"name: Table test\n"
	"version: '1'\n"
	"responses: [{value: 1, label: Never}, {value: 2, label: Rarely}, {value: 3, label: Sometimes},"
	" {value: 4, label: Often}, {value: 5, label: Very often}]\n"
	"missing_codes: [{value: -99, label: Declined}]\n"
	"items:\n"
	"  - {id: t_1, label: one}\n"
	"  - {id: t_2, label: two}\n"
	"  - {id: t_3, label: three}\n"
	"  - {id: t_4, label: filler, scored: false}\n"
	"scales:\n"
	"  - {id: total, label: T, items: [t_1, t_2, t_3], method: prorated_sum, min_answered: 2}\n";
const size_t tab_yaml_len = sizeof(tab_yaml) - 1;

static int setup(void **state, int with_dir)
{
	struct table_fx *fx = calloc(1, sizeof(*fx));
	if (!fx)
		return -1;
	*state = fx;
	if (lm_instrument_load_buffer(&fx->inst, tab_yaml, tab_yaml_len, "tab.yaml", NULL) != LM_OK)
		return -1;
	if (lm_scorer_new(&fx->s, fx->inst) != LM_OK || lm_table_new(&fx->t, fx->inst) != LM_OK ||
	    lm_error_new(&fx->err) != LM_OK)
		return -1;
	if (with_dir && temp_dir_make(fx->dir, sizeof(fx->dir), "lm_test") != 0)
		return -1;
	return 0;
}

int table_fx_setup(void **state)
{
	return setup(state, 0);
}

int table_fx_setup_with_dir(void **state)
{
	return setup(state, 1);
}

int table_fx_teardown(void **state)
{
	struct table_fx *fx = *state;
	lm_table_free(fx->t);
	lm_scorer_free(fx->s);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	int r = fx->dir[0] ? temp_dir_remove(fx->dir) : 0;
	free(fx);
	return r;
}

int temp_dir_make(char *dir, size_t size, const char *prefix)
{
	int n = snprintf(dir, size, "/tmp/%s_XXXXXX", prefix);
	if (n < 0 || (size_t)n >= size || !mkdtemp(dir)) {
		if (size)
			dir[0] = '\0';
		return -1;
	}
	return 0;
}

int temp_dir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	closedir(d);
	return rmdir(dir);
}

void str_add(struct str *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void str_printf(struct str *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		abort();
	str_add(b, tmp, (size_t)n);
}
