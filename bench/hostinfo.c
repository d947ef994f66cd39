// SPDX-License-Identifier: GPL-2.0
/* Host facts for results.json: everything that changes what a timing means. */
#include <cpuid.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "bench/hostinfo.h"

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

/* Return the first line of path without its newline, or NULL. */
static char *read_line(const char *path)
{
	char buf[512];
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

static json_t *string_or_null(char *s)
{
	json_t *v = s ? json_string(s) : json_null();

	free(s);
	return v;
}

static json_t *cpu_model(void)
{
	char line[512];
	FILE *f = fopen("/proc/cpuinfo", "r");
	json_t *model = NULL;

	if (!f)
		return json_null();
	while (!model && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) || !colon)
			continue;
		colon += 1 + strspn(colon + 1, " \t");
		colon[strcspn(colon, "\n")] = '\0';
		model = json_string(colon);
	}
	fclose(f);
	return model ? model : json_null();
}

static json_t *mitigations(void)
{
	json_t *obj = json_object();
	DIR *dir = opendir(VULN_DIR);
	struct dirent *de;

	if (!dir)
		return obj;
	while ((de = readdir(dir))) {
		char path[512];

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", VULN_DIR, de->d_name);
		json_object_set_new(obj, de->d_name, string_or_null(read_line(path)));
	}
	closedir(dir);
	return obj;
}

/* Output of `systemd-detect-virt`, or NULL when it is not installed. */
static char *systemd_detect_virt(void)
{
	char buf[128] = "";
	FILE *p;

	if (access("/usr/bin/systemd-detect-virt", X_OK) && access("/bin/systemd-detect-virt", X_OK))
		return NULL;
	p = popen("systemd-detect-virt 2>/dev/null", "r");
	if (!p)
		return NULL;
	if (!fgets(buf, sizeof(buf), p))
		buf[0] = '\0';
	pclose(p);
	buf[strcspn(buf, "\n")] = '\0';
	return buf[0] ? strdup(buf) : NULL;
}

static json_t *virtualization(void)
{
	json_t *obj = json_object();
	unsigned int eax, ebx, ecx, edx;
	bool hypervisor = false;

	if (__get_cpuid(1, &eax, &ebx, &ecx, &edx))
		hypervisor = ecx & (1U << 31);
	json_object_set_new(obj, "hypervisor_cpuid", json_boolean(hypervisor));

	if (hypervisor) {
		char vendor[13] = "";

		__cpuid(0x40000000, eax, ebx, ecx, edx);
		memcpy(vendor, &ebx, 4);
		memcpy(vendor + 4, &ecx, 4);
		memcpy(vendor + 8, &edx, 4);
		json_object_set_new(obj, "hypervisor_vendor", json_string(vendor));
	} else {
		json_object_set_new(obj, "hypervisor_vendor", json_null());
	}

	json_object_set_new(obj, "systemd_detect_virt", string_or_null(systemd_detect_virt()));
	json_object_set_new(obj, "dmi_sys_vendor",
			    string_or_null(read_line("/sys/class/dmi/id/sys_vendor")));
	json_object_set_new(obj, "dmi_product_name",
			    string_or_null(read_line("/sys/class/dmi/id/product_name")));
	return obj;
}

json_t *ttm_hostinfo_collect(void)
{
	json_t *host = json_object();
	const char *timing = getenv("TTMBENCH_TIMING");
	const char *accel = getenv("TTMBENCH_ACCEL");
	char hostname[256] = "";
	struct utsname uts;

	if (!host)
		return NULL;
	gethostname(hostname, sizeof(hostname) - 1);
	json_object_set_new(host, "hostname", json_string(hostname));

	if (uname(&uts) == 0) {
		json_object_set_new(host, "kernel_release", json_string(uts.release));
		json_object_set_new(host, "kernel_version", json_string(uts.version));
		json_object_set_new(host, "machine", json_string(uts.machine));
	}
	json_object_set_new(host, "cpu_model", cpu_model());
	json_object_set_new(host, "cpu_count", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(host, "mitigations", mitigations());
	json_object_set_new(host, "virtualization", virtualization());

	/* The kernel lab sets these in its guests; anything else is a real host. */
	json_object_set_new(host, "timing",
			    json_string(timing && !strcmp(timing, "emulated") ? "emulated" : "host"));
	json_object_set_new(host, "accel", accel && *accel ? json_string(accel) : json_null());
	return host;
}

json_t *ttm_hostinfo_load(void)
{
	double loadavg_1min;
	int running, total;
	FILE *f = fopen("/proc/loadavg", "re");
	int n;

	if (!f)
		return json_null();
	/* "0.52 0.40 0.31 3/412 12345": averages, running/total scheduling entities, last pid */
	n = fscanf(f, "%lf %*f %*f %d/%d", &loadavg_1min, &running, &total);
	fclose(f);
	if (n != 3)
		return json_null();
	return json_pack("{s:f, s:i, s:i}", "loadavg_1min", loadavg_1min, "running", running,
			 "total", total);
}

static void print_load(FILE *f, const json_t *load)
{
	if (!json_is_object(load)) {
		fprintf(f, "unknown");
		return;
	}
	fprintf(f, "loadavg %.2f, %lld running",
		json_real_value(json_object_get(load, "loadavg_1min")),
		(long long)json_integer_value(json_object_get(load, "running")));
}

void ttm_hostinfo_print_load(FILE *f, const json_t *host)
{
	const json_t *start = json_object_get(host, "load_start");

	if (!start)
		return;
	fprintf(f, "- host load (1-minute loadavg, running processes): at start ");
	print_load(f, start);
	fprintf(f, "; at end ");
	print_load(f, json_object_get(host, "load_end"));
	fprintf(f, "\n");
}
