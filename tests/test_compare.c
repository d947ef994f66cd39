// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of `ttmbench compare` (bench/compare.c, bench/stats_twosample.c)
 * and of the CI-mode helpers (bench/history.c) on the fixtures in
 * tests/fixtures, written by tests/fixtures/make-fixtures.py. The exact
 * Mann-Whitney distribution is checked against brute-force enumeration.
 *
 * TTM_FIXTURES overrides the fixture folder (default tests/fixtures).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "bench/compare.h"
#include "bench/history.h"
#include "bench/stats_twosample.h"

#define EPS 1e-9

static char err[1024];

static const char *fixture(const char *name)
{
	static char path[4096];
	const char *dir = getenv("TTM_FIXTURES");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", name);
	return path;
}

static json_t *load_fixture(const char *name)
{
	json_t *root = ttm_results_load(fixture(name), err, sizeof(err));

	if (!root)
		fail_msg("loading %s failed: %s", name, err);
	return root;
}

/* Compare baseline.json with new_name at the default threshold. */
static void compare_fixture(const char *new_name, struct ttm_compare *cmp)
{
	json_t *base = load_fixture("baseline.json"), *new = load_fixture(new_name);

	assert_int_equal(ttm_compare_results(base, new, TTM_COMPARE_DEFAULT_THRESHOLD_PCT, cmp, err,
					     sizeof(err)),
			 0);
	json_decref(base);
	json_decref(new);
}

static const struct ttm_compare_item *find_item(const struct ttm_compare *cmp,
						 enum ttm_compare_kind kind, const char *name,
						 const char *syscall, const char *mode)
{
	for (size_t i = 0; i < cmp->nitems; i++) {
		const struct ttm_compare_item *it = &cmp->items[i];

		if (it->kind == kind && !strcmp(it->name, name) && !strcmp(it->syscall, syscall) &&
		    !strcmp(it->mode, mode))
			return it;
	}
	fail_msg("no item %s %s %s", name, syscall, mode);
	return NULL;
}

/* Count the m-subsets of ranks 1..m+n whose U = rank sum - m(m+1)/2 is <= u. */
static double brute_force_cdf(long u, unsigned int m, unsigned int n)
{
	unsigned int total = m + n;
	double below = 0, all = 0;

	for (unsigned long mask = 0; mask < (1UL << total); mask++) {
		long rank_sum = 0;

		if ((unsigned int)__builtin_popcountl(mask) != m)
			continue;
		for (unsigned int r = 0; r < total; r++)
			if (mask & (1UL << r))
				rank_sum += r + 1;
		all++;
		if (rank_sum - (long)(m * (m + 1) / 2) <= u)
			below++;
	}
	return below / all;
}

static void mann_whitney_cdf_matches_enumeration(void **state)
{
	for (unsigned int m = 1; m <= 7; m++)
		for (unsigned int n = 1; n <= 7; n++)
			for (long u = -1; u <= (long)(m * n); u++)
				assert_float_equal(ttm_mann_whitney_cdf(u, m, n),
						   brute_force_cdf(u, m, n), EPS);
}

static void mann_whitney_quantile_small_samples(void **state)
{
	/* P(U <= 0) = 1/70 < 0.025 <= P(U <= 1) = 2/70 for 4 against 4. */
	assert_int_equal(ttm_mann_whitney_quantile(0.025, 4, 4), 1);
	/* 5 against 5: P(U <= 2) = 4/252, P(U <= 3) = 7/252. */
	assert_int_equal(ttm_mann_whitney_quantile(0.025, 5, 5), 3);
	/* 2 against 2: even U = 0 has probability 1/6 > 0.025. */
	assert_int_equal(ttm_mann_whitney_quantile(0.025, 2, 2), 0);
}

