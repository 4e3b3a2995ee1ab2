/*
 * libra_measures — small dense linear algebra (see linalg-priv.h).
 */
#include "linalg-priv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Apply reflector j — its vector below the diagonal in col (a 1 implied at
 * row j) and its factor tau — to the column v, from row j down. */
static void reflect(size_t n, size_t j, const double *col, double tau, double *v)
{
	double d = v[j];
	for (size_t i = j + 1; i < n; i++)
		d += col[i] * v[i];
	d *= tau;
	v[j] -= d;
	for (size_t i = j + 1; i < n; i++)
		v[i] -= d * col[i];
}

int lm__qr(size_t n, size_t p, double *x, double *tau, double tol)
{
	if (n < p)
		return -1;
	for (size_t j = 0; j < p; j++) {
		double *col = x + j * n;
		/* Reflectors keep a column's norm, so the whole column's norm
		 * is the original one; what is left below the diagonal is
		 * measured against it. */
		double scale = 0;
		for (size_t i = 0; i < n; i++)
			scale = fmax(scale, fabs(col[i]));
		if (!(scale > 0))
			return -1;
		double below = 0, full = 0;
		for (size_t i = 0; i < n; i++) {
			double v = (col[i] / scale) * (col[i] / scale);
			full += v;
			if (i >= j)
				below += v;
		}
		double norm = scale * sqrt(below);
		if (!(sqrt(below) > tol * sqrt(full)))
			return -1;
		double alpha = col[j] > 0 ? -norm : norm;
		/* v = x - alpha e1, stored with v[0] = 1 below the diagonal. */
		double v0 = col[j] - alpha;
		for (size_t i = j + 1; i < n; i++)
			col[i] /= v0;
		tau[j] = (alpha - col[j]) / alpha;
		col[j] = alpha;
		for (size_t k = j + 1; k < p; k++)
			reflect(n, j, col, tau[j], x + k * n);
	}
	return 0;
}

void lm__qr_qty(size_t n, size_t p, const double *qr, const double *tau, double *y)
{
	for (size_t j = 0; j < p; j++)
		reflect(n, j, qr + j * n, tau[j], y);
}

void lm__qr_solve_r(size_t n, size_t p, const double *qr, const double *z, double *b)
{
	for (size_t jj = p; jj-- > 0;) {
		double s = z[jj];
		for (size_t k = jj + 1; k < p; k++)
			s -= qr[k * n + jj] * b[k];
		b[jj] = s / qr[jj * n + jj];
	}
}

void lm__qr_r_inverse(size_t n, size_t p, const double *qr, double *ri)
{
	for (size_t j = 0; j < p; j++)
		/* Column j of R^-1: back-substitution of R c = e_j. */
		for (size_t i = p; i-- > 0;) {
			if (i > j) {
				ri[i * p + j] = 0;
				continue;
			}
			double s = i == j ? 1 : 0;
			for (size_t k = i + 1; k <= j; k++)
				s -= qr[k * n + i] * ri[k * p + j];
			ri[i * p + j] = s / qr[i * n + i];
		}
}

void lm__qr_xtx_inverse(size_t n, size_t p, const double *qr, double *m)
{
	/* R^-1 in place first: entry (i, j), i >= j, of R^-1 R^-T needs rows i
	 * and j of R^-1 from column i on, which the lower triangle written
	 * so far (row i last, its diagonal after its other entries) never
	 * overlaps; the upper triangle is mirrored at the end. */
	lm__qr_r_inverse(n, p, qr, m);
	for (size_t i = 0; i < p; i++)
		for (size_t j = 0; j <= i; j++) {
			double s = 0;
			for (size_t k = i; k < p; k++)
				s += m[i * p + k] * m[j * p + k];
			m[i * p + j] = s;
		}
	for (size_t i = 0; i < p; i++)
		for (size_t j = i + 1; j < p; j++)
			m[i * p + j] = m[j * p + i];
}

int lm__cholesky(size_t k, const double *a, double *l, double tol)
{
	double biggest = 0;
	for (size_t i = 0; i < k; i++)
		biggest = fmax(biggest, fabs(a[i * k + i]));
	memset(l, 0, k * k * sizeof *l);
	for (size_t j = 0; j < k; j++) {
		double d = a[j * k + j];
		for (size_t m = 0; m < j; m++)
			d -= l[j * k + m] * l[j * k + m];
		if (!(d > tol * biggest))
			return -1;
		double root = sqrt(d);
		l[j * k + j] = root;
		for (size_t i = j + 1; i < k; i++) {
			double s = a[i * k + j];
			for (size_t m = 0; m < j; m++)
				s -= l[i * k + m] * l[j * k + m];
			l[i * k + j] = s / root;
		}
	}
	return 0;
}

