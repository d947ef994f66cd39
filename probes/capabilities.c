// SPDX-License-Identifier: GPL-2.0
/*
 * Capability detection: which hooks this kernel and this process can use,
 * and for every "no" a reason a human can act on.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "probes/loader.h"
#include "probes/probe_internal.h"

#define TRACEFS_PATH "/sys/kernel/tracing"
#define DEBUGFS_TRACING_PATH "/sys/kernel/debug/tracing"
#define VMLINUX_BTF_PATH "/sys/kernel/btf/vmlinux"
#define KPROBE_PMU_PATH "/sys/bus/event_source/devices/kprobe"
#define LOCKDOWN_PATH "/sys/kernel/security/lockdown"
#define KPROBE_REMEDY "; run it in the kernel lab: make bench-lab"

/* Linux capability numbers (linux/capability.h of 5.8 and later). */
#define TTM_CAP_PERFMON 38
#define TTM_CAP_BPF 39

/* ia32 getpid, used to check that the kernel runs ia32 syscalls. */
#define TTM_NR32_GETPID 20

static void set_status(struct ttm_status *status, bool available, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_status(struct ttm_status *status, bool available, const char *fmt, ...)
{
	va_list ap;

	status->available = available;
	va_start(ap, fmt);
	vsnprintf(status->reason, sizeof(status->reason), fmt, ap);
	va_end(ap);
}

static bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool has_effective_cap(int cap)
{
	struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &header, data))
		return false;
	return data[cap / 32].effective & (1U << (cap % 32));
}

static void detect_privileges(struct ttm_capabilities *caps)
{
	if (geteuid() == 0) {
		set_status(&caps->root, true, "running as root");
		return;
	}
	if (has_effective_cap(TTM_CAP_BPF) && has_effective_cap(TTM_CAP_PERFMON)) {
		set_status(&caps->root, true,
			   "CAP_BPF and CAP_PERFMON are effective: enough to load and attach "
			   "probes, but run and sweep need root because BPF run-time stats "
			   "(BPF_ENABLE_STATS) need CAP_SYS_ADMIN");
		return;
	}
	set_status(&caps->root, false,
		   "not root and CAP_BPF/CAP_PERFMON are not effective: run as root (sudo) or "
		   "grant CAP_BPF and CAP_PERFMON");
}

/* The BTF file TTMBENCH_BTF_PATH names must exist and parse. */
static void detect_custom_btf(struct ttm_capabilities *caps, const char *path)
{
	struct btf *btf = btf__parse(path, NULL);
	int err = libbpf_get_error(btf);

	if (err) {
		set_status(&caps->btf, false,
			   "TTMBENCH_BTF_PATH '%s' is not a readable BTF file: %s; unset "
			   "TTMBENCH_BTF_PATH or point it at the BTF of this kernel",
			   path, strerror(-err));
		return;
	}
	btf__free(btf);
	set_status(&caps->btf, true, "%s from TTMBENCH_BTF_PATH", path);
}

static void detect_btf(struct ttm_capabilities *caps)
{
	if (ttm_btf_custom_path())
		detect_custom_btf(caps, ttm_btf_custom_path());
	else if (path_exists(VMLINUX_BTF_PATH))
		set_status(&caps->btf, true, VMLINUX_BTF_PATH " is present");
	else
		set_status(&caps->btf, false,
			   VMLINUX_BTF_PATH " is missing: the kernel was built without "
			   "CONFIG_DEBUG_INFO_BTF, so CO-RE programs cannot be relocated; "
			   "use a kernel with BTF");
}

