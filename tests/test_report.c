/*
 * Tests of the HTML pre/post report: every number it shows equals the JSON
 * of the same analysis, no respondent id appears, small cells are suppressed
 * at the boundary (4 vs 5) with their numbers written nowhere, group names
 * are escaped, and nothing outside the file is referenced.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "libra_measures/libra_measures.h"

/* total: 3 items 1-5, sum 3-15, higher is worse, clinical from 10; bands low 3-9, high 10-15. */
static const char yaml[] =
	"format: 1\nid: pp\nname: PP <Test>\nversion: '1'\n"
	"responses: [{value: 1, label: a}, {value: 2, label: b}, {value: 3, label: c}, {value: 4, label: d},"
	" {value: 5, label: e}]\n"
	"items: [{id: p_1, label: x}, {id: p_2, label: y}, {id: p_3, label: z}]\n"
	"scales:\n"
	"  - {id: total, label: T, items: [p_1, p_2, p_3], method: sum, direction: higher_is_worse,\n"
	"     clinical_cutoff: 10, norms: {reliability: 0.8},\n"
	"     bands: [{id: low, label: L, min: 3, max: 9}, {id: high, label: H, min: 10, max: 15}]}\n";

struct fx {
	char dir[64], pre[128], post[128], html[128], json[128];
	lm_instrument *inst;
	lm_prepost *pp;
	lm_report *r;
	lm_error *err;
	char *text; /* the report */
};

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));
	strcpy(fx->dir, "/tmp/lm-report-XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->pre, sizeof(fx->pre), "%s/pre.csv", fx->dir);
	snprintf(fx->post, sizeof(fx->post), "%s/post.csv", fx->dir);
	snprintf(fx->html, sizeof(fx->html), "%s/report.html", fx->dir);
	snprintf(fx->json, sizeof(fx->json), "%s/out.json", fx->dir);
	if (lm_error_new(&fx->err) != LM_OK)
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	unlink(fx->pre);
	unlink(fx->post);
	unlink(fx->html);
	unlink(fx->json);
	rmdir(fx->dir);
	lm_report_free(fx->r);
	lm_prepost_free(fx->pp);
	lm_instrument_free(fx->inst);
	lm_error_free(fx->err);
	free(fx->text);
	free(fx);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

/* Waves of the pp instrument: respondent i is in group[i], with totals pre[i] and post[i]. */
static void put_waves(struct fx *fx, size_t n, const char *const *group, const int *pre, const int *post)
{
	for (int w = 0; w < 2; w++) {
		FILE *f = fopen(w ? fx->post : fx->pre, "w");
		assert_non_null(f);
		fputs("id,group,p_1,p_2,p_3\n", f);
		for (size_t i = 0; i < n; i++) {
			int t = w ? post[i] : pre[i], q = t / 3, rem = t % 3;
			fprintf(f, "resp%03zu,\"%s\",%d,%d,%d\n", i, group[i], q + (rem > 0), q + (rem > 1), q);
		}
		fclose(f);
	}
}

/* Run the pp instrument on the waves written, then write the report with @p min_cell (0: default). */
static void run_pp(struct fx *fx, unsigned long min_cell)
{
	assert_int_equal(lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "pp.yaml", NULL), LM_OK);
	assert_int_equal(lm_prepost_new(&fx->pp, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "group"), LM_OK);
	assert_int_equal(lm_prepost_run_files(fx->pp, fx->pre, fx->post, fx->err), LM_OK);
	assert_int_equal(lm_report_new(&fx->r, fx->pp), LM_OK);
	if (min_cell)
		assert_int_equal(lm_report_set_min_cell(fx->r, min_cell), LM_OK);
	assert_int_equal(lm_report_set_source_names(fx->r, "pre.csv", "post.csv"), LM_OK);
	assert_int_equal(lm_report_write_file(fx->r, fx->html, fx->err), LM_OK);
	fx->text = slurp(fx->html);
}

