/*
 * libra_measures — private to the report's files (report.c, report-change.c,
 * report-svg.c, report-trial.c): the report object, the scale being written,
 * and the small helpers they use to write HTML text and numbers.
 */
#ifndef LM_REPORT_HTML_H
#define LM_REPORT_HTML_H

#include <math.h>
#include <string.h>

#include "internal.h"
#include "output-priv.h"
#include "prepost-keys.h"
#include "report-priv.h"

struct lm_report {
	const lm_prepost *pp;              /* a reference of the report's own (lm__prepost_ref()) */
	const struct lm_instrument *inst;  /* the analysis's */
	unsigned long min_cell;
	char *pre_name, *post_name;
	/* While a run with waves is written: a copy of the report whose pp is a
	 * view of baseline -> this later wave (lm__prepost_view()), and the
	 * wave's name, under which the JSON has its numbers. NULL otherwise. */
	const char *wave;
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

/* A statistic of group g, or of all pairs (g = LM_PREPOST_ALL_GROUPS). */
static inline double st(const lm_report *r, size_t s, size_t g, int which)
{
	return lm_prepost_stat(r->pp, s, g, which);
}

/* Whether scale s rests on enough pairs to show anything. */
static inline int scale_shown(const lm_report *r, size_t s)
{
	double n_all = st(r, s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_N);
	return isfinite(n_all) && n_all >= (double)r->min_cell;
}

/* ---- output helpers ---------------------------------------------------------------- */

static inline void shown_p(struct lm_out *o, double p)
{
	if (p < 0.001)
		put(o, "&lt; 0.001");
	else
		shown(o, p, 3);
}

struct key {
	char s[1024];
	size_t n;
	int bad; /* too long: written without a key */
};

static inline void key_push(struct key *k, const char *seg)
{
	if (k->n + 1 >= sizeof(k->s)) {
		k->bad = 1;
		return;
	}
	k->s[k->n++] = '/';
	for (; *seg; seg++) {
		const char *e = *seg == '~' ? "~0" : *seg == '/' ? "~1" : NULL;
		size_t len = e ? 2 : 1;
		if (k->n + len >= sizeof(k->s)) {
			k->bad = 1;
			return;
		}
		if (e) {
			memcpy(k->s + k->n, e, 2);
		} else {
			k->s[k->n] = *seg;
		}
		k->n += len;
	}
	k->s[k->n] = '\0';
}

/* A key /scales/SCALE[/a[/b[/c]]], under /by_wave/WAVE in a later wave of a run with waves; NULL pieces end it. */
static inline struct key scale_key(const lm_report *r, const char *scale, const char *a, const char *b,
				   const char *c)
{
	struct key k = {{0}, 0, 0};
	if (r->wave) {
		key_push(&k, LM__KEY_BY_WAVE);
		key_push(&k, r->wave);
	}
	key_push(&k, LM__KEY_SCALES);
	key_push(&k, scale);
	if (a)
		key_push(&k, a);
	if (a && b)
		key_push(&k, b);
	if (a && b && c)
		key_push(&k, c);
	return k;
}

/*
 * The place of statistic @p which of scale @p sid: in the scale's sections,
 * or, with @p group, in that group's "change" (which holds the change
 * statistics only). The ends of the CI are the elements of "ci95".
 */
static inline struct key stat_key(const lm_report *r, const char *sid, const char *group, int which)
{
	const struct lm__stat_key *sk = &lm__prepost_stat_keys[which];
	struct key k = group ? scale_key(r, sid, LM__KEY_GROUPS, group, sk->section)
			     : scale_key(r, sid, sk->section, NULL, NULL);
	key_push(&k, sk->key);
	if (which == LM_PREPOST_STAT_CHANGE_CI_LOW || which == LM_PREPOST_STAT_CHANGE_CI_HIGH)
		key_push(&k, which == LM_PREPOST_STAT_CHANGE_CI_LOW ? "0" : "1");
	return k;
}

/* data-key and data-value attributes (with a leading space); key may be NULL. */
static inline void attrs(struct lm_out *o, const struct key *k, double v)
{
	if (k && !k->bad) {
		put(o, " data-key=\"");
		esc(o, k->s);
		put(o, "\"");
	}
	put(o, " data-value=\"");
	exact(o, v);
	put(o, "\"");
}

enum kind { K_NUM, K_P, K_COUNT, K_ALPHA };

/* A statistic in a <span>: its rounded value, or "n/a" with the reason. */
static inline void stat(struct lm_out *o, const struct key *k, double v, const char *why, enum kind kind)
{
	if (!isfinite(v)) {
		put(o, "<span class=\"na\">n/a");
		if (why) {
			put(o, " (");
			esc(o, why);
			put(o, ")");
		}
		put(o, "</span>");
		return;
	}
	put(o, "<span class=\"num\"");
	attrs(o, k, v);
	put(o, ">");
	if (kind == K_P)
		shown_p(o, v);
	else if (kind == K_COUNT)
		shown(o, v, 0);
	else if (kind == K_ALPHA)
		shown(o, v, 2);
	else
		shown(o, v, 2);
	put(o, "</span>");
}

/*
 * A hidden number: in words why, never its value. data-hidden names the
 * rule (small / complement); data-hidden-key, where the JSON has the number,
 * its place there (the key is the same for every analysis, so it tells
 * nothing about the data).
 */
static inline void hidden(struct lm_out *o, const struct key *k, int state, unsigned long min_cell)
{
	put(o, "<span class=\"sup\" data-hidden=\"");
	put(o, state == LM__CELL_SMALL ? "small\"" : "complement\"");
	if (k && !k->bad) {
		put(o, " data-hidden-key=\"");
		esc(o, k->s);
		put(o, "\"");
	}
	if (state == LM__CELL_SMALL) {
		put(o, ">hidden: fewer than ");
		ulong_out(o, min_cell);
	} else {
		put(o, ">hidden so that a smaller cell cannot be worked out");
	}
	put(o, "</span>");
}

/* An item of a disclosure table: its count, or why it is hidden. */
static inline void cell(struct lm_out *o, const struct key *k, const struct lm__dtable *t, size_t item, unsigned long min_cell)
{
	int state = lm__dtable_state(t, item);
	if (state != LM__CELL_SHOWN)
		hidden(o, k, state, min_cell);
	else
		stat(o, k, (double)lm__dtable_count(t, item), NULL, K_COUNT);
}

/* A statistic of the whole analysis or of group g (-1: all pairs). */
static inline const char *why(const lm_report *r, size_t s, size_t g, int which)
{
	return lm_prepost_stat_reason(r->pp, s, g, which);
}

static inline void ci_pair(struct lm_out *o, const struct key *klo, const struct key *khi, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		put(o, "<span class=\"na\">n/a</span>");
		return;
	}
	stat(o, klo, lo, NULL, K_NUM);
	put(o, " to ");
	stat(o, khi, hi, NULL, K_NUM);
}

