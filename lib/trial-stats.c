/*
 * libra_measures — the numbers of a trial analysis: ANCOVA arm effects with
 * OLS or CR2 cluster-robust standard errors and Satterthwaite df, and the
 * one-way ANOVA ICC. See trial-stats-priv.h for the interface and
 * doc/PREPOST.md ("Trial analysis: the numbers") for the definitions.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "linalg-priv.h"
#include "stats-priv.h"
#include "trial-stats-priv.h"

/* A column is taken as a combination of the others when what QR leaves of
 * it is below this fraction of its norm (R's lm() uses 1e-7 with pivoting;
 * a design here either is clearly of full rank or has an empty arm or a
 * constant baseline, which are caught by name before). */
#define RANK_TOL 1e-9
/* Eigenvalues of I - H_jj at or below this count as zero in the inverse
 * square root, as in clubSandwich's matrix_power(). */
#define ZERO_EIGEN 1e-12

static const char WHY_INVALID[] = "invalid arguments";
static const char WHY_MEMORY[] = "out of memory";
static const char WHY_FEW_ROWS[] = "too few pairs for the model (need more pairs than coefficients)";
static const char WHY_EMPTY_ARM[] = "a group has no pairs, so its effect cannot be estimated";
static const char WHY_CONSTANT[] = "the baseline scores do not vary, so they cannot adjust the effect";
static const char WHY_SINGULAR[] = "the design is singular (the groups and the baseline are collinear)";
static const char WHY_ONE_CLUSTER[] =
	"a group has fewer than 2 clusters, so cluster-robust errors cannot be estimated";
static const char WHY_CR2[] = "the cluster-robust errors could not be computed";

static void effect_nan(struct lm__ancova_effect *e, const char *why)
{
	e->estimate = e->se = e->t = e->df = e->p = e->lo = e->hi = NAN;
	e->why = why;
}

static void fail_all(size_t n_arms, size_t reference, struct lm__ancova_effect *baseline,
		     struct lm__ancova_effect *effects, const char **why, const char *reason)
{
	effect_nan(baseline, reason);
	for (size_t a = 0; a < n_arms; a++)
		effect_nan(&effects[a], a == reference ? NULL : reason);
	*why = reason;
}

static void effect_fill(struct lm__ancova_effect *e, double estimate, double var, double df)
{
	e->estimate = estimate;
	e->se = sqrt(var);
	e->t = estimate / e->se;
	e->df = df;
	e->p = lm__t_two_sided(e->t, df);
	double half = lm_stat_t_quantile(0.975, df) * e->se;
	e->lo = estimate - half;
	e->hi = estimate + half;
	e->why = NULL;
}

/* out = a b, for p x p matrices (row-major). */
static void mat_mul(size_t p, const double *a, const double *b, double *out)
{
	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j < p; j++) {
			double t = 0;
			for (size_t k = 0; k < p; k++)
				t += a[i * p + k] * b[k * p + j];
			out[i * p + j] = t;
		}
}

/* The CR2 covariance (p x p, into v) and the Satterthwaite df of each
 * coefficient (into df), for the design x (column-major, n x p), residuals
 * e, M = (X'X)^-1 = F F' (F = R^-1), rows grouped by cluster (order, start).
 *
 * With A_j = (I - H_jj)^-1/2 and G_j = A_j X_j M: V = sum_j G_j' e_j e_j'
 * G_j; for coefficient k, g_j = column k of G_j, u_j = X_j' g_j, Omega_jl =
 * [j = l] g_j'g_j - u_j' M u_l and df = (sum_j Omega_jj)^2 / sum_jl
 * Omega_jl^2 (clubSandwich's Satterthwaite, working model the identity).
 *
 * A_j is an m x m matrix for a cluster of m rows, but H_jj = Z Z' with Z =
 * X_j F of rank <= p, and f(Z Z') Z = Z f(Z'Z) for any f of the eigenvalues;
 * so G_j = X_j F (I - S_j)^-1/2 F' = X_j P_j with S_j = F' X_j'X_j F, p x p.
 * The eigenvalues of I - S_j are those of I - H_jj in the range of Z (and
 * 1 for the rest, where Z contributes nothing), so the 1e-12 rule is the
 * same. Everything then comes from C_j = X_j'X_j and X_j'e_j: g_j'g_j =
 * P_j[,k]' C_j P_j[,k], u_j = C_j P_j[,k], and the cost is O(n p^2 + J p^3
 * + J^2 p) instead of O(m^3) a cluster. 0, or -1 out of memory. */