static void mann_whitney_normal_approximation(void **state)
{
	/* Above the exact limit the cdf is continuity-corrected normal: symmetric around mn/2. */
	size_t m = TTM_MANN_WHITNEY_EXACT_MAX + 10, n = TTM_MANN_WHITNEY_EXACT_MAX + 10;
	long half = (long)(m * n / 2);
	double below = ttm_mann_whitney_cdf(half - 1, m, n);
	double above = 1 - ttm_mann_whitney_cdf(half, m, n);

	assert_float_equal(below, above, 1e-12);
	assert_true(ttm_mann_whitney_quantile(0.025, m, n) < half);
}

static void shift_of_translated_sample(void **state)
{
	const double base[] = { 100, 101, 102, 103, 104 };
	const double new[] = { 110, 111, 112, 113, 114 };
	struct ttm_shift s;

	assert_int_equal(ttm_shift_estimate(base, 5, new, 5, &s), 0);
	assert_float_equal(s.estimate, 10, EPS);
	/*
	 * The 25 differences 10 + j - i are 6, 7, 7, 8, 8, 8, ... 13, 13, 14;
	 * k = 3 gives [D(3), D(23)] = [7, 13].
	 */
	assert_float_equal(s.ci.lower, 7, EPS);
	assert_float_equal(s.ci.upper, 13, EPS);
	assert_float_equal(s.ci.level, 1 - 2 * 4.0 / 252, EPS);
	assert_false(s.ci.below_target);
	assert_string_equal(s.ci.method, "mann-whitney exact");
}

static void shift_of_empty_sample_rejected(void **state)
{
	const double x[] = { 1 };
	struct ttm_shift s;

	assert_int_equal(ttm_shift_estimate(x, 0, x, 1, &s), -EINVAL);
	assert_false(s.ci.valid);
}

static void change_decide_cases(void **state)
{
	static const struct {
		double lower, upper;
		enum ttm_change expected;
		const char *note;
	} cases[] = {
		{ 6, 12, TTM_CHANGE_REGRESSION, "above" },
		{ -12, -6, TTM_CHANGE_IMPROVEMENT, "below" },
		{ -3, 20, TTM_CHANGE_UNCHANGED, "within noise" },
		{ 1, 8, TTM_CHANGE_UNCHANGED, "slower" },
		{ -8, -1, TTM_CHANGE_UNCHANGED, "faster" },
		{ 5, 8, TTM_CHANGE_UNCHANGED, "slower" }, /* a bound on the threshold is not beyond */
	};
	struct ttm_compare_item item = {};
	char note[TTM_COMPARE_TEXT_LEN];

	item.shift.n_base = item.shift.n_new = 8;
	item.shift.ci.valid = true;
	item.shift.ci.level = 0.95;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		item.rel_lower_pct = cases[i].lower;
		item.rel_upper_pct = cases[i].upper;
		assert_int_equal(ttm_change_decide(&item, 5, note, sizeof(note)), cases[i].expected);
		assert_non_null(strstr(note, cases[i].note));
	}

	item.rel_lower_pct = 50;
	item.rel_upper_pct = 60;
	item.shift.ci.level = 2.0 / 3;
	assert_int_equal(ttm_change_decide(&item, 5, note, sizeof(note)), TTM_CHANGE_INSUFFICIENT);
	assert_non_null(strstr(note, "too few repetitions"));
}

static void compare_detects_regression(void **state)
{
	struct ttm_compare cmp;
	const struct ttm_compare_item *it;

	compare_fixture("regression.json", &cmp);
	/* none and tp on 2 syscalls x 2 modes; kprobe and full were skipped. */
	assert_int_equal(cmp.ncells, 8);
	assert_int_equal(cmp.skipped_cells, 8);
	assert_int_equal(cmp.npenalties, 2);

	it = find_item(&cmp, TTM_COMPARE_CELL, "tp", "openat", "native");
	assert_int_equal(it->change, TTM_CHANGE_REGRESSION);
	assert_true(it->rel_lower_pct > 5);
	assert_true(it->rel_lower_pct <= 10 && it->rel_upper_pct >= 10);
	it = find_item(&cmp, TTM_COMPARE_PENALTY, "tracepoint_penalty", "openat", "native");
	assert_int_equal(it->change, TTM_CHANGE_REGRESSION);
	assert_string_equal(it->a, "tp");
	assert_string_equal(it->b, "none");

	/* Only the changed cell and the penalty derived from it regress. */
	assert_int_equal(cmp.count[TTM_CHANGE_REGRESSION], 2);
	assert_int_equal(cmp.count[TTM_CHANGE_UNCHANGED], 8);
	ttm_compare_free(&cmp);
}

