/*
 * libra_measures — the definition model built from a definition's YAML tree
 * (load-yaml.c reads it): each section's shape checked (keys, types,
 * references) and turned into the instrument; validate.c then checks its
 * meaning. Every problem is reported, not just the first.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "internal.h"
#include "load-priv.h"

struct ld {
	const char *file;
	yaml_document_t *doc;
	lm_error *err;
	int failed;
	int nomem;
	struct lm_instrument *inst;
	yaml_node_t *items; /* the items list as written */
};

/* ---- diagnostics ---------------------------------------------------------- */

static struct lm_loc loc_of(const yaml_node_t *n)
{
	struct lm_loc l = {n->start_mark.line + 1, n->start_mark.column + 1};
	return l;
}

static void bad(struct ld *ld, const yaml_node_t *n, const char *fmt, ...) LM_PRINTF(3, 4);
static void bad(struct ld *ld, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct lm_loc l = n ? loc_of(n) : (struct lm_loc){0, 0};
	lm__verror(ld->err, LM_EDEFINITION, ld->file, l.line, l.col, fmt, ap);
	va_end(ap);
	ld->failed = 1;
}

static void *alloc(struct ld *ld, size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size);
	if (!p) {
		ld->nomem = 1;
		ld->failed = 1;
	}
	return p;
}

static char *dup(struct ld *ld, const char *s)
{
	char *p = lm__strdup(s);
	if (!p) {
		ld->nomem = 1;
		ld->failed = 1;
	}
	return p;
}

/* ---- node access ---------------------------------------------------------- */

