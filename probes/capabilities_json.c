// SPDX-License-Identifier: GPL-2.0
/* The capabilities schema: struct ttm_capabilities as a jansson object. */
#include <stdio.h>

#include <jansson.h>

#include "probes/loader.h"

static json_t *status_to_json(const struct ttm_status *status)
{
	return json_pack("{s:b, s:s}", "available", status->available, "reason", status->reason);
}

static json_t *syscall_to_json(const struct ttm_capabilities *caps, int sc)
{
	const struct ttm_syscall_caps *s = &caps->sc[sc];
	const char *name = ttm_syscall_name(sc);
	char compat[64], plain[64];
	json_t *kprobe;

	snprintf(compat, sizeof(compat), "__ia32_compat_sys_%s", name);
	snprintf(plain, sizeof(plain), "__ia32_sys_%s", name);

	kprobe = status_to_json(&s->ia32_kprobe);
	if (s->ia32_kind >= 0) {
		int prog_id = TTM_PROG_ID(sc, s->ia32_kind);

		json_object_set_new(kprobe, "symbol",
				    json_string(s->ia32_kind == TTM_KIND_IA32_COMPAT ? compat : plain));
		json_object_set_new(kprobe, "program", json_string(ttm_prog_name(prog_id)));
	} else {
		json_object_set_new(kprobe, "symbol", json_null());
		json_object_set_new(kprobe, "program", json_null());
	}

	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:{s:s, s:b}, s:o, s:o}", "name", name,
			 "tracepoint", status_to_json(&s->tracepoint), "compat_symbol", "name",
			 compat, "present", s->compat_symbol, "plain_symbol", "name", plain,
			 "present", s->plain_symbol, "ia32_kprobe", kprobe, "ia32_fentry",
			 status_to_json(&s->ia32_fentry));
}

struct json_t *ttm_capabilities_to_json(const struct ttm_capabilities *caps)
{
	json_t *root, *syscalls = json_array(), *configs = json_object(), *tracefs;

	for (int sc = 0; sc < TTM_SC_COUNT; sc++)
		json_array_append_new(syscalls, syscall_to_json(caps, sc));
	for (int config = 0; config < TTM_CONFIG_COUNT; config++)
		json_object_set_new(configs, ttm_config_name(config),
				    status_to_json(&caps->config[config]));

	tracefs = status_to_json(&caps->tracefs);
	json_object_set_new(tracefs, "path", json_string(caps->tracefs_path));

	root = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o}",
			 "kernel_release", caps->kernel_release, "privileges",
			 status_to_json(&caps->root), "btf", status_to_json(&caps->btf), "tracefs",
			 tracefs, "kprobe", status_to_json(&caps->kprobe), "fentry",
			 status_to_json(&caps->fentry), "raw_tracepoint",
			 status_to_json(&caps->raw_tracepoint), "ia32_emulation",
			 status_to_json(&caps->ia32_emulation), "lockdown", caps->lockdown,
			 "syscalls", syscalls, "configs", configs);
	json_object_set_new(root, "tp_btf", status_to_json(&caps->tp_btf));
	json_object_set_new(root, "calibration", status_to_json(&caps->calibration));
	return root;
}
