// SPDX-License-Identifier: GPL-2.0
/* Option parsers shared by the argp subcommands. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/cli_parse.h"
#include "bench/results.h"

unsigned long long ttm_parse_count(struct argp_state *state, const char *opt, const char *arg,
				   unsigned long long min, unsigned long long max)
{
	char *end = NULL;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < min || v > max)
		argp_error(state, "invalid %s '%s': give a whole number from %llu to %llu", opt, arg,
			   min, max);
	return v;
}

double ttm_parse_seconds(struct argp_state *state, const char *opt, const char *arg,
			 bool zero_ok, double max)
{
	char *end = NULL;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || *end || !isfinite(v) || v < 0 || (!zero_ok && v == 0) ||
	    v > max)
		argp_error(state, "invalid %s '%s': give seconds %s 0 and at most %g, e.g. 1", opt,
			   arg, zero_ok ? "from" : "above", max);
	return v;
}

int ttm_parse_cpu(struct argp_state *state, const char *arg)
{
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	char *end = NULL;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v >= ncpus)
		argp_error(state, "invalid --cpu '%s': this machine has %ld online CPUs, numbered 0 "
				  "to %ld", arg, ncpus, ncpus - 1);
	return (int)v;
}

void ttm_parse_mode_list(struct argp_state *state, const char *arg, int *modes, int *nmodes)
{
	char copy[128], *save = NULL;
	bool seen[TTM_ENTRY_COUNT] = {};

	if (snprintf(copy, sizeof(copy), "%s", arg) >= (int)sizeof(copy) || !copy[0] ||
	    strstr(copy, ",,") || copy[0] == ',' || copy[strlen(copy) - 1] == ',')
		argp_error(state, "invalid mode list '%s': give a comma-separated list of native, "
				  "ia32, ia32-int80", arg);

	*nmodes = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int mode = ttm_mode_from_name(tok);

		if (mode < 0)
			argp_error(state, "unknown mode '%s' in '%s': use native, ia32 or ia32-int80",
				   tok, arg);
		if (seen[mode])
			argp_error(state, "mode '%s' is listed twice in '%s': name each one once", tok,
				   arg);
		seen[mode] = true;
		modes[(*nmodes)++] = mode;
	}
}

void ttm_parse_out_dir(struct argp_state *state, const char *arg, char *out, size_t len)
{
	if (!arg[0] || snprintf(out, len, "%s", arg) >= (int)len)
		argp_error(state, "invalid --out '%s': give a folder path", arg);
}
