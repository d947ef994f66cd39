// SPDX-License-Identifier: GPL-2.0
/* ringbuf.json (schema "ttmbench.ringbuf" version 1), its plot and report.md. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/json_util.h"
#include "bench/plots.h"
#include "bench/sweep_ringbuf.h"

static json_t *workload_json(const struct ttm_rep_result *run)
{
	const struct ttm_workload_record *rec = &run->record;

	if (!run->have_record)
		return json_null();
	return json_pack("{s:I,s:I,s:f,s:f}", "ops", (json_int_t)rec->ops_issued, "elapsed_ns",
			 (json_int_t)rec->elapsed_ns, "ns_per_op", rec->ns_per_op, "achieved_rate",
			 rec->achieved_rate);
}

static json_t *paused_json(const struct ttm_ringbuf_row *row)
{
	const struct ttm_ringbuf_paused *pz = &row->paused;
	double rate = ttm_ringbuf_drain_rate(row);

	return json_pack(
		"{s:o,s:o,s:{s:I,s:I,s:o,s:o,s:o}}", "workload", workload_json(&pz->run),
		"counters", ttm_json_counters(&pz->counters), "drain", "events", (json_int_t)pz->drained, "ns", (json_int_t)pz->drain_ns,
		"events_per_s", rate > 0 ? json_real(rate) : json_null(), "consumer_cpu_ns",
		pz->drain_cpu_valid ? json_integer(pz->drain_cpu_ns) : json_null(),
		"consumer_cpu_pct",
		pz->drain_cpu_valid && pz->drain_ns ?
			json_real(100.0 * pz->drain_cpu_ns / pz->drain_ns) :
			json_null());
}

static json_t *live_json(const struct ttm_ringbuf_row *row)
{
	const struct ttm_ringbuf_live *lv = &row->live;
	uint64_t elapsed = lv->run.have_record ? lv->run.record.elapsed_ns : 0;

	return json_pack("{s:o,s:o,s:I,s:o,s:o,s:o}", "workload", workload_json(&lv->run),
			 "counters", ttm_json_counters(&lv->counters), "delivered",
			 (json_int_t)lv->delivered, "events_per_s",
			 elapsed ? json_real(lv->delivered / (elapsed / 1e9)) : json_null(),
			 "consumer_cpu_ns", lv->cpu_valid ? json_integer(lv->cpu_ns) : json_null(),
			 "consumer_cpu_pct",
			 lv->cpu_valid && elapsed ? json_real(100.0 * lv->cpu_ns / elapsed) :
						    json_null());
}

static json_t *accounting_json(const struct ttm_sweep_accounting *acc)
{
	json_t *progs = json_array();

	if (!acc->valid)
		return json_pack("{s:b,s:s}", "valid", 0, "reason", acc->reason);
	for (int i = 0; i < acc->nprogs; i++) {
		const struct ttm_sweep_prog_accounting *pa = &acc->progs[i];

		json_array_append_new(progs, json_pack("{s:s,s:o,s:I,s:b}", "name",
						       ttm_prog_name(pa->prog_id), "counters",
						       ttm_json_counters(&pa->counters), "delivered",
						       (json_int_t)pa->delivered, "exact",
						       ttm_sweep_prog_exact(&pa->counters,
									    pa->delivered)));
	}
	return json_pack("{s:b,s:b,s:I,s:o}", "valid", 1, "exact", acc->exact, "bad_events",
			 (json_int_t)acc->bad_events, "programs", progs);
}

static double best_drain(const struct ttm_ringbuf_study *st)
{
	double best = 0;

	for (int i = 0; i < st->nrows; i++)
		if (ttm_ringbuf_drain_rate(&st->rows[i]) > best)
			best = ttm_ringbuf_drain_rate(&st->rows[i]);
	return best;
}

json_t *ttm_ringbuf_to_json(const struct ttm_ringbuf_study *st)
{
	const struct ttm_ringbuf_params *p = &st->params;
	json_t *o = ttm_json_document(TTM_RINGBUF_SCHEMA, TTM_RINGBUF_SCHEMA_VERSION, "ringbuf",
				      st->argc, st->argv);
	json_t *rows = json_array(), *sizes = json_array(), *sharing = json_array();

	json_object_set_new(o, "start_time", ttm_json_time(st->start_time));
	json_object_set_new(o, "end_time", ttm_json_time(st->end_time));
	json_object_set_new(o, "wall_s", json_real(st->wall_s));
	json_object_set_new(o, "complete", json_boolean(st->complete));
	json_object_set_new(o, "incomplete_reason",
			    st->complete ? json_null() : json_string(st->incomplete_reason));
	json_object_set_new(o, "host", st->host ? json_incref(st->host) : json_null());

	for (int i = 0; i < p->nsizes; i++)
		json_array_append_new(sizes, json_integer(p->sizes[i]));
	for (int i = 0; i < p->nsharing; i++)
		json_array_append_new(sharing, json_integer(p->sharing[i]));
	json_object_set_new(o, "parameters",
			    json_pack("{s:o,s:o,s:s,s:f,s:i,s:i,s:s}", "buffer_bytes", sizes,
				      "cpus_per_buffer", sharing, "syscall",
				      ttm_syscall_name(p->syscall), "duration_s", p->duration_s,
				      "workload_cpu", p->workload_cpu, "consumer_cpu",
				      p->consumer_cpu, "workload", p->workload));
	json_object_set_new(o, "drain_goal_events_per_s", json_real(TTM_RINGBUF_DRAIN_GOAL));
	json_object_set_new(o, "best_drain_events_per_s", json_real(best_drain(st)));
	json_object_set_new(o, "drain_goal_met", json_boolean(best_drain(st) >=
							      TTM_RINGBUF_DRAIN_GOAL));

	for (int i = 0; i < st->nrows; i++) {
		const struct ttm_ringbuf_row *row = &st->rows[i];

		json_array_append_new(
			rows, json_pack("{s:i,s:I,s:s,s:o,s:o,s:o,s:o}", "cpus_per_buffer",
					row->sharing, "buffer_bytes", (json_int_t)row->bytes,
					"status", row->ok ? "ok" : "failed", "error",
					row->ok ? json_null() : json_string(row->error), "paused",
					paused_json(row), "live", live_json(row), "accounting",
					accounting_json(&row->accounting)));
	}
	json_object_set_new(o, "rows", rows);
	json_object_set_new(o, "plots", st->plots ? json_incref(st->plots) : json_array());
	json_object_set_new(o, "plots_reason",
			    st->plot_error[0] ? json_string(st->plot_error) : json_null());
	return o;
}

static void plot_failed(struct ttm_ringbuf_study *st, const char *msg)
{
	fprintf(stderr, "ttmbench ringbuf: %s\n", msg);
	snprintf(st->plot_error, sizeof(st->plot_error), "%s", msg);
}

void ttm_ringbuf_render_plot(struct ttm_ringbuf_study *st, const char *dir)
{
	char path[PATH_MAX], outbase[PATH_MAX], err[TTM_MSG_LEN], n[16], sharing[64] = "";
	struct ttm_plot_var vars[5];
	int measured = 0;
	FILE *f;

	st->plots = json_array();
	for (int i = 0; i < st->nrows; i++)
		measured += st->rows[i].ok;
	if (!measured) {
		plot_failed(st, "no layout was measured, so there is nothing to plot");
		return;
	}
	snprintf(path, sizeof(path), "%s/plots", dir);
	if (mkdir(path, 0755) && errno != EEXIST) {
		snprintf(err, sizeof(err), "creating %.400s failed: %s", path, strerror(errno));
		plot_failed(st, err);
		return;
	}
	snprintf(path, sizeof(path), "%s/plots/ringbuf.dat", dir);
	f = fopen(path, "w");
	if (!f) {
		snprintf(err, sizeof(err), "writing %.400s failed: %s", path, strerror(errno));
		plot_failed(st, err);
		return;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (int k = 0; k < st->params.nsharing; k++) {
			uint32_t sharing = st->params.sharing[k];
			int rows = 0;

			if (pass || k)
				fprintf(f, "\n\n");
			for (int i = 0; i < st->nrows; i++) {
				const struct ttm_ringbuf_row *row = &st->rows[i];

				if (row->sharing != sharing || !row->ok)
					continue;
				if (!pass)
					rows += fprintf(f, "%u %llu %.4f\n", row->bytes >> 10,
							(unsigned long long)
								row->paused.counters.submitted,
							ttm_ringbuf_drain_rate(row) / 1e6) > 0;
				else if (row->paused.counters.lost_ringbuf_full)
					rows += fprintf(f, "%u %llu\n", row->bytes >> 10,
							(unsigned long long)row->paused.counters
								.lost_ringbuf_full) > 0;
			}
			/* gnuplot fails on a block without data; an undefined point keeps the colours. */
			if (!rows)
				fprintf(f, "%u NaN NaN\n", st->params.sizes[0] >> 10);
		}
	}
	fclose(f);

	snprintf(outbase, sizeof(outbase), "%s/plots/ringbuf", dir);
	snprintf(n, sizeof(n), "%d", st->params.nsharing);
	for (int k = 0; k < st->params.nsharing; k++)
		snprintf(sharing + strlen(sharing), sizeof(sharing) - strlen(sharing), "%s%u",
			 k ? " " : "", st->params.sharing[k]);
	vars[0] = (struct ttm_plot_var){ "data", path, false };
	vars[1] = (struct ttm_plot_var){ "n", n, true };
	vars[2] = (struct ttm_plot_var){ "outbase", outbase, false };
	vars[3] = (struct ttm_plot_var){ "plot_title", "Ring buffer size against a flood of "
						       "probed calls", false };
	vars[4] = (struct ttm_plot_var){ "sharing", sharing, false };
	if (ttm_plot_render("plot-ringbuf.gp", vars, 5, outbase, err, sizeof(err))) {
		plot_failed(st, err);
		return;
	}
	json_array_append_new(st->plots, json_pack("{s:s,s:s,s:s,s:s}", "kind", "ringbuf", "png",
						   "plots/ringbuf.png", "svg", "plots/ringbuf.svg",
						   "title", "Ring buffer sizing"));
}