static yaml_node_t *node(struct ld *ld, int index)
{
	return yaml_document_get_node(ld->doc, index);
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE: return "a scalar";
	case YAML_SEQUENCE_NODE: return "a list";
	case YAML_MAPPING_NODE: return "a mapping";
	default: return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A plain (unquoted) scalar that YAML would read as null. */
static int is_null(const yaml_node_t *n)
{
	if (!n || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	const char *s = scalar(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

/*
 * Read a mapping whose keys must come from `keys` (NULL-terminated); the
 * value of keys[i] goes to out[i] (NULL when absent). Unknown and duplicate
 * keys are reported. Returns 0 when the node is not a mapping.
 */
static int fields(struct ld *ld, yaml_node_t *map, const char *what, const char *const *keys, yaml_node_t **out)
{
	size_t nk = 0;
	while (keys[nk])
		out[nk++] = NULL;
	if (!map || map->type != YAML_MAPPING_NODE) {
		bad(ld, map, "%s must be a mapping, not %s", what, map ? kind_name(map) : "nothing");
		return 0;
	}
	for (yaml_node_pair_t *pr = map->data.mapping.pairs.start; pr < map->data.mapping.pairs.top; pr++) {
		yaml_node_t *k = node(ld, pr->key), *v = node(ld, pr->value);
		const char *key = scalar(k);
		if (!key) {
			bad(ld, k, "a key in %s must be a plain word, not %s", what, kind_name(k));
			continue;
		}
		size_t i = 0;
		while (i < nk && strcmp(keys[i], key) != 0)
			i++;
		if (i == nk) {
			char expected[512] = "";
			size_t used = 0;
			for (size_t j = 0; j < nk && used < sizeof(expected); j++)
				used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s", j ? ", " : "",
							 keys[j]);
			bad(ld, k, "unknown key '%s' in %s (expected one of: %s)", key, what, expected);
		} else if (out[i]) {
			bad(ld, k, "duplicate key '%s' in %s", key, what);
		} else {
			out[i] = v;
		}
	}
	return 1;
}

static void require(struct ld *ld, yaml_node_t *map, yaml_node_t *value, const char *key, const char *what)
{
	if (!value)
		bad(ld, map, "%s has no '%s'", what, key);
}

/* A text scalar. */
static int get_text(struct ld *ld, yaml_node_t *n, const char *what, char **out)
{
	if (!n)
		return 0;
	if (n->type != YAML_SCALAR_NODE || is_null(n)) {
		bad(ld, n, "%s must be text, not %s", what, is_null(n) ? "empty" : kind_name(n));
		return 0;
	}
	*out = dup(ld, scalar(n));
	return *out != NULL;
}

static int valid_id(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
		      *s == '.' || *s == '-'))
			return 0;
	return 1;
}

static int get_id(struct ld *ld, yaml_node_t *n, const char *what, char **out)
{
	if (!get_text(ld, n, what, out))
		return 0;
	if (!valid_id(*out)) {
		bad(ld, n, "%s '%s' is not an id (a letter, then letters, digits, '_', '.' or '-')", what, *out);
		free(*out);
		*out = NULL;
		return 0;
	}
	return 1;
}

static int get_number(struct ld *ld, yaml_node_t *n, const char *what, double *out)
{
	if (!n)
		return 0;
	const char *s = scalar(n);
	int number = s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? lm__parse_decimal(s, strlen(s), out) : 0;
	if (!number) {
		bad(ld, n, "%s must be a decimal number, not %s%s%s", what, s ? "'" : "", s ? s : kind_name(n),
		    s ? "'" : "");
		return 0;
	}
	if (number == LM_NUMBER_INEXACT) {
		/* Data are compared with the number as written: this one could never match. */
		char near[32];
		if (!lm_format_number(near, sizeof(near), *out))
			strcpy(near, "a number out of range");
		bad(ld, n, "%s '%s' has more digits than a number can hold exactly (it would be read as %s)", what, s,
		    near);
		return 0;
	}
	return 1;
}

static int get_count(struct ld *ld, yaml_node_t *n, const char *what, size_t *out)
{
	double v;
	if (!get_number(ld, n, what, &v))
		return 0;
	if (v < 0 || v != floor(v) || v > 1e9) {
		bad(ld, n, "%s must be a whole number, not '%s'", what, scalar(n));
		return 0;
	}
	*out = (size_t)v;
	return 1;
}

static int get_bool(struct ld *ld, yaml_node_t *n, const char *what, int *out)
{
	if (!n)
		return 0;
	const char *s = scalar(n);
	if (s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (!strcmp(s, "true")) {
			*out = 1;
			return 1;
		}
		if (!strcmp(s, "false")) {
			*out = 0;
			return 1;
		}
	}
	bad(ld, n, "%s must be true or false, not %s%s%s", what, s ? "'" : "", s ? s : kind_name(n), s ? "'" : "");
	return 0;
}

/* One of a few words; returns its index, or -1 (reported). */
static int get_word(struct ld *ld, yaml_node_t *n, const char *what, const char *const *words)
{
	const char *s = scalar(n);
	if (s)
		for (int i = 0; words[i]; i++)
			if (!strcmp(s, words[i]))
				return i;
	char expected[256] = "";
	size_t used = 0;
	for (int i = 0; words[i] && used < sizeof(expected); i++)
		used += (size_t)snprintf(expected + used, sizeof(expected) - used, "%s%s", i ? ", " : "", words[i]);
	bad(ld, n, "%s must be one of %s, not %s%s%s", what, expected, s ? "'" : "", s ? s : kind_name(n), s ? "'" : "");
	return -1;
}

/* A list; returns its length and sets *items, or reports and returns 0. */
static size_t get_list(struct ld *ld, yaml_node_t *n, const char *what, yaml_node_item_t **items)
{
	if (!n)
		return 0;
	if (n->type != YAML_SEQUENCE_NODE) {
		bad(ld, n, "%s must be a list, not %s", what, kind_name(n));
		return 0;
	}
	*items = n->data.sequence.items.start;
	return (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
}

static char **get_notes(struct ld *ld, yaml_node_t *n, const char *what, size_t *count)
{
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, what, &it);
	*count = 0;
	if (!len)
		return NULL;
	char **notes = alloc(ld, len, sizeof(*notes));
	if (!notes)
		return NULL;
	for (size_t i = 0; i < len; i++)
		if (get_text(ld, node(ld, it[i]), "a note", &notes[*count]))
			(*count)++;
	return notes;
}

/* ---- the parts of a definition -------------------------------------------- */

static void parse_responses(struct ld *ld, yaml_node_t *n, const char *what, struct lm_response **out, size_t *count,
			    struct lm_loc *where)
{
	static const char *const keys[] = {"value", "label", NULL};
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, what, &it);
	*count = 0;
	if (n)
		*where = loc_of(n);
	if (!len) {
		if (n && n->type == YAML_SEQUENCE_NODE)
			bad(ld, n, "%s must not be empty", what);
		return;
	}
	*out = alloc(ld, len, sizeof(**out));
	if (!*out)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *e = node(ld, it[i]), *f[2];
		if (!fields(ld, e, "a response", keys, f))
			continue;
		require(ld, e, f[0], "value", "a response");
		require(ld, e, f[1], "label", "a response");
		struct lm_response *r = &(*out)[*count];
		int ok = get_number(ld, f[0], "a response value", &r->value);
		ok &= get_text(ld, f[1], "a response label", &r->label);
		if (ok) {
			(*count)++;
		} else {
			free(r->label);
			r->label = NULL;
		}
	}
}

