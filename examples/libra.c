/*
 * libra — the command-line client of libra_measures. It parses arguments, calls
 * the public API and prints; every rule about definitions and data is the library's.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libra_measures/libra_measures.h>

enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: libra COMMAND [ARGUMENTS]\n"
	"\n"
	"Commands:\n"
	"  list                       list the bundled instruments\n"
	"  show INSTRUMENT            show an instrument's items, scales, rules and sources\n"
	"  check FILE.yaml...         check instrument definitions; every problem as FILE:LINE:COL\n"
	"  score INSTRUMENT [DATA.csv|-] [-o OUT] [--format csv|json]\n"
	"                             [--id-column NAME] [--delimiter C]\n"
	"                             score a CSV table, one record per data row\n"
	"                             (standard input when DATA is - or absent)\n"
	"  score INSTRUMENT --responses V1,V2,...\n"
	"                             score one respondent: values in item order,\n"
	"                             numbers or response labels, empty for blank\n"
	"  help                       show this help\n"
	"\n"
	"INSTRUMENT is a bundled id (see 'libra list') or the path of a YAML definition.\n"
	"Options may come before or after the other arguments; '--' ends them.\n"
	"  -o, --output OUT           write to OUT (atomically; nothing is written if any row is rejected)\n"
	"  -f, --format csv|json      csv (default) or JSON Lines\n"
	"  --id-column NAME           the column with respondent ids (default: a column named 'id')\n"
	"  -d, --delimiter C          the field delimiter (default ','); 'tab' for a tab\n"
	"  -h, --help                 show this help\n"
	"  --version                  show the versions of libra and of the library\n"
	"\n"
	"Exit status: 0 success, 1 problems in data or definitions, 2 usage error.\n";

/* Report a usage error: a message, then the usage. */
static int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "libra: %s '%s'\n\n", what, arg);
	else
		fprintf(stderr, "libra: %s\n\n", what);
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* ---- argument parsing ---------------------------------------------------- */

struct option_spec {
	const char *long_name; /* without the leading "--" */
	char short_name;       /* 0 for none */
	const char **value;    /* receives the option's argument */
};

/*
 * Separate options from positional arguments, wherever they appear. The
 * positionals are moved to the front of argv (in order) and counted in *npos.
 * Every option takes an argument, given as "--name VALUE", "--name=VALUE",
 * "-n VALUE" or "-nVALUE". -h and --help set *help.
 * @return EXIT_OK, or EXIT_USAGE after printing the problem.
 */
static int parse_args(int argc, char **argv, const struct option_spec *opts, size_t nopts, int *npos, int *help)
{
	int only_positionals = 0;

	*npos = 0;
	for (int i = 0; i < argc; i++) {
		char *a = argv[i];
		const struct option_spec *opt = NULL;
		const char *value = NULL;

		if (only_positionals || a[0] != '-' || strcmp(a, "-") == 0) {
			argv[(*npos)++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_positionals = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			*help = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);

			for (size_t k = 0; k < nopts; k++)
				if (strlen(opts[k].long_name) == len && strncmp(opts[k].long_name, name, len) == 0)
					opt = &opts[k];
			if (eq)
				value = eq + 1;
		} else {
			for (size_t k = 0; k < nopts; k++)
				if (opts[k].short_name && opts[k].short_name == a[1])
					opt = &opts[k];
			if (opt && a[2] != '\0')
				value = a + 2;
		}
		if (!opt)
			return usage_error("unknown option", a);
		if (!value) {
			if (i + 1 >= argc)
				return usage_error("missing argument of option", a);
			value = argv[++i];
		}
		if (*opt->value)
			return usage_error("option given twice:", a);
		*opt->value = value;
	}
	return EXIT_OK;
}

/* ---- output helpers -------------------------------------------------------- */

