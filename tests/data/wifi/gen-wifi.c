/*
 * gen-wifi OUTDIR: write the synthetic 802.11 captures of tests/data/wifi/
 * with known answers (test-wifi.c holds them).  Every byte is decided
 * here: fixed timestamps, addresses and payloads, so the files are the
 * same on every run and a test compares them with the committed ones.
 *
 * The captures:
 *   open                 open network, beacon and probe response, ARP
 *   open-provisioning    open setup network: HTTP POST of ssid=&psk=, a
 *                        JSON body with a password and an e-mail address
 *                        in an A-MSDU, a JSON wifi_key over UDP
 *   wep                  privacy bit without RSN or WPA element
 *   wpa1-tkip            WPA element, TKIP, PSK
 *   wpa2-psk             RSN CCMP PSK, no MFP; a 4-way handshake
 *   wpa2-psk-mfpc        RSN CCMP PSK, MFP capable, WPS element
 *   wpa3-sae             SAE, MFP required; 5 GHz, radiotap with three
 *                        presence words (TSFT aligned after them) and FCS
 *   wpa2-wpa3            PSK and SAE, MFP capable
 *   owe                  OWE (AKM 18), MFP required
 *   owe-transition       an open BSS and a hidden OWE BSS naming each
 *                        other in OWE transition elements
 *   hidden               plain 802.11 (DLT 105): a beacon with a zeroed
 *                        SSID, a probe response that tells it
 *   hostile-radiotap     radiotap past the frame, version 1, presence
 *                        words without end, a field past the header, a
 *                        TLV, a vendor namespace, a bad FCS
 *   hostile-ies          elements past the frame, suite counts past the
 *                        element, a cut association request
 *   hostile-ssid         an SSID of 255 bytes with markup and control bytes
 *   not-80211            an Ethernet capture
 *   two-aps              a device's WPA3-SAE setup network, a second open
 *                        network on the same radio (BSSIDs equal but for
 *                        the last octet) and a neighbour's WPA2-PSK one
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

#define LT_EN10MB	1
#define LT_80211	105
#define LT_RADIOTAP	127

static struct asy_buf file, fr;
static unsigned long n_frames;

static void
die(const char *what)
{
	fprintf(stderr, "gen-wifi: %s\n", what);
	exit(1);
}

static void
put(struct asy_buf *b, const void *p, size_t n)
{
	if (asy_buf_add(b, p, n) < 0)
		die("out of memory");
}

static void
u8(struct asy_buf *b, unsigned v)
{
	unsigned char x = (unsigned char)v;

	put(b, &x, 1);
}

static void
le16(struct asy_buf *b, unsigned v)
{
	u8(b, v & 0xff);
	u8(b, v >> 8);
}

static void
le32(struct asy_buf *b, uint32_t v)
{
	le16(b, v & 0xffff);
	le16(b, v >> 16);
}

static void
be16(struct asy_buf *b, unsigned v)
{
	u8(b, v >> 8);
	u8(b, v & 0xff);
}

static void
zeros(struct asy_buf *b, size_t n)
{
	while (n-- > 0)
		u8(b, 0);
}

static void
str(struct asy_buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* ---- pcap ---------------------------------------------------------------- */

static void
pcap_begin(unsigned linktype)
{
	asy_buf_init(&file, (size_t)1 << 20);
	n_frames = 0;
	le32(&file, 0xa1b2c3d4);
	le16(&file, 2);
	le16(&file, 4);
	le32(&file, 0);
	le32(&file, 0);
	le32(&file, 65535);
	le32(&file, linktype);
}

/* Write fr as the next record, caplen bytes of it (all if 0). */
static void
record_cut(size_t caplen)
{
	size_t n = caplen != 0 && caplen < fr.len ? caplen : fr.len;

	n_frames++;
	le32(&file, 1700000000u + (uint32_t)n_frames);
	le32(&file, (uint32_t)(n_frames * 1000));
	le32(&file, (uint32_t)n);
	le32(&file, (uint32_t)fr.len);
	if (n > 0)
		put(&file, fr.data, n);
	asy_buf_reset(&fr);
}

static void
record(void)
{
	record_cut(0);
}

static void
pcap_save(const char *dir, const char *name)
{
	char *path = asy_strdup_printf("%s/%s.pcap", dir, name);

	if (path == NULL || asy_buf_save_file(&file, path) < 0)
		die("cannot write a capture");
	free(path);
	asy_buf_release(&file);
}

