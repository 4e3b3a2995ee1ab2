/*
 * The pre/post analysis against R: a synthetic instrument and ~200
 * respondents in two groups (tests/reference/prepost/), run through
 * lm_prepost_run_files() and compared with what R computes for the same data
 * with t.test(), psych::alpha() and the Jacobson-Truax formulas
 * (regenerate.R there): every summary statistic overall and per group, the
 * between-group comparison, the counts, and every respondent's scores, RCI,
 * reliable change, category and bands. Then the same rows as one long table
 * through lm_prepost_run_long_file() must give the same results.
 * R regenerates the reference files; this test does not need R.
 *
 * Tolerances: 1e-9 absolute for values of order 1, relative beyond
 * (|got - R| <= 1e-9 max(1, |R|)); p-values 1e-9 relative (absolute 1e-12
 * only below 1e-300, which this data set does not reach); counts and
 * categories exactly.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "reference.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libra_measures/libra_measures.h"

#define TOLERANCE 1e-9
#define MAX_FIELDS 16
#define MAX_REPORTED 30
#define ALL_PAIRS LM_PREPOST_ALL_GROUPS

static char *reference_path(const char *name)
{
	const char *root = getenv("LM_SOURCE_ROOT");
	if (root == NULL || *root == '\0')
		fail_msg("LM_SOURCE_ROOT is not set (tests/meson.build sets it)");
	size_t len = strlen(root) + strlen("/tests/reference/prepost/") + strlen(name) + 1;
	char *path = malloc(len);
	assert_non_null(path);
	snprintf(path, len, "%s/tests/reference/prepost/%s", root, name);
	return path;
}

struct summary_row {
	const char *scale, *group, *stat, *value;
};

struct respondent_row {
	const char *id, *group, *scale, *reliable, *category, *band_pre, *band_post;
	double pre, post, change, rci;
};

struct fixture {
	lm_instrument *inst;
	lm_prepost *pp;
	size_t n_scales;
	char *summary_text, *respondents_text;
	struct summary_row *summary;
	size_t n_summary;
	struct respondent_row *resp;
	size_t n_resp;
};

static void load_summary(struct fixture *fx, const char *path)
{
	fx->summary_text = ref_read_text(path);
	if (fx->summary_text == NULL)
		fail_msg("cannot read %s", path);
	char *cursor = fx->summary_text, *f[MAX_FIELDS], *line = ref_next_line(&cursor);
	assert_non_null(line);
	assert_string_equal(line, "scale,group,stat,value");
	size_t cap = 1024;
	fx->summary = malloc(cap * sizeof *fx->summary);
	assert_non_null(fx->summary);
	while ((line = ref_next_line(&cursor)) != NULL) {
		assert_true(fx->n_summary < cap);
		if (ref_split_fields(line, f, MAX_FIELDS) != 4)
			fail_msg("%s: row %zu has not 4 fields", path, fx->n_summary + 1);
		fx->summary[fx->n_summary++] = (struct summary_row){f[0], f[1], f[2], f[3]};
	}
}

static void load_respondents(struct fixture *fx, const char *path)
{
	fx->respondents_text = ref_read_text(path);
	if (fx->respondents_text == NULL)
		fail_msg("cannot read %s", path);
	char *cursor = fx->respondents_text, *f[MAX_FIELDS], *line = ref_next_line(&cursor);
	assert_non_null(line);
	assert_string_equal(line, "id,group,scale,pre,post,change,rci,reliable,category,band_pre,band_post");
	size_t cap = 4096;
	fx->resp = malloc(cap * sizeof *fx->resp);
	assert_non_null(fx->resp);
	while ((line = ref_next_line(&cursor)) != NULL) {
		assert_true(fx->n_resp < cap);
		if (ref_split_fields(line, f, MAX_FIELDS) != 11)
			fail_msg("%s: row %zu has not 11 fields", path, fx->n_resp + 1);
		fx->resp[fx->n_resp++] = (struct respondent_row){
			.id = f[0], .group = f[1], .scale = f[2],
			.pre = ref_number(f[3], path, REF_NA), .post = ref_number(f[4], path, REF_NA),
			.change = ref_number(f[5], path, REF_NA), .rci = ref_number(f[6], path, REF_NA),
			.reliable = f[7], .category = f[8], .band_pre = f[9], .band_post = f[10]};
	}
}

static lm_prepost *new_analysis(const struct fixture *fx)
{
	lm_prepost *pp = NULL;
	assert_int_equal(lm_prepost_new(&pp, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_set_group_column(pp, "group"), LM_OK);
	return pp;
}

static void check_run(int rc, const lm_error *err, const char *what)
{
	if (rc != LM_OK)
		fail_msg("%s: %s: %s", what, lm_strerror(rc),
			 lm_error_count(err) > 0 ? lm_error_text(err, 0) : "(no diagnostic)");
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof *fx);
	assert_non_null(fx);
	*state = fx;
	char *def = reference_path("instrument.yaml"), *pre = reference_path("pre.csv"),
	     *post = reference_path("post.csv"), *summary = reference_path("summary.csv"),
	     *respondents = reference_path("respondents.csv");
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	check_run(lm_instrument_load_file(&fx->inst, def, err), err, def);
	fx->n_scales = lm_instrument_scale_count(fx->inst);
	fx->pp = new_analysis(fx);
	check_run(lm_prepost_run_files(fx->pp, pre, post, err), err, "lm_prepost_run_files");
	lm_error_free(err);
	load_summary(fx, summary);
	load_respondents(fx, respondents);
	free(def);
	free(pre);
	free(post);
	free(summary);
	free(respondents);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	if (fx == NULL)
		return 0;
	lm_prepost_free(fx->pp);
	lm_instrument_free(fx->inst);
	free(fx->summary_text);
	free(fx->respondents_text);
	free(fx->summary);
	free(fx->resp);
	free(fx);
	return 0;
}

/* ---- comparing -------------------------------------------------------------------- */

