# The ttmbench binary: bench/*.c linked with the loader library from probes/.
BENCH_SRCS := $(wildcard bench/*.c)
BENCH_OBJS := $(BENCH_SRCS:%.c=$(BUILD)/%.o)

all: $(BUILD)/ttmbench

# Sources include the generated skeleton and vmlinux-free headers from $(BUILD).
$(BENCH_OBJS): | $(PROBE_GENERATED)

$(BUILD)/ttmbench: $(BENCH_OBJS) $(LOADER_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_BPF) $(LIBS_JSON) $(LIBS_GSL) $(LIBS_XML) $(LIBS_THREAD) -o $@
