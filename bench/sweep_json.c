// SPDX-License-Identifier: GPL-2.0
/* sweep.json (schema "ttmbench.sweep" version 1, docs/sweep.md) from the in-memory sweep. */
#include <stdio.h>
#include <string.h>

#include "bench/json_util.h"
#include "bench/sweep.h"

static json_t *rate_json(double rate)
{
	char label[32];

	if (rate > 0)
		return json_real(rate);
	ttm_sweep_rate_label(rate, label, sizeof(label));
	return json_string(label);
}

/* null when the sweep has no peak rate, else one entry per syscall and entry path. */
static json_t *peaks_json(const struct ttm_sweep *s)
{
	const struct ttm_sweep_params *p = &s->params;
	json_t *arr;

	if (!ttm_sweep_has_peak(p))
		return json_null();
	arr = json_array();
	for (int sc = 0; sc < p->nsyscalls; sc++)
		for (int m = 0; m < p->nmodes; m++) {
			const struct ttm_sweep_peak *pk = &s->peak[p->syscalls[sc]][p->modes[m]];

			json_array_append_new(
				arr, json_pack("{s:s,s:s,s:b,s:o,s:o,s:o,s:o,s:f}", "syscall",
					       ttm_syscall_name(p->syscalls[sc]), "mode",
					       ttm_mode_name(p->modes[m]), "measured", pk->measured,
					       "reason",
					       pk->measured ? json_null() : json_string(pk->reason),
					       "slowest_config",
					       pk->measured ?
						       json_string(ttm_config_name(pk->slowest_config)) :
						       json_null(),
					       "unpaced_rate",
					       pk->measured ? json_real(pk->unpaced_rate) : json_null(),
					       "rate", pk->measured ? json_real(pk->rate) : json_null(),
					       "fraction", TTM_SWEEP_PEAK_FRACTION));
		}
	return arr;
}

static json_t *params_json(const struct ttm_sweep_params *p)
{
	json_t *o = json_object(), *configs = json_array(), *syscalls = json_array(),
	       *modes = json_array(), *ratios = json_array(), *rates = json_array();

	for (int i = 0; i < p->nconfigs; i++)
		json_array_append_new(configs, json_string(ttm_config_name(p->configs[i])));
	for (int i = 0; i < p->nsyscalls; i++)
		json_array_append_new(syscalls, json_string(ttm_syscall_name(p->syscalls[i])));
	for (int i = 0; i < p->nmodes; i++)
		json_array_append_new(modes, json_string(ttm_mode_name(p->modes[i])));
	for (int i = 0; i < p->nratios; i++)
		json_array_append_new(ratios, json_integer(p->ratios[i]));
	for (int i = 0; i < p->nrates; i++)
		json_array_append_new(rates, rate_json(p->rates[i]));

	json_object_set_new(o, "configs", configs);
	json_object_set_new(o, "syscalls", syscalls);
	json_object_set_new(o, "modes", modes);
	json_object_set_new(o, "sampling_ratios", ratios);
	json_object_set_new(o, "rates", rates);
	json_object_set_new(o, "duration_s", json_real(p->duration_s));
	json_object_set_new(o, "reps", json_integer(p->reps));
	json_object_set_new(o, "warmup_s", json_real(p->warmup_s));
	json_object_set_new(o, "workload_cpu", json_integer(p->workload_cpu));
	json_object_set_new(o, "consumer_cpu", json_integer(p->consumer_cpu));
	json_object_set_new(o, "seed", json_integer((json_int_t)p->seed));
	json_object_set_new(o, "workload", json_string(p->workload));
	return o;
}

static json_t *configurations_json(const struct ttm_sweep *s)
{
	json_t *arr = json_array();

	for (int i = 0; i < s->params.nconfigs; i++) {
		const struct ttm_config_info *ci = &s->configs[s->params.configs[i]];
		json_t *progs = json_array();

		for (int k = 0; k < ci->nprogs; k++)
			json_array_append_new(progs, json_string(ttm_prog_name(ci->progs[k])));
		json_array_append_new(arr, json_pack("{s:s,s:b,s:o,s:o}", "name",
						     ttm_config_name(s->params.configs[i]),
						     "available", ci->available, "reason",
						     ci->available ?
							     json_null() :
							     ttm_json_string_or_null(ci->reason),
						     "programs", progs));
	}
	return arr;
}

static json_t *ci_json(const struct ttm_interval *ci)
{
	if (!ci->valid)
		return json_null();
	return json_pack("{s:f,s:f,s:f,s:b,s:s}", "lower", ci->lower, "upper", ci->upper, "level",
			 ci->level, "below_target", ci->below_target, "method",
			 ci->method ? ci->method : "");
}

static json_t *summary_json(const struct ttm_median_summary *m)
{
	return json_pack("{s:I,s:f,s:f,s:f,s:o}", "n", (json_int_t)m->n, "median", m->median,
			 "min", m->min, "max", m->max, "ci", ci_json(&m->ci));
}