static void set_range(struct lm_response_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		if (i == 0 || set->v[i].value < set->min)
			set->min = set->v[i].value;
		if (i == 0 || set->v[i].value > set->max)
			set->max = set->v[i].value;
	}
}

static void parse_sets(struct ld *ld, yaml_node_t *defaults, yaml_node_t *named)
{
	struct lm_instrument *inst = ld->inst;
	size_t n_named = 0;
	if (named) {
		if (named->type != YAML_MAPPING_NODE)
			bad(ld, named, "response_sets must be a mapping of names to lists of responses, not %s",
			    kind_name(named));
		else
			n_named = (size_t)(named->data.mapping.pairs.top - named->data.mapping.pairs.start);
	}
	inst->sets = alloc(ld, 1 + n_named, sizeof(*inst->sets));
	if (!inst->sets)
		return;
	inst->n_sets = 1;
	parse_responses(ld, defaults, "responses", &inst->sets[0].v, &inst->sets[0].n, &inst->sets[0].loc);
	set_range(&inst->sets[0]);
	for (size_t i = 0; i < n_named; i++) {
		yaml_node_pair_t *pr = &named->data.mapping.pairs.start[i];
		struct lm_response_set *set = &inst->sets[inst->n_sets];
		if (!get_id(ld, node(ld, pr->key), "a response set name", &set->id))
			continue;
		inst->n_sets++;
		parse_responses(ld, node(ld, pr->value), "a response set", &set->v, &set->n, &set->loc);
		set->loc = loc_of(node(ld, pr->key));
		set_range(set);
	}
}

static void parse_items(struct ld *ld, yaml_node_t *n)
{
	static const char *const keys[] = {"id", "label", "text", "reverse", "scored", "responses", NULL};
	struct lm_instrument *inst = ld->inst;
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, "items", &it);
	ld->items = n;
	if (!len) {
		if (n && n->type == YAML_SEQUENCE_NODE)
			bad(ld, n, "items must not be empty");
		return;
	}
	inst->items = alloc(ld, len, sizeof(*inst->items));
	if (!inst->items)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *e = node(ld, it[i]), *f[6];
		if (!fields(ld, e, "an item", keys, f))
			continue;
		struct lm_item *item = &inst->items[inst->n_items];
		item->loc = loc_of(e);
		item->scored = 1;
		require(ld, e, f[0], "id", "an item");
		require(ld, e, f[1], "label", "an item");
		/* An item whose id and responses are known is kept even when another
		 * of its values is wrong (reported, so the load fails): the scales
		 * that name it then add no false "not defined". */
		int ok = get_id(ld, f[0], "an item id", &item->id);
		get_text(ld, f[1], "an item label", &item->label);
		if (f[2])
			get_text(ld, f[2], "an item text", &item->text);
		if (f[3])
			get_bool(ld, f[3], "reverse", &item->reversed);
		if (f[4])
			get_bool(ld, f[4], "scored", &item->scored);
		item->responses = inst->sets ? &inst->sets[0] : NULL;
		if (f[5]) {
			char *name = NULL;
			if (get_id(ld, f[5], "a response set name", &name)) {
				size_t s = 1;
				while (s < inst->n_sets && strcmp(inst->sets[s].id, name) != 0)
					s++;
				if (s < inst->n_sets) {
					item->responses = &inst->sets[s];
				} else {
					bad(ld, f[5], "item '%s' uses response set '%s', which is not defined under response_sets",
					    item->id ? item->id : "?", name);
					ok = 0;
				}
				free(name);
			} else {
				ok = 0;
			}
		} else if (inst->sets && inst->sets[0].n == 0 && inst->sets[0].loc.line == 0) {
			/* (When top-level responses were given but are broken, that was reported already.) */
			bad(ld, e, "item '%s' has no responses: give top-level 'responses' or the item's 'responses' set",
			    item->id ? item->id : "?");
			ok = 0;
		}
		if (ok) {
			inst->n_items++;
		} else {
			free(item->id);
			free(item->label);
			free(item->text);
			memset(item, 0, sizeof(*item));
		}
	}
}