/* ---- a minimal JSON pointer resolver -------------------------------------------------- */

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Decode a string at p (at the quote) into buf; return the end (after the quote). */
static const char *jstring(const char *p, char *buf, size_t size)
{
	size_t n = 0;
	assert_int_equal(*p, '"');
	for (p++; *p != '"'; p++) {
		char c = *p;
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				c = (char)strtol((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
				p += 4;
			} else {
				c = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p;
			}
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return p + 1;
}

static const char *jskip(const char *p)
{
	char tmp[512];
	p = ws(p);
	if (*p == '"')
		return jstring(p, tmp, sizeof(tmp));
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		p = ws(p + 1);
		while (*p != close) {
			if (close == '}') {
				p = ws(jstring(p, tmp, sizeof(tmp)));
				p = ws(p + 1); /* ':' */
			}
			p = ws(jskip(p));
			if (*p == ',')
				p = ws(p + 1);
		}
		return p + 1;
	}
	while (*p && !strchr(",}] \n", *p))
		p++;
	return p;
}

/* The value at a JSON pointer (RFC 6901), or NULL. */
static const char *resolve(const char *json, const char *pointer)
{
	const char *p = ws(json);
	while (*pointer == '/') {
		char seg[512], key[512];
		size_t n = 0;
		for (pointer++; *pointer && *pointer != '/'; pointer++) {
			char c = *pointer;
			if (c == '~') {
				pointer++;
				c = *pointer == '1' ? '/' : '~';
			}
			if (n + 1 < sizeof(seg))
				seg[n++] = c;
		}
		seg[n] = '\0';
		if (*p == '{') {
			p = ws(p + 1);
			int found = 0;
			while (*p != '}') {
				p = ws(jstring(p, key, sizeof(key)));
				p = ws(p + 1);
				if (strcmp(key, seg) == 0) {
					found = 1;
					break;
				}
				p = ws(jskip(p));
				if (*p == ',')
					p = ws(p + 1);
			}
			if (!found)
				return NULL;
		} else if (*p == '[') {
			long idx = strtol(seg, NULL, 10);
			p = ws(p + 1);
			for (long i = 0; i < idx; i++) {
				if (*p == ']')
					return NULL;
				p = ws(jskip(p));
				if (*p == ',')
					p = ws(p + 1);
			}
			if (*p == ']')
				return NULL;
		} else {
			return NULL;
		}
	}
	return p;
}

/* Decode the HTML entities the report writes in attribute values. */
static void unescape(const char *s, size_t len, char *out, size_t size)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '&')
			for (size_t k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
				if (strncmp(s + i, ents[k].ent, strlen(ents[k].ent)) == 0) {
					c = ents[k].c;
					i += strlen(ents[k].ent) - 1;
					break;
				}
		if (n + 1 < size)
			out[n++] = c;
	}
	out[n] = '\0';
}

/*
 * Every data-key of the report resolved in the JSON: the numbers must agree
 * to 1e-9. Returns how many were compared.
 */
static size_t compare_with_json(const char *html, const char *json)
{
	size_t compared = 0;
	for (const char *p = html; (p = strstr(p, " data-key=\"")) != NULL;) {
		char key[1024];
		p += strlen(" data-key=\"");
		const char *end = strchr(p, '"');
		assert_non_null(end);
		unescape(p, (size_t)(end - p), key, sizeof(key));
		assert_true(strncmp(end, "\" data-value=\"", 14) == 0);
		double shown = strtod(end + 14, NULL);
		const char *v = resolve(json, key);
		if (!v)
			fail_msg("report key %s is not in the JSON", key);
		if (*v == '{') /* a group's object: its "n" */
			v = resolve(v, "/n");
		char *stop;
		double want = strtod(v, &stop);
		if (stop == v)
			fail_msg("JSON value at %s is not a number: %.20s", key, v);
		if (fabs(shown - want) > 1e-9 * fmax(1, fabs(want)))
			fail_msg("%s: report %.17g, JSON %.17g", key, shown, want);
		compared++;
		p = end;
	}
	return compared;
}

/* ---- tests ------------------------------------------------------------------------------ */

