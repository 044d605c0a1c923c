/*
 * Running other programs (nmap, control commands, tshark): always from an
 * argv array, never through a shell, with a deadline, and with what they
 * print kept (up to a cap) for the evidence.
 */
#ifndef ASSAY_PROC_H
#define ASSAY_PROC_H

#include <stddef.h>

#include "buf.h"

struct asy_proc_opts {
	unsigned long	 timeout_ms;	/* SIGTERM at the deadline, SIGKILL
					   2 s later; 0: no deadline (don't) */
	const char	*stdout_path;	/* stdout to this file (created 0644,
					   must not exist), or NULL */
	struct asy_buf	*out;		/* else stdout here (up to its cap,
					   the rest read and dropped), or NULL:
					   /dev/null */
	struct asy_buf	*err;		/* stderr here, likewise */
	int		 keep_net_caps;	/* raise CAP_NET_RAW and CAP_NET_ADMIN
					   as ambient capabilities in the child
					   when the caller holds them permitted
					   (after asy_priv_drop()), so that
					   nmap --privileged can scan */
};

struct asy_proc_result {
	int		 exited;	/* exited normally */
	int		 status;	/* its exit status, when exited */
	int		 signal;	/* killed by this signal, or 0 */
	int		 timed_out;	/* we killed it at the deadline */
	unsigned long	 elapsed_ms;
	int		 exec_errno;	/* exec failed: errno (e.g. ENOENT) */
	int		 out_truncated;	/* stdout went past o->out's cap */
	int		 err_truncated;	/* stderr went past o->err's cap */
};

/*
 * Run argv[0] (looked up in PATH when it has no '/') with argv, stdin from
 * /dev/null, in its own process group (the whole group is killed at the
 * deadline).  Returns 0 when the program ran (whatever its status; see
 * *res), ASY_E_NOTFOUND when it could not be executed (res->exec_errno),
 * ASY_E_EXISTS when o->stdout_path exists (nothing is run), or ASY_E_IO /
 * ASY_E_NOMEM.  When the leader has exited, output that members of its
 * group left running still write is read for at most 200 ms more; they are
 * left alone unless the deadline came.
 */
int	asy_proc_run(char *const argv[], const struct asy_proc_opts *o,
	    struct asy_proc_result *res);

/* "nmap -n -Pn ..." with arguments quoted for a shell where needed, for
 * recording the command line in a report.  Fresh string or NULL. */
char	*asy_proc_cmdline(char *const argv[]);

/* One line describing how it ended: "exit status 1", "killed by signal 9",
 * "timed out after 900 s", "not found (No such file or directory)". */
void	asy_proc_describe(const struct asy_proc_result *res, char *buf,
	    size_t n);

/*
 * Drop privileges for good: when running as root, change to user (its uid,
 * gid, no supplementary groups), keeping CAP_NET_RAW and CAP_NET_ADMIN
 * permitted and inheritable but not effective (for asy_proc_run's
 * keep_net_caps).  Checks that root cannot be regained.  Not root: does
 * nothing and returns 0.  ASY_E_NOTFOUND for an unknown user, ASY_E_INPUT
 * for a user with uid 0, ASY_E_IO when a step fails (errno kept).  Call it
 * before starting threads: capabilities belong to the calling thread.
 */
int	asy_priv_drop(const char *user);

/* Change the owner of path and everything below it to user (root only;
 * not root: nothing).  0 or ASY_E_IO / ASY_E_NOTFOUND. */
int	asy_priv_chown_tree(const char *path, const char *user);

#endif
