/*
 * The functional test library: what several test cases share.
 *
 * - the services discovery found, by protocol, with their IXIT rows;
 * - authentication surfaces: probing each service once for how it
 *   authenticates, and guessing the common default credentials on it
 *   within the lab's budget (5.1-1-2, 5.1-5-2, 5.5-4-2 read the result);
 * - what answers without authentication (banners, pages, SNMP, retained
 *   MQTT messages, mDNS and UPnP announcements asked by unicast),
 *   collected once (5.5-2-2, 5.6-2-2, 5.5-1-2);
 * - secure channels: one SSH or TLS assessment per port, against the
 *   best-practice table and the IXIT's words (5.1-3-2, 5.5-1-2, 5.5-6-2,
 *   5.5-7-2, 5.8-1-2, 5.8-2-2);
 * - cleartext credentials and personal data in the run's captures;
 * - transcripts written into the run folder as evidence.
 *
 * Results are cached in lv->tc; the evidence of a cached result names the
 * case that collected it, so a reader finds the traffic in its pcap.
 */
#ifndef ASSAY_TCLIB_H
#define ASSAY_TCLIB_H

#include <stddef.h>

#include "buf.h"
#include "disclose.h"
#include "guess.h"
#include "live.h"

enum asy_proto_kind {
	ASY_PK_OTHER,
	ASY_PK_SSH,
	ASY_PK_TELNET,
	ASY_PK_HTTP,
	ASY_PK_HTTPS,
	ASY_PK_MQTT,
	ASY_PK_MQTTS,
	ASY_PK_SNMP,
	ASY_PK_FTP,
	ASY_PK_COAP,
	ASY_PK_RTSP,
};

/* "ssh", "telnet", "http", ... */
const char *asy_proto_kind_name(enum asy_proto_kind k);

/* The address the tests talk to: the DUT's IPv4 address inside the
 * scope, else its IPv6 one; NULL when it has none. */
const char *asy_tc_addr(const struct asy_live *lv);

/* The protocol of an open service, from nmap's name, TLS and the port. */
enum asy_proto_kind asy_tc_kind(const struct asy_observed *o);

/* The open service on proto/port, or NULL. */
const struct asy_observed *asy_tc_service(const struct asy_live *lv,
	    const char *proto, unsigned port);

/* "tcp/80" and "TCP 80" style ports in a text: the first, or 0. */
unsigned asy_tc_port_in(const char *text);

/*
 * Write text to transcripts/<case>-<name>.txt in the run folder and add it
 * to u's evidence with note.  0 or a negative error.
 */
int	asy_tc_transcript(struct asy_live *lv, struct asy_unit_result *u,
	    const char *name, const struct asy_buf *text, const char *note);

/* A credential's secret for an IXIT 1-AuthMech row (see
 * asy_lab_cred_for()); NULL with *user NULL when the lab gives none. */
const char *asy_tc_secret(const struct asy_live *lv, const char *row_id,
	    int ssh_key, const char **user);

/*
 * Authentication surfaces.
 */
struct asy_surface {
	const struct asy_observed *o;
	enum asy_proto_kind	 kind;
	unsigned	 port;
	int		 probed;	/* 0: no prober for this kind */
	int		 auth;		/* 1 asks for authentication, 0 lets
					   anyone in, -1 could not tell */
	int		 password;	/* the authentication is a password
					   (or a community, or a PIN) */
	char		 method[96];	/* "password, publickey", "HTTP
					   Basic", "telnet login", ... */
	char		 path[160];	/* HTTP, RTSP: the protected path */
	char		*note;		/* what probing saw, in words */
	/* Guessing with the default list (when password). */
	int		 guessed;	/* guessing ran */
	struct asy_guess_result g;
	char		*found_user;	/* a pair of the public list that was
					   accepted, or NULL */
	char		*found_pass;
	char		*transcript;	/* relative path, or NULL */
	const char	*by_case;	/* the case that collected it */
};

