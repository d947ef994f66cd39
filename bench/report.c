// SPDX-License-Identifier: GPL-2.0
/* report.md and the stdout summary, generated from the in-memory results. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/designs.h"
#include "bench/hostinfo.h"
#include "bench/results.h"

static const char *json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "unknown";
}

/* An interval computed from n values or pairs, or "no CI (n=1)" when it has almost no coverage. */
static void print_interval(FILE *f, const struct ttm_interval *ci, size_t n)
{
	if (!ci->valid) {
		fprintf(f, "n/a");
		return;
	}
	if (!ttm_interval_shown(ci, n)) {
		fprintf(f, "no CI (n=%zu)", n);
		return;
	}
	fprintf(f, "[%.2f, %.2f] (%.1f%%%s)", ci->lower, ci->upper, ci->level * 100,
		ci->below_target ? ", best attainable" : "");
}

static void print_penalty(FILE *f, const struct ttm_comparison *c)
{
	if (!c) {
		fprintf(f, "n/a");
		return;
	}
	fprintf(f, "%+.2f ns ", c->diff.estimate);
	print_interval(f, &c->diff.ci, c->diff.n);
}

static void print_header(FILE *f, const struct ttm_results *r)
{
	char start[32] = "unknown";
	struct tm tm;

	if (r->start_time) {
		gmtime_r(&r->start_time, &tm);
		strftime(start, sizeof(start), "%Y-%m-%d %H:%M:%SZ", &tm);
	}
	fprintf(f, "# Verdict: %s\n\n", ttm_verdict_name(r->verdicts.overall));
	fprintf(f, "%s\n\n", r->verdicts.overall_reason);
	fprintf(f, "Claim under test: the ia32 kprobes cost native (64-bit) callers nothing. ");
	fprintf(f, "`holds` needs the CI of the native penalty (full - tp) inside the margin "
		   "max(%.2g%% of the tp native median, %.2g ns) and no kprobe event from a "
		   "native call.\n\n",
		r->params.margin_pct, r->params.margin_ns);
	if (!r->complete)
		fprintf(f, "**Incomplete run**: %s\n\n", r->incomplete_reason);

	fprintf(f, "- host: %s, kernel %s, %lld CPUs (%s)\n", json_str(r->host, "hostname"),
		json_str(r->host, "kernel_release"),
		(long long)json_integer_value(json_object_get(r->host, "cpu_count")),
		json_str(r->host, "cpu_model"));
	ttm_hostinfo_print_load(f, r->host);
	fprintf(f, "- timing: %s%s%s\n", json_str(r->host, "timing"),
		json_string_value(json_object_get(r->host, "accel")) ? ", accelerator " : "",
		json_string_value(json_object_get(r->host, "accel")) ?: "");
	fprintf(f, "- started %s; %d repetitions of %s per cell, rate %s, sampling ratio %u\n",
		start, r->params.reps, r->params.ops ? "a fixed op count" : "a fixed duration",
		r->params.rate > 0 ? "paced" : "max", r->params.sampling_ratio);
	fprintf(f, "- BPF run-time stats: %s\n\n",
		r->bpf_stats_enabled ? "on" : r->bpf_stats_reason);
}

static void print_verdicts(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## Verdict per syscall\n\n");
	fprintf(f, "| syscall | verdict | native penalty full - tp (95%% CI) | margin | "
		   "ia32 penalty kprobe - none | tracepoint penalty tp - none | kprobe events "
		   "from native | kprobe run_cnt (native runs) |\n");
	fprintf(f, "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < r->verdicts.nsc; i++) {
		const struct ttm_syscall_verdict *v = &r->verdicts.sc[i];

		fprintf(f, "| %s | %s | ", ttm_syscall_name(v->syscall), ttm_verdict_name(v->verdict));
		print_penalty(f, v->native_penalty);
		if (v->margin_valid)
			fprintf(f, " | +/-%.2f ns | ", v->margin_ns);
		else
			fprintf(f, " | n/a | ");
		print_penalty(f, v->ia32_penalty);
		fprintf(f, " | ");
		print_penalty(f, v->tracepoint_penalty);
		if (v->kprobe_native_valid)
			fprintf(f, " | %llu | %llu |\n", (unsigned long long)v->kprobe_events_native,
				(unsigned long long)v->kprobe_run_cnt_native);
		else
			fprintf(f, " | n/a | n/a |\n");
	}
	fprintf(f, "\n");
	for (int i = 0; i < r->verdicts.nsc; i++) {
		const struct ttm_syscall_verdict *v = &r->verdicts.sc[i];

		for (int k = 0; k < v->nreasons; k++)
			fprintf(f, "- %s: %s\n", ttm_syscall_name(v->syscall), v->reasons[k]);
	}
	fprintf(f, "\n");
}

