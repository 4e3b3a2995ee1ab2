/*
 * libra_measures — pre/post: reading the waves. Each table is read once as a
 * stream and what is kept per row (its id, group, row and line numbers, and
 * per scale its score and band) is appended to its wave; Cronbach's alpha is
 * accumulated on the way. The two files of a run may be read on two threads.
 */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE /* MADV_POPULATE_WRITE */
#endif
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "prepost-priv.h"

/* ---- growing storage ---------------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 1;
	size_t c = *cap ? *cap : 256;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return 0;
	*p = q;
	*cap = c;
	return 1;
}


/*
 * lm__prepost_populate(): fault in the whole pages of bytes [from, to) of @p p ahead of the writes
 * that would fault them one by one. A wave of a million rows is about 50 MB
 * of new pages; on a virtual machine each fault costs microseconds, one
 * madvise() for hundreds of pages a fraction of that. Only pages the next
 * rows write are touched, so the peak memory is the same. Where the call is
 * missing or fails nothing changes: the writes fault the pages as before.
 */
void lm__prepost_populate(void *p, size_t from, size_t to)
{
#if defined(MADV_POPULATE_WRITE)
	/* Asked each time: the two waves are read on two threads, and a cached
	 * value would be shared between them (sysconf() only reads it). */
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	uintptr_t a = ((uintptr_t)p + from + page - 1) & ~(uintptr_t)(page - 1);
	uintptr_t b = ((uintptr_t)p + to) & ~(uintptr_t)(page - 1);
	if (p && b > a)
		(void)madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
	(void)p, (void)from, (void)to;
#endif
}

/* Rows whose arrays are faulted in at a time: a few pages of each, so that
 * the memory held ahead of the rows is small (about 200 kB a wave). */
#define AHEAD 4096

/* Each per-row array of @p w from row r (a multiple of AHEAD) to AHEAD rows on, within its capacity. */
static void populate_rows(const lm_prepost *pp, struct wave *w, size_t r)
{
	size_t ns = pp->inst->n_scales, end = r + AHEAD < w->cap ? r + AHEAD : w->cap;
	lm__prepost_populate(w->id, r * sizeof(*w->id), end * sizeof(*w->id));
	lm__prepost_populate(w->group, r * sizeof(*w->group), end * sizeof(*w->group));
	lm__prepost_populate(w->cluster, r * sizeof(*w->cluster), end * sizeof(*w->cluster));
	lm__prepost_populate(w->row, r * sizeof(*w->row), end * sizeof(*w->row));
	lm__prepost_populate(w->line, r * sizeof(*w->line), end * sizeof(*w->line));
	lm__prepost_populate(w->dup, r, end);
	size_t sz = w->wide ? sizeof(double) : sizeof(float);
	lm__prepost_populate(w->score, r * ns * sz, end * ns * sz);
	lm__prepost_populate(w->band, r * ns, end * ns);
	/* The ids' text: as much ahead as the ids so far took for as many rows. */
	size_t t = w->text.len, ahead = r ? t / r * AHEAD : 0;
	lm__prepost_populate(w->text.s, t, t + ahead < w->text.cap ? t + ahead : w->text.cap);
}

static int fits_float(double v)
{
	return isnan(v) || (fabs(v) <= FLT_MAX && (double)(float)v == v);
}

/* Turn the first `used` scores into doubles (at the first score that is not
 * a float: with means, in the first rows). Returns 0 when out of memory. */
static int widen(struct wave *w, size_t ns, size_t used)
{
	double *d = malloc((w->cap ? w->cap : 1) * ns * sizeof(*d));
	if (!d)
		return 0;
	const float *f = w->score;
	for (size_t i = 0; i < used; i++)
		d[i] = (double)f[i];
	free(w->score);
	w->score = d;
	w->wide = 1;
	return 1;
}

/*
 * @p s without the blanks (spaces and tabs) around it; *len is updated. Ids,
 * group names and wave values are compared so: a stray space in a cell
 * neither splits a respondent nor makes a group of its own.
 */
static inline const char *trim_blanks(const char *s, size_t *len)
{
	size_t n = *len;
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return s;
}

/* The number (index + 1) of a group name, added if new; 0 when out of memory. */
static unsigned intern_group(struct lm_prepost *pp, const char *s, size_t n)
{
	return (unsigned)lm__names_intern(&pp->groups, s, n);
}

/* ---- reading a wave ------------------------------------------------------------------ */

