#!/bin/sh
# style.md rule 13: a test case is its own file under testcases/ and one
# line in testcases/registry.c.  Fails when a struct asy_testcase defined in
# a file is not in the registry's table, when the table names one that no
# file defines, or when a tc-*.c file is not built (testcases/meson.build).
set -u
src=${1:?usage: testcases-registered.sh SRCDIR}
dir="$src/testcases"
status=0
defined=$(grep -hoE '^const struct asy_testcase (asy_tc_[A-Za-z0-9_]+)' \
    "$dir"/tc-*.c | awk '{print $4}' | sort)
listed=$(grep -oE '^[[:space:]]*&asy_tc_[A-Za-z0-9_]+' "$dir/registry.c" |
    tr -d ' \t&' | sort)
if [ -z "$defined" ]; then
	echo "no test case defined under $dir"
	exit 1
fi
for t in $defined; do
	echo "$listed" | grep -qx "$t" || {
		echo "$t is defined but not listed in testcases/registry.c"
		status=1
	}
done
for t in $listed; do
	echo "$defined" | grep -qx "$t" || {
		echo "$t is listed in testcases/registry.c but no file defines it"
		status=1
	}
done
for f in "$dir"/tc-*.c; do
	b=$(basename "$f")
	grep -q "'$b'" "$dir/meson.build" || {
		echo "$b is not in testcases/meson.build"
		status=1
	}
done
[ $status -eq 0 ] && echo "ok: $(echo "$defined" | wc -l) test cases, all registered and built"
exit $status
