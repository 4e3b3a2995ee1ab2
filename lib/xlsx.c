/*
 * libra_measures — Excel workbooks (.xlsx, Office Open XML) for the table
 * reader. The workbook's small parts (the sheet list, relationships, styles,
 * shared strings) are read first; the sheet itself is streamed: its XML is
 * inflated from the zip a chunk at a time (libzip) and parsed with expat,
 * which is suspended whenever enough CSV text is waiting, so memory stays
 * bounded whatever the sheet's size.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <expat.h>
#include <zip.h>

#include "internal.h"
#include "number-priv.h"
#include "strbuf.h"
#include "xlsx-priv.h"

/* Excel's own limits: 1,048,576 rows and 16,384 columns (A to XFD). */
#define XLSX_MAX_ROW 1048576UL
#define XLSX_MAX_COL 16384UL
/* The shared strings are held in memory: at most this many bytes of them. */
#define XLSX_SST_MAX (256u * 1024 * 1024)
/* One cell's text, and one row as CSV: at most 1 MiB (as a CSV record). */
#define XLSX_CELL_MAX (1024u * 1024)
/* Sheets, cell formats and number formats a workbook may have (Excel's own
 * limits are far below): a part holding more is refused (LM_ELIMIT). */
#define XLSX_SHEETS_MAX 10000
#define XLSX_FORMATS_MAX (1024 * 1024)
/* Parsing pauses once this much CSV text is waiting. */
#define XLSX_OUT_HIGH (64u * 1024)
#define XLSX_CHUNK (16u * 1024)


struct sheet_ref {
	char *name, *rid, *path;
};

struct lm_xlsx {
	zip_t *zip;
	char *name; /* the file, for diagnostics */

	/* The workbook: its sheets in order, the date system, the parts. */
	struct sheet_ref *sheets;
	size_t n_sheets, n_rels;
	int date1904;
	char *sst_path, *styles_path;

	/* Styles: per cell format (the s attribute), what its number format shows. */
	unsigned char *xf_kind;
	size_t n_xf;

	/* Shared strings: string k is sst.s + sst_off[k], NUL-terminated. */
	struct lm_strbuf sst;
	size_t *sst_off;
	size_t n_sst, cap_sst;

	/* The sheet being read. */
	const struct sheet_ref *sheet;
	zip_file_t *zf;
	XML_Parser parser;
	char chunk[XLSX_CHUNK];
	int suspended, final, finished;
	int status; /* LM_OK, or the error that stopped the parse (said already) */
	int doctype; /* the part declared a document type */

	int in_data, in_cell, in_v, in_is, in_t, rph;
	unsigned long row, last_row, first_row, col, prev_col, width, row_cols;
	char type[12];  /* the cell's t attribute */
	unsigned long style;
	struct lm_strbuf text; /* the cell's characters */
	struct lm_strbuf value; /* the cell as shown */
	struct lm_strbuf rowbuf;
	struct lm_strbuf out;
	size_t out_pos;
	lm_error *deferred; /* the sheet's problem, said when it is returned (after the rows before it) */
	struct styles *styles; /* while the styles are read */
};

/* ---- small XML helpers ---------------------------------------------------- */

/* Names come as "namespace-uri local" (XML_ParserCreateNS with ' '). */
static const char *local(const char *name)
{
	const char *s = strrchr(name, ' ');
	return s ? s + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
	for (size_t k = 0; atts[k]; k += 2)
		if (strcmp(local(atts[k]), name) == 0)
			return atts[k + 1];
	return NULL;
}

/* A decimal count, or -1. */
static long long count_of(const char *s)
{
	if (!s || !*s)
		return -1;
	long long v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > 100000000000LL)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v;
}

/* Workbooks never declare a DTD: one that does is refused (no entities). */
static void XMLCALL no_doctype(void *data, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
			       int has_internal)
{
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	struct lm_xlsx *x = data;
	x->status = LM_EDATA;
	x->doctype = 1;
	XML_StopParser(x->parser, XML_FALSE);
}

static XML_Parser new_parser(struct lm_xlsx *x)
{
	XML_Parser p = XML_ParserCreateNS("UTF-8", ' ');
	if (p) {
		XML_SetUserData(p, x);
		XML_SetStartDoctypeDeclHandler(p, no_doctype);
	}
	x->parser = p;
	return p;
}

