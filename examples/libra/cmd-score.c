/*
 * libra score: a CSV table scored one record per data row, or one respondent
 * given with --responses printed as a table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "files.h"
#include "libra.h"
#include "print.h"
#include "problems.h"
#include "reader.h"

/* The reconciliation line: every row read is scored or rejected, and why. */
static void print_reconciliation(const lm_table *table, unsigned long scored, unsigned long insufficient)
{
	unsigned long rejected = lm_table_rows_rejected(table);
	fprintf(stderr, "rows read: %lu, scored: %lu (insufficient on some scale: %lu), rejected: %lu",
		lm_table_rows_read(table), scored, insufficient, rejected);
	if (rejected) {
		static const char *const why[] = {"not a response", "wrong number of fields", "unclosed quote",
						  "NUL byte or not UTF-8"};
		const char *sep = " (";
		for (int k = LM_REJECT_VALUE; k <= LM_REJECT_TEXT; k++) {
			unsigned long n = lm_table_rows_rejected_for(table, k);
			if (n) {
				fprintf(stderr, "%s%s: %lu", sep, why[k], n);
				sep = ", ";
			}
		}
		fputc(')', stderr);
	}
	if (lm_table_rows_blank(table))
		fprintf(stderr, ", blank rows skipped: %lu", lm_table_rows_blank(table));
	if (lm_table_case_matches(table))
		fprintf(stderr, ", item columns matched ignoring case: %zu", lm_table_case_matches(table));
	fputc('\n', stderr);
}

/* The columns carried into the output (--keep NAME,... or --keep-all). */
struct keep {
	const char *list; /* --keep's argument, or NULL */
	int all;          /* --keep-all */
	size_t n;
	size_t *handle;   /* --keep: the table's handles; --keep-all: column numbers */
};

/* Ask the table for each column of --keep (before it is opened): the header
 * check then names every one that is absent, at once. */
static int keep_require(lm_table *table, struct keep *keep)
{
	if (!keep->list)
		return LM_OK;
	size_t n = 1;
	for (const char *c = keep->list; *c; c++)
		n += *c == ',';
	if (!(keep->handle = calloc(n, sizeof(*keep->handle))))
		return LM_ENOMEM;
	char name[1024];
	for (const char *p = keep->list;; p++) {
		size_t len = strcspn(p, ",");
		snprintf(name, sizeof name, "%.*s", (int)(len < sizeof name ? len : sizeof name - 1), p);
		int rc = lm_table_require_column(table, name, &keep->handle[keep->n]);
		if (rc != LM_OK)
			return rc;
		keep->n++;
		p += len;
		if (!*p)
			break;
	}
	return LM_OK;
}

/* Carry the columns into the writer (the table is open); every problem said. */
static int keep_columns(lm_table *table, lm_writer *writer, struct keep *keep, lm_error *err)
{
	int rc = LM_OK;
	if (keep->all) {
		const char *id_col = lm_table_id_column(table);
		size_t ncols = lm_table_column_count(table);
		if (!(keep->handle = calloc(ncols + 1, sizeof(*keep->handle))))
			return LM_ENOMEM;
		for (size_t k = 0; k < ncols; k++) {
			const char *name = lm_table_column_name(table, k);
			if (id_col && strcmp(name, id_col) == 0)
				continue; /* written as the id */
			keep->handle[keep->n++] = k;
		}
	}
	for (size_t k = 0; k < keep->n; k++) {
		const char *name = keep->all ? lm_table_column_name(table, keep->handle[k]) : NULL;
		char buf[1024];
		if (!keep->all) {
			const char *p = keep->list;
			for (size_t i = 0; i < k; i++)
				p += strcspn(p, ",") + 1;
			size_t len = strcspn(p, ",");
			snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), p);
			name = buf;
		}
		int r = lm_writer_add_column(writer, name, err);
		if (r != LM_OK && rc == LM_OK)
			rc = r;
	}
	return rc;
}

static int score_table(const lm_instrument *inst, lm_error *err, const char *data, const char *out,
		       int format, const char *id_column, int no_id, const struct reader *reader, const char *rejects_path,
		       struct keep *keep, unsigned threads, lm_outputs *set)
{
	const char *data_name = data && strcmp(data, "-") != 0 ? data : NULL;
	const char *out_name = out && strcmp(out, "-") != 0 ? out : NULL;
	int status = EXIT_PROBLEMS, rc, stopped = 0, fatal = LM_OK;
	lm_table *table = NULL;
	lm_writer *writer = NULL;
	lm_rejects *rejects = NULL;
	unsigned long rejected, insufficient = 0;

