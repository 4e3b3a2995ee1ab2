/*
 * libra_measures — scoring one respondent. Every buffer is allocated when the
 * scorer is made, so the per-respondent path (set, run, read results)
 * allocates nothing.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "strbuf.h"

#define LM_EPS 1e-9
/* Condition tables larger than this many entries are not built (conditions are then counted item by item). */
#define LM_COND_TABLES_MAX (1u << 20)

/* Whether every keyed value of @p rs is a whole number small enough for LM_PACK(). */
static int integral_set(const struct lm_response_set *rs)
{
	for (size_t k = 0; k < rs->n; k++) {
		double v = rs->v[k].value, r = rs->min + rs->max - v;
		if (!(fabs(v) <= 65536 && fabs(r) <= 131072 && v == (double)(long)v && r == (double)(long)r))
			return 0;
	}
	return 1;
}

/*
 * The value tables: first the instrument's m missing codes (the same for
 * every item), then one row per (response set, reverse keying) in use: its
 * blank, then its n responses. Returns LM_OK or LM_ENOMEM.
 */
static int build_tables(lm_scorer *s)
{
	const struct lm_instrument *inst = s->inst;
	size_t nsets = inst->n_sets, nm = inst->n_missing, total = nm;
	size_t *first = malloc((2 * nsets + 1) * sizeof(*first)); /* row of each (set, reversed), or LM_NO_INDEX */
	if (!first)
		return LM_ENOMEM;
	for (size_t k = 0; k < 2 * nsets; k++)
		first[k] = LM_NO_INDEX;
	s->integral = 1;
	for (size_t i = 0; i < inst->n_items; i++) {
		const struct lm_item *it = &inst->items[i];
		size_t key = (size_t)(it->responses - inst->sets) * 2 + (it->reversed != 0);
		if (first[key] == LM_NO_INDEX) {
			first[key] = total;
			total += 1 + it->responses->n;
			s->integral &= integral_set(it->responses);
		}
		s->blank_at[i] = (uint32_t)first[key];
	}
	free(first);
	size_t n = total ? total : 1;
	s->raw_tab = malloc(n * sizeof(*s->raw_tab));
	s->keyed_tab = malloc(n * sizeof(*s->keyed_tab));
	s->state_tab = malloc(n);
	s->packed_tab = malloc(n * sizeof(*s->packed_tab));
	if (!s->raw_tab || !s->keyed_tab || !s->state_tab || !s->packed_tab)
		return LM_ENOMEM;
	for (size_t m = 0; m < nm; m++) {
		s->raw_tab[m] = inst->missing[m].value;
		s->keyed_tab[m] = NAN;
		s->state_tab[m] = LM_VALUE_CODED;
		s->packed_tab[m] = LM_PACK(0, 0, 1);
	}
	for (size_t i = 0; i < inst->n_items; i++) {
		const struct lm_item *it = &inst->items[i];
		const struct lm_response_set *rs = it->responses;
		size_t r = s->blank_at[i];
		/* Rows are shared: writing one again writes the same values. */
		s->raw_tab[r] = s->keyed_tab[r] = NAN;
		s->state_tab[r] = LM_VALUE_BLANK;
		s->packed_tab[r] = 0;
		for (size_t k = 0; k < rs->n; k++) {
			double keyed = lm__key(it, rs->v[k].value);
			s->raw_tab[r + 1 + k] = rs->v[k].value;
			s->keyed_tab[r + 1 + k] = keyed;
			s->state_tab[r + 1 + k] = LM_VALUE_ANSWERED;
			s->packed_tab[r + 1 + k] = LM_PACK(s->integral ? (long)keyed : 0, 1, 0);
		}
	}
	s->n_entries = n;
	size_t nconds = 0;
	for (size_t r = 0; r < inst->n_rules; r++)
		nconds += inst->rules[r].n_conds;
	if (nconds && nconds <= LM_COND_TABLES_MAX / n) {
		int32_t *ct = s->cond_tab = malloc(nconds * n * sizeof(*s->cond_tab));
		if (!ct)
			return LM_ENOMEM;
		for (size_t r = 0; r < inst->n_rules; r++)
			for (size_t c = 0; c < inst->rules[r].n_conds; c++, ct += n)
				for (size_t e = 0; e < total; e++) {
					int answered = s->state_tab[e] == LM_VALUE_ANSWERED;
					ct[e] = answered * 65536 + (answered && s->keyed_tab[e] >= inst->rules[r].conds[c].value);
				}
	}
	return LM_OK;
}

