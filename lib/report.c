/*
 * libra_measures — the readable pre/post report: one self-contained HTML
 * file (inline CSS and SVG only) built from the public lm_prepost_* results,
 * with small cells hidden and no respondent ids.
 *
 * What is hidden is decided per scale by lib/report-cells.c and
 * lib/disclosure.c (primary and complementary suppression); this file only
 * writes what they allow, and says in words why the rest is hidden. No
 * chart shows a single pair: the pre/post plot draws counts per cell.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "output-priv.h"
#include "report-priv.h"

#define RCI_CRITICAL 1.96

struct lm_report {
	const lm_prepost *pp;
	const struct lm_instrument *inst;
	unsigned long min_cell;
	char *pre_name, *post_name;
};

int lm_report_new(lm_report **out, const lm_prepost *pp)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!pp)
		return LM_EINVAL;
	const lm_instrument *inst = lm_prepost_instrument(pp);
	lm_report *r = calloc(1, sizeof(*r));
	if (!r)
		return LM_ENOMEM;
	lm__instrument_ref(inst);
	r->pp = pp;
	r->inst = inst;
	r->min_cell = 5;
	*out = r;
	return LM_OK;
}

void lm_report_free(lm_report *r)
{
	if (!r)
		return;
	lm_instrument_free(lm__instrument_mutable(r->inst));
	free(r->pre_name);
	free(r->post_name);
	free(r);
}

unsigned long lm_report_default_min_cell(void)
{
	return 5;
}

int lm_report_set_min_cell(lm_report *r, unsigned long min_cell)
{
	if (!r || min_cell < 1)
		return LM_EINVAL;
	r->min_cell = min_cell;
	return LM_OK;
}

int lm_report_set_source_names(lm_report *r, const char *pre_name, const char *post_name)
{
	if (!r)
		return LM_EINVAL;
	char *a = pre_name ? lm__strdup(pre_name) : NULL, *b = post_name ? lm__strdup(post_name) : NULL;
	if ((pre_name && !a) || (post_name && !b)) {
		free(a);
		free(b);
		return LM_ENOMEM;
	}
	free(r->pre_name);
	free(r->post_name);
	r->pre_name = a;
	r->post_name = b;
	return LM_OK;
}

/* ---- output helpers ---------------------------------------------------------------- */

static void put(struct lm_out *o, const char *s)
{
	lm__out_str(o, s);
}

/* Text from a definition or the data, escaped for HTML text and attribute values. */
static void esc(struct lm_out *o, const char *s)
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
static void exact(struct lm_out *o, double v)
{
	char num[32];
	lm__out_put(o, num, lm_format_number(num, sizeof(num), v));
}

/* A value for reading: rounded to @p decimals, with a true minus sign. */
static void shown(struct lm_out *o, double v, int decimals)
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

static void shown_p(struct lm_out *o, double p)
{
	if (p < 0.001)
		put(o, "&lt; 0.001");
	else
		shown(o, p, 3);
}

static void ulong_out(struct lm_out *o, unsigned long n)
{
	exact(o, (double)n);
}

/* An SVG coordinate. */
static void px(struct lm_out *o, double v)
{
	exact(o, round(v * 10) / 10);
}

/* `x="X" y="Y" width="W" height="H"`: a rectangle's place and size. */
static void xywh(struct lm_out *o, double x, double y, double w, double h)
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
struct key {
	char s[1024];
	size_t n;
	int bad; /* too long: written without a key */
};

static void key_push(struct key *k, const char *seg)
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

/* A key /scales/SCALE[/a[/b[/c]]]; NULL pieces end it. */
static struct key scale_key(const char *scale, const char *a, const char *b, const char *c)
{
	struct key k = {{0}, 0, 0};
	key_push(&k, "scales");
	key_push(&k, scale);
	if (a)
		key_push(&k, a);
	if (a && b)
		key_push(&k, b);
	if (a && b && c)
		key_push(&k, c);
	return k;
}

/* data-key and data-value attributes (with a leading space); key may be NULL. */
static void attrs(struct lm_out *o, const struct key *k, double v)
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
static void stat(struct lm_out *o, const struct key *k, double v, const char *why, enum kind kind)
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
static void hidden(struct lm_out *o, const struct key *k, int state, unsigned long min_cell)
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
static void cell(struct lm_out *o, const struct key *k, const struct lm__dtable *t, size_t item, unsigned long min_cell)
{
	int state = lm__dtable_state(t, item);
	if (state != LM__CELL_SHOWN)
		hidden(o, k, state, min_cell);
	else
		stat(o, k, (double)lm__dtable_count(t, item), NULL, K_COUNT);
}

/* A statistic of the whole analysis or of group g (-1: all pairs). */
static double st(const lm_report *r, size_t s, size_t g, int which)
{
	return lm_prepost_stat(r->pp, s, g, which);
}

static const char *why(const lm_report *r, size_t s, size_t g, int which)
{
	return lm_prepost_stat_reason(r->pp, s, g, which);
}

/* ---- style and shared SVG definitions ------------------------------------------------ */

/* Okabe & Ito (2008) colours, ordered from light to dark so that greyscale keeps the order. */
static const char *const palette[] = {"#F0E442", "#56B4E9", "#E69F00", "#009E73", "#D55E00", "#0072B2", "#CC79A7"};
static const int palette_dark[] = {0, 0, 0, 1, 1, 1, 0};
#define N_PALETTE 7

static const char css[] =
	"<style>\n"
	":root{color-scheme:light}\n"
	"body{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Noto Sans\",\"DejaVu Sans\",sans-serif;"
	"color:#111;background:#fff;max-width:60rem;margin:0 auto;padding:1rem 1.5rem;line-height:1.45}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;border-bottom:2px solid #0072B2;"
	"padding-bottom:.2rem;margin-top:2.5rem}h3{font-size:1.05rem;margin:1.4rem 0 .4rem}\n"
	"dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dl.meta dt{font-weight:600}"
	"dl.meta dd{margin:0}\n"
	"table{border-collapse:collapse;margin:.4rem 0 1rem}th,td{border:1px solid #999;padding:.2rem .5rem;"
	"text-align:right;vertical-align:top}th{background:#eee}th[scope=row],td.lab{text-align:left}\n"
	"caption{text-align:left;font-weight:600;padding:.2rem 0}table{min-width:24rem}\n"
	".sup{font-style:italic;color:#444}.na{color:#555;font-style:italic}\n"
	".words{background:#f4f8fb;border-left:4px solid #0072B2;padding:.5rem .8rem}\n"
	".note{font-size:.9rem;color:#333}\n"
	"figure{margin:.8rem 0}figcaption{font-size:.9rem;color:#333}\n"
	"svg{max-width:100%;height:auto;font-family:inherit}\n"
	"svg text{font-size:12px;fill:#111}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}h2{break-before:auto}"
	"section.scale{break-before:page}figure,table{break-inside:avoid}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n"
	"</style>\n";

