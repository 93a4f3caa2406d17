# shellcheck shell=bash disable=SC2034,SC2015
# The table as a thing of its own: one per network namespace, living on
# with no tool running, surviving detach/attach, saved and restored, sized
# once; and an established connection staying with its real server while
# the table changes.  Every case starts from the seed's cluster with
# nothing loaded (setup); each case attaches as it needs.

TB_TCPHOLD=${TB_TCPHOLD:-$XL_ROOT/build/tests/tcphold}
TB_NSDAEMON=${TB_NSDAEMON:-$XL_ROOT/build/tests/nsdaemon}
TB_VIP2=$XL_NET.200	# ha2's service address (held by no host)
TB_NODE3=$XL_NET.105

setup() {
	xl_cluster_up
}

# tb_rr_http: the seed's HTTP service on ha1, rr over node1 and node2.
tb_rr_http() {
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 1 ||
		xl_fail "configuring the HTTP service on ha1 failed"
}

# tb_no_xlvsadm_running: no xlvsadm process in any namespace of this case.
tb_no_xlvsadm_running() {
	local ns pid comm
	for ns in "${XL_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			comm=$(cat "/proc/$pid/comm" 2>/dev/null)
			[ "$comm" = xlvsadm ] &&
				xl_fail "xlvsadm (pid $pid) still runs in $ns"
		done
	done
	return 0
}

# Two directors, two tables: each sees its own, and unloading one leaves the
# other whole and forwarding.
test_table_one_per_namespace() {
	local ha2_link
	xl_add_director ha2 "$XL_HA2"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "attach in ha1 failed"
	tb_rr_http
	XL_DIRECTOR=ha2 xl_adm --attach eth0 --conn-max 4096 ||
		xl_fail "attach in ha2 failed"
	XL_DIRECTOR=ha2 xl_adm -A -u "$TB_VIP2:53" -s wrr &&
	XL_DIRECTOR=ha2 xl_adm -a -u "$TB_VIP2:53" -r "$XL_NODE2:53" -g -w 7 ||
		xl_fail "configuring ha2 failed"

	cat >"$XL_TMP/want-ha1" <<EOF
-A -t $XL_VIP:80 -s rr
-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w 1
-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 1
EOF
	cat >"$XL_TMP/want-ha2" <<EOF
-A -u $TB_VIP2:53 -s wrr
-a -u $TB_VIP2:53 -r $XL_NODE2:53 -g -w 7
EOF
	xl_adm -S -n >"$XL_TMP/got-ha1" || xl_fail "-S -n in ha1 failed"
	XL_DIRECTOR=ha2 xl_adm -S -n >"$XL_TMP/got-ha2" || xl_fail "-S -n in ha2 failed"
	xl_assert_same_file "$XL_TMP/want-ha1" "$XL_TMP/got-ha1" "ha1's -S -n"
	xl_assert_same_file "$XL_TMP/want-ha2" "$XL_TMP/got-ha2" "ha2's -S -n"
	xl_assert_eq "IP Virtual Server version 1.2.1 (size=65536)" \
		"$(xl_adm -L -n | head -1)" "ha1's table size"
	xl_assert_eq "IP Virtual Server version 1.2.1 (size=4096)" \
		"$(XL_DIRECTOR=ha2 xl_adm -L -n | head -1)" "ha2's table size"
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests through ha1 with both tables loaded"

	XL_DIRECTOR=ha2 xl_adm --unload || xl_fail "--unload in ha2 failed"
	ha2_link=$(xl_in ha2 ip -d link show dev eth0)
	[[ $ha2_link == *xdp* ]] &&
		xl_fail "ha2's eth0 still runs an XDP program after --unload: $ha2_link"
	xl_in ha1 ip -d link show dev eth0 | grep -q xdp ||
		xl_fail "ha1's eth0 lost its XDP program when ha2 unloaded"
	xl_adm -S -n >"$XL_TMP/got-ha1" || xl_fail "-S -n in ha1 failed"
	xl_assert_same_file "$XL_TMP/want-ha1" "$XL_TMP/got-ha1" \
		"ha1's -S -n after ha2's --unload"
	xl_assert_eq "IP Virtual Server version 1.2.1 (size=65536)" \
		"$(xl_adm -L -n | head -1)" "ha1's table size after ha2's --unload"
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests through ha1 after ha2's --unload"
	# Nothing of ha2's table is left.
	xl_assert_eq "" "$(XL_DIRECTOR=ha2 xl_adm -S -n)" "ha2's -S -n after --unload"
}

