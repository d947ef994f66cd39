// SPDX-License-Identifier: GPL-2.0
/* report.md of a sweep: tables per syscall and entry path, links to the plots. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/sweep.h"

static const char *json_str(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "unknown";
}

static void print_header(FILE *f, const struct ttm_sweep *s)
{
	const struct ttm_sweep_params *p = &s->params;
	char start[32] = "unknown";
	struct tm tm;

	if (s->start_time) {
		gmtime_r(&s->start_time, &tm);
		strftime(start, sizeof(start), "%Y-%m-%d %H:%M:%SZ", &tm);
	}
	fprintf(f, "# Sampling-rate sweep\n\n");
	if (!s->complete)
		fprintf(f, "**Incomplete sweep**: %s\n\n", s->incomplete_reason);
	fprintf(f, "- host: %s, kernel %s, %lld CPUs\n", json_str(s->host, "hostname"),
		json_str(s->host, "kernel_release"),
		(long long)json_integer_value(json_object_get(s->host, "cpu_count")));
	fprintf(f, "- started %s, wall time %.0f s\n", start, s->wall_s);
	fprintf(f, "- command:");
	fprintf(f, " `ttmbench sweep");
	for (int i = 1; i < s->argc; i++)
		fprintf(f, " %s", s->argv[i]);
	fprintf(f, "`\n");
	fprintf(f, "- %d repetitions of %.3g s per point; in every repetition the points of a "
		   "rate run in a new random order; workload on CPU %d, consumer and runner on "
		   "CPU %d\n",
		p->reps, p->duration_s, p->workload_cpu, p->consumer_cpu);
	fprintf(f, "- dropping mode is on for every ratio above 1; ratio R keeps the calls made "
		   "in the first 1/R of each second of boot time\n");
	for (int sc = 0; ttm_sweep_has_peak(p) && sc < p->nsyscalls; sc++)
		for (int m = 0; m < p->nmodes; m++) {
			const struct ttm_sweep_peak *pk = &s->peak[p->syscalls[sc]][p->modes[m]];

			fprintf(f, "- rate peak, %s %s: ", ttm_syscall_name(p->syscalls[sc]),
				ttm_mode_name(p->modes[m]));
			if (pk->measured)
				fprintf(f, "%.0f calls/s, %.0f %% of the %.0f calls/s that %s "
					   "reached unpaced before the repetitions\n",
					pk->rate, 100 * TTM_SWEEP_PEAK_FRACTION, pk->unpaced_rate,
					ttm_sweep_peak_setting(pk->slowest_config));
			else
				fprintf(f, "not measured: %s\n", pk->reason);
		}
	fprintf(f, "\n");

	fprintf(f, "Configurations:\n\n");
	for (int i = 0; i < p->nconfigs; i++) {
		const struct ttm_config_info *ci = &s->configs[p->configs[i]];

		fprintf(f, "- %s: %s%s\n", ttm_config_name(p->configs[i]),
			ci->available ? "measured" : "skipped, ", ci->available ? "" : ci->reason);
	}
	fprintf(f, "\n");
}

/* One table row per point of (syscall, mode): none first, then each configuration and ratio. */
typedef void (*cell_fn)(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt);

static void print_table(FILE *f, struct ttm_sweep *s, int syscall, int mode, const char *what,
			cell_fn cell, bool with_none)
{
	const struct ttm_sweep_params *p = &s->params;

	fprintf(f, "| configuration | ratio |");
	for (int r = 0; r < p->nrates; r++) {
		char rate[32];

		ttm_sweep_rate_label(p->rates[r], rate, sizeof(rate));
		fprintf(f, " %s at %s%s", what, rate, p->rates[r] > 0 ? "/s" : "");
		if (p->rates[r] == TTM_SWEEP_RATE_PEAK && s->peak[syscall][mode].measured)
			fprintf(f, " (%.0f/s)", s->peak[syscall][mode].rate);
		fprintf(f, " |");
	}
	fprintf(f, "\n| --- | --- |");
	for (int r = 0; r < p->nrates; r++)
		fprintf(f, " --- |");
	fprintf(f, "\n");

	for (int c = 0; c < p->nconfigs; c++) {
		int config = p->configs[c];
		bool none = config == TTM_CONFIG_NONE;

		if (none && !with_none)
			continue;
		for (int k = 0; k < (none ? 1 : p->nratios); k++) {
			fprintf(f, "| %s | %s", ttm_config_name(config), none ? "-" : "");
			if (!none)
				fprintf(f, "%u", p->ratios[k]);
			fprintf(f, " |");
			for (int r = 0; r < p->nrates; r++) {
				const struct ttm_sweep_point *pt = ttm_sweep_point(
					s, config, syscall, mode, r, none ? 0 : p->ratios[k]);

				fprintf(f, " ");
				if (!pt || pt->status == TTM_CELL_SKIPPED)
					fprintf(f, "skipped");
				else if (pt->status == TTM_CELL_FAILED && !pt->has_stats)
					fprintf(f, "failed");
				else
					cell(f, s, pt);
				fprintf(f, " |");
			}
			fprintf(f, "\n");
		}
	}
	fprintf(f, "\n");
}

