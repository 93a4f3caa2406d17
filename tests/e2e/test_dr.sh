# shellcheck shell=bash disable=SC2034,SC2015
# Direct routing (-g): the seed's cluster, the director ha1 balancing the
# VIP over node1 and node2 with wrr 3:2, for HTTP (TCP 80) and UDP 53.
# Every case starts from a fresh cluster (setup) so the wrr position and
# the connection table are new.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}


# dr_counters: "to-director from-client from-nodes forwarded" counts.  The
# first three are frames: what the bridge delivered to the director's port
# (the number that would grow by the replies if they went through the
# director), what the client and the real servers sent.  The last is the
# director's own count of packets its XDP program forwarded.
dr_counters() {
	echo "$(xl_stat lan ha1 tx_packets) $(xl_stat client eth0 tx_packets)" \
	     "$(($(xl_stat node1 eth0 tx_packets) + $(xl_stat node2 eth0 tx_packets)))" \
	     "$(xl_counter pkts_fwd)"
}

# dr_assert_direct BEFORE AFTER REQUESTS: the director's XDP program
# forwarded the client's requests and the director received (apart from a
# few broadcasts such as ARP) nothing but them, while the real servers sent
# at least one frame per request: so the replies went from the real
# servers straight to the client.
dr_assert_direct() {
	local d0 c0 n0 f0 d1 c1 n1 f1 to_dir from_client from_nodes fwd
	read -r d0 c0 n0 f0 <<<"$1"
	read -r d1 c1 n1 f1 <<<"$2"
	to_dir=$((d1 - d0)) from_client=$((c1 - c0)) from_nodes=$((n1 - n0))
	fwd=$((${f1:-0} - ${f0:-0}))
	echo "frames: to director $to_dir, from client $from_client," \
	     "from real servers $from_nodes; XDP forwarded $fwd"
	((fwd >= $3)) ||
		xl_fail "the director's XDP program forwarded $fwd packets for $3 requests"
	((from_nodes >= $3)) ||
		xl_fail "real servers sent $from_nodes frames for $3 requests"
	((to_dir <= from_client + 20)) ||
		xl_fail "director got $to_dir frames, client sent $from_client:" \
			"replies went through the director"
}

test_dr_tcp_wrr_3_2() {
	local before after
	xl_seed_services
	before=$(dr_counters)
	xl_http 50 >"$XL_TMP/answers"
	after=$(dr_counters)
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 HTTP requests over wrr 3:2"
	dr_assert_direct "$before" "$after" 50
}

test_dr_udp_wrr_3_2() {
	local before after
	xl_seed_services
	before=$(dr_counters)
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 50 1000 >"$XL_TMP/answers" ||
		xl_fail "udpask: some datagrams got no reply"
	after=$(dr_counters)
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 UDP flows over wrr 3:2"
	dr_assert_direct "$before" "$after" 50
}

# The listing as ipvsadm prints it, built with the same printf formats so
# the trailing spaces are exact.
dr_expected_list() {
	local proto port
	echo "IP Virtual Server version 1.2.1 (size=65536)"
	echo "Prot LocalAddress:Port Scheduler Flags"
	echo "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"
	for proto in TCP UDP; do
		port=80; [ "$proto" = UDP ] && port=53
		echo "$proto  $XL_VIP:$port wrr"
		printf '  -> %-28s %-7s %-6d %-10u %-10u\n' \
			"$XL_NODE1:$port" Route 3 0 0 "$XL_NODE2:$port" Route 2 0 0
	done
}

test_dr_list_and_save() {
	xl_seed_services
	dr_expected_list >"$XL_TMP/want-list"
	xl_adm -L -n >"$XL_TMP/got-list" || xl_fail "xlvsadm -L -n failed"
	xl_assert_same_file "$XL_TMP/want-list" "$XL_TMP/got-list" "xlvsadm -L -n"
	cat >"$XL_TMP/want-save" <<EOF
-A -t $XL_VIP:80 -s wrr
-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w 3
-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 2
-A -u $XL_VIP:53 -s wrr
-a -u $XL_VIP:53 -r $XL_NODE1:53 -g -w 3
-a -u $XL_VIP:53 -r $XL_NODE2:53 -g -w 2
EOF
	xl_adm -S -n >"$XL_TMP/got-save" || xl_fail "xlvsadm -S -n failed"
	xl_assert_same_file "$XL_TMP/want-save" "$XL_TMP/got-save" "xlvsadm -S -n"
}

# dr_assert_rejected ARGS...: xlvsadm ARGS fails with one line on stderr
# and leaves the table (as -S -n shows it) byte for byte as it was.
dr_assert_rejected() {
	local rc
	xl_adm -S -n >"$XL_TMP/save-before" || xl_fail "xlvsadm -S -n failed"
	xl_adm "$@" >"$XL_TMP/out" 2>"$XL_TMP/err"
	rc=$?
	echo "xlvsadm $* -> exit $rc, stderr: $(cat "$XL_TMP/err")"
	((rc != 0)) || xl_fail "xlvsadm $* succeeded"
	xl_assert_eq 1 "$(wc -l <"$XL_TMP/err")" "stderr lines of xlvsadm $*"
	xl_adm -S -n >"$XL_TMP/save-after" || xl_fail "xlvsadm -S -n failed"
	xl_assert_same_file "$XL_TMP/save-before" "$XL_TMP/save-after" \
		"table after xlvsadm $*"
}

test_dr_bad_commands_change_nothing() {
	xl_seed_services
	dr_assert_rejected -A -t "$XL_VIP:81" -s nosuch
	dr_assert_rejected -A -t "$XL_VIP:80" -s wrr
	dr_assert_rejected -a -t "$XL_VIP:82" -r "$XL_NODE1:82" -g -w 1
	dr_assert_rejected -a -t "$XL_VIP:80" -r "$XL_NET.105:80" -g -w 70000
	dr_assert_rejected -a -t "$XL_VIP:80" -r "$XL_NET.300:80"
}

test_dr_weight_zero_takes_no_new_connections() {
	xl_seed_services
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 0 ||
		xl_fail "xlvsadm -e ... -w 0 failed"
	xl_assert_eq "node1=10" "$(xl_http 10 | xl_tally)" \
		"10 requests with node2 at weight 0"
}

# The director must find node1's MAC itself: nothing has talked to node1
# before the first request.
test_dr_real_mac_found_without_traffic() {
	local page
	xl_assert_eq "" "$(xl_in ha1 ip neigh show "$XL_NODE1")" \
		"the director knows node1's MAC before any traffic"
	xl_adm -A -t "$XL_VIP:80" -s wrr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 ||
		xl_fail "configuring the service failed"
	page=$(xl_in client curl -s --max-time 2 "http://$XL_VIP/")
	xl_assert_eq "Test Page of node1" "$page" "the first request, within 2 s"
}
