# The BPF programs (probes/*.bpf.c), linked into one object and wrapped in a
# skeleton, and the userspace loader library (the other probes/*.c).
#
#   PROBE_GENERATED  generated headers that sources including the skeleton wait for
#   LOADER_OBJS      loader library objects; bench/build.mk and tests link them

VMLINUX_H := $(BUILD)/vmlinux.h
PROBE_BPF_SRCS := $(wildcard probes/*.bpf.c)
PROBE_BPF_OBJS := $(PROBE_BPF_SRCS:%.bpf.c=$(BUILD)/%.bpf.o)
PROBE_LINKED := $(BUILD)/probes/ttm.linked.o
PROBE_SKEL := $(BUILD)/probes/ttm.skel.h
PROBE_GENERATED := $(VMLINUX_H) $(PROBE_SKEL)

LOADER_SRCS := $(filter-out %.bpf.c,$(wildcard probes/*.c))
LOADER_OBJS := $(LOADER_SRCS:%.c=$(BUILD)/%.o)

all: $(PROBE_SKEL) $(LOADER_OBJS)

$(VMLINUX_H):
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp
	$(Q)mv $@.tmp $@

# More specific than the generic $(BUILD)/%.o rule, so make picks this one.
$(BUILD)/probes/%.bpf.o: probes/%.bpf.c $(wildcard probes/*.bpf.h) probes/ttm_event.h $(VMLINUX_H)
	$(call msg,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) $(BPF_CFLAGS) -I. -I$(BUILD) -c $< -o $@

$(PROBE_LINKED): $(PROBE_BPF_OBJS)
	$(call msg,BPFLINK,$@)
	$(Q)$(BPFTOOL) gen object $@ $^

$(PROBE_SKEL): $(PROBE_LINKED)
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name ttm > $@.tmp
	$(Q)mv $@.tmp $@

$(LOADER_OBJS): | $(PROBE_GENERATED)
