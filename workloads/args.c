// SPDX-License-Identifier: GPL-2.0
/* Command-line parsing and validation: every bad value exits with status 2. */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/workload.h"

static const char *const syscall_names[TTM_WL_COUNT] = {
	[TTM_WL_CONNECT] = "connect",
	[TTM_WL_CREAT] = "creat",
	[TTM_WL_OPEN] = "open",
	[TTM_WL_OPENAT] = "openat",
	[TTM_WL_OPENAT2] = "openat2",
	[TTM_WL_GETPPID] = "getppid",
	[TTM_WL_SOCKETCALL_CONNECT] = "socketcall-connect",
};

static const char *const entry_names[TTM_ENTRY_COUNT] = {
	[TTM_ENTRY_NATIVE] = "native",
	[TTM_ENTRY_IA32] = "ia32",
	[TTM_ENTRY_IA32_INT80] = "ia32-int80",
};

const char *wl_syscall_name(enum ttm_workload_syscall sc)
{
	return sc < TTM_WL_COUNT ? syscall_names[sc] : "?";
}

const char *wl_entry_name(enum ttm_entry_path entry)
{
	return entry < TTM_ENTRY_COUNT ? entry_names[entry] : "?";
}

const char *wl_family_name(int family)
{
	switch (family) {
	case AF_INET:
		return "inet";
	case AF_INET6:
		return "inet6";
	case AF_UNIX:
		return "unix";
	default:
		return "-";
	}
}

const char *argp_program_version = "ttm-workload 0.1";
const char *argp_program_bug_address = NULL;

static const char doc[] =
	"Issue one syscall at a controlled rate through a chosen entry path, for "
	"measuring the overhead of syscall probes.\n"
	"\n"
	"One op issues the named syscall and the calls it needs:\n"
	"  connect, socketcall-connect   socket and close by the issuing thread,\n"
	"                                accept4 and close by the listener thread\n"
	"  creat, open, openat, openat2  close\n"
	"  getppid                       nothing else (control: no probe targets it)\n"
	"Only the named syscalls are timed: the sockets of a batch are created before "
	"it and its fds closed after it. Extra calls go through the binary's own ABI, "
	"also for ia32-int80. Setup (temporary directory, target file made with mknod, "
	"listener) issues none of the probed syscalls, but the dynamic loader calls "
	"openat before main; --start-fd marks where the ops begin.\n"
	"\n"
	"Pacing is open-loop: op i of a thread is due at start + i / (rate / threads), "
	"and ops are issued in batches sized so that the two clock reads per batch "
	"cost under 1% of it. A paced run lasts until the slot of its last op ends; "
	"the achieved rate is ops divided by that time.\n"
	"\n"
	"Entry paths: native (64-bit syscall instruction), ia32 (runs ttm-workload32 "
	"next to this binary, which enters through __kernel_vsyscall), ia32-int80 "
	"(int $0x80 from the 64-bit binary).\n"
	"\v"
	"EXAMPLES:\n"
	"  ttm-workload -s getppid -r max -d 5\n"
	"      getppid as fast as possible for 5 seconds\n"
	"  ttm-workload -s openat -r 10000 -n 50000\n"
	"      50000 openat calls at 10000 ops/s\n"
	"  ttm-workload -s connect -e ia32 -f unix -d 2.5\n"
	"      ia32 connect calls to a unix socket listener for 2.5 seconds\n"
	"  ttm-workload -s socketcall-connect -e ia32-int80 -n 1000\n"
	"      1000 socketcall(SYS_CONNECT) calls through int $0x80\n"
	"  ttm-workload -s open -r 20000 -t 2 -c 0,1 -d 5 --record-fd 3 3>rec.bin\n"
	"      two threads pinned to CPUs 0 and 1, binary record written to rec.bin\n";

enum {
	OPT_ALLOW_OVERSUBSCRIBE = 0x100,
	OPT_RECORD_FD,
	OPT_START_FD,
	OPT_HOSTILE,
};

