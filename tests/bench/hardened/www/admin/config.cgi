# Settings of the hardened bench device (Korvat H1 hub), run by lighttpd's
# mod_cgi as /bin/sh (as www-data), over HTTPS behind the admin login:
#   GET /admin/config.cgi               the settings and the event history
#   GET /admin/config.cgi?name=NAME     rename the hub (recorded as an event)
#   GET /admin/config.cgi?reset=1       factory reset: settings and the
#                                       event history erased
# Settings are journalled to the hub's flash (STATE/data), so they survive
# a power cut.  The parameter is checked against a pattern; nothing of it
# is evaluated.
set -f
st=${DOCUMENT_ROOT%/www}
d=$st/data
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
	printf 'timezone=UTC\nname=H1\n' >"$d/settings.new" &&
	    mv -f "$d/settings.new" "$d/settings"
	: >"$d/events"
	;;
name=*)
	v=${q#name=}
	case $v in
	'' | *[!A-Za-z0-9._-]*) bad "bad name" ;;
	esac
	printf 'timezone=%s\nname=%s\n' \
	    "$(sed -n 's/^timezone=//p' "$d/settings" 2>/dev/null)" "$v" \
	    >"$d/settings.new" && mv -f "$d/settings.new" "$d/settings"
	printf 'event %s renamed to %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$v" \
	    >>"$d/events"
	;;
*) bad "unknown parameter" ;;
esac
printf 'Content-Type: text/plain\r\n\r\n'
cat "$d/settings" 2>/dev/null
printf 'events:\n'
cat "$d/events" 2>/dev/null
