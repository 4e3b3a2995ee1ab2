/*
 * White-box: the trial statistics (lib/trial-stats.c) against R — lm(),
 * confint(), clubSandwich's CR2 coef_test()/conf_int() with Satterthwaite
 * df, the one-way ANOVA ICC — on the datasets tests/reference/trial/
 * generate.R wrote with R's results; and the small linear algebra under it
 * (lib/linalg.c) on cases that can be checked by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/stats.h"
#include "linalg-priv.h"
#include "trial-stats-priv.h"

/* ---- linear algebra by hand ------------------------------------------------ */

static void assert_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("%s: got %.17g, want %.17g\n", what, got, want);
		fail();
	}
}

static void test_inv_sqrt_2x2(void **state)
{
	(void)state;
	/* [[2, 1], [1, 2]] has eigenvalues 3 and 1 with eigenvectors
	 * (1, 1)/sqrt2 and (1, -1)/sqrt2, so its inverse square root is
	 * 0.5 [[1/sqrt3 + 1, 1/sqrt3 - 1], [1/sqrt3 - 1, 1/sqrt3 + 1]]. */
	const double a[4] = {2, 1, 1, 2};
	double out[4];
	assert_int_equal(lm__sym_inv_sqrt(2, a, out, 1e-12), 0);
	double r3 = 1 / sqrt(3.0);
	assert_near(out[0], 0.5 * (r3 + 1), 1e-15, "(0,0)");
	assert_near(out[1], 0.5 * (r3 - 1), 1e-15, "(0,1)");
	assert_near(out[2], 0.5 * (r3 - 1), 1e-15, "(1,0)");
	assert_near(out[3], 0.5 * (r3 + 1), 1e-15, "(1,1)");
	/* out a out = I. */
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2; j++) {
			double s = 0;
			for (int k = 0; k < 2; k++)
				for (int l = 0; l < 2; l++)
					s += out[i * 2 + k] * a[k * 2 + l] * out[l * 2 + j];
			assert_near(s, i == j, 1e-14, "out a out");
		}
	/* Singular: [[1, 1], [1, 1]] = 2 v v', v = (1, 1)/sqrt2; the zero
	 * eigenvalue is dropped, leaving (1/sqrt2) v v'. */
	const double s[4] = {1, 1, 1, 1};
	assert_int_equal(lm__sym_inv_sqrt(2, s, out, 1e-12), 0);
	for (int i = 0; i < 4; i++)
		assert_near(out[i], 0.5 / sqrt(2.0), 1e-15, "singular");
	/* Diagonal already: nothing to rotate. */
	const double d[4] = {4, 0, 0, 0.25};
	assert_int_equal(lm__sym_inv_sqrt(2, d, out, 1e-12), 0);
	assert_near(out[0], 0.5, 1e-15, "diag 0");
	assert_near(out[1], 0, 1e-15, "diag off");
	assert_near(out[3], 2, 1e-15, "diag 1");
}

static void test_eigen_3x3(void **state)
{
	(void)state;
	/* [[2, -1, 0], [-1, 2, -1], [0, -1, 2]]: eigenvalues 2 - sqrt2, 2,
	 * 2 + sqrt2. */
	double a[9] = {2, -1, 0, -1, 2, -1, 0, -1, 2}, orig[9], val[3], vec[9];
	memcpy(orig, a, sizeof a);
	assert_int_equal(lm__sym_eigen(3, a, val, vec), 0);
	assert_near(val[0], 2 - sqrt(2.0), 1e-15, "lambda 0");
	assert_near(val[1], 2, 1e-15, "lambda 1");
	assert_near(val[2], 2 + sqrt(2.0), 1e-15, "lambda 2");
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 3; i++) {
			double s = 0;
			for (int j = 0; j < 3; j++)
				s += orig[i * 3 + j] * vec[j * 3 + k];
			assert_near(s, val[k] * vec[i * 3 + k], 1e-14, "A v = lambda v");
		}
}

static void test_spd_inverse(void **state)
{
	(void)state;
	/* [[4, 2], [2, 3]]^-1 = [[3, -2], [-2, 4]] / 8. */
	const double a[4] = {4, 2, 2, 3};
	double inv[4], work[4];
	assert_int_equal(lm__spd_inverse(2, a, inv, work, 1e-12), 0);
	assert_near(inv[0], 3.0 / 8, 1e-15, "(0,0)");
	assert_near(inv[1], -2.0 / 8, 1e-15, "(0,1)");
	assert_near(inv[2], -2.0 / 8, 1e-15, "(1,0)");
	assert_near(inv[3], 4.0 / 8, 1e-15, "(1,1)");
	const double singular[4] = {1, 2, 2, 4};
	assert_int_equal(lm__spd_inverse(2, singular, inv, work, 1e-12), -1);
}

