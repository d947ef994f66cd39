# check-probes: the cmocka tests of the BPF programs and loader library
# (tests/test_probes.c, as root) and the `ttmbench capabilities` CLI test.

PROBE_TEST := $(BUILD)/tests/test_probes
PROBE_TEST_OBJS := $(BUILD)/tests/test_probes.o
# i386 program that issues openat through the ia32 entry; used unless
# $(BUILD)/ttm-workload32 exists.
PROBE_TEST_IA32 := $(BUILD)/tests/ia32_openat

$(PROBE_TEST_OBJS): | $(PROBE_GENERATED)

$(PROBE_TEST): $(PROBE_TEST_OBJS) $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -lcmocka $(LIBS_BPF) $(LIBS_JSON) $(LIBS_THREAD) -o $@

$(PROBE_TEST_IA32): tests/ia32_openat.c
	$(call msg,CC32,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -m32 -static -O2 -Wall $< -o $@

check-probes: $(PROBE_TEST) $(PROBE_TEST_IA32) $(BUILD)/ttmbench
	$(Q)TTM_IA32_HELPER=$(PROBE_TEST_IA32) TTM_WORKLOAD32=$(BUILD)/ttm-workload32 \
		timeout 300 $(PROBE_TEST)
	$(Q)timeout 120 tests/cli_capabilities.sh $(BUILD)/ttmbench
