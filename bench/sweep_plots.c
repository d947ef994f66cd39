// SPDX-License-Identifier: GPL-2.0
/*
 * The sweep's plots: gnuplot data files in <dir>/plots/ from the in-memory
 * points, then scripts/plot-{overhead,kept,penalty,dist}.gp rendered next to
 * them as PNG and SVG.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "bench/plots.h"
#include "bench/sweep.h"

struct plot_ctx {
	struct ttm_sweep *s;
	const char *dir; /* the results folder */
	int syscall;
	int mode;
	int nprobe_configs;
	int probe_configs[TTM_CONFIG_COUNT];
};

/* "1000/s", "peak 397800/s", "max rate" */
static void rate_text(const struct plot_ctx *pc, int rate_index, char *buf, size_t len)
{
	double rate = pc->s->params.rates[rate_index];
	const struct ttm_sweep_peak *peak = &pc->s->peak[pc->syscall][pc->mode];

	if (rate > 0)
		snprintf(buf, len, "%.0f/s", rate);
	else if (rate == TTM_SWEEP_RATE_PEAK && peak->measured)
		snprintf(buf, len, "peak %.0f/s", peak->rate);
	else
		snprintf(buf, len, "%s rate", rate == TTM_SWEEP_RATE_PEAK ? "peak" : "max");
}

static void series_title(const struct plot_ctx *pc, int config, int rate_index, char *buf,
			 size_t len)
{
	char rate[64];

	rate_text(pc, rate_index, rate, sizeof(rate));
	snprintf(buf, len, "\"%s, %s\"", ttm_config_name(config), rate);
}

static void record_plot(struct ttm_sweep *s, const char *kind, const char *base,
			const char *title)
{
	char png[PATH_MAX], svg[PATH_MAX];

	snprintf(png, sizeof(png), "plots/%s.png", base);
	snprintf(svg, sizeof(svg), "plots/%s.svg", base);
	json_array_append_new(s->plots, json_pack("{s:s,s:s,s:s,s:s}", "kind", kind, "png", png,
						  "svg", svg, "title", title));
}

static void plot_failed(struct ttm_sweep *s, const char *msg)
{
	fprintf(stderr, "ttmbench sweep: %s\n", msg);
	if (!s->plot_error[0])
		snprintf(s->plot_error, sizeof(s->plot_error), "%s", msg);
}

static FILE *open_data(struct plot_ctx *pc, const char *name, char *path, size_t len)
{
	FILE *f;

	snprintf(path, len, "%s/plots/%s", pc->dir, name);
	f = fopen(path, "w");
	if (!f) {
		char msg[TTM_MSG_LEN];

		snprintf(msg, sizeof(msg), "writing plot data %.400s failed: %s", path, strerror(errno));
		plot_failed(pc->s, msg);
	}
	return f;
}

static void render(struct plot_ctx *pc, const char *script, const char *kind, const char *base,
		   const char *title, struct ttm_plot_var *vars, int nvars)
{
	char outbase[PATH_MAX], err[TTM_MSG_LEN];

	snprintf(outbase, sizeof(outbase), "%s/plots/%s", pc->dir, base);
	vars[nvars++] = (struct ttm_plot_var){ "outbase", outbase, false };
	vars[nvars++] = (struct ttm_plot_var){ "plot_title", title, false };
	if (ttm_plot_render(script, vars, nvars, outbase, err, sizeof(err)))
		plot_failed(pc->s, err);
	else
		record_plot(pc->s, kind, base, title);
}

