# shellcheck shell=bash
# assert.sh: checks for the end-to-end cases.  Each case runs in its own
# process (see run), so a failed check simply exits it; the case's EXIT
# trap then tears its namespaces down.

# xl_fail MSG...: report and end the case.
xl_fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# xl_assert_eq WANT GOT WHAT: exact string equality.
xl_assert_eq() {
	[ "$1" = "$2" ] && return 0
	echo "FAIL: $3" >&2
	echo "  want: $1" >&2
	echo "  got:  $2" >&2
	exit 1
}

# xl_assert_same_file WANT_FILE GOT_FILE WHAT: byte-identical files; on a
# difference shows both with line ends marked ($) so spaces are visible.
xl_assert_same_file() {
	cmp -s "$1" "$2" && return 0
	echo "FAIL: $3" >&2
	echo "--- want" >&2
	cat -A "$1" >&2
	echo "--- got" >&2
	cat -A "$2" >&2
	exit 1
}

# xl_tally: "name=count ..." of the lines on stdin, sorted by name.
xl_tally() {
	sort | uniq -c | awk '{ printf "%s%s=%d", sep, $2, $1; sep = " " }'
}
