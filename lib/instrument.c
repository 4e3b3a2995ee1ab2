/*
 * libra_measures — the definition model: lifetime (reference counting) and
 * read-only accessors. The loader (load.c) fills the structs in internal.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct lm_instrument *lm__instrument_new(void)
{
	struct lm_instrument *inst = calloc(1, sizeof(*inst));
	if (inst) {
		atomic_init(&inst->refs, 1);
		inst->primary = LM_NO_INDEX;
	}
	return inst;
}

size_t lm__instrument_headline(const struct lm_instrument *inst)
{
	if (inst->primary != LM_NO_INDEX)
		return inst->primary;
	if (inst->n_scales < 2)
		return LM_NO_INDEX;
	/* The total: the first scale that holds every item of every other scale. */
	for (size_t t = 0; t < inst->n_scales; t++) {
		const struct lm_scale *T = &inst->scales[t];
		int all = 1;
		for (size_t s = 0; s < inst->n_scales && all; s++)
			for (size_t i = 0; s != t && i < inst->scales[s].n_items && all; i++) {
				int found = 0;
				for (size_t j = 0; j < T->n_items && !found; j++)
					found = T->items[j] == inst->scales[s].items[i];
				all = found;
			}
		if (all)
			return t;
	}
	return LM_NO_INDEX;
}

/*
 * The reference count is the one mutable part of a loaded instrument, which
 * the API otherwise hands around as const: scorers and tables take and give
 * back references through const pointers.
 */
struct lm_instrument *lm__instrument_mutable(const struct lm_instrument *inst)
{
	union {
		const struct lm_instrument *c;
		struct lm_instrument *m;
	} u = {inst};
	return u.m;
}

void lm__instrument_ref(const struct lm_instrument *inst)
{
	atomic_fetch_add(&lm__instrument_mutable(inst)->refs, 1);
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_responses(struct lm_response *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].label);
	free(v);
}

void lm_instrument_free(lm_instrument *inst)
{
	if (!inst || atomic_fetch_sub(&inst->refs, 1) != 1)
		return;
	free(inst->source);
	free(inst->id);
	free(inst->name);
	free(inst->version);
	free(inst->citation);
	free(inst->terms);
	free(inst->period);
	free_strings(inst->notes, inst->n_notes);
	for (size_t i = 0; i < inst->n_sets; i++) {
		free(inst->sets[i].id);
		free_responses(inst->sets[i].v, inst->sets[i].n);
	}
	free(inst->sets);
	free_responses(inst->missing, inst->n_missing);
	for (size_t i = 0; i < inst->n_items; i++) {
		free(inst->items[i].id);
		free(inst->items[i].label);
		free(inst->items[i].text);
	}
	free(inst->items);
	for (size_t i = 0; i < inst->n_scales; i++) {
		struct lm_scale *s = &inst->scales[i];
		free(s->id);
		free(s->label);
		free(s->items);
		free(s->norm_source);
		free_strings(s->notes, s->n_notes);
		for (size_t b = 0; b < s->n_bands; b++) {
			free(s->bands[b].id);
			free(s->bands[b].label);
		}
		free(s->bands);
	}
	free(inst->scales);
	for (size_t i = 0; i < inst->n_rules; i++) {
		free(inst->rules[i].id);
		free(inst->rules[i].label);
		free(inst->rules[i].conds);
	}
	free(inst->rules);
	free(inst);
}

/* Metadata */
const char *lm_instrument_id(const lm_instrument *inst) { return inst ? inst->id : NULL; }
const char *lm_instrument_name(const lm_instrument *inst) { return inst ? inst->name : NULL; }
const char *lm_instrument_version(const lm_instrument *inst) { return inst ? inst->version : NULL; }
const char *lm_instrument_citation(const lm_instrument *inst) { return inst ? inst->citation : NULL; }
const char *lm_instrument_terms(const lm_instrument *inst) { return inst ? inst->terms : NULL; }
const char *lm_instrument_period(const lm_instrument *inst) { return inst ? inst->period : NULL; }
const char *lm_instrument_source(const lm_instrument *inst) { return inst ? inst->source : NULL; }
size_t lm_instrument_note_count(const lm_instrument *inst) { return inst ? inst->n_notes : 0; }

const char *lm_instrument_note(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_notes ? inst->notes[i] : NULL;
}

/* Missing codes */
size_t lm_instrument_missing_code_count(const lm_instrument *inst) { return inst ? inst->n_missing : 0; }

double lm_instrument_missing_code_value(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_missing ? inst->missing[i].value : NAN;
}

const char *lm_instrument_missing_code_label(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_missing ? inst->missing[i].label : NULL;
}

/* Items */
size_t lm_instrument_item_count(const lm_instrument *inst) { return inst ? inst->n_items : 0; }

const lm_item *lm_instrument_item(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_items ? &inst->items[i] : NULL;
}

int lm_instrument_find_item(const lm_instrument *inst, const char *id, size_t *index)
{
	if (!inst || !id)
		return LM_EINVAL;
	for (size_t i = 0; i < inst->n_items; i++)
		if (strcmp(inst->items[i].id, id) == 0) {
			if (index)
				*index = i;
			return LM_OK;
		}
	return LM_ENOTFOUND;
}

