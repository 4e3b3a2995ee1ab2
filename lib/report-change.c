/*
 * libra_measures — the two-wave results of one scale in the report (pre ->
 * post, or baseline -> one later wave): the means, comparison, change,
 * bands and categories tables, and the words that say what they show.
 * Small cells are hidden as lib/report-cells.c decides; the charts are
 * drawn by report-svg.c; report.c writes the document around them.
 */
#include <math.h>

#include "prepost-keys.h"
#include "report-html.h"

static const char *group_label(const struct scale_ctx *c, size_t g)
{
	return g == LM_PREPOST_ALL_GROUPS ? NULL : lm_prepost_group_name(c->r->pp, g);
}

/* One row of the means table: all pairs (g = -1) or a group. */
static void means_row(struct scale_ctx *c, size_t g)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	const char *gname = group_label(c, g);
	int overall = g == LM_PREPOST_ALL_GROUPS;
	put(o, "<tr><th scope=\"row\">");
	if (overall)
		put(o, "All pairs");
	else
		esc(o, gname);
	put(o, "</th>");
	struct key kn = overall ? stat_key(c->r, sid, NULL, LM_PREPOST_STAT_CHANGE_N) : scale_key(c->r, sid, LM__KEY_GROUPS, gname, LM__KEY_N);
	put(o, "<td>");
	stat(o, &kn, st(c->r, c->s, g, LM_PREPOST_STAT_CHANGE_N), NULL, K_COUNT);
	put(o, "</td>");
	for (int wave = 0; wave < 2; wave++) {
		int wm = wave ? LM_PREPOST_STAT_POST_MEAN : LM_PREPOST_STAT_PRE_MEAN, wsd = wave ? LM_PREPOST_STAT_POST_SD : LM_PREPOST_STAT_PRE_SD;
		int wn = wave ? LM_PREPOST_STAT_POST_N : LM_PREPOST_STAT_PRE_N;
		double m = st(c->r, c->s, g, wm), sd = st(c->r, c->s, g, wsd), lo, hi;
		struct key km = stat_key(c->r, sid, NULL, wm);
		mean_ci(m, sd, st(c->r, c->s, g, wn), &lo, &hi);
		put(o, "<td>");
		stat(o, overall ? &km : NULL, m, why(c->r, c->s, g, wm), K_NUM);
		put(o, " <span class=\"ci\">(");
		ci_pair(o, NULL, NULL, lo, hi);
		put(o, ")</span></td>");
	}
	struct key kc = stat_key(c->r, sid, gname, LM_PREPOST_STAT_CHANGE_MEAN), kp = stat_key(c->r, sid, gname, LM_PREPOST_STAT_P);
	struct key klo = stat_key(c->r, sid, gname, LM_PREPOST_STAT_CHANGE_CI_LOW), khi = stat_key(c->r, sid, gname, LM_PREPOST_STAT_CHANGE_CI_HIGH);
	put(o, "<td>");
	stat(o, &kc, st(c->r, c->s, g, LM_PREPOST_STAT_CHANGE_MEAN), why(c->r, c->s, g, LM_PREPOST_STAT_CHANGE_MEAN), K_NUM);
	put(o, " <span class=\"ci\">(");
	ci_pair(o, &klo, &khi, st(c->r, c->s, g, LM_PREPOST_STAT_CHANGE_CI_LOW), st(c->r, c->s, g, LM_PREPOST_STAT_CHANGE_CI_HIGH));
	put(o, ")</span></td><td>");
	stat(o, &kp, st(c->r, c->s, g, LM_PREPOST_STAT_P), why(c->r, c->s, g, LM_PREPOST_STAT_P), K_P);
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
	/* With waves an arm hidden only to protect another is named in the flow and the comparisons. */
	put(o, "<tr><th scope=\"row\">Other groups</th><td colspan=\"5\" class=\"lab\"><span class=\"sup\">");
	put(o, c->r->wave ? "not shown here: " : "not shown or named: ");
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

/* ---- counts: bands, the pre x post grid, change categories ----------------------------- */
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
			struct key k2 = scale_key(c->r, sid, LM__KEY_BANDS, LM__KEY_TRANSITIONS, idx);
			key_push(&k2, LM__KEY_N);
			put(o, "<td>");
			cell(o, &k2, k->counts, k->cell_item[i * nb + j], m);
			put(o, "</td>");
		}
		put(o, "</tr>\n");
	}
	put(o, "</table>\n");
}