/* Patterns for band segments, one per palette colour, so that bands differ without colour too. */
static void svg_defs(struct lm_out *o)
{
	static const char *const marks[N_PALETTE] = {
		"",
		"<path d=\"M0 8L8 0\" stroke=\"#000\" stroke-opacity=\".45\" stroke-width=\"1.2\"/>",
		"<circle cx=\"4\" cy=\"4\" r=\"1.3\" fill=\"#000\" fill-opacity=\".5\"/>",
		"<path d=\"M0 0L8 8\" stroke=\"#fff\" stroke-opacity=\".7\" stroke-width=\"1.2\"/>",
		"<path d=\"M4 0V8\" stroke=\"#fff\" stroke-opacity=\".7\" stroke-width=\"1.2\"/>",
		"<path d=\"M0 4H8\" stroke=\"#fff\" stroke-opacity=\".7\" stroke-width=\"1.2\"/>",
		"<path d=\"M0 8L8 0M0 0L8 8\" stroke=\"#000\" stroke-opacity=\".4\" stroke-width=\"1\"/>",
	};
	put(o, "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\" focusable=\"false\"><defs>\n");
	for (int i = 0; i < N_PALETTE; i++) {
		char num[32];
		put(o, "<pattern id=\"band");
		lm__out_put(o, num, lm_format_number(num, sizeof(num), i));
		put(o, "\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect width=\"8\" height=\"8\" fill=\"");
		put(o, palette[i]);
		put(o, "\"/>");
		put(o, marks[i]);
		put(o, "</pattern>\n");
	}
	put(o, "<pattern id=\"supp\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" "
	       "height=\"6\" fill=\"#ddd\"/><path d=\"M0 6L6 0\" stroke=\"#666\" stroke-width=\"1\"/></pattern>\n");
	put(o, "</defs></svg>\n");
}

/* <svg ...><title id=..>..</title><desc id=..>; the caller writes the desc text and closes it. */
static void svg_open(struct lm_out *o, const char *id, size_t s, double w, double h)
{
	char num[32];
	size_t nl = lm_format_number(num, sizeof(num), (double)s);
	put(o, "<svg role=\"img\" viewBox=\"0 0 ");
	px(o, w);
	put(o, " ");
	px(o, h);
	put(o, "\" width=\"");
	px(o, w);
	put(o, "\" height=\"");
	px(o, h);
	put(o, "\" aria-labelledby=\"");
	put(o, id);
	lm__out_put(o, num, nl);
	put(o, "-t ");
	put(o, id);
	lm__out_put(o, num, nl);
	put(o, "-d\"><title id=\"");
	put(o, id);
	lm__out_put(o, num, nl);
	put(o, "-t\">");
}

static void svg_desc(struct lm_out *o, const char *id, size_t s)
{
	char num[32];
	put(o, "</title><desc id=\"");
	put(o, id);
	lm__out_put(o, num, lm_format_number(num, sizeof(num), (double)s));
	put(o, "-d\">");
}

static void svg_text(struct lm_out *o, double x, double y, const char *anchor, const char *extra)
{
	put(o, "<text x=\"");
	px(o, x);
	put(o, "\" y=\"");
	px(o, y);
	put(o, "\" text-anchor=\"");
	put(o, anchor);
	put(o, "\"");
	if (extra)
		put(o, extra);
	put(o, ">");
}

static void svg_line(struct lm_out *o, double x1, double y1, double x2, double y2, const char *style)
{
	put(o, "<line x1=\"");
	px(o, x1);
	put(o, "\" y1=\"");
	px(o, y1);
	put(o, "\" x2=\"");
	px(o, x2);
	put(o, "\" y2=\"");
	px(o, y2);
	put(o, "\" ");
	put(o, style);
	put(o, "/>");
}

/* Up to about six round tick values over [lo, hi]. */
static double tick_step(double lo, double hi)
{
	double span = hi - lo, raw = span / 5, mag = pow(10, floor(log10(raw))), f = raw / mag;
	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
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
static int alpha_hidden(const struct scale_ctx *c, int wave)
{
	double n = st(c->r, c->s, LM_NO_INDEX, wave ? LM_STAT_POST_ALPHA_N : LM_STAT_PRE_ALPHA_N);
	return isfinite(n) && n > 0 && n < (double)c->r->min_cell;
}

static int rci_hidden(const struct scale_ctx *c)
{
	return lm_prepost_reliability_source(c->r->pp, c->s) == LM_RELIABILITY_ALPHA_PRE && alpha_hidden(c, 0);
}

/* Whether group g is shown on this scale. */
static int gshown(const struct scale_ctx *c, size_t g)
{
	return lm__dtable_state(c->cells->groups, c->cells->group_item[g]) == LM__CELL_SHOWN;
}

/* Mean ± t(.975, n-1) * sd / sqrt(n) of a wave; NaN when not computable. */
static void mean_ci(double mean, double sd, double n, double *lo, double *hi)
{
	double half = n >= 2 ? lm_stat_t_quantile(0.975, n - 1) * sd / sqrt(n) : NAN;
	*lo = mean - half;
	*hi = mean + half;
}

static void ci_pair(struct lm_out *o, const struct key *klo, const struct key *khi, double lo, double hi)
{
	if (!isfinite(lo) || !isfinite(hi)) {
		put(o, "<span class=\"na\">n/a</span>");
		return;
	}
	stat(o, klo, lo, NULL, K_NUM);
	put(o, " to ");
	stat(o, khi, hi, NULL, K_NUM);
}

static const char *group_label(const struct scale_ctx *c, size_t g)
{
	return g == LM_NO_INDEX ? NULL : lm_prepost_group_name(c->r->pp, g);
}

/* One row of the means table: all pairs (g = -1) or a group. */
static void means_row(struct scale_ctx *c, size_t g)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	const char *gname = group_label(c, g);
	int overall = g == LM_NO_INDEX;
	put(o, "<tr><th scope=\"row\">");
	if (overall)
		put(o, "All pairs");
	else
		esc(o, gname);
	put(o, "</th>");
	struct key kn = overall ? scale_key(sid, "change", "n", NULL) : scale_key(sid, "groups", gname, "n");
	put(o, "<td>");
	stat(o, &kn, st(c->r, c->s, g, LM_STAT_CHANGE_N), NULL, K_COUNT);
	put(o, "</td>");
	for (int wave = 0; wave < 2; wave++) {
		int wm = wave ? LM_STAT_POST_MEAN : LM_STAT_PRE_MEAN, wsd = wave ? LM_STAT_POST_SD : LM_STAT_PRE_SD;
		int wn = wave ? LM_STAT_POST_N : LM_STAT_PRE_N;
		double m = st(c->r, c->s, g, wm), sd = st(c->r, c->s, g, wsd), lo, hi;
		struct key km = scale_key(sid, wave ? "post" : "pre", "mean", NULL);
		mean_ci(m, sd, st(c->r, c->s, g, wn), &lo, &hi);
		put(o, "<td>");
		stat(o, overall ? &km : NULL, m, why(c->r, c->s, g, wm), K_NUM);
		put(o, " <span class=\"ci\">(");
		ci_pair(o, NULL, NULL, lo, hi);
		put(o, ")</span></td>");
	}
	struct key kc = overall ? scale_key(sid, "change", "mean", NULL) : scale_key(sid, "groups", gname, "change"),
		   klo, khi, kp;
	if (!overall) {
		key_push(&kc, "mean");
		klo = scale_key(sid, "groups", gname, "change");
		key_push(&klo, "ci95");
		khi = klo;
		key_push(&klo, "0");
		key_push(&khi, "1");
		kp = scale_key(sid, "groups", gname, "change");
		key_push(&kp, "p");
	} else {
		klo = scale_key(sid, "change", "ci95", "0");
		khi = scale_key(sid, "change", "ci95", "1");
		kp = scale_key(sid, "change", "p", NULL);
	}
	put(o, "<td>");
	stat(o, &kc, st(c->r, c->s, g, LM_STAT_CHANGE_MEAN), why(c->r, c->s, g, LM_STAT_CHANGE_MEAN), K_NUM);
	put(o, " <span class=\"ci\">(");
	ci_pair(o, &klo, &khi, st(c->r, c->s, g, LM_STAT_CHANGE_CI_LOW), st(c->r, c->s, g, LM_STAT_CHANGE_CI_HIGH));
	put(o, ")</span></td><td>");
	stat(o, &kp, st(c->r, c->s, g, LM_STAT_P), why(c->r, c->s, g, LM_STAT_P), K_P);
	put(o, "</td></tr>\n");
}

