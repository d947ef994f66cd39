// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench coverage: for every configuration, syscall and entry path, the
 * events delivered per syscall issued, from short runs bounded by --ops.
 * Counts only, no timings. Besides the five syscalls it runs connect issued
 * through socketcall(SYS_CONNECT) on the ia32 entry paths, which reaches
 * neither the sys_enter_connect tracepoint nor __ia32_sys_connect.
 */
#include <argp.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/process.h"
#include "bench/cli_parse.h"
#include "bench/commands.h"
#include "bench/designs.h"
#include "bench/hostinfo.h"
#include "bench/outdir.h"
#include "bench/run_workload.h"
#include "bench/run_lock.h"

#define DEFAULT_OPS 2000
#define MAX_OPS 10000000ULL
/* The five syscalls, then socketcall-connect. */
#define COVERAGE_SYSCALLS (TTM_SC_COUNT + 1)

struct coverage_options {
	enum ttm_config configs[TTM_CONFIG_COUNT];
	int nconfigs;
	int modes[TTM_ENTRY_COUNT];
	int nmodes;
	unsigned long long ops;
	char out_dir[PATH_MAX];
	bool quiet;
	bool verbose;
};

struct coverage_entry {
	struct ttm_coverage_row row;
	bool skipped;
	bool failed;
	char reason[TTM_MSG_LEN];
};

static const char doc[] =
	"Measure which calls each configuration sees: for every configuration, syscall "
	"(connect, creat, open, openat, openat2, and connect through socketcall on the ia32 "
	"paths) and entry path, the events delivered per syscall issued by the workload, "
	"split into tracepoint programs and ia32 programs. Runs are bounded by --ops; no "
	"timing is measured. A configuration this kernel cannot attach is listed with its "
	"reason.\v"
	"Writes coverage.json and coverage.md to --out (default: results/coverage-<UTC time>).\n\n"
	"Examples:\n"
	"  ttmbench coverage\n"
	"  ttmbench coverage --configs tp,rawtp,kprobe --ops 500\n"
	"  scripts/kernel-lab --kernel 6.1 -- ttmbench coverage --configs tp,kprobe,rawtp\n\n"
	"Exit status: 0 every run completed (gaps are findings, not errors), 1 a workload "
	"run failed, 2 bad input.";

