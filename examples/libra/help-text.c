/*
 * libra — the words of the help and of the manual page libra(1), one table
 * (help.h). Change an option here and both follow.
 */
#include <string.h>

#include "help.h"

const char help_description[] =
	"libra scores questionnaires with reviewed definitions (bundled, or YAML files of your own),\n"
	"one record per respondent, and measures pre/post change. A bad value is never guessed: it is\n"
	"reported with its file, line, column and what is allowed, and nothing is written.";

const char help_instrument_note[] =
	"INSTRUMENT is an id (see 'libra list': bundled, or ID.yaml in a directory of\n"
	"LIBRA_MEASURES_PATH, in ~/.local/share/libra_measures/instruments or in the installed\n"
	"data directory) or the path of a YAML definition.";

const char help_exit_status[] =
	"Exit status: 0 success, 1 problems in data or definitions (nothing written), 2 usage\n"
	"error, 3 rows rejected and written to --rejects (the others scored and written).";

const struct help_option help_common_options[] = {
	{"-h, --help", "show the command's usage, options and examples"},
	{NULL, NULL},
};

const struct help_option help_global_options[] = {
	{"-h, --help", "show this help; 'libra COMMAND --help' (or 'libra help COMMAND')\n"
		       "shows a command's options and examples"},
	{"--version", "show the versions of libra and of the library"},
	{NULL, NULL},
};

/* How a table is read: score, prepost and report. */
static const struct help_option reading_options[] = {
	{"-d, --delimiter C", "the field delimiter; 'tab' for a tab (default: detected from\n"
			      "the header, one of ',' ';' tab; refused when it cannot be told)"},
	{"--prefix P", "item columns are P<n>: --prefix Q5_ reads stss_7 from Q5_7"},
	{"--map ITEM=COL,...", "read ITEM from column COL (overrides --prefix)"},
	{"--map-file F", "the same from a CSV file with the header item,column"},
	{"--missing T,...", "cells holding T (e.g. NA, ., -99) are blank, like empty ones"},
	{"--value-labels yes|no", "SPSS/Stata files: read labelled values as their labels\n"
				  "(default no: as codes)"},
	{"--sheet NAME", "Excel workbooks (.xlsx): read sheet NAME (default: the first)"},
	{NULL, NULL},
};

/* What prepost and report share. */
static const struct help_option analysis_options[] = {
	{"--id-column NAME", "the column with respondent ids, which pairs the waves (default:\n"
			     "the column named 'id')"},
	{"--group-column NAME", "the column with the group (taken from the pre row)"},
	{"--on-duplicate error|exclude", "an id twice in one wave fails the run (error, the default),\n"
					 "or leaves all its rows unpaired (exclude)"},
	{"--reliability R", "the reliability for the RCI of every scale, 0 < R < 1 (default:\n"
			    "the definition's norms, else Cronbach's alpha at pre)"},
	{"--rci-sd SD", "the SD for the RCI, SD > 0 (default: SD of pre scores)"},
	{"--threads N", "1 reads PRE and POST one after the other, 2 at the same time\n"
			"(default 2 when the machine has 2 CPUs or more)"},
	{"--wave-column NAME", "the long form: one table DATA.csv whose column NAME gives the\n"
			       "wave; with --pre-value V and --post-value V, its values at pre\n"
			       "and at post"},
	{"--pre-value V, --post-value V", "the long form's wave values"},
	{"--waves W1,W2,...", "a trial: name the waves, the baseline first; one data file per\n"
			      "wave in this order, or one long table whose --wave-column holds\n"
			      "these names. Each later wave is compared with the baseline, with\n"
			      "each arm's baseline-adjusted effect (ANCOVA), attrition and flow"},
	{"--cluster-column NAME", "with --waves: the column with each respondent's cluster (team,\n"
				  "unit) at baseline: cluster-robust (CR2) effects, baseline ICC"},
	{"--reference-group NAME", "with --waves: the arm the others are compared with (default:\n"
				   "the first group at baseline)"},
	{NULL, NULL},
};

