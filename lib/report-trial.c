/*
 * libra_measures — the report of a run with waves (lm_prepost_set_waves()):
 * the flow of each arm (a CONSORT-style table), and per scale the observed
 * means of each arm at every wave (computed and protected in
 * report-cells.c, drawn in report-svg.c), the baseline-adjusted arm effects at each
 * later wave (the same lm__ancova() fit as the JSON's "ancova"), and
 * attrition, in words and tables. Small cells are hidden by the same rules
 * as the rest of the report (lib/disclosure.c); doc/PREPOST.md, "The report
 * of a trial", states what is shown.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-priv.h"
#include "report-html.h"
#include "trial-stats-priv.h"

/* ---- words ------------------------------------------------------------------------------ */

static const char *arm_name(const lm_report *r, size_t g)
{
	return lm_prepost_group_name(r->pp, g);
}

static const char *wave_name(const lm_report *r, size_t k)
{
	return lm_prepost_wave_name(r->pp, k);
}

/* /by_wave/WAVE/scales/SCALE/a/b/c/d (NULL pieces end it). */
static struct key wave_key(const lm_report *r, size_t k, const char *sid, const char *a, const char *b,
			   const char *c, const char *d)
{
	lm_report rk = *r;
	rk.wave = wave_name(r, k);
	struct key key = scale_key(&rk, sid, a, b, c);
	if (a && b && c && d)
		key_push(&key, d);
	return key;
}

/* A number shown in words, with its exact value and place. */
static void num(struct lm_out *o, const struct key *k, double v, int decimals)
{
	put(o, "<span class=\"num\"");
	attrs(o, k, v);
	put(o, ">");
	shown(o, v, decimals);
	put(o, "</span>");
}

/* "p = 0.012" or "p &lt; 0.001", with its place. */
static void p_words(struct lm_out *o, const struct key *k, double p)
{
	put(o, p < 0.001 ? "p " : "p = ");
	stat(o, k, p, NULL, K_P);
}

/* ---- the flow table ---------------------------------------------------------------------- */

/* The flow columns: baseline rows, then rows and pairs of each later wave. */
static unsigned long flow_of(const lm_prepost *pp, size_t col, size_t g)
{
	/* g: arm index + 1, 0 = none; the counts of a run are in pp->later[k - 1].flow. */
	size_t k = col == 0 ? 1 : (col + 1) / 2;
	int which = col == 0 ? LM_PREPOST_FLOW_BASELINE_ROWS : col % 2 ? LM_PREPOST_FLOW_WAVE_ROWS : LM_PREPOST_FLOW_PAIRS;
	const struct later_wave *L = &pp->later[k - 1];
	return L->flow ? L->flow[g * LM__N_FLOW + (size_t)which] : 0;
}