/* Print every diagnostic in @p err; if there is none, say what @p rc means. */
static void report(const lm_error *err, int rc)
{
	size_t n = lm_error_count(err), total = lm_error_total(err);

	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%s\n", lm_error_text(err, i));
	if (total > n)
		fprintf(stderr, "\u2026 and %zu more problems\n", total - n);
	if (total == 0 && rc != LM_OK)
		fprintf(stderr, "libra: %s\n", lm_strerror(rc));
}

/* Columns on the terminal taken by a UTF-8 string (one per code point). */
static size_t text_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			w++;
	return w;
}

/* Print @p s left-aligned in a column @p width wide, then two spaces. */
static void print_cell(const char *s, size_t width)
{
	size_t w = text_width(s);

	fputs(s, stdout);
	for (; w < width + 2; w++)
		putchar(' ');
}

static void update_width(size_t *width, const char *s)
{
	size_t w = text_width(s);

	if (w > *width)
		*width = w;
}

/* A number as the writers print it; "-" when it is not finite. */
static const char *num(char buf[32], double v)
{
	if (lm_format_number(buf, 32, v) == 0)
		strcpy(buf, "-");
	return buf;
}

static const char *or_dash(const char *s)
{
	return s ? s : "-";
}

/* ---- libra list ------------------------------------------------------------ */

