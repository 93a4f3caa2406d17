# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# Direct routing (-g) over IPv6: the director ha1 balances [fd00:77::100]
# over node1 and node2 on LAN A (fd00:77::/64), every host IPv6 only.  The
# real servers are prepared by xlvs-realserver (up VIP: the VIP as a /128
# on lo, no DAD; Linux answers neighbour solicitations only for addresses
# of the interface asked, so the VIP on lo needs no arp_ignore's like),
# each runs testsrv for IPv6 (HTTP 80, UDP 53) and filesrv.py (the 20 MB
# file, port 8000).  Replies go from the real servers straight to the
# client, from the VIP.
#
# For path-MTU discovery a second LAN, B (fd00:78::/64, MTU 1300 on every
# link), joins the director's eth1 and the real servers' eth1; a service by
# their LAN B addresses sends the client's requests that way.

D6_NET=fd00:78:
D6_HA1=$D6_NET:101
D6_NODE1=$D6_NET:103
D6_NODE2=$D6_NET:104
D6_MTU=1300
D6_URL="http://[$XL_VIP6]"
D6_PEEK="$XL_ROOT/tests/e2e/peek.py"

# d6_realserver HOST ADDR: an IPv6-only direct-routing real server.
d6_realserver() {
	xl_add_host "$1" "$2"
	xl_rs "$1" up "$XL_VIP6" || xl_fail "$1: xlvs-realserver up $XL_VIP6 failed"
	xl_start_testsrv "$1" "$1" 80 53 ::
}

setup() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1_6" "$XL_VIP6"
	d6_realserver node1 "$XL_NODE1_6"
	d6_realserver node2 "$XL_NODE2_6"
	xl_add_host client "$XL_CLIENT6"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# d6_services NODE1 NODE2: [VIP]:80 and [VIP]:53 by wrr 3:1 over the two
# addresses given, [VIP]:8000 by rr, all by direct routing.
d6_services() {
	local proto port
	for proto in t u; do
		port=80; [ "$proto" = u ] && port=53
		xl_adm -A "-$proto" "[$XL_VIP6]:$port" -s wrr &&
		xl_adm -a "-$proto" "[$XL_VIP6]:$port" -r "[$1]:$port" -g -w 3 &&
		xl_adm -a "-$proto" "[$XL_VIP6]:$port" -r "[$2]:$port" -g -w 1 ||
			xl_fail "configuring the IPv6 -$proto $port service failed"
	done
	xl_adm -A -t "[$XL_VIP6]:8000" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:8000" -r "[$1]:8000" -g &&
	xl_adm -a -t "[$XL_VIP6]:8000" -r "[$2]:8000" -g ||
		xl_fail "configuring the IPv6 file service failed"
}

# What the director counted and the hosts saw, for a failed check.
d6_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	xl_in ha1 ip -6 neigh >&2
	for h in client node1 node2; do
		echo "$h: $(xl_in "$h" ip -6 route get "$XL_VIP6" 2>&1 | head -1)" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|toobig" >&2
	done
}

# d6_counters: "to-director from-client forwarded" (as test_dr.sh's):
# frames the bridge delivered to the director's port, frames the client
# sent, packets the director's XDP program forwarded.
d6_counters() {
	echo "$(xl_stat lan ha1 tx_packets) $(xl_stat client eth0 tx_packets)" \
	     "$(xl_counter pkts_fwd)"
}

# d6_assert_direct BEFORE AFTER REQUESTS: the program forwarded the
# requests and the director got little more than the client sent (a
# reply through it would double that); the slack is for the neighbour
# solicitations and MLD reports every port gets.
d6_assert_direct() {
	local d0 c0 f0 d1 c1 f1
	read -r d0 c0 f0 <<<"$1"
	read -r d1 c1 f1 <<<"$2"
	echo "frames: to director $((d1 - d0)), from client $((c1 - c0));" \
	     "XDP forwarded $((${f1:-0} - ${f0:-0}))"
	((${f1:-0} - ${f0:-0} >= $3)) ||
		xl_fail "the director's XDP program forwarded $((${f1:-0} - ${f0:-0})) packets for $3 requests"
	((d1 - d0 <= c1 - c0 + 40)) ||
		xl_fail "director got $((d1 - d0)) frames, client sent $((c1 - c0)): replies went through the director"
}

