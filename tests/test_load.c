/*
 * Tests of definition loading and the model accessors.
 *
 * Data-driven: every folder under tests/data/definitions/valid/ holds a
 * definition.yaml that must load, with exactly the warnings listed in its
 * `expected` (none without that file); every folder under .../invalid/ holds one
 * that must fail with the status named in `status` and exactly the
 * diagnostics listed in `expected`, one per line. Adding a case is adding a
 * folder. LM_UPDATE_EXPECTED=1 rewrites the expected files from the output
 * (review the diff before committing it).
 */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	size_t got = fread(buf, 1, (size_t)n, f);
	fclose(f);
	buf[got] = '\0';
	if (len)
		*len = got;
	return buf;
}

static const char *status_name(int code)
{
	switch (code) {
	case LM_ESYNTAX: return "LM_ESYNTAX";
	case LM_EDEFINITION: return "LM_EDEFINITION";
	case LM_ELIMIT: return "LM_ELIMIT";
	case LM_OK: return "LM_OK";
	default: return "other";
	}
}

/* Loads one case folder and compares; returns NULL when it matches, else why
 * not (in why[]). Does not assert, so the caller can go on to the next case
 * and name every one that fails. */
static const char *check_case(const char *dir, char *why, size_t why_size)
{
	char path[8192];
	snprintf(path, sizeof(path), "%s/definition.yaml", dir);
	size_t len;
	char *yaml = slurp(path, &len);
	if (!yaml) {
		snprintf(why, why_size, "cannot read its definition.yaml");
		return why;
	}
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	lm_instrument *inst = (lm_instrument *)&inst; /* must be reset to NULL on failure */
	/* Named by the bare file name, so expected texts do not depend on where the tree is. */
	int rc = lm_instrument_load_buffer(&inst, yaml, len, "definition.yaml", err);
	int valid = strstr(dir, "/valid/") != NULL;
	const char *result = NULL;

	if (valid) {
		char exp_path[8192], got[1 << 14] = "";
		size_t used = 0;
		for (size_t i = 0; i < lm_error_count(err) && used < sizeof(got); i++)
			used += (size_t)snprintf(got + used, sizeof(got) - used, "%s\n", lm_error_text(err, i));
		snprintf(exp_path, sizeof(exp_path), "%s/expected", dir);
		char *expected = slurp(exp_path, NULL);
		if (rc != LM_OK || !inst) {
			print_error("%s", got);
			snprintf(why, why_size, "did not load: %s, %zu diagnostics", status_name(rc),
				 lm_error_total(err));
			result = why;
		} else if (strcmp(got, expected ? expected : "") != 0) {
			print_error("got:\n%sexpected:\n%s", got, expected ? expected : "");
			snprintf(why, why_size, "warnings differ from expected");
			result = why;
		} else {
			for (size_t i = 0; i < lm_error_count(err); i++)
				if (lm_error_code(err, i) != LM_OK) {
					snprintf(why, why_size, "loaded with a diagnostic that is not a warning");
					result = why;
				}
		}
		free(expected);
	} else if (inst) {
		snprintf(why, why_size, "loaded, but must fail");
		result = why;
		inst = NULL; /* not reset, so not an instrument to free */
	} else {
		/* Gather the diagnostics as text, one per line. */
		size_t cap = 1 << 16, used = 0;
		char *got = calloc(cap, 1);
		assert_non_null(got);
		for (size_t i = 0; i < lm_error_count(err); i++)
			used += (size_t)snprintf(got + used, cap - used, "%s\n", lm_error_text(err, i));
		char exp_path[8192], status_path[8192];
		snprintf(exp_path, sizeof(exp_path), "%s/expected", dir);
		snprintf(status_path, sizeof(status_path), "%s/status", dir);
		if (getenv("LM_UPDATE_EXPECTED")) {
			FILE *f = fopen(exp_path, "w");
			fputs(got, f);
			fclose(f);
			f = fopen(status_path, "w");
			fprintf(f, "%s\n", status_name(rc));
			fclose(f);
		}
		char *expected = slurp(exp_path, NULL), *status = slurp(status_path, NULL);
		if (status)
			status[strcspn(status, "\n")] = '\0';
		if (!expected || !status) {
			snprintf(why, why_size, "no expected or status file");
			result = why;
		} else if (strcmp(status_name(rc), status) != 0) {
			snprintf(why, why_size, "status %s, expected %s", status_name(rc), status);
			result = why;
		} else if (lm_error_count(err) == 0) {
			snprintf(why, why_size, "failed without a diagnostic");
			result = why;
		} else if (strcmp(got, expected) != 0) {
			print_error("got:\n%sexpected:\n%s", got, expected);
			snprintf(why, why_size, "diagnostics differ from expected");
			result = why;
		}
		free(expected);
		free(status);
		free(got);
	}
	lm_instrument_free(inst);
	lm_error_free(err);
	free(yaml);
	return result;
}

