# check-bench: unit tests of the statistics, verdict and report code, and the
# `ttmbench run` CLI test (bad input, and as root an acceptance run).

BENCH_LIB_OBJS := $(addprefix $(BUILD)/bench/,stats.o results.o verdict.o results_json.o json_util.o \
	report.o perf_counters.o hostinfo.o designs.o)
TEST_STATS := $(BUILD)/tests/test_stats
TEST_REPORT := $(BUILD)/tests/test_report

$(BUILD)/tests/test_stats.o $(BUILD)/tests/test_report.o: | $(PROBE_GENERATED)

$(TEST_STATS) $(TEST_REPORT): $(BUILD)/tests/%: $(BUILD)/tests/%.o $(BENCH_LIB_OBJS) $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_BPF) $(LIBS_JSON) $(LIBS_GSL) $(LIBS_THREAD) -o $@

check-bench: $(TEST_STATS) $(TEST_REPORT) $(BUILD)/ttmbench $(BUILD)/ttm-workload \
		$(BUILD)/ttm-workload32
	$(Q)timeout 60 $(TEST_STATS)
	$(Q)timeout 60 $(TEST_REPORT)
	$(Q)timeout 300 tests/cli_run.sh $(BUILD)
