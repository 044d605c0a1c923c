#!/bin/sh
# style.md rule 9: these calls are banned in every C file of the project,
# tests included.  Fails listing each use.
set -u
src=${1:?usage: banned-calls.sh SRCDIR}
pattern='(^|[^_a-zA-Z0-9])(strcpy|strcat|sprintf|vsprintf|strtok|atoi|gets|system|popen)[[:space:]]*\('
hits=$(find "$src/harness" "$src/reports" "$src/testcases" "$src/tests" \
    -name '*.[ch]' -type f -print0 2>/dev/null |
    xargs -0 grep -nHE "$pattern" 2>/dev/null |
    grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' )
if [ -n "$hits" ]; then
	echo "banned calls (see style.md rule 9):"
	echo "$hits"
	exit 1
fi
echo "ok: no banned calls"