static void categories_table(struct scale_ctx *c)
{
	const struct lm__scale_cells *cells = c->cells;
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	/* In the order of LM__CAT_*. */
	static const int which[] = {LM_PREPOST_STAT_IMPROVED, LM_PREPOST_STAT_UNCHANGED, LM_PREPOST_STAT_DETERIORATED, LM_PREPOST_STAT_RECOVERED};
	static const char *const names[] = {"Reliably improved", "No reliable change", "Reliably deteriorated",
					    "of whom recovered (crossed the cut-off)"};
	put(o, "<table><caption>Reliable change (Jacobson &amp; Truax 1991)</caption>"
	       "<tr><th scope=\"col\">Category</th><th scope=\"col\">Pairs</th></tr>\n");
	for (int k = 0; k < LM__N_CAT; k++) {
		put(o, "<tr><th scope=\"row\">");
		put(o, names[k]);
		put(o, "</th><td>");
		struct key kk = stat_key(c->r, sid, NULL, which[k]);
		if (cells->cat[k] == LM_NO_INDEX)
			stat(o, NULL, NAN, why(c->r, c->s, LM_PREPOST_ALL_GROUPS, which[k]), K_COUNT);
		else
			cell(o, &kk, cells->counts, cells->cat[k], c->r->min_cell);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n<p class=\"note\">Reliability ");
	struct key kr = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_RCI_RELIABILITY), ks = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_RCI_SDIFF);
	double sdiff = st(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_SDIFF);
	if (rci_hidden(c)) {
		hidden(o, &kr, LM__CELL_SMALL, c->r->min_cell);
		put(o, " (Cronbach's \xce\xb1 at pre, over fewer than ");
		ulong_out(o, c->r->min_cell);
		put(o, " rows), standard error of the difference ");
		hidden(o, &ks, LM__CELL_COMPLEMENT, c->r->min_cell);
		put(o, ".</p>\n");
		return;
	}
	stat(o, &kr, st(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_RELIABILITY),
	     why(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_RELIABILITY), K_ALPHA);
	switch (lm_prepost_reliability_source(c->r->pp, c->s)) {
	case LM_RELIABILITY_OVERRIDE: put(o, " (given for this analysis)"); break;
	case LM_RELIABILITY_NORMS: put(o, " (from the instrument's published norms)"); break;
	case LM_RELIABILITY_ALPHA_PRE: put(o, " (Cronbach's \xce\xb1 at pre)"); break;
	default: break;
	}
	put(o, ", standard error of the difference ");
	stat(o, &ks, sdiff, why(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_RCI_SDIFF), K_NUM);
	if (isfinite(sdiff)) {
		put(o, ": a change of more than ");
		stat(o, NULL, LM_RCI_CRITICAL * sdiff, NULL, K_NUM);
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
	const size_t all = LM_PREPOST_ALL_GROUPS;
	double mean = st(c->r, c->s, all, LM_PREPOST_STAT_CHANGE_MEAN), n = st(c->r, c->s, all, LM_PREPOST_STAT_CHANGE_N);
	double p = st(c->r, c->s, all, LM_PREPOST_STAT_P), dz = st(c->r, c->s, all, LM_PREPOST_STAT_DZ);
	struct key km = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_CHANGE_MEAN), kn = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_CHANGE_N);
	struct key klo = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_CHANGE_CI_LOW), khi = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_CHANGE_CI_HIGH);
	struct key kp = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_P), kd = stat_key(c->r, sid, NULL, LM_PREPOST_STAT_DZ);
	put(o, "<p class=\"words\">");
	if (!isfinite(mean)) {
		put(o, "The average change could not be computed");
		if (why(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_MEAN)) {
			put(o, ": ");
			esc(o, why(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_MEAN));
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
	ci_pair(o, &klo, &khi, st(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_CI_LOW),
		st(c->r, c->s, LM_PREPOST_ALL_GROUPS, LM_PREPOST_STAT_CHANGE_CI_HIGH));
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
		const char *name;
		int which;
		enum kind kind;
	} rows[] = {
		{"Pairs with both scores", LM_PREPOST_STAT_CHANGE_N, K_COUNT},
		{"Mean change (post \xe2\x88\x92 pre)", LM_PREPOST_STAT_CHANGE_MEAN, K_NUM},
		{"SD of change", LM_PREPOST_STAT_CHANGE_SD, K_NUM},
		{"Paired t", LM_PREPOST_STAT_T, K_NUM},
		{"Degrees of freedom", LM_PREPOST_STAT_DF, K_NUM},
		{"p (two-sided)", LM_PREPOST_STAT_P, K_P},
		{"Effect size d<sub>z</sub> (mean change / SD of change)", LM_PREPOST_STAT_DZ, K_NUM},
		{"Effect size d<sub>av</sub> (mean change / mean of pre and post SDs)", LM_PREPOST_STAT_DAV, K_NUM},
	};
	put(o, "<table><caption>Paired test and effect sizes</caption>\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct key k = stat_key(c->r, sid, NULL, rows[i].which);
		put(o, "<tr><th scope=\"row\">");
		put(o, rows[i].name);
		put(o, "</th><td>");
		stat(o, &k, st(c->r, c->s, LM_PREPOST_ALL_GROUPS, rows[i].which), why(c->r, c->s, LM_PREPOST_ALL_GROUPS, rows[i].which),
		     rows[i].kind);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n<table><caption>Internal consistency (Cronbach's \xce\xb1, all rows of the wave with "
	       "every item answered)</caption><tr><th scope=\"col\">Wave</th><th scope=\"col\">\xce\xb1</th>"
	       "<th scope=\"col\">Rows</th></tr>\n");
	for (int w = 0; w < 2; w++) {
		int wa = w ? LM_PREPOST_STAT_POST_ALPHA : LM_PREPOST_STAT_PRE_ALPHA, wn = w ? LM_PREPOST_STAT_POST_ALPHA_N : LM_PREPOST_STAT_PRE_ALPHA_N;
		struct key ka = stat_key(c->r, sid, NULL, wa), kn = stat_key(c->r, sid, NULL, wn);
		put(o, w ? "<tr><th scope=\"row\">Post</th><td>" : "<tr><th scope=\"row\">Pre</th><td>");
		if (alpha_hidden(c, w))
			hidden(o, &ka, LM__CELL_SMALL, c->r->min_cell);
		else
			stat(o, &ka, st(c->r, c->s, LM_PREPOST_ALL_GROUPS, wa), why(c->r, c->s, LM_PREPOST_ALL_GROUPS, wa), K_ALPHA);
		put(o, "</td><td>");
		stat(o, &kn, st(c->r, c->s, LM_PREPOST_ALL_GROUPS, wn), why(c->r, c->s, LM_PREPOST_ALL_GROUPS, wn), K_COUNT);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n");
}

/* The two groups' changes compared, in words (the numbers are in the table after it). */
static void comparison_words(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	double d = lm_prepost_compare(c->r->pp, c->s, LM_PREPOST_COMPARE_DIFFERENCE);
	double p = lm_prepost_compare(c->r->pp, c->s, LM_PREPOST_COMPARE_P);
	double g = lm_prepost_compare(c->r->pp, c->s, LM_PREPOST_COMPARE_HEDGES_G);
	const char *a = lm_prepost_group_name(c->r->pp, 0), *b = lm_prepost_group_name(c->r->pp, 1);
	put(o, "<p class=\"words\">");
	if (!isfinite(d)) {
		put(o, "The change could not be compared between ");
		esc(o, a);
		put(o, " and ");
		esc(o, b);
		const char *why_d = lm_prepost_compare_reason(c->r->pp, c->s, LM_PREPOST_COMPARE_DIFFERENCE);
		if (why_d) {
			put(o, ": ");
			esc(o, why_d);
		}
		put(o, ".</p>\n");
		return;
	}
	put(o, "The mean change in ");
	esc(o, a);
	put(o, " (");
	stat(o, NULL, st(c->r, c->s, 0, LM_PREPOST_STAT_CHANGE_MEAN), NULL, K_NUM);
	put(o, ") was ");
	stat(o, NULL, fabs(d), NULL, K_NUM);
	put(o, d < 0 ? " points lower than in " : d > 0 ? " points higher than in " : " points different from that in ");
	esc(o, b);
	put(o, " (");
	stat(o, NULL, st(c->r, c->s, 1, LM_PREPOST_STAT_CHANGE_MEAN), NULL, K_NUM);
	put(o, ")");
	put(o, "; difference in mean change ");
	stat(o, NULL, d, NULL, K_NUM);
	if (isfinite(p)) {
		put(o, ", Welch's test ");
		put(o, p < 0.001 ? "p " : "p = ");
		stat(o, NULL, p, NULL, K_P);
	}
	if (isfinite(g)) {
		put(o, ", Hedges' g = ");
		stat(o, NULL, g, NULL, K_NUM);
	}
	put(o, ". ");
	if (isfinite(p))
		put(o, p < 0.05 ? "A difference this large would be unlikely if the two groups had really changed alike."
				: "A difference this large could well arise by chance, so these data do not show that the "
				  "groups changed differently.");
	put(o, " This compares change only: it does not adjust for where the groups started.</p>\n");
}

static void comparison(struct scale_ctx *c)
{
	struct lm_out *o = c->o;
	const char *sid = c->scale->id;
	if (c->ng > 2) {
		put(o, "<p class=\"note\">What is compared: with ");
		ulong_out(o, c->ng);
		put(o, " groups, each group's own change is shown above with its confidence interval, but the groups' "
		       "changes are not tested against each other here (a test of two groups is made only when there are "
		       "exactly two");
		put(o, c->r->wave ? "; the arms are compared with the reference arm, adjusted for baseline, above)."
				  : ").");
		put(o, " Overlapping or separate intervals are not such a test.</p>\n");
		return;
	}
	if (c->ng != 2)
		return;
	if (!gshown(c, 0) || !gshown(c, 1)) {
		put(o, "<p class=\"note\">The comparison between the two groups is not shown: a group is hidden "
		       "(see above).</p>\n");
		return;
	}
	comparison_words(c);
	static const char *const names[] = {"Difference in mean change", "Welch's t", "Degrees of freedom",
					    "p (two-sided)", "Hedges' g"};
	put(o, "<table><caption>Change compared between the groups (");
	esc(o, lm_prepost_group_name(c->r->pp, 0));
	put(o, " minus ");
	esc(o, lm_prepost_group_name(c->r->pp, 1));
	put(o, ")</caption>\n");
	for (int k = 0; k <= LM_PREPOST_COMPARE_HEDGES_G; k++) {
		struct key kk = scale_key(c->r, sid, LM__KEY_GROUPS, LM__KEY_COMPARISON, lm__prepost_compare_keys[k]);
		put(o, "<tr><th scope=\"row\">");
		put(o, names[k]);
		put(o, "</th><td>");
		stat(o, &kk, lm_prepost_compare(c->r->pp, c->s, k), lm_prepost_compare_reason(c->r->pp, c->s, k),
		     k == LM_PREPOST_COMPARE_P ? K_P : K_NUM);
		put(o, "</td></tr>\n");
	}
	put(o, "</table>\n");
}


/* The two-wave results of scale s (pre -> post, or baseline -> one later wave). */
void lm__report_change(const lm_report *r, struct lm_out *o, size_t s, size_t uid, const struct lm__scale_cells *cells)
{
	struct scale_ctx c = {r, o, s, &r->inst->scales[s], lm_prepost_group_count(r->pp), cells, uid};
	if (!scale_shown(r, s)) {
		put(o, "<p>Fewer than ");
		ulong_out(o, r->min_cell);
		put(o, " pairs have a score at both waves on this scale: its results are not shown.</p>\n");
		return;
	}
	words(&c);
	put(o, "<h3>Mean scores before and after</h3>\n<figure>");
	lm__report_means_chart(&c);
	put(o, "</figure>\n<table><caption>Mean score (95 % CI) and mean change</caption><tr>"
	       "<th scope=\"col\"></th><th scope=\"col\">Pairs</th><th scope=\"col\">Pre</th>"
	       "<th scope=\"col\">Post</th><th scope=\"col\">Change (95 % CI)</th><th scope=\"col\">p</th></tr>\n");
	means_row(&c, LM_PREPOST_ALL_GROUPS);
	for (size_t g = 0; g < c.ng; g++)
		if (gshown(&c, g))
			means_row(&c, g);
	other_groups_row(&c);
	put(o, "</table>\n");
	comparison(&c);
	change_table(&c);
	if (cells->bands) {
		put(o, "<h3>Bands before and after</h3>\n<figure>");
		lm__report_bands_chart(&c);
		put(o, "</figure>\n");
		bands_tables(&c);
	}
	put(o, "<h3>Reliable change</h3>\n<figure>");
	lm__report_jt_grid(&c);
	put(o, "<figcaption>Pairs counted in cells of pre score (across) by post score (up); no point stands for "
	       "one person. &#8220;&lt;");
	ulong_out(o, r->min_cell);
	put(o, "&#8221;: fewer than ");
	ulong_out(o, r->min_cell);
	put(o, " pairs, count hidden; &#8220;\xc3\x97&#8221;: hidden so that a smaller cell cannot be worked out. "
	       "Below the diagonal: lower after than before.</figcaption></figure>\n");
	categories_table(&c);
}
