/*
 * Privileged control: a live run's assessing process has dropped its
 * privileges, but the lab's control commands (a PDU, a switch port, the
 * bench's power and link hooks) often need root.  The run's parent keeps
 * them and runs, on request, the command the lab config gives for an
 * action of the DUT, by the action's name only: the unprivileged side
 * cannot name a program, an argument or an environment.  One request at
 * a time over a SOCK_SEQPACKET socket pair; the parent serves while it
 * waits for the assessment's result.
 */
#ifndef ASSAY_CTL_H
#define ASSAY_CTL_H

#include <stddef.h>

#include "buf.h"
#include "labcfg.h"
#include "proc.h"

/* Cap on what a control command prints that is kept (stdout and stderr
 * together); the rest is read and dropped. */
#define ASY_CTL_OUT_MAX	(16U * 1024U)

/* What a control command did, as the parent saw it. */
struct asy_ctl_result {
	int		 rc;		/* 0: it ran (see proc); <0: it did
					   not (ASY_E_NOTFOUND: no such
					   action for this DUT, or exec
					   failed; proc.exec_errno says) */
	struct asy_proc_result proc;
};

/* A connected SOCK_SEQPACKET pair, close-on-exec: fds[0] for the parent,
 * fds[1] for the assessing child.  0 or ASY_E_IO. */
int	asy_ctl_pair(int fds[2]);

/*
 * The parent's wait: read everything from result_fd until its end into
 * msg, and meanwhile serve the requests arriving on ctl_fd (-1: none) with
 * dut's control commands.  Interrupted system calls are resumed.  0, or
 * ASY_E_IO when a read fails.
 */
int	asy_ctl_wait(int result_fd, int ctl_fd, const struct asy_lab_dut *dut,
	    struct asy_buf *msg);

/* Serve one request (parent side); 0 after replying, 1 when the other end
 * has gone, <0 on failure.  Exposed for the tests. */
int	asy_ctl_serve_one(int ctl_fd, const struct asy_lab_dut *dut);

/*
 * The child's side: ask for action and wait for its end (the parent
 * enforces the command's own deadline).  What the command printed goes to
 * out (may be NULL).  0 with *res filled (res->rc says whether it ran), or
 * ASY_E_IO / ASY_E_CLOSED when the parent cannot be reached, ASY_E_INPUT
 * for an action name that is not one.
 */
int	asy_ctl_request(int ctl_fd, const char *action, struct asy_buf *out,
	    struct asy_ctl_result *res);

#endif
