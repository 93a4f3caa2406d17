# shellcheck shell=bash disable=SC2034,SC2015
# Upgrading never drops a live connection.  The director runs the data
# plane of another build of xlvsadm (build/next: the same sources compiled
# anew; build/abi-next: the table's layout version one up), with TCP
# connections held idle, one TCP connection and one UDP flow asked every
# 100 ms, through the upgrade.  Afterwards every held connection is
# answered by the server it had, the probed flows never missed an answer
# nor moved, the table lists the same connections and counts, and new
# connections are balanced as before.
#
#  - in place: `xlvsadm --upgrade` of this build replaces the program of
#    build/next on eth0 (a new program id) and its pins, the table's maps
#    kept (the same meta map);
#  - a layout change: build/abi-next's `--upgrade` finds a table of this
#    build's version, migrates services, real servers, connections and
#    counters into a table of the next and swaps the program (a new meta
#    map);
#  - the package's postinst on an upgrade does the first through the
#    installed xlvsadm, and nothing where there is no table.

UP_NEXT=$XL_ROOT/build/next/bin/xlvsadm
UP_ABI=$XL_ROOT/build/abi-next/bin/xlvsadm
UP_HELD=8

# up_adm BIN ARGS...: one build's xlvsadm in the director.
up_adm() {
	local bin=$1; shift
	xl_in ha1 "$bin" "$@"
}

# up_cluster OLD: the cluster, echo servers on port 7000 beside the test
# servers, xlvs of build OLD on eth0 with rr services on TCP 7000 and UDP 53.
up_cluster() {
	local old=$1 h
	[ -x "$old" ] || xl_fail "$old missing: make test-build"
	xl_cluster_up
	for h in node1 node2; do
		xl_bg "$h" "$XL_ROOT/build/tests/echosrv" --name "$h" --port 7000
		xl_wait_listen "$h" 7000 || xl_fail "echosrv in $h did not start"
	done
	up_adm "$old" --attach eth0 --conn-max 65536 2>/dev/null ||
		xl_fail "--attach eth0 by $old"
	up_adm "$old" -A -t "$XL_VIP:7000" -s rr &&
		up_adm "$old" -a -t "$XL_VIP:7000" -r "$XL_NODE1:7000" -g &&
		up_adm "$old" -a -t "$XL_VIP:7000" -r "$XL_NODE2:7000" -g &&
		up_adm "$old" -A -u "$XL_VIP:53" -s rr &&
		up_adm "$old" -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g &&
		up_adm "$old" -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g ||
		xl_fail "configuring the services by $old"
}

# up_traffic: UP_HELD idle connections (connhold, until $XL_TMP/go), one
# TCP connection and one UDP flow probed every 100 ms for 8 s (flowprobe).
up_traffic() {
	local n
	xl_bg client "$XL_ROOT/build/tests/connhold" "$XL_VIP" 7000 "$UP_HELD" \
		"$XL_TMP/go" 60 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	UP_HOLD_PID=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^held ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q "^held $UP_HELD" "$XL_TMP/hold" ||
		xl_fail "connhold: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	xl_bg client "$XL_ROOT/build/tests/flowprobe" tcp "$XL_VIP" 7000 80 100 \
		>"$XL_TMP/probe.tcp"
	UP_TCP_PID=$XL_LAST_PID
	xl_bg client "$XL_ROOT/build/tests/flowprobe" udp "$XL_VIP" 53 80 100 \
		>"$XL_TMP/probe.udp"
	UP_UDP_PID=$XL_LAST_PID
	sleep 2         # the probes well under way
}

# up_table BIN: the table as BIN lists it, connections (-L -c -n: their
# states and servers, not their expiry) and the services' counts.
up_table() {
	up_adm "$1" -L -n
	up_adm "$1" -L -c -n | awk 'NR > 2 { print $1, $3, $4, $5, $6 }' | sort
}