/*
 * The groups not shown, as one unnamed row: how many, and why. Their
 * numbers together could be had from the overall row minus the groups
 * shown, which is why they rest on at least min_cell pairs together; the
 * row itself shows none of them.
 */
static void other_groups_row(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	unsigned long small = 0, complement = 0;
	for (size_t g = 0; g < c->ng; g++) {
		int state = lm__dtable_state(c->cells->groups, c->cells->group_item[g]);
		small += state == LM__CELL_SMALL;
		complement += state == LM__CELL_COMPLEMENT;
	}
	if (!small && !complement)
		return;
	put(o, "<tr><th scope=\"row\">Other groups</th><td colspan=\"5\" class=\"lab\"><span class=\"sup\">not "
	       "shown or named: ");
	if (c->cells->too_many_groups) {
		ulong_out(o, c->ng);
		put(o, " groups, and a report shows at most ");
		ulong_out(o, LM__MAX_GROUPS);
		put(o, "</span></td></tr>\n");
		return;
	}
	if (small) {
		ulong_out(o, small);
		put(o, small == 1 ? " group has" : " groups have");
		put(o, " fewer than ");
		ulong_out(o, c->r->min_cell);
		put(o, " pairs");
	}
	if (complement) {
		put(o, small ? "; " : "");
		ulong_out(o, complement);
		put(o, complement == 1 ? " group is" : " groups are");
		put(o, " hidden so that a smaller group cannot be worked out from the others and all pairs");
	}
	put(o, "</span></td></tr>\n");
}

/* Dot-and-whisker chart of pre and post means with 95 % CIs, per shown group. */
static void means_chart(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	size_t rows[64], nr = 0;
	rows[nr++] = LM_NO_INDEX;
	for (size_t g = 0; g < c->ng && nr < 64; g++)
		if (gshown(c, g))
			rows[nr++] = g;
	double lo = c->scale->min, hi = c->scale->max;
	if (!(hi > lo))
		return;
	double left = 150, right = 610, top = 34, rowh = 44, h = top + rowh * (double)nr + 40;
	svg_open(o, "means", c->s, 640, h);
	esc(o, c->scale->label);
	put(o, ": mean score before and after, with 95 % confidence intervals");
	svg_desc(o, "means", c->s);
	put(o, "For each row, a hollow circle marks the mean before (pre) and a filled square the mean after (post); "
	       "the lines around them are 95 % confidence intervals. The numbers are in the table below.");
	put(o, "</desc>\n");
#define XS(v) (left + ((v) - lo) / (hi - lo) * (right - left))
	double step = tick_step(lo, hi);
	for (double t = ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
		svg_line(o, XS(t), top - 8, XS(t), h - 32, "stroke=\"#ddd\"");
		svg_text(o, XS(t), h - 18, "middle", NULL);
		shown(o, t, 2);
		put(o, "</text>");
	}
	svg_text(o, (left + right) / 2, h - 3, "middle", NULL);
	put(o, "Score (");
	shown(o, lo, 2);
	put(o, " to ");
	shown(o, hi, 2);
	put(o, ")</text>\n");
	put(o, "<circle r=\"5\" fill=\"#fff\" stroke=\"#0072B2\" stroke-width=\"2.5\" cx=\"160\" cy=\"10\"/>");
	svg_text(o, 170, 14, "start", NULL);
	put(o, "Pre (before)</text><rect width=\"9\" height=\"9\" fill=\"#D55E00\" stroke=\"#000\" x=\"275.5\" "
	       "y=\"5.5\"/>");
	svg_text(o, 290, 14, "start", NULL);
	put(o, "Post (after)</text>\n");
	for (size_t i = 0; i < nr; i++) {
		size_t g = rows[i];
		double y = top + rowh * (double)i + 8;
		svg_text(o, left - 8, y + 10, "end", NULL);
		if (g == LM_NO_INDEX)
			put(o, "All pairs");
		else
			esc(o, lm_prepost_group_name(c->r->pp, g));
		put(o, "</text>\n");
		for (int wave = 0; wave < 2; wave++) {
			double m = st(c->r, c->s, g, wave ? LM_STAT_POST_MEAN : LM_STAT_PRE_MEAN);
			double sd = st(c->r, c->s, g, wave ? LM_STAT_POST_SD : LM_STAT_PRE_SD), a, b;
			double yy = y + (wave ? 14 : 0);
			if (!isfinite(m))
				continue;
			mean_ci(m, sd, st(c->r, c->s, g, wave ? LM_STAT_POST_N : LM_STAT_PRE_N), &a, &b);
			const char *col = wave ? "#D55E00" : "#0072B2";
			if (isfinite(a) && isfinite(b)) {
				a = fmax(a, lo);
				b = fmin(b, hi);
				put(o, "<line stroke-width=\"2\" stroke=\"");
				put(o, col);
				put(o, "\" x1=\"");
				px(o, XS(a));
				put(o, "\" x2=\"");
				px(o, XS(b));
				put(o, "\" y1=\"");
				px(o, yy);
				put(o, "\" y2=\"");
				px(o, yy);
				put(o, "\"/>");
			}
			if (wave) {
				put(o, "<rect width=\"9\" height=\"9\" fill=\"#D55E00\" stroke=\"#000\" x=\"");
				px(o, XS(m) - 4.5);
				put(o, "\" y=\"");
				px(o, yy - 4.5);
				put(o, "\"/>");
			} else {
				put(o, "<circle r=\"5\" fill=\"#fff\" stroke=\"#0072B2\" stroke-width=\"2.5\" cx=\"");
				px(o, XS(m));
				put(o, "\" cy=\"");
				px(o, yy);
				put(o, "\"/>");
			}
		}
	}
#undef XS
	put(o, "</svg>\n");
}