static const struct argp_option options[] = {
	{ "syscall", 's', "NAME", 0,
	  "Syscall to issue: connect, creat, open, openat, openat2, getppid, "
	  "socketcall-connect (ia32 entries only)", 0 },
	{ "entry", 'e', "PATH", 0,
	  "Entry path: native, ia32 or ia32-int80 (default: native; ia32 in ttm-workload32)", 0 },
	{ "family", 'f', "FAMILY", 0, "connect target: inet (127.0.0.1), inet6 (::1) or unix (default: inet)", 0 },
	{ "rate", 'r', "OPS", 0, "Target rate in ops/s over all threads, or 'max' (default: max)", 0 },
	{ "ops", 'n', "N", 0, "Stop after N ops over all threads", 0 },
	{ "duration", 'd', "SECONDS", 0, "Stop after SECONDS (fractions allowed)", 0 },
	{ "threads", 't', "T", 0, "Worker threads (default: 1)", 0 },
	{ "cpu", 'c', "LIST", 0, "Pin threads round-robin to CPUs in LIST, e.g. 0,2-3", 0 },
	{ "allow-oversubscribe", OPT_ALLOW_OVERSUBSCRIBE, NULL, 0, "Allow more threads than CPUs", 0 },
	{ "record-fd", OPT_RECORD_FD, "FD", 0, "Write the binary record (workloads/record.h) to FD", 0 },
	{ "start-fd", OPT_START_FD, "FD", 0, "Read one byte from FD before the first op", 0 },
	{ "quiet", 'q', NULL, 0, "Do not print the summary line", 0 },
	{ "hostile", OPT_HOSTILE, "KIND", 0,
	  "Pass arguments the kernel rejects: unmapped-path, long-path, unterminated-path "
	  "(creat, open, openat, openat2), sockaddr-len-0, sockaddr-len-large (connect), "
	  "how-size-small, how-size-large (openat2); native and ia32 entries only", 0 },
	{},
};

struct parse_state {
	struct wl_config *cfg;
	bool family_given;
	bool syscall_given;
};

static int lookup_name(const char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++) {
		if (strcmp(names[i], name) == 0)
			return i;
	}
	return -1;
}

static bool parse_u64(const char *text, uint64_t *value)
{
	char *end;

	if (*text == '\0' || *text == '-' || *text == '+')
		return false;
	errno = 0;
	*value = strtoull(text, &end, 10);
	return errno == 0 && *end == '\0';
}

static bool parse_positive_double(const char *text, double *value)
{
	char *end;

	errno = 0;
	*value = strtod(text, &end);
	return *text != '\0' && errno == 0 && *end == '\0' && isfinite(*value) && *value > 0;
}

static int parse_fd(struct argp_state *state, const char *option, const char *text)
{
	uint64_t fd;

	if (!parse_u64(text, &fd) || fd > INT_MAX)
		argp_error(state, "invalid %s '%s': give a file descriptor number, e.g. 3", option, text);
	if (fcntl((int)fd, F_GETFD) < 0)
		argp_error(state, "invalid %s %s: file descriptor %s is not open; open it in the caller, e.g. 3>file",
			   option, text, text);
	return (int)fd;
}

/* Parse "0,2-3" into cfg->cpus, rejecting CPUs this process may not run on. */
static void parse_cpu_list(struct argp_state *state, struct wl_config *cfg, const char *text)
{
	cpu_set_t allowed;
	char *copy = strdup(text);
	char *saveptr = NULL;

	if (!copy)
		argp_failure(state, 1, ENOMEM, "--cpu");
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		argp_failure(state, 1, errno, "sched_getaffinity");

	cfg->ncpus = 0;
	for (char *item = strtok_r(copy, ",", &saveptr); item; item = strtok_r(NULL, ",", &saveptr)) {
		uint64_t first, last = 0;
		char *dash = strchr(item, '-');

		if (dash)
			*dash = '\0';
		if (!parse_u64(item, &first) || (dash && !parse_u64(dash + 1, &last)) || (dash && last < first))
			argp_error(state, "invalid --cpu '%s': give CPU numbers and ranges, e.g. 0,2-3", text);
		if (!dash)
			last = first;

		for (uint64_t cpu = first; cpu <= last; cpu++) {
			if (cpu >= CPU_SETSIZE || !CPU_ISSET(cpu, &allowed))
				argp_error(state,
					   "invalid --cpu '%s': CPU %llu is offline or not allowed for this process; "
					   "pick CPUs from the affinity mask (see taskset -p $$)",
					   text, (unsigned long long)cpu);
			if (cfg->ncpus == WL_MAX_THREADS)
				argp_error(state, "invalid --cpu '%s': more than %d CPUs", text, WL_MAX_THREADS);
			cfg->cpus[cfg->ncpus++] = (int)cpu;
		}
	}
	if (cfg->ncpus == 0)
		argp_error(state, "invalid --cpu '%s': give CPU numbers and ranges, e.g. 0,2-3", text);
	free(copy);
}