/* One block per (probe configuration, rate); row() prints the rows of one point. */
static int write_probe_blocks(struct plot_ctx *pc, FILE *f,
			      bool (*row)(FILE *f, const struct ttm_sweep_point *pt))
{
	const struct ttm_sweep_params *p = &pc->s->params;
	int blocks = 0;

	for (int c = 0; c < pc->nprobe_configs; c++) {
		for (int r = 0; r < p->nrates; r++) {
			char title[96];
			int rows = 0;

			series_title(pc, pc->probe_configs[c], r, title, sizeof(title));
			fprintf(f, "%s%s\n", blocks ? "\n\n" : "", title);
			for (int k = 0; k < p->nratios; k++) {
				const struct ttm_sweep_point *pt =
					ttm_sweep_point(pc->s, pc->probe_configs[c], pc->syscall,
							pc->mode, r, p->ratios[k]);

				if (pt && row(f, pt))
					rows++;
			}
			/* gnuplot fails on a block without data; an undefined point keeps the colours. */
			if (!rows)
				fprintf(f, "1 NaN NaN NaN\n");
			blocks++;
		}
	}
	return blocks;
}

static bool overhead_row(FILE *f, const struct ttm_sweep_point *pt)
{
	const struct ttm_median_summary *m = &pt->ns_per_op;

	if (!pt->has_stats)
		return false;
	fprintf(f, "%u %.3f %.3f %.3f\n", pt->ratio, m->median, m->ci.lower, m->ci.upper);
	return true;
}

static bool kept_row(FILE *f, const struct ttm_sweep_point *pt)
{
	double kept = ttm_sweep_kept_fraction(pt);

	/* A log axis cannot show 0: such a point is left out, the report lists it. */
	if (kept <= 0)
		return false;
	fprintf(f, "%u %.6f\n", pt->ratio, kept);
	return true;
}

static bool penalty_row(FILE *f, const struct ttm_sweep_point *pt)
{
	const struct ttm_paired_diff *d = &pt->vs_none;

	if (!pt->has_vs_none)
		return false;
	fprintf(f, "%u %.3f %.3f %.3f\n", pt->ratio, d->estimate,
		d->ci.valid ? d->ci.lower : d->estimate, d->ci.valid ? d->ci.upper : d->estimate);
	return true;
}

static void plot_overhead(struct plot_ctx *pc, const char *tag)
{
	const struct ttm_sweep_params *p = &pc->s->params;
	char probe_path[PATH_MAX], none_path[PATH_MAX], name[160], base[128], title[160];
	char nprobe[16], nnone[16], nrates[16];
	struct ttm_plot_var vars[8];
	FILE *probe, *none;
	int blocks;

	snprintf(base, sizeof(base), "overhead-%s", tag);
	snprintf(name, sizeof(name), "%s.dat", base);
	probe = open_data(pc, name, probe_path, sizeof(probe_path));
	snprintf(name, sizeof(name), "%s-none.dat", base);
	none = probe ? open_data(pc, name, none_path, sizeof(none_path)) : NULL;
	if (!none) {
		if (probe)
			fclose(probe);
		return;
	}

	blocks = write_probe_blocks(pc, probe, overhead_row);
	for (int r = 0; r < p->nrates; r++) {
		const struct ttm_sweep_point *pt =
			ttm_sweep_point(pc->s, TTM_CONFIG_NONE, pc->syscall, pc->mode, r, 0);

		series_title(pc, TTM_CONFIG_NONE, r, title, sizeof(title));
		fprintf(none, "%s%s\n", r ? "\n\n" : "", title);
		if (pt && pt->has_stats)
			fprintf(none, "%u %.3f\n%u %.3f\n", p->ratios[0], pt->ns_per_op.median,
				p->ratios[p->nratios - 1], pt->ns_per_op.median);
		else
			fprintf(none, "1 NaN\n");
	}
	fclose(probe);
	fclose(none);

	snprintf(nprobe, sizeof(nprobe), "%d", blocks);
	snprintf(nnone, sizeof(nnone), "%d", p->nrates);
	snprintf(nrates, sizeof(nrates), "%d", p->nrates);
	snprintf(title, sizeof(title), "Cost per %s call (%s) against the sampling ratio",
		 ttm_syscall_name(pc->syscall), ttm_mode_name(pc->mode));
	vars[0] = (struct ttm_plot_var){ "probe_data", probe_path, false };
	vars[1] = (struct ttm_plot_var){ "none_data", none_path, false };
	vars[2] = (struct ttm_plot_var){ "nprobe", nprobe, true };
	vars[3] = (struct ttm_plot_var){ "nnone", nnone, true };
	vars[4] = (struct ttm_plot_var){ "nrates", nrates, true };
	render(pc, "plot-overhead.gp", "overhead", base, title, vars, 5);
}