/*
 * Probe every open service once (cached): how it authenticates, and for
 * password surfaces the default list guessed within the lab's budget
 * (every pair, not stopping at the first accepted, so that the rate is
 * measured too).  Returns the list through *s, *n; 0 or <0 harness error.
 */
int	asy_tc_surfaces(struct asy_live *lv, struct asy_surface **s,
	    size_t *n);

/* Add the evidence of a surface (its transcript, the collecting case's
 * pcap) to u. */
int	asy_tc_surface_evidence(struct asy_live *lv,
	    const struct asy_surface *s, struct asy_unit_result *u);

/* The guessing engine's operations for a surface, with cfg (freed with
 * asy_tc_prober_free()).  NULL when the kind has no prober. */
const struct asy_guess_ops *asy_tc_prober(struct asy_live *lv,
	    const struct asy_surface *s, void **cfg);
void	asy_tc_prober_free(void *cfg);

/* The connection-rate probe: TCP connects only, one per attempt. */
const struct asy_guess_ops *asy_tc_connect_prober(struct asy_live *lv,
	    unsigned port, void **cfg);

/*
 * What answers without authentication (cached): every finding with its
 * source, and the raw answers in a transcript.
 */
struct asy_unauth {
	struct asy_disclosures found;
	char		*transcript;	/* relative path */
	const char	*by_case;
	char		*sources;	/* "HTTP GET /, SNMP, MQTT #, ..." */
};
int	asy_tc_unauth(struct asy_live *lv, struct asy_unauth **out);

/*
 * A secure channel on port: SSH (algorithms offered, downgrade attempts,
 * host key size) or TLS (versions, weak suites, certificate), or plain
 * text.  decl: the IXIT's words on its cryptography (several fields
 * joined; may be NULL).  sensitive: the channel carries credentials,
 * personal data or other secrets.  Sets u's verdict, reason and evidence.
 */
int	asy_tc_channel(struct asy_live *lv, unsigned port, const char *decl,
	    int sensitive, struct asy_unit_result *u);

/*
 * Cleartext in the captures of the run so far (discovery and every case
 * pcap, the current one included), findings on port (0: any) appended to
 * out as "frame N of pcap/X.pcap: what" lines, at most max.  Returns the
 * number found (>=0) or <0.
 */
long	asy_tc_cleartext(struct asy_live *lv, unsigned port,
	    struct asy_buf *out, size_t max);

/*
 * Units checked in several parts (ports, services): each part is a
 * zeroed struct asy_unit_result set like a unit, then folded into the
 * unit: the worse verdict (FAIL, ERROR, INCONCLUSIVE, PASS), "label:
 * reason" appended, evidence moved without duplicates; part is released.
 */
int	asy_tc_fold(struct asy_unit_result *u, struct asy_unit_result *part,
	    const char *label);
void	asy_tc_part_release(struct asy_unit_result *part);

/* A marker for the run's steps ({token}): "assay" and 16 hex digits,
 * different on every call; tok holds ASY_TC_TOKEN_LEN bytes. */
#define ASY_TC_TOKEN_LEN	22
void	asy_tc_token(char tok[ASY_TC_TOKEN_LEN]);

/* Two units' pre-installed passwords (5.1-1-2 c): NULL when unrelated,
 * else why not unique per device ("the same password", or one that
 * differs in at most two characters of the same length). */
const char *asy_tc_pw_related(const char *a, const char *b);

/* Does a space- or comma-separated list of row IDs name id?  1 or 0. */
int	asy_tc_names(const char *list, const char *id);

/* The surface of the service a 13-SoftServ row declares (by row, else by
 * its port), or NULL when it is not open. */
const struct asy_surface *asy_tc_surface_of(struct asy_live *lv,
	    const struct asy_ixit_row *row);

/* One login on a surface (libssh for keys): 1 accepted, 0 refused, <0
 * no answer or no way to try (why says). */
int	asy_tc_login(struct asy_live *lv, const struct asy_surface *s,
	    const char *user, const char *secret, int key, char *why,
	    size_t len);