static void print_rows(FILE *f, const struct ttm_ringbuf_study *st)
{
	fprintf(f, "| CPUs per ring | ring size | paused: calls | held | lost (ring full) | "
		   "drain time | drain rate | consumer CPU while draining | "
		   "live: calls | lost | consumer CPU | accounting |\n"
		   "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (int i = 0; i < st->nrows; i++) {
		const struct ttm_ringbuf_row *row = &st->rows[i];
		const struct ttm_ringbuf_paused *pz = &row->paused;
		const struct ttm_ringbuf_live *lv = &row->live;
		uint64_t live_ns = lv->run.have_record ? lv->run.record.elapsed_ns : 0;

		fprintf(f, "| %u | %u KiB | ", row->sharing, row->bytes >> 10);
		if (!row->ok) {
			fprintf(f, "failed: %s | | | | | | | | | |\n", row->error);
			continue;
		}
		fprintf(f, "%llu | %llu | %llu | %.2f ms | %.2f M/s | %.0f %% | %llu | %llu | "
			   "%.1f %% | %s |\n",
			(unsigned long long)pz->run.record.ops_issued,
			(unsigned long long)pz->counters.submitted,
			(unsigned long long)pz->counters.lost_ringbuf_full, pz->drain_ns / 1e6, ttm_ringbuf_drain_rate(row) / 1e6,
			pz->drain_cpu_valid && pz->drain_ns ? 100.0 * pz->drain_cpu_ns / pz->drain_ns :
							      0,
			(unsigned long long)lv->run.record.ops_issued,
			(unsigned long long)lv->counters.lost_ringbuf_full,
			lv->cpu_valid && live_ns ? 100.0 * lv->cpu_ns / live_ns : 0,
			row->accounting.valid ? (row->accounting.exact ? "exact" : "NOT exact") :
						row->accounting.reason);
	}
	fprintf(f, "\n");
}