/* ---- one scale ------------------------------------------------------------------------ */

struct scale_ctx {
	const lm_report *r;
	struct lm_out *o;
	size_t s;
	const struct lm_scale *scale;
	size_t ng;
	const struct lm__scale_cells *cells; /* what is shown and what is hidden */
	size_t uid; /* makes the ids of the charts unique in the document (s, or per wave and scale) */
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

/*
 * report-change.c: the two-wave results of scale s (pre -> post, or baseline
 * -> one later wave), with @p cells what is hidden of it; @p uid makes the
 * ids of its charts unique in the document.
 */
void lm__report_change(const lm_report *r, struct lm_out *o, size_t s, size_t uid, const struct lm__scale_cells *cells);

/* report-trial.c, a run with waves. */
/*
 * The trial part of a scale's section: arm effects, means at each wave,
 * attrition. @p hide_arm: the arms whose numbers are hidden everywhere;
 * @p small: those among them that rest on too few respondents somewhere,
 * which are neither named nor compared (an arm hidden only to protect a
 * small one is still compared: a model's coefficient is no sum of
 * respondents). 0: out of memory.
 */
int lm__report_trial_scale(struct scale_ctx *c, const struct lm__wave_means *m, const unsigned char *hide_arm,
			   const unsigned char *small);
/* The flow table of the document (arms flagged in @p hide are not named). 0: out of memory. */
int lm__report_flow(const lm_report *r, struct lm_out *o, const unsigned char *hide);

/* report-svg.c: the patterns of the band segments, written once per document. */
void lm__report_svg_defs(struct lm_out *o);
/* report-svg.c: the charts of one scale. */
void lm__report_means_chart(struct scale_ctx *c);
void lm__report_bands_chart(struct scale_ctx *c);
void lm__report_jt_grid(struct scale_ctx *c);
void lm__report_waves_chart(struct scale_ctx *c, const struct lm__wave_means *m, const unsigned char *hide_arm);

#endif