static int xml_error(struct lm_xlsx *x, int code, const char *part, lm_error *err)
{
	if (x->doctype)
		return lm__error(err, code, x->name, 0, 0, "%s declares a document type, which a workbook never does",
				 part);
	return lm__error(err, code, x->name, 0, 0, "%s is not well-formed XML (its line %lu, column %lu: %s)", part,
			 (unsigned long)XML_GetCurrentLineNumber(x->parser),
			 (unsigned long)XML_GetCurrentColumnNumber(x->parser) + 1,
			 XML_ErrorString(XML_GetErrorCode(x->parser)));
}

static int zip_problem(struct lm_xlsx *x, const char *part, zip_error_t *ze, lm_error *err)
{
	int code = zip_error_code_zip(ze);
	int status = code == ZIP_ER_MEMORY ? LM_ENOMEM : code == ZIP_ER_READ || code == ZIP_ER_OPEN ? LM_EIO : LM_EDATA;
	if (status == LM_ENOMEM)
		return status;
	return lm__error(err, status, x->name, 0, 0, "%s%s%s", part ? part : "", part ? ": " : "",
			 zip_error_strerror(ze));
}

/* Parse a whole part of the workbook with the handlers set on x->parser. */
static int parse_part(struct lm_xlsx *x, const char *path, lm_error *err)
{
	zip_file_t *f = zip_fopen(x->zip, path, 0);
	if (!f)
		return zip_problem(x, path, zip_get_error(x->zip), err);
	int r = LM_OK;
	for (;;) {
		zip_int64_t n = zip_fread(f, x->chunk, sizeof(x->chunk));
		if (n < 0) {
			r = zip_problem(x, path, zip_file_get_error(f), err);
			break;
		}
		if (XML_Parse(x->parser, x->chunk, (int)n, n == 0) != XML_STATUS_OK) {
			r = x->status == LM_OK || x->doctype ? xml_error(x, LM_EDATA, path, err) : x->status;
			if (r == LM_ELIMIT)
				lm__error(err, LM_ELIMIT, x->name, 0, 0,
					  "%s is larger than this reader's limits (%u MiB of shared strings, %d sheets, "
					  "%d cell formats)",
					  path, XLSX_SST_MAX >> 20, XLSX_SHEETS_MAX, XLSX_FORMATS_MAX);
			break;
		}
		if (n == 0)
			break;
	}
	zip_fclose(f);
	XML_ParserFree(x->parser);
	x->parser = NULL;
	return r;
}

static void fail(struct lm_xlsx *x, int status)
{
	if (x->status == LM_OK)
		x->status = status;
	XML_StopParser(x->parser, XML_FALSE);
}

/* ---- the workbook: sheets, relationships, styles -------------------------- */

static void XMLCALL workbook_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct lm_xlsx *x = data;
	const char *n = local(name);
	if (strcmp(n, "workbookPr") == 0) {
		const char *d = attr(atts, "date1904");
		x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (strcmp(n, "sheet") == 0) {
		const char *sname = attr(atts, "name"), *rid = attr(atts, "id");
		if (!sname || !rid)
			return;
		if (x->n_sheets == XLSX_SHEETS_MAX) {
			fail(x, LM_ELIMIT);
			return;
		}
		struct sheet_ref *v = realloc(x->sheets, (x->n_sheets + 1) * sizeof(*v));
		if (!v) {
				fail(x, LM_ENOMEM);
				return;
			}
		x->sheets = v;
		v += x->n_sheets;
		v->path = NULL;
		v->name = lm__strdup(sname);
		v->rid = lm__strdup(rid);
		x->n_sheets++;
		if (!v->name || !v->rid)
			fail(x, LM_ENOMEM);
	}
}

