/*
 * Tests of the diagnostics list: locations, formatting, capacity and codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(lm_strerror(LM_OK), "success");
	assert_string_equal(lm_strerror(LM_EDEFINITION), "invalid instrument definition");
	assert_string_equal(lm_strerror(LM_ELIMIT), "size limit exceeded");
	assert_string_equal(lm_strerror(12345), "unknown status code");
	/* The codes are ABI: pinned. */
	assert_int_equal(LM_ERROR, -1);
	assert_int_equal(LM_ENOMEM, -2);
	assert_int_equal(LM_EINVAL, -3);
	assert_int_equal(LM_EIO, -4);
	assert_int_equal(LM_ESYNTAX, -5);
	assert_int_equal(LM_EDEFINITION, -6);
	assert_int_equal(LM_ENOTFOUND, -7);
	assert_int_equal(LM_EDATA, -8);
	assert_int_equal(LM_ELIMIT, -9);
}

static void test_locations(void **state)
{
	(void)state;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	const char *bad = "format: 1\nid: x\nname: X\nversion: '1'\nbogus: 2\n";
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_buffer(&inst, bad, strlen(bad), "x.yaml", err), LM_EDEFINITION);
	assert_true(lm_error_count(err) >= 1);
	/* bogus is on line 5, column 1 */
	assert_string_equal(lm_error_file(err, 0), "x.yaml");
	assert_int_equal(lm_error_line(err, 0), 5);
	assert_int_equal(lm_error_column(err, 0), 1);
	assert_int_equal(lm_error_code(err, 0), LM_EDEFINITION);
	assert_non_null(strstr(lm_error_message(err, 0), "unknown key 'bogus'"));
	assert_memory_equal(lm_error_text(err, 0), "x.yaml:5:1: unknown key 'bogus'", 31);
	/* Out of range */
	assert_null(lm_error_text(err, 1000));
	assert_null(lm_error_file(err, 1000));
	assert_int_equal(lm_error_line(err, 1000), 0);
	assert_int_equal(lm_error_code(err, 1000), LM_EINVAL);
	lm_error_clear(err);
	assert_int_equal(lm_error_count(err), 0);
	assert_int_equal(lm_error_total(err), 0);
	lm_error_free(err);
}

static void test_no_file_no_location(void **state)
{
	(void)state;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_builtin(&inst, "nope", err), LM_ENOTFOUND);
	assert_null(lm_error_file(err, 0));
	assert_int_equal(lm_error_line(err, 0), 0);
	assert_string_equal(lm_error_text(err, 0), lm_error_message(err, 0));
	lm_error_free(err);
}

static void test_capacity(void **state)
{
	(void)state;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	lm_instrument *inst;
	assert_int_equal(lm_instrument_load_builtin(&inst, "stss", NULL), LM_OK);
	lm_scorer *s;
	assert_int_equal(lm_scorer_new(&s, inst), LM_OK);
	/* 150 bad values: 100 kept, all counted. */
	for (int i = 0; i < 150; i++)
		assert_int_equal(lm_scorer_set(s, 0, 9, err), LM_EDATA);
	assert_int_equal(lm_error_capacity(), 100);
	assert_int_equal(lm_error_count(err), 100);
	assert_int_equal(lm_error_total(err), 150);
	lm_scorer_free(s);
	lm_instrument_free(inst);
	lm_error_free(err);
}

static void test_null(void **state)
{
	(void)state;
	lm_error_free(NULL);
	lm_error_clear(NULL);
	assert_int_equal(lm_error_count(NULL), 0);
	assert_int_equal(lm_error_total(NULL), 0);
	assert_null(lm_error_text(NULL, 0));
	assert_int_equal(lm_error_new(NULL), LM_EINVAL);
}

/*
 * Messages end up on terminals, and they quote what they were given: a
 * control character there must be shown escaped, never sent. Here a file
 * name with ESC, a C1 control and a byte that is not UTF-8, and a key with
 * a tab that the next message quotes; lm_error_file() keeps the name as given.
 */
static void test_control_characters_escaped(void **state)
{
	(void)state;
	lm_error *err;
	assert_int_equal(lm_error_new(&err), LM_OK);
	lm_instrument *inst = NULL;
	const char yaml[] = "format: 1\n\"k\\te\": \"v\\e\"\n";
	const char name[] = "in\x1b[2J\xc2\x9bput\xff.yaml";
	assert_int_equal(lm_instrument_load_buffer(&inst, yaml, sizeof yaml - 1, name, err), LM_EDEFINITION);
	assert_null(inst);
	assert_int_equal(lm_error_count(err), 2);
	assert_string_equal(lm_error_file(err, 0), name);
	assert_string_equal(lm_error_text(err, 0),
			    "in\\x1B[2J\\u009Bput\\xFF.yaml:2:1: a key at the top level holds a tab (character 2): it must "
			    "be one line; only citation, terms, notes, an item's text and a norms source may hold tabs "
			    "and line breaks");
	assert_string_equal(lm_error_message(err, 1),
			    "k\\x09e holds the control character U+001B (character 2): a definition's texts may not hold "
			    "control characters");
	lm_error_free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_no_file_no_location),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_control_characters_escaped),
	};
	return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}
