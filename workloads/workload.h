/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface of the syscall generator. The same sources build
 * ttm-workload (x86_64) and ttm-workload32 (i386).
 */
#ifndef TTM_WORKLOAD_H
#define TTM_WORKLOAD_H

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/openat2.h>

#include "workloads/record.h"

#define WL_EXIT_USAGE 2 /* bad input: the message names the value and the fix */
#define WL_MAX_THREADS 1024

/* --hostile kinds (hostile.c): ops whose arguments the kernel rejects. */
enum wl_hostile {
	WL_HOSTILE_NONE,
	WL_HOSTILE_UNMAPPED_PATH,
	WL_HOSTILE_LONG_PATH,
	WL_HOSTILE_UNTERMINATED_PATH,
	WL_HOSTILE_SOCKADDR_LEN_0,
	WL_HOSTILE_SOCKADDR_LEN_LARGE,
	WL_HOSTILE_HOW_SIZE_SMALL,
	WL_HOSTILE_HOW_SIZE_LARGE,
	WL_HOSTILE_COUNT,
};

/* The run as requested on the command line, validated. */
struct wl_config {
	enum ttm_workload_syscall syscall;
	enum ttm_entry_path entry;
	int family; /* AF_INET, AF_INET6 or AF_UNIX; used by connect only */
	double rate; /* ops/s over all threads; 0 for --rate max */
	uint64_t ops; /* 0 when bounded by duration */
	double duration_s; /* 0 when bounded by ops */
	unsigned int threads;
	int cpus[WL_MAX_THREADS]; /* --cpu list, assigned to threads round-robin */
	unsigned int ncpus; /* 0: no pinning */
	bool allow_oversubscribe;
	int record_fd; /* -1: none */
	int start_fd; /* -1: start at once */
	bool quiet;
	enum wl_hostile hostile; /* WL_HOSTILE_NONE: valid arguments */
};

/*
 * Arguments of one op. It lives in a MAP_32BIT mapping so that every pointer
 * passed by int $0x80 from the 64-bit binary fits in a 32-bit register.
 */
struct wl_op_args {
	char path[PATH_MAX]; /* absolute path of the target file */
	struct sockaddr_storage addr; /* connect target */
	uint32_t addrlen;
	struct open_how how; /* openat2 */
	uint32_t socketcall_args[3]; /* fd, addr, addrlen: i386 unsigned longs */
};

/* Private temporary directory, target file and listener of one run. */
struct wl_target {
	char dir[PATH_MAX - 64]; /* room for the names below */
	char file[PATH_MAX]; /* created with mknod, so setup issues no open call */
	char unix_path[PATH_MAX]; /* AF_UNIX listener; empty otherwise */
	int listen_fd;
	struct sockaddr_storage addr;
	uint32_t addrlen;
	pthread_t acceptor;
	bool acceptor_running;
};

/* Measurements of one worker thread. */
struct wl_result {
	uint64_t ops_issued;
	uint64_t errors;
	uint64_t *errno_counts; /* indexed by errno, WL_ERRNO_MAX entries */
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t timed_ns; /* sum of the timed windows */
	uint64_t batches;
	double batch_min; /* ns per op, over every batch */
	double batch_max;
	double *samples; /* ns per op of the kept batches */
	size_t nsamples;
	size_t samples_cap;
	unsigned int sample_stride; /* keep every stride-th batch once the buffer is full */
};

#define WL_ERRNO_MAX 4096

/* args.c */
void wl_parse_args(int argc, char **argv, struct wl_config *cfg);
const char *wl_syscall_name(enum ttm_workload_syscall sc);
const char *wl_entry_name(enum ttm_entry_path entry);
const char *wl_family_name(int family);

/* ia32.c */
void wl_check_ia32_emulation(void);
void wl_exec_ia32_sibling(char **argv);

/* issue.c */
typedef long (*wl_issue_fn)(struct wl_op_args *args, int fd);
wl_issue_fn wl_issuer(const struct wl_config *cfg);
bool wl_needs_socket(enum ttm_workload_syscall sc);
bool wl_returns_fd(enum ttm_workload_syscall sc);
unsigned int wl_extra_syscalls_per_op(enum ttm_workload_syscall sc);
int wl_socket(int family);
#ifdef __x86_64__
long wl_int80_getppid(void);
#endif

/* target.c */
int wl_target_setup(const struct wl_config *cfg, struct wl_target *target);
void wl_target_teardown(struct wl_target *target);
struct wl_op_args *wl_op_args_new(const struct wl_target *target);
void wl_op_args_free(struct wl_op_args *args);

/* hostile.c */
const char *wl_hostile_name(enum wl_hostile kind);
int wl_hostile_from_name(const char *name); /* -1 if unknown */
bool wl_hostile_applies(enum wl_hostile kind, enum ttm_workload_syscall sc);
int wl_hostile_setup(const struct wl_config *cfg, const struct wl_target *target);
wl_issue_fn wl_hostile_issuer(void);

/* pacing.c */
extern volatile sig_atomic_t wl_stop_requested;
int wl_run(const struct wl_config *cfg, const struct wl_target *target, struct wl_result *results);
uint64_t wl_now_ns(void);

/* report.c */
int wl_report(const struct wl_config *cfg, struct wl_result *results);

#endif /* TTM_WORKLOAD_H */