int ttm_ringbuf_write_report(const char *dir, const struct ttm_ringbuf_study *st)
{
	double best = best_drain(st);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int err;

	if (!f)
		return -errno;
	fprintf(f, "# Ring-buffer sizing\n\n");
	if (!st->complete)
		fprintf(f, "**Incomplete**: %s\n\n", st->incomplete_reason);
	fprintf(f, "- host: %s, kernel %s\n",
		json_string_value(json_object_get(st->host, "hostname")) ?: "unknown",
		json_string_value(json_object_get(st->host, "kernel_release")) ?: "unknown");
	fprintf(f, "- flood: %s at max rate for %.3g s per run, workload on CPU %d, consumer on "
		   "CPU %d; wall time %.0f s\n\n",
		ttm_syscall_name(st->params.syscall), st->params.duration_s,
		st->params.workload_cpu, st->params.consumer_cpu, st->wall_s);
	fprintf(f, "Each layout is loaded fresh. *Paused*: the consumer is paused, the workload "
		   "floods, the rings keep what fits and count the rest as lost_ringbuf_full; then "
		   "the programs are detached, the consumer resumed, and the time until it has read "
		   "the backlog gives the drain rate. *Live*: the same flood with the consumer "
		   "running. *Accounting* is checked per layout after both runs: fired = sum of the "
		   "outcomes and submitted = delivered, for every program. Held and lost count "
		   "every process's calls, and with one CPU per ring the rings of other CPUs "
		   "fill with other processes' events too.\n\n");
	fprintf(f, "Best drain rate: **%.2f M events/s** against the goal of %.0f M events/s on "
		   "one core: goal %s.\n\n",
		best / 1e6, TTM_RINGBUF_DRAIN_GOAL / 1e6,
		best >= TTM_RINGBUF_DRAIN_GOAL ? "met" : "NOT met");
	print_rows(f, st);
	if (json_array_size(st->plots))
		fprintf(f, "![Ring buffer sizing](plots/ringbuf.png)\n\n[SVG](plots/ringbuf.svg)\n");
	else
		fprintf(f, "Plot missing: %s\n", st->plot_error);
	if (fclose(f)) {
		free(text);
		return -ENOMEM;
	}
	err = ttm_sweep_write_text(dir, "report.md", text);
	free(text);
	return err;
}
