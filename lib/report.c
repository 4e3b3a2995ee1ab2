/*
 * libra_measures — the readable pre/post report: one self-contained HTML
 * file (inline CSS and SVG only) built from the public lm_prepost_* results,
 * with small cells hidden and no respondent ids.
 *
 * What is hidden is decided per scale by lib/report-cells.c and
 * lib/disclosure.c (primary and complementary suppression); this file only
 * writes what they allow, and says in words why the rest is hidden. No
 * chart shows a single pair: the pre/post plot draws counts per cell.
 *
 * This file: the report object and the document around the scales; the
 * tables and words of a scale's two-wave results are in report-change.c, the
 * charts in report-svg.c, a run with waves in report-trial.c, what they share
 * in report-html.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "prepost-keys.h"
#include "prepost-priv.h"
#include "report-html.h"

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
	/* The report holds the analysis, which holds the instrument. */
	lm__prepost_ref(pp);
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
	lm__prepost_unref(r->pp);
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


/* ---- style and shared SVG definitions ------------------------------------------------ */
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

/*
 * What the report decides before it writes: for each later wave (one in a
 * two-wave run) the report on baseline -> that wave (with waves, a copy of
 * the report whose pp is a view of that wave) and what is hidden of each
 * scale; the arms hidden everywhere; with waves, the means of each scale
 * at every wave and which of them are hidden.
 */
struct plan {
	size_t nl, ns, ng;
	lm_prepost *views;             /* nl, with waves */
	lm_report *reps;               /* nl */
	struct lm__scale_cells *cells; /* nl * ns, wave-major */
	unsigned char *hide;           /* ng */
	unsigned char *small;          /* ng: arms hidden because they rest on too few somewhere (with waves) */
	struct lm__wave_means *means;  /* ns, with waves */
	unsigned char *hidew;          /* nw * ng, with waves */
	size_t *order;                 /* ns: the headline scale first */
};

static int has_waves(const lm_report *r)
{
	return r->pp->later != NULL;
}

