// SPDX-License-Identifier: GPL-2.0
/* results.json from the in-memory results (jansson), written atomically. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench/designs.h"
#include "bench/json_util.h"
#include "bench/results.h"

static json_t *names_json(const int *ids, int n, const char *(*name)(int))
{
	json_t *arr = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(arr, json_string(name(ids[i])));
	return arr;
}

static const char *config_name(int c)
{
	return ttm_config_name(c);
}

static const char *syscall_name(int s)
{
	return ttm_syscall_name(s);
}

static json_t *params_json(const struct ttm_run_params *p)
{
	json_t *o = json_object();

	json_object_set_new(o, "preset", ttm_json_string_or_null(p->preset));
	json_object_set_new(o, "configs", names_json(p->configs, p->nconfigs, config_name));
	json_object_set_new(o, "configs_added",
			    names_json(p->configs_added, p->nconfigs_added, config_name));
	json_object_set_new(o, "syscalls", names_json(p->syscalls, p->nsyscalls, syscall_name));
	json_object_set_new(o, "modes", names_json(p->modes, p->nmodes, ttm_mode_name));
	json_object_set_new(o, "duration_s", p->ops ? json_null() : json_real(p->duration_s));
	json_object_set_new(o, "ops", p->ops ? json_integer(p->ops) : json_null());
	json_object_set_new(o, "rate", p->rate > 0 ? json_real(p->rate) : json_string("max"));
	json_object_set_new(o, "reps", json_integer(p->reps));
	json_object_set_new(o, "warmup_s", json_real(p->warmup_s));
	json_object_set_new(o, "sampling_ratio", json_integer(p->sampling_ratio));
	json_object_set_new(o, "dropping_mode", json_boolean(p->sampling_ratio > 1));
	json_object_set_new(o, "workload_cpu", json_integer(p->workload_cpu));
	json_object_set_new(o, "consumer_cpu", json_integer(p->consumer_cpu));
	json_object_set_new(o, "margin_pct", json_real(p->margin_pct));
	json_object_set_new(o, "margin_ns", json_real(p->margin_ns));
	json_object_set_new(o, "seed", json_integer((json_int_t)p->seed));
	json_object_set_new(o, "workload", json_string(p->workload));
	return o;
}

static json_t *configurations_json(const struct ttm_results *r)
{
	json_t *arr = json_array();

	for (int i = 0; i < r->params.nconfigs; i++) {
		int c = r->params.configs[i];
		const struct ttm_config_info *ci = &r->configs[c];
		json_t *o = json_object(), *progs = json_array();

		for (int k = 0; k < ci->nprogs; k++) {
			json_t *p = json_object();

			json_object_set_new(p, "id", json_integer(ci->progs[k]));
			json_object_set_new(p, "name", json_string(ttm_prog_name(ci->progs[k])));
			json_object_set_new(p, "hook", json_string(ttm_prog_hook(ci->progs[k])));
			json_array_append_new(progs, p);
		}
		json_object_set_new(o, "name", json_string(ttm_config_name(c)));
		json_object_set_new(o, "available", json_boolean(ci->available));
		json_object_set_new(o, "reason",
				    ci->available ? json_null() :
						    ttm_json_string_or_null(ci->reason));
		json_object_set_new(o, "programs", progs);
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *schedule_json(const struct ttm_results *r)
{
	json_t *arr = json_array();

	for (int i = 0; i < r->nschedule; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "rep", json_integer(i + 1));
		json_object_set_new(o, "order", names_json(r->schedule[i].order, r->schedule[i].n,
							   config_name));
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *prog_sample_json(const struct ttm_prog_sample *ps)
{
	json_t *o = json_object();
	const struct ttm_prog_stats *st = &ps->stats;
	bool v = ps->stats_valid;

	json_object_set_new(o, "id", json_integer(ps->prog_id));
	json_object_set_new(o, "name", json_string(ttm_prog_name(ps->prog_id)));
	json_object_set_new(o, "run_cnt", v ? json_integer(st->run_cnt) : json_null());
	json_object_set_new(o, "run_time_ns", v ? json_integer(st->run_time_ns) : json_null());
	json_object_set_new(o, "ns_per_run",
			    v && st->run_cnt ? json_real((double)st->run_time_ns / st->run_cnt) :
					       json_null());
	json_object_set_new(o, "recursion_misses",
			    v ? json_integer(st->recursion_misses) : json_null());
	json_object_set_new(o, "events_from_workload", json_integer(ps->events_workload));
	json_object_set_new(o, "events_all", json_integer(ps->events_all));
	json_object_set_new(o, "counters",
			    ps->counters_valid ? ttm_json_counters(&ps->counters) : json_null());
	return o;
}

static json_t *perf_json(const struct ttm_perf_sample *s)
{
	json_t *o = json_object();

	for (int i = 0; i < TTM_PERF_COUNT; i++) {
		const struct ttm_perf_value *v = &s->v[i];

		json_object_set_new(o, ttm_perf_counter_name(i),
				    json_pack("{s:o,s:o}", "value",
					      v->valid ? json_integer(v->value) : json_null(),
					      "reason",
					      v->valid ? json_null() :
							 ttm_json_string_or_null(v->reason)));
	}
	return o;
}

static json_t *record_errnos_json(const struct ttm_workload_record *rec)
{
	json_t *arr = json_array();

	for (int i = 0; i < TTM_RECORD_ERRNO_SLOTS; i++) {
		const char *name;

		if (!rec->errnos[i].count)
			continue;
		name = strerrorname_np(rec->errnos[i].err);
		json_array_append_new(arr, json_pack("{s:i,s:o,s:I}", "errno", rec->errnos[i].err,
						     "name", ttm_json_string_or_null(name), "count",
						     (json_int_t)rec->errnos[i].count));
	}
	return arr;
}

static json_t *rep_json(const struct ttm_rep_result *rep)
{
	const struct ttm_workload_record *rec = &rep->record;
	bool have = rep->have_record;
	json_t *o = json_object(), *progs = json_array();

	json_object_set_new(o, "rep", json_integer(rep->rep));
	json_object_set_new(o, "status", json_string(rep->ok ? "ok" : "failed"));
	json_object_set_new(o, "error",
			    rep->ok ? json_null() : ttm_json_string_or_null(rep->error));
	json_object_set_new(o, "ns_per_op", rep->ok ? json_real(rec->ns_per_op) : json_null());
	json_object_set_new(o, "ops", json_integer(have ? rec->ops_issued : 0));
	json_object_set_new(o, "errors", json_integer(have ? rec->errors : 0));
	json_object_set_new(o, "errnos", have ? record_errnos_json(rec) : json_array());
	json_object_set_new(o, "elapsed_ns", have ? json_integer(rec->elapsed_ns) : json_null());
	json_object_set_new(o, "achieved_rate", have ? json_real(rec->achieved_rate) : json_null());
	json_object_set_new(o, "batch_ns_per_op",
			    have ? json_pack("{s:f,s:f,s:f,s:f}", "min", rec->batch_ns_per_op_min,
					     "median", rec->batch_ns_per_op_median, "p99",
					     rec->batch_ns_per_op_p99, "max", rec->batch_ns_per_op_max) :
				   json_null());
	json_object_set_new(o, "wall_ns", json_integer(rep->wall_ns));
	json_object_set_new(o, "pid", json_integer(rep->pid));

	for (int i = 0; i < rep->nprogs; i++)
		json_array_append_new(progs, prog_sample_json(&rep->progs[i]));
	json_object_set_new(o, "programs", progs);
	json_object_set_new(o, "perf", perf_json(&rep->perf));
	return o;
}

/*
 * The ci_* fields of an interval from n values or pairs. Bounds below
 * TTM_CI_MIN_SHOWN_LEVEL coverage (one repetition) are null, and ci_note gives the reason.
 */