static void print_configurations(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## Configurations\n\n| configuration | available | programs |\n"
		   "| --- | --- | --- |\n");
	for (int i = 0; i < r->params.nconfigs; i++) {
		const struct ttm_config_info *ci = &r->configs[r->params.configs[i]];

		fprintf(f, "| %s | %s | ", ttm_config_name(r->params.configs[i]),
			ci->available ? "yes" : ci->reason);
		for (int k = 0; k < ci->nprogs; k++)
			fprintf(f, "%s%s", k ? ", " : "", ttm_prog_name(ci->progs[k]));
		fprintf(f, "%s |\n", ci->nprogs ? "" : "(none)");
	}
	fprintf(f, "\n");
}

static void print_cells(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## ns/op per cell\n\nMedian of the repetitions' ns/op (the workload's own "
		   "timing of its calls); the CI of the median comes from binomial order "
		   "statistics.\n\n");
	fprintf(f, "| configuration | syscall | mode | n | median ns/op | CI of the median | min | "
		   "max | status |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < r->ncells; i++) {
		const struct ttm_cell *c = &r->cells[i];

		fprintf(f, "| %s | %s | %s | ", ttm_config_name(c->config),
			ttm_syscall_name(c->syscall), ttm_mode_name(c->mode));
		if (c->has_stats) {
			fprintf(f, "%zu | %.2f | ", c->stats.n, c->stats.median);
			print_interval(f, &c->stats.ci, c->stats.n);
			fprintf(f, " | %.2f | %.2f | ", c->stats.min, c->stats.max);
		} else {
			fprintf(f, "0 | n/a | n/a | n/a | n/a | ");
		}
		fprintf(f, "%s%s%s |\n", ttm_cell_status_name(c->status), c->reason[0] ? ": " : "",
			c->status == TTM_CELL_SKIPPED ? "unavailable (see Configurations)" :
							c->reason);
	}
	fprintf(f, "\n");
}

static void print_comparisons(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## Penalties (paired differences)\n\n");
	fprintf(f, "Hodges-Lehmann estimate of a - b over repetitions paired by number, with the "
		   "Wilcoxon signed-rank CI (exact distribution up to %d pairs, normal "
		   "approximation above). MDE: minimum detectable effect at 5%% two-sided and 80%% "
		   "power, (z_0.975 + z_0.8) * sd(d) / sqrt(n), an approximation.\n\n",
		TTM_WILCOXON_EXACT_MAX);
	if (!r->ncomparisons) {
		fprintf(f, "No pair of configurations was measured on the same cell.\n\n");
		return;
	}
	fprintf(f, "| syscall | mode | a - b | n | estimate ns/op | CI | relative | MDE ns | "
		   "method |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < r->ncomparisons; i++) {
		const struct ttm_comparison *c = &r->comparisons[i];

		fprintf(f, "| %s | %s | %s - %s | %zu | %+.2f | ", ttm_syscall_name(c->syscall),
			ttm_mode_name(c->mode), ttm_config_name(c->a), ttm_config_name(c->b),
			c->diff.n, c->diff.estimate);
		print_interval(f, &c->diff.ci, c->diff.n);
		if (c->diff.median_b > 0)
			fprintf(f, " | %+.2f%% | ", c->diff.estimate / c->diff.median_b * 100);
		else
			fprintf(f, " | n/a | ");
		if (c->diff.mde_valid)
			fprintf(f, "%.2f", c->diff.mde);
		else
			fprintf(f, "n/a");
		fprintf(f, " | %s |\n", c->diff.ci.method);
	}
	fprintf(f, "\n");
}

struct prog_totals {
	unsigned long long run_cnt, run_time_ns, misses, events_wl, events_all, ops;
	unsigned long long drops, lost, read_errors;
	bool stats;
};

static void sum_program(const struct ttm_cell *c, int k, struct prog_totals *t)
{
	memset(t, 0, sizeof(*t));
	t->stats = true;
	for (int i = 0; i < c->nreps; i++) {
		const struct ttm_rep_result *rep = &c->reps[i];
		const struct ttm_prog_sample *ps;

		if (!rep->ok || k >= rep->nprogs)
			continue;
		ps = &rep->progs[k];
		t->stats &= ps->stats_valid;
		t->run_cnt += ps->stats.run_cnt;
		t->run_time_ns += ps->stats.run_time_ns;
		t->misses += ps->stats.recursion_misses;
		t->events_wl += ps->events_workload;
		t->events_all += ps->events_all;
		t->ops += rep->record.ops_issued;
		t->drops += ps->counters.drop_filter + ps->counters.drop_sampling;
		t->lost += ps->counters.lost_ringbuf_full + ps->counters.lost_no_ringbuf +
			   ps->counters.lost_scratch;
		t->read_errors += ps->counters.read_errors;
	}
}

