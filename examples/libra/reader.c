/*
 * libra — the reading options of a table (score, prepost, report):
 * --delimiter, --prefix, --map, --map-file, --missing, --value-labels, --sheet.
 */
#include <stdio.h>
#include <string.h>

#include "libra.h"
#include "reader.h"

size_t reader_options(struct reader *r, struct option_spec *opts)
{
	const struct option_spec mine[READER_NOPTS] = {
		{"delimiter", 'd', &r->delimiter_arg},
		{"prefix", 0, &r->prefix},
		{"map", 0, &r->map},
		{"map-file", 0, &r->map_file},
		{"missing", 0, &r->missing},
		{"value-labels", 0, &r->value_labels},
		{"sheet", 0, &r->sheet},
	};

	memcpy(opts, mine, sizeof mine);
	return READER_NOPTS;
}

int reader_check(struct reader *r)
{
	if (r->delimiter_arg && !delimiter_of(r->delimiter_arg, &r->delimiter))
		return usage_error("--delimiter must be one character (or 'tab'), not", r->delimiter_arg);
	return EXIT_OK;
}

/*
 * Apply --delimiter, --prefix, --map, --map-file, --missing to an unopened
 * table. A malformed option is said here and gives LM_EINVAL with no
 * diagnostic in err: the caller then shows the usage.
 */
int configure_table(lm_table *table, const struct reader *r, lm_error *err)
{
	int rc = LM_OK;
	if (r->delimiter && lm_table_set_delimiter(table, r->delimiter) != LM_OK) {
		fputs("libra: --delimiter cannot be a quote, CR or LF\n", stderr);
		return LM_EINVAL;
	}
	if (rc == LM_OK && r->prefix)
		rc = lm_table_set_prefix(table, r->prefix);
	if (rc == LM_OK && r->sheet && !*r->sheet) {
		fputs("libra: --sheet needs the name of a sheet\n", stderr);
		return LM_EINVAL;
	}
	if (rc == LM_OK && r->sheet)
		rc = lm_table_set_sheet(table, r->sheet);
	/* ITEM=COLUMN,ITEM=COLUMN */
	for (const char *p = r->map; rc == LM_OK && p && *p;) {
		size_t len = strcspn(p, ","), eq = strcspn(p, "=");
		char item[256], column[256];
		if (eq >= len || eq == 0 || len - eq - 1 == 0 || eq >= sizeof(item) || len - eq - 1 >= sizeof(column)) {
			fprintf(stderr, "libra: --map wants ITEM=COLUMN pairs separated by commas, not '%.*s'\n", (int)len,
				p);
			return LM_EINVAL;
		}
		memcpy(item, p, eq);
		item[eq] = '\0';
		memcpy(column, p + eq + 1, len - eq - 1);
		column[len - eq - 1] = '\0';
		rc = lm_table_map_column(table, item, column, err);
		p += len + (p[len] == ',');
	}
	if (rc == LM_OK && r->map_file)
		rc = lm_table_read_map(table, r->map_file, err);
	if (rc == LM_OK && r->value_labels) {
		if (strcmp(r->value_labels, "yes") != 0 && strcmp(r->value_labels, "no") != 0) {
			fprintf(stderr, "libra: --value-labels takes yes or no, not '%s'\n", r->value_labels);
			return LM_EINVAL;
		}
		rc = lm_table_set_value_labels(table, strcmp(r->value_labels, "yes") == 0);
	}
	for (const char *p = r->missing; rc == LM_OK && p && *p;) {
		size_t len = strcspn(p, ",");
		char token[256];
		if (len >= sizeof(token))
			len = sizeof(token) - 1;
		memcpy(token, p, len);
		token[len] = '\0';
		rc = lm_table_add_missing(table, token);
		p += strcspn(p, ",");
		p += *p == ',';
	}
	return rc;
}
