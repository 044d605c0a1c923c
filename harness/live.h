/*
 * A live run: what the functional test cases get to work with, and the
 * table they are registered in.
 *
 * The runner (live.c) opens the capture while it still may, drops
 * privileges, checks the DUT answers, runs discovery, matches it with the
 * IXIT, then, case by case, writes one pcap per case, checks the DUT is
 * alive before and after, and calls each unit's test through the registry
 * (testcases/registry.c).  Test functions set the unit's verdict, reason
 * and evidence; the runner then downgrades what the evidence cannot carry:
 * no PASS from a capture that dropped packets or a DUT that stopped
 * answering.
 */
#ifndef ASSAY_LIVE_H
#define ASSAY_LIVE_H

#include <stddef.h>
#include <time.h>

#include "capture.h"
#include "decl.h"
#include "labcfg.h"
#include "nmap.h"
#include "observe.h"
#include "plan.h"
#include "result.h"
#include "util.h"

struct asy_journal;
struct asy_console;

struct asy_live {
	const struct asy_lab		*lab;
	const struct asy_lab_dut	*dut;
	const struct asy_decl		*decl;
	const char			*work;	/* the run folder being
						   written */
	struct asy_capture	*cap;		/* NULL: no capture */
	char			*cap_error;	/* why not, or NULL */
	int			 alive;		/* the DUT answered at start */
	char			*alive_why;	/* why not, or NULL */
	struct asy_inventory	*inv;		/* NULL: no discovery */
	char			*disc_error;	/* why it failed, or NULL */
	int			 disc_harness;	/* its failure is the
						   harness's (ERROR), not
						   the DUT's (INCONCLUSIVE) */
	struct asy_observation	*obs;
	char			*nmap_xml;	/* evidence paths (relative) */
	char			*nmap_xml2;	/* the second address's */
	char			*disc_pcap;
	unsigned long long	 disc_dropped;
	int			 privileged;	/* raw sockets available */
	char			*target;	/* "198.18.1.2, fd00::2" */
	char			*nmap_cmd;	/* command line(s) */
	char			*nmap_version;
	/* The current case. */
	char			*case_pcap;	/* relative, or NULL */
	const char		*case_id;	/* "5.1-5-2", or NULL */
	/* Fragile devices: when the DUT stopped answering (0: it answers),
	 * and why. */
	time_t			 down_since;
	unsigned		 alive_port;	/* answered the last check */
	char			*down_why;
	/* The secrets of the DUT's credentials, read while still
	 * privileged (the files are the lab's, root-only); wiped by
	 * asy_live_free().  Then those of the lab's other units of the
	 * same model (<dut model="">), for 5.1-1-2 c to compare. */
	struct asy_live_secret {
		const struct asy_lab_cred *cred;
		char		*secret;	/* NULL: could not be read */
		int		 err;		/* then why */
		const struct asy_lab_dut *unit;	/* another unit, or
						   NULL: the DUT's own */
		const char	*cred_for;	/* the IXIT rows it is for
						   (space separated), or
						   NULL: any */
		int		 limited;	/* privilege="limited": an
						   account the lab made, not
						   pre-installed */
	}			*secrets;
	size_t			 n_secrets;
	/* The DUT's serial console (console.h), opened at asy_live_open()
	 * while still privileged; NULL with console_error set when it could
	 * not be, or NULL and no error when the DUT has no serial port.
	 * Its transcript (every byte both ways, timestamped, secrets masked)
	 * goes to console_log. */
	struct asy_console	*console;
	char			*console_error;
	struct asy_buf		 console_log;
	/* The privileged parent's end of the control channel (ctl.h), where
	 * the lab's <control> commands run; -1: run them here. */
	int			 ctl_fd;
	/* The DUT's Wi-Fi onboarding source (<dut><wifi>), prepared at
	 * asy_live_open() while still privileged: its monitor interface
	 * opened (wifi_cap, listened to by the first test that needs it),
	 * or the lab's capture file copied into the run folder (wifi_pcap,
	 * relative).  wifi_error says why neither could be; all NULL when
	 * the DUT has no Wi-Fi source. */
	struct asy_capture	*wifi_cap;
	char			*wifi_pcap;
	char			*wifi_error;
	/* The run's journal (run.c), or NULL: discovery is recorded in it,
	 * and a resumed run takes its discovery back from it. */
	struct asy_journal	*journal;
	/* What the functional tests keep between cases (testcases/tclib.c). */
	struct asy_tc_state	*tc;
};

/* The secret of a credential of the DUT (read at asy_live_open()), or
 * NULL; *err (may be NULL) gets why not. */
const char *asy_live_secret(const struct asy_live *lv,
	    const struct asy_lab_cred *c, int *err);

/* Read what the test library needs from files (the default credential
 * lists, the lab's wordlists) while assay may still read them all: at
 * asy_live_open(), before privileges are dropped.  0 or ASY_E_NOMEM; a
 * list that cannot be read is a warning.  Free with asy_tc_state_free()
 * (testcases/tclib.c). */
int	asy_tc_preload(struct asy_live *lv);
void	asy_tc_state_free(struct asy_tc_state *tc);

