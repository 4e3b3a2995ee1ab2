/*
 * Pre/post with waves as a trial, compared with R: the ANCOVA per later wave
 * and scale (lm() and confint(); clubSandwich's CR2 with Satterthwaite df),
 * the attrition (t.test), the flow per arm and the baseline ICC, on data
 * with unequal clusters, attrition, missing items, three arms, a long file,
 * and an arm with one cluster. The data and R's numbers are committed in
 * tests/reference/trial-waves (generate.R; re-run by its check.sh, suite r).
 * Numbers within 1e-9 absolute, p-values 1e-9 relative; counts exactly; R's
 * NA must be NaN here, with a reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <libra_measures/libra_measures.h>

#include "reference.h"

struct ref_case {
	const char *name;
	const char *waves[3];
	size_t n_waves;
	int long_form;
	const char *cluster, *reference;
};

static const struct ref_case cases[] = {
	{"crt3", {"base", "post", "follow"}, 3, 0, "unit", "control"},
	{"ols2", {"pre", "post", "later"}, 3, 1, NULL, "treatment"},
	{"onecluster", {"t0", "t1"}, 2, 0, "unit", NULL},
};

static const char *ref_dir(void)
{
	static char dir[4096];
	snprintf(dir, sizeof dir, "%s/tests/reference/trial-waves", getenv("LM_SOURCE_ROOT"));
	return dir;
}

static size_t index_of(const char *const *names, size_t n, const char *name, const char *where)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return i;
	fail_msg("%s: \"%s\" not found", where, name);
	return 0;
}

static size_t kind_of(const char *const *keys, size_t n, const char *key, const char *where)
{
	return index_of(keys, n, key, where);
}

static const char *const ancova_keys[] = {"estimate", "se", "t", "df", "p", "ci_low", "ci_high"};
static const char *const icc_keys[] = {"icc", "design_effect", "n0", "clusters", "n"};
static const char *const attrition_keys[] = {"completers_n", "completers_mean", "completers_sd",
					     "dropouts_n", "dropouts_mean", "dropouts_sd", "welch_t", "df", "p"};
static const char *const flow_keys[] = {"baseline_rows", "wave_rows", "pairs"};

/* lib against R: NA wants NaN with a reason; p relative, the rest absolute. */
static void near(double lib, const char *why, const char *r, int is_p, const char *where)
{
	double want = ref_number(r, where, REF_NA);
	if (isnan(want)) {
		if (!isnan(lib) || !why)
			fail_msg("%s: R has NA, the library %.17g (reason %s)", where, lib, why ? why : "none");
		return;
	}
	double tol = is_p ? 1e-9 * fabs(want) : 1e-9;
	if (!(fabs(lib - want) <= tol))
		fail_msg("%s: library %.17g, R %.17g", where, lib, want);
}

static void counted(double lib, const char *r, const char *where)
{
	if (lib != ref_number(r, where, 0))
		fail_msg("%s: library %.17g, R %s", where, lib, r);
}

