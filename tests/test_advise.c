// SPDX-License-Identifier: GPL-2.0
/*
 * `ttmbench advise` on fixed sweeps (tests/fixtures/sweep-*.json): the rate
 * point and ratio it picks, the numbers it prints, the no-fit case and the
 * rejected inputs. sweep-basic.json has rates 1000, 10000 and max (400000
 * achieved) and ratios 1, 2, 4, 8; at 10000/s the added ns per call are 900,
 * 520, 310 and 200, and the CI of ratio 4 reaches 420 ns. sweep-peak.json is
 * the same with max replaced by peak, paced at 300000 calls/s (299000 reached),
 * and sweep-behind.json that again with two runs of ratio 2 at peak behind
 * their pace (85 % of the planned calls at worst).
 * sweep-partial.json is sweep-basic.json with ratios 1 and 2 failed at
 * 10000/s, ratio 8 there from one repetition (350 ns, no CI), and the
 * consumer's CPU share measured (2.5 %). sweep-incomplete.json is
 * sweep-basic.json interrupted in its first repetition.
 *
 * Usage: test_advise FIXTURE_DIR
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "bench/sweep_advise.h"

static const char *fixtures;
static json_t *basic;

static char *fixture(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	return path;
}

static int load_basic(void **state)
{
	char err[512];

	if (ttm_advise_load(fixture("sweep-basic.json"), &basic, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	return 0;
}

static int free_basic(void **state)
{
	json_decref(basic);
	return 0;
}

static struct ttm_advise_request request(double budget, double rate)
{
	return (struct ttm_advise_request){ .budget_pct = budget, .rate = rate, .config = "tp",
					    .syscall = "openat", .mode = "native" };
}

/* The advice's printed text, malloc'd. */
static char *printed(const struct ttm_advise_request *req, const struct ttm_advice *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	ttm_advice_print(f, req, a);
	fclose(f);
	return text;
}

static void test_choice_within_budget(void **state)
{
	/* 2 % of a CPU at 50000 calls/s allows 400 ns: ratio 4 (310 ns) is the first to fit. */
	struct ttm_advise_request req = request(2, 50000);
	struct ttm_advice a;
	char err[512];

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "10000");
	assert_int_equal(a.nrows, 4);
	assert_int_equal(a.choice, 2);
	assert_int_equal(a.rows[a.choice].ratio, 4);
	assert_false(a.rows[0].fits);
	assert_false(a.rows[1].fits);
	assert_true(a.rows[3].fits);
	assert_float_equal(a.rows[a.choice].added_ns, 310.0, 1e-9);
	assert_float_equal(a.rows[a.choice].cpu_pct, 1.55, 1e-9);
	assert_float_equal(a.rows[a.choice].vs_ratio1_ns, -590.0, 1e-9);
}

static void test_printed_numbers(void **state)
{
	struct ttm_advise_request req = request(2, 50000);
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "rate point used: 10000 calls/s"));
	assert_non_null(strstr(text, "the highest measured rate not above 50000 calls/s"));
	assert_non_null(strstr(text, "allows 400.0 ns added per call"));
	assert_non_null(strstr(text, "advice: sampling ratio 4"));
	assert_non_null(strstr(text, "+310.0 ns per call x 50000 calls/s = 1.550 % of one CPU"));
	/* The CI upper end, 420 ns, is 2.1 % of a CPU: above the budget. */
	assert_non_null(strstr(text, "caution"));
	assert_non_null(strstr(text, "2.100 %"));
	/* No consumer share is measured here; 12 ns per call x 50000/s must not stand in for it. */
	assert_non_null(strstr(text, "consumer thread's CPU time, not measured at ratio 4"));
	assert_null(strstr(text, "0.060 %"));
	assert_null(strstr(text, "no measured point"));
	free(text);
}

static void test_no_ratio_fits(void **state)
{
	/* 0.5 % at 50000 calls/s allows 100 ns; the cheapest measured ratio adds 200. */
	struct ttm_advise_request req = request(0.5, 50000);
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_int_equal(a.choice, -1);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "no sampling ratio fits"));
	assert_non_null(strstr(text, "the cheapest measured, ratio 8, adds 200.0 ns per call, "
				     "1.000 %"));
	/* The cost still falls at 8, the highest ratio measured, so higher ones may fit. */
	assert_non_null(strstr(text, "sweep ratios above 8"));
	assert_null(strstr(text, "advice:"));
	free(text);
}