static void test_qr(void **state)
{
	(void)state;
	/* y = 1 + 2 x exactly: the fit gives (1, 2), and (X'X)^-1 for x =
	 * 1..4 is [[30, -10], [-10, 4]] / 20. */
	double x[8] = {1, 1, 1, 1, 1, 2, 3, 4}, tau[2], y[4] = {3, 5, 7, 9}, b[2], m[4];
	assert_int_equal(lm__qr(4, 2, x, tau, 1e-9), 0);
	lm__qr_qty(4, 2, x, tau, y);
	lm__qr_solve_r(4, 2, x, y, b);
	assert_near(b[0], 1, 1e-14, "intercept");
	assert_near(b[1], 2, 1e-14, "slope");
	lm__qr_xtx_inverse(4, 2, x, m);
	assert_near(m[0], 1.5, 1e-14, "m00");
	assert_near(m[1], -0.5, 1e-14, "m01");
	assert_near(m[2], -0.5, 1e-14, "m10");
	assert_near(m[3], 0.2, 1e-14, "m11");
	/* Rank-deficient: the third column is twice the second. */
	double d[12] = {1, 1, 1, 1, 1, 2, 3, 4, 2, 4, 6, 8}, t3[3];
	assert_int_equal(lm__qr(4, 3, d, t3, 1e-9), -1);
	/* A zero column, and more columns than rows. */
	double z[8] = {1, 1, 1, 1, 0, 0, 0, 0};
	assert_int_equal(lm__qr(4, 2, z, tau, 1e-9), -1);
	double wide[6] = {1, 2, 3, 4, 5, 6};
	assert_int_equal(lm__qr(2, 3, wide, t3, 1e-9), -1);
}

/* ---- the reference data ------------------------------------------------------ */

static char path_buf[4096];

static const char *ref_path(const char *name)
{
	const char *root = getenv("LM_SOURCE_ROOT");
	snprintf(path_buf, sizeof path_buf, "%s/tests/reference/trial/%s", root ? root : ".", name);
	return path_buf;
}

static double field_num(const char *s)
{
	if (strncmp(s, "NA", 2) == 0)
		return NAN;
	return strtod(s, NULL);
}

/* Splits line (modified) at commas into at most max fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t k = 0;
	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line; k < max;) {
		f[k++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	return k;
}

struct dataset {
	size_t n;
	double *y, *baseline;
	size_t *arm, *cluster; /* cluster NULL when the data have none */
	size_t n_clusters;
};

static void dataset_read(const char *name, struct dataset *d)
{
	char file[256];
	snprintf(file, sizeof file, "%s.csv", name);
	FILE *f = fopen(ref_path(file), "r");
	if (!f) {
		print_error("cannot open %s\n", path_buf);
		fail();
	}
	char line[512], *fld[8];
	size_t cap = 0;
	memset(d, 0, sizeof *d);
	int clustered = 1;
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(split(line, fld, 8), 4);
		if (d->n == cap) {
			cap = cap ? 2 * cap : 64;
			d->y = realloc(d->y, cap * sizeof *d->y);
			d->baseline = realloc(d->baseline, cap * sizeof *d->baseline);
			d->arm = realloc(d->arm, cap * sizeof *d->arm);
			d->cluster = realloc(d->cluster, cap * sizeof *d->cluster);
			assert_true(d->y && d->baseline && d->arm && d->cluster);
		}
		d->y[d->n] = field_num(fld[0]);
		d->baseline[d->n] = field_num(fld[1]);
		d->arm[d->n] = (size_t)strtoul(fld[2], NULL, 10);
		if (strcmp(fld[3], "NA") == 0)
			clustered = 0;
		else
			d->cluster[d->n] = (size_t)strtoul(fld[3], NULL, 10);
		if (clustered && d->cluster[d->n] + 1 > d->n_clusters)
			d->n_clusters = d->cluster[d->n] + 1;
		d->n++;
	}
	fclose(f);
	if (!clustered) {
		free(d->cluster);
		d->cluster = NULL;
		d->n_clusters = 0;
	}
}

static void dataset_free(struct dataset *d)
{
	free(d->y);
	free(d->baseline);
	free(d->arm);
	free(d->cluster);
}

/* Relative for p-values (they span hundreds of decades), absolute for the
 * rest, as the task asks: 1e-9 both. NA in R's file means NaN here. */
static int same(double got, double want, int relative)
{
	if (isnan(want))
		return isnan(got);
	if (relative)
		return fabs(got - want) <= 1e-9 * fabs(want);
	return fabs(got - want) <= 1e-9;
}

