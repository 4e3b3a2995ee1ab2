/*
 * libra_measures — the score writers of writer.h (CSV and JSON Lines, one
 * record per respondent, on the output sink of output.c; Excel, SPSS and
 * Stata through the result table of sheet.c), with the columns carried from
 * the input. Numbers are written as lm_format_number() (number.c) writes them.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "output-priv.h"
#include "writer-priv.h"
#include "sheet-priv.h"

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
	size_t row_room; /* all scales' fields, the rules' and the line break; 0 when too many for one room */
	/* CSV: each scale's fields as put_fields() writes them, by the scorer's key
	 * (lm__scorer_key()), scale_text_n[i] of them (0: none kept), copied whole.
	 * Made when the writer is made and read only after: copies of the writer
	 * may share them. */
	struct scale_text {
		unsigned char len; /* LM_TEXT_LONG: longer than text, written by put_fields() */
		char text[47];
	} **scale_text;
	size_t *scale_text_n;
	/* Columns carried from the input (lm_writer_add_column()) and the next record's values. */
	char **keep;
	size_t n_keep;
	struct keep_value {
		const char *text;
		size_t len;
	} *keep_value;
	int started; /* the header is written (CSV) or the sheet's columns made: no more columns */
	/* Excel, SPSS, Stata: the rows held until the commit; the sheet's first column of each scale and rule. */
	struct lm_sheet sheet;
	size_t *sheet_scale, sheet_rule;
};

static void write_csv_header(lm_writer *w)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	lm__out_put_inline(o, "id", 2);
	for (size_t k = 0; k < w->n_keep; k++) {
		lm__out_put_inline(o, ",", 1);
		lm__out_csv_text(o, w->keep[k], strlen(w->keep[k]), ',');
	}
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

#define LM_TEXT_LONG 255
/* The most scale texts a writer keeps, over all scales (each 48 bytes). */
#define LM_SCALE_TEXTS_MAX (1u << 15)

/* Scale @p i's fields (,SCORE,ANSWERED,STATUS and ,BAND if it has bands) for these
 * results, at @p p, which has w->scale_room bytes. Returns the end. */
static char *put_fields(const lm_writer *w, char *p, size_t i, int status, double score, size_t answered, long b)
{
	const struct lm_instrument *inst = w->inst;
	*p++ = ',';
	if (status != LM_SCORE_INSUFFICIENT && isfinite(score))
		p = lm__put_number(p, score);
	*p++ = ',';
	p = lm__put_count(p, answered);
	memcpy(p, status_piece[status].text, sizeof(status_piece[status].text));
	p += status_piece[status].len;
	if (inst->scales[i].n_bands) {
		if (b >= 0 && (size_t)b < inst->scales[i].n_bands) {
			const struct band_field *f = &w->band_field[w->band_first[i] + (size_t)b];
			memcpy(p, f->text, f->len);
			p += f->len;
		} else {
			*p++ = ',';
		}
	}
	return p;
}

/*
 * The scale texts (struct lm_writer), from the results a scorer of the
 * instrument gives each key: every row with that key gets those results, so
 * its fields are these bytes. LM_OK or LM_ENOMEM.
 */
static int make_scale_texts(lm_writer *w)
{
	const struct lm_instrument *inst = w->inst;
	lm_scorer *s;
	if (lm_scorer_new(&s, inst) != LM_OK)
		return LM_ENOMEM;
	char buf[1 + LM_NUMBER_MAX + 1 + 20 + 16 + 256];
	size_t budget = LM_SCALE_TEXTS_MAX;
	for (size_t i = 0; i < inst->n_scales && w->scale_room <= sizeof(buf); i++) {
		size_t n = lm__scorer_key_count(s, i);
		if (!n || n > budget)
			continue; /* written by put_fields() */
		if (!(w->scale_text[i] = malloc(n * sizeof(*w->scale_text[i])))) {
			lm_scorer_free(s);
			return LM_ENOMEM;
		}
		budget -= n;
		w->scale_text_n[i] = n;
		for (size_t key = 0; key < n; key++) {
			size_t answered;
			const struct lm_fast_result *r = lm__scorer_key_result(s, i, key, &answered);
			struct scale_text *t = &w->scale_text[i][key];
			size_t len = (size_t)(put_fields(w, buf, i, r->status, r->score, answered, r->band) - buf);
			memset(t->text, 0, sizeof(t->text));
			if (len < sizeof(t->text))
				memcpy(t->text, buf, len);
			t->len = len < sizeof(t->text) ? (unsigned char)len : LM_TEXT_LONG;
		}
	}
	lm_scorer_free(s);
	return LM_OK;
}

