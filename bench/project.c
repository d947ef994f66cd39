// SPDX-License-Identifier: GPL-2.0
/*
 * ttmbench project: the CPU cost of each ia32 hook design for a given mix of
 * native and ia32 calls and a syscall rate, from the penalties measured in a
 * results folder (results.json of `ttmbench run`).
 *
 *   cost (% of one CPU) = rate * (native% * native penalty + ia32% * ia32 penalty) / 1e9 * 100
 *
 * The CI bounds are carried through by putting each penalty's lower (upper)
 * bound in the same formula. The two intervals come from different cells. By
 * Bonferroni, the combined interval covers with at least
 * 1 - (1 - level_native) - (1 - level_ia32), which is 90 % for two 95 %
 * intervals and less when the run had few repetitions. Each row prints it.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "bench/commands.h"
#include "bench/results.h"

struct project_options {
	double native_pct;
	double ia32_pct;
	double rate;
	const char *results_dir;
	bool json;
};

/* Rows whose coverage bound or penalty level is below this get a warning. */
#define LOW_LEVEL 0.90

/* A penalty read from results.json: estimate and CI, in ns per call. */
struct penalty {
	bool valid;
	bool exact; /* a known zero (tracepoints on ia32 calls), no CI to combine */
	double estimate, lower, upper;
	double level; /* ci_level, NAN when missing */
};

static const struct penalty zero_penalty = { .valid = true, .exact = true };

static const char doc[] =
	"Project the CPU cost of each ia32 hook design (kprobe, rawtp, tp_btf, fentry) and of "
	"the tracepoints for a mix of native and ia32 calls at a syscall rate, from the "
	"penalties of a `ttmbench run` results folder.\v"
	"cost (% of one CPU) = rate x (native share x native penalty + ia32 share x ia32 "
	"penalty) / 1e9 x 100. Native penalty: the design's set with the tracepoints minus tp "
	"on native calls; ia32 penalty: the design alone minus none on ia32 calls; the "
	"tracepoints row: tp minus none on native calls. The interval puts both penalties' "
	"CI bounds in the formula. Each row shows the CI level of the penalties it used and "
	"the coverage the interval has at least (Bonferroni: 90% for two 95% intervals); a "
	"level below 90% or an incomplete run gets a warning on stderr.\n\n"
	"Examples:\n"
	"  ttmbench project --mix 99:1 --rate 50000\n"
	"  ttmbench project --mix 90:10 --rate 2e5 --results results/20260101T000000Z-host\n\n"
	"Exit status: 0, 1 when no penalty could be projected, 2 bad input.";

static const struct argp_option options[] = {
	{ "mix", 'm', "NATIVE_PCT:IA32_PCT", 0,
	  "Shares of native and ia32 calls in percent, summing to 100 (required)", 0 },
	{ "rate", 'r', "OPS", 0, "Calls of the syscall per second, above 0 (required)", 0 },
	{ "results", 'R', "DIR", 0, "Results folder of `ttmbench run` (default: results/latest)",
	  0 },
	{ "json", 'j', NULL, 0, "Print a JSON object instead of the table", 0 },
	{},
};

