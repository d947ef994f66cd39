// SPDX-License-Identifier: GPL-2.0
/* jansson values shared by results.json, sweep.json and ringbuf.json. */
#include "bench/json_util.h"
#include "bench/results.h"

json_t *ttm_json_document(const char *schema, int version, const char *command, int argc,
			  char **argv)
{
	json_t *o = json_object(), *args = json_array();

	json_object_set_new(o, "schema", json_string(schema));
	json_object_set_new(o, "schema_version", json_integer(version));
	json_object_set_new(o, "tool", json_pack("{s:s,s:s}", "name", "ttmbench", "version",
						 TTM_VERSION));
	json_array_append_new(args, json_string("ttmbench"));
	json_array_append_new(args, json_string(command));
	for (int i = 1; i < argc; i++)
		json_array_append_new(args, json_string(argv[i]));
	json_object_set_new(o, "command_line", args);
	return o;
}

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