static void compare_ignores_change_within_noise(void **state)
{
	struct ttm_compare cmp;
	const struct ttm_compare_item *it;

	compare_fixture("noisy-change.json", &cmp);
	it = find_item(&cmp, TTM_COMPARE_CELL, "none", "connect", "ia32");
	/* The estimate moved by about 10 %, but the interval includes 0. */
	assert_true(it->rel_pct > 5);
	assert_true(it->rel_lower_pct < 0 && it->rel_upper_pct > 0);
	assert_int_equal(it->change, TTM_CHANGE_UNCHANGED);
	assert_non_null(strstr(it->note, "within noise"));
	assert_int_equal(cmp.count[TTM_CHANGE_REGRESSION], 0);
	ttm_compare_free(&cmp);
}

static void compare_reports_improvement(void **state)
{
	struct ttm_compare cmp;
	const struct ttm_compare_item *it;

	compare_fixture("improvement.json", &cmp);
	it = find_item(&cmp, TTM_COMPARE_CELL, "tp", "openat", "native");
	assert_int_equal(it->change, TTM_CHANGE_IMPROVEMENT);
	assert_true(it->rel_upper_pct < -5);
	assert_int_equal(cmp.count[TTM_CHANGE_REGRESSION], 0);
	assert_int_equal(cmp.count[TTM_CHANGE_IMPROVEMENT], 2);
	ttm_compare_free(&cmp);
}

static void compare_two_reps_insufficient(void **state)
{
	json_t *few = load_fixture("two-reps.json");
	struct ttm_compare cmp;

	assert_int_equal(ttm_compare_results(few, few, 5, &cmp, err, sizeof(err)), 0);
	assert_int_equal(cmp.count[TTM_CHANGE_INSUFFICIENT], cmp.nitems);
	assert_int_equal(cmp.count[TTM_CHANGE_REGRESSION], 0);
	ttm_compare_free(&cmp);
	json_decref(few);
}

static void compare_without_common_cells(void **state)
{
	json_t *base = load_fixture("baseline.json"), *other = load_fixture("disjoint.json");
	struct ttm_compare cmp;

	assert_int_equal(ttm_compare_results(base, other, 5, &cmp, err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "no common cell"));
	ttm_compare_free(&cmp);
	json_decref(base);
	json_decref(other);
}

static void settings_differences_listed(void **state)
{
	json_t *base = load_fixture("baseline.json"), *other = load_fixture("other-settings.json");
	struct ttm_setting_diff diffs[TTM_COMPARE_SETTINGS];
	size_t n;

	assert_int_equal(ttm_compare_settings(base, base, diffs), 0);
	n = ttm_compare_settings(base, other, diffs);
	assert_int_equal(n, 4);
	assert_string_equal(diffs[0].name, "parameters.rate");
	assert_string_equal(diffs[0].base, "\"max\"");
	assert_string_equal(diffs[0].new, "10000");
	assert_string_equal(diffs[1].name, "parameters.sampling_ratio");
	assert_string_equal(diffs[2].name, "parameters.dropping_mode");
	assert_string_equal(diffs[3].name, "host.kernel_release");
	assert_string_equal(diffs[3].new, "\"6.19.0-fixture\"");
	json_decref(base);
	json_decref(other);
}