/* The kept-fraction and penalty plots share a layout: blocks of (ratio, values...). */
static void plot_blocks(struct plot_ctx *pc, const char *tag, const char *kind,
			bool (*row)(FILE *f, const struct ttm_sweep_point *pt), const char *title)
{
	char path[PATH_MAX], name[160], base[128], n[16], nrates[16];
	struct ttm_plot_var vars[6];
	FILE *f;
	int blocks;

	snprintf(base, sizeof(base), "%s-%s", kind, tag);
	snprintf(name, sizeof(name), "%s.dat", base);
	f = open_data(pc, name, path, sizeof(path));
	if (!f)
		return;
	blocks = write_probe_blocks(pc, f, row);
	fclose(f);

	snprintf(n, sizeof(n), "%d", blocks);
	snprintf(nrates, sizeof(nrates), "%d", pc->s->params.nrates);
	vars[0] = (struct ttm_plot_var){ "data", path, false };
	vars[1] = (struct ttm_plot_var){ "n", n, true };
	vars[2] = (struct ttm_plot_var){ "nrates", nrates, true };
	snprintf(name, sizeof(name), "plot-%s.gp", kind);
	render(pc, name, kind, base, title, vars, 3);
}

/* Box statistics of one point's repetitions and the raw values, at position x. */
static bool write_box(FILE *box, FILE *raw, int x, const char *label,
		      const struct ttm_sweep_point *pt)
{
	double v[pt->nreps > 0 ? pt->nreps : 1];
	size_t n = 0;

	for (int r = 0; r < pt->nreps; r++)
		if (pt->reps[r].run.ok)
			v[n++] = pt->reps[r].run.record.ns_per_op;
	if (!n)
		return false;
	for (size_t i = 0; i < n; i++)
		fprintf(raw, "%d %.3f\n", x, v[i]);
	gsl_sort(v, 1, n);
	fprintf(box, "%d \"%s\" %.3f %.3f %.3f %.3f %.3f\n", x, label, v[0],
		gsl_stats_quantile_from_sorted_data(v, 1, n, 0.25),
		gsl_stats_median_from_sorted_data(v, 1, n),
		gsl_stats_quantile_from_sorted_data(v, 1, n, 0.75), v[n - 1]);
	return true;
}

static void plot_distribution(struct plot_ctx *pc, const char *tag, int rate_index)
{
	const struct ttm_sweep_params *p = &pc->s->params;
	char box_path[PATH_MAX], raw_path[PATH_MAX], name[160], base[128], title[192];
	char rate[32], rate_shown[64], ncat[16];
	struct ttm_plot_var vars[6];
	const struct ttm_sweep_point *none;
	FILE *box, *raw;
	int x = 0;

	ttm_sweep_rate_label(p->rates[rate_index], rate, sizeof(rate));
	snprintf(base, sizeof(base), "dist-%s-rate-%s", tag, rate);
	snprintf(name, sizeof(name), "%s.dat", base);
	box = open_data(pc, name, box_path, sizeof(box_path));
	snprintf(name, sizeof(name), "%s-raw.dat", base);
	raw = box ? open_data(pc, name, raw_path, sizeof(raw_path)) : NULL;
	if (!raw) {
		if (box)
			fclose(box);
		return;
	}

	none = ttm_sweep_point(pc->s, TTM_CONFIG_NONE, pc->syscall, pc->mode, rate_index, 0);
	if (none && write_box(box, raw, x + 1, "none", none))
		x++;
	for (int c = 0; c < pc->nprobe_configs; c++) {
		for (int k = 0; k < p->nratios; k++) {
			const struct ttm_sweep_point *pt =
				ttm_sweep_point(pc->s, pc->probe_configs[c], pc->syscall, pc->mode,
						rate_index, p->ratios[k]);
			char label[48];

			snprintf(label, sizeof(label), "%s R=%u", ttm_config_name(pc->probe_configs[c]),
				 p->ratios[k]);
			if (pt && write_box(box, raw, x + 1, label, pt))
				x++;
		}
	}
	fclose(box);
	fclose(raw);
	if (!x)
		return;

	snprintf(ncat, sizeof(ncat), "%d", x);
	rate_text(pc, rate_index, rate_shown, sizeof(rate_shown));
	snprintf(title, sizeof(title), "ns/op of every repetition: %s (%s), %s",
		 ttm_syscall_name(pc->syscall), ttm_mode_name(pc->mode), rate_shown);
	vars[0] = (struct ttm_plot_var){ "box_data", box_path, false };
	vars[1] = (struct ttm_plot_var){ "raw_data", raw_path, false };
	vars[2] = (struct ttm_plot_var){ "ncat", ncat, true };
	render(pc, "plot-dist.gp", "distribution", base, title, vars, 3);
}