static void test_example_matches_json(void **state)
{
	struct fx *fx = *state;
	const char *root = getenv("LM_SOURCE_ROOT");
	char pre[1024], post[1024];
	if (!root)
		fail_msg("LM_SOURCE_ROOT is not set (tests/meson.build sets it)");
	snprintf(pre, sizeof(pre), "%s/examples/data/stss_pre.csv", root);
	snprintf(post, sizeof(post), "%s/examples/data/stss_post.csv", root);
	assert_int_equal(lm_instrument_load(&fx->inst, "stss", fx->err), LM_OK);
	assert_int_equal(lm_prepost_new(&fx->pp, fx->inst), LM_OK);
	assert_int_equal(lm_prepost_set_group_column(fx->pp, "group"), LM_OK);
	assert_int_equal(lm_prepost_run_files(fx->pp, pre, post, fx->err), LM_OK);
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, fx->json, fx->err), LM_OK);
	assert_int_equal(lm_report_new(&fx->r, fx->pp), LM_OK);
	assert_int_equal(lm_report_set_source_names(fx->r, "stss_pre.csv", "stss_post.csv"), LM_OK);
	assert_int_equal(lm_report_write_file(fx->r, fx->html, fx->err), LM_OK);
	fx->text = slurp(fx->html);
	char *json = slurp(fx->json);

	/* The headline numbers of every scale are there, and all agree with the JSON. */
	size_t n = compare_with_json(fx->text, json);
	assert_true(n >= 4 * 30);
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/change/dz\""));
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/change/ci95/0\""));
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/pre/alpha\""));
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/post/alpha\""));
	assert_non_null(strstr(fx->text, "data-key=\"/counts/pairs\""));
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/groups/comparison/hedges_g\""));
	assert_non_null(strstr(fx->text, "Bride"));      /* the citation */
	assert_non_null(strstr(fx->text, "stss_pre.csv")); /* the data files */
	assert_non_null(strstr(fx->text, lm_version_string()));

	/* No respondent id anywhere. */
	for (size_t i = 0; i < lm_prepost_respondent_count(fx->pp); i++)
		if (strstr(fx->text, lm_prepost_respondent_id(fx->pp, i)))
			fail_msg("respondent id %s appears in the report", lm_prepost_respondent_id(fx->pp, i));
	free(json);
}

/* Nothing outside the file: no scripts, no links, no external sources. */
static void check_self_contained(const char *html, int charts)
{
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "http:"));
	assert_null(strstr(html, "https:"));
	assert_null(strstr(html, "src="));
	assert_null(strstr(html, "href="));
	assert_null(strstr(html, "@import"));
	assert_null(strstr(html, "url(http"));
	assert_non_null(strstr(html, "@media print"));
	/* Every chart has a title and a text alternative. */
	size_t svgs = 0;
	for (const char *p = html; (p = strstr(p, "<svg role=\"img\"")) != NULL; p++) {
		const char *end = strstr(p, "</svg>");
		const char *t = strstr(p, "<title id="), *d = strstr(p, "<desc id=");
		assert_true(t && t < end && d && d < end);
		assert_non_null(strstr(p, "aria-labelledby="));
		svgs++;
	}
	assert_true(charts ? svgs > 0 : svgs == 0);
}

static void test_suppression_boundary(void **state)
{
	struct fx *fx = *state;
	/* Groups g4a and g4b of 4, g5 of 5. Pre bands: low 5, high 8; post: low 4, high 9. */
	const char *group[13];
	int pre[13], post[13];
	for (int i = 0; i < 13; i++) {
		group[i] = i < 4 ? "g4a" : i < 8 ? "g4b" : "g5";
		pre[i] = i < 5 ? 6 : 12;
		post[i] = i < 4 ? 5 : 11 + i % 3;
	}
	put_waves(fx, 13, group, pre, post);
	run_pp(fx, 0);
	const char *h = fx->text;
	check_self_contained(h, 1);
	/* 5 is shown, 4 is not: not as text near its key, not as a data attribute. */
	assert_non_null(strstr(h, "data-key=\"/scales/total/groups/g5/n\" data-value=\"5\""));
	assert_null(strstr(h, "/groups/g4a/"));
	assert_null(strstr(h, "/groups/g4b/"));
	assert_non_null(strstr(h, "data-key=\"/scales/total/bands/pre/low\" data-value=\"5\""));
	assert_non_null(strstr(h, "data-key=\"/scales/total/bands/pre/high\" data-value=\"8\""));
	/* post low is 4: suppressed; post high (9) with it, or 4 would be 13 - 9. */
	assert_null(strstr(h, "/bands/post/low\""));
	assert_null(strstr(h, "/bands/post/high\""));
	assert_non_null(strstr(h, "suppressed (&lt; 5)"));
	/* Three groups: no comparison. Nothing in the report that the JSON does not say. */
	assert_null(strstr(h, "/groups/comparison/"));
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, fx->json, fx->err), LM_OK);
	char *json = slurp(fx->json);
	assert_true(compare_with_json(h, json) > 10);
	free(json);
	/* The scatter plot is drawn with 13 pairs. */
	assert_non_null(strstr(h, "jtclip0"));
	/* To a descriptor: the same document. */
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_int_equal(lm_report_write_fd(fx->r, fileno(f), fx->err), LM_OK);
	long n = ftell(f) > 0 ? ftell(f) : (fseek(f, 0, SEEK_END), ftell(f));
	assert_int_equal((size_t)n, strlen(h));
	fclose(f);
}

