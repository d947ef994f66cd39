// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench hold: attach one configuration and keep it attached until SIGINT
 * or SIGTERM, so that other tools (hyperfine, perf, a user's own workload)
 * can measure with the probes in place.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/commands.h"
#include "bench/run_lock.h"
#include "probes/loader.h"

struct hold_args {
	int config; /* -1 until --config */
	__u32 sampling_ratio;
	bool verbose;
};

enum {
	OPT_SAMPLING_RATIO = 0x100,
};

static const char doc[] =
	"Load the TOCTOU-mitigation probes, attach one configuration and hold it until\n"
	"SIGINT or SIGTERM; then detach, free everything and exit 0. Once attached it\n"
	"prints one line, \"attached CONFIG (programs: ...) pid N\", so a script can\n"
	"wait for it. The ring-buffer consumer runs while attached, as in\n"
	"`ttmbench run`.\n"
	"\n"
	"Configurations: none (nothing attached), tp (syscall enter tracepoints),\n"
	"kprobe (ia32 kprobes), full (both), and any other the loader offers (an\n"
	"invalid --config lists them). Needs root, or CAP_BPF and CAP_PERFMON.\n"
	"\n"
	"Exit status: 0 after a signal, 1 when loading or attaching failed, 2 for bad\n"
	"input or a configuration this kernel cannot attach (the message says why).\n"
	"\n"
	"EXAMPLES:\n"
	"  ttmbench hold --config tp\n"
	"  ttmbench hold --config full --sampling-ratio 8 &\n"
	"  ttmbench hold --config tp --verbose   # libbpf and loader output on stderr\n";

static const struct argp_option options[] = {
	{ "config", 'c', "CONFIG", 0, "Configuration to attach: none, tp, kprobe, full, ...", 0 },
	{ "sampling-ratio", OPT_SAMPLING_RATIO, "R", 0,
	  "Keep 1/R of the events (1, 2, 4 ... 128; default 1: keep all)", 0 },
	{ "verbose", 'v', NULL, 0, "Log loader steps and libbpf output to stderr", 0 },
	{},
};

/* "none, tp, kprobe, full, ...": every configuration the loader names. */
static void config_choices(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int config = 0; config < TTM_CONFIG_COUNT && used < len; config++) {
		const char *name = ttm_config_name(config);

		if (name)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
	}
}

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct hold_args *args = state->input;
	char err[256], choices[256];

	switch (key) {
	case 'c':
		args->config = ttm_config_from_name(arg);
		if (args->config < 0) {
			config_choices(choices, sizeof(choices));
			argp_failure(state, TTM_EXIT_USAGE, 0, "invalid --config '%s': expected one of %s",
				     arg, choices);
		}
		break;
	case OPT_SAMPLING_RATIO:
		if (ttm_parse_sampling_ratio(arg, &args->sampling_ratio, err, sizeof(err)))
			argp_failure(state, TTM_EXIT_USAGE, 0, "%s", err);
		break;
	case 'v':
		args->verbose = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': this command takes options only", arg);
		break;
	case ARGP_KEY_END:
		if (args->config < 0) {
			config_choices(choices, sizeof(choices));
			argp_error(state, "missing --config: give one of %s", choices);
		}
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* "connect_e, creat_e, ..." or "none". */
static void program_list(int config, const struct ttm_capabilities *caps, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int id = 0; id < TTM_PROG_MAX && used < len; id++) {
		if (!ttm_config_has_prog(config, id, caps))
			continue;
		used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
				 ttm_prog_name(id));
	}
	if (!used)
		snprintf(buf, len, "none");
}

int cmd_hold(int argc, char **argv)
{
	const struct argp argp = { options, parse_arg, NULL, doc,
				   ttm_run_lock_argp_children, NULL, NULL };
	struct hold_args args = { .config = -1, .sampling_ratio = 1 };
	struct ttm_probe_opts opts = { .consumer_cpu = -1 };
	struct ttm_capabilities caps;
	struct ttm_probe *probe = NULL;
	sigset_t stop_signals;
	char programs[512];
	int err, sig;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return TTM_EXIT_USAGE;

	ttm_capabilities_detect(&caps, args.verbose);
	if (!caps.root.available) {
		fprintf(stderr, "ttmbench hold: %s\n", caps.root.reason);
		return TTM_EXIT_USAGE;
	}
	if (!caps.config[args.config].available) {
		fprintf(stderr, "ttmbench hold: configuration %s is not available on this kernel: %s\n",
			ttm_config_name(args.config), caps.config[args.config].reason);
		return TTM_EXIT_USAGE;
	}

	/*
	 * Block the stop signals before the consumer threads start, so that they
	 * inherit the mask and only sigwait() below receives the signals.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, NULL);

	opts.verbose = args.verbose;
	opts.sampling_ratio = args.sampling_ratio;
	opts.dropping_mode = args.sampling_ratio > 1;
	err = ttm_probe_open(&probe, &opts, &caps);
	if (err) {
		fprintf(stderr, "ttmbench hold: loading the probes failed: %s\n", strerror(-err));
		return TTM_EXIT_FAILURE;
	}
	err = ttm_probe_attach(probe, args.config);
	if (err) {
		fprintf(stderr, "ttmbench hold: attaching %s failed: %s\n",
			ttm_config_name(args.config), strerror(-err));
		ttm_probe_close(probe);
		return TTM_EXIT_FAILURE;
	}

	program_list(args.config, &caps, programs, sizeof(programs));
	printf("attached %s (programs: %s) pid %d\n", ttm_config_name(args.config), programs,
	       (int)getpid());
	fflush(stdout);

	err = sigwait(&stop_signals, &sig);
	ttm_probe_close(probe);
	if (err) {
		fprintf(stderr, "ttmbench hold: waiting for a signal failed: %s; detached %s\n",
			strerror(err), ttm_config_name(args.config));
		return TTM_EXIT_FAILURE;
	}
	fprintf(stderr, "ttmbench hold: detached %s after SIG%s\n", ttm_config_name(args.config),
		sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
	return TTM_EXIT_OK;
}