# 0. The topology alone, without xlvs: every host reaches every other by
# IPv6, the VIP answers from the director (the real servers do not claim
# it), each server answers HTTP and UDP on its own address.
test_ipv6_dr_topology() {
	local a got h
	for a in "$XL_HA1_6" "$XL_VIP6" "$XL_NODE1_6" "$XL_NODE2_6"; do
		got=$(xl_in client python3 "$D6_PEEK" ping6 "$a") ||
			xl_fail "the client cannot ping6 $a"
		xl_assert_eq "$a 64" "$got" "echo reply from $a"
	done
	xl_assert_eq "$(xl_in ha1 cat /sys/class/net/eth0/address)" \
		"$(xl_in client ip -6 neigh show "$XL_VIP6" | sed -n 's/.* lladdr \([^ ]*\).*/\1/p')" \
		"the client's neighbour entry for the VIP (the director's MAC)"
	for h in node1 node2; do
		a=XL_${h^^}_6
		xl_assert_eq "Test Page of $h" \
			"$(xl_in client curl -g -s --max-time 2 "http://[${!a}]/")" \
			"HTTP from $h's own address"
		xl_assert_eq "$h" "$(xl_in client "$XL_UDPASK" "${!a}" 53 1)" \
			"UDP from $h's own address"
	done
}

# 1. 40 HTTP requests over wrr 3:1: 30 and 10, the replies straight.
test_ipv6_dr_http_wrr_30_10() {
	local before after
	d6_services "$XL_NODE1_6" "$XL_NODE2_6"
	before=$(d6_counters)
	xl_http 40 "$D6_URL/" >"$XL_TMP/answers"
	after=$(d6_counters)
	[ "$(xl_tally <"$XL_TMP/answers")" = "node1=30 node2=10" ] || d6_diagnose
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 HTTP requests over wrr 3:1, by direct routing over IPv6"
	d6_assert_direct "$before" "$after" 40
	xl_adm -L -n | grep -q "^  -> \[$XL_NODE1_6\]:80 *Route  *3 " ||
		xl_fail "-L -n does not show node1 as Route 3: $(xl_adm -L -n)"
}

