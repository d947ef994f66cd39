/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of the ttmbench binary and the exit statuses they share. */
#ifndef TTM_COMMANDS_H
#define TTM_COMMANDS_H

#define TTM_EXIT_OK 0
#define TTM_EXIT_FAILURE 1 /* a check or verdict failed (regression, violated), or the run lock is held */
#define TTM_EXIT_USAGE 2 /* bad input: the message names the value and the fix */

/* Each takes the arguments after the subcommand name, with argv[0] set to "ttmbench <name>". */
int cmd_capabilities(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_trend(int argc, char **argv);
int cmd_hold(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_coverage(int argc, char **argv);
int cmd_project(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_ringbuf(int argc, char **argv);
int cmd_advise(int argc, char **argv);

#endif /* TTM_COMMANDS_H */