int lm__report_flow(const lm_report *r, struct lm_out *o, const unsigned char *hide)
{
	const lm_prepost *pp = r->pp;
	size_t ng = pp->groups.n, nw = pp->n_waves, ncol = 1 + 2 * (nw - 1);
	if (!ng || ng > LM__MAX_GROUPS)
		return 1;
	struct lm__arm_column *col = calloc(ncol, sizeof(*col));
	unsigned long *n = malloc((ng + 1) * sizeof(*n));
	int ok = col && n;
	for (size_t j = 0; j < ncol && ok; j++) {
		for (size_t g = 0; g <= ng; g++)
			n[g] = flow_of(pp, j, g);
		ok = lm__arm_column_build(&col[j], n, ng, r->min_cell, hide, pp->reference);
	}
	if (ok) {
		put(o, "<section class=\"flow\"><h2>Flow of participants</h2>\n<table><caption>Respondents in each "
		       "arm at each wave (CONSORT-style counts)</caption>\n<tr><th scope=\"col\">Arm</th>"
		       "<th scope=\"col\">Baseline (");
		esc(o, wave_name(r, 0));
		put(o, "): rows</th>");
		for (size_t k = 1; k < nw; k++) {
			put(o, "<th scope=\"col\">");
			esc(o, wave_name(r, k));
			put(o, ": rows</th><th scope=\"col\">");
			esc(o, wave_name(r, k));
			put(o, ": pairs with baseline</th>");
		}
		put(o, "</tr>\n");
		size_t hidden_arms = 0;
		for (size_t g = 0; g < ng; g++) {
			if (hide && hide[g]) {
				hidden_arms++;
				continue;
			}
			put(o, "<tr><th scope=\"row\">");
			esc(o, arm_name(r, g));
			put(o, "</th>");
			for (size_t j = 0; j < ncol; j++) {
				size_t k = j == 0 ? 1 : (j + 1) / 2;
				const char *which = lm__prepost_flow_keys[j == 0 ? LM_PREPOST_FLOW_BASELINE_ROWS
									  : j % 2 ? LM_PREPOST_FLOW_WAVE_ROWS
										  : LM_PREPOST_FLOW_PAIRS];
				struct key key = {{0}, 0, 0};
				key_push(&key, LM__KEY_BY_WAVE);
				key_push(&key, wave_name(r, k));
				key_push(&key, LM__KEY_COUNTS);
				key_push(&key, LM__KEY_BY_GROUP);
				key_push(&key, arm_name(r, g));
				key_push(&key, which);
				put(o, "<td>");
				if (lm__dtable_count(col[j].t, col[j].total) < r->min_cell &&
				    lm__dtable_count(col[j].t, col[j].total) > 0)
					hidden(o, &key, LM__CELL_COMPLEMENT, r->min_cell);
				else
					cell(o, &key, col[j].t, col[j].item[g], r->min_cell);
				put(o, "</td>");
			}
			put(o, "</tr>\n");
		}
		put(o, "<tr><th scope=\"row\">All arms");
		if (flow_of(pp, 0, 0))
			put(o, " and rows in no arm");
		put(o, "</th>");
		for (size_t j = 0; j < ncol; j++) {
			unsigned long t = lm__dtable_count(col[j].t, col[j].total);
			put(o, "<td>");
			if (t > 0 && t < r->min_cell)
				hidden(o, NULL, LM__CELL_SMALL, r->min_cell);
			else
				stat(o, NULL, (double)t, NULL, K_COUNT);
			put(o, "</td>");
		}
		put(o, "</tr>\n</table>\n<p class=\"note\">Rows: rows with an id (at baseline, duplicates included; at a "
		       "later wave, those whose id is found once at baseline, in the arm of that baseline row). Pairs: ids "
		       "found once at baseline and once at the wave. A count under ");
		ulong_out(o, r->min_cell);
		put(o, " is shown as &#8220;hidden: fewer than ");
		ulong_out(o, r->min_cell);
		put(o, "&#8221;, and another is hidden where the total would give it back.");
		if (hidden_arms) {
			put(o, " ");
			ulong_out(o, hidden_arms);
			put(o, hidden_arms == 1 ? " arm is" : " arms are");
			put(o, " not shown or named: too few respondents (they are in the totals).");
		}
		put(o, "</p>\n</section>\n");
	}
	for (size_t j = 0; col && j < ncol; j++)
		lm__arm_column_free(&col[j]);
	free(col);
	free(n);
	return ok;
}

/* ---- the means of each arm at each wave ---------------------------------------------- */

static void means_cell(struct scale_ctx *c, const struct lm__wave_means *m, size_t w, size_t g)
{
	struct lm_out *o = c->o;
	size_t at = w * (m->ng + 2) + (g == LM_PREPOST_ALL_GROUPS ? 0 : g + 2);
	int state = lm__wave_mean_state(m, w, g, c->r->min_cell);
	put(o, "<td>");
	if (state != LM__CELL_SHOWN) {
		hidden(o, NULL, state, c->r->min_cell);
	} else if (m->n[at] == 0) {
		put(o, "<span class=\"na\">no scores</span>");
	} else {
		double lo, hi;
		mean_ci(m->mean[at], m->sd[at], (double)m->n[at], &lo, &hi);
		stat(o, NULL, m->mean[at], NULL, K_NUM);
		put(o, " <span class=\"ci\">(");
		ci_pair(o, NULL, NULL, lo, hi);
		put(o, ")</span>, n = ");
		stat(o, NULL, (double)m->n[at], NULL, K_COUNT);
	}
	put(o, "</td>");
}