static void test_no_fit_below_floor(void **state)
{
	/*
	 * 0.4 % at 50000 calls/s allows 80 ns. Through ratio 1 (900 ns) and ratio
	 * 8 (200 ns), 900 - 700 / (1 - 1/8) puts the part sampling cannot remove
	 * at 100 ns, so no higher ratio can fit.
	 */
	struct ttm_advise_request req = request(0.4, 50000);
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_int_equal(a.choice, -1);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "higher ratios would not do"));
	assert_non_null(strstr(text, "about 100.0 ns per call (fitted through ratios 1 and 8), "
				     "above the 80.0 ns allowed"));
	assert_null(strstr(text, "sweep ratios above"));
	free(text);
}

static json_t *load_fixture(const char *name)
{
	char err[512];
	json_t *json;

	if (ttm_advise_load(fixture(name), &json, err, sizeof(err)))
		fail_msg("%s", err);
	return json;
}

static void test_no_fit_names_cheapest(void **state)
{
	/* 1 % at 50000 calls/s allows 200 ns: ratio 4 adds 310, ratio 8 350 at 10000/s. */
	struct ttm_advise_request req = request(1, 50000);
	json_t *partial = load_fixture("sweep-partial.json");
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(partial, &req, &a, err, sizeof(err)), 0);
	assert_int_equal(a.choice, -1);
	assert_int_equal(a.rows[a.cheapest].ratio, 4);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "the cheapest measured, ratio 4, adds 310.0 ns per call, "
				     "1.550 %"));
	/* Ratio 8 already costs more than 4: sweeping higher ratios is no advice. */
	assert_null(strstr(text, "sweep ratios above"));
	assert_non_null(strstr(text, "raise --budget or lower the rate"));
	free(text);
	json_decref(partial);
}

static void test_no_fit_at_ratio_max(void **state)
{
	struct ttm_advise_request req = request(0.5, 50000);
	json_t *sweep = json_deep_copy(basic), *pt;
	struct ttm_advice a;
	char err[512], *text;
	size_t i;

	/* Relabel ratio 8 as 128, the highest ratio sweep accepts. */
	json_array_foreach(json_object_get(sweep, "points"), i, pt)
		if (json_integer_value(json_object_get(pt, "sampling_ratio")) == 8)
			json_object_set_new(pt, "sampling_ratio", json_integer(128));
	assert_int_equal(ttm_advise(sweep, &req, &a, err, sizeof(err)), 0);
	assert_int_equal(a.choice, -1);
	assert_int_equal(a.rows[a.cheapest].ratio, 128);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "the cheapest measured, ratio 128"));
	assert_null(strstr(text, "sweep ratios above"));
	free(text);
	json_decref(sweep);
}

static void test_unmeasured_ratios_named(void **state)
{
	struct ttm_advise_request req = request(2, 50000);
	json_t *partial = load_fixture("sweep-partial.json");
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(partial, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "10000");
	assert_int_equal(a.nrows, 2);
	assert_int_equal(a.rows[0].ratio, 4);
	assert_int_equal(a.rows[1].ratio, 8);
	assert_int_equal(a.nunmeasured, 2);
	assert_int_equal(a.unmeasured[0].ratio, 1);
	assert_string_equal(a.unmeasured[0].status, "failed");
	assert_int_equal(a.unmeasured[1].ratio, 2);
	assert_int_equal(a.rows[a.choice].ratio, 4);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "no measured point at this rate point for ratio 1 (failed), "
				     "ratio 2 (failed): the advice only considers the measured "
				     "ratios"));
	free(text);
	json_decref(partial);
}

static void test_one_repetition_ci_na(void **state)
{
	struct ttm_advise_request req = request(2, 50000);
	json_t *partial = load_fixture("sweep-partial.json");
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(partial, &req, &a, err, sizeof(err)), 0);
	assert_int_equal(a.rows[1].ratio, 8);
	assert_false(a.rows[1].ci_valid);
	assert_true(isnan(a.rows[1].added_ns_upper));
	assert_true(a.rows[0].ci_valid);
	text = printed(&req, &a);
	assert_non_null(strstr(text, "+350.0 (n/a)"));
	assert_null(strstr(text, "(+350.0)"));
	assert_non_null(strstr(text, "+310.0 (+420.0)"));
	free(text);
	json_decref(partial);
}