/* 5.5-4-2's units for a 13-SoftServ row: 'a' unauthenticated, wrong
 * and under-privileged requests refused, 'b' the lab's credential
 * accepted, 'c' the authentication is the declared one; 'f' 5.5-5-2 a:
 * 'a' and the factory state (asy_tc_functions()). */
int	asy_tc_access(struct asy_live *lv, const struct asy_ixit_row *row,
	    char unit, struct asy_unit_result *u);

/*
 * The lab's <function> requests of a 13-SoftServ row (tcpriv.c), each
 * tried once for the run without credentials, with a wrong password, with
 * the DUT's limited credential (privilege="admin" functions) and with the
 * admin's; after one factory reset for the run (<control action="reset">,
 * else <erase><delete>) the changes="yes" ones again without credentials
 * and with a wrong password.  Sets u as a part to fold: ASY_FN_REFUSED
 * (5.5-4-2 a: FAIL naming each attempt that got in, its status line and
 * first bytes escaped; INCONCLUSIVE for no answer, another status, or an
 * admin not granted), ASY_FN_GRANTED (5.5-4-2 b), ASY_FN_FACTORY (5.5-5-2
 * a's factory state).  Without a function, or a reset, u is a PASS that
 * says what was not tried.  0 or a negative harness error.
 */
enum asy_fn_part {
	ASY_FN_REFUSED,
	ASY_FN_GRANTED,
	ASY_FN_FACTORY,
};
int	asy_tc_functions(struct asy_live *lv, const struct asy_ixit_row *row,
	    enum asy_fn_part what, struct asy_unit_result *u);

/* A communication mechanism (11-ComMech row): its port from the protocol
 * text, then asy_tc_channel() with the row's words; sensitive -1: the
 * row's carries field decides. */
int	asy_tc_commech(struct asy_live *lv, const struct asy_ixit_row *row,
	    int sensitive, struct asy_unit_result *u);

/*
 * The DUT's Wi-Fi onboarding (tcwifi.c).  An 11-ComMech row whose
 * interface is the lab's <dut><wifi intf> runs over the onboarding access
 * point: asy_tc_commech() judges it from the onboarding capture with
 * asy_tc_wifi_commech() (asy_wifi_judge(): a weakness FAILs, good or
 * noted PASSes with the note, a network not seen is INCONCLUSIVE;
 * cleartext named by frame).  asy_tc_wifi_radios() is 5.6-3-2 c: the
 * DUT's access points in the capture against the IXIT's Wi-Fi interface
 * rows.  A source that cannot be used is an ERROR.
 */
int	asy_tc_onboarding_row(const struct asy_live *lv,
	    const struct asy_ixit_row *row);
int	asy_tc_wifi_commech(struct asy_live *lv,
	    const struct asy_ixit_row *row, struct asy_unit_result *u);
int	asy_tc_wifi_radios(struct asy_live *lv, struct asy_unit_result *u);

/* Every channel a 21-PersData row names (commech), as sensitive. */
int	asy_tc_persdata(struct asy_live *lv, const struct asy_ixit_row *pd,
	    struct asy_unit_result *u);

/* Join the named fields of an IXIT row, and of the rows it references,
 * into out ("; " between). */
int	asy_tc_row_text(const struct asy_ixit_row *row,
	    const char *const *fields, struct asy_buf *out);

/*
 * Update sessions (tcupdate.c): assay as the update server of an IXIT
 * 7-UpdMech row, as the lab config's <update> says, offering genuine,
 * altered, unsigned, wrongly signed, oversize, interrupted, rogue-TLS and
 * older images.  One session per mechanism, run by the first unit that
 * needs it.
 */
enum asy_upd_unit {
	ASY_UPD_INSTALL,	/* 5.3-1-2 a: the genuine image installs */
	ASY_UPD_PREPARE,	/* 5.3-2-2 a (V1.1.1): the scenarios */
	ASY_UPD_MISUSE,		/* 5.3-2-2 b (V1.1.1), a (V2.1.1): every
				   misuse attempt refused */
	ASY_UPD_VERIFY,		/* 5.3-9-2 a: unsigned and altered images
				   refused */
	ASY_UPD_ENDPOINTS,	/* 5.3-10-1 c: only the served paths asked */
	ASY_UPD_AUTO,		/* 5.3-4A-2 a (V2.1.1): the device checks
				   on its own as often as declared */
};