# up_after BEFORE_FILE BIN: after the upgrade, BIN lists the same table
# as before; the traffic never broke; new connections still balance.
up_after() {
	local before=$1 bin=$2 lost
	up_table "$bin" >"$XL_TMP/after"
	xl_assert_same_file "$before" "$XL_TMP/after" "the table before and after the upgrade"
	wait "$UP_TCP_PID" || xl_fail "the probed TCP connection broke: $(cat "$XL_TMP/probe.tcp")"
	wait "$UP_UDP_PID" || true
	lost=$(grep -cvE '^node[12]$' "$XL_TMP/probe.tcp")
	xl_assert_eq 0 "$lost" "TCP probes unanswered or broken ($(sort "$XL_TMP/probe.tcp" | uniq -c | tr '\n' ' '))"
	xl_assert_eq 1 "$(sort -u "$XL_TMP/probe.tcp" | wc -l)" "servers the probed TCP connection reached"
	lost=$(grep -cvE '^node[12]$' "$XL_TMP/probe.udp")
	xl_assert_eq 0 "$lost" "UDP probes unanswered ($(sort "$XL_TMP/probe.udp" | uniq -c | tr '\n' ' '))"
	xl_assert_eq 1 "$(sort -u "$XL_TMP/probe.udp" | wc -l)" "servers the probed UDP flow reached"
	touch "$XL_TMP/go"
	wait "$UP_HOLD_PID" || xl_fail "held connections lost: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	tail -1 "$XL_TMP/hold"
	xl_assert_eq "node1=2 node2=2" "$(xl_in client "$XL_ROOT/build/tests/connhold" \
		"$XL_VIP" 7000 4 "$XL_TMP/go" 5 | awk '$1 == "ok" { print $3 }' | xl_tally)" \
		"4 new connections after the upgrade, by rr"
}

# up_prog: the id of the XDP program on ha1's eth0.
up_prog() {
	xl_in ha1 ip -d link show dev eth0 | grep -o 'prog/xdp id [0-9]*' | awk '{ print $3 }'
}

# In place: this build's program replaces build/next's; the table is the
# same one (the same meta map), its timers run on.
test_upgrade_in_place_keeps_connections() {
	local old_prog new_prog passes old_meta
	up_cluster "$UP_NEXT"
	up_traffic
	up_table "$UP_NEXT" >"$XL_TMP/before"
	old_prog=$(up_prog)
	old_meta=$(up_meta_id)
	xl_adm --upgrade 2>"$XL_TMP/err" || xl_fail "--upgrade: $(cat "$XL_TMP/err")"
	new_prog=$(up_prog)
	xl_assert_eq "$old_meta" "$(up_meta_id)" "the table's meta map (in place: the same table)"
	echo "eth0's program: id $old_prog before, $new_prog after"
	[ -n "$new_prog" ] && [ "$new_prog" != "$old_prog" ] ||
		xl_fail "the program on eth0 was not replaced ($old_prog, $new_prog)"
	passes=$(xl_counter sweep_passes)
	up_after "$XL_TMP/before" "$XL_ADM_BIN"
	(($(xl_counter sweep_passes) > passes)) ||
		xl_fail "the sweeper stopped with the upgrade"
}

# up_meta_id: the id of the meta map of ha1's table (which table it is).
up_meta_id() {
	local ino dir
	ino=$(stat -L -c %i "/run/netns/${XL_PREFIX}ha1")
	dir=$(ls -d /sys/fs/bpf/xlvs/netns-"$ino"-* 2>/dev/null | head -1)
	[ -n "$dir" ] && bpftool map show pinned "$dir/meta" | awk -F: 'NR == 1 { print $1 }'
}

# up_conns BIN: each service's Conns counter (-L -n --stats), one a line.
up_conns() {
	up_adm "$1" -L -n --stats | awk '$1 == "TCP" || $1 == "UDP" { print $1, $2, $3 }'
}

