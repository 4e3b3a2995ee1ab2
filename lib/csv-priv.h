/*
 * libra_measures — the CSV lexer of csv.c, which reads the records of a
 * table (struct lm_table, table-priv.h). Private.
 */
#ifndef LM_CSV_PRIV_H
#define LM_CSV_PRIV_H

#include "table-priv.h"

/* Read more input after the unread bytes, moving them to the front of the
 * read buffer first. Returns the number of bytes added (0 at end of input)
 * or LM_EIO. */
long lm__csv_refill(lm_table *t, lm_error *err);

/* Read the next record. Returns 1 (t->ends, t->nfields, t->base set and
 * t->row_line its first line), 0 at end of input, or a negative status. */
int lm__csv_read_record(lm_table *t, lm_error *err);

/*
 * Read the next record when every item cell in it is blank or one digit
 * that its item takes, and nothing in it is quoted (csv-digits.c): sets
 * what lm__csv_read_record() would, and each such cell's value in @p sc
 * as lm__scorer_set_digit() does (the caller has cleared @p sc), adding
 * their digit_inc words into *sum and counting them in *digits; *ascii
 * is 1 when every other field is ASCII without a NUL byte. Returns 1, or 0
 * (nothing read, @p sc clear) for lm__csv_read_record() to read it.
 */
int lm__csv_digits_record(lm_table *t, struct lm_scorer *sc, uint64_t *sum, size_t *digits, int *ascii);

/* Fix t->pdelim from the header line (or t->delim when set): LM_OK, or
 * LM_EDATA when more than one candidate occurs outside quotes. */
int lm__csv_detect_delimiter(lm_table *t, lm_error *err);

/* Room for one more stored field end (LM_OK or LM_ENOMEM). */
int lm__csv_grow_fields(lm_table *t);

/* End the current field at offset @p end of the record. Data rows store only
 * as many fields as the header has (room for them exists since the header
 * was read); further ones are only counted. */
static inline int end_field(lm_table *t, size_t end)
{
	size_t n = t->nfields++;
	if (n < t->fields_keep) {
		if (n == t->ends_cap && lm__csv_grow_fields(t) != LM_OK)
			return LM_ENOMEM;
		t->ends[n] = (int32_t)end;
	}
	return LM_OK;
}

#endif