static json_t *interval_fields(json_t *o, const struct ttm_interval *ci, size_t n)
{
	bool shown = ttm_interval_shown(ci, n);
	char note[160];

	json_object_set_new(o, "ci_lower", shown ? json_real(ci->lower) : json_null());
	json_object_set_new(o, "ci_upper", shown ? json_real(ci->upper) : json_null());
	json_object_set_new(o, "ci_level", ci->valid ? json_real(ci->level) : json_null());
	json_object_set_new(o, "ci_method", json_string(ci->method ? ci->method : ""));
	if (ci->valid && !shown) {
		snprintf(note, sizeof(note),
			 "no CI: n=%zu gives a coverage of %.2f%%; run at least 2 repetitions", n,
			 ci->level * 100);
		json_object_set_new(o, "ci_note", json_string(note));
	} else if (ci->valid && ci->below_target) {
		snprintf(note, sizeof(note),
			 "%.0f%% is not attainable with this few repetitions: best attainable "
			 "level %.2f%%",
			 TTM_CONF_LEVEL * 100, ci->level * 100);
		json_object_set_new(o, "ci_note", json_string(note));
	} else {
		json_object_set_new(o, "ci_note", json_null());
	}
	return o;
}

static json_t *cell_json(const struct ttm_cell *c)
{
	json_t *o = json_object(), *reps = json_array();

	json_object_set_new(o, "config", json_string(ttm_config_name(c->config)));
	json_object_set_new(o, "syscall", json_string(ttm_syscall_name(c->syscall)));
	json_object_set_new(o, "mode", json_string(ttm_mode_name(c->mode)));
	json_object_set_new(o, "status", json_string(ttm_cell_status_name(c->status)));
	json_object_set_new(o, "reason", ttm_json_string_or_null(c->reason));
	for (int i = 0; i < c->nreps; i++)
		json_array_append_new(reps, rep_json(&c->reps[i]));
	json_object_set_new(o, "repetitions", reps);

	if (c->has_stats) {
		json_t *s = json_object();

		json_object_set_new(s, "n", json_integer(c->stats.n));
		json_object_set_new(s, "median_ns_per_op", json_real(c->stats.median));
		json_object_set_new(s, "min_ns_per_op", json_real(c->stats.min));
		json_object_set_new(s, "max_ns_per_op", json_real(c->stats.max));
		json_object_set_new(o, "stats", interval_fields(s, &c->stats.ci, c->stats.n));
	} else {
		json_object_set_new(o, "stats", json_null());
	}
	return o;
}