int lm__prepost_wave_init(lm_prepost *pp, struct wave *w, const char *name)
{
	size_t ns = pp->inst->n_scales;
	w->name = name;
	w->item_mean = calloc(ns, sizeof(*w->item_mean));
	w->item_m2 = calloc(ns, sizeof(*w->item_m2));
	w->total_m = calloc(ns, sizeof(*w->total_m));
	if (!w->item_mean || !w->item_m2 || !w->total_m)
		return 0;
	for (size_t s = 0; s < ns; s++) {
		size_t k = pp->inst->scales[s].n_items;
		if (!(w->item_mean[s] = calloc(k ? k : 1, sizeof(double))) ||
		    !(w->item_m2[s] = calloc(k ? k : 1, sizeof(double))))
			return 0;
	}
	return 1;
}

/* lm__moments_add(), inlined: the same operations, so the same results. */
static inline void moments_add(struct lm_moments *m, double x)
{
	m->n++;
	double d = x - m->mean;
	m->mean += d / (double)m->n;
	m->m2 += d * (x - m->mean);
}

/*
 * moments_add() of x[k] to the k-th of @p nk item moments whose count is now
 * @p n: the same operations on each, so the same results. The items are
 * independent, so the loop vectorises (the divisions were most of the time
 * of reading a row beyond scoring it).
 */
static void items_add(double *restrict mean, double *restrict m2, const double *restrict x, size_t nk, double n)
{
	for (size_t k = 0; k < nk; k++) {
		double d = x[k] - mean[k];
		mean[k] += d / n;
		m2[k] += d * (x[k] - mean[k]);
	}
}

/* Alpha's running moments: the keyed items of a scale, when all are answered
 * (the scorer's keyed value of an answered item is lm__key() of its value). */
void lm__prepost_add_alpha(const lm_prepost *pp, struct wave *w, const lm_scorer *sc)
{
	enum { CHUNK = 64 };
	double x[CHUNK];
	for (size_t s = 0; s < pp->inst->n_scales; s++) {
		const struct lm_scale *scale = &pp->inst->scales[s];
		size_t ni = scale->n_items;
		if (lm__scorer_answered(sc, s) != ni)
			continue;
		/* The items' count, as moments_add() makes it for each. */
		double n = (double)(w->total_m[s].n + 1), total = 0;
		for (size_t k0 = 0; k0 < ni; k0 += CHUNK) {
			size_t nk = ni - k0 < CHUNK ? ni - k0 : CHUNK;
			for (size_t k = 0; k < nk; k++) {
				x[k] = lm__scorer_keyed(sc, scale->items[k0 + k]);
				total += x[k];
			}
			items_add(w->item_mean[s] + k0, w->item_m2[s] + k0, x, nk, n);
		}
		moments_add(&w->total_m[s], total);
	}
}

/*
 * Keep one scored row with this id and (pre wave, with a group column) group
 * text, from any source. Returns LM_OK, LM_ENOMEM, or LM_ELIMIT past LM__MAX_ROWS.
 */