static void means_table(struct scale_ctx *c, const struct lm__wave_means *m, const unsigned char *small)
{
	struct lm_out *o = c->o;
	put(o, "<table><caption>Mean score (95 % CI) and respondents with a score, at each wave</caption><tr>"
	       "<th scope=\"col\"></th>");
	for (size_t w = 0; w < m->nw; w++) {
		put(o, "<th scope=\"col\">");
		esc(o, wave_name(c->r, w));
		put(o, w ? "</th>" : " (baseline)</th>");
	}
	put(o, "</tr>\n<tr><th scope=\"row\">All</th>");
	for (size_t w = 0; w < m->nw; w++)
		means_cell(c, m, w, LM_PREPOST_ALL_GROUPS);
	put(o, "</tr>\n");
	size_t unnamed = 0;
	for (size_t g = 0; g < m->ng && m->ng <= LM__MAX_GROUPS; g++) {
		if (small[g]) {
			unnamed++;
			continue;
		}
		put(o, "<tr><th scope=\"row\">");
		esc(o, arm_name(c->r, g));
		put(o, "</th>");
		for (size_t w = 0; w < m->nw; w++)
			means_cell(c, m, w, g);
		put(o, "</tr>\n");
	}
	put(o, "</table>\n<p class=\"note\">Each wave's mean is over the respondents observed then: at baseline "
	       "every id found once with a score, at a later wave every pair with a score at that wave, in the arm "
	       "of their baseline row; so the people behind the means differ between waves when some drop out.");
	if (unnamed || m->ng > LM__MAX_GROUPS) {
		put(o, " ");
		ulong_out(o, m->ng > LM__MAX_GROUPS ? m->ng : unnamed);
		put(o, (m->ng > LM__MAX_GROUPS ? m->ng : unnamed) == 1 ? " arm is" : " arms are");
		put(o, " not shown or named: too few respondents.");
	}
	put(o, "</p>\n");
}

/* ---- the adjusted effects ---------------------------------------------------------------- */

struct fit {
	int clustered;         /* a cluster column is set: CR2 */
	const char *why;       /* why there are no numbers, or NULL */
	size_t n, clusters;    /* pairs in the model, clusters among them */
	struct lm__ancova_effect base, *eff; /* eff: ng */
};

/* Fit the model of scale s at later wave k as the JSON's "ancova" does; 0 when out of memory. */
static int fit_wave(const lm_report *r, size_t k, size_t s, struct fit *f)
{
	const lm_prepost *pp = r->pp;
	size_t ng = pp->groups.n, nc = pp->clusters.n;
	int clustered = pp->cluster_column != NULL;
	memset(f, 0, sizeof(*f));
	if (ng < 2)
		return 1;
	lm_prepost view;
	if (!lm__prepost_view(pp, k, &view))
		return 1;
	size_t np = view.n_pairs ? view.n_pairs : 1;
	double *y = malloc(np * sizeof(*y)), *b = malloc(np * sizeof(*b));
	size_t *arm = malloc(np * sizeof(*arm)), *cl = malloc(np * sizeof(*cl));
	unsigned char *seen = calloc(nc ? nc : 1, 1);
	f->eff = calloc(ng, sizeof(*f->eff));
	int ok = y && b && arm && cl && seen && f->eff;
	if (ok) {
		size_t n = lm__prepost_trial_pairs(&view, s, y, b, arm, clustered ? cl : NULL), m = 0;
		/* Pairs in no arm (or, with a cluster column, in no cluster) are not in the model. */
		for (size_t i = 0; i < n; i++) {
			if (arm[i] == LM_NO_INDEX || (clustered && cl[i] == LM_NO_INDEX))
				continue;
			y[m] = y[i];
			b[m] = b[i];
			arm[m] = arm[i];
			cl[m] = clustered ? cl[i] : 0;
			if (clustered && !seen[cl[m]]) {
				seen[cl[m]] = 1;
				f->clusters++;
			}
			m++;
		}
		f->n = m;
		f->clustered = clustered;
		if (ng > 15) {
			f->why = "more than 15 arms";
		} else {
			int rc = lm__ancova(m, y, b, arm, ng, pp->reference, clustered ? cl : NULL, nc, &f->base, f->eff,
					    &f->why);
			if (rc != 0 && !f->why)
				f->why = "not computed";
		}
	}
	free(y);
	free(b);
	free(arm);
	free(cl);
	free(seen);
	return ok;
}

static void free_fit(struct fit *f)
{
	free(f->eff);
	f->eff = NULL;
}

/* Which arm a difference favours, when the scale's direction says. */
static void direction_words(struct lm_out *o, const struct lm_scale *scale, double est, const char *arm,
			    const char *ref)
{
	int dir = lm_scale_direction(scale);
	if (est == 0 || dir == LM_DIRECTION_UNSPECIFIED)
		return;
	int better = (est < 0) == (dir == LM_DIRECTION_HIGHER_IS_WORSE);
	put(o, dir == LM_DIRECTION_HIGHER_IS_WORSE ? "; higher scores mean more difficulty, so this favours "
						   : "; higher scores are better, so this favours ");
	esc(o, better ? arm : ref);
}

