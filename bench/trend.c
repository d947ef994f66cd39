// SPDX-License-Identifier: GPL-2.0
/* ttmbench trend: the penalties of past runs, from results/history.jsonl, as a table and a plot. */
#include <argp.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "bench/commands.h"
#include "bench/history.h"
#include "probes/loader.h"

extern char **environ;

#define PENALTY_COUNT 3
#define MAX_XTICS 20

/* Rows whose CI level is below this get a marker: too few repetitions for a firm interval. */
#define LOW_LEVEL 0.90
#define LOW_LEVEL_MARK "*"

static const char *const penalty_keys[PENALTY_COUNT] = { "native_penalty", "ia32_penalty",
							 "tracepoint_penalty" };

struct trend_args {
	const char *history;
	const char *syscall;
	const char *plot;
};

struct penalty_point {
	bool valid;
	double estimate;
	double lower; /* NAN when the CI is null */
	double upper;
	double level; /* ci_level, NAN when null */
	json_int_t n; /* pairs, 0 when unknown */
};

struct trend_row {
	char time[32];
	char kernel[64];
	char timing[16];
	char verdict[16]; /* the syscall's verdict */
	char overall[16];
	struct penalty_point penalty[PENALTY_COUNT];
};

struct trend {
	struct trend_row *rows;
	size_t nrows;
};

static const char doc[] =
	"Show how the penalties of one syscall changed over past runs: one row per\n"
	"line of the history file that `ttmbench run --ci` appends to, with the\n"
	"native penalty (full - tp on native calls), the ia32 penalty (kprobe - none\n"
	"on ia32 calls) and the tracepoint penalty (tp - none on native calls), each\n"
	"as its Hodges-Lehmann estimate in ns per call with its CI at the level the\n"
	"run reached (shown per row; below 90% marked with *), and the verdict. --plot draws the same with gnuplot (scripts/plot-trend.gp; set\n"
	"TTMBENCH_PLOT_SCRIPT to use another copy).\n"
	"\n"
	"Exit status: 0, or 2 for bad input (missing or invalid history, unknown\n"
	"syscall, unsupported plot file name).\n"
	"\n"
	"EXAMPLES:\n"
	"  ttmbench trend\n"
	"  ttmbench trend --syscall connect --plot trend.svg\n"
	"  ttmbench trend --history nightly/history.jsonl --plot trend.png\n";

static const struct argp_option options[] = {
	{ "history", 'H', "FILE", 0, "History file (default " TTM_HISTORY_DEFAULT_PATH ")", 0 },
	{ "syscall", 's', "SC", 0, "connect, creat, open, openat or openat2 (default openat)", 0 },
	{ "plot", 'p', "FILE", 0, "Also draw the trend into FILE.png or FILE.svg (gnuplot)", 0 },
	{},
};