/* ---- the fast path ---------------------------------------------------- */

#define LM_FAST_WORDS_MAX 4
/* Fast tables larger than this many words are not built (the general path is taken). */
#define LM_FAST_TAB_MAX (1u << 20)
/* Scales with more (answered, sum) pairs than this have no table of results. */
#define LM_FAST_RES_MAX (1u << 14)

static unsigned bits_for(uint64_t max)
{
	unsigned b = 1;
	while (b < 63 && (max >> b))
		b++;
	return b;
}

/* Place a field of room for 0..@p max after the fields placed so far. Returns 0 when out of words. */
static int place(struct lm_fast_field *f, uint64_t max, size_t *word, unsigned *used)
{
	unsigned b = bits_for(max);
	if (*used + b > 64) {
		++*word;
		*used = 0;
	}
	if (*word >= LM_FAST_WORDS_MAX)
		return 0;
	f->word = (uint32_t)*word;
	f->shift = *used;
	f->mask = b == 64 ? UINT64_MAX : ((uint64_t)1 << b) - 1;
	*used += b;
	return 1;
}

static void add_field(uint64_t *inc, const struct lm_fast_field *f, uint64_t v)
{
	inc[f->word] += v << f->shift;
}

/* The score, status and band of a scale of @p n items (duplicates counted) from its answered
 * count and the sum of the answered keyed values: the one computation both paths use. */
static long find_band(const struct lm_scale *sc, double score);
static void scale_result(const struct lm_scale *sc, size_t answered, double sum, struct lm_fast_result *r)
{
	size_t n = sc->n_items;
	if (answered < sc->min_answered) {
		r->score = NAN;
		r->status = LM_SCORE_INSUFFICIENT;
		r->band = -1;
		return;
	}
	switch (sc->method) {
	case LM_METHOD_SUM: r->score = sum; break;
	case LM_METHOD_MEAN: r->score = sum / (double)answered; break;
	default: r->score = sum / (double)answered * (double)n; break;
	}
	r->status = answered == n ? LM_SCORE_OK : LM_SCORE_PRORATED;
	r->band = find_band(sc, r->score);
}

/*
 * The fast path's tables (struct lm_scorer), when every keyed value is a
 * whole number from 0 up and the fields fit: the sums are then exact in the
 * bit fields, so the results are those of the general path. Leaves
 * s->fast_tab NULL otherwise. Returns LM_OK or LM_ENOMEM.
 */