/* The places of an arm's effect in the JSON: estimate, the CI's ends, p. */
struct effect_keys {
	struct key est, lo, hi, p;
};

static struct effect_keys effect_keys(const lm_report *r, size_t k, const char *sid, const char *arm)
{
	struct key ke = wave_key(r, k, sid, LM__KEY_GROUPS, LM__KEY_ANCOVA, "effects", arm);
	struct effect_keys ek = {ke, ke, ke, ke};
	key_push(&ek.est, "estimate");
	key_push(&ek.lo, LM__CI95);
	key_push(&ek.lo, "0");
	key_push(&ek.hi, LM__CI95);
	key_push(&ek.hi, "1");
	key_push(&ek.p, "p");
	return ek;
}

/* The effect of arm g at wave k in words. */
static void effect_words(struct scale_ctx *c, size_t k, size_t g, const struct fit *f)
{
	struct lm_out *o = c->o;
	const lm_report *r = c->r;
	const char *sid = c->scale->id, *ref = arm_name(r, r->pp->reference), *an = arm_name(r, g);
	const struct lm__ancova_effect *e = &f->eff[g];
	struct effect_keys ek = effect_keys(r, k, sid, an);
	put(o, "<li>At ");
	esc(o, wave_name(r, k));
	put(o, ", staff in ");
	esc(o, an);
	if (!isfinite(e->estimate)) {
		put(o, " could not be compared with ");
		esc(o, ref);
		put(o, ": ");
		esc(o, e->why ? e->why : f->why ? f->why : "not computed");
		put(o, ".</li>\n");
		return;
	}
	put(o, " scored ");
	num(o, NULL, fabs(e->estimate), 2);
	put(o, e->estimate < 0 ? " points lower than " : e->estimate > 0 ? " points higher than " : " points different from ");
	esc(o, ref);
	put(o, " after adjusting for baseline (difference ");
	num(o, &ek.est, e->estimate, 2);
	put(o, ", 95 % CI ");
	ci_pair(o, &ek.lo, &ek.hi, e->lo, e->hi);
	put(o, ", ");
	p_words(o, &ek.p, e->p);
	direction_words(o, c->scale, e->estimate, an, ref);
	put(o, ")");
	if (f->clustered) {
		put(o, "; clustering in ");
		esc(o, r->pp->cluster_column);
		put(o, " was accounted for (CR2)");
	}
	put(o, e->p < 0.05 ? ". A difference this large would be unlikely if the arms did not really differ."
			   : ". A difference this large could well arise by chance, so these data do not show a clear "
			     "difference.");
	put(o, "</li>\n");
}

/* Effects can be shown: the reference and at least one other arm are shown. */
static int effects_shown(const lm_report *r, const unsigned char *small)
{
	size_t ng = r->pp->groups.n;
	if (small[r->pp->reference])
		return 0;
	for (size_t g = 0; g < ng; g++)
		if (g != r->pp->reference && !small[g])
			return 1;
	return 0;
}

static void effects_scope(struct scale_ctx *c, const unsigned char *small)
{
	struct lm_out *o = c->o;
	const lm_report *r = c->r;
	size_t ng = r->pp->groups.n;
	put(o, "<p class=\"note\">What is compared: ");
	if (ng == 2) {
		put(o, "the two arms, ");
		esc(o, arm_name(r, ng - 1 - r->pp->reference));
		put(o, " against ");
		esc(o, arm_name(r, r->pp->reference));
		put(o, ".");
	} else {
		put(o, "each arm against the reference arm, ");
		esc(o, arm_name(r, r->pp->reference));
		put(o, ", in one model. The other arms are not compared with each other here (");
		ulong_out(o, ng);
		put(o, " arms; a difference between two of them is not the difference of their effects' significance).");
	}
	size_t hidden_arms = 0;
	for (size_t g = 0; g < ng; g++)
		hidden_arms += small[g];
	if (hidden_arms) {
		put(o, " ");
		ulong_out(o, hidden_arms);
		put(o, hidden_arms == 1 ? " arm has" : " arms have");
		put(o, " too few respondents to be shown: ");
		put(o, hidden_arms == 1 ? "it is" : "they are");
		put(o, " in the model, but its effect and the number of pairs in the model are not shown.");
	}
	put(o, " The model: score at the wave = baseline score + arm, fitted by least squares over the pairs "
	       "with both scores");
	if (r->pp->cluster_column)
		put(o, "; standard errors robust to the clustering (CR2, Bell &amp; McCaffrey 2002) with Satterthwaite "
		       "degrees of freedom");
	put(o, ".</p>\n");
}

