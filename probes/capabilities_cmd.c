// SPDX-License-Identifier: GPL-2.0
/* ttmbench capabilities: which hooks this kernel offers, and why not. */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "bench/commands.h"
#include "probes/loader.h"

struct capabilities_args {
	bool json;
	bool verbose;
};

static const char doc[] =
	"Report which hooks of the TOCTOU-mitigation probes this kernel and this\n"
	"process can use: the syscall enter tracepoints, the ia32 kprobes (compat\n"
	"wrapper first, plain wrapper if there is none), fentry, raw tracepoints,\n"
	"tp_btf, ia32 emulation, lockdown, and which attach configurations can run:\n"
	"none, tp, kprobe, full, and the alternative ia32 designs rawtp, tp_btf and\n"
	"fentry, each alone and with the tracepoints (tp+rawtp, tp+tp_btf,\n"
	"tp+fentry). Every unavailable item carries its reason.\n"
	"\n"
	"Needs root, or CAP_BPF and CAP_PERFMON, because it loads test programs.\n"
	"run and sweep need root: they also enable BPF run-time stats\n"
	"(BPF_ENABLE_STATS), which needs CAP_SYS_ADMIN.\n"
	"\n"
	"EXAMPLES:\n"
	"  ttmbench capabilities            # table for humans\n"
	"  ttmbench capabilities --json     # the same as a JSON object\n"
	"  ttmbench capabilities --verbose  # also log what detection does\n";

static const struct argp_option options[] = {
	{ "json", 'j', NULL, 0, "Print a JSON object instead of the table", 0 },
	{ "verbose", 'v', NULL, 0, "Log detection steps and libbpf output to stderr", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct capabilities_args *args = state->input;

	switch (key) {
	case 'j':
		args->json = true;
		break;
	case 'v':
		args->verbose = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': this command takes options only", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *yes_no(bool available)
{
	return available ? "yes" : "no";
}

static void print_status(const char *name, const struct ttm_status *status)
{
	printf("  %-16s %-4s %s\n", name, yes_no(status->available), status->reason);
}

static void print_table(const struct ttm_capabilities *caps)
{
	printf("Kernel %s\n\n", caps->kernel_release);

	printf("%-9s %-11s %-7s %-6s %-22s %s\n", "syscall", "tracepoint", "compat", "plain",
	       "ia32 kprobe", "ia32 kprobe usable");
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		const struct ttm_syscall_caps *s = &caps->sc[sc];
		const char *chosen = "none";

		if (s->ia32_kind >= 0)
			chosen = ttm_prog_name(TTM_PROG_ID(sc, s->ia32_kind));
		printf("%-9s %-11s %-7s %-6s %-22s %s\n", ttm_syscall_name(sc),
		       yes_no(s->tracepoint.available), yes_no(s->compat_symbol),
		       yes_no(s->plain_symbol), chosen, yes_no(s->ia32_kprobe.available));
	}
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		if (!caps->sc[sc].tracepoint.available)
			printf("  %s tracepoint: %s\n", ttm_syscall_name(sc),
			       caps->sc[sc].tracepoint.reason);
	}

	printf("\nFeatures\n");
	print_status("privileges", &caps->root);
	print_status("BTF", &caps->btf);
	print_status("tracefs", &caps->tracefs);
	print_status("kprobes", &caps->kprobe);
	print_status("fentry", &caps->fentry);
	print_status("raw tracepoint", &caps->raw_tracepoint);
	print_status("tp_btf", &caps->tp_btf);
	print_status("calibration", &caps->calibration);
	print_status("ia32 emulation", &caps->ia32_emulation);
	printf("  %-16s %s\n", "lockdown", caps->lockdown);

	printf("\nConfigurations\n");
	for (int config = 0; config < TTM_CONFIG_COUNT; config++)
		print_status(ttm_config_name(config), &caps->config[config]);
}

static int print_json(const struct ttm_capabilities *caps)
{
	json_t *root = ttm_capabilities_to_json(caps);
	int err;

	if (!root) {
		fprintf(stderr, "ttmbench capabilities: building the JSON object failed\n");
		return TTM_EXIT_FAILURE;
	}
	err = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (err) {
		fprintf(stderr, "ttmbench capabilities: writing JSON to stdout failed\n");
		return TTM_EXIT_FAILURE;
	}
	printf("\n");
	return TTM_EXIT_OK;
}

int cmd_capabilities(int argc, char **argv)
{
	const struct argp argp = { options, parse_arg, NULL, doc, NULL, NULL, NULL };
	struct capabilities_args args = {};
	struct ttm_capabilities caps;
	int err;

	/* argp exits with status argp_err_exit_status on bad usage. */
	argp_err_exit_status = TTM_EXIT_USAGE;
	err = argp_parse(&argp, argc, argv, 0, NULL, &args);
	if (err)
		return TTM_EXIT_USAGE;

	ttm_capabilities_detect(&caps, args.verbose);
	if (!caps.root.available) {
		fprintf(stderr, "ttmbench capabilities: %s\n", caps.root.reason);
		return TTM_EXIT_USAGE;
	}

	if (args.json)
		return print_json(&caps);
	print_table(&caps);
	return TTM_EXIT_OK;
}
