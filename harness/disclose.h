/*
 * What a device gives away: findings in text it sent without
 * authentication (banners, pages, SNMP values, MQTT messages): e-mail
 * addresses, serial numbers, MAC addresses, software names with versions,
 * Wi-Fi network names; and whether an exposed software version is one the
 * IXIT says was reviewed (12-NetSecImpl).
 */
#ifndef ASSAY_DISCLOSE_H
#define ASSAY_DISCLOSE_H

#include <stddef.h>

struct asy_disclosure {
	char	*kind;		/* "e-mail address", "serial number", "MAC
				   address", "software version", "Wi-Fi
				   network name" */
	char	*value;		/* as found, printable, at most 128 bytes;
				   versions as "lighttpd 1.4.69" */
	char	*source;	/* the caller's words: "HTTP GET
				   /status.json", "SNMP sysDescr.0" */
};

struct asy_disclosures {
	struct asy_disclosure *d;
	size_t	 n;
};

/*
 * Scan len bytes of text (any bytes; NULs allowed) from source and append
 * what is found, once per kind and value (the first source is kept).  At
 * most 200 findings in all.  0 or ASY_E_NOMEM.
 */
int	asy_disclose_scan(struct asy_disclosures *acc, const char *text,
	    size_t len, const char *source);
void	asy_disclosures_release(struct asy_disclosures *acc);

/*
 * Move the findings of from into acc, also those whose kind and value acc
 * already holds from another source (a serial number on the status page
 * and in an mDNS record are two disclosures); only exact duplicates and
 * findings past the cap of 200 are dropped.  from is released.  0 or
 * ASY_E_NOMEM.
 */
int	asy_disclosures_merge(struct asy_disclosures *acc,
	    struct asy_disclosures *from);

/*
 * Split a software version finding ("OpenSSH 9.2p1") or a banner product
 * and match it against the reviewed implementations, each an IXIT text
 * like "OpenSSH 9.2p1" or "lighttpd 1.4.69 with OpenSSL 3.0".  Names
 * compare case-insensitively ignoring "_", "-", "/"; a version matches
 * when one is a prefix of the other at a dot or letter boundary ("9.2" ~
 * "9.2p1", not "9.2" ~ "9.21").  1 reviewed, 0 not.
 */
int	asy_impl_reviewed(const char *name_version,
	    const char *const *reviewed, size_t n);

/*
 * Is the kind of a finding covered by the declared disclosure text of the
 * interfaces (15-Intf disclosure)?  Keywords per kind: "e-mail"/"email",
 * "serial", "MAC", "version", "SSID"/"network name".  1 or 0.
 */
int	asy_disclosure_declared(const char *declared_text, const char *kind);

/*
 * Find the first e-mail address in the len bytes at s (any bytes): a local
 * part of 1 to 64 [A-Za-z0-9._%+-] (leading dots left out, no final dot),
 * "@", two or more domain labels of [A-Za-z0-9-] (1 to 63 bytes, no '-'
 * at either end, 253 bytes in all), the last one 2 to 24 letters.  1 with
 * the address at s + *start, *n bytes long; 0 if there is none.  Shared
 * with pcapscan.c.
 */
int	asy_email_find(const char *s, size_t len, size_t *start, size_t *n);

/*
 * A fresh printable copy of the len bytes at s: bytes outside printable
 * ASCII, '"' and '\\' become \xNN; at most max bytes (max >= 8; a longer
 * result is cut at a whole character and ends in "...").  NULL when out
 * of memory.  Shared with pcapscan.c.
 */
char	*asy_printable(const char *s, size_t len, size_t max);

#endif