static size_t check_effect(const char *dataset, const char *method, const char *term,
			   const struct lm__ancova_effect *e, char **fld)
{
	const char *names[] = {"estimate", "se", "t", "df", "p", "lo", "hi"};
	double got[] = {e->estimate, e->se, e->t, e->df, e->p, e->lo, e->hi};
	size_t bad = 0;
	for (int k = 0; k < 7; k++) {
		double want = field_num(fld[4 + k]);
		if (!same(got[k], want, k == 4)) {
			print_error("%s %s %s %s: got %.17g, R %.17g\n", dataset, method, term, names[k], got[k],
				    want);
			bad++;
		}
	}
	/* NaN numbers come with a reason; numbers never do. */
	if (isnan(e->estimate) != (e->why != NULL)) {
		print_error("%s %s %s: why is %s\n", dataset, method, term, e->why ? e->why : "NULL");
		bad++;
	}
	return bad;
}

static void test_ancova_reference(void **state)
{
	(void)state;
	FILE *f = fopen(ref_path("ancova.csv"), "r");
	assert_non_null(f);
	char line[1024], *fld[16];
	assert_non_null(fgets(line, sizeof line, f));
	size_t rows = 0, bad = 0, numbers = 0;
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(split(line, fld, 16), 11);
		const char *name = fld[0], *method = fld[2], *term = fld[3];
		size_t reference = (size_t)strtoul(fld[1], NULL, 10);
		struct dataset d;
		dataset_read(name, &d);
		/* Complete pairs only, as the caller will pass them. */
		size_t m = 0, n_arms = 0;
		for (size_t i = 0; i < d.n; i++) {
			if (d.arm[i] + 1 > n_arms)
				n_arms = d.arm[i] + 1;
			if (isnan(d.y[i]) || isnan(d.baseline[i]))
				continue;
			d.y[m] = d.y[i];
			d.baseline[m] = d.baseline[i];
			d.arm[m] = d.arm[i];
			if (d.cluster)
				d.cluster[m] = d.cluster[i];
			m++;
		}
		/* An arm may have no rows at all (empty_arm): R was told of 3. */
		if (strcmp(name, "empty_arm") == 0)
			n_arms = 3;
		int cr2 = strcmp(method, "CR2") == 0;
		assert_true(cr2 ? d.cluster != NULL : 1);
		struct lm__ancova_effect base, eff[16];
		const char *why = "unset";
		assert_int_equal(lm__ancova(m, d.y, d.baseline, d.arm, n_arms, reference, cr2 ? d.cluster : NULL,
					    d.n_clusters, &base, eff, &why),
				 0);
		const struct lm__ancova_effect *e;
		if (strcmp(term, "baseline") == 0) {
			e = &base;
		} else {
			size_t a = (size_t)strtoul(term + 3, NULL, 10);
			assert_true(a < n_arms && a != reference);
			e = &eff[a];
		}
		bad += check_effect(name, method, term, e, fld);
		if (isnan(e->estimate))
			assert_non_null(why);
		else
			numbers++;
		rows++;
		dataset_free(&d);
	}
	fclose(f);
	printf("# lm__ancova: %zu coefficients against R, %zu with numbers\n", rows, numbers);
	assert_int_equal(bad, 0);
	assert_true(rows >= 30 && numbers >= 20);
}

static void test_icc_reference(void **state)
{
	(void)state;
	FILE *f = fopen(ref_path("icc.csv"), "r");
	assert_non_null(f);
	char line[1024], *fld[8];
	assert_non_null(fgets(line, sizeof line, f));
	size_t rows = 0, bad = 0;
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(split(line, fld, 8), 6);
		struct dataset d;
		dataset_read(fld[0], &d);
		assert_non_null(d.cluster);
		struct lm__icc icc;
		assert_int_equal(lm__icc_oneway(d.n, d.baseline, d.cluster, d.n_clusters, &icc), 0);
		double want[] = {field_num(fld[1]), field_num(fld[2]), field_num(fld[3])};
		double got[] = {icc.icc, icc.design_effect, icc.n0};
		for (int k = 0; k < 3; k++)
			if (!same(got[k], want[k], 0)) {
				print_error("%s ICC field %d: got %.17g, R %.17g\n", fld[0], k, got[k], want[k]);
				bad++;
			}
		if (icc.clusters != strtoul(fld[4], NULL, 10) || icc.n != strtoul(fld[5], NULL, 10)) {
			print_error("%s: %zu clusters, %zu rows; R %s, %s\n", fld[0], icc.clusters, icc.n, fld[4],
				    fld[5]);
			bad++;
		}
		if (isnan(icc.icc) != (icc.why != NULL))
			bad++;
		rows++;
		dataset_free(&d);
	}
	fclose(f);
	assert_int_equal(bad, 0);
	assert_true(rows >= 6);
}

