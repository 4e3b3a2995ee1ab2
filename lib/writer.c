/*
 * libra_measures — the score writers of writer.h (CSV and JSON Lines, one
 * record per respondent) on the output sink of output.c. Numbers are
 * written as lm_format_number() (number.c) writes them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "output-priv.h"

/* ---- the score writers ------------------------------------------------ */

struct lm_writer {
	const lm_instrument *inst; /* own reference */
	int format;
	struct lm_out *out;
	unsigned long records;
	/* CSV: ",BAND" for every band of every scale (scale i's from band_first[i]),
	 * written as they are, and the most any scale's fields take. */
	struct band_field {
		char *text;
		size_t len;
	} *band_field;
	size_t n_band_fields, *band_first;
	size_t scale_room;
};

static void write_csv_header(lm_writer *w)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	lm__out_put_inline(o, "id", 2);
	for (size_t i = 0; i < inst->n_scales; i++) {
		const struct lm_scale *sc = &inst->scales[i];
		lm__out_put_inline(o, ",", 1);
		lm__out_str_inline(o, sc->id);
		lm__out_put_inline(o, ",", 1);
		lm__out_str_inline(o, sc->id);
		lm__out_str_inline(o, "_answered,");
		lm__out_str_inline(o, sc->id);
		lm__out_str_inline(o, "_status");
		if (sc->n_bands) {
			lm__out_put_inline(o, ",", 1);
			lm__out_str_inline(o, sc->id);
			lm__out_str_inline(o, "_band");
		}
	}
	for (size_t i = 0; i < inst->n_rules; i++) {
		lm__out_put_inline(o, ",", 1);
		lm__out_str_inline(o, inst->rules[i].id);
	}
	lm__out_put_inline(o, "\n", 1);
}

/* What a status or a rule value writes, padded so that one fixed-size copy writes it. */
struct piece {
	char text[16];
	size_t len;
};
static const struct piece status_piece[] = {
	[LM_SCORE_OK] = {",ok", 3},
	[LM_SCORE_PRORATED] = {",prorated", 9},
	[LM_SCORE_INSUFFICIENT] = {",insufficient", 13},
};
static const struct piece rule_piece[] = {{",", 1}, {",false", 6}, {",true", 5}}; /* by LM_RULE_* + 1 */

/*
 * One row. Each scale's fields are written straight into the output buffer
 * after one check for room (w->scale_room): this runs once per respondent.
 * The scorer's results are read in place (internal.h), not through the
 * exported accessors.
 */
static void write_csv(lm_writer *w, const char *id, size_t id_len, const lm_scorer *scorer)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	if (id)
		lm__out_csv_text(o, id, id_len, ',');
	for (size_t i = 0; i < inst->n_scales; i++) {
		int status = lm__scorer_status(scorer, i);
		double score = lm__scorer_score(scorer, i);
		char *p = lm__out_room(o, w->scale_room);
		*p++ = ',';
		if (status != LM_SCORE_INSUFFICIENT && isfinite(score))
			p = lm__put_number(p, score);
		*p++ = ',';
		p = lm__put_count(p, lm__scorer_answered(scorer, i));
		memcpy(p, status_piece[status].text, sizeof(status_piece[status].text));
		p += status_piece[status].len;
		if (inst->scales[i].n_bands) {
			long b = lm__scorer_band(scorer, i);
			if (b >= 0 && (size_t)b < inst->scales[i].n_bands) {
				const struct band_field *f = &w->band_field[w->band_first[i] + (size_t)b];
				memcpy(p, f->text, f->len);
				p += f->len;
			} else {
				*p++ = ',';
			}
		}
		lm__out_commit_room(o, p);
	}
	char *p = lm__out_room(o, inst->n_rules * 16 + 1);
	for (size_t i = 0; i < inst->n_rules; i++) {
		int v = lm__scorer_rule(scorer, i);
		const struct piece *r = &rule_piece[v == LM_RULE_TRUE ? 2 : v == LM_RULE_FALSE ? 1 : 0];
		memcpy(p, r->text, sizeof(r->text));
		p += r->len;
	}
	*p++ = '\n';
	lm__out_commit_room(o, p);
}

