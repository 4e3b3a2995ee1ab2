/*
 * libra_measures — the error of a pre/post run that pairs nobody, saying
 * what was compared (prepost-nopairs.c). Private to prepost.c.
 */
#ifndef LM_PREPOST_NOPAIRS_PRIV_H
#define LM_PREPOST_NOPAIRS_PRIV_H

#include <stddef.h>

#include "libra_measures/error.h"

/* Text from the data is quoted up to this many bytes (then "..."). */
#define LM_QUOTE_LEN 40
/* The long form keeps this many of the wave column's other values. */
#define LM_OTHER_VALUES 5

/* Long form: the first values of the wave column that are neither wave's, with their rows. */
struct lm_other_values {
	size_t n;
	int more; /* other values beyond the first LM_OTHER_VALUES */
	struct {
		char text[LM_QUOTE_LEN + 1]; /* the first LM_QUOTE_LEN bytes */
		size_t len;                  /* the whole value's */
		unsigned long rows;
	} v[LM_OTHER_VALUES];
};

/* Count a row whose wave value @p v (@p len bytes, trimmed) is neither wave's. */
void lm__other_values_note(struct lm_other_values *o, const char *v, size_t len);

/* What a wave read gives the message. */
struct lm_nopairs_wave {
	const char *name;          /* its file */
	const char *id_column;     /* the id column's name, or NULL */
	unsigned long rows;        /* data rows of the wave */
	unsigned long dup_rows;    /* rows whose id occurs more than once in it */
	size_t n;                  /* rows with an id */
	const char *first[3];      /* the first min(n, 3) ids */
};

/* The long form: its file, wave column and values, and the other values found. */
struct lm_nopairs_long {
	const char *path, *column;
	const char *values[2];
	const struct lm_other_values *other;
};

/*
 * Report that nobody was paired (LM_EDATA) into @p err, saying what was
 * compared: for the long form (@p lf, else NULL), a wave value no row has,
 * with the values the column does have; a wave without any row with an id;
 * else the first ids of each wave. Returns LM_EDATA.
 */
int lm__no_pairs_error(lm_error *err, const struct lm_nopairs_wave w[2], const struct lm_nopairs_long *lf);

#endif
