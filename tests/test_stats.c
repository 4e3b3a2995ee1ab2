/*
 * The Student-t distribution (stats.h) against R: lm_stat_t_cdf() must agree
 * with R's pt() to 1e-10 relative for df from 1 to 1e6 and |t| up to 40, and
 * lm_stat_t_quantile(0.975, df) with qt() to 1e-10 relative. The reference
 * grid is tests/reference/pt.csv, written by tests/reference/pt.R; this test
 * does not need R.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reference.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

#define TOLERANCE 1e-10
/* Below this a value is compared absolutely: |got - R| <= TOLERANCE * TINY.
 * Only a few grid points (t = -35, -40 at large df) are this small, and R
 * itself returns 0 for those below the smallest subnormal. */
#define TINY 1e-300
#define EXPECTED_ROWS 1107 /* 27 df x 41 t; change with pt.R */
#define MAX_REPORTED 20

struct row {
	double df, t, pt, qt975;
};

struct grid {
	struct row *rows;
	size_t n;
};

static int setup(void **state)
{
	const char *root = getenv("LM_SOURCE_ROOT");
	if (root == NULL || *root == '\0')
		fail_msg("LM_SOURCE_ROOT is not set (tests/meson.build sets it)");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/reference/pt.csv", root);
	char *text = ref_read_text(path);
	if (text == NULL)
		fail_msg("cannot read %s", path);

	struct grid *g = calloc(1, sizeof *g);
	assert_non_null(g);
	size_t cap = 2048;
	g->rows = malloc(cap * sizeof *g->rows);
	assert_non_null(g->rows);
	char *cursor = text, *line = ref_next_line(&cursor);
	assert_non_null(line);
	assert_string_equal(line, "df,t,pt,qt975");
	size_t lineno = 1;
	while ((line = ref_next_line(&cursor)) != NULL) {
		lineno++;
		assert_true(g->n < cap);
		char *f[4];
		size_t nf = 0;
		for (char *p = line; nf < 4; nf++) {
			f[nf] = p;
			char *comma = strchr(p, ',');
			if (comma == NULL) {
				nf++;
				break;
			}
			*comma = '\0';
			p = comma + 1;
		}
		if (nf != 4)
			fail_msg("%s line %zu: %zu fields, not 4", path, lineno, nf);
		struct row *r = &g->rows[g->n++];
		char where[40];
		snprintf(where, sizeof(where), "pt.csv line %zu", lineno);
		r->df = ref_number(f[0], where, 0);
		r->t = ref_number(f[1], where, 0);
		r->pt = ref_number(f[2], where, 0);
		r->qt975 = ref_number(f[3], where, 0);
	}
	free(text);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct grid *g = *state;
	if (g != NULL)
		free(g->rows);
	free(g);
	return 0;
}

/* The grid is what the spec promises: df from 1 to 1e6, |t| up to 40, and
 * both tails, so a pass below is not vacuous. */
static void test_grid_coverage(void **state)
{
	const struct grid *g = *state;
	assert_int_equal(g->n, EXPECTED_ROWS);
	double df_min = INFINITY, df_max = 0, t_min = 0, t_max = 0;
	size_t fractional_df = 0, tiny = 0, zero_t = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct row *r = &g->rows[i];
		df_min = fmin(df_min, r->df);
		df_max = fmax(df_max, r->df);
		t_min = fmin(t_min, r->t);
		t_max = fmax(t_max, r->t);
		fractional_df += r->df != floor(r->df);
		tiny += r->pt < 1e-100;
		zero_t += r->t == 0;
	}
	assert_true(df_min == 1 && df_max == 1e6);
	assert_true(t_min == -40 && t_max == 40);
	assert_true(fractional_df > 0);
	assert_true(tiny > 0);
	assert_true(zero_t > 0);
}

static void test_t_cdf_matches_r(void **state)
{
	const struct grid *g = *state;
	size_t bad = 0, relative = 0;
	double max_rel = 0, max_rel_df = 0, max_rel_t = 0, max_abs_tiny = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct row *r = &g->rows[i];
		double got = lm_stat_t_cdf(r->t, r->df);
		double diff = fabs(got - r->pt);
		if (fabs(r->pt) >= TINY) {
			relative++;
			double rel = diff / fabs(r->pt);
			if (!(rel <= max_rel)) {
				max_rel = rel;
				max_rel_df = r->df;
				max_rel_t = r->t;
			}
		} else if (!(diff <= max_abs_tiny)) {
			max_abs_tiny = diff;
		}
		if (!(diff <= TOLERANCE * fmax(fabs(r->pt), TINY)) && bad++ < MAX_REPORTED)
			print_error("pt(%.17g, %.17g): R %.17g, lm_stat_t_cdf %.17g (relative %.3g)\n", r->t, r->df,
				    r->pt, got, diff / fmax(fabs(r->pt), TINY));
	}
	printf("# lm_stat_t_cdf: %zu values (%zu relative), max relative error %.3g at df %.17g t %g;"
	       " max |diff| below %g: %.3g; %zu beyond tolerance\n",
	       g->n, relative, max_rel, max_rel_df, max_rel_t, TINY, max_abs_tiny, bad);
	assert_int_equal(bad, 0);
	assert_true(relative > g->n * 9 / 10);
}