	rc = lm_table_new(&table, inst);
	if (rc == LM_OK && id_column)
		rc = lm_table_set_id_column(table, id_column);
	if (rc == LM_OK && no_id)
		rc = lm_table_set_no_id(table, 1);
	if (rc == LM_OK)
		rc = configure_table(table, reader, err);
	if (rc == LM_OK)
		rc = keep_require(table, keep);
	if (rc == LM_EINVAL && !lm_error_count(err)) {
		lm_table_free(table);
		print_try_help();
		return EXIT_USAGE;
	}
	if (rc != LM_OK) {
		print_problems(err, rc);
		lm_table_free(table);
		return EXIT_PROBLEMS;
	}

	/* With --keep, the output is opened first so that a name it cannot carry
	 * is said together with the names the header lacks. */
	int keep_rc = LM_OK;
	if (keep->list) {
		rc = out_name ? lm_writer_open_file(&writer, inst, format, out_name, err)
			      : lm_writer_open_fd(&writer, inst, format, STDOUT_FILENO, err);
		if (rc == LM_OK)
			keep_rc = keep_columns(table, writer, keep, err);
	}
	if (rc == LM_OK)
		rc = data_name ? lm_table_open_file(table, data_name, err)
			       : lm_table_open_fd(table, STDIN_FILENO, "<stdin>", err);
	if (rc == LM_OK && !writer)
		rc = out_name ? lm_writer_open_file(&writer, inst, format, out_name, err)
			      : lm_writer_open_fd(&writer, inst, format, STDOUT_FILENO, err);
	if (rc == LM_OK && keep->all)
		rc = keep_columns(table, writer, keep, err);
	if (rc == LM_OK)
		rc = keep_rc;
	if (rc == LM_OK && rejects_path)
		rc = lm_rejects_open_file(&rejects, table, rejects_path, err);
	if (rc != LM_OK) {
		print_problems(err, rc);
		setting_hints(err, id_column || no_id, 1);
		goto done;
	}

	/* Rows after a rejected one are still written, though never committed,
	 * so that "scored" counts every row that passed. An output that fails
	 * stops the reading; why is said when it is staged. */
	rc = lm_score_table(table, writer, rejects, threads, &insufficient, err);
	if (rc < 0) {
		stopped = 1;
		fatal = rc;
	}
	rejected = lm_table_rows_rejected(table);
	/* Every problem once; then the list is empty, so that a write error
	 * always has room in it, however many rows were rejected. */
	print_problems(err, fatal);
	missing_hints(err);
	lm_error_clear(err);
	if (stopped || (rejected > 0 && !rejects)) {
		fprintf(stderr, "libra: no output written%s\n",
			stopped ? "" : ": rows were rejected (--rejects FILE keeps them apart and writes the rest)");
	} else {
		/* Both outputs are staged (written whole and made durable), each
		 * error said, and only then put in place together: or neither is. */
		int ok = 1;
		if (rejects)
			ok = lm_rejects_stage(rejects, set, err) == LM_OK;
		ok &= lm_writer_stage(writer, set, err) == LM_OK;
		if (ok && lm_outputs_commit(set, err) == LM_OK)
			status = rejected ? EXIT_REJECTED : EXIT_OK;
		if (status == EXIT_PROBLEMS) {
			print_problems(err, LM_EIO);
			fputs("libra: no output written\n", stderr);
		}
		if (status != EXIT_PROBLEMS && rejected)
			fprintf(stderr, "libra: %lu rejected row%s written to %s\n", rejected, rejected == 1 ? "" : "s",
				rejects_path);
	}
done:
	print_reconciliation(table, writer ? lm_writer_records(writer) : 0UL, insufficient);
	lm_writer_free(writer);
	lm_rejects_free(rejects);
	lm_table_free(table);
	return status;
}