static const struct help_option score_options[] = {
	{"-o, --output OUT", "write to OUT, atomically (default: standard output); nothing is\n"
			     "written if any row is rejected, unless --rejects is given.\n"
			     "Standard output is held in a file in TMPDIR (else /tmp) until\n"
			     "the run is done: as large as the output"},
	{"-f, --format FORMAT", "csv (default), json (JSON Lines), xlsx (Excel), sav (SPSS) or\n"
				"dta (Stata); also chosen by -o's extension"},
	{"--keep NAME,...", "copy these input columns into the output, as they are"},
	{"--keep-all", "copy every input column that is not an item into the output"},
	{"--id-column NAME", "the column with respondent ids (default: the column named 'id';\n"
			     "a table without it is refused)"},
	{"--no-id", "the table has no id column; the data row number (blank rows\n"
		    "counted) is written as each row's id"},
	{"--rejects FILE", "write the rejected rows, as they were and why, to FILE, and the\n"
			   "other rows to the output (exit status 3)"},
	{"--threads N", "N threads score parts of a CSV table while the main one reads and\n"
			"writes; 1 does it all on one thread. The output is the same either\n"
			"way (default, 0: one per CPU, once the first 8 MiB are read on one)"},
	{"-r, --responses V1,V2,...", "score one respondent: values in item order, numbers or\n"
				      "response labels, empty for blank; prints a table"},
	{NULL, NULL},
};

static const struct help_option prepost_options[] = {
	{"-o, --output OUT", "write the result (JSON, or CSV with --format csv) to OUT, atomically"},
	{"-f, --format FORMAT", "json (one document) or csv, xlsx, sav, dta (one row per pair;\n"
				"also chosen by -o's extension). Without -o and --format, a terminal\n"
				"gets the readable summary, and standard output that is not a\n"
				"terminal (a pipe, a file) gets the JSON"},
	{"--keep NAME,...", "copy these columns of the pre (baseline) row into the rows"},
	{"--keep-all", "copy every column of the pre row that is not an item"},
	{"--summary FILE", "also write the readable summary to FILE ('-': standard output,\n"
			   "with -o); with --format csv and no --summary, the summary goes to\n"
			   "standard error"},
	{NULL, NULL},
};

static const struct help_option report_options[] = {
	{"-o, --output OUT.html", "the report (required), written atomically"},
	{"--min-cell N", "the fewest respondents a shown cell, group or plot may rest on,\n"
			 "N >= 1 (default 5)"},
	{NULL, NULL},
};