/* Kinds of value, for the tolerance and for the report of the largest differences. */
enum kind { K_COUNT, K_DESCRIPTIVE, K_CI, K_T, K_DF, K_P, K_EFFECT, K_ALPHA, K_RCI, K_G, K_SCORE, N_KINDS };
static const char *const kind_names[N_KINDS] = {"count", "mean/sd/difference", "CI", "t", "df", "p",
						"d_z/d_av", "alpha", "RCI", "Hedges g", "score"};

struct tally {
	size_t compared, missing_both, mismatches;
	size_t n[N_KINDS];
	double max_abs[N_KINDS], max_rel[N_KINDS];
};

static int within(enum kind kind, double got, double want)
{
	double diff = fabs(got - want);
	switch (kind) {
	case K_COUNT:
		return got == want;
	case K_P:
		return diff <= TOLERANCE * fabs(want) || (fabs(want) < 1e-300 && diff <= 1e-12);
	default:
		return diff <= TOLERANCE * fmax(1, fabs(want));
	}
}

/* Compare one number; NA in the reference wants NaN. Returns 1 when it agrees. */
static int compare(struct tally *t, enum kind kind, double got, double want, const char *what)
{
	int ok;
	if (isnan(want)) {
		ok = isnan(got);
		t->missing_both += ok;
	} else {
		ok = isfinite(got) && within(kind, got, want);
		double diff = fabs(got - want);
		if (isfinite(got)) {
			t->n[kind]++;
			t->compared++;
			if (diff > t->max_abs[kind])
				t->max_abs[kind] = diff;
			if (want != 0 && diff / fabs(want) > t->max_rel[kind])
				t->max_rel[kind] = diff / fabs(want);
		}
	}
	if (!ok && t->mismatches++ < MAX_REPORTED)
		print_error("%s: got %.17g, R %.17g\n", what, got, want);
	return ok;
}

