// SPDX-License-Identifier: GPL-2.0
/* The hook-design table and the coverage matrix, as JSON and as report.md sections. */
#include <stdio.h>
#include <string.h>

#include "bench/designs.h"

const struct ttm_design ttm_designs[] = {
	{ "kprobe", TTM_CONFIG_KPROBE, TTM_CONFIG_FULL },
	{ "rawtp", TTM_CONFIG_RAWTP, TTM_CONFIG_TP_RAWTP },
	{ "tp_btf", TTM_CONFIG_TP_BTF, TTM_CONFIG_TP_TP_BTF },
	{ "fentry", TTM_CONFIG_FENTRY, TTM_CONFIG_TP_FENTRY },
};
const int ttm_ndesigns = sizeof(ttm_designs) / sizeof(ttm_designs[0]);

const char *ttm_coverage_syscall_name(int syscall)
{
	if (syscall == TTM_WL_SOCKETCALL_CONNECT)
		return "connect (socketcall)";
	return ttm_syscall_name(syscall);
}

void ttm_coverage_row_from_cell(const struct ttm_cell *cell, struct ttm_coverage_row *row)
{
	memset(row, 0, sizeof(*row));
	row->config = cell->config;
	row->syscall = cell->syscall;
	row->mode = cell->mode;
	row->runs_valid = true;
	row->unavailable = cell->status == TTM_CELL_SKIPPED;

	for (int i = 0; i < cell->nreps; i++) {
		const struct ttm_rep_result *rep = &cell->reps[i];
		int tp = 0, ia32 = 0;

		if (!rep->ok)
			continue;
		row->measured = true;
		row->ops += rep->record.ops_issued;
		for (int k = 0; k < rep->nprogs; k++) {
			const struct ttm_prog_sample *ps = &rep->progs[k];

			if (!ttm_prog_is_ia32(ps->prog_id)) {
				tp++;
				row->tp_events += ps->events_workload;
				continue;
			}
			ia32++;
			row->ia32_events += ps->events_workload;
			row->ia32_runs += ps->stats.run_cnt;
			row->runs_valid &= ps->stats_valid;
		}
		row->tp_programs = tp;
		row->ia32_programs = ia32;
	}

	row->covered = row->mode == TTM_ENTRY_NATIVE ? row->tp_programs > 0 :
						       row->ia32_programs > 0;
	row->gap = row->measured && row->covered &&
		   row->tp_events + row->ia32_events < row->ops;
}

static json_t *per_call(uint64_t count, uint64_t ops)
{
	return ops ? json_real((double)count / ops) : json_null();
}

json_t *ttm_coverage_row_json(const struct ttm_coverage_row *row)
{
	const char *sc = row->syscall == TTM_WL_SOCKETCALL_CONNECT ? "connect" :
								     ttm_syscall_name(row->syscall);

	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:{s:i, s:I, s:o}, "
			 "s:{s:i, s:I, s:o, s:o}, s:b, s:b}",
			 "config", ttm_config_name(row->config), "syscall", sc, "issued_as",
			 row->syscall == TTM_WL_SOCKETCALL_CONNECT ? "socketcall" : "direct",
			 "mode", ttm_mode_name(row->mode), "measured", row->measured, "ops",
			 (json_int_t)row->ops, "tracepoint", "programs", row->tp_programs, "events",
			 (json_int_t)row->tp_events, "events_per_call",
			 per_call(row->tp_events, row->ops), "ia32", "programs", row->ia32_programs,
			 "events", (json_int_t)row->ia32_events, "events_per_call",
			 per_call(row->ia32_events, row->ops), "runs_per_call",
			 row->runs_valid && row->ia32_programs ? per_call(row->ia32_runs, row->ops) :
								 json_null(),
			 "covered", row->covered, "gap", row->gap);
}

json_t *ttm_coverage_json(const struct ttm_results *r)
{
	json_t *rows = json_array();

	for (int i = 0; i < r->ncells; i++) {
		struct ttm_coverage_row row;

		ttm_coverage_row_from_cell(&r->cells[i], &row);
		json_array_append_new(rows, ttm_coverage_row_json(&row));
	}
	return rows;
}

static void print_per_call(FILE *f, uint64_t count, uint64_t ops, int programs)
{
	if (!programs)
		fprintf(f, " - |");
	else if (!ops)
		fprintf(f, " n/a |");
	else
		fprintf(f, " %.3f |", (double)count / ops);
}

void ttm_coverage_markdown_header(FILE *f)
{
	fprintf(f, "| config | syscall | mode | calls | tracepoint events/call | ia32 events/call | "
		   "ia32 runs/call (all processes) | coverage |\n"
		   "| --- | --- | --- | --- | --- | --- | --- | --- |\n");
}