static void effects_table(struct scale_ctx *c, const struct fit *fits, const unsigned char *small, int any_hidden)
{
	struct lm_out *o = c->o;
	const lm_report *r = c->r;
	size_t nw = r->pp->n_waves, ng = r->pp->groups.n;
	const char *sid = c->scale->id;
	put(o, "<table><caption>Baseline-adjusted difference from ");
	esc(o, arm_name(r, r->pp->reference));
	put(o, " (ANCOVA)</caption><tr><th scope=\"col\">Wave</th><th scope=\"col\">Arm</th>"
	       "<th scope=\"col\">Difference</th><th scope=\"col\">95 % CI</th><th scope=\"col\">p</th>"
	       "<th scope=\"col\">Pairs in the model</th><th scope=\"col\">Clustering accounted for</th></tr>\n");
	for (size_t k = 1; k < nw; k++) {
		const struct fit *f = &fits[k - 1];
		for (size_t g = 0; g < ng; g++) {
			if (g == r->pp->reference || small[g])
				continue;
			const char *an = arm_name(r, g);
			const struct lm__ancova_effect *e = &f->eff[g];
			struct effect_keys ek = effect_keys(r, k, sid, an);
			struct key kn = wave_key(r, k, sid, LM__KEY_GROUPS, LM__KEY_ANCOVA, LM__KEY_N, NULL);
			const char *why = e->why ? e->why : f->why;
			put(o, "<tr><td class=\"lab\">");
			esc(o, wave_name(r, k));
			put(o, "</td><td class=\"lab\">");
			esc(o, an);
			put(o, "</td><td>");
			stat(o, &ek.est, e->estimate, why, K_NUM);
			put(o, "</td><td>");
			ci_pair(o, &ek.lo, &ek.hi, e->lo, e->hi);
			put(o, "</td><td>");
			stat(o, &ek.p, e->p, NULL, K_P);
			put(o, "</td><td>");
			if (any_hidden)
				hidden(o, &kn, LM__CELL_COMPLEMENT, r->min_cell);
			else
				stat(o, &kn, (double)f->n, NULL, K_COUNT);
			put(o, "</td><td class=\"lab\">");
			if (f->clustered) {
				put(o, "yes: CR2 over ");
				ulong_out(o, f->clusters);
				put(o, " ");
				esc(o, r->pp->cluster_column);
				if (isfinite(e->df)) {
					put(o, " (Satterthwaite df ");
					stat(o, NULL, e->df, NULL, K_NUM);
					put(o, ")");
				}
			} else {
				put(o, "no (ordinary least squares)");
			}
			put(o, "</td></tr>\n");
		}
	}
	put(o, "</table>\n");
}

/* ---- attrition ------------------------------------------------------------------------------ */