/* ---- radiotap ------------------------------------------------------------ */

/* Flags, Channel, dBm antenna signal: 15 bytes. */
static void
rt_plain(unsigned freq, int fcs)
{
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 15);
	le32(&fr, 1u << 1 | 1u << 3 | 1u << 5);
	u8(&fr, fcs ? 0x10 : 0);
	u8(&fr, 0);			/* pad: Channel is 2-aligned */
	le16(&fr, freq);
	le16(&fr, freq < 3000 ? 0x00a0 : 0x0140);
	u8(&fr, (unsigned)(unsigned char)-42);
}

/*
 * Three presence words as Linux writes them for two antennas: TSFT,
 * Flags, Rate, Channel, signal, RX flags, then the radiotap namespace
 * again twice (signal and antenna per antenna).  TSFT is 8-aligned after
 * the 16 bytes of words; the strongest antenna comes second.
 */
static void
rt_ext(unsigned freq, int fcs)
{
	size_t start = fr.len;

	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 0);			/* patched below */
	le32(&fr, 1u << 0 | 1u << 1 | 1u << 2 | 1u << 3 | 1u << 5 |
	    1u << 14 | 1u << 29 | 1u << 31);
	le32(&fr, 1u << 5 | 1u << 11 | 1u << 29 | 1u << 31);
	le32(&fr, 1u << 5 | 1u << 11);
	zeros(&fr, 16 - (fr.len - start));
	le32(&fr, 0x11223344);		/* TSFT */
	le32(&fr, 0x55667788);
	u8(&fr, fcs ? 0x10 : 0);	/* Flags */
	u8(&fr, 12);			/* Rate */
	le16(&fr, freq);		/* Channel */
	le16(&fr, 0x0140);
	u8(&fr, (unsigned)(unsigned char)-50);	/* signal */
	u8(&fr, 0);			/* pad: RX flags is 2-aligned */
	le16(&fr, 0);			/* RX flags */
	u8(&fr, (unsigned)(unsigned char)-55);	/* antenna 0 */
	u8(&fr, 0);
	u8(&fr, (unsigned)(unsigned char)-48);	/* antenna 1 */
	u8(&fr, 1);
	fr.data[start + 2] = (char)((fr.len - start) & 0xff);
	fr.data[start + 3] = (char)((fr.len - start) >> 8);
}

/* ---- 802.11 -------------------------------------------------------------- */

static const unsigned char bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const unsigned char sta[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x99 };

static void
mac(const unsigned char m[6])
{
	put(&fr, m, 6);
}

static void
ap(unsigned char m[6], unsigned n)
{
	static const unsigned char base[6] = { 0x02, 0, 0, 0, 0, 0 };

	memcpy(m, base, 6);
	m[4] = (unsigned char)(n >> 8);
	m[5] = (unsigned char)n;
}

static unsigned seq;

static void
hdr(unsigned type, unsigned subtype, unsigned flags, const unsigned char *a1,
    const unsigned char *a2, const unsigned char *a3)
{
	u8(&fr, subtype << 4 | type << 2);
	u8(&fr, flags);
	le16(&fr, 0);
	mac(a1);
	mac(a2);
	mac(a3);
	le16(&fr, (seq++ & 0xfff) << 4);
}

/* Beacon (8) or probe response (5) fixed fields. */
static void
announce(const unsigned char *bssid, unsigned subtype, unsigned cap)
{
	hdr(0, subtype, 0, subtype == 8 ? bcast : sta, bssid, bssid);
	le32(&fr, 0x01020304);
	le32(&fr, 0);
	le16(&fr, 100);
	le16(&fr, 0x0001 | cap);
}

static void
ie(unsigned id, const void *p, size_t n)
{
	u8(&fr, id);
	u8(&fr, (unsigned)n);
	put(&fr, p, n);
}

static void
ie_ssid(const char *s)
{
	ie(0, s, strlen(s));
}

static void
ie_rates_ds(unsigned channel)
{
	static const unsigned char rates[] = { 0x82, 0x84, 0x8b, 0x96, 0x0c,
	    0x12, 0x18, 0x24 };
	unsigned char ch = (unsigned char)channel;

	ie(1, rates, sizeof(rates));
	ie(3, &ch, 1);
}

