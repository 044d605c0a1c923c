/*
 * A minimal MQTT 3.1.1 client (built on conn.h, TLS optional): CONNECT
 * with or without a user name and password, SUBSCRIBE and collect what
 * arrives (retained messages above all), PUBLISH for input validation.
 * Every length from the broker is checked against its cap.
 */
#ifndef ASSAY_MQTT_H
#define ASSAY_MQTT_H

#include <stddef.h>

struct asy_mqtt;

struct asy_mqtt_opts {
	const char	*addr;
	unsigned	 port;
	int		 tls;
	unsigned long	 timeout_ms;	/* connect + CONNACK */
	const char	*client_id;	/* NULL: "assay-<pid>" */
	const char	*user;		/* NULL: no user name */
	const char	*pass;		/* NULL: no password */
};

struct asy_mqtt_msg {
	char		*topic;		/* as sent, NUL-terminated */
	unsigned char	*payload;	/* NUL-terminated copy */
	size_t		 len;
	int		 retained;
};

/*
 * CONNECT: 1 accepted (CONNACK 0) and *out set, 0 refused (*rc the
 * CONNACK return code: 4 bad user name or password, 5 not authorized; or
 * -1 when the broker closed without a CONNACK), ASY_E_TIMEOUT,
 * ASY_E_REFUSED, ASY_E_PROTO (not MQTT), ASY_E_IO; why says.
 */
int	asy_mqtt_connect(const struct asy_mqtt_opts *o, struct asy_mqtt **out,
	    int *rc, char *why, size_t why_len);

/*
 * SUBSCRIBE to filters ("#", "$SYS/#") at QoS 0 and collect what arrives
 * for wait_ms, at most max_msgs messages of at most max_payload bytes each
 * (longer payloads are cut, len then says the cut length).  0 and *msgs,
 * *n set (the broker may send nothing), or ASY_E_CLOSED (what came is
 * kept), ASY_E_PROTO, ASY_E_IO.  A refused subscription (SUBACK 0x80) is
 * not an error: *refused counts them (may be NULL).
 */
int	asy_mqtt_collect(struct asy_mqtt *m, const char *const *filters,
	    size_t n_filters, unsigned long wait_ms, size_t max_msgs,
	    size_t max_payload, struct asy_mqtt_msg **msgs, size_t *n,
	    size_t *refused);

/* PUBLISH at QoS 0 (retain 0): 0, ASY_E_CLOSED, ASY_E_IO. */
int	asy_mqtt_publish(struct asy_mqtt *m, const char *topic,
	    const void *payload, size_t len);

/* PINGREQ and wait for PINGRESP: 1 answered, 0 not, <0. */
int	asy_mqtt_ping(struct asy_mqtt *m, unsigned long timeout_ms);

void	asy_mqtt_msgs_free(struct asy_mqtt_msg *msgs, size_t n);
/* DISCONNECT and close; NULL is fine. */
void	asy_mqtt_close(struct asy_mqtt *m);

#endif
