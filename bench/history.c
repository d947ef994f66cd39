// SPDX-License-Identifier: GPL-2.0
/* The run history (results/history.jsonl), the CI summary line and --fail-on. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/history.h"

static const char *const penalty_names[] = { "native_penalty", "ia32_penalty",
					     "tracepoint_penalty" };

static json_t *copy_or_null(const json_t *value)
{
	return value ? json_deep_copy(value) : json_null();
}

/* The fields of a penalty comparison the history keeps. */
static json_t *penalty_entry(const json_t *penalty)
{
	static const char *const keys[] = { "a",	   "b",	       "mode",	   "n",
					    "estimate_ns", "ci_lower", "ci_upper", "ci_level",
					    "relative_pct" };
	json_t *o;

	if (!json_is_object(penalty))
		return json_null();
	o = json_object();
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		json_object_set_new(o, keys[k], copy_or_null(json_object_get(penalty, keys[k])));
	return o;
}

json_t *ttm_history_entry(const json_t *results, const char *results_dir)
{
	const json_t *host = json_object_get(results, "host");
	const json_t *verdicts = json_object_get(results, "verdicts");
	const json_t *syscalls = json_object_get(verdicts, "syscalls"), *sc;
	const char *schema = json_string_value(json_object_get(results, "schema"));
	json_t *entry, *list;
	size_t i;

	if (!schema || strcmp(schema, "ttmbench.results") || !json_is_object(host) ||
	    !json_is_array(syscalls))
		return NULL;

	entry = json_object();
	list = json_array();
	json_object_set_new(entry, "schema", json_string(TTM_HISTORY_SCHEMA));
	json_object_set_new(entry, "schema_version", json_integer(TTM_HISTORY_SCHEMA_VERSION));
	json_object_set_new(entry, "time", copy_or_null(json_object_get(results, "end_time")));
	json_object_set_new(entry, "start_time",
			    copy_or_null(json_object_get(results, "start_time")));
	json_object_set_new(entry, "host", copy_or_null(json_object_get(host, "hostname")));
	json_object_set_new(entry, "kernel", copy_or_null(json_object_get(host, "kernel_release")));
	json_object_set_new(entry, "timing", copy_or_null(json_object_get(host, "timing")));
	json_object_set_new(entry, "accel", copy_or_null(json_object_get(host, "accel")));
	json_object_set_new(entry, "complete", copy_or_null(json_object_get(results, "complete")));
	json_object_set_new(entry, "verdict",
			    copy_or_null(json_object_get(json_object_get(verdicts, "overall"),
							 "verdict")));
	json_object_set_new(entry, "results", results_dir ? json_string(results_dir) : json_null());

	json_array_foreach(syscalls, i, sc) {
		json_t *s = json_object();

		json_object_set_new(s, "syscall", copy_or_null(json_object_get(sc, "syscall")));
		json_object_set_new(s, "verdict", copy_or_null(json_object_get(sc, "verdict")));
		for (size_t p = 0; p < sizeof(penalty_names) / sizeof(penalty_names[0]); p++)
			json_object_set_new(s, penalty_names[p],
					    penalty_entry(json_object_get(sc, penalty_names[p])));
		json_array_append_new(list, s);
	}
	json_object_set_new(entry, "syscalls", list);
	return entry;
}