enum { C_WEP40 = 1, C_TKIP = 2, C_CCMP = 4, C_WEP104 = 5 };
enum { A_8021X = 1, A_PSK = 2, A_SAE = 8, A_OWE = 18 };

/* An RSN element: group cipher, pairwise list, AKM list, capabilities. */
static void
ie_rsn(unsigned group, const unsigned *pw, size_t npw, const unsigned *ak,
    size_t nak, unsigned caps)
{
	struct asy_buf e;

	asy_buf_init(&e, 255);
	le16(&e, 1);
	put(&e, "\x00\x0f\xac", 3);
	u8(&e, group);
	le16(&e, (unsigned)npw);
	for (size_t i = 0; i < npw; i++) {
		put(&e, "\x00\x0f\xac", 3);
		u8(&e, pw[i]);
	}
	le16(&e, (unsigned)nak);
	for (size_t i = 0; i < nak; i++) {
		put(&e, "\x00\x0f\xac", 3);
		u8(&e, ak[i]);
	}
	le16(&e, caps);
	ie(48, e.data, e.len);
	asy_buf_release(&e);
}

static void
ie_rsn1(unsigned cipher, unsigned akm, unsigned caps)
{
	ie_rsn(cipher, &cipher, 1, &akm, 1, caps);
}

/* The WPA (version 1) vendor element: TKIP, TKIP, PSK. */
static void
ie_wpa1(void)
{
	static const unsigned char e[] = { 0x00, 0x50, 0xf2, 0x01, 0x01,
	    0x00, 0x00, 0x50, 0xf2, 0x02, 0x01, 0x00, 0x00, 0x50, 0xf2,
	    0x02, 0x01, 0x00, 0x00, 0x50, 0xf2, 0x02 };

	ie(221, e, sizeof(e));
}

static void
ie_wps(void)
{
	static const unsigned char e[] = { 0x00, 0x50, 0xf2, 0x04, 0x10,
	    0x4a, 0x00, 0x01, 0x10, 0x10, 0x44, 0x00, 0x01, 0x02 };

	ie(221, e, sizeof(e));
}

/* OWE transition mode: the other BSS's BSSID and SSID. */
static void
ie_owe_trans(const unsigned char *bssid, const char *ssid)
{
	struct asy_buf e;

	asy_buf_init(&e, 255);
	put(&e, "\x50\x6f\x9a\x1c", 4);
	put(&e, bssid, 6);
	u8(&e, (unsigned)strlen(ssid));
	str(&e, ssid);
	ie(221, e.data, e.len);
	asy_buf_release(&e);
}

/* ---- data ---------------------------------------------------------------- */

static void
snap(unsigned ethertype)
{
	put(&fr, "\xaa\xaa\x03\x00\x00\x00", 6);
	be16(&fr, ethertype);
}

/* An IPv4 header, then TCP (proto 6, PSH|ACK) or UDP (17). */
static void
ip_l4(const unsigned char src[4], const unsigned char dst[4], unsigned proto,
    unsigned sport, unsigned dport, uint32_t tcp_seq, const char *payload,
    unsigned tcp_flags)
{
	size_t n = strlen(payload);
	size_t l4 = proto == 6 ? 20 : 8;

	u8(&fr, 0x45);
	u8(&fr, 0);
	be16(&fr, (unsigned)(20 + l4 + n));
	be16(&fr, 1);
	be16(&fr, 0x4000);
	u8(&fr, 64);
	u8(&fr, proto);
	be16(&fr, 0);
	put(&fr, src, 4);
	put(&fr, dst, 4);
	be16(&fr, sport);
	be16(&fr, dport);
	if (proto == 6) {
		be16(&fr, tcp_seq >> 16);
		be16(&fr, tcp_seq & 0xffff);
		be16(&fr, 0);
		be16(&fr, 1);
		u8(&fr, 5 << 4);
		u8(&fr, tcp_flags);
		be16(&fr, 65535);
		be16(&fr, 0);
		be16(&fr, 0);
	} else {
		be16(&fr, (unsigned)(8 + n));
		be16(&fr, 0);
	}
	str(&fr, payload);
}

/* A station's data frame to its access point (To DS). */
static void
data_to_ap(const unsigned char *bssid, int qos, int protected_)
{
	hdr(2, qos ? 8 : 0, 0x01 | (protected_ ? 0x40 : 0), bssid, sta,
	    bssid);
	if (qos)
		le16(&fr, 0);
}