static int build_fast(lm_scorer *s)
{
	const struct lm_instrument *inst = s->inst;
	size_t ni = inst->n_items, ns = inst->n_scales, ne = s->n_entries, nconds = 0;
	if (!s->integral || !ni)
		return LM_OK;
	for (size_t e = 0; e < ne; e++)
		if (s->state_tab[e] == LM_VALUE_ANSWERED && !(s->keyed_tab[e] >= 0))
			return LM_OK;
	for (size_t r = 0; r < inst->n_rules; r++)
		nconds += inst->rules[r].n_conds;
	s->fast_sum = calloc(3 * ns + nconds + 1, sizeof(*s->fast_sum));
	s->res_first = malloc((3 * ns + 1) * sizeof(*s->res_first));
	if (!s->fast_sum || !s->res_first)
		return LM_ENOMEM;
	s->fast_answered = s->fast_sum + ns;
	s->fast_coded = s->fast_answered + ns;
	s->fast_yes = s->fast_coded + ns;
	s->res_stride = s->res_first + ns;
	s->res_count = s->res_stride + ns;
	/* Each item's largest keyed value, for the widths of the sums. */
	uint64_t *top = calloc(ni, sizeof(*top));
	if (!top)
		return LM_ENOMEM;
	for (size_t i = 0; i < ni; i++) {
		const struct lm_response_set *rs = inst->items[i].responses;
		for (size_t k = 0; k < rs->n; k++) {
			uint64_t v = (uint64_t)s->keyed_tab[s->blank_at[i] + 1 + k];
			if (v > top[i])
				top[i] = v;
		}
	}
	size_t word = 0, res_total = 0;
	unsigned used = 0;
	int fits = 1;
	for (size_t j = 0; j < ns && fits; j++) {
		const struct lm_scale *sc = &inst->scales[j];
		uint64_t max = 0;
		for (size_t k = 0; k < sc->n_items; k++)
			max += top[sc->items[k]];
		fits = place(&s->fast_sum[j], max, &word, &used) && place(&s->fast_answered[j], sc->n_items, &word, &used) &&
		       place(&s->fast_coded[j], sc->n_items, &word, &used);
		s->res_stride[j] = (size_t)max + 1;
		s->res_count[j] = (sc->n_items + 1) * s->res_stride[j];
		s->res_first[j] = SIZE_MAX;
		if (s->res_count[j] <= LM_FAST_RES_MAX) {
			s->res_first[j] = res_total;
			res_total += s->res_count[j];
		}
	}
	for (size_t r = 0, c = 0; r < inst->n_rules && fits; r++)
		for (size_t k = 0; k < inst->rules[r].n_conds && fits; k++, c++)
			fits = place(&s->fast_yes[c], inst->scales[inst->rules[r].conds[k].scale].n_items, &word, &used);
	free(top);
	size_t nw = word + 1;
	if (!fits || ne > LM_FAST_TAB_MAX / nw / ni)
		return LM_OK;
	s->res_tab = malloc((res_total ? res_total : 1) * sizeof(*s->res_tab));
	uint64_t *ft = calloc(ni * ne * nw, sizeof(*ft));
	if (!s->res_tab || !ft) {
		free(ft);
		return LM_ENOMEM;
	}
	/* Every occurrence of an item in a scale adds, as the general path counts
	 * it; entries an item cannot have stay 0. */
	for (size_t j = 0; j < ns; j++) {
		const struct lm_scale *sc = &inst->scales[j];
		for (size_t k = 0; k < sc->n_items; k++)
			for (size_t e = 0; e < ne; e++) {
				uint64_t *inc = ft + (sc->items[k] * ne + e) * nw;
				if (s->state_tab[e] == LM_VALUE_ANSWERED) {
					add_field(inc, &s->fast_sum[j], (uint64_t)s->keyed_tab[e]);
					add_field(inc, &s->fast_answered[j], 1);
				} else if (s->state_tab[e] == LM_VALUE_CODED) {
					add_field(inc, &s->fast_coded[j], 1);
				}
			}
	}
	for (size_t r = 0, c = 0; r < inst->n_rules; r++)
		for (size_t k = 0; k < inst->rules[r].n_conds; k++, c++) {
			const struct lm_condition *cond = &inst->rules[r].conds[k];
			const struct lm_scale *sc = &inst->scales[cond->scale];
			for (size_t q = 0; q < sc->n_items; q++)
				for (size_t e = 0; e < ne; e++)
					if (s->state_tab[e] == LM_VALUE_ANSWERED && s->keyed_tab[e] >= cond->value)
						add_field(ft + (sc->items[q] * ne + e) * nw, &s->fast_yes[c], 1);
		}
	for (size_t j = 0; j < ns; j++)
		if (s->res_first[j] != SIZE_MAX)
			for (size_t key = 0; key < s->res_count[j]; key++)
				scale_result(&inst->scales[j], key / s->res_stride[j], (double)(key % s->res_stride[j]),
					     &s->res_tab[s->res_first[j] + key]);
	s->fast_scale = malloc((ns + 1) * sizeof(*s->fast_scale));
	s->fast_cond = malloc((nconds + 1) * sizeof(*s->fast_cond));
	if (!s->fast_scale || !s->fast_cond) {
		free(ft);
		return LM_ENOMEM;
	}
	for (size_t j = 0; j < ns; j++)
		s->fast_scale[j] = (struct lm_fast_scale){
			s->fast_sum[j], s->fast_answered[j], s->fast_coded[j],
			s->res_first[j] != SIZE_MAX ? s->res_tab + s->res_first[j] : NULL, s->res_stride[j],
			inst->scales[j].min_answered};
	for (size_t r = 0, c = 0; r < inst->n_rules; r++)
		for (size_t k = 0; k < inst->rules[r].n_conds; k++, c++) {
			const struct lm_condition *cond = &inst->rules[r].conds[k];
			s->fast_cond[c] = (struct lm_fast_cond){s->fast_yes[c], s->fast_answered[cond->scale],
								inst->scales[cond->scale].n_items, cond->count};
		}
	s->fast_tab = ft;
	s->fast_words = nw;
	s->all_res = nw == 1;
	for (size_t j = 0; j < ns; j++)
		if (s->res_first[j] == SIZE_MAX)
			s->all_res = 0;
	if (nw == 1)
		for (size_t i = 0; i < ni; i++)
			for (unsigned d = 0; d < 10; d++)
				if (s->digit_at[i * 10 + d] != LM_DIGIT_OTHER)
					s->digit_inc[i * 10 + d] = ft[i * ne + s->digit_at[i * 10 + d]];
	return LM_OK;
}