static json_t *diff_json(bool has, const struct ttm_paired_diff *d)
{
	if (!has)
		return json_null();
	return json_pack("{s:I,s:f,s:f,s:f,s:o,s:o}", "n", (json_int_t)d->n, "median_a",
			 d->median_a, "median_b", d->median_b, "estimate_ns", d->estimate, "ci",
			 ci_json(&d->ci), "mde_ns", d->mde_valid ? json_real(d->mde) : json_null());
}

static json_t *prog_json(const struct ttm_prog_sample *ps)
{
	return json_pack("{s:s,s:I,s:I,s:o,s:o}", "name", ttm_prog_name(ps->prog_id),
			 "events_from_workload", (json_int_t)ps->events_workload, "events_all",
			 (json_int_t)ps->events_all, "run_cnt",
			 ps->stats_valid ? json_integer(ps->stats.run_cnt) : json_null(), "counters",
			 ps->counters_valid ? ttm_json_counters(&ps->counters) : json_null());
}

static json_t *rep_json(const struct ttm_sweep_rep *rep)
{
	const struct ttm_rep_result *run = &rep->run;
	const struct ttm_workload_record *rec = &run->record;
	const struct ttm_perf_value *tc = &run->perf.v[TTM_PERF_TASK_CLOCK];
	bool have = run->have_record;
	json_t *o = json_object(), *progs = json_array();

	json_object_set_new(o, "rep", json_integer(run->rep));
	json_object_set_new(o, "status", json_string(run->ok ? "ok" : "failed"));
	json_object_set_new(o, "error",
			    run->ok ? json_null() : ttm_json_string_or_null(run->error));
	json_object_set_new(o, "ns_per_op", run->ok ? json_real(rec->ns_per_op) : json_null());
	json_object_set_new(o, "ops", json_integer(have ? rec->ops_issued : 0));
	json_object_set_new(o, "errors", json_integer(have ? rec->errors : 0));
	json_object_set_new(o, "elapsed_ns", have ? json_integer(rec->elapsed_ns) : json_null());
	json_object_set_new(o, "achieved_rate", have ? json_real(rec->achieved_rate) : json_null());
	json_object_set_new(o, "batches", have ? json_integer(rec->batches) : json_null());
	json_object_set_new(o, "batch_ns_per_op",
			    have ? json_pack("{s:f,s:f,s:f,s:f}", "min", rec->batch_ns_per_op_min,
					     "median", rec->batch_ns_per_op_median, "p99",
					     rec->batch_ns_per_op_p99, "max", rec->batch_ns_per_op_max) :
				   json_null());
	json_object_set_new(o, "task_clock_ns", tc->valid ? json_integer(tc->value) : json_null());
	json_object_set_new(o, "task_clock_reason",
			    tc->valid ? json_null() : ttm_json_string_or_null(tc->reason));
	json_object_set_new(o, "consumer_cpu_ns", rep->consumer_cpu_valid ?
							  json_integer(rep->consumer_cpu_ns) :
							  json_null());
	for (int i = 0; i < run->nprogs; i++)
		json_array_append_new(progs, prog_json(&run->progs[i]));
	json_object_set_new(o, "programs", progs);
	return o;
}

static json_t *kept_json(const struct ttm_sweep_point *pt)
{
	const struct ttm_sweep_totals *t = &pt->totals;
	double kept = ttm_sweep_kept_fraction(pt), expected;

	if (pt->config == TTM_CONFIG_NONE || kept < 0)
		return json_null();
	expected = 1.0 / pt->ratio;
	return json_pack("{s:I,s:I,s:f,s:f,s:f,s:o}", "events", (json_int_t)t->events, "ops",
			 (json_int_t)t->ops, "fraction", kept, "expected", expected,
			 "deviation_pp", (kept - expected) * 100, "events_per_s",
			 t->elapsed_ns ? json_real(t->events / (t->elapsed_ns / 1e9)) : json_null());
}

static json_t *cpu_json(const struct ttm_sweep_point *pt)
{
	const struct ttm_sweep_totals *t = &pt->totals;
	bool consumer = t->consumer_cpu_valid && pt->config != TTM_CONFIG_NONE;

	return json_pack(
		"{s:o,s:o,s:o,s:o,s:o}", "workload_task_clock_ns_per_op",
		pt->task_clock_valid ? json_real(pt->task_clock_ns_per_op_median) : json_null(),
		"consumer_cpu_ns", consumer ? json_integer(t->consumer_cpu_ns) : json_null(),
		"consumer_ns_per_op",
		consumer && t->ops ? json_real((double)t->consumer_cpu_ns / t->ops) : json_null(),
		"consumer_ns_per_event",
		consumer && t->delivered ? json_real((double)t->consumer_cpu_ns / t->delivered) :
					   json_null(),
		"consumer_cpu_pct",
		consumer && t->elapsed_ns ? json_real(100.0 * t->consumer_cpu_ns / t->elapsed_ns) :
					    json_null());
}