/* Score one respondent given on the command line; print a table of scales and rules. */
static int score_responses(const lm_instrument *inst, lm_scorer *scorer, lm_error *err, const char *values)
{
	static const char *const rule_words[] = {"false", "true"};
	size_t n_items = lm_instrument_item_count(inst), n_values = 1, w_scale = 5, w_score = 5, w_answered = 8,
	       w_status = 6;
	const char *p = values;
	int bad = 0;
	char b[32], cell[64];

	for (const char *c = values; *c; c++)
		n_values += *c == ',';
	if (n_values != n_items) {
		fprintf(stderr, "libra: --responses has %zu value%s, but %s has %zu items\n", n_values,
			n_values == 1 ? "" : "s", lm_instrument_id(inst), n_items);
		return EXIT_PROBLEMS;
	}

	lm_scorer_clear(scorer);
	for (size_t k = 0; k < n_items; k++) {
		size_t len = strcspn(p, ",");
		int rc;

		lm_error_clear(err);
		rc = lm_scorer_set_text(scorer, k, p, len, err);
		if (rc != LM_OK) {
			/* The library's message names the item. */
			for (size_t i = 0; i < lm_error_count(err); i++)
				fprintf(stderr, "response %zu: %s\n", k + 1, lm_error_message(err, i));
			if (lm_error_count(err) == 0)
				fprintf(stderr, "response %zu: %s\n", k + 1, lm_strerror(rc));
			bad = 1;
		}
		p += len + (p[len] == ',');
	}
	if (bad)
		return EXIT_PROBLEMS;
	if (lm_scorer_run(scorer) != LM_OK) {
		fputs("libra: scoring failed\n", stderr);
		return EXIT_PROBLEMS;
	}

	for (size_t s = 0; s < lm_instrument_scale_count(inst); s++) {
		const lm_scale *scale = lm_instrument_scale(inst, s);

		update_width(&w_scale, lm_scale_id(scale));
		update_width(&w_score, num(b, lm_scorer_scale_score(scorer, s)));
		snprintf(cell, sizeof cell, "%zu/%zu", lm_scorer_scale_answered(scorer, s), lm_scale_item_count(scale));
		update_width(&w_answered, cell);
		update_width(&w_status, lm_score_status_name(lm_scorer_scale_status(scorer, s)));
	}
	print_cell("SCALE", w_scale);
	print_cell("SCORE", w_score);
	print_cell("ANSWERED", w_answered);
	print_cell("STATUS", w_status);
	puts("BAND");
	for (size_t s = 0; s < lm_instrument_scale_count(inst); s++) {
		const lm_scale *scale = lm_instrument_scale(inst, s);
		long band = lm_scorer_scale_band(scorer, s);

		print_cell(lm_scale_id(scale), w_scale);
		print_cell(num(b, lm_scorer_scale_score(scorer, s)), w_score);
		snprintf(cell, sizeof cell, "%zu/%zu", lm_scorer_scale_answered(scorer, s), lm_scale_item_count(scale));
		print_cell(cell, w_answered);
		print_cell(lm_score_status_name(lm_scorer_scale_status(scorer, s)), w_status);
		if (band >= 0)
			printf("%s (%s)\n", lm_band_label(lm_scale_band(scale, (size_t)band)),
			       lm_band_id(lm_scale_band(scale, (size_t)band)));
		else
			puts("-");
	}

	if (lm_instrument_rule_count(inst) > 0) {
		size_t w_rule = 4;

		for (size_t r = 0; r < lm_instrument_rule_count(inst); r++)
			update_width(&w_rule, lm_rule_id(lm_instrument_rule(inst, r)));
		putchar('\n');
		print_cell("RULE", w_rule);
		print_cell("OUTCOME", 16);
		puts("LABEL");
		for (size_t r = 0; r < lm_instrument_rule_count(inst); r++) {
			const lm_rule *rule = lm_instrument_rule(inst, r);
			int v = lm_scorer_rule(scorer, r);

			print_cell(lm_rule_id(rule), w_rule);
			print_cell(v == LM_RULE_TRUE || v == LM_RULE_FALSE ? rule_words[v] : "not determinable", 16);
			puts(lm_rule_label(rule));
		}
	}
	return EXIT_OK;
}

