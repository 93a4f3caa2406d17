# shellcheck shell=bash
# The golden heartbeat messages of tests/unit/fo_golden (which
# tests/unit/fo_msg.c compares failoverd's encoder and builders with) are
# what Debian's heartbeat 3.0.6 libraries make now: its gen.c, built
# against the installed cluster-glue-dev and libheartbeat2-dev headers and
# run with libplumb2 and heartbeat's HBauth plugins, regenerates them in a
# scratch copy, byte for byte the same as the committed files.

test_failover_golden_regenerated() {
	local d=$XL_TMP/fo_golden f n=0
	cp -a "$XL_ROOT/tests/unit/fo_golden" "$d"
	"$d/regen.sh" >"$XL_TMP/regen.log" 2>&1 || { cat "$XL_TMP/regen.log" >&2; xl_fail "regen.sh failed"; }
	for f in "$XL_ROOT"/tests/unit/fo_golden/*.bin "$XL_ROOT"/tests/unit/fo_golden/*.classic; do
		cmp "$f" "$d/${f##*/}" || xl_fail "${f##*/}: Debian's libraries now make other bytes"
		n=$((n + 1))
	done
	for f in "$d"/*.bin "$d"/*.classic; do
		[ -e "$XL_ROOT/tests/unit/fo_golden/${f##*/}" ] || xl_fail "${f##*/} is made but not committed"
	done
	echo "$n golden messages, each as Debian's libraries make it"
}
