/*
 * Bounded input validation (5.13-1-2): malformed and unexpected input to a
 * declared HTTP endpoint, MQTT broker or CoAP server, with the device's health checked
 * as it goes.  Every input sent is written to a transcript; the input
 * after which the device stopped answering is kept in its own file.
 */
#ifndef ASSAY_FUZZ_H
#define ASSAY_FUZZ_H

#include <stddef.h>

struct asy_fuzz_opts {
	const char	*addr;
	unsigned	 port;
	int		 tls;
	const char	*path;		/* HTTP: the endpoint ("/status.json",
					   a query allowed); MQTT: the topic
					   prefix ("hub/"); CoAP: the declared
					   resource or NULL */
	const char	*user, *pass;	/* credentials, or NULL */
	unsigned	 max_cases;	/* inputs at most (0: 200) */
	unsigned long	 budget_ms;	/* time at most (0: 60 s) */
	unsigned long	 timeout_ms;	/* one request (0: 3000) */
	const char	*transcript;	/* file: one line per input: number,
					   time, what, the answer's status */
	const char	*crash_file;	/* file: the input that killed it */
};

struct asy_fuzz_result {
	unsigned	 sent;		/* inputs sent */
	unsigned	 answered;	/* with an answer */
	unsigned	 errors_5xx;	/* HTTP 5xx, CoAP 5.xx answers */
	unsigned	 no_answer;	/* no answer, device still alive */
	int		 crashed;	/* the service stopped answering */
	char		*crash_what;	/* which input, in words, or NULL */
	int		 leaked;	/* an answer held what must never come
					   back: /etc/passwd lines, our format
					   string expanded, our marker
					   reflected unescaped in HTML */
	char		*leak_what;	/* which input and what, or NULL */
	char		*why;		/* why the run stopped early, or NULL */
};

/*
 * HTTP: a baseline request, then generated inputs in each query parameter
 * of the path (or a parameter "q" when there is none), in the path itself
 * and in headers: overlong strings, bad and huge Content-Length, format
 * strings, path traversal, SQL and shell injection, script markup, broken
 * percent-encoding and overlong UTF-8, NUL bytes.  After every input that
 * got no answer, and every 20 inputs, the baseline is asked again; when it
 * fails three times over 5 s, the service crashed.  0 and r filled
 * (release with asy_fuzz_result_release()), or ASY_E_NOMEM, ASY_E_IO (the
 * transcript could not be written).  A baseline that fails before the
 * first input is r->why, not a crash.  ASY_E_INPUT: no address or port,
 * or a path that is not an origin-form target (r->why says, nothing is
 * sent).  r is safe to release whatever the return.
 */
int	asy_fuzz_http(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r);

/* MQTT: CONNECT (with the credentials), then PUBLISH malformed topics and
 * payloads and broken packets (bad remaining length, truncated frames) on
 * fresh connections, checking with a CONNECT + PING as above. */
int	asy_fuzz_mqtt(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r);

/*
 * CoAP (UDP): a baseline CON GET /.well-known/core (coap.h: at most two
 * tries within timeout_ms); the resources are the declared path and the
 * links of its answer (at most 8).  Then one datagram per input, each from
 * a fresh socket: bad versions, token lengths 9-15, the reserved option
 * nibble 15, options and extended lengths past the end, option numbers
 * over 65535, a payload marker without payload, Uri-Path segments over 255
 * bytes and 500 segments, Uri-Query format strings, traversal, shell, SQL
 * and markup, huge Content-Format, Block2 and Accept values, unknown
 * critical options, an overlong Uri-Host, truncated datagrams, empty
 * messages with a token or payload, 1,400 random bytes.  The answer to an
 * input is waited for a quarter of timeout_ms (100-500 ms); any datagram
 * back (a RST, 4.xx) is an answer.  Health is the baseline, asked after
 * every silent input, every 20 and at the end, three times over 5 s.  The
 * input after which the server stopped answering goes to crash_file,
 * every byte hex-escaped (\xNN).  Returns as asy_fuzz_http().
 */
int	asy_fuzz_coap(const struct asy_fuzz_opts *o, struct asy_fuzz_result *r);

void	asy_fuzz_result_release(struct asy_fuzz_result *r);

#endif
