// SPDX-License-Identifier: GPL-2.0
/*
 * Alternative hook design: the ia32 programs on fentry instead of kprobes.
 * The section names carry no target because the wrapper depends on the
 * kernel: the loader sets __ia32_compat_sys_<sc>, or __ia32_sys_<sc> when the
 * compat one is missing (the rule of the kprobes), before load.
 */
#include "probes/syscalls.bpf.h"

SEC("fentry")
int BPF_PROG(fentry_connect_e, struct pt_regs *regs)
{
	return ia32_connect(regs, TTM_PROG_FENTRY(TTM_SC_CONNECT));
}

SEC("fentry")
int BPF_PROG(fentry_creat_e, struct pt_regs *regs)
{
	return ia32_creat(regs, TTM_PROG_FENTRY(TTM_SC_CREAT));
}

SEC("fentry")
int BPF_PROG(fentry_open_e, struct pt_regs *regs)
{
	return ia32_open(regs, TTM_PROG_FENTRY(TTM_SC_OPEN));
}

SEC("fentry")
int BPF_PROG(fentry_openat_e, struct pt_regs *regs)
{
	return ia32_openat(regs, TTM_PROG_FENTRY(TTM_SC_OPENAT));
}

SEC("fentry")
int BPF_PROG(fentry_openat2_e, struct pt_regs *regs)
{
	return ia32_openat2(regs, TTM_PROG_FENTRY(TTM_SC_OPENAT2));
}
