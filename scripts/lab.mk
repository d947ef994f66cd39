# The kernel lab (scripts/kernel-lab, docs/kernel-lab.md): statically linked
# binaries for the guest initramfs, and `make bench-lab`.
#
#   LAB_KERNELS  guest kernels of bench-lab (default: 6.1 6.12)
#
# The static link needs no extra libraries: the link lines already list
# -lbpf -lelf -lz in that order, and Debian 12's libelf.a needs only libz.

# scripts/kernel-lab copies the guest binaries from this folder.
LAB_BUILD := build/static
LAB_KERNELS ?= 6.1 6.12

.PHONY: lab-static bench-lab

# A second make, because its BUILD and LDFLAGS differ from this one's.
lab-static:
	$(Q)$(MAKE) --no-print-directory STATIC=1 BUILD=$(LAB_BUILD) all

# The host ttmbench runs the host column when results/latest is missing.
bench-lab: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory lab-static
	$(Q)scripts/lab-bench.sh --ttmbench $(BUILD)/ttmbench $(LAB_KERNELS)