/* The band fields and the room a scale's fields need. LM_OK or LM_ENOMEM. */
static int prepare_csv(lm_writer *w)
{
	const struct lm_instrument *inst = w->inst;
	size_t nbands = 0, longest = 0;
	w->band_first = malloc((inst->n_scales + 1) * sizeof(*w->band_first));
	if (!w->band_first)
		return LM_ENOMEM;
	for (size_t i = 0; i < inst->n_scales; i++) {
		w->band_first[i] = nbands;
		nbands += inst->scales[i].n_bands;
	}
	w->band_field = calloc(nbands + 1, sizeof(*w->band_field));
	if (!w->band_field)
		return LM_ENOMEM;
	w->n_band_fields = nbands;
	for (size_t i = 0; i < inst->n_scales; i++)
		for (size_t b = 0; b < inst->scales[i].n_bands; b++) {
			/* Ids are letters, digits, '_', '.' and '-' (load.c): never quoted in CSV. */
			const char *id = inst->scales[i].bands[b].id;
			size_t len = 1 + strlen(id);
			char *t = malloc(len + 1);
			if (!t)
				return LM_ENOMEM;
			t[0] = ',';
			memcpy(t + 1, id, len);
			w->band_field[w->band_first[i] + b] = (struct band_field){t, len};
			if (len > longest)
				longest = len;
		}
	/* ,SCORE,ANSWERED then the status piece (copied whole) and a band field. */
	w->scale_room = 1 + LM_NUMBER_MAX + 1 + 20 + sizeof(status_piece[0].text) + (longest > 1 ? longest : 1);
	return LM_OK;
}

static void free_csv(lm_writer *w)
{
	for (size_t k = 0; k < w->n_band_fields; k++)
		free(w->band_field[k].text);
	free(w->band_field);
	free(w->band_first);
}

static void write_jsonl(lm_writer *w, unsigned long row, const char *id, size_t id_len, const lm_scorer *scorer)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	lm__out_put_inline(o, "{\"row\":", 7);
	lm__out_count(o, row);
	lm__out_put_inline(o, ",\"id\":", 6);
	lm__out_json_string(o, id, id_len);
	lm__out_put_inline(o, ",\"scales\":{", 11);
	for (size_t i = 0; i < inst->n_scales; i++) {
		const struct lm_scale *sc = &inst->scales[i];
		int status = lm__scorer_status(scorer, i);
		double score = lm__scorer_score(scorer, i);
		if (i)
			lm__out_put_inline(o, ",", 1);
		lm__out_json_string(o, sc->id, strlen(sc->id));
		lm__out_put_inline(o, ":{\"score\":", 10);
		lm__out_number(o, status != LM_SCORE_INSUFFICIENT ? score : NAN);
		lm__out_put_inline(o, ",\"answered\":", 12);
		lm__out_count(o, lm__scorer_answered(scorer, i));
		lm__out_put_inline(o, ",\"coded\":", 9);
		lm__out_count(o, lm__scorer_coded(scorer, i));
		lm__out_put_inline(o, ",\"status\":", 10);
		const char *name = lm_score_status_name(status);
		lm__out_json_string(o, name, name ? strlen(name) : 0);
		lm__out_put_inline(o, ",\"band\":", 8);
		const char *b = lm__band_id(sc, lm__scorer_band(scorer, i));
		lm__out_json_string(o, b, b ? strlen(b) : 0);
		lm__out_put_inline(o, "}", 1);
	}
	lm__out_put_inline(o, "},\"rules\":{", 11);
	for (size_t i = 0; i < inst->n_rules; i++) {
		if (i)
			lm__out_put_inline(o, ",", 1);
		lm__out_json_string(o, inst->rules[i].id, strlen(inst->rules[i].id));
		int v = lm__scorer_rule(scorer, i);
		if (v == LM_RULE_TRUE)
			lm__out_put_inline(o, ":true", 5);
		else if (v == LM_RULE_FALSE)
			lm__out_put_inline(o, ":false", 6);
		else
			lm__out_put_inline(o, ":null", 5);
	}
	lm__out_put_inline(o, "}}\n", 3);
}

int lm_writer_write(lm_writer *writer, unsigned long row, const char *id, size_t id_len, const lm_scorer *scorer)
{
	if (!writer || !scorer || !writer->out || writer->out->done || lm_scorer_instrument(scorer) != writer->inst ||
	    (!id && id_len))
		return LM_EINVAL;
	if (writer->out->write_errno)
		return LM_EIO;
	if (writer->format == LM_WRITER_CSV)
		write_csv(writer, id, id_len, scorer);
	else
		write_jsonl(writer, row, id, id_len, scorer);
	if (writer->out->write_errno)
		return LM_EIO;
	writer->records++;
	return LM_OK;
}

static int writer_start(lm_writer **out, const lm_instrument *inst, int format, struct lm_out *o)
{
	lm_writer *w = calloc(1, sizeof(*w));
	if (!w) {
		lm__out_free(o);
		return LM_ENOMEM;
	}
	lm__instrument_ref(inst);
	w->inst = inst;
	w->format = format;
	w->out = o;
	if (format == LM_WRITER_CSV && prepare_csv(w) != LM_OK) {
		lm_writer_free(w);
		return LM_ENOMEM;
	}
	/* A header write error is sticky and reported by the commit. */
	if (format == LM_WRITER_CSV)
		write_csv_header(w);
	*out = w;
	return LM_OK;
}

