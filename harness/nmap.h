/*
 * Discovery with nmap: the command built from the lab's scan budget, run
 * through asy_proc_run() with a deadline, its XML output parsed (libxml2
 * adapter, network and entities off) into a service inventory.
 */
#ifndef ASSAY_NMAP_H
#define ASSAY_NMAP_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

struct asy_nmap_script {
	char	*id;		/* "ssh2-enum-algos" */
	char	*output;	/* its text output, as nmap wrote it */
};

struct asy_service {
	char	*addr;		/* address scanned */
	char	*proto;		/* "tcp", "udp" */
	unsigned port;
	char	*state;		/* "open", "open|filtered", ... */
	char	*reason;	/* "syn-ack", "udp-response", ... */
	char	*name;		/* nmap's service name: "ssh", or NULL */
	char	*product;	/* "Dropbear sshd", or NULL */
	char	*version;	/* "2022.83", or NULL */
	char	*extrainfo;	/* or NULL */
	char	*tunnel;	/* "ssl" when nmap found TLS, or NULL */
	struct asy_nmap_script *scripts;
	size_t	 n_scripts;
};

struct asy_inventory {
	char	*nmap_version;	/* from <nmaprun version=...> */
	char	*args;		/* <nmaprun args=...>: the command line */
	char	*host_state;	/* "up", "down", or NULL when no host */
	int	 timed_out;	/* nmap gave up on a host at --host-timeout
				   (<host timedout="true">): its ports are
				   missing, not closed */
	struct asy_service *services;	/* every port nmap reported a state
					   for other than closed/filtered */
	size_t	 n_services;
};

/*
 * Caps on what nmap's XML may hold: the file, one service field (product,
 * version, ...: longer ones are cut at a character boundary, with a
 * warning) and one script's output (likewise).  Banners come from the
 * device: they are stored as nmap wrote them, never trusted, and escaped by
 * the report writers.
 */
#define ASY_NMAP_MAX_XML		((size_t)16 << 20)
#define ASY_NMAP_MAX_FIELD		((size_t)4 << 10)
#define ASY_NMAP_MAX_SCRIPT_OUTPUT	((size_t)64 << 10)

/* Budget and target for one discovery. */
struct asy_nmap_opts {
	const char	*nmap;		/* program: "nmap" or a path */
	const char	*target;	/* one address (IPv4 or IPv6) */
	const char	*ifname;	/* -e, or NULL */
	unsigned long	 pps;		/* --max-rate */
	const char	*tcp_ports;	/* "1-65535" (NULL or "": no TCP) */
	const char	*udp_ports;	/* "53,67,161,..." (NULL or "": none) */
	unsigned	 version_intensity;
	const char	*scripts;	/* comma-separated, or NULL */
	unsigned long	 timeout_ms;	/* the deadline of the nmap process */
	const char	*xml_path;	/* -oX to this file */
	int		 privileged;	/* add --privileged (caps, not root) */
	int		 connect_scan;	/* no raw sockets: -sT, and no UDP */
};

/*
 * The argv for o (NULL-terminated, every string owned by it); free with
 * asy_nmap_argv_free().  NULL when o would put anything but what assay
 * means on nmap's command line: target not an IPv4 or IPv6 literal, a port
 * list other than N or N-M items (1..65535) joined by commas, script
 * names other than [a-z0-9-] joined by commas, an interface name other
 * than [A-Za-z0-9_.-] (at most 15), no port at all, a version intensity
 * over 9, no timeout (every run has a deadline), no or a '-' xml_path, UDP
 * ports with connect_scan; or when memory ran out.  pps 0 leaves out
 * --max-rate.
 */
char	**asy_nmap_argv(const struct asy_nmap_opts *o);
void	asy_nmap_argv_free(char **argv);

/*
 * The n most frequent UDP ports in nmap's own nmap-services
 * ($NMAPDIR/nmap-services when NMAPDIR is set, else
 * /usr/share/nmap/nmap-services), appended to out in ascending order as
 * "53,67,161" ("" for n 0).  Ties in frequency go to the lower port;
 * malformed lines are skipped; n larger than the list gives the whole
 * list.  ASY_E_NOTFOUND when the file is not there, ASY_E_INPUT when it
 * has no UDP entry, ASY_E_TOOBIG when out is full (out unchanged on every
 * error), ASY_E_IO, ASY_E_NOMEM.
 */
int	asy_nmap_top_udp(unsigned long n, struct asy_buf *out);

/*
 * Run nmap for o.  0: it ran and its XML was parsed into *inv.  Otherwise
 * why (ASY_E_NOTFOUND: no nmap; ASY_E_IO: it failed, timed out, gave up on
 * the target at --host-timeout or wrote no usable XML; ASY_E_USAGE: o is
 * refused as asy_nmap_argv() refuses it;
 * ASY_E_NOMEM), with a sentence for the report in why (how nmap ended and
 * the start of its stderr, printable ASCII only, capped).
 */
int	asy_nmap_run(const struct asy_nmap_opts *o, struct asy_inventory **inv,
	    struct asy_buf *why);

/*
 * Parse an nmap XML file (at most ASY_NMAP_MAX_XML) into a fresh *out.
 * Problems go to d as "path:line: ..." (ASY_E_INPUT); ASY_E_NOMEM.  Ports
 * whose state is closed, filtered or closed|filtered are checked but left
 * out of the inventory.
 */
int	asy_nmap_parse(const char *path, struct asy_diags *d,
	    struct asy_inventory **out);
void	asy_inventory_free(struct asy_inventory *inv);

/* "nmap --version"'s whole first line ("Nmap version 7.93 (
 * https://nmap.org )", printable ASCII only, at most 200 bytes), or NULL
 * when it cannot be run within 10 s or says nothing (fresh string).
 * nmap NULL: "nmap" from PATH. */
char	*asy_nmap_version(const char *nmap);

#endif
