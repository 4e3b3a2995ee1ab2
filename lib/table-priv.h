/*
 * libra_measures — what the table files share: the table object, whose
 * reading is split over csv.c (records), table-header.c (the header's
 * columns), table-detect.c (what kind of file this is), table-map.c
 * (mapping files), table.c (settings, opening) and table-row.c (rows).
 * Private.
 */
#ifndef LM_TABLE_PRIV_H
#define LM_TABLE_PRIV_H

#include <stdint.h>

#include "internal.h"

#define LM_TABLE_READ_SIZE (64 * 1024)
#define LM_TABLE_RECORD_MAX (1024 * 1024)
/* A header with more columns than this is refused (LM_ELIMIT). */
#define LM_TABLE_COLUMNS_MAX 65536

enum table_state {
	TABLE_CLOSED = 0, /* not opened, or the last open failed */
	TABLE_OPEN,       /* header read; rows may follow */
	TABLE_END,        /* end of data reached */
	TABLE_FAILED      /* reading cannot go on (I/O error, limit, bad quoting) */
};

/* A column matched to an item. */
struct colmap {
	size_t col, item;
	size_t digits; /* item * 10: where the item's one-digit values are in the scorer's digit tables */
	size_t run;    /* item columns next to each other from here, none the last column (csv-digits.c) */
	char *name; /* the column's name in the header */
};

struct lm_table {
	const lm_instrument *inst; /* own reference */
	char *id_request;          /* lm_table_set_id_column(), or NULL */
	int no_id;                 /* lm_table_set_no_id(): rows are identified by their number */
	char delim;                /* lm_table_set_delimiter() */
	char pdelim;               /* the delimiter of the open table, fixed at open */
	int state;
	char *name; /* for diagnostics */

	/* Input: [buf + pos, buf + end) is unread. In buffer mode buf is the caller's memory. */
	int fd, own_fd;
	int mem_mode, eof;
	const char *buf;
	size_t pos, end;
	char *readbuf; /* LM_TABLE_READ_SIZE bytes, allocated on first fd open */
	unsigned long long bytes_in; /* read from fd into readbuf in all (lm__table_consumed()) */

	/* The current record. */
	char *rec;           /* unescaped bytes of a record that took the slow path */
	size_t rec_cap;
	const char *base;    /* rec, or the input buffer for the fast path */
	/* Field k of the record is [base + ends[k-1] + 1, base + ends[k]); ends[-1] is -1.
	 * One store per field; records are at most 1 MiB, so offsets fit. */
	int32_t *ends_store; /* ends_cap + 1 entries: the -1, then ends */
	int32_t *ends;
	size_t ends_cap;
	size_t nfields;      /* fields in the record (may exceed what is stored) */
	size_t fields_keep;  /* how many fields to store; SIZE_MAX for the header */
	int rec_blank;       /* the record was an empty line */
	unsigned char special[256]; /* bytes that end a run of field data: delimiter, quote, CR, LF */

	size_t open_quote_field; /* set when slow_record() returns LM_EDATA */

	/* Lines: the next unread line, and the line the current row started on. */
	unsigned long line, row_line;
	unsigned long row, rows_read, rows_rejected, rows_blank;
	unsigned long rejected_for[LM_REJECT_TEXT + 1]; /* by enum lm_reject_reason */
	/* Empty lines seen before more data, each still to be reported as a row. */
	unsigned long pending_blank, pending_line;

	/* Header. */
	size_t ncols;
	char **header; /* the column names, trimmed */
	struct colmap *map; /* item columns, in column order */
	size_t nmap;
	int map_distinct;   /* no item has two columns (so that each cell's value adds once) */
	int digits_off;     /* lm__table_digits_off(): never the fused reader (tests compare) */
	unsigned long rows_fused; /* rows the fused reader read (csv-digits.c) */
	size_t id_col;      /* LM_NO_INDEX when none */
	size_t case_matches; /* item columns found only ignoring case (lm_table_case_matches()) */
	char *id_name;      /* the id column in use */

	/* Column names: lm_table_set_prefix() and lm_table_map_column(). */
	char *prefix;
	char **column_for; /* per item: an explicit column name, or NULL */

	/* Cell texts that mean "no answer" (lm_table_add_missing()), trimmed. */
	char **missing_tokens;
	size_t n_missing_tokens;
	/* Texts that look like a package's missing value ("NA", ".", "-99") already
	 * met as bad values of this open table: the hint is given once for each. */
	char missing_hinted[8][16];
	size_t n_missing_hinted;

	/* Records read ahead while looking for a Qualtrics header, replayed as data. */
	struct stash {
		char *bytes;
		int32_t *ends_store; /* -1, then the ends */
		size_t nfields, cap_bytes, cap_ends;
		unsigned long line;
		int blank, unclosed;
		size_t quote_field;
	} stash[2];
	size_t n_stash, next_stash;
	int deferred; /* a reading error met while reading ahead, returned after the stash */
	int qualtrics;

