/*
 * libra_measures — statistics: the Student-t distribution (through the
 * regularised incomplete beta function, and an asymptotic expansion for large
 * df), running moments, Cronbach's alpha, and the paired and Welch t-tests
 * used by the pre/post analysis.
 *
 * Accuracy target: p-values agree with R's pt() to 1e-10 (relative where
 * the value is not tiny) for df from 1 to 1e6 and |t| up to 40, and to 1e-12
 * for df from 1e5 up to DBL_MAX and infinity; see tests/test_stats.c and
 * tests/reference/.
 *
 * No state: nothing here reads or writes a global, so any thread may call
 * any function (lgamma() would write the global signgam; lgamma_r() does not).
 */
#include <float.h>
#include <math.h>

#include "internal.h"
#include "stats-priv.h"

#ifdef LM_HAVE_LGAMMA_R
/* In glibc, musl, the BSDs and macOS, but declared by <math.h> only outside
 * strict POSIX mode (_DEFAULT_SOURCE and the like); same prototype everywhere. */
double lgamma_r(double x, int *sign);
#endif

/* ---- log-gamma differences without cancellation --------------------------- */

/* Stirling's remainder: lgamma(x) - [(x - 0.5) log x - x + log(2 pi) / 2], x >= 10. */
static double stirling_delta(double x)
{
	double x2 = 1.0 / (x * x);
	return (1.0 / 12 - x2 * (1.0 / 360 - x2 * (1.0 / 1260 - x2 * (1.0 / 1680 - x2 / 1188)))) / x;
}

/*
 * log Gamma(x) for x > 0 without touching signgam. Where the C library has
 * lgamma_r() (the build checks), that; else shifted up to x >= 10 by
 * Gamma(x) = Gamma(x + n) / (x (x + 1) ... (x + n - 1)), then Stirling's
 * series to x^-15 (the next term is below 2e-18 there). The shift stops at
 * 10, not higher, because the terms that cancel grow with x.
 */
double lm__log_gamma_portable(double x)
{
	double shift = 0, prod = 1;
	if (x < 1) {
		shift = log(x); /* apart: x may be subnormal */
		x += 1;
	}
	for (; x < 10; x += 1)
		prod *= x;
	double r = 1 / x, r2 = r * r;
	double series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 * (1.0 / 1188 -
			r2 * (691.0 / 360360 - r2 * (1.0 / 156 - r2 * 3617.0 / 122400)))))));
	return (x - 0.5) * log(x) - x + 0.91893853320467274178 + series - shift - log(prod);
}

static double log_gamma(double x)
{
#ifdef LM_HAVE_LGAMMA_R
	int sign;
	return lgamma_r(x, &sign);
#else
	return lm__log_gamma_portable(x);
#endif
}

/*
 * lgamma(q + p) - lgamma(q). For large q the two terms are huge and nearly
 * equal (lgamma(5e5) is about 6e6, so subtracting loses ~1e-9 relative);
 * Stirling's series for the difference keeps full precision.
 */
static double lgamma_diff(double q, double p)
{
	if (q < 100)
		return log_gamma(q + p) - log_gamma(q);
	return (q - 0.5) * log1p(p / q) + p * log(q + p) - p + stirling_delta(q + p) - stirling_delta(q);
}

/* log B(a, b) for the cases the t distribution needs (one argument may be large). */
static double lbeta(double a, double b)
{
	double p = a < b ? a : b, q = a < b ? b : a;
	return log_gamma(p) - lgamma_diff(q, p);
}

/*
 * Continued fraction for the incomplete beta function (modified Lentz), valid
 * and fast for x < (a + 1) / (a + b + 2). Returns I_x(a, b). The caller gives
 * log x and log y (y = 1 - x) computed without cancellation: with a = 5e5, an
 * x rounded near 1 would cost 1e-10 in a * log x.
 */
#define LENTZ_TINY 1e-300

