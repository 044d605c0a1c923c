/*
 * assay error codes.  Fallible functions return 0 or one of these (negative);
 * asy_strerror() turns them into a short lowercase phrase.
 */
#ifndef ASSAY_ERROR_H
#define ASSAY_ERROR_H

enum {
	ASY_OK		= 0,
	ASY_E_NOMEM	= -1,	/* out of memory */
	ASY_E_TOOBIG	= -2,	/* input or buffer over its cap */
	ASY_E_IO	= -3,	/* read/write failed; errno kept */
	ASY_E_INPUT	= -4,	/* malformed input; diagnostics say where */
	ASY_E_USAGE	= -5,	/* bad command line */
	ASY_E_NOTFOUND	= -6,	/* a named thing does not exist */
	ASY_E_EXISTS	= -7,	/* would overwrite something */
	ASY_E_CRYPTO	= -8,	/* hashing or signing failed */
	ASY_E_INTERNAL	= -9,	/* a bug in assay */
	ASY_E_MISMATCH	= -10,	/* verification found differences */
	ASY_E_NOTREG	= -11,	/* not a regular file */
	ASY_E_TIMEOUT	= -12,	/* the peer did not answer in time */
	ASY_E_CLOSED	= -13,	/* the peer closed the connection */
	ASY_E_REFUSED	= -14,	/* the peer refused the connection */
	ASY_E_PROTO	= -15,	/* the peer broke its protocol */
	ASY_E_STOPPED	= -16,	/* stopped by SIGINT or SIGTERM */
	ASY_E_BUSY	= -17,	/* in use by another process */
};

const char	*asy_strerror(int err);

/* Exit codes of the assay command (documented in README and --help). */
enum {
	ASY_EXIT_PASS		= 0,	/* every applicable case passed */
	ASY_EXIT_FAIL		= 1,	/* at least one FAIL (verify: mismatch) */
	ASY_EXIT_INPUT		= 2,	/* usage or input error, nothing run */
	ASY_EXIT_INCOMPLETE	= 3,	/* no FAIL, but INCONCLUSIVE or ERROR */
	ASY_EXIT_HARNESS	= 4,	/* the harness itself failed (I/O, memory) */
	ASY_EXIT_STOPPED	= 5,	/* stopped before the end: --resume */
};

#endif
