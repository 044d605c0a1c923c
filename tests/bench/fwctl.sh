#!/bin/bash
# fwctl: the firmware update agent of the virtual bench's two devices
# (tests/bench/bench.sh), the target of assay's rogue update server.  The
# weak camera's agent is deliberately insecure; the hardened hub's is done
# right.
#
# Contract (assay relies on exactly this):
#
# Installed by bench.sh at state time as /run/assay-bench/NAME/bin/fwctl
# (0755); the device (weak or hardened) is told by that path.  On the
# hardened device it is also on the PATH of the admin's SSH sessions.
#
# Release images, the vendor's files that the lab hands to assay, made once
# per bring-up (kept until "bench.sh down"), world-readable, in
# /run/assay-bench/NAME/release/:
#   weak      lc20-1.4.2.img (installed at first bring-up), lc20-1.4.3.img;
#             no signatures.
#   hardened  h1-3.2.0.img (installed), h1-3.2.1.img, each with a detached
#             signature NAME.img.sig (openssl dgst -sha256 -sign vendor.key:
#             ECDSA P-256, DER).  The vendor's private key is
#             /run/assay-bench/hardened/release-key/vendor.key (0600, dir
#             0700); the public key baked into the device is
#             /run/assay-bench/hardened/fw/vendor.pub.
# Image format: the line "ASSAYFW1 MODEL VERSION\n" (MODEL lc20 or h1),
# then 256 KiB of random bytes.  An image's version is the one in that line.
#
# Device firmware state, /run/assay-bench/NAME/fw/: "version" (one line)
# and "image" (the installed image), set to the installed release at first
# bring-up, kept across power-off/on, removed by down.  The hardened device
# also keeps "factory.img" (the recovery copy of 3.2.0), "inbox/" (owned by
# its admin account, 0755: the admin's requests to the root agent) and
# "results" (the agent's answers to them).  The weak device's web UI runs
# as root (a flaw of its own) and so can write fw/.
#
# Manifest (served by assay): one JSON object,
#   {"version":"3.2.1","image":"https://198.18.2.1:8443/h1/h1-3.2.1.img",
#    "size":262162,"sha256":"<hex>",
#    "signature":"https://198.18.2.1:8443/h1/h1-3.2.1.img.sig"}
# "signature" may be absent (unsigned).  Every field is hostile: a version
# must match ^[0-9A-Za-z._+-]{1,32}$, a URL
# ^https?://[0-9A-Za-z.:\[\]-]+(:[0-9]+)?/[0-9A-Za-z._/-]*$ (2048 bytes at
# most) and, for the hardened agent, be https on the manifest's host:port.
#
# Subcommands (results are one line on stdout):
#   fwctl version
#       The installed version (first line of fw/version); exit 0.
#   fwctl fetch MANIFEST-URL                          (weak only)
#       Run by the web UI (below).  Downloads the manifest and the image it
#       names with curl over http or https -k (no certificate check),
#       --max-time 15 and at most 64 MiB each, ignoring curl's exit status;
#       installs whatever arrived, even a cut download, checking neither the
#       sha256 nor a signature nor the model nor the version (deliberately
#       broken): fw/image, and fw/version from the image's first line
#       ("unknown" when unparsable).  Prints "installed VERSION", or, only
#       when no image arrived at all, "refused: bad url", "refused: no
#       manifest", "refused: no image url" or "refused: no image".  Exit 0.
#       Web UI of the weak device (lighttpd CGI, text/plain):
#         /cgi-bin/update.cgi?url=URLENCODED-MANIFEST-URL  HTTP Basic admin
#             login (401 without); 200 with fwctl fetch's line; 400 with
#             "refused: ..." for a url outside the pattern.
#         /cgi-bin/version.cgi  no login; fwctl version.
#         /admin/firmware.html  the form (Settings > Firmware).
#   fwctl agent                                       (hardened, root)
#       The update daemon: service "update" (kind proc) of the hardened
#       device, stopped by power-off, started by power-on.  Checks at start,
#       every 10 s and when asked (inbox requests are seen within 0.1 s).
#       A check, in this order, stops at the first of these results:
#         "refused: no update server set"   no fw/inbox/server
#         "refused: bad update server setting"  not "https-URL CAFILE" with
#             CAFILE an absolute path of an existing regular file, no spaces
#         "refused: download failed (manifest: curl exit N)"  curl -q
#             --fail --proto =https --tlsv1.2 --cacert CAFILE --max-redirs 0
#             --max-time 15 --max-filesize 1048576 (the same for the image
#             and the signature; the byte count is also capped at 1 MiB
#             without a Content-Length: "(...: over 1048576 bytes)")
#         "refused: bad manifest (version)"  no valid version string
#         "no update"                       version equal to the installed
#         "refused: not newer"              version not greater (sort -V)
#         "refused: bad image url", "refused: image on another server"
#         "refused: unsigned"               no "signature" (or null)
#         "refused: bad signature url", "refused: signature on another
#             server"
#         "refused: bad manifest (size or sha256)"  present but malformed
#         "refused: download failed (image: ...)", "(signature: ...)"
#             any curl failure: a cut or oversize download, a TLS error
#         "refused: bad signature"   openssl dgst -sha256 -verify
#             fw/vendor.pub -signature SIG IMAGE fails
#         "refused: wrong model", "refused: version mismatch"  the first
#             line is not "ASSAYFW1 h1 <the manifest's version>"
#         "refused: size mismatch", "refused: sha256 mismatch"  with the
#             manifest's (when given)
#         "installed VERSION"   fw/image and fw/version replaced, each by a
#             temporary file and mv
#       One line per step in /run/assay-bench/hardened/log/update.log.
#       Answers go to fw/results ("ID RESULT", "-" for the periodic checks).
#   fwctl set-server URL CAFILE                       (hardened, admin)
#       Writes "URL CAFILE" into fw/inbox/server (checked here, and again by
#       the agent as hostile); prints "server URL"; exit 2 when refused.
#   fwctl check                                       (hardened, admin)
#       Writes fw/inbox/check-now (a request ID), waits (30 s at most) until
#       the agent has finished that check and prints its result; exit 0, or
#       1 on timeout.
#   fwctl factory-reset                               (hardened, admin)
#       The same through fw/inbox/reset-now: the agent puts fw/image and
#       fw/version back to the installed release (fw/factory.img) and the
#       result is "reset 3.2.0".  The server setting (lab configuration) is
#       kept.
set -u
set -o pipefail
umask 022
PATH=/usr/sbin:/usr/bin:/sbin:/bin
export PATH LC_ALL=C

