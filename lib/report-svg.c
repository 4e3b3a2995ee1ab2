/*
 * libra_measures — the report's charts, inline SVG: pre and post means with
 * their confidence intervals, band counts as stacked bars, and the
 * Jacobson–Truax plane as a grid of counts. No chart shows a single pair;
 * what a chart would show of a hidden number is hidden the same way.
 */
#include "report-html.h"


/* Okabe & Ito (2008) colours, ordered from light to dark so that greyscale keeps the order. */
static const char *const palette[] = {"#F0E442", "#56B4E9", "#E69F00", "#009E73", "#D55E00", "#0072B2", "#CC79A7"};
static const int palette_dark[] = {0, 0, 0, 1, 1, 1, 0};
#define N_PALETTE 7

/* Patterns for band segments, one per palette colour, so that bands differ without colour too. */
void lm__report_svg_defs(struct lm_out *o)
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

/* Dot-and-whisker chart of pre and post means with 95 % CIs, per shown group. */
void lm__report_means_chart(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	size_t rows[64], nr = 0;
	rows[nr++] = LM_PREPOST_ALL_GROUPS;
	for (size_t g = 0; g < c->ng && nr < 64; g++)
		if (gshown(c, g))
			rows[nr++] = g;
	double lo = c->scale->min, hi = c->scale->max;
	if (!(hi > lo))
		return;
	double left = 150, right = 610, top = 34, rowh = 44, h = top + rowh * (double)nr + 40;
	svg_open(o, "means", c->uid, 640, h);
	esc(o, c->scale->label);
	put(o, ": mean score before and after, with 95 % confidence intervals");
	svg_desc(o, "means", c->uid);
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
		if (g == LM_PREPOST_ALL_GROUPS)
			put(o, "All pairs");
		else
			esc(o, lm_prepost_group_name(c->r->pp, g));
		put(o, "</text>\n");
		for (int wave = 0; wave < 2; wave++) {
			double m = st(c->r, c->s, g, wave ? LM_PREPOST_STAT_POST_MEAN : LM_PREPOST_STAT_PRE_MEAN);
			double sd = st(c->r, c->s, g, wave ? LM_PREPOST_STAT_POST_SD : LM_PREPOST_STAT_PRE_SD), a, b;
			double yy = y + (wave ? 14 : 0);
			if (!isfinite(m))
				continue;
			mean_ci(m, sd, st(c->r, c->s, g, wave ? LM_PREPOST_STAT_POST_N : LM_PREPOST_STAT_PRE_N), &a, &b);
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


/*
 * Stacked bars of the band counts at each wave, over the pairs with both
 * scores. A hidden count keeps its band's place in the order, hatched; the
 * hidden ones share equally the width of the pairs not shown (the number
 * of pairs minus the counts shown, which a reader has anyway), so their
 * widths tell nothing of their counts.
 */
void lm__report_bands_chart(struct scale_ctx *c)
{
	const struct lm__scale_cells *k = c->cells;
	struct lm_out *o = c->o;
	size_t nb = k->nc;
	unsigned long total = k->total;
	double left = 60, width = 540, barh = 34, top = 10;
	double h = top + 2 * (barh + 14) + 22 * (double)((nb + 3) / 3) + 16;
	svg_open(o, "bands", c->uid, 640, h);
	esc(o, c->scale->label);
	put(o, ": pairs in each band before and after");
	svg_desc(o, "bands", c->uid);
	put(o, "Two stacked bars, pre and post, each divided into the bands from ");
	esc(o, lm_band_label(&c->scale->bands[0]));
	put(o, " to ");
	esc(o, lm_band_label(&c->scale->bands[nb - 1]));
	put(o, " in order; segment widths are shares of the pairs with a score at both waves. A hidden count is "
	       "hatched in its band's place, the hidden counts sharing equally the width they take together, so a "
	       "hatched width says nothing of its count. The counts are in the table below.</desc>\n");
	for (int w = 0; w < 2; w++) {
		unsigned long shown_total = 0, n_hidden = 0;
		for (size_t b = 0; b < nb; b++) {
			if (lm__dtable_state(k->counts, k->margin[w][b]) == LM__CELL_SHOWN)
				shown_total += lm__dtable_count(k->counts, k->margin[w][b]);
			else
				n_hidden++;
		}
		double y = top + (double)w * (barh + 14);
		svg_text(o, left - 8, y + barh / 2 + 4, "end", NULL);
		put(o, w ? "Post" : "Pre");
		put(o, "</text>");
		if (!total) {
			svg_text(o, left + 4, y + barh / 2 + 4, "start", NULL);
			put(o, "no scores</text>\n");
			continue;
		}
		double x = left, hidden_w = n_hidden ? width * (double)(total - shown_total) / (double)total / (double)n_hidden : 0;
		for (size_t b = 0; b < nb; b++) {
			int is_sup = lm__dtable_state(k->counts, k->margin[w][b]) != LM__CELL_SHOWN;
			unsigned long n = is_sup ? 0 : lm__dtable_count(k->counts, k->margin[w][b]);
			double segw = is_sup ? hidden_w : width * (double)n / (double)total;
			if (!(segw > 0))
				continue;
			put(o, "<rect stroke=\"#fff\" stroke-width=\"1\" ");
			xywh(o, x, y, segw, barh);
			put(o, " fill=\"url(#");
			put(o, "band");
			ulong_out(o, b % N_PALETTE);
			put(o, ")\"/>");
			if (is_sup) {
				put(o, "<rect fill=\"url(#supp)\" fill-opacity=\".75\" ");
				xywh(o, x, y + barh / 4, segw, barh / 2);
				put(o, "/>");
			}
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
			put(o, "hidden count (in its band's place)");
		else
			esc(o, lm_band_label(&c->scale->bands[b]));
		put(o, "</text>\n");
	}
	put(o, "</svg>\n");
}

/* Cell @p cell of the pre x post grid: its count where shown (else 0), and its state. */
static unsigned long grid_count(const struct lm__scale_cells *k, size_t cell, int *state)
{
	size_t item = k->cell_item[cell];
	*state = lm__dtable_state(k->counts, item);
	return *state == LM__CELL_SHOWN ? lm__dtable_count(k->counts, item) : 0;
}

/*
 * The Jacobson–Truax plane as a grid of counts: pre score across, post
 * score up, one cell per pair of bands (or fifths of the score range), with
 * the no-change line, the band of changes too small to be reliable and the
 * clinical cut-off over it. A cell shows the same number as the table of
 * the same cells, or the same reason for hiding it; nothing is drawn per
 * pair, so no pair's scores can be read off.
 */
void lm__report_jt_grid(struct scale_ctx *c)
{
	const struct lm__scale_cells *k = c->cells;
	struct lm_out *o = c->o;
	double lo = c->scale->min, hi = c->scale->max;
	double sdiff = st(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_SDIFF), cut = c->scale->cutoff;
	if (!(hi > lo))
		return;
	size_t nc = k->nc;
	unsigned long most = 0;
	for (size_t i = 0; i < nc * nc; i++) {
		int state;
		unsigned long n = grid_count(k, i, &state);
		most = n > most ? n : most;
	}
	double l = 60, t = 16, side = 380, w = l + side + 20, h = t + side + 50;
#define PX(v) (l + ((v) - lo) / (hi - lo) * side)
#define PY(v) (t + side - ((v) - lo) / (hi - lo) * side)
	svg_open(o, "jt", c->uid, w, h);
	esc(o, c->scale->label);
	put(o, ": pairs by score before (across) and after (up)");
	svg_desc(o, "jt", c->uid);
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
	ulong_out(o, c->uid);
	put(o, "\"><rect ");
	xywh(o, l, t, side, side);
	put(o, "/></clipPath></defs>\n<rect fill=\"#fff\" stroke=\"#333\" ");
	xywh(o, l, t, side, side);
	put(o, "/>\n<g clip-path=\"url(#jtclip");
	ulong_out(o, c->uid);
	put(o, ")\">\n");
	for (size_t i = 0; i < nc; i++) {
		for (size_t j = 0; j < nc; j++) {
			int state;
			unsigned long n = grid_count(k, i * nc + j, &state);
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
		double d = LM_RCI_CRITICAL * sdiff, span = hi - lo;
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
			int state;
			unsigned long n = grid_count(k, i * nc + j, &state);
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

/* Markers of the series of the waves chart, so that series differ without colour too. */
static void marker(struct lm_out *o, size_t i, double x, double y, const char *col)
{
	switch (i % 4) {
	case 0:
		put(o, "<circle r=\"5\" fill=\"#fff\" stroke-width=\"2.5\" stroke=\"");
		put(o, col);
		put(o, "\" cx=\"");
		px(o, x);
		put(o, "\" cy=\"");
		px(o, y);
		put(o, "\"/>");
		break;
	case 1:
		put(o, "<rect width=\"9\" height=\"9\" stroke=\"#000\" fill=\"");
		put(o, col);
		put(o, "\" x=\"");
		px(o, x - 4.5);
		put(o, "\" y=\"");
		px(o, y - 4.5);
		put(o, "\"/>");
		break;
	default:
		put(o, "<polygon stroke=\"#000\" fill=\"");
		put(o, col);
		put(o, "\" points=\"");
		/* a triangle, or a diamond: offsets from the centre */
		static const double tri[] = {0, -6, 5.5, 4, -5.5, 4}, dia[] = {0, -6, 6, 0, 0, 6, -6, 0};
		const double *d = i % 4 == 2 ? tri : dia;
		size_t nd = i % 4 == 2 ? 3 : 4;
		for (size_t k = 0; k < nd; k++) {
			put(o, k ? " " : "");
			px(o, x + d[2 * k]);
			put(o, ",");
			px(o, y + d[2 * k + 1]);
		}
		put(o, "\"/>");
		break;
	}
}

/*
 * A run with waves: the mean of all respondents and of each shown arm at
 * each wave, with 95 % CIs, waves across and score up. A hidden mean is
 * not drawn (its line breaks there); the numbers are in the table below.
 */
void lm__report_waves_chart(struct scale_ctx *c, const struct lm__wave_means *m, const unsigned char *hide_arm)
{
	static const char *const colours[] = {"#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};
	struct lm_out *o = c->o;
	size_t rows[LM__MAX_GROUPS + 1], nr = 0;
	rows[nr++] = LM_PREPOST_ALL_GROUPS;
	for (size_t g = 0; g < m->ng && m->ng <= LM__MAX_GROUPS; g++)
		if (!hide_arm[g])
			rows[nr++] = g;
	double lo = c->scale->min, hi = c->scale->max;
	if (!(hi > lo) || m->nw < 2)
		return;
	double left = 60, right = 620, top = 16, plot = 260, legend = 22 * (double)((nr + 2) / 3);
	double h = top + plot + 44 + legend, slot = (right - left) / (double)m->nw;
	double dodge = fmin(12, slot * 0.5 / (double)nr);
	svg_open(o, "waves", c->s, 640, h);
	esc(o, c->scale->label);
	put(o, ": mean score at each wave, with 95 % confidence intervals");
	svg_desc(o, "waves", c->s);
	put(o, "Waves from left to right, score up. For all respondents and for each arm shown, a marker is the mean "
	       "at a wave and the vertical line through it its 95 % confidence interval; lines join an arm's means "
	       "from wave to wave. A mean resting on too few respondents is not drawn. The numbers are in the table "
	       "below.</desc>\n");
#define YS(v) (top + plot - ((v) - lo) / (hi - lo) * plot)
	double step = tick_step(lo, hi);
	for (double t = ceil(lo / step) * step; t <= hi + 1e-9; t += step) {
		svg_line(o, left, YS(t), right, YS(t), "stroke=\"#ddd\"");
		svg_text(o, left - 6, YS(t) + 4, "end", NULL);
		shown(o, t, 2);
		put(o, "</text>");
	}
	put(o, "<text transform=\"rotate(-90)\" x=\"");
	px(o, -(top + plot / 2));
	put(o, "\" y=\"14\" text-anchor=\"middle\">Score</text>\n");
	for (size_t w = 0; w < m->nw; w++) {
		svg_text(o, left + slot * ((double)w + 0.5), top + plot + 18, "middle", NULL);
		esc(o, lm_prepost_wave_name(c->r->pp, w));
		put(o, "</text>");
	}
	put(o, "\n");
	for (size_t i = 0; i < nr; i++) {
		size_t g = rows[i], j = g == LM_PREPOST_ALL_GROUPS ? 0 : g + 2;
		const char *col = colours[i % 7];
		double off = ((double)i - (double)(nr - 1) / 2) * dodge, px0 = NAN, py0 = NAN;
		for (size_t w = 0; w < m->nw; w++) {
			size_t at = w * (m->ng + 2) + j;
			double x = left + slot * ((double)w + 0.5) + off, mean = m->mean[at], a, b;
			if (lm__wave_mean_state(m, w, g, c->r->min_cell) != LM__CELL_SHOWN || !isfinite(mean)) {
				px0 = NAN;
				continue;
			}
			if (isfinite(px0)) {
				put(o, "<line stroke-width=\"1.5\" stroke-opacity=\".6\" stroke=\"");
				put(o, col);
				put(o, "\" x1=\"");
				px(o, px0);
				put(o, "\" y1=\"");
				px(o, py0);
				put(o, "\" x2=\"");
				px(o, x);
				put(o, "\" y2=\"");
				px(o, YS(mean));
				put(o, "\"/>");
			}
			mean_ci(mean, m->sd[at], (double)m->n[at], &a, &b);
			if (isfinite(a) && isfinite(b)) {
				put(o, "<line stroke-width=\"2\" stroke=\"");
				put(o, col);
				put(o, "\" x1=\"");
				px(o, x);
				put(o, "\" x2=\"");
				px(o, x);
				put(o, "\" y1=\"");
				px(o, YS(fmin(b, hi)));
				put(o, "\" y2=\"");
				px(o, YS(fmax(a, lo)));
				put(o, "\"/>");
			}
			marker(o, i, x, YS(mean), col);
			px0 = x;
			py0 = YS(mean);
		}
		put(o, "\n");
	}
	for (size_t i = 0; i < nr; i++) {
		double lx = left + (double)(i % 3) * 190, ly = top + plot + 40 + (double)(i / 3) * 22;
		marker(o, i, lx + 6, ly - 4, colours[i % 7]);
		svg_text(o, lx + 18, ly, "start", NULL);
		if (rows[i] == LM_PREPOST_ALL_GROUPS)
			put(o, "All");
		else
			esc(o, lm_prepost_group_name(c->r->pp, rows[i]));
		put(o, "</text>\n");
	}
#undef YS
	put(o, "</svg>\n");
}