static void parse_mix(struct argp_state *state, const char *arg, struct project_options *o)
{
	char *end = NULL, *colon = strchr(arg, ':');

	errno = 0;
	if (colon)
		o->native_pct = strtod(arg, &end);
	if (!colon || errno || end != colon)
		goto invalid;
	o->ia32_pct = strtod(colon + 1, &end);
	if (errno || end == colon + 1 || *end || !isfinite(o->native_pct) ||
	    !isfinite(o->ia32_pct) || o->native_pct < 0 || o->ia32_pct < 0 ||
	    fabs(o->native_pct + o->ia32_pct - 100) > 1e-6)
		goto invalid;
	return;
invalid:
	argp_error(state, "invalid --mix '%s': give NATIVE_PCT:IA32_PCT, two non-negative "
			  "percentages summing to 100, e.g. 99:1", arg);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	struct project_options *o = state->input;
	char *end = NULL;

	switch (key) {
	case 'm':
		parse_mix(state, arg, o);
		break;
	case 'r':
		errno = 0;
		o->rate = strtod(arg, &end);
		if (errno || end == arg || *end || !isfinite(o->rate) || o->rate <= 0)
			argp_error(state, "invalid --rate '%s': give calls per second above 0, e.g. "
					  "50000", arg);
		break;
	case 'R':
		o->results_dir = arg;
		break;
	case 'j':
		o->json = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s': project takes only options", arg);
		break;
	case ARGP_KEY_END:
		if (o->rate <= 0)
			argp_error(state, "--rate is required: give calls per second, e.g. 50000");
		if (o->native_pct + o->ia32_pct <= 0)
			argp_error(state, "--mix is required: give NATIVE_PCT:IA32_PCT, e.g. 99:1");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct penalty read_penalty(json_t *obj)
{
	struct penalty p = {};
	json_t *lower = json_object_get(obj, "ci_lower"), *upper = json_object_get(obj, "ci_upper");

	if (!json_is_object(obj) || !json_is_number(json_object_get(obj, "estimate_ns")) ||
	    !json_is_number(lower) || !json_is_number(upper))
		return p;
	p.valid = true;
	p.estimate = json_number_value(json_object_get(obj, "estimate_ns"));
	p.lower = json_number_value(lower);
	p.upper = json_number_value(upper);
	p.level = json_is_number(json_object_get(obj, "ci_level")) ?
			  json_number_value(json_object_get(obj, "ci_level")) :
			  NAN;
	return p;
}

/* tp - none on native calls of one syscall, from the comparisons array. */
static struct penalty tracepoint_penalty(json_t *root, const char *syscall)
{
	size_t i;
	json_t *c;

	json_array_foreach(json_object_get(root, "comparisons"), i, c) {
		const char *sc = json_string_value(json_object_get(c, "syscall"));
		const char *mode = json_string_value(json_object_get(c, "mode"));
		const char *a = json_string_value(json_object_get(c, "a"));
		const char *b = json_string_value(json_object_get(c, "b"));

		if (sc && mode && a && b && !strcmp(sc, syscall) && !strcmp(mode, "native") &&
		    !strcmp(a, "tp") && !strcmp(b, "none"))
			return read_penalty(c);
	}
	return (struct penalty){};
}

/* Percent of one CPU for shares (fractions) and per-call costs in ns. */
static double cpu_pct(double rate, double native_share, double native_ns, double ia32_share,
		      double ia32_ns)
{
	return rate * (native_share * native_ns + ia32_share * ia32_ns) / 1e9 * 100;
}

static json_t *level_json(bool used, const struct penalty *p)
{
	return used && !p->exact && !isnan(p->level) ? json_real(p->level) : json_null();
}

/* Bonferroni lower bound on the coverage of the combined interval; NAN when a level is unknown. */
static double coverage_bound(bool native_used, const struct penalty *native, bool ia32_used,
			     const struct penalty *ia32)
{
	double miss = 0;

	if (native_used && !native->exact)
		miss += 1 - native->level;
	if (ia32_used && !ia32->exact)
		miss += 1 - ia32->level;
	return miss > 0 ? 1 - miss : (isnan(miss) ? NAN : 1);
}

/* Project one row; returns a JSON object, or NULL when a needed penalty is missing. */
static json_t *project_row(const struct project_options *o, const char *design,
			   const char *syscall, struct penalty native, struct penalty ia32,
			   char *why, size_t len)
{
	double n = o->native_pct / 100, i = o->ia32_pct / 100, coverage;

	if (n > 0 && !native.valid) {
		snprintf(why, len, "no native penalty with a CI in the results");
		return NULL;
	}
	if (i > 0 && !ia32.valid) {
		snprintf(why, len, "no ia32 penalty with a CI in the results");
		return NULL;
	}
	if (!native.valid)
		native = zero_penalty;
	if (!ia32.valid)
		ia32 = zero_penalty;
	coverage = coverage_bound(n > 0, &native, i > 0, &ia32);

	return json_pack("{s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:o}", "design", design,
			 "syscall", syscall, "native_penalty_ns", native.estimate, "ia32_penalty_ns",
			 ia32.estimate, "cpu_pct", cpu_pct(o->rate, n, native.estimate, i, ia32.estimate),
			 "cpu_pct_lower", cpu_pct(o->rate, n, native.lower, i, ia32.lower),
			 "cpu_pct_upper", cpu_pct(o->rate, n, native.upper, i, ia32.upper),
			 "native_ci_level", level_json(n > 0, &native), "ia32_ci_level",
			 level_json(i > 0, &ia32), "coverage_min",
			 isnan(coverage) ? json_null() : json_real(coverage));
}

/* "at 96%", or "not used" for a penalty the mix does not use or that is known to be zero. */
static void format_level(char *buf, size_t len, const json_t *level)
{
	if (json_is_number(level))
		snprintf(buf, len, "at %.0f%%", json_number_value(level) * 100);
	else
		snprintf(buf, len, "not used");
}

static void print_row(json_t *row, const char *design, const char *syscall, const char *why)
{
	const json_t *coverage = json_object_get(row, "coverage_min");
	char native_level[32], ia32_level[32], bound[32];

	if (!row) {
		printf("%-12s %-9s n/a: %s\n", design, syscall, why);
		return;
	}
	format_level(native_level, sizeof(native_level), json_object_get(row, "native_ci_level"));
	format_level(ia32_level, sizeof(ia32_level), json_object_get(row, "ia32_ci_level"));
	if (json_is_number(coverage))
		snprintf(bound, sizeof(bound), ">= %.0f%%", json_number_value(coverage) * 100);
	else
		snprintf(bound, sizeof(bound), "unknown");
	printf("%-12s %-9s %10.4f%% [%9.4f%%, %9.4f%%] %-8s (native %+.1f ns %s, ia32 %+.1f ns "
	       "%s)\n",
	       design, syscall, json_number_value(json_object_get(row, "cpu_pct")),
	       json_number_value(json_object_get(row, "cpu_pct_lower")),
	       json_number_value(json_object_get(row, "cpu_pct_upper")), bound,
	       json_number_value(json_object_get(row, "native_penalty_ns")), native_level,
	       json_number_value(json_object_get(row, "ia32_penalty_ns")), ia32_level);
}

/* Warn on stderr, and in warnings, when a row's interval covers less than LOW_LEVEL. */
static void warn_low_level(const json_t *row, json_t *warnings)
{
	const json_t *coverage = json_object_get(row, "coverage_min");
	char text[256];

	if (json_is_number(coverage) && json_number_value(coverage) >= LOW_LEVEL - 1e-9)
		return;
	if (json_is_number(coverage))
		snprintf(text, sizeof(text),
			 "%s %s: the interval covers only >= %.0f%%, below 90%%, because a "
			 "penalty's CI level is low; run more repetitions",
			 json_string_value(json_object_get(row, "design")),
			 json_string_value(json_object_get(row, "syscall")),
			 json_number_value(coverage) * 100);
	else
		snprintf(text, sizeof(text),
			 "%s %s: a penalty has no ci_level, so the interval's coverage is unknown",
			 json_string_value(json_object_get(row, "design")),
			 json_string_value(json_object_get(row, "syscall")));
	fprintf(stderr, "ttmbench project: warning: %s\n", text);
	json_array_append_new(warnings, json_string(text));
}

/* Warn when the run stopped early: its penalties then rest on fewer repetitions. */
static void warn_incomplete(const json_t *root, const char *path, json_t *warnings)
{
	const char *reason = json_string_value(json_object_get(root, "incomplete_reason"));
	char text[PATH_MAX + 1024];

	if (!json_is_false(json_object_get(root, "complete")))
		return;
	snprintf(text, sizeof(text),
		 "%s is an incomplete run (%s): its penalties rest on the repetitions that ran",
		 path, reason ? reason : "no reason given");
	fprintf(stderr, "ttmbench project: warning: %s\n", text);
	json_array_append_new(warnings, json_string(text));
}

static json_t *load_results(const char *dir, char *path, size_t len)
{
	json_error_t error;
	json_t *root;
	const char *schema;

	snprintf(path, len, "%s/results.json", dir);
	root = json_load_file(path, 0, &error);
	if (!root) {
		fprintf(stderr, "ttmbench project: cannot read %s: %s; give the folder of a "
				"`ttmbench run` with --results\n", path, error.text);
		return NULL;
	}
	schema = json_string_value(json_object_get(root, "schema"));
	if (!schema || strcmp(schema, TTM_RESULTS_SCHEMA) ||
	    json_integer_value(json_object_get(root, "schema_version")) !=
		    TTM_RESULTS_SCHEMA_VERSION) {
		fprintf(stderr, "ttmbench project: %s is not a %s version %d file; give the folder "
				"of a `ttmbench run` with --results\n", path, TTM_RESULTS_SCHEMA,
			TTM_RESULTS_SCHEMA_VERSION);
		json_decref(root);
		return NULL;
	}
	return root;
}

int cmd_project(int argc, char **argv)
{
	const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct project_options o = { .results_dir = "results/latest" };
	json_t *root, *rows = json_array(), *warnings = json_array(), *syscalls, *d, *s;
	char path[4200], why[128];
	size_t i;
	int projected = 0;

	argp_err_exit_status = TTM_EXIT_USAGE;
	if (argp_parse(&argp, argc, argv, 0, NULL, &o))
		return TTM_EXIT_USAGE;
	root = load_results(o.results_dir, path, sizeof(path));
	if (!root) {
		json_decref(rows);
		json_decref(warnings);
		return TTM_EXIT_USAGE;
	}
	warn_incomplete(root, path, warnings);

	if (!o.json)
		printf("Projected CPU cost for %.4g%% native and %.4g%% ia32 calls at %.6g calls/s "
		       "(%s)\n%-12s %-9s %11s  %-24s %-8s %s\n", o.native_pct, o.ia32_pct, o.rate, path,
		       "design", "syscall", "% of 1 CPU", "[interval]", "coverage",
		       "(penalties and their CI levels)");

	syscalls = json_object_get(json_object_get(root, "parameters"), "syscalls");
	json_array_foreach(syscalls, i, s) {
		const char *sc = json_string_value(s);
		json_t *row;

		if (!sc)
			continue;
		/* The tracepoints serve native calls only: their ia32 share costs nothing. */
		row = project_row(&o, "tracepoints", sc, tracepoint_penalty(root, sc), zero_penalty,
				  why, sizeof(why));
		if (!o.json)
			print_row(row, "tracepoints", sc, why);
		if (row) {
			warn_low_level(row, warnings);
			json_array_append_new(rows, row);
			projected++;
		}
	}

	json_array_foreach(json_object_get(root, "designs"), i, d) {
		const char *design = json_string_value(json_object_get(d, "design"));
		const char *sc = json_string_value(json_object_get(d, "syscall"));
		json_t *row;

		if (!design || !sc)
			continue;
		row = project_row(&o, design, sc, read_penalty(json_object_get(d, "native_penalty")),
				  read_penalty(json_object_get(d, "ia32_penalty")), why, sizeof(why));
		if (!o.json)
			print_row(row, design, sc, why);
		if (row) {
			warn_low_level(row, warnings);
			json_array_append_new(rows, row);
			projected++;
		}
	}

	if (o.json) {
		json_t *out = json_pack("{s:s, s:f, s:f, s:f, s:s, s:o, s:o}", "results", path,
					"native_pct", o.native_pct, "ia32_pct", o.ia32_pct, "rate",
					o.rate, "interval",
					"both penalties' CI bounds; each row's coverage_min is the "
					"Bonferroni bound from their ci_level",
					"warnings", json_incref(warnings), "rows", json_incref(rows));

		json_dumpf(out, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("\n");
		json_decref(out);
	}
	json_decref(rows);
	json_decref(warnings);
	json_decref(root);
	if (!projected) {
		fprintf(stderr, "ttmbench project: no penalty in %s could be projected: run "
				"`ttmbench run` with none, tp and the designs' configurations\n", path);
		return TTM_EXIT_FAILURE;
	}
	return TTM_EXIT_OK;
}