/*
 * One row. The scales' and rules' fields are written straight into the
 * output buffer after one check for room: this runs once per respondent.
 * The scorer's results are read in place (internal.h), not through the
 * exported accessors; a scale's fields are copied whole when the scorer
 * gives them a key (they are the same for every row with that key).
 */
static void write_csv(lm_writer *w, const char *id, size_t id_len, const lm_scorer *scorer)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	if (id)
		lm__out_csv_text(o, id, id_len, ',');
	for (size_t k = 0; k < w->n_keep; k++) {
		lm__out_put_inline(o, ",", 1);
		if (w->keep_value[k].text)
			lm__out_csv_text(o, w->keep_value[k].text, w->keep_value[k].len, ',');
	}
	/* One room for the rest of the row, or (for an instrument of very many scales) one per scale. */
	size_t one = w->row_room;
	char *p = lm__out_room(o, one ? one : w->scale_room);
	for (size_t i = 0; i < inst->n_scales; i++) {
		if (!one && i) {
			lm__out_commit_room(o, p);
			p = lm__out_room(o, w->scale_room);
		}
		size_t key = lm__scorer_key(scorer, i);
		const struct scale_text *t = key < w->scale_text_n[i] ? &w->scale_text[i][key] : NULL;
		if (t && t->len != LM_TEXT_LONG) {
			memcpy(p, t->text, sizeof(t->text)); /* scale_room is larger */
			p += t->len;
		} else {
			p = put_fields(w, p, i, lm__scorer_status(scorer, i), lm__scorer_score(scorer, i),
				       lm__scorer_answered(scorer, i), lm__scorer_band(scorer, i));
		}
	}
	if (!one) {
		lm__out_commit_room(o, p);
		p = lm__out_room(o, inst->n_rules * sizeof(rule_piece[0].text) + 1);
	}
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
	w->scale_text = calloc(inst->n_scales + 1, sizeof(*w->scale_text));
	w->scale_text_n = calloc(inst->n_scales + 1, sizeof(*w->scale_text_n));
	if (!w->band_first || !w->scale_text || !w->scale_text_n)
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
	w->row_room = inst->n_scales * w->scale_room + inst->n_rules * sizeof(rule_piece[0].text) + 1;
	if (w->row_room > LM_OUT_BUFSIZE / 4)
		w->row_room = 0;
	return make_scale_texts(w);
}

static void free_csv(lm_writer *w)
{
	for (size_t k = 0; k < w->n_band_fields; k++)
		free(w->band_field[k].text);
	free(w->band_field);
	free(w->band_first);
	for (size_t i = 0; w->scale_text && i < w->inst->n_scales; i++)
		free(w->scale_text[i]);
	free(w->scale_text);
	free(w->scale_text_n);
}

static void write_jsonl(lm_writer *w, unsigned long row, const char *id, size_t id_len, const lm_scorer *scorer)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_out *o = w->out;
	lm__out_put_inline(o, "{\"row\":", 7);
	lm__out_count(o, row);
	lm__out_put_inline(o, ",\"id\":", 6);
	lm__out_json_string(o, id, id_len);
	if (w->n_keep) {
		lm__out_put_inline(o, ",\"columns\":{", 12);
		for (size_t k = 0; k < w->n_keep; k++) {
			if (k)
				lm__out_put_inline(o, ",", 1);
			lm__out_json_string(o, w->keep[k], strlen(w->keep[k]));
			lm__out_put_inline(o, ":", 1);
			lm__out_json_string(o, w->keep_value[k].text ? w->keep_value[k].text : "", w->keep_value[k].len);
		}
		lm__out_put_inline(o, "}", 1);
	}
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

