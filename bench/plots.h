/* SPDX-License-Identifier: GPL-2.0 */
/* Rendering the scripts/plot-*.gp gnuplot scripts to PNG (pngcairo) and SVG. */
#ifndef TTM_PLOTS_H
#define TTM_PLOTS_H

#include <stdbool.h>
#include <stddef.h>

/* A gnuplot variable set with -e before the script runs. */
struct ttm_plot_var {
	const char *name;
	const char *value;
	bool number; /* false: passed as a gnuplot string */
};

/*
 * Find the folder holding the plot scripts: $TTMBENCH_SCRIPTS, else scripts/
 * one or two levels above the running binary (build/ or build/static/).
 */
int ttm_plot_scripts_dir(char *out, size_t len);

/*
 * Run gnuplot on scripts/<script> with vars; the script writes
 * <outbase>.png and <outbase>.svg, where outbase is one of the vars.
 * Returns 0 when both files exist and are not empty, else -errno with a
 * message in err (gnuplot's own first error line when it printed one).
 */
int ttm_plot_render(const char *script, const struct ttm_plot_var *vars, int nvars,
		    const char *outbase, char *err, size_t err_len);

#endif /* TTM_PLOTS_H */