int lm__spd_inverse(size_t k, const double *a, double *inv, double *work, double tol)
{
	double *l = work;
	if (lm__cholesky(k, a, l, tol) != 0)
		return -1;
	/* inv = L^-T L^-1, column by column: solve L y = e_j, then L' x = y. */
	for (size_t j = 0; j < k; j++) {
		double *x = inv; /* column j of inv: x[i * k + j] */
		for (size_t i = 0; i < k; i++) {
			double s = i == j ? 1 : 0;
			for (size_t m = 0; m < i; m++)
				s -= l[i * k + m] * x[m * k + j];
			x[i * k + j] = s / l[i * k + i];
		}
		for (size_t i = k; i-- > 0;) {
			double s = x[i * k + j];
			for (size_t m = i + 1; m < k; m++)
				s -= l[m * k + i] * x[m * k + j];
			x[i * k + j] = s / l[i * k + i];
		}
	}
	/* Exactly symmetric, as the caller will assume. */
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			inv[i * k + j] = inv[j * k + i] = 0.5 * (inv[i * k + j] + inv[j * k + i]);
	return 0;
}

int lm__sym_eigen(size_t k, double *a, double *values, double *vectors)
{
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			vectors[i * k + j] = i == j;
	int converged = 0;
	for (int sweep = 0; sweep < 100 && !converged; sweep++) {
		double off = 0, diag = 0;
		for (size_t i = 0; i < k; i++) {
			diag += a[i * k + i] * a[i * k + i];
			for (size_t j = i + 1; j < k; j++)
				off += a[i * k + j] * a[i * k + j];
		}
		if (off == 0 || off <= 1e-36 * diag) {
			converged = 1;
			break;
		}
		for (size_t p = 0; p < k; p++)
			for (size_t q = p + 1; q < k; q++) {
				double apq = a[p * k + q];
				if (apq == 0)
					continue;
				/* The rotation that zeroes a[p][q] (Rutishauser's
				 * stable form: t the smaller root). */
				double theta = (a[q * k + q] - a[p * k + p]) / (2 * apq);
				double t = (theta >= 0 ? 1 : -1) / (fabs(theta) + sqrt(theta * theta + 1));
				if (isinf(theta))
					t = 0;
				double c = 1 / sqrt(t * t + 1), s = t * c;
				for (size_t r = 0; r < k; r++) {
					double arp = a[r * k + p], arq = a[r * k + q];
					a[r * k + p] = c * arp - s * arq;
					a[r * k + q] = s * arp + c * arq;
				}
				for (size_t r = 0; r < k; r++) {
					double apr = a[p * k + r], aqr = a[q * k + r];
					a[p * k + r] = c * apr - s * aqr;
					a[q * k + r] = s * apr + c * aqr;
				}
				a[p * k + q] = a[q * k + p] = 0;
				for (size_t r = 0; r < k; r++) {
					double vrp = vectors[r * k + p], vrq = vectors[r * k + q];
					vectors[r * k + p] = c * vrp - s * vrq;
					vectors[r * k + q] = s * vrp + c * vrq;
				}
			}
	}
	for (size_t i = 0; i < k; i++)
		values[i] = a[i * k + i];
	/* Ascending, eigenvectors along (insertion sort: k is small). */
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && values[j] < values[j - 1]; j--) {
			double t = values[j];
			values[j] = values[j - 1];
			values[j - 1] = t;
			for (size_t r = 0; r < k; r++) {
				t = vectors[r * k + j];
				vectors[r * k + j] = vectors[r * k + j - 1];
				vectors[r * k + j - 1] = t;
			}
		}
	return converged ? 0 : -1;
}

int lm__sym_inv_sqrt(size_t k, const double *a, double *out, double zero_tol)
{
	double *w = malloc((2 * k * k + k) * sizeof *w);
	if (!w)
		return -1;
	double *copy = w, *vec = w + k * k, *val = w + 2 * k * k;
	memcpy(copy, a, k * k * sizeof *copy);
	if (lm__sym_eigen(k, copy, val, vec) != 0) {
		free(w);
		return -1;
	}
	for (size_t i = 0; i < k; i++)
		val[i] = val[i] > zero_tol ? 1 / sqrt(val[i]) : 0;
	for (size_t i = 0; i < k; i++)
		for (size_t j = i; j < k; j++) {
			double s = 0;
			for (size_t m = 0; m < k; m++)
				s += vec[i * k + m] * val[m] * vec[j * k + m];
			out[i * k + j] = out[j * k + i] = s;
		}
	free(w);
	return 0;
}
