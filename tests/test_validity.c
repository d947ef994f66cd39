// SPDX-License-Identifier: GPL-2.0
/*
 * Event accounting of the hook designs against the running kernel, through
 * the same workload runs `ttmbench run` makes: how many events each
 * configuration delivers per syscall issued on each entry path. Counts only:
 * events are filtered by the workload's tgid, so other processes cannot
 * change them; run_cnt counts every process and is only bounded from below.
 * Needs root (CI runs as root); without it every test is skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench/run_lock.h"
#include "bench/run_workload.h"

#define OPS 200

struct fixture {
	struct ttm_capabilities caps;
	struct ttm_probe *probe;
	struct ttm_run_params params;
	struct ttm_rep_result rep;
	int stats_fd;
	const char *skip_reason;
};

static struct fixture fx;

static int setup_group(void **state)
{
	struct ttm_probe_opts opts = { .consumer_cpu = -1 };
	const char *build = getenv("TTM_BUILD") ? getenv("TTM_BUILD") : "build";
	int err;

	if (geteuid() != 0) {
		fx.skip_reason = "not root: loading BPF programs needs root (CI runs as root)";
		return 0;
	}
	snprintf(fx.params.workload, sizeof(fx.params.workload), "%s/ttm-workload", build);
	if (access(fx.params.workload, X_OK)) {
		fprintf(stderr, "%s is missing: build it with `make all`\n", fx.params.workload);
		return -1;
	}
	fx.params.ops = OPS;
	fx.params.consumer_cpu = -1;

	/* Queue behind a running benchmark rather than adding programs to its measurement. */
	if (ttm_run_lock_take("validate", true))
		return -1;

	ttm_capabilities_detect(&fx.caps, false);
	err = ttm_probe_open(&fx.probe, &opts, &fx.caps);
	if (err) {
		fprintf(stderr, "ttm_probe_open failed: %s\n", strerror(-err));
		return -1;
	}
	fx.stats_fd = ttm_enable_bpf_stats();
	if (fx.stats_fd < 0) {
		fprintf(stderr, "enabling BPF stats failed: %s\n", strerror(-fx.stats_fd));
		return -1;
	}
	return 0;
}

static int teardown_group(void **state)
{
	ttm_probe_close(fx.probe);
	if (fx.stats_fd > 0)
		close(fx.stats_fd);
	return 0;
}

static void skip_unless_root(void)
{
	if (fx.skip_reason) {
		fprintf(stderr, "skipped: %s\n", fx.skip_reason);
		skip();
	}
}

static void skip_unless_available(int config)
{
	skip_unless_root();
	if (!fx.caps.config[config].available) {
		fprintf(stderr, "skipped: %s is unavailable: %s\n", ttm_config_name(config),
			fx.caps.config[config].reason);
		skip();
	}
}

/* Attach config and run the workload once; the program samples are in fx.rep. */
static void run_under(int config, int syscall, int mode)
{
	struct ttm_config_info info = { .requested = true, .available = true };
	struct ttm_run_context ctx = { .params = &fx.params, .probe = fx.probe, .config = &info,
				       .bpf_stats = true };

	for (int id = 0; id < TTM_PROG_COUNT; id++)
		if (ttm_config_has_prog(config, id, &fx.caps))
			info.progs[info.nprogs++] = id;
	assert_int_equal(ttm_probe_attach(fx.probe, config), 0);
	if (ttm_run_workload(&ctx, syscall, mode, 0, &fx.rep))
		fail_msg("%s %s %s: %s", ttm_config_name(config), ttm_workload_syscall_name(syscall),
			 ttm_mode_name(mode), fx.rep.error);
	assert_int_equal(ttm_probe_detach(fx.probe), 0);
	assert_int_equal(fx.rep.record.ops_issued, OPS);
}

static const struct ttm_prog_sample *sample_of(int prog_id)
{
	for (int i = 0; i < fx.rep.nprogs; i++)
		if (fx.rep.progs[i].prog_id == prog_id)
			return &fx.rep.progs[i];
	fail_msg("program %s has no sample", ttm_prog_name(prog_id));
	return NULL;
}

/* Events from the workload of every program of one kind (ia32 or tracepoint). */
static unsigned long long events_of_kind(bool ia32)
{
	unsigned long long events = 0;

	for (int i = 0; i < fx.rep.nprogs; i++)
		if (ttm_prog_is_ia32(fx.rep.progs[i].prog_id) == ia32)
			events += fx.rep.progs[i].events_workload;
	return events;
}