STATE_ROOT=/run/assay-bench
VER_RE='^[0-9A-Za-z._+-]{1,32}$'
# The contract's URL pattern, as POSIX ERE ("]" first and "-" last in the
# bracket: no backslashes inside brackets there).
URL_RE='^https?://[]0-9A-Za-z.:[-]+(:[0-9]+)?/[0-9A-Za-z._/-]*$'
NONCE_RE='^[0-9A-Za-z]{8,40}$'
WEAK_CAP=$((64 * 1024 * 1024))
HARD_CAP=1048576
INTERVAL=10
WAIT=30

die() { printf 'fwctl: %s\n' "$*" >&2; exit 2; }

# The device's state folder: the one above this script's folder (the web
# UI calls it as www/../bin/fwctl).
SELF_DIR=.
case ${BASH_SOURCE[0]} in */*) SELF_DIR=${BASH_SOURCE[0]%/*} ;; esac
ST=$(cd -P -- "$SELF_DIR/.." 2>/dev/null && pwd -P)
case $ST in
"$STATE_ROOT/weak" | "$STATE_ROOT/weak2") DEV=weak MODEL=lc20 ;;
"$STATE_ROOT/hardened") DEV=hardened MODEL=h1 ;;
*) die "not installed on a bench device (expected $STATE_ROOT/NAME/bin/fwctl)" ;;
esac
FW=$ST/fw
LOG=$ST/log/update.log

# log TEXT: one line of the update log (only root can write it; the admin's
# requests are logged by the agent that carries them out).
log() {
	printf '%(%Y-%m-%dT%H:%M:%S%z)T %s[%d]: %s\n' -1 "$DEV" "$$" "$*" \
	    >>"$LOG" 2>/dev/null
}

valid_url() {
	[ "${#1}" -le 2048 ] && [[ $1 =~ $URL_RE ]]
}

# authority URL: set AUTH to "host:port" of an http(s) URL, the port made
# explicit (80 or 443) and the host in lower case.
authority() {
	local rest=${1#*://} host port
	rest=${rest%%/*}
	if [[ $rest =~ ^(.*):([0-9]+)$ ]]; then
		host=${BASH_REMATCH[1]} port=${BASH_REMATCH[2]}
		port=$((10#$port))
	else
		host=$rest
		case $1 in https:*) port=443 ;; *) port=80 ;; esac
	fi
	AUTH="${host,,}:$port"
}

# installed: set CUR to the installed version.
installed() {
	CUR=unknown
	IFS= read -r CUR <"$FW/version" 2>/dev/null
	[ -n "$CUR" ] || CUR=unknown
}

# header_version IMAGE: set HVER and HMODEL from the image's first line
# ("unknown" and "" when it is not "ASSAYFW1 MODEL VERSION").
header_version() {
	local line model ver
	HVER=unknown HMODEL=''
	line=$(head -c 128 -- "$1" 2>/dev/null | head -n 1 | tr -d '\0')
	[[ $line =~ ^ASSAYFW1\ ([0-9A-Za-z_-]{1,32})\ (.+)$ ]] || return 0
	model=${BASH_REMATCH[1]} ver=${BASH_REMATCH[2]}
	if [[ $ver =~ $VER_RE ]]; then
		HMODEL=$model HVER=$ver
	fi
}

# install_image FILE VERSION: atomically replace fw/image, then fw/version
# (FILE must be on fw/'s file system; it is moved).
install_image() {
	chmod 0644 "$1" &&
	    mv -f -T -- "$1" "$FW/image" &&
	    printf '%s\n' "$2" >"$FW/.version.$$" &&
	    mv -f -T -- "$FW/.version.$$" "$FW/version"
}

# json_str FIELD FILE: set JV to FIELD of the JSON object in FILE if it is
# a string, exactly (a trailing newline in it is kept, for the caller's
# checks to see), else to "".
json_str() {
	JV=$(jq -r --arg f "$1" 'if type == "object" and (.[$f] | type) ==
	    "string" then .[$f] + "/" else empty end' <"$2" 2>/dev/null)
	[[ $JV == */ ]] && JV=${JV%/} || JV=''
}