/* The access point's data frame to the station (From DS). */
static void
data_from_ap(const unsigned char *bssid, int qos, int protected_)
{
	hdr(2, qos ? 8 : 0, 0x02 | (protected_ ? 0x40 : 0), sta, bssid,
	    bssid);
	if (qos)
		le16(&fr, 0);
}

/* A CCMP-protected body: header and ciphertext, all invented. */
static void
ccmp_body(unsigned n)
{
	u8(&fr, n);
	u8(&fr, 0);
	u8(&fr, 0);
	u8(&fr, 0x20);
	zeros(&fr, 4);
	for (unsigned i = 0; i < 40; i++)
		u8(&fr, (i * 37 + n) & 0xff);
}

/* EAPOL-Key message m of the 4-way handshake (only its first bytes). */
static void
eapol_key(unsigned m)
{
	snap(0x888e);
	u8(&fr, 2);
	u8(&fr, 3);
	be16(&fr, 95);
	u8(&fr, 2);
	be16(&fr, m == 1 ? 0x008a : m == 2 ? 0x010a : m == 3 ? 0x13ca :
	    0x030a);
	zeros(&fr, 16);
}

/* ---- the captures -------------------------------------------------------- */

static const unsigned char ip_phone[4] = { 192, 168, 4, 2 };
static const unsigned char ip_dev[4] = { 192, 168, 4, 1 };

/* A beacon of a network with one RSN cipher and AKM, and MFP caps. */
static void
rsn_beacon(const unsigned char *bssid, const char *ssid, unsigned channel,
    unsigned akm, unsigned caps)
{
	rt_plain(2407 + 5 * channel, 0);
	announce(bssid, 8, 0x0010);
	ie_ssid(ssid);
	ie_rates_ds(channel);
	ie_rsn1(C_CCMP, akm, caps);
	record();
}

static void
gen_open(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0100);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2437, 0);			/* 1 */
	announce(b, 8, 0);
	ie_ssid("assay-open");
	ie_rates_ds(6);
	record();
	rt_plain(2437, 0);			/* 2 */
	announce(b, 5, 0);
	ie_ssid("assay-open");
	ie_rates_ds(6);
	record();
	rt_plain(2437, 0);			/* 3: ARP, not IP */
	data_to_ap(b, 0, 0);
	snap(0x0806);
	zeros(&fr, 28);
	record();
	pcap_save(dir, "open");
}

static void
gen_open_provisioning(const char *dir)
{
	static const char post[] =
	    "POST /provision HTTP/1.1\r\nHost: 192.168.4.1\r\n"
	    "Content-Type: application/x-www-form-urlencoded\r\n"
	    "Content-Length: 38\r\n\r\n"
	    "ssid=HomeNet&psk=correct-horse-battery";
	static const char json[] =
	    "POST /api/setup HTTP/1.1\r\nHost: 192.168.4.1:8080\r\n"
	    "Content-Type: application/json\r\n\r\n"
	    "{\"ssid\": \"HomeNet\", \"password\": \"s3cret-pass\", "
	    "\"owner\": \"owner@example.com\"}";
	static const char udp[] =
	    "{\"cmd\":\"join\",\"wifi_key\":\"abc12345\"}";
	unsigned char b[6];
	size_t sub;

	ap(b, 0x0200);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2462, 0);			/* 1: beacon */
	announce(b, 8, 0);
	ie_ssid("Cam-Setup-1234");
	ie_rates_ds(11);
	record();
	rt_plain(2462, 0);			/* 2: association */
	hdr(0, 0, 0, b, sta, b);
	le16(&fr, 0x0001);
	le16(&fr, 10);
	ie_ssid("Cam-Setup-1234");
	record();
	rt_plain(2462, 0);			/* 3: SYN */
	data_to_ap(b, 1, 0);
	snap(0x0800);
	ip_l4(ip_phone, ip_dev, 6, 40000, 80, 1000, "", 0x02);
	record();
	rt_plain(2462, 0);			/* 4: the form */
	data_to_ap(b, 1, 0);
	snap(0x0800);
	ip_l4(ip_phone, ip_dev, 6, 40000, 80, 1001, post, 0x18);
	record();
	rt_plain(2462, 0);			/* 5: the answer */
	data_from_ap(b, 1, 0);
	snap(0x0800);
	ip_l4(ip_dev, ip_phone, 6, 80, 40000, 5000,
	    "HTTP/1.1 204 No Content\r\n\r\n", 0x18);
	record();
	rt_plain(2462, 0);			/* 6: A-MSDU with the JSON */
	hdr(2, 8, 0x01, b, sta, b);
	le16(&fr, 0x0080);			/* A-MSDU present */
	mac(b);
	mac(sta);
	sub = fr.len;
	be16(&fr, 0);				/* patched below */
	snap(0x0800);
	ip_l4(ip_phone, ip_dev, 6, 40001, 8080, 7000, json, 0x18);
	fr.data[sub] = (char)((fr.len - sub - 2) >> 8);
	fr.data[sub + 1] = (char)((fr.len - sub - 2) & 0xff);
	record();
	rt_plain(2462, 0);			/* 7: UDP JSON */
	data_to_ap(b, 0, 0);
	snap(0x0800);
	ip_l4(ip_phone, ip_dev, 17, 40002, 5000, 0, udp, 0);
	record();
	pcap_save(dir, "open-provisioning");
}

