/*
 * Reading a finished run back: a run folder (its report.xml) or a
 * report.xml path into a light model for comparing runs (diff.h), pinning
 * baselines and summaries.
 *
 * The report is read with the safe XML loader (harness/xml.h) and checked
 * against reports/schema/report.xsd, so a file that is not assay's (another
 * root, namespace or format), a truncated one, or one changed by hand is
 * refused with FILE:LINE diagnostics.  A folder that is still ".partial",
 * or has no MANIFEST.sha256, is refused as unfinished.
 *
 * Every string of the model points into the loaded document and lives as
 * long as the struct asy_runinfo; strings came from outside (declarations,
 * a device) and are stored as they came: renderers escape them.
 */
#ifndef ASSAY_RUNREAD_H
#define ASSAY_RUNREAD_H

#include <stddef.h>

#include "diag.h"
#include "verdict.h"

/* Labels of the pseudo-units that stand for a case without units (left
 * out of the plan) and a group without cases (decided by its ICS row). */
#define ASY_RUN_LABEL_CASE	"(case)"
#define ASY_RUN_LABEL_GROUP	"(group)"

/* One test unit of a run, or a pseudo-unit (see above). */
struct asy_run_unit {
	const char	*group;		/* "5.1-1" */
	const char	*case_id;	/* "5.1-1-2"; the group ID for a group */
	const char	*label;		/* "a", "b:AuthMech-SSH", "(case)" ... */
	int		 mandatory;	/* its group is mandatory */
	enum asy_verdict verdict;
	const char	*reason;	/* "" when the report gives none */
	const char	**evidence;	/* paths relative to the run folder */
	size_t		 n_evidence;
};

/* A service of the "declared and observed services" of a live run. */
struct asy_run_service {
	const char	*proto;		/* "tcp", "udp" */
	unsigned	 port;
	const char	*match;		/* "declared", "undeclared", ... */
	const char	*name;		/* nmap's service name, or NULL */
	const char	*product;	/* as the device announced it, or NULL */
	const char	*row;		/* declaring IXIT row, or NULL */
};

struct asy_runinfo {
	char		*folder;	/* the run folder, or NULL for a bare
					   report.xml */
	char		*report;	/* the report.xml that was read */
	const char	*id;		/* run ID (the folder's name) */
	const char	*date;		/* when it started, ISO 8601 UTC */
	const char	*mode;		/* "offline" or "live" */
	const char	*edition;	/* catalogue ID */
	const char	*assay_version;
	const char	*device;	/* the ICS's <dut name>, or "" */
	const char	*vendor, *model, *hw, *sw;	/* "" when absent */
	enum asy_verdict overall;
	const char	*overall_reason;	/* "" when absent */
	/* Discovery: NULL status for a run without it (offline). */
	const char	*discovery_status;	/* "done", "failed", "not run" */
	struct asy_run_service *services;
	size_t		 n_services;
	/* Units in report order; (case_id, label) is unique. */
	struct asy_run_unit *units;
	size_t		 n_units;
	struct asy_xdoc	*doc;		/* owns the strings */
};

/*
 * Read the run at path: a run folder (report.xml and MANIFEST.sha256 in
 * it) or a report.xml file.  Every problem goes to d naming the file and
 * what to do: not found, a ".partial" (unfinished) folder, not a run
 * folder, not an assay report, malformed or truncated XML, duplicate
 * units.  Then ASY_E_INPUT; ASY_E_NOMEM on no memory.  On success *out is
 * the caller's, freed with asy_runinfo_free().
 */
int	asy_runinfo_load(const char *path, struct asy_diags *d,
	    struct asy_runinfo **out);
void	asy_runinfo_free(struct asy_runinfo *ri);

/* Is u a pseudo-unit ("(case)", "(group)") rather than a test unit?
 * report.xml's unit counts leave pseudo-units out. */
int	asy_run_unit_is_pseudo(const struct asy_run_unit *u);

/* The unit (case_id, label), or NULL; a linear search. */
const struct asy_run_unit *asy_runinfo_unit(const struct asy_runinfo *ri,
	    const char *case_id, const char *label);

/*
 * The device name made safe for a file name, the way run folders are named
 * (letters, digits, '-' and '_'; anything else '_'; at most 40 bytes;
 * "dut" when empty), into a fresh string; NULL on no memory.
 */
char	*asy_runinfo_device_key(const char *device);

#endif
