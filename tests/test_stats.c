/*
 * The Student-t distribution (stats.h) against R: lm_stat_t_cdf() must agree
 * with R's pt() to 1e-10 relative for df from 1 to 1e6 and |t| up to 40, and
 * lm_stat_t_quantile(0.975, df) with qt() to 1e-10 relative. The reference
 * grid is tests/reference/pt.csv, written by tests/reference/pt.R. Beyond
 * it, tests/reference/pt_wide.csv (pt_wide.R): df from 2000 to DBL_MAX and
 * infinity, |t| to 1e300, p near 0 and 1, both functions to 1e-12. These
 * tests do not need R.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reference.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
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

/* ---- the wide grid: large df, far tails, p near 0 and 1 (pt_wide.csv) ---- */

#define WIDE_TOLERANCE 1e-12
#define WIDE_ROWS 1266 /* 1053 pt + 213 qt; change with pt_wide.R */

struct wide_row {
	int quantile; /* 0: value = pt(x, df); 1: value = qt(x, df) */
	double df, x, value;
	char from[8];
};

struct wide {
	struct wide_row *rows;
	size_t n;
};

/* A number as pt_wide.R writes it: "%.17g", or Inf / -Inf. */
static double wide_number(const char *s, const char *where)
{
	if (strcmp(s, "Inf") == 0)
		return INFINITY;
	if (strcmp(s, "-Inf") == 0)
		return -INFINITY;
	return ref_number(s, where, 0);
}

static int setup_wide(void **state)
{
	const char *root = getenv("LM_SOURCE_ROOT");
	if (root == NULL || *root == '\0')
		fail_msg("LM_SOURCE_ROOT is not set (tests/meson.build sets it)");
	char path[4096];
	snprintf(path, sizeof path, "%s/tests/reference/pt_wide.csv", root);
	char *text = ref_read_text(path);
	if (text == NULL)
		fail_msg("cannot read %s", path);
	struct wide *w = calloc(1, sizeof *w);
	assert_non_null(w);
	w->rows = calloc(2048, sizeof *w->rows);
	assert_non_null(w->rows);
	char *cursor = text, *line = ref_next_line(&cursor);
	assert_non_null(line);
	assert_string_equal(line, "fn,df,x,value,from");
	size_t lineno = 1;
	while ((line = ref_next_line(&cursor)) != NULL) {
		lineno++;
		assert_true(w->n < 2048);
		char *f[5], where[40];
		if (ref_split_fields(line, f, 5) != 5)
			fail_msg("%s line %zu: not 5 fields", path, lineno);
		snprintf(where, sizeof where, "pt_wide.csv line %zu", lineno);
		struct wide_row *r = &w->rows[w->n++];
		if (strcmp(f[0], "pt") != 0 && strcmp(f[0], "qt") != 0)
			fail_msg("%s: fn is \"%s\"", where, f[0]);
		r->quantile = strcmp(f[0], "qt") == 0;
		r->df = wide_number(f[1], where);
		r->x = wide_number(f[2], where);
		r->value = wide_number(f[3], where);
		snprintf(r->from, sizeof r->from, "%s", f[4]);
	}
	free(text);
	*state = w;
	return 0;
}

static int teardown_wide(void **state)
{
	struct wide *w = *state;
	if (w != NULL)
		free(w->rows);
	free(w);
	return 0;
}

/* The grid reaches what the issue named: df to DBL_MAX and infinity, both
 * sides of the switch to the large-df expansion (5000), t so large that t^2
 * overflows, p within 1e-10 of 0 and 1, and quantiles beyond any double. */
static void test_wide_coverage(void **state)
{
	const struct wide *w = *state;
	assert_int_equal(w->n, WIDE_ROWS);
	size_t dbl_max = 0, inf = 0, below = 0, above = 0, overflow = 0, p_low = 0, p_high = 0, inf_q = 0, pnorm = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct wide_row *r = &w->rows[i];
		dbl_max += r->df == DBL_MAX;
		inf += isinf(r->df) != 0;
		below += r->df < 5000;
		above += r->df >= 5000 && r->df <= 1e6;
		pnorm += strcmp(r->from, "pnorm") == 0;
		if (r->quantile) {
			p_low += r->x <= 1e-100;
			p_high += r->x >= 1 - 1e-9;
			inf_q += isinf(r->value) != 0;
		} else {
			overflow += fabs(r->x) >= 1e200;
		}
	}
	assert_true(dbl_max > 0 && inf > 0 && below > 0 && above > 0 && overflow > 0);
	assert_true(p_low > 0 && p_high > 0 && inf_q >= 3 && pnorm > 0);
}

