# Installed firmware version of the weak bench device (Lumora LC20), run by
# lighttpd's mod_cgi as /bin/sh; no login.  Prints "fwctl version".
printf 'Content-Type: text/plain\r\n\r\n'
"$DOCUMENT_ROOT/../bin/fwctl" version