static int check_open_args(lm_writer **out, const lm_instrument *inst, int format)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst || (format != LM_WRITER_CSV && format != LM_WRITER_JSONL))
		return LM_EINVAL;
	return LM_OK;
}

int lm_writer_open_file(lm_writer **out, const lm_instrument *inst, int format, const char *path, lm_error *err)
{
	int r = check_open_args(out, inst, format);
	if (r != LM_OK)
		return r;
	struct lm_out *o;
	if ((r = lm__out_open_file(&o, path, err)) != LM_OK)
		return r;
	return writer_start(out, inst, format, o);
}

int lm_writer_open_fd(lm_writer **out, const lm_instrument *inst, int format, int fd, lm_error *err)
{
	int r = check_open_args(out, inst, format);
	if (r != LM_OK)
		return r;
	struct lm_out *o;
	if ((r = lm__out_open_fd(&o, fd, err)) != LM_OK)
		return r;
	return writer_start(out, inst, format, o);
}

int lm_writer_commit(lm_writer *writer, lm_error *err)
{
	return writer ? lm__out_commit(writer->out, err) : LM_EINVAL;
}

int lm_writer_stage(lm_writer *writer, lm_outputs *set, lm_error *err)
{
	if (!writer || !set || !writer->out || writer->out->done)
		return LM_EINVAL;
	struct lm_out *o = writer->out;
	writer->out = NULL; /* the set's now, staged or discarded */
	return lm__outputs_stage(set, o, err);
}

void lm_writer_free(lm_writer *writer)
{
	if (!writer)
		return;
	lm__out_free(writer->out);
	free_csv(writer);
	lm_instrument_free(lm__instrument_mutable(writer->inst));
	free(writer);
}

unsigned long lm_writer_records(const lm_writer *writer)
{
	return writer ? writer->records : 0;
}

/* ---- rejects ------------------------------------------------------------ */

struct lm_rejects {
	struct lm_out *out;
	size_t ncols;
	unsigned long records;
};

int lm_rejects_open_file(lm_rejects **out, const lm_table *table, const char *path, lm_error *err)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	size_t ncols = lm_table_column_count(table);
	if (!table || !path || !ncols)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "a rejects file needs an open table and a path");
	lm_rejects *r = calloc(1, sizeof(*r));
	if (!r)
		return LM_ENOMEM;
	int rc = lm__out_open_file(&r->out, path, err);
	if (rc != LM_OK) {
		free(r);
		return rc;
	}
	r->ncols = ncols;
	lm__out_str(r->out, "rejected_row,rejected_line");
	for (size_t c = 0; c < ncols; c++) {
		const char *name = lm_table_column_name(table, c);
		lm__out_put(r->out, ",", 1);
		lm__out_csv_text(r->out, name, strlen(name), ',');
	}
	lm__out_str(r->out, ",rejected_because\n");
	*out = r;
	return LM_OK;
}

int lm_rejects_write(lm_rejects *r, const lm_table *table)
{
	if (!r || !r->out || r->out->done || !table || !lm_table_row_problem(table))
		return LM_EINVAL;
	lm__out_count(r->out, lm_table_row(table));
	lm__out_put(r->out, ",", 1);
	lm__out_count(r->out, lm_table_line(table));
	for (size_t c = 0; c < r->ncols; c++) {
		size_t len;
		const char *s = lm_table_field(table, c, &len);
		lm__out_put(r->out, ",", 1);
		if (s)
			lm__out_csv_text(r->out, s, len, ',');
	}
	const char *why = lm_table_row_problem(table);
	lm__out_put(r->out, ",", 1);
	lm__out_csv_text(r->out, why, strlen(why), ',');
	lm__out_put(r->out, "\n", 1);
	r->records++;
	return r->out->write_errno ? LM_EIO : LM_OK;
}

int lm_rejects_commit(lm_rejects *r, lm_error *err)
{
	return r ? lm__out_commit(r->out, err) : LM_EINVAL;
}

int lm_rejects_stage(lm_rejects *r, lm_outputs *set, lm_error *err)
{
	if (!r || !set || !r->out || r->out->done)
		return LM_EINVAL;
	struct lm_out *o = r->out;
	r->out = NULL;
	return lm__outputs_stage(set, o, err);
}

void lm_rejects_free(lm_rejects *r)
{
	if (!r)
		return;
	lm__out_free(r->out);
	free(r);
}

unsigned long lm_rejects_records(const lm_rejects *r)
{
	return r ? r->records : 0;
}