static void compare_text(struct tally *t, const char *got, const char *want, const char *what)
{
	const char *g = got ? got : "NA";
	if (strcmp(g, want) != 0) {
		if (t->mismatches++ < MAX_REPORTED)
			print_error("%s: got %s, R %s\n", what, g, want);
	} else {
		t->compared++;
	}
}

static const struct {
	const char *name;
	int which;
	enum kind kind;
	int per_group; /* also computed per group */
} stats[] = {
	{"pre_n", LM_PREPOST_STAT_PRE_N, K_COUNT, 1},
	{"pre_mean", LM_PREPOST_STAT_PRE_MEAN, K_DESCRIPTIVE, 1},
	{"pre_sd", LM_PREPOST_STAT_PRE_SD, K_DESCRIPTIVE, 1},
	{"post_n", LM_PREPOST_STAT_POST_N, K_COUNT, 1},
	{"post_mean", LM_PREPOST_STAT_POST_MEAN, K_DESCRIPTIVE, 1},
	{"post_sd", LM_PREPOST_STAT_POST_SD, K_DESCRIPTIVE, 1},
	{"pre_alpha", LM_PREPOST_STAT_PRE_ALPHA, K_ALPHA, 0},
	{"pre_alpha_n", LM_PREPOST_STAT_PRE_ALPHA_N, K_COUNT, 0},
	{"post_alpha", LM_PREPOST_STAT_POST_ALPHA, K_ALPHA, 0},
	{"post_alpha_n", LM_PREPOST_STAT_POST_ALPHA_N, K_COUNT, 0},
	{"change_n", LM_PREPOST_STAT_CHANGE_N, K_COUNT, 1},
	{"change_mean", LM_PREPOST_STAT_CHANGE_MEAN, K_DESCRIPTIVE, 1},
	{"change_sd", LM_PREPOST_STAT_CHANGE_SD, K_DESCRIPTIVE, 1},
	{"ci_low", LM_PREPOST_STAT_CHANGE_CI_LOW, K_CI, 1},
	{"ci_high", LM_PREPOST_STAT_CHANGE_CI_HIGH, K_CI, 1},
	{"t", LM_PREPOST_STAT_T, K_T, 1},
	{"df", LM_PREPOST_STAT_DF, K_DF, 1},
	{"p", LM_PREPOST_STAT_P, K_P, 1},
	{"dz", LM_PREPOST_STAT_DZ, K_EFFECT, 1},
	{"dav", LM_PREPOST_STAT_DAV, K_EFFECT, 1},
	{"rci_sd", LM_PREPOST_STAT_RCI_SD, K_RCI, 0},
	{"rci_reliability", LM_PREPOST_STAT_RCI_RELIABILITY, K_RCI, 0},
	{"rci_sdiff", LM_PREPOST_STAT_RCI_SDIFF, K_RCI, 0},
	{"improved", LM_PREPOST_STAT_IMPROVED, K_COUNT, 0},
	{"deteriorated", LM_PREPOST_STAT_DETERIORATED, K_COUNT, 0},
	{"unchanged", LM_PREPOST_STAT_UNCHANGED, K_COUNT, 0},
	{"recovered", LM_PREPOST_STAT_RECOVERED, K_COUNT, 0},
};
#define N_STATS (sizeof stats / sizeof stats[0])

static const struct {
	const char *name;
	int which;
	enum kind kind;
} compares[] = {
	{"compare_difference", LM_PREPOST_COMPARE_DIFFERENCE, K_DESCRIPTIVE},
	{"compare_welch_t", LM_PREPOST_COMPARE_WELCH_T, K_T},
	{"compare_df", LM_PREPOST_COMPARE_DF, K_DF},
	{"compare_p", LM_PREPOST_COMPARE_P, K_P},
	{"compare_hedges_g", LM_PREPOST_COMPARE_HEDGES_G, K_G},
};
#define N_COMPARES (sizeof compares / sizeof compares[0])

