/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One attaching ttmbench at a time. Two runs that attach probes at once
 * would measure each other's programs, so every subcommand that loads probes
 * takes an exclusive flock(2) on TTM_RUN_LOCK_PATH first. The kernel drops
 * the lock when the holder exits, also on SIGKILL.
 */
#ifndef TTM_RUN_LOCK_H
#define TTM_RUN_LOCK_H

#include <argp.h>
#include <stdbool.h>

#include "probes/loader.h"

#define TTM_RUN_LOCK_PATH "/run/ttmbench.lock"

/* Whether subcommand `name` loads probes and must hold the lock. */
bool ttm_command_needs_lock(const char *name);

/*
 * Take the lock for subcommand `name` the first time it loads probes: from
 * then on ttm_probe_open takes the lock first, and when it is held by another
 * process without wait, prints why and exits with TTM_EXIT_FAILURE. With
 * wait, SIGINT or SIGTERM during the wait exits with 128 + the signal and a
 * line saying nothing was measured. Either exit removes the output folder
 * if the command created it and it is still empty. Nothing is loaded or
 * attached at that point. Commands that never load probes
 * (run --configs none) run without the lock.
 */
void ttm_run_lock_on_probe_open(const char *name, bool wait);

/*
 * Take the lock registered by ttm_run_lock_on_probe_open now, before any
 * probe is loaded, for a command whose measurements others would disturb
 * even without probes of its own. Exits as the probe-open hook does.
 */
void ttm_run_lock_take_registered(void);

/*
 * Take the lock for subcommand `name` and hold it until the process exits.
 * With wait false, a lock held by another process is not waited for, and the
 * message names the holder's pid and command. Returns 0 when taken or
 * skipped (not root: the subcommand rejects the user itself), -EBUSY when
 * held elsewhere, or another -errno; every error is printed.
 */
int ttm_run_lock_take(const char *name, bool wait);

/* argp key of --wait; above the keys the subcommands use. */
#define TTM_OPT_WAIT 0x4001

/*
 * argp children that add --wait to a locking subcommand's --help: set them
 * as the children field of its struct argp.
 */
extern const struct argp_child ttm_run_lock_argp_children[];

#endif /* TTM_RUN_LOCK_H */
