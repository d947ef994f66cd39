# `make check` runs every test area. Each area's rules live in its own
# fragment, tests/<area>.mk, which defines the check-<area> target.
TEST_AREAS := probes workloads bench lab ci sweep robustness validity

.PHONY: check $(TEST_AREAS:%=check-%)
check: $(TEST_AREAS:%=check-%)

-include $(TEST_AREAS:%=tests/%.mk)