static json_t *comparison_json(const struct ttm_comparison *c)
{
	const struct ttm_paired_diff *d = &c->diff;
	json_t *o = json_object();

	json_object_set_new(o, "syscall", json_string(ttm_syscall_name(c->syscall)));
	json_object_set_new(o, "mode", json_string(ttm_mode_name(c->mode)));
	json_object_set_new(o, "a", json_string(ttm_config_name(c->a)));
	json_object_set_new(o, "b", json_string(ttm_config_name(c->b)));
	json_object_set_new(o, "n", json_integer(d->n));
	json_object_set_new(o, "median_a", json_real(d->median_a));
	json_object_set_new(o, "median_b", json_real(d->median_b));
	json_object_set_new(o, "estimate_ns", json_real(d->estimate));
	json_object_set_new(o, "relative_pct",
			    d->median_b > 0 ? json_real(d->estimate / d->median_b * 100) : json_null());
	interval_fields(o, &d->ci, d->n);
	json_object_set_new(o, "mde_ns", d->mde_valid ? json_real(d->mde) : json_null());
	return o;
}

static json_t *verdicts_json(const struct ttm_results *r)
{
	const struct ttm_verdicts *vs = &r->verdicts;
	json_t *o = json_object(), *arr = json_array();

	json_object_set_new(o, "overall",
			    json_pack("{s:s,s:s}", "verdict", ttm_verdict_name(vs->overall),
				      "reason", vs->overall_reason));
	for (int i = 0; i < vs->nsc; i++) {
		const struct ttm_syscall_verdict *v = &vs->sc[i];
		json_t *s = json_object(), *reasons = json_array();

		for (int k = 0; k < v->nreasons; k++)
			json_array_append_new(reasons, json_string(v->reasons[k]));
		json_object_set_new(s, "syscall", json_string(ttm_syscall_name(v->syscall)));
		json_object_set_new(s, "verdict", json_string(ttm_verdict_name(v->verdict)));
		json_object_set_new(s, "reasons", reasons);
		json_object_set_new(s, "margin_ns",
				    v->margin_valid ? json_real(v->margin_ns) : json_null());
		json_object_set_new(s, "native_penalty", v->native_penalty ?
								 comparison_json(v->native_penalty) :
								 json_null());
		json_object_set_new(s, "ia32_penalty",
				    v->ia32_penalty ? comparison_json(v->ia32_penalty) : json_null());
		json_object_set_new(s, "tracepoint_penalty",
				    v->tracepoint_penalty ? comparison_json(v->tracepoint_penalty) :
							    json_null());
		json_object_set_new(s, "kprobe_events_from_native",
				    v->kprobe_native_valid ? json_integer(v->kprobe_events_native) :
							     json_null());
		json_object_set_new(s, "kprobe_run_cnt_native",
				    v->kprobe_native_valid && r->bpf_stats_enabled ?
					    json_integer(v->kprobe_run_cnt_native) :
					    json_null());
		json_array_append_new(arr, s);
	}
	json_object_set_new(o, "syscalls", arr);
	return o;
}

