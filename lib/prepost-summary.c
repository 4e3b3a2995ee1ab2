/*
 * libra_measures — pre/post: the readable text summary of an analysis (the
 * counts, each scale's change, groups, later waves' trial effects and
 * attrition), for reading: values rounded, each missing one's reason said
 * once. The JSON and CSV writers, and the dispatch by format, are in
 * prepost-write.c.
 */
#include <math.h>
#include <string.h>

#include "output-priv.h"
#include "prepost-priv.h"

/*
 * The reasons of the values a scale's lines could not give, each said once
 * after them (notes_flush()): "n/a" stands in the line.
 */
#define MAX_NOTES 16
struct notes {
	const char *why[MAX_NOTES];
	size_t n;
};

static void note(struct notes *nt, const char *why)
{
	why = why ? why : "not computed";
	for (size_t i = 0; i < nt->n; i++)
		if (nt->why[i] == why || strcmp(nt->why[i], why) == 0)
			return;
	if (nt->n < MAX_NOTES)
		nt->why[nt->n++] = why;
}

/* "  n/a: reason\n" for each reason noted, once; then none are. */
static void notes_flush(struct lm_out *o, struct notes *nt)
{
	for (size_t i = 0; i < nt->n; i++) {
		lm__out_str(o, "  n/a: ");
		lm__out_str(o, nt->why[i]);
		lm__out_str(o, "\n");
	}
	nt->n = 0;
}

/*
 * "12.3" or "n/a" (its reason noted in @p nt); with @p is_p, values below
 * .001 as "< 0.001". Rounded to three decimals: this is for reading, the
 * JSON has every digit.
 */
static void text_value(struct lm_out *o, double v, const char *why, int is_p, struct notes *nt)
{
	char num[32];
	if (is_p && v < 0.001) {
		lm__out_str(o, "< 0.001");
	} else if (isfinite(v)) {
		lm__out_put(o, num, lm_format_number(num, sizeof(num), round(v * 1000) / 1000));
	} else {
		lm__out_str(o, "n/a");
		note(nt, why);
	}
}

/* A run of the summary: each value after its text. */
struct text_field {
	const char *before;
	int which; /* an lm_prepost_stat_kind, or an lm_prepost_compare_kind in the comparison line */
};

static void text_fields(struct lm_out *o, const struct text_field *f, size_t n, const double *v,
			const char *const *why, int p, struct notes *nt)
{
	for (size_t i = 0; i < n; i++) {
		lm__out_str(o, f[i].before);
		text_value(o, v[f[i].which], why[f[i].which], f[i].which == p, nt);
	}
}

static void summary_fields(struct lm_out *o, const struct summary *s, const struct text_field *f, size_t n,
			   struct notes *nt)
{
	text_fields(o, f, n, s->v, s->why, LM_PREPOST_STAT_P, nt);
}

/* A scale's lines, up to the reliability; then its source, the SD and its origin, and the rest. */
static const struct text_field scale_fields[] = {
	{"\n  pairs with both scores: ", LM_PREPOST_STAT_CHANGE_N},
	{"\n  pre mean ", LM_PREPOST_STAT_PRE_MEAN},
	{" (SD ", LM_PREPOST_STAT_PRE_SD},
	{"), post mean ", LM_PREPOST_STAT_POST_MEAN},
	{" (SD ", LM_PREPOST_STAT_POST_SD},
	{")\n  change ", LM_PREPOST_STAT_CHANGE_MEAN},
	{", 95% CI ", LM_PREPOST_STAT_CHANGE_CI_LOW},
	{" to ", LM_PREPOST_STAT_CHANGE_CI_HIGH},
	{"; paired t ", LM_PREPOST_STAT_T},
	{", df ", LM_PREPOST_STAT_DF},
	{", p ", LM_PREPOST_STAT_P},
	{"\n  effect size d_z ", LM_PREPOST_STAT_DZ},
	{", d_av ", LM_PREPOST_STAT_DAV},
	{"\n  alpha pre ", LM_PREPOST_STAT_PRE_ALPHA},
	{" (n ", LM_PREPOST_STAT_PRE_ALPHA_N},
	{"), post ", LM_PREPOST_STAT_POST_ALPHA},
	{" (n ", LM_PREPOST_STAT_POST_ALPHA_N},
	{")\n  reliable change (reliability ", LM_PREPOST_STAT_RCI_RELIABILITY},
};
static const struct text_field rci_sd_field[] = {{", SD ", LM_PREPOST_STAT_RCI_SD}};
static const struct text_field rci_fields_text[] = {
	{", S_diff ", LM_PREPOST_STAT_RCI_SDIFF},
	{"): improved ", LM_PREPOST_STAT_IMPROVED},
	{", unchanged ", LM_PREPOST_STAT_UNCHANGED},
	{", deteriorated ", LM_PREPOST_STAT_DETERIORATED},
	{", recovered ", LM_PREPOST_STAT_RECOVERED},
};
static const struct text_field group_fields[] = {
	{": n ", LM_PREPOST_STAT_CHANGE_N},
	{", change ", LM_PREPOST_STAT_CHANGE_MEAN},
	{" (SD ", LM_PREPOST_STAT_CHANGE_SD},
	{"), p ", LM_PREPOST_STAT_P},
};
static const struct text_field compare_fields[] = {
	{") ", LM_PREPOST_COMPARE_DIFFERENCE},
	{"; Welch t ", LM_PREPOST_COMPARE_WELCH_T},
	{", df ", LM_PREPOST_COMPARE_DF},
	{", p ", LM_PREPOST_COMPARE_P},
	{", Hedges' g ", LM_PREPOST_COMPARE_HEDGES_G},
};

