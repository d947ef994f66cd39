/* SPDX-License-Identifier: GPL-2.0 */
/* Layout of the counts map of tests/syscount.bpf.c, shared with the test. */
#ifndef TTM_TESTS_SYSCOUNT_H
#define TTM_TESTS_SYSCOUNT_H

#define SYSCOUNT_NR_MAX 512 /* syscall numbers 0..510; 511 collects the rest */
#define SYSCOUNT_SLOTS (2 * SYSCOUNT_NR_MAX)
#define SYSCOUNT_SLOT(compat, nr) ((compat) * SYSCOUNT_NR_MAX + (nr))

#endif /* TTM_TESTS_SYSCOUNT_H */
