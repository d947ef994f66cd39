/* SPDX-License-Identifier: GPL-2.0 */
/* jansson values shared by results.json, sweep.json and ringbuf.json. */
#ifndef TTM_JSON_UTIL_H
#define TTM_JSON_UTIL_H

#include <time.h>

#include <jansson.h>

#include "probes/loader.h"

/*
 * Create an output document holding schema, schema_version, tool and
 * command_line: "ttmbench", command, then argv[1] to argv[argc - 1]. argv[0]
 * is the subcommand's own name, as argp receives it.
 */
json_t *ttm_json_document(const char *schema, int version, const char *command, int argc,
			  char **argv);

/* Return t as an ISO 8601 UTC string (2026-01-01T12:00:00Z), or null when t is 0. */
json_t *ttm_json_time(time_t t);

/* Return s as a string, or null when s is NULL or empty. */
json_t *ttm_json_string_or_null(const char *s);

/* Build the object of one program's probe counters, one member per counter. */
json_t *ttm_json_counters(const struct ttm_counters *c);

#endif /* TTM_JSON_UTIL_H */