/* ---- Excel, SPSS and Stata: the result table --------------------------- */

static int is_sheet_format(int format)
{
	return format == LM_WRITER_XLSX || format == LM_WRITER_SAV || format == LM_WRITER_DTA;
}

/* A column name made of @p a and @p b. */
static int sheet_col(lm_writer *w, const char *a, const char *b, const char *label, int kind, size_t labels)
{
	struct lm_strbuf name = LM_STRBUF_INIT, lab = LM_STRBUF_INIT;
	lm__sb_str(&name, a);
	lm__sb_str(&name, b);
	int ok = !name.failed && lm__sheet_add_col(&w->sheet, name.s, label, kind, labels) != LM_NO_INDEX;
	lm__sb_free(&name);
	lm__sb_free(&lab);
	return ok;
}

/* The sheet's columns: id, the carried columns, per scale its score,
 * items answered, status and band, then the rules. LM_OK or LM_ENOMEM. */
static int prepare_sheet(lm_writer *w)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_sheet *sh = &w->sheet;
	static const double status_code[] = {LM_SCORE_OK, LM_SCORE_PRORATED, LM_SCORE_INSUFFICIENT};
	static const double rule_code[] = {LM_RULE_FALSE, LM_RULE_TRUE};
	static const char *const rule_text[] = {"false", "true"};
	const char *status_text[3];
	for (int k = 0; k < 3; k++)
		status_text[k] = lm_score_status_name((int)status_code[k]);
	size_t status_set = lm__sheet_add_labels(sh, "status", status_code, status_text, 3);
	size_t rule_set = inst->n_rules ? lm__sheet_add_labels(sh, "rule", rule_code, rule_text, 2) : LM_NO_INDEX;
	if (!(w->sheet_scale = calloc(inst->n_scales + 1, sizeof(*w->sheet_scale))))
		return LM_ENOMEM;
	lm__sheet_add_col(sh, "id", "respondent id", LM_SHEET_TEXT, LM_NO_INDEX);
	for (size_t k = 0; k < w->n_keep; k++)
		lm__sheet_add_col(sh, w->keep[k], NULL, LM_SHEET_TEXT, LM_NO_INDEX);
	for (size_t i = 0; i < inst->n_scales && !sh->failed; i++) {
		const struct lm_scale *sc = &inst->scales[i];
		size_t band_set = sc->n_bands ? lm__sheet_add_bands(sh, sc) : LM_NO_INDEX;
		struct lm_strbuf label = LM_STRBUF_INIT;
		const char *what[] = {"", ": items answered", ": status", ": band"};
		const char *suffix[] = {"", "_answered", "_status", "_band"};
		w->sheet_scale[i] = sh->n_cols;
		for (int k = 0; k < (sc->n_bands ? 4 : 3); k++) {
			label.len = 0;
			lm__sb_str(&label, sc->label ? sc->label : sc->id);
			lm__sb_str(&label, what[k]);
			if (label.failed || !sheet_col(w, sc->id, suffix[k], label.s, k >= 2 ? LM_SHEET_CODE : LM_SHEET_NUMBER,
						       k == 2 ? status_set : band_set))
				sh->failed = 1;
		}
		lm__sb_free(&label);
	}
	w->sheet_rule = sh->n_cols;
	for (size_t i = 0; i < inst->n_rules; i++)
		lm__sheet_add_col(sh, inst->rules[i].id, inst->rules[i].label, LM_SHEET_CODE, rule_set);
	return sh->failed ? LM_ENOMEM : LM_OK;
}