/* The 95% CI's t quantile at non-integer df, as Satterthwaite's are. */
static void test_qt_reference(void **state)
{
	(void)state;
	FILE *f = fopen(ref_path("qt.csv"), "r");
	assert_non_null(f);
	char line[256], *fld[4];
	assert_non_null(fgets(line, sizeof line, f));
	size_t rows = 0, bad = 0;
	while (fgets(line, sizeof line, f)) {
		assert_int_equal(split(line, fld, 4), 3);
		double df = field_num(fld[0]), p = field_num(fld[1]), want = field_num(fld[2]);
		double got = lm_stat_t_quantile(p, df);
		if (!(fabs(got - want) <= 1e-12 * fabs(want))) {
			print_error("qt(%.17g, %.17g): got %.17g, R %.17g\n", p, df, got, want);
			bad++;
		}
		rows++;
	}
	fclose(f);
	assert_int_equal(bad, 0);
	assert_true(rows >= 10);
}

/* ---- edges by hand ------------------------------------------------------------- */

static void test_edges(void **state)
{
	(void)state;
	double y[6] = {1, 2, 3, 4, 5, 7}, b[6] = {2, 1, 4, 3, 6, 5};
	size_t arm[6] = {0, 0, 0, 1, 1, 1}, cl[6] = {0, 0, 1, 2, 2, 3};
	struct lm__ancova_effect base, eff[2];
	const char *why;
	/* Too few rows for 3 coefficients. */
	assert_int_equal(lm__ancova(3, y, b, arm, 2, 0, NULL, 0, &base, eff, &why), 0);
	assert_non_null(why);
	assert_true(isnan(eff[1].estimate) && eff[1].why == why && base.why == why);
	assert_null(eff[0].why);
	/* Invalid: an arm out of range, a reference out of range. */
	size_t bad_arm[6] = {0, 0, 0, 1, 1, 2};
	assert_int_equal(lm__ancova(6, y, b, bad_arm, 2, 0, NULL, 0, &base, eff, &why), -1);
	assert_non_null(why);
	assert_int_equal(lm__ancova(6, y, b, arm, 2, 2, NULL, 0, &base, eff, &why), -1);
	/* With 2 clusters an arm, numbers; reference 1 flips the sign. */
	assert_int_equal(lm__ancova(6, y, b, arm, 2, 0, cl, 4, &base, eff, &why), 0);
	assert_null(why);
	double effect = eff[1].estimate, se = eff[1].se;
	assert_true(isfinite(effect) && se > 0 && eff[1].df > 0);
	assert_int_equal(lm__ancova(6, y, b, arm, 2, 1, cl, 4, &base, eff, &why), 0);
	assert_near(eff[0].estimate, -effect, 1e-12, "flipped estimate");
	assert_near(eff[0].se, se, 1e-12, "flipped se");
	/* One cluster in arm 1. */
	size_t one[6] = {0, 0, 1, 2, 2, 2};
	assert_int_equal(lm__ancova(6, y, b, arm, 2, 0, one, 3, &base, eff, &why), 0);
	assert_non_null(why);
	assert_true(isnan(eff[1].se) && isnan(base.estimate));
	/* ICC: one cluster; all singletons; an id out of range. */
	size_t same_cl[6] = {0, 0, 0, 0, 0, 0}, each[6] = {0, 1, 2, 3, 4, 5};
	struct lm__icc icc;
	assert_int_equal(lm__icc_oneway(6, y, same_cl, 1, &icc), 0);
	assert_true(isnan(icc.icc) && icc.why && icc.clusters == 1 && icc.n == 6);
	assert_int_equal(lm__icc_oneway(6, y, each, 6, &icc), 0);
	assert_true(isnan(icc.icc) && icc.why && icc.n0 == 1);
	assert_int_equal(lm__icc_oneway(6, y, each, 5, &icc), -1);
	/* Rows without a score are left out, whatever their cluster. */
	double s[6] = {1, 2, NAN, 4, 5, NAN};
	size_t c2[6] = {0, 0, 7, 1, 1, 7};
	assert_int_equal(lm__icc_oneway(6, s, c2, 2, &icc), 0);
	assert_true(icc.n == 4 && icc.clusters == 2);
	/* MSB = 9, MSW = 0.5, n0 = 2: (9 - 0.5) / (9 + 0.5). */
	assert_near(icc.icc, 8.5 / 9.5, 1e-15, "icc by hand");
	assert_near(icc.design_effect, 1 + 8.5 / 9.5, 1e-15, "design effect by hand");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inv_sqrt_2x2),  cmocka_unit_test(test_eigen_3x3),
		cmocka_unit_test(test_spd_inverse),   cmocka_unit_test(test_qr),
		cmocka_unit_test(test_ancova_reference), cmocka_unit_test(test_icc_reference),
		cmocka_unit_test(test_qt_reference),     cmocka_unit_test(test_edges),
	};
	return cmocka_run_group_tests_name("trial_stats", tests, NULL, NULL);
}