void lm__scorer_fast_off(lm_scorer *s, int off)
{
	s->fast_off = off;
}

/* The entry lm_scorer_set() gives @p value for @p item, or LM_DIGIT_OTHER. */
static uint32_t entry_of(const lm_scorer *s, size_t item, double value)
{
	const struct lm_response_set *rs = s->inst->items[item].responses;
	for (size_t k = 0; k < rs->n; k++)
		if (rs->v[k].value == value)
			return s->blank_at[item] + 1 + (uint32_t)k;
	for (size_t m = 0; m < s->inst->n_missing; m++)
		if (s->inst->missing[m].value == value)
			return (uint32_t)m;
	return LM_DIGIT_OTHER;
}

int lm_scorer_new(lm_scorer **out, const lm_instrument *inst)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst)
		return LM_EINVAL;
	size_t ni = inst->n_items ? inst->n_items : 1, ns = inst->n_scales ? inst->n_scales : 1;
	size_t nr = inst->n_rules ? inst->n_rules : 1;
	lm_scorer *s = calloc(1, sizeof(*s));
	if (!s)
		return LM_ENOMEM;
	s->inst = inst;
	s->at = malloc(ni * sizeof(*s->at));
	s->blank_at = malloc(ni * sizeof(*s->blank_at));
	s->digit_at = malloc(ni * 10 * sizeof(*s->digit_at));
	s->score = malloc(ns * sizeof(*s->score));
	s->answered = calloc(ns, sizeof(*s->answered));
	s->coded = calloc(ns, sizeof(*s->coded));
	s->status = malloc(ns * sizeof(*s->status));
	s->band = malloc(ns * sizeof(*s->band));
	s->rule = malloc(nr * sizeof(*s->rule));
	s->key = malloc(ns * sizeof(*s->key));
	s->digit_inc = calloc(ni * 10, sizeof(*s->digit_inc));
	int ok = s->at && s->blank_at && s->digit_at && s->score && s->answered && s->coded && s->status && s->band &&
		 s->rule && s->key && s->digit_inc && build_tables(s) == LM_OK;
	/* The entry of each one-digit value, looked up once for the table reader. */
	for (size_t i = 0; ok && i < inst->n_items; i++)
		for (unsigned d = 0; d < 10; d++)
			s->digit_at[i * 10 + d] = entry_of(s, i, (double)d);
	if (!ok || build_fast(s) != LM_OK) {
		s->inst = NULL;
		lm_scorer_free(s);
		return LM_ENOMEM;
	}
	lm__instrument_ref(inst);
	lm_scorer_clear(s);
	for (size_t i = 0; i < inst->n_scales; i++) {
		s->score[i] = NAN;
		s->status[i] = LM_SCORE_INSUFFICIENT;
		s->band[i] = -1;
		s->key[i] = SIZE_MAX;
	}
	for (size_t i = 0; i < inst->n_rules; i++)
		s->rule[i] = LM_RULE_UNKNOWN;
	*out = s;
	return LM_OK;
}

void lm_scorer_free(lm_scorer *s)
{
	if (!s)
		return;
	free(s->at);
	free(s->blank_at);
	free(s->digit_at);
	free(s->raw_tab);
	free(s->keyed_tab);
	free(s->state_tab);
	free(s->packed_tab);
	free(s->cond_tab);
	free(s->score);
	free(s->answered);
	free(s->coded);
	free(s->status);
	free(s->band);
	free(s->rule);
	free(s->key);
	free(s->digit_inc);
	free(s->fast_tab);
	free(s->fast_sum);
	free(s->res_first);
	free(s->res_tab);
	free(s->fast_scale);
	free(s->fast_cond);
	if (s->inst)
		lm_instrument_free(lm__instrument_mutable(s->inst));
	free(s);
}

const lm_instrument *lm_scorer_instrument(const lm_scorer *s)
{
	return s ? s->inst : NULL;
}