/* Find a mounted tracefs, mounting it at TRACEFS_PATH when root and none is mounted. */
static void detect_tracefs(struct ttm_capabilities *caps, bool verbose)
{
	if (path_exists(TRACEFS_PATH "/events")) {
		snprintf(caps->tracefs_path, sizeof(caps->tracefs_path), TRACEFS_PATH);
		set_status(&caps->tracefs, true, "mounted at " TRACEFS_PATH);
		return;
	}
	if (path_exists(DEBUGFS_TRACING_PATH "/events")) {
		snprintf(caps->tracefs_path, sizeof(caps->tracefs_path), DEBUGFS_TRACING_PATH);
		set_status(&caps->tracefs, true, "mounted at " DEBUGFS_TRACING_PATH);
		return;
	}
	if (geteuid() != 0) {
		set_status(&caps->tracefs, false,
			   "tracefs is not mounted and only root can mount it: run as root or "
			   "mount -t tracefs tracefs " TRACEFS_PATH);
		return;
	}
	if (mount("tracefs", TRACEFS_PATH, "tracefs", 0, NULL)) {
		set_status(&caps->tracefs, false,
			   "tracefs is not mounted and mounting it at " TRACEFS_PATH
			   " failed: %s; check that the kernel has CONFIG_TRACING",
			   strerror(errno));
		return;
	}
	if (verbose)
		fprintf(stderr, "ttmbench: mounted tracefs at %s\n", TRACEFS_PATH);
	snprintf(caps->tracefs_path, sizeof(caps->tracefs_path), TRACEFS_PATH);
	set_status(&caps->tracefs, true, "mounted at " TRACEFS_PATH " by ttmbench");
}

static void detect_tracepoints(struct ttm_capabilities *caps)
{
	char path[256];

	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		struct ttm_status *tp = &caps->sc[sc].tracepoint;
		const char *name = ttm_syscall_name(sc);

		if (!caps->tracefs.available) {
			set_status(tp, false, "tracefs is unavailable: %s", caps->tracefs.reason);
			continue;
		}
		snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_%s/id", caps->tracefs_path,
			 name);
		if (path_exists(path))
			set_status(tp, true, "syscalls/sys_enter_%s", name);
		else
			set_status(tp, false,
				   "%s is missing: the kernel was built without "
				   "CONFIG_FTRACE_SYSCALLS; use a kernel with syscall tracepoints",
				   path);
	}
}

static void detect_kprobe_support(struct ttm_capabilities *caps)
{
	char path[256];

	if (path_exists(KPROBE_PMU_PATH)) {
		set_status(&caps->kprobe, true, "kprobe PMU in /sys/bus/event_source/devices");
		return;
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", caps->tracefs_path);
	if (caps->tracefs.available && path_exists(path)) {
		set_status(&caps->kprobe, true, "%s is present", path);
		return;
	}
	set_status(&caps->kprobe, false,
		   "kernel built without CONFIG_KPROBES (no kprobe PMU in "
		   "/sys/bus/event_source/devices and no kprobe_events in tracefs)" KPROBE_REMEDY);
}

/* Mark which of the ten ia32 wrapper symbols /proc/kallsyms lists. */
static int scan_kallsyms(struct ttm_capabilities *caps)
{
	char line[512], compat[64], plain[64];
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -errno;

	while (fgets(line, sizeof(line), f)) {
		char symbol[256];
		char type;

		if (sscanf(line, "%*s %c %255s", &type, symbol) != 2)
			continue;
		if (strncmp(symbol, "__ia32_", 7))
			continue;
		for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
			snprintf(compat, sizeof(compat), "__ia32_compat_sys_%s", ttm_syscall_name(sc));
			snprintf(plain, sizeof(plain), "__ia32_sys_%s", ttm_syscall_name(sc));
			if (!strcmp(symbol, compat))
				caps->sc[sc].compat_symbol = true;
			if (!strcmp(symbol, plain))
				caps->sc[sc].plain_symbol = true;
		}
	}
	fclose(f);
	return 0;
}