static void
gen_wep(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0300);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2412, 0);			/* 1 */
	announce(b, 8, 0x0010);
	ie_ssid("assay-wep");
	ie_rates_ds(1);
	record();
	rt_plain(2412, 0);			/* 2: IV, data, ICV */
	data_to_ap(b, 0, 1);
	put(&fr, "\x01\x02\x03\x00", 4);
	zeros(&fr, 40);
	record();
	pcap_save(dir, "wep");
}

static void
gen_wpa1(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0400);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2412, 0);			/* 1 */
	announce(b, 8, 0x0010);
	ie_ssid("assay-wpa1");
	ie_rates_ds(1);
	ie_wpa1();
	record();
	pcap_save(dir, "wpa1-tkip");
}

static void
gen_wpa2(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0500);
	pcap_begin(LT_RADIOTAP);
	rsn_beacon(b, "assay-wpa2", 6, A_PSK, 0);	/* 1 */
	for (unsigned m = 1; m <= 4; m++) {		/* 2-5 */
		rt_plain(2437, 0);
		if (m % 2 == 1)
			data_from_ap(b, 0, 0);
		else
			data_to_ap(b, 0, 0);
		eapol_key(m);
		record();
	}
	rt_plain(2437, 0);				/* 6 */
	data_to_ap(b, 1, 1);
	ccmp_body(1);
	record();
	rt_plain(2437, 0);				/* 7 */
	data_from_ap(b, 1, 1);
	ccmp_body(2);
	record();
	pcap_save(dir, "wpa2-psk");
}

static void
gen_wpa2_mfpc(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0600);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2437, 0);			/* 1 */
	announce(b, 8, 0x0010);
	ie_ssid("assay-wpa2-mfpc");
	ie_rates_ds(6);
	ie_rsn1(C_CCMP, A_PSK, 0x0080);
	ie_wps();
	record();
	pcap_save(dir, "wpa2-psk-mfpc");
}

static void
gen_wpa3(const char *dir)
{
	static const unsigned char ht_op[22] = { 36 };
	unsigned char b[6];

	ap(b, 0x0700);
	pcap_begin(LT_RADIOTAP);
	rt_ext(5180, 1);			/* 1: with FCS */
	announce(b, 8, 0x0010);
	ie_ssid("assay-wpa3");
	ie(61, ht_op, sizeof(ht_op));
	ie_rsn1(C_CCMP, A_SAE, 0x00c0);
	put(&fr, "\xde\xad\xbe\xef", 4);	/* the FCS (not checked) */
	record();
	rt_ext(5180, 1);			/* 2: protected data */
	data_to_ap(b, 1, 1);
	ccmp_body(3);
	put(&fr, "\xde\xad\xbe\xef", 4);
	record();
	pcap_save(dir, "wpa3-sae");
}

static void
gen_wpa2_wpa3(const char *dir)
{
	static const unsigned pw[] = { C_CCMP };
	static const unsigned ak[] = { A_PSK, A_SAE };
	unsigned char b[6];

	ap(b, 0x0800);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2412, 0);			/* 1 */
	announce(b, 8, 0x0010);
	ie_ssid("assay-wpa2-wpa3");
	ie_rates_ds(1);
	ie_rsn(C_CCMP, pw, 1, ak, 2, 0x0080);
	record();
	pcap_save(dir, "wpa2-wpa3");
}