# ---------------------------------------------------------------- weak

# wget_weak URL OUT: what the camera's downloader does: any certificate,
# http or https, 15 s, 64 MiB; the exit status is ignored by the caller.
wget_weak() {
	curl -q -sS -k --proto =http,https --max-redirs 0 --max-time 15 \
	    --max-filesize "$WEAK_CAP" -o - "$1" 2>/dev/null |
	    head -c "$WEAK_CAP" >"$2"
}

cmd_fetch() {
	local url=${1:-} tmp img
	[ "$DEV" = weak ] || die "fetch: the weak device only"
	[ $# -eq 1 ] || die "usage: fwctl fetch MANIFEST-URL"
	if ! valid_url "$url"; then
		log "fetch: refused: bad url"
		echo "refused: bad url"
		return 0
	fi
	tmp=$(mktemp -d "$FW/.fetch.XXXXXX") || die "cannot make a temporary folder in $FW"
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	log "fetch: manifest $url"
	wget_weak "$url" "$tmp/manifest"
	if [ ! -s "$tmp/manifest" ]; then
		log "fetch: refused: no manifest"
		echo "refused: no manifest"
		return 0
	fi
	json_str image "$tmp/manifest"
	img=$JV
	if ! valid_url "$img"; then
		log "fetch: refused: no image url"
		echo "refused: no image url"
		return 0
	fi
	log "fetch: image $img"
	wget_weak "$img" "$tmp/image"
	if [ ! -s "$tmp/image" ]; then
		log "fetch: refused: no image"
		echo "refused: no image"
		return 0
	fi
	# The flaw: no sha256, no signature, no model or version check.
	header_version "$tmp/image"
	if ! install_image "$tmp/image" "$HVER"; then
		log "fetch: cannot install"
		echo "refused: cannot install"
		return 0
	fi
	log "fetch: installed $HVER ($(stat -c %s "$FW/image") bytes)"
	echo "installed $HVER"
}

# ------------------------------------------------------------ hardened

# dl URL OUT WHAT: the hub's downloader; sets WHY on failure.
dl() {
	local rc size
	curl -q -sS --fail --proto =https --tlsv1.2 --cacert "$CA" \
	    --max-redirs 0 --max-time 15 --max-filesize "$HARD_CAP" \
	    -o - "$1" 2>/dev/null | head -c $((HARD_CAP + 1)) >"$2"
	rc=${PIPESTATUS[0]}
	size=$(stat -c %s -- "$2" 2>/dev/null) || size=0
	if [ "$size" -gt "$HARD_CAP" ]; then
		WHY="download failed ($3: over $HARD_CAP bytes)"
	elif [ "$rc" -ne 0 ]; then
		WHY="download failed ($3: curl exit $rc)"
	else
		log "check: $3: $size bytes"
		return 0
	fi
	log "check: $WHY"
	return 1
}

# parse_manifest: set M_VERSION, M_IMAGE, M_SIGNATURE, M_SHA256 and M_SIZE
# from the manifest with one jq: each is the field's string value (M_SIZE:
# a whole number), "<null>" (absent or null) or "<bad>" (another type);
# neither sentinel passes a pattern check.  A string comes out as JSON
# text, one line, and loses only its quotes: any escape (a newline, a
# quote, a backslash) stays and fails the caller's pattern checks.  1 when
# the manifest is not one JSON object.
parse_manifest() {
	local fld=() i
	mapfile -t fld < <(jq -r 'if type == "object" then
	    ((.version, .image, .signature, .sha256) | if type == "string"
	    then tojson elif . == null then "<null>" else "<bad>" end),
	    (.size | if . == null then "<null>" elif type == "number" and
	    . == floor and . >= 0 and . < 1e10 then tostring else "<bad>" end)
	    else "" end' <"$TMP/manifest" 2>/dev/null)
	[ "${#fld[@]}" -eq 5 ] || return 1
	for i in 0 1 2 3; do
		if [[ ${fld[i]} == \"*\" ]] && [ "${#fld[i]}" -ge 2 ]; then
			fld[i]=${fld[i]:1:${#fld[i]}-2}
		elif [ "${fld[i]}" != "<null>" ]; then
			fld[i]="<bad>"
		fi
	done
	M_VERSION=${fld[0]} M_IMAGE=${fld[1]} M_SIGNATURE=${fld[2]}
	M_SHA256=${fld[3]} M_SIZE=${fld[4]}
}

# read_server: set URL and CA from fw/inbox/server (hostile: written by the
# admin) or RESULT to a refusal.
read_server() {
	local f=$FW/inbox/server line extra
	URL='' CA=''
	if [ ! -e "$f" ] && [ ! -L "$f" ]; then
		RESULT="refused: no update server set"
		return 1
	fi
	line=
	if [ -f "$f" ] && [ ! -L "$f" ]; then
		line=$(timeout 2 head -c 4096 -- "$f" 2>/dev/null | head -n 1 | tr -d '\0')
	fi
	read -r URL CA extra <<<"$line"
	if [ -n "${extra:-}" ] || ! valid_url "$URL" || [[ $URL != https://* ]] ||
	    [[ ! $CA =~ ^/[^[:space:]]{1,1023}$ ]] || [ ! -f "$CA" ]; then
		URL='' CA=''
		RESULT="refused: bad update server setting"
		return 1
	fi
}

# do_check: one update check; sets RESULT.
do_check() {
	local ver img sig size sum auth
	RESULT=
	installed
	if ! read_server; then
		log "check: $RESULT"
		return
	fi
	if ! { rm -rf "$TMP" && mkdir -m 0700 "$TMP"; }; then
		RESULT="refused: no room"
		return
	fi
	authority "$URL"
	auth=$AUTH
	log "check: installed $CUR; manifest $URL (CA $CA)"
	if ! dl "$URL" "$TMP/manifest" manifest; then
		RESULT="refused: $WHY"
		return
	fi
	parse_manifest || M_VERSION=''
	ver=$M_VERSION
	if ! [[ $ver =~ $VER_RE ]]; then
		RESULT="refused: bad manifest (version)"
		log "check: $RESULT"
		return
	fi
	log "check: manifest offers $ver"
	if [ "$ver" = "$CUR" ]; then
		RESULT="no update"
		log "check: $RESULT"
		return
	fi
	if [ "$(printf '%s\n%s\n' "$CUR" "$ver" | sort -V | tail -n 1)" != "$ver" ]; then
		RESULT="refused: not newer"
		log "check: $RESULT ($ver <= $CUR)"
		return
	fi
	img=$M_IMAGE sig=$M_SIGNATURE size=$M_SIZE sum=$M_SHA256
	if ! valid_url "$img" || [[ $img != https://* ]]; then
		RESULT="refused: bad image url"
	elif authority "$img" && [ "$AUTH" != "$auth" ]; then
		RESULT="refused: image on another server"
	elif [ "$sig" = "<null>" ]; then
		RESULT="refused: unsigned"
	elif ! valid_url "$sig" || [[ $sig != https://* ]]; then
		RESULT="refused: bad signature url"
	elif authority "$sig" && [ "$AUTH" != "$auth" ]; then
		RESULT="refused: signature on another server"
	fi
	if [ -n "$RESULT" ]; then
		log "check: $RESULT"
		return
	fi
	[ "$size" = "<null>" ] && size=''
	[ "$sum" = "<null>" ] && sum=''
	if ! [[ $size =~ ^[0-9]{0,10}$ ]] || ! [[ $sum =~ ^([0-9a-fA-F]{64})?$ ]]; then
		RESULT="refused: bad manifest (size or sha256)"
		log "check: $RESULT"
		return
	fi
	log "check: image $img"
	if ! dl "$img" "$TMP/image" image; then
		RESULT="refused: $WHY"
		return
	fi
	log "check: signature $sig"
	if ! dl "$sig" "$TMP/sig" signature; then
		RESULT="refused: $WHY"
		return
	fi
	if ! openssl dgst -sha256 -verify "$FW/vendor.pub" -signature "$TMP/sig" \
	    "$TMP/image" >/dev/null 2>&1; then
		RESULT="refused: bad signature"
		log "check: $RESULT"
		return
	fi
	log "check: signature verified with the vendor key"
	header_version "$TMP/image"
	if [ "$HMODEL" != "$MODEL" ]; then
		RESULT="refused: wrong model"
	elif [ "$HVER" != "$ver" ]; then
		RESULT="refused: version mismatch"
	elif [ -n "$size" ] && [ "$size" != "$(stat -c %s "$TMP/image")" ]; then
		RESULT="refused: size mismatch"
	elif [ -n "$sum" ] &&
	    [ "${sum,,}" != "$(sha256sum <"$TMP/image" | cut -d' ' -f1)" ]; then
		RESULT="refused: sha256 mismatch"
	fi
	if [ -n "$RESULT" ]; then
		log "check: $RESULT"
		return
	fi
	if ! install_image "$TMP/image" "$ver"; then
		RESULT="refused: cannot install"
		log "check: $RESULT"
		return
	fi
	RESULT="installed $ver"
	log "check: $RESULT"
}

# do_reset: back to the factory image; sets RESULT.
do_reset() {
	if ! { rm -rf "$TMP" && mkdir -m 0700 "$TMP" &&
	    cp -- "$FW/factory.img" "$TMP/image"; }; then
		RESULT="refused: no factory image"
		log "reset: $RESULT"
		return
	fi
	header_version "$TMP/image"
	if install_image "$TMP/image" "$HVER"; then
		RESULT="reset $HVER"
	else
		RESULT="refused: cannot reset"
	fi
	log "reset: $RESULT"
}

# take NAME: move inbox/NAME (hostile: the admin's) out of the admin's
# reach and set NONCE from it; 1 when there is no valid request.
take() {
	local f=$FW/inbox/$1 req=$FW/.request
	NONCE=
	[ -e "$f" ] || [ -L "$f" ] || return 1
	rm -rf -- "$req"
	mv -f -T -- "$f" "$req" 2>/dev/null || return 1
	if [ -f "$req" ] && [ ! -L "$req" ]; then
		NONCE=$(head -c 64 -- "$req" 2>/dev/null | head -n 1 | tr -d '\0')
	fi
	rm -rf -- "$req"
	if [[ ! $NONCE =~ $NONCE_RE ]]; then
		log "agent: ignored a malformed $1 request"
		return 1
	fi
}

# answer NONCE RESULT: append "NONCE RESULT" to fw/results (the last 50
# answers are kept).
answer() {
	local f=$FW/results
	printf '%s %s\n' "$1" "$2" >>"$f"
	if [ "$(wc -l <"$f")" -gt 100 ]; then
		tail -n 50 "$f" >"$f.new" && chmod 0644 "$f.new" && mv -f "$f.new" "$f"
	fi
}

# guarded FUNCTION: run FUNCTION in a subshell (whatever goes wrong there,
# the agent goes on) and set RESULT from it.
guarded() {
	RESULT=$("$1" >&2 3>&-; printf '%s' "$RESULT")
	if [ -z "$RESULT" ]; then
		RESULT="refused: internal error"
		log "agent: $1 failed"
	fi
}

cmd_agent() {
	local next nap
	[ "$DEV" = hardened ] || die "agent: the hardened device only"
	[ "$(id -u)" -eq 0 ] || die "agent: needs root"
	TMP=$FW/.agent
	# A fifo nobody writes to: "read -t" on it sleeps without a fork.
	nap=$ST/run/fwctl-agent.nap
	[ -e "$nap" ] && rm -f "$nap"
	mkfifo -m 0600 "$nap" || die "agent: cannot make $nap"
	exec 3<>"$nap" || die "agent: cannot open $nap"
	: >>"$FW/results"
	log "agent: started (pid $$); checks at start and every $INTERVAL s"
	next=0
	while :; do
		if take reset-now; then
			log "agent: factory reset requested ($NONCE)"
			guarded do_reset
			answer "$NONCE" "$RESULT"
		fi
		if take check-now; then
			log "agent: check requested ($NONCE)"
			guarded do_check
			answer "$NONCE" "$RESULT"
			next=$((EPOCHSECONDS + INTERVAL))
		elif [ "$EPOCHSECONDS" -ge "$next" ]; then
			guarded do_check
			answer - "$RESULT"
			next=$((EPOCHSECONDS + INTERVAL))
		fi
		read -r -t 0.1 -u 3 _
	done
}

# request NAME: drop a request into the inbox and wait for its answer.
request() {
	local nonce line end
	[ "$DEV" = hardened ] || die "$1: the hardened device only"
	nonce=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
	[[ $nonce =~ $NONCE_RE ]] || die "cannot make a request id"
	if ! { printf '%s\n' "$nonce" >"$FW/inbox/.$1.$$" &&
	    mv -f -T -- "$FW/inbox/.$1.$$" "$FW/inbox/$1"; }; then
		rm -f "$FW/inbox/.$1.$$"
		die "cannot write $FW/inbox/$1"
	fi
	end=$((SECONDS + WAIT))
	while [ "$SECONDS" -lt "$end" ]; do
		line=$(grep -m 1 "^$nonce " "$FW/results" 2>/dev/null)
		if [ -n "$line" ]; then
			printf '%s\n' "${line#"$nonce "}"
			return 0
		fi
		sleep 0.1
	done
	rm -f "$FW/inbox/$1" 2>/dev/null
	echo "timeout: the update agent did not answer within $WAIT s" >&2
	return 1
}

cmd_set_server() {
	local tmp
	[ "$DEV" = hardened ] || die "set-server: the hardened device only"
	[ $# -eq 2 ] || die "usage: fwctl set-server URL CAFILE"
	if ! valid_url "$1" || [[ $1 != https://* ]]; then
		die "set-server: not an https URL of the allowed form: $1"
	fi
	if [[ ! $2 =~ ^/[^[:space:]]{1,1023}$ ]] || [ ! -f "$2" ]; then
		die "set-server: CAFILE must be the absolute path of a regular file, without spaces"
	fi
	tmp=$FW/inbox/.server.$$
	if ! { printf '%s %s\n' "$1" "$2" >"$tmp" &&
	    mv -f -T -- "$tmp" "$FW/inbox/server"; }; then
		rm -f "$tmp"
		die "cannot write $FW/inbox/server"
	fi
	echo "server $1"
}

main() {
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	version)
		installed
		printf '%s\n' "$CUR"
		;;
	fetch) cmd_fetch "$@" ;;
	agent) cmd_agent ;;
	set-server) cmd_set_server "$@" ;;
	check) request check-now ;;
	factory-reset) request reset-now ;;
	*)
		echo "usage: fwctl version | fetch MANIFEST-URL (weak) | agent | set-server URL CAFILE | check | factory-reset (hardened)" >&2
		exit 2
		;;
	esac
}

main "$@"