static void test_t_quantile_matches_r(void **state)
{
	const struct grid *g = *state;
	size_t bad = 0, n = 0;
	double max_rel = 0, max_rel_df = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct row *r = &g->rows[i];
		if (i > 0 && r->df == g->rows[i - 1].df) /* qt975 repeats down the rows of one df */
			continue;
		n++;
		double got = lm_stat_t_quantile(0.975, r->df);
		double rel = fabs(got - r->qt975) / r->qt975;
		if (!(rel <= max_rel)) {
			max_rel = rel;
			max_rel_df = r->df;
		}
		if (!(rel <= TOLERANCE) && bad++ < MAX_REPORTED)
			print_error("qt(0.975, %.17g): R %.17g, lm_stat_t_quantile %.17g (relative %.3g)\n", r->df,
				    r->qt975, got, rel);
		/* The lower quantile is the mirror image. */
		double lower = lm_stat_t_quantile(0.025, r->df);
		if (!(fabs(lower + r->qt975) <= TOLERANCE * r->qt975) && bad++ < MAX_REPORTED)
			print_error("qt(0.025, %.17g): R %.17g, lm_stat_t_quantile %.17g\n", r->df, -r->qt975, lower);
	}
	printf("# lm_stat_t_quantile(0.975): %zu df, max relative error %.3g at df %.17g; %zu beyond tolerance\n", n,
	       max_rel, max_rel_df, bad);
	assert_int_equal(bad, 0);
	assert_int_equal(n, 27);
}

/*
 * The quantile inverts the cdf: lm_stat_t_quantile(pt(t, df), df) = t for the
 * lower tail (where p carries full relative precision) and |t| >= 1 (where t
 * is well conditioned in p). Not a promise of stats.h beyond qt(0.975), so
 * the tolerance is looser.
 */
static void test_t_quantile_inverts_r_pt(void **state)
{
	const struct grid *g = *state;
	size_t bad = 0, n = 0;
	double max_rel = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct row *r = &g->rows[i];
		if (!(r->t <= -1) || !(r->pt >= TINY))
			continue;
		n++;
		double got = lm_stat_t_quantile(r->pt, r->df);
		double rel = fabs(got - r->t) / fabs(r->t);
		if (!(rel <= max_rel))
			max_rel = rel;
		if (!(rel <= 1e-9) && bad++ < MAX_REPORTED)
			print_error("qt(%.17g, %.17g): expected %.17g, got %.17g (relative %.3g)\n", r->pt, r->df, r->t,
				    got, rel);
	}
	printf("# lm_stat_t_quantile(pt(t)): %zu values, max relative error %.3g; %zu beyond 1e-9\n", n, max_rel,
	       bad);
	assert_int_equal(bad, 0);
	assert_true(n > 300);
}

