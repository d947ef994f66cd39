// SPDX-License-Identifier: GPL-2.0
/* jansson values shared by results.json, sweep.json and ringbuf.json. */
#include "bench/json_util.h"

json_t *ttm_json_time(time_t t)
{
	char buf[32];
	struct tm tm;

	if (!t)
		return json_null();
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

json_t *ttm_json_string_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *ttm_json_counters(const struct ttm_counters *c)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "fired", (json_int_t)c->fired,
			 "drop_filter", (json_int_t)c->drop_filter, "drop_sampling",
			 (json_int_t)c->drop_sampling, "lost_ringbuf_full",
			 (json_int_t)c->lost_ringbuf_full, "lost_no_ringbuf",
			 (json_int_t)c->lost_no_ringbuf, "lost_scratch", (json_int_t)c->lost_scratch,
			 "submitted", (json_int_t)c->submitted, "read_errors",
			 (json_int_t)c->read_errors);
}