/* The consumer's share is the one measured at the rate point, whatever --rate requests. */
static void test_consumer_share_measured(void **state)
{
	const double rates[] = { 20000, 50000 };
	json_t *partial = load_fixture("sweep-partial.json");

	for (int i = 0; i < 2; i++) {
		struct ttm_advise_request req = request(2, rates[i]);
		struct ttm_advice a;
		char err[512], *text;

		assert_int_equal(ttm_advise(partial, &req, &a, err, sizeof(err)), 0);
		assert_true(a.rows[a.choice].consumer_valid);
		assert_float_equal(a.rows[a.choice].consumer_cpu_pct, 2.5, 1e-9);
		text = printed(&req, &a);
		assert_non_null(strstr(text, "consumer thread used 2.50 % of one CPU at ratio 4, "
					     "measured at 9990 calls/s"));
		assert_non_null(strstr(text, "not scaled to --rate"));
		free(text);
	}
	json_decref(partial);
}

static void test_rate_point_exact(void **state)
{
	struct ttm_advise_request req = request(2, 1000);
	struct ttm_advice a;
	char err[512];

	/* 1000 calls/s allows 20000 ns: ratio 1 fits (1500 ns = 0.15 %). */
	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "1000");
	assert_int_equal(a.choice, 0);
	assert_float_equal(a.rows[0].cpu_pct, 0.15, 1e-9);
}

static void test_rate_below_measured(void **state)
{
	struct ttm_advise_request req = request(2, 500);
	struct ttm_advice a;
	char err[512];

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "1000");
	assert_non_null(strstr(a.rate_reason, "below every measured rate"));
}

static void test_rate_above_measured(void **state)
{
	/* Above max's 400000 achieved calls/s: max is used, nothing extrapolated. */
	struct ttm_advise_request req = request(10, 1000000);
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "max");
	assert_float_equal(a.rate_point, 400000.0, 1e-9);
	assert_non_null(strstr(a.rate_reason, "above every measured rate"));
	/* 10 % at 1e6 calls/s allows 100 ns: none of 600, 380, 250, 180 fits. */
	assert_int_equal(a.choice, -1);
	/* The rate is the baseline's: the probed points ran slower back to back. */
	text = printed(&req, &a);
	assert_non_null(strstr(text, "rate point used: max (back to back; nothing attached "
				     "reached 400000 calls/s, the probed points fewer)"));
	free(text);
}

static void test_rate_between_points(void **state)
{
	/* 200000 calls/s lies between 10000 and max (400000): the lower point is used. */
	struct ttm_advise_request req = request(10, 200000);
	struct ttm_advice a;
	char err[512];

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "10000");
	/* 10 % at 200000 calls/s allows 500 ns: ratio 4 (310 ns) fits, ratio 2 (520) does not. */
	assert_int_equal(a.rows[a.choice].ratio, 4);
}