static const struct argp_option options[] = {
	{ "configs", 'c', "LIST", 0,
	  "Configurations: names, all (none, tp, kprobe, full) and designs (default: "
	  "all,designs)", 0 },
	{ "modes", 'm', "LIST", 0, "Entry paths: native, ia32, ia32-int80 (default: all three)",
	  0 },
	{ "ops", 'n', "N", 0, "Syscalls per workload run, 1 to 10000000 (default: 2000)", 0 },
	{ "out", 'o', "DIR", 0, "Folder for coverage.json and coverage.md", 0 },
	{ "quiet", 'q', NULL, 0, "No progress lines on stderr", 0 },
	{ "verbose", 'v', NULL, 0, "libbpf output and workload command lines", 0 },
	{},
};

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct coverage_options *o = state->input;
	char err[512];

	switch (key) {
	case 'c':
		if (ttm_parse_config_list(arg, o->configs, &o->nconfigs, err, sizeof(err)))
			argp_error(state, "%s", err);
		break;
	case 'm':
		ttm_parse_mode_list(state, arg, o->modes, &o->nmodes);
		break;
	case 'n':
		o->ops = ttm_parse_count(state, "--ops", arg, 1, MAX_OPS);
		break;
	case 'o':
		ttm_parse_out_dir(state, arg, o->out_dir, sizeof(o->out_dir));
		break;
	case 'q':
		o->quiet = true;
		break;
	case 'v':
		o->verbose = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': coverage takes only options", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static int out_dir_ready(struct coverage_options *o)
{
	if (!o->out_dir[0]) {
		char stamp[32];

		ttm_utc_stamp(stamp, sizeof(stamp));
		snprintf(o->out_dir, sizeof(o->out_dir), "results/coverage-%s", stamp);
	}
	return ttm_make_writable_dirs(o->out_dir);
}

static int workload_syscall(int index)
{
	return index < TTM_SC_COUNT ? index : TTM_WL_SOCKETCALL_CONNECT;
}

/* One configuration: attach it, then one ops-bounded run per syscall and mode. */
static void cover_configuration(const struct coverage_options *o, struct ttm_probe *probe,
				const struct ttm_capabilities *caps, const struct ttm_run_params *p,
				int config, struct coverage_entry *entries, int *n)
{
	struct ttm_config_info info = { .requested = true };
	struct ttm_rep_result *rep = malloc(sizeof(*rep));
	char why[TTM_MSG_LEN] = "";
	int err = 0;

	for (int id = 0; id < TTM_PROG_COUNT; id++)
		if (ttm_config_has_prog(config, id, caps))
			info.progs[info.nprogs++] = id;
	if (!caps->config[config].available)
		snprintf(why, sizeof(why), "%s", caps->config[config].reason);
	else if (probe && (err = ttm_probe_attach(probe, config)))
		snprintf(why, sizeof(why), "attaching failed: %s", strerror(-err));
	else if (!probe && config != TTM_CONFIG_NONE)
		snprintf(why, sizeof(why), "the BPF programs are not loaded");

	for (int s = 0; s < COVERAGE_SYSCALLS; s++) {
		for (int m = 0; m < o->nmodes; m++) {
			struct coverage_entry *e;
			struct ttm_cell cell = { .config = config, .syscall = workload_syscall(s),
						 .mode = o->modes[m] };
			struct ttm_run_context ctx = { .params = p,
						       .probe = config == TTM_CONFIG_NONE ? NULL : probe,
						       .config = &info,
						       .bpf_stats = true,
						       .verbose = o->verbose };

			if (s == TTM_SC_COUNT && o->modes[m] == TTM_ENTRY_NATIVE)
				continue; /* socketcall exists only for ia32 callers */
			e = &entries[(*n)++];
			memset(e, 0, sizeof(*e));
			e->row.config = config;
			e->row.syscall = cell.syscall;
			e->row.mode = cell.mode;
			if (why[0] || !rep) {
				e->skipped = true;
				snprintf(e->reason, sizeof(e->reason), "%s", rep ? why : "out of memory");
				continue;
			}

			ttm_run_workload(&ctx, cell.syscall, cell.mode, 0, rep);
			cell.reps = rep;
			cell.nreps = 1;
			ttm_coverage_row_from_cell(&cell, &e->row);
			if (!rep->ok) {
				e->failed = true;
				snprintf(e->reason, sizeof(e->reason), "%s", rep->error);
			}
			if (!o->quiet)
				fprintf(stderr, "coverage: %s %s %s: %llu calls, %llu tracepoint and %llu "
						"ia32 events%s\n", ttm_config_name(config),
					ttm_coverage_syscall_name(cell.syscall), ttm_mode_name(cell.mode),
					(unsigned long long)e->row.ops,
					(unsigned long long)e->row.tp_events,
					(unsigned long long)e->row.ia32_events,
					e->failed ? " (failed)" : "");
		}
	}
	free(rep);
	if (probe)
		ttm_probe_detach(probe);
}

static json_t *entries_json(const struct coverage_entry *entries, int n)
{
	json_t *rows = json_array();

	for (int i = 0; i < n; i++) {
		const struct coverage_entry *e = &entries[i];
		json_t *row = ttm_coverage_row_json(&e->row);

		json_object_set_new(row, "status", json_string(e->skipped ? "skipped" :
							       e->failed  ? "failed" :
									    "ok"));
		json_object_set_new(row, "reason", e->reason[0] ? json_string(e->reason) :
								  json_null());
		json_array_append_new(rows, row);
	}
	return rows;
}

/* Each skipped configuration's reason, once: the rows only refer to it. */
static void write_skipped_configs(FILE *f, const struct coverage_entry *entries, int n)
{
	bool listed[TTM_CONFIG_COUNT] = {}, any = false;

	for (int i = 0; i < n; i++) {
		const struct coverage_entry *e = &entries[i];

		if (!e->skipped || listed[e->row.config])
			continue;
		if (!any)
			fprintf(f, "\n## Configurations\n\n| configuration | unavailable because |\n"
				   "| --- | --- |\n");
		any = true;
		listed[e->row.config] = true;
		fprintf(f, "| %s | %s |\n", ttm_config_name(e->row.config), e->reason);
	}
}

static int write_markdown(const char *dir, const struct coverage_entry *entries, int n,
			  const struct coverage_options *o)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	FILE *f;

	snprintf(path, sizeof(path), "%s/coverage.md", dir);
	snprintf(tmp, sizeof(tmp), "%s/.coverage.md.tmp.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (!f)
		return -errno;

	fprintf(f, "# Coverage matrix\n\n"
		   "Events delivered per syscall issued by the workload (%llu calls per run), from "
		   "the workload's own process. A configuration covers native calls with its "
		   "tracepoint programs and ia32 calls with its ia32 programs (kprobe, rawtp, "
		   "tp_btf, fentry); GAP marks a covered path that delivered fewer events than "
		   "calls. `connect (socketcall)` is connect issued as socketcall(SYS_CONNECT) by "
		   "the ia32 workload. ia32 runs/call is run_cnt, which counts every process.\n\n",
		o->ops);
	ttm_coverage_markdown_header(f);
	for (int i = 0; i < n; i++) {
		const struct coverage_entry *e = &entries[i];

		if (e->skipped)
			fprintf(f, "| %s | %s | %s | 0 | n/a | n/a | n/a | unavailable (see "
				   "Configurations) |\n", ttm_config_name(e->row.config),
				ttm_coverage_syscall_name(e->row.syscall), ttm_mode_name(e->row.mode));
		else if (e->failed)
			fprintf(f, "| %s | %s | %s | 0 | n/a | n/a | n/a | failed: %s |\n",
				ttm_config_name(e->row.config),
				ttm_coverage_syscall_name(e->row.syscall), ttm_mode_name(e->row.mode),
				e->reason);
		else
			ttm_coverage_markdown_row(f, &e->row);
	}
	write_skipped_configs(f, entries, n);
	if (fclose(f) || rename(tmp, path)) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

static int write_outputs(const struct coverage_options *o, const struct ttm_capabilities *caps,
			 const struct coverage_entry *entries, int n)
{
	json_t *configs = json_array(), *modes = json_array(), *root;
	int err;

	for (int i = 0; i < o->nconfigs; i++)
		json_array_append_new(configs, json_string(ttm_config_name(o->configs[i])));
	for (int i = 0; i < o->nmodes; i++)
		json_array_append_new(modes, json_string(ttm_mode_name(o->modes[i])));
	root = json_pack("{s:s, s:i, s:{s:o, s:o, s:I}, s:o, s:o, s:o}", "schema",
			 "ttmbench.coverage", "schema_version", 1, "parameters", "configs", configs,
			 "modes", modes, "ops", (json_int_t)o->ops, "host", ttm_hostinfo_collect(),
			 "capabilities", ttm_capabilities_to_json(caps), "rows",
			 entries_json(entries, n));
	if (!root)
		return -ENOMEM;
	err = ttm_write_json_file(o->out_dir, "coverage.json", root);
	json_decref(root);
	if (!err)
		err = write_markdown(o->out_dir, entries, n, o);
	return err;
}

static bool needs_probe(const struct coverage_options *o, const struct ttm_capabilities *caps)
{
	for (int i = 0; i < o->nconfigs; i++)
		if (o->configs[i] != TTM_CONFIG_NONE && caps->config[o->configs[i]].available)
			return true;
	return false;
}

int cmd_coverage(int argc, char **argv)
{
	const struct argp argp = { options, parse_opt, NULL, doc,
				   ttm_run_lock_argp_children, NULL, NULL };
	struct coverage_options o = { .ops = DEFAULT_OPS };
	struct ttm_run_params p = {};
	struct ttm_capabilities caps;
	struct ttm_probe *probe = NULL;
	struct coverage_entry *entries;
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	int n = 0, stats_fd = -1, err, status = TTM_EXIT_OK;
	char errbuf[512];

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return TTM_EXIT_USAGE;
	if (!o.nconfigs)
		ttm_parse_config_list("all,designs", o.configs, &o.nconfigs, errbuf, sizeof(errbuf));
	if (!o.nmodes) {
		for (int m = 0; m < TTM_ENTRY_COUNT; m++)
			o.modes[m] = m;
		o.nmodes = TTM_ENTRY_COUNT;
	}
	if (!ttm_require_root("ttmbench coverage", true)) {
		return TTM_EXIT_USAGE;
	}
	err = out_dir_ready(&o);
	if (err) {
		fprintf(stderr, "ttmbench coverage: cannot write to output folder '%s': %s; give a "
				"writable folder with --out\n", o.out_dir, strerror(-err));
		return TTM_EXIT_USAGE;
	}
	if (ttm_find_workload(p.workload, sizeof(p.workload), "ttmbench coverage"))
		return TTM_EXIT_FAILURE;

	p.ops = o.ops;
	p.consumer_cpu = ncpus >= 2 ? 1 : -1;
	ttm_capabilities_detect(&caps, o.verbose);
	if (needs_probe(&o, &caps)) {
		struct ttm_probe_opts popts = { .verbose = o.verbose, .consumer_cpu = p.consumer_cpu };

		stats_fd = ttm_enable_bpf_stats();
		err = ttm_probe_open(&probe, &popts, &caps);
		if (err) {
			fprintf(stderr, "ttmbench coverage: loading the BPF programs failed: %s\n",
				strerror(-err));
			probe = NULL;
			status = TTM_EXIT_FAILURE;
		}
	}

	entries = calloc(o.nconfigs * COVERAGE_SYSCALLS * o.nmodes, sizeof(*entries));
	if (!entries) {
		ttm_probe_close(probe);
		return TTM_EXIT_FAILURE;
	}
	for (int i = 0; i < o.nconfigs; i++)
		cover_configuration(&o, probe, &caps, &p, o.configs[i], entries, &n);
	ttm_probe_close(probe);
	if (stats_fd >= 0)
		close(stats_fd);

	for (int i = 0; i < n; i++)
		if (entries[i].failed)
			status = TTM_EXIT_FAILURE;
	err = write_outputs(&o, &caps, entries, n);
	if (err) {
		fprintf(stderr, "ttmbench coverage: writing to %s failed: %s\n", o.out_dir,
			strerror(-err));
		status = TTM_EXIT_FAILURE;
	} else {
		printf("results: %s/coverage.json, %s/coverage.md\n", o.out_dir, o.out_dir);
	}
	free(entries);
	return status;
}