json_t *ttm_results_to_json(const struct ttm_results *r)
{
	json_t *root = ttm_json_document(TTM_RESULTS_SCHEMA, TTM_RESULTS_SCHEMA_VERSION, "run",
					 r->argc, r->argv);
	json_t *cells = json_array(), *comparisons = json_array();

	json_object_set_new(root, "start_time", ttm_json_time(r->start_time));
	json_object_set_new(root, "end_time", ttm_json_time(r->end_time));
	json_object_set_new(root, "complete", json_boolean(r->complete));
	json_object_set_new(root, "incomplete_reason",
			    r->complete ? json_null() :
					  ttm_json_string_or_null(r->incomplete_reason));
	json_object_set_new(root, "exit_status", json_integer(r->exit_status));
	json_object_set_new(root, "host", r->host ? json_incref(r->host) : json_object());
	json_object_set_new(root, "capabilities",
			    r->capabilities ? json_incref(r->capabilities) : json_null());
	json_object_set_new(root, "parameters", params_json(&r->params));
	json_object_set_new(root, "bpf_stats",
			    json_pack("{s:b,s:o}", "enabled", r->bpf_stats_enabled, "reason",
				      r->bpf_stats_enabled ?
					      json_null() :
					      ttm_json_string_or_null(r->bpf_stats_reason)));
	json_object_set_new(root, "configurations", configurations_json(r));
	json_object_set_new(root, "schedule", schedule_json(r));

	for (int i = 0; i < r->ncells; i++)
		json_array_append_new(cells, cell_json(&r->cells[i]));
	json_object_set_new(root, "cells", cells);
	for (int i = 0; i < r->ncomparisons; i++)
		json_array_append_new(comparisons, comparison_json(&r->comparisons[i]));
	json_object_set_new(root, "comparisons", comparisons);
	json_object_set_new(root, "verdicts", verdicts_json(r));
	json_object_set_new(root, "designs", ttm_designs_json(r));
	json_object_set_new(root, "coverage", ttm_coverage_json(r));
	json_object_set_new(root, "adaptive", ttm_adaptive_json(r));
	return root;
}

int ttm_write_json_file(const char *dir, const char *name, json_t *json)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp.%d", dir, name, (int)getpid());
	if (json_dump_file(json, tmp, JSON_INDENT(2) | JSON_ENSURE_ASCII) ||
	    rename(tmp, path)) {
		int err = errno ? errno : EIO;

		unlink(tmp);
		return -err;
	}
	return 0;
}