# A layout change: build/abi-next's --upgrade finds this build's table of
# version N, migrates it into a table of N+1 (a new meta map) and swaps
# the program; nothing breaks, the connections and counts are the same,
# and this build (N) now refuses the table by its version.
test_upgrade_migrates_layout() {
	local old_meta new_meta old_prog new_prog
	[ -x "$UP_ABI" ] || xl_fail "$UP_ABI missing: make test-build"
	up_cluster "$XL_ADM_BIN"
	up_traffic
	up_table "$XL_ADM_BIN" >"$XL_TMP/before"
	up_conns "$XL_ADM_BIN" >"$XL_TMP/conns.before"
	old_meta=$(up_meta_id)
	old_prog=$(up_prog)
	up_adm "$UP_ABI" --upgrade 2>"$XL_TMP/err" ||
		xl_fail "--upgrade to the next layout: $(cat "$XL_TMP/err")"
	new_meta=$(up_meta_id)
	new_prog=$(up_prog)
	echo "ha1's table: meta map $old_meta before, $new_meta after; eth0's program $old_prog, $new_prog"
	[ -n "$new_meta" ] && [ "$new_meta" != "$old_meta" ] ||
		xl_fail "no new table ($old_meta, $new_meta)"
	[ -n "$new_prog" ] && [ "$new_prog" != "$old_prog" ] ||
		xl_fail "the program on eth0 was not swapped ($old_prog, $new_prog)"
	up_adm "$XL_ADM_BIN" -L -n >/dev/null 2>"$XL_TMP/err19" &&
		xl_fail "this build still reads the migrated table of the next version"
	grep -q "has layout version" "$XL_TMP/err19" ||
		xl_fail "the refusal does not name the new version: $(cat "$XL_TMP/err19")"
	up_conns "$UP_ABI" >"$XL_TMP/conns.after"
	xl_assert_same_file "$XL_TMP/conns.before" "$XL_TMP/conns.after" \
		"each service's Conns counter before and after the migration"
	up_after "$XL_TMP/before" "$UP_ABI"
}

# The package's postinst on an upgrade (configure with the old version)
# runs the installed xlvsadm --upgrade: here this build's, first on PATH,
# in the director, whose table build/next made; with no table (the second
# director) it does nothing and makes none.  It never fails the upgrade.
test_upgrade_postinst() {
	local old_prog new_prog ino
	up_cluster "$UP_NEXT"
	xl_add_director ha2 "$XL_HA2"
	up_traffic
	up_table "$UP_NEXT" >"$XL_TMP/before"
	old_prog=$(up_prog)
	xl_in ha1 env PATH="$XL_ROOT/build/bin:$PATH" sh "$XL_ROOT/debian/postinst" \
		configure 0.1 >"$XL_TMP/postinst" 2>&1 ||
		xl_fail "postinst configure 0.1: $(cat "$XL_TMP/postinst")"
	new_prog=$(up_prog)
	[ -n "$new_prog" ] && [ "$new_prog" != "$old_prog" ] ||
		xl_fail "postinst did not replace the program ($old_prog, $new_prog): $(cat "$XL_TMP/postinst")"
	xl_in ha2 env PATH="$XL_ROOT/build/bin:$PATH" sh "$XL_ROOT/debian/postinst" \
		configure 0.1 >"$XL_TMP/postinst2" 2>&1 ||
		xl_fail "postinst without a table: $(cat "$XL_TMP/postinst2")"
	ino=$(stat -L -c %i "/run/netns/${XL_PREFIX}ha2")
	# (a listing leaves the namespace's empty directory; a table has its
	# meta pinned, last.)
	! ls /sys/fs/bpf/xlvs/netns-"$ino"-*/meta >/dev/null 2>&1 ||
		xl_fail "postinst made a table where there was none"
	up_after "$XL_TMP/before" "$XL_ADM_BIN"
}
