# shellcheck shell=bash disable=SC2034,SC2015
# Live connections across the edits LVS scripts and health checkers make
# (issue: "the table under real operations"): a long-lived UDP flow and a
# TCP connection keep their real server and keep getting answers across
# `-S; -C; -R`, a real server deleted and added back, and a service deleted
# and added back, as IPVS keeps them (its trash of deleted servers, and the
# connection lookup before the service lookup).  With expire_nodest_conn=1
# a deleted server's client is scheduled anew at its next packet.

ED_PROBE=${ED_PROBE:-$XL_ROOT/build/tests/flowprobe}
ED_ECHO=${ED_ECHO:-$XL_ROOT/build/tests/echosrv}
ED_PROBES=60		# per flow, one every 100 ms: 6 s
ED_TCP_PORT=7

setup() {
	xl_cluster_up
	local n
	for n in node1 node2; do
		xl_bg "$n" "$ED_ECHO" --name "$n" --port "$ED_TCP_PORT"
		xl_wait_listen "$n" "$ED_TCP_PORT" || xl_fail "echosrv in $n did not start"
	done
	xl_adm --attach eth0 || xl_fail "attach failed"
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g -w 1 &&
	xl_adm -A -t "$XL_VIP:$ED_TCP_PORT" -s rr &&
	xl_adm -a -t "$XL_VIP:$ED_TCP_PORT" -r "$XL_NODE1:$ED_TCP_PORT" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:$ED_TCP_PORT" -r "$XL_NODE2:$ED_TCP_PORT" -g -w 1 ||
		xl_fail "configuring the services failed"
}

# ed_flows_start: a UDP flow and a TCP connection from the client, probed
# every 100 ms, their answers in $XL_TMP/udp and $XL_TMP/tcp.
ed_flows_start() {
	xl_bg client "$ED_PROBE" udp "$XL_VIP" 53 "$ED_PROBES" 100 >"$XL_TMP/udp"
	ED_UDP_PID=$XL_LAST_PID
	xl_bg client "$ED_PROBE" tcp "$XL_VIP" "$ED_TCP_PORT" "$ED_PROBES" 100 >"$XL_TMP/tcp"
	ED_TCP_PID=$XL_LAST_PID
	sleep 2
}

# ed_node_of FILE: the node the first answer in FILE came from.
ed_node_of() { grep -m1 '^node' "$1"; }

# ed_flows_check WHAT: both flows ended well, every probe before the edit
# was answered, and the last 2 s of each were all answered by the node
# that answered the first probe: the connection carried on where it was.
ed_flows_check() {
	local what=$1 f node last
	wait "$ED_UDP_PID" || xl_fail "$what: the UDP probe failed"
	wait "$ED_TCP_PID" || xl_fail "$what: the TCP connection broke: $(tail -3 "$XL_TMP/tcp" | tr '\n' ' ')"
	for f in udp tcp; do
		node=$(ed_node_of "$XL_TMP/$f")
		[ -n "$node" ] || xl_fail "$what: no $f answer at all"
		[ "$(head -15 "$XL_TMP/$f" | grep -c "^$node\$")" -eq 15 ] ||
			xl_fail "$what: $f: the first 15 probes were not all answered by $node: $(head -15 "$XL_TMP/$f" | tr '\n' ' ')"
		last=$(tail -20 "$XL_TMP/$f" | sort | uniq -c | tr -s ' ' | tr '\n' ',')
		[ "$last" = " 20 $node," ] ||
			xl_fail "$what: $f: the last 20 probes after the edit got: $last (want 20 from $node)"
		echo "$what: $f answers: $(sort "$XL_TMP/$f" | uniq -c | tr -s ' ' | tr '\n' ',')"
	done
}

test_edits_clear_and_restore_keep_flows() {
	ed_flows_start
	xl_adm -S -n >"$XL_TMP/rules" || xl_fail "-S failed"
	xl_adm -C || xl_fail "-C failed"
	xl_adm -R <"$XL_TMP/rules" || xl_fail "-R failed"
	ed_flows_check "-S; -C; -R"
}

test_edits_server_deleted_and_added_back_keeps_flows() {
	local udp_node tcp_node addr
	ed_flows_start
	udp_node=$(ed_node_of "$XL_TMP/udp")
	tcp_node=$(ed_node_of "$XL_TMP/tcp")
	for n in "$udp_node:u:53" "$tcp_node:t:$ED_TCP_PORT"; do
		IFS=: read -r node proto port <<<"$n"
		addr=$XL_NODE1; [ "$node" = node2 ] && addr=$XL_NODE2
		xl_adm -d "-$proto" "$XL_VIP:$port" -r "$addr:$port" &&
		xl_adm -a "-$proto" "$XL_VIP:$port" -r "$addr:$port" -g -w 1 ||
			xl_fail "deleting and adding $addr:$port back failed"
	done
	ed_flows_check "-d; -a"
}

