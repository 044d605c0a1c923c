/*
 * The lab configuration: the bench a live run uses.
 *
 * One XML file (lab-config/schema/lab.xsd): interfaces, devices under test,
 * credentials (by reference only: a file or an environment variable; the
 * secret itself is read only when a test needs it, and never stored in a
 * report or a log), capture settings, tool paths, the scan budget, power
 * and network control commands, and how operator steps are answered.
 *
 * Relative paths in the file are relative to the folder of the file; the
 * loader stores them resolved.
 */
#ifndef ASSAY_LABCFG_H
#define ASSAY_LABCFG_H

#include <stddef.h>

#include "diag.h"

enum asy_iface_kind {
	ASY_IFACE_ETHERNET,
	ASY_IFACE_WIFI,
	ASY_IFACE_SERIAL,
};

struct asy_lab_iface {
	char		*id;		/* the config's own name: "eth-weak" */
	enum asy_iface_kind kind;
	char		*name;		/* ethernet, wifi: OS interface name */
	int		 monitor;	/* wifi: monitor mode (1) */
	/* serial */
	char		*path;		/* /dev/ttyUSB0 */
	unsigned long	 baud;		/* 115200 */
	unsigned	 data_bits;	/* 5..8 */
	char		 parity;	/* 'n', 'e', 'o' */
	unsigned	 stop_bits;	/* 1, 2 */
	char		*flow;		/* "none", "rtscts", "xonxoff" */
	unsigned long	 line;		/* line in the lab config */
};

struct asy_lab_cred {
	char		*id;		/* "weak-admin" */
	char		*user;		/* account name, or NULL */
	char		*file;		/* secret read from this file, or NULL */
	char		*env;		/* ... or this environment variable */
	int		 ssh_key;	/* type="ssh-key": the secret is a
					   private key file, not one line */
	unsigned long	 line;
};

/* An argv command with a deadline. */
struct asy_lab_cmd {
	char		*action;	/* power-off, power-on, network-down,
					   network-up, reset, local-check */
	char		**argv;		/* NULL-terminated */
	size_t		 argc;
	unsigned long	 timeout_ms;
	unsigned long	 line;
};

/*
 * A step of an update session (<point>, <trigger>, <version>, <reset>):
 * an HTTP request to the DUT, a command over SSH on the DUT, a command on
 * the lab's side, or (trigger only) waiting for the device's own check.
 * In the HTTP target and the SSH command, {url} becomes the manifest's URL
 * on assay's server (percent-encoded in an HTTP target) and {ca} the path
 * of the lab's update CA certificate.
 */
enum asy_lab_via {
	ASY_VIA_NONE,			/* the step is not given */
	ASY_VIA_HTTP,
	ASY_VIA_SSH,
	ASY_VIA_COMMAND,
	ASY_VIA_WAIT,
	ASY_VIA_SERIAL,
};

struct asy_lab_step {
	enum asy_lab_via via;
	char		*text;		/* http: request target; ssh: command */
	char		**argv;		/* command: NULL-terminated */
	size_t		 argc;
	const struct asy_lab_cred *cred;	/* http (Basic), ssh; or NULL */
	unsigned	 port;		/* http, ssh: 0 is the default port */
	int		 tls;		/* http: https */
	unsigned long	 timeout_ms;	/* the step's deadline */
	unsigned long	 line;
};

/* A genuine release image the lab provides. */
struct asy_lab_image {
	char		*version;	/* [0-9A-Za-z._+-], 1..32 */
	char		*file;		/* resolved path */
	char		*signature;	/* detached signature file, or NULL */
	unsigned long	 line;
};

/* How assay plays the update server for one IXIT 7-UpdMech row. */
struct asy_lab_update {
	char		*mechanism;	/* IXIT row ID: "UpdMech-OTA" */
	int		 tls;		/* scheme="https" */
	char		*listen;	/* IP literal on the lab's side */
	unsigned	 port;
	char		*base;		/* "/h1/": starts and ends with '/' */
	char		*sig_alg;	/* signature="ecdsa-p256-sha256", or
					   NULL: the images are not signed */
	unsigned long	 max_size;	/* declared largest image; 0: none */
	unsigned long	 wait_ms;	/* for the device to fetch; 30 s */
	unsigned long	 settle_ms;	/* for the version to change; 10 s */
	unsigned long	 observe_ms;	/* watching the device's own checks;
					   0: not watched */
	char		*ca_cert, *ca_key;	/* https: the lab's update CA */
	struct asy_lab_image installed;	/* role="installed" */
	struct asy_lab_image newer;	/* role="new" */
	char		*manifest;	/* template, or NULL: assay's JSON */
	char		*manifest_type;	/* its Content-Type */
	struct asy_lab_step point, trigger, version, reset;
	unsigned long	 line;
};

/*
 * How assay cuts the DUT's network and power for 5.9-1-2 and 5.9-2-2 (with
 * the <control> commands network-down/up, power-off/on, local-check): how
 * long each outage lasts, how long the DUT has to answer again, and the
 * step that prints the DUT's user-visible state (its settings), compared
 * before and after.
 */