static void test_wide_cdf(void **state)
{
	const struct wide *w = *state;
	size_t bad = 0, n = 0;
	double max_rel = 0, max_df = 0, max_t = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct wide_row *r = &w->rows[i];
		if (r->quantile)
			continue;
		n++;
		double got = lm_stat_t_cdf(r->x, r->df), diff = fabs(got - r->value);
		double scale = fmax(fabs(r->value), TINY);
		if (fabs(r->value) >= TINY && !(diff / scale <= max_rel)) {
			max_rel = diff / scale;
			max_df = r->df;
			max_t = r->x;
		}
		if (!(diff <= WIDE_TOLERANCE * scale) && bad++ < MAX_REPORTED)
			print_error("pt(%.17g, %.17g): R (%s) %.17g, lm_stat_t_cdf %.17g (relative %.3g)\n", r->x, r->df,
				    r->from, r->value, got, diff / scale);
	}
	printf("# lm_stat_t_cdf, wide grid: %zu values, max relative error %.3g at df %.17g t %g; %zu beyond %g\n", n,
	       max_rel, max_df, max_t, bad, WIDE_TOLERANCE);
	assert_int_equal(bad, 0);
}

static void test_wide_quantile(void **state)
{
	const struct wide *w = *state;
	size_t bad = 0, n = 0;
	double max_rel = 0;
	for (size_t i = 0; i < w->n; i++) {
		const struct wide_row *r = &w->rows[i];
		if (!r->quantile)
			continue;
		n++;
		double got = lm_stat_t_quantile(r->x, r->df);
		double rel = isinf(r->value) ? (got == r->value ? 0 : INFINITY) : fabs(got - r->value) / fabs(r->value);
		if (r->value == 0)
			rel = got == 0 ? 0 : INFINITY;
		if (!(rel <= max_rel))
			max_rel = rel;
		if (!(rel <= WIDE_TOLERANCE) && bad++ < MAX_REPORTED)
			print_error("qt(%.17g, %.17g): R %.17g, lm_stat_t_quantile %.17g (relative %.3g)\n", r->x, r->df,
				    r->value, got, rel);
	}
	printf("# lm_stat_t_quantile, wide grid: %zu values, max relative error %.3g; %zu beyond %g\n", n, max_rel,
	       bad, WIDE_TOLERANCE);
	assert_int_equal(bad, 0);
}

/*
 * stats.h promises pure functions that any thread may call. Several threads
 * call both at once (df small enough for the log-gamma of small arguments,
 * and large) and must get, bit for bit, what one thread gets. The race this
 * guards against is invisible to a plain build: lgamma() writes the global
 * signgam, which ThreadSanitizer reports (CI runs this suite under it).
 */
#define CONCURRENT_THREADS 4
#define CONCURRENT_CALLS 64

struct concurrent {
	double got[CONCURRENT_CALLS][2];
};

static double concurrent_df(size_t i)
{
	static const double dfs[] = {0.5, 1, 2.5, 7, 29, 150, 999.5, 1e5, 1e12, 1e308};
	return dfs[i % (sizeof dfs / sizeof dfs[0])];
}

static void concurrent_run(struct concurrent *c)
{
	for (size_t i = 0; i < CONCURRENT_CALLS; i++) {
		double df = concurrent_df(i), t = -4 + 8.0 * (double)i / CONCURRENT_CALLS;
		c->got[i][0] = lm_stat_t_cdf(t, df);
		c->got[i][1] = lm_stat_t_quantile(0.001 + 0.998 * (double)i / CONCURRENT_CALLS, df);
	}
}

static void *concurrent_thread(void *arg)
{
	concurrent_run(arg);
	return NULL;
}

static void test_concurrent_calls(void **state)
{
	(void)state;
	struct concurrent serial, each[CONCURRENT_THREADS];
	concurrent_run(&serial);
	pthread_t threads[CONCURRENT_THREADS];
	for (size_t k = 0; k < CONCURRENT_THREADS; k++)
		assert_int_equal(pthread_create(&threads[k], NULL, concurrent_thread, &each[k]), 0);
	for (size_t k = 0; k < CONCURRENT_THREADS; k++)
		assert_int_equal(pthread_join(threads[k], NULL), 0);
	for (size_t k = 0; k < CONCURRENT_THREADS; k++)
		assert_memory_equal(each[k].got, serial.got, sizeof serial.got);
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
		cmocka_unit_test_setup_teardown(test_wide_coverage, setup_wide, teardown_wide),
		cmocka_unit_test_setup_teardown(test_wide_cdf, setup_wide, teardown_wide),
		cmocka_unit_test_setup_teardown(test_wide_quantile, setup_wide, teardown_wide),
		cmocka_unit_test(test_concurrent_calls),
	};
	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