/* A relationship's target as a path in the zip: relative to xl/, or absolute. */
static char *part_path(const char *target)
{
	if (target[0] == '/')
		return lm__strdup(target + 1);
	const char *base = "xl/";
	while (strncmp(target, "./", 2) == 0)
		target += 2;
	if (strncmp(target, "../", 3) == 0) {
		base = "";
		target += 3;
	}
	size_t b = strlen(base), t = strlen(target);
	char *p = malloc(b + t + 1);
	if (p) {
		memcpy(p, base, b);
		memcpy(p + b, target, t + 1);
	}
	return p;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);
	return n >= t && strcmp(s + n - t, tail) == 0;
}

static void XMLCALL rels_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct lm_xlsx *x = data;
	if (strcmp(local(name), "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *target = attr(atts, "Target"), *type = attr(atts, "Type"),
		   *mode = attr(atts, "TargetMode");
	if (!id || !target || !type || (mode && strcmp(mode, "External") == 0))
		return;
	if (++x->n_rels > 2 * XLSX_SHEETS_MAX + 100) { /* each is matched against every sheet */
		fail(x, LM_ELIMIT);
		return;
	}
	char **slot = NULL;
	if (ends_with(type, "/sharedStrings"))
		slot = &x->sst_path;
	else if (ends_with(type, "/styles"))
		slot = &x->styles_path;
	for (size_t k = 0; !slot && k < x->n_sheets; k++)
		if (!x->sheets[k].path && strcmp(x->sheets[k].rid, id) == 0)
			slot = &x->sheets[k].path;
	if (!slot || *slot)
		return;
	if (!(*slot = part_path(target)))
		fail(x, LM_ENOMEM);
}

/* Number format ids are below 65,536 (Excel writes custom ones from 164). */
#define XLSX_FORMAT_IDS 65536

struct styles {
	struct lm_xlsx *x;
	int in_xfs;
	unsigned char *custom; /* per format id: 1 + the kind of a custom format, or 0 */
	long long *xf_fmt;
	size_t n_xf, cap_xf;
};

static void XMLCALL styles_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct styles *st = ((struct lm_xlsx *)data)->styles;
	const char *n = local(name);
	if (strcmp(n, "cellXfs") == 0) {
		st->in_xfs = 1;
	} else if (strcmp(n, "numFmt") == 0) {
		long long id = count_of(attr(atts, "numFmtId"));
		const char *code = attr(atts, "formatCode");
		if (id >= 0 && id < XLSX_FORMAT_IDS && code)
			st->custom[id] = (unsigned char)(1 + lm__xlsx_format_kind(code));
	} else if (strcmp(n, "xf") == 0 && st->in_xfs) {
		if (st->n_xf == XLSX_FORMATS_MAX) {
			fail(st->x, LM_ELIMIT);
			return;
		}
		if (st->n_xf == st->cap_xf) {
			size_t cap = st->cap_xf ? st->cap_xf * 2 : 64;
			long long *v = realloc(st->xf_fmt, cap * sizeof(*v));
			if (!v) {
				fail(st->x, LM_ENOMEM);
				return;
			}
			st->xf_fmt = v;
			st->cap_xf = cap;
		}
		st->xf_fmt[st->n_xf++] = count_of(attr(atts, "numFmtId"));
	}
}

static void XMLCALL styles_end(void *data, const XML_Char *name)
{
	struct styles *st = ((struct lm_xlsx *)data)->styles;
	if (strcmp(local(name), "cellXfs") == 0)
		st->in_xfs = 0;
}

static int read_styles(struct lm_xlsx *x, lm_error *err)
{
	struct styles st = {.x = x};
	if (!(st.custom = calloc(XLSX_FORMAT_IDS, 1)) || !new_parser(x)) {
		free(st.custom);
		return LM_ENOMEM;
	}
	x->styles = &st;
	XML_SetElementHandler(x->parser, styles_start, styles_end);
	int r = parse_part(x, x->styles_path, err);
	x->styles = NULL;
	if (r == LM_OK && st.n_xf && !(x->xf_kind = malloc(st.n_xf)))
		r = LM_ENOMEM;
	for (size_t k = 0; r == LM_OK && k < st.n_xf; k++) {
		long long id = st.xf_fmt[k];
		int custom = id >= 0 && id < XLSX_FORMAT_IDS ? st.custom[id] : 0;
		x->xf_kind[k] = (unsigned char)(custom ? custom - 1 : lm__xlsx_builtin_kind(id));
	}
	if (r == LM_OK)
		x->n_xf = st.n_xf;
	free(st.custom);
	free(st.xf_fmt);
	return r;
}