static int cmd_list(int argc, char **argv)
{
	int npos = 0, help = 0, status = EXIT_OK;
	size_t n = lm_builtin_count(), w_id = 2, w_name = 4;
	lm_instrument **insts;
	lm_error *err = NULL;

	if (parse_args(argc, argv, NULL, 0, &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (npos > 0)
		return usage_error("list takes no arguments; got", argv[0]);

	insts = calloc(n ? n : 1, sizeof *insts);
	if (!insts || lm_error_new(&err) != LM_OK) {
		free(insts);
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	for (size_t i = 0; i < n; i++) {
		int rc = lm_instrument_load_builtin(&insts[i], lm_builtin_id(i), err);

		if (rc != LM_OK) {
			report(err, rc);
			lm_error_clear(err);
			status = EXIT_PROBLEMS;
			continue;
		}
		update_width(&w_id, lm_instrument_id(insts[i]));
		update_width(&w_name, lm_instrument_name(insts[i]));
	}
	print_cell("ID", w_id);
	print_cell("NAME", w_name);
	puts("VERSION");
	for (size_t i = 0; i < n; i++) {
		if (!insts[i])
			continue;
		print_cell(lm_instrument_id(insts[i]), w_id);
		print_cell(lm_instrument_name(insts[i]), w_name);
		puts(or_dash(lm_instrument_version(insts[i])));
		lm_instrument_free(insts[i]);
	}
	free(insts);
	lm_error_free(err);
	return status;
}

/* ---- libra show ------------------------------------------------------------ */

static const char *method_name(int method)
{
	switch (method) {
	case LM_METHOD_SUM: return "sum";
	case LM_METHOD_MEAN: return "mean";
	case LM_METHOD_PRORATED_SUM: return "prorated_sum";
	default: return "?";
	}
}

static const char *direction_name(int direction)
{
	switch (direction) {
	case LM_DIRECTION_HIGHER_IS_WORSE: return "higher is worse";
	case LM_DIRECTION_HIGHER_IS_BETTER: return "higher is better";
	default: return "direction not given";
	}
}

/* "1 = Never, 2 = Rarely, ..." */
static void print_responses(const lm_item *item)
{
	char b[32];

	for (size_t k = 0; k < lm_item_response_count(item); k++)
		printf("%s%s = %s", k ? ", " : "", num(b, lm_item_response_value(item, k)),
		       lm_item_response_label(item, k));
}

static int same_responses(const lm_item *a, const lm_item *b)
{
	size_t n = lm_item_response_count(a);

	if (n != lm_item_response_count(b))
		return 0;
	for (size_t k = 0; k < n; k++)
		if (lm_item_response_value(a, k) != lm_item_response_value(b, k) ||
		    strcmp(lm_item_response_label(a, k), lm_item_response_label(b, k)) != 0)
			return 0;
	return 1;
}

static void print_notes(const char *indent, size_t n, const char *(*get)(const void *, size_t), const void *obj)
{
	if (n == 0)
		return;
	printf("%snotes:\n", indent);
	for (size_t i = 0; i < n; i++)
		printf("%s  - %s\n", indent, get(obj, i));
}

static const char *instrument_note(const void *o, size_t i)
{
	return lm_instrument_note(o, i);
}

static const char *scale_note(const void *o, size_t i)
{
	return lm_scale_note(o, i);
}

static void show_items(const lm_instrument *inst)
{
	size_t n = lm_instrument_item_count(inst), w_id = 0;
	int shared = 1;

	for (size_t i = 0; i < n; i++) {
		update_width(&w_id, lm_item_id(lm_instrument_item(inst, i)));
		if (!same_responses(lm_instrument_item(inst, 0), lm_instrument_item(inst, i)))
			shared = 0;
	}
	printf("\nitems (%zu):\n", n);
	if (shared && n > 0) {
		printf("  responses of every item: ");
		print_responses(lm_instrument_item(inst, 0));
		putchar('\n');
	}
	for (size_t i = 0; i < n; i++) {
		const lm_item *item = lm_instrument_item(inst, i);

		printf("  %2zu  ", i + 1);
		print_cell(lm_item_id(item), w_id);
		fputs(lm_item_label(item), stdout);
		if (lm_item_reversed(item))
			fputs("  [reverse-keyed]", stdout);
		if (!lm_item_scored(item))
			fputs("  [filler: not scored]", stdout);
		putchar('\n');
		if (lm_item_text(item))
			printf("      text: %s\n", lm_item_text(item));
		if (!shared) {
			printf("      responses: ");
			print_responses(item);
			putchar('\n');
		}
	}
}

static void show_scale(const lm_instrument *inst, const lm_scale *scale)
{
	static const char *const norm_names[] = {"mean", "sd", "reliability", "n"};
	char b1[32], b2[32];
	size_t n_items = lm_scale_item_count(scale), n_bands = lm_scale_band_count(scale);
	int has_norms = lm_scale_norm_source(scale) != NULL;

	printf("  %s: %s\n", lm_scale_id(scale), lm_scale_label(scale));
	printf("    method: %s; scored with at least %zu of %zu items answered; range %s to %s; %s\n",
	       method_name(lm_scale_method(scale)), lm_scale_min_answered(scale), n_items, num(b1, lm_scale_min(scale)),
	       num(b2, lm_scale_max(scale)), direction_name(lm_scale_direction(scale)));
	printf("    items:");
	for (size_t k = 0; k < n_items; k++)
		printf("%s %s", k ? "," : "", lm_item_id(lm_instrument_item(inst, lm_scale_item(scale, k))));
	putchar('\n');
	if (n_bands > 0) {
		size_t w_id = 0;

		for (size_t k = 0; k < n_bands; k++)
			update_width(&w_id, lm_band_id(lm_scale_band(scale, k)));
		printf("    bands:\n");
		for (size_t k = 0; k < n_bands; k++) {
			const lm_band *band = lm_scale_band(scale, k);

			printf("      %s to %s  ", num(b1, lm_band_min(band)), num(b2, lm_band_max(band)));
			print_cell(lm_band_id(band), w_id);
			puts(lm_band_label(band));
		}
	}
	for (int k = LM_NORM_MEAN; k <= LM_NORM_N; k++)
		if (!isnan(lm_scale_norm(scale, k)))
			has_norms = 1;
	if (has_norms) {
		int first = 1;

		printf("    norms:");
		for (int k = LM_NORM_MEAN; k <= LM_NORM_N; k++) {
			if (isnan(lm_scale_norm(scale, k)))
				continue;
			printf("%s %s %s", first ? "" : ",", norm_names[k], num(b1, lm_scale_norm(scale, k)));
			first = 0;
		}
		putchar('\n');
		if (lm_scale_norm_source(scale))
			printf("      source: %s\n", lm_scale_norm_source(scale));
	}
	print_notes("    ", lm_scale_note_count(scale), scale_note, scale);
}

static void show_rule(const lm_instrument *inst, const lm_rule *rule)
{
	char b[32];
	size_t n = lm_rule_condition_count(rule);

	printf("  %s: %s\n", lm_rule_id(rule), lm_rule_label(rule));
	printf("    true when %s of:\n", lm_rule_combine(rule) == LM_COMBINE_ANY ? "any" : "all");
	for (size_t k = 0; k < n; k++) {
		const lm_scale *scale = lm_instrument_scale(inst, lm_rule_condition_scale(rule, k));
		size_t need = lm_rule_condition_count_required(rule, k);

		printf("      - at least %zu of the %zu %s items %s a keyed value of %s or more\n", need,
		       lm_scale_item_count(scale), lm_scale_id(scale), need == 1 ? "has" : "have",
		       num(b, lm_rule_condition_value(rule, k)));
	}
}

static int cmd_show(int argc, char **argv)
{
	int npos = 0, help = 0, rc;
	lm_instrument *inst = NULL;
	lm_error *err = NULL;
	char b[32];

	if (parse_args(argc, argv, NULL, 0, &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (npos != 1)
		return usage_error(npos ? "show takes one INSTRUMENT; too many arguments" : "show: missing INSTRUMENT",
				   NULL);
	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	rc = lm_instrument_load(&inst, argv[0], err);
	if (rc != LM_OK) {
		report(err, rc);
		lm_error_free(err);
		return EXIT_PROBLEMS;
	}

	printf("%s: %s\n", lm_instrument_id(inst), lm_instrument_name(inst));
	printf("version: %s\n", or_dash(lm_instrument_version(inst)));
	printf("source: %s\n", or_dash(lm_instrument_source(inst)));
	printf("period: %s\n", or_dash(lm_instrument_period(inst)));
	printf("citation: %s\n", or_dash(lm_instrument_citation(inst)));
	printf("terms: %s\n", or_dash(lm_instrument_terms(inst)));
	print_notes("", lm_instrument_note_count(inst), instrument_note, inst);

	show_items(inst);

	if (lm_instrument_missing_code_count(inst) > 0) {
		printf("\nmissing codes (values that are not answers):\n");
		for (size_t i = 0; i < lm_instrument_missing_code_count(inst); i++)
			printf("  %s = %s\n", num(b, lm_instrument_missing_code_value(inst, i)),
			       lm_instrument_missing_code_label(inst, i));
	}

	printf("\nscales (%zu):\n", lm_instrument_scale_count(inst));
	for (size_t i = 0; i < lm_instrument_scale_count(inst); i++)
		show_scale(inst, lm_instrument_scale(inst, i));

	if (lm_instrument_rule_count(inst) > 0) {
		printf("\nrules (%zu):\n", lm_instrument_rule_count(inst));
		for (size_t i = 0; i < lm_instrument_rule_count(inst); i++)
			show_rule(inst, lm_instrument_rule(inst, i));
	}
	lm_instrument_free(inst);
	lm_error_free(err);
	return EXIT_OK;
}

/* ---- libra check ----------------------------------------------------------- */

static int cmd_check(int argc, char **argv)
{
	int npos = 0, help = 0, status = EXIT_OK;
	lm_error *err = NULL;

	if (parse_args(argc, argv, NULL, 0, &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("check: missing FILE.yaml", NULL);
	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	for (int i = 0; i < npos; i++) {
		lm_instrument *inst = NULL;
		int rc = lm_instrument_load_file(&inst, argv[i], err);

		if (rc == LM_OK) {
			printf("%s: ok\n", argv[i]);
		} else {
			fflush(stdout); /* keep the order of the files when both streams go to one place */
			report(err, rc);
			status = EXIT_PROBLEMS;
		}
		lm_instrument_free(inst);
		lm_error_clear(err);
	}
	lm_error_free(err);
	return status;
}

/* ---- libra score ----------------------------------------------------------- */

/* Whether two paths name the same file (an output path that does not exist yet names none). */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (strcmp(a, b) == 0)
		return 1;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* Score a CSV table, one output record per data row. */
static int score_table(const lm_instrument *inst, lm_scorer *scorer, lm_error *err, const char *data, const char *out,
		       int format, const char *id_column, char delimiter)
{
	const char *data_name = data && strcmp(data, "-") != 0 ? data : NULL;
	const char *out_name = out && strcmp(out, "-") != 0 ? out : NULL;
	int status = EXIT_PROBLEMS, rc, stopped = 0, fatal = LM_OK;
	lm_table *table = NULL;
	lm_writer *writer = NULL;
	unsigned long rejected;

	rc = lm_table_new(&table, inst);
	if (rc == LM_OK && id_column)
		rc = lm_table_set_id_column(table, id_column);
	if (rc == LM_OK && delimiter) {
		rc = lm_table_set_delimiter(table, delimiter);
		if (rc == LM_EINVAL) {
			lm_table_free(table);
			return usage_error("--delimiter cannot be a quote, CR or LF", NULL);
		}
	}
	if (rc != LM_OK) {
		report(err, rc);
		lm_table_free(table);
		return EXIT_PROBLEMS;
	}

	rc = data_name ? lm_table_open_file(table, data_name, err) : lm_table_open_fd(table, STDIN_FILENO, "<stdin>", err);
	if (rc == LM_OK)
		rc = out_name ? lm_writer_open_file(&writer, inst, format, out_name, err)
			      : lm_writer_open_fd(&writer, inst, format, STDOUT_FILENO, err);
	if (rc != LM_OK) {
		report(err, rc);
		goto done;
	}

	while ((rc = lm_table_next(table, scorer, err)) != 0) {
		size_t id_len = 0;
		const char *id;

		if (rc == LM_EDATA)
			continue; /* reported; read on so that every problem is reported at once */
		if (rc < 0) {
			stopped = 1;
			fatal = rc;
			break;
		}
		/* Rows after a rejected one are still written, though never committed,
		 * so that "scored" counts every row that passed. */
		id = lm_table_row_id(table, &id_len);
		rc = lm_writer_write(writer, lm_table_row(table), id, id_len, scorer);
		if (rc != LM_OK) {
			fprintf(stderr, "libra: %s: %s\n", out_name ? out_name : "<stdout>", lm_strerror(rc));
			stopped = 1;
			break;
		}
	}
	rejected = lm_table_rows_rejected(table);
	report(err, fatal);
	if (stopped || rejected > 0) {
		fprintf(stderr, "libra: no output written%s\n", stopped ? "" : ": rows were rejected");
	} else {
		rc = lm_writer_commit(writer, err);
		if (rc != LM_OK)
			report(err, rc);
		else
			status = EXIT_OK;
	}
done:
	fprintf(stderr, "rows read: %lu, scored: %lu, rejected: %lu\n", lm_table_rows_read(table),
		writer ? lm_writer_records(writer) : 0UL, lm_table_rows_rejected(table));
	lm_writer_free(writer);
	lm_table_free(table);
	return status;
}

/* A scorer's message less its leading "item ID: ", which the CLI's own prefix already says. */
static const char *without_item_prefix(const char *message, const char *item)
{
	size_t n = strlen(item);

	if (strncmp(message, "item ", 5) == 0 && strncmp(message + 5, item, n) == 0 &&
	    strncmp(message + 5 + n, ": ", 2) == 0)
		return message + 5 + n + 2;
	return message;
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
			const char *item = lm_item_id(lm_instrument_item(inst, k));

			for (size_t i = 0; i < lm_error_count(err); i++)
				fprintf(stderr, "response %zu (item %s): %s\n", k + 1, item,
					without_item_prefix(lm_error_message(err, i), item));
			if (lm_error_count(err) == 0)
				fprintf(stderr, "response %zu (item %s): %s\n", k + 1, item, lm_strerror(rc));
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

static int cmd_score(int argc, char **argv)
{
	const char *out = NULL, *format_name = NULL, *id_column = NULL, *delimiter_arg = NULL, *responses = NULL;
	const struct option_spec opts[] = {
		{"output", 'o', &out},
		{"format", 'f', &format_name},
		{"id-column", 0, &id_column},
		{"delimiter", 'd', &delimiter_arg},
		{"responses", 'r', &responses},
	};
	int npos = 0, help = 0, format = LM_FORMAT_CSV, status, rc;
	char delimiter = 0;
	const char *data;
	lm_instrument *inst = NULL;
	lm_scorer *scorer = NULL;
	lm_error *err = NULL;

	if (parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("score: missing INSTRUMENT", NULL);
	if (npos > 2 || (responses && npos > 1))
		return usage_error("score: too many arguments; unexpected", argv[responses ? 1 : 2]);
	if (responses && (out || format_name || id_column || delimiter_arg))
		return usage_error("--responses scores one respondent and prints a table; it takes no -o, --format, "
				   "--id-column or --delimiter",
				   NULL);
	if (format_name) {
		if (strcmp(format_name, "csv") == 0)
			format = LM_FORMAT_CSV;
		else if (strcmp(format_name, "json") == 0 || strcmp(format_name, "jsonl") == 0)
			format = LM_FORMAT_JSONL;
		else
			return usage_error("--format must be csv or json, not", format_name);
	}
	if (delimiter_arg) {
		if (strcmp(delimiter_arg, "tab") == 0 || strcmp(delimiter_arg, "\\t") == 0)
			delimiter = '\t';
		else if (strlen(delimiter_arg) == 1)
			delimiter = delimiter_arg[0];
		else
			return usage_error("--delimiter must be one character (or 'tab'), not", delimiter_arg);
	}
	if (id_column && id_column[0] == '\0')
		return usage_error("--id-column needs a column name", NULL);
	data = npos > 1 ? argv[1] : NULL;
	if (out && data && strcmp(out, "-") != 0 && strcmp(data, "-") != 0 && same_file(out, data)) {
		fprintf(stderr, "libra: refusing to write the output over the input '%s'\n", data);
		return EXIT_USAGE;
	}

	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	rc = lm_instrument_load(&inst, argv[0], err);
	if (rc == LM_OK)
		rc = lm_scorer_new(&scorer, inst);
	if (rc != LM_OK) {
		report(err, rc);
		status = EXIT_PROBLEMS;
	} else if (responses) {
		status = score_responses(inst, scorer, err, responses);
	} else {
		status = score_table(inst, scorer, err, data, out, format, id_column, delimiter);
	}
	lm_scorer_free(scorer);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}

/* ---- main ------------------------------------------------------------------ */

int main(int argc, char **argv)
{
	const char *cmd;

	/* The library reads and writes numbers the same under every locale; the
	 * user's locale only changes the language of system error messages. */
	setlocale(LC_ALL, "");

	if (argc < 2)
		return usage_error("missing COMMAND", NULL);
	cmd = argv[1];
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("libra %s (built with libra_measures %s, running with %s)\n", LM_VERSION_STRING,
		       LM_VERSION_STRING, lm_version_string());
		return EXIT_OK;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "list") == 0)
		return cmd_list(argc - 2, argv + 2);
	if (strcmp(cmd, "show") == 0)
		return cmd_show(argc - 2, argv + 2);
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc - 2, argv + 2);
	if (strcmp(cmd, "score") == 0)
		return cmd_score(argc - 2, argv + 2);
	return usage_error(cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}
