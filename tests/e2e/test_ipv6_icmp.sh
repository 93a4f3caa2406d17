# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# ICMPv6 errors about tracked connections (ip_vs_in_icmp_v6): a router
# beyond the director answers a reply that does not fit the client's
# network with Packet Too Big to the VIP; the director must hand it to the
# real server that sent the reply (by direct routing, or translated for
# NAT: outer destination the real server's address, the quote's source
# its address and port), or that server never learns the path MTU and
# its download stalls.
#
# Topology (fd00::/8 only): LAN A (fd00:77::/64) holds the director's
# eth0 with the VIP, the router rtr's eth0 (fd00:77::1) and node1, a
# direct-routing server (the VIP on lo by xlvs-realserver); LAN B
# (fd00:78::/64) the director's eth1 and node2, a NAT server whose default
# route is the director; LAN C (fd00:79::/64) rtr's eth1 and the client.
# rtr's eth1 (and its bridge port) has an MTU of 1300, the client's 1500:
# the client offers an MSS of 1440, so full-sized download segments reach
# rtr too big for LAN C (the client sends only small packets, which fit).
# The director and node1 reach LAN C through rtr.

I6_RTR=fd00:77::1
I6_RTR_C=fd00:79::1
I6_CLIENT=fd00:79::10
I6_HA1_B=fd00:78::101
I6_NODE2=fd00:78::104
I6_MTU=1300

setup() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1_6" "$XL_VIP6"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$I6_HA1_B"
	xl_bridge_add lanc
	xl_add_host rtr "$I6_RTR"
	xl_add_link lanc rtr eth1 "$I6_RTR_C"
	xl_in rtr sysctl -qw net.ipv6.conf.all.forwarding=1 ||
		xl_fail "cannot make rtr a router"
	xl_in lanc ip link set rtr mtu "$I6_MTU" &&
	xl_in rtr ip link set eth1 mtu "$I6_MTU" ||
		xl_fail "cannot set rtr's LAN C MTU"
	xl_add_routed_host lanc client "$I6_CLIENT" "$I6_RTR_C"
	xl_add_host node1 "$XL_NODE1_6"
	xl_rs node1 up "$XL_VIP6" || xl_fail "xlvs-realserver up in node1 failed"
	xl_add_routed_host lanb node2 "$I6_NODE2" "$I6_HA1_B"
	xl_in ha1 ip -6 route add fd00:79::/64 via "$I6_RTR" &&
	xl_in node1 ip -6 route add fd00:79::/64 via "$I6_RTR" ||
		xl_fail "cannot route LAN C through rtr"
	# GRO on rtr's port would merge the servers' segments before rtr
	# forwards them; each must reach rtr as the server sent it.
	xl_in lan ethtool -K rtr gro off >/dev/null 2>&1 ||
		xl_fail "ethtool gro off on LAN A's port of rtr failed"
	xl_start_filesrv node1 8000 ::
	xl_start_filesrv node2 9090 ::
	xl_start_testsrv node2 node2 8080 5353 ::
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach eth0 failed"
	xl_adm --attach eth1 || xl_fail "xlvsadm --attach eth1 failed"
	xl_adm -A -t "[$XL_VIP6]:8000" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:8000" -r "[$XL_NODE1_6]:8000" -g &&
	xl_adm -A -t "[$XL_VIP6]:8001" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:8001" -r "[$I6_NODE2]:9090" -m &&
	xl_adm -A -t "[$XL_VIP6]:80" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:80" -r "[$I6_NODE2]:8080" -m ||
		xl_fail "configuring the services failed"
}

i6_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	for h in rtr node1 node2 client; do
		echo "$h:" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|toobig|Icmp6Out|Icmp6In" >&2
	done
}