/* Scale s's section: with waves, the trial's numbers, then each later wave's two-wave results. 0: out of memory. */
static int write_scale(const lm_report *r, struct lm_out *o, const struct plan *p, size_t s)
{
	put(o, "<section class=\"scale\" id=\"scale-");
	esc(o, r->inst->scales[s].id);
	put(o, "\"><h2>");
	esc(o, r->inst->scales[s].label);
	if (s == p->order[0] && p->ns > 1)
		put(o, " <span class=\"note\">(headline scale)</span>");
	put(o, "</h2>\n");
	if (!has_waves(r)) {
		lm__report_change(r, o, s, s, &p->cells[s]);
		put(o, "</section>\n");
		return 1;
	}
	struct scale_ctx c = {r, o, s, &r->inst->scales[s], p->ng, NULL, s};
	if (!lm__report_trial_scale(&c, &p->means[s], p->hide, p->small))
		return 0;
	for (size_t k = 0; k < p->nl; k++) {
		put(o, "<h3 class=\"wave\">Change from baseline (");
		esc(o, lm_prepost_wave_name(r->pp, 0));
		put(o, ") to ");
		esc(o, lm_prepost_wave_name(r->pp, k + 1));
		put(o, "</h3>\n<div class=\"wave\">\n");
		lm__report_change(&p->reps[k], o, s, (k + 1) * p->ns + s, &p->cells[k * p->ns + s]);
		put(o, "</div>\n");
	}
	put(o, "</section>\n");
	return 1;
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

static void count_item(struct lm_out *o, const lm_report *r, const char *label, int which)
{
	struct key k = {{0}, 0, 0};
	if (r->wave) {
		key_push(&k, LM__KEY_BY_WAVE);
		key_push(&k, r->wave);
	}
	key_push(&k, LM__KEY_COUNTS);
	key_push(&k, lm__prepost_count_keys[which]);
	put(o, label);
	put(o, " ");
	stat(o, &k, (double)lm_prepost_count(r->pp, which), NULL, K_COUNT);
}

static void respondents(struct lm_out *o, const lm_report *r)
{
	count_item(o, r, "pairs", LM_PREPOST_COUNT_PAIRS);
	put(o, "; unmatched: ");
	count_item(o, r, r->wave ? "baseline only" : "pre only", LM_PREPOST_COUNT_PRE_ONLY);
	put(o, ", ");
	count_item(o, r, r->wave ? "this wave only" : "post only", LM_PREPOST_COUNT_POST_ONLY);
	put(o, "; excluded rows: ");
	count_item(o, r, "no id", LM_PREPOST_COUNT_NO_ID);
	put(o, ", ");
	count_item(o, r, "duplicate id", LM_PREPOST_COUNT_DUPLICATE_ID);
	if (lm_prepost_count(r->pp, LM_PREPOST_COUNT_OTHER_WAVE)) {
		put(o, ", ");
		count_item(o, r, "other wave", LM_PREPOST_COUNT_OTHER_WAVE);
	}
}

/* 0 when out of memory (the output is then thrown away). */
static int write_html(const lm_report *r, struct lm_out *o, const struct plan *p)
{
	const struct lm_instrument *inst = r->inst;
	size_t nw = lm_prepost_wave_count(r->pp);
	put(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	       "<meta name=\"generator\" content=\"libra_measures ");
	put(o, lm_version_string());
	put(o, "\">\n<title>");
	esc(o, inst->name);
	put(o, has_waves(r) ? ": trial report</title>\n" : ": pre/post report</title>\n");
	put(o, css);
	put(o, "</head><body>\n");
	lm__report_svg_defs(o);
	put(o, "<header><h1>");
	esc(o, inst->name);
	if (has_waves(r)) {
		put(o, ": change across ");
		ulong_out(o, nw);
		put(o, " waves</h1>\n<dl class=\"meta\">\n");
	} else {
		put(o, ": change between two waves</h1>\n<dl class=\"meta\">\n");
	}
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
	if (has_waves(r)) {
		put(o, "<dt>Waves</dt><dd>");
		for (size_t k = 0; k < nw; k++) {
			put(o, k ? ", " : "");
			esc(o, lm_prepost_wave_name(r->pp, k));
			if (!k)
				put(o, " (baseline)");
		}
		put(o, "</dd>\n");
		for (size_t k = 0; k < p->nl; k++) {
			put(o, "<dt>Respondents, ");
			esc(o, lm_prepost_wave_name(r->pp, k + 1));
			put(o, "</dt><dd>");
			respondents(o, &p->reps[k]);
			put(o, "</dd>\n");
		}
		if (lm_prepost_cluster_count(r->pp)) {
			put(o, "<dt>Clusters</dt><dd>");
			ulong_out(o, lm_prepost_cluster_count(r->pp));
			put(o, " (");
			esc(o, r->pp->cluster_column);
			put(o, "; the arm effects account for them)</dd>\n");
		}
	} else {
		put(o, "<dt>Respondents</dt><dd>");
		respondents(o, r);
		put(o, "</dd>\n");
	}
	size_t ng = p->ng, unnamed = 0;
	if (ng) {
		/* A group is named only where it is shown: on some scale with enough pairs. */
		put(o, has_waves(r) ? "<dt>Arms</dt><dd>" : "<dt>Groups</dt><dd>");
		int first = 1;
		for (size_t g = 0; g < ng; g++) {
			/* With waves, an arm is named unless it is small (the flow and the comparisons name it). */
			int named = has_waves(r) && !p->small[g];
			for (size_t i = 0; i < p->nl * p->ns && !named && !has_waves(r); i++)
				named = scale_shown(&p->reps[i / p->ns], i % p->ns) &&
					lm__dtable_state(p->cells[i].groups, p->cells[i].group_item[g]) == LM__CELL_SHOWN;
			if (!named) {
				unnamed++;
				continue;
			}
			put(o, first ? "" : ", ");
			esc(o, lm_prepost_group_name(r->pp, g));
			if (has_waves(r) && g == r->pp->reference)
				put(o, " (reference)");
			first = 0;
		}
		if (unnamed) {
			put(o, first ? "" : "; ");
			ulong_out(o, unnamed);
			if (has_waves(r)) {
				put(o, unnamed == 1 ? " other arm is" : " other arms are");
				put(o, " not named: too few respondents");
			} else {
				put(o, unnamed == 1 ? " other group is" : " other groups are");
				put(o, " not named: hidden on every scale");
			}
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
	       "range of values compatible with the data. Reliable change follows Jacobson &amp; Truax (1991).");
	if (has_waves(r) && ng >= 2)
		put(o, " Arms are compared by their scores at each later wave adjusted for the baseline score (ANCOVA): "
		       "in a randomised trial this is the estimate of the programme's effect.");
	put(o, "</p>\n</header>\n<main>\n");
	if (has_waves(r) && !lm__report_flow(r, o, p->small))
		return 0;
	for (size_t i = 0; i < p->ns; i++)
		if (!write_scale(r, o, p, p->order[i]))
			return 0;
	put(o, "</main>\n</body></html>\n");
	return 1;
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; p->cells && i < p->nl * p->ns; i++)
		lm__scale_cells_free(&p->cells[i]);
	for (size_t s = 0; p->means && s < p->ns; s++)
		lm__wave_means_free(&p->means[s]);
	free(p->cells);
	free(p->means);
	free(p->views);
	free(p->reps);
	free(p->hide);
	free(p->hidew);
	free(p->small);
	free(p->order);
}

/* With waves: each scale's means at every wave, a mean hidden on one scale hidden on every scale. */
static int plan_means(const lm_report *r, struct plan *p)
{
	size_t nw = p->nl + 1, ng = p->ng;
	p->means = calloc(p->ns, sizeof(*p->means));
	p->hidew = calloc(nw * (ng ? ng : 1), 1);
	p->small = calloc(ng ? ng : 1, 1);
	int ok = p->means && p->hidew && p->small, again = 1;
	for (size_t k = 0; ok && k < nw; k++)
		for (size_t g = 0; g < ng; g++)
			p->hidew[k * ng + g] = p->hide[g];
	for (size_t s = 0; s < p->ns && ok; s++)
		ok = lm__wave_means_compute(&p->means[s], r->pp, s);
	/* Small: some count of the arm (pairs with both scores, or scores at a wave) is 1 to min_cell - 1. */
	for (size_t g = 0; ok && g < ng; g++) {
		for (size_t i = 0; i < p->nl * p->ns && !p->small[g]; i++) {
			double n = st(&p->reps[i / p->ns], i % p->ns, g, LM_PREPOST_STAT_CHANGE_N);
			p->small[g] = isfinite(n) && n > 0 && n < (double)r->min_cell;
		}
		for (size_t i = 0; i < p->ns * nw && !p->small[g]; i++) {
			unsigned long n = p->means[i / nw].n[(i % nw) * (ng + 2) + 2 + g];
			p->small[g] = n > 0 && n < r->min_cell;
		}
		if (ng > LM__MAX_GROUPS)
			p->small[g] = 1;
	}
	while (ok && again) {
		again = 0;
		for (size_t s = 0; s < p->ns && ok; s++)
			ok = lm__wave_means_protect(&p->means[s], r->min_cell, p->hidew);
		for (size_t s = 0; s < p->ns && ok; s++)
			for (size_t k = 0; k < nw; k++)
				for (size_t g = 0; g < ng && ng <= LM__MAX_GROUPS; g++)
					if (!p->hidew[k * ng + g] &&
					    lm__wave_mean_state(&p->means[s], k, g, r->min_cell) != LM__CELL_SHOWN)
						p->hidew[k * ng + g] = again = 1;
	}
	return ok;
}

static int plan_make(const lm_report *r, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	p->ns = r->inst->n_scales;
	p->ng = lm_prepost_group_count(r->pp);
	p->nl = has_waves(r) ? r->pp->n_waves - 1 : 1;
	size_t ns = p->ns, ng = p->ng, nl = p->nl;
	p->views = calloc(nl, sizeof(*p->views));
	p->reps = calloc(nl, sizeof(*p->reps));
	p->cells = calloc(nl * ns + 1, sizeof(*p->cells));
	p->hide = calloc(ng ? ng : 1, 1);
	p->order = malloc((ns ? ns : 1) * sizeof(*p->order));
	int ok = p->views && p->reps && p->cells && p->hide && p->order, again = 1;
	if (!ok)
		return 0;
	size_t head = lm__instrument_headline(r->inst), n = 0;
	if (head != LM_NO_INDEX)
		p->order[n++] = head;
	for (size_t s = 0; s < ns; s++)
		if (s != head)
			p->order[n++] = s;
	for (size_t k = 0; k < nl; k++) {
		p->reps[k] = *r;
		if (has_waves(r)) {
			lm__prepost_view(r->pp, k + 1, &p->views[k]);
			p->reps[k].pp = &p->views[k];
			p->reps[k].wave = lm_prepost_wave_name(r->pp, k + 1);
		}
	}
	/*
	 * A group hidden on one scale (or wave) is hidden on every scale: where
	 * a scale is the sum of others (a total of subscales), its rows on the
	 * others would otherwise give it back. Hiding only grows, so this ends.
	 */
	while (ok && again) {
		again = 0;
		for (size_t i = 0; i < nl * ns && ok; i++) {
			lm__scale_cells_free(&p->cells[i]);
			ok = !scale_shown(&p->reps[i / ns], i % ns) ||
			     lm__scale_cells_build(&p->cells[i], p->reps[i / ns].pp, i % ns, r->min_cell, p->hide);
		}
		for (size_t i = 0; i < nl * ns && ok; i++)
			for (size_t g = 0; g < ng && scale_shown(&p->reps[i / ns], i % ns); g++)
				if (!p->hide[g] && lm__dtable_state(p->cells[i].groups, p->cells[i].group_item[g]) != LM__CELL_SHOWN)
					p->hide[g] = again = 1;
	}
	return ok && (!has_waves(r) || plan_means(r, p));
}

/* Decide what is hidden on every scale first: the header names only groups shown somewhere. */
static int write_all(const lm_report *r, struct lm_out *o)
{
	struct plan p;
	int ok = plan_make(r, &p);
	ok = ok && write_html(r, o, &p);
	plan_free(&p);
	return ok;
}

static int check(const lm_report *r, lm_error *err)
{
	if (!r)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "no report");
	if (lm_instrument_scale_count(r->inst) == 0 ||
	    lm_prepost_count(r->pp, LM_PREPOST_COUNT_PRE_ROWS) + lm_prepost_count(r->pp, LM_PREPOST_COUNT_POST_ROWS) == 0)
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
