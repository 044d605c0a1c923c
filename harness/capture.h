/*
 * Packet capture: the libpcap adapter (the only file that includes pcap.h).
 *
 * One live handle on a bench interface, opened while assay still has the
 * privileges to (before asy_priv_drop()), with a BPF filter on the DUT's
 * addresses.  A capture thread reads it for the whole run; each test case
 * gets its own pcap file: asy_capture_begin() switches the output to a new
 * file, asy_capture_end() drains what is still in flight, closes it and
 * reports the drops pcap_stats() counted while that file was current.
 */
#ifndef ASSAY_CAPTURE_H
#define ASSAY_CAPTURE_H

#include <stddef.h>

struct asy_capture;

struct asy_capture_opts {
	const char	*ifname;	/* "asy-weak0" */
	const char	*filter;	/* BPF, e.g. from asy_capture_filter() */
	unsigned long	 snaplen;	/* bytes (0: 262144) */
	unsigned long	 buffer;	/* kernel buffer, bytes (0: libpcap's
					   default) */
	unsigned long	 file_cap;	/* a file stops growing at this size
					   (0: no cap) */
};

struct asy_capture_stats {
	unsigned long long packets;	/* written to the file */
	unsigned long long bytes;	/* of the file */
	unsigned long long dropped;	/* ps_drop + ps_ifdrop while current */
	unsigned long long over_cap;	/* packets not written: file_cap */
	int		   truncated;	/* file_cap reached */
};

/*
 * Open and activate the handle and set the filter.  Errors (no such
 * interface, no permission, bad filter) give ASY_E_IO with libpcap's
 * message in errbuf.  No thread runs yet.
 */
int	asy_capture_open(const struct asy_capture_opts *o,
	    struct asy_capture **out, char *errbuf, size_t errlen);

/*
 * Open a monitor-mode Wi-Fi interface for listening only (nothing is ever
 * sent): 802.11 frames with radiotap headers (plain 802.11 when that is
 * all it offers), not promiscuous, no filter; snaplen 0 is 65535.  The
 * rest is as for asy_capture_open().  Errors: ASY_E_NOTFOUND (no such
 * interface), ASY_E_INPUT (not in monitor mode: no 802.11 link type),
 * ASY_E_IO (permission and the rest); errbuf says which.
 */
int	asy_capture_open_monitor(const char *ifname, unsigned long snaplen,
	    unsigned long file_cap, struct asy_capture **out, char *errbuf,
	    size_t errlen);

/* Packets written to the current file so far (0 without one). */
unsigned long long asy_capture_packets(struct asy_capture *c);

/* Start the capture thread (after privileges are dropped).  Packets seen
 * while no file is current are counted and dropped on the floor. */
int	asy_capture_start(struct asy_capture *c);

/* Write from now on into path (created, must not exist). */
int	asy_capture_begin(struct asy_capture *c, const char *path);

/* Wait until packets in flight are written (about 250 ms, bounded), close
 * the current file and give its statistics. */
int	asy_capture_end(struct asy_capture *c, struct asy_capture_stats *st);

/* Stop the thread (ending a current file) and close the handle. */
void	asy_capture_close(struct asy_capture *c);

/* "host 198.18.1.2 or host fd00::2 or ether host 02:..:02" for the
 * addresses that are not NULL; fresh string or NULL. */
char	*asy_capture_filter(const char *ipv4, const char *ipv6,
	    const char *mac);

/* One frame of a pcap file, numbered from 1 as Wireshark numbers it. */
struct asy_frame {
	unsigned long		 no;
	double			 ts;		/* seconds since the epoch */
	const unsigned char	*data;		/* caplen bytes, from the link
						   layer on */
	size_t			 caplen, len;
	int			 linktype;	/* DLT_EN10MB (1), ... */
};

/* Return nonzero to stop the walk. */
typedef int asy_frame_fn(const struct asy_frame *f, void *ctx);

/*
 * Call fn for each frame of the pcap file at path (also one still being
 * written by a capture: the current file is flushed after every batch).
 * 0, or ASY_E_IO with libpcap's message in errbuf when the file cannot be
 * read at all; a record cut short at the end stops the walk quietly.
 */
int	asy_capture_each(const char *path, asy_frame_fn *fn, void *ctx,
	    char *errbuf, size_t errlen);

/* The link type of the pcap file at path: 0, or ASY_E_IO with libpcap's
 * message (not a pcap file, unreadable). */
int	asy_capture_file_linktype(const char *path, int *linktype,
	    char *errbuf, size_t errlen);

/* libpcap's name of a link type ("EN10MB", "IEEE802_11_RADIO"), or
 * "unknown"; static. */
const char *asy_capture_linktype_name(int linktype);

/* libpcap's version string, for the report's tool list. */
const char *asy_capture_version(void);

#endif
