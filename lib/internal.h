/*
 * libra_measures — private declarations shared by the modules in lib/:
 * the definition model's structs, diagnostics, and small helpers.
 * Nothing here is API.
 */
#ifndef LM_INTERNAL_H
#define LM_INTERNAL_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "libra_measures/libra_measures.h"
/* Numbers (number.c). Here until load.c and score.c include it themselves. */
#include "number-priv.h"

#if defined(__GNUC__) || defined(__clang__)
#define LM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LM_PRINTF(f, a)
#endif

#define LM_NO_INDEX ((size_t)-1)

/* Two scores closer than this are equal (band edges, response values): the
 * loader's checks and the scorer must agree on it. */
#define LM_EPS 1e-9

/* |RCI| beyond this is reliable change (Jacobson & Truax 1991, p < .05). */
#define LM_RCI_CRITICAL 1.96

/* ASCII lower case; other bytes as they are (labels compare without locale). */
static inline char lm__ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A place in a definition file (1-based; 0 = unknown). */
struct lm_loc {
	unsigned long line, col;
};

struct lm_response {
	double value;
	char *label;
};

/* A named list of allowed responses; items point at one. */
struct lm_response_set {
	char *id; /* NULL for the instrument's default set */
	struct lm_response *v;
	size_t n;
	double min, max; /* of the declared values: reverse keying uses min + max - x */
	struct lm_loc loc;
};

struct lm_item {
	char *id, *label, *text;
	int reversed, scored;
	const struct lm_response_set *responses;
	struct lm_loc loc;
};

struct lm_band {
	char *id, *label;
	double min, max;
	struct lm_loc loc;
};

struct lm_scale {
	char *id, *label;
	int method, direction;
	size_t *items, n_items;
	size_t min_answered;
	double min, max; /* reachable score range */
	double cutoff;   /* first score of the clinical range; NaN when none */
	struct lm_loc cutoff_loc;
	double norm[4];  /* indexed by enum lm_norm; NaN when absent */
	char *norm_source;
	char **notes;
	size_t n_notes;
	struct lm_band *bands;
	size_t n_bands;
	struct lm_loc loc;
};

struct lm_condition {
	size_t scale;
	double value;
	size_t count;
	struct lm_loc loc;
};

struct lm_rule {
	char *id, *label;
	int combine;
	struct lm_condition *conds;
	size_t n_conds;
	struct lm_loc loc;
};

struct lm_instrument {
	atomic_size_t refs;
	char *source;
	char *id, *name, *version, *citation, *terms, *period;
	char **notes;
	size_t n_notes;
	struct lm_response_set *sets; /* sets[0] is the default set (may be empty) */
	size_t n_sets;
	struct lm_response *missing;
	size_t n_missing;
	struct lm_item *items;
	size_t n_items;
	struct lm_scale *scales;
	size_t n_scales;
	struct lm_rule *rules;
	size_t n_rules;
	size_t primary; /* the scale named by "primary:", LM_NO_INDEX when none is named */
};

/* The definitions compiled into the library (builtin.c, generated from instruments/). */
struct lm__builtin {
	const char *id;   /* the file name without .yaml */
	const char *yaml; /* NUL-terminated */
	size_t len;
};
extern const struct lm__builtin lm__builtins[];
extern const size_t lm__n_builtins;

/*
 * score.c: the scorer, here so that the table reader's per-cell path can be
 * inlined. Everything about a value an item can take (blank, one of the
 * responses of its set, one of the missing codes) is looked up in value
 * tables built once: the missing codes, then one row per (response set,
 * reverse keying) in use, its blank and its responses. Per item the scorer
 * keeps only where in the tables the item's current value is, so setting a
 * value is one store, and scoring a scale adds one packed entry per item.
 */
#define LM_DIGIT_OTHER UINT32_MAX

/* A packed table entry: the keyed value (integral instruments; else 0) in
 * the high 32 bits, 1 in bits 16-31 when answered, 1 in bits 0-15 when coded.
 * A scale's entries add up without carries: a scale has at most 1,000 items,
 * keyed values of integral instruments are at most 2^17 in magnitude. */
#define LM_PACK(keyed, answered, coded) ((int64_t)(keyed) * 4294967296 + (int64_t)(answered) * 65536 + (coded))