int lm__prepost_keep(lm_prepost *pp, struct wave *w, const char *id, size_t id_len, const char *g, size_t glen,
		     const char *c, size_t clen, unsigned long row, unsigned long line, const lm_scorer *sc)
{
	size_t ns = pp->inst->n_scales;
	int grouped = pp->group_column && w == &pp->w[0];
	int clustered = pp->cluster_column && w == &pp->w[0];
	/* Ids are text, compared exactly as written (no trimming of inner spaces,
	 * leading zeros kept); only surrounding blanks are dropped. */
	id = trim_blanks(id, &id_len);
	if (!id_len) {
		w->no_id++;
		return LM_OK;
	}
	size_t r = w->n, old_cap = w->cap;
	if (r >= LM__MAX_ROWS || row > LM__MAX_ROWS || line > LM__MAX_ROWS)
		return LM_ELIMIT;
	if (!grow((void **)&w->id, &w->cap, r + 1, sizeof(*w->id)))
		return LM_ENOMEM;
	size_t cap = w->cap;
	/* The other per-row arrays follow the ids' capacity, when it grew. An
	 * allocation failure fails the whole read, so a partial growth is never used. */
	if (cap != old_cap) {
		void *p;
		if (grouped) {
			if (!(p = realloc(w->group, cap * sizeof(*w->group))))
				return LM_ENOMEM;
			w->group = p;
		}
		if (clustered) {
			if (!(p = realloc(w->cluster, cap * sizeof(*w->cluster))))
				return LM_ENOMEM;
			w->cluster = p;
		}
		if (!(p = realloc(w->row, cap * sizeof(*w->row))))
			return LM_ENOMEM;
		w->row = p;
		if (!(p = realloc(w->line, cap * sizeof(*w->line))))
			return LM_ENOMEM;
		w->line = p;
		if (!(p = realloc(w->dup, cap)))
			return LM_ENOMEM;
		w->dup = p;
		if (!(p = realloc(w->score, cap * ns * (w->wide ? sizeof(double) : sizeof(float)))))
			return LM_ENOMEM;
		w->score = p;
		if (!(p = realloc(w->band, cap * ns)))
			return LM_ENOMEM;
		w->band = p;
	}

	if (r % AHEAD == 0)
		populate_rows(pp, w, r);
	/* Each id is kept with its NUL, so that it reads as a string in place. */
	size_t off = w->text.len;
	/* lm__sb_add() of the id, then of its NUL, in one reservation. */
	if (id_len > SIZE_MAX - 1 || lm__sb_reserve(&w->text, id_len + 1) != 0)
		return LM_ENOMEM;
	memcpy(w->text.s + off, id, id_len);
	w->text.s[off + id_len] = '\0';
	w->text.s[off + id_len + 1] = '\0';
	w->text.len = off + id_len + 1;
	w->id[r] = off;
	w->row[r] = (uint32_t)row;
	w->line[r] = (uint32_t)line;
	w->dup[r] = 0;
	/* The group is the pre row's; groups are numbered in order of first appearance there. */
	if (grouped) {
		w->group[r] = 0;
		g = trim_blanks(g, &glen);
		if (glen && !(w->group[r] = intern_group(pp, g, glen)))
			return LM_ENOMEM;
	}
	/* So is the cluster (the team or unit), numbered the same way. */
	if (clustered) {
		w->cluster[r] = 0;
		c = trim_blanks(c, &clen);
		if (clen && !(w->cluster[r] = (unsigned)lm__names_intern(&pp->clusters, c, clen)))
			return LM_ENOMEM;
	}
	for (size_t s = 0; s < ns; s++) {
		double v = lm__scorer_score(sc, s);
		if (!w->wide && !fits_float(v) && !widen(w, ns, r * ns + s))
			return LM_ENOMEM;
		if (w->wide)
			((double *)w->score)[r * ns + s] = v;
		else
			((float *)w->score)[r * ns + s] = (float)v;
		w->band[r * ns + s] = (signed char)lm__scorer_band(sc, s);
	}
	w->n++;
	return LM_OK;
}

/* Keep the table's current row, scored. */
static int keep_row(lm_prepost *pp, struct wave *w, const lm_table *t, const lm_scorer *sc, size_t group_col,
		    size_t cluster_col)
{
	size_t id_len, glen = 0, clen = 0;
	const char *id = lm_table_row_id(t, &id_len), *g = NULL, *c = NULL;
	if (group_col != LM_NO_INDEX)
		g = lm_table_column_value(t, group_col, &glen);
	if (cluster_col != LM_NO_INDEX)
		c = lm_table_column_value(t, cluster_col, &clen);
	return lm__prepost_keep(pp, w, id, id_len, g, glen, c, clen, lm_table_row(t), lm_table_line(t), sc);
}

/*
 * Read one table into waves: the whole table into `into` (two-file form), or
 * by the wave column into pp->w[0] / pp->w[1] (long form). Writes only the
 * job, its waves and (pre wave only) the group names, so that the two files
 * of a run can be read at the same time.
 */