int ttm_history_append(const char *history_path, const json_t *results, const char *results_dir)
{
	json_t *entry = ttm_history_entry(results, results_dir);
	char *text, *line;
	ssize_t written;
	int fd, len, err = 0;

	if (!entry)
		return -EINVAL;
	text = json_dumps(entry, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(entry);
	if (!text)
		return -ENOMEM;

	/* The newline goes in the same write, so a line is never split. */
	len = asprintf(&line, "%s\n", text);
	free(text);
	if (len < 0)
		return -ENOMEM;

	fd = open(history_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		err = -errno;
		free(line);
		return err;
	}
	written = write(fd, line, len);
	if (written < 0)
		err = -errno;
	else if (written != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	free(line);
	return err;
}

/* "openat:+35.2ns[+30.1,+40.3]" for the syscall whose penalty has the largest CI upper bound. */
static void max_penalty(const json_t *syscalls, const char *name, char *buf, size_t len)
{
	const json_t *sc, *best = NULL;
	double best_upper = -INFINITY;
	size_t i;

	json_array_foreach(syscalls, i, sc) {
		const json_t *p = json_object_get(sc, name);
		const json_t *upper = json_object_get(p, "ci_upper");

		if (!json_is_number(upper) || !json_is_number(json_object_get(p, "estimate_ns")))
			continue;
		if (json_number_value(upper) > best_upper) {
			best_upper = json_number_value(upper);
			best = sc;
		}
	}
	if (!best) {
		snprintf(buf, len, "none");
		return;
	}
	snprintf(buf, len, "%s:%+.1fns[%+.1f,%+.1f]",
		 json_string_value(json_object_get(best, "syscall")),
		 json_number_value(json_object_get(json_object_get(best, name), "estimate_ns")),
		 json_number_value(json_object_get(json_object_get(best, name), "ci_lower")),
		 best_upper);
}

int ttm_ci_summary_line(const json_t *results, FILE *out)
{
	const json_t *verdicts = json_object_get(results, "verdicts");
	const json_t *syscalls = json_object_get(verdicts, "syscalls"), *sc;
	const char *overall = json_string_value(json_object_get(json_object_get(verdicts, "overall"),
								"verdict"));
	size_t holds = 0, violated = 0, inconclusive = 0, i;
	char native[96], ia32[96], tracepoint[96];

	if (!overall || !json_is_array(syscalls))
		return -EINVAL;
	json_array_foreach(syscalls, i, sc) {
		const char *v = json_string_value(json_object_get(sc, "verdict"));

		holds += v && !strcmp(v, "holds");
		violated += v && !strcmp(v, "violated");
		inconclusive += v && !strcmp(v, "inconclusive");
	}
	max_penalty(syscalls, "native_penalty", native, sizeof(native));
	max_penalty(syscalls, "ia32_penalty", ia32, sizeof(ia32));
	max_penalty(syscalls, "tracepoint_penalty", tracepoint, sizeof(tracepoint));

	fprintf(out,
		"ttmbench-ci: verdict=%s complete=%s holds=%zu violated=%zu inconclusive=%zu "
		"native_penalty_max=%s ia32_penalty_max=%s tracepoint_penalty_max=%s\n",
		overall, json_is_true(json_object_get(results, "complete")) ? "true" : "false",
		holds, violated, inconclusive, native, ia32, tracepoint);
	return 0;
}

int ttm_parse_fail_on(const char *arg, enum ttm_fail_on *out, char *err, size_t err_len)
{
	if (!strcmp(arg, "violated"))
		*out = TTM_FAIL_ON_VIOLATED;
	else if (!strcmp(arg, "inconclusive"))
		*out = TTM_FAIL_ON_INCONCLUSIVE;
	else if (!strcmp(arg, "never"))
		*out = TTM_FAIL_ON_NEVER;
	else {
		snprintf(err, err_len,
			 "invalid --fail-on '%s': expected violated, inconclusive or never", arg);
		return -EINVAL;
	}
	return 0;
}

int ttm_fail_on_verdict(const char *verdict, enum ttm_fail_on rule)
{
	if (!verdict || rule == TTM_FAIL_ON_NEVER)
		return 0;
	if (!strcmp(verdict, "violated"))
		return 1;
	return rule == TTM_FAIL_ON_INCONCLUSIVE && !strcmp(verdict, "inconclusive");
}

int ttm_fail_on_status(const json_t *results, enum ttm_fail_on rule)
{
	const json_t *overall = json_object_get(json_object_get(results, "verdicts"), "overall");

	return ttm_fail_on_verdict(json_string_value(json_object_get(overall, "verdict")), rule);
}