/* Choose the ia32 kprobe per syscall: the compat wrapper if it exists, else the plain one. */
static void choose_ia32_kprobes(struct ttm_capabilities *caps, int kallsyms_err)
{
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		struct ttm_syscall_caps *s = &caps->sc[sc];
		const char *name = ttm_syscall_name(sc);

		if (s->compat_symbol)
			s->ia32_kind = TTM_KIND_IA32_COMPAT;
		else if (s->plain_symbol)
			s->ia32_kind = TTM_KIND_IA32;
		else
			s->ia32_kind = -1;

		if (kallsyms_err) {
			set_status(&s->ia32_kprobe, false, "reading /proc/kallsyms failed: %s",
				   strerror(-kallsyms_err));
		} else if (s->ia32_kind < 0) {
			set_status(&s->ia32_kprobe, false,
				   "neither __ia32_compat_sys_%s nor __ia32_sys_%s is in "
				   "/proc/kallsyms: the kernel has no ia32 entry for %s",
				   name, name, name);
		} else if (!caps->kprobe.available) {
			set_status(&s->ia32_kprobe, false, "%s", caps->kprobe.reason);
		} else {
			set_status(&s->ia32_kprobe, true, "%s",
				   ttm_prog_hook(TTM_PROG_ID(sc, s->ia32_kind)));
		}
	}
}

static void detect_lockdown(struct ttm_capabilities *caps)
{
	char line[128];
	char *open, *close;
	FILE *f = fopen(LOCKDOWN_PATH, "re");

	if (!f) {
		snprintf(caps->lockdown, sizeof(caps->lockdown), "none (no lockdown LSM)");
		return;
	}
	snprintf(caps->lockdown, sizeof(caps->lockdown), "unknown");
	if (fgets(line, sizeof(line), f)) {
		open = strchr(line, '[');
		close = open ? strchr(open, ']') : NULL;
		if (open && close) {
			*close = '\0';
			snprintf(caps->lockdown, sizeof(caps->lockdown), "%s", open + 1);
		}
	}
	fclose(f);
}

/* r0 = 0; exit: the smallest program every type accepts. */
static const struct bpf_insn return_zero[] = {
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
	{ .code = BPF_JMP | BPF_EXIT },
};

/* The kernel's ENOTSUPP (include/linux/errno.h), which userspace headers lack. */
#define TTM_ENOTSUPP 524

static void describe_errno(char *buf, size_t len, int err)
{
	switch (err) {
	case EPERM:
		snprintf(buf, len, "EPERM (%s): the kernel or a security policy forbids it "
				   "for this process", strerror(err));
		break;
	case EACCES:
		snprintf(buf, len, "EACCES (%s)", strerror(err));
		break;
	case EINVAL:
		snprintf(buf, len, "EINVAL (%s)", strerror(err));
		break;
	case TTM_ENOTSUPP:
		snprintf(buf, len, "ENOTSUPP (524): the kernel does not support it on this "
				   "architecture or configuration");
		break;
	default:
		snprintf(buf, len, "errno %d (%s)", err, strerror(err));
		break;
	}
}

/* Kernel functions an fentry test program can attach to, in order of preference. */
static const char *const fentry_targets[] = { "bpf_fentry_test1", "do_sys_openat2", "vfs_read" };

/* Load and attach an fentry program on a kernel function, then unload it. */
static void detect_fentry(struct ttm_capabilities *caps)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	struct btf *vmlinux = btf__load_vmlinux_btf();
	char why[192];
	int prog_fd, link_fd, btf_id = -1;

	if (!vmlinux) {
		set_status(&caps->fentry, false,
			   "vmlinux BTF could not be loaded, and fentry needs it: %s",
			   caps->btf.reason);
		return;
	}
	for (size_t i = 0; i < sizeof(fentry_targets) / sizeof(fentry_targets[0]); i++) {
		btf_id = btf__find_by_name_kind(vmlinux, fentry_targets[i], BTF_KIND_FUNC);
		if (btf_id > 0)
			break;
	}
	btf__free(vmlinux);
	if (btf_id <= 0) {
		set_status(&caps->fentry, false,
			   "none of bpf_fentry_test1, do_sys_openat2 and vfs_read is in vmlinux "
			   "BTF, so the fentry test has no target");
		return;
	}

	opts.attach_btf_id = btf_id;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ttm_fentry_test", "GPL", return_zero,
				2, &opts);
	if (prog_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->fentry, false,
			   "loading a test fentry program failed: %s", why);
		return;
	}

	link_fd = bpf_link_create(prog_fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->fentry, false,
			   "attaching a test fentry program failed: %s", why);
	} else {
		set_status(&caps->fentry, true, "a test fentry program loaded and attached");
		close(link_fd);
	}
	close(prog_fd);
}