static const struct {
	const char *name;
	int which;
} counts[] = {
	{"pre_rows", LM_PREPOST_COUNT_PRE_ROWS}, {"post_rows", LM_PREPOST_COUNT_POST_ROWS}, {"pairs", LM_PREPOST_COUNT_PAIRS},
	{"pre_only", LM_PREPOST_COUNT_PRE_ONLY}, {"post_only", LM_PREPOST_COUNT_POST_ONLY}, {"no_id", LM_PREPOST_COUNT_NO_ID},
};
#define N_COUNTS (sizeof counts / sizeof counts[0])

static const char *source_name(int source)
{
	switch (source) {
	case LM_RELIABILITY_NORMS: return "norms";
	case LM_RELIABILITY_ALPHA_PRE: return "alpha_pre";
	case LM_RELIABILITY_OVERRIDE: return "override";
	case LM_RELIABILITY_NONE: return "none";
	default: return "?";
	}
}

static const char *band_name(const lm_instrument *inst, size_t s, long b)
{
	const lm_scale *scale = lm_instrument_scale(inst, s);
	if (b < 0 || (size_t)b >= lm_scale_band_count(scale))
		return NULL;
	return lm_band_id(lm_scale_band(scale, (size_t)b));
}

static size_t scale_index(const struct fixture *fx, const char *id)
{
	size_t s;
	if (lm_instrument_find_scale(fx->inst, id, &s) != LM_OK)
		fail_msg("reference names no scale %s", id);
	return s;
}

/* Group index of a group name, from the analysis; "" is all pairs. */
static size_t group_index(const lm_prepost *pp, const char *name)
{
	if (*name == '\0')
		return ALL_PAIRS;
	for (size_t g = 0; g < lm_prepost_group_count(pp); g++)
		if (strcmp(lm_prepost_group_name(pp, g), name) == 0)
			return g;
	fail_msg("reference names group %s, which the analysis does not have", name);
	return 0;
}

static void print_tally(const struct tally *t, const char *how)
{
	printf("# %s: %zu values compared (%zu NA on both sides), %zu mismatches\n", how, t->compared,
	       t->missing_both, t->mismatches);
	for (int k = 0; k < N_KINDS; k++)
		if (t->n[k])
			printf("#   %-18s n %4zu  max |diff| %.3g  max relative %.3g\n", kind_names[k], t->n[k],
			       t->max_abs[k], t->max_rel[k]);
}

/* ---- the tests ---------------------------------------------------------------- */

static void test_counts_and_groups(void **state)
{
	struct fixture *fx = *state;
	struct tally t = {0};
	size_t seen_counts = 0, seen_groups = 0;
	for (size_t i = 0; i < fx->n_summary; i++) {
		const struct summary_row *r = &fx->summary[i];
		if (*r->scale != '\0')
			continue;
		if (strcmp(r->stat, "group_index") == 0) {
			size_t g = (size_t)ref_number(r->value, "summary.csv", REF_NA);
			assert_true(g < lm_prepost_group_count(fx->pp));
			assert_string_equal(lm_prepost_group_name(fx->pp, g), r->group);
			seen_groups++;
			continue;
		}
		for (size_t k = 0; k < N_COUNTS; k++)
			if (strcmp(r->stat, counts[k].name) == 0) {
				compare(&t, K_COUNT, (double)lm_prepost_count(fx->pp, counts[k].which),
					ref_number(r->value, "summary.csv", REF_NA), r->stat);
				seen_counts++;
			}
	}
	assert_int_equal(seen_groups, 2);
	assert_int_equal(lm_prepost_group_count(fx->pp), 2);
	assert_int_equal(seen_counts, N_COUNTS);
	/* No duplicates in this data set, no wave column in the two-file form. */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_DUPLICATE_ID), 0);
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_OTHER_WAVE), 0);
	/* The counts reconcile (doc/PREPOST.md). */
	assert_int_equal(lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ROWS) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ROWS),
			 2 * lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PRE_ONLY) +
				 lm_prepost_count(fx->pp, LM_PREPOST_COUNT_POST_ONLY) + lm_prepost_count(fx->pp, LM_PREPOST_COUNT_NO_ID));
	assert_int_equal(lm_prepost_respondent_count(fx->pp), lm_prepost_count(fx->pp, LM_PREPOST_COUNT_PAIRS));
	print_tally(&t, "counts");
	assert_int_equal(t.mismatches, 0);
}