static const char *const count_names[] = {"pre rows", "post rows", "pairs", "pre only",
					  "post only", "no id", "duplicate id", "other wave"};

static const struct text_field attrition_fields[] = {
	{" completed and ", LM_PREPOST_ATTRITION_DROPOUTS_N},
	{" dropped out; baseline mean ", LM_PREPOST_ATTRITION_COMPLETERS_MEAN},
	{" (SD ", LM_PREPOST_ATTRITION_COMPLETERS_SD},
	{") for completers, ", LM_PREPOST_ATTRITION_DROPOUTS_MEAN},
	{" (SD ", LM_PREPOST_ATTRITION_DROPOUTS_SD},
	{") for dropouts: Welch t ", LM_PREPOST_ATTRITION_WELCH_T},
	{", df ", LM_PREPOST_ATTRITION_DF},
	{", p ", LM_PREPOST_ATTRITION_P},
};

static void text_count(struct lm_out *o, unsigned long long n)
{
	char num[32];
	lm__out_put(o, num, lm_format_number(num, sizeof(num), (double)n));
}

/* The later wave @p L's flow by arm: the counts of a CONSORT diagram. */
static void summary_flow(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, const char *wave)
{
	if (!L->flow || !pp->groups.n)
		return;
	lm__out_str(o, "flow by group (baseline rows, ");
	lm__out_str(o, wave);
	lm__out_str(o, " rows, pairs): ");
	for (size_t g = 0; g < pp->groups.n; g++) {
		const unsigned long *f = &L->flow[(g + 1) * LM__N_FLOW];
		lm__out_str(o, g ? "; " : "");
		lm__out_str(o, lm__names_get(&pp->groups, g));
		for (int k = 0; k < LM__N_FLOW; k++) {
			lm__out_str(o, k ? ", " : " ");
			text_count(o, f[k]);
		}
	}
	lm__out_str(o, "\n");
}

/* Scale s's attrition at later wave @p L, in words. */
static void summary_attrition(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, size_t s,
			      struct notes *nt)
{
	const struct attrition *a = &L->attr[s];
	double c = a->v[LM_PREPOST_ATTRITION_COMPLETERS_N], d = a->v[LM_PREPOST_ATTRITION_DROPOUTS_N];
	lm__out_str(o, "  attrition: of ");
	text_count(o, (unsigned long long)(c + d));
	lm__out_str(o, " with a baseline score, ");
	text_value(o, c, NULL, 0, nt);
	text_fields(o, attrition_fields, N_OF(attrition_fields), a->v, a->why, LM_PREPOST_ATTRITION_P, nt);
	lm__out_str(o, "\n");
	if (!pp->group_column || !pp->groups.n)
		return;
	size_t ng = pp->groups.n;
	lm__out_str(o, "  dropouts by group: ");
	for (size_t g = 0; g < ng; g++) {
		const unsigned long *n = &L->attr_group[(s * (ng + 1) + g + 1) * 2];
		lm__out_str(o, g ? "; " : "");
		lm__out_str(o, lm__names_get(&pp->groups, g));
		lm__out_str(o, " ");
		text_count(o, n[1]);
		lm__out_str(o, " of ");
		text_count(o, (unsigned long long)n[0] + n[1]);
	}
	lm__out_str(o, "\n");
}