void lm_scorer_clear(lm_scorer *s)
{
	if (s)
		lm__scorer_clear(s);
}

void lm__scorer_clear(lm_scorer *s)
{
	memcpy(s->at, s->blank_at, s->inst->n_items * sizeof(*s->at));
}

static void set_blank(lm_scorer *s, size_t item)
{
	s->at[item] = s->blank_at[item];
}

/* ---- the one wording of a value that is not a response ----------------- */

static void msg_number(struct lm_strbuf *m, double v)
{
	char num[32];
	lm__sb_add(m, num, lm_format_number(num, sizeof(num), v));
}

/*
 * `"TEXT" is not a response of ITEM (allowed: 1, 2, 3; missing code: -99)`,
 * with the labels too when the text was not a number. Shared by the scorer
 * and the table reader, so a bad value reads the same wherever it is found.
 * Returns NULL when out of memory; the caller frees.
 */
char *lm__bad_value_message(const struct lm_instrument *inst, size_t item, const char *text, size_t len)
{
	const struct lm_item *it = &inst->items[item];
	const struct lm_response_set *rs = it->responses;
	struct lm_strbuf m = LM_STRBUF_INIT;
	double v;
	int numeric = lm__parse_decimal(text, len, &v);
	lm__sb_quoted(&m, text, len, 60); /* the cell as it was */
	lm__sb_str(&m, " is not a response of ");
	lm__sb_str(&m, it->id);
	lm__sb_str(&m, " (allowed: ");
	for (size_t k = 0; k < rs->n; k++) {
		if (k)
			lm__sb_str(&m, ", ");
		msg_number(&m, rs->v[k].value);
	}
	if (!numeric) {
		lm__sb_str(&m, ", or their labels: ");
		for (size_t k = 0; k < rs->n; k++) {
			if (k)
				lm__sb_str(&m, ", ");
			lm__sb_str(&m, rs->v[k].label);
		}
	}
	if (inst->n_missing) {
		lm__sb_str(&m, inst->n_missing > 1 ? "; missing codes: " : "; missing code: ");
		for (size_t k = 0; k < inst->n_missing; k++) {
			if (k)
				lm__sb_str(&m, ", ");
			msg_number(&m, inst->missing[k].value);
			if (!numeric) {
				lm__sb_str(&m, " = ");
				lm__sb_str(&m, inst->missing[k].label);
			}
		}
	}
	lm__sb_str(&m, ")");
	if (m.failed) {
		lm__sb_free(&m);
		return NULL;
	}
	return m.s;
}

static int bad_value(const lm_scorer *s, size_t item, const char *text, size_t len, lm_error *err)
{
	if (!err || lm_error_count(err) >= lm_error_capacity())
		return lm__error(err, LM_EDATA, NULL, 0, 0, "bad value"); /* counted, not kept */
	char *message = lm__bad_value_message(s->inst, item, text, len);
	if (!message)
		return lm__error(err, LM_ENOMEM, NULL, 0, 0, "out of memory");
	lm__error(err, LM_EDATA, NULL, 0, 0, "%s", message);
	free(message);
	return LM_EDATA;
}

int lm_scorer_set(lm_scorer *s, size_t item, double value, lm_error *err)
{
	if (!s || item >= s->inst->n_items)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "item index %zu is out of range", item);
	if (isnan(value)) {
		set_blank(s, item);
		return LM_OK;
	}
	uint32_t e = entry_of(s, item, value);
	if (e != LM_DIGIT_OTHER) {
		s->at[item] = e;
		return LM_OK;
	}
	set_blank(s, item);
	char num[32];
	size_t n = lm_format_number(num, sizeof(num), value);
	if (!n) /* infinities */
		n = (size_t)snprintf(num, sizeof(num), "%s", value > 0 ? "inf" : "-inf");
	return bad_value(s, item, num, n, err);
}