# Nobody in user space, yet the table forwards; --detach hands the VIP back
# to the director's own stack, --attach brings the same table back.
test_table_outlives_tool_detach_attach() {
	local in0 in1
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	tb_rr_http
	xl_adm -S -n >"$XL_TMP/save-before" || xl_fail "-S -n failed"
	tb_no_xlvsadm_running
	xl_assert_eq "" "$(ip netns pids "$(xl_ns ha1)")" "processes in ha1"
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests with no process in the director"

	xl_adm --detach eth0 || xl_fail "--detach eth0 failed"
	xl_in ha1 ip -d link show dev eth0 | grep -q xdp &&
		xl_fail "eth0 still runs an XDP program after --detach"
	in0=$(xl_counter pkts_in)
	# ha1 holds the VIP and has no listener on port 80: its stack refuses.
	xl_assert_eq "none=3" "$(xl_http 3 | xl_tally)" \
		"3 requests after --detach (must reach no real server)"
	in1=$(xl_counter pkts_in)
	xl_assert_eq "$in0" "$in1" "the data plane's pkts_in while detached"

	xl_adm --attach eth0 || xl_fail "--attach eth0 again failed"
	xl_adm -S -n >"$XL_TMP/save-after" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/save-before" "$XL_TMP/save-after" \
		"the table after --detach and --attach"
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests after --attach again"
	tb_no_xlvsadm_running
}

# tb_restore_rejected LINENO: xlvsadm -R with $XL_TMP/bad on stdin fails,
# names stdin:LINENO on stderr and changes nothing.
tb_restore_rejected() {
	local rc
	xl_adm -S -n >"$XL_TMP/before" || xl_fail "-S -n failed"
	xl_adm -R <"$XL_TMP/bad" >"$XL_TMP/out" 2>"$XL_TMP/err"
	rc=$?
	echo "xlvsadm -R (bad line $1) -> exit $rc, stderr: $(cat "$XL_TMP/err")"
	((rc != 0)) || xl_fail "xlvsadm -R accepted a bad line $1"
	grep -q "stdin:$1\b" "$XL_TMP/err" ||
		xl_fail "stderr of -R does not name stdin:$1"
	xl_adm -S -n >"$XL_TMP/after" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/before" "$XL_TMP/after" \
		"the table after a rejected -R (bad line $1)"
}

test_table_restore() {
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	xl_adm -A -t "$XL_VIP:80" -s wrr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 3 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 2 &&
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g -w 1 &&
	xl_adm -A -t "$XL_VIP:8080" -s rr ||
		xl_fail "configuring failed"
	xl_adm -S -n >"$XL_TMP/saved" || xl_fail "-S -n failed"
	xl_assert_eq 6 "$(wc -l <"$XL_TMP/saved")" "lines of the save"

	xl_adm -C || xl_fail "-C failed"
	xl_assert_eq "" "$(xl_adm -S -n)" "-S -n after -C"
	xl_adm -R <"$XL_TMP/saved" || xl_fail "-R of the save failed"
	xl_adm -S -n >"$XL_TMP/restored" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/saved" "$XL_TMP/restored" "-S -n after -R"
	xl_assert_eq "node1=3 node2=2" "$(xl_http 5 | xl_tally)" \
		"5 requests over the restored wrr 3:2"

	# A bad weight on line 3 (lines 1 and 2 would be valid on their own).
	cat >"$XL_TMP/bad" <<EOF
-A -t $XL_VIP:81 -s rr
-a -t $XL_VIP:81 -r $XL_NODE1:81 -g -w 1
-a -t $XL_VIP:81 -r $XL_NODE2:81 -g -w 70000
EOF
	tb_restore_rejected 3
	# A comment and a blank line count as lines; a leading "ipvsadm" is
	# allowed; the unknown option is on line 4.
	cat >"$XL_TMP/bad" <<EOF
# saved by hand

ipvsadm -A -t $XL_VIP:82 -s rr
-a -t $XL_VIP:82 -r $XL_NODE1:82 -g --no-such-option
EOF
	tb_restore_rejected 4
	tb_no_xlvsadm_running
}