static error_t parse_arg(int key, char *arg, struct argp_state *state)
{
	struct trend_args *args = state->input;
	const char *ext;

	switch (key) {
	case 'H':
		args->history = arg;
		break;
	case 's':
		if (ttm_syscall_from_name(arg) < 0)
			argp_failure(state, TTM_EXIT_USAGE, 0,
				     "invalid --syscall '%s': expected connect, creat, open, openat "
				     "or openat2",
				     arg);
		args->syscall = arg;
		break;
	case 'p':
		ext = strrchr(arg, '.');
		if (!ext || (strcmp(ext, ".png") && strcmp(ext, ".svg")))
			argp_failure(state, TTM_EXIT_USAGE, 0,
				     "invalid --plot '%s': the file name must end in .png or .svg",
				     arg);
		args->plot = arg;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': this command takes options only", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void copy_string(char *dst, size_t len, const json_t *value, const char *fallback)
{
	const char *s = json_string_value(value);

	snprintf(dst, len, "%s", s ? s : fallback);
}

static double number_or_nan(const json_t *value)
{
	return json_is_number(value) ? json_number_value(value) : NAN;
}

static void read_penalty(const json_t *p, struct penalty_point *out)
{
	out->valid = json_is_number(json_object_get(p, "estimate_ns"));
	out->estimate = number_or_nan(json_object_get(p, "estimate_ns"));
	out->lower = number_or_nan(json_object_get(p, "ci_lower"));
	out->upper = number_or_nan(json_object_get(p, "ci_upper"));
	out->level = number_or_nan(json_object_get(p, "ci_level"));
	out->n = json_integer_value(json_object_get(p, "n"));
}

static bool low_level(const struct penalty_point *p)
{
	return p->valid && !isnan(p->lower) && !isnan(p->upper) && !isnan(p->level) &&
	       p->level < LOW_LEVEL;
}

/* Fill row from one history line; false with a message in err when it is not a history entry. */
static bool parse_entry(const json_t *entry, const char *syscall, struct trend_row *row, char *err,
			size_t err_len)
{
	const char *schema = json_string_value(json_object_get(entry, "schema"));
	const json_t *version = json_object_get(entry, "schema_version");
	const json_t *syscalls = json_object_get(entry, "syscalls"), *sc;
	size_t i;

	if (!schema || strcmp(schema, TTM_HISTORY_SCHEMA)) {
		snprintf(err, err_len, "schema is not \"%s\"", TTM_HISTORY_SCHEMA);
		return false;
	}
	if (json_integer_value(version) != TTM_HISTORY_SCHEMA_VERSION) {
		snprintf(err, err_len, "schema_version is not %d", TTM_HISTORY_SCHEMA_VERSION);
		return false;
	}
	if (!json_is_array(syscalls)) {
		snprintf(err, err_len, "syscalls is not an array");
		return false;
	}

	memset(row, 0, sizeof(*row));
	copy_string(row->time, sizeof(row->time), json_object_get(entry, "time"), "unknown");
	copy_string(row->kernel, sizeof(row->kernel), json_object_get(entry, "kernel"), "unknown");
	copy_string(row->timing, sizeof(row->timing), json_object_get(entry, "timing"), "unknown");
	copy_string(row->overall, sizeof(row->overall), json_object_get(entry, "verdict"),
		    "unknown");
	snprintf(row->verdict, sizeof(row->verdict), "not run");

	json_array_foreach(syscalls, i, sc) {
		const char *name = json_string_value(json_object_get(sc, "syscall"));

		if (!name || strcmp(name, syscall))
			continue;
		copy_string(row->verdict, sizeof(row->verdict), json_object_get(sc, "verdict"),
			    "unknown");
		for (int p = 0; p < PENALTY_COUNT; p++)
			read_penalty(json_object_get(sc, penalty_keys[p]), &row->penalty[p]);
	}
	return true;
}

/* Returns 0, or TTM_EXIT_USAGE after printing what is wrong with which line. */
static int load_history(const char *path, const char *syscall, struct trend *trend)
{
	size_t cap = 0, line_len = 0, line_no = 0;
	char *line = NULL, err[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr,
			"ttmbench trend: %s: %s; `ttmbench run --ci` appends to it, or pass "
			"--history FILE\n",
			path, strerror(errno));
		return TTM_EXIT_USAGE;
	}

	while (getline(&line, &line_len, f) > 0) {
		json_error_t jerr;
		json_t *entry;
		bool ok;

		line_no++;
		if (strspn(line, " \t\r\n") == strlen(line))
			continue;
		entry = json_loads(line, 0, &jerr);
		if (!entry) {
			fprintf(stderr, "ttmbench trend: %s:%zu: invalid JSON at column %d: %s\n", path,
				line_no, jerr.column, jerr.text);
			goto fail;
		}
		if (trend->nrows == cap) {
			struct trend_row *rows;

			cap = cap ? cap * 2 : 64;
			rows = realloc(trend->rows, cap * sizeof(*rows));
			if (!rows) {
				json_decref(entry);
				fprintf(stderr, "ttmbench trend: out of memory at %s:%zu\n", path,
					line_no);
				goto fail;
			}
			trend->rows = rows;
		}
		ok = parse_entry(entry, syscall, &trend->rows[trend->nrows], err, sizeof(err));
		json_decref(entry);
		if (!ok) {
			fprintf(stderr,
				"ttmbench trend: %s:%zu: not a ttmbench history line: %s\n", path,
				line_no, err);
			goto fail;
		}
		trend->nrows++;
	}
	free(line);
	fclose(f);

	if (!trend->nrows) {
		fprintf(stderr, "ttmbench trend: %s: no runs in the history; run `ttmbench run --ci` "
				"first\n",
			path);
		return TTM_EXIT_USAGE;
	}
	return 0;

fail:
	free(line);
	fclose(f);
	return TTM_EXIT_USAGE;
}

static void format_point(char *buf, size_t len, const struct penalty_point *p)
{
	if (!p->valid)
		snprintf(buf, len, "n/a");
	else if ((isnan(p->lower) || isnan(p->upper)) && p->n > 0)
		snprintf(buf, len, "%+.1f no CI (n=%lld)", p->estimate, (long long)p->n);
	else if (isnan(p->lower) || isnan(p->upper))
		snprintf(buf, len, "%+.1f no CI", p->estimate);
	else if (isnan(p->level))
		snprintf(buf, len, "%+.1f [%+.1f, %+.1f] level ?", p->estimate, p->lower, p->upper);
	else
		snprintf(buf, len, "%+.1f [%+.1f, %+.1f] %.0f%%%s", p->estimate, p->lower, p->upper,
			 p->level * 100, low_level(p) ? LOW_LEVEL_MARK : "");
}

static void print_table(const struct trend_args *args, const struct trend *trend)
{
	bool marked = false;

	printf("History %s, syscall %s: %zu run%s; penalties in ns per call, estimate "
	       "[CI] level, CI (level per row)\n\n",
	       args->history, args->syscall, trend->nrows, trend->nrows == 1 ? "" : "s");
	printf("%-21s %-20s %-8s %-34s %-34s %-34s %-13s %s\n", "date", "kernel", "timing",
	       "native (full - tp)", "ia32 (kprobe - none)", "tracepoint (tp - none)", "verdict",
	       "overall");
	for (size_t i = 0; i < trend->nrows; i++) {
		const struct trend_row *r = &trend->rows[i];
		char cols[PENALTY_COUNT][64];

		for (int p = 0; p < PENALTY_COUNT; p++) {
			format_point(cols[p], sizeof(cols[p]), &r->penalty[p]);
			marked |= low_level(&r->penalty[p]);
		}
		printf("%-21s %-20s %-8s %-34s %-34s %-34s %-13s %s\n", r->time, r->kernel, r->timing,
		       cols[0], cols[1], cols[2], r->verdict, r->overall);
	}
	if (marked)
		printf("\n" LOW_LEVEL_MARK " CI level below %.0f%%: the run had too few repetitions "
		       "for a firmer interval, so compare these rows with care.\n",
		       LOW_LEVEL * 100);
}

/* A gnuplot single-quoted string: a quote inside is written twice. */
static void print_gnuplot_string(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* The x tic label of a run: its end time without seconds, "2026-12-04 20:06". */
static void tic_label(const char *time, char *buf, size_t len)
{
	snprintf(buf, len, "%.16s", time);
	if (strlen(buf) > 10 && buf[10] == 'T')
		buf[10] = ' ';
}

static int write_plot_inputs(FILE *data, FILE *settings, const struct trend_args *args,
			     const struct trend *trend, const char *data_path, const char *out_tmp)
{
	bool has[PENALTY_COUNT] = {};
	size_t step = (trend->nrows + MAX_XTICS - 1) / MAX_XTICS;
	char title[160], label[32];

	fprintf(data, "# run native native_lo native_hi ia32 ia32_lo ia32_hi tp tp_lo tp_hi\n");
	for (size_t i = 0; i < trend->nrows; i++) {
		fprintf(data, "%zu", i + 1);
		for (int p = 0; p < PENALTY_COUNT; p++) {
			const struct penalty_point *pt = &trend->rows[i].penalty[p];
			double lower = pt->lower, upper = pt->upper;

			has[p] |= pt->valid;
			/* Without a CI the bar collapses onto the estimate. */
			if (isnan(lower) || isnan(upper))
				lower = upper = pt->estimate;
			fprintf(data, " %.3f %.3f %.3f", pt->estimate, lower, upper);
		}
		fprintf(data, "\n");
	}

	fprintf(settings, "datafile = ");
	print_gnuplot_string(settings, data_path);
	fprintf(settings, "\noutfile = ");
	print_gnuplot_string(settings, out_tmp);
	fprintf(settings, "\nfmt = '%s'\n", strstr(args->plot, ".svg") ? "svg" : "png");
	snprintf(title, sizeof(title), "ttmbench trend: %s penalties, CI (level per row) (%s)",
		 args->syscall, args->history);
	fprintf(settings, "plottitle = ");
	print_gnuplot_string(settings, title);
	fprintf(settings, "\nhas_native = %d\nhas_ia32 = %d\nhas_tracepoint = %d\n", has[0],
		has[1], has[2]);

	fprintf(settings, "set xtics (");
	for (size_t i = 0; i < trend->nrows; i += step) {
		tic_label(trend->rows[i].time, label, sizeof(label));
		fprintf(settings, "%s", i ? ", " : "");
		print_gnuplot_string(settings, label);
		fprintf(settings, " %zu", i + 1);
	}
	fprintf(settings, ")\nset xrange [0.5:%zu.5]\n", trend->nrows);
	return has[0] || has[1] || has[2] ? 0 : -ENODATA;
}

/* scripts/plot-trend.gp next to the build folder of this binary, or $TTMBENCH_PLOT_SCRIPT. */
static bool find_plot_script(char *path, size_t len)
{
	const char *env = getenv("TTMBENCH_PLOT_SCRIPT");
	char exe[PATH_MAX];
	ssize_t n;

	if (env && *env) {
		snprintf(path, len, "%s", env);
		return !access(path, R_OK);
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		snprintf(path, len, "%s/../scripts/plot-trend.gp", dirname(exe));
		if (!access(path, R_OK))
			return true;
	}
	snprintf(path, len, "scripts/plot-trend.gp");
	return !access(path, R_OK);
}

static int run_gnuplot(const char *settings_path, const char *script)
{
	char *const argv[] = { "gnuplot", (char *)settings_path, (char *)script, NULL };
	int status, err;
	pid_t pid;

	err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
	if (err) {
		fprintf(stderr, "ttmbench trend: starting gnuplot failed: %s; install gnuplot-nox\n",
			strerror(err));
		return -err;
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "ttmbench trend: gnuplot failed (%s %d); its messages are above\n",
			WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		return -EIO;
	}
	return 0;
}

static int plot(const struct trend_args *args, const struct trend *trend)
{
	char data_path[] = "/tmp/ttmbench-trend-data.XXXXXX";
	char settings_path[] = "/tmp/ttmbench-trend-settings.XXXXXX";
	char script[PATH_MAX], out_tmp[PATH_MAX];
	int data_fd, settings_fd, status = TTM_EXIT_FAILURE, err;
	FILE *data = NULL, *settings = NULL;

	if (!find_plot_script(script, sizeof(script))) {
		fprintf(stderr, "ttmbench trend: plot script %s not found; set TTMBENCH_PLOT_SCRIPT "
				"to scripts/plot-trend.gp\n",
			script);
		return TTM_EXIT_FAILURE;
	}

	data_fd = mkstemp(data_path);
	settings_fd = mkstemp(settings_path);
	if (data_fd >= 0)
		data = fdopen(data_fd, "w");
	if (settings_fd >= 0)
		settings = fdopen(settings_fd, "w");
	if (!data || !settings) {
		fprintf(stderr, "ttmbench trend: creating temporary files in /tmp failed: %s\n",
			strerror(errno));
		goto out;
	}

	snprintf(out_tmp, sizeof(out_tmp), "%s.tmp.%d", args->plot, (int)getpid());
	err = write_plot_inputs(data, settings, args, trend, data_path, out_tmp);
	if (fclose(data) | fclose(settings))
		err = err ? err : -EIO;
	data = settings = NULL;
	if (err == -ENODATA) {
		fprintf(stderr, "ttmbench trend: nothing to plot: no run in %s has a penalty for %s\n",
			args->history, args->syscall);
		status = TTM_EXIT_USAGE;
		goto out;
	}
	if (err) {
		fprintf(stderr, "ttmbench trend: writing the gnuplot input failed\n");
		goto out;
	}

	if (run_gnuplot(settings_path, script)) {
		unlink(out_tmp);
		goto out;
	}
	if (rename(out_tmp, args->plot)) {
		fprintf(stderr, "ttmbench trend: renaming %s to %s failed: %s\n", out_tmp, args->plot,
			strerror(errno));
		unlink(out_tmp);
		goto out;
	}
	printf("\nPlot written to %s\n", args->plot);
	status = TTM_EXIT_OK;
out:
	if (data)
		fclose(data);
	if (settings)
		fclose(settings);
	if (data_fd >= 0)
		unlink(data_path);
	if (settings_fd >= 0)
		unlink(settings_path);
	return status;
}

int cmd_trend(int argc, char **argv)
{
	const struct argp argp = { options, parse_arg, NULL, doc, NULL, NULL, NULL };
	struct trend_args args = { .history = TTM_HISTORY_DEFAULT_PATH, .syscall = "openat" };
	struct trend trend = {};
	int status;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &args))
		return TTM_EXIT_USAGE;

	/* Check the plot's folder before reading anything, so a typo fails fast. */
	if (args.plot) {
		char copy[PATH_MAX];

		snprintf(copy, sizeof(copy), "%s", args.plot);
		if (access(dirname(copy), W_OK)) {
			fprintf(stderr,
				"ttmbench trend: invalid --plot '%s': its folder is not writable (%s); "
				"create it first\n",
				args.plot, strerror(errno));
			return TTM_EXIT_USAGE;
		}
	}

	status = load_history(args.history, args.syscall, &trend);
	if (status)
		goto out;
	print_table(&args, &trend);
	if (args.plot)
		status = plot(&args, &trend);
out:
	free(trend.rows);
	return status;
}