static int write_sheet_row(lm_writer *w, const char *id, size_t id_len, const lm_scorer *scorer)
{
	const struct lm_instrument *inst = w->inst;
	struct lm_sheet *sh = &w->sheet;
	lm__sheet_set_text(sh, 0, id ? id : "", id ? id_len : 0);
	for (size_t k = 0; k < w->n_keep; k++)
		lm__sheet_set_text(sh, 1 + k, w->keep_value[k].text ? w->keep_value[k].text : "", w->keep_value[k].len);
	for (size_t i = 0; i < inst->n_scales; i++) {
		size_t c = w->sheet_scale[i];
		int status = lm__scorer_status(scorer, i);
		double score = lm__scorer_score(scorer, i);
		lm__sheet_set_number(sh, c, status != LM_SCORE_INSUFFICIENT && isfinite(score) ? score : NAN);
		lm__sheet_set_number(sh, c + 1, (double)lm__scorer_answered(scorer, i));
		lm__sheet_set_number(sh, c + 2, (double)status);
		if (inst->scales[i].n_bands) {
			long b = lm__scorer_band(scorer, i);
			lm__sheet_set_number(sh, c + 3,
					     b >= 0 && (size_t)b < inst->scales[i].n_bands ? (double)(b + 1) : NAN);
		}
	}
	for (size_t i = 0; i < inst->n_rules; i++) {
		int v = lm__scorer_rule(scorer, i);
		lm__sheet_set_number(sh, w->sheet_rule + i, v == LM_RULE_TRUE ? 1.0 : v == LM_RULE_FALSE ? 0.0 : NAN);
	}
	return lm__sheet_end_row(sh);
}

/* The header or the sheet's columns, once: the carried columns are known then. */
static int start(lm_writer *w)
{
	if (w->started)
		return LM_OK;
	w->started = 1;
	if (is_sheet_format(w->format))
		return prepare_sheet(w);
	if (w->format == LM_WRITER_CSV)
		write_csv_header(w); /* a write error is sticky and reported by the commit */
	return LM_OK;
}

/* The sheet written into the output, before it is committed or staged. */
static int finish(lm_writer *w, lm_error *err)
{
	int rc = start(w);
	if (rc == LM_OK && is_sheet_format(w->format))
		rc = lm__sheet_write(&w->sheet, w->format, w->out, w->out->path ? w->out->path : "<output>", err);
	if (rc == LM_EIO && w->out->write_errno)
		rc = LM_OK; /* the commit says why, with the system's reason */
	return rc;
}

int lm_writer_write(lm_writer *writer, unsigned long row, const char *id, size_t id_len, const lm_scorer *scorer)
{
	if (!writer || !scorer || !writer->out || writer->out->done || scorer->inst != writer->inst ||
	    (!id && id_len))
		return LM_EINVAL;
	if (writer->out->write_errno)
		return LM_EIO;
	int rc = start(writer);
	if (rc != LM_OK)
		return rc;
	if (writer->format == LM_WRITER_CSV)
		write_csv(writer, id, id_len, scorer);
	else if (writer->format == LM_WRITER_JSONL)
		write_jsonl(writer, row, id, id_len, scorer);
	else if ((rc = write_sheet_row(writer, id, id_len, scorer)) != LM_OK)
		return rc;
	for (size_t k = 0; k < writer->n_keep; k++)
		writer->keep_value[k] = (struct keep_value){NULL, 0};
	if (writer->out->write_errno)
		return LM_EIO;
	writer->records++;
	return LM_OK;
}

/* 1 when @p name is a column the writer writes for the instrument. */
static int output_column(const struct lm_instrument *inst, const char *name)
{
	if (strcmp(name, "id") == 0)
		return 1;
	for (size_t i = 0; i < inst->n_scales; i++) {
		const char *id = inst->scales[i].id;
		size_t n = strlen(id);
		if (strncmp(name, id, n) == 0 &&
		    (name[n] == '\0' || strcmp(name + n, "_answered") == 0 || strcmp(name + n, "_status") == 0 ||
		     (inst->scales[i].n_bands && strcmp(name + n, "_band") == 0)))
			return 1;
	}
	for (size_t i = 0; i < inst->n_rules; i++)
		if (strcmp(name, inst->rules[i].id) == 0)
			return 1;
	return 0;
}