/* ---- the worked example of doc/FORMAT.md, through the accessors ---------- */

static lm_instrument *worked_example(void)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/definitions/valid/worked_example/definition.yaml", getenv("LM_TEST_DATA"));
	lm_instrument *inst = NULL;
	assert_int_equal(lm_instrument_load_file(&inst, path, NULL), LM_OK);
	assert_string_equal(lm_instrument_source(inst), path);
	return inst;
}

static void test_model_metadata(void **state)
{
	(void)state;
	lm_instrument *inst = worked_example();
	assert_string_equal(lm_instrument_id(inst), "wellbeing");
	assert_string_equal(lm_instrument_name(inst), "Example Well-being Scale");
	assert_string_equal(lm_instrument_version(inst), "1.0.0");
	assert_string_equal(lm_instrument_period(inst), "in the past 7 days");
	assert_string_equal(lm_instrument_terms(inst), "Free for research with citation.");
	assert_non_null(strstr(lm_instrument_citation(inst), "Doe"));
	assert_int_equal(lm_instrument_note_count(inst), 1);
	assert_non_null(strstr(lm_instrument_note(inst, 0), "Unverified"));
	assert_null(lm_instrument_note(inst, 1));
	assert_int_equal(lm_instrument_missing_code_count(inst), 2);
	assert_true(lm_instrument_missing_code_value(inst, 0) == -99);
	assert_string_equal(lm_instrument_missing_code_label(inst, 1), "Don't know");
	assert_true(isnan(lm_instrument_missing_code_value(inst, 2)));
	lm_instrument_free(inst);
}

static void test_model_items(void **state)
{
	(void)state;
	lm_instrument *inst = worked_example();
	assert_int_equal(lm_instrument_item_count(inst), 4);
	const lm_item *wb2 = lm_instrument_item(inst, 1), *wb3 = lm_instrument_item(inst, 2),
		      *wb4 = lm_instrument_item(inst, 3);
	assert_string_equal(lm_item_id(wb2), "wb_2");
	assert_int_equal(lm_item_reversed(wb2), 1);
	assert_int_equal(lm_item_reversed(wb3), 0);
	assert_int_equal(lm_item_scored(wb4), 0);
	assert_null(lm_item_text(wb2));
	assert_string_equal(lm_item_response_label(wb2, 0), "Never");
	assert_string_equal(lm_item_response_label(wb3, 2), "Agree");
	assert_true(lm_item_response_value(wb3, 2) == 3);
	assert_true(isnan(lm_item_response_value(wb3, 3)));
	assert_null(lm_instrument_item(inst, 4));
	size_t idx = 99;
	assert_int_equal(lm_instrument_find_item(inst, "wb_3", &idx), LM_OK);
	assert_int_equal(idx, 2);
	assert_int_equal(lm_instrument_find_item(inst, "wb_9", &idx), LM_ENOTFOUND);
	lm_instrument_free(inst);
}

static void test_model_scales_and_rules(void **state)
{
	(void)state;
	lm_instrument *inst = worked_example();
	assert_int_equal(lm_instrument_scale_count(inst), 1);
	const lm_scale *s = lm_instrument_scale(inst, 0);
	assert_string_equal(lm_scale_id(s), "total");
	assert_int_equal(lm_scale_method(s), LM_METHOD_SUM);
	assert_int_equal(lm_scale_direction(s), LM_DIRECTION_HIGHER_IS_BETTER);
	assert_int_equal(lm_scale_item_count(s), 3);
	assert_int_equal(lm_scale_item(s, 2), 2);
	assert_int_equal(lm_scale_item(s, 3), (size_t)-1);
	assert_int_equal(lm_scale_min_answered(s), 3);
	assert_true(lm_scale_min(s) == 3 && lm_scale_max(s) == 9);
	assert_true(lm_scale_norm(s, LM_NORM_MEAN) == 6.1);
	assert_true(lm_scale_norm(s, LM_NORM_SD) == 1.4);
	assert_true(lm_scale_norm(s, LM_NORM_RELIABILITY) == 0.81);
	assert_true(lm_scale_norm(s, LM_NORM_N) == 250);
	assert_true(isnan(lm_scale_norm(s, 7)));
	assert_non_null(strstr(lm_scale_norm_source(s), "table 2"));
	assert_int_equal(lm_scale_note_count(s), 1);
	assert_int_equal(lm_scale_band_count(s), 2);
	assert_string_equal(lm_band_id(lm_scale_band(s, 1)), "high");
	assert_true(lm_band_min(lm_scale_band(s, 1)) == 6 && lm_band_max(lm_scale_band(s, 1)) == 9);
	assert_int_equal(lm_instrument_rule_count(inst), 1);
	const lm_rule *r = lm_instrument_rule(inst, 0);
	assert_string_equal(lm_rule_id(r), "flagged");
	assert_int_equal(lm_rule_combine(r), LM_COMBINE_ALL);
	assert_int_equal(lm_rule_condition_count(r), 1);
	assert_int_equal(lm_rule_condition_scale(r, 0), 0);
	assert_true(lm_rule_condition_value(r, 0) == 3);
	assert_int_equal(lm_rule_condition_count_required(r, 0), 2);
	size_t idx = 9;
	assert_int_equal(lm_instrument_find_rule(inst, "flagged", &idx), LM_OK);
	assert_int_equal(idx, 0);
	assert_int_equal(lm_instrument_find_rule(inst, "nothing", NULL), LM_ENOTFOUND);
	assert_int_equal(lm_instrument_find_scale(inst, "total", &idx), LM_OK);
	assert_int_equal(lm_instrument_find_scale(inst, "none", &idx), LM_ENOTFOUND);
	lm_instrument_free(inst);
}