int cmd_score(int argc, char **argv)
{
	const char *out = NULL, *format_name = NULL, *id_column = NULL, *responses = NULL;
	const char *rejects = NULL, *threads_arg = NULL;
	unsigned threads = 0; /* one worker per processor */
	int no_id = 0;
	struct keep keep = {0};
	struct reader reader = {0};
	struct option_spec opts[7 + READER_NOPTS] = {
		{"output", 'o', &out},
		{"format", 'f', &format_name},
		{"id-column", 0, &id_column},
		{"responses", 'r', &responses},
		{"rejects", 0, &rejects},
		{"keep", 0, &keep.list},
		{"threads", 0, &threads_arg},
	};
	size_t nopts = 7 + reader_options(&reader, opts + 7);
	int npos = 0, exit_status, format = LM_WRITER_CSV, status, rc;
	const char *data;
	lm_instrument *inst = NULL;
	lm_scorer *scorer = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (take_flag(&argc, argv, "no-id", &no_id) != EXIT_OK || take_flag(&argc, argv, "keep-all", &keep.all) != EXIT_OK)
		return EXIT_USAGE;
	if (!parse_args(argc, argv, opts, nopts, &npos, &exit_status))
		return exit_status;
	if (npos == 0)
		return usage_error("score: missing INSTRUMENT", NULL);
	if (npos > 2 || (responses && npos > 1))
		return usage_error("score: too many arguments; unexpected", argv[responses ? 1 : 2]);
	if (responses && (out || format_name || id_column || no_id || reader.delimiter_arg || rejects || threads_arg || reader.prefix ||
			  reader.map || reader.map_file || reader.missing || keep.list || keep.all))
		return usage_error("--responses scores one respondent and prints a table; it takes no options for tables",
				   NULL);
	if (format_name) {
		if (strcmp(format_name, "csv") == 0)
			format = LM_WRITER_CSV;
		else if (strcmp(format_name, "json") == 0 || strcmp(format_name, "jsonl") == 0)
			format = LM_WRITER_JSONL;
		else if (strcmp(format_name, "xlsx") == 0)
			format = LM_WRITER_XLSX;
		else if (strcmp(format_name, "sav") == 0)
			format = LM_WRITER_SAV;
		else if (strcmp(format_name, "dta") == 0)
			format = LM_WRITER_DTA;
		else
			return usage_error("--format must be csv, json, xlsx, sav or dta, not", format_name);
	} else if (out && strcmp(out, "-") != 0) {
		format = lm_writer_format_for_path(out); /* scores.xlsx, scores.sav, scores.dta */
	}
	if ((format == LM_WRITER_XLSX || format == LM_WRITER_SAV || format == LM_WRITER_DTA) &&
	    (!out || strcmp(out, "-") == 0) && isatty(STDOUT_FILENO))
		return usage_error("an Excel, SPSS or Stata file is not for a terminal: give -o FILE", NULL);
	if (keep.list && keep.all)
		return usage_error("--keep names the columns to carry and --keep-all carries every one: give one of them",
				   NULL);
	if (keep.list) {
		const char *p = keep.list;
		for (;;) {
			size_t len = strcspn(p, ",");
			if (len == 0)
				return usage_error("--keep takes column names separated by commas, none empty; not", keep.list);
			p += len;
			if (!*p++)
				break;
		}
	}
	if (reader_check(&reader) != EXIT_OK)
		return EXIT_USAGE;
	if (threads_arg) {
		double n = 0;
		if (!parse_whole(threads_arg, 0, 64, &n))
			return usage_error("--threads must be a whole number from 0 (automatic) to 64, like 2, not",
					   threads_arg);
		threads = (unsigned)n;
	}
	if (id_column && id_column[0] == '\0')
		return usage_error("--id-column needs a column name", NULL);
	if (id_column && no_id)
		return usage_error("--id-column names the id column and --no-id says there is none: give one of them",
				   NULL);
	data = npos > 1 ? argv[1] : NULL;
	/* Without DATA, a table is piped in; waiting silently for one to be typed
	 * looks like a hang. '-' still reads a terminal, and says so. */
	if (!responses && !data && isatty(STDIN_FILENO))
		return usage_error("score: missing DATA.csv (standard input is a terminal; give '-' to type or paste the "
				   "table there)",
				   NULL);
	if (!responses && data && strcmp(data, "-") == 0 && isatty(STDIN_FILENO))
		fputs("libra: reading the table from standard input; end it with Ctrl-D\n", stderr);
	if (rejects && strcmp(rejects, "-") == 0)
		return usage_error("--rejects must name a file of its own, not", rejects);

	if (lm_error_new(&err) != LM_OK || lm_outputs_new(&set) != LM_OK) {
		lm_error_free(err);
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	/* Every file of the run is distinct, or nothing is read (exit 2). */
	if (!files_definition(set, argv[0], err) ||
	    (!responses && !files_input(set, data && strcmp(data, "-") != 0 ? data : NULL, err)) ||
	    (reader.map_file && !files_input(set, reader.map_file, err)) ||
	    (!responses && !files_output(set, out && strcmp(out, "-") != 0 ? out : NULL, err)) ||
	    (rejects && !files_output(set, rejects, err))) {
		lm_outputs_free(set);
		lm_error_free(err);
		return EXIT_USAGE;
	}
	rc = lm_instrument_load(&inst, argv[0], err);
	if (rc == LM_OK) {
		print_warnings(err);
		rc = lm_scorer_new(&scorer, inst);
	}
	if (rc != LM_OK) {
		print_problems(err, rc);
		status = EXIT_PROBLEMS;
	} else if (responses) {
		status = score_responses(inst, scorer, err, responses);
	} else {
		status = score_table(inst, err, data, out, format, id_column, no_id, &reader, rejects, &keep, threads, set);
	}
	free(keep.handle);
	lm_outputs_free(set);
	lm_scorer_free(scorer);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}
