/*
 * libra — the usage texts: what each command takes, and every option.
 */
#include <stdio.h>

#include "libra.h"

static const char usage_text[] =
	"Usage: libra COMMAND [ARGUMENTS]\n"
	"\n"
	"Commands:\n"
	"  list                       list the instruments: bundled, and found on the search path\n"
	"  show INSTRUMENT            show an instrument's items, scales, rules and sources\n"
	"  check FILE.yaml...         check instrument definitions; every problem as FILE:LINE:COL\n"
	"  score INSTRUMENT [DATA.csv|-] [-o OUT] [--format csv|json|xlsx|sav|dta]\n"
	"                             [--keep NAME,... | --keep-all]\n"
	"                             [--id-column NAME | --no-id] [--delimiter C] [--rejects FILE]\n"
	"                             [--prefix P] [--map ITEM=COL,...] [--map-file F]\n"
	"                             [--missing NA,.,...]\n"
	"                             score a CSV table, one record per data row\n"
	"                             (standard input when DATA is - or absent)\n"
	"  score INSTRUMENT --responses V1,V2,...\n"
	"                             score one respondent: values in item order,\n"
	"                             numbers or response labels, empty for blank\n"
	"  prepost INSTRUMENT PRE.csv POST.csv [-o OUT] [--format json|csv|xlsx|sav|dta]\n"
	"                             [--summary FILE] [--keep NAME,... | --keep-all]\n"
	"                             [--id-column NAME] [--group-column NAME]\n"
	"                             [--on-duplicate error|exclude] [--reliability R]\n"
	"                             [--rci-sd SD] [--delimiter C] [--prefix P] [--map ...]\n"
	"                             [--map-file F] [--missing T,...] [--threads N]\n"
	"                             pre/post change: pair respondents by id across two\n"
	"                             waves; change, reliable change, effect sizes, by group\n"
	"  prepost INSTRUMENT DATA.csv --wave-column NAME --pre-value V --post-value V [...]\n"
	"                             the same from one long table whose column NAME gives the wave\n"
	"  prepost INSTRUMENT W1.csv W2.csv W3.csv... --waves W1,W2,W3... [--cluster-column NAME]\n"
	"                             [--reference-group NAME] [...]\n"
	"  prepost INSTRUMENT DATA.csv --waves W1,W2,... --wave-column NAME [...]\n"
	"                             a trial: baseline W1 against each later wave, with the\n"
	"                             baseline-adjusted effect of each arm (ANCOVA), attrition\n"
	"                             and flow per arm; one file per wave, or one long table\n"
	"  report INSTRUMENT PRE.csv POST.csv -o OUT.html [--min-cell N] [--group-column NAME]\n"
	"                             [and prepost's other options, or its long form]\n"
	"                             a self-contained HTML report with charts, for reading and\n"
	"                             printing; cells and groups of fewer than N respondents\n"
	"                             (default 5) are hidden, and others so that none can be worked\n"
	"                             out; charts show counts, never a single pair; no ids\n"
	"  help                       show this help\n"
	"\n"
	"INSTRUMENT is an id (see 'libra list': bundled, or ID.yaml on LIBRA_MEASURES_PATH or in\n"
	"~/.local/share/libra_measures/instruments) or the path of a YAML definition.\n";

/* The options, apart: one string literal may hold no more than 4095 characters in ISO C. */
static const char wave_options_text[] =
	"  --waves W1,W2,...          prepost, report: name the waves, the baseline first; one data\n"
	"                             file per wave in this order, or one long table whose\n"
	"                             --wave-column holds these names\n"
	"  --cluster-column NAME      with --waves: the column with each respondent's cluster (team,\n"
	"                             unit) at baseline: cluster-robust (CR2) effects, baseline ICC\n"
	"  --reference-group NAME     with --waves: the arm the others are compared with (default:\n"
	"                             the first group at baseline)\n";

static const char options_text[] =
	"Options may come before or after the other arguments; '--' ends them.\n"
	"  -o, --output OUT           write to OUT (atomically; nothing is written if any row is\n"
	"                             rejected, unless --rejects is given)\n"
	"  -f, --format csv|json      score: csv (default) or JSON Lines;\n"
	"                             prepost: json (default, one document) or csv (one row per pair)\n"
	"     xlsx|sav|dta            Excel, SPSS or Stata (score; prepost's rows); also by -o's extension\n"
	"  --keep NAME,...            score, prepost: copy these input columns (prepost: of the pre\n"
	"                             row) into the output, as they are; --keep-all: every column\n"
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
	"  --sheet NAME               Excel workbooks (.xlsx): read sheet NAME (default: the first)\n"
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
	"                             prepost, long form: the wave column and its pre and post values\n";
static const char options_tail_text[] =
	"  -h, --help                 show this help\n"
	"  --version                  show the versions of libra and of the library\n"
	"\n"
	"Exit status: 0 success, 1 problems in data or definitions (nothing written), 2 usage\n"
	"error, 3 rows rejected and written to --rejects (the others scored and written).\n";

void print_usage(FILE *f)
{
	fputs(usage_text, f);
	fputs(options_text, f);
	fputs(wave_options_text, f);
	fputs(options_tail_text, f);
}

/* Report a usage error: a message, then the usage. */
int usage_error(const char *what, const char *arg)
{
	if (arg)
		fprintf(stderr, "libra: %s '%s'\n\n", what, arg);
	else
		fprintf(stderr, "libra: %s\n\n", what);
	print_usage(stderr);
	return EXIT_USAGE;
}