static void test_summary_matches_r(void **state)
{
	struct fixture *fx = *state;
	const lm_prepost *pp = fx->pp;
	size_t ng = lm_prepost_group_count(pp);
	assert_true(fx->n_scales <= 8 && ng == 2);
	/* seen[scale][group + 1][stat]: every statistic the analysis reports is in the reference once. */
	unsigned char seen[8][3][N_STATS + N_COMPARES + 1];
	memset(seen, 0, sizeof seen);
	struct tally t = {0};
	char what[256];
	for (size_t i = 0; i < fx->n_summary; i++) {
		const struct summary_row *r = &fx->summary[i];
		if (*r->scale == '\0')
			continue; /* counts and groups: test_counts_and_groups */
		size_t s = scale_index(fx, r->scale), g = group_index(pp, r->group);
		size_t gi = g == ALL_PAIRS ? 0 : g + 1;
		snprintf(what, sizeof what, "%s/%s/%s", r->scale, *r->group ? r->group : "all", r->stat);
		int known = 0;
		for (size_t k = 0; k < N_STATS; k++) {
			if (strcmp(r->stat, stats[k].name) != 0)
				continue;
			known = 1;
			assert_true(g == ALL_PAIRS || stats[k].per_group);
			seen[s][gi][k]++;
			double got = lm_prepost_stat(pp, s, g, stats[k].which);
			compare(&t, stats[k].kind, got, ref_number(r->value, what, REF_NA), what);
			/* A NaN always comes with a reason, a number never does. */
			const char *why = lm_prepost_stat_reason(pp, s, g, stats[k].which);
			if (isnan(got) != (why != NULL))
				fail_msg("%s: value %g with reason %s", what, got, why ? why : "(none)");
		}
		for (size_t k = 0; k < N_COMPARES; k++) {
			if (strcmp(r->stat, compares[k].name) != 0)
				continue;
			known = 1;
			assert_true(g == ALL_PAIRS);
			seen[s][0][N_STATS + k]++;
			compare(&t, compares[k].kind, lm_prepost_compare(pp, s, compares[k].which),
				ref_number(r->value, what, REF_NA), what);
			assert_null(lm_prepost_compare_reason(pp, s, compares[k].which));
		}
		if (strcmp(r->stat, "reliability_source") == 0) {
			known = 1;
			assert_true(g == ALL_PAIRS);
			seen[s][0][N_STATS + N_COMPARES]++;
			compare_text(&t, source_name(lm_prepost_reliability_source(pp, s)), r->value, what);
		}
		if (!known)
			fail_msg("summary.csv: unknown statistic %s", r->stat);
	}
	/* Completeness: every statistic of every scale, overall and per group. */
	for (size_t s = 0; s < fx->n_scales; s++) {
		for (size_t gi = 0; gi <= ng; gi++)
			for (size_t k = 0; k < N_STATS; k++) {
				size_t want = gi == 0 || stats[k].per_group;
				if (seen[s][gi][k] != want)
					fail_msg("scale %zu group %zu: %s is in the reference %d times, not %zu", s, gi,
						 stats[k].name, seen[s][gi][k], want);
				/* The others are NaN per group, with a reason. */
				if (!want) {
					assert_true(isnan(lm_prepost_stat(pp, s, gi - 1, stats[k].which)));
					assert_non_null(lm_prepost_stat_reason(pp, s, gi - 1, stats[k].which));
				}
			}
		for (size_t k = 0; k <= N_COMPARES; k++)
			assert_int_equal(seen[s][0][N_STATS + k], 1);
	}
	print_tally(&t, "summary");
	assert_int_equal(t.mismatches, 0);
	/* Not vacuous: 3 scales x (27 overall + 2 x 16 per group + 5 comparisons), less the NAs. */
	assert_true(t.compared >= 150);
	assert_true(t.n[K_P] >= 9 && t.n[K_ALPHA] >= 4 && t.n[K_RCI] >= 6 && t.n[K_G] >= 3 && t.n[K_CI] >= 18);
	/* The reliability sources the synthetic instrument is built to exercise. */
	assert_int_equal(lm_prepost_reliability_source(pp, scale_index(fx, "strain")), LM_RELIABILITY_NORMS);
	assert_int_equal(lm_prepost_reliability_source(pp, scale_index(fx, "vitality")), LM_RELIABILITY_ALPHA_PRE);
	assert_int_equal(lm_prepost_reliability_source(pp, scale_index(fx, "rest")), LM_RELIABILITY_NONE);
}

