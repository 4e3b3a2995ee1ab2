/*
 * libra_measures — private to report.c and report-svg.c: the report object,
 * the scale being written, and the small helpers both use to write HTML text
 * and numbers.
 */
#ifndef LM_REPORT_HTML_H
#define LM_REPORT_HTML_H

#include <math.h>
#include <string.h>

#include "internal.h"
#include "output-priv.h"
#include "report-priv.h"

struct lm_report {
	const lm_prepost *pp;              /* a reference of the report's own (lm__prepost_ref()) */
	const struct lm_instrument *inst;  /* the analysis's */
	unsigned long min_cell;
	char *pre_name, *post_name;
};

/* ---- output helpers ---------------------------------------------------------------- */

static inline void put(struct lm_out *o, const char *s)
{
	lm__out_str(o, s);
}

/* Text from a definition or the data, escaped for HTML text and attribute values. */
static inline void esc(struct lm_out *o, const char *s)
{
	if (!s)
		return;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		lm__out_put(o, run, (size_t)(s - run));
		put(o, rep);
		run = s + 1;
	}
	lm__out_put(o, run, (size_t)(s - run));
}

/* The exact value, as the JSON writer prints it. */
static inline void exact(struct lm_out *o, double v)
{
	char num[32];
	lm__out_put(o, num, lm_format_number(num, sizeof(num), v));
}

/* A value for reading: rounded to @p decimals, with a true minus sign. */
static inline void shown(struct lm_out *o, double v, int decimals)
{
	char num[32];
	double f = pow(10, decimals), x = round(v * f) / f;
	if (x == 0)
		x = 0; /* no "-0" */
	if (x < 0) {
		put(o, "\xe2\x88\x92");
		x = -x;
	}
	lm__out_put(o, num, lm_format_number(num, sizeof(num), x));
}

static inline void ulong_out(struct lm_out *o, unsigned long n)
{
	exact(o, (double)n);
}

/* An SVG coordinate. */
static inline void px(struct lm_out *o, double v)
{
	exact(o, round(v * 10) / 10);
}

/* `x="X" y="Y" width="W" height="H"`: a rectangle's place and size. */
static inline void xywh(struct lm_out *o, double x, double y, double w, double h)
{
	put(o, "x=\"");
	px(o, x);
	put(o, "\" y=\"");
	px(o, y);
	put(o, "\" width=\"");
	px(o, w);
	put(o, "\" height=\"");
	px(o, h);
	put(o, "\"");
}

/* A JSON pointer (RFC 6901) to a value of the lm_prepost JSON document. */
/* A statistic of group g, or of all pairs (g = LM_PREPOST_ALL_GROUPS). */
static inline double st(const lm_report *r, size_t s, size_t g, int which)
{
	return lm_prepost_stat(r->pp, s, g, which);
}

/* ---- one scale ------------------------------------------------------------------------ */

struct scale_ctx {
	const lm_report *r;
	struct lm_out *o;
	size_t s;
	const struct lm_scale *scale;
	size_t ng;
	const struct lm__scale_cells *cells; /* what is shown and what is hidden */
};

/*
 * Cronbach's alpha of a wave rests on all rows of the wave with every item
 * answered, paired or not: fewer than min_cell such rows and it is hidden,
 * and so is what would give it back (the RCI's reliability and S_diff, and
 * the reliable-change band, when the reliability is that alpha).
 */
static inline int alpha_hidden(const struct scale_ctx *c, int wave)
{
	double n = st(c->r, c->s, LM_PREPOST_ALL_GROUPS, wave ? LM_PREPOST_STAT_POST_ALPHA_N : LM_PREPOST_STAT_PRE_ALPHA_N);
	return isfinite(n) && n > 0 && n < (double)c->r->min_cell;
}

static inline int rci_hidden(const struct scale_ctx *c)
{
	return lm_prepost_reliability_source(c->r->pp, c->s) == LM_RELIABILITY_ALPHA_PRE && alpha_hidden(c, 0);
}

/* Whether group g is shown on this scale. */
static inline int gshown(const struct scale_ctx *c, size_t g)
{
	return lm__dtable_state(c->cells->groups, c->cells->group_item[g]) == LM__CELL_SHOWN;
}

/* Mean ± t(.975, n-1) * sd / sqrt(n) of a wave; NaN when not computable. */
static inline void mean_ci(double mean, double sd, double n, double *lo, double *hi)
{
	double half = n >= 2 ? lm_stat_t_quantile(0.975, n - 1) * sd / sqrt(n) : NAN;
	*lo = mean - half;
	*hi = mean + half;
}

/* report-svg.c: the patterns of the band segments, written once per document. */
void lm__report_svg_defs(struct lm_out *o);
/* report-svg.c: the charts of one scale. */
void lm__report_means_chart(struct scale_ctx *c);
void lm__report_bands_chart(struct scale_ctx *c);
void lm__report_jt_grid(struct scale_ctx *c);

#endif
