/*
 * The result model: what a run found, unit by unit, and everything a report
 * says about it.  Report writers read only this (and never the catalogue,
 * the declarations or the plan), so every string a writer prints is here.
 *
 * All strings are owned by the model (heap copies, freed by
 * asy_report_free()).  Strings that came from outside (declarations, a
 * device) are stored as they came: writers escape them.
 */
#ifndef ASSAY_RESULT_H
#define ASSAY_RESULT_H

#include <stddef.h>

#include "verdict.h"

struct asy_evidence {
	char	*path;		/* relative to the run folder */
	char	*kind;		/* declaration, catalogue, answers, operator,
				   pcap, nmap, transcript, ... */
	char	*note;		/* what in it matters ("frames 12-18"), or NULL */
};

struct asy_unit_result {
	char	*id;		/* unit letter, "a" */
	char	*row;		/* IXIT row this unit was fanned out for, or NULL */
	char	*title;		/* what the unit checks */
	char	*kind;		/* conceptual, functional */
	char	*needs;		/* bench capabilities, space separated, or NULL */
	enum asy_verdict verdict;
	char	*reason;	/* one sentence: why this verdict */
	enum asy_verdict pre;	/* harness pre-assessment, ASY_V_NONE if none */
	char	*pre_reason;	/* its reason, or NULL */
	char	*decided_by;	/* "assessor NAME", "pre-assessment accepted",
				   "harness", or NULL when undecided */
	struct asy_evidence *ev;
	size_t	 n_ev;
};

struct asy_case_result {
	char	*id;		/* "5.1-1-1" */
	char	*title;
	char	*kind;		/* conceptual, functional, mixed */
	int	 derived;	/* catalogue entry derived, not transcribed */
	int	 excluded;	/* left out of the plan; reason says why */
	enum asy_verdict verdict;
	char	*reason;
	struct asy_unit_result *units;
	size_t	 n_units;
};

struct asy_group_result {
	char	*id;		/* "5.1-1" */
	char	*provision;	/* provision ID, or NULL (group 4-1) */
	char	*title;
	char	*status;	/* ICS status as written: "M C(1)" */
	int	 mandatory;	/* M (1) or R (0) */
	char	*support;	/* "Y", "N", "N/A", or NULL when no ICS row */
	char	*detail;	/* the ICS Detail column, or NULL */
	enum asy_verdict verdict;
	char	*reason;
	struct asy_case_result *cases;
	size_t	 n_cases;
};

struct asy_input_file {
	char	*role;		/* ics, ixit, catalogue, answers, lab-config */
	char	*path;		/* relative to the run folder */
	char	*origin;	/* where it was copied from */
	char	*sha256;	/* lowercase hex */
};

struct asy_tool {
	char	*name;
	char	*version;
};

/* A service discovery found, or one declared and not found. */
struct asy_observed_service {
	char	*proto;		/* "tcp", "udp" */
	unsigned port;
	char	*match;		/* "declared", "undeclared", "declared
				   disabled", "declared, not seen", ... */
	char	*service;	/* nmap's name, or NULL */
	char	*product;	/* product and version as the device gave
				   them, or NULL */
	char	*row;		/* declaring IXIT row, or NULL */
};

/* Discovery with nmap, in a live run. */
struct asy_discovery {
	char	*status;	/* "done", "failed", "not run" */
	char	*note;		/* one sentence: what was found or why not */
	char	*target;	/* addresses scanned */
	char	*command;	/* the nmap command line, or NULL */
	char	*evidence;	/* nmap XML path in the run folder, or NULL */
	char	*pcap;		/* its capture, or NULL */
	struct asy_observed_service *services;
	size_t	 n_services;
};

struct asy_report {
	char	*run_id;
	char	*assay_version;
	char	*date;		/* ISO 8601 UTC: 2026-11-22T11:30:00Z */
	char	*mode;		/* "offline" (conceptual only) or "live" */
	char	*edition;	/* catalogue ID: ts103701-v1.1.1 */
	char	*baseline;	/* "ETSI EN 303 645 V2.1.1" */
	char	*method;	/* "ETSI TS 103 701 V1.1.1" */
	char	*catalogue_title;
	struct {
		char	*vendor, *model, *hw, *sw, *name;
	} dut;
	struct asy_input_file *inputs;
	size_t	 n_inputs;
	struct asy_tool *tools;
	size_t	 n_tools;
	struct asy_discovery *discovery;	/* NULL: offline run */
	enum asy_verdict overall;
	char	*overall_reason;
	/* Counts by verdict (index enum asy_verdict), over applicable items. */
	unsigned n_group[ASY_V__COUNT];
	unsigned n_case[ASY_V__COUNT];
	unsigned n_unit[ASY_V__COUNT];
	struct asy_group_result *groups;
	size_t	 n_groups;
};

struct asy_report *asy_report_new(void);
void	asy_report_free(struct asy_report *r);

/*
 * Builders: append a zeroed element and return it (owned by the parent), or
 * NULL when out of memory.  Fill its strings with asy_strdup_or_null().
 */
struct asy_group_result	*asy_report_add_group(struct asy_report *r);
struct asy_case_result	*asy_group_add_case(struct asy_group_result *g);
struct asy_unit_result	*asy_case_add_unit(struct asy_case_result *c);
int	asy_unit_add_evidence(struct asy_unit_result *u, const char *path,
	    const char *kind, const char *note);
int	asy_report_add_input(struct asy_report *r, const char *role,
	    const char *path, const char *origin, const char *sha256);
int	asy_report_add_tool(struct asy_report *r, const char *name,
	    const char *version);
/* The discovery section (created zeroed on first call). */
struct asy_discovery *asy_report_discovery(struct asy_report *r);
struct asy_observed_service *asy_discovery_add(struct asy_discovery *d);

/*
 * Roll verdicts up: each case from its units (excluded cases keep the
 * verdict set on them), each group from its cases unless the group's
 * verdict was set by its ICS row, then the counts and the overall verdict:
 * FAIL if a mandatory group (or the justification group 4-1 / 5.0-1)
 * failed; else ERROR, INCONCLUSIVE, PASS by the rules of
 * asy_verdict_combine() over mandatory groups.  Returns 0 or ASY_E_NOMEM.
 */
int	asy_report_rollup(struct asy_report *r);

/* The assay exit code this report calls for (see error.h). */
int	asy_report_exit_code(const struct asy_report *r);

#endif