	/* A part of the input read on a worker thread (table-chunk.c, pipeline.c). */
	int chunk;      /* this table is such a part: its header and settings belong to another */
	int chunk_more; /* more input follows the part: empty lines at its end are rows */
	/* In a part, the missing-value hints are left for the merge to decide,
	 * which knows what the rows before the part hinted: one event per
	 * diagnostic that would have had one (kept ones only). */
	struct hint_event {
		size_t diag;     /* its index in the part's lm_error */
		char token[16];
	} *hint_events;
	size_t n_hint_events, hint_events_cap;

	/* The problems of the current row, joined with "; " (lm_table_row_problem()). */
	char *problem;
	size_t problem_len, problem_cap;

	/* Further columns asked for with lm_table_require_column(). */
	struct extra {
		char *name;
		size_t col;
	} *extra;
	size_t n_extra;

	/* The current row's id, NUL-terminated. */
	char *id;
	size_t id_len, id_cap;
	int has_id;

	/* An SPSS or Stata file, converted to CSV text (readstat.c) that buf points at. */
	int value_labels; /* lm_table_set_value_labels() */
	int stats;        /* the open table is such a file */
	char *stats_text;

	/* An Excel workbook, whose sheet xlsx.c hands out as CSV text through lm__csv_refill(). */
	char *sheet_request;  /* lm_table_set_sheet() */
	struct lm_xlsx *xlsx; /* the open workbook */
	char *xlsx_bytes;     /* a workbook read from a descriptor */
};

/* Field @p k of the current record (k < nfields and k < fields_keep). */
static inline const char *field(const lm_table *t, size_t k, size_t *len)
{
	int32_t start = t->ends[(ptrdiff_t)k - 1] + 1;
	*len = (size_t)(t->ends[k] - start);
	return t->base + start;
}

/* Whether [s, s + len) is exactly @p name. */
static inline int name_equal(const char *s, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(s, name, len) == 0;
}

/* table-header.c */

/* @p s, @p len without leading and trailing blanks (space, tab). */
void lm__table_trim(const char **s, size_t *len);
void lm__table_free_map(struct colmap *map, size_t n);
/* Match the header record to the items, the id column and the required
 * columns. Every problem is reported; LM_OK or LM_EDATA. */
int lm__table_read_header(lm_table *t, lm_error *err);

/* table-detect.c */

/* Skip a Qualtrics export's two extra header rows, keeping the records read
 * ahead to replay as data when they are not. */
int lm__table_skip_qualtrics_rows(lm_table *t, lm_error *err);
/* Refuse (LM_EDATA) input that starts like a binary file: SPSS, Stata, a zip... */
int lm__table_refuse_binary(lm_table *t, lm_error *err);

/* table-row.c: the hint for bad cell text @p s that looks like an
 * undeclared missing value, the first time @p t meets it; "" otherwise. */
const char *lm__table_missing_hint(lm_table *t, const char *s, size_t len, char *buf, size_t size);

/* table-chunk.c: parts of one table's input, read on worker threads. */

/* Whether the rest of the open table can be read in parts: CSV text from a
 * descriptor or memory, with no row read ahead still to replay. */
int lm__table_can_split(const lm_table *t);
/* Bytes of the input read up to the current position (the next unread record). */
unsigned long long lm__table_consumed(const lm_table *t);
/* A table for parts of @p t's input: it shares @p t's header and settings
 * (which must not change while it lives). LM_OK or LM_ENOMEM. */
int lm__table_part_new(const lm_table *t, lm_table **out);
/* Set @p part to read [buf, buf + len), whose first line is @p line and
 * whose first record is row @p row + 1; @p more: input follows the part. */
void lm__table_part_reset(lm_table *part, const char *buf, size_t len, int more, unsigned long line,
			  unsigned long row);
void lm__table_part_free(lm_table *part);
/* Take a part's counts into @p t, and its diagnostics from @p part_err into
 * @p err in order, giving the missing-value hints that reading @p t whole
 * would have given. LM_OK or LM_ENOMEM. */
int lm__table_part_merge(lm_table *t, lm_table *part, lm_error *err, lm_error *part_err);
/* The unread bytes in @p t's buffer, now taken (the caller reads them). */
void lm__table_take_unread(lm_table *t, const char **bytes, size_t *len);
/* Read up to @p cap bytes of @p t's input: > 0 bytes, 0 at the end, or
 * -errno. A table in memory has nothing more than its buffer (0). */
long lm__table_read_raw(lm_table *t, char *dst, size_t cap);
/* Report a failed read of @p t as lm_table_next() would, at line @p line. */
int lm__table_read_failed(const lm_table *t, unsigned long line, int e, lm_error *err);
/* After the parts: the table is at its end, or failed when @p status < 0. */
void lm__table_parts_done(lm_table *t, int status);

#endif
