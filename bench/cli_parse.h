/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Option parsers shared by the argp subcommands. Bad input ends in
 * argp_error(), which prints the message and exits with argp_err_exit_status.
 */
#ifndef TTM_CLI_PARSE_H
#define TTM_CLI_PARSE_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>

/* Parse a whole number from min to max for option opt ("--reps"). A leading '-' is invalid. */
unsigned long long ttm_parse_count(struct argp_state *state, const char *opt, const char *arg,
				   unsigned long long min, unsigned long long max);

/*
 * Parse seconds for option opt: above 0 (from 0 with zero_ok) and at most
 * max. Infinity, NaN and trailing text are invalid.
 */
double ttm_parse_seconds(struct argp_state *state, const char *opt, const char *arg,
			 bool zero_ok, double max);

/* Parse --cpu: an online CPU number, from 0 to the online count minus one. */
int ttm_parse_cpu(struct argp_state *state, const char *arg);

/* Parse a comma-separated list of entry paths (native, ia32, ia32-int80), each named once. */
void ttm_parse_mode_list(struct argp_state *state, const char *arg, int *modes, int *nmodes);

/* Copy the --out folder to out, and reject it when it is empty or does not fit. */
void ttm_parse_out_dir(struct argp_state *state, const char *arg, char *out, size_t len);

#endif /* TTM_CLI_PARSE_H */
