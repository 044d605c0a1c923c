# Password change of the weak bench device (Lumora LC20), run by lighttpd's
# mod_cgi as /bin/sh behind the admin login (lighttpd.conf auth.require):
#   GET /cgi-bin/passwd.cgi?new=PASSWORD   change the admin password
# Deliberate flaw (5.1-4-2): the page answers "password changed" and
# writes the new password to ram/admin.pass, which nothing reads; the web
# server keeps checking etc/lighttpd.user, so the old password still works
# and the new one does not.  The parameter is checked against a pattern;
# nothing of it is evaluated, and it is never echoed.
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
new=*) v=${q#new=} ;;
*) bad "unknown parameter" ;;
esac
case $v in
'' | *[!A-Za-z0-9._-]*) bad "bad password" ;;
esac
(umask 077 && printf '%s\n' "$v" >"$st/ram/admin.pass") ||
    bad "cannot store the password"
printf 'Content-Type: text/plain\r\n\r\n'
printf 'password changed\n'
