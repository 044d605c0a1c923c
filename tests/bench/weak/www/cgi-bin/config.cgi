# Settings of the weak bench device (Lumora LC20), run by lighttpd's
# mod_cgi as /bin/sh behind the admin login (lighttpd.conf auth.require):
#   GET /cgi-bin/config.cgi                 the settings and the SD index
#   GET /cgi-bin/config.cgi?owner=ADDRESS   set the owner (user data; the
#                                           camera tags its clips with it)
#   GET /cgi-bin/config.cgi?reset=1         factory reset
# Deliberate flaws: the settings live in RAM (a power cut loses them), and
# the factory reset forgets the settings but leaves the SD card's clip
# index, with the owners' addresses, where it was.  The parameter is
# checked against a pattern; nothing of it is evaluated.
set -f
st=${DOCUMENT_ROOT%/www}
bad() {
	printf 'Status: 400 Bad Request\r\nContent-Type: text/plain\r\n\r\n'
	printf 'refused: %s\n' "$1"
	exit 0
}
q=${QUERY_STRING:-}
[ "${#q}" -le 256 ] || bad "query too long"
case $q in
'') ;;
reset=1)
	printf 'timezone=UTC\nowner=\n' >"$st/ram/settings.new" &&
	    mv -f "$st/ram/settings.new" "$st/ram/settings"
	;;
owner=*)
	v=${q#owner=}
	v=$(printf '%s' "$v" | sed 's/%40/@/g')
	case $v in
	'' | *[!A-Za-z0-9@._-]*) bad "bad owner" ;;
	esac
	printf 'timezone=%s\nowner=%s\n' \
	    "$(sed -n 's/^timezone=//p' "$st/ram/settings" 2>/dev/null)" "$v" \
	    >"$st/ram/settings.new" && mv -f "$st/ram/settings.new" "$st/ram/settings"
	printf 'clip %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$v" >>"$st/sd/index"
	;;
*) bad "unknown parameter" ;;
esac
printf 'Content-Type: text/plain\r\n\r\n'
if [ -s "$st/ram/settings" ]; then
	cat "$st/ram/settings"
else
	printf 'timezone=UTC\nowner=\n'
fi
printf 'sd-index:\n'
cat "$st/sd/index" 2>/dev/null