static void test_respondents_match_r(void **state)
{
	struct fixture *fx = *state;
	const lm_prepost *pp = fx->pp;
	size_t n = lm_prepost_respondent_count(pp);
	assert_int_equal(fx->n_resp, n * fx->n_scales);
	struct tally t = {0};
	/* What the reference contains, so that the comparison meets every class. */
	size_t reliable_class[3] = {0}, category_class[4] = {0}, no_rci = 0, group_blank = 0;
	char what[256];
	for (size_t i = 0; i < fx->n_resp; i++) {
		const struct respondent_row *r = &fx->resp[i];
		size_t p = i / fx->n_scales, s = scale_index(fx, r->scale);
		assert_int_equal(s, i % fx->n_scales); /* respondent by respondent, scales in order */
		if (s == 0) {
			snprintf(what, sizeof what, "respondent %zu id", p);
			compare_text(&t, lm_prepost_respondent_id(pp, p), r->id, what);
			snprintf(what, sizeof what, "respondent %s group", r->id);
			compare_text(&t, lm_prepost_respondent_group(pp, p), r->group, what);
			group_blank += *r->group == '\0';
		}
		double pre = lm_prepost_respondent_score(pp, p, s, 0), post = lm_prepost_respondent_score(pp, p, s, 1);
		snprintf(what, sizeof what, "%s/%s pre", r->id, r->scale);
		compare(&t, K_SCORE, pre, r->pre, what);
		snprintf(what, sizeof what, "%s/%s post", r->id, r->scale);
		compare(&t, K_SCORE, post, r->post, what);
		snprintf(what, sizeof what, "%s/%s change", r->id, r->scale);
		compare(&t, K_SCORE, post - pre, r->change, what);
		snprintf(what, sizeof what, "%s/%s rci", r->id, r->scale);
		compare(&t, K_RCI, lm_prepost_respondent_rci(pp, p, s), r->rci, what);
		snprintf(what, sizeof what, "%s/%s reliable", r->id, r->scale);
		compare_text(&t, lm_reliable_name(lm_prepost_respondent_reliable(pp, p, s)), r->reliable, what);
		snprintf(what, sizeof what, "%s/%s category", r->id, r->scale);
		compare_text(&t, lm_category_name(lm_prepost_respondent_category(pp, p, s)), r->category, what);
		snprintf(what, sizeof what, "%s/%s band_pre", r->id, r->scale);
		compare_text(&t, band_name(fx->inst, s, lm_prepost_respondent_band(pp, p, s, 0)), r->band_pre, what);
		snprintf(what, sizeof what, "%s/%s band_post", r->id, r->scale);
		compare_text(&t, band_name(fx->inst, s, lm_prepost_respondent_band(pp, p, s, 1)), r->band_post, what);

		static const char *const rel[] = {"none", "improved", "deteriorated"};
		static const char *const cat[] = {"recovered", "improved", "unchanged", "deteriorated"};
		for (int k = 0; k < 3; k++)
			reliable_class[k] += strcmp(r->reliable, rel[k]) == 0;
		for (int k = 0; k < 4; k++)
			category_class[k] += strcmp(r->category, cat[k]) == 0;
		no_rci += isnan(r->rci) && !isnan(r->change);
	}
	print_tally(&t, "respondents");
	printf("# reference classes: reliable none %zu, improved %zu, deteriorated %zu; recovered %zu, improved %zu,"
	       " unchanged %zu, deteriorated %zu; changes without an RCI %zu\n",
	       reliable_class[0], reliable_class[1], reliable_class[2], category_class[0], category_class[1],
	       category_class[2], category_class[3], no_rci);
	assert_int_equal(t.mismatches, 0);
	/* Not vacuous: every pair x scale, every class met. */
	assert_true(n >= 150);
	assert_true(t.n[K_SCORE] >= 2 * n && t.n[K_RCI] >= n);
	for (int k = 0; k < 3; k++)
		assert_true(reliable_class[k] > 0);
	for (int k = 0; k < 4; k++)
		assert_true(category_class[k] > 0);
	assert_true(no_rci > 0);
	assert_true(group_blank > 0);

	/* The per-scale counts agree with the respondents. */
	for (size_t s = 0; s < fx->n_scales; s++) {
		size_t c[3] = {0}, recovered = 0;
		for (size_t p = 0; p < n; p++) {
			int rel = lm_prepost_respondent_reliable(pp, p, s);
			if (rel >= 0)
				c[rel]++;
			recovered += lm_prepost_respondent_category(pp, p, s) == LM_CATEGORY_RECOVERED;
		}
		double improved = lm_prepost_stat(pp, s, ALL_PAIRS, LM_PREPOST_STAT_IMPROVED);
		if (isnan(improved))
			continue;
		assert_true(improved == (double)c[LM_RELIABLE_IMPROVED]);
		assert_true(lm_prepost_stat(pp, s, ALL_PAIRS, LM_PREPOST_STAT_DETERIORATED) == (double)c[LM_RELIABLE_DETERIORATED]);
		assert_true(lm_prepost_stat(pp, s, ALL_PAIRS, LM_PREPOST_STAT_UNCHANGED) == (double)c[LM_RELIABLE_NONE]);
		double rec = lm_prepost_stat(pp, s, ALL_PAIRS, LM_PREPOST_STAT_RECOVERED);
		assert_true(isnan(rec) || rec == (double)recovered);
	}
}

