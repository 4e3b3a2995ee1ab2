/*
 * libra_measures — validation: the checks of meaning that follow parsing.
 * Duplicate ids, clashing codes, rule thresholds that can never be met, and
 * bands checked against every score the scale can actually produce.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "number-priv.h"

/* The reachable-score check is skipped above this many (count, sum) states
 * for a scale, and once the steps of all scales' programmes would pass
 * LM_REACH_MAX_STEPS, so a hostile definition cannot make loading slow. The
 * ordinary checks of bands against the scale's range still apply. */
#define LM_REACH_MAX_STATES 4000000u
#define LM_REACH_MAX_STEPS 1e9
/* Scores are compared with bounds with LM_EPS (internal.h) of slack for
 * rounding, as the scorer compares them. */

struct v {
	const char *file;
	lm_error *err;
	int failed, nomem;
	double steps_left; /* of the reachable-score programmes, over all scales */
};

static void bad(struct v *v, struct lm_loc l, const char *fmt, ...) LM_PRINTF(3, 4);
static void bad(struct v *v, struct lm_loc l, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	lm__verror(v->err, LM_EDEFINITION, v->file, l.line, l.col, fmt, ap);
	va_end(ap);
	v->failed = 1;
}

static int same_label(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lm__ascii_lower(*a) != lm__ascii_lower(*b))
			return 0;
	return *a == *b;
}

/* A scale that parsed completely; the checks below skip the others. */
static int usable(const struct lm_scale *s)
{
	return s->id && s->method >= 0 && s->n_items > 0;
}

static void check_responses(struct v *v, const struct lm_response *r, size_t n, struct lm_loc l, const char *what)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			if (r[i].value == r[j].value)
				bad(v, l, "%s: value %s appears twice", what, lm__number_text(r[i].value).s);
			if (same_label(r[i].label, r[j].label))
				bad(v, l, "%s: label '%s' appears twice (labels are compared without regard to case)", what,
				    r[i].label);
		}
}

static void check_codes(struct v *v, const struct lm_instrument *inst)
{
	check_responses(v, inst->missing, inst->n_missing, (struct lm_loc){0, 0}, "missing_codes");
	for (size_t i = 0; i < inst->n_missing; i++) {
		const struct lm_response *c = &inst->missing[i];
		for (size_t s = 0; s < inst->n_sets; s++)
			for (size_t k = 0; k < inst->sets[s].n; k++) {
				const struct lm_response *r = &inst->sets[s].v[k];
				if (r->value == c->value) {
					bad(v, inst->sets[s].loc, "missing code %s (%s) is also a response value",
					    lm__number_text(c->value).s, c->label);
					break;
				}
				if (same_label(r->label, c->label)) {
					bad(v, inst->sets[s].loc, "missing code label '%s' is also a response label", c->label);
					break;
				}
			}
	}
}

/* Lowest and highest score of a scale, from its items' declared ranges. */
static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void scale_range(struct v *v, const struct lm_instrument *inst, struct lm_scale *s)
{
	size_t n = s->n_items, m = s->min_answered;
	double *lo = malloc(n * sizeof(*lo)), *hi = malloc(n * sizeof(*hi));
	if (!lo || !hi) {
		free(lo);
		free(hi);
		v->nomem = v->failed = 1;
		return;
	}
	for (size_t k = 0; k < n; k++) {
		const struct lm_response_set *rs = inst->items[s->items[k]].responses;
		lo[k] = rs->min;
		hi[k] = rs->max;
	}
	qsort(lo, n, sizeof(*lo), cmp_double);
	qsort(hi, n, sizeof(*hi), cmp_double);
	/* The lowest mean over any m or more answered items is the mean of the m
	 * lowest minima (adding a larger value only raises it); likewise the top. */
	double sum_lo = 0, sum_hi = 0;
	for (size_t k = 0; k < m; k++) {
		sum_lo += lo[k];
		sum_hi += hi[n - 1 - k];
	}
	switch (s->method) {
	case LM_METHOD_SUM:
		s->min = sum_lo;
		s->max = sum_hi;
		break;
	case LM_METHOD_MEAN:
		s->min = sum_lo / (double)m;
		s->max = sum_hi / (double)m;
		break;
	default:
		s->min = sum_lo / (double)m * (double)n;
		s->max = sum_hi / (double)m * (double)n;
		break;
	}
	free(lo);
	free(hi);
}

static double score_of(const struct lm_scale *s, double sum, size_t answered)
{
	switch (s->method) {
	case LM_METHOD_SUM: return sum;
	case LM_METHOD_MEAN: return sum / (double)answered;
	default: return sum / (double)answered * (double)s->n_items;
	}
}

/*
 * Every score the scale can produce, sorted and without repeats, or NULL when
 * the check does not apply (values not whole numbers, or too many states).
 * A dynamic programme over the items: reach[c][t] says whether some choice of
 * c answered items has shifted sum t.
 */