/* The interval an IXIT sentence declares ("every 24 hours", "daily",
 * "every 10 seconds", "hourly"), in seconds; -1 when it names none. */
double	asy_tc_interval_s(const char *text);

/* The unit for mechanism row mech, or with mech NULL for every 7-UpdMech
 * row, folded. */
int	asy_tc_update(struct asy_live *lv, const struct asy_ixit_row *mech,
	    enum asy_upd_unit what, struct asy_unit_result *u);

/*
 * A step of the lab config (<update>, <resilience>, <erase>,
 * <credential-change>): an HTTP GET to the DUT, a command over SSH (a
 * session kept in *ssh, opened on first use, closed by the caller) or on
 * the serial console (logging in with the step's credential at a prompt),
 * or a command on the lab's side.  {url}, {ca}, {token}, {old} and {new}
 * in its text become sub's values.  What it printed goes to out (at most
 * ASY_TC_STEP_OUT_MAX).  0 when it ran and succeeded (HTTP 2xx, exit
 * status 0), else <0 with why: ASY_E_PROTO when the device answered with
 * a failure (another HTTP status, an exit status), ASY_E_REFUSED when it
 * refused the login.
 */
#define ASY_TC_STEP_OUT_MAX	((size_t)16 << 10)
struct asy_ssh;
struct asy_tc_subst {
	const char	*url, *ca, *token;
	/* <credential-change> (5.1-4-2): {old} and {new} (secrets: the
	 * serial console's transcript masks them); a step whose credential
	 * is as logs in with secret instead of the lab's value; *refused
	 * (when not NULL) is set to 1 when the device refused the login
	 * (HTTP 401 or 403, SSH or console authentication refused). */
	const char	*old, *new;
	const struct asy_lab_cred *as;
	const char	*secret;
	int		*refused;
};
int	asy_tc_step(struct asy_live *lv, const struct asy_lab_step *st,
	    const struct asy_tc_subst *sub, struct asy_ssh **ssh,
	    struct asy_buf *out, char *why, size_t len);

/*
 * After a restart or an outage: wait until every TCP service discovery
 * found open accepts a connection again (each asked every 250 ms until it
 * does), or until t0 + deadline_ms (asy_now_ms() time).  Each service
 * that answers is logged to t with its time since t0.  0 when all answer;
 * ASY_E_TIMEOUT with *silent (fresh: "tcp/23, tcp/80") when some do not;
 * ASY_E_NOMEM.
 */
int	asy_tc_services_back(struct asy_live *lv, long long t0,
	    unsigned long deadline_ms, struct asy_buf *t, char **silent);

/* Two readings of a device's text compared line by line (trailing white
 * space aside): NULL when the same, else a fresh 'line N was "..." NAME_A
 * and is "..." NAME_B' (escaped, capped). */
char	*asy_tc_text_diff(const char *a, const char *b, const char *name_a,
	    const char *name_b);

/* Does the lab config give an update session for any mechanism? */
int	asy_tc_update_configured(const struct asy_live *lv);

/*
 * An 11-ComMech row that names no port of the device and carries updates
 * is the update channel: judged from the update session whose scheme is
 * the protocol's first word (HTTPS, HTTP), run here if no case ran it
 * yet: the device's ClientHellos to assay's server in the session's pcap
 * (asy_tls_hellos_judge()), the downgrade attempt (a server of TLS 1.0
 * and 1.1 only) and the mitm attempt.  1 when the row was judged (u set),
 * 0 when it is not an update channel, <0 on error.
 */
int	asy_tc_update_channel(struct asy_live *lv,
	    const struct asy_ixit_row *row, struct asy_unit_result *u);

#endif