test_edits_service_deleted_and_added_back_keeps_flows() {
	ed_flows_start
	xl_adm -D -u "$XL_VIP:53" && xl_adm -D -t "$XL_VIP:$ED_TCP_PORT" ||
		xl_fail "deleting the services failed"
	sleep 0.5	# packets meanwhile are dropped, as IPVS drops them
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g -w 1 &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 &&
	xl_adm -A -t "$XL_VIP:$ED_TCP_PORT" -s rr &&
	xl_adm -a -t "$XL_VIP:$ED_TCP_PORT" -r "$XL_NODE2:$ED_TCP_PORT" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:$ED_TCP_PORT" -r "$XL_NODE1:$ED_TCP_PORT" -g -w 1 ||
		xl_fail "adding the services back failed"
	ed_flows_check "-D; -A"
}

# Without the trash the same edit loses the flows: the data plane drops a
# deleted server's packets until the entry expires (expire_nodest_conn=0).
test_edits_server_deleted_drops_its_flow() {
	local node addr
	ed_flows_start
	node=$(ed_node_of "$XL_TMP/udp")
	addr=$XL_NODE1; [ "$node" = node2 ] && addr=$XL_NODE2
	xl_adm -d -u "$XL_VIP:53" -r "$addr:53" || xl_fail "-d failed"
	wait "$ED_UDP_PID"
	[ "$(tail -20 "$XL_TMP/udp" | grep -c '^none$')" -eq 20 ] ||
		xl_fail "a deleted server's UDP flow still got answers: $(tail -20 "$XL_TMP/udp" | tr '\n' ' ')"
	[ "$(xl_counter pkts_dest_gone)" -ge 15 ] ||
		xl_fail "pkts_dest_gone $(xl_counter pkts_dest_gone), expected the dropped probes"
}

# expire_nodest_conn=1: the flow's next datagram is scheduled anew, to the
# server that is left.
test_edits_expire_nodest_conn_reschedules() {
	local node addr other
	xl_adm --sysctl expire_nodest_conn=1 || xl_fail "--sysctl failed"
	xl_assert_eq "net.ipv4.vs.expire_nodest_conn = 1" \
		"$(xl_adm --sysctl expire_nodest_conn)" "--sysctl shows the value"
	ed_flows_start
	node=$(ed_node_of "$XL_TMP/udp")
	addr=$XL_NODE1 other=node2
	[ "$node" = node2 ] && addr=$XL_NODE2 other=node1
	xl_adm -d -u "$XL_VIP:53" -r "$addr:53" || xl_fail "-d failed"
	wait "$ED_UDP_PID"
	[ "$(tail -20 "$XL_TMP/udp" | grep -c "^$other\$")" -eq 20 ] ||
		xl_fail "the flow was not rescheduled to $other: $(tail -20 "$XL_TMP/udp" | tr '\n' ' ')"
	[ "$(xl_counter conns_rescheduled)" -ge 1 ] ||
		xl_fail "conns_rescheduled did not move"
	wait "$ED_TCP_PID"
}

# --sysctl: every name with IPVS's default, bad names and values refused
# with the option named and nothing changed.
test_edits_sysctl_defaults_and_errors() {
	xl_assert_eq "net.ipv4.vs.conn_reuse_mode = 1
net.ipv4.vs.expire_nodest_conn = 0
net.ipv4.vs.expire_quiescent_template = 0
net.ipv4.vs.lblc_expiration = 86400
net.ipv4.vs.lblcr_expiration = 86400
net.ipv4.vs.schedule_icmp = 0
net.ipv4.vs.sloppy_tcp = 0" "$(xl_adm --sysctl)" "--sysctl's defaults"
	xl_adm --sysctl sloppy_tcp=1 no_such=1 2>"$XL_TMP/err" &&
		xl_fail "an unknown sysctl was accepted"
	grep -q "unknown sysctl 'no_such'" "$XL_TMP/err" || xl_fail "message: $(cat "$XL_TMP/err")"
	xl_adm --sysctl conn_reuse_mode=4 2>"$XL_TMP/err" &&
		xl_fail "conn_reuse_mode=4 was accepted"
	grep -q "conn_reuse_mode=4: expected 0..3" "$XL_TMP/err" || xl_fail "message: $(cat "$XL_TMP/err")"
	xl_assert_eq "net.ipv4.vs.sloppy_tcp = 0" "$(xl_adm --sysctl net.ipv4.vs.sloppy_tcp)" \
		"a refused line changed nothing"
}
