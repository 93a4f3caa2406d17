# shellcheck shell=bash disable=SC2034,SC2015
# Counters and rates per service and real server (-L --stats, --rate,
# --exact, -Z): exactly the connections, packets and bytes the client sent.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	xl_seed_services
	xl_http 1 >/dev/null   # the client learns the director's MAC (ARP)
	xl_adm -Z || xl_fail "-Z failed"
}

# st_ip_out: "packets bytes" the client's IP stack has sent (OutRequests,
# OutOctets): exactly what reached the director, with no ARP in it.
st_ip_out() {
	xl_in client cat /proc/net/snmp /proc/net/netstat | awk '
		$1 == "Ip:" && !ip { for (i = 2; i <= NF; i++) col[$i] = i; ip = 1; next }
		$1 == "Ip:" { pkts = $col["OutRequests"] }
		$1 == "IpExt:" && !ext { for (i = 2; i <= NF; i++) xcol[$i] = i; ext = 1; next }
		$1 == "IpExt:" { bytes = $xcol["OutOctets"] }
		END { print pkts, bytes }'
}

# st_line PATTERN: the --stats --exact line of a service or real server,
# as "conns inpkts outpkts inbytes outbytes".
st_line() {
	xl_adm -L -n --stats --exact | grep -E "$1" | awk '{ print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }'
}

test_stats_count_exactly_what_the_client_sent() {
	local p0 b0 p1 b1 pkts bytes
	read -r p0 b0 <<<"$(st_ip_out)"
	xl_assert_eq "node1=6 node2=4" "$(xl_http 10 | xl_tally)" "10 HTTP requests"
	read -r p1 b1 <<<"$(st_ip_out)"
	pkts=$((p1 - p0)) bytes=$((b1 - b0))
	xl_adm -L -n --stats --exact
	xl_assert_eq "10 $pkts 0 $bytes 0" "$(st_line "^TCP +$XL_VIP:80 ")" \
		"the HTTP service's counters (client sent $pkts packets)"
	xl_assert_eq 6 "$(st_line "^  -> $XL_NODE1:80 " | cut -d' ' -f1)" \
		"connections to node1"
	xl_assert_eq 4 "$(st_line "^  -> $XL_NODE2:80 " | cut -d' ' -f1)" \
		"connections to node2"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^UDP +$XL_VIP:53 ")" \
		"the UDP service saw nothing"
}

test_stats_title_and_zero() {
	local out
	xl_http 5 >/dev/null
	out=$(xl_adm -L -n --stats) || xl_fail "--stats failed"
	echo "$out"
	xl_assert_eq "Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes" \
		"$(sed -n 2p <<<"$out")" "the --stats title"
	xl_assert_eq "  -> RemoteAddress:Port" "$(sed -n 3p <<<"$out")" "second title line"
	xl_adm -Z -t "$XL_VIP:80" || xl_fail "-Z -t failed"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^TCP +$XL_VIP:80 ")" "counters after -Z"
	xl_adm -Z -t "$XL_VIP:81" 2>"$XL_TMP/err" && xl_fail "-Z of a missing service succeeded"
	xl_assert_eq "No such service" "$(cat "$XL_TMP/err")" "-Z of a missing service"
}

test_stats_rates_from_the_kernel_estimator() {
	local out cps pps i
	out=$(xl_adm -L -n --rate) || xl_fail "--rate failed"
	xl_assert_eq "Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS" \
		"$(sed -n 2p <<<"$out")" "the --rate title"
	# About 20 datagrams a second for 5 s: the 2 s estimator must show it
	# with no daemon running.
	for ((i = 0; i < 5; i++)); do
		xl_in client "$XL_UDPASK" "$XL_VIP" 53 20 >/dev/null || xl_fail "udpask"
		sleep 1
	done
	out=$(xl_adm -L -n --rate)
	echo "$out"
	read -r cps pps <<<"$(grep -E "^UDP +$XL_VIP:53 " <<<"$out" | awk '{ print $3, $4 }')"
	((cps >= 3 && pps >= 3)) || xl_fail "UDP service rates cps=$cps inpps=$pps"
	xl_assert_eq "0" "$(grep -E "^TCP +$XL_VIP:80 " <<<"$out" | awk '{ print $3 }')" \
		"the idle HTTP service's CPS"
}