void ttm_coverage_markdown_row(FILE *f, const struct ttm_coverage_row *row)
{
	fprintf(f, "| %s | %s | %s | ", ttm_config_name(row->config),
		ttm_coverage_syscall_name(row->syscall), ttm_mode_name(row->mode));
	if (!row->measured) {
		fprintf(f, "0 | n/a | n/a | n/a | %s |\n",
			row->unavailable ? "unavailable (see Configurations)" : "not measured");
		return;
	}
	fprintf(f, "%llu |", (unsigned long long)row->ops);
	print_per_call(f, row->tp_events, row->ops, row->tp_programs);
	print_per_call(f, row->ia32_events, row->ops, row->ia32_programs);
	if (row->ia32_programs && row->runs_valid)
		print_per_call(f, row->ia32_runs, row->ops, row->ia32_programs);
	else
		fprintf(f, " %s |", row->ia32_programs ? "n/a (BPF stats off)" : "-");
	if (!row->covered)
		fprintf(f, " not meant for this path |\n");
	else
		fprintf(f, " %s |\n", row->gap ? "**GAP**" : "ok");
}

void ttm_coverage_markdown(FILE *f, const struct ttm_results *r)
{
	fprintf(f, "## Coverage matrix\n\n"
		   "Events delivered per syscall issued, from the workload's own process, summed "
		   "over repetitions. A configuration covers native calls with its tracepoint "
		   "programs and ia32 calls with its ia32 programs; GAP marks a covered path "
		   "that delivered fewer events than calls. ia32 runs/call is run_cnt, which "
		   "counts every process on the system. `ttmbench coverage` adds "
		   "connect issued through socketcall(SYS_CONNECT).\n\n");
	ttm_coverage_markdown_header(f);
	for (int i = 0; i < r->ncells; i++) {
		struct ttm_coverage_row row;

		ttm_coverage_row_from_cell(&r->cells[i], &row);
		ttm_coverage_markdown_row(f, &row);
	}
	fprintf(f, "\n");
}

/* run_cnt of the design's ia32 programs per call issued on the native path; -1 if unknown. */
static double fired_per_native_call(const struct ttm_results *r, const struct ttm_design *d,
				    int syscall)
{
	const int configs[2] = { d->with_tp, d->alone };

	for (int i = 0; i < 2; i++) {
		struct ttm_cell *cell = ttm_results_cell((struct ttm_results *)r, configs[i],
							 syscall, TTM_ENTRY_NATIVE);
		struct ttm_coverage_row row;

		if (!cell)
			continue;
		ttm_coverage_row_from_cell(cell, &row);
		if (row.measured && row.runs_valid && row.ops)
			return (double)row.ia32_runs / row.ops;
	}
	return -1;
}

static json_t *penalty_json(const struct ttm_comparison *c)
{
	const struct ttm_paired_diff *d;

	if (!c)
		return json_null();
	d = &c->diff;
	return json_pack("{s:s, s:s, s:i, s:f, s:o, s:o, s:o, s:o}", "a", ttm_config_name(c->a),
			 "b", ttm_config_name(c->b), "n", (int)d->n, "estimate_ns", d->estimate,
			 "ci_lower", d->ci.valid ? json_real(d->ci.lower) : json_null(), "ci_upper",
			 d->ci.valid ? json_real(d->ci.upper) : json_null(), "ci_level",
			 d->ci.valid ? json_real(d->ci.level) : json_null(), "mde_ns",
			 d->mde_valid ? json_real(d->mde) : json_null());
}

static bool design_requested(const struct ttm_results *r, const struct ttm_design *d)
{
	return r->configs[d->alone].requested || r->configs[d->with_tp].requested;
}

json_t *ttm_designs_json(const struct ttm_results *r)
{
	json_t *arr = json_array();

	for (int k = 0; k < ttm_ndesigns; k++) {
		const struct ttm_design *d = &ttm_designs[k];

		if (!design_requested(r, d))
			continue;
		for (int s = 0; s < r->params.nsyscalls; s++) {
			int sc = r->params.syscalls[s];
			double fired = fired_per_native_call(r, d, sc);

			json_array_append_new(
				arr,
				json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "design", d->name,
					  "syscall", ttm_syscall_name(sc), "native_penalty",
					  penalty_json(ttm_results_comparison(r, sc, TTM_ENTRY_NATIVE,
									      d->with_tp,
									      TTM_CONFIG_TP)),
					  "ia32_penalty",
					  penalty_json(ttm_results_comparison(r, sc, TTM_ENTRY_IA32,
									      d->alone,
									      TTM_CONFIG_NONE)),
					  "programs_run_per_native_call",
					  fired >= 0 ? json_real(fired) : json_null(),
					  "programs_run_note",
					  "run_cnt counts every process on the system"));
		}
	}
	return arr;
}