const char *lm_item_id(const lm_item *item) { return item ? item->id : NULL; }
const char *lm_item_label(const lm_item *item) { return item ? item->label : NULL; }
const char *lm_item_text(const lm_item *item) { return item ? item->text : NULL; }
int lm_item_reversed(const lm_item *item) { return item ? item->reversed : 0; }
int lm_item_scored(const lm_item *item) { return item ? item->scored : 0; }
size_t lm_item_response_count(const lm_item *item) { return item ? item->responses->n : 0; }

double lm_item_response_value(const lm_item *item, size_t k)
{
	return item && k < item->responses->n ? item->responses->v[k].value : NAN;
}

const char *lm_item_response_label(const lm_item *item, size_t k)
{
	return item && k < item->responses->n ? item->responses->v[k].label : NULL;
}

/* Scales */
size_t lm_instrument_scale_count(const lm_instrument *inst) { return inst ? inst->n_scales : 0; }

const lm_scale *lm_instrument_scale(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_scales ? &inst->scales[i] : NULL;
}

int lm_instrument_find_scale(const lm_instrument *inst, const char *id, size_t *index)
{
	if (!inst || !id)
		return LM_EINVAL;
	for (size_t i = 0; i < inst->n_scales; i++)
		if (strcmp(inst->scales[i].id, id) == 0) {
			if (index)
				*index = i;
			return LM_OK;
		}
	return LM_ENOTFOUND;
}

const char *lm_scale_id(const lm_scale *scale) { return scale ? scale->id : NULL; }
const char *lm_scale_label(const lm_scale *scale) { return scale ? scale->label : NULL; }
int lm_scale_method(const lm_scale *scale) { return scale ? scale->method : LM_INVALID_ENUM; }
int lm_scale_direction(const lm_scale *scale) { return scale ? scale->direction : LM_DIRECTION_UNSPECIFIED; }
size_t lm_scale_item_count(const lm_scale *scale) { return scale ? scale->n_items : 0; }

size_t lm_scale_item(const lm_scale *scale, size_t k)
{
	return scale && k < scale->n_items ? scale->items[k] : LM_NO_INDEX;
}

size_t lm_scale_min_answered(const lm_scale *scale) { return scale ? scale->min_answered : 0; }
double lm_scale_min(const lm_scale *scale) { return scale ? scale->min : NAN; }
double lm_scale_max(const lm_scale *scale) { return scale ? scale->max : NAN; }

double lm_scale_clinical_cutoff(const lm_scale *scale) { return scale ? scale->cutoff : NAN; }

double lm_scale_norm(const lm_scale *scale, int which)
{
	return scale && which >= 0 && which < 4 ? scale->norm[which] : NAN;
}

const char *lm_scale_norm_source(const lm_scale *scale) { return scale ? scale->norm_source : NULL; }
size_t lm_scale_note_count(const lm_scale *scale) { return scale ? scale->n_notes : 0; }

const char *lm_scale_note(const lm_scale *scale, size_t i)
{
	return scale && i < scale->n_notes ? scale->notes[i] : NULL;
}

size_t lm_scale_band_count(const lm_scale *scale) { return scale ? scale->n_bands : 0; }

const lm_band *lm_scale_band(const lm_scale *scale, size_t i)
{
	return scale && i < scale->n_bands ? &scale->bands[i] : NULL;
}

const char *lm_band_id(const lm_band *band) { return band ? band->id : NULL; }
const char *lm_band_label(const lm_band *band) { return band ? band->label : NULL; }
double lm_band_min(const lm_band *band) { return band ? band->min : NAN; }
double lm_band_max(const lm_band *band) { return band ? band->max : NAN; }

const char *lm__band_id(const struct lm_scale *scale, long band)
{
	return band >= 0 && (size_t)band < scale->n_bands ? scale->bands[band].id : NULL;
}

/* Rules */
size_t lm_instrument_rule_count(const lm_instrument *inst) { return inst ? inst->n_rules : 0; }

const lm_rule *lm_instrument_rule(const lm_instrument *inst, size_t i)
{
	return inst && i < inst->n_rules ? &inst->rules[i] : NULL;
}

int lm_instrument_find_rule(const lm_instrument *inst, const char *id, size_t *index)
{
	if (!inst || !id)
		return LM_EINVAL;
	for (size_t i = 0; i < inst->n_rules; i++)
		if (strcmp(inst->rules[i].id, id) == 0) {
			if (index)
				*index = i;
			return LM_OK;
		}
	return LM_ENOTFOUND;
}

const char *lm_rule_id(const lm_rule *rule) { return rule ? rule->id : NULL; }
const char *lm_rule_label(const lm_rule *rule) { return rule ? rule->label : NULL; }
int lm_rule_combine(const lm_rule *rule) { return rule ? rule->combine : LM_INVALID_ENUM; }
size_t lm_rule_condition_count(const lm_rule *rule) { return rule ? rule->n_conds : 0; }

size_t lm_rule_condition_scale(const lm_rule *rule, size_t k)
{
	return rule && k < rule->n_conds ? rule->conds[k].scale : LM_NO_INDEX;
}

double lm_rule_condition_value(const lm_rule *rule, size_t k)
{
	return rule && k < rule->n_conds ? rule->conds[k].value : NAN;
}

size_t lm_rule_condition_count_required(const lm_rule *rule, size_t k)
{
	return rule && k < rule->n_conds ? rule->conds[k].count : 0;
}