int lm_writer_add_column(lm_writer *writer, const char *name, lm_error *err)
{
	if (!writer || !name || !writer->out || writer->out->done)
		return LM_EINVAL;
	if (writer->started)
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "column '%s' cannot be carried: columns are added before the first record", name);
	if (!*name)
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "a carried column needs a name");
	if (output_column(writer->inst, name))
		return lm__error(err, LM_EINVAL, NULL, 0, 0,
				 "column '%s' cannot be carried: the scores of %s have a column of that name", name,
				 writer->inst->id);
	for (size_t k = 0; k < writer->n_keep; k++)
		if (strcmp(writer->keep[k], name) == 0)
			return lm__error(err, LM_EINVAL, NULL, 0, 0, "column '%s' is carried twice", name);
	char **keep = realloc(writer->keep, (writer->n_keep + 1) * sizeof(*keep));
	if (!keep)
		return LM_ENOMEM;
	writer->keep = keep;
	struct keep_value *v = realloc(writer->keep_value, (writer->n_keep + 1) * sizeof(*v));
	if (!v)
		return LM_ENOMEM;
	writer->keep_value = v;
	if (!(keep[writer->n_keep] = lm__strdup(name)))
		return LM_ENOMEM;
	v[writer->n_keep++] = (struct keep_value){NULL, 0};
	return LM_OK;
}

size_t lm_writer_column_count(const lm_writer *writer)
{
	return writer ? writer->n_keep : 0;
}

int lm_writer_set_column(lm_writer *writer, size_t k, const char *text, size_t len)
{
	if (!writer || k >= writer->n_keep || (!text && len))
		return LM_EINVAL;
	writer->keep_value[k] = (struct keep_value){text, len};
	return LM_OK;
}

int lm_writer_format_available(int format)
{
	if (format == LM_WRITER_CSV || format == LM_WRITER_JSONL)
		return 1;
	return is_sheet_format(format) && lm__sheet_available(format);
}

/* 1 when @p path ends in @p ext, in any case. */
static int has_ext(const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	if (n <= e)
		return 0;
	for (size_t i = 0; i < e; i++) {
		char c = path[n - e + i];
		if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != ext[i])
			return 0;
	}
	return 1;
}

int lm_writer_format_for_path(const char *path)
{
	if (!path)
		return LM_WRITER_CSV;
	if (has_ext(path, ".xlsx"))
		return LM_WRITER_XLSX;
	if (has_ext(path, ".sav"))
		return LM_WRITER_SAV;
	if (has_ext(path, ".dta"))
		return LM_WRITER_DTA;
	if (has_ext(path, ".jsonl") || has_ext(path, ".json"))
		return LM_WRITER_JSONL;
	return LM_WRITER_CSV;
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
	lm__sheet_init(&w->sheet);
	if (format == LM_WRITER_CSV && prepare_csv(w) != LM_OK) {
		lm_writer_free(w);
		return LM_ENOMEM;
	}
	*out = w;
	return LM_OK;
}

static int check_open_args(lm_writer **out, const lm_instrument *inst, int format, lm_error *err)
{
	if (!out)
		return LM_EINVAL;
	*out = NULL;
	if (!inst || format < LM_WRITER_CSV || format > LM_WRITER_DTA)
		return LM_EINVAL;
	if (!lm_writer_format_available(format))
		return lm__error(err, LM_EINVAL, NULL, 0, 0, "%s",
				 format == LM_WRITER_XLSX ? "Excel workbooks need libra_measures built with libxlsxwriter "
							    "(-Dxlsxwriter=enabled)"
							  : "SPSS and Stata files need libra_measures built with ReadStat "
							    "(-Dreadstat=enabled)");
	return LM_OK;
}

int lm_writer_open_file(lm_writer **out, const lm_instrument *inst, int format, const char *path, lm_error *err)
{
	int r = check_open_args(out, inst, format, err);
	if (r != LM_OK)
		return r;
	struct lm_out *o;
	if ((r = lm__out_open_file(&o, path, err)) != LM_OK)
		return r;
	return writer_start(out, inst, format, o);
}

int lm_writer_open_fd(lm_writer **out, const lm_instrument *inst, int format, int fd, lm_error *err)
{
	int r = check_open_args(out, inst, format, err);
	if (r != LM_OK)
		return r;
	struct lm_out *o;
	if ((r = lm__out_open_fd(&o, fd, err)) != LM_OK)
		return r;
	return writer_start(out, inst, format, o);
}

