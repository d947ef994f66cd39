# Kernel-lab tests: tests/lab_test.sh boots a Debian 6.1 guest under qemu
# with the static binaries (see scripts/lab.mk) and checks its results.
.PHONY: check-lab

check-lab: lab-static
	$(call msg,TEST,tests/lab_test.sh)
	$(Q)timeout 900 tests/lab_test.sh
