# Settings API of the weak bench device (Lumora LC20), run by lighttpd's
# mod_cgi as /bin/sh.  Deliberate flaw: the "firmware" copies the query
# into a fixed 1024-byte buffer; a longer query kills the web server, the
# bench's stand-in for a stack overflow.  Nothing of the query is
# evaluated or echoed.
q=${QUERY_STRING:-}
if [ "${#q}" -gt 1024 ]; then
	pid=$(cat "$DOCUMENT_ROOT/../run/lighttpd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -SEGV "$pid"
	exit 1
fi
printf 'Content-Type: application/json\r\n\r\n'
printf '{"ok":true,"length":%d}\n' "${#q}"
