/*
 * libra_measures — statistics: the Student-t distribution (through the
 * regularised incomplete beta function), running moments, Cronbach's alpha,
 * and the paired and Welch t-tests used by the pre/post analysis.
 *
 * Accuracy target: p-values agree with R's pt() to 1e-10 (relative where
 * the value is not tiny) for df from 1 to 1e6 and |t| up to 40; see
 * tests/test_stats.c and tests/reference/.
 */
#include <float.h>
#include <math.h>

#include "internal.h"
#include "stats-priv.h"

/* ---- log-gamma differences without cancellation --------------------------- */

/* Stirling's remainder: lgamma(x) - [(x - 0.5) log x - x + log(2 pi) / 2], x >= 10. */
static double stirling_delta(double x)
{
	double x2 = 1.0 / (x * x);
	return (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680 - x2 / 1188)))) / x;
}

/*
 * lgamma(q + p) - lgamma(q). For large q the two terms are huge and nearly
 * equal (lgamma(5e5) is about 6e6, so subtracting loses ~1e-9 relative);
 * Stirling's series for the difference keeps full precision.
 */
static double lgamma_diff(double q, double p)
{
	if (q < 100)
		return lgamma(q + p) - lgamma(q);
	return (q - 0.5) * log1p(p / q) + p * log(q + p) - p + stirling_delta(q + p) - stirling_delta(q);
}

/* log B(a, b) for the cases the t distribution needs (one argument may be large). */
static double lbeta(double a, double b)
{
	double p = a < b ? a : b, q = a < b ? b : a;
	return lgamma(p) - lgamma_diff(q, p);
}

/*
 * Continued fraction for the incomplete beta function (modified Lentz), valid
 * and fast for x < (a + 1) / (a + b + 2). Returns I_x(a, b). The caller gives
 * log x and log y (y = 1 - x) computed without cancellation: with a = 5e5, an
 * x rounded near 1 would cost 1e-10 in a * log x.
 */
static double beta_cf(double a, double b, double x, double lx, double ly)
{
	const double tiny = 1e-300;
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 100000; m++) {
		int m2 = 2 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-16)
			break;
	}
	double log_front = a * lx + b * ly - lbeta(a, b);
	return exp(log_front) * h / a;
}

/* I_x(a, b), with y = 1 - x and both logarithms supplied for precision
 * (x itself may underflow to 0 while log x is finite). */
static double ibeta(double a, double b, double x, double y, double lx, double ly)
{
	if (lx == -INFINITY)
		return 0;
	if (ly == -INFINITY)
		return 1;
	if (x < (a + 1) / (a + b + 2))
		return beta_cf(a, b, x, lx, ly);
	return 1 - beta_cf(b, a, y, ly, lx);
}

/*
 * P(|T| >= |t|) = I_x(df/2, 1/2) with x = df / (df + t^2) = 1 / (1 + u^2),
 * u = |t| / sqrt(df). Written in u so that t^2 cannot overflow; with infinite
 * df, T is standard normal.
 */
static double t_tails(double t, double df)
{
	double at = fabs(t);
	if (isinf(df))
		return erfc(at / 1.4142135623730950488);
	double u = at / sqrt(df), x, y, lx, ly;
	if (u > 1e100) {
		lx = -2 * log(u);
		ly = -(1 / u) * (1 / u);
		x = exp(lx);
		y = 1;
	} else {
		double u2 = u * u;
		x = 1 / (1 + u2);
		y = u2 / (1 + u2);
		lx = -log1p(u2);
		ly = u2 > 0 ? -log1p(1 / u2) : -INFINITY;
	}
	return ibeta(df / 2, 0.5, x, y, lx, ly);
}

double lm_stat_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t < 0 ? 0 : 1;
	double tail = 0.5 * t_tails(t, df); /* P(T <= -|t|) */
	return t < 0 ? tail : 1 - tail;
}

/* Two-sided p-value of |t| on df degrees of freedom, without the 1 - (1 - p) loss. */
double lm__t_two_sided(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return 0;
	return t_tails(t, df);
}

static double t_density(double t, double df)
{
	if (isinf(df))
		return exp(-t * t / 2) / 2.5066282746310005024;
	double log_c = lgamma_diff(df / 2, 0.5) - 0.5 * log(df * 3.14159265358979323846);
	return exp(log_c - (df + 1) / 2 * log1p(t * t / df));
}

double lm_stat_t_quantile(double p, double df)
{
	if (isnan(p) || !(df > 0) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	/* Solve for the upper tail q = min(p, 1 - p) by Newton steps on the
	 * log of the tail, safeguarded by bisection on a bracket. */
	int upper = p > 0.5;
	double q = upper ? 1 - p : p; /* lower tail probability of -|t| */
	double lo = 0, hi = 1;
	while (0.5 * lm__t_two_sided(hi, df) > q && hi < 1e300)
		hi *= 2;
	double t = hi / 2;
	for (int i = 0; i < 400; i++) {
		double f = 0.5 * lm__t_two_sided(t, df); /* P(T > t) */
		if (f > q)
			lo = t;
		else
			hi = t;
		double dens = t_density(t, df);
		double next = dens > 0 ? t + (f - q) / dens : NAN;
		if (!(next > lo && next < hi))
			next = 0.5 * (lo + hi);
		if (fabs(next - t) <= 1e-15 * fabs(next) || hi - lo <= 1e-15 * hi) {
			t = next;
			break;
		}
		t = next;
	}
	return upper ? t : -t;
}

/* ---- running moments (Welford) ---------------------------------------------- */

void lm__moments_add(struct lm_moments *m, double x)
{
	m->n++;
	double d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
}

double lm__moments_var(const struct lm_moments *m)
{
	return m->n > 1 ? m->m2 / (double)(m->n - 1) : NAN;
}

double lm__moments_sd(const struct lm_moments *m)
{
	return sqrt(lm__moments_var(m));
}