static void settings_compare_numbers_by_value(void **state)
{
	json_t *base = load_fixture("baseline.json"), *new = load_fixture("baseline.json");
	json_t *params = json_object_get(new, "parameters");
	struct ttm_setting_diff diffs[TTM_COMPARE_SETTINGS];

	/* 100000 written as a real is the same ops count. */
	json_object_set_new(params, "ops", json_real(100000));
	assert_int_equal(ttm_compare_settings(base, new, diffs), 0);

	json_object_del(json_object_get(new, "host"), "timing");
	assert_int_equal(ttm_compare_settings(base, new, diffs), 1);
	assert_string_equal(diffs[0].name, "host.timing");
	assert_string_equal(diffs[0].base, "\"host\"");
	assert_string_equal(diffs[0].new, "missing");
	json_decref(base);
	json_decref(new);
}

static void new_older_than_baseline(void **state)
{
	json_t *base = load_fixture("baseline.json"), *later = load_fixture("regression.json");

	assert_false(ttm_compare_new_is_older(base, later));
	assert_true(ttm_compare_new_is_older(later, base));
	assert_false(ttm_compare_new_is_older(base, base));
	json_decref(base);
	json_decref(later);
}

static void expect_load_error(const char *name, const char *problem)
{
	json_t *root = ttm_results_load(fixture(name), err, sizeof(err));

	assert_null(root);
	assert_non_null(strstr(err, name));
	if (!strstr(err, problem))
		fail_msg("message for %s lacks '%s': %s", name, problem, err);
}

static void load_rejects_bad_files(void **state)
{
	expect_load_error("corrupt.json", "invalid JSON");
	expect_load_error("foreign-schema.json", "schema is \"someone.else\"");
	expect_load_error("schema-v2.json", "schema_version is 2");
	expect_load_error("missing.json", "No such file");
}

static void load_accepts_folder(void **state)
{
	json_t *root = ttm_results_load(fixture(""), err, sizeof(err));

	/* tests/fixtures has no results.json: the message names the file looked for. */
	assert_null(root);
	assert_non_null(strstr(err, "results.json"));
}

static void junit_written_atomically(void **state)
{
	char dir[] = "/tmp/ttm-test-compare.XXXXXX", path[4200], listing[4200];
	struct ttm_compare cmp;
	FILE *f;
	size_t testcases = 0;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/junit.xml", dir);
	compare_fixture("regression.json", &cmp);
	assert_int_equal(ttm_compare_write_junit(path, &cmp), 0);

	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(listing, sizeof(listing), f))
		testcases += strstr(listing, "<testcase ") != NULL;
	fclose(f);
	assert_int_equal(testcases, cmp.nitems);

	/* Only junit.xml is left: no temporary file. */
	snprintf(listing, sizeof(listing), "ls -A '%s' | grep -vx junit.xml", dir);
	assert_int_not_equal(system(listing), 0);

	unlink(path);
	rmdir(dir);
	ttm_compare_free(&cmp);
}

/* Names and notes with XML special characters come out escaped, not as markup. */
static void junit_escapes_special_characters(void **state)
{
	char path[] = "/tmp/ttm-test-junit.XXXXXX", text[4096];
	struct ttm_compare_item item = { .kind = TTM_COMPARE_CELL,
					 .change = TTM_CHANGE_REGRESSION };
	struct ttm_compare cmp = { .items = &item, .nitems = 1, .ncells = 1 };
	int fd = mkstemp(path);
	const char *closing;
	size_t len;
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	snprintf(item.name, sizeof(item.name), "a<b&c");
	snprintf(item.syscall, sizeof(item.syscall), "openat");
	snprintf(item.mode, sizeof(item.mode), "native");
	snprintf(item.note, sizeof(item.note), "quote \" and </failure>");
	cmp.count[TTM_CHANGE_REGRESSION] = 1;
	assert_int_equal(ttm_compare_write_junit(path, &cmp), 0);

	f = fopen(path, "r");
	assert_non_null(f);
	len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	assert_non_null(strstr(text, "name=\"a&lt;b&amp;c openat native\""));
	assert_non_null(strstr(text, "quote &quot; and &lt;/failure&gt;"));
	assert_null(strstr(text, "a<b"));
	/* The note's "</failure>" is text, so the file has exactly one closing tag. */
	closing = strstr(text, "</failure>");
	assert_non_null(closing);
	assert_null(strstr(closing + 1, "</failure>"));
	unlink(path);
}