# Lines that parse but would fail when carried out are refused before any
# line is applied too: an unknown scheduler, a real server for a service
# that does not exist (not even earlier in the input), a service or a real
# server that already exists.
test_table_restore_failing_line_changes_nothing() {
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	tb_rr_http
	cat >"$XL_TMP/bad" <<EOF
-A -t $XL_VIP:81 -s rr
-a -t $XL_VIP:81 -r $XL_NODE1:81 -g -w 1
-A -t $XL_VIP:82 -s nosuch
EOF
	tb_restore_rejected 3
	cat >"$XL_TMP/bad" <<EOF
-A -t $XL_VIP:81 -s rr
-a -t $XL_VIP:83 -r $XL_NODE1:83 -g -w 1
EOF
	tb_restore_rejected 2
	cat >"$XL_TMP/bad" <<EOF
-A -t $XL_VIP:81 -s rr
-A -t $XL_VIP:80 -s wrr
EOF
	tb_restore_rejected 2
	cat >"$XL_TMP/bad" <<EOF
-A -t $XL_VIP:81 -s rr
-a -t $XL_VIP:81 -r $XL_NODE1:81 -g -w 1
-a -t $XL_VIP:81 -r $XL_NODE2:81 -g -w 1
-a -t $XL_VIP:81 -r $XL_NODE1:81 -g -w 2
EOF
	tb_restore_rejected 4
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests after the refused restores"
}

test_table_generic_mode_and_conn_max() {
	local rc link
	xl_adm --attach eth0 --xdp-mode generic --conn-max 65536 \
		2>"$XL_TMP/err" || xl_fail "--attach --xdp-mode generic failed"
	echo "--attach --xdp-mode generic, stderr: $(cat "$XL_TMP/err")"
	grep -qi warning "$XL_TMP/err" && grep -q generic "$XL_TMP/err" ||
		xl_fail "no warning about generic mode on stderr"
	link=$(xl_in ha1 ip -d link show dev eth0)
	[[ $link == *xdpgeneric* ]] ||
		xl_fail "eth0 does not run the program in generic mode: $link"
	tb_rr_http
	xl_assert_eq "node1=3 node2=3" "$(xl_http 6 | xl_tally)" \
		"6 requests through the generic-mode data plane"
	(($(xl_counter pkts_fwd) >= 6)) ||
		xl_fail "the XDP program forwarded fewer than 6 packets"

	xl_adm -S -n >"$XL_TMP/before" || xl_fail "-S -n failed"
	xl_adm --attach eth0 --conn-max 4096 >"$XL_TMP/out" 2>"$XL_TMP/err"
	rc=$?
	echo "--attach --conn-max 4096 -> exit $rc, stderr: $(cat "$XL_TMP/err")"
	((rc != 0)) || xl_fail "--conn-max 4096 on a table of 65536 was accepted"
	grep -q -- "conn-max" "$XL_TMP/err" && grep -q 65536 "$XL_TMP/err" ||
		xl_fail "the refusal does not name --conn-max and the table's size"
	xl_adm -S -n >"$XL_TMP/after" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/before" "$XL_TMP/after" \
		"the table after the refused --conn-max"
	xl_assert_eq "IP Virtual Server version 1.2.1 (size=65536)" \
		"$(xl_adm -L -n | head -1)" "the size after the refused --conn-max"
	xl_assert_eq "node1=2 node2=2" "$(xl_http 4 | xl_tally)" \
		"4 requests after the refused --conn-max"
}

# tb_node_of_port PORT: which real server holds an established connection
# from the client's PORT to the VIP on port 80 ("" if none).
tb_node_of_port() {
	local host
	for host in node1 node2 node3; do
		xl_in "$host" ss -Htn state established \
			"( sport = :80 and dport = :$1 )" | grep -q . &&
			echo "$host"
	done
}