static void test_t_cdf_edges(void **state)
{
	(void)state;
	const double dfs[] = {0.5, 1, 3, 29, 1e6};
	for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
		double df = dfs[i];
		assert_true(lm_stat_t_cdf(-INFINITY, df) == 0);
		assert_true(lm_stat_t_cdf(INFINITY, df) == 1);
		assert_true(lm_stat_t_cdf(0, df) == 0.5);
		assert_true(isnan(lm_stat_t_cdf(NAN, df)));
		/* symmetry, to the last bit of the lower tail */
		assert_true(fabs(lm_stat_t_cdf(-2.5, df) + lm_stat_t_cdf(2.5, df) - 1) <= 1e-15);
		/* monotone */
		assert_true(lm_stat_t_cdf(-3, df) < lm_stat_t_cdf(-2, df));
	}
	const double bad_df[] = {0, -0.0, -1, -INFINITY, NAN};
	for (size_t i = 0; i < sizeof bad_df / sizeof bad_df[0]; i++) {
		assert_true(isnan(lm_stat_t_cdf(1, bad_df[i])));
		assert_true(isnan(lm_stat_t_cdf(INFINITY, bad_df[i])));
		assert_true(isnan(lm_stat_t_cdf(0, bad_df[i])));
	}
	/* Far tails: tiny but not negative, and 1 on the other side. */
	double far = lm_stat_t_cdf(-1e10, 5);
	assert_true(far >= 0 && far < 1e-40);
	assert_true(lm_stat_t_cdf(1e10, 5) == 1);
	/* Cauchy (df = 1) in closed form: 1/2 + atan(t)/pi. */
	const double ts[] = {-40, -3, -0.5, 0.25, 2, 17};
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		double want = 0.5 + atan(ts[i]) / 3.14159265358979323846;
		assert_true(fabs(lm_stat_t_cdf(ts[i], 1) - want) <= 1e-14 * want);
	}
	/* df = 2 in closed form: 1/2 + t / (2 sqrt(2 + t^2)). */
	for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++) {
		double t = ts[i], want = 0.5 + t / (2 * sqrt(2 + t * t));
		assert_true(fabs(lm_stat_t_cdf(t, 2) - want) <= 1e-12 * want);
	}
}

static void test_t_quantile_edges(void **state)
{
	(void)state;
	const double dfs[] = {0.5, 1, 3, 29, 1e6};
	for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
		double df = dfs[i];
		double lo = lm_stat_t_quantile(0, df), hi = lm_stat_t_quantile(1, df);
		assert_true(isinf(lo) && lo < 0);
		assert_true(isinf(hi) && hi > 0);
		assert_true(lm_stat_t_quantile(0.5, df) == 0);
		assert_true(isnan(lm_stat_t_quantile(-0.01, df)));
		assert_true(isnan(lm_stat_t_quantile(1.01, df)));
		assert_true(isnan(lm_stat_t_quantile(-INFINITY, df)));
		assert_true(isnan(lm_stat_t_quantile(INFINITY, df)));
		assert_true(isnan(lm_stat_t_quantile(NAN, df)));
	}
	const double bad_df[] = {0, -0.0, -1, -INFINITY, NAN};
	for (size_t i = 0; i < sizeof bad_df / sizeof bad_df[0]; i++) {
		assert_true(isnan(lm_stat_t_quantile(0.975, bad_df[i])));
		assert_true(isnan(lm_stat_t_quantile(0, bad_df[i])));
		assert_true(isnan(lm_stat_t_quantile(1, bad_df[i])));
	}
	/* Cauchy quantile in closed form: tan(pi (p - 1/2)). */
	const double ps[] = {1e-6, 0.01, 0.3, 0.9, 0.975};
	for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
		double want = tan(3.14159265358979323846 * (ps[i] - 0.5));
		assert_true(fabs(lm_stat_t_quantile(ps[i], 1) - want) <= 1e-10 * fabs(want));
	}
}

/* Beyond the grid: infinite df is the normal distribution, and |t| so large
 * that t * t overflows still has a tail. Values from R 4.2.2:
 * pnorm(1), qnorm(.975), pt(-1e200, 1), qt(1e-300, 1). */
static void test_t_extremes(void **state)
{
	(void)state;
	struct {
		double got, want;
	} v[] = {
		{lm_stat_t_cdf(1, INFINITY), 0.84134474606854293},
		{lm_stat_t_quantile(0.975, INFINITY), 1.9599639845400536},
		{lm_stat_t_cdf(-1e200, 1), 3.183098861837795e-201},
		{lm_stat_t_quantile(1e-300, 1), -3.183098861837907e+299},
		{lm_stat_t_cdf(1e200, 3), 1},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		double rel = fabs(v[i].got - v[i].want) / fabs(v[i].want);
		if (!(rel <= 1e-12))
			fail_msg("case %zu: got %.17g, R %.17g (relative %.3g)", i, v[i].got, v[i].want, rel);
	}
}

int main(void)
{
	/* Run in the environment's locale: the library must not depend on it. */
	setlocale(LC_ALL, "");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grid_coverage, setup, teardown),
		cmocka_unit_test_setup_teardown(test_t_cdf_matches_r, setup, teardown),
		cmocka_unit_test_setup_teardown(test_t_quantile_matches_r, setup, teardown),
		cmocka_unit_test_setup_teardown(test_t_quantile_inverts_r_pt, setup, teardown),
		cmocka_unit_test(test_t_cdf_edges),
		cmocka_unit_test(test_t_quantile_edges),
		cmocka_unit_test(test_t_extremes),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
