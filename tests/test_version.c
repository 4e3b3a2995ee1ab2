/*
 * The version in the headers and the one the library reports agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

static void test_header_equals_runtime(void **state)
{
	(void)state;
	assert_string_equal(lm_version_string(), LM_VERSION_STRING);
	assert_int_equal(lm_version_major(), LM_VERSION_MAJOR);
	assert_int_equal(lm_version_minor(), LM_VERSION_MINOR);
	assert_int_equal(lm_version_patch(), LM_VERSION_PATCH);
	assert_int_equal(lm_version_number(), LM_VERSION_NUMBER);
	char buf[32];
	snprintf(buf, sizeof(buf), "%d.%d.%d", LM_VERSION_MAJOR, LM_VERSION_MINOR, LM_VERSION_PATCH);
	assert_string_equal(buf, LM_VERSION_STRING);
}

static void test_check_macro(void **state)
{
	(void)state;
	assert_true(LM_VERSION_CHECK(0, 0, 0));
	assert_true(LM_VERSION_CHECK(LM_VERSION_MAJOR, LM_VERSION_MINOR, LM_VERSION_PATCH));
	assert_false(LM_VERSION_CHECK(LM_VERSION_MAJOR + 1, 0, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_equals_runtime),
		cmocka_unit_test(test_check_macro),
	};
	return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}
