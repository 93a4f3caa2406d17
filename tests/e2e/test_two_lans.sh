# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# Direct routing to real servers on another LAN than the client's: the
# director forwards on the interface that reaches the real server, as its
# routing table says (bpf_fib_lookup from the ingress interface, then
# bpf_redirect when that interface is another one, XDP_TX when it is the
# same).
#
# Topology: the seed's cluster on LAN A (10.77.0.0/24, bridge <p>lan), and
# LAN B (10.78.0.0/24, bridge <p>lanb) joining the director's eth1 and the
# real servers' eth1.  xlvs is attached to the director's eth0 only: the
# client's requests come in there.  The real servers are multi-homed: a
# request reaches them on eth1, and their reply leaves by their routing
# table, on eth0 straight to the client (so rp_filter must let a packet
# from the client in on eth1).  Every case starts from a fresh cluster.

TL_NET=10.78.0
TL_HA1=$TL_NET.101
TL_NODE1=$TL_NET.103
TL_NODE2=$TL_NET.104

setup() {
	local host
	xl_cluster_up
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$TL_HA1"
	xl_add_link lanb node1 eth1 "$TL_NODE1"
	xl_add_link lanb node2 eth1 "$TL_NODE2"
	for host in node1 node2; do
		# The request comes in on eth1 from the client, whom the
		# real server reaches on eth0.  (arp_ignore and arp_announce
		# are already set on "all" by xl_add_realserver, so eth1 does
		# not answer ARP for the VIP either.)
		xl_in "$host" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
			net.ipv4.conf.default.rp_filter=0 \
			net.ipv4.conf.eth0.rp_filter=0 \
			net.ipv4.conf.eth1.rp_filter=0 ||
			xl_fail "cannot turn rp_filter off in $host"
	done
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# tl_configure PROTO PORT ADDR1 ADDR2: the VIP's service (t or u) balanced
# over ADDR1 (weight 3, node1's address on one LAN) and ADDR2 (weight 2).
tl_configure() {
	local proto=$1 port=$2
	xl_adm -A "-$proto" "$XL_VIP:$port" -s wrr &&
	xl_adm -a "-$proto" "$XL_VIP:$port" -r "$3:$port" -g -w 3 &&
	xl_adm -a "-$proto" "$XL_VIP:$port" -r "$4:$port" -g -w 2 ||
		xl_fail "configuring the -$proto service failed"
}

# The counters a case looks at, one "name value" a line.  LAN ports are
# the bridge ends: their rx is what a host sent onto that LAN, their tx
# what the bridge delivered to it.
tl_snapshot() {
	local n
	echo "a_from_dir $(xl_stat lan ha1 rx_packets)"
	echo "a_to_dir $(xl_stat lan ha1 tx_packets)"
	echo "b_from_dir $(xl_stat lanb ha1 rx_packets)"
	echo "b_to_dir $(xl_stat lanb ha1 tx_packets)"
	echo "dir_eth0_tx $(xl_stat ha1 eth0 tx_packets)"
	echo "dir_eth1_tx $(xl_stat ha1 eth1 tx_packets)"
	echo "client_tx $(xl_stat client eth0 tx_packets)"
	for n in node1 node2; do
		echo "${n}_eth0_rx $(xl_stat $n eth0 rx_packets)"
		echo "${n}_eth0_tx $(xl_stat $n eth0 tx_packets)"
		echo "${n}_eth1_rx $(xl_stat $n eth1 rx_packets)"
		echo "${n}_eth1_tx $(xl_stat $n eth1 tx_packets)"
	done
	xl_adm --counters
}

# tl_run WHAT CMD...: snapshot, CMD (its output to $XL_TMP/answers), and
# snapshot again; fills TL_D[name] with the growth of every counter and
# prints the nonzero ones.
declare -A TL_D
tl_run() {
	local what=$1 name v
	local -A b
	shift
	tl_snapshot >"$XL_TMP/before"
	"$@" >"$XL_TMP/answers"
	TL_RC=$?
	tl_snapshot >"$XL_TMP/after"
	while read -r name v; do b[$name]=$v; done <"$XL_TMP/before"
	TL_D=()
	while read -r name v; do
		TL_D[$name]=$((v - ${b[$name]:-0}))
	done <"$XL_TMP/after"
	echo "$what: growth of the counters:"
	for name in $(printf '%s\n' "${!TL_D[@]}" | sort); do
		((TL_D[$name])) && echo "  $name ${TL_D[$name]}"
	done
	return 0
}

# tl_at_least NAME MIN WHAT / tl_at_most NAME MAX WHAT: bounds on a growth.
tl_at_least() {
	((${TL_D[$1]:-0} >= $2)) || xl_fail "$3: $1 grew by ${TL_D[$1]:-0}, want >= $2"
}
tl_at_most() {
	((${TL_D[$1]:-0} <= $2)) || xl_fail "$3: $1 grew by ${TL_D[$1]:-0}, want <= $2"
}

tl_between() {
	tl_at_least "$1" "$2" "$4"
	tl_at_most "$1" "$3" "$4"
}

# The forwarding errors of the data plane stayed at zero.
tl_assert_no_errors() {
	local c
	for c in pkts_no_route pkts_no_neigh pkts_fwd_disabled pkts_tx_failed; do
		tl_at_most "$c" 0 "data-plane errors"
	done
}

tl_http() { xl_http 50; }
tl_udp() { xl_in client "$XL_UDPASK" "$XL_VIP" 53 50 1000; }

# tl_assert_via_lan_b N: N requests (at least N forwarded frames) went from
# the director out eth1 onto LAN B, none out eth0 back onto LAN A; the real
# servers got them on eth1 and answered on eth0, not through the director.
tl_assert_via_lan_b() {
	local n=$1
	tl_at_least pkts_fwd "$n" "XDP forwarding"
	tl_assert_no_errors
	tl_at_least b_from_dir "$n" "frames the director sent onto LAN B"
	tl_at_least dir_eth1_tx "$n" "frames the director sent on eth1"
	tl_at_least node1_eth1_rx 1 "requests node1 got on eth1"
	tl_at_least node2_eth1_rx 1 "requests node2 got on eth1"
	((TL_D[node1_eth1_rx] + TL_D[node2_eth1_rx] >= n)) ||
		xl_fail "the real servers got $((TL_D[node1_eth1_rx] + TL_D[node2_eth1_rx]))" \
			"frames on eth1 for $n requests"
	# Onto LAN A the director sends no more than the odd ARP reply.
	tl_at_most a_from_dir 5 "frames the director sent back onto LAN A"
	# The replies: from the real servers' eth0 straight to the client.
	((TL_D[node1_eth0_tx] + TL_D[node2_eth0_tx] >= n)) ||
		xl_fail "the real servers sent $((TL_D[node1_eth0_tx] + TL_D[node2_eth0_tx]))" \
			"frames on eth0 for $n requests"
	tl_at_most node1_eth1_tx 5 "node1 answering on LAN B"
	tl_at_most node2_eth1_tx 5 "node2 answering on LAN B"
	tl_at_most b_to_dir 5 "frames LAN B delivered to the director"
	((TL_D[a_to_dir] <= TL_D[client_tx] + 20)) ||
		xl_fail "the director got ${TL_D[a_to_dir]} frames on LAN A, the client" \
			"sent ${TL_D[client_tx]}: replies went through the director"
}

test_two_lans_tcp_wrr_3_2_out_eth1() {
	tl_configure t 80 "$TL_NODE1" "$TL_NODE2"
	xl_adm -L -n
	tl_run "50 HTTP requests" tl_http
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 HTTP requests over wrr 3:2 to the LAN B addresses"
	tl_assert_via_lan_b 50
}

test_two_lans_udp_wrr_3_2_out_eth1() {
	tl_configure u 53 "$TL_NODE1" "$TL_NODE2"
	tl_run "50 UDP datagrams" tl_udp
	((TL_RC == 0)) || echo "udpask: some datagrams got no reply"
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 UDP flows over wrr 3:2 to the LAN B addresses"
	# One datagram a flow: exactly 50 forwarded, 30 and 20 on eth1 (and
	# maybe an ARP probe of the director's).
	xl_assert_eq 50 "${TL_D[pkts_fwd]}" "packets the XDP program forwarded"
	tl_between node1_eth1_rx 30 33 "frames node1 got on eth1"
	tl_between node2_eth1_rx 20 23 "frames node2 got on eth1"
	tl_assert_via_lan_b 50
}

# Registered by its LAN A address, a real server that LAN B reaches too is
# reached on eth0, the ingress interface: XDP_TX, nothing on eth1.
test_two_lans_lan_a_address_stays_on_eth0() {
	tl_configure t 80 "$XL_NODE1" "$XL_NODE2"
	tl_run "50 HTTP requests" tl_http
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 HTTP requests over wrr 3:2 to the LAN A addresses"
	tl_at_least pkts_fwd 50 "XDP forwarding"
	tl_assert_no_errors
	tl_at_least a_from_dir 50 "frames the director sent back onto LAN A"
	tl_at_most dir_eth1_tx 0 "frames the director sent on eth1"
	tl_at_most b_from_dir 0 "frames the director sent onto LAN B"
	# LAN B's bridge itself may still send an IGMP report or two from
	# its start; the director's frames would be 30 and 20.
	tl_at_most node1_eth1_rx 2 "frames node1 got on eth1"
	tl_at_most node2_eth1_rx 2 "frames node2 got on eth1"
	((TL_D[node1_eth0_rx] >= 30 && TL_D[node2_eth0_rx] >= 20)) ||
		xl_fail "node1 and node2 got ${TL_D[node1_eth0_rx]} and" \
			"${TL_D[node2_eth0_rx]} frames on eth0 for 30 and 20 requests"
}

# One service, node1 by its LAN B address and node2 by its LAN A address:
# redirect and XDP_TX side by side, each frame out the right interface.
test_two_lans_mixed_udp_each_out_its_lan() {
	tl_configure u 53 "$TL_NODE1" "$XL_NODE2"
	tl_run "50 UDP datagrams" tl_udp
	((TL_RC == 0)) || echo "udpask: some datagrams got no reply"
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 UDP flows over wrr 3:2, node1 on LAN B, node2 on LAN A"
	xl_assert_eq 50 "${TL_D[pkts_fwd]}" "packets the XDP program forwarded"
	tl_assert_no_errors
	# Each forwarded frame left by its real server's LAN: 30 out eth1,
	# 20 out eth0 (give or take an ARP packet or two).
	tl_between dir_eth1_tx 30 32 "frames the director sent on eth1"
	tl_between b_from_dir 30 32 "frames the director sent onto LAN B"
	tl_between node1_eth1_rx 30 33 "frames node1 got on eth1"
	tl_between dir_eth0_tx 20 23 "frames the director sent on eth0"
	tl_between a_from_dir 20 23 "frames the director sent back onto LAN A"
	tl_at_least node2_eth0_rx 20 "frames node2 got on eth0"
	tl_at_most node2_eth1_rx 2 "frames node2 got on eth1"
}