static void cell_ns_per_op(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	const struct ttm_median_summary *m = &pt->ns_per_op;

	if (!pt->has_stats) {
		fprintf(f, "n/a");
		return;
	}
	fprintf(f, "%.1f [%.1f, %.1f]", m->median, m->ci.lower, m->ci.upper);
	if (s->params.rates[pt->rate_index] <= 0)
		fprintf(f, " at %.0f/s", pt->achieved_rate_median);
}

static void cell_added(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	const struct ttm_paired_diff *d = &pt->vs_none;

	if (!pt->has_vs_none) {
		fprintf(f, "n/a");
		return;
	}
	fprintf(f, "%+.1f", d->estimate);
	if (d->ci.valid)
		fprintf(f, " [%+.1f, %+.1f]", d->ci.lower, d->ci.upper);
}

static void cell_kept(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	double kept = ttm_sweep_kept_fraction(pt), expected = 1.0 / pt->ratio;

	if (kept < 0) {
		fprintf(f, "n/a");
		return;
	}
	fprintf(f, "%.3f %% (%+.2f pp; %llu of %llu)", kept * 100, (kept - expected) * 100,
		(unsigned long long)pt->totals.events, (unsigned long long)pt->totals.ops);
}

static void cell_cpu(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	const struct ttm_sweep_totals *t = &pt->totals;

	if (pt->task_clock_valid)
		fprintf(f, "%.0f", pt->task_clock_ns_per_op_median);
	else
		fprintf(f, "n/a");
	fprintf(f, " / ");
	if (t->consumer_cpu_valid && t->ops)
		fprintf(f, "%.1f", (double)t->consumer_cpu_ns / t->ops);
	else
		fprintf(f, "n/a");
	fprintf(f, " / ");
	if (t->elapsed_ns)
		fprintf(f, "%.0f", t->events / (t->elapsed_ns / 1e9));
	else
		fprintf(f, "n/a");
}

static void cell_drops(FILE *f, const struct ttm_sweep *s, const struct ttm_sweep_point *pt)
{
	const struct ttm_counters *c = &pt->totals.counters;

	fprintf(f, "%llu / %llu / %llu / %llu / %llu / %llu%s",
		(unsigned long long)c->fired, (unsigned long long)c->drop_sampling,
		(unsigned long long)c->lost_ringbuf_full,
		(unsigned long long)(c->drop_filter + c->lost_no_ringbuf + c->lost_scratch),
		(unsigned long long)c->submitted, (unsigned long long)pt->totals.delivered,
		pt->totals.accounting_exact ? "" : " (window off)");
}

static void print_plot_links(FILE *f, const struct ttm_sweep *s, const char *kind,
			     const char *tag)
{
	size_t i;
	json_t *plot;

	json_array_foreach(s->plots, i, plot) {
		const char *png = json_str(plot, "png");

		if (strcmp(json_str(plot, "kind"), kind) || !strstr(png, tag))
			continue;
		fprintf(f, "![%s](%s)\n\n[SVG](%s)\n\n", json_str(plot, "title"), png,
			json_str(plot, "svg"));
	}
}

/* List the paced points with runs that fell behind, because those ran partly back to back. */
static void print_behind(FILE *f, const struct ttm_sweep *s, int syscall, int mode)
{
	bool any = false;

	for (int i = 0; i < s->npoints; i++) {
		const struct ttm_sweep_point *pt = &s->points[i];
		char rate[32];

		if (pt->syscall != syscall || pt->mode != mode || !pt->reps_behind)
			continue;
		if (!any)
			fprintf(f, "Runs behind their pace (fewer than %.0f %% of rate x duration calls "
				   "issued, so part of the run was back to back, as at rate max):\n\n",
				100 * TTM_SWEEP_ON_PACE);
		any = true;
		ttm_sweep_rate_label(s->params.rates[pt->rate_index], rate, sizeof(rate));
		fprintf(f, "- %s", ttm_config_name(pt->config));
		if (pt->config != TTM_CONFIG_NONE)
			fprintf(f, " ratio %u", pt->ratio);
		fprintf(f, " at rate %s: %d of %d runs, the lowest issued %.1f %% of its calls\n",
			rate, pt->reps_behind, pt->nreps, 100 * pt->lowest_call_share);
	}
	if (any)
		fprintf(f, "\n");
}