/* Whether a point with BPF programs attached has statistics, for the syscall and mode of pc. */
static bool probe_points_measured(const struct plot_ctx *pc)
{
	for (int i = 0; i < pc->s->npoints; i++) {
		const struct ttm_sweep_point *pt = &pc->s->points[i];

		if (pt->config != TTM_CONFIG_NONE && pt->syscall == pc->syscall &&
		    pt->mode == pc->mode && pt->has_stats)
			return true;
	}
	return false;
}

void ttm_sweep_render_plots(struct ttm_sweep *s, const char *dir)
{
	const struct ttm_sweep_params *p = &s->params;
	struct plot_ctx pc = { .s = s, .dir = dir };
	char plots_dir[PATH_MAX], msg[TTM_MSG_LEN];

	s->plots = json_array();
	snprintf(plots_dir, sizeof(plots_dir), "%s/plots", dir);
	if (mkdir(plots_dir, 0755) && errno != EEXIST) {
		snprintf(msg, sizeof(msg), "creating %.400s failed: %s", plots_dir, strerror(errno));
		plot_failed(s, msg);
		return;
	}
	for (int c = 0; c < p->nconfigs; c++)
		if (p->configs[c] != TTM_CONFIG_NONE && s->configs[p->configs[c]].available)
			pc.probe_configs[pc.nprobe_configs++] = p->configs[c];

	for (int sc = 0; sc < p->nsyscalls; sc++) {
		for (int m = 0; m < p->nmodes; m++) {
			char tag[64], title[160];

			pc.syscall = p->syscalls[sc];
			pc.mode = p->modes[m];
			snprintf(tag, sizeof(tag), "%s-%s", ttm_syscall_name(pc.syscall),
				 ttm_mode_name(pc.mode));

			for (int r = 0; r < p->nrates; r++)
				plot_distribution(&pc, tag, r);
			if (!probe_points_measured(&pc)) {
				snprintf(msg, sizeof(msg), "no probe configuration was measured for %s "
					 "%s, so nothing is plotted against the ratio",
					 ttm_syscall_name(pc.syscall), ttm_mode_name(pc.mode));
				plot_failed(s, msg);
				continue;
			}

			plot_overhead(&pc, tag);
			snprintf(title, sizeof(title),
				 "Kept fraction of %s calls (%s) against the sampling ratio",
				 ttm_syscall_name(pc.syscall), ttm_mode_name(pc.mode));
			plot_blocks(&pc, tag, "kept", kept_row, title);
			snprintf(title, sizeof(title),
				 "Cost the probes add per %s call (%s), against nothing attached",
				 ttm_syscall_name(pc.syscall), ttm_mode_name(pc.mode));
			plot_blocks(&pc, tag, "penalty", penalty_row, title);
		}
	}
}
