/*
 * libra show: an instrument's items, scales, rules and sources, as text.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "libra.h"
#include "print.h"
#include "problems.h"

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

int cmd_show(int argc, char **argv)
{
	int npos = 0, exit_status, rc;
	lm_instrument *inst = NULL;
	lm_error *err = NULL;
	char b[32];

	if (!parse_args(argc, argv, NULL, 0, &npos, &exit_status))
		return exit_status;
	if (npos != 1)
		return usage_error(npos ? "show takes one INSTRUMENT; too many arguments" : "show: missing INSTRUMENT",
				   NULL);
	if (lm_error_new(&err) != LM_OK) {
		fputs("libra: out of memory\n", stderr);
		return EXIT_PROBLEMS;
	}
	rc = lm_instrument_load(&inst, argv[0], err);
	if (rc != LM_OK) {
		print_problems(err, rc);
		lm_error_free(err);
		return EXIT_PROBLEMS;
	}
	print_warnings(err);

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