static void test_tp_native_one_event_per_call(void **state)
{
	skip_unless_available(TTM_CONFIG_TP);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		run_under(TTM_CONFIG_TP, sc, TTM_ENTRY_NATIVE);
		assert_int_equal(sample_of(TTM_PROG_ID(sc, TTM_KIND_TP))->events_workload, OPS);
		assert_int_equal(events_of_kind(false), OPS);
	}
}

static void test_tp_ia32_no_events(void **state)
{
	const int modes[] = { TTM_ENTRY_IA32, TTM_ENTRY_IA32_INT80 };

	skip_unless_available(TTM_CONFIG_TP);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		for (int m = 0; m < 2; m++) {
			run_under(TTM_CONFIG_TP, sc, modes[m]);
			assert_int_equal(events_of_kind(false), 0);
		}
	}
}

static void test_rawtp_ia32_one_event_per_call(void **state)
{
	const int modes[] = { TTM_ENTRY_IA32, TTM_ENTRY_IA32_INT80 };

	skip_unless_available(TTM_CONFIG_RAWTP);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		for (int m = 0; m < 2; m++) {
			run_under(TTM_CONFIG_RAWTP, sc, modes[m]);
			assert_int_equal(sample_of(TTM_PROG_RAWTP)->events_workload, OPS);
		}
	}
}

static void test_rawtp_native_runs_without_events(void **state)
{
	skip_unless_available(TTM_CONFIG_RAWTP);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		const struct ttm_prog_sample *ps;

		run_under(TTM_CONFIG_RAWTP, sc, TTM_ENTRY_NATIVE);
		ps = sample_of(TTM_PROG_RAWTP);
		assert_int_equal(ps->events_workload, 0);
		assert_true(ps->stats_valid);
		assert_true(ps->stats.run_cnt >= OPS);
	}
}

static void test_rawtp_sees_socketcall_connect(void **state)
{
	skip_unless_available(TTM_CONFIG_RAWTP);
	run_under(TTM_CONFIG_RAWTP, TTM_WL_SOCKETCALL_CONNECT, TTM_ENTRY_IA32);
	assert_int_equal(sample_of(TTM_PROG_RAWTP)->events_workload, OPS);
}

static void test_tp_rawtp_covers_both_paths(void **state)
{
	skip_unless_available(TTM_CONFIG_TP_RAWTP);
	run_under(TTM_CONFIG_TP_RAWTP, TTM_SC_OPENAT, TTM_ENTRY_NATIVE);
	assert_int_equal(events_of_kind(false), OPS);
	assert_int_equal(events_of_kind(true), 0);
	run_under(TTM_CONFIG_TP_RAWTP, TTM_SC_OPENAT, TTM_ENTRY_IA32);
	assert_int_equal(events_of_kind(false), 0);
	assert_int_equal(events_of_kind(true), OPS);
}

static void test_tp_btf_ia32_one_event_per_call(void **state)
{
	skip_unless_available(TTM_CONFIG_TP_BTF);
	run_under(TTM_CONFIG_TP_BTF, TTM_SC_OPENAT, TTM_ENTRY_IA32);
	assert_int_equal(sample_of(TTM_PROG_TP_BTF)->events_workload, OPS);
	run_under(TTM_CONFIG_TP_BTF, TTM_SC_OPENAT, TTM_ENTRY_NATIVE);
	assert_int_equal(sample_of(TTM_PROG_TP_BTF)->events_workload, 0);
}

static void test_fentry_ia32_one_event_per_call(void **state)
{
	skip_unless_available(TTM_CONFIG_FENTRY);
	run_under(TTM_CONFIG_FENTRY, TTM_SC_OPENAT, TTM_ENTRY_IA32);
	assert_int_equal(sample_of(TTM_PROG_FENTRY(TTM_SC_OPENAT))->events_workload, OPS);
}