static json_t *read_history_line(FILE *f)
{
	char line[65536];
	json_error_t jerr;
	json_t *entry;

	if (!fgets(line, sizeof(line), f))
		return NULL;
	assert_int_equal(line[strlen(line) - 1], '\n');
	entry = json_loads(line, 0, &jerr);
	if (!entry)
		fail_msg("history line is not JSON: %s", jerr.text);
	return entry;
}

static void history_append_two_runs(void **state)
{
	char path[] = "/tmp/ttm-test-history.XXXXXX";
	json_t *base = load_fixture("baseline.json"), *entry, *sc, *tp;
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(ttm_history_append(path, base, "results/one"), 0);
	assert_int_equal(ttm_history_append(path, base, NULL), 0);

	f = fopen(path, "r");
	assert_non_null(f);
	entry = read_history_line(f);
	assert_non_null(entry);
	assert_string_equal(json_string_value(json_object_get(entry, "schema")), TTM_HISTORY_SCHEMA);
	assert_string_equal(json_string_value(json_object_get(entry, "results")), "results/one");
	assert_string_equal(json_string_value(json_object_get(entry, "verdict")), "inconclusive");
	assert_string_equal(json_string_value(json_object_get(entry, "kernel")), "6.18.0-fixture");
	assert_string_equal(json_string_value(json_object_get(entry, "time")),
			    "2026-12-01T02:20:00Z");
	sc = json_array_get(json_object_get(entry, "syscalls"), 0);
	assert_string_equal(json_string_value(json_object_get(sc, "syscall")), "openat");
	assert_true(json_is_null(json_object_get(sc, "native_penalty")));
	tp = json_object_get(sc, "tracepoint_penalty");
	assert_float_equal(json_number_value(json_object_get(tp, "estimate_ns")),
			   json_number_value(json_object_get(
				   json_object_get(json_array_get(json_object_get(json_object_get(
									  base, "verdicts"),
									  "syscalls"),
								  0),
						   "tracepoint_penalty"),
				   "estimate_ns")),
			   EPS);
	json_decref(entry);

	entry = read_history_line(f);
	assert_non_null(entry);
	assert_true(json_is_null(json_object_get(entry, "results")));
	json_decref(entry);
	assert_null(read_history_line(f));
	fclose(f);

	unlink(path);
	json_decref(base);
}

/* The fixture history.jsonl that trend tests read has the keys append writes. */
static void history_fixture_matches_append(void **state)
{
	json_t *base = load_fixture("baseline.json"), *written, *stored;
	FILE *f = fopen(fixture("history.jsonl"), "r");
	const char *key;
	json_t *value;

	assert_non_null(f);
	written = ttm_history_entry(base, "results/baseline");
	stored = read_history_line(f);
	fclose(f);
	assert_non_null(written);
	assert_non_null(stored);
	assert_int_equal(json_object_size(written), json_object_size(stored));
	json_object_foreach(written, key, value) {
		if (!json_object_get(stored, key))
			fail_msg("fixture history line lacks '%s'", key);
	}
	json_decref(written);
	json_decref(stored);
	json_decref(base);
}

static void history_append_rejects_bad_input(void **state)
{
	json_t *foreign = json_pack("{s:s}", "schema", "someone.else");
	json_t *base = load_fixture("baseline.json");

	assert_int_equal(ttm_history_append("/tmp/ttm-never-written.jsonl", foreign, NULL), -EINVAL);
	assert_int_not_equal(access("/tmp/ttm-never-written.jsonl", F_OK), 0);
	assert_int_equal(ttm_history_append("/nonexistent-dir/history.jsonl", base, NULL), -ENOENT);
	json_decref(foreign);
	json_decref(base);
}