static json_t *point_json(const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	const struct ttm_sweep_totals *t = &pt->totals;
	double paced = ttm_sweep_paced_rate(s, pt);
	bool probed = pt->config != TTM_CONFIG_NONE;
	json_t *o = json_object(), *reps = json_array();

	json_object_set_new(o, "config", json_string(ttm_config_name(pt->config)));
	json_object_set_new(o, "syscall", json_string(ttm_syscall_name(pt->syscall)));
	json_object_set_new(o, "mode", json_string(ttm_mode_name(pt->mode)));
	json_object_set_new(o, "rate", rate_json(s->params.rates[pt->rate_index]));
	json_object_set_new(o, "paced_rate", paced > 0 ? json_real(paced) : json_null());
	json_object_set_new(o, "sampling_ratio", probed ? json_integer(pt->ratio) : json_null());
	json_object_set_new(o, "dropping_mode", json_boolean(pt->ratio > 1));
	json_object_set_new(o, "status", json_string(ttm_cell_status_name(pt->status)));
	json_object_set_new(o, "reason", ttm_json_string_or_null(pt->reason));
	json_object_set_new(o, "ns_per_op",
			    pt->has_stats ? summary_json(&pt->ns_per_op) : json_null());
	json_object_set_new(o, "achieved_rate_median",
			    pt->has_stats ? json_real(pt->achieved_rate_median) : json_null());
	json_object_set_new(o, "behind_schedule",
			    paced > 0 ?
				    json_pack("{s:i,s:f,s:f}", "reps", pt->reps_behind,
					      "lowest_call_share", pt->lowest_call_share,
					      "threshold", TTM_SWEEP_ON_PACE) :
				    json_null());
	json_object_set_new(o, "added_ns_vs_none", diff_json(pt->has_vs_none, &pt->vs_none));
	json_object_set_new(o, "added_ns_vs_ratio1", diff_json(pt->has_vs_ratio1, &pt->vs_ratio1));
	json_object_set_new(o, "kept", kept_json(pt));
	json_object_set_new(o, "cpu", cpu_json(pt));
	json_object_set_new(o, "counters", probed ? ttm_json_counters(&t->counters) : json_null());
	json_object_set_new(o, "delivered", probed ? json_integer(t->delivered) : json_null());
	json_object_set_new(o, "window_accounting",
			    probed ? json_pack("{s:b,s:I,s:I}", "exact", t->accounting_exact,
					       "fired_minus_outcomes",
					       (json_int_t)t->fired_minus_outcomes,
					       "submitted_minus_delivered",
					       (json_int_t)t->submitted_minus_delivered) :
				     json_null());
	for (int r = 0; r < pt->nreps; r++)
		json_array_append_new(reps, rep_json(&pt->reps[r]));
	json_object_set_new(o, "repetitions", reps);
	return o;
}

static json_t *accounting_json(const struct ttm_sweep_accounting *acc)
{
	json_t *progs = json_array();

	if (!acc->valid)
		return json_pack("{s:b,s:s}", "valid", 0, "reason", acc->reason);
	for (int i = 0; i < acc->nprogs; i++) {
		const struct ttm_sweep_prog_accounting *pa = &acc->progs[i];

		json_array_append_new(progs,
				      json_pack("{s:s,s:o,s:I,s:b}", "name",
						ttm_prog_name(pa->prog_id), "counters",
						ttm_json_counters(&pa->counters), "delivered",
						(json_int_t)pa->delivered, "exact",
						ttm_sweep_prog_exact(&pa->counters, pa->delivered)));
	}
	return json_pack("{s:b,s:b,s:I,s:o}", "valid", 1, "exact", acc->exact, "bad_events",
			 (json_int_t)acc->bad_events, "programs", progs);
}

json_t *ttm_sweep_to_json(const struct ttm_sweep *s)
{
	json_t *o = ttm_json_document(TTM_SWEEP_SCHEMA, TTM_SWEEP_SCHEMA_VERSION, "sweep", s->argc,
				      s->argv);
	json_t *points = json_array();

	json_object_set_new(o, "start_time", ttm_json_time(s->start_time));
	json_object_set_new(o, "end_time", ttm_json_time(s->end_time));
	json_object_set_new(o, "wall_s", json_real(s->wall_s));
	json_object_set_new(o, "complete", json_boolean(s->complete));
	json_object_set_new(o, "incomplete_reason",
			    s->complete ? json_null() :
					  ttm_json_string_or_null(s->incomplete_reason));
	json_object_set_new(o, "host", s->host ? json_incref(s->host) : json_null());
	json_object_set_new(o, "capabilities",
			    s->capabilities ? json_incref(s->capabilities) : json_null());
	json_object_set_new(o, "parameters", params_json(&s->params));
	json_object_set_new(o, "peak_rates", peaks_json(s));
	json_object_set_new(o, "bpf_stats", json_pack("{s:b}", "enabled", s->bpf_stats_enabled));
	json_object_set_new(o, "configurations", configurations_json(s));
	for (int i = 0; i < s->npoints; i++)
		json_array_append_new(points, point_json(s, &s->points[i]));
	json_object_set_new(o, "points", points);
	json_object_set_new(o, "accounting", accounting_json(&s->accounting));
	json_object_set_new(o, "plots", s->plots ? json_incref(s->plots) : json_array());
	json_object_set_new(o, "plots_reason", ttm_json_string_or_null(s->plot_error));
	return o;
}