struct lm_scorer {
	const struct lm_instrument *inst;
	/* per item */
	uint32_t *at;       /* the entry of the item's value in the value tables */
	uint32_t *blank_at; /* the entry of its blank: the first of its row */
	uint32_t *digit_at; /* [item * 10 + d]: the entry of one-digit value d, or LM_DIGIT_OTHER */
	/* value tables */
	double *raw_tab;          /* the value; NaN for blank */
	double *keyed_tab;        /* the keyed value; NaN unless a response */
	unsigned char *state_tab; /* enum lm_value_state */
	int64_t *packed_tab;      /* LM_PACK() */
	int integral;             /* every keyed value is a whole number within 2^17: sums in packed_tab */
	size_t n_entries;         /* of each table */
	/* Per condition of every rule, in order, a table of 65536 when answered, plus 1
	 * when the keyed value meets the condition: NULL when too large (LM_COND_TABLES_MAX). */
	int32_t *cond_tab;
	/* per scale */
	double *score;
	size_t *answered, *coded;
	int *status;
	long *band;
	/* per rule */
	int *rule;
	/*
	 * The fast path (score.c, build_fast()), for instruments whose keyed
	 * values are whole numbers from 0 up: per item and entry, one to
	 * LM_FAST_WORDS_MAX words of bit fields that add up, over the items, to
	 * every scale's sum, answered and coded counts and every condition's
	 * count of items that meet it. A row is then one lookup and add per item
	 * and word. fast_tab is NULL when the instrument does not allow it.
	 */
	uint64_t *fast_tab;  /* [(item * n_entries + entry) * fast_words + w] */
	size_t fast_words;
	int fast_off;        /* the general path even so (tests compare the two) */
	struct lm_fast_field {
		uint32_t word, shift;
		uint64_t mask;
	} *fast_sum, *fast_answered, *fast_coded, *fast_yes; /* per scale; per condition of every rule */
	/* Per scale, the results for each (answered, sum) as key answered * res_stride + sum,
	 * from res_first[scale]; res_first is SIZE_MAX for a scale with too many. */
	struct lm_fast_result {
		double score;
		long band;
		int status;
	} *res_tab;
	size_t *res_first, *res_stride, *res_count;
	size_t *key; /* per scale: the last run's key, or SIZE_MAX (not from the fast path) */
	/* The above gathered for the per-row reading of the results (fast_results()). */
	struct lm_fast_scale {
		struct lm_fast_field sum, answered, coded;
		const struct lm_fast_result *res; /* NULL: no table */
		size_t stride, min_answered;      /* min_answered: the scale's (fewer: insufficient) */
	} *fast_scale;
	struct lm_fast_cond {
		struct lm_fast_field yes, answered; /* answered: the condition's scale's */
		size_t n, count;                   /* the scale's items, count_at_least */
	} *fast_cond;
	/* [item * 10 + d]: with a one-word fast path, the word of digit_at's entry
	 * (0 for LM_DIGIT_OTHER); all 0 otherwise. For lm__scorer_run_sum(). */
	uint64_t *digit_inc;
	/*
	 * Lazy results: with a one-word fast path and a results table for every
	 * scale (all_res), lm__scorer_run_sum() keeps the row's word and works out
	 * only each scale's key and the rules; a scale's results are read from the
	 * word and its key's entry in the table when asked for (lm__scorer_score()
	 * and the others below). lazy says that the last run left them so; every
	 * other run writes the arrays above.
	 */
	uint64_t word;
	int lazy, all_res;
	int lazy_insufficient; /* lazy: some scale has fewer answered items than its minimum */
};

/* A field of a fast-path word. */
static inline size_t lm__fast_get(uint64_t w, const struct lm_fast_field *f)
{
	return (size_t)((w >> f->shift) & f->mask);
}

/* Whether lm__scorer_run_sum() may be used: the fast path in one word. */
static inline int lm__scorer_summable(const struct lm_scorer *s)
{
	return s->fast_tab && s->fast_words == 1 && !s->fast_off;
}
/*
 * lm__scorer_run() for a caller that has added up the digit_inc of every
 * value it set with lm__scorer_set_digit() after lm__scorer_clear(), and
 * set no other value (blanks add 0): @p sum is then the fast path's word.
 * Only when lm__scorer_summable().
 */
void lm__scorer_run_sum(struct lm_scorer *s, uint64_t sum);

/* The key of scale @p scale's results in the last run (see struct lm_scorer), or SIZE_MAX:
 * rows with the same key have the same score, status and band and answered count. */
static inline size_t lm__scorer_key(const struct lm_scorer *s, size_t scale)
{
	return s->key[scale];
}
/* The results of scale @p scale when the last run left them lazy. */
static inline const struct lm_fast_result *lm__scorer_lazy_result(const struct lm_scorer *s, size_t scale)
{
	return &s->fast_scale[scale].res[s->key[scale]];
}
/* How many keys scale @p scale can have (0 when it has none). */
static inline size_t lm__scorer_key_count(const struct lm_scorer *s, size_t scale)
{
	return s->fast_tab && s->res_first[scale] != SIZE_MAX ? s->res_count[scale] : 0;
}
/* The results the fast path gives for key @p key of scale @p scale (key < lm__scorer_key_count()),
 * and the answered count in *answered. */
static inline const struct lm_fast_result *lm__scorer_key_result(const struct lm_scorer *s, size_t scale, size_t key,
								 size_t *answered)
{
	*answered = key / s->fast_scale[scale].stride;
	return &s->fast_scale[scale].res[key];
}
/* Use the general path even where the fast one applies (@p off nonzero), or not: for tests. */
void lm__scorer_fast_off(struct lm_scorer *s, int off);
/* Read every record with csv.c's lexer, never the fused reader of
 * csv-digits.c (@p off nonzero), or not: for tests, which compare the two.
 * lm__table_rows_fused() is how many rows the fused reader has read. */
void lm__table_digits_off(lm_table *t, int off);
unsigned long lm__table_rows_fused(const lm_table *t);