static size_t find_item(const struct lm_instrument *inst, const char *id)
{
	for (size_t i = 0; i < inst->n_items; i++)
		if (!strcmp(inst->items[i].id, id))
			return i;
	return LM_NO_INDEX;
}

/* Whether an entry of the items list has the id `id` though it did not
 * parse (its problem is reported), so that a scale naming it is not also told
 * the item is not defined. */
static int item_written(struct ld *ld, const char *id)
{
	yaml_node_t *list = ld->items;
	if (!list || list->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *e = node(ld, *it);
		if (!e || e->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *pr = e->data.mapping.pairs.start; pr < e->data.mapping.pairs.top; pr++) {
			const char *key = scalar(node(ld, pr->key)), *value = scalar(node(ld, pr->value));
			if (key && value && !strcmp(key, "id") && !strcmp(value, id))
				return 1;
		}
	}
	return 0;
}

static void parse_min_answered(struct ld *ld, yaml_node_t *n, struct lm_scale *s)
{
	const char *text = scalar(n);
	size_t len = text ? strlen(text) : 0;
	double p;
	if (text && len > 1 && text[len - 1] == '%' && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (lm__parse_decimal(text, len - 1, &p) != LM_NUMBER_EXACT || p <= 0 || p > 100) {
			bad(ld, n, "min_answered '%s' must be a share between 0%% and 100%%", text);
			return;
		}
		/* Round up: "80%" of 17 items needs 14 answered. The small slack keeps
		 * exact products (80% of 10 = 8) from rounding up through error. */
		s->min_answered = (size_t)ceil(p / 100.0 * (double)s->n_items - 1e-9);
		if (s->min_answered == 0)
			s->min_answered = 1;
		return;
	}
	size_t count;
	if (!get_count(ld, n, "min_answered (a count, or a share such as 80%)", &count))
		return;
	if (count < 1 || count > s->n_items) {
		bad(ld, n, "min_answered %zu is outside 1..%zu, the number of items of scale '%s'", count, s->n_items,
		    s->id ? s->id : "?");
		return;
	}
	s->min_answered = count;
}

static void parse_norms(struct ld *ld, yaml_node_t *n, struct lm_scale *s)
{
	static const char *const keys[] = {"mean", "sd", "reliability", "n", "source", NULL};
	yaml_node_t *f[5];
	for (int i = 0; i < 4; i++)
		s->norm[i] = NAN;
	if (!n || !fields(ld, n, "norms", keys, f))
		return;
	static const char *const what[] = {"norms mean", "norms sd", "norms reliability", "norms n"};
	for (int i = 0; i < 4; i++) {
		double v;
		if (f[i] && get_number(ld, f[i], what[i], &v))
			s->norm[i] = v;
	}
	if (f[1] && !isnan(s->norm[LM_NORM_SD]) && s->norm[LM_NORM_SD] <= 0)
		bad(ld, f[1], "norms sd must be greater than 0");
	if (f[2] && !isnan(s->norm[LM_NORM_RELIABILITY]) &&
	    (s->norm[LM_NORM_RELIABILITY] < 0 || s->norm[LM_NORM_RELIABILITY] > 1))
		bad(ld, f[2], "norms reliability must be between 0 and 1");
	if (f[3] && !isnan(s->norm[LM_NORM_N]) &&
	    (s->norm[LM_NORM_N] < 1 || s->norm[LM_NORM_N] != floor(s->norm[LM_NORM_N])))
		bad(ld, f[3], "norms n must be a whole number of at least 1");
	if (f[4])
		get_text(ld, f[4], "norms source", &s->norm_source);
}

