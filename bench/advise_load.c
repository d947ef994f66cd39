// SPDX-License-Identifier: GPL-2.0
/* Sweeps for `ttmbench advise`: one sweep.json with its checks, or the newest complete one. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench/sweep.h"
#include "bench/sweep_advise.h"

/* Parse path (a sweep folder or its sweep.json) and check schema, version and structure. */
static json_t *load_sweep_file(const char *path, char *err, size_t err_len)
{
	char file[PATH_MAX + 16];
	json_error_t jerr;
	const char *schema, *missing = NULL;
	json_int_t version;
	struct stat st;
	json_t *json;

	if (stat(path, &st)) {
		snprintf(err, err_len, "results '%s' not found: give a folder written by ttmbench "
				       "sweep", path);
		return NULL;
	}
	if (S_ISDIR(st.st_mode))
		snprintf(file, sizeof(file), "%s/sweep.json", path);
	else
		snprintf(file, sizeof(file), "%s", path);
	if (access(file, R_OK)) {
		snprintf(err, err_len, "folder '%s' holds no sweep.json: give a folder written by "
				       "ttmbench sweep", path);
		return NULL;
	}

	json = json_load_file(file, 0, &jerr);
	if (!json) {
		snprintf(err, err_len, "invalid JSON in '%s' (line %d): %s; give a sweep.json "
				       "written by ttmbench sweep", file, jerr.line, jerr.text);
		return NULL;
	}
	schema = json_string_value(json_object_get(json, "schema"));
	version = json_integer_value(json_object_get(json, "schema_version"));
	if (!schema || strcmp(schema, TTM_SWEEP_SCHEMA) || version != TTM_SWEEP_SCHEMA_VERSION) {
		snprintf(err, err_len, "'%s' has schema '%s' version %lld, expected '%s' version "
				       "%d: give a sweep.json written by this ttmbench sweep", file,
			 schema ? schema : "(none)", (long long)version, TTM_SWEEP_SCHEMA,
			 TTM_SWEEP_SCHEMA_VERSION);
		json_decref(json);
		return NULL;
	}

	if (!json_is_object(json_object_get(json, "parameters")))
		missing = "a parameters object";
	else if (!json_is_array(json_object_get(json, "points")))
		missing = "a points array";
	else if (!json_is_boolean(json_object_get(json, "complete")))
		missing = "a complete flag (true or false)";
	if (missing) {
		snprintf(err, err_len, "'%s' has the schema of a sweep but lacks %s: give a "
				       "sweep.json written by ttmbench sweep", file, missing);
		json_decref(json);
		return NULL;
	}
	return json;
}

/* The sweep's incomplete_reason, or NULL when it ran to completion. */
static const char *incomplete_reason(json_t *sweep)
{
	const char *reason;

	if (json_is_true(json_object_get(sweep, "complete")))
		return NULL;
	reason = json_string_value(json_object_get(sweep, "incomplete_reason"));
	return reason ? reason : "no reason recorded";
}

int ttm_advise_load(const char *path, json_t **out, char *err, size_t err_len)
{
	json_t *json = load_sweep_file(path, err, err_len);
	const char *reason;

	*out = NULL;
	if (!json)
		return -EINVAL;

	/*
	 * An interrupted sweep contains points from fewer repetitions than
	 * requested and ratios that never ran, so advice from it would rest on
	 * whichever points happened to finish.
	 */
	reason = incomplete_reason(json);
	if (reason) {
		snprintf(err, err_len, "sweep '%s' is incomplete (%s): rerun ttmbench sweep and "
				       "let it finish, or give --results a complete sweep",
			 path, reason);
		json_decref(json);
		return -EINVAL;
	}
	*out = json;
	return 0;
}

static int is_sweep_folder(const struct dirent *de)
{
	size_t n = strlen(de->d_name), suffix_len = strlen(TTM_SWEEP_FOLDER_SUFFIX);

	return n > suffix_len && !strcmp(de->d_name + n - suffix_len, TTM_SWEEP_FOLDER_SUFFIX);
}

/* Append the line "skipped DIR: PROBLEM" at buf + *used. A line that does not fit is cut short. */
static void append_skipped(char *buf, size_t len, size_t *used, const char *dir,
			   const char *problem)
{
	int n;

	if (*used >= len)
		return;
	n = snprintf(buf + *used, len - *used, "skipped %s: %s\n", dir, problem);
	if (n > 0)
		*used += (size_t)n;
}

int ttm_advise_newest_sweep(const char *root, char *out, size_t len, char *skipped,
			    size_t skipped_len, char *err, size_t err_len)
{
	struct dirent **names;
	size_t used = 0;
	bool found = false;
	int n;

	if (skipped_len)
		skipped[0] = '\0';
	n = scandir(root, &names, is_sweep_folder, alphasort);
	if (n < 0) {
		snprintf(err, err_len, "no results folder '%s' (%s): run ttmbench sweep first, or "
				       "give --results DIR", root, strerror(errno));
		return -ENOENT;
	}

	/* Folder names start with the UTC timestamp, so the newest sorts last. */
	for (int i = n - 1; i >= 0 && !found; i--) {
		char dir[PATH_MAX], file[PATH_MAX + 16], problem[1024];
		const char *incomplete;
		json_t *sweep;

		snprintf(dir, sizeof(dir), "%s/%s", root, names[i]->d_name);
		snprintf(file, sizeof(file), "%s/sweep.json", dir);
		if (access(file, F_OK))
			continue;

		sweep = load_sweep_file(dir, problem, sizeof(problem));
		incomplete = sweep ? incomplete_reason(sweep) : NULL;
		if (sweep && !incomplete) {
			snprintf(out, len, "%s", dir);
			found = true;
		} else if (sweep) {
			snprintf(problem, sizeof(problem), "the sweep is incomplete (%s)", incomplete);
		}
		if (!found)
			append_skipped(skipped, skipped_len, &used, dir, problem);
		json_decref(sweep);
	}

	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (!found) {
		snprintf(err, err_len, "no complete sweep found in '%s': run ttmbench sweep first, "
				       "or give --results DIR", root);
		return -ENOENT;
	}
	return 0;
}