static void ci_summary_line_fields(void **state)
{
	json_t *base = load_fixture("baseline.json");
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_int_equal(ttm_ci_summary_line(base, out), 0);
	fclose(out);
	assert_non_null(strstr(text, "ttmbench-ci: verdict=inconclusive complete=true"));
	assert_non_null(strstr(text, " holds=0 violated=0 inconclusive=2 "));
	assert_non_null(strstr(text, "native_penalty_max=none"));
	/* connect's tracepoint penalty (about 40 ns) is above openat's (about 30 ns). */
	assert_non_null(strstr(text, "tracepoint_penalty_max=connect:+40.0ns["));
	assert_int_equal(strchr(text, '\n') - text, (long)len - 1);
	free(text);
	json_decref(base);
}

static void fail_on_rules(void **state)
{
	json_t *base = load_fixture("baseline.json");
	json_t *overall = json_object_get(json_object_get(base, "verdicts"), "overall");
	enum ttm_fail_on rule;

	assert_int_equal(ttm_parse_fail_on("violated", &rule, err, sizeof(err)), 0);
	assert_int_equal(rule, TTM_FAIL_ON_VIOLATED);
	assert_int_equal(ttm_parse_fail_on("sometimes", &rule, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'sometimes'"));

	/* The fixture is inconclusive. */
	assert_int_equal(ttm_fail_on_status(base, TTM_FAIL_ON_VIOLATED), 0);
	assert_int_equal(ttm_fail_on_status(base, TTM_FAIL_ON_INCONCLUSIVE), 1);
	json_object_set_new(overall, "verdict", json_string("violated"));
	assert_int_equal(ttm_fail_on_status(base, TTM_FAIL_ON_VIOLATED), 1);
	assert_int_equal(ttm_fail_on_status(base, TTM_FAIL_ON_NEVER), 0);
	json_object_set_new(overall, "verdict", json_string("holds"));
	assert_int_equal(ttm_fail_on_status(base, TTM_FAIL_ON_INCONCLUSIVE), 0);
	assert_int_equal(ttm_fail_on_verdict("inconclusive", TTM_FAIL_ON_NEVER), 0);
	assert_int_equal(ttm_fail_on_verdict("inconclusive", TTM_FAIL_ON_VIOLATED), 0);
	assert_int_equal(ttm_fail_on_verdict("violated", TTM_FAIL_ON_INCONCLUSIVE), 1);
	json_decref(base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mann_whitney_cdf_matches_enumeration),
		cmocka_unit_test(mann_whitney_quantile_small_samples),
		cmocka_unit_test(mann_whitney_normal_approximation),
		cmocka_unit_test(shift_of_translated_sample),
		cmocka_unit_test(shift_of_empty_sample_rejected),
		cmocka_unit_test(change_decide_cases),
		cmocka_unit_test(compare_detects_regression),
		cmocka_unit_test(compare_ignores_change_within_noise),
		cmocka_unit_test(compare_reports_improvement),
		cmocka_unit_test(compare_two_reps_insufficient),
		cmocka_unit_test(compare_without_common_cells),
		cmocka_unit_test(settings_differences_listed),
		cmocka_unit_test(settings_compare_numbers_by_value),
		cmocka_unit_test(new_older_than_baseline),
		cmocka_unit_test(load_rejects_bad_files),
		cmocka_unit_test(load_accepts_folder),
		cmocka_unit_test(junit_written_atomically),
		cmocka_unit_test(junit_escapes_special_characters),
		cmocka_unit_test(history_append_two_runs),
		cmocka_unit_test(history_fixture_matches_append),
		cmocka_unit_test(history_append_rejects_bad_input),
		cmocka_unit_test(ci_summary_line_fields),
		cmocka_unit_test(fail_on_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