/* ---- counts: bands, the pre x post grid, change categories ----------------------------- */

/*
 * Stacked bars of the band counts at each wave, over the pairs with both
 * scores. The hidden counts form one hatched segment: its width is the
 * number of pairs minus the counts shown, which a reader has anyway.
 */
static void bands_chart(struct scale_ctx *c)
{
	const struct lm__scale_cells *k = c->cells;
	struct lm_out *o = c->o;
	size_t nb = k->nc;
	unsigned long total = k->total;
	double left = 60, width = 540, barh = 34, top = 10;
	double h = top + 2 * (barh + 14) + 22 * (double)((nb + 3) / 3) + 16;
	svg_open(o, "bands", c->s, 640, h);
	esc(o, c->scale->label);
	put(o, ": pairs in each band before and after");
	svg_desc(o, "bands", c->s);
	put(o, "Two stacked bars, pre and post, each divided into the bands from ");
	esc(o, lm_band_label(&c->scale->bands[0]));
	put(o, " to ");
	esc(o, lm_band_label(&c->scale->bands[nb - 1]));
	put(o, "; segment widths are shares of the pairs with a score at both waves, and the hidden counts are "
	       "shown together as one hatched segment. The counts are in the table below.</desc>\n");
	for (int w = 0; w < 2; w++) {
		unsigned long shown_total = 0;
		for (size_t b = 0; b < nb; b++)
			if (lm__dtable_state(k->counts, k->margin[w][b]) == LM__CELL_SHOWN)
				shown_total += lm__dtable_count(k->counts, k->margin[w][b]);
		double y = top + (double)w * (barh + 14);
		svg_text(o, left - 8, y + barh / 2 + 4, "end", NULL);
		put(o, w ? "Post" : "Pre");
		put(o, "</text>");
		if (!total) {
			svg_text(o, left + 4, y + barh / 2 + 4, "start", NULL);
			put(o, "no scores</text>\n");
			continue;
		}
		double x = left;
		for (size_t b = 0; b <= nb; b++) {
			int is_sup = b == nb;
			unsigned long n = is_sup ? total - shown_total
				: lm__dtable_state(k->counts, k->margin[w][b]) == LM__CELL_SHOWN
					? lm__dtable_count(k->counts, k->margin[w][b]) : 0;
			if (!n)
				continue;
			double segw = width * (double)n / (double)total;
			put(o, "<rect stroke=\"#fff\" stroke-width=\"1\" ");
			xywh(o, x, y, segw, barh);
			put(o, " fill=\"url(#");
			if (is_sup) {
				put(o, "supp");
			} else {
				put(o, "band");
				ulong_out(o, b % N_PALETTE);
			}
			put(o, ")\"/>");
			if (segw >= 28) {
				int dark = !is_sup && palette_dark[b % N_PALETTE];
				svg_text(o, x + segw / 2, y + barh / 2 + 4, "middle",
					 dark ? " style=\"fill:#fff;font-weight:600\"" : " style=\"font-weight:600\"");
				if (is_sup)
					put(o, "hidden");
				else
					ulong_out(o, n);
				put(o, "</text>");
			}
			x += segw;
		}
		put(o, "\n");
	}
	/* Legend: swatch (colour and pattern) and label. */
	double ly = top + 2 * (barh + 14) + 4;
	for (size_t b = 0; b <= nb; b++) {
		double lx = left + (double)(b % 3) * 180, yy = ly + (double)(b / 3) * 22;
		put(o, "<rect width=\"16\" height=\"16\" stroke=\"#333\" x=\"");
		px(o, lx);
		put(o, "\" y=\"");
		px(o, yy);
		put(o, "\" fill=\"url(#");
		if (b == nb) {
			put(o, "supp");
		} else {
			put(o, "band");
			ulong_out(o, b % N_PALETTE);
		}
		put(o, ")\"/>");
		svg_text(o, lx + 22, yy + 12, "start", NULL);
		if (b == nb)
			put(o, "hidden counts");
		else
			esc(o, lm_band_label(&c->scale->bands[b]));
		put(o, "</text>\n");
	}
	put(o, "</svg>\n");
}

static void bands_tables(struct scale_ctx *c)
{
	const struct lm__scale_cells *k = c->cells;
	struct lm_out *o = c->o;
	size_t nb = k->nc;
	const char *sid = c->scale->id;
	unsigned long m = c->r->min_cell;
	/* Over the pairs with both scores (the JSON counts every pair with a score at that wave): no data-key. */
	put(o, "<table><caption>Pairs in each band (pairs with a score at both waves)</caption><tr>"
	       "<th scope=\"col\">Band</th><th scope=\"col\">Score range</th><th scope=\"col\">Pre</th>"
	       "<th scope=\"col\">Post</th></tr>\n");
	for (size_t b = 0; b < nb; b++) {
		const struct lm_band *band = &c->scale->bands[b];
		put(o, "<tr><th scope=\"row\">");
		esc(o, band->label);
		put(o, "</th><td>");
		shown(o, band->min, 2);
		put(o, "\xe2\x80\x93");
		shown(o, band->max, 2);
		put(o, "</td>");
		for (int w = 0; w < 2; w++) {
			put(o, "<td>");
			cell(o, NULL, k->counts, k->margin[w][b], m);
			put(o, "</td>");
		}
		put(o, "</tr>\n");
	}
	put(o, "</table>\n");
	put(o, "<table><caption>Band transitions: rows are the band before, columns the band after</caption>"
	       "<tr><th scope=\"col\">Pre \\ Post</th>");
	for (size_t b = 0; b < nb; b++) {
		put(o, "<th scope=\"col\">");
		esc(o, c->scale->bands[b].label);
		put(o, "</th>");
	}
	put(o, "</tr>\n");
	for (size_t i = 0; i < nb; i++) {
		put(o, "<tr><th scope=\"row\">");
		esc(o, c->scale->bands[i].label);
		put(o, "</th>");
		for (size_t j = 0; j < nb; j++) {
			char idx[32];
			lm_format_number(idx, sizeof(idx), (double)(i * nb + j));
			struct key k2 = scale_key(sid, "bands", "transitions", idx);
			key_push(&k2, "n");
			put(o, "<td>");
			cell(o, &k2, k->counts, k->cell_item[i * nb + j], m);
			put(o, "</td>");
		}
		put(o, "</tr>\n");
	}
	put(o, "</table>\n");
}

/*
 * The Jacobson–Truax plane as a grid of counts: pre score across, post
 * score up, one cell per pair of bands (or fifths of the score range), with
 * the no-change line, the band of changes too small to be reliable and the
 * clinical cut-off over it. A cell shows the same number as the table of
 * the same cells, or the same reason for hiding it; nothing is drawn per
 * pair, so no pair's scores can be read off.
 */