static void parse_bands(struct ld *ld, yaml_node_t *n, struct lm_scale *s)
{
	static const char *const keys[] = {"id", "label", "min", "max", NULL};
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, "bands", &it);
	if (!len)
		return;
	s->bands = alloc(ld, len, sizeof(*s->bands));
	if (!s->bands)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *e = node(ld, it[i]), *f[4];
		if (!fields(ld, e, "a band", keys, f))
			continue;
		struct lm_band *b = &s->bands[s->n_bands];
		b->loc = loc_of(e);
		require(ld, e, f[0], "id", "a band");
		require(ld, e, f[1], "label", "a band");
		require(ld, e, f[2], "min", "a band");
		require(ld, e, f[3], "max", "a band");
		int ok = get_id(ld, f[0], "a band id", &b->id);
		ok &= get_text(ld, f[1], "a band label", &b->label);
		ok &= get_number(ld, f[2], "a band's min", &b->min);
		ok &= get_number(ld, f[3], "a band's max", &b->max);
		if (ok) {
			s->n_bands++;
		} else {
			free(b->id);
			free(b->label);
			memset(b, 0, sizeof(*b));
		}
	}
}

static void parse_scales(struct ld *ld, yaml_node_t *n)
{
	static const char *const keys[] = {"id", "label", "items", "method", "min_answered", "direction",
					   "bands", "norms", "notes", "clinical_cutoff", NULL};
	static const char *const methods[] = {"sum", "mean", "prorated_sum", NULL};
	static const char *const directions[] = {"higher_is_worse", "higher_is_better", NULL};
	struct lm_instrument *inst = ld->inst;
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, "scales", &it);
	if (!len) {
		if (n && n->type == YAML_SEQUENCE_NODE)
			bad(ld, n, "scales must not be empty");
		return;
	}
	inst->scales = alloc(ld, len, sizeof(*inst->scales));
	if (!inst->scales)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *e = node(ld, it[i]), *f[10];
		if (!fields(ld, e, "a scale", keys, f))
			continue;
		struct lm_scale *s = &inst->scales[inst->n_scales++];
		s->loc = loc_of(e);
		for (int k = 0; k < 4; k++)
			s->norm[k] = NAN;
		require(ld, e, f[0], "id", "a scale");
		require(ld, e, f[1], "label", "a scale");
		require(ld, e, f[2], "items", "a scale");
		require(ld, e, f[3], "method", "a scale");
		get_id(ld, f[0], "a scale id", &s->id);
		get_text(ld, f[1], "a scale label", &s->label);
		s->method = f[3] ? get_word(ld, f[3], "method", methods) : -1;
		if (f[5])
			s->direction = get_word(ld, f[5], "direction", directions) + 1;
		yaml_node_item_t *items;
		size_t n_items = get_list(ld, f[2], "a scale's items", &items);
		if (f[2] && f[2]->type == YAML_SEQUENCE_NODE && !n_items)
			bad(ld, f[2], "scale '%s' has no items", s->id ? s->id : "?");
		if (n_items) {
			s->items = alloc(ld, n_items, sizeof(*s->items));
			for (size_t k = 0; s->items && k < n_items; k++) {
				yaml_node_t *in = node(ld, items[k]);
				const char *id = scalar(in);
				size_t idx = id ? find_item(inst, id) : LM_NO_INDEX;
				if (!id)
					bad(ld, in, "an item of scale '%s' must be an item id, not %s", s->id ? s->id : "?",
					    kind_name(in));
				else if (idx == LM_NO_INDEX) {
					if (!item_written(ld, id))
						bad(ld, in, "scale '%s' names item '%s', which is not defined",
						    s->id ? s->id : "?", id);
				} else if (!inst->items[idx].scored)
					bad(ld, in, "scale '%s' names item '%s', which is a filler (scored: false)",
					    s->id ? s->id : "?", id);
				else {
					for (size_t j = 0; j < s->n_items; j++)
						if (s->items[j] == idx)
							bad(ld, in, "scale '%s' names item '%s' twice", s->id ? s->id : "?", id);
					s->items[s->n_items++] = idx;
				}
			}
		}
		s->min_answered = s->n_items;
		if (f[4] && s->n_items)
			parse_min_answered(ld, f[4], s);
		if (f[4] && s->method == LM_METHOD_SUM && s->min_answered < s->n_items && s->n_items)
			bad(ld, f[4],
			    "scale '%s' uses method sum, which needs every item; use prorated_sum or mean to allow missing items",
			    s->id ? s->id : "?");
		parse_bands(ld, f[6], s);
		parse_norms(ld, f[7], s);
		if (f[8])
			s->notes = get_notes(ld, f[8], "notes", &s->n_notes);
		s->cutoff = NAN;
		if (f[9] && get_number(ld, f[9], "clinical_cutoff", &s->cutoff) && !f[5]) {
			bad(ld, f[9], "scale '%s' has a clinical_cutoff but no direction, so its clinical side is unknown",
			    s->id ? s->id : "?");
		}
		s->cutoff_loc = f[9] ? loc_of(f[9]) : s->loc;
	}
}

