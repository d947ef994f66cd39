/* SPDX-License-Identifier: GPL-2.0 */
/* Output folders and the workload binary, shared by the subcommands that write results. */
#ifndef TTM_OUTDIR_H
#define TTM_OUTDIR_H

#include <stddef.h>

/* Create path and its parents (mode 0755). Returns 0, or -errno of the first level that failed. */
int ttm_make_dirs(const char *path);

/* Create path like ttm_make_dirs, then check it with access(2) W_OK. Returns 0 or -errno. */
int ttm_make_writable_dirs(const char *path);

/* Format the current UTC time as 20260101T120000Z, the stamp in default folder names. */
void ttm_utc_stamp(char *buf, size_t len);

/*
 * Fill out with given, or with results/<UTC stamp>-<host><suffix> when given
 * is NULL or empty, then create that folder and write a test file in it. On
 * failure it prints "<cmd>: ..." with the fix and returns -errno.
 */
int ttm_prepare_out_dir(const char *given, const char *suffix, char *out, size_t len,
			const char *cmd);

/*
 * Remove the folder ttm_prepare_out_dir created when it is still empty, so a
 * command that ends before it measured anything leaves no folder behind. A
 * folder that existed before, or that contains files, is kept.
 */
void ttm_remove_created_out_dir(void);

/*
 * Find build/ttm-workload next to the running binary. When it is missing,
 * print "<cmd>: ..." with the fix and return -ENOENT.
 */
int ttm_find_workload(char *path, size_t len, const char *cmd);

#endif /* TTM_OUTDIR_H */
