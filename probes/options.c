// SPDX-License-Identifier: GPL-2.0
/* Parsers for the command-line values that name syscalls, configurations and ratios. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/loader.h"

#define SYSCALL_CHOICES "connect, creat, open, openat, openat2 or all"
#define CONFIG_CHOICES                                                                   \
	"none, tp, kprobe, full, rawtp, tp+rawtp, tp_btf, tp+tp_btf, fentry, tp+fentry, all " \
	"(none, tp, kprobe and full) or designs (the six rawtp, tp_btf and fentry ones)"

/* Split arg at commas into dst tokens; returns the token count or -1 on an empty token. */
static int split_list(const char *arg, char *copy, size_t copy_len, char **tokens, int max)
{
	int count = 0;
	char *save = NULL;

	if (snprintf(copy, copy_len, "%s", arg) >= (int)copy_len)
		return -1;
	if (!copy[0] || copy[0] == ',' || copy[strlen(copy) - 1] == ',' || strstr(copy, ",,"))
		return -1;

	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (count == max)
			return -1;
		tokens[count++] = tok;
	}
	return count;
}

int ttm_parse_syscall_list(const char *arg, bool selected[TTM_SC_COUNT], char *err,
			   size_t err_len)
{
	char copy[256], *tokens[16];
	int count = split_list(arg, copy, sizeof(copy), tokens, 16);

	if (count < 0) {
		snprintf(err, err_len, "invalid syscall list '%s': give a comma-separated list of %s",
			 arg, SYSCALL_CHOICES);
		return -EINVAL;
	}

	memset(selected, 0, TTM_SC_COUNT * sizeof(selected[0]));
	for (int i = 0; i < count; i++) {
		int sc = ttm_syscall_from_name(tokens[i]);

		if (!strcmp(tokens[i], "all")) {
			for (sc = 0; sc < TTM_SC_COUNT; sc++)
				selected[sc] = true;
			continue;
		}
		if (sc < 0) {
			snprintf(err, err_len, "unknown syscall '%s' in '%s': use %s", tokens[i], arg,
				 SYSCALL_CHOICES);
			return -EINVAL;
		}
		selected[sc] = true;
	}
	return 0;
}

static bool config_listed(const enum ttm_config *configs, int count, enum ttm_config config)
{
	for (int i = 0; i < count; i++)
		if (configs[i] == config)
			return true;
	return false;
}

int ttm_parse_config_list(const char *arg, enum ttm_config configs[TTM_CONFIG_COUNT],
			  int *count, char *err, size_t err_len)
{
	char copy[256], *tokens[16];
	int ntokens = split_list(arg, copy, sizeof(copy), tokens, 16);

	*count = 0;
	if (ntokens < 0) {
		snprintf(err, err_len,
			 "invalid configuration list '%s': give a comma-separated list of %s", arg,
			 CONFIG_CHOICES);
		return -EINVAL;
	}

	for (int i = 0; i < ntokens; i++) {
		int config = ttm_config_from_name(tokens[i]);

		if (!strcmp(tokens[i], "all")) {
			for (config = 0; config < TTM_CONFIG_FALCO_COUNT; config++)
				if (!config_listed(configs, *count, config))
					configs[(*count)++] = config;
			continue;
		}
		if (!strcmp(tokens[i], "designs")) {
			for (config = TTM_CONFIG_FALCO_COUNT; config < TTM_CONFIG_COUNT; config++)
				if (!config_listed(configs, *count, config))
					configs[(*count)++] = config;
			continue;
		}
		if (config < 0) {
			snprintf(err, err_len, "unknown configuration '%s' in '%s': use %s", tokens[i],
				 arg, CONFIG_CHOICES);
			return -EINVAL;
		}
		if (config_listed(configs, *count, config)) {
			snprintf(err, err_len,
				 "configuration '%s' is listed twice in '%s': name each one once",
				 tokens[i], arg);
			return -EINVAL;
		}
		configs[(*count)++] = config;
	}
	return 0;
}

int ttm_parse_sampling_ratio(const char *arg, __u32 *ratio, char *err, size_t err_len)
{
	char *end = NULL;
	unsigned long value;

	errno = 0;
	value = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || value < 1 ||
	    value > TTM_SAMPLING_RATIO_MAX || (value & (value - 1))) {
		snprintf(err, err_len,
			 "invalid sampling ratio '%s': use a power of two from 1 to %d "
			 "(1, 2, 4, 8, 16, 32, 64 or 128)",
			 arg, TTM_SAMPLING_RATIO_MAX);
		return -EINVAL;
	}
	*ratio = value;
	return 0;
}
