/*
 * libra_measures — the fused reader: a record whose item cells are each one
 * digit or blank is read straight into the scorer in one pass over its
 * bytes, instead of being split into fields by csv.c and its cells read
 * again by table-row.c. It is most of what a survey export holds.
 *
 * Anything else (a quote anywhere, a cell of two characters or of a value
 * the item does not take, too few or too many fields, a record not wholly
 * in the buffer, an empty line) leaves the record unread for the general
 * path, which reads it as before and says what is wrong with it. What it
 * sets is what that path would: the fields' ends, the line, and each item's
 * value as lm__scorer_set_digit() sets it (tests/test_csv_digits.c compares
 * the two on generated and mutated records).
 */
#include <string.h>

#include "csv-priv.h"

#if (defined(__GNUC__) || defined(__clang__)) && defined(__SSE2__)
#include <emmintrin.h>
#define LM_DIGITS_SSE2 1
#endif

/*
 * The first byte from @p i that is the delimiter, a quote or an LF, or
 * @p avail. A byte before it that is NUL or not ASCII sets *other (such
 * text is checked as UTF-8 by table-row.c; ASCII without NUL needs no check).
 */
static inline size_t field_stop(const unsigned char *s, size_t i, size_t avail, unsigned char d, unsigned *other)
{
#ifdef LM_DIGITS_SSE2
	const __m128i vd = _mm_set1_epi8((char)d), vq = _mm_set1_epi8('"'), vn = _mm_set1_epi8('\n');
	const __m128i zero = _mm_setzero_si128();
	for (; i + 16 <= avail; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
		__m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, vd), _mm_cmpeq_epi8(v, vq)),
					   _mm_cmpeq_epi8(v, vn));
		unsigned m = (unsigned)_mm_movemask_epi8(hit);
		unsigned odd = (unsigned)_mm_movemask_epi8(_mm_or_si128(v, _mm_cmpeq_epi8(v, zero)));
		if (m) {
			*other |= odd & ((m & -m) - 1); /* before the stop */
			return i + (unsigned)__builtin_ctz(m);
		}
		*other |= odd;
	}
#endif
	for (; i < avail; i++) {
		if (s[i] == d || s[i] == '"' || s[i] == '\n')
			return i;
		*other |= s[i] == 0 || s[i] >= 0x80;
	}
	return avail;
}

/*
 * Whether the @p len bytes at @p p (even, at least 16) are one digit, the
 * delimiter, one digit, the delimiter, ...: a run of item cells none blank.
 */
static inline int all_digits(const unsigned char *p, size_t len, unsigned char d)
{
#ifdef LM_DIGITS_SSE2
	const __m128i vd = _mm_set1_epi8((char)d), v0 = _mm_set1_epi8('0'), v9 = _mm_set1_epi8(9);
	for (size_t o = 0;; o += 16) {
		if (o + 16 > len)
			o = len - 16; /* the last block overlaps the one before; o stays even */
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + o));
		__m128i x = _mm_sub_epi8(v, v0);
		unsigned dig = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(x, v9), x));
		unsigned del = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, vd));
		if (((dig & 0x5555u) | (del & 0xAAAAu)) != 0xFFFFu)
			return 0;
		if (o + 16 == len)
			return 1;
	}
#else
	(void)p, (void)len, (void)d;
	return 0;
#endif
}

#define RUN_OTHER SIZE_MAX

/* ends[j] = pos + 2j + 1 for j < n: where each cell of a full run ends. */
static inline void run_ends(int32_t *ends, size_t n, int32_t pos)
{
	size_t j = 0;
#ifdef LM_DIGITS_SSE2
	__m128i e = _mm_setr_epi32(pos + 1, pos + 3, pos + 5, pos + 7);
	const __m128i step = _mm_set1_epi32(8);
	for (; j + 4 <= n; j += 4, e = _mm_add_epi32(e, step))
		_mm_storeu_si128((__m128i *)(void *)(ends + j), e);
#endif
	for (; j < n; j++)
		ends[j] = pos + (int32_t)(2 * j + 1);
}

/*
 * A run of @p n item cells (map entries from @p m) at @p p that all_digits()
 * found to be one digit each: each value set and its word added to *total,
 * the fields' ends (@p pos is p's offset in the record) stored. Returns the
 * bytes read, or RUN_OTHER for a value that an item does not take (what was
 * set is then undone by the caller). Apart, so that its loop keeps
 * everything in registers; two cells a turn, with two sums, so that the
 * additions do not wait on each other.
 */
static __attribute__((noinline)) size_t full_run(const unsigned char *p, const struct colmap *m, size_t n,
						 const uint32_t *digit_at, const uint64_t *digit_inc, uint32_t *at,
						 int32_t *ends, int32_t pos, uint64_t *total)
{
	uint64_t sum = 0, sum2 = 0;
	size_t j = 0;
	for (; j + 2 <= n; j += 2) {
		size_t k = m[j].digits + p[2 * j] - (unsigned)'0';
		size_t k2 = m[j + 1].digits + p[2 * j + 2] - (unsigned)'0';
		uint32_t e = digit_at[k], e2 = digit_at[k2];
		if (e == LM_DIGIT_OTHER || e2 == LM_DIGIT_OTHER)
			return RUN_OTHER;
		at[m[j].item] = e;
		at[m[j + 1].item] = e2;
		sum += digit_inc[k];
		sum2 += digit_inc[k2];
	}
	if (j < n) {
		size_t k = m[j].digits + p[2 * j] - (unsigned)'0';
		uint32_t e = digit_at[k];
		if (e == LM_DIGIT_OTHER)
			return RUN_OTHER;
		at[m[j].item] = e;
		sum += digit_inc[k];
	}
	run_ends(ends, n, pos);
	*total += sum + sum2;
	return 2 * n;
}