static void parse_rules(struct ld *ld, yaml_node_t *n)
{
	static const char *const keys[] = {"id", "label", "combine", "conditions", NULL};
	static const char *const ckeys[] = {"scale", "value_at_least", "count_at_least", NULL};
	static const char *const combines[] = {"all", "any", NULL};
	struct lm_instrument *inst = ld->inst;
	yaml_node_item_t *it;
	size_t len = get_list(ld, n, "rules", &it);
	if (!len)
		return;
	inst->rules = alloc(ld, len, sizeof(*inst->rules));
	if (!inst->rules)
		return;
	for (size_t i = 0; i < len; i++) {
		yaml_node_t *e = node(ld, it[i]), *f[4];
		if (!fields(ld, e, "a rule", keys, f))
			continue;
		struct lm_rule *r = &inst->rules[inst->n_rules++];
		r->loc = loc_of(e);
		require(ld, e, f[0], "id", "a rule");
		require(ld, e, f[1], "label", "a rule");
		require(ld, e, f[2], "combine", "a rule");
		require(ld, e, f[3], "conditions", "a rule");
		get_id(ld, f[0], "a rule id", &r->id);
		get_text(ld, f[1], "a rule label", &r->label);
		if (f[2])
			r->combine = get_word(ld, f[2], "combine", combines);
		yaml_node_item_t *cs;
		size_t nc = get_list(ld, f[3], "conditions", &cs);
		if (f[3] && f[3]->type == YAML_SEQUENCE_NODE && !nc)
			bad(ld, f[3], "rule '%s' has no conditions", r->id ? r->id : "?");
		if (!nc)
			continue;
		r->conds = alloc(ld, nc, sizeof(*r->conds));
		for (size_t k = 0; r->conds && k < nc; k++) {
			yaml_node_t *ce = node(ld, cs[k]), *cf[3];
			if (!fields(ld, ce, "a condition", ckeys, cf))
				continue;
			struct lm_condition *c = &r->conds[r->n_conds];
			c->loc = loc_of(ce);
			require(ld, ce, cf[0], "scale", "a condition");
			require(ld, ce, cf[1], "value_at_least", "a condition");
			require(ld, ce, cf[2], "count_at_least", "a condition");
			int ok = cf[0] && cf[1] && cf[2];
			const char *sid = scalar(cf[0]);
			c->scale = LM_NO_INDEX;
			for (size_t s = 0; sid && s < inst->n_scales; s++)
				if (inst->scales[s].id && !strcmp(inst->scales[s].id, sid))
					c->scale = s;
			if (cf[0] && c->scale == LM_NO_INDEX) {
				if (sid)
					bad(ld, cf[0], "rule '%s' names scale '%s', which is not defined", r->id ? r->id : "?",
					    sid);
				else
					bad(ld, cf[0], "a condition's scale must be a scale id, not %s", kind_name(cf[0]));
				ok = 0;
			}
			ok &= get_number(ld, cf[1], "value_at_least", &c->value);
			ok &= get_count(ld, cf[2], "count_at_least", &c->count);
			if (ok)
				r->n_conds++;
		}
	}
}

/* "primary": the id of the scale a report shows first (after the scales are parsed). */
static void parse_primary(struct ld *ld, yaml_node_t *n)
{
	const char *sid = scalar(n);
	struct lm_instrument *inst = ld->inst;
	for (size_t s = 0; sid && s < inst->n_scales; s++)
		if (inst->scales[s].id && !strcmp(inst->scales[s].id, sid))
			inst->primary = s;
	if (inst->primary != LM_NO_INDEX)
		return;
	if (sid)
		bad(ld, n, "primary names scale '%s', which is not defined", sid);
	else
		bad(ld, n, "primary must be a scale id, not %s", kind_name(n));
}