int lm_scorer_set_text(lm_scorer *s, size_t item, const char *text, size_t len, lm_error *err)
{
	if (!s || item >= s->inst->n_items || (!text && len))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_scorer_set_text");
	size_t i = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i == len) {
		set_blank(s, item);
		return LM_OK;
	}
	double v;
	int number = lm__parse_decimal(text, len, &v);
	if (number == LM_NUMBER_EXACT)
		return lm_scorer_set(s, item, v, err);
	if (number == LM_NUMBER_INEXACT) { /* "2.9999999999999999" is not 3, though it reads as 3 */
		set_blank(s, item);
		return bad_value(s, item, text, len, err);
	}
	const struct lm_item *it = &s->inst->items[item];
	const struct lm_response_set *rs = it->responses;
	for (size_t k = 0; k < rs->n; k++)
		if (lm__label_equal(text, len, rs->v[k].label))
			return lm_scorer_set(s, item, rs->v[k].value, err);
	for (size_t k = 0; k < s->inst->n_missing; k++)
		if (lm__label_equal(text, len, s->inst->missing[k].label))
			return lm_scorer_set(s, item, s->inst->missing[k].value, err);
	set_blank(s, item);
	return bad_value(s, item, text, len, err);
}

static long find_band(const struct lm_scale *sc, double score)
{
	for (size_t b = 0; b < sc->n_bands; b++)
		if (score >= sc->bands[b].min - LM_EPS && score <= sc->bands[b].max + LM_EPS)
			return (long)b;
	return -1;
}

/* Three-valued: true once enough items count, false once too few can. The
 * condition is the @p index th of the instrument (for its table). */
static int condition(const lm_scorer *s, const struct lm_condition *c, size_t index)
{
	const struct lm_scale *sc = &s->inst->scales[c->scale];
	const size_t *items = sc->items, n = sc->n_items;
	const uint32_t *at = s->at;
	size_t yes = 0, open = 0;
	if (s->cond_tab) {
		const int32_t *ct = s->cond_tab + index * s->n_entries;
		uint32_t t = 0;
		for (size_t k = 0; k < n; k++)
			t += (uint32_t)ct[at[items[k]]];
		yes = t & 0xFFFFu;
		open = n - (t >> 16);
	} else {
		for (size_t k = 0; k < n; k++) {
			uint32_t e = at[items[k]];
			if (s->state_tab[e] != LM_VALUE_ANSWERED)
				open++;
			else if (s->keyed_tab[e] >= c->value)
				yes++;
		}
	}
	if (yes >= c->count)
		return LM_RULE_TRUE;
	if (yes + open < c->count)
		return LM_RULE_FALSE;
	return LM_RULE_UNKNOWN;
}

int lm_scorer_run(lm_scorer *s)
{
	return s ? lm__scorer_run(s) : LM_EINVAL;
}

/* A field of the fast path's words @p acc (lm__fast_get() where there is one word: no index). */
static inline size_t get_field(const uint64_t *acc, const struct lm_fast_field *f)
{
	return lm__fast_get(acc[f->word], f);
}

static void fast_results(lm_scorer *s, const uint64_t *acc);

/* The fast path: the fields of every item's entry added up, the results read off (build_fast()). */
static void run_fast(lm_scorer *s)
{
	const struct lm_instrument *inst = s->inst;
	const uint32_t *at = s->at;
	size_t ni = inst->n_items, ne = s->n_entries, nw = s->fast_words;
	const uint64_t *row = s->fast_tab;
	uint64_t acc[LM_FAST_WORDS_MAX] = {0};
	if (nw == 1) {
		/* Two sums, so that the additions do not wait on each other. */
		uint64_t a = 0, b = 0;
		size_t i = 0;
		for (; i + 2 <= ni; i += 2, row += 2 * ne) {
			a += row[at[i]];
			b += row[ne + at[i + 1]];
		}
		if (i < ni)
			a += row[at[i]];
		acc[0] = a + b;
	} else {
		for (size_t i = 0; i < ni; i++, row += ne * nw)
			for (size_t w = 0; w < nw; w++)
				acc[w] += row[at[i] * nw + w];
	}
	fast_results(s, acc);
}

/* The rules from the added-up fields @p acc (@p one as in fast_results_in()). */
static inline __attribute__((always_inline)) void fast_rules(lm_scorer *s, const uint64_t *acc, const int one)
{
	const struct lm_instrument *inst = s->inst;
	const struct lm_fast_cond *c = s->fast_cond;
	for (size_t r = 0; r < inst->n_rules; r++) {
		const struct lm_rule *rule = &inst->rules[r];
		int all = rule->combine == LM_COMBINE_ALL;
		int result = all ? LM_RULE_TRUE : LM_RULE_FALSE; /* as in lm__scorer_run() */
		const struct lm_fast_cond *cend = c + rule->n_conds;
		for (; c < cend; c++) {
			size_t yes = one ? lm__fast_get(acc[0], &c->yes) : get_field(acc, &c->yes);
			size_t answered = one ? lm__fast_get(acc[0], &c->answered) : get_field(acc, &c->answered);
			size_t open = c->n - answered;
			int v = yes >= c->count ? LM_RULE_TRUE : yes + open < c->count ? LM_RULE_FALSE : LM_RULE_UNKNOWN;
			if (v == (all ? LM_RULE_FALSE : LM_RULE_TRUE)) {
				result = v;
				break;
			}
			if (v == LM_RULE_UNKNOWN)
				result = LM_RULE_UNKNOWN;
		}
		c = cend;
		s->rule[r] = result;
	}
}