static size_t run_case(const struct ref_case *c)
{
	char path[4200], where[256];
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_error *err = NULL;
	snprintf(path, sizeof path, "%s/instrument.yaml", ref_dir());
	assert_int_equal(lm_error_new(&err), LM_OK);
	assert_int_equal(lm_instrument_load(&inst, path, err), LM_OK);
	assert_int_equal(lm_prepost_new(&pp, inst), LM_OK);
	assert_int_equal(lm_prepost_set_group_column(pp, "arm"), LM_OK);
	assert_int_equal(lm_prepost_set_waves(pp, c->waves, c->n_waves), LM_OK);
	assert_int_equal(lm_prepost_set_cluster_column(pp, c->cluster), LM_OK);
	assert_int_equal(lm_prepost_set_reference_group(pp, c->reference), LM_OK);
	int rc;
	if (c->long_form) {
		snprintf(path, sizeof path, "%s/%s_long.csv", ref_dir(), c->name);
		rc = lm_prepost_run_wave_long_file(pp, path, "wave", err);
	} else {
		char files[3][4200];
		const char *paths[3];
		for (size_t k = 0; k < c->n_waves; k++) {
			snprintf(files[k], sizeof files[k], "%s/%s_w%zu.csv", ref_dir(), c->name, k + 1);
			paths[k] = files[k];
		}
		rc = lm_prepost_run_wave_files(pp, paths, c->n_waves, err);
	}
	if (rc != LM_OK)
		fail_msg("%s: %s", c->name, lm_error_message(err, 0));

	size_t ns = lm_instrument_scale_count(inst), ng = lm_prepost_group_count(pp);
	const char *scales[8], *groups[16];
	assert_true(ns <= 8 && ng <= 16);
	for (size_t s = 0; s < ns; s++)
		scales[s] = lm_scale_id(lm_instrument_scale(inst, s));
	for (size_t g = 0; g < ng; g++)
		groups[g] = lm_prepost_group_name(pp, g);

	snprintf(path, sizeof path, "%s/%s.ref.csv", ref_dir(), c->name);
	char *text = ref_read_text(path), *cursor = text, *line;
	assert_non_null(text);
	ref_next_line(&cursor); /* the header */
	size_t rows = 0;
	while ((line = ref_next_line(&cursor)) != NULL) {
		char *f[6];
		assert_int_equal(ref_split_fields(line, f, 6), 6);
		const char *wave = f[0], *scale = f[1], *what = f[2], *arm = f[3], *key = f[4], *value = f[5];
		snprintf(where, sizeof where, "%s: %s %s %s %s %s", c->name, wave, scale, what, arm, key);
		size_t w = *wave ? index_of(c->waves, c->n_waves, wave, where) : 0;
		size_t s = *scale ? index_of(scales, ns, scale, where) : 0;
		size_t g = *arm ? index_of(groups, ng, arm, where) : LM_PREPOST_ALL_GROUPS;
		if (strcmp(what, "icc") == 0) {
			int k = (int)kind_of(icc_keys, 5, key, where);
			double v = lm_prepost_icc_baseline(pp, s, k);
			if (k >= LM_PREPOST_ICC_CLUSTERS)
				counted(v, value, where);
			else
				near(v, lm_prepost_icc_baseline_reason(pp, s, k), value, 0, where);
		} else if (strcmp(what, "flow") == 0) {
			counted((double)lm_prepost_wave_flow(pp, w, g, (int)kind_of(flow_keys, 3, key, where)), value, where);
		} else if (strcmp(what, "attrition") == 0 && *arm) {
			counted((double)lm_prepost_attrition_group(pp, w, s, g, strcmp(key, "dropouts") == 0), value, where);
		} else if (strcmp(what, "attrition") == 0) {
			int k = (int)kind_of(attrition_keys, 9, key, where);
			double v = lm_prepost_attrition(pp, w, s, k);
			if (k == LM_PREPOST_ATTRITION_COMPLETERS_N || k == LM_PREPOST_ATTRITION_DROPOUTS_N)
				counted(v, value, where);
			else
				near(v, lm_prepost_attrition_reason(pp, w, s, k), value, k == LM_PREPOST_ATTRITION_P, where);
		} else if (strcmp(what, "ancova") == 0 && !*arm) {
			size_t v = strcmp(key, "n") == 0 ? lm_prepost_ancova_n(pp, w, s) : lm_prepost_ancova_clusters(pp, w, s);
			counted((double)v, value, where);
		} else if (strcmp(what, "ancova") == 0 || strcmp(what, "slope") == 0) {
			int k = (int)kind_of(ancova_keys, 7, key, where);
			near(lm_prepost_ancova(pp, w, s, g, k), lm_prepost_ancova_reason(pp, w, s, g, k), value,
			     k == LM_PREPOST_ANCOVA_P, where);
		} else {
			fail_msg("%s: unknown row", where);
		}
		rows++;
	}
	free(text);
	/* The reference arm has no effect of its own, and asks say so. */
	size_t ref = lm_prepost_reference_group(pp);
	assert_true(isnan(lm_prepost_ancova(pp, 1, 0, ref, LM_PREPOST_ANCOVA_ESTIMATE)));
	assert_string_equal(lm_prepost_ancova_reason(pp, 1, 0, ref, LM_PREPOST_ANCOVA_ESTIMATE), "no such statistic");
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return rows;
}

static void test_crt3(void **state)
{
	(void)state;
	assert_true(run_case(&cases[0]) >= 150);
}

static void test_ols2(void **state)
{
	(void)state;
	assert_true(run_case(&cases[1]) >= 100);
}

static void test_onecluster(void **state)
{
	(void)state;
	assert_true(run_case(&cases[2]) >= 60);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crt3),
		cmocka_unit_test(test_ols2),
		cmocka_unit_test(test_onecluster),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
