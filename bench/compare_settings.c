// SPDX-License-Identifier: GPL-2.0
/*
 * The checks `ttmbench compare` makes before it compares: two runs are only
 * comparable when they measured with the same settings, and BASELINE should be
 * the older run.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench/compare.h"

/* Object and field of each setting that changes ns/op. */
static const struct {
	const char *object;
	const char *field;
} settings[TTM_COMPARE_SETTINGS] = {
	{ "parameters", "rate" },	    { "parameters", "sampling_ratio" },
	{ "parameters", "dropping_mode" }, { "parameters", "duration_s" },
	{ "parameters", "ops" },	    { "host", "kernel_release" },
	{ "host", "timing" },
};

/* 100000 and 100000.0 are the same setting, but jansson's json_equal() treats them as different. */
static bool same_value(const json_t *x, const json_t *y)
{
	if (json_is_number(x) && json_is_number(y))
		return json_number_value(x) == json_number_value(y);
	return json_equal(x, y);
}

static void format_value(char *buf, size_t len, const json_t *value)
{
	char *text;

	if (!value) {
		snprintf(buf, len, "missing");
		return;
	}
	text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
	snprintf(buf, len, "%s", text ? text : "?");
	free(text);
}

size_t ttm_compare_settings(const json_t *base, const json_t *new, struct ttm_setting_diff *diffs)
{
	size_t n = 0;

	for (size_t i = 0; i < TTM_COMPARE_SETTINGS; i++) {
		const json_t *b = json_object_get(json_object_get(base, settings[i].object),
						  settings[i].field);
		const json_t *v = json_object_get(json_object_get(new, settings[i].object),
						  settings[i].field);

		if ((!b && !v) || (b && v && same_value(b, v)))
			continue;
		snprintf(diffs[n].name, sizeof(diffs[n].name), "%s.%s", settings[i].object,
			 settings[i].field);
		format_value(diffs[n].base, sizeof(diffs[n].base), b);
		format_value(diffs[n].new, sizeof(diffs[n].new), v);
		n++;
	}
	return n;
}

bool ttm_compare_new_is_older(const json_t *base, const json_t *new)
{
	const char *base_start = json_string_value(json_object_get(base, "start_time"));
	const char *new_start = json_string_value(json_object_get(new, "start_time"));

	/* UTC ISO 8601 times of the same format sort as strings. */
	return base_start && new_start && strcmp(new_start, base_start) < 0;
}

void ttm_compare_add_warning(struct ttm_compare *cmp, const char *fmt, ...)
{
	va_list ap;

	if (cmp->nwarnings == TTM_COMPARE_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	vsnprintf(cmp->warnings[cmp->nwarnings], TTM_COMPARE_WARNING_LEN, fmt, ap);
	va_end(ap);
	cmp->nwarnings++;
}
