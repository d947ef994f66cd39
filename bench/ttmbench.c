// SPDX-License-Identifier: GPL-2.0
/* ttmbench: overhead measurement for eBPF TOCTOU-mitigation probes. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bench/commands.h"
#include "bench/results.h"
#include "bench/run_lock.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "capabilities", cmd_capabilities, "which hooks this kernel offers, and why not" },
	{ "run", cmd_run, "attach configurations, drive workloads, write results and a verdict" },
	{ "compare", cmd_compare, "regressions of a new run against a baseline run" },
	{ "trend", cmd_trend, "penalties over past runs, from the run history" },
	{ "hold", cmd_hold, "attach one configuration until SIGINT or SIGTERM" },
	{ "validate", cmd_validate, "positive and A/A controls of the measurement method" },
	{ "coverage", cmd_coverage, "events per syscall issued, per configuration and entry path" },
	{ "project", cmd_project, "projected CPU cost of each ia32 design for a call mix and rate" },
	{ "sweep", cmd_sweep, "cost, kept events and drops for each sampling ratio and rate" },
	{ "ringbuf", cmd_ringbuf, "drops against ring buffer size under a flood, drain rate" },
	{ "advise", cmd_advise, "lowest sampling ratio whose cost fits a CPU budget" },
};

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: ttmbench COMMAND [OPTION...]\n\n"
		     "Measure what Falco-style TOCTOU-mitigation probes (syscall enter\n"
		     "tracepoints and ia32 kprobes) cost native and ia32 callers.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-14s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'ttmbench COMMAND --help' or 'ttmbench help COMMAND' lists the command's\n"
		     "options and examples; 'ttmbench --version' prints the version.\n"
		     "\nCommands that attach probes (run, sweep, ringbuf, hold, validate, coverage)\n"
		     "take the lock " TTM_RUN_LOCK_PATH " before they load probes: one of them\n"
		     "runs at a time. When another one holds it they exit with status 1\n"
		     "naming its pid, or with --wait they wait for it.\n");
}

/* Remove every --wait before "--" from argv; returns whether there was one. */
static bool take_wait_option(int *argc, char **argv)
{
	bool wait = false;
	int out = 1;

	for (int i = 1; i < *argc; i++) {
		if (!strcmp(argv[i], "--")) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (!strcmp(argv[i], "--wait"))
			wait = true;
		else
			argv[out++] = argv[i];
	}
	*argc = out;
	argv[out] = NULL;
	return wait;
}

static const struct subcommand *find_subcommand(const char *name)
{
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(name, subcommands[i].name))
			return &subcommands[i];
	return NULL;
}

/* "ttmbench --configs tp run": name the command found later, or ask for one. */
static int reject_leading_option(int argc, char **argv)
{
	for (int i = 2; i < argc; i++) {
		if (!find_subcommand(argv[i]))
			continue;
		fprintf(stderr, "ttmbench: option '%s' before the command: options go after the "
				"command: ttmbench %s %s ...\n", argv[1], argv[i], argv[1]);
		return TTM_EXIT_USAGE;
	}
	fprintf(stderr, "ttmbench: option '%s' without a command: give the command first, "
			"e.g. ttmbench run %s ...; 'ttmbench --help' lists the commands\n", argv[1],
		argv[1]);
	return TTM_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	static char help_option[] = "--help";
	char *help_argv[4] = {};
	const struct subcommand *cmd;
	char argv0[64];

	if (argc < 2) {
		print_usage(stderr);
		return TTM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ttmbench %s\n", TTM_VERSION);
		return TTM_EXIT_OK;
	}
	if (!strcmp(argv[1], "help") && argc >= 3) {
		/* "ttmbench help run" is "ttmbench run --help". */
		if (!find_subcommand(argv[2])) {
			fprintf(stderr, "ttmbench: unknown command '%s'; 'ttmbench --help' lists the "
					"commands\n", argv[2]);
			return TTM_EXIT_USAGE;
		}
		help_argv[0] = argv[0];
		help_argv[1] = argv[2];
		help_argv[2] = help_option;
		argc = 3;
		argv = help_argv;
	} else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
		   !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return TTM_EXIT_OK;
	} else if (argv[1][0] == '-') {
		return reject_leading_option(argc, argv);
	}

	cmd = find_subcommand(argv[1]);
	if (cmd) {
		/* argp prints argv[0] in usage lines: make it "ttmbench run". */
		snprintf(argv0, sizeof(argv0), "ttmbench %s", cmd->name);
		argv[1] = argv0;
		argc--;
		argv++;
		if (ttm_command_needs_lock(cmd->name))
			ttm_run_lock_on_probe_open(cmd->name, take_wait_option(&argc, argv));
		return cmd->run(argc, argv);
	}

	fprintf(stderr, "ttmbench: unknown command '%s'; 'ttmbench --help' lists the commands\n",
		argv[1]);
	return TTM_EXIT_USAGE;
}