static int cr2(size_t n, size_t p, const double *x, const double *e, const double *m, const double *f,
	       const size_t *order, const size_t *start, size_t n_groups, double *v, double *df)
{
	int rc = -1;
	double *u = malloc(n_groups * p * p * sizeof *u); /* U_j = C_j P_j, row-major */
	double *gg = malloc(n_groups * p * sizeof *gg);  /* g_j'g_j of each coefficient */
	double *w = malloc(n_groups * p * sizeof *w);
	if (!u || !gg || !w)
		goto out;
	memset(v, 0, p * p * sizeof *v);
	for (size_t j = 0; j < n_groups; j++) {
		double c[16 * 16] = {0}, xe[16] = {0}, t1[16 * 16], b[16 * 16], q[16 * 16], pj[16 * 16];
		for (size_t r = start[j]; r < start[j + 1]; r++) {
			size_t i = order[r];
			for (size_t a = 0; a < p; a++) {
				xe[a] += x[a * n + i] * e[i];
				for (size_t bb = a; bb < p; bb++)
					c[a * p + bb] += x[a * n + i] * x[bb * n + i];
			}
		}
		for (size_t a = 0; a < p; a++)
			for (size_t bb = 0; bb < a; bb++)
				c[a * p + bb] = c[bb * p + a];
		/* B = I - F' C F. */
		mat_mul(p, c, f, t1); /* C F */
		for (size_t a = 0; a < p; a++)
			for (size_t bb = a; bb < p; bb++) {
				double t = 0;
				for (size_t k = 0; k < p; k++)
					t += f[k * p + a] * t1[k * p + bb];
				b[a * p + bb] = b[bb * p + a] = (a == bb ? 1 : 0) - t;
			}
		if (lm__sym_inv_sqrt(p, b, q, ZERO_EIGEN) != 0)
			goto out;
		/* P_j = F Q F'. */
		mat_mul(p, f, q, t1); /* F Q */
		for (size_t a = 0; a < p; a++)
			for (size_t bb = a; bb < p; bb++) {
				double t = 0;
				for (size_t k = 0; k < p; k++)
					t += t1[a * p + k] * f[bb * p + k];
				pj[a * p + bb] = pj[bb * p + a] = t;
			}
		/* G_j'e_j = P_j X_j'e_j; U_j = C_j P_j; g_j'g_j = P_j[,k]' U_j[,k]. */
		double vj[16];
		for (size_t a = 0; a < p; a++) {
			double t = 0;
			for (size_t k = 0; k < p; k++)
				t += pj[a * p + k] * xe[k];
			vj[a] = t;
		}
		for (size_t a = 0; a < p; a++)
			for (size_t bb = 0; bb < p; bb++)
				v[a * p + bb] += vj[a] * vj[bb];
		double *uj = u + j * p * p;
		for (size_t a = 0; a < p; a++)
			for (size_t bb = 0; bb < p; bb++) {
				double t = 0;
				for (size_t k = 0; k < p; k++)
					t += c[a * p + k] * pj[k * p + bb];
				uj[a * p + bb] = t;
			}
		for (size_t k = 0; k < p; k++) {
			double t = 0;
			for (size_t a = 0; a < p; a++)
				t += pj[a * p + k] * uj[a * p + k];
			gg[j * p + k] = t;
		}
	}
	for (size_t k = 0; k < p; k++) {
		/* w_l = M u_l (u_l: column k of U_l). */
		for (size_t l = 0; l < n_groups; l++)
			for (size_t r = 0; r < p; r++) {
				double t = 0;
				for (size_t c = 0; c < p; c++)
					t += m[r * p + c] * u[(l * p + c) * p + k];
				w[l * p + r] = t;
			}
		double sum_diag = 0, sum_sq = 0;
		for (size_t j = 0; j < n_groups; j++)
			for (size_t l = j; l < n_groups; l++) {
				double t = 0;
				for (size_t r = 0; r < p; r++)
					t += u[(j * p + r) * p + k] * w[l * p + r];
				double omega = (j == l ? gg[j * p + k] : 0) - t;
				sum_sq += (j == l ? 1 : 2) * omega * omega;
				if (j == l)
					sum_diag += omega;
			}
		df[k] = sum_diag * sum_diag / sum_sq;
	}
	rc = 0;
out:
	free(u);
	free(gg);
	free(w);
	return rc;
}

