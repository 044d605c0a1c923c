/*
 * assay wifi: analyse an 802.11 capture (or capture one on a monitor-mode
 * interface first) and judge the onboarding network.  One entry in
 * main.c's commands[] points here.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "error.h"
#include "util.h"
#include "wifi.h"

/* Output and capture caps. */
#define MAX_OUTPUT	((size_t)16 << 20)

const char asy_cmd_wifi_summary[] =
    "Judge the security of a Wi-Fi onboarding network from an 802.11 "
    "capture.";

const char asy_cmd_wifi_usage[] =
    "[--ssid NAME | --bssid MAC] [--declared TEXT] [--format text|xml] "
    "[-o FILE] PCAP\n"
    "       assay wifi --live IFNAME -w FILE [--seconds N] [--max-frames N] "
    "[--ssid NAME | --bssid MAC] ...";

const char asy_cmd_wifi_help[] =
    "Reads a radiotap (or plain 802.11) pcap: the networks its beacons, "
    "probe responses\nand associations announce (open, WEP, WPA, WPA2, "
    "WPA3-SAE, transition modes, OWE,\nciphers, management frame "
    "protection, WPS), data frames protected or not, and\ncredentials, "
    "passphrases and personal data in unprotected data (by frame).\n\n"
    "  PCAP                   the capture to analyse\n"
    "  --ssid NAME            the DUT's onboarding network by name "
    "(exact bytes)\n"
    "  --bssid MAC            ... or by BSSID (aa:bb:cc:dd:ee:ff); without "
    "either, every\n"
    "                         network in the capture is judged\n"
    "  --declared TEXT        what the IXIT says of its security "
    "(\"WPA3-SAE\", \"OWE\")\n"
    "  --format text|xml      text for a person (default), XML for tools\n"
    "  -o, --output FILE      write to FILE instead of standard output\n"
    "  --live IFNAME          capture on this monitor-mode interface first "
    "(listening\n"
    "                         only, nothing is sent), into -w FILE (never "
    "overwritten)\n"
    "  --seconds N            how long to listen (default 10, at most 600)\n"
    "  --max-frames N         stop after N frames (default 100000)\n\n"
    "Exit codes of wifi: 0 no weakness, 1 a weakness (e.g. an open network "
    "without\nOWE, WEP, TKIP, credentials in clear), 2 usage or input error "
    "(not a pcap,\nnot 802.11, no such interface, not in monitor mode), 3 "
    "inconclusive (the network\nwas not seen), 4 the harness failed "
    "(memory, I/O, capture permission).\n";

enum {
	OPT_SSID = 2000,
	OPT_BSSID,
	OPT_DECLARED,
	OPT_FORMAT,
	OPT_LIVE,
	OPT_SECONDS,
	OPT_MAX_FRAMES,
	OPT_HELP,
};

static int
usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "assay wifi: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'assay wifi --help'.\n");
	return ASY_EXIT_INPUT;
}

static int
write_out(const struct asy_buf *b, const char *path)
{
	if (path == NULL) {
		if (b->len > 0 && fwrite(b->data, 1, b->len, stdout) != b->len)
			return ASY_EXIT_HARNESS;
		return 0;
	}
	if (asy_buf_save_file(b, path) < 0) {
		fprintf(stderr, "assay wifi: cannot write %s\n", path);
		return ASY_EXIT_HARNESS;
	}
	return 0;
}

/* An analysis or capture error as an exit code, said once. */
static int
failed(int r, const char *why)
{
	fprintf(stderr, "assay wifi: error: %s\n", why[0] != '\0' ? why :
	    asy_strerror(r));
	if (r == ASY_E_NOMEM || r == ASY_E_IO || r == ASY_E_INTERNAL)
		return ASY_EXIT_HARNESS;
	return ASY_EXIT_INPUT;
}

