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

#include "files.h"

/* 3: the good rows were written and the rejected ones went to --rejects. */
enum { EXIT_OK = 0, EXIT_PROBLEMS = 1, EXIT_USAGE = 2, EXIT_REJECTED = 3 };

static const char usage_text[] =
	"Usage: libra COMMAND [ARGUMENTS]\n"
	"\n"
	"Commands:\n"
	"  list                       list the bundled instruments\n"
	"  show INSTRUMENT            show an instrument's items, scales, rules and sources\n"
	"  check FILE.yaml...         check instrument definitions; every problem as FILE:LINE:COL\n"
	"  score INSTRUMENT [DATA.csv|-] [-o OUT] [--format csv|json]\n"
	"                             [--id-column NAME | --no-id] [--delimiter C] [--rejects FILE]\n"
	"                             [--prefix P] [--map ITEM=COL,...] [--map-file F]\n"
	"                             [--missing NA,.,...]\n"
	"                             score a CSV table, one record per data row\n"
	"                             (standard input when DATA is - or absent)\n"
	"  score INSTRUMENT --responses V1,V2,...\n"
	"                             score one respondent: values in item order,\n"
	"                             numbers or response labels, empty for blank\n"
	"  prepost INSTRUMENT PRE.csv POST.csv [-o OUT] [--format json|csv] [--summary FILE]\n"
	"                             [--id-column NAME] [--group-column NAME]\n"
	"                             [--on-duplicate error|exclude] [--reliability R]\n"
	"                             [--rci-sd SD] [--delimiter C] [--prefix P] [--map ...]\n"
	"                             [--map-file F] [--missing T,...] [--threads N]\n"
	"                             pre/post change: pair respondents by id across two\n"
	"                             waves; change, reliable change, effect sizes, by group\n"
	"  prepost INSTRUMENT DATA.csv --wave-column NAME --pre-value V --post-value V [...]\n"
	"                             the same from one long table whose column NAME gives the wave\n"
	"  report INSTRUMENT PRE.csv POST.csv -o OUT.html [--min-cell N] [--group-column NAME]\n"
	"                             [and prepost's other options, or its long form]\n"
	"                             a self-contained HTML report with charts, for reading and\n"
	"                             printing; cells and groups of fewer than N respondents\n"
	"                             (default 5) are hidden, and others so that none can be worked\n"
	"                             out; charts show counts, never a single pair; no ids\n"
	"  help                       show this help\n"
	"\n"
	"INSTRUMENT is a bundled id (see 'libra list') or the path of a YAML definition.\n";

/* The options, apart: one string literal may hold no more than 4095 characters in ISO C. */
static const char options_text[] =
	"Options may come before or after the other arguments; '--' ends them.\n"
	"  -o, --output OUT           write to OUT (atomically; nothing is written if any row is\n"
	"                             rejected, unless --rejects is given)\n"
	"  -f, --format csv|json      score: csv (default) or JSON Lines;\n"
	"                             prepost: json (default, one document) or csv (one row per pair)\n"
	"  --id-column NAME           the column with respondent ids (default: the column named 'id';\n"
	"                             a table without it is refused)\n"
	"  --no-id                    score: the table has no id column; the data row number (blank\n"
	"                             rows counted) is written as each row's id\n"
	"  -d, --delimiter C          the field delimiter; 'tab' for a tab (default: detected from\n"
	"                             the header, one of ',' ';' tab; refused when it cannot be told)\n"
	"  --prefix P                 item columns are P<n>: --prefix Q5_ reads stss_7 from Q5_7\n"
	"  --map ITEM=COL,...         read ITEM from column COL (overrides --prefix)\n"
	"  --map-file F               the same from a CSV file with the header item,column\n"
	"  --missing T,...            cells holding T (e.g. NA, ., -99) are blank, like empty ones\n"
	"  --value-labels yes|no      SPSS/Stata files: read labelled values as their labels\n"
	"                             (default no: as codes)\n"
	"  --rejects FILE             score: write the rejected rows, as they were and why, to FILE,\n"
	"                             and the other rows to the output (exit status 3)\n"
	"  --summary FILE             prepost: write the readable summary to FILE ('-': standard output);\n"
	"                             without it, --format csv prints the summary on standard error\n"
	"  --group-column NAME        prepost: the column with the group (taken from the pre row)\n"
	"  --on-duplicate error|exclude\n"
	"                             prepost: an id twice in one wave fails the run (error, the\n"
	"                             default), or leaves all its rows unpaired (exclude)\n"
	"  --reliability R            prepost: the reliability for the RCI of every scale, 0 < R < 1\n"
	"                             (default: the definition's norms, else Cronbach's alpha at pre)\n"
	"  --rci-sd SD                prepost: the SD for the RCI, SD > 0 (default: SD of pre scores)\n"
	"  --threads N                prepost, report: 1 reads PRE and POST one after the other, 2\n"
	"                             at the same time (default 2 when the machine has 2 CPUs or more)\n"
	"  --min-cell N               report: the fewest respondents a shown cell, group or plot may\n"
	"                             rest on, N >= 1 (default 5)\n"
	"  --wave-column NAME, --pre-value V, --post-value V\n"
	"                             prepost, long form: the wave column and its pre and post values\n"
	"  -h, --help                 show this help\n"
	"  --version                  show the versions of libra and of the library\n"
	"\n"
	"Exit status: 0 success, 1 problems in data or definitions (nothing written), 2 usage\n"
	"error, 3 rows rejected and written to --rejects (the others scored and written).\n";