# i6_relayed HOST PORT WHAT: a 20 MB download from [VIP]:PORT, served by
# HOST, arrives whole after HOST learnt rtr's MTU from the relayed
# Packet Too Big.
i6_relayed() {
	local host=$1 port=$2 r0 r1
	r0=$(xl_counter icmp_relayed)
	xl_download "http://[$XL_VIP6]:$port/" "$3" ||
		{ i6_diagnose; xl_fail "the 20 MB download ($3) is not the file"; }
	r1=$(xl_counter icmp_relayed)
	echo "ICMPv6 errors relayed: $((r1 - r0))"
	((r1 > r0)) || { i6_diagnose; xl_fail "no ICMPv6 error relayed (icmp_relayed)"; }
	xl_in "$host" ip -6 route get "$I6_CLIENT" | tee "$XL_TMP/route"
	grep -q "mtu $I6_MTU" "$XL_TMP/route" ||
		{ i6_diagnose; xl_fail "$host did not learn the path MTU"; }
}

# 0. The topology alone: the client reaches the VIP and node1 through rtr
# (both answer), rtr's LAN C link has the MTU, node2 has no way to the
# client but the director.
test_ipv6_icmp_topology() {
	xl_in client python3 "$XL_ROOT/tests/e2e/peek.py" ping6 "$XL_VIP6" >/dev/null ||
		xl_fail "the client cannot ping6 the VIP"
	xl_in client curl -g -s --max-time 5 -o /dev/null "http://[$XL_NODE1_6]:8000/" ||
		xl_fail "the client cannot download from node1's own address"
	xl_in rtr ip -6 route get "$I6_CLIENT" | grep -q "dev eth1" ||
		xl_fail "rtr's way to the client: $(xl_in rtr ip -6 route get "$I6_CLIENT")"
	xl_assert_eq "$I6_MTU" "$(xl_in rtr cat /sys/class/net/eth1/mtu)" "rtr's LAN C MTU"
	xl_in node2 ip -6 route get "$I6_CLIENT" | grep -q " via $I6_HA1_B " ||
		xl_fail "node2's way to the client: $(xl_in node2 ip -6 route get "$I6_CLIENT")"
}

# 1. Direct routing: node1's replies go from the VIP straight to rtr; its
# Packet Too Big to the VIP reaches the director, which sends it on to
# node1 (a MAC rewrite).
test_ipv6_icmp_dr_packet_too_big_relayed() {
	i6_relayed node1 8000 "direct routing, node1"
}

# 2. NAT: node2's replies, translated to come from [VIP]:8001, are too big
# for LAN C; rtr's Packet Too Big quoting them goes back to node2 with the
# quote translated back to node2's address and port.  The director has
# talked to its gateway rtr first (case 3 is the one where it has not).
test_ipv6_icmp_nat_packet_too_big_relayed() {
	xl_in ha1 python3 "$XL_ROOT/tests/e2e/peek.py" ping6 "$I6_RTR" >/dev/null ||
		xl_fail "the director cannot ping6 rtr"
	i6_relayed node2 8001 "NAT, node2"
}

# 3. A NAT reply's next hop is rtr's fd00:77::1 (the director's route to
# LAN C), which the director has never resolved: rtr asked for the VIP
# from its link-local address, so the director's kernel learnt that one
# only.  IPVS's replies leave through the kernel's neighbour resolution;
# xlvs's must not be lost for want of an entry either: the first request
# is answered within curl's 5 s.
test_ipv6_icmp_nat_reply_via_unresolved_gateway() {
	local page
	echo "the director's neighbours: $(xl_in ha1 ip -6 neigh | tr '\n' ';')"
	page=$(xl_in client curl -g -s --max-time 5 "http://[$XL_VIP6]/")
	[ "$page" = "Test Page of node2" ] || i6_diagnose
	echo "the director's neighbours: $(xl_in ha1 ip -6 neigh | tr '\n' ';')"
	xl_assert_eq "Test Page of node2" "$page" \
		"the first NAT request, its reply's next hop unresolved before"
}
