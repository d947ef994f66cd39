# ttmbench: build, benchmark and test.
#
#   make bench      install missing packages, build, run the quick preset and
#                   a hyperfine cross-check of it
#   make test       install missing packages, build, run every test
#   make bench-lab  the quick preset inside Debian 6.1 and 6.12 guests (qemu)
#   make V=1 ...    show full commands
#   make STATIC=1 BUILD=build/static   statically linked binaries (kernel lab)
#
# Each folder adds its rules in a fragment: probes/build.mk, workloads/build.mk,
# bench/build.mk, tests/tests.mk, scripts/lab.mk.

BUILD ?= build
CC ?= gcc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip

CFLAGS ?= -O2 -g
CFLAGS += -Wall -Wextra -Wno-unused-parameter -std=gnu11 -D_GNU_SOURCE
CPPFLAGS += -I. -I$(BUILD)
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Wno-unused-function

LIBS_BPF := -lbpf -lelf -lz
LIBS_JSON := -ljansson
LIBS_GSL := -lgsl -lgslcblas -lm
LIBS_THREAD := -lpthread
# Mini-XML writes the JUnit XML of `ttmbench compare`. Unlike libxml2, whose
# static library pulls in ICU, it links statically at about 80 KB.
LIBS_XML := -lmxml

ifeq ($(STATIC),1)
LDFLAGS += -static
endif

ifeq ($(V),1)
Q :=
msg =
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.DEFAULT_GOAL := all
.PHONY: all deps bench test clean

all:

deps: $(BUILD)/.deps-installed

$(BUILD)/.deps-installed: scripts/install-deps.sh
	$(Q)mkdir -p $(@D)
	$(Q)scripts/install-deps.sh
	$(Q)touch $@

# bench and test install packages first, then build in a second make so that
# the build sees the freshly installed headers and tools.
# The quick preset, then hyperfine's whole-process cross-check of its results.
bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)./$(BUILD)/ttmbench run --wait --preset quick
	$(Q)BUILD=$(BUILD) scripts/hyperfine-crosscheck.sh --results results/latest --ops 100000

test: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory check

clean:
	$(call msg,CLEAN,$(BUILD))
	$(Q)rm -rf $(BUILD)

$(BUILD)/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

include probes/build.mk
include workloads/build.mk
include bench/build.mk
include tests/tests.mk
include scripts/lab.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
