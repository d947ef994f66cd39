// SPDX-License-Identifier: GPL-2.0
/* The points of a sweep: allocation, lookup, statistics and event accounting. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench/sweep.h"

static int points_per_group(const struct ttm_sweep_params *p)
{
	int n = 0;

	for (int c = 0; c < p->nconfigs; c++)
		n += p->configs[c] == TTM_CONFIG_NONE ? 1 : p->nratios;
	return n;
}

int ttm_sweep_init_points(struct ttm_sweep *s)
{
	const struct ttm_sweep_params *p = &s->params;
	int n = p->nsyscalls * p->nmodes * p->nrates * points_per_group(p), i = 0;

	s->points = calloc(n, sizeof(*s->points));
	if (!s->points)
		return -ENOMEM;
	s->npoints = n;

	for (int sc = 0; sc < p->nsyscalls; sc++)
		for (int m = 0; m < p->nmodes; m++)
			for (int r = 0; r < p->nrates; r++)
				for (int c = 0; c < p->nconfigs; c++) {
					bool none = p->configs[c] == TTM_CONFIG_NONE;

					for (int k = 0; k < (none ? 1 : p->nratios); k++) {
						struct ttm_sweep_point *pt = &s->points[i++];

						pt->config = p->configs[c];
						pt->syscall = p->syscalls[sc];
						pt->mode = p->modes[m];
						pt->rate_index = r;
						pt->ratio = none ? 0 : p->ratios[k];
						pt->reps = calloc(p->reps, sizeof(*pt->reps));
						if (!pt->reps)
							return -ENOMEM;
					}
				}
	return 0;
}

struct ttm_sweep_point *ttm_sweep_point(struct ttm_sweep *s, int config, int syscall, int mode,
					int rate_index, uint32_t ratio)
{
	for (int i = 0; i < s->npoints; i++) {
		struct ttm_sweep_point *pt = &s->points[i];

		if (pt->config == config && pt->syscall == syscall && pt->mode == mode &&
		    pt->rate_index == rate_index && pt->ratio == ratio)
			return pt;
	}
	return NULL;
}

void ttm_sweep_free(struct ttm_sweep *s)
{
	for (int i = 0; i < s->npoints; i++)
		free(s->points[i].reps);
	free(s->points);
	s->points = NULL;
	s->npoints = 0;
	json_decref(s->host);
	json_decref(s->capabilities);
	json_decref(s->plots);
	s->host = s->capabilities = s->plots = NULL;
}

double ttm_sweep_kept_fraction(const struct ttm_sweep_point *pt)
{
	if (!pt->totals.ops)
		return -1;
	return (double)pt->totals.events / pt->totals.ops;
}

static uint64_t outcomes(const struct ttm_counters *c)
{
	return c->drop_filter + c->drop_sampling + c->lost_ringbuf_full + c->lost_no_ringbuf +
	       c->lost_scratch + c->submitted;
}

bool ttm_sweep_prog_exact(const struct ttm_counters *c, uint64_t delivered)
{
	return c->fired == outcomes(c) && c->submitted == delivered;
}

static void add_counters(struct ttm_counters *sum, const struct ttm_counters *c)
{
	sum->fired += c->fired;
	sum->drop_filter += c->drop_filter;
	sum->drop_sampling += c->drop_sampling;
	sum->lost_ringbuf_full += c->lost_ringbuf_full;
	sum->lost_no_ringbuf += c->lost_no_ringbuf;
	sum->lost_scratch += c->lost_scratch;
	sum->submitted += c->submitted;
	sum->read_errors += c->read_errors;
}

/*
 * Events and counters of the point's syscall, summed over its good
 * repetitions. The window checks cover every attached program. Another
 * process's call that fires between the consumer drain and the counter read
 * of a snapshot lands in the next window, so a window may be off by a few
 * events while the sweep-wide accounting stays exact.
 */
static void sum_totals(const struct ttm_sweep_point *pt, struct ttm_sweep_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->accounting_exact = true;
	t->consumer_cpu_valid = pt->nreps > 0;

	for (int r = 0; r < pt->nreps; r++) {
		const struct ttm_sweep_rep *rep = &pt->reps[r];

		if (!rep->run.ok)
			continue;
		t->ops += rep->run.record.ops_issued;
		t->elapsed_ns += rep->run.record.elapsed_ns;
		t->consumer_cpu_valid &= rep->consumer_cpu_valid;
		t->consumer_cpu_ns += rep->consumer_cpu_ns;

		for (int i = 0; i < rep->run.nprogs; i++) {
			const struct ttm_prog_sample *ps = &rep->run.progs[i];
			const struct ttm_counters *c = &ps->counters;

			if (!ps->counters_valid) {
				t->accounting_exact = false;
				continue;
			}
			t->fired_minus_outcomes += (int64_t)(c->fired - outcomes(c));
			t->submitted_minus_delivered += (int64_t)(c->submitted - ps->events_all);
			if (!ttm_sweep_prog_exact(c, ps->events_all))
				t->accounting_exact = false;
			if (ps->prog_id / 3 != pt->syscall)
				continue;
			t->events += ps->events_workload;
			t->delivered += ps->events_all;
			add_counters(&t->counters, c);
		}
	}
}

/* ns/op of the good repetitions, in repetition order; NAN where a repetition failed. */
static void rep_values(const struct ttm_sweep_point *pt, int reps, double *out)
{
	for (int r = 0; r < reps; r++)
		out[r] = r < pt->nreps && pt->reps[r].run.ok ? pt->reps[r].run.record.ns_per_op :
							       __builtin_nan("");
}