static void
gen_owe(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0900);
	pcap_begin(LT_RADIOTAP);
	rsn_beacon(b, "assay-owe", 11, A_OWE, 0x00c0);	/* 1 */
	pcap_save(dir, "owe");
}

static void
gen_owe_transition(const char *dir)
{
	unsigned char open_b[6], owe_b[6];

	ap(open_b, 0x0a00);
	ap(owe_b, 0x0a01);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2412, 0);			/* 1: the open half */
	announce(open_b, 8, 0);
	ie_ssid("assay-owe-tr");
	ie_rates_ds(1);
	ie_owe_trans(owe_b, "assay-owe-tr-owe");
	record();
	rt_plain(2412, 0);			/* 2: the hidden OWE half */
	announce(owe_b, 8, 0x0010);
	ie(0, "", 0);
	ie_rates_ds(1);
	ie_rsn1(C_CCMP, A_OWE, 0x00c0);
	ie_owe_trans(open_b, "assay-owe-tr");
	record();
	pcap_save(dir, "owe-transition");
}

static void
gen_hidden(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0b00);
	pcap_begin(LT_80211);
	announce(b, 8, 0x0010);			/* 1: zeroed SSID */
	ie(0, "\0\0\0\0\0\0\0\0\0\0\0\0", 12);
	ie_rates_ds(6);
	ie_rsn1(C_CCMP, A_PSK, 0x0080);
	record();
	announce(b, 5, 0x0010);			/* 2: the name told */
	ie_ssid("assay-hidden");
	ie_rates_ds(6);
	ie_rsn1(C_CCMP, A_PSK, 0x0080);
	record();
	pcap_save(dir, "hidden");
}

static void
survivor_beacon(const unsigned char *b)
{
	announce(b, 8, 0);
	ie_ssid("assay-survivor");
	ie_rates_ds(1);
}

static void
gen_hostile_radiotap(const char *dir)
{
	unsigned char b[6];

	ap(b, 0x0c00);
	pcap_begin(LT_RADIOTAP);
	/* 1: a radiotap length of 200 in 40 captured bytes. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 200);
	le32(&fr, 0);
	zeros(&fr, 32);
	record();
	/* 2: version 1. */
	u8(&fr, 1);
	u8(&fr, 0);
	le16(&fr, 8);
	le32(&fr, 0);
	survivor_beacon(b);
	record();
	/* 3: presence words that never end within the header. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 24);
	for (int i = 0; i < 5; i++)
		le32(&fr, 0x80000000u);
	survivor_beacon(b);
	record();
	/* 4: five bytes. */
	put(&fr, "\x00\x00\x08\x00\x00", 5);
	record();
	/* 5: TSFT announced in a 12-byte header. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 12);
	le32(&fr, 1);
	le32(&fr, 0);
	survivor_beacon(b);
	record();
	/* 6: Flags, then a TLV list: the walk stops, the frame stands. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 16);
	le32(&fr, 1u << 1 | 1u << 28);
	u8(&fr, 0);
	zeros(&fr, 3);
	le16(&fr, 0xffff);		/* a TLV type */
	le16(&fr, 0x0400);		/* and a length past the header */
	survivor_beacon(b);
	record();
	/* 7: a valid header and ten bytes of 802.11. */
	rt_plain(2412, 0);
	zeros(&fr, 10);
	record();
	/* 8: a vendor namespace (skipped whole), then radiotap again. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 30);
	le32(&fr, 1u << 1 | 1u << 30 | 1u << 31);
	le32(&fr, 1u << 0 | 1u << 29 | 1u << 31);
	le32(&fr, 1u << 5);
	u8(&fr, 0);			/* 16: Flags */
	u8(&fr, 0);			/* pad to 2 */
	put(&fr, "\x00\x11\x22", 3);	/* 18: OUI */
	u8(&fr, 1);			/* sub-namespace */
	le16(&fr, 5);			/* skip length */
	put(&fr, "\xff\xff\xff\xff\xff", 5);	/* 24: vendor data */
	u8(&fr, (unsigned)(unsigned char)-30);	/* 29: signal */
	survivor_beacon(b);
	record();
	/* 9: the receiver saw a bad FCS. */
	u8(&fr, 0);
	u8(&fr, 0);
	le16(&fr, 9);
	le32(&fr, 1u << 1);
	u8(&fr, 0x50);
	survivor_beacon(b);
	put(&fr, "\x00\x00\x00\x00", 4);
	record();
	pcap_save(dir, "hostile-radiotap");
}