static void jt_grid(struct scale_ctx *c)
{
	const struct lm__scale_cells *k = c->cells;
	struct lm_out *o = c->o;
	double lo = c->scale->min, hi = c->scale->max;
	double sdiff = st(c->r, c->s, LM_NO_INDEX, LM_STAT_RCI_SDIFF), cut = c->scale->cutoff;
	if (!(hi > lo))
		return;
	size_t nc = k->nc;
	unsigned long most = 0;
	for (size_t i = 0; i < nc * nc; i++)
		if (lm__dtable_state(k->counts, k->cell_item[i]) == LM__CELL_SHOWN &&
		    lm__dtable_count(k->counts, k->cell_item[i]) > most)
			most = lm__dtable_count(k->counts, k->cell_item[i]);
	double l = 60, t = 16, side = 380, w = l + side + 20, h = t + side + 50;
#define PX(v) (l + ((v) - lo) / (hi - lo) * side)
#define PY(v) (t + side - ((v) - lo) / (hi - lo) * side)
	svg_open(o, "jt", c->s, w, h);
	esc(o, c->scale->label);
	put(o, ": pairs by score before (across) and after (up)");
	svg_desc(o, "jt", c->s);
	put(o, k->bands ? "A grid of pre score against post score with one cell for each band before and each band "
			  "after"
			: "A grid of pre score against post score with one cell for each fifth of the score range "
			  "before and after");
	put(o, "; each cell shows how many pairs fall in it, darker for more. No point stands for a single pair. "
	       "A cell with fewer than ");
	ulong_out(o, c->r->min_cell);
	put(o, " pairs shows \"&lt;");
	ulong_out(o, c->r->min_cell);
	put(o, "\" and no count; a cell marked with a cross is hidden so that a smaller cell cannot be worked out. "
	       "Cells on the diagonal line did not change; below it scores fell, above it they rose.");
	if (isfinite(sdiff) && !rci_hidden(c))
		put(o, " The shaded band around the line holds changes too small to be reliable (Jacobson and Truax "
		       "reliable change index within \xc2\xb1" "1.96).");
	if (isfinite(cut))
		put(o, " Dashed lines mark the clinical cut-off on both axes.");
	put(o, " The counts per change category are in the table below it.</desc>\n");
	put(o, "<defs><clipPath id=\"jtclip");
	ulong_out(o, c->s);
	put(o, "\"><rect ");
	xywh(o, l, t, side, side);
	put(o, "/></clipPath></defs>\n<rect fill=\"#fff\" stroke=\"#333\" ");
	xywh(o, l, t, side, side);
	put(o, "/>\n<g clip-path=\"url(#jtclip");
	ulong_out(o, c->s);
	put(o, ")\">\n");
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < nc; j++) {
			size_t item = k->cell_item[i * nc + j];
			int state = lm__dtable_state(k->counts, item);
			unsigned long n = state == LM__CELL_SHOWN ? lm__dtable_count(k->counts, item) : 0;
			double x0 = PX(k->edge[i]), x1 = PX(k->edge[i + 1]), y0 = PY(k->edge[j + 1]), y1 = PY(k->edge[j]);
			put(o, "<rect stroke=\"#bbb\" ");
			xywh(o, x0, y0, x1 - x0, y1 - y0);
			if (state != LM__CELL_SHOWN) {
				put(o, " fill=\"url(#supp)\"/>");
			} else if (n == 0) {
				put(o, " fill=\"#fff\"/>");
			} else {
				put(o, " fill=\"#0072B2\" fill-opacity=\"");
				exact(o, round((0.1 + 0.6 * (double)n / (double)most) * 100) / 100);
				put(o, "\"/>");
			}
		}
	}
	put(o, "\n");
	if (isfinite(sdiff) && sdiff > 0 && !rci_hidden(c)) {
		double d = RCI_CRITICAL * sdiff, span = hi - lo;
		put(o, "<polygon fill=\"#56B4E9\" fill-opacity=\".2\" stroke=\"#56B4E9\" stroke-dasharray=\"2 2\" points=\"");
		px(o, PX(lo - span));
		put(o, ",");
		px(o, PY(lo - span + d));
		put(o, " ");
		px(o, PX(hi + span));
		put(o, ",");
		px(o, PY(hi + span + d));
		put(o, " ");
		px(o, PX(hi + span));
		put(o, ",");
		px(o, PY(hi + span - d));
		put(o, " ");
		px(o, PX(lo - span));
		put(o, ",");
		px(o, PY(lo - span - d));
		put(o, "\"/>");
	}
	svg_line(o, PX(lo), PY(lo), PX(hi), PY(hi), "stroke=\"#000\" stroke-width=\"1.5\"");
	if (isfinite(cut) && cut >= lo && cut <= hi) {
		svg_line(o, PX(cut), PY(lo), PX(cut), PY(hi), "stroke=\"#D55E00\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
		svg_line(o, PX(lo), PY(cut), PX(hi), PY(cut), "stroke=\"#D55E00\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"");
	}
	put(o, "</g>\n");
	/* Labels where they fit: the count, "<N", or a cross. */
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < nc; j++) {
			size_t item = k->cell_item[i * nc + j];
			int state = lm__dtable_state(k->counts, item);
			unsigned long n = state == LM__CELL_SHOWN ? lm__dtable_count(k->counts, item) : 0;
			double x0 = PX(k->edge[i]), x1 = PX(k->edge[i + 1]), y0 = PY(k->edge[j + 1]), y1 = PY(k->edge[j]);
			if ((state == LM__CELL_SHOWN && n == 0) || x1 - x0 < 22 || y1 - y0 < 14)
				continue;
			int light = state == LM__CELL_SHOWN && (0.1 + 0.6 * (double)n / (double)most) > 0.45;
			svg_text(o, (x0 + x1) / 2, (y0 + y1) / 2 + 4, "middle",
				 light ? " style=\"fill:#fff;font-weight:600\"" : " style=\"font-weight:600\"");
			if (state == LM__CELL_SMALL) {
				put(o, "&lt;");
				ulong_out(o, c->r->min_cell);
			} else if (state == LM__CELL_COMPLEMENT) {
				put(o, "\xc3\x97");
			} else {
				ulong_out(o, n);
			}
			put(o, "</text>");
		}
	}
	put(o, "\n");
	double step = tick_step(lo, hi);
	for (double v = ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
		svg_text(o, PX(v), t + side + 16, "middle", NULL);
		shown(o, v, 2);
		put(o, "</text>");
		svg_text(o, l - 6, PY(v) + 4, "end", NULL);
		shown(o, v, 2);
		put(o, "</text>");
	}
	svg_text(o, l + side / 2, t + side + 36, "middle", NULL);
	put(o, "Pre score</text>");
	put(o, "<text transform=\"rotate(-90)\" x=\"");
	px(o, -(t + side / 2));
	put(o, "\" y=\"16\" text-anchor=\"middle\">Post score</text>\n");
#undef PX
#undef PY
	put(o, "</svg>\n");
}

