# check-sweep: `ttmbench advise` on fixed sweeps (tests/test_advise.c) and the
# sweep, ringbuf and advise CLI test (bad input, and as root a tiny real sweep
# and ring-buffer study).

TEST_ADVISE := $(BUILD)/tests/test_advise

$(BUILD)/tests/test_advise.o: | $(PROBE_GENERATED)

# results.o provides ttm_mode_from_name; stats, stats_twosample and verdict are what it calls.
$(TEST_ADVISE): $(BUILD)/tests/test_advise.o $(BUILD)/bench/advise.o \
		$(BUILD)/bench/advise_load.o $(BUILD)/bench/advise_print.o \
		$(BUILD)/bench/sweep_files.o $(BUILD)/bench/results.o $(BUILD)/bench/stats.o \
		$(BUILD)/bench/stats_twosample.o $(BUILD)/bench/verdict.o $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_BPF) $(LIBS_JSON) $(LIBS_GSL) $(LIBS_THREAD) -o $@

.PHONY: check-sweep
check-sweep: $(TEST_ADVISE) $(BUILD)/ttmbench $(BUILD)/ttm-workload
	$(Q)timeout 60 $(TEST_ADVISE) tests/fixtures
	$(Q)timeout 900 tests/cli_sweep.sh $(BUILD)