/* Load a raw tracepoint program, attach it to sys_enter, then unload it. */
static void detect_raw_tracepoint(struct ttm_capabilities *caps)
{
	char why[192];
	int prog_fd, link_fd;

	prog_fd = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "ttm_raw_tp_test", "GPL",
				return_zero, 2, NULL);
	if (prog_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->raw_tracepoint, false,
			   "loading a test raw tracepoint program failed: %s", why);
		return;
	}

	link_fd = bpf_raw_tracepoint_open("sys_enter", prog_fd);
	if (link_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->raw_tracepoint, false,
			   "attaching a test raw tracepoint program to sys_enter failed: %s", why);
	} else {
		set_status(&caps->raw_tracepoint, true,
			   "a test program loaded and attached to raw tracepoint sys_enter");
		close(link_fd);
	}
	close(prog_fd);
}

/* Load a tp_btf program on sys_enter and attach it, then unload it. */
static void detect_tp_btf(struct ttm_capabilities *caps)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP);
	struct btf *vmlinux = btf__load_vmlinux_btf();
	char why[192];
	int prog_fd, link_fd, btf_id;

	if (!vmlinux) {
		set_status(&caps->tp_btf, false,
			   "vmlinux BTF could not be loaded, and tp_btf needs it: %s",
			   caps->btf.reason);
		return;
	}
	btf_id = btf__find_by_name_kind(vmlinux, "btf_trace_sys_enter", BTF_KIND_TYPEDEF);
	btf__free(vmlinux);
	if (btf_id <= 0) {
		set_status(&caps->tp_btf, false,
			   "btf_trace_sys_enter is not in vmlinux BTF, so tp_btf/sys_enter has no "
			   "target");
		return;
	}

	opts.attach_btf_id = btf_id;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "ttm_tp_btf_test", "GPL", return_zero, 2,
				&opts);
	if (prog_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->tp_btf, false,
			   "loading a test tp_btf/sys_enter program failed: %s", why);
		return;
	}

	link_fd = bpf_raw_tracepoint_open(NULL, prog_fd);
	if (link_fd < 0) {
		describe_errno(why, sizeof(why), errno);
		set_status(&caps->tp_btf, false,
			   "attaching a test tp_btf/sys_enter program failed: %s", why);
	} else {
		set_status(&caps->tp_btf, true,
			   "a test program loaded and attached to tp_btf/sys_enter");
		close(link_fd);
	}
	close(prog_fd);
}

/* fentry on the chosen ia32 wrapper needs fentry itself and the wrapper in vmlinux BTF. */
static void detect_ia32_fentry(struct ttm_capabilities *caps)
{
	struct btf *vmlinux = NULL;
	char symbol[64];

	if (caps->fentry.available)
		vmlinux = btf__load_vmlinux_btf();

	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		struct ttm_syscall_caps *s = &caps->sc[sc];

		snprintf(symbol, sizeof(symbol), "__ia32_%ssys_%s",
			 s->ia32_kind == TTM_KIND_IA32_COMPAT ? "compat_" : "", ttm_syscall_name(sc));
		if (!caps->fentry.available)
			set_status(&s->ia32_fentry, false, "%s", caps->fentry.reason);
		else if (s->ia32_kind < 0)
			set_status(&s->ia32_fentry, false, "%s", s->ia32_kprobe.reason);
		else if (!vmlinux || btf__find_by_name_kind(vmlinux, symbol, BTF_KIND_FUNC) <= 0)
			set_status(&s->ia32_fentry, false,
				   "%s is not in vmlinux BTF, so fentry cannot attach to it", symbol);
		else
			set_status(&s->ia32_fentry, true, "fentry/%s", symbol);
	}
	btf__free(vmlinux);
}

static void detect_calibration(struct ttm_capabilities *caps)
{
	char path[256];

	if (!caps->tracefs.available) {
		set_status(&caps->calibration, false, "tracefs is unavailable: %s",
			   caps->tracefs.reason);
		return;
	}
	snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_getppid/id", caps->tracefs_path);
	if (path_exists(path))
		set_status(&caps->calibration, true, "syscalls/sys_enter_getppid");
	else
		set_status(&caps->calibration, false,
			   "%s is missing: the kernel was built without CONFIG_FTRACE_SYSCALLS",
			   path);
}