static void categories_table(struct scale_ctx *c)
{
	const struct lm__scale_cells *cells = c->cells;
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	/* In the order of LM__CAT_*. */
	static const int which[] = {LM_STAT_IMPROVED, LM_STAT_UNCHANGED, LM_STAT_DETERIORATED, LM_STAT_RECOVERED};
	static const char *const keys[] = {"improved", "unchanged", "deteriorated", "recovered"};
	static const char *const names[] = {"Reliably improved", "No reliable change", "Reliably deteriorated",
					    "of whom recovered (crossed the cut-off)"};
	put(o, "<table><caption>Reliable change (Jacobson &amp; Truax 1991)</caption>"
	       "<tr><th scope=\"col\">Category</th><th scope=\"col\">Pairs</th></tr>\n");
	for (int k = 0; k < LM__N_CAT; k++) {
		put(o, "<tr><th scope=\"row\">");
		put(o, names[k]);
		put(o, "</th><td>");
		struct key kk = scale_key(sid, "rci", keys[k], NULL);
		if (cells->cat[k] == LM_NO_INDEX)
			stat(o, NULL, NAN, why(c->r, c->s, LM_NO_INDEX, which[k]), K_COUNT);
		else
			cell(o, &kk, cells->counts, cells->cat[k], c->r->min_cell);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n<p class=\"note\">Reliability ");
	struct key kr = scale_key(sid, "rci", "reliability", NULL), ks = scale_key(sid, "rci", "sdiff", NULL);
	double sdiff = st(c->r, c->s, LM_NO_INDEX, LM_STAT_RCI_SDIFF);
	if (rci_hidden(c)) {
		hidden(o, &kr, LM__CELL_SMALL, c->r->min_cell);
		put(o, " (Cronbach's \xce\xb1 at pre, over fewer than ");
		ulong_out(o, c->r->min_cell);
		put(o, " rows), standard error of the difference ");
		hidden(o, &ks, LM__CELL_COMPLEMENT, c->r->min_cell);
		put(o, ".</p>\n");
		return;
	}
	stat(o, &kr, st(c->r, c->s, LM_NO_INDEX, LM_STAT_RCI_RELIABILITY),
	     why(c->r, c->s, LM_NO_INDEX, LM_STAT_RCI_RELIABILITY), K_ALPHA);
	switch (lm_prepost_reliability_source(c->r->pp, c->s)) {
	case LM_RELIABILITY_OVERRIDE: put(o, " (given for this analysis)"); break;
	case LM_RELIABILITY_NORMS: put(o, " (from the instrument's published norms)"); break;
	case LM_RELIABILITY_ALPHA_PRE: put(o, " (Cronbach's \xce\xb1 at pre)"); break;
	default: break;
	}
	put(o, ", standard error of the difference ");
	stat(o, &ks, sdiff, why(c->r, c->s, LM_NO_INDEX, LM_STAT_RCI_SDIFF), K_NUM);
	if (isfinite(sdiff)) {
		put(o, ": a change of more than ");
		stat(o, NULL, RCI_CRITICAL * sdiff, NULL, K_NUM);
		put(o, " points is reliable (unlikely to be measurement error alone).");
	}
	put(o, "</p>\n");
}

static const char *effect_word(double d)
{
	double a = fabs(d);
	return a < 0.2 ? "a negligible" : a < 0.5 ? "a small" : a < 0.8 ? "a medium" : "a large";
}

/* The paired result in words, the numbers beside them. */
static void words(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	double mean = st(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_MEAN), n = st(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_N);
	double p = st(c->r, c->s, LM_NO_INDEX, LM_STAT_P), dz = st(c->r, c->s, LM_NO_INDEX, LM_STAT_DZ);
	struct key km = scale_key(sid, "change", "mean", NULL), kn = scale_key(sid, "change", "n", NULL);
	struct key klo = scale_key(sid, "change", "ci95", "0"), khi = scale_key(sid, "change", "ci95", "1");
	struct key kp = scale_key(sid, "change", "p", NULL), kd = scale_key(sid, "change", "dz", NULL);
	put(o, "<p class=\"words\">");
	if (!isfinite(mean)) {
		put(o, "The average change could not be computed");
		if (why(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_MEAN)) {
			put(o, ": ");
			esc(o, why(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_MEAN));
		}
		put(o, ".</p>\n");
		return;
	}
	esc(o, c->scale->label);
	put(o, mean < 0 ? " scores fell by " : mean > 0 ? " scores rose by " : " scores changed by ");
	stat(o, NULL, fabs(mean), NULL, K_NUM);
	put(o, " points on average (change ");
	stat(o, &km, mean, NULL, K_NUM);
	put(o, ", 95 % CI ");
	ci_pair(o, &klo, &khi, st(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_CI_LOW),
		st(c->r, c->s, LM_NO_INDEX, LM_STAT_CHANGE_CI_HIGH));
	put(o, ") among the ");
	stat(o, &kn, n, NULL, K_COUNT);
	put(o, " staff with a score at both waves");
	int dir = lm_scale_direction(c->scale);
	if (mean != 0 && dir != LM_DIRECTION_UNSPECIFIED) {
		int better = (mean < 0) == (dir == LM_DIRECTION_HIGHER_IS_WORSE);
		put(o, dir == LM_DIRECTION_HIGHER_IS_WORSE ? "; higher scores mean more difficulty, so this is a change for "
							 : "; higher scores are better, so this is a change for ");
		put(o, better ? "the better" : "the worse");
	}
	put(o, ". ");
	if (isfinite(dz)) {
		put(o, "For a comparison of the same people twice this is ");
		put(o, effect_word(dz));
		put(o, " change (d<sub>z</sub> = ");
		stat(o, &kd, dz, NULL, K_NUM);
		put(o, "). ");
	}
	if (isfinite(p)) {
		if (p < 0.05)
			put(o, "A change this large would be unlikely if the average had not really changed (paired t-test, p ");
		else
			put(o, "A change this large could well arise by chance even if the average had not really changed "
			       "(paired t-test, p ");
		put(o, p < 0.001 ? "" : "= ");
		stat(o, &kp, p, NULL, K_P);
		put(o, p < 0.05 ? ")." : "), so these data do not show a clear change.");
	}
	put(o, "</p>\n");
}