static void test_min_answered_share(void **state)
{
	(void)state;
	/* 80 % of 17 items is 13.6, rounded up to 14; 80 % of 10 is exactly 8. */
	char yaml[4096];
	int n = snprintf(yaml, sizeof(yaml),
			 "format: 1\nid: t\nname: T\nversion: '1'\nresponses: [{value: 1, label: a}, {value: 2, label: b}]\n"
			 "items:\n");
	for (int i = 1; i <= 17; i++)
		n += snprintf(yaml + n, sizeof(yaml) - (size_t)n, "  - {id: t_%d, label: x}\n", i);
	n += snprintf(yaml + n, sizeof(yaml) - (size_t)n,
		      "scales:\n  - {id: a, label: A, method: prorated_sum, min_answered: 80%%, items: [t_1");
	for (int i = 2; i <= 17; i++)
		n += snprintf(yaml + n, sizeof(yaml) - (size_t)n, ", t_%d", i);
	n += snprintf(yaml + n, sizeof(yaml) - (size_t)n,
		      "]}\n  - {id: b, label: B, method: mean, min_answered: 80%%, items: [t_1, t_2, t_3, t_4, t_5, t_6, "
		      "t_7, t_8, t_9, t_10]}\n");
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, (size_t)n, "share", NULL), LM_OK);
	assert_int_equal(lm_scale_min_answered(lm_instrument_scale(inst, 0)), 14);
	assert_int_equal(lm_scale_min_answered(lm_instrument_scale(inst, 1)), 8);
	lm_instrument_free(inst);
}

static void test_builtins(void **state)
{
	(void)state;
	static const char *const expected[] = {"brs", "cbi", "gse", "lotr", "proqol5", "stss", "turnover"};
	assert_int_equal(lm_builtin_count(), 7);
	for (size_t i = 0; i < 7; i++) {
		assert_string_equal(lm_builtin_id(i), expected[i]);
		assert_non_null(strstr(lm_builtin_yaml(i), "format: 1"));
		lm_instrument *inst;
		assert_int_equal(lm_instrument_load_builtin(&inst, expected[i], NULL), LM_OK);
		/* The file name and the id inside agree. */
		assert_string_equal(lm_instrument_id(inst), expected[i]);
		char source[64];
		snprintf(source, sizeof(source), "builtin:%s", expected[i]);
		assert_string_equal(lm_instrument_source(inst), source);
		lm_instrument_free(inst);
	}
	assert_null(lm_builtin_id(7));
	assert_null(lm_builtin_yaml(7));
}

