/*
 * libra_measures — private output sink shared by the writers (writer.c,
 * prepost.c, report.c): buffered, atomic (a temporary file put in place on
 * commit, or a spool copied to a descriptor on commit), with JSON and CSV
 * quoting and locale-independent numbers (number-priv.h). Errors are sticky: check once at
 * commit. A commit has two phases (prepare, then publish) so that the
 * outputs of one run (lm_outputs, outputs.c) go in place together or not at all.
 */
#ifndef LM_OUTPUT_PRIV_H
#define LM_OUTPUT_PRIV_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "libra_measures/error.h"
#include "number-priv.h"

#define LM_OUT_BUFSIZE (256 * 1024)

struct lm_out {
	char *path;     /* the target as named in messages; NULL when writing to a descriptor */
	char *dir;      /* the target's directory as a path (for the signal-time registry) */
	char *base;     /* the target's name in dirfd */
	int dirfd;      /* the target's directory, open: every name below is relative to it */
	char *tmp_name; /* buffer for the temporary file's name in dirfd */
	size_t tmp_name_size;
	int named;      /* the temporary file has that name now */
	char *reg_path; /* buffer for "dir/tmp_name", handed to the registry when named */
	size_t reg_path_size;
	int tmp_slot;   /* its slot in the registry of named temporaries, or -1 */
	int anonymous;  /* fd is an O_TMPFILE file: no name until it is linked at publish */
	int lock_fd;    /* a duplicate of fd kept from its close to the rename, holding its lock */
	int prepared;   /* flushed and made durable: only publishing is left */
	int published;  /* in place (or written to its descriptor) */
	int fd;         /* the temporary or spool file */
	int out_fd;     /* descriptor mode: where commit copies to */
	int own_out_fd; /* out_fd was opened here (a device or FIFO target) and is closed here */
	char *buf;
	size_t len;
	int write_errno; /* first write error: sticky, reported by commit */
	unsigned long long written, writeback_from; /* bytes flushed; where write-back was last started */
	int memory;      /* lm__out_open_memory(): flushed into mem, never to a file */
	char *mem;
	size_t mem_len, mem_cap;
	int done;        /* committed or failed: nothing more is written */
};

/* Flush the buffer, then append (or write directly what is larger). */
void lm__out_put_slow(struct lm_out *o, const char *s, size_t n);

/* Inlined so that short constant pieces become plain stores. */
static inline void lm__out_put_inline(struct lm_out *o, const char *s, size_t n)
{
	if (n > LM_OUT_BUFSIZE - o->len) {
		lm__out_put_slow(o, s, n);
		return;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

/*
 * Room for @p n bytes (at most LM_OUT_BUFSIZE) at the end of the buffer,
 * flushing first when there is not: write at the returned pointer, then
 * lm__out_commit_room() with the end of what was written.
 */
void lm__out_flush_for_room(struct lm_out *o);
static inline char *lm__out_room(struct lm_out *o, size_t n)
{
	if (n > LM_OUT_BUFSIZE - o->len)
		lm__out_flush_for_room(o);
	return o->buf + o->len;
}
static inline void lm__out_commit_room(struct lm_out *o, const char *end)
{
	o->len = (size_t)(end - o->buf);
}


static inline void lm__out_str_inline(struct lm_out *o, const char *s)
{
	lm__out_put_inline(o, s, strlen(s));
}

/* Output to PATH through a temporary file beside it. */
int lm__out_open_file(struct lm_out **out, const char *path, lm_error *err);
/* Where the output of @p path goes (output-target.c): @p path itself, or,
 * through a symbolic link, the file it points to (*real, allocated); *st is
 * the target's status (st_mode 0 when it does not exist). LM_OK, or LM_EIO
 * with a diagnostic when it may not be written, LM_ENOMEM. */
struct stat;
int lm__out_resolve_target(const char *path, char **real, struct stat *st, lm_error *err);
/* The directory part of @p path ("." when there is none); NULL for want of memory. */
char *lm__out_dir_of(const char *path);

/* Output to FD (not closed) through an anonymous spool file in lm__temp_dir(). */
int lm__out_open_fd(struct lm_out **out, int fd, lm_error *err);

/* Where scratch files go: $TMPDIR when it is set and not empty, else /tmp. */
const char *lm__temp_dir(void);
/* An anonymous scratch file (mode 0600, read and write, close-on-exec) in
 * @p dir, which has no name (O_TMPFILE) or has one only until the call returns:
 * closing it frees its space and leaves nothing behind. A descriptor, or -1
 * with errno set. */
int lm__scratch_open(const char *dir);

/* Output kept in memory (a worker's part of an output, lm_score_table()):
 * never committed; lm__out_move() hands it on. */
int lm__out_open_memory(struct lm_out **out);
/* Append what was written to the memory output @p src to @p dst and empty
 * @p src. LM_OK, or LM_ENOMEM when @p src could not keep it. */
int lm__out_move(struct lm_out *src, struct lm_out *dst);

void lm__out_put(struct lm_out *o, const char *s, size_t n);
void lm__out_str(struct lm_out *o, const char *s);
/* A finite number as lm_format_number() writes it; NaN and infinities as `null`. */
void lm__out_number(struct lm_out *o, double v);
void lm__out_count(struct lm_out *o, unsigned long long v);
/* A JSON string literal (with quotes); NULL writes null. */
void lm__out_json_string(struct lm_out *o, const char *s, size_t n);
/* The length of the start of @p s that holds no delimiter, quote, CR or LF
 * (@p n when a CSV field of @p s needs no quotes). */
size_t lm__csv_plain(const char *s, size_t n, char delimiter);
/* A CSV field, quoted when it holds the delimiter, a quote, CR or LF. */
void lm__out_csv_field(struct lm_out *o, const char *s, size_t n, char delimiter);
/* The same for text that came from the input, neutralised against spreadsheet formulas. */
void lm__out_csv_text(struct lm_out *o, const char *s, size_t n, char delimiter);

/* Flush and put the output in place. LM_OK or LM_EIO (nothing left at the target then). */
int lm__out_commit(struct lm_out *o, lm_error *err);
/*
 * Phase one of a commit: flush, and make a file durable (fsync). What can fail
 * for want of space or by an I/O error fails here. LM_OK, or LM_EIO with the
 * output discarded.
 */
int lm__out_prepare(struct lm_out *o, lm_error *err);
/*
 * Phase two, for prepared outputs together: copy spools to their descriptors,
 * then give every file its temporary name (link), then rename each over its
 * target, then sync the directories. A failure discards what is not yet in
 * place; the message names the outputs that already are (a descriptor written
 * to, or a rename that failed after others succeeded — nothing else fails there).
 */
int lm__out_publish(struct lm_out *const *outs, size_t n, lm_error *err);
/* Free; output not committed is discarded. Accepts NULL. */
void lm__out_free(struct lm_out *o);

/* Prepare @p o and keep it in @p set for lm_outputs_commit(); the set owns
 * @p o from here, whatever the result (on failure it is discarded, and the
 * set will publish nothing). */
struct lm_outputs;
int lm__outputs_stage(struct lm_outputs *set, struct lm_out *o, lm_error *err);
/* An output of the run could not be made (its writer said why): the set will
 * publish nothing. */
void lm__outputs_fail(struct lm_outputs *set);

/* Tests only: nonzero makes new outputs use a named temporary, as where
 * O_TMPFILE is not available. */
extern int lm__out_no_tmpfile;

#endif
