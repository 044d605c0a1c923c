/*
 * A minimal SNMP v1/v2c client (BER encoding written here, UDP): GET of
 * a few OIDs with a community, and a SET that writes back the value read
 * (to prove write access without changing anything).
 */
#ifndef ASSAY_SNMP_H
#define ASSAY_SNMP_H

#include <stddef.h>

struct asy_snmp_var {
	char	 oid[128];	/* dotted: "1.3.6.1.2.1.1.1.0" */
	char	*value;		/* printable text (octet strings with
				   non-printable bytes as \xNN, numbers,
				   OIDs), at most 1 KiB, or NULL (noSuchName,
				   noSuchObject, ...) */
};

/* OIDs of the system group, for callers. */
#define ASY_OID_SYSDESCR	"1.3.6.1.2.1.1.1.0"
#define ASY_OID_SYSCONTACT	"1.3.6.1.2.1.1.4.0"
#define ASY_OID_SYSNAME		"1.3.6.1.2.1.1.5.0"
#define ASY_OID_SYSLOCATION	"1.3.6.1.2.1.1.6.0"

/*
 * GET oids (at most 16) with community; version 0 is SNMPv1, 1 is v2c.
 * Retries once within timeout_ms.  1 answered (vars[i] filled, in order;
 * free with asy_snmp_vars_release()), 0 no answer (a wrong community is
 * not answered), ASY_E_PROTO (an answer that is not SNMP or not for this
 * request: why says), ASY_E_INPUT (bad OID), ASY_E_IO.
 */
int	asy_snmp_get(const char *addr, unsigned port, const char *community,
	    int version, const char *const *oids, size_t n_oids,
	    unsigned long timeout_ms, struct asy_snmp_var *vars, char *why,
	    size_t why_len);

/*
 * SET oid to the octet string value with community: 1 the agent accepted
 * it (error-status noError), 0 refused (an error status, or no answer),
 * <0 as asy_snmp_get().  Callers write back the value they read: value is
 * text as asy_snmp_get() gives it, each \xNN written as that byte (a
 * backslash reads as \x5c), so a value written back is the bytes read.
 */
int	asy_snmp_set_string(const char *addr, unsigned port,
	    const char *community, int version, const char *oid,
	    const char *value, unsigned long timeout_ms, char *why,
	    size_t why_len);

void	asy_snmp_vars_release(struct asy_snmp_var *vars, size_t n);

#endif