static unsigned int count_usable_cpus(const struct wl_config *cfg)
{
	cpu_set_t allowed;

	if (cfg->ncpus > 0)
		return cfg->ncpus;
	if (sched_getaffinity(0, sizeof(allowed), &allowed) < 0)
		return 1;
	return (unsigned int)CPU_COUNT(&allowed);
}

/* Cross-option checks, run once every option has been seen. */
static void check_combination(struct argp_state *state, struct parse_state *ps)
{
	struct wl_config *cfg = ps->cfg;
	bool connects = cfg->syscall == TTM_WL_CONNECT || cfg->syscall == TTM_WL_SOCKETCALL_CONNECT;
	unsigned int usable;

	if (!ps->syscall_given)
		argp_error(state, "missing --syscall: choose connect, creat, open, openat, openat2, getppid "
				  "or socketcall-connect");
	if (cfg->ops == 0 && cfg->duration_s == 0)
		argp_error(state, "missing bound: give --ops N or --duration SECONDS");
	if (cfg->ops != 0 && cfg->duration_s != 0)
		argp_error(state, "--ops %llu and --duration %g both given: give only one of them",
			   (unsigned long long)cfg->ops, cfg->duration_s);
	if (cfg->rate > 0 && cfg->duration_s > 0 && cfg->rate / cfg->threads * cfg->duration_s < 0.5)
		argp_error(state, "--rate %g over --duration %g with %u thread(s) schedules no op per thread; "
				  "raise --rate or --duration",
			   cfg->rate, cfg->duration_s, cfg->threads);
	if (cfg->syscall == TTM_WL_SOCKETCALL_CONNECT && cfg->entry == TTM_ENTRY_NATIVE)
		argp_error(state, "--syscall socketcall-connect with --entry native: socketcall exists only "
				  "for ia32; use --entry ia32 or ia32-int80");
	if (ps->family_given && !connects)
		argp_error(state, "--family applies to connect and socketcall-connect, not to %s; drop --family",
			   wl_syscall_name(cfg->syscall));
	if (cfg->record_fd >= 0 && cfg->record_fd == cfg->start_fd)
		argp_error(state, "--record-fd and --start-fd are both %d: give two different fds", cfg->record_fd);

	if (cfg->hostile != WL_HOSTILE_NONE && !wl_hostile_applies(cfg->hostile, cfg->syscall))
		argp_error(state, "--hostile %s does not apply to --syscall %s; see --help for the "
				  "syscalls of each kind", wl_hostile_name(cfg->hostile),
			   wl_syscall_name(cfg->syscall));
	if (cfg->hostile != WL_HOSTILE_NONE && cfg->entry == TTM_ENTRY_IA32_INT80)
		argp_error(state, "--hostile %s with --entry ia32-int80: hostile ops go through "
				  "native or ia32 only; use --entry native or ia32",
			   wl_hostile_name(cfg->hostile));

#ifndef __x86_64__
	if (cfg->entry != TTM_ENTRY_IA32)
		argp_error(state, "--entry %s: ttm-workload32 issues ia32 calls only; run ttm-workload for %s",
			   wl_entry_name(cfg->entry), wl_entry_name(cfg->entry));
#endif

	usable = count_usable_cpus(cfg);
	if (cfg->threads > usable && !cfg->allow_oversubscribe)
		argp_error(state, "--threads %u exceeds the %u usable CPUs%s; lower --threads or pass "
				  "--allow-oversubscribe",
			   cfg->threads, usable, cfg->ncpus ? " in --cpu" : "");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct parse_state *ps = state->input;
	struct wl_config *cfg = ps->cfg;
	uint64_t value;
	int index;

	switch (key) {
	case 's':
		index = lookup_name(syscall_names, TTM_WL_COUNT, arg);
		if (index < 0)
			argp_error(state, "unknown --syscall '%s': choose connect, creat, open, openat, openat2, "
					  "getppid or socketcall-connect", arg);
		cfg->syscall = index;
		ps->syscall_given = true;
		break;
	case 'e':
		index = lookup_name(entry_names, TTM_ENTRY_COUNT, arg);
		if (index < 0)
			argp_error(state, "unknown --entry '%s': choose native, ia32 or ia32-int80", arg);
		cfg->entry = index;
		break;
	case 'f':
		if (strcmp(arg, "inet") == 0)
			cfg->family = AF_INET;
		else if (strcmp(arg, "inet6") == 0)
			cfg->family = AF_INET6;
		else if (strcmp(arg, "unix") == 0)
			cfg->family = AF_UNIX;
		else
			argp_error(state, "unknown --family '%s': choose inet, inet6 or unix", arg);
		ps->family_given = true;
		break;
	case 'r':
		if (strcmp(arg, "max") == 0)
			cfg->rate = 0;
		else if (!parse_positive_double(arg, &cfg->rate))
			argp_error(state, "invalid --rate '%s': give ops per second > 0, e.g. 10000, or 'max'", arg);
		break;
	case 'n':
		if (!parse_u64(arg, &value) || value == 0)
			argp_error(state, "invalid --ops '%s': give a whole number of ops > 0, e.g. 100000", arg);
		cfg->ops = value;
		break;
	case 'd':
		if (!parse_positive_double(arg, &cfg->duration_s))
			argp_error(state, "invalid --duration '%s': give seconds > 0, e.g. 5 or 0.5", arg);
		break;
	case 't':
		if (!parse_u64(arg, &value) || value == 0 || value > WL_MAX_THREADS)
			argp_error(state, "invalid --threads '%s': give a number from 1 to %d", arg, WL_MAX_THREADS);
		cfg->threads = (unsigned int)value;
		break;
	case 'c':
		parse_cpu_list(state, cfg, arg);
		break;
	case OPT_ALLOW_OVERSUBSCRIBE:
		cfg->allow_oversubscribe = true;
		break;
	case OPT_RECORD_FD:
		cfg->record_fd = parse_fd(state, "--record-fd", arg);
		break;
	case OPT_START_FD:
		cfg->start_fd = parse_fd(state, "--start-fd", arg);
		break;
	case 'q':
		cfg->quiet = true;
		break;
	case OPT_HOSTILE:
		index = wl_hostile_from_name(arg);
		if (index <= WL_HOSTILE_NONE)
			argp_error(state, "unknown --hostile '%s': choose unmapped-path, long-path, "
					  "unterminated-path, sockaddr-len-0, sockaddr-len-large, "
					  "how-size-small or how-size-large", arg);
		cfg->hostile = index;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': all settings are options, see --help", arg);
		break;
	case ARGP_KEY_END:
		check_combination(state, ps);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };

void wl_parse_args(int argc, char **argv, struct wl_config *cfg)
{
	struct parse_state ps = { .cfg = cfg };

	memset(cfg, 0, sizeof(*cfg));
	cfg->family = AF_INET;
	cfg->threads = 1;
	cfg->record_fd = -1;
	cfg->start_fd = -1;
#ifdef __x86_64__
	cfg->entry = TTM_ENTRY_NATIVE;
#else
	cfg->entry = TTM_ENTRY_IA32;
#endif

	argp_err_exit_status = WL_EXIT_USAGE;
	argp_parse(&argp, argc, argv, 0, NULL, &ps);

	if (!ps.family_given)
		cfg->family = cfg->syscall == TTM_WL_CONNECT || cfg->syscall == TTM_WL_SOCKETCALL_CONNECT ? AF_INET : 0;
}