/* A peak point counts at its pace, not at the rate it reached. */
static void test_rate_peak(void **state)
{
	struct ttm_advise_request req = request(10, 350000);
	struct ttm_advice a;
	char err[512];
	json_t *peak;
	char *text;

	assert_int_equal(ttm_advise_load(fixture("sweep-peak.json"), &peak, err, sizeof(err)), 0);
	assert_int_equal(ttm_advise(peak, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "peak");
	assert_float_equal(a.rate_point, 300000.0, 1e-9);
	assert_non_null(strstr(a.rate_reason, "the highest, peak, ran at 300000 calls/s"));
	text = printed(&req, &a);
	assert_non_null(strstr(text, "rate point used: peak (paced at 300000 calls/s)"));
	free(text);

	req.rate = 299500;
	assert_int_equal(ttm_advise(peak, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "10000");
	json_decref(peak);
}

/* Runs of the chosen rate point that fell behind their pace are named. */
static void test_runs_behind_named(void **state)
{
	struct ttm_advise_request req = request(10, 350000);
	json_t *sweep = load_fixture("sweep-behind.json");
	struct ttm_advice a;
	char err[512], *text;

	assert_int_equal(ttm_advise(sweep, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "peak");
	text = printed(&req, &a);
	assert_non_null(strstr(text, "caution: runs fell behind their pace at ratio 2 (2 of its "
				     "runs); the worst issued 85.0 % of its planned calls"));
	free(text);

	/* At 10000 calls/s no run fell behind: no caution. */
	req.rate = 10000;
	assert_int_equal(ttm_advise(sweep, &req, &a, err, sizeof(err)), 0);
	text = printed(&req, &a);
	assert_null(strstr(text, "fell behind"));
	free(text);
	json_decref(sweep);
}

static void expect_rejected(struct ttm_advise_request req, const char *value)
{
	struct ttm_advice a;
	char err[512] = "";

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), -EINVAL);
	if (!strstr(err, value))
		fail_msg("message '%s' does not name '%s'", err, value);
}

static void test_bad_budget(void **state)
{
	expect_rejected(request(0, 50000), "--budget 0");
	expect_rejected(request(-1, 50000), "--budget -1");
	expect_rejected(request(100.5, 50000), "--budget 100.5");
}

static void test_bad_rate(void **state)
{
	expect_rejected(request(2, 0), "--rate 0");
	expect_rejected(request(2, -5), "--rate -5");
}

static void test_bad_names(void **state)
{
	struct ttm_advise_request req = request(2, 50000);

	req.config = "bogus";
	expect_rejected(req, "'bogus'");
	req.config = "none";
	expect_rejected(req, "'none'");
	req.config = "full";
	expect_rejected(req, "'full' was not measured");
	req = request(2, 50000);
	req.syscall = "read";
	expect_rejected(req, "'read'");
	req.syscall = "connect";
	expect_rejected(req, "'connect' was not measured");
	req = request(2, 50000);
	req.mode = "ia32";
	expect_rejected(req, "'ia32' was not measured");
}

static void test_unknown_mode(void **state)
{
	struct ttm_advise_request req = request(2, 50000);
	char err[512] = "";

	req.mode = "ia64";
	expect_rejected(req, "unknown --mode 'ia64': use native, ia32 or ia32-int80");
	/* Rejected from the request alone, before any sweep is read. */
	assert_int_equal(ttm_advise_check_request(&req, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "'ia64'"));
	req.mode = "ia32-int80";
	assert_int_equal(ttm_advise_check_request(&req, err, sizeof(err)), 0);
}

static void expect_load_error(const char *path, const char *text)
{
	char err[512] = "";
	json_t *json = NULL;

	assert_int_equal(ttm_advise_load(path, &json, err, sizeof(err)), -EINVAL);
	assert_null(json);
	if (!strstr(err, text))
		fail_msg("message '%s' does not contain '%s'", err, text);
}

static void test_load_rejects_other_schemas(void **state)
{
	expect_load_error(fixture("sweep-version2.json"), "version 2");
	expect_load_error(fixture("sweep-foreign-schema.json"), "schema 'ttmbench.results'");
	expect_load_error("/nonexistent/sweep-folder", "'/nonexistent/sweep-folder' not found");
}

static void test_load_rejects_missing_parts(void **state)
{
	expect_load_error(fixture("sweep-no-parameters.json"), "lacks a parameters object");
	expect_load_error(fixture("sweep-no-points.json"), "lacks a points array");
}

static void test_load_rejects_incomplete(void **state)
{
	const char *path = fixture("sweep-incomplete.json");

	expect_load_error(path, path);
	expect_load_error(path, "is incomplete");
	expect_load_error(path, "(interrupted by SIGINT during repetition 1 of 6)");
	expect_load_error(path, "rerun ttmbench sweep");
}

static void test_load_folder_without_sweep(void **state)
{
	char dir[] = "/tmp/test_advise.XXXXXX";

	assert_non_null(mkdtemp(dir));
	expect_load_error(dir, "holds no sweep.json");
	rmdir(dir);
}

/* Create root/name, holding a copy of the fixture named json (none when NULL). */
static void make_sweep_folder(const char *root, const char *name, const char *json)
{
	char path[4096], buf[4096];
	FILE *in, *out;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0755), 0);
	if (!json)
		return;
	snprintf(path, sizeof(path), "%s/%s/sweep.json", root, name);
	in = fopen(fixture(json), "r");
	assert_non_null(in);
	out = fopen(path, "w");
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	fclose(out);
}