/* One step of the modified Lentz method with the coefficient @p aa: updates
 * c and d, and returns the factor the fraction is multiplied by. */
static double lentz_step(double aa, double *c, double *d)
{
	*d = 1 + aa * *d;
	if (fabs(*d) < LENTZ_TINY)
		*d = LENTZ_TINY;
	*c = 1 + aa / *c;
	if (fabs(*c) < LENTZ_TINY)
		*c = LENTZ_TINY;
	*d = 1 / *d;
	return *d * *c;
}

static double beta_cf(double a, double b, double x, double lx, double ly)
{
	double qab = a + b, qap = a + 1, qam = a - 1;
	double c = 1, d = 1 - qab * x / qap;
	if (fabs(d) < LENTZ_TINY)
		d = LENTZ_TINY;
	d = 1 / d;
	double h = d;
	for (int m = 1; m <= 100000; m++) {
		int m2 = 2 * m;
		/* The even step, then the odd one. */
		h *= lentz_step(m * (b - m) * x / ((qam + m2) * (a + m2)), &c, &d);
		double del = lentz_step(-(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)), &c, &d);
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
 * From this df on, the tails come from the expansion below. The continued
 * fraction converges ever more slowly as df grows (its step count grows like
 * sqrt(df)), loses digits from about df 5000 (5e-13 relative there, 4e-11 at
 * 1e6) and gives NaN near DBL_MAX; the expansion is as accurate as the inputs
 * allow from df 2000 on and gets better with df.
 */
#define LARGE_DF 5000

/*
 * P(|T| >= t) = I_x(a, 1/2) for large a = df / 2, t >= 0, by Temme's
 * expansion of the incomplete beta function for a large and b small (the one
 * in DiDonato & Morris, ACM TOMS 708, section 9). With x = e^-s and
 * T = a - 1/4 (= a + (b - 1) / 2),
 *   I_x(a, b) = Gamma(a + b) / (Gamma(a) Gamma(b) T^b) *
 *               sum_n d_n T^(-2n) Gamma(b + 2n, T s),
 * where sum_n d_n w^(2n) = ((sinh(w / 2)) / (w / 2))^(b - 1); it comes from
 * substituting e^-w for the integration variable, and converges for s < 2 pi.
 * For b = 1/2, Gamma(1/2, z) = sqrt(pi) erfc(sqrt(z)): the first term is the
 * normal tail at sqrt(2 z), and z = T log(1 + t^2 / df) tends to t^2 / 2 as
 * df grows, so the limit is the normal distribution by construction. Beyond
 * z = 746 the tail is below half the smallest subnormal double: 0. Below
 * that, s = z / T < 0.3 here, where the terms fall by (s / 2 pi)^2 at least.
 */
static double t_tails_large_df(double t, double df)
{
	double t2 = t * t;
	if (!(t2 < INFINITY))
		return 0;
	/* z = (df / 2 - 1 / 4) log1p(v), v = t^2 / df, written so that neither
	 * a subnormal v (df near DBL_MAX) nor a huge df costs digits. */
	double v = t2 / df;
	double z = t2 * (0.5 - 0.25 / df) * (v < 1e-10 ? 1 - v / 2 : log1p(v) / v);
	if (z == 0)
		return 1;
	if (z > 746)
		return 0;
	double a = df / 2, T = a - 0.25, rz = sqrt(z);
	/* E = erfc(sqrt(z)) and S = sqrt(pi z) e^z E (about 1 for large z). */
	double E, S;
	if (z < 700) {
		E = erfc(rz);
		S = 1.7724538509055160273 * rz * exp(z) * E;
	} else { /* e^z would overflow: S by its asymptotic series, 1/(2z) < 1/1400 */
		double term = 1;
		S = 1;
		for (int k = 1; k < 20 && fabs(term) > 1e-17; k++) {
			term *= -(2 * k - 1) / (2 * z);
			S += term;
		}
		E = S * exp(-z) / (1.7724538509055160273 * rz);
	}
	/* The terms: d_n from the power series of g = sinh(w/2)/(w/2) in w^2
	 * (g_k = 1 / (4^k (2k + 1)!)) raised to -1/2 (Miller's recurrence);
	 * r_k = Gamma(1/2 + k, z) / Gamma(1/2, z) from
	 * Gamma(s + 1, z) = s Gamma(s, z) + z^s e^-z, i.e.
	 * r_(k+1) = (1/2 + k) r_k + z^(k+1) / S. */
	enum { TERMS = 24 };
	double g[TERMS + 1], d[TERMS + 1];
	g[0] = d[0] = 1;
	double r = 1, zpow = z, sum = 1, tpow = 1, t_2 = 1 / (T * T);
	int k = 0;
	for (int n = 1; n <= TERMS; n++) {
		g[n] = g[n - 1] / (4.0 * (2 * n) * (2 * n + 1));
		double acc = 0;
		for (int j = 1; j <= n; j++)
			acc += (0.5 * j - n) * g[j] * d[n - j];
		d[n] = acc / n;
		for (int step = 0; step < 2; step++, k++) {
			r = (0.5 + k) * r + zpow / S;
			zpow *= z;
		}
		tpow *= t_2;
		double term = d[n] * tpow * r;
		sum += term;
		if (fabs(term) <= 1e-17 * sum)
			break;
	}
	/* log[Gamma(a + 1/2) / (Gamma(a) T^(1/2))] by Stirling (a >= 2500): the
	 * log-gamma difference of lgamma_diff() with its p log(q + p) taken
	 * together with -log(T) / 2, as log1p((a + 1/2 - T) / T) / 2. */
	double log_norm = (a - 0.5) * log1p(0.5 / a) - 0.5 + 0.5 * log1p(0.75 / T) + stirling_delta(a + 0.5) -
			  stirling_delta(a);
	return exp(log_norm) * E * sum;
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
	if (df >= LARGE_DF)
		return t_tails_large_df(at, df);
	double u = at / sqrt(df), x, y, lx, ly;
	if (u > 1e100) {
		/* (u overflows when df < 1 and |t| is near DBL_MAX.) */
		lx = u < INFINITY ? -2 * log(u) : -2 * (log(at) - 0.5 * log(df));
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
	/* (df * pi would overflow near DBL_MAX.) */
	double log_c = lgamma_diff(df / 2, 0.5) -
		       0.5 * (df < LARGE_DF ? log(df * 3.14159265358979323846) : log(df) + 1.1447298858494001741);
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
	while (0.5 * lm__t_two_sided(hi, df) > q) {
		if (hi > DBL_MAX / 2) {
			/* With few df the tail is heavy: even the largest double may
			 * leave more than q beyond it (qt(1e-300, 0.5) in R is -Inf). */
			if (0.5 * lm__t_two_sided(DBL_MAX, df) > q)
				return upper ? INFINITY : -INFINITY;
			hi = DBL_MAX;
			break;
		}
		hi *= 2;
	}
	double t = hi / 2;
	for (int i = 0; i < 400; i++) {
		double f = 0.5 * lm__t_two_sided(t, df); /* P(T > t) */
		if (f > q)
			lo = t;
		else
			hi = t;
		double dens = t_density(t, df);
		double next = dens > 0 ? t + (f - q) / dens : NAN;
		/* Far from the root, a Newton step on the tail itself creeps
		 * (about 1/t a step in a normal-like tail: from t = 16 to the
		 * 31.6 of p = 1e-219 it ran out of steps); on log(tail) it does
		 * not. Within a factor 256 of q the plain step is kept: it
		 * converges as fast there, and every quantile that was right
		 * before stays the same to the bit. */
		if (dens > 0 && (f > 256 * q || f < q / 256))
			next = t + log(f / q) * (f / dens);
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