static void
gen_hostile_ies(const char *dir)
{
	static const unsigned char big_count[] = { 0x01, 0x00, 0x00, 0x0f,
	    0xac, 0x04, 0x00, 0x40, 0x00, 0x0f, 0xac, 0x04 };
	unsigned char b1[6], b2[6], b3[6];

	ap(b1, 0x0d01);
	ap(b2, 0x0d02);
	ap(b3, 0x0d03);
	pcap_begin(LT_RADIOTAP);
	/* 1: an RSN element whose length runs past the frame. */
	rt_plain(2412, 0);
	announce(b1, 8, 0x0010);
	ie_ssid("assay-ies");
	u8(&fr, 48);
	u8(&fr, 200);
	put(&fr, "\x01\x00\x00\x0f\xac\x04\x01\x00", 8);
	record();
	/* 2: a pairwise count of 0x4000 in a 12-byte RSN element. */
	rt_plain(2412, 0);
	announce(b2, 8, 0x0010);
	ie_ssid("assay-ies-count");
	ie(48, big_count, sizeof(big_count));
	record();
	/* 3: one byte of elements. */
	rt_plain(2412, 0);
	announce(b1, 8, 0x0010);
	u8(&fr, 0);
	record();
	/* 4: a good one, with an empty vendor element. */
	rt_plain(2412, 0);
	announce(b3, 8, 0x0010);
	ie_ssid("assay-ok");
	ie(221, "", 0);
	ie_rsn1(C_CCMP, A_PSK, 0);
	record();
	/* 5: an association request cut inside its fixed fields. */
	rt_plain(2412, 0);
	hdr(0, 0, 0, b3, sta, b3);
	u8(&fr, 1);
	record();
	pcap_save(dir, "hostile-ies");
}

static void
gen_hostile_ssid(const char *dir)
{
	unsigned char b[6], ssid[255];
	static const char lead[] = "<script>alert(\"x\")</script>&amp;\x01\x1b";

	ap(b, 0x0e00);
	memset(ssid, 'A', sizeof(ssid));
	memcpy(ssid, lead, sizeof(lead) - 1);
	pcap_begin(LT_RADIOTAP);
	rt_plain(2412, 0);			/* 1 */
	announce(b, 8, 0);
	ie(0, ssid, sizeof(ssid));
	ie_rates_ds(1);
	record();
	pcap_save(dir, "hostile-ssid");
}

static void
gen_not_80211(const char *dir)
{
	pcap_begin(LT_EN10MB);
	mac(bcast);
	mac(sta);
	be16(&fr, 0x0806);
	zeros(&fr, 28);
	record();
	pcap_save(dir, "not-80211");
}

static void
gen_two_aps(const char *dir)
{
	unsigned char dut[6], extra[6], other[6];

	ap(dut, 0x1000);
	ap(extra, 0x1001);
	ap(other, 0x1100);
	pcap_begin(LT_RADIOTAP);
	rsn_beacon(dut, "Cam-Setup-5678", 6, A_SAE, 0x00c0);	/* 1 */
	rt_plain(2437, 0);			/* 2: the same radio, open */
	announce(extra, 8, 0);
	ie_ssid("Cam-Debug");
	ie_rates_ds(6);
	record();
	rsn_beacon(other, "Neighbour-Net", 6, A_PSK, 0);	/* 3 */
	pcap_save(dir, "two-aps");
}

static const struct {
	void	(*gen)(const char *dir);
} captures[] = {
	{ gen_open },
	{ gen_open_provisioning },
	{ gen_wep },
	{ gen_wpa1 },
	{ gen_wpa2 },
	{ gen_wpa2_mfpc },
	{ gen_wpa3 },
	{ gen_wpa2_wpa3 },
	{ gen_owe },
	{ gen_owe_transition },
	{ gen_hidden },
	{ gen_hostile_radiotap },
	{ gen_hostile_ies },
	{ gen_hostile_ssid },
	{ gen_not_80211 },
	{ gen_two_aps },
};

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: gen-wifi OUTDIR\n");
		return 2;
	}
	asy_buf_init(&fr, 65536);
	for (size_t i = 0; i < ASY_ELEMENTSOF(captures); i++) {
		seq = 0;
		captures[i].gen(argv[1]);
	}
	asy_buf_release(&fr);
	return 0;
}