# 2. 40 UDP flows over wrr 3:1 from sockets connected to [VIP]:53 (which
# take answers from there only), every one answered; one answer comes
# from [VIP]:53 with the hop limit the real server sent (64): straight,
# not one router on.
test_ipv6_dr_udp_wrr_30_10() {
	local got
	d6_services "$XL_NODE1_6" "$XL_NODE2_6"
	xl_in client "$XL_UDPASK" "$XL_VIP6" 53 40 1000 >"$XL_TMP/answers" ||
		{ d6_diagnose; xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"; }
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 UDP flows over wrr 3:1, answered from the VIP"
	got=$(xl_in client python3 "$D6_PEEK" ask "$XL_VIP6" 53) ||
		xl_fail "no answer to a connected socket"
	xl_assert_eq "[$XL_VIP6]:53 64" "$(cut -d' ' -f1,2 <<<"$got")" \
		"the answer's source and hop limit ($got)"
}

# d6_download WHAT: the 20 MB file through [VIP]:8000, whole by SHA-256.
d6_download() {
	xl_download "$D6_URL:8000/" "$1" && return 0
	d6_diagnose
	xl_fail "the 20 MB download ($1) is not the file"
}

# 3. A 20 MB download from each real server in turn (rr).
test_ipv6_dr_download_sha256() {
	d6_services "$XL_NODE1_6" "$XL_NODE2_6"
	xl_start_filesrv node1 8000 ::
	xl_start_filesrv node2 8000 ::
	d6_download first
	d6_download second
	xl_adm -L -n --stats | awk '$1 == "->" && $2 ~ /:8000$/ { print $2, $3 }' |
		sort >"$XL_TMP/conns"
	xl_assert_eq "[$XL_NODE1_6]:8000 1
[$XL_NODE2_6]:8000 1" "$(cat "$XL_TMP/conns")" "one download from each real server"
}

# 4. Nothing has talked to node1 before the first request: -a makes the
# director's kernel keep a managed neighbour entry for it, so the first
# SYN already finds node1's MAC and is answered (within curl's 2 s, with
# no retransmission needed).
test_ipv6_dr_first_packet_neighbour() {
	local entry page
	xl_assert_eq "" "$(xl_in ha1 ip -6 neigh show "$XL_NODE1_6")" \
		"the director's neighbour entry for node1 before any traffic"
	xl_adm -A -t "[$XL_VIP6]:80" -s wrr &&
	xl_adm -a -t "[$XL_VIP6]:80" -r "[$XL_NODE1_6]:80" -g -w 1 ||
		xl_fail "configuring the service failed"
	entry=$(xl_in ha1 ip -6 neigh show "$XL_NODE1_6" dev eth0)
	echo "after -a: $entry"
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "the director's entry for node1 after -a is not managed: '$entry'"
	page=$(xl_in client curl -g -s --max-time 2 "$D6_URL/")
	[ "$page" = "Test Page of node1" ] || d6_diagnose
	xl_assert_eq "Test Page of node1" "$page" "the first request, within 2 s"
	xl_assert_eq 0 "$(xl_in client nstat -az TcpRetransSegs | awk '$1 == "TcpRetransSegs" { print $2 }')" \
		"the client's TCP retransmissions"
	entry=$(xl_in ha1 ip -6 neigh show "$XL_NODE1_6" dev eth0)
	[[ $entry == *"lladdr $(xl_in node1 cat /sys/class/net/eth0/address) "* ]] ||
		xl_fail "the director's entry for node1 is '$entry', not node1's MAC"
}

# d6_lan_b: LAN B at MTU 1300, the director and both real servers on it.
d6_lan_b() {
	local host
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$D6_HA1"
	xl_add_link lanb node1 eth1 "$D6_NODE1"
	xl_add_link lanb node2 eth1 "$D6_NODE2"
	for host in ha1 node1 node2; do
		xl_in lanb ip link set "$host" mtu "$D6_MTU" &&
		xl_in "$host" ip link set eth1 mtu "$D6_MTU" ||
			xl_fail "cannot set LAN B's MTU for $host"
	done
	# GRO on the client's bridge port would merge its upload segments
	# into packets over the MTU (as in test_tunnel.sh).
	xl_in lan ethtool -K client gro off >/dev/null 2>&1 ||
		xl_fail "ethtool gro off on LAN A's port of the client failed"
}

# 5. Path-MTU discovery: the service's real servers are their LAN B
# addresses, so the director sends the requests over links of MTU 1300,
# while the real servers answer by LAN A (1500) and so offer the client
# an MSS of 1440.  The client's full-sized upload segments do not fit:
# the director answers ICMPv6 Packet Too Big (MTU 1300) from the VIP, the
# client learns it, and a 4 MB upload arrives whole (filesrv.py answers
# its SHA-256); a 20 MB download the same way completes too.
test_ipv6_dr_pmtu_upload_download() {
	local want got fn0 fn1 i
	d6_lan_b
	d6_services "$D6_NODE1" "$D6_NODE2"
	xl_start_filesrv node1 8000 ::
	xl_start_filesrv node2 8000 ::
	dd if=/dev/urandom of="$XL_TMP/up" bs=1M count=4 status=none
	want=$(sha256sum <"$XL_TMP/up" | cut -d' ' -f1)
	fn0=$(xl_counter pkts_frag_needed)
	for i in 1 2; do
		got=$(xl_in client curl -g -s --max-time 60 --data-binary "@$XL_TMP/up" \
			-H 'Content-Type: application/octet-stream' "$D6_URL:8000/up")
		[ "$got" = "$want" ] || d6_diagnose
		xl_assert_eq "$want" "$got" "SHA-256 of the 4 MB upload ($i)"
	done
	fn1=$(xl_counter pkts_frag_needed)
	echo "packet too big answered $((fn1 - fn0)) times"
	((fn1 > fn0)) || xl_fail "no packet too big was sent (pkts_frag_needed)"
	xl_in client ip -6 route get "$XL_VIP6" | grep -q "mtu $D6_MTU" ||
		xl_fail "the client did not learn the MTU: $(xl_in client ip -6 route get "$XL_VIP6")"
	d6_download "over LAN B's MTU $D6_MTU"
}