struct asy_lab_resilience {
	unsigned long	 outage_ms;	/* outage="S": 10 s */
	unsigned long	 recover_ms;	/* recover="S": 120 s */
	unsigned long	 observe_ms;	/* observe="S": the DUT's reconnections
					   watched after each outage (5.9-3-2);
					   0: not watched */
	struct asy_lab_step configure;	/* settings made before the
					   outages ({token}), or via NONE */
	struct asy_lab_step state;	/* or via NONE */
	unsigned long	 line;		/* 0: no <resilience> */
};

/*
 * 5.11-1-2: user data is created (<create>), read back (<read>), erased
 * with the declared function (<delete>) and read again.  {token} in a
 * step becomes a marker assay makes for the run ("assay7f3a9c01").
 */
struct asy_lab_erase {
	struct asy_lab_step create, read, del;
	unsigned long	 settle_ms;	/* settle="S": the DUT's time to be
					   back after <delete>: 120 s */
	unsigned long	 line;		/* 0: no <erase> */
};

/*
 * 5.1-4-2: the authentication value of one IXIT 1-AuthMech row changed
 * the documented way (<credential-change>).  <change> sets the value of
 * the lab's credential to {new}, a value assay makes for the run;
 * <check> is a request that needs the credential (an HTTP GET, or an SSH
 * login and a command), made with its user and, in turn, the old and the
 * new value; <restore> sets the value back to {old}, the lab's.  A step
 * whose credential= is the changed one logs in with the value the device
 * has at that moment.  {old} and {new} are secrets: never logged.
 */
struct asy_lab_credchange {
	char		*mechanism;	/* IXIT 1-AuthMech row ID */
	const struct asy_lab_cred *cred;	/* the credential changed:
					   a password with a user */
	unsigned long	 settle_ms;	/* settle="S": how long the new value
					   may take to work; 10 s */
	struct asy_lab_step change, check, restore;
	unsigned long	 line;
};

/*
 * Where the DUT's Wi-Fi onboarding is seen (<dut><wifi>): a monitor-mode
 * interface of the lab, listened to for seconds (never sending), or a
 * capture file the lab recorded with its own sniffer.  Which network is
 * the DUT's: ssid (exact bytes) and/or bssid.  intf: the IXIT interface
 * row (15-Intf, V2.1.1 15-PhyIntf) of that access point, whose 11-ComMech
 * channels are judged from the capture.
 */
struct asy_lab_wifi {
	const struct asy_lab_iface *iface;	/* monitor="yes", or NULL */
	char		*capture;	/* resolved path, or NULL */
	unsigned	 seconds;	/* interface: 1..600; 30 */
	char		*ssid;		/* 1..32 bytes, or NULL */
	char		*bssid;		/* "02:00:00:00:02:00", or NULL */
	char		*intf;		/* IXIT row ID, or NULL */
	unsigned long	 line;
};

/*
 * A network function of a service (<function>, 5.5-4-2 a and b, 5.5-5-2
 * a): a request the lab lets assay send to the DUT, tried without
 * credentials, with a wrong password, with the DUT's lower-privileged
 * credential for the service's mechanism (<uses privilege="limited">) and
 * with the admin's.  {token} in its text becomes a marker assay makes for
 * each attempt ("assay" and hex digits).  Only via="http" for now.
 */
struct asy_lab_function {
	char		*service;	/* IXIT 13-SoftServ row ID */
	int		 admin_only;	/* privilege="admin" (the default): a
					   limited credential must be refused;
					   0: "any" authenticated user may */
	int		 changes;	/* changes="yes": it changes the
					   configuration (repeated in the
					   factory state, 5.5-5-2 a) */
	struct asy_lab_step req;	/* cred: the admin's, or NULL: the
					   one for the service's mechanism */
	unsigned long	 line;
};

struct asy_lab_dut {
	char		*name;		/* "weak": safe characters only */
	char		*ipv4;		/* or NULL */
	char		*ipv6;		/* or NULL */
	char		*mac;		/* "02:00:00:00:01:02", or NULL */
	char		*model;		/* model="": units of one model, or
					   NULL */
	const struct asy_lab_iface *iface;	/* network interface, or NULL */
	const struct asy_lab_iface *serial;	/* serial port, or NULL */
	char		*ics, *ixit;	/* resolved paths */
	char		*answers;	/* answers file for this DUT, or NULL */
	char		*catalogue;	/* or NULL: the edition's default */
	const struct asy_lab_cred **creds;	/* credentials of this DUT */
	char		**cred_for;	/* per credential: the IXIT
					   1-AuthMech rows it is for, space
					   separated, or NULL (any) */
	int		*cred_limited;	/* per credential: privilege="limited"
					   (a lower-privileged account) */
	size_t		 n_creds;
	struct asy_lab_cmd *cmds;	/* control commands */
	size_t		 n_cmds;
	struct asy_lab_update *updates;	/* update sessions */
	size_t		 n_updates;
	struct asy_lab_resilience resil;	/* <resilience>: 5.9 */
	struct asy_lab_erase erase;	/* <erase>: 5.11-1-2 */
	struct asy_lab_function *functions;	/* <function>s: 5.5-4-2 */
	size_t		 n_functions;
	struct asy_lab_credchange *credchanges;	/* 5.1-4-2 */
	size_t		 n_credchanges;
	struct asy_lab_wifi *wifi;	/* onboarding source, or NULL */
	unsigned long	 line;
};

