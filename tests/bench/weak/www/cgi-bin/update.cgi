# Firmware update of the weak bench device (Lumora LC20), run by lighttpd's
# mod_cgi as /bin/sh, behind the admin login (lighttpd.conf auth.require):
#   GET /cgi-bin/update.cgi?url=URLENCODED-MANIFEST-URL
# runs "fwctl fetch URL" (tests/bench/fwctl.sh: the camera installs
# whatever the manifest leads to, deliberately) and returns its one line
# as text/plain.  The parameter itself is handled with care: only the
# characters of a URL of the allowed form and their percent-escapes are
# accepted, decoded here without eval, and checked against the pattern
# again; anything else is a 400.
set -f
bad() {
	printf 'Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n'
	printf 'refused: %s\n' "$1"
	exit 0
}
q=${QUERY_STRING:-}
[ "${#q}" -le 2048 ] || bad "query too long"
raw=
n=0
IFS='&'
for kv in $q; do
	case $kv in
	url=*) raw=${kv#url=}; n=$((n + 1)) ;;
	esac
done
unset IFS
[ "$n" -eq 1 ] || bad "expected one url parameter"
case $raw in
'' | *[!]0-9A-Za-z._:/%[-]*) bad "bad url" ;;
esac
# Percent-decoding of the few characters a URL of the allowed form has.
url=
rest=$raw
while :; do
	case $rest in
	*%*) ;;
	*) url=$url$rest; break ;;
	esac
	url=$url${rest%%[%]*}
	rest=${rest#*[%]}
	case $rest in
	3[Aa]*) c=: ;;
	2[Ff]*) c=/ ;;
	5[Bb]*) c=[ ;;
	5[Dd]*) c=] ;;
	2[Dd]*) c=- ;;
	2[Ee]*) c=. ;;
	5[Ff]*) c=_ ;;
	*) bad "bad url" ;;
	esac
	url=$url$c
	rest=${rest#??}
done
printf '%s\n' "$url" |
    grep -Eqx 'https?://[]0-9A-Za-z.:[-]+(:[0-9]+)?/[0-9A-Za-z._/-]*' ||
    bad "bad url"
line=$("$DOCUMENT_ROOT/../bin/fwctl" fetch "$url" 2>/dev/null)
[ -n "$line" ] || line="refused: update failed"
printf 'Content-Type: text/plain\r\n\r\n'
printf '%s\n' "$line"