int
asy_cmd_wifi(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ssid", required_argument, NULL, OPT_SSID },
		{ "bssid", required_argument, NULL, OPT_BSSID },
		{ "declared", required_argument, NULL, OPT_DECLARED },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, 'o' },
		{ "live", required_argument, NULL, OPT_LIVE },
		{ "write", required_argument, NULL, 'w' },
		{ "seconds", required_argument, NULL, OPT_SECONDS },
		{ "max-frames", required_argument, NULL, OPT_MAX_FRAMES },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 },
	};
	struct asy_wifi_target t = { NULL, NULL, NULL };
	struct asy_wifi_live_opts lo = { NULL, 0, 0, 0 };
	/* Personal data: any e-mail address in unprotected data. */
	struct asy_wifi_opts ao = { .emails = 1 };
	struct asy_wifi_judgement j;
	struct asy_wifi *w = NULL;
	struct asy_buf out;
	const char *format = "text", *output = NULL, *pcap = NULL;
	char why[1024] = "";
	unsigned long v, frames = 0;
	int opt, r, ret = ASY_EXIT_HARNESS, judged = 0;

	while ((opt = getopt_long(argc, argv, "o:w:", opts, NULL)) != -1) {
		switch (opt) {
		case OPT_SSID:
			t.ssid = optarg;
			break;
		case OPT_BSSID:
			t.bssid = optarg;
			break;
		case OPT_DECLARED:
			t.declared = optarg;
			break;
		case OPT_FORMAT:
			format = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case OPT_LIVE:
			lo.ifname = optarg;
			break;
		case 'w':
			pcap = optarg;
			break;
		case OPT_SECONDS:
			if (asy_parse_ulong(optarg, &v) < 0 || v == 0 ||
			    v > 600)
				return usage("--seconds '%s': give 1 to 600",
				    optarg);
			lo.seconds = (unsigned)v;
			break;
		case OPT_MAX_FRAMES:
			if (asy_parse_ulong(optarg, &v) < 0 || v == 0)
				return usage("--max-frames '%s': give a "
				    "positive number", optarg);
			lo.max_frames = v;
			break;
		case OPT_HELP:
			printf("usage: assay wifi %s\n\n%s\n\n%s",
			    asy_cmd_wifi_usage, asy_cmd_wifi_summary,
			    asy_cmd_wifi_help);
			return 0;
		default:
			return usage("unknown option or missing value: '%s'",
			    argv[optind - 1]);
		}
	}
	if (strcmp(format, "text") != 0 && strcmp(format, "xml") != 0)
		return usage("--format '%s': give text or xml", format);
	if (t.ssid != NULL && t.bssid != NULL)
		return usage("%s", "give --ssid or --bssid, not both");
	if (lo.ifname != NULL) {
		if (pcap == NULL || optind < argc)
			return usage("%s", "--live IFNAME needs -w FILE, the "
			    "capture to write, and no PCAP");
	} else {
		if (pcap != NULL || optind + 1 != argc)
			return usage("%s", "give one PCAP to analyse (or "
			    "--live IFNAME -w FILE)");
		pcap = argv[optind];
	}
	if (t.ssid != NULL && *t.ssid == '\0')
		return usage("%s", "--ssid: give the network's name");
	asy_buf_init(&out, MAX_OUTPUT);
	memset(&j, 0, sizeof(j));
	if (lo.ifname != NULL) {
		r = asy_wifi_live(&lo, pcap, &ao, &w, &frames, why,
		    sizeof(why));
		if (r == 0)
			fprintf(stderr, "assay wifi: %lu frames captured on %s "
			    "into %s\n", frames, lo.ifname, pcap);
	} else {
		r = asy_wifi_analyse(pcap, &ao, &w, why, sizeof(why));
	}
	if (r < 0) {
		ret = failed(r, why);
		goto out;
	}
	r = asy_wifi_judge(w, &t, &j);
	if (r == ASY_E_USAGE) {
		ret = usage("--bssid '%s': give a MAC address like "
		    "02:00:00:00:01:00", t.bssid);
		goto out;
	}
	if (r < 0)
		goto out;
	judged = 1;
	if (strcmp(format, "xml") == 0)
		r = asy_wifi_render_xml(&out, pcap, w, &j);
	else
		r = asy_wifi_render_text(&out, w, &j);
	if (r < 0)
		goto out;
	ret = write_out(&out, output);
	if (ret != 0)
		goto out;
	ret = j.grade == ASY_WG_WEAK ? ASY_EXIT_FAIL :
	    j.grade == ASY_WG_UNKNOWN ? ASY_EXIT_INCOMPLETE : ASY_EXIT_PASS;
out:
	if (judged)
		asy_wifi_judgement_release(&j);
	asy_wifi_free(w);
	asy_buf_release(&out);
	return ret;
}
