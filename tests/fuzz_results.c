// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the results.json reader that `ttmbench compare`
 * uses: ttm_results_load checks the schema and every field compare reads,
 * so whatever it accepts must also survive ttm_compare_results and
 * ttm_results_describe. The input is served from a memfd through its
 * /proc/self/fd path, because the reader takes a path.
 *
 *   make fuzz FUZZ_SECONDS=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/compare.h"

static int input_fd = -1;
static char input_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ttm_compare cmp = {};
	char err[512], desc[256];
	json_t *root;

	if (input_fd < 0) {
		input_fd = memfd_create("results.json", 0);
		if (input_fd < 0) {
			perror("memfd_create");
			abort();
		}
		snprintf(input_path, sizeof(input_path), "/proc/self/fd/%d", input_fd);
	}
	if (ftruncate(input_fd, 0) || pwrite(input_fd, data, size, 0) != (ssize_t)size) {
		perror("writing the fuzz input");
		abort();
	}

	root = ttm_results_load(input_path, err, sizeof(err));
	if (!root)
		return 0;
	ttm_results_describe(root, desc, sizeof(desc));
	if (!ttm_compare_results(root, root, TTM_COMPARE_DEFAULT_THRESHOLD_PCT, &cmp, err,
				 sizeof(err)))
		ttm_compare_free(&cmp);
	json_decref(root);
	return 0;
}