static void print_usage(FILE *f)
{
	fputs(usage_text, f);
	fputs(options_text, f);
}

/* Report a usage error: a message, then the usage. */
static int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "libra: %s '%s'\n\n", what, arg);
	else
		fprintf(stderr, "libra: %s\n\n", what);
	print_usage(stderr);
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
 * "-n VALUE" or "-nVALUE" (flags are taken out before: take_flag()). -h and
 * --help set *help.
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

/*
 * Take the flag --NAME (an option without a value) out of argv, before any
 * "--", and set *given. Returns EXIT_OK, or EXIT_USAGE after saying that it
 * was given twice.
 */
static int take_flag(int *argc, char **argv, const char *name, int *given)
{
	int kept = 0, stop = 0;
	*given = 0;
	for (int i = 0; i < *argc; i++) {
		const char *a = argv[i];
		if (!stop && strcmp(a, "--") == 0)
			stop = 1;
		if (stop || strncmp(a, "--", 2) != 0 || strcmp(a + 2, name) != 0) {
			argv[kept++] = argv[i];
			continue;
		}
		if ((*given)++)
			return usage_error("option given twice:", a);
	}
	*argc = kept;
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

/* The character a --delimiter argument names: one character, or "tab" (or "\\t"); 0 when it names none. */
static int delimiter_of(const char *arg, char *delimiter)
{
	if (strcmp(arg, "tab") == 0 || strcmp(arg, "\\t") == 0)
		*delimiter = '\t';
	else if (strlen(arg) == 1)
		*delimiter = arg[0];
	else
		return 0;
	return 1;
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
		print_usage(stdout);
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
		print_usage(stdout);
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
		print_usage(stdout);
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

/* Score a CSV table, one output record per data row. */
/* How to read a table: the options score and prepost share. */
struct reader {
	const char *prefix, *map, *map_file, *missing, *value_labels;
	char delimiter;
};

/*
 * Apply --delimiter, --prefix, --map, --map-file, --missing to an unopened
 * table. A malformed option is said here and gives LM_EINVAL with no
 * diagnostic in err: the caller then shows the usage.
 */
static int configure_table(lm_table *table, const struct reader *r, lm_error *err)
{
	int rc = LM_OK;
	if (r->delimiter && lm_table_set_delimiter(table, r->delimiter) != LM_OK) {
		fputs("libra: --delimiter cannot be a quote, CR or LF\n", stderr);
		return LM_EINVAL;
	}
	if (rc == LM_OK && r->prefix)
		rc = lm_table_set_prefix(table, r->prefix);
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
	fputc('\n', stderr);
}

/* After a failed open: the library's messages about a missing id column or a
 * delimiter it cannot tell name the settings; say the options that set them
 * (--no-id only where ids are not needed to pair rows). */
static void setting_hints(const lm_error *err, int id_given, int can_have_none)
{
	for (size_t i = 0; i < lm_error_count(err); i++) {
		const char *m = lm_error_message(err, i);
		if (strncmp(m, "cannot tell the delimiter:", 26) == 0) {
			fputs("libra: give the delimiter with --delimiter C (',', ';' or 'tab')\n", stderr);
			return;
		}
		if (id_given)
			continue;
		if (strncmp(m, "no id column:", 13) == 0 ||
		    (strncmp(m, "id column \"", 11) == 0 && strstr(m, "\" is not in the header"))) {
			fprintf(stderr, "libra: name the id column with --id-column NAME%s\n",
				can_have_none ? ", or give --no-id to number the rows instead" : "");
			return;
		}
	}
}

static int score_table(const lm_instrument *inst, lm_scorer *scorer, lm_error *err, const char *data, const char *out,
		       int format, const char *id_column, int no_id, const struct reader *reader, const char *rejects_path,
		       lm_outputs *set)
{
	const char *data_name = data && strcmp(data, "-") != 0 ? data : NULL;
	const char *out_name = out && strcmp(out, "-") != 0 ? out : NULL;
	int status = EXIT_PROBLEMS, rc, stopped = 0, fatal = LM_OK;
	lm_table *table = NULL;
	lm_writer *writer = NULL;
	lm_rejects *rejects = NULL;
	unsigned long rejected, insufficient = 0;
	size_t n_scales = lm_instrument_scale_count(inst);

	rc = lm_table_new(&table, inst);
	if (rc == LM_OK && id_column)
		rc = lm_table_set_id_column(table, id_column);
	if (rc == LM_OK && no_id)
		rc = lm_table_set_no_id(table, 1);
	if (rc == LM_OK)
		rc = configure_table(table, reader, err);
	if (rc == LM_EINVAL && !lm_error_count(err)) {
		lm_table_free(table);
		fputc('\n', stderr);
		print_usage(stderr);
		return EXIT_USAGE;
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
	if (rc == LM_OK && rejects_path)
		rc = lm_rejects_open_file(&rejects, table, rejects_path, err);
	if (rc != LM_OK) {
		report(err, rc);
		setting_hints(err, id_column || no_id, 1);
		goto done;
	}

	while ((rc = lm_table_next(table, scorer, err)) != 0) {
		size_t id_len = 0;
		const char *id;

		if (rc == LM_EDATA) {
			/* Reported; read on so that every problem is reported at once. */
			if (rejects && lm_rejects_write(rejects, table) != LM_OK) {
				break; /* why is said when it is staged */
			}
			continue;
		}
		if (rc < 0) {
			stopped = 1;
			fatal = rc;
			break;
		}
		/* Rows after a rejected one are still written, though never committed,
		 * so that "scored" counts every row that passed. */
		for (size_t k = 0; k < n_scales; k++)
			if (lm_scorer_scale_status(scorer, k) == LM_SCORE_INSUFFICIENT) {
				insufficient++;
				break;
			}
		id = lm_table_row_id(table, &id_len);
		rc = lm_writer_write(writer, lm_table_row(table), id, id_len, scorer);
		if (rc == LM_EIO)
			break; /* why is said when it is staged */
		if (rc != LM_OK) {
			fprintf(stderr, "libra: %s: %s\n", out_name ? out_name : "<stdout>", lm_strerror(rc));
			stopped = 1;
			break;
		}
	}
	rejected = lm_table_rows_rejected(table);
	/* Every problem once; then the list is empty, so that a write error
	 * always has room in it, however many rows were rejected. */
	report(err, fatal);
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
			report(err, LM_EIO);
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

static int cmd_score(int argc, char **argv)
{
	const char *out = NULL, *format_name = NULL, *id_column = NULL, *delimiter_arg = NULL, *responses = NULL;
	const char *rejects = NULL;
	int no_id = 0;
	struct reader reader = {0};
	const struct option_spec opts[] = {
		{"output", 'o', &out},
		{"format", 'f', &format_name},
		{"id-column", 0, &id_column},
		{"delimiter", 'd', &delimiter_arg},
		{"responses", 'r', &responses},
		{"rejects", 0, &rejects},
		{"prefix", 0, &reader.prefix},
		{"map", 0, &reader.map},
		{"map-file", 0, &reader.map_file},
		{"missing", 0, &reader.missing},
		{"value-labels", 0, &reader.value_labels},
	};
	int npos = 0, help = 0, format = LM_FORMAT_CSV, status, rc;
	char delimiter = 0;
	const char *data;
	lm_instrument *inst = NULL;
	lm_scorer *scorer = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (take_flag(&argc, argv, "no-id", &no_id) != EXIT_OK ||
	    parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (npos == 0)
		return usage_error("score: missing INSTRUMENT", NULL);
	if (npos > 2 || (responses && npos > 1))
		return usage_error("score: too many arguments; unexpected", argv[responses ? 1 : 2]);
	if (responses && (out || format_name || id_column || no_id || delimiter_arg || rejects || reader.prefix || reader.map ||
			  reader.map_file || reader.missing))
		return usage_error("--responses scores one respondent and prints a table; it takes no options for tables",
				   NULL);
	if (format_name) {
		if (strcmp(format_name, "csv") == 0)
			format = LM_FORMAT_CSV;
		else if (strcmp(format_name, "json") == 0 || strcmp(format_name, "jsonl") == 0)
			format = LM_FORMAT_JSONL;
		else
			return usage_error("--format must be csv or json, not", format_name);
	}
	if (delimiter_arg && !delimiter_of(delimiter_arg, &delimiter))
		return usage_error("--delimiter must be one character (or 'tab'), not", delimiter_arg);
	reader.delimiter = delimiter;
	if (id_column && id_column[0] == '\0')
		return usage_error("--id-column needs a column name", NULL);
	if (id_column && no_id)
		return usage_error("--id-column names the id column and --no-id says there is none: give one of them",
				   NULL);
	data = npos > 1 ? argv[1] : NULL;
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
	if (rc == LM_OK)
		rc = lm_scorer_new(&scorer, inst);
	if (rc != LM_OK) {
		report(err, rc);
		status = EXIT_PROBLEMS;
	} else if (responses) {
		status = score_responses(inst, scorer, err, responses);
	} else {
		status = score_table(inst, scorer, err, data, out, format, id_column, no_id, &reader, rejects, set);
	}
	lm_outputs_free(set);
	lm_scorer_free(scorer);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}

/* ---- libra prepost --------------------------------------------------------- */

/*
 * A plain decimal number ("0.85", ".85", "12", "12.5"): no sign, no exponent.
 * Read here, not with strtod(), which follows LC_NUMERIC, and main() takes
 * the locale from the environment: "0.85" must mean the same under a
 * decimal-comma locale. Exact (correctly rounded) up to 15 significant digits.
 * @return 1 with *out set, or 0 when @p s is not such a number.
 */
static int parse_decimal(const char *s, double *out)
{
	double mantissa = 0, scale = 1;
	int digits = 0, point = 0;

	for (; *s; s++) {
		if (*s == '.' && !point) {
			point = 1;
		} else if (*s >= '0' && *s <= '9') {
			mantissa = mantissa * 10 + (*s - '0');
			if (point)
				scale *= 10;
			digits++;
		} else {
			return 0;
		}
	}
	if (digits == 0)
		return 0;
	*out = mantissa / scale;
	return 1;
}

/* A whole number from lo to hi written without a point, like "5". */
static int parse_whole(const char *s, double lo, double hi, double *out)
{
	return parse_decimal(s, out) && *out >= lo && *out <= hi && *out == floor(*out) && !strchr(s, '.');
}

/* Whether a wave value could ever match: the library trims the cells it compares with it. */
static int usable_wave_value(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && !strchr(" \t", v[0]) && !strchr(" \t", v[n - 1]);
}

/* Write @p format to @p path, or to @p fd when @p path is NULL, staged in
 * @p set (or at once without one); report a failure. */
static int write_prepost(const lm_prepost *pp, int format, const char *path, int fd, lm_outputs *set, lm_error *err)
{
	int rc;

	if (set)
		rc = path ? lm_prepost_stage_file(pp, format, path, set, err) : lm_prepost_stage_fd(pp, format, fd, set, err);
	else
		rc = lm_prepost_write_fd(pp, format, fd, err);
	if (rc != LM_OK) {
		report(err, rc);
		lm_error_clear(err);
		return 0;
	}
	return 1;
}

/* Publish what @p set holds; report a failure. */
static int commit_outputs(lm_outputs *set, lm_error *err)
{
	int rc = lm_outputs_commit(set, err);

	if (rc != LM_OK) {
		report(err, rc);
		lm_error_clear(err);
		return 0;
	}
	return 1;
}

/*
 * Record the files of a pre/post run, before anything is read: INSTRUMENT,
 * the data, --map-file, and the outputs (NULL: standard output). EXIT_OK, or
 * EXIT_USAGE after saying which two are one file.
 */
static int claim_analysis_files(lm_outputs *set, lm_error *err, char **argv, int n_inputs, const char *map_file,
				const char *out1, int has_out1, const char *out2, int has_out2)
{
	int ok = files_definition(set, argv[0], err);

	for (int i = 1; ok && i <= n_inputs; i++)
		ok = files_input(set, argv[i], err);
	if (ok && map_file)
		ok = files_input(set, map_file, err);
	if (ok && has_out1)
		ok = files_output(set, out1, err);
	if (ok && has_out2)
		ok = files_output(set, out2, err);
	return ok ? EXIT_OK : EXIT_USAGE;
}

/*
 * The reconciliation line: every row of every wave is counted once. After a
 * run that failed before pairing, only the rows read are given.
 */
static void print_counts(const lm_prepost *pp, int long_form, int failed)
{
	fprintf(stderr, "pre rows: %lu, post rows: %lu", lm_prepost_count(pp, LM_COUNT_PRE_ROWS),
		lm_prepost_count(pp, LM_COUNT_POST_ROWS));
	if (!failed)
		fprintf(stderr, ", pairs: %lu, pre only: %lu, post only: %lu", lm_prepost_count(pp, LM_COUNT_PAIRS),
			lm_prepost_count(pp, LM_COUNT_PRE_ONLY), lm_prepost_count(pp, LM_COUNT_POST_ONLY));
	fprintf(stderr, ", no id: %lu, duplicate id: %lu", lm_prepost_count(pp, LM_COUNT_NO_ID),
		lm_prepost_count(pp, LM_COUNT_DUPLICATE_ID));
	if (lm_prepost_count(pp, LM_COUNT_REJECTED))
		fprintf(stderr, ", rejected: %lu", lm_prepost_count(pp, LM_COUNT_REJECTED));
	if (long_form)
		fprintf(stderr, ", other wave: %lu", lm_prepost_count(pp, LM_COUNT_OTHER_WAVE));
	if (lm_prepost_count(pp, LM_COUNT_BLANK))
		fprintf(stderr, ", blank rows skipped: %lu", lm_prepost_count(pp, LM_COUNT_BLANK));
	fputc('\n', stderr);
}

/*
 * The options prepost and report share, applied to an analysis. LM_EINVAL
 * with no diagnostic means a malformed reading option, already said (a
 * usage error).
 */
static int configure_analysis(lm_prepost *pp, const lm_instrument *inst, const char *id_column,
			      const char *group_column, int duplicates, const double *reliability, const double *rci_sd,
			      const struct reader *reader, lm_error *err)
{
	int rc = LM_OK;
	if (id_column)
		rc = lm_prepost_set_id_column(pp, id_column);
	if (rc == LM_OK && group_column)
		rc = lm_prepost_set_group_column(pp, group_column);
	if (rc == LM_OK)
		rc = lm_prepost_set_duplicates(pp, duplicates);
	if (rc == LM_OK && reliability)
		rc = lm_prepost_set_reliability(pp, *reliability);
	if (rc == LM_OK && rci_sd)
		rc = lm_prepost_set_rci_sd(pp, *rci_sd);
	if (rc != LM_OK)
		return rc;
	/* Both waves are read with the same options, given once as a table's. */
	lm_table *like = NULL;
	rc = lm_table_new(&like, inst);
	if (rc == LM_OK)
		rc = configure_table(like, reader, err);
	if (rc == LM_OK)
		rc = lm_prepost_set_table_options(pp, like);
	lm_table_free(like);
	return rc;
}

/* The options prepost and report share: as given, and as checked. */
struct analysis_opts {
	const char *id_column, *group_column, *on_duplicate, *reliability_arg, *rci_sd_arg, *delimiter_arg;
	const char *threads_arg;
	struct reader reader;
	int duplicates;
	double reliability, rci_sd;
	unsigned threads;
};

/* Check the shared options and parse their values; EXIT_OK or EXIT_USAGE (said). */
static int check_analysis_opts(struct analysis_opts *a)
{
	a->duplicates = LM_DUPLICATES_ERROR;
	a->reliability = a->rci_sd = NAN;
	if (a->on_duplicate) {
		if (strcmp(a->on_duplicate, "error") == 0)
			a->duplicates = LM_DUPLICATES_ERROR;
		else if (strcmp(a->on_duplicate, "exclude") == 0)
			a->duplicates = LM_DUPLICATES_EXCLUDE;
		else
			return usage_error("--on-duplicate must be error or exclude, not", a->on_duplicate);
	}
	if (a->reliability_arg &&
	    !(parse_decimal(a->reliability_arg, &a->reliability) && a->reliability > 0 && a->reliability < 1))
		return usage_error("--reliability must be a decimal number between 0 and 1 (exclusive), like 0.85, not",
				   a->reliability_arg);
	if (a->rci_sd_arg && !(parse_decimal(a->rci_sd_arg, &a->rci_sd) && a->rci_sd > 0 && isfinite(a->rci_sd)))
		return usage_error("--rci-sd must be a decimal number greater than 0, like 10.1, not", a->rci_sd_arg);
	if (a->delimiter_arg && !delimiter_of(a->delimiter_arg, &a->reader.delimiter))
		return usage_error("--delimiter must be one character (or 'tab'), not", a->delimiter_arg);
	if (a->id_column && a->id_column[0] == '\0')
		return usage_error("--id-column needs a column name", NULL);
	if (a->group_column && a->group_column[0] == '\0')
		return usage_error("--group-column needs a column name", NULL);
	double threads = 0;
	if (a->threads_arg && !parse_whole(a->threads_arg, 1, 1024, &threads))
		return usage_error("--threads must be a whole number from 1 to 1024, like 2, not", a->threads_arg);
	if (a->threads_arg) {
		a->threads = (unsigned)threads;
	} else {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		a->threads = cpus >= 2 ? 2 : 1;
	}
	return EXIT_OK;
}

/*
 * Load INSTRUMENT and make an analysis configured by @p a. On failure the
 * problem is reported, *status is set, and LM_ERROR returned; the caller
 * frees what it got either way.
 */
static int open_analysis(const char *spec, const struct analysis_opts *a, lm_instrument **inst, lm_prepost **pp,
			 lm_error **err, int *status)
{
	if (!*err && lm_error_new(err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		*status = EXIT_PROBLEMS;
		return LM_ERROR;
	}
	int rc = lm_instrument_load(inst, spec, *err);
	if (rc == LM_OK)
		rc = lm_prepost_new(pp, *inst);
	if (rc == LM_OK)
		rc = configure_analysis(*pp, *inst, a->id_column, a->group_column, a->duplicates,
					a->reliability_arg ? &a->reliability : NULL, a->rci_sd_arg ? &a->rci_sd : NULL,
					&a->reader, *err);
	if (rc == LM_OK)
		rc = lm_prepost_set_threads(*pp, a->threads);
	if (rc == LM_EINVAL && !lm_error_count(*err)) {
		fputc('\n', stderr);
		print_usage(stderr);
		*status = EXIT_USAGE;
		return LM_ERROR;
	}
	if (rc != LM_OK) {
		report(*err, rc);
		*status = EXIT_PROBLEMS;
		return LM_ERROR;
	}
	return LM_OK;
}

static int cmd_prepost(int argc, char **argv)
{
	const char *out = NULL, *format_name = NULL, *summary = NULL, *wave_column = NULL, *pre_value = NULL, *post_value = NULL;
	struct analysis_opts a = {0};
	const struct option_spec opts[] = {
		{"output", 'o', &out},
		{"format", 'f', &format_name},
		{"summary", 0, &summary},
		{"id-column", 0, &a.id_column},
		{"group-column", 0, &a.group_column},
		{"on-duplicate", 0, &a.on_duplicate},
		{"reliability", 0, &a.reliability_arg},
		{"rci-sd", 0, &a.rci_sd_arg},
		{"threads", 0, &a.threads_arg},
		{"delimiter", 'd', &a.delimiter_arg},
		{"prefix", 0, &a.reader.prefix},
		{"map", 0, &a.reader.map},
		{"map-file", 0, &a.reader.map_file},
		{"missing", 0, &a.reader.missing},
		{"value-labels", 0, &a.reader.value_labels},
		{"wave-column", 0, &wave_column},
		{"pre-value", 0, &pre_value},
		{"post-value", 0, &post_value},
	};
	int npos = 0, help = 0, format = LM_PREPOST_JSON, status = EXIT_PROBLEMS, rc;
	int long_form, n_inputs;
	const char *out_path, *summary_path;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		print_usage(stdout);
		return EXIT_OK;
	}
	long_form = wave_column != NULL;
	n_inputs = long_form ? 1 : 2;
	if (npos == 0)
		return usage_error("prepost: missing INSTRUMENT", NULL);
	if (long_form) {
		if (npos < 2)
			return usage_error("prepost: missing DATA.csv", NULL);
		if (!pre_value)
			return usage_error("prepost: --wave-column needs --pre-value", NULL);
		if (!post_value)
			return usage_error("prepost: --wave-column needs --post-value", NULL);
	} else {
		if (pre_value || post_value)
			return usage_error(pre_value ? "prepost: --pre-value needs --wave-column (the long form)"
						     : "prepost: --post-value needs --wave-column (the long form)",
					   NULL);
		if (npos < 3)
			return usage_error(npos == 2 ? "prepost: missing POST.csv" : "prepost: missing PRE.csv and POST.csv",
					   NULL);
	}
	if (npos > 1 + n_inputs)
		return usage_error("prepost: too many arguments; unexpected", argv[1 + n_inputs]);
	for (int i = 1; i <= n_inputs; i++)
		if (strcmp(argv[i], "-") == 0)
			return usage_error("prepost reads named files, not standard input; unexpected", argv[i]);
	if (long_form) {
		if (wave_column[0] == '\0')
			return usage_error("--wave-column needs a column name", NULL);
		if (!usable_wave_value(pre_value))
			return usage_error("--pre-value must be non-empty, without blanks around it; not", pre_value);
		if (!usable_wave_value(post_value))
			return usage_error("--post-value must be non-empty, without blanks around it; not", post_value);
		if (strcmp(pre_value, post_value) == 0)
			return usage_error("--pre-value and --post-value must differ; both are", pre_value);
	}
	if (format_name) {
		if (strcmp(format_name, "json") == 0)
			format = LM_PREPOST_JSON;
		else if (strcmp(format_name, "csv") == 0)
			format = LM_PREPOST_CSV;
		else
			return usage_error("--format must be json or csv, not", format_name);
	}
	if (check_analysis_opts(&a) != EXIT_OK)
		return EXIT_USAGE;

	/* Where each output goes: a path, or NULL for a descriptor. */
	out_path = out && strcmp(out, "-") != 0 ? out : NULL;
	summary_path = summary && strcmp(summary, "-") != 0 ? summary : NULL;
	if (summary && !summary_path && !out_path)
		return usage_error("--summary - needs -o OUT: the output already goes to standard output", NULL);
	if (lm_error_new(&err) != LM_OK || lm_outputs_new(&set) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		goto done;
	}
	if (claim_analysis_files(set, err, argv, n_inputs, a.reader.map_file, out_path, 1, summary_path,
				 summary != NULL) != EXIT_OK) {
		status = EXIT_USAGE;
		goto done;
	}

	if (open_analysis(argv[0], &a, &inst, &pp, &err, &status) != LM_OK)
		goto done;

	rc = long_form ? lm_prepost_run_long_file(pp, argv[1], wave_column, pre_value, post_value, err)
		       : lm_prepost_run_files(pp, argv[1], argv[2], err);
	if (rc != LM_OK) {
		report(err, rc);
		setting_hints(err, a.id_column != NULL, 0);
		fputs("libra: no output written\n", stderr);
		/* Rows read are still counted when the data failed (not when a header
		 * did); the pairing counts when the run failed for pairing nobody. */
		if (lm_prepost_count(pp, LM_COUNT_PRE_ROWS) + lm_prepost_count(pp, LM_COUNT_POST_ROWS) +
		    lm_prepost_count(pp, LM_COUNT_OTHER_WAVE))
			print_counts(pp, long_form,
				     !lm_prepost_count(pp, LM_COUNT_PRE_ONLY) && !lm_prepost_count(pp, LM_COUNT_POST_ONLY));
		goto done;
	}

	/* The summary and the output are written whole, then put in place
	 * together: or neither is. */
	{
		int ok = !summary || write_prepost(pp, LM_PREPOST_SUMMARY, summary_path, STDOUT_FILENO, set, err);
		ok &= write_prepost(pp, format, out_path, STDOUT_FILENO, set, err);
		if (!ok || !commit_outputs(set, err)) {
			fputs("libra: no output written\n", stderr);
			goto counts;
		}
	}
	if (format == LM_PREPOST_CSV && !summary && !write_prepost(pp, LM_PREPOST_SUMMARY, NULL, STDERR_FILENO, NULL, err))
		goto counts;
	status = EXIT_OK;
counts:
	print_counts(pp, long_form, 0);
done:
	lm_outputs_free(set);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}

/* The last component of a path: the report names its data files without their directories. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/*
 * libra report: the same analysis as prepost, written as one self-contained
 * HTML file. What it shows and suppresses is the library's (report.h).
 */
static int cmd_report(int argc, char **argv)
{
	const char *out = NULL, *min_cell_arg = NULL, *wave_column = NULL, *pre_value = NULL, *post_value = NULL;
	struct analysis_opts a = {0};
	const struct option_spec opts[] = {
		{"output", 'o', &out},
		{"id-column", 0, &a.id_column},
		{"group-column", 0, &a.group_column},
		{"on-duplicate", 0, &a.on_duplicate},
		{"reliability", 0, &a.reliability_arg},
		{"rci-sd", 0, &a.rci_sd_arg},
		{"threads", 0, &a.threads_arg},
		{"delimiter", 'd', &a.delimiter_arg},
		{"min-cell", 0, &min_cell_arg},
		{"prefix", 0, &a.reader.prefix},
		{"map", 0, &a.reader.map},
		{"map-file", 0, &a.reader.map_file},
		{"missing", 0, &a.reader.missing},
		{"value-labels", 0, &a.reader.value_labels},
		{"wave-column", 0, &wave_column},
		{"pre-value", 0, &pre_value},
		{"post-value", 0, &post_value},
	};
	int npos = 0, help = 0, status = EXIT_PROBLEMS, rc, long_form, n_inputs;
	double min_cell = 0;
	lm_instrument *inst = NULL;
	lm_prepost *pp = NULL;
	lm_report *report_ = NULL;
	lm_outputs *set = NULL;
	lm_error *err = NULL;

	if (parse_args(argc, argv, opts, sizeof opts / sizeof opts[0], &npos, &help) != EXIT_OK)
		return EXIT_USAGE;
	if (help) {
		print_usage(stdout);
		return EXIT_OK;
	}
	long_form = wave_column != NULL;
	n_inputs = long_form ? 1 : 2;
	if (npos == 0)
		return usage_error("report: missing INSTRUMENT", NULL);
	if (long_form && (npos < 2 || !pre_value || !post_value))
		return usage_error(npos < 2 ? "report: missing DATA.csv"
					    : "report: --wave-column needs --pre-value and --post-value",
				   NULL);
	if (!long_form && (pre_value || post_value))
		return usage_error("report: --pre-value and --post-value need --wave-column (the long form)", NULL);
	if (!long_form && npos < 3)
		return usage_error(npos == 2 ? "report: missing POST.csv" : "report: missing PRE.csv and POST.csv", NULL);
	if (npos > 1 + n_inputs)
		return usage_error("report: too many arguments; unexpected", argv[1 + n_inputs]);
	for (int i = 1; i <= n_inputs; i++)
		if (strcmp(argv[i], "-") == 0)
			return usage_error("report reads named files, not standard input; unexpected", argv[i]);
	if (!out || strcmp(out, "-") == 0)
		return usage_error("report: needs -o OUT.html (a file)", NULL);
	if (long_form && (wave_column[0] == '\0' || !usable_wave_value(pre_value) || !usable_wave_value(post_value) ||
			  strcmp(pre_value, post_value) == 0))
		return usage_error("report: --wave-column needs a name, and --pre-value and --post-value two different "
				   "non-empty values without blanks around them",
				   NULL);
	if (check_analysis_opts(&a) != EXIT_OK)
		return EXIT_USAGE;
	if (min_cell_arg && !parse_whole(min_cell_arg, 1, 1e9, &min_cell))
		return usage_error("--min-cell must be a whole number of at least 1, like 5, not", min_cell_arg);
	if (lm_error_new(&err) != LM_OK || lm_outputs_new(&set) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		goto done;
	}
	if (claim_analysis_files(set, err, argv, n_inputs, a.reader.map_file, out, 1, NULL, 0) != EXIT_OK) {
		status = EXIT_USAGE;
		goto done;
	}

	if (open_analysis(argv[0], &a, &inst, &pp, &err, &status) != LM_OK)
		goto done;
	rc = long_form ? lm_prepost_run_long_file(pp, argv[1], wave_column, pre_value, post_value, err)
			       : lm_prepost_run_files(pp, argv[1], argv[2], err);
	if (rc == LM_OK)
		rc = lm_report_new(&report_, pp);
	if (rc == LM_OK && min_cell_arg)
		rc = lm_report_set_min_cell(report_, (unsigned long)min_cell);
	if (rc == LM_OK)
		rc = lm_report_set_source_names(report_, base_name(argv[1]), long_form ? NULL : base_name(argv[2]));
	if (rc == LM_OK)
		rc = lm_report_stage_file(report_, out, set, err);
	if (rc == LM_OK)
		rc = lm_outputs_commit(set, err);
	if (rc != LM_OK) {
		report(err, rc);
		setting_hints(err, a.id_column != NULL, 0);
		fputs("libra: no output written\n", stderr);
		goto done;
	}
	print_counts(pp, long_form, 0);
	status = EXIT_OK;
done:
	lm_outputs_free(set);
	lm_report_free(report_);
	lm_prepost_free(pp);
	lm_instrument_free(inst);
	lm_error_free(err);
	return status;
}

/* ---- main ------------------------------------------------------------------ */

static int run(int argc, char **argv);

int main(int argc, char **argv)
{
	files_handle_signals();
	return files_close_stdout(run(argc, argv));
}

static int run(int argc, char **argv)
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
		print_usage(stdout);
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
	if (strcmp(cmd, "prepost") == 0)
		return cmd_prepost(argc - 2, argv + 2);
	if (strcmp(cmd, "report") == 0)
		return cmd_report(argc - 2, argv + 2);
	return usage_error(cmd[0] == '-' ? "unknown option" : "unknown command", cmd);
}
