# Workload tests: syscall accounting under a BPF counter (root) and the
# command-line checks of ttm-workload and ttm-workload32.
SYSCOUNT_OBJ := $(BUILD)/tests/syscount.bpf.o
SYSCOUNT_SKEL := $(BUILD)/tests/syscount.skel.h
TEST_WORKLOAD := $(BUILD)/tests/test_workload
NO_IA32 := $(BUILD)/tests/no_ia32

$(SYSCOUNT_OBJ): tests/syscount.bpf.c tests/syscount.h $(VMLINUX_H)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I. -I$(BUILD) -c $< -o $@

$(SYSCOUNT_SKEL): $(SYSCOUNT_OBJ)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name syscount > $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/tests/test_workload.o: | $(SYSCOUNT_SKEL)

$(TEST_WORKLOAD): $(BUILD)/tests/test_workload.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_BPF) -lcmocka -o $@

$(NO_IA32): $(BUILD)/tests/no_ia32.o
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ -o $@

.PHONY: check-workloads
check-workloads: $(BUILD)/ttm-workload $(BUILD)/ttm-workload32 $(TEST_WORKLOAD) $(NO_IA32)
	$(Q)$(TEST_WORKLOAD) $(BUILD)/ttm-workload
	$(Q)BUILD=$(BUILD) tests/cli_workload.sh