static bool cmdline_disables_ia32(void)
{
	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "re");
	bool disabled;

	if (!f)
		return false;
	disabled = fgets(cmdline, sizeof(cmdline), f) && strstr(cmdline, "ia32_emulation=0");
	fclose(f);
	return disabled;
}

/*
 * Run an ia32 getpid through int $0x80 in a forked child: without ia32
 * emulation the instruction raises SIGSEGV instead of entering the kernel.
 */
static void detect_ia32_emulation(struct ttm_capabilities *caps)
{
	int status = 0;
	pid_t child = fork();

	if (child < 0) {
		set_status(&caps->ia32_emulation, false, "fork for the int $0x80 test failed: %s",
			   strerror(errno));
		return;
	}
	if (child == 0) {
		long ret = TTM_NR32_GETPID;

		asm volatile("int $0x80" : "+a"(ret) : : "memory", "r8", "r9", "r10", "r11");
		_exit(ret == getpid() ? 0 : 3);
	}

	if (waitpid(child, &status, 0) < 0) {
		set_status(&caps->ia32_emulation, false, "waiting for the int $0x80 test failed: %s",
			   strerror(errno));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		set_status(&caps->ia32_emulation, true, "an ia32 getpid via int $0x80 returned the pid");
	} else if (WIFSIGNALED(status)) {
		set_status(&caps->ia32_emulation, false,
			   "an ia32 getpid via int $0x80 was killed by %s: %s",
			   strsignal(WTERMSIG(status)),
			   cmdline_disables_ia32()
				   ? "the kernel was booted with ia32_emulation=0; boot without it"
				   : "the kernel was built without CONFIG_IA32_EMULATION; ia32 "
				     "binaries cannot run here");
	} else {
		set_status(&caps->ia32_emulation, false,
			   "an ia32 getpid via int $0x80 did not return the pid (status %d)",
			   status);
	}
}

/*
 * The first feature a configuration lacks: the words after "needs" in its
 * reason, and that feature's own status. Composite configurations (full,
 * tp+<design>) take the missing feature of their parts, so each reason names
 * the missing feature once, without the name of the part in front.
 */
struct missing_feature {
	char what[96];
	const struct ttm_status *status;
};

static bool lacks(struct missing_feature *m, bool available, const struct ttm_status *status,
		  const char *what)
{
	if (available || m->status)
		return false;
	snprintf(m->what, sizeof(m->what), "%s", what);
	m->status = status;
	return true;
}

static void set_config_status(struct ttm_status *config, const struct missing_feature *m,
			      const char *what)
{
	if (m->status)
		set_status(config, false, "needs %s: %s", m->what, m->status->reason);
	else
		set_status(config, true, "%s", what);
}

/* Root or CAP_BPF and CAP_PERFMON, then vmlinux BTF: what every probe configuration needs. */
static void check_common(const struct ttm_capabilities *caps, struct missing_feature *m)
{
	lacks(m, caps->root.available, &caps->root, "root or CAP_BPF and CAP_PERFMON");
	lacks(m, caps->btf.available, &caps->btf, "vmlinux BTF");
}

/* A design alone, and the design with the tracepoints ("tp+<design>"). */
static void set_design_status(struct ttm_capabilities *caps, int alone, int with_tp,
			      const struct missing_feature *design, const char *what,
			      const struct missing_feature *tp)
{
	struct missing_feature m = {};

	check_common(caps, &m);
	lacks(&m, caps->ia32_emulation.available, &caps->ia32_emulation, "ia32 emulation");
	if (!m.status && design->status)
		m = *design;
	set_config_status(&caps->config[alone], &m, what);

	if (tp->status)
		m = *tp;
	if (m.status)
		set_config_status(&caps->config[with_tp], &m, "");
	else
		set_status(&caps->config[with_tp], true, "5 tracepoints and %s", what);
}

