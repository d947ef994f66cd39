// SPDX-License-Identifier: GPL-2.0
/*
 * The run lock: an exclusive flock(2) on TTM_RUN_LOCK_PATH, whose content is
 * the holder's pid and subcommand, so a refused run can name them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "bench/commands.h"
#include "bench/outdir.h"
#include "bench/run_lock.h"

/* Subcommands that load probes. Tracking the names here keeps every subcommand file unchanged. */
static const char *const locking_commands[] = { "run", "sweep", "ringbuf", "hold", "validate",
						"coverage" };

/* Kept open, and so locked, until the process exits. */
static int lock_fd = -1;

/* Subcommand name and --wait flag given to ttm_run_lock_on_probe_open. */
static const char *lock_command;
static bool lock_wait;

bool ttm_command_needs_lock(const char *name)
{
	for (size_t i = 0; i < sizeof(locking_commands) / sizeof(locking_commands[0]); i++)
		if (!strcmp(name, locking_commands[i]))
			return true;
	return false;
}

static int open_lock_file(void)
{
	int fd = open(TTM_RUN_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	/* A minimal root file system (the kernel-lab initramfs) may lack /run. */
	if (fd < 0 && errno == ENOENT && !mkdir("/run", 0755))
		fd = open(TTM_RUN_LOCK_PATH, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	return fd < 0 ? -errno : fd;
}

/* "pid 1234 (ttmbench run)" from the file, or "an unknown process" while the holder writes it. */
static void describe_holder(int fd, char *buf, size_t len)
{
	char content[96];
	ssize_t n = pread(fd, content, sizeof(content) - 1, 0);

	if (n <= 0) {
		snprintf(buf, len, "an unknown process");
		return;
	}
	content[n] = '\0';
	content[strcspn(content, "\n")] = '\0';
	snprintf(buf, len, "%s", content);
}

static void write_holder(int fd, const char *name)
{
	char content[96];
	int n = snprintf(content, sizeof(content), "pid %d (ttmbench %s)\n", (int)getpid(), name);

	if (ftruncate(fd, 0) || pwrite(fd, content, n, 0) != n)
		fprintf(stderr, "ttmbench %s: writing the holder pid to %s failed: %s\n", name,
			TTM_RUN_LOCK_PATH, strerror(errno));
}

/* Signal that ended the wait for the lock, 0 while waiting. */
static volatile sig_atomic_t wait_signal;

static void on_wait_signal(int sig)
{
	wait_signal = sig;
}

/* Say that nothing was measured, remove the empty output folder and exit as the signal would. */
static void exit_interrupted_wait(const char *name, int sig)
{
	fprintf(stderr, "ttmbench %s: interrupted by %s while waiting for %s: nothing was "
			"measured\n", name, sig == SIGINT ? "SIGINT" : "SIGTERM", TTM_RUN_LOCK_PATH);
	ttm_remove_created_out_dir();
	exit(128 + sig);
}

/*
 * Block until the lock is ours. Nothing is loaded yet, so SIGINT and SIGTERM
 * end a waiting command at once (see exit_interrupted_wait) instead of being
 * taken as a request to stop after the current workload. The handler has no
 * SA_RESTART, so the signal makes flock(2) return EINTR.
 */
static int wait_for_lock(const char *name, int fd)
{
	struct sigaction stop = { .sa_handler = on_wait_signal }, old_int, old_term;
	int err = 0;

	sigemptyset(&stop.sa_mask);
	wait_signal = 0;
	sigaction(SIGINT, &stop, &old_int);
	sigaction(SIGTERM, &stop, &old_term);
	while (flock(fd, LOCK_EX)) {
		if (wait_signal)
			exit_interrupted_wait(name, wait_signal);
		if (errno != EINTR) {
			err = -errno;
			break;
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return err;
}

int ttm_run_lock_take(const char *name, bool wait)
{
	char holder[128];
	int fd, err;

	/*
	 * NOTE: a non-root user with CAP_BPF and CAP_PERFMON runs unlocked; the
	 * lock file is root's, so no other user can hold it against root.
	 */
	if (geteuid() != 0 || lock_fd >= 0)
		return 0;

	fd = open_lock_file();
	if (fd < 0) {
		fprintf(stderr, "ttmbench %s: opening the run lock %s failed: %s; check that /run "
				"is writable by root\n", name, TTM_RUN_LOCK_PATH, strerror(-fd));
		return fd;
	}

	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno;
		if (err != EWOULDBLOCK) {
			fprintf(stderr, "ttmbench %s: locking %s failed: %s\n", name,
				TTM_RUN_LOCK_PATH, strerror(err));
			close(fd);
			return -err;
		}
		describe_holder(fd, holder, sizeof(holder));
		if (!wait) {
			fprintf(stderr, "ttmbench %s: another ttmbench is attaching probes: %s holds "
					"%s; wait for it to finish, or pass --wait to queue behind it\n",
				name, holder, TTM_RUN_LOCK_PATH);
			close(fd);
			return -EBUSY;
		}
		fprintf(stderr, "ttmbench %s: waiting for %s to release %s\n", name, holder,
			TTM_RUN_LOCK_PATH);
		err = wait_for_lock(name, fd);
		if (err) {
			fprintf(stderr, "ttmbench %s: waiting for %s failed: %s\n", name,
				TTM_RUN_LOCK_PATH, strerror(-err));
			close(fd);
			return err;
		}
	}

	write_holder(fd, name);
	lock_fd = fd;
	return 0;
}

/* A busy lock ends the process here: returning an error would read as a load failure. */
static int take_lock_before_load(void *ctx)
{
	int err = ttm_run_lock_take(lock_command, lock_wait);

	if (err) {
		ttm_remove_created_out_dir();
		exit(TTM_EXIT_FAILURE);
	}
	return 0;
}

void ttm_run_lock_take_registered(void)
{
	if (lock_command)
		take_lock_before_load(NULL);
}

void ttm_run_lock_on_probe_open(const char *name, bool wait)
{
	lock_command = name;
	lock_wait = wait;
	ttm_probe_set_open_hook(take_lock_before_load, NULL);
}

/* --wait is removed from argv by the dispatcher; this parser only documents it in --help. */
static const struct argp_option lock_options[] = {
	{ "wait", TTM_OPT_WAIT, NULL, 0,
	  "When another ttmbench holds " TTM_RUN_LOCK_PATH ", wait for it to release the lock "
	  "instead of exiting with status 1", 0 },
	{},
};

static error_t parse_lock_option(int key, char *arg, struct argp_state *state)
{
	return key == TTM_OPT_WAIT ? 0 : ARGP_ERR_UNKNOWN;
}

static const struct argp lock_argp = { lock_options, parse_lock_option, NULL, NULL, NULL, NULL,
				       NULL };

const struct argp_child ttm_run_lock_argp_children[] = {
	{ &lock_argp, 0, "Run lock:", 0 },
	{},
};