/* a - b over the repetitions where both ran. */
static int paired(const struct ttm_sweep_point *a, const struct ttm_sweep_point *b, int reps,
		  struct ttm_paired_diff *out, bool *has)
{
	double va[reps], vb[reps], xa[reps], xb[reps];
	size_t n = 0;

	*has = false;
	if (!a || !b || a->status != TTM_CELL_OK || b->status != TTM_CELL_OK)
		return 0;
	rep_values(a, reps, va);
	rep_values(b, reps, vb);
	for (int r = 0; r < reps; r++) {
		if (__builtin_isnan(va[r]) || __builtin_isnan(vb[r]))
			continue;
		xa[n] = va[r];
		xb[n] = vb[r];
		n++;
	}
	if (!n)
		return 0;
	*has = true;
	return ttm_paired_diff(xa, xb, n, out);
}

/*
 * A paced run whose workload falls behind issues its late calls back to
 * back until it catches up. If it has not caught up by the end of
 * --duration, it issues fewer calls than planned, and it did not see the
 * offered load of the point.
 */
static void count_behind(const struct ttm_sweep *s, struct ttm_sweep_point *pt)
{
	double planned = ttm_sweep_paced_rate(s, pt) * s->params.duration_s;

	pt->reps_behind = 0;
	pt->lowest_call_share = 0;
	if (!(planned > 0))
		return;
	pt->lowest_call_share = 1;
	for (int r = 0; r < pt->nreps; r++) {
		const struct ttm_rep_result *run = &pt->reps[r].run;
		double share = run->record.ops_issued / planned;

		if (!run->ok)
			continue;
		pt->reps_behind += share < TTM_SWEEP_ON_PACE;
		if (share < pt->lowest_call_share)
			pt->lowest_call_share = share;
	}
}

static int analyze_point(struct ttm_sweep *s, struct ttm_sweep_point *pt)
{
	int reps = s->params.reps;
	double ns[reps], rate[reps], task[reps];
	size_t n = 0, ntask = 0;
	int err;

	for (int r = 0; r < pt->nreps; r++) {
		const struct ttm_rep_result *run = &pt->reps[r].run;
		const struct ttm_perf_value *tc = &run->perf.v[TTM_PERF_TASK_CLOCK];

		if (!run->ok)
			continue;
		ns[n] = run->record.ns_per_op;
		rate[n] = run->record.achieved_rate;
		n++;
		if (tc->valid && run->record.ops_issued)
			task[ntask++] = (double)tc->value / run->record.ops_issued;
	}
	sum_totals(pt, &pt->totals);
	count_behind(s, pt);
	if (!n)
		return 0;

	err = ttm_median_summary(ns, n, &pt->ns_per_op);
	if (err)
		return err;
	pt->has_stats = true;
	pt->achieved_rate_median = ttm_median(rate, n);
	pt->task_clock_valid = ntask == n;
	if (ntask)
		pt->task_clock_ns_per_op_median = ttm_median(task, ntask);

	if (pt->config == TTM_CONFIG_NONE)
		return 0;
	err = paired(pt,
		     ttm_sweep_point(s, TTM_CONFIG_NONE, pt->syscall, pt->mode, pt->rate_index, 0),
		     reps, &pt->vs_none, &pt->has_vs_none);
	if (err || pt->ratio == 1)
		return err;
	return paired(pt, ttm_sweep_point(s, pt->config, pt->syscall, pt->mode, pt->rate_index, 1),
		      reps, &pt->vs_ratio1, &pt->has_vs_ratio1);
}

int ttm_sweep_analyze(struct ttm_sweep *s)
{
	for (int i = 0; i < s->npoints; i++) {
		int err = analyze_point(s, &s->points[i]);

		if (err)
			return err;
	}
	return 0;
}

void ttm_sweep_read_accounting(struct ttm_probe *probe, const struct ttm_config_info *configs,
			       struct ttm_sweep_accounting *acc)
{
	bool listed[TTM_PROG_MAX] = {};
	int err;

	memset(acc, 0, sizeof(*acc));
	if (!probe) {
		snprintf(acc->reason, sizeof(acc->reason), "no BPF program was loaded");
		return;
	}
	err = ttm_probe_drain(probe);
	if (err) {
		snprintf(acc->reason, sizeof(acc->reason), "draining the consumer failed: %s",
			 strerror(-err));
		return;
	}

	acc->exact = true;
	for (int c = 0; c < TTM_CONFIG_COUNT; c++) {
		for (int i = 0; i < configs[c].nprogs; i++) {
			int id = configs[c].progs[i];
			struct ttm_sweep_prog_accounting *pa;

			if (!configs[c].available || listed[id])
				continue;
			listed[id] = true;
			pa = &acc->progs[acc->nprogs];
			pa->prog_id = id;
			if (ttm_probe_counters(probe, id, &pa->counters)) {
				snprintf(acc->reason, sizeof(acc->reason),
					 "reading the counters of %s failed", ttm_prog_name(id));
				return;
			}
			pa->delivered = ttm_probe_events(probe, id, 0);
			acc->exact &= ttm_sweep_prog_exact(&pa->counters, pa->delivered);
			acc->nprogs++;
		}
	}
	acc->bad_events = ttm_probe_bad_events(probe);
	acc->exact &= acc->bad_events == 0;
	acc->valid = true;
}