/* Is the unit judged from the DUT's Wi-Fi onboarding capture alone
 * (testcases/tcwifi.c)?  Then it runs without the DUT answering on the
 * network, and its PASS rests on that capture, not on the case's pcap.
 * 1 or 0. */
int	asy_tc_offair(const struct asy_live *lv, const struct asy_plan_case *pc,
	    const struct asy_plan_unit *pu);

/* A unit's test.  Sets u's verdict, reason and evidence; returns 0, or a
 * negative error only when the harness failed (out of memory, I/O): the
 * runner then records ERROR. */
typedef int asy_unit_fn(struct asy_live *lv, const struct asy_plan_unit *pu,
	    struct asy_unit_result *u);
/* A test's return when the lab config gives it no way to automate the
 * unit (no control command, no console): u is left untouched and the unit
 * goes to the operator (answers file or prompt) as if no test were
 * registered. */
#define ASY_TC_OPERATOR	2

struct asy_tc_unit {
	const char	*unit;		/* "a" */
	asy_unit_fn	*run;
};

/* One test case of one edition, in its own file under testcases/. */
struct asy_testcase {
	const char		*edition;	/* "ts103701-v1.1.1" */
	const char		*id;		/* "5.1-1-2" */
	const struct asy_tc_unit *units;
	size_t			 n_units;
};

/* The registry (testcases/registry.c). */
extern const struct asy_testcase *const asy_testcases[];
extern const size_t asy_n_testcases;

/* The test for a unit of a case in an edition, or NULL. */
asy_unit_fn *asy_testcase_find(const char *edition, const char *case_id,
	    const char *unit_id);

/*
 * Helpers for tests.
 */

/* Set verdict and a formatted reason.  0 or ASY_E_NOMEM. */
int	asy_unit_set(struct asy_unit_result *u, enum asy_verdict v,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Discovery as evidence: when discovery did not give an inventory, set u
 * to ERROR or INCONCLUSIVE with the reason and return 1; else add the nmap
 * XML and the discovery pcap to u's evidence and return 0 (<0: no
 * memory). */
int	asy_live_need_discovery(struct asy_live *lv,
	    struct asy_unit_result *u);

/*
 * The completeness check several cases share: FAIL naming every open
 * service that no IXIT row declares and whose classes meet mask (0: any),
 * and every service declared disabled that answers; PASS naming what was
 * checked when there is none.  what: "password-based authentication" etc.
 */
int	asy_live_completeness(struct asy_live *lv, struct asy_unit_result *u,
	    unsigned mask, const char *what);

/* The options of a live run (see asy_run_opts). */
struct asy_live_opts {
	const struct asy_lab		*lab;
	const struct asy_lab_dut	*dut;
};

/*
 * Hooks for asy_run_results(): called per planned case with live units,
 * and per functional unit.  A unit without a registered test returns 0
 * and leaves u untouched (the caller records "no automated test").
 * Returns 1 when the unit was decided.
 */
int	asy_live_case_begin(struct asy_live *lv, const struct asy_plan_case *pc);
int	asy_live_unit(struct asy_live *lv, const struct asy_plan_case *pc,
	    const struct asy_plan_unit *pu, struct asy_unit_result *u);
int	asy_live_case_end(struct asy_live *lv, const struct asy_plan_case *pc,
	    struct asy_case_result *c);

/*
 * The run itself.  asy_live_open() while privileged: the capture handle on
 * the DUT's interface (a failure is recorded in lv->cap_error, not fatal),
 * its serial console, its Wi-Fi onboarding source (the monitor interface
 * opened, or the capture file copied to wifi/onboarding.pcap; a failure
 * in lv->wifi_error).
 * asy_live_discover() after privileges are dropped: start the capture,
 * check the DUT answers, run nmap on each of its addresses into
 * discovery/, match with the IXIT.  Failures are recorded for the verdicts
 * (never fatal); only running out of memory returns an error.
 * asy_live_report() adds the discovery section and tool versions.
 */
int	asy_live_open(const struct asy_live_opts *o,
	    const struct asy_decl *decl, const char *work,
	    struct asy_live **out);
int	asy_live_discover(struct asy_live *lv);
/* Open the DUT's serial port again (it hung up: a console program that
 * timed out, an adapter that went away), as the user assay now is; the
 * transcript goes on.  0 (lv->console set, or NULL with console_error)
 * or ASY_E_NOMEM. */
int	asy_live_console_reopen(struct asy_live *lv);
int	asy_live_report(const struct asy_live *lv, struct asy_report *rep);

/*
 * Run the lab's control command for action ("power-off", "network-up",
 * "local-check"...) of the DUT: through the privileged parent when there
 * is one, else here.  A timestamped header and what the command printed
 * are appended to log (may be NULL).  1 when it ran and exited with
 * status 0; 0 when it ran and failed, or could not run (why says how it
 * ended); ASY_E_NOTFOUND when the lab config gives no such command; other
 * negative errors when the parent cannot be reached.
 */
int	asy_live_control(struct asy_live *lv, const char *action,
	    struct asy_buf *log, char *why, size_t len);
void	asy_live_free(struct asy_live *lv);

/* Does a case have any unit with a registered test? */
int	asy_live_case_has_tests(const struct asy_live *lv,
	    const struct asy_plan_case *pc);

#endif