/* Programs of the cell's configuration, as recorded by its first successful repetition. */
static const struct ttm_rep_result *first_ok(const struct ttm_cell *c)
{
	for (int i = 0; i < c->nreps; i++)
		if (c->reps[i].ok)
			return &c->reps[i];
	return NULL;
}

static void print_programs(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## BPF programs per cell\n\nSums over the successful repetitions. run_cnt, "
		   "run_time and the counters count every process on the system; events from the "
		   "workload count only the workload's tgid. Drops = drop_filter + drop_sampling; "
		   "lost = ring buffer full, no ring buffer or no scratch space.\n\n");
	fprintf(f, "| configuration | syscall | mode | program | ops issued | run_cnt | ns/run | "
		   "recursion misses | events from workload | events (all) | drops | lost | read "
		   "errors |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
		   "| --- |\n");
	for (int i = 0; i < r->ncells; i++) {
		const struct ttm_cell *c = &r->cells[i];
		const struct ttm_rep_result *rep = first_ok(c);

		for (int k = 0; rep && k < rep->nprogs; k++) {
			struct prog_totals t;

			sum_program(c, k, &t);
			fprintf(f, "| %s | %s | %s | %s | %llu | ", ttm_config_name(c->config),
				ttm_syscall_name(c->syscall), ttm_mode_name(c->mode),
				ttm_prog_name(rep->progs[k].prog_id), t.ops);
			if (t.stats && t.run_cnt)
				fprintf(f, "%llu | %.1f | %llu | ", t.run_cnt,
					(double)t.run_time_ns / t.run_cnt, t.misses);
			else if (t.stats)
				fprintf(f, "0 | n/a | %llu | ", t.misses);
			else
				fprintf(f, "n/a | n/a | n/a | ");
			fprintf(f, "%llu | %llu | %llu | %llu | %llu |\n", t.events_wl, t.events_all,
				t.drops, t.lost, t.read_errors);
		}
	}
	fprintf(f, "\n");
}

static void print_perf_notes(FILE *f, const struct ttm_results *r)
{
	for (int i = 0; i < r->ncells; i++) {
		const struct ttm_rep_result *rep = first_ok(&r->cells[i]);
		bool any = false;

		if (!rep)
			continue;
		for (int k = 0; k < TTM_PERF_COUNT; k++) {
			if (rep->perf.v[k].valid)
				continue;
			if (!any)
				fprintf(f, "## Perf counters not measured\n\n");
			any = true;
			fprintf(f, "- %s: %s\n", ttm_perf_counter_name(k), rep->perf.v[k].reason);
		}
		if (any)
			fprintf(f, "\n");
		return;
	}
}

char *ttm_report_markdown(const struct ttm_results *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	print_header(f, r);
	print_verdicts(f, r);
	print_configurations(f, r);
	print_cells(f, r);
	print_comparisons(f, r);
	ttm_designs_markdown(f, r);
	ttm_adaptive_markdown(f, r);
	print_programs(f, r);
	ttm_coverage_markdown(f, r);
	print_perf_notes(f, r);
	fprintf(f, "Raw repetitions, perf counters and per-program counters: results.json "
		   "(docs/results-schema.md).\n");
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

int ttm_write_report(const char *dir, const struct ttm_results *r)
{
	char path[PATH_MAX], tmp[PATH_MAX];
	char *text = ttm_report_markdown(r);
	FILE *f;
	int err = 0;

	if (!text)
		return -ENOMEM;
	snprintf(path, sizeof(path), "%s/report.md", dir);
	snprintf(tmp, sizeof(tmp), "%s/.report.md.tmp.%d", dir, (int)getpid());
	f = fopen(tmp, "w");
	if (!f) {
		err = -errno;
		free(text);
		return err;
	}
	fputs(text, f);
	if (fclose(f) || rename(tmp, path)) {
		err = -errno;
		unlink(tmp);
	}
	free(text);
	return err;
}

void ttm_print_summary(FILE *out, const struct ttm_results *r, const char *dir)
{
	fprintf(out, "verdict: %s: %s\n", ttm_verdict_name(r->verdicts.overall),
		r->verdicts.overall_reason);
	for (int i = 0; i < r->verdicts.nsc; i++) {
		const struct ttm_syscall_verdict *v = &r->verdicts.sc[i];

		fprintf(out, "  %-8s %-12s native kprobe penalty ", ttm_syscall_name(v->syscall),
			ttm_verdict_name(v->verdict));
		print_penalty(out, v->native_penalty);
		fprintf(out, ", tracepoint penalty ");
		print_penalty(out, v->tracepoint_penalty);
		fprintf(out, ", ia32 kprobe penalty ");
		print_penalty(out, v->ia32_penalty);
		fprintf(out, "\n");
	}
	if (!r->complete)
		fprintf(out, "incomplete: %s\n", r->incomplete_reason);
	fprintf(out, "results: %s/results.json, %s/report.md\n", dir, dir);
}