/* The results from the added-up fields @p acc; @p one when the fast path has
 * one word (a constant where it is inlined: its fields then need no word index). */
static inline __attribute__((always_inline)) void fast_results_in(lm_scorer *s, const uint64_t *acc, const int one)
{
	const struct lm_instrument *inst = s->inst;
	const struct lm_fast_scale *f = s->fast_scale;
	/* Locals: the stores below could otherwise make the compiler reload them from s. */
	size_t *answered_out = s->answered, *coded_out = s->coded, *key_out = s->key;
	double *score_out = s->score;
	int *status_out = s->status;
	long *band_out = s->band;
	size_t ns = inst->n_scales;
	for (size_t i = 0; i < ns; i++, f++) {
		size_t answered = one ? lm__fast_get(acc[0], &f->answered) : get_field(acc, &f->answered);
		size_t sum = one ? lm__fast_get(acc[0], &f->sum) : get_field(acc, &f->sum);
		answered_out[i] = answered;
		coded_out[i] = one ? lm__fast_get(acc[0], &f->coded) : get_field(acc, &f->coded);
		struct lm_fast_result own;
		const struct lm_fast_result *r = &own;
		if (f->res) {
			size_t key = answered * f->stride + sum;
			key_out[i] = key;
			r = &f->res[key];
		} else {
			key_out[i] = SIZE_MAX;
			scale_result(&inst->scales[i], answered, (double)sum, &own);
		}
		score_out[i] = r->score;
		status_out[i] = r->status;
		band_out[i] = r->band;
	}
	s->lazy = 0;
	fast_rules(s, acc, one);
}

void lm__scorer_run_sum(lm_scorer *s, uint64_t sum)
{
	if (s->all_res) {
		/* The scales' results stay in the word and the table (struct lm_scorer). */
		const struct lm_fast_scale *f = s->fast_scale;
		size_t *key_out = s->key, ns = s->inst->n_scales;
		int insufficient = 0; /* as scale_result() decides it */
		for (size_t i = 0; i < ns; i++, f++) {
			size_t answered = lm__fast_get(sum, &f->answered);
			key_out[i] = answered * f->stride + lm__fast_get(sum, &f->sum);
			insufficient |= answered < f->min_answered;
		}
		s->lazy_insufficient = insufficient;
		s->word = sum;
		s->lazy = 1;
		fast_rules(s, &sum, 1);
		return;
	}
	fast_results_in(s, &sum, 1); /* only with one word (lm__scorer_summable()) */
}

static void fast_results(lm_scorer *s, const uint64_t *acc)
{
	if (s->fast_words == 1)
		fast_results_in(s, acc, 1);
	else
		fast_results_in(s, acc, 0);
}