/* ---- shared strings ------------------------------------------------------- */

static void XMLCALL sst_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	(void)atts;
	struct lm_xlsx *x = data;
	const char *n = local(name);
	if (strcmp(n, "si") == 0) {
		if (x->n_sst == x->cap_sst) {
			size_t cap = x->cap_sst ? x->cap_sst * 2 : 256;
			size_t *v = realloc(x->sst_off, cap * sizeof(*v));
			if (!v) {
					fail(x, LM_ENOMEM);
					return;
				}
			x->sst_off = v;
			x->cap_sst = cap;
		}
		x->sst_off[x->n_sst] = x->sst.len;
		x->in_cell = 1;
	} else if (strcmp(n, "rPh") == 0) {
		x->rph++;
	} else if (strcmp(n, "t") == 0 && x->in_cell && !x->rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sst_end(void *data, const XML_Char *name)
{
	struct lm_xlsx *x = data;
	const char *n = local(name);
	if (strcmp(n, "si") == 0 && x->in_cell) {
		lm__xlsx_decode_escapes(&x->sst, x->sst_off[x->n_sst]);
		lm__sb_add(&x->sst, "", 1); /* the NUL between strings */
		if (x->sst.failed) {
				fail(x, x->sst.s && x->sst.len + 2 >= XLSX_SST_MAX ? LM_ELIMIT : LM_ENOMEM);
				return;
			}
		x->n_sst++;
		x->in_cell = 0;
	} else if (strcmp(n, "rPh") == 0 && x->rph) {
		x->rph--;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	}
}

static void XMLCALL sst_chars(void *data, const XML_Char *s, int len)
{
	struct lm_xlsx *x = data;
	if (x->in_t)
		lm__sb_add(&x->sst, s, (size_t)len); /* _xHHHH_ decoded at </si> */
}

/* ---- opening -------------------------------------------------------------- */

/* The sheet name as a cell reference writes it: quoted unless it is a plain word. */
static void put_sheet_name(struct lm_strbuf *b, const char *name)
{
	int plain = *name && !(*name >= '0' && *name <= '9');
	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			*p == '.' || (unsigned char)*p >= 0x80;
	if (plain) {
		lm__sb_str(b, name);
		return;
	}
	lm__sb_add(b, "'", 1);
	for (const char *p = name; *p; p++) {
		lm__sb_add(b, p, 1);
		if (*p == '\'')
			lm__sb_add(b, "'", 1); /* doubled, as in Excel */
	}
	lm__sb_add(b, "'", 1);
}

static void put_column(struct lm_strbuf *b, unsigned long col)
{
	char letters[4];
	size_t n = 0;
	while (col && n < sizeof(letters)) {
		col--;
		letters[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	while (n)
		lm__sb_add(b, &letters[--n], 1);
}

char *lm__xlsx_where(const struct lm_xlsx *x, size_t col, unsigned long row)
{
	struct lm_strbuf b = LM_STRBUF_INIT;
	char num[24];
	snprintf(num, sizeof(num), "%lu", row);
	lm__sb_str(&b, x->name);
	lm__sb_add(&b, ":", 1);
	put_sheet_name(&b, x->sheet->name);
	lm__sb_add(&b, "!", 1);
	if (col == LM_NO_INDEX) {
		lm__sb_str(&b, num);
		lm__sb_add(&b, ":", 1);
	} else {
		put_column(&b, (unsigned long)col + 1);
	}
	lm__sb_str(&b, num);
	if (b.failed) {
		lm__sb_free(&b);
		return NULL;
	}
	return lm__sb_take(&b);
}

static void XMLCALL sheet_start(void *data, const XML_Char *name, const XML_Char **atts);
static void XMLCALL sheet_end(void *data, const XML_Char *name);
static void XMLCALL sheet_chars(void *data, const XML_Char *s, int len);

static int open_parts(struct lm_xlsx *x, const char *want, lm_error *err)
{
	if (zip_name_locate(x->zip, "[Content_Types].xml", 0) < 0 || zip_name_locate(x->zip, "xl/workbook.xml", 0) < 0)
		return lm__error(err, LM_EDATA, x->name, 0, 0,
				 "a zip archive, but not an Excel workbook (no xl/workbook.xml): open it in its program "
				 "and save it as an Excel workbook (.xlsx) or as CSV");
	if (!new_parser(x))
		return LM_ENOMEM;
	XML_SetStartElementHandler(x->parser, workbook_start);
	int r = parse_part(x, "xl/workbook.xml", err);
	if (r != LM_OK)
		return r;
	if (!x->n_sheets)
		return lm__error(err, LM_EDATA, x->name, 0, 0, "the workbook has no sheets");
	if (!new_parser(x))
		return LM_ENOMEM;
	XML_SetStartElementHandler(x->parser, rels_start);
	if ((r = parse_part(x, "xl/_rels/workbook.xml.rels", err)) != LM_OK)
		return r;
	for (size_t k = 0; k < x->n_sheets && !x->sheet; k++)
		if (!want || strcmp(x->sheets[k].name, want) == 0)
			x->sheet = &x->sheets[k];
	if (!x->sheet) {
		struct lm_strbuf names = LM_STRBUF_INIT;
		for (size_t k = 0; k < x->n_sheets; k++) {
			if (k)
				lm__sb_str(&names, ", ");
			lm__sb_quoted(&names, x->sheets[k].name, strlen(x->sheets[k].name), 64);
		}
		r = names.failed ? LM_ENOMEM
				 : lm__error(err, LM_EDATA, x->name, 0, 0, "the workbook has no sheet named \"%s\" (its sheets: %s)",
					     want, names.s);
		lm__sb_free(&names);
		return r;
	}
	if (!x->sheet->path)
		return lm__error(err, LM_EDATA, x->name, 0, 0, "sheet \"%s\" has no part in the workbook's relationships",
				 x->sheet->name);
	if (x->styles_path && zip_name_locate(x->zip, x->styles_path, 0) >= 0 && (r = read_styles(x, err)) != LM_OK)
		return r;
	if (x->sst_path && zip_name_locate(x->zip, x->sst_path, 0) >= 0) {
		x->sst.limit = XLSX_SST_MAX;
		if (!new_parser(x))
			return LM_ENOMEM;
		XML_SetElementHandler(x->parser, sst_start, sst_end);
		XML_SetCharacterDataHandler(x->parser, sst_chars);
		x->in_cell = x->in_t = x->rph = 0;
		if ((r = parse_part(x, x->sst_path, err)) != LM_OK)
			return r;
		x->in_cell = x->in_t = x->rph = 0;
	}
	if (!(x->zf = zip_fopen(x->zip, x->sheet->path, 0)))
		return zip_problem(x, x->sheet->path, zip_get_error(x->zip), err);
	if (!new_parser(x))
		return LM_ENOMEM;
	XML_SetElementHandler(x->parser, sheet_start, sheet_end);
	XML_SetCharacterDataHandler(x->parser, sheet_chars);
	x->text.limit = XLSX_CELL_MAX;
	x->value.limit = XLSX_CELL_MAX;
	return LM_OK;
}

int lm__xlsx_open(struct lm_xlsx **out, int fd, const char *data, size_t len, const char *name, const char *sheet,
		  lm_error *err)
{
	*out = NULL;
	struct lm_xlsx *x = calloc(1, sizeof(*x));
	if (!x || !(x->name = lm__strdup(name))) {
		free(x);
		if (fd >= 0)
			close(fd);
		return LM_ENOMEM;
	}
	zip_error_t ze;
	zip_error_init(&ze);
	if (fd >= 0) {
		int e = 0;
		if (!(x->zip = zip_fdopen(fd, ZIP_RDONLY, &e))) {
			close(fd);
			zip_error_set(&ze, e, errno);
		}
	} else {
		zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
		if (src && !(x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze)))
			zip_source_free(src);
	}
	int r;
	if (!x->zip) {
		r = zip_error_code_zip(&ze) == ZIP_ER_MEMORY
			    ? LM_ENOMEM
			    : lm__error(err, LM_EDATA, x->name, 0, 0, "starts like a zip archive (an Excel workbook?) but "
								  "cannot be read as one: %s",
					zip_error_strerror(&ze));
		zip_error_fini(&ze);
		lm__xlsx_close(x);
		return r;
	}
	zip_error_fini(&ze);
	if ((r = lm_error_new(&x->deferred)) != LM_OK || (r = open_parts(x, sheet, err)) != LM_OK) {
		lm__xlsx_close(x);
		return r;
	}
	*out = x;
	return LM_OK;
}

void lm__xlsx_close(struct lm_xlsx *x)
{
	if (!x)
		return;
	if (x->parser)
		XML_ParserFree(x->parser);
	if (x->zf)
		zip_fclose(x->zf);
	if (x->zip)
		zip_discard(x->zip);
	for (size_t k = 0; k < x->n_sheets; k++) {
		free(x->sheets[k].name);
		free(x->sheets[k].rid);
		free(x->sheets[k].path);
	}
	free(x->sheets);
	free(x->sst_path);
	free(x->styles_path);
	free(x->xf_kind);
	lm__sb_free(&x->sst);
	free(x->sst_off);
	lm__sb_free(&x->text);
	lm__sb_free(&x->value);
	lm__sb_free(&x->rowbuf);
	lm__sb_free(&x->out);
	lm_error_free(x->deferred);
	free(x->name);
	free(x);
}

unsigned long lm__xlsx_first_row(const struct lm_xlsx *x)
{
	return x->first_row;
}

const char *lm__xlsx_sheet(const struct lm_xlsx *x)
{
	return x->sheet->name;
}

/* ---- the sheet ------------------------------------------------------------ */

/* A problem with the current cell, or row (col 0): said, and the parse stopped. */
static void cell_fail(struct lm_xlsx *x, lm_error *err, int code, const char *fmt, ...) LM_PRINTF(4, 5);
static void cell_fail(struct lm_xlsx *x, lm_error *err, int code, const char *fmt, ...)
{
	char *where = lm__xlsx_where(x, x->col ? x->col - 1 : LM_NO_INDEX, x->row);
	va_list ap;
	va_start(ap, fmt);
	if (where)
		lm__verror(err, code, where, 0, 0, fmt, ap);
	va_end(ap);
	free(where);
	fail(x, where ? code : LM_ENOMEM);
}

/* Where the sheet's handlers say a problem: kept until the rows before it are read. */
static lm_error *current_err(struct lm_xlsx *x)
{
	return x->deferred;
}

/* "AB12" → column 28 (and the row, which the row element gives too). */
static unsigned long ref_column(const char *r)
{
	unsigned long col = 0;
	for (; (*r >= 'A' && *r <= 'Z'); r++) {
		col = col * 26 + (unsigned long)(*r - 'A' + 1);
		if (col > XLSX_MAX_COL)
			return 0;
	}
	return *r >= '0' && *r <= '9' ? col : 0;
}

static void XMLCALL sheet_start(void *data, const XML_Char *name, const XML_Char **atts)
{
	struct lm_xlsx *x = data;
	const char *n = local(name);
	if (!x->in_data) {
		if (strcmp(n, "sheetData") == 0)
			x->in_data = 1;
		return;
	}
	if (strcmp(n, "row") == 0) {
		const char *r = attr(atts, "r");
		long long row = r ? count_of(r) : (long long)x->row + 1;
		x->col = 0;
		if (row < 1 || (unsigned long long)row > XLSX_MAX_ROW || (unsigned long)row <= x->row) {
			x->row++;
			{
				cell_fail(x, current_err(x), LM_EIO, "row number \"%s\" out of order or out of range",
					 r ? r : "");
				return;
			}
		}
		x->row = (unsigned long)row;
		x->prev_col = x->row_cols = 0;
		x->rowbuf.len = 0;
	} else if (strcmp(n, "c") == 0) {
		const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
		unsigned long col = r ? ref_column(r) : x->prev_col + 1;
		x->col = x->prev_col + 1;
		if (!col || col > XLSX_MAX_COL || col <= x->prev_col)
			{
				cell_fail(x, current_err(x), LM_EIO, "cell reference \"%s\" out of order or out of range",
					 r ? r : "");
				return;
			}
		x->col = x->prev_col = col;
		snprintf(x->type, sizeof(x->type), "%s", t ? t : "n");
		long long style = s ? count_of(s) : 0;
		x->style = style < 0 ? 0 : (unsigned long)style;
		x->text.len = 0;
		x->in_cell = 1;
		x->in_is = x->in_t = x->in_v = x->rph = 0;
	} else if (!x->in_cell) {
		return;
	} else if (strcmp(n, "v") == 0) {
		x->in_v = 1;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 1;
	} else if (strcmp(n, "rPh") == 0) {
		x->rph++;
	} else if (strcmp(n, "t") == 0 && x->in_is && !x->rph) {
		x->in_t = 1;
	}
}

static void XMLCALL sheet_chars(void *data, const XML_Char *s, int len)
{
	struct lm_xlsx *x = data;
	if (x->in_v || x->in_t) {
		lm__sb_add(&x->text, s, (size_t)len);
		if (x->text.failed)
			cell_fail(x, current_err(x), x->text.s ? LM_ELIMIT : LM_ENOMEM,
				  "the cell holds more than %u MiB of text", XLSX_CELL_MAX >> 20);
	}
}

/* The current cell as Excel shows it, in x->value; LM_OK, or the parse stopped. */
static int show_cell(struct lm_xlsx *x)
{
	struct lm_strbuf *v = &x->value;
	const char *t = x->type, *s = x->text.s ? x->text.s : "";
	size_t len = x->text.len;
	v->len = 0;
	if (strcmp(t, "s") == 0) {
		long long k = count_of(len ? s : NULL);
		if (k < 0 || (unsigned long long)k >= x->n_sst) {
			cell_fail(x, current_err(x), LM_EIO, "shared string \"%.*s\" does not exist (the workbook has %zu)",
				  (int)(len > 20 ? 20 : len), s, x->n_sst);
			return x->status;
		}
		lm__sb_str(v, x->sst.s + x->sst_off[k]);
	} else if (strcmp(t, "inlineStr") == 0 || strcmp(t, "str") == 0) {
		lm__sb_add(v, s, len);
		lm__xlsx_decode_escapes(v, 0);
	} else if (strcmp(t, "b") == 0) {
		if (len)
			lm__sb_str(v, len == 1 && *s == '0' ? "FALSE" : "TRUE");
	} else if (strcmp(t, "e") == 0 || strcmp(t, "d") == 0) {
		lm__sb_add(v, s, len); /* "#N/A", an ISO 8601 date */
	} else if (len) {
		double d;
		if (!lm__xlsx_read_number(s, len, &d)) {
			cell_fail(x, current_err(x), LM_EIO, "a number cell holds \"%.*s\", which is not a number",
				  (int)(len > 40 ? 40 : len), s);
			return x->status;
		}
		int kind = x->style < x->n_xf ? x->xf_kind[x->style] : LM_XLSX_NUMBER;
		if (kind == LM_XLSX_NUMBER || !lm__xlsx_put_date(v, d, kind, x->date1904)) {
			char num[LM_NUMBER_MAX];
			lm__sb_add(v, num, (size_t)(lm__put_number(num, d) - num));
		}
	}
	if (v->failed) {
		fail(x, LM_ENOMEM);
		return x->status;
	}
	return LM_OK;
}

/* Append a field to the row: empty ones up to its column first. */
static void row_field(struct lm_xlsx *x, unsigned long col, const char *s, size_t len)
{
	struct lm_strbuf *b = &x->rowbuf;
	while (x->row_cols + 1 < col) {
		lm__sb_add(b, ",", 1);
		x->row_cols++;
	}
	if (x->row_cols)
		lm__sb_add(b, ",", 1);
	x->row_cols = col;
	int quote = 0;
	for (size_t k = 0; k < len && !quote; k++)
		quote = s[k] == ',' || s[k] == '"' || s[k] == '\r' || s[k] == '\n';
	if (!quote) {
		lm__sb_add(b, s, len);
		return;
	}
	lm__sb_add(b, "\"", 1);
	for (const char *p = s, *end = s + len; p < end;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		size_t n = q ? (size_t)(q - p) + 1 : (size_t)(end - p);
		lm__sb_add(b, p, n);
		if (q)
			lm__sb_add(b, "\"", 1);
		p += n;
	}
	lm__sb_add(b, "\"", 1);
}

static void end_row(struct lm_xlsx *x)
{
	if (!x->row_cols)
		return; /* no value: an empty line if a row with values follows */
	if (!x->first_row) {
		x->first_row = x->row;
		x->width = x->row_cols;
	} else {
		for (unsigned long r = x->last_row + 1; r < x->row; r++)
			lm__sb_add(&x->out, "\n", 1);
	}
	if (x->row_cols < x->width)
		row_field(x, x->width, "", 0);
	x->last_row = x->row;
	if (x->rowbuf.len > XLSX_CELL_MAX) {
		x->col = 0;
		{
			cell_fail(x, current_err(x), LM_ELIMIT, "the row is longer than %u MiB as text",
				 XLSX_CELL_MAX >> 20);
			return;
		}
	}
	lm__sb_add(&x->out, x->rowbuf.s ? x->rowbuf.s : "", x->rowbuf.len);
	lm__sb_add(&x->out, "\n", 1);
	if (x->out.failed || x->rowbuf.failed) {
			fail(x, LM_ENOMEM);
			return;
		}
	if (x->out.len - x->out_pos >= XLSX_OUT_HIGH)
		XML_StopParser(x->parser, XML_TRUE); /* resumed when it is read */
}

static void XMLCALL sheet_end(void *data, const XML_Char *name)
{
	struct lm_xlsx *x = data;
	if (!x->in_data)
		return;
	const char *n = local(name);
	if (strcmp(n, "c") == 0 && x->in_cell) {
		x->in_cell = 0;
		if (show_cell(x) != LM_OK)
			return;
		if (x->value.len)
			row_field(x, x->col, x->value.s, x->value.len);
		if (x->rowbuf.failed)
			fail(x, LM_ENOMEM);
	} else if (strcmp(n, "row") == 0) {
		x->col = 0;
		end_row(x);
	} else if (strcmp(n, "sheetData") == 0) {
		x->in_data = 0;
		x->finished = 1;
		XML_StopParser(x->parser, XML_FALSE); /* the rest of the sheet is not data */
	} else if (strcmp(n, "v") == 0) {
		x->in_v = 0;
	} else if (strcmp(n, "is") == 0) {
		x->in_is = 0;
	} else if (strcmp(n, "rPh") == 0 && x->rph) {
		x->rph--;
	} else if (strcmp(n, "t") == 0) {
		x->in_t = 0;
	}
}


/* Parse more of the sheet: LM_OK (maybe with no new text yet), or the error. */
static int parse_more(struct lm_xlsx *x, lm_error *err)
{
	enum XML_Status st;
	if (x->suspended) {
		st = XML_ResumeParser(x->parser);
	} else {
		zip_int64_t n = zip_fread(x->zf, x->chunk, sizeof(x->chunk));
		if (n < 0)
			return x->status = zip_problem(x, x->sheet->path, zip_file_get_error(x->zf), err);
		x->final = n == 0;
		st = XML_Parse(x->parser, x->chunk, (int)n, x->final);
	}
	x->suspended = st == XML_STATUS_SUSPENDED;
	if (st == XML_STATUS_ERROR && !x->finished) {
		if (x->status == LM_OK || x->doctype)
			x->status = xml_error(x, LM_EIO, x->sheet->path, err);
		return x->status;
	}
	if (st == XML_STATUS_OK && x->final)
		x->finished = 1;
	return LM_OK;
}

long lm__xlsx_read(struct lm_xlsx *x, char *buf, size_t size, lm_error *err)
{
	/* The rows before a problem are handed out before it is said and returned. */
	while (x->out_pos == x->out.len) {
		x->out_pos = x->out.len = 0;
		if (x->status != LM_OK || x->finished)
			break;
		parse_more(x, x->deferred);
	}
	if (x->out_pos == x->out.len) {
		lm__error_move(err, x->deferred);
		return x->status;
	}
	size_t n = x->out.len - x->out_pos;
	if (n > size)
		n = size;
	memcpy(buf, x->out.s + x->out_pos, n);
	x->out_pos += n;
	return (long)n;
}
