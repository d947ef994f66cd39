# check-validity: event accounting of the ia32 hook designs (tests/test_validity.c,
# cmocka, as root) and the CLI of `ttmbench validate`, `coverage` and `project`
# (tests/cli_validity.sh). Counts and exit statuses only, never timings.

TEST_VALIDITY := $(BUILD)/tests/test_validity

$(BUILD)/tests/test_validity.o: | $(PROBE_GENERATED)

$(TEST_VALIDITY): $(BUILD)/tests/test_validity.o $(BENCH_LIB_OBJS) $(BUILD)/bench/run_workload.o \
		$(BUILD)/bench/run_lock.o $(BUILD)/bench/outdir.o $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_BPF) $(LIBS_JSON) $(LIBS_GSL) $(LIBS_THREAD) -o $@

check-validity: $(TEST_VALIDITY) $(BUILD)/ttmbench $(BUILD)/ttm-workload $(BUILD)/ttm-workload32
	$(Q)TTM_BUILD=$(BUILD) timeout 300 $(TEST_VALIDITY)
	$(Q)timeout 900 tests/cli_validity.sh $(BUILD)