/* Every design configuration is either available or has a reason. */
static void test_design_availability_has_reasons(void **state)
{
	skip_unless_root();
	for (int c = TTM_CONFIG_FALCO_COUNT; c < TTM_CONFIG_COUNT; c++)
		assert_true(fx.caps.config[c].reason[0] != '\0');
	assert_true(fx.caps.tp_btf.reason[0] != '\0');
	assert_true(fx.caps.fentry.reason[0] != '\0');
	if (!fx.caps.fentry.available) {
		assert_false(fx.caps.config[TTM_CONFIG_FENTRY].available);
		assert_false(fx.caps.config[TTM_CONFIG_TP_FENTRY].available);
		assert_non_null(strstr(fx.caps.config[TTM_CONFIG_FENTRY].reason, "fentry"));
	}
	if (!fx.caps.tp_btf.available)
		assert_false(fx.caps.config[TTM_CONFIG_TP_BTF].available);
	if (!fx.caps.fentry.available)
		assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_FENTRY), -EOPNOTSUPP);
}

/* The calibration program runs once per getppid and goes away with ttm_probe_attach. */
static void test_calibration_runs_per_getppid(void **state)
{
	struct ttm_config_info info = { .progs = { TTM_PROG_CALIBRATION }, .nprogs = 1 };
	struct ttm_run_context ctx = { .params = &fx.params, .probe = fx.probe, .config = &info,
				       .bpf_stats = true };

	skip_unless_root();
	if (!fx.caps.calibration.available) {
		fprintf(stderr, "skipped: %s\n", fx.caps.calibration.reason);
		skip();
	}
	assert_int_equal(ttm_probe_set_calibration_loops(fx.probe, 10), 0);
	assert_int_equal(ttm_probe_set_calibration_loops(fx.probe, TTM_CALIBRATION_LOOPS_MAX + 1),
			 -EINVAL);
	assert_int_equal(ttm_probe_attach_calibration(fx.probe), 0);
	assert_int_equal(ttm_run_workload(&ctx, TTM_WL_GETPPID, TTM_ENTRY_NATIVE, 0, &fx.rep), 0);
	assert_true(fx.rep.progs[0].stats.run_cnt >= OPS);

	assert_int_equal(ttm_probe_attach(fx.probe, TTM_CONFIG_NONE), 0);
	assert_int_equal(ttm_run_workload(&ctx, TTM_WL_GETPPID, TTM_ENTRY_NATIVE, 0, &fx.rep), 0);
	assert_int_equal(fx.rep.progs[0].stats.run_cnt, 0);
}

static void test_design_config_names(void **state)
{
	enum ttm_config configs[TTM_CONFIG_COUNT];
	char err[512];
	int count;

	assert_int_equal(ttm_parse_config_list("designs", configs, &count, err, sizeof(err)), 0);
	assert_int_equal(count, TTM_CONFIG_COUNT - TTM_CONFIG_FALCO_COUNT);
	assert_int_equal(ttm_config_from_name("tp+rawtp"), TTM_CONFIG_TP_RAWTP);
	assert_true(ttm_config_has_prog(TTM_CONFIG_TP_RAWTP, TTM_PROG_RAWTP, NULL));
	assert_true(ttm_config_has_prog(TTM_CONFIG_TP_RAWTP, TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_TP),
					NULL));
	assert_false(ttm_config_has_prog(TTM_CONFIG_RAWTP, TTM_PROG_ID(TTM_SC_OPENAT, TTM_KIND_TP),
					 NULL));
	assert_false(ttm_config_has_prog(TTM_CONFIG_FULL, TTM_PROG_RAWTP, NULL));
	assert_false(ttm_config_has_prog(TTM_CONFIG_TP_FENTRY, TTM_PROG_CALIBRATION, NULL));
	assert_string_equal(ttm_prog_name(TTM_PROG_FENTRY(TTM_SC_OPENAT2)), "fentry_openat2_e");
	assert_string_equal(ttm_prog_hook_kind(TTM_PROG_TP_BTF), "tp_btf");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tp_native_one_event_per_call),
		cmocka_unit_test(test_tp_ia32_no_events),
		cmocka_unit_test(test_rawtp_ia32_one_event_per_call),
		cmocka_unit_test(test_rawtp_native_runs_without_events),
		cmocka_unit_test(test_rawtp_sees_socketcall_connect),
		cmocka_unit_test(test_tp_rawtp_covers_both_paths),
		cmocka_unit_test(test_tp_btf_ia32_one_event_per_call),
		cmocka_unit_test(test_fentry_ia32_one_event_per_call),
		cmocka_unit_test(test_design_availability_has_reasons),
		cmocka_unit_test(test_calibration_runs_per_getppid),
		cmocka_unit_test(test_design_config_names),
	};

	return cmocka_run_group_tests_name("validity", tests, setup_group, teardown_group);
}