static double *reachable_scores(struct v *v, const struct lm_instrument *inst, const struct lm_scale *s,
				size_t *count)
{
	size_t n = s->n_items;
	double g = INFINITY, span = 0;
	for (size_t k = 0; k < n; k++) {
		const struct lm_response_set *rs = inst->items[s->items[k]].responses;
		for (size_t r = 0; r < rs->n; r++)
			if (rs->v[r].value != floor(rs->v[r].value) || fabs(rs->v[r].value) > 1e6)
				return NULL;
		if (rs->min < g)
			g = rs->min;
	}
	for (size_t k = 0; k < n; k++)
		span += inst->items[s->items[k]].responses->max - g;
	size_t width = (size_t)span + 1, options = 0;
	for (size_t k = 0; k < n; k++)
		options += inst->items[s->items[k]].responses->n;
	double states = (double)(n + 1) * (double)width, steps = states * (double)options;
	if (states > LM_REACH_MAX_STATES || steps > v->steps_left)
		return NULL;
	v->steps_left -= steps;
	unsigned char *reach = calloc((n + 1) * width, 1);
	if (!reach) {
		v->nomem = v->failed = 1;
		return NULL;
	}
	reach[0] = 1;
	size_t top = 0; /* highest shifted sum reached so far */
	for (size_t k = 0; k < n; k++) {
		const struct lm_item *it = &inst->items[s->items[k]];
		size_t add_top = 0;
		/* Downwards in c, so each item is used at most once. */
		for (size_t c = k + 1; c-- > 0;)
			for (size_t t = top + 1; t-- > 0;) {
				if (!reach[c * width + t])
					continue;
				for (size_t r = 0; r < it->responses->n; r++) {
					size_t add = (size_t)(lm__key(it, it->responses->v[r].value) - g);
					reach[(c + 1) * width + t + add] = 1;
					if (t + add > add_top)
						add_top = t + add;
				}
			}
		if (add_top > top)
			top = add_top;
	}
	size_t cap = 0;
	for (size_t c = s->min_answered; c <= n; c++)
		for (size_t t = 0; t <= top; t++)
			cap += reach[c * width + t];
	double *scores = malloc((cap ? cap : 1) * sizeof(*scores));
	if (!scores) {
		free(reach);
		v->nomem = v->failed = 1;
		return NULL;
	}
	size_t m = 0;
	for (size_t c = s->min_answered; c <= n; c++)
		for (size_t t = 0; t <= top; t++)
			if (reach[c * width + t])
				scores[m++] = score_of(s, (double)t + (double)c * g, c);
	free(reach);
	qsort(scores, m, sizeof(*scores), cmp_double);
	size_t u = 0;
	for (size_t i = 0; i < m; i++)
		if (u == 0 || scores[i] - scores[u - 1] > LM_EPS)
			scores[u++] = scores[i];
	*count = u;
	return scores;
}

