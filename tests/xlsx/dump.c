/*
 * Test helper: every field of every row of a table (a workbook's sheet, or
 * CSV) read with the four-item test instrument of test_xlsx.c and the
 * table's ids off, one JSON array of strings per line, the header first;
 * a rejected row is printed too, after its diagnostics on standard error.
 * Usage: dump FILE [SHEET]. Exit 0, or 1 when the table cannot be opened.
 */
#include <stdio.h>
#include <string.h>

#include "libra_measures/libra_measures.h"
#include "../helpers.h"

static void put_json(const char *s, size_t len)
{
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: dump FILE [SHEET]\n", stderr);
		return 2;
	}
	lm_instrument *inst = NULL;
	lm_table *t = NULL;
	lm_scorer *s = NULL;
	lm_error *err = NULL;
	int status = 1;
	if (lm_instrument_load_buffer(&inst, tab_yaml, tab_yaml_len, "tab.yaml", NULL) != LM_OK ||
	    lm_table_new(&t, inst) != LM_OK || lm_scorer_new(&s, inst) != LM_OK || lm_error_new(&err) != LM_OK ||
	    lm_table_set_no_id(t, 1) != LM_OK || (argc == 3 && lm_table_set_sheet(t, argv[2]) != LM_OK))
		goto out;
	if (lm_table_open_file(t, argv[1], err) == LM_OK) {
		size_t n = lm_table_column_count(t);
		putchar('[');
		for (size_t k = 0; k < n; k++) {
			if (k)
				putchar(',');
			put_json(lm_table_column_name(t, k), strlen(lm_table_column_name(t, k)));
		}
		puts("]");
		int r;
		while ((r = lm_table_next(t, s, err)) == 1 || r == LM_EDATA) {
			putchar('[');
			for (size_t k = 0; k < n; k++) {
				size_t len;
				const char *f = lm_table_field(t, k, &len);
				if (k)
					putchar(',');
				put_json(f ? f : "", f ? len : 0);
			}
			puts("]");
		}
		status = r == 0 ? 0 : 1;
	}
	for (size_t i = 0; i < lm_error_count(err); i++)
		fprintf(stderr, "%s\n", lm_error_text(err, i));
out:
	lm_error_free(err);
	lm_scorer_free(s);
	lm_table_free(t);
	lm_instrument_free(inst);
	return status;
}