# Established connections keep their real server when the weights change
# and a new server arrives: every packet of theirs must still reach the
# server that accepted them (any other one would reset them).
test_table_held_connection_keeps_real_server() {
	local i n port node pid pids=() ports=() nodes=() got
	[ -x "$TB_TCPHOLD" ] || xl_fail "$TB_TCPHOLD missing: run make"
	xl_add_realserver node3 "$TB_NODE3"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	tb_rr_http
	for i in 1 2; do
		xl_bg client "$TB_TCPHOLD" "$XL_VIP" 80 "$XL_TMP/go" 30 \
			>"$XL_TMP/hold$i" 2>"$XL_TMP/hold$i.err"
		pids+=("$XL_LAST_PID")
		# One at a time, so rr gives them different servers.
		for ((n = 0; n < 50; n++)); do
			grep -q '^port ' "$XL_TMP/hold$i" && break
			sleep 0.1
		done
		port=$(awk '$1 == "port" { print $2 }' "$XL_TMP/hold$i")
		[ -n "$port" ] || xl_fail "tcphold $i did not connect: $(cat "$XL_TMP/hold$i.err")"
		node=$(tb_node_of_port "$port")
		[[ $node == node[12] ]] ||
			xl_fail "held connection $i (port $port) is on '$node'"
		ports+=("$port") nodes+=("$node")
	done
	echo "held: ${ports[0]} on ${nodes[0]}, ${ports[1]} on ${nodes[1]}"
	[ "${nodes[0]}" != "${nodes[1]}" ] ||
		xl_fail "rr put both held connections on ${nodes[0]}"

	# The old servers take no new connections, a new one takes them all.
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 0 &&
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 0 &&
	xl_adm -a -t "$XL_VIP:80" -r "$TB_NODE3:80" -g -w 5 ||
		xl_fail "changing the table failed"
	xl_adm -L -n >"$XL_TMP/list" || xl_fail "-L -n failed"
	cat "$XL_TMP/list"
	for node in "$XL_NODE1" "$XL_NODE2"; do
		grep -Eq "^  -> $node:80 +Route +0 +1 +0 *$" "$XL_TMP/list" ||
			xl_fail "-L -n does not show $node at weight 0 with 1 active connection"
	done
	# Let the held connections carry a few packets under the new table.
	sleep 1.5
	for i in 0 1; do
		[ "$(tb_node_of_port "${ports[i]}")" = "${nodes[i]}" ] ||
			xl_fail "held connection ${ports[i]} left ${nodes[i]}:" \
				"$(cat "$XL_TMP/hold$((i + 1)).err")"
	done
	: >"$XL_TMP/go"
	for i in 0 1; do
		pid=${pids[i]}
		wait "$pid" ||
			xl_fail "held connection ${ports[i]} failed:" \
				"$(cat "$XL_TMP/hold$((i + 1)).err")"
		got=$(sed -n 2p "$XL_TMP/hold$((i + 1))")
		xl_assert_eq "Test Page of ${nodes[i]}" "$got" \
			"the reply on held connection ${ports[i]}"
	done
	xl_assert_eq "node3=4" "$(xl_http 4 | xl_tally)" \
		"4 new requests after the change"
}

# tb_nsdaemon_run OUT [-u] CMD...: CMD run in ha1 by a daemon whose parents
# have exited (nsdaemon); bounded wait (10 s) for its "rc=" line.
tb_nsdaemon_run() {
	local out=$1 i; shift
	: >"$out"
	xl_in ha1 "$TB_NSDAEMON" "$@" || xl_fail "nsdaemon did not start"
	for ((i = 0; i < 100; i++)); do
		grep -q '^rc=' "$out" && return 0
		sleep 0.1
	done
	xl_fail "the daemon did not finish: $(cat "$out")"
}

# A daemon under `ip netns exec` (fork, setsid, fork, parents gone: no
# ancestor left in the host's mount namespace, and PID 1's may be closed
# to us) edits the one table xlvsadm sees, not one of its own in the
# command's private bpffs; one that lost libxlvs's note of the host's
# namespace fails loudly rather than making a second table.
test_table_daemon_edits_the_host_table() {
	local out=$XL_TMP/nsd.out
	[ -x "$TB_NSDAEMON" ] || xl_die "$TB_NSDAEMON missing: run make"
	tb_nsdaemon_run "$out" "$out" "$XL_ADM_BIN" -A -t "$XL_VIP:80" -s rr
	grep -q '^ppid=' "$out" && ! grep -qx "ppid=$$" "$out" ||
		xl_fail "the daemon was not orphaned: $(cat "$out")"
	grep -qx 'rc=0' "$out" || xl_fail "the daemon's xlvsadm -A failed: $(cat "$out")"
	xl_adm -L -n | grep -qF "$XL_VIP:80" ||
		xl_fail "the daemon's service is not in the table xlvsadm sees: $(xl_adm -L -n)"
	tb_nsdaemon_run "$out" -u "$out" "$XL_ADM_BIN" -A -t "$XL_VIP:81" -s rr
	if ! (exec 3</proc/1/ns/mnt) 2>/dev/null; then
		grep -qx 'rc=0' "$out" &&
			xl_fail "a daemon with no way to the host's namespace succeeded: $(cat "$out")"
		grep -q 'refusing to make a second table' "$out" ||
			xl_fail "no clear message: $(cat "$out")"
		xl_adm -L -n | grep -qF "$XL_VIP:81" &&
			xl_fail "the failed edit reached the table"
	else
		grep -qx 'rc=0' "$out" && xl_adm -L -n | grep -qF "$XL_VIP:81" ||
			xl_fail "with PID 1's namespace open the edit must work: $(cat "$out")"
	fi
	return 0
}