/* A penalty, or why there is none: a configuration that is unavailable or was not requested. */
static void print_penalty_cell(FILE *f, const struct ttm_results *r,
			       const struct ttm_comparison *c, int a, int b)
{
	if (!c) {
		if (!r->configs[a].requested || !r->configs[b].requested)
			fprintf(f, " n/a: needs %s in --configs |",
				ttm_config_name(r->configs[a].requested ? b : a));
		else if (!r->configs[a].available || !r->configs[b].available)
			fprintf(f, " unavailable (see Configurations) |");
		else
			fprintf(f, " n/a |");
		return;
	}
	fprintf(f, " %+.2f", c->diff.estimate);
	if (c->diff.ci.valid)
		fprintf(f, " [%.2f, %.2f]", c->diff.ci.lower, c->diff.ci.upper);
	if (c->diff.mde_valid)
		fprintf(f, " (MDE %.2f)", c->diff.mde);
	fprintf(f, " |");
}

void ttm_designs_markdown(FILE *f, const struct ttm_results *r)
{
	bool any = false;

	for (int k = 0; k < ttm_ndesigns; k++)
		any |= design_requested(r, &ttm_designs[k]);
	if (!any)
		return;

	fprintf(f, "## ia32 hook designs\n\n"
		   "Native penalty: the design's set with the tracepoints minus tp, on native "
		   "calls. ia32 penalty: the design alone minus none, on ia32 calls. Both in "
		   "ns/op with the Wilcoxon CI and the MDE. Programs run per native call: "
		   "run_cnt of the design's ia32 programs / calls issued on the native path; "
		   "run_cnt counts every process, so other activity adds to it.\n\n"
		   "| design | syscall | native penalty | ia32 penalty | programs run per native "
		   "call |\n| --- | --- | --- | --- | --- |\n");
	for (int k = 0; k < ttm_ndesigns; k++) {
		const struct ttm_design *d = &ttm_designs[k];

		if (!design_requested(r, d))
			continue;
		for (int s = 0; s < r->params.nsyscalls; s++) {
			int sc = r->params.syscalls[s];
			double fired = fired_per_native_call(r, d, sc);

			fprintf(f, "| %s | %s |", d->name, ttm_syscall_name(sc));
			print_penalty_cell(f, r,
					   ttm_results_comparison(r, sc, TTM_ENTRY_NATIVE, d->with_tp,
								  TTM_CONFIG_TP),
					   d->with_tp, TTM_CONFIG_TP);
			print_penalty_cell(f, r,
					   ttm_results_comparison(r, sc, TTM_ENTRY_IA32, d->alone,
								  TTM_CONFIG_NONE),
					   d->alone, TTM_CONFIG_NONE);
			if (fired >= 0)
				fprintf(f, " %.3f |\n", fired);
			else
				fprintf(f, " n/a |\n");
		}
	}
	fprintf(f, "\n");
}

json_t *ttm_adaptive_json(const struct ttm_results *r)
{
	const struct ttm_adaptive_outcome *a = &r->adaptive;

	if (!r->params.adaptive)
		return json_pack("{s:b}", "enabled", 0);
	return json_pack("{s:b, s:f, s:f, s:i, s:i, s:i, s:b, s:o, s:o, s:s}", "enabled", 1,
			 "target_halfwidth_ns", r->params.target_halfwidth_ns, "max_time_s",
			 r->params.max_time_s, "planned_reps", r->params.reps, "added_reps",
			 a->added_reps, "total_reps", r->nschedule, "target_met", a->target_met,
			 "max_halfwidth_ns",
			 a->max_halfwidth_ns >= 0 ? json_real(a->max_halfwidth_ns) : json_null(),
			 "widest_comparison",
			 a->max_halfwidth_ns >= 0 ? json_string(a->widest) : json_null(),
			 "stop_reason", a->stop_reason);
}

void ttm_adaptive_markdown(FILE *f, const struct ttm_results *r)
{
	const struct ttm_adaptive_outcome *a = &r->adaptive;

	if (!r->params.adaptive)
		return;
	fprintf(f, "## Adaptive repetitions\n\n"
		   "Target CI half-width %.2f ns/op, time budget %.0f s: %d planned repetitions, "
		   "%d added, %d in total. Target %s. Stopped because %s.\n\n",
		r->params.target_halfwidth_ns, r->params.max_time_s, r->params.reps,
		a->added_reps, r->nschedule, a->target_met ? "met" : "not met", a->stop_reason);
}