int lm_writer_commit(lm_writer *writer, lm_error *err)
{
	if (!writer || !writer->out || writer->out->done)
		return LM_EINVAL;
	int rc = finish(writer, err);
	if (rc != LM_OK) {
		lm__out_free(writer->out); /* nothing is put in place */
		writer->out = NULL;
		return rc;
	}
	return lm__out_commit(writer->out, err);
}

int lm_writer_stage(lm_writer *writer, lm_outputs *set, lm_error *err)
{
	if (!writer || !set || !writer->out || writer->out->done)
		return LM_EINVAL;
	int rc = finish(writer, err);
	struct lm_out *o = writer->out;
	writer->out = NULL; /* the set's now, staged or discarded */
	if (rc != LM_OK) {
		/* Lost: so are the run's other outputs (as a failed prepare makes them). */
		lm__outputs_fail(set);
		lm__out_free(o);
		return rc;
	}
	return lm__outputs_stage(set, o, err);
}

void lm_writer_free(lm_writer *writer)
{
	if (!writer)
		return;
	lm__out_free(writer->out);
	free_csv(writer);
	for (size_t k = 0; k < writer->n_keep; k++)
		free(writer->keep[k]);
	free(writer->keep);
	free(writer->keep_value);
	lm__sheet_free(&writer->sheet);
	free(writer->sheet_scale);
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

/* ---- parts written by worker threads (pipeline.c) ------------------------- */

int lm__writer_clone(lm_writer *w, lm_writer **out)
{
	*out = NULL;
	if (w->format != LM_WRITER_CSV && w->format != LM_WRITER_JSONL)
		return LM_EINVAL;
	if (start(w) != LM_OK) /* the header, before any part */
		return LM_ENOMEM;
	lm_writer *c = malloc(sizeof(*c));
	if (!c)
		return LM_ENOMEM;
	*c = *w; /* the instrument, band texts and column names are shared, read only */
	c->records = 0;
	c->out = NULL;
	memset(&c->sheet, 0, sizeof(c->sheet));
	c->sheet_scale = NULL;
	c->keep_value = calloc(w->n_keep + 1, sizeof(*c->keep_value));
	if (!c->keep_value || lm__out_open_memory(&c->out) != LM_OK) {
		free(c->keep_value);
		free(c);
		return LM_ENOMEM;
	}
	*out = c;
	return LM_OK;
}

int lm__writer_move(lm_writer *clone, lm_writer *dst)
{
	int rc = lm__out_move(clone->out, dst->out);
	if (rc == LM_OK)
		dst->records += clone->records;
	clone->records = 0;
	return rc;
}

void lm__writer_free_clone(lm_writer *c)
{
	if (!c)
		return;
	lm__out_free(c->out);
	free(c->keep_value);
	free(c);
}

const lm_instrument *lm__writer_instrument(const lm_writer *w)
{
	return w->inst;
}

int lm__writer_streams(const lm_writer *w)
{
	return w->format == LM_WRITER_CSV || w->format == LM_WRITER_JSONL;
}

const char *lm__writer_column_name(const lm_writer *w, size_t k)
{
	return w->keep[k];
}

int lm__rejects_clone(const lm_rejects *r, lm_rejects **out)
{
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return LM_ENOMEM;
	(*out)->ncols = r->ncols;
	if (lm__out_open_memory(&(*out)->out) != LM_OK) {
		free(*out);
		*out = NULL;
		return LM_ENOMEM;
	}
	return LM_OK;
}

int lm__rejects_move(lm_rejects *clone, lm_rejects *dst)
{
	int rc = lm__out_move(clone->out, dst->out);
	if (rc == LM_OK)
		dst->records += clone->records;
	clone->records = 0;
	return rc;
}

int lm__writer_failed(const lm_writer *w)
{
	return !w->out || w->out->done || w->out->write_errno;
}

int lm__rejects_failed(const lm_rejects *r)
{
	return !r->out || r->out->done || r->out->write_errno;
}
