#!/bin/bash
# The LC20 camera's RTSP service (tcp/554), one connection on stdin and
# stdout behind "socat TCP-LISTEN:554,fork EXEC:rtsp.sh USERFILE": Debian
# has no small RTSP server.  It answers OPTIONS to anyone, DESCRIBE of any
# path with a minimal SDP when the request carries Basic credentials of
# the user:password line in USERFILE (admin:admin, the same on every
# unit: the flaw), and 401 with WWW-Authenticate: Basic otherwise; other
# methods get 405.  Several requests per connection; every read is
# bounded (a line 2048 bytes, a head 64 lines, a body 4096 bytes, 30 s of
# silence), and nothing the client sent is echoed but a numeric CSeq.
set -u
userfile=${1:?usage: rtsp.sh USERFILE}
want="Basic $(tr -d '\n' <"$userfile" | base64 -w0)"
sdp=$'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=LC20 live\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:track1\r\n'

answer() { # STATUS CSEQ [EXTRA-HEADER [BODY]]
	local extra=${3:-} body=${4:-}
	printf 'RTSP/1.0 %s\r\n' "$1"
	[ -n "$2" ] && printf 'CSeq: %s\r\n' "$2"
	printf 'Server: LC20-rtsp/1.4.2\r\n'
	[ -n "$extra" ] && printf '%s\r\n' "$extra"
	printf 'Content-Length: %d\r\n\r\n%s' "${#body}" "$body"
}

while IFS= read -r -t 30 -n 2048 line; do
	line=${line%$'\r'}
	[ -z "$line" ] && continue
	read -r method _ version _ <<<"$line"
	cseq='' auth='' length=0 n=0
	while IFS= read -r -t 10 -n 2048 h; do
		h=${h%$'\r'}
		[ -z "$h" ] && break
		n=$((n + 1))
		[ "$n" -gt 64 ] && exit 0
		case ${h,,} in
		cseq:*) cseq=${h#*:}; cseq=${cseq// /} ;;
		authorization:*) auth=${h#*:}; auth=${auth# } ;;
		content-length:*) length=${h#*:}; length=${length// /} ;;
		esac
	done
	[[ $cseq =~ ^[0-9]{1,9}$ ]] || cseq=''
	[[ $length =~ ^[0-9]{1,4}$ ]] || length=0
	[ "$length" -gt 4096 ] && exit 0
	[ "$length" -gt 0 ] && { read -r -t 10 -N "$length" _ || exit 0; }
	[[ $version == RTSP/1.0 ]] || { answer '505 RTSP Version Not Supported' "$cseq"; exit 0; }
	case $method in
	OPTIONS)
		answer '200 OK' "$cseq" 'Public: OPTIONS, DESCRIBE' ;;
	DESCRIBE)
		if [ "$auth" = "$want" ]; then
			answer '200 OK' "$cseq" 'Content-Type: application/sdp' "$sdp"
		else
			answer '401 Unauthorized' "$cseq" 'WWW-Authenticate: Basic realm="LC20"'
		fi ;;
	*)
		answer '405 Method Not Allowed' "$cseq" 'Allow: OPTIONS, DESCRIBE' ;;
	esac
done
exit 0
