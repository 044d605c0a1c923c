# Password change of the hardened bench device (Korvat H1 hub), run by
# lighttpd's mod_cgi as /bin/sh (as www-data), over HTTPS behind the admin
# login:
#   GET /admin/passwd.cgi?new=PASSWORD   replace the admin's web password
# The new password (12 to 128 letters, digits, '.', '_' or '-') is hashed
# with SHA-512 crypt and replaces the admin's line of etc/htpasswd (other accounts kept), the
# file lighttpd checks every login against (owned by www-data, mode 0600:
# the worker must write it, nobody else may read it).  The password goes
# to openssl on its standard input, never on a command line; nothing of it
# is evaluated or echoed.
set -f
umask 077
st=${DOCUMENT_ROOT%/www}
bad() {
	printf 'Status: %s\r\nContent-Type: text/plain\r\n\r\n' "$1"
	printf 'refused: %s\n' "$2"
	exit 0
}
q=${QUERY_STRING:-}
[ "${#q}" -le 256 ] || bad '400 Bad Request' "query too long"
case $q in
new=*) v=${q#new=} ;;
*) bad '400 Bad Request' "unknown parameter" ;;
esac
case $v in
'' | *[!A-Za-z0-9._-]*) bad '400 Bad Request' "bad password" ;;
esac
[ "${#v}" -ge 12 ] && [ "${#v}" -le 128 ] ||
    bad '400 Bad Request' "the password needs 12 to 128 characters"
h=$(printf '%s' "$v" | openssl passwd -6 -stdin) && [ -n "$h" ] ||
    bad '500 Internal Server Error' "cannot hash the password"
t=$st/run/www/htpasswd.new
{ printf 'admin:%s\n' "$h" && grep -v '^admin:' "$st/etc/htpasswd"; } >"$t" ||
    bad '500 Internal Server Error' "cannot write"
# In place: etc/ is root's, the file is the worker's.
cat "$t" >"$st/etc/htpasswd" || {
	rm -f "$t"
	bad '500 Internal Server Error' "cannot replace the password"
}
rm -f "$t"
printf 'Content-Type: text/plain\r\n\r\n'
printf 'password changed\n'