/* Scale s's baseline-adjusted effects at later wave @p L (ANCOVA), and its baseline ICC. */
static void summary_trial(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, size_t s,
			  struct notes *nt)
{
	if (pp->icc) {
		const struct lm__icc *c = &pp->icc[s];
		lm__out_str(o, "  baseline ICC ");
		text_value(o, c->icc, c->why, 0, nt);
		lm__out_str(o, " (");
		text_count(o, c->clusters);
		lm__out_str(o, " clusters, n ");
		text_count(o, c->n);
		lm__out_str(o, "), design effect ");
		text_value(o, c->design_effect, c->why, 0, nt);
		lm__out_str(o, "\n");
	}
	if (!pp->group_column || !L->fit)
		return;
	const struct lm__trial_fit *f = &L->fit[s];
	if (f->absent) {
		lm__out_str(o, "  adjusted effect: n/a\n");
		note(nt, f->absent);
		return;
	}
	lm__out_str(o, "  adjusted effect vs ");
	lm__out_str(o, lm__names_get(&pp->groups, pp->reference));
	lm__out_str(o, " (ANCOVA on the baseline score, n ");
	text_count(o, f->n);
	if (pp->cluster_column) {
		lm__out_str(o, "; clustering accounted for: CR2 errors over ");
		text_count(o, f->clusters);
		lm__out_str(o, " clusters, Satterthwaite df):\n");
	} else {
		lm__out_str(o, "; clustering not accounted for: no cluster column):\n");
	}
	for (size_t g = 0; g < pp->groups.n; g++) {
		const struct lm__ancova_effect *e = &f->effects[g];
		const char *why = e->why ? e->why : f->why;
		if (g == pp->reference)
			continue;
		lm__out_str(o, "    ");
		lm__out_str(o, lm__names_get(&pp->groups, g));
		lm__out_str(o, " ");
		text_value(o, e->estimate, why, 0, nt);
		lm__out_str(o, ", 95% CI ");
		text_value(o, e->lo, why, 0, nt);
		lm__out_str(o, " to ");
		text_value(o, e->hi, why, 0, nt);
		lm__out_str(o, ", p ");
		text_value(o, e->p, why, 1, nt);
		lm__out_str(o, "\n");
	}
}

/* The counts and scales of @p pp (a two-wave run, or the view of later wave @p L, with its attrition). */
static void summary_body(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, const char *wave);

void lm__prepost_write_summary(const lm_prepost *pp, struct lm_out *o)
{
	const struct lm_instrument *inst = pp->inst;
	lm__out_str(o, inst->name);
	lm__out_str(o, " (");
	lm__out_str(o, inst->id);
	if (!pp->later) {
		lm__out_str(o, "): pre/post change\n");
		summary_body(pp, o, NULL, NULL);
		return;
	}
	lm__out_str(o, "): change from baseline ");
	lm__out_str(o, pp->run_names[0]);
	for (size_t k = 1; k < pp->n_waves; k++) {
		lm_prepost v;
		lm__prepost_view(pp, k, &v);
		lm__out_str(o, k == 1 ? "\n\n== " : "\n== ");
		lm__out_str(o, pp->run_names[0]);
		lm__out_str(o, " -> ");
		lm__out_str(o, pp->run_names[k]);
		lm__out_str(o, " ==\n");
		summary_body(&v, o, &pp->later[k - 1], pp->run_names[k]);
	}
}

static void summary_body(const lm_prepost *pp, struct lm_out *o, const struct later_wave *L, const char *wave)
{
	const struct lm_instrument *inst = pp->inst;
	size_t ng = pp->groups.n;
	struct notes nt = {{0}, 0};
	for (int k = 0; k <= LM_PREPOST_COUNT_OTHER_WAVE; k++) {
		char num[32];
		if (k == LM_PREPOST_COUNT_OTHER_WAVE && !pp->long_form)
			break;
		lm__out_str(o, k ? ", " : "");
		lm__out_str(o, count_names[k]);
		lm__out_str(o, " ");
		lm__out_put(o, num, lm_format_number(num, sizeof(num), (double)pp->counts[k]));
	}
	lm__out_str(o, "\n");
	if (L)
		summary_flow(pp, o, L, wave);
	for (size_t s = 0; s < inst->n_scales; s++) {
		const struct summary *all = summary_at(pp, s, 0);
		const char *source = reliability_source_name(pp->rel_source[s]);
		lm__out_str(o, "\n");
		lm__out_str(o, inst->scales[s].id);
		lm__out_str(o, ": ");
		lm__out_str(o, inst->scales[s].label);
		summary_fields(o, all, scale_fields, N_OF(scale_fields), &nt);
		lm__out_str(o, " from ");
		lm__out_str(o, source ? source : "nowhere");
		summary_fields(o, all, rci_sd_field, N_OF(rci_sd_field), &nt);
		lm__out_str(o, isnan(pp->rci_sd) ? " of pre scores" : " given");
		summary_fields(o, all, rci_fields_text, N_OF(rci_fields_text), &nt);
		lm__out_str(o, "\n");
		for (size_t g = 0; g < ng; g++) {
			lm__out_str(o, "  group ");
			lm__out_str(o, lm__names_get(&pp->groups, g));
			summary_fields(o, summary_at(pp, s, g + 1), group_fields, N_OF(group_fields), &nt);
			lm__out_str(o, "\n");
		}
		if (ng == 2) {
			lm__out_str(o, "  difference in change (");
			lm__out_str(o, lm__names_get(&pp->groups, 0));
			lm__out_str(o, " - ");
			lm__out_str(o, lm__names_get(&pp->groups, 1));
			text_fields(o, compare_fields, N_OF(compare_fields), compare_values(pp, s),
				    compare_reasons(pp, s), LM_PREPOST_COMPARE_P, &nt);
			lm__out_str(o, "\n");
		}
		if (L) {
			summary_trial(pp, o, L, s, &nt);
			summary_attrition(pp, o, L, s, &nt);
		}
		notes_flush(o, &nt);
	}
}