const struct help_command help_commands[] = {
	{
		.name = "list",
		.synopsis = "list",
		.summary = "list the instruments: bundled, and found on the search path",
		.description = "Prints the id, name and version of every instrument definition that an id finds,\n"
			       "and where it comes from: bundled, or a file on the search path\n"
			       "(LIBRA_MEASURES_PATH, ~/.local/share/libra_measures/instruments, the installed\n"
			       "data directory).",
		.options = {help_common_options},
		.examples = "libra list",
	},
	{
		.name = "show",
		.synopsis = "show INSTRUMENT",
		.summary = "show an instrument's items, scales, rules and sources",
		.description = "Prints everything a reviewer needs to check a definition: its items with their\n"
			       "responses and reverse keying, scales, bands, norms, rules, sources and notes.",
		.options = {help_common_options},
		.examples = "libra show stss\n"
			    "libra show my-definition.yaml",
	},
	{
		.name = "check",
		.synopsis = "check FILE.yaml...",
		.summary = "check instrument definitions; every problem as FILE:LINE:COL",
		.description = "Loads each definition and prints 'FILE: ok', or every problem found in it as\n"
			       "FILE:LINE:COL: what is wrong.",
		.options = {help_common_options},
		.examples = "libra check my-definition.yaml",
	},
	{
		.name = "score",
		.synopsis = "score INSTRUMENT [DATA.csv|-] [-o OUT] [--format csv|json] [OPTIONS]\n"
			    "score INSTRUMENT --responses V1,V2,...",
		.summary = "score a table, one record per data row, or one respondent",
		.description =
			"Scores a CSV table (or an SPSS/Stata file) one record per data row: per scale the score,\n"
			"how many items it rests on, its status and band, then each rule. Item columns are\n"
			"found by the item ids, in any case when that is unambiguous; --prefix and --map\n"
			"name them otherwise.\n"
			"\n"
			"DATA '-' is standard input. Without DATA, standard input is read when it is a pipe\n"
			"or a file; on a terminal, libra refuses rather than wait for a table to be typed\n"
			"(give '-' to type or paste one, ended with Ctrl-D).",
		.options = {score_options, reading_options, help_common_options},
		.examples = "# score the example data into a file\n"
			    "libra score stss examples/data/stss_pre.csv -o scores.csv\n"
			    "# an export whose item columns are Q5_1..Q5_17 and where NA means missing\n"
			    "libra score stss export.csv --prefix Q5_ --missing NA -o scores.csv\n"
			    "# one respondent, as a table\n"
			    "libra score stss --responses 2,3,never,4,,3,2,3,1,3,4,2,2,1,3,4,2",
	},
	{
		.name = "prepost",
		.synopsis = "prepost INSTRUMENT PRE.csv POST.csv [-o OUT] [--format json|csv] [OPTIONS]\n"
			    "prepost INSTRUMENT DATA.csv --wave-column NAME --pre-value V --post-value V [OPTIONS]\n"
			    "prepost INSTRUMENT W1.csv W2.csv W3.csv... --waves W1,W2,W3... [OPTIONS]\n"
			    "prepost INSTRUMENT DATA.csv --waves W1,W2,... --wave-column NAME [OPTIONS]",
		.summary = "pre/post change: pair respondents by id across two waves, or a trial's waves",
		.description =
			"Pairs respondents by id across two waves and gives, per scale and group, the change,\n"
			"its test and effect sizes, and reliable change. On a terminal it prints the readable\n"
			"summary; the JSON document goes to -o OUT, or to standard output with --format json\n"
			"or when standard output is not a terminal. See doc/PREPOST.md for every statistic.",
		.options = {prepost_options, analysis_options, reading_options, help_common_options},
		.examples = "# the readable summary, on a terminal\n"
			    "libra prepost stss examples/data/stss_pre.csv examples/data/stss_post.csv --group-column group\n"
			    "# the JSON document into a file\n"
			    "libra prepost stss examples/data/stss_pre.csv examples/data/stss_post.csv -o change.json\n"
			    "# a trial: baseline, post and follow-up, arms compared adjusting for baseline, by unit\n"
			    "libra prepost stss base.csv post.csv follow.csv --waves base,post,follow \\\n"
			    "    --group-column arm --cluster-column unit -o trial.json",
	},
	{
		.name = "report",
		.synopsis = "report INSTRUMENT PRE.csv POST.csv -o OUT.html [--min-cell N] [OPTIONS]\n"
			    "report INSTRUMENT DATA.csv --wave-column NAME --pre-value V --post-value V -o OUT.html",
		.summary = "a self-contained HTML report of the pre/post analysis",
		.description =
			"The analysis of prepost as one self-contained HTML file with charts, for reading and\n"
			"printing. Cells and groups of fewer than N respondents (--min-cell, default 5) are\n"
			"hidden, and others so that none can be worked out; charts show counts, never a\n"
			"single pair; no ids.",
		.options = {report_options, analysis_options, reading_options, help_common_options},
		.examples = "libra report stss examples/data/stss_pre.csv examples/data/stss_post.csv -o report.html",
	},
	{
		.name = "help",
		.synopsis = "help [COMMAND]",
		.summary = "show this help, or a command's",
		.description = "The same as 'libra --help', or 'libra COMMAND --help'.",
		.options = {NULL},
		.examples = "libra help score",
	},
};

const size_t help_command_count = sizeof help_commands / sizeof help_commands[0];

const struct help_command *help_command_named(const char *name)
{
	for (size_t i = 0; name && i < help_command_count; i++)
		if (strcmp(help_commands[i].name, name) == 0)
			return &help_commands[i];
	return NULL;
}
