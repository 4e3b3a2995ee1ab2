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
