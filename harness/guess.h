/*
 * Password guessing for 5.1-5-2 and the default-credential checks: one
 * engine that drives any login prober (SSH, telnet, HTTP, MQTT...) from a
 * list of user/password pairs with a few parallel workers, inside a budget
 * of attempts and time, and measures what a brute-force protection shows:
 * the rate of attempts, its slowing down (delay, throttling), connections
 * that stop being accepted, and the first pair accepted.
 */
#ifndef ASSAY_GUESS_H
#define ASSAY_GUESS_H

#include <stddef.h>

#include "diag.h"

/* A login prober: one per protocol, given its own configuration. */
struct asy_guess_ops {
	const char	*name;		/* "ssh" */
	/* Open a connection ready for attempts: 0, or ASY_E_TIMEOUT (the
	 * connection was not accepted in time: throttling), ASY_E_REFUSED,
	 * other <0. */
	int	(*open)(const void *cfg, const char *user, void **sess,
		    char *why, size_t why_len);
	/* One attempt: 1 accepted, 0 refused, ASY_E_CLOSED (the server
	 * closed: the engine reopens and retries the same pair),
	 * ASY_E_TIMEOUT, <0. */
	int	(*attempt)(void *sess, const char *user, const char *pass);
	void	(*close)(void *sess);
	int	 one_per_conn;	/* open a new connection for every attempt */
};

struct asy_cred_pair {
	char	*user;
	char	*pass;		/* "" for an empty password */
};

/* A list of pairs. */
struct asy_credlist {
	struct asy_cred_pair *pairs;
	size_t	 n;
};

/*
 * Load "user:password" lines (the first ':' splits; "root:" is an empty
 * password; '#' starts a comment line; blank lines are skipped; at most
 * 10000 pairs, a line at most 255 bytes) and append them to l, skipping
 * duplicates.  Problems go to d with file and line: ASY_E_INPUT.
 */
int	asy_credlist_load(struct asy_credlist *l, const char *path,
	    struct asy_diags *d);
/* Append one pair (copied). */
int	asy_credlist_add(struct asy_credlist *l, const char *user,
	    const char *pass);
void	asy_credlist_release(struct asy_credlist *l);

struct asy_guess_opts {
	const struct asy_guess_ops *ops;
	const void	*cfg;		/* passed to ops */
	const struct asy_credlist *list;
	unsigned	 max_attempts;	/* 0: 100 */
	unsigned long	 budget_ms;	/* 0: 60000 */
	unsigned	 workers;	/* parallel connections, 1..16 (0: 1) */
	int		 stop_on_success;
	const char	*transcript;	/* file: one line per attempt: time
					   (s since start), worker, user,
					   result, latency ms; passwords are
					   never written to it; or NULL */
};

struct asy_guess_result {
	unsigned	 attempts;	/* decided: accepted + refused */
	unsigned	 accepted, refused;
	unsigned	 errors;	/* attempts that failed otherwise */
	unsigned	 opens;		/* connections opened */
	unsigned	 open_failures;	/* connections not accepted */
	double		 seconds;	/* wall time */
	double		 rate;		/* attempts a second overall */
	double		 rate_first;	/* over the first 10 attempts */
	double		 rate_last;	/* over the last 10 attempts */
	double		 latency_first_ms, latency_last_ms; /* mean of an
					   attempt, first and last 10 */
	int		 throttled;	/* the last attempts were at least 3
					   times slower than the first, or
					   connections stopped being accepted
					   after some were */
	int		 budget_hit;	/* 'time' or 'attempts' ended it: 1,
					   0 the list ended */
	long		 found;		/* index in the list of the first pair
					   accepted, -1 none */
	char		 why[200];	/* a phrase when nothing could be
					   tried at all, else "" */
};

/* Run; 0 and r filled, or ASY_E_NOMEM / ASY_E_IO (transcript). */
int	asy_guess_run(const struct asy_guess_opts *o,
	    struct asy_guess_result *r);

#endif
