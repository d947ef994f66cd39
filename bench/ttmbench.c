// SPDX-License-Identifier: GPL-2.0
/* ttmbench: overhead measurement for eBPF TOCTOU-mitigation probes. */
#include <stdio.h>
#include <string.h>

#include "bench/commands.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{ "capabilities", cmd_capabilities, "which hooks this kernel offers, and why not" },
	{ "run", cmd_run, "attach configurations, drive workloads, write results and a verdict" },
};

static void print_usage(FILE *out)
{
	fprintf(out, "Usage: ttmbench COMMAND [OPTION...]\n\n"
		     "Measure what Falco-style TOCTOU-mitigation probes (syscall enter\n"
		     "tracepoints and ia32 kprobes) cost native and ia32 callers.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-14s %s\n", subcommands[i].name, subcommands[i].summary);
	fprintf(out, "\n'ttmbench COMMAND --help' lists the command's options and examples.\n");
}

int main(int argc, char **argv)
{
	char argv0[64];

	if (argc < 2) {
		print_usage(stderr);
		return TTM_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return TTM_EXIT_OK;
	}

	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++) {
		if (strcmp(argv[1], subcommands[i].name))
			continue;
		/* argp prints argv[0] in usage lines: make it "ttmbench run". */
		snprintf(argv0, sizeof(argv0), "ttmbench %s", subcommands[i].name);
		argv[1] = argv0;
		return subcommands[i].run(argc - 1, argv + 1);
	}

	fprintf(stderr, "ttmbench: unknown command '%s'; 'ttmbench --help' lists the commands\n",
		argv[1]);
	return TTM_EXIT_USAGE;
}
