// SPDX-License-Identifier: GPL-2.0
/* Merge the per-thread results into the summary line and the binary record. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workloads/workload.h"

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Nearest-rank quantile of sorted data. GSL has this, but there is no i386
 * GSL to link ttm-workload32 against.
 */
static double quantile_sorted(const double *sorted, size_t n, double q)
{
	size_t rank;

	if (n == 0)
		return 0;
	rank = (size_t)(q * (double)n + 0.999999);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

/* Fill the batch latency fields from the kept samples of every thread. */
static int fill_batch_stats(const struct wl_config *cfg, const struct wl_result *results,
			    struct ttm_workload_record *rec)
{
	size_t total = 0, pos = 0;
	bool have_min = false;
	double *all;

	for (unsigned int t = 0; t < cfg->threads; t++)
		total += results[t].nsamples;
	all = malloc((total ? total : 1) * sizeof(*all));
	if (!all)
		return -1;

	rec->batch_ns_per_op_min = 0;
	rec->batch_ns_per_op_max = 0;
	for (unsigned int t = 0; t < cfg->threads; t++) {
		const struct wl_result *r = &results[t];

		if (r->batches && (!have_min || r->batch_min < rec->batch_ns_per_op_min)) {
			rec->batch_ns_per_op_min = r->batch_min;
			have_min = true;
		}
		if (r->batch_max > rec->batch_ns_per_op_max)
			rec->batch_ns_per_op_max = r->batch_max;
		memcpy(all + pos, r->samples, r->nsamples * sizeof(*all));
		pos += r->nsamples;
	}

	/* NOTE: once a thread's sample buffer fills, it keeps every 2^k-th batch, so median and p99 are estimates. */
	qsort(all, total, sizeof(*all), compare_double);
	rec->batch_ns_per_op_median = quantile_sorted(all, total, 0.5);
	rec->batch_ns_per_op_p99 = quantile_sorted(all, total, 0.99);
	free(all);
	return 0;
}

static int compare_count_desc(const void *a, const void *b)
{
	const struct ttm_errno_count *x = a, *y = b;

	return (x->count < y->count) - (x->count > y->count);
}

/* Most frequent errnos first, into the record's fixed slots. */
static void fill_errnos(const struct wl_config *cfg, const struct wl_result *results,
			struct ttm_workload_record *rec)
{
	struct ttm_errno_count seen[WL_ERRNO_MAX];
	size_t nseen = 0;

	for (int err = 1; err < WL_ERRNO_MAX; err++) {
		uint64_t count = 0;

		for (unsigned int t = 0; t < cfg->threads; t++)
			count += results[t].errno_counts[err];
		if (count) {
			seen[nseen].err = err;
			seen[nseen].count = count;
			nseen++;
		}
	}

	qsort(seen, nseen, sizeof(seen[0]), compare_count_desc);
	for (size_t i = 0; i < nseen && i < TTM_RECORD_ERRNO_SLOTS; i++)
		rec->errnos[i] = seen[i];
}

static void print_summary(const struct wl_config *cfg, const struct ttm_workload_record *rec)
{
	char target[32];

	if (cfg->rate > 0)
		snprintf(target, sizeof(target), "%.0f", cfg->rate);
	else
		snprintf(target, sizeof(target), "max");

	printf("%s %s%s%s: %llu ops in %.3f s, %.0f ops/s (target %s), %llu errors",
	       wl_syscall_name(cfg->syscall), wl_entry_name(cfg->entry), cfg->family ? " " : "",
	       cfg->family ? wl_family_name(cfg->family) : "", (unsigned long long)rec->ops_issued,
	       (double)rec->elapsed_ns / 1e9, rec->achieved_rate, target, (unsigned long long)rec->errors);
	for (int i = 0; i < TTM_RECORD_ERRNO_SLOTS && rec->errnos[i].count; i++)
		printf("%s%s %llu", i ? ", " : " (", strerrorname_np(rec->errnos[i].err) ?: "?",
		       (unsigned long long)rec->errnos[i].count);
	if (rec->errnos[0].count)
		printf(")");
	printf(", %.1f ns/op; per batch min %.1f, median %.1f, p99 %.1f, max %.1f ns/op; %llu batches, %u thread%s\n",
	       rec->ns_per_op, rec->batch_ns_per_op_min, rec->batch_ns_per_op_median, rec->batch_ns_per_op_p99,
	       rec->batch_ns_per_op_max, (unsigned long long)rec->batches, rec->threads,
	       rec->threads == 1 ? "" : "s");
	fflush(stdout);
}

static int write_record(int fd, const struct ttm_workload_record *rec)
{
	const char *p = (const char *)rec;
	size_t left = sizeof(*rec);

	while (left > 0) {
		ssize_t n = write(fd, p, left);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "%s: failed to write the record to --record-fd %d: %s\n",
				program_invocation_short_name, fd, strerror(errno));
			return -1;
		}
		p += n;
		left -= (size_t)n;
	}
	return 0;
}

int wl_report(const struct wl_config *cfg, struct wl_result *results)
{
	struct ttm_workload_record rec = {
		.magic = TTM_RECORD_MAGIC,
		.version = TTM_RECORD_VERSION,
		.syscall = cfg->syscall,
		.entry = cfg->entry,
		.pid = getpid(),
		.threads = cfg->threads,
		.ops_requested = cfg->ops,
		.target_rate = cfg->rate,
		.extra_syscalls_per_op = wl_extra_syscalls_per_op(cfg->syscall),
		.family = (uint32_t)cfg->family,
	};
	uint64_t timed_ns = 0, last_end = 0;

	for (unsigned int t = 0; t < cfg->threads; t++) {
		rec.ops_issued += results[t].ops_issued;
		rec.errors += results[t].errors;
		rec.batches += results[t].batches;
		timed_ns += results[t].timed_ns;
		if (results[t].end_ns > last_end)
			last_end = results[t].end_ns;
	}
	rec.elapsed_ns = last_end - results[0].start_ns;
	rec.achieved_rate = rec.elapsed_ns ? (double)rec.ops_issued * 1e9 / (double)rec.elapsed_ns : 0;
	rec.ns_per_op = rec.ops_issued ? (double)timed_ns / (double)rec.ops_issued : 0;
	fill_errnos(cfg, results, &rec);
	if (fill_batch_stats(cfg, results, &rec) < 0) {
		fprintf(stderr, "%s: out of memory for the batch statistics\n", program_invocation_short_name);
		return -1;
	}

	if (!cfg->quiet)
		print_summary(cfg, &rec);
	if (cfg->record_fd >= 0 && write_record(cfg->record_fd, &rec) < 0)
		return -1;
	return 0;
}