static void print_section(FILE *f, struct ttm_sweep *s, int syscall, int mode)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "-%s-%s", ttm_syscall_name(syscall), ttm_mode_name(mode));
	fprintf(f, "## %s, %s\n\n", ttm_syscall_name(syscall), ttm_mode_name(mode));

	fprintf(f, "### Cost per call\n\nns/op of the timed calls: median [order-statistics CI "
		   "of the median] over the repetitions; at rates peak and max also the achieved "
		   "rate.\n\n");
	print_table(f, s, syscall, mode, "ns/op", cell_ns_per_op, true);
	print_behind(f, s, syscall, mode);
	print_plot_links(f, s, "overhead", tag);

	fprintf(f, "### Added cost per call\n\nns/op this point adds over nothing attached, "
		   "paired by repetition: Hodges-Lehmann estimate [Wilcoxon signed-rank CI].\n\n");
	print_table(f, s, syscall, mode, "added ns/op", cell_added, false);
	print_plot_links(f, s, "penalty", tag);

	fprintf(f, "### Kept fraction\n\nEvents the consumer received from the workload's process "
		   "divided by the calls it made, summed over the repetitions; in brackets the "
		   "difference to 1/R in percentage points.");
	for (int r = 0; r < s->params.nrates; r++)
		if (s->params.rates[r] > 0 && s->params.rates[r] <= 10000) {
			fprintf(f, " At low rates the workload issues its calls in batches of at least "
				   "64, so at high ratios a few batches decide the kept count: a small "
				   "difference in points can still be a large relative error.");
			break;
		}
	for (int r = 0; r < s->params.nrates; r++)
		if (s->params.rates[r] == TTM_SWEEP_RATE_MAX)
			fprintf(f, " At rate max the calls run back to back and a kept call is slower "
				   "than a dropped one, so fewer calls fall into the kept windows and "
				   "the fraction is below 1/R by design of time-window sampling "
				   "(docs/sweep.md); rate peak holds the offered load fixed.");
	fprintf(f, "\n\n");
	print_table(f, s, syscall, mode, "kept", cell_kept, false);
	print_plot_links(f, s, "kept", tag);

	fprintf(f, "### CPU cost\n\nWorkload task-clock per call (ns, median) / consumer thread "
		   "CPU time per call (ns, all repetitions) / events kept per second. The "
		   "task-clock includes what the timed calls leave out: the workload's start-up, "
		   "its pacing (clock reads, sleeps and wake-ups) and the calls made outside the "
		   "timed window (close(2) after each open call; for connect also socket(2) and "
		   "the listener thread's accept4(2)), so it is above ns/op at every rate and "
		   "most at low rates.\n\n");
	print_table(f, s, syscall, mode, "workload / consumer / events/s", cell_cpu, false);

	fprintf(f, "### Events by outcome\n\nCounters of the %s programs summed over the "
		   "repetitions: fired / dropped by sampling / lost, ring buffer full / other "
		   "drops (filter, no ring buffer, scratch) / submitted / delivered to the "
		   "consumer. They count every process's calls, not only the workload's.\n\n",
		   ttm_syscall_name(syscall));
	print_table(f, s, syscall, mode, "outcomes", cell_drops, false);

	fprintf(f, "### Distributions\n\n");
	print_plot_links(f, s, "distribution", tag);
}

static void print_accounting(FILE *f, const struct ttm_sweep *s)
{
	const struct ttm_sweep_accounting *acc = &s->accounting;

	fprintf(f, "## Event accounting\n\n");
	if (!acc->valid) {
		fprintf(f, "Not checked: %s.\n\n", acc->reason);
		return;
	}
	fprintf(f, "From load to the end of the sweep, with everything detached and the consumer "
		   "drained: fired = sum of the outcomes and submitted = delivered, per program. "
		   "Result: **%s**; malformed events: %llu.\n\n",
		acc->exact ? "exact" : "NOT exact", (unsigned long long)acc->bad_events);
	fprintf(f, "| program | fired | outcomes | submitted | delivered |\n"
		   "| --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < acc->nprogs; i++) {
		const struct ttm_sweep_prog_accounting *pa = &acc->progs[i];
		const struct ttm_counters *c = &pa->counters;

		fprintf(f, "| %s | %llu | %llu | %llu | %llu |\n", ttm_prog_name(pa->prog_id),
			(unsigned long long)c->fired,
			(unsigned long long)(c->drop_filter + c->drop_sampling +
					     c->lost_ringbuf_full + c->lost_no_ringbuf +
					     c->lost_scratch + c->submitted),
			(unsigned long long)c->submitted, (unsigned long long)pa->delivered);
	}
	fprintf(f, "\n");
}

int ttm_sweep_write_report(const char *dir, const struct ttm_sweep *cs)
{
	struct ttm_sweep *s = (struct ttm_sweep *)cs;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -errno;
	print_header(f, s);
	for (int sc = 0; sc < s->params.nsyscalls; sc++)
		for (int m = 0; m < s->params.nmodes; m++)
			print_section(f, s, s->params.syscalls[sc], s->params.modes[m]);
	print_accounting(f, s);
	if (s->plot_error[0])
		fprintf(f, "Plots missing: %s\n", s->plot_error);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	err = ttm_sweep_write_text(dir, "report.md", text);
	free(text);
	return err;
}
