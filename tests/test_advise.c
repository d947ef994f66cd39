// SPDX-License-Identifier: GPL-2.0
/*
 * `ttmbench advise` on fixed sweeps (tests/fixtures/sweep-*.json): the rate
 * point and ratio it picks, the numbers it prints, the no-fit case and the
 * rejected inputs. sweep-basic.json has rates 1000, 10000 and max (400000
 * achieved) and ratios 1, 2, 4, 8; at 10000/s the added ns per call are 900,
 * 520, 310 and 200, and the CI of ratio 4 reaches 420 ns. sweep-peak.json is
 * the same with max replaced by peak, paced at 300000 calls/s (299000 reached).
 *
 * Usage: test_advise FIXTURE_DIR
 */
#include <errno.h>
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
	/* The consumer: 12 ns per call x 50000 calls/s = 0.06 % of a CPU. */
	assert_non_null(strstr(text, "consumer thread adds 0.060 %"));
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
	assert_non_null(strstr(text, "the highest measured, 8, adds 200.0 ns per call, 1.000 %"));
	assert_null(strstr(text, "advice:"));
	free(text);
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
	char err[512];

	assert_int_equal(ttm_advise(basic, &req, &a, err, sizeof(err)), 0);
	assert_string_equal(a.rate_label, "max");
	assert_float_equal(a.rate_point, 400000.0, 1e-9);
	assert_non_null(strstr(a.rate_reason, "above every measured rate"));
	/* 10 % at 1e6 calls/s allows 100 ns: none of 600, 380, 250, 180 fits. */
	assert_int_equal(a.choice, -1);
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

static void test_load_folder_without_sweep(void **state)
{
	char dir[] = "/tmp/test_advise.XXXXXX";

	assert_non_null(mkdtemp(dir));
	expect_load_error(dir, "holds no sweep.json");
	rmdir(dir);
}

static void make_sweep_folder(const char *root, const char *name, bool with_json)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(mkdir(path, 0755), 0);
	if (!with_json)
		return;
	snprintf(path, sizeof(path), "%s/%s/sweep.json", root, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{}", f);
	fclose(f);
}

static void test_newest_sweep_folder(void **state)
{
	char root[] = "/tmp/test_advise.XXXXXX", out[4096], err[512], expected[4096];
	const char *names[] = { "20261201T100000Z-h-sweep", "20261203T100000Z-h-sweep",
				"20261204T100000Z-h-sweep", "20261205T100000Z-h" };

	assert_non_null(mkdtemp(root));
	assert_int_equal(ttm_advise_newest_sweep(root, out, sizeof(out), err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "no sweep found"));

	make_sweep_folder(root, names[0], true);
	make_sweep_folder(root, names[1], true);
	/* Newer, but without sweep.json (a sweep still running): skipped. */
	make_sweep_folder(root, names[2], false);
	/* Newest, but a `ttmbench run` folder: skipped. */
	make_sweep_folder(root, names[3], true);

	assert_int_equal(ttm_advise_newest_sweep(root, out, sizeof(out), err, sizeof(err)), 0);
	snprintf(expected, sizeof(expected), "%s/%s", root, names[1]);
	assert_string_equal(out, expected);

	for (int i = 0; i < 4; i++) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/%s/sweep.json", root, names[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s/%s", root, names[i]);
		rmdir(path);
	}
	rmdir(root);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choice_within_budget),
		cmocka_unit_test(test_printed_numbers),
		cmocka_unit_test(test_no_ratio_fits),
		cmocka_unit_test(test_rate_point_exact),
		cmocka_unit_test(test_rate_below_measured),
		cmocka_unit_test(test_rate_above_measured),
		cmocka_unit_test(test_rate_between_points),
		cmocka_unit_test(test_rate_peak),
		cmocka_unit_test(test_bad_budget),
		cmocka_unit_test(test_bad_rate),
		cmocka_unit_test(test_bad_names),
		cmocka_unit_test(test_load_rejects_other_schemas),
		cmocka_unit_test(test_load_folder_without_sweep),
		cmocka_unit_test(test_newest_sweep_folder),
	};

	fixtures = argc > 1 ? argv[1] : "tests/fixtures";
	return cmocka_run_group_tests(tests, load_basic, free_basic);
}
