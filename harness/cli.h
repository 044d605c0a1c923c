/*
 * Commands of the assay command line that live outside main.c, and the
 * helpers of main.c they share.  Each command takes (argc, argv) with
 * argv[0] the command's name and returns an exit code (error.h); its help
 * text is in main.c's commands[] table.
 */
#ifndef ASSAY_CLI_H
#define ASSAY_CLI_H

/* Print 'assay CMD --help' to standard output; returns 0. */
int	asy_cli_help(const char *cmd);
/* Print "assay CMD: message" and a hint to standard error; returns
 * ASY_EXIT_INPUT. */
int	asy_cli_usage_error(const char *cmd, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* harness/cmd-diff.c */
int	asy_cmd_diff(int argc, char **argv);
int	asy_cmd_baseline(int argc, char **argv);

#endif