/* Set a one-digit value d (0-9) of a valid item as lm_scorer_set() would,
 * when it is a response or a missing code: returns 1 then, else 0 (nothing set). */
static inline int lm__scorer_set_digit(struct lm_scorer *s, size_t item, unsigned d)
{
	uint32_t e = s->digit_at[item * 10 + d];
	if (e == LM_DIGIT_OTHER)
		return 0;
	s->at[item] = e;
	return 1;
}

/*
 * The scorer's results, read in place by the library's own readers and writers
 * (the exported lm_scorer_* getters check their arguments; these do not).
 */
static inline double lm__scorer_score(const struct lm_scorer *s, size_t scale)
{
	return s->lazy ? lm__scorer_lazy_result(s, scale)->score : s->score[scale];
}
static inline size_t lm__scorer_answered(const struct lm_scorer *s, size_t scale)
{
	return s->lazy ? lm__fast_get(s->word, &s->fast_scale[scale].answered) : s->answered[scale];
}
static inline size_t lm__scorer_coded(const struct lm_scorer *s, size_t scale)
{
	return s->lazy ? lm__fast_get(s->word, &s->fast_scale[scale].coded) : s->coded[scale];
}
static inline int lm__scorer_status(const struct lm_scorer *s, size_t scale)
{
	return s->lazy ? lm__scorer_lazy_result(s, scale)->status : s->status[scale];
}
static inline long lm__scorer_band(const struct lm_scorer *s, size_t scale)
{
	return s->lazy ? lm__scorer_lazy_result(s, scale)->band : s->band[scale];
}
/* Whether some scale of the last run is LM_SCORE_INSUFFICIENT. */
static inline int lm__scorer_any_insufficient(const struct lm_scorer *s)
{
	if (s->lazy)
		return s->lazy_insufficient;
	for (size_t k = 0; k < s->inst->n_scales; k++)
		if (s->status[k] == LM_SCORE_INSUFFICIENT)
			return 1;
	return 0;
}
static inline int lm__scorer_rule(const struct lm_scorer *s, size_t rule)
{
	return s->rule[rule];
}

/* The keyed value of an item (NaN unless answered). */
static inline double lm__scorer_keyed(const struct lm_scorer *s, size_t item)
{
	return s->keyed_tab[s->at[item]];
}

/* lm_scorer_clear() and lm_scorer_run() without the checks and the exported-symbol call. */
void lm__scorer_clear(struct lm_scorer *s);
int lm__scorer_run(struct lm_scorer *s);

/* instrument.c */
struct lm_instrument *lm__instrument_new(void);
/* The scale a report shows first: the one named by "primary:", else the total (the first scale holding
 * every item of every other scale, when there are two or more), else LM_NO_INDEX. */
size_t lm__instrument_headline(const struct lm_instrument *inst);
void lm__instrument_ref(const struct lm_instrument *inst);
/* Give back a reference taken with lm__instrument_ref() (lm_instrument_free() on a const pointer). */
struct lm_instrument *lm__instrument_mutable(const struct lm_instrument *inst);
/* The id of band @p band of a scale (as the scorer gives it: -1 for none), or NULL. */
const char *lm__band_id(const struct lm_scale *scale, long band);
/* The item's keyed value: reversed over the declared range when the item is reverse-keyed. */
static inline double lm__key(const struct lm_item *it, double v)
{
	return it->reversed ? it->responses->min + it->responses->max - v : v;
}

/* error.c: append a diagnostic; err may be NULL. Returns code, so callers can `return lm__error(...)`. */
int lm__error(lm_error *err, int code, const char *file, unsigned long line, unsigned long col, const char *fmt,
	      ...) LM_PRINTF(6, 7);
int lm__verror(lm_error *err, int code, const char *file, unsigned long line, unsigned long col, const char *fmt,
	       va_list ap) LM_PRINTF(6, 0);
/* error.c: append src's diagnostics to dst, in order, as if they had been
 * reported to dst (past the capacity only counted), and empty src. */
void lm__error_move(lm_error *dst, lm_error *src);
/* error.c: add @p suffix (plain ASCII) to the message of diagnostic @p i, if kept. LM_OK or LM_ENOMEM. */
int lm__error_extend(lm_error *err, size_t i, const char *suffix);

/* score.c: the message for a value that is not one of an item's responses (caller frees; NULL if OOM). */
char *lm__bad_value_message(const struct lm_instrument *inst, size_t item, const char *text, size_t len);

/* table.c: copy reading options between unopened tables of one instrument. */
int lm__table_copy_options(lm_table *dst, const lm_table *src);

/* validate.c: semantic checks after parsing; appends every problem; returns LM_OK or LM_EDEFINITION. */
int lm__validate(struct lm_instrument *inst, const char *file, lm_error *err);
/* validate.c: after a definition passed every check, what is allowed but
 * likely a mistake, each appended as a warning (code LM_OK, a message that
 * begins "warning: "); the load still succeeds. */
void lm__validate_warnings(const struct lm_instrument *inst, const char *file, lm_error *err);

char *lm__strdup(const char *s);
char *lm__strndup(const char *s, size_t n);

#endif