static int read_table(struct read_job *job)
{
	lm_prepost *pp = job->pp;
	const char *path = job->path, *wave_column = job->wave_column;
	const char *const *values = job->values;
	struct wave *into = job->into;
	lm_error *err = job->err;
	lm_table *t = NULL;
	lm_scorer *sc = NULL;
	size_t group_col = LM_NO_INDEX, wave_col = LM_NO_INDEX, cluster_col = LM_NO_INDEX;
	/* The waves a row may go to: the whole table's, or one per value of the wave column. */
	size_t n_into = into ? 1 : job->n_values;
	struct wave *const *waves = into ? &job->into : job->waves;
	int rc = lm_table_new(&t, pp->inst);
	if (rc == LM_OK && pp->options)
		rc = lm__table_copy_options(t, pp->options);
	if (rc == LM_OK)
		rc = lm_scorer_new(&sc, pp->inst);
	if (rc == LM_OK)
		rc = lm_table_set_id_column(t, pp->id_column);
	if (rc == LM_OK && pp->delimiter)
		rc = lm_table_set_delimiter(t, pp->delimiter);
	if (rc == LM_OK && pp->group_column)
		rc = lm_table_require_column(t, pp->group_column, &group_col);
	/* The cluster is the baseline row's: only the table that holds the baseline needs the column. */
	if (rc == LM_OK && pp->cluster_column && (!into || into == &pp->w[0]))
		rc = lm_table_require_column(t, pp->cluster_column, &cluster_col);
	if (rc == LM_OK && wave_column)
		rc = lm_table_require_column(t, wave_column, &wave_col);
	/* So are the carried columns. */
	int baseline = !into || into == &pp->w[0], keep_rc = LM_OK;
	size_t *keep_cols = NULL;
	if (rc == LM_OK && baseline && (keep_rc = lm__prepost_keep_require(pp, t, path, &keep_cols, err)) == LM_ENOMEM)
		rc = keep_rc;
	/* A column that cannot be carried is said with the header's problems. */
	if (rc == LM_OK)
		rc = lm_table_open_file(t, path, err);
	if (rc == LM_OK && baseline)
		rc = lm__prepost_keep_open(pp, t, path, &keep_cols, err);
	if (rc == LM_OK)
		rc = keep_rc;
	for (size_t k = 0; k < n_into && rc == LM_OK; k++) {
		struct wave *w = waves[k];
		const char *name = lm_table_id_column(t);
		if (name && !w->id_column && !(w->id_column = lm__strdup(name)))
			rc = lm__error(err, LM_ENOMEM, path, 0, 0, "out of memory");
	}
	int bad_rows = 0;
	while (rc == LM_OK) {
		int r = lm_table_next(t, sc, err);
		if (r == 0)
			break;
		if (r < 0 && r != LM_EDATA) {
			rc = r;
			break;
		}
		struct wave *w = into;
		if (wave_col != LM_NO_INDEX) {
			size_t len;
			const char *v = lm_table_column_value(t, wave_col, &len);
			v = trim_blanks(v, &len);
			w = NULL;
			for (size_t k = 0; k < n_into; k++)
				if (v && strlen(values[k]) == len && memcmp(values[k], v, len) == 0)
					w = waves[k];
			if (!w)
				lm__other_values_note(&job->other, v ? v : "", v ? len : 0);
		}
		/* A rejected row still counts as read; the good rows after it are kept,
		 * so that duplicate ids among them are reported in the same run. */
		if (r == LM_EDATA) {
			bad_rows = 1;
			job->rejected++;
			if (w)
				w->rows++;
			else
				job->other_wave++;
			continue;
		}
		if (!w) {
			job->other_wave++;
			continue;
		}
		w->rows++;
		size_t before = w->n;
		int kept = keep_row(pp, w, t, sc, group_col, cluster_col);
		if (kept == LM_OK && w == &pp->w[0] && w->n > before)
			kept = lm__prepost_keep_values(pp, w, t, keep_cols);
		if (kept == LM_ENOMEM)
			rc = lm__error(err, LM_ENOMEM, path, 0, 0, "out of memory");
		else if (kept == LM_ELIMIT)
			rc = lm__error(err, LM_ELIMIT, path, lm_table_line(t), 0,
				       "more than %lu rows or lines in a wave: pre/post analysis keeps 32-bit row numbers",
				       (unsigned long)LM__MAX_ROWS);
		else
			lm__prepost_add_alpha(pp, w, sc);
	}
	if (rc == LM_OK && bad_rows)
		rc = LM_EDATA;
	job->blank = lm_table_rows_blank(t);
	free(keep_cols);
	lm_scorer_free(sc);
	lm_table_free(t);
	return job->rc = rc;
}

static void *read_table_thread(void *job)
{
	read_table(job);
	return NULL;
}

/*
 * Read the jobs' tables: one after the other, or with more than one thread
 * allowed, the second on a thread of its own with its own diagnostics,
 * appended to the first's when it is done. Where no thread can be started
 * the second is read after the first, as with one thread.
 */
void lm__prepost_read_tables(lm_prepost *pp, struct read_job *jobs, size_t n, lm_error *err)
{
	pthread_t thread;
	lm_error *own = NULL;
	int started = 0;
	if (n >= 2 && pp->threads > 1 && (!err || lm_error_new(&own) == LM_OK)) {
		jobs[1].err = own;
		started = pthread_create(&thread, NULL, read_table_thread, &jobs[1]) == 0;
		if (!started) {
			lm_error_free(own);
			own = NULL;
			jobs[1].err = err;
		}
	}
	for (size_t k = 0; k < n; k++) {
		if (k == 1 && started) {
			pthread_join(thread, NULL);
			lm__error_move(err, own);
			lm_error_free(own);
		} else {
			read_table(&jobs[k]);
		}
		pp->counts[LM_PREPOST_COUNT_REJECTED] += jobs[k].rejected;
		pp->counts[LM_PREPOST_COUNT_OTHER_WAVE] += jobs[k].other_wave;
		pp->counts[LM_PREPOST_COUNT_BLANK] += jobs[k].blank;
	}
}

