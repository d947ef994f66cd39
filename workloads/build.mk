# The syscall generator, built twice from the same sources: ttm-workload
# (x86_64) and ttm-workload32 (i386, for the ia32 entry through the vDSO).
WORKLOAD_SRCS := $(wildcard workloads/*.c)
WORKLOAD_OBJS := $(WORKLOAD_SRCS:%.c=$(BUILD)/%.o)
WORKLOAD32_OBJS := $(WORKLOAD_SRCS:workloads/%.c=$(BUILD)/workloads/m32/%.o)

all: $(BUILD)/ttm-workload $(BUILD)/ttm-workload32

$(BUILD)/ttm-workload: $(WORKLOAD_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(LDFLAGS) $^ $(LIBS_THREAD) -lm -o $@

$(BUILD)/workloads/m32/%.o: workloads/%.c
	$(call msg,CC32,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -m32 $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/ttm-workload32: $(WORKLOAD32_OBJS)
	$(call msg,LINK32,$@)
	$(Q)$(CC) -m32 $(LDFLAGS) $^ $(LIBS_THREAD) -lm -o $@
