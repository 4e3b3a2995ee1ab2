/*
 * Fuzz target: the Excel workbook reader (lib/xlsx.c) through
 * lm_table_open_buffer() and lm_table_next(), every row scored.
 *
 * A workbook's bytes are a zip, whose checksums and compression a mutation
 * almost always breaks before the XML is reached; so the input is the XML,
 * and a stored (uncompressed) zip is built around it here with libzip.
 *
 * Input: one option byte, then up to three parts separated by "\n@@\n":
 * the sheet (xl/worksheets/sheet1.xml), the shared strings
 * (xl/sharedStrings.xml) and the styles (xl/styles.xml); a part not given is
 * left out of the workbook.
 *   bit 0     the 1904 date system
 *   bit 1     the sheet asked for by name ("Data")
 *   bit 2     a sheet that is not there asked for ("Nope")
 *   bit 3     "NA" is blank
 *   bit 4     rows have ids (the column "id"); else they are numbered
 *   bit 5     the whole zip is cut after (option byte * 7) bytes
 */
#include "fuzz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "libra_measures/libra_measures.h"
#include "../helpers.h"

static const char content_types[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";

static const char workbook_rels[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	"Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId3\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" "
	"Target=\"/xl/sharedStrings.xml\"/>"
	"</Relationships>";

static lm_instrument *instrument(void)
{
	static lm_instrument *inst;
	if (!inst)
		CHECK(lm_instrument_load_buffer(&inst, tab_yaml, tab_yaml_len, "tab.yaml", NULL) == LM_OK);
	return inst;
}

static int add(zip_t *z, const char *name, const char *data, size_t len)
{
	zip_source_t *s = zip_source_buffer(z, data, len, 0);
	if (!s)
		return -1;
	zip_int64_t k = zip_file_add(z, name, s, ZIP_FL_ENC_UTF_8);
	if (k < 0) {
		zip_source_free(s);
		return -1;
	}
	return zip_set_file_compression(z, (zip_uint64_t)k, ZIP_CM_STORE, 0);
}

/* The zip of the parts, in *out (malloc'd); 0, or -1 when libzip fails. */
static int build(const char *parts[3], const size_t lens[3], int date1904, char **out, size_t *len)
{
	char workbook[512];
	snprintf(workbook, sizeof workbook,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		 "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
		 "<workbookPr date1904=\"%d\"/><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
		 "</workbook>",
		 date1904);
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	zip_t *z = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	zip_error_fini(&ze);
	if (!z) {
		zip_source_free(src);
		return -1;
	}
	zip_source_keep(src);
	static const char *const names[3] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"};
	int r = add(z, "[Content_Types].xml", content_types, sizeof content_types - 1);
	r |= add(z, "xl/workbook.xml", workbook, strlen(workbook));
	r |= add(z, "xl/_rels/workbook.xml.rels", workbook_rels, sizeof workbook_rels - 1);
	for (int k = 0; k < 3; k++)
		if (parts[k])
			r |= add(z, names[k], parts[k], lens[k]);
	if (r != 0 || zip_close(z) != 0) {
		zip_discard(z);
		zip_source_free(src);
		return -1;
	}
	r = -1;
	if (zip_source_open(src) == 0) {
		zip_source_seek(src, 0, SEEK_END);
		zip_int64_t n = zip_source_tell(src);
		zip_source_seek(src, 0, SEEK_SET);
		*out = n > 0 ? malloc((size_t)n) : NULL;
		if (*out && zip_source_read(src, *out, (zip_uint64_t)n) == n) {
			*len = (size_t)n;
			r = 0;
		}
		zip_source_close(src);
	}
	zip_source_free(src);
	if (r != 0) {
		free(*out);
		*out = NULL;
	}
	return r;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || !lm_table_has_xlsx())
		return 0;
	unsigned opt = data[0];
	const char *p = (const char *)data + 1, *end = (const char *)data + size;
	const char *parts[3] = {NULL, NULL, NULL};
	size_t lens[3] = {0, 0, 0};
	for (int k = 0; k < 3 && p <= end; k++) {
		const char *sep = NULL;
		for (const char *q = p; q + 4 <= end; q++)
			if (memcmp(q, "\n@@\n", 4) == 0) {
				sep = q;
				break;
			}
		parts[k] = p;
		lens[k] = (size_t)((sep ? sep : end) - p);
		if (!sep)
			break;
		p = sep + 4;
	}
	char *zipped = NULL;
	size_t zlen = 0;
	if (build(parts, lens, opt & 1u, &zipped, &zlen) != 0)
		return 0;
	if ((opt & 0x20u) && opt * 7u < zlen)
		zlen = opt * 7u;

	const lm_instrument *inst = instrument();
	lm_table *t = NULL;
	lm_scorer *s = NULL;
	lm_error *err = NULL;
	if (lm_table_new(&t, inst) != LM_OK || lm_scorer_new(&s, inst) != LM_OK || lm_error_new(&err) != LM_OK)
		goto out;
	if (opt & 2u)
		CHECK(lm_table_set_sheet(t, "Data") == LM_OK);
	if (opt & 4u)
		CHECK(lm_table_set_sheet(t, "Nope") == LM_OK);
	if (opt & 8u)
		CHECK(lm_table_add_missing(t, "NA") == LM_OK);
	if (!(opt & 0x10u))
		CHECK(lm_table_set_no_id(t, 1) == LM_OK);
	int rc = lm_table_open_buffer(t, zipped, zlen, "fuzz.xlsx", err);
	if (rc != LM_OK) {
		CHECK(lm_error_total(err) > 0 || rc == LM_ENOMEM);
		CHECK(!(opt & 4u) || rc != LM_OK);
		goto out;
	}
	CHECK(!(opt & 4u));
	CHECK(strcmp(lm_table_sheet(t), "Data") == 0);
	for (size_t k = 0; k < lm_table_column_count(t); k++)
		CHECK(lm_table_column_name(t, k) != NULL);
	for (;;) {
		lm_error_clear(err);
		int r = lm_table_next(t, s, err);
		if (r == 0)
			break;
		if (r != 1 && r != LM_EDATA)
			break; /* reading cannot go on; said when it was met, maybe while reading ahead */
		if (r == LM_EDATA) {
			CHECK(lm_error_total(err) > 0 && lm_table_row_problem(t) != NULL);
			/* A cell's problem is located by the cell: "fuzz.xlsx:Data!..." */
			CHECK(strncmp(lm_error_file(err, 0), "fuzz.xlsx:Data!", 15) == 0);
		} else {
			double v = lm_scorer_scale_score(s, 0);
			CHECK(isnan(v) || (v >= 1 - 1e-9 && v <= 15 + 1e-9));
		}
		for (size_t k = 0; k < lm_table_column_count(t); k++) {
			size_t len;
			const char *f = lm_table_field(t, k, &len);
			if (f && len)
				(void)(unsigned char)f[len - 1];
		}
		(void)lm_table_line(t);
	}
	CHECK(lm_table_rows_rejected(t) <= lm_table_rows_read(t));
out:
	lm_error_free(err);
	lm_scorer_free(s);
	lm_table_free(t);
	free(zipped);
	return 0;
}