/*
 * The same for a run that may hold blank cells, each just a delimiter (there
 * are at least 2n bytes at @p p). Blank cells are counted off *nd, which the
 * caller adds n to.
 */
static __attribute__((noinline)) size_t some_blank_run(const unsigned char *p, const struct colmap *m, size_t n,
						       unsigned char d, const uint32_t *digit_at,
						       const uint64_t *digit_inc, uint32_t *at, int32_t *ends,
						       int32_t pos, uint64_t *total, size_t *nd)
{
	uint64_t sum = 0;
	size_t i = 0, blank = 0;
	for (size_t j = 0; j < n; j++) {
		if (p[i] == d) {
			ends[j] = pos + (int32_t)i++;
			blank++;
			continue;
		}
		unsigned v = (unsigned)p[i] - (unsigned)'0';
		if (v >= 10 || p[i + 1] != d)
			return RUN_OTHER;
		size_t k = m[j].digits + v;
		uint32_t e = digit_at[k];
		if (e == LM_DIGIT_OTHER)
			return RUN_OTHER;
		at[m[j].item] = e;
		sum += digit_inc[k];
		ends[j] = pos + (int32_t)(i + 1);
		i += 2;
	}
	*total += sum;
	*nd -= blank;
	return i;
}

/*
 * The length of the end of a field at @p j: the delimiter before the last
 * column, LF or CR LF after it; 0 when there is none there.
 */
static inline size_t field_end(const unsigned char *s, size_t j, size_t avail, unsigned char d, int last)
{
	if (j >= avail)
		return 0;
	if (!last)
		return s[j] == d;
	if (s[j] == '\n')
		return 1;
	return s[j] == '\r' && j + 1 < avail && s[j + 1] == '\n' ? 2 : 0;
}

int lm__csv_digits_record(lm_table *t, struct lm_scorer *sc, uint64_t *sum, size_t *digits, int *ascii)
{
	const unsigned char *s = (const unsigned char *)t->buf + t->pos;
	size_t avail = t->end - t->pos, ncols = t->ncols;
	if (avail > LM_TABLE_RECORD_MAX)
		avail = LM_TABLE_RECORD_MAX;
	if (ncols == 0 || ncols > t->ends_cap || ncols > t->fields_keep)
		return 0;
	const unsigned char d = (unsigned char)t->pdelim;
	if ((unsigned)(d - '0') < 10)
		return 0; /* a digit as the delimiter: csv.c alone knows what such a record says */
	const struct colmap *m = t->map, *mend = t->map + t->nmap;
	const uint32_t *digit_at = sc->digit_at;
	const uint64_t *digit_inc = sc->digit_inc;
	uint32_t *at = sc->at;
	int32_t *ends = t->ends;
	uint64_t total = 0;
	size_t i = 0, nd = 0;
	unsigned other = 0;
	for (size_t c = 0; c < ncols;) {
		if (m < mend && m->col == c && m->run && i + 2 * m->run <= avail) {
			/* Item cells side by side, each ended by the delimiter: at most two bytes each. */
			size_t n = m->run;
			size_t next = n >= 8 && all_digits(s + i, 2 * n, d)
					      ? full_run(s + i, m, n, digit_at, digit_inc, at, ends + c, (int32_t)i, &total)
					      : some_blank_run(s + i, m, n, d, digit_at, digit_inc, at, ends + c, (int32_t)i,
							       &total, &nd);
			if (next == RUN_OTHER)
				goto other;
			nd += n;
			m += n;
			c += n;
			i += next;
			continue;
		}
		int last = c + 1 == ncols;
		size_t j, end;
		if (m < mend && m->col == c) {
			/* An item's cell on its own (the last column, or near the end of the input):
			 * blank, or one digit that the item takes. */
			unsigned v = i < avail ? (unsigned)s[i] - (unsigned)'0' : 10;
			j = v < 10 ? i + 1 : i;
			if (!(end = field_end(s, j, avail, d, last)))
				goto other;
			if (v < 10) {
				size_t k = m->digits + v;
				uint32_t e = digit_at[k];
				if (e == LM_DIGIT_OTHER)
					goto other;
				at[m->item] = e;
				total += digit_inc[k];
				nd++;
			}
			m++;
		} else {
			/* Any other column: text up to its end, without a quote. */
			j = field_stop(s, i, avail, d, &other);
			if (!(end = field_end(s, j, avail, d, last)))
				goto other;
			/* A CR just before the LF belongs to the line break, as in csv.c. */
			if (last && j > 0 && s[j - 1] == '\r') {
				j--;
				end = 2;
			}
		}
		ends[c++] = (int32_t)j;
		i = j + end;
	}
	if (ends[ncols - 1] == 0)
		goto other; /* an empty line: csv.c skips those */
	t->nfields = ncols;
	t->rec_blank = 0;
	t->base = (const char *)s;
	t->row_line = t->line;
	t->pos += i;
	t->line++;
	*sum = total;
	*digits = nd;
	*ascii = !other;
	return 1;
other:
	lm__scorer_clear(sc); /* what was set, undone */
	return 0;
}