# -o: every datagram of one flow is scheduled on its own (IPVS's one-packet
# scheduling); without it the flow stays on one server.
test_stats_one_packet_scheduling() {
	local out
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 10 1000 one-flow >"$XL_TMP/plain" ||
		xl_fail "udpask one flow"
	xl_assert_eq 1 "$(sort -u "$XL_TMP/plain" | wc -l)" "one flow without -o: one server"
	xl_adm -E -u "$XL_VIP:53" -s wrr -o || xl_fail "-E -o failed"
	xl_adm -S -n | grep -qx -- "-A -u $XL_VIP:53 -s wrr -o" || xl_fail "-S does not save -o"
	xl_adm -L -n | grep -qx "UDP  $XL_VIP:53 wrr ops" || xl_fail "-L does not show ops"
	xl_adm -Z
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 10 1000 one-flow | xl_tally >"$XL_TMP/ops"
	xl_assert_eq "node1=6 node2=4" "$(cat "$XL_TMP/ops")" "one flow with -o, wrr 3:2"
	out=$(st_line "^UDP +$XL_VIP:53 ")
	xl_assert_eq "10 10" "$(cut -d' ' -f1,2 <<<"$out")" "-o counts a connection per datagram"
	xl_adm -E -t "$XL_VIP:80" -s wrr -o 2>"$XL_TMP/err" && xl_fail "-o on TCP accepted"
	xl_assert_eq "One-Packet Scheduling is only for UDP virtual services" "$(cat "$XL_TMP/err")" \
		"-o on a TCP service"
}

# A service's counters are derived from its servers' (bpf/stats.h); what
# IPVS shows must not change: a deleted server's packets stay counted in
# its service (IPVS counted them there too, ip_vs_in_stats), a server
# revived from the trash comes back with its own counters and is not
# counted twice, and -Z zeroes the service and its servers
# (ip_vs_zero_service) but not a server in the trash.
test_stats_deleted_server_stays_counted_and_Z_zeroes_both() {
	local svc n2
	xl_assert_eq "node1=6 node2=4" "$(xl_http 10 | xl_tally)" "10 HTTP requests"
	svc=$(st_line "^TCP +$XL_VIP:80 ")
	n2=$(st_line "^  -> $XL_NODE2:80 ")
	xl_assert_eq 10 "$(cut -d' ' -f1 <<<"$svc")" "the service's connections"
	xl_adm -d -t "$XL_VIP:80" -r "$XL_NODE2:80" || xl_fail "-d failed"
	xl_adm -L -n --stats --exact
	xl_assert_eq "$svc" "$(st_line "^TCP +$XL_VIP:80 ")" \
		"the service keeps its deleted server's counts"
	xl_assert_eq "" "$(st_line "^  -> $XL_NODE2:80 ")" "node2 is not listed"
	xl_assert_eq "node1=3" "$(xl_http 3 | xl_tally)" "3 requests, node1 alone"
	xl_assert_eq 13 "$(st_line "^TCP +$XL_VIP:80 " | cut -d' ' -f1)" \
		"the service counts on"
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 2 || xl_fail "re-add failed"
	xl_adm -L -n --stats --exact
	xl_assert_eq "$n2" "$(st_line "^  -> $XL_NODE2:80 ")" \
		"node2 comes back from the trash with its counters"
	xl_assert_eq 13 "$(st_line "^TCP +$XL_VIP:80 " | cut -d' ' -f1)" \
		"the revived server is not counted twice"
	xl_assert_eq 9 "$(st_line "^  -> $XL_NODE1:80 " | cut -d' ' -f1)" "node1's"
	# -Z while node2 is in the trash: the service and node1 start over,
	# node2 keeps its own and shows them again when it is back, and the
	# service counts only what came after -Z.
	xl_adm -d -t "$XL_VIP:80" -r "$XL_NODE2:80" || xl_fail "second -d failed"
	xl_adm -Z -t "$XL_VIP:80" || xl_fail "-Z failed"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^TCP +$XL_VIP:80 ")" "the service after -Z"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^  -> $XL_NODE1:80 ")" "node1 after -Z"
	xl_assert_eq "node1=2" "$(xl_http 2 | xl_tally)" "2 requests after -Z"
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 2 || xl_fail "second re-add failed"
	xl_adm -L -n --stats --exact
	xl_assert_eq "$n2" "$(st_line "^  -> $XL_NODE2:80 ")" \
		"node2 kept its counters through -Z in the trash"
	xl_assert_eq 2 "$(st_line "^TCP +$XL_VIP:80 " | cut -d' ' -f1)" \
		"the service counts only what came after -Z"
	xl_adm -Z -t "$XL_VIP:80" || xl_fail "second -Z failed"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^TCP +$XL_VIP:80 ")" "the service after -Z"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^  -> $XL_NODE1:80 ")" "node1 after -Z"
	xl_assert_eq "0 0 0 0 0" "$(st_line "^  -> $XL_NODE2:80 ")" "node2 after -Z"
}