int lm__ancova(size_t n, const double *y, const double *baseline, const size_t *arm, size_t n_arms,
	       size_t reference, const size_t *cluster, size_t n_clusters, struct lm__ancova_effect *baseline_out,
	       struct lm__ancova_effect *effects, const char **why)
{
	if (n_arms < 2 || reference >= n_arms || n_arms > 15) {
		if (n_arms > 0)
			fail_all(n_arms, reference < n_arms ? reference : 0, baseline_out, effects, why, WHY_INVALID);
		else
			*why = WHY_INVALID;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (arm[i] >= n_arms || (cluster && cluster[i] >= n_clusters)) {
			fail_all(n_arms, reference, baseline_out, effects, why, WHY_INVALID);
			return -1;
		}
	/* Intercept, baseline, one indicator for each arm but the reference. */
	size_t p = n_arms + 1;
	if (n <= p) {
		fail_all(n_arms, reference, baseline_out, effects, why, WHY_FEW_ROWS);
		return 0;
	}
	size_t col_of[16];
	size_t in_arm[16] = {0};
	for (size_t a = 0, c = 2; a < n_arms; a++)
		col_of[a] = a == reference ? SIZE_MAX : c++;
	for (size_t i = 0; i < n; i++)
		in_arm[arm[i]]++;
	for (size_t a = 0; a < n_arms; a++)
		if (in_arm[a] == 0) {
			fail_all(n_arms, reference, baseline_out, effects, why, WHY_EMPTY_ARM);
			return 0;
		}
	struct lm_moments mb = {0};
	for (size_t i = 0; i < n; i++)
		lm__moments_add(&mb, baseline[i]);
	if (!(lm__moments_var(&mb) > 0)) {
		fail_all(n_arms, reference, baseline_out, effects, why, WHY_CONSTANT);
		return 0;
	}

	int rc = -1;
	const char *reason = WHY_MEMORY;
	double *x = malloc(n * p * sizeof *x), *qr = malloc(n * p * sizeof *qr);
	double *z = malloc(n * sizeof *z), *e = malloc(n * sizeof *e);
	double *m = malloc(p * p * sizeof *m), *v = malloc(p * p * sizeof *v);
	size_t *order = NULL, *start = NULL;
	if (!x || !qr || !z || !e || !m || !v)
		goto out;
	/* The baseline centred: the same slope, arm effects and hat matrix,
	 * but an intercept column not nearly collinear with it. */
	for (size_t i = 0; i < n; i++) {
		x[i] = 1;
		x[n + i] = baseline[i] - mb.mean;
		for (size_t c = 2; c < p; c++)
			x[c * n + i] = 0;
		if (col_of[arm[i]] != SIZE_MAX)
			x[col_of[arm[i]] * n + i] = 1;
	}
	memcpy(qr, x, n * p * sizeof *qr);
	double tau[16], beta[16], df[16];
	if (lm__qr(n, p, qr, tau, RANK_TOL) != 0) {
		reason = WHY_SINGULAR;
		rc = 0;
		goto out;
	}
	memcpy(z, y, n * sizeof *z);
	lm__qr_qty(n, p, qr, tau, z);
	lm__qr_solve_r(n, p, qr, z, beta);
	double f[16 * 16];
	lm__qr_r_inverse(n, p, qr, f);
	lm__qr_xtx_inverse(n, p, qr, m);
	for (size_t i = 0; i < n; i++) {
		double fit = 0;
		for (size_t c = 0; c < p; c++)
			fit += x[c * n + i] * beta[c];
		e[i] = y[i] - fit;
	}
	if (!cluster) {
		/* The residuals sum of squares from Q'y's tail is no more
		 * accurate here than from the residuals themselves. */
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			ss += e[i] * e[i];
		double s2 = ss / (double)(n - p);
		for (size_t k = 0; k < p * p; k++)
			v[k] = s2 * m[k];
		for (size_t k = 0; k < p; k++)
			df[k] = (double)(n - p);
	} else {
		/* Rows grouped by cluster (a counting sort), clusters without
		 * rows dropped; and how many clusters each arm has rows in. */
		order = malloc(n * sizeof *order);
		start = calloc(n_clusters + 1, sizeof *start);
		if (!order || !start)
			goto out;
		for (size_t i = 0; i < n; i++)
			start[cluster[i] + 1]++;
		for (size_t j = 0; j < n_clusters; j++)
			start[j + 1] += start[j];
		for (size_t i = 0; i < n; i++)
			order[start[cluster[i]]++] = i;
		for (size_t j = n_clusters; j > 0; j--)
			start[j] = start[j - 1];
		start[0] = 0;
		size_t groups = 0, arm_clusters[16] = {0};
		for (size_t j = 0; j < n_clusters; j++) {
			if (start[j + 1] == start[j])
				continue;
			int seen[16] = {0};
			for (size_t r = start[j]; r < start[j + 1]; r++)
				if (!seen[arm[order[r]]]++)
					arm_clusters[arm[order[r]]]++;
			start[groups++] = start[j];
		}
		start[groups] = n;
		for (size_t a = 0; a < n_arms; a++)
			if (arm_clusters[a] < 2) {
				reason = WHY_ONE_CLUSTER;
				rc = 0;
				goto out;
			}
		if (cr2(n, p, x, e, m, f, order, start, groups, v, df) != 0)
			goto out;
		for (size_t k = 0; k < p; k++)
			if (!(v[k * p + k] >= 0) || !(df[k] > 0)) {
				reason = WHY_CR2;
				rc = 0;
				goto out;
			}
	}
	effect_fill(baseline_out, beta[1], v[p + 1], df[1]);
	for (size_t a = 0; a < n_arms; a++) {
		size_t c = col_of[a];
		if (c == SIZE_MAX)
			effect_nan(&effects[a], NULL);
		else
			effect_fill(&effects[a], beta[c], v[c * p + c], df[c]);
	}
	*why = NULL;
	free(x);
	free(qr);
	free(z);
	free(e);
	free(m);
	free(v);
	free(order);
	free(start);
	return 0;
out:
	fail_all(n_arms, reference, baseline_out, effects, why, reason);
	free(x);
	free(qr);
	free(z);
	free(e);
	free(m);
	free(v);
	free(order);
	free(start);
	return rc;
}

static const char WHY_ICC_FEW_CLUSTERS[] = "fewer than 2 clusters have a score";
static const char WHY_ICC_SINGLETONS[] = "no cluster has 2 scores";
static const char WHY_ICC_CONSTANT[] = "the scores do not vary";

int lm__icc_oneway(size_t n, const double *score, const size_t *cluster, size_t n_clusters, struct lm__icc *out)
{
	out->icc = out->design_effect = out->n0 = NAN;
	out->clusters = out->n = 0;
	out->why = NULL;
	for (size_t i = 0; i < n; i++)
		if (!isnan(score[i]) && cluster[i] >= n_clusters) {
			out->why = WHY_INVALID;
			return -1;
		}
	struct lm_moments *mc = calloc(n_clusters ? n_clusters : 1, sizeof *mc);
	if (!mc) {
		out->why = WHY_MEMORY;
		return -1;
	}
	struct lm_moments all = {0};
	for (size_t i = 0; i < n; i++)
		if (!isnan(score[i])) {
			lm__moments_add(&mc[cluster[i]], score[i]);
			lm__moments_add(&all, score[i]);
		}
	/* SSW from each cluster's own deviations, SSB from the cluster means'
	 * deviations from the grand mean: no sum of squares of raw scores. */
	double ssw = 0, ssb = 0, sum_sq_sizes = 0;
	size_t groups = 0;
	for (size_t j = 0; j < n_clusters; j++) {
		if (mc[j].n == 0)
			continue;
		groups++;
		ssw += mc[j].m2;
		double d = mc[j].mean - all.mean;
		ssb += (double)mc[j].n * d * d;
		sum_sq_sizes += (double)mc[j].n * (double)mc[j].n;
	}
	free(mc);
	double big_n = (double)all.n;
	out->n = all.n;
	out->clusters = groups;
	if (groups < 2) {
		out->why = WHY_ICC_FEW_CLUSTERS;
		return 0;
	}
	out->n0 = (big_n - sum_sq_sizes / big_n) / (double)(groups - 1);
	if (all.n <= groups) {
		out->why = WHY_ICC_SINGLETONS;
		return 0;
	}
	if (!(all.m2 > 0)) {
		out->why = WHY_ICC_CONSTANT;
		return 0;
	}
	double msb = ssb / (double)(groups - 1), msw = ssw / (double)(all.n - groups);
	out->icc = (msb - msw) / (msb + (out->n0 - 1) * msw);
	out->design_effect = 1 + (big_n / (double)groups - 1) * out->icc;
	return 0;
}