static void remove_sweep_folders(const char *root, const char *const *names, int n)
{
	char path[4096];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s/sweep.json", root, names[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		rmdir(path);
	}
	rmdir(root);
}

static void test_newest_sweep_folder(void **state)
{
	char root[] = "/tmp/test_advise.XXXXXX", out[4096], skipped[4096], err[512];
	char expected[4096];
	const char *names[] = { "20261201T100000Z-h-sweep", "20261203T100000Z-h-sweep",
				"20261204T100000Z-h-sweep", "20261204T110000Z-h-sweep",
				"20261205T100000Z-h" };

	assert_non_null(mkdtemp(root));
	assert_int_equal(ttm_advise_newest_sweep(root, out, sizeof(out), skipped, sizeof(skipped),
						 err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no complete sweep found"));

	make_sweep_folder(root, names[0], "sweep-basic.json");
	make_sweep_folder(root, names[1], "sweep-basic.json");
	/* Newer, but without sweep.json (a sweep still running): skipped silently. */
	make_sweep_folder(root, names[2], NULL);
	/* Newer, but interrupted: skipped and named. */
	make_sweep_folder(root, names[3], "sweep-incomplete.json");
	/* Newest, but a `ttmbench run` folder: not a sweep. */
	make_sweep_folder(root, names[4], "sweep-basic.json");

	assert_int_equal(ttm_advise_newest_sweep(root, out, sizeof(out), skipped, sizeof(skipped),
						 err, sizeof(err)),
			 0);
	snprintf(expected, sizeof(expected), "%s/%s", root, names[1]);
	assert_string_equal(out, expected);
	assert_non_null(strstr(skipped, names[3]));
	assert_non_null(strstr(skipped, "the sweep is incomplete (interrupted by SIGINT during "
					"repetition 1 of 6)"));
	assert_null(strstr(skipped, names[2]));
	assert_null(strstr(skipped, names[0]));

	remove_sweep_folders(root, names, 5);
}

static void test_newest_sweep_only_incomplete(void **state)
{
	char root[] = "/tmp/test_advise.XXXXXX", out[4096], skipped[4096], err[512];
	const char *names[] = { "20261204T110000Z-h-sweep" };

	assert_non_null(mkdtemp(root));
	make_sweep_folder(root, names[0], "sweep-incomplete.json");
	assert_int_equal(ttm_advise_newest_sweep(root, out, sizeof(out), skipped, sizeof(skipped),
						 err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no complete sweep found"));
	assert_non_null(strstr(skipped, names[0]));
	assert_non_null(strstr(skipped, "incomplete"));
	remove_sweep_folders(root, names, 1);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_within_budget),
		cmocka_unit_test(test_printed_numbers),
		cmocka_unit_test(test_no_ratio_fits),
		cmocka_unit_test(test_no_fit_names_cheapest),
		cmocka_unit_test(test_no_fit_below_floor),
		cmocka_unit_test(test_runs_behind_named),
		cmocka_unit_test(test_no_fit_at_ratio_max),
		cmocka_unit_test(test_unmeasured_ratios_named),
		cmocka_unit_test(test_one_repetition_ci_na),
		cmocka_unit_test(test_consumer_share_measured),
		cmocka_unit_test(test_rate_point_exact),
		cmocka_unit_test(test_rate_below_measured),
		cmocka_unit_test(test_rate_above_measured),
		cmocka_unit_test(test_rate_between_points),
		cmocka_unit_test(test_rate_peak),
		cmocka_unit_test(test_bad_budget),
		cmocka_unit_test(test_bad_rate),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_unknown_mode),
		cmocka_unit_test(test_load_rejects_other_schemas),
		cmocka_unit_test(test_load_rejects_missing_parts),
		cmocka_unit_test(test_load_rejects_incomplete),
		cmocka_unit_test(test_load_folder_without_sweep),
		cmocka_unit_test(test_newest_sweep_folder),
		cmocka_unit_test(test_newest_sweep_only_incomplete),
	};

	fixtures = argc > 1 ? argv[1] : "tests/fixtures";
	return cmocka_run_group_tests(tests, load_basic, free_basic);
}