static void parse_root(struct ld *ld, yaml_node_t *root)
{
	static const char *const keys[] = {"format", "id", "name", "version", "citation", "terms", "period",
					   "notes", "responses", "response_sets", "missing_codes", "items", "scales",
					   "rules", "primary", NULL};
	enum { FORMAT, ID, NAME, VERSION, CITATION, TERMS, PERIOD, NOTES, RESPONSES, SETS, MISSING, ITEMS, SCALES,
	       RULES, PRIMARY };
	yaml_node_t *f[15];
	struct lm_instrument *inst = ld->inst;
	if (!fields(ld, root, "a definition", keys, f))
		return;
	static const char *const required[] = {"format", "id", "name", "version"};
	for (int i = 0; i < 4; i++)
		require(ld, root, f[i], required[i], "the definition");
	require(ld, root, f[ITEMS], "items", "the definition");
	require(ld, root, f[SCALES], "scales", "the definition");
	double format;
	if (f[FORMAT] && get_number(ld, f[FORMAT], "format", &format) && format != 1)
		bad(ld, f[FORMAT], "format %s is not supported (this library reads format 1)", scalar(f[FORMAT]));
	get_id(ld, f[ID], "the instrument id", &inst->id);
	get_text(ld, f[NAME], "name", &inst->name);
	get_text(ld, f[VERSION], "version", &inst->version);
	if (f[CITATION])
		get_text(ld, f[CITATION], "citation", &inst->citation);
	if (f[TERMS])
		get_text(ld, f[TERMS], "terms", &inst->terms);
	if (f[PERIOD])
		get_text(ld, f[PERIOD], "period", &inst->period);
	if (f[NOTES])
		inst->notes = get_notes(ld, f[NOTES], "notes", &inst->n_notes);
	parse_sets(ld, f[RESPONSES], f[SETS]);
	if (f[MISSING]) {
		struct lm_loc where;
		parse_responses(ld, f[MISSING], "missing_codes", &inst->missing, &inst->n_missing, &where);
	}
	parse_items(ld, f[ITEMS]);
	parse_scales(ld, f[SCALES]);
	if (f[RULES])
		parse_rules(ld, f[RULES]);
	if (f[PRIMARY])
		parse_primary(ld, f[PRIMARY]);
}

/* ---- the definition ----------------------------------------------------------- */

int lm__load_definition(lm_instrument **out, const char *text, size_t len, const char *name, const char *source,
			lm_error *err)
{
	if (!out || (!text && len))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "invalid argument to the definition loader");
	*out = NULL;
	const char *file = name ? name : "<definition>";
	if (len > LM_DEFINITION_MAX_BYTES)
		return lm__error(err, LM_ELIMIT, file, 0, 0, "definition is %zu bytes; the limit is %u", len,
				 LM_DEFINITION_MAX_BYTES);

	if (!text)
		text = "";
	yaml_document_t doc;
	int code = lm__load_read_yaml(&doc, file, text, len, err);
	if (code != LM_OK)
		return code;

	struct ld ld = {.file = file, .doc = &doc, .err = err};
	yaml_node_t *root = yaml_document_get_root_node(&doc);
	if (!root) {
		lm__error(err, LM_EDEFINITION, file, 1, 1, "the definition is empty");
		code = LM_EDEFINITION;
	} else {
		ld.inst = lm__instrument_new();
		if (!ld.inst)
			ld.nomem = 1;
		else if (code == LM_OK && (code = lm__load_check_limits(&doc, file, err)) == LM_OK)
			parse_root(&ld, root);
		/* Validate even after shape problems, so every problem is reported
		 * at once; the validator skips parts that did not parse. */
		int checked = LM_OK;
		if (ld.inst && !ld.nomem && code == LM_OK)
			checked = lm__validate(ld.inst, file, err);
		if (checked == LM_OK && !ld.failed && !ld.nomem)
			lm__validate_warnings(ld.inst, file, err);
		if (ld.nomem)
			code = lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
		else if (checked == LM_ENOMEM)
			code = LM_ENOMEM; /* (said by the validator) */
		else if (ld.failed || checked != LM_OK)
			code = LM_EDEFINITION;
	}
	yaml_document_delete(&doc);

	if (code == LM_OK) {
		ld.inst->source = lm__strdup(source ? source : file);
		if (!ld.inst->source)
			code = lm__error(err, LM_ENOMEM, file, 0, 0, "out of memory");
	}
	if (code != LM_OK) {
		lm_instrument_free(ld.inst);
		return code;
	}
	*out = ld.inst;
	return LM_OK;
}