static void attrition_words(struct scale_ctx *c, size_t k)
{
	struct lm_out *o = c->o;
	const lm_report *r = c->r;
	const lm_prepost *pp = r->pp;
	const char *sid = c->scale->id;
	double nc = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_COMPLETERS_N);
	double nd = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_DROPOUTS_N);
	double mc = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_COMPLETERS_MEAN);
	double md = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_DROPOUTS_MEAN);
	double p = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_P);
	double t = lm_prepost_attrition(pp, k, c->s, LM_PREPOST_ATTRITION_WELCH_T);
	unsigned long m = r->min_cell;
	put(o, "<li>At ");
	esc(o, wave_name(r, k));
	put(o, ": ");
	if (!isfinite(nc) || !isfinite(nd)) {
		put(o, "attrition could not be worked out.</li>\n");
		return;
	}
	if (nd == 0) {
		put(o, "every respondent with a baseline score has a score here too.</li>\n");
		return;
	}
	/* Completers and dropouts add up to the baseline respondents shown in the means table: a small
	 * side hides the other too. */
	if (nd < (double)m || nc < (double)m) {
		put(o, "fewer than ");
		ulong_out(o, m);
		put(o, nd < (double)m ? " respondents with a baseline score have none here (dropouts)"
				      : " respondents with a baseline score have one here too (completers)");
		put(o, ", so their numbers and the comparison of completers with dropouts are not shown.</li>\n");
		return;
	}
	struct key kcn = wave_key(r, k, sid, LM__KEY_ATTRITION, LM__KEY_COMPLETERS, LM__KEY_N, NULL);
	struct key kdn = wave_key(r, k, sid, LM__KEY_ATTRITION, LM__KEY_DROPOUTS, LM__KEY_N, NULL);
	struct key kcm = wave_key(r, k, sid, LM__KEY_ATTRITION, LM__KEY_COMPLETERS,
				  lm__prepost_attrition_keys[LM_PREPOST_ATTRITION_COMPLETERS_MEAN], NULL);
	struct key kdm = wave_key(r, k, sid, LM__KEY_ATTRITION, LM__KEY_DROPOUTS,
				  lm__prepost_attrition_keys[LM_PREPOST_ATTRITION_DROPOUTS_MEAN], NULL);
	struct key kp = wave_key(r, k, sid, LM__KEY_ATTRITION, lm__prepost_attrition_keys[LM_PREPOST_ATTRITION_P], NULL,
				 NULL);
	struct key kt = wave_key(r, k, sid, LM__KEY_ATTRITION, lm__prepost_attrition_keys[LM_PREPOST_ATTRITION_WELCH_T],
				 NULL, NULL);
	num(o, &kcn, nc, 0);
	put(o, " of the ");
	num(o, NULL, nc + nd, 0);
	put(o, " respondents with a baseline score have a score here too (completers) and ");
	num(o, &kdn, nd, 0);
	put(o, " do not (dropouts). At baseline, completers scored ");
	stat(o, &kcm, mc, NULL, K_NUM);
	put(o, " on average and dropouts ");
	stat(o, &kdm, md, NULL, K_NUM);
	if (isfinite(p)) {
		put(o, " (Welch's t = ");
		stat(o, &kt, t, NULL, K_NUM);
		put(o, ", ");
		p_words(o, &kp, p);
		put(o, p < 0.05 ? "): those who dropped out differed at baseline, so the later means may not stand for "
				  "everyone who started."
				: "): no clear difference at baseline between those who stayed and those who dropped out.");
	} else {
		put(o, " (no test: ");
		esc(o, lm_prepost_attrition_reason(pp, k, c->s, LM_PREPOST_ATTRITION_P));
		put(o, ").");
	}
	put(o, "</li>\n");
}

/* ---- a scale ----------------------------------------------------------------------------- */

int lm__report_trial_scale(struct scale_ctx *c, const struct lm__wave_means *m, const unsigned char *hide_arm,
			   const unsigned char *small)
{
	struct lm_out *o = c->o;
	const lm_report *r = c->r;
	size_t nw = r->pp->n_waves, ng = r->pp->groups.n;
	int ok = 1;
	if (ng >= 2 && ng <= LM__MAX_GROUPS) {
		struct fit *fits = calloc(nw - 1, sizeof(*fits));
		ok = fits != NULL;
		for (size_t k = 1; k < nw && ok; k++)
			ok = fit_wave(r, k, c->s, &fits[k - 1]);
		if (ok) {
			put(o, "<h3>Arms compared, adjusted for baseline</h3>\n");
			if (effects_shown(r, small)) {
				int any_hidden = 0;
				for (size_t g = 0; g < ng; g++)
					any_hidden |= hide_arm[g];
				put(o, "<ul class=\"words\">\n");
				for (size_t k = 1; k < nw; k++)
					for (size_t g = 0; g < ng; g++)
						if (g != r->pp->reference && !small[g])
							effect_words(c, k, g, &fits[k - 1]);
				put(o, "</ul>\n");
				effects_table(c, fits, small, any_hidden);
				effects_scope(c, small);
			} else {
				put(o, "<p class=\"note\">The arms are not compared here: ");
				put(o, small[r->pp->reference] ? "the reference arm" : "every other arm");
				put(o, " has too few respondents to be shown.</p>\n");
			}
		}
		for (size_t k = 0; fits && k < nw - 1; k++)
			free_fit(&fits[k]);
		free(fits);
	}
	put(o, "<h3>Mean scores at each wave</h3>\n<figure>");
	lm__report_waves_chart(c, m, hide_arm);
	put(o, "</figure>\n");
	means_table(c, m, small);
	put(o, "<h3>Who dropped out</h3>\n<ul class=\"words\">\n");
	for (size_t k = 1; k < nw; k++)
		attrition_words(c, k);
	put(o, "</ul>\n");
	return ok;
}