static void change_table(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	static const struct {
		const char *name, *key;
		int which;
		enum kind kind;
	} rows[] = {
		{"Pairs with both scores", "n", LM_STAT_CHANGE_N, K_COUNT},
		{"Mean change (post \xe2\x88\x92 pre)", "mean", LM_STAT_CHANGE_MEAN, K_NUM},
		{"SD of change", "sd", LM_STAT_CHANGE_SD, K_NUM},
		{"Paired t", "t", LM_STAT_T, K_NUM},
		{"Degrees of freedom", "df", LM_STAT_DF, K_NUM},
		{"p (two-sided)", "p", LM_STAT_P, K_P},
		{"Effect size d<sub>z</sub> (mean change / SD of change)", "dz", LM_STAT_DZ, K_NUM},
		{"Effect size d<sub>av</sub> (mean change / mean of pre and post SDs)", "dav", LM_STAT_DAV, K_NUM},
	};
	put(o, "<table><caption>Paired test and effect sizes</caption>\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct key k = scale_key(sid, "change", rows[i].key, NULL);
		put(o, "<tr><th scope=\"row\">");
		put(o, rows[i].name);
		put(o, "</th><td>");
		stat(o, &k, st(c->r, c->s, LM_NO_INDEX, rows[i].which), why(c->r, c->s, LM_NO_INDEX, rows[i].which),
		     rows[i].kind);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n<table><caption>Internal consistency (Cronbach's \xce\xb1, all rows of the wave with "
	       "every item answered)</caption><tr><th scope=\"col\">Wave</th><th scope=\"col\">\xce\xb1</th>"
	       "<th scope=\"col\">Rows</th></tr>\n");
	for (int w = 0; w < 2; w++) {
		int wa = w ? LM_STAT_POST_ALPHA : LM_STAT_PRE_ALPHA, wn = w ? LM_STAT_POST_ALPHA_N : LM_STAT_PRE_ALPHA_N;
		struct key ka = scale_key(sid, w ? "post" : "pre", "alpha", NULL);
		struct key kn = scale_key(sid, w ? "post" : "pre", "alpha_n", NULL);
		put(o, w ? "<tr><th scope=\"row\">Post</th><td>" : "<tr><th scope=\"row\">Pre</th><td>");
		if (alpha_hidden(c, w))
			hidden(o, &ka, LM__CELL_SMALL, c->r->min_cell);
		else
			stat(o, &ka, st(c->r, c->s, LM_NO_INDEX, wa), why(c->r, c->s, LM_NO_INDEX, wa), K_ALPHA);
		put(o, "</td><td>");
		stat(o, &kn, st(c->r, c->s, LM_NO_INDEX, wn), why(c->r, c->s, LM_NO_INDEX, wn), K_COUNT);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n");
}

static void comparison(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	if (c->ng != 2)
		return;
	if (!gshown(c, 0) || !gshown(c, 1)) {
		put(o, "<p class=\"note\">The comparison between the two groups is not shown: a group is hidden "
		       "(see above).</p>\n");
		return;
	}
	static const char *const keys[] = {"difference", "welch_t", "df", "p", "hedges_g"};
	static const char *const names[] = {"Difference in mean change", "Welch's t", "Degrees of freedom",
					    "p (two-sided)", "Hedges' g"};
	put(o, "<table><caption>Change compared between the groups (");
	esc(o, lm_prepost_group_name(c->r->pp, 0));
	put(o, " minus ");
	esc(o, lm_prepost_group_name(c->r->pp, 1));
	put(o, ")</caption>\n");
	for (int k = 0; k < 5; k++) {
		struct key kk = scale_key(sid, "groups", "comparison", keys[k]);
		put(o, "<tr><th scope=\"row\">");
		put(o, names[k]);
		put(o, "</th><td>");
		stat(o, &kk, lm_prepost_compare(c->r->pp, c->s, k), lm_prepost_compare_reason(c->r->pp, c->s, k),
		     k == 3 ? K_P : K_NUM);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n");
}

/* Whether scale s rests on enough pairs to show anything. */
static int scale_shown(const lm_report *r, size_t s)
{
	double n_all = st(r, s, LM_NO_INDEX, LM_STAT_CHANGE_N);
	return isfinite(n_all) && n_all >= (double)r->min_cell;
}

static void write_scale(const lm_report *r, struct lm_out *o, size_t s, const struct lm__scale_cells *cells)
{
	struct scale_ctx c = {r, o, s, &r->inst->scales[s], lm_prepost_group_count(r->pp), cells};
	put(o, "<section class=\"scale\"><h2>");
	esc(o, c.scale->label);
	put(o, "</h2>\n");
	if (!scale_shown(r, s)) {
		put(o, "<p>Fewer than ");
		ulong_out(o, r->min_cell);
		put(o, " pairs have a score at both waves on this scale: its results are not shown.</p></section>\n");
		return;
	}
	words(&c);
	put(o, "<h3>Mean scores before and after</h3>\n<figure>");
	means_chart(&c);
	put(o, "</figure>\n<table><caption>Mean score (95 % CI) and mean change</caption><tr>"
	       "<th scope=\"col\"></th><th scope=\"col\">Pairs</th><th scope=\"col\">Pre</th>"
	       "<th scope=\"col\">Post</th><th scope=\"col\">Change (95 % CI)</th><th scope=\"col\">p</th></tr>\n");
	means_row(&c, LM_NO_INDEX);
	for (size_t g = 0; g < c.ng; g++)
		if (gshown(&c, g))
			means_row(&c, g);
	other_groups_row(&c);
	put(o, "</table>\n");
	comparison(&c);
	change_table(&c);
	if (cells->bands) {
		put(o, "<h3>Bands before and after</h3>\n<figure>");
		bands_chart(&c);
		put(o, "</figure>\n");
		bands_tables(&c);
	}
	put(o, "<h3>Reliable change</h3>\n<figure>");
	jt_grid(&c);
	put(o, "<figcaption>Pairs counted in cells of pre score (across) by post score (up); no point stands for "
	       "one person. &#8220;&lt;");
	ulong_out(o, r->min_cell);
	put(o, "&#8221;: fewer than ");
	ulong_out(o, r->min_cell);
	put(o, " pairs, count hidden; &#8220;\xc3\x97&#8221;: hidden so that a smaller cell cannot be worked out. "
	       "Below the diagonal: lower after than before.</figcaption></figure>\n");
	categories_table(&c);
	put(o, "</section>\n");
}

/* ---- the document -------------------------------------------------------------------- */

static void meta_row(struct lm_out *o, const char *name, const char *value)
{
	if (!value)
		return;
	put(o, "<dt>");
	put(o, name);
	put(o, "</dt><dd>");
	esc(o, value);
	put(o, "</dd>\n");
}

static void count_item(struct lm_out *o, const lm_report *r, const char *label, const char *key, int which)
{
	struct key k = {{0}, 0, 0};
	key_push(&k, "counts");
	key_push(&k, key);
	put(o, label);
	put(o, " ");
	stat(o, &k, (double)lm_prepost_count(r->pp, which), NULL, K_COUNT);
}

static void write_html(const lm_report *r, struct lm_out *o, const struct lm__scale_cells *cells)
{
	const struct lm_instrument *inst = r->inst;
	put(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"generator\" content=\"libra_measures ");
	put(o, lm_version_string());
	put(o, "\">\n<title>");
	esc(o, inst->name);
	put(o, ": pre/post report</title>\n");
	put(o, css);
	put(o, "</head><body>\n");
	svg_defs(o);
	put(o, "<header><h1>");
	esc(o, inst->name);
	put(o, ": change between two waves</h1>\n<dl class=\"meta\">\n");
	put(o, "<dt>Instrument</dt><dd>");
	esc(o, inst->name);
	put(o, " (");
	esc(o, inst->id);
	if (inst->version) {
		put(o, ", definition ");
		esc(o, inst->version);
	}
	put(o, ")</dd>\n");
	meta_row(o, "Citation", lm_instrument_citation(inst));
	meta_row(o, "Terms of use", lm_instrument_terms(inst));
	meta_row(o, "Reference period", lm_instrument_period(inst));
	if (r->pre_name && r->post_name) {
		put(o, "<dt>Data files</dt><dd>pre: ");
		esc(o, r->pre_name);
		put(o, "; post: ");
		esc(o, r->post_name);
		put(o, "</dd>\n");
	} else {
		meta_row(o, "Data file", r->pre_name);
	}
	put(o, "<dt>Respondents</dt><dd>");
	count_item(o, r, "pairs", "pairs", LM_COUNT_PAIRS);
	put(o, "; unmatched: ");
	count_item(o, r, "pre only", "pre_only", LM_COUNT_PRE_ONLY);
	put(o, ", ");
	count_item(o, r, "post only", "post_only", LM_COUNT_POST_ONLY);
	put(o, "; excluded rows: ");
	count_item(o, r, "no id", "no_id", LM_COUNT_NO_ID);
	put(o, ", ");
	count_item(o, r, "duplicate id", "duplicate_id", LM_COUNT_DUPLICATE_ID);
	if (lm_prepost_count(r->pp, LM_COUNT_OTHER_WAVE)) {
		put(o, ", ");
		count_item(o, r, "other wave", "other_wave", LM_COUNT_OTHER_WAVE);
	}
	put(o, "</dd>\n");
	size_t ng = lm_prepost_group_count(r->pp), unnamed = 0;
	if (ng) {
		/* A group is named only where it is shown: on some scale with enough pairs. */
		put(o, "<dt>Groups</dt><dd>");
		int first = 1;
		for (size_t g = 0; g < ng; g++) {
			int named = 0;
			for (size_t s = 0; s < inst->n_scales && !named; s++)
				named = scale_shown(r, s) &&
					lm__dtable_state(cells[s].groups, cells[s].group_item[g]) == LM__CELL_SHOWN;
			if (!named) {
				unnamed++;
				continue;
			}
			put(o, first ? "" : ", ");
			esc(o, lm_prepost_group_name(r->pp, g));
			first = 0;
		}
		if (unnamed) {
			put(o, first ? "" : "; ");
			ulong_out(o, unnamed);
			put(o, unnamed == 1 ? " other group is" : " other groups are");
			put(o, " not named: hidden on every scale");
		}
		put(o, "</dd>\n");
	}
	put(o, "<dt>Privacy</dt><dd>no number rests on fewer than ");
	ulong_out(o, r->min_cell);
	put(o, " pairs: smaller counts and groups are hidden, and so are others where needed so that a hidden "
	       "number cannot be worked out by adding or subtracting the numbers shown; no chart shows a single "
	       "pair, and no respondent id appears in this report</dd>\n");
	put(o, "<dt>Made with</dt><dd>libra_measures ");
	put(o, lm_version_string());
	put(o, "</dd>\n</dl>\n");
	put(o, "<p class=\"note\">How to read this report: scores are compared for the same people at two times. "
	       "A change between the waves does not by itself show that the programme caused it: other events, "
	       "regression to the mean and who answered both times can all play a part. Effect sizes are described "
	       "with Cohen's (1988) rule of thumb (|d| about 0.2 small, 0.5 medium, 0.8 large). 95 % CI: the "
	       "range of values compatible with the data. Reliable change follows Jacobson &amp; Truax (1991).</p>\n");
	put(o, "</header>\n<main>\n");
	for (size_t s = 0; s < inst->n_scales; s++)
		write_scale(r, o, s, &cells[s]);
	put(o, "</main>\n</body></html>\n");
}

/* Decide what is hidden on every scale first: the header names only groups shown somewhere. */
static int write_all(const lm_report *r, struct lm_out *o)
{
	size_t ns = r->inst->n_scales, ng = lm_prepost_group_count(r->pp);
	struct lm__scale_cells *cells = calloc(ns ? ns : 1, sizeof(*cells));
	unsigned char *hide = calloc(ng ? ng : 1, 1);
	int ok = cells && hide, again = 1;
	/*
	 * A group hidden on one scale is hidden on every scale: where a scale is
	 * the sum of others (a total of subscales), its rows on the others would
	 * otherwise give it back. Hiding only grows, so this ends.
	 */
	while (ok && again) {
		again = 0;
		for (size_t s = 0; s < ns && ok; s++) {
			lm__scale_cells_free(&cells[s]);
			ok = !scale_shown(r, s) || lm__scale_cells_build(&cells[s], r->pp, s, r->min_cell, hide);
		}
		for (size_t s = 0; s < ns && ok; s++)
			for (size_t g = 0; g < ng && scale_shown(r, s); g++)
				if (!hide[g] && lm__dtable_state(cells[s].groups, cells[s].group_item[g]) != LM__CELL_SHOWN)
					hide[g] = again = 1;
	}
	if (ok)
		write_html(r, o, cells);
	for (size_t s = 0; cells && s < ns; s++)
		lm__scale_cells_free(&cells[s]);
	free(cells);
	free(hide);
	return ok;
}

static int check(const lm_report *r, lm_error *err)
{
	if (!r)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "no report");
	if (lm_instrument_scale_count(r->inst) == 0 ||
	    lm_prepost_count(r->pp, LM_COUNT_PRE_ROWS) + lm_prepost_count(r->pp, LM_COUNT_POST_ROWS) == 0)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "nothing to report: the analysis has not run");
	return LM_OK;
}

/* Write, then commit, or (with @p set) stage for the set's commit. */
static int write_to(const lm_report *r, struct lm_out *o, lm_outputs *set, lm_error *err)
{
	if (!write_all(r, o)) {
		lm__out_free(o);
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory while writing the report");
	}
	if (set)
		return lm__outputs_stage(set, o, err);
	int rc = lm__out_commit(o, err);
	lm__out_free(o);
	return rc;
}

static int write_file(const lm_report *r, const char *path, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check(r, err);
	if (rc == LM_OK && !path)
		rc = lm__error(err, LM_EINVAL, NULL, 0, 0, "no output path");
	if (rc == LM_OK)
		rc = lm__out_open_file(&o, path, err);
	return rc == LM_OK ? write_to(r, o, set, err) : rc;
}

static int write_fd(const lm_report *r, int fd, lm_outputs *set, lm_error *err)
{
	struct lm_out *o;
	int rc = check(r, err);
	if (rc == LM_OK)
		rc = lm__out_open_fd(&o, fd, err);
	return rc == LM_OK ? write_to(r, o, set, err) : rc;
}

int lm_report_write_file(const lm_report *r, const char *path, lm_error *err)
{
	return write_file(r, path, NULL, err);
}

int lm_report_write_fd(const lm_report *r, int fd, lm_error *err)
{
	return write_fd(r, fd, NULL, err);
}

int lm_report_stage_file(const lm_report *r, const char *path, lm_outputs *set, lm_error *err)
{
	return set ? write_file(r, path, set, err) : LM_EINVAL;
}

int lm_report_stage_fd(const lm_report *r, int fd, lm_outputs *set, lm_error *err)
{
	return set ? write_fd(r, fd, set, err) : LM_EINVAL;
}
