#!/bin/bash
# The serial console of a bench device, as it looks when opened: its boot
# from the boot loader on, then what a user with a cable gets.  bench.sh
# (console_loop) runs it under socat on a fresh pty for every open, so each
# open is a power-on.
#
#   console.sh weak      U-Boot with a 2 s "Hit any key to stop autoboot"
#                        (a key gives a small "=> " prompt: version, help,
#                        printenv, boot), a boot log that leaks the Wi-Fi
#                        PSK and a private key, then a root shell, no login
#   console.sh hardened  U-Boot with autoboot not interruptible, a quiet
#                        boot log without secrets, then /bin/login
#   console.sh hardened PROGRAM [ARG...]
#                        the same, ending in PROGRAM instead of /bin/login
#                        (to try it outside the bench's namespaces)
#
# The text goes to a tty (socat's "pty,...,sane"), which turns LF into
# CR LF and echoes what is typed, as a real UART console does.
set -u

dev=${1:-}
case $dev in
weak | weak2) model=lc20-cam ;;
hardened) model=h1-hub ;;
*) echo "usage: console.sh weak|weak2|hardened [PROGRAM ARG...]" >&2; exit 2 ;;
esac
shift
UBOOT="U-Boot 2023.01 (Nov 22 2026 - 10:00:00 +0000) $model"

# lines TEXT...: print each line with a small pause, as a boot log comes.
lines() {
	local l
	for l in "$@"; do
		printf '%s\n' "$l"
		sleep 0.02
	done
}

banner() {
	lines "" "$UBOOT" "" "CPU:   ARMv7 Processor rev 5 (v7l)" "$@" \
	    "SF: Detected w25q128 with page size 256 Bytes, erase size 64 KiB, total 16 MiB" \
	    "In:    serial" "Out:   serial" "Err:   serial" "Net:   eth0"
}

# bootloader: a small U-Boot prompt until "boot" (read-only commands).
bootloader() {
	local cmd
	while :; do
		printf '=> '
		IFS= read -r cmd || exit 0
		cmd=${cmd%$'\r'}
		case $cmd in
		"") ;;
		version)
			printf '%s\n' "$UBOOT" \
			    "arm-linux-gnueabi-gcc (Debian 12.2.0-14) 12.2.0" \
			    "GNU ld (GNU Binutils for Debian) 2.40" ;;
		help | "?")
			printf '%s\n' \
			    "boot      - boot default, i.e., run 'bootcmd'" \
			    "help      - print command description/usage" \
			    "printenv  - print environment variables" \
			    "version   - print monitor, compiler and linker version" ;;
		printenv)
			printf '%s\n' "baudrate=115200" \
			    "bootcmd=sf probe; sf read 0x82000000 0x50000 0x300000; bootm 0x82000000" \
			    "bootdelay=2" "ethaddr=02:a5:5a:01:00:02" \
			    "serial#=LC20-2291-0007" "stdin=serial" \
			    "" "Environment size: 212/65532 bytes" ;;
		boot | bootm | "run bootcmd") return ;;
		*) printf "Unknown command '%s' - try 'help'\n" "${cmd%% *}" ;;
		esac
	done
}

# countdown SECONDS: U-Boot's autoboot countdown; 0 when a key stopped it.
countdown() {
	local i
	printf 'Hit any key to stop autoboot: %2d ' "$1"
	for ((i = $1; i > 0; i--)); do
		if IFS= read -rsn1 -t 1 _; then
			printf '\b\b\b 0 \n'
			return 0
		fi
		printf '\b\b\b%2d ' $((i - 1))
	done
	printf '\n'
	return 1
}

kernel() {
	lines "## Booting kernel from Legacy Image at 82000000 ..." \
	    "   Verifying Checksum ... OK" "Starting kernel ..." "" \
	    "[    0.000000] Booting Linux on physical CPU 0x0" \
	    "[    0.000000] Linux version 5.10.110 (builder@$model) #1 PREEMPT" \
	    "$@"
}

case $dev in
weak | weak2)
	# The OEM's board name, not the product's designation.
	banner "Model: Generic IPC-V3 (OEM board)" "DRAM:  128 MiB"
	if countdown 2; then
		bootloader
	fi
	kernel "[    0.000000] Kernel command line: console=ttyS0,115200 root=/dev/mtdblock2 rootfstype=squashfs" \
	    "[    1.204311] VFS: Mounted root (squashfs filesystem) readonly on device 31:2." \
	    "[    1.530002] camera: sensor lc20 detected, firmware 1.4.2" \
	    "[    1.712845] wifi: wpa_supplicant -i wlan0: ssid=LC20-Setup psk=lc20-setup-7f3a91c2" \
	    "[    1.802211] provision: device key" \
	    "-----BEGIN RSA PRIVATE KEY-----" \
	    "MIIBOgIBAAJBALC20benchFAKEkeyNOTusableANYWHEREdGhpcyBpcyBub3QgYSBr" \
	    "ZWFsIGtleSwganVzdCBiZW5jaCB0ZXh0IHRoYXQgbG9va3MgbGlrZSBvbmUuAgMB" \
	    "-----END RSA PRIVATE KEY-----" \
	    "[    2.001337] init: starting telnetd, dropbear, lighttpd, mosquitto, snmpd" \
	    "" "Please press Enter to activate this console."
	IFS= read -r _ || exit 0
	exec /bin/sh -i
	;;
hardened)
	# bootdelay=-2: autoboot runs at once and reads no key.
	banner "Model: H1 (hardware 2.0)" "DRAM:  256 MiB"
	kernel "[    1.873001] Run /sbin/init as init process" \
	    "[    2.410254] systemd[1]: Hostname set to <$model>." \
	    "" "Debian GNU/Linux 12 $model ttyS0" ""
	# Like getty: what was typed during the boot is dropped.
	while IFS= read -rsn1 -t 0.05 _; do :; done
	if [ $# -gt 0 ]; then
		exec "$@"
	fi
	exec /bin/login
	;;
esac