/* Two numbers are the same result: equal, or both NaN. */
static int same(double a, double b)
{
	return a == b || (isnan(a) && isnan(b));
}

static int same_text(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* The long table (wave column, pre and post rows interleaved, a third wave)
 * gives exactly the results of the two files. */
static void test_long_form_equals_two_files(void **state)
{
	struct fixture *fx = *state;
	const lm_prepost *a = fx->pp;
	lm_prepost *b = new_analysis(fx);
	lm_error *err = NULL;
	assert_int_equal(lm_error_new(&err), LM_OK);
	char *long_path = reference_path("long.csv");
	check_run(lm_prepost_run_long_file(b, long_path, "wave", "1", "2", err), err, "lm_prepost_run_long_file");

	size_t compared = 0, different = 0;
	for (int k = 0; k <= LM_PREPOST_COUNT_OTHER_WAVE; k++) {
		if (k == LM_PREPOST_COUNT_OTHER_WAVE)
			continue;
		different += lm_prepost_count(a, k) != lm_prepost_count(b, k);
		compared++;
	}
	double other = NAN;
	for (size_t i = 0; i < fx->n_summary; i++)
		if (strcmp(fx->summary[i].stat, "long_other_wave") == 0)
			other = ref_number(fx->summary[i].value, "summary.csv", REF_NA);
	assert_true(other > 0);
	assert_true((double)lm_prepost_count(b, LM_PREPOST_COUNT_OTHER_WAVE) == other);

	size_t ng = lm_prepost_group_count(a);
	assert_int_equal(lm_prepost_group_count(b), ng);
	for (size_t g = 0; g < ng; g++)
		assert_string_equal(lm_prepost_group_name(a, g), lm_prepost_group_name(b, g));
	for (size_t s = 0; s < fx->n_scales; s++) {
		for (size_t g = 0; g <= ng; g++) {
			size_t gg = g == 0 ? ALL_PAIRS : g - 1;
			for (int k = 0; k <= LM_PREPOST_STAT_RECOVERED; k++) {
				double x = lm_prepost_stat(a, s, gg, k), y = lm_prepost_stat(b, s, gg, k);
				if (!same(x, y) || !same_text(lm_prepost_stat_reason(a, s, gg, k),
							      lm_prepost_stat_reason(b, s, gg, k))) {
					if (different++ < MAX_REPORTED)
						print_error("scale %zu group %zu stat %d: two files %.17g, long %.17g\n", s, g,
							    k, x, y);
				}
				compared++;
			}
		}
		for (int k = 0; k <= LM_PREPOST_COMPARE_HEDGES_G; k++) {
			different += !same(lm_prepost_compare(a, s, k), lm_prepost_compare(b, s, k));
			compared++;
		}
		different += lm_prepost_reliability_source(a, s) != lm_prepost_reliability_source(b, s);
	}
	size_t n = lm_prepost_respondent_count(a);
	assert_int_equal(lm_prepost_respondent_count(b), n);
	for (size_t p = 0; p < n; p++) {
		assert_string_equal(lm_prepost_respondent_id(a, p), lm_prepost_respondent_id(b, p));
		assert_string_equal(lm_prepost_respondent_group(a, p), lm_prepost_respondent_group(b, p));
		for (size_t s = 0; s < fx->n_scales; s++) {
			int d = !same(lm_prepost_respondent_score(a, p, s, 0), lm_prepost_respondent_score(b, p, s, 0)) ||
				!same(lm_prepost_respondent_score(a, p, s, 1), lm_prepost_respondent_score(b, p, s, 1)) ||
				!same(lm_prepost_respondent_rci(a, p, s), lm_prepost_respondent_rci(b, p, s)) ||
				lm_prepost_respondent_reliable(a, p, s) != lm_prepost_respondent_reliable(b, p, s) ||
				lm_prepost_respondent_category(a, p, s) != lm_prepost_respondent_category(b, p, s) ||
				lm_prepost_respondent_band(a, p, s, 0) != lm_prepost_respondent_band(b, p, s, 0) ||
				lm_prepost_respondent_band(a, p, s, 1) != lm_prepost_respondent_band(b, p, s, 1);
			if (d && different++ < MAX_REPORTED)
				print_error("respondent %s scale %zu differs between the two forms\n",
					    lm_prepost_respondent_id(a, p), s);
			compared += 7;
		}
	}
	printf("# long form: %zu results compared with the two-file run, %zu different; other_wave %lu\n", compared,
	       different, lm_prepost_count(b, LM_PREPOST_COUNT_OTHER_WAVE));
	assert_int_equal(different, 0);
	assert_true(compared > 1000);

	free(long_path);
	lm_error_free(err);
	lm_prepost_free(b);
}

int main(void)
{
	/* Run in the environment's locale (e.g. a decimal comma): the library
	 * must give the same; the reference is read under "C" regardless. */
	setlocale(LC_ALL, "");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counts_and_groups, setup, teardown),
		cmocka_unit_test_setup_teardown(test_summary_matches_r, setup, teardown),
		cmocka_unit_test_setup_teardown(test_respondents_match_r, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_form_equals_two_files, setup, teardown),
	};
	return cmocka_run_group_tests_name("prepost_reference", tests, NULL, NULL);
}