enum asy_operator_mode {
	ASY_OPERATOR_NONE,		/* operator units stay INCONCLUSIVE */
	ASY_OPERATOR_INTERACTIVE,	/* ask on the terminal */
	ASY_OPERATOR_ANSWERS,		/* read the DUT's answers file */
};

/* A network the lab may send to: "198.18.0.0/15", "fd00::/8". */
struct asy_lab_net {
	int		 family;	/* AF_INET, AF_INET6 */
	unsigned char	 addr[16];
	unsigned	 prefix;
};

struct asy_lab {
	char		*path;		/* the file as given */
	struct asy_lab_net *scope;	/* at least one */
	size_t		 n_scope;
	char		*name;
	char		*user;		/* privileges dropped to; "nobody" */
	enum asy_operator_mode operator_mode;
	struct asy_lab_iface *ifaces;
	size_t		 n_ifaces;
	struct asy_lab_cred *creds;
	size_t		 n_creds;
	struct asy_lab_dut *duts;
	size_t		 n_duts;
	struct {
		unsigned long	snaplen;	/* bytes; default 262144 */
		unsigned long	buffer;		/* bytes; default 16 MiB */
		unsigned long	file_cap;	/* bytes a pcap file; 1 GiB */
	} capture;
	struct {
		char	*nmap;			/* default "nmap" (PATH) */
		char	*tshark;		/* default "tshark" */
	} tools;
	struct {
		unsigned long	pps;		/* nmap --max-rate; 1000 */
		char		*tcp_ports;	/* "1-65535" */
		unsigned long	udp_top;	/* top UDP ports; 100 (0: none) */
		unsigned long	timeout_s;	/* deadline of one nmap run; 900 */
		unsigned	version_intensity; /* 0..9; 7 */
		char		*scripts;	/* NSE, comma-separated */
	} scan;
	/* What the functional tests may spend on a DUT (<budget>). */
	struct {
		unsigned long	attempts;	/* guesses a login path; 100 */
		unsigned long	seconds;	/* guessing a path; 60 */
		unsigned long	workers;	/* parallel guessing; 4 */
		unsigned long	timeout_ms;	/* one request; 5000 */
		unsigned long	fuzz_cases;	/* inputs an endpoint; 200 */
		unsigned long	fuzz_seconds;	/* fuzzing an endpoint; 60 */
	} budget;
	char		**wordlists;	/* more user:password files */
	size_t		 n_wordlists;
};

/*
 * Load and check a lab config: XSD, then references (interface and
 * credential IDs), values (addresses, MACs, numbers in range), that every
 * DUT address lies inside the lab's scope, and that the declaration files
 * exist.  Every problem goes to d with its line; ASY_E_INPUT then.
 */
int	asy_lab_load(const char *path, struct asy_diags *d,
	    struct asy_lab **out);
void	asy_lab_free(struct asy_lab *lab);

/* The DUT called name, or the only one when name is NULL; NULL if none
 * (or name is NULL and there are several). */
const struct asy_lab_dut *asy_lab_dut(const struct asy_lab *lab,
	    const char *name);

/* Is the address (text) inside the lab's scope?  1 or 0. */
int	asy_lab_in_scope(const struct asy_lab *lab, const char *addr);

/* The command for action of dut, or NULL. */
const struct asy_lab_cmd *asy_lab_cmd(const struct asy_lab_dut *dut,
	    const char *action);

/* The update session of dut for IXIT 7-UpdMech row mech_id, or NULL. */
const struct asy_lab_update *asy_lab_update_for(const struct asy_lab_dut *dut,
	    const char *mech_id);

/* The <credential-change> of dut for IXIT 1-AuthMech row mech_id, or
 * NULL. */
const struct asy_lab_credchange *asy_lab_credchange_for(
	    const struct asy_lab_dut *dut, const char *mech_id);

/* The credential of dut for IXIT authentication row row_id (one whose
 * for= names it, else one without for=), of the kind asked (ssh_key 0 a
 * password, 1 a key), or NULL.  Limited credentials are never returned. */
const struct asy_lab_cred *asy_lab_cred_for(const struct asy_lab_dut *dut,
	    const char *row_id, int ssh_key);

/* The lower-privileged password credential of dut (<uses
 * privilege="limited">) for row_id, chosen as asy_lab_cred_for() does, or
 * NULL. */
const struct asy_lab_cred *asy_lab_cred_limited(const struct asy_lab_dut *dut,
	    const char *row_id);

/*
 * Read a credential's secret (password: first line, without the newline;
 * ssh-key: the whole key file, at most 64 KiB; env: the variable) into a fresh string the caller wipes with asy_secret_free().
 * ASY_E_NOTFOUND when the file or variable is missing or empty.
 */
int	asy_lab_secret(const struct asy_lab_cred *c, char **secret);
void	asy_secret_free(char *secret);

#endif
