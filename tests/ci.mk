# check-ci: nightly CI mode. Unit tests of compare, the two-sample statistics
# and the history helpers (tests/test_compare.c), then the CLI test of
# `ttmbench compare`, `trend` and `hold` and of the sample workflow
# (tests/cli_compare.sh; the hold checks need root).

CI_TEST := $(BUILD)/tests/test_compare
CI_LIB_OBJS := $(addprefix $(BUILD)/bench/,compare.o compare_output.o compare_settings.o \
	stats_twosample.o \
	history.o stats.o)

$(BUILD)/tests/test_compare.o: | $(PROBE_GENERATED)

$(CI_TEST): $(BUILD)/tests/test_compare.o $(CI_LIB_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_JSON) $(LIBS_GSL) $(LIBS_XML) $(LIBS_THREAD) -o $@

check-ci: $(CI_TEST) $(BUILD)/ttmbench
	$(Q)TTM_FIXTURES=tests/fixtures timeout 120 $(CI_TEST)
	$(Q)timeout 300 tests/cli_compare.sh $(BUILD)