static void test_too_few_pairs(void **state)
{
	struct fx *fx = *state;
	const char *group[4] = {"a", "a", "b", "b"};
	int pre[4] = {6, 7, 12, 13}, post[4] = {5, 6, 11, 10};
	put_waves(fx, 4, group, pre, post);
	run_pp(fx, 0);
	/* 4 pairs: nothing per scale, no plot, no points. */
	assert_null(strstr(fx->text, "jtclip"));
	assert_null(strstr(fx->text, "<circle r=\"4\""));
	assert_null(strstr(fx->text, "data-key=\"/scales"));
	assert_non_null(strstr(fx->text, "suppressed (&lt; 5)"));
	check_self_contained(fx->text, 0);
}

static void test_comparison_hidden_with_small_group(void **state)
{
	struct fx *fx = *state;
	/* Two groups, 4 and 9: the small one is suppressed, so is the other (else the total gives it away),
	 * and the comparison is not shown. With --min-cell 4 all of it is. */
	const char *group[13];
	int pre[13], post[13];
	for (int i = 0; i < 13; i++) {
		group[i] = i < 4 ? "small" : "big";
		pre[i] = 6 + i % 7;
		post[i] = 5 + i % 5;
	}
	put_waves(fx, 13, group, pre, post);
	run_pp(fx, 0);
	assert_null(strstr(fx->text, "/groups/comparison/"));
	assert_null(strstr(fx->text, "/groups/small/"));
	assert_null(strstr(fx->text, "/groups/big/"));
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/change/n\" data-value=\"13\""));

	free(fx->text);
	assert_int_equal(lm_report_set_min_cell(fx->r, 4), LM_OK);
	assert_int_equal(lm_report_write_file(fx->r, fx->html, fx->err), LM_OK);
	fx->text = slurp(fx->html);
	assert_non_null(strstr(fx->text, "data-key=\"/scales/total/groups/small/n\" data-value=\"4\""));
	assert_non_null(strstr(fx->text, "/groups/comparison/welch_t\""));
	assert_null(strstr(fx->text, "suppressed (&lt; 4)"));
}

static void test_hostile_group_name(void **state)
{
	struct fx *fx = *state;
	const char *group[12];
	int pre[12], post[12];
	for (int i = 0; i < 12; i++) {
		group[i] = i < 6 ? "<script>alert(1)</script>" : "b&b 'x'";
		pre[i] = 6 + i % 6;
		post[i] = 4 + i % 9;
	}
	put_waves(fx, 12, group, pre, post);
	run_pp(fx, 0);
	check_self_contained(fx->text, 1);
	assert_non_null(strstr(fx->text, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(fx->text, "b&amp;b &#39;x&#39;"));
	assert_null(strstr(fx->text, "<script"));
	assert_non_null(strstr(fx->text, "PP &lt;Test&gt;")); /* text from the definition too */
	assert_null(strstr(fx->text, "resp0"));
	assert_int_equal(lm_prepost_write_file(fx->pp, LM_PREPOST_JSON, fx->json, fx->err), LM_OK);
	char *json = slurp(fx->json);
	assert_true(compare_with_json(fx->text, json) > 20);
	free(json);
}

static void test_arguments(void **state)
{
	struct fx *fx = *state;
	assert_int_equal(lm_report_default_min_cell(), 5);
	assert_int_equal(lm_report_new(NULL, NULL), LM_EINVAL);
	assert_int_equal(lm_report_new(&fx->r, NULL), LM_EINVAL);
	assert_null(fx->r);
	assert_int_equal(lm_instrument_load_buffer(&fx->inst, yaml, sizeof(yaml) - 1, "pp.yaml", NULL), LM_OK);
	assert_int_equal(lm_prepost_new(&fx->pp, fx->inst), LM_OK);
	assert_int_equal(lm_report_new(&fx->r, fx->pp), LM_OK);
	assert_int_equal(lm_report_set_min_cell(fx->r, 0), LM_EINVAL);
	assert_int_equal(lm_report_set_min_cell(NULL, 5), LM_EINVAL);
	assert_int_equal(lm_report_set_source_names(fx->r, "a.csv", NULL), LM_OK);
	/* Not run yet: nothing to report, nothing written. */
	assert_int_equal(lm_report_write_file(fx->r, fx->html, fx->err), LM_EINVAL);
	assert_int_equal(access(fx->html, F_OK), -1);
	assert_int_equal(lm_report_write_file(NULL, fx->html, fx->err), LM_EINVAL);
	lm_report_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_example_matches_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_suppression_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_few_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comparison_hidden_with_small_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_group_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arguments, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
