/*
 * Declared versus observed: the services discovery found, matched with
 * what the supplier declared in the IXIT (13-SoftServ "port", and in
 * V2.1.1 28-LogIntf "access"), so that every undeclared open port is named
 * and every service declared disabled but answering is caught.
 */
#ifndef ASSAY_OBSERVE_H
#define ASSAY_OBSERVE_H

#include <stddef.h>

#include "decl.h"
#include "nmap.h"

enum asy_match {
	ASY_MATCH_DECLARED,	/* open, declared enabled */
	ASY_MATCH_UNDECLARED,	/* open, no IXIT row names the port */
	ASY_MATCH_DISABLED,	/* open, but declared disabled */
	ASY_MATCH_NOT_SEEN,	/* declared enabled, not found open */
	ASY_MATCH_CLOSED,	/* declared disabled and not found open */
};

const char *asy_match_name(enum asy_match m);	/* "undeclared", ... */

/* Service classes, from nmap's service name (bits). */
enum {
	ASY_SVC_PASSWORD	= 1 << 0,	/* offers password-like auth */
	ASY_SVC_CONFIG		= 1 << 1,	/* can change configuration */
	ASY_SVC_UPDATE		= 1 << 2,	/* can deliver software */
	ASY_SVC_CLEARTEXT	= 1 << 3,	/* no encryption */
};

struct asy_observed {
	enum asy_match	 match;
	char		*proto;		/* "tcp" */
	unsigned	 port;
	const struct asy_service *svc;	/* in the inventory, or NULL
					   (NOT_SEEN, CLOSED) */
	const struct asy_ixit_row *row;	/* declaring row, or NULL */
	unsigned	 classes;	/* ASY_SVC_* */
};

struct asy_observation {
	struct asy_observed *v;
	size_t		 n;
	size_t		 n_open;		/* open services seen */
	size_t		 n_count[ASY_MATCH_CLOSED + 1];
};

/*
 * Match inv with decl.  Only services in state "open" count as observed;
 * "open|filtered" UDP ports (no answer either way) are not.  0 or
 * ASY_E_NOMEM.  The result points into inv and decl.
 */
int	asy_observe(const struct asy_decl *decl,
	    const struct asy_inventory *inv, struct asy_observation **out);
void	asy_observation_free(struct asy_observation *obs);

/* The ASY_SVC_* classes of an nmap service name ("ssh" ...; NULL: 0). */
unsigned asy_service_classes(const char *name, const char *tunnel);

/*
 * "udp/161 (snmp, net-snmp SNMPv3 server)" for a sentence; into out.
 * Strings from the device are copied as they are (writers escape) but
 * capped.
 */
int	asy_observed_label(const struct asy_observed *o, struct asy_buf *out);

/*
 * The ports an IXIT text names: every "tcp/N", "udp/N" or "sctp/N" in s,
 * in order; calls fn for each; stops at the first non-zero return.
 */
int	asy_ports_scan(const char *s,
	    int (*fn)(void *arg, const char *proto, unsigned port), void *arg);

#endif