static void test_load_errors(void **state)
{
	(void)state;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	lm_instrument *inst = (lm_instrument *)&inst;

	assert_int_equal(lm_instrument_load_builtin(&inst, "mbi", err), LM_ENOTFOUND);
	assert_null(inst);
	assert_string_equal(lm_error_text(err, 0), "no built-in instrument 'mbi'");
	lm_error_clear(err);

	assert_int_equal(lm_instrument_load(&inst, "stss", NULL), LM_OK);
	assert_string_equal(lm_instrument_id(inst), "stss");
	lm_instrument_free(inst);
	assert_int_equal(lm_instrument_load(&inst, "nosuch", err), LM_ENOTFOUND);
	assert_non_null(strstr(lm_error_message(err, 0), "libra list"));
	lm_error_clear(err);

	assert_int_equal(lm_instrument_load_file(&inst, "/nonexistent/x.yaml", err), LM_EIO);
	assert_string_equal(lm_error_file(err, 0), "/nonexistent/x.yaml");
	assert_non_null(strstr(lm_error_message(err, 0), "cannot open"));
	lm_error_clear(err);

	assert_int_equal(lm_instrument_load_buffer(&inst, "", 0, "empty.yaml", err), LM_EDEFINITION);
	assert_string_equal(lm_error_text(err, 0), "empty.yaml:1:1: the definition is empty");
	lm_error_clear(err);

	const char *two = "format: 1\n---\nformat: 1\n";
	assert_int_equal(lm_instrument_load_buffer(&inst, two, strlen(two), "two.yaml", err), LM_EDEFINITION);
	assert_non_null(strstr(lm_error_text(err, 0), "two.yaml:2:1: a definition file holds one YAML document"));
	lm_error_clear(err);

	/* Over the size limit: refused before parsing. */
	size_t big = (1u << 20) + 1;
	char *huge = malloc(big);
	assert_non_null(huge);
	memset(huge, '#', big);
	assert_int_equal(lm_instrument_load_buffer(&inst, huge, big, "huge.yaml", err), LM_ELIMIT);
	free(huge);
	lm_error_clear(err);

	/* More values than the limit (100,000), in lists short enough each:
	 * refused while libyaml reads events, before it builds a tree. */
	size_t cap = 64 + 101 * 1000 * 8;
	char *many = malloc(cap);
	assert_non_null(many);
	size_t used = (size_t)sprintf(many, "notes:\n");
	for (int list = 0; list < 101; list++) {
		used += (size_t)sprintf(many + used, "- [");
		for (int k = 0; k < 990; k++)
			used += (size_t)sprintf(many + used, "%sa", k ? "," : "");
		used += (size_t)sprintf(many + used, "]\n");
	}
	assert_true(used < cap);
	assert_int_equal(lm_instrument_load_buffer(&inst, many, used, "many.yaml", err), LM_ELIMIT);
	assert_int_equal(lm_error_count(err), 1);
	assert_non_null(strstr(lm_error_text(err, 0), "more values (texts, lists, mappings) than the limit of 100000"));
	free(many);
	lm_error_clear(err);

	assert_int_equal(lm_instrument_load_buffer(NULL, "", 0, NULL, err), LM_EINVAL);
	assert_int_equal(lm_instrument_load_file(&inst, NULL, NULL), LM_EINVAL);
	lm_error_free(err);
}

static void test_free_accepts_null(void **state)
{
	(void)state;
	lm_instrument_free(NULL);
	assert_null(lm_instrument_id(NULL));
	assert_int_equal(lm_instrument_item_count(NULL), 0);
	assert_null(lm_instrument_item(NULL, 0));
	assert_null(lm_item_id(NULL));
	assert_null(lm_scale_id(NULL));
	assert_int_equal(lm_instrument_find_item(NULL, "x", NULL), LM_EINVAL);
}

/* ---- the cases from tests/data --------------------------------------------- */

/* Every folder under definitions/KIND, in name order, with no cap on their
 * number: each one is checked and every failing one named (as a "# " line of
 * TAP) before the test fails. */
static void run_cases(const char *kind)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/definitions/%s", getenv("LM_TEST_DATA"), kind);
	struct dirent **names;
	int count = scandir(dir, &names, NULL, alphasort);
	assert_true(count > 2);
	size_t run = 0, failed = 0;
	for (int i = 0; i < count; i++) {
		if (names[i]->d_name[0] != '.') {
			char path[4096 + 256], why[256];
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			const char *problem = check_case(path, why, sizeof(why));
			run++;
			if (problem) {
				print_message("# %s/%s: %s\n", kind, names[i]->d_name, problem);
				failed++;
			}
		}
		free(names[i]);
	}
	free(names);
	print_message("# %zu %s cases, %zu failed\n", run, kind, failed);
	if (failed)
		fail_msg("%zu of the %zu %s cases failed (named above)", failed, run, kind);
}

static void test_valid_cases(void **state)
{
	(void)state;
	run_cases("valid");
}

static void test_invalid_cases(void **state)
{
	(void)state;
	run_cases("invalid");
}

int main(void)
{
	if (!getenv("LM_TEST_DATA")) {
		fprintf(stderr, "LM_TEST_DATA must name tests/data (meson test sets it)\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_metadata),
		cmocka_unit_test(test_model_items),
		cmocka_unit_test(test_model_scales_and_rules),
		cmocka_unit_test(test_min_answered_share),
		cmocka_unit_test(test_builtins),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_free_accepts_null),
		cmocka_unit_test(test_valid_cases),
		cmocka_unit_test(test_invalid_cases),
	};
	return cmocka_run_group_tests_name("load", tests, NULL, NULL);
}
