# check-robustness: hostile syscall arguments through the workload and the
# tracepoint programs (tests/test_hostile.c, root), the bad-input table of
# every subcommand (tests/bad_input.sh), signals, the run lock and killed or
# hung workloads (tests/signals.sh, root), a bounded fuzz run of the
# results.json reader (make fuzz), and the verifier and hostile arguments in
# Debian 6.1 and 6.12 guests (tests/lab_robustness.sh, root).
#
#   make sanitize   the userspace parts built with ASan and UBSan in
#                   $(SANITIZE_BUILD), then their C and CLI tests run there
#   make fuzz       libFuzzer on ttm_results_load for FUZZ_SECONDS

TEST_HOSTILE := $(BUILD)/tests/test_hostile
FUZZ_RESULTS := $(BUILD)/fuzz/fuzz_results
FUZZ_SECONDS ?= 60
SANITIZE_BUILD ?= build/sanitize
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

$(BUILD)/tests/test_hostile.o: | $(PROBE_GENERATED)

$(TEST_HOSTILE): $(BUILD)/tests/test_hostile.o $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_BPF) $(LIBS_JSON) $(LIBS_THREAD) -o $@

.PHONY: check-robustness sanitize fuzz

check-robustness: $(TEST_HOSTILE) $(BUILD)/ttmbench $(BUILD)/ttm-workload $(BUILD)/ttm-workload32
	$(Q)timeout 120 $(TEST_HOSTILE) $(BUILD)/ttm-workload
	$(Q)timeout 600 tests/bad_input.sh $(BUILD)
	$(Q)timeout 600 tests/signals.sh $(BUILD)
	$(Q)$(MAKE) --no-print-directory fuzz
	$(Q)$(MAKE) --no-print-directory lab-static
	$(Q)timeout 1200 tests/lab_robustness.sh

# libFuzzer needs clang; the reader and its dependencies are compiled from
# source with the fuzzer's instrumentation, not taken from $(BUILD).
FUZZ_SRCS := tests/fuzz_results.c bench/compare.c bench/stats_twosample.c bench/stats.c
FUZZ_CORPUS := $(BUILD)/fuzz/corpus

$(FUZZ_RESULTS): $(FUZZ_SRCS) bench/compare.h | $(PROBE_GENERATED)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O1 -fsanitize=fuzzer,address,undefined -std=gnu11 -D_GNU_SOURCE \
		$(CPPFLAGS) $(FUZZ_SRCS) $(LIBS_JSON) $(LIBS_GSL) -o $@

fuzz: $(FUZZ_RESULTS)
	$(Q)rm -rf $(FUZZ_CORPUS) && mkdir -p $(FUZZ_CORPUS)
	$(Q)cp tests/fixtures/*.json $(FUZZ_CORPUS)/
	$(call msg,FUZZ,$(FUZZ_RESULTS) for $(FUZZ_SECONDS) s)
	$(Q)timeout $$(($(FUZZ_SECONDS) + 120)) $(FUZZ_RESULTS) -max_total_time=$(FUZZ_SECONDS) \
		-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix=$(BUILD)/fuzz/ $(FUZZ_CORPUS) 2>$(BUILD)/fuzz/fuzz.log || \
		{ tail -n 40 $(BUILD)/fuzz/fuzz.log; exit 1; }
	$(Q)grep -E '^stat::number_of_executed_units|^Done' $(BUILD)/fuzz/fuzz.log | tr '\n' ' '; echo

# The flags go through the environment: on the command line they would
# replace the Makefile's own CFLAGS additions instead of extending them.
# ASan does not work with the static link of STATIC=1. tests/test_workload.c
# is left out: it counts every open call of the workload's start-up, and the
# ASan runtime opens files of its own there.
sanitize:
	$(Q)CFLAGS="-O1 -g $(SANITIZE_FLAGS)" LDFLAGS="$(SANITIZE_FLAGS)" \
		$(MAKE) --no-print-directory BUILD=$(SANITIZE_BUILD) sanitize-check

.PHONY: sanitize-check
sanitize-check: export ASAN_OPTIONS = halt_on_error=1:abort_on_error=1:detect_leaks=1
sanitize-check: export UBSAN_OPTIONS = halt_on_error=1:print_stacktrace=1
sanitize-check: all $(TEST_HOSTILE)
	$(Q)$(MAKE) --no-print-directory check-probes check-bench check-ci check-sweep
	$(Q)BUILD=$(BUILD) tests/cli_workload.sh
	$(Q)timeout 120 $(TEST_HOSTILE) $(BUILD)/ttm-workload
	$(Q)timeout 600 tests/bad_input.sh $(BUILD)
	$(Q)timeout 600 tests/signals.sh $(BUILD)