static void detect_design_configs(struct ttm_capabilities *caps, const struct missing_feature *tp)
{
	struct missing_feature rawtp = {}, tp_btf = {}, fentry = {};
	char what[96];

	lacks(&rawtp, caps->raw_tracepoint.available, &caps->raw_tracepoint,
	      "raw tracepoints");
	set_design_status(caps, TTM_CONFIG_RAWTP, TTM_CONFIG_TP_RAWTP, &rawtp,
			  "1 raw_tp/sys_enter program for ia32 calls", tp);

	lacks(&tp_btf, caps->tp_btf.available, &caps->tp_btf, "tp_btf programs");
	set_design_status(caps, TTM_CONFIG_TP_BTF, TTM_CONFIG_TP_TP_BTF, &tp_btf,
			  "1 tp_btf/sys_enter program for ia32 calls", tp);

	lacks(&fentry, caps->fentry.available, &caps->fentry, "fentry");
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		snprintf(what, sizeof(what), "fentry on the ia32 %s wrapper", ttm_syscall_name(sc));
		lacks(&fentry, caps->sc[sc].ia32_fentry.available, &caps->sc[sc].ia32_fentry,
		      what);
	}
	set_design_status(caps, TTM_CONFIG_FENTRY, TTM_CONFIG_TP_FENTRY, &fentry,
			  "5 fentry programs on the ia32 wrappers", tp);
}

static void detect_configs(struct ttm_capabilities *caps)
{
	struct missing_feature tp = {}, kprobe = {}, full;
	char what[96];

	set_status(&caps->config[TTM_CONFIG_NONE], true, "attaches nothing");

	check_common(caps, &tp);
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		snprintf(what, sizeof(what), "the sys_enter_%s tracepoint", ttm_syscall_name(sc));
		lacks(&tp, caps->sc[sc].tracepoint.available, &caps->sc[sc].tracepoint, what);
	}
	set_config_status(&caps->config[TTM_CONFIG_TP], &tp, "5 syscall enter tracepoints");

	check_common(caps, &kprobe);
	lacks(&kprobe, caps->kprobe.available, &caps->kprobe, "kprobes");
	for (int sc = 0; sc < TTM_SC_COUNT; sc++) {
		snprintf(what, sizeof(what), "a kprobe on the ia32 %s wrapper", ttm_syscall_name(sc));
		lacks(&kprobe, caps->sc[sc].ia32_kprobe.available, &caps->sc[sc].ia32_kprobe, what);
	}
	set_config_status(&caps->config[TTM_CONFIG_KPROBE], &kprobe, "5 ia32 syscall kprobes");

	full = tp.status ? tp : kprobe;
	set_config_status(&caps->config[TTM_CONFIG_FULL], &full,
			  "5 tracepoints and 5 ia32 kprobes");

	detect_design_configs(caps, &tp);
}

int ttm_capabilities_detect(struct ttm_capabilities *caps, bool verbose)
{
	struct utsname uts;
	int kallsyms_err;

	memset(caps, 0, sizeof(*caps));
	if (!uname(&uts))
		snprintf(caps->kernel_release, sizeof(caps->kernel_release), "%s", uts.release);

	detect_privileges(caps);
	detect_btf(caps);
	detect_tracefs(caps, verbose);
	detect_tracepoints(caps);
	detect_kprobe_support(caps);
	kallsyms_err = scan_kallsyms(caps);
	choose_ia32_kprobes(caps, kallsyms_err);
	detect_lockdown(caps);

	if (caps->root.available) {
		detect_fentry(caps);
		detect_raw_tracepoint(caps);
		detect_tp_btf(caps);
	} else {
		set_status(&caps->fentry, false, "not tested: %s", caps->root.reason);
		set_status(&caps->raw_tracepoint, false, "not tested: %s", caps->root.reason);
		set_status(&caps->tp_btf, false, "not tested: %s", caps->root.reason);
	}
	detect_ia32_fentry(caps);
	detect_calibration(caps);
	detect_ia32_emulation(caps);
	detect_configs(caps);
	return 0;
}
