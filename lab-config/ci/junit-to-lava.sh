#!/bin/sh
# Turn a JUnit file written by assay (assay diff --format junit, or a run
# folder's junit.xml) into LAVA test results: one 'lava-test-case' per
# <testcase>, named PREFIX-CLASSNAME-NAME (characters LAVA does not take
# become '_'), with the result fail for a <failure> or <error>, skip for a
# <skipped>, pass otherwise.  Needs xmllint (libxml2-utils).
#
# Usage: junit-to-lava.sh PREFIX JUNIT.xml
set -eu
prefix=${1:?usage: junit-to-lava.sh PREFIX JUNIT.xml}
junit=${2:?usage: junit-to-lava.sh PREFIX JUNIT.xml}
count() { xmllint --xpath "count($1)" "$junit"; }
n=$(count '//*[local-name()="testcase"]')
i=1
while [ "$i" -le "$n" ]; do
	tc="(//*[local-name()=\"testcase\"])[$i]"
	class=$(xmllint --xpath "string($tc/@classname)" "$junit")
	name=$(xmllint --xpath "string($tc/@name)" "$junit")
	if [ "$(count "$tc/*[local-name()=\"failure\" or local-name()=\"error\"]")" != 0 ]; then
		result=fail
	elif [ "$(count "$tc/*[local-name()=\"skipped\"]")" != 0 ]; then
		result=skip
	else
		result=pass
	fi
	id=$(printf '%s-%s-%s' "$prefix" "$class" "$name" | tr -c 'A-Za-z0-9._-' '_')
	lava-test-case "$id" --result "$result"
	i=$((i + 1))
done