static void check_bands(struct v *v, const struct lm_instrument *inst, const struct lm_scale *s)
{
	/* Gaps are only looked for once the bands are in order and do not
	 * overlap; a band reaching past the possible scores does not stop it. */
	int order_failed = 0;
	for (size_t b = 0; b < s->n_bands; b++) {
		const struct lm_band *band = &s->bands[b];
		if (band->min > band->max) {
			bad(v, band->loc, "band '%s' of scale '%s' has min %s above max %s", band->id, s->id,
			    lm__number_text(band->min).s, lm__number_text(band->max).s);
			order_failed = 1;
		}
		if (band->min < s->min - LM_EPS || band->max > s->max + LM_EPS)
			bad(v, band->loc, "band '%s' (%s to %s) reaches outside the possible scores of scale '%s' (%s to %s)",
			    band->id, lm__number_text(band->min).s, lm__number_text(band->max).s, s->id,
			    lm__number_text(s->min).s, lm__number_text(s->max).s);
		for (size_t o = 0; o < b; o++)
			if (!strcmp(s->bands[o].id, band->id))
				bad(v, band->loc, "band id '%s' appears twice in scale '%s'", band->id, s->id);
		if (b > 0) {
			const struct lm_band *prev = &s->bands[b - 1];
			if (band->min <= prev->max && (order_failed = 1))
				bad(v, band->loc,
				    "band '%s' (from %s) overlaps or comes before band '%s' (to %s); bounds are inclusive and bands go in increasing order",
				    band->id, lm__number_text(band->min).s, prev->id, lm__number_text(prev->max).s);
		}
	}
	if (!s->n_bands || order_failed)
		return;
	size_t n = 0;
	double *scores = reachable_scores(v, inst, s, &n);
	if (!scores)
		return;
	size_t gaps = 0;
	for (size_t i = 0; i < n; i++) {
		/* The bands are in order and do not overlap here: the last one
		 * starting at or below the score is the only one that can hold it. */
		size_t lo = 0, hi = s->n_bands;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (s->bands[mid].min - LM_EPS <= scores[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && scores[i] <= s->bands[lo - 1].max + LM_EPS)
			continue;
		if (gaps++ < 3)
			bad(v, s->loc, "scale '%s' can score %s, which falls in no band (bands must cover every possible score%s)",
			    s->id, lm__number_text(scores[i]).s,
			    s->method == LM_METHOD_SUM ? "" : "; with missing items allowed, scores need not be whole numbers");
	}
	if (gaps > 3)
		bad(v, s->loc, "scale '%s': %zu more possible scores fall in no band", s->id, gaps - 3);
	free(scores);
}

static void check_rules(struct v *v, const struct lm_instrument *inst)
{
	for (size_t i = 0; i < inst->n_rules; i++) {
		const struct lm_rule *r = &inst->rules[i];
		for (size_t j = 0; j < i && r->id; j++)
			if (inst->rules[j].id && !strcmp(inst->rules[j].id, r->id))
				bad(v, r->loc, "rule id '%s' appears twice", r->id);
		for (size_t k = 0; k < r->n_conds; k++) {
			const struct lm_condition *c = &r->conds[k];
			const struct lm_scale *s = &inst->scales[c->scale];
			if (!usable(s))
				continue;
			double lo = INFINITY, hi = -INFINITY;
			for (size_t t = 0; t < s->n_items; t++) {
				const struct lm_response_set *rs = inst->items[s->items[t]].responses;
				lo = fmin(lo, rs->min);
				hi = fmax(hi, rs->max);
			}
			if (c->value <= lo || c->value > hi)
				bad(v, c->loc,
				    "rule '%s': value_at_least %s is outside %s (exclusive) to %s, so the condition does not depend on the answers",
				    r->id, lm__number_text(c->value).s, lm__number_text(lo).s, lm__number_text(hi).s);
			if (c->count < 1 || c->count > s->n_items)
				bad(v, c->loc, "rule '%s': count_at_least %zu is outside 1..%zu, the items of scale '%s'", r->id,
				    c->count, s->n_items, s->id);
		}
	}
}

int lm__validate(struct lm_instrument *inst, const char *file, lm_error *err)
{
	struct v v = {.file = file, .err = err, .steps_left = LM_REACH_MAX_STEPS};
	for (size_t s = 0; s < inst->n_sets; s++) {
		const struct lm_response_set *rs = &inst->sets[s];
		check_responses(&v, rs->v, rs->n, rs->loc, rs->id ? rs->id : "responses");
		for (size_t t = 1; t < s && s > 0; t++)
			if (!strcmp(inst->sets[t].id, rs->id))
				bad(&v, rs->loc, "response set '%s' is defined twice", rs->id);
	}
	check_codes(&v, inst);
	for (size_t i = 0; i < inst->n_items; i++)
		for (size_t j = 0; j < i; j++)
			if (!strcmp(inst->items[i].id, inst->items[j].id))
				bad(&v, inst->items[i].loc, "item id '%s' appears twice (first at line %lu)", inst->items[i].id,
				    inst->items[j].loc.line);
	for (size_t i = 0; i < inst->n_scales; i++) {
		struct lm_scale *s = &inst->scales[i];
		if (!usable(s))
			continue;
		for (size_t j = 0; j < i; j++)
			if (inst->scales[j].id && !strcmp(s->id, inst->scales[j].id))
				bad(&v, s->loc, "scale id '%s' appears twice (first at line %lu)", s->id, inst->scales[j].loc.line);
		scale_range(&v, inst, s);
		if (!isnan(s->cutoff) && (s->cutoff < s->min || s->cutoff > s->max))
			bad(&v, s->cutoff_loc, "clinical_cutoff %s of scale '%s' is outside its possible scores (%s to %s)",
			    lm__number_text(s->cutoff).s, s->id, lm__number_text(s->min).s, lm__number_text(s->max).s);
	}
	for (size_t i = 0; i < inst->n_scales && !v.nomem; i++)
		if (usable(&inst->scales[i]))
			check_bands(&v, inst, &inst->scales[i]);
	check_rules(&v, inst);
	if (v.nomem)
		return lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
	return v.failed ? LM_EDEFINITION : LM_OK;
}

void lm__validate_warnings(const struct lm_instrument *inst, const char *file, lm_error *err)
{
	/* A reverse-keyed item that no scale uses: its reversal changes no
	 * score, most likely because a scale leaves it out by mistake. */
	for (size_t i = 0; i < inst->n_items; i++) {
		if (!inst->items[i].reversed)
			continue;
		int used = 0;
		for (size_t s = 0; s < inst->n_scales && !used; s++)
			for (size_t k = 0; k < inst->scales[s].n_items && !used; k++)
				used = inst->scales[s].items[k] == i;
		if (!used)
			lm__error(err, LM_OK, file, inst->items[i].loc.line, inst->items[i].loc.col,
				  "warning: item '%s' is reverse-keyed but in no scale, so its reversal changes no score",
				  inst->items[i].id);
	}
}