int lm__scorer_run(lm_scorer *s)
{
	s->lazy = 0;
	if (s->fast_tab && !s->fast_off) {
		run_fast(s);
		return LM_OK;
	}
	const struct lm_instrument *inst = s->inst;
	const uint32_t *at = s->at;
	const int64_t *packed = s->packed_tab;
	for (size_t i = 0; i < inst->n_scales; i++) {
		const struct lm_scale *sc = &inst->scales[i];
		const size_t *items = sc->items, n = sc->n_items;
		/* Two sums, so that the additions do not wait on each other. */
		int64_t t = 0, t2 = 0;
		size_t k = 0;
		for (; k + 2 <= n; k += 2) {
			t += packed[at[items[k]]];
			t2 += packed[at[items[k + 1]]];
		}
		if (k < n)
			t += packed[at[items[k]]];
		t += t2;
		uint64_t low = (uint64_t)t & 0xFFFFFFFFu;
		size_t answered = (size_t)(low >> 16), coded = (size_t)(low & 0xFFFFu);
		double sum;
		if (s->integral) {
			sum = (double)((t - (int64_t)low) / 4294967296);
		} else {
			/* In item order, as the sum of the answered keyed values. */
			sum = 0;
			for (size_t j = 0; j < n; j++) {
				uint32_t e = at[items[j]];
				if (s->state_tab[e] == LM_VALUE_ANSWERED)
					sum += s->keyed_tab[e];
			}
		}
		s->answered[i] = answered;
		s->coded[i] = coded;
		s->key[i] = SIZE_MAX;
		struct lm_fast_result res;
		scale_result(sc, answered, sum, &res);
		s->score[i] = res.score;
		s->status[i] = res.status;
		s->band[i] = res.band;
	}
	for (size_t r = 0, index = 0; r < inst->n_rules; index += inst->rules[r].n_conds, r++) {
		const struct lm_rule *rule = &inst->rules[r];
		int all = rule->combine == LM_COMBINE_ALL;
		/* all: start true, any false decides; any: start false, any true decides. */
		int result = all ? LM_RULE_TRUE : LM_RULE_FALSE;
		for (size_t k = 0; k < rule->n_conds; k++) {
			int c = condition(s, &rule->conds[k], index + k);
			if (c == (all ? LM_RULE_FALSE : LM_RULE_TRUE)) {
				result = c;
				break;
			}
			if (c == LM_RULE_UNKNOWN)
				result = LM_RULE_UNKNOWN;
		}
		s->rule[r] = result;
	}
	return LM_OK;
}

int lm_scorer_score(lm_scorer *s, const double *values, size_t n, lm_error *err)
{
	if (!s || (!values && n))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to lm_scorer_score");
	if (n != s->inst->n_items)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "%zu values given; instrument '%s' has %zu items", n,
				 s->inst->id, s->inst->n_items);
	int code = LM_OK;
	for (size_t i = 0; i < n; i++)
		if (lm_scorer_set(s, i, values[i], err) != LM_OK)
			code = LM_EDATA;
	if (code != LM_OK) {
		/* No results from a respondent with a bad value. */
		lm_scorer_clear(s);
		s->lazy = 0;
		for (size_t i = 0; i < s->inst->n_scales; i++) {
			s->score[i] = NAN;
			s->status[i] = LM_SCORE_INSUFFICIENT;
			s->band[i] = -1;
			s->answered[i] = s->coded[i] = 0;
			s->key[i] = SIZE_MAX;
		}
		for (size_t r = 0; r < s->inst->n_rules; r++)
			s->rule[r] = LM_RULE_UNKNOWN;
		return code;
	}
	return lm_scorer_run(s);
}

int lm_scorer_value_state(const lm_scorer *s, size_t item)
{
	return s && item < s->inst->n_items ? s->state_tab[s->at[item]] : LM_INVALID_ENUM;
}

double lm_scorer_value(const lm_scorer *s, size_t item)
{
	return s && item < s->inst->n_items ? s->raw_tab[s->at[item]] : NAN;
}

double lm_scorer_scale_score(const lm_scorer *s, size_t scale)
{
	return s && scale < s->inst->n_scales ? lm__scorer_score(s, scale) : NAN;
}

size_t lm_scorer_scale_answered(const lm_scorer *s, size_t scale)
{
	return s && scale < s->inst->n_scales ? lm__scorer_answered(s, scale) : 0;
}

size_t lm_scorer_scale_coded(const lm_scorer *s, size_t scale)
{
	return s && scale < s->inst->n_scales ? lm__scorer_coded(s, scale) : 0;
}

int lm_scorer_scale_status(const lm_scorer *s, size_t scale)
{
	return s && scale < s->inst->n_scales ? lm__scorer_status(s, scale) : LM_INVALID_ENUM;
}

long lm_scorer_scale_band(const lm_scorer *s, size_t scale)
{
	return s && scale < s->inst->n_scales ? lm__scorer_band(s, scale) : -1;
}

int lm_scorer_rule(const lm_scorer *s, size_t rule)
{
	return s && rule < s->inst->n_rules ? s->rule[rule] : LM_INVALID_ENUM;
}

const char *lm_score_status_name(int status)
{
	switch (status) {
	case LM_SCORE_OK: return "ok";
	case LM_SCORE_PRORATED: return "prorated";
	case LM_SCORE_INSUFFICIENT: return "insufficient";
	default: return NULL;
	}
}
