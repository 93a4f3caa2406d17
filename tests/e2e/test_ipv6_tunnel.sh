# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# Tunnelling (-i) over IPv6: the director encapsulates each request to the
# real server's address (ip6ip6 for --tun-type ipip, GUE or GRE over IPv6)
# and the real server, decapsulating it, answers the client itself from
# the VIP; and the family mixes IPVS allows for tunnels only: an IPv4
# service with an IPv6 real server (IPv4 in IPv6) and an IPv6 service with
# an IPv4 one (IPv6 in IPv4).
#
# Topology: test_tunnel.sh's, dual-stack: LAN A (10.77.0.0/24 and
# fd00:77::/64) holds the client, the director's eth0 with both VIPs and
# the real servers' eth0, LAN B (10.78.0.0/24 and fd00:78::/64, MTU 1400
# on every link) the director's eth1 and the real servers' eth1, by whose
# addresses the director knows them.  The replies leave by eth0, straight
# to the client.  1400, not test_tunnel.sh's 1300: less the 40 bytes of
# the outer IPv6 header that leaves 1260, under IPv6's minimum MTU (1280),
# and IPVS (__ip_vs_get_out_rt_v6) then drops what it would tunnel.
#
# The real servers are prepared by xlvs-realserver up --tunnel[=KIND]
# with both VIPs (this kernel has no ip6_tunnel, sit, fou or ip6_gre:
# its XDP program decapsulates every family mix); each runs testsrv for
# IPv4 and for IPv6 (80, 53) and filesrv.py for IPv6 on 8080 (the 20 MB
# file; an upload answered with its SHA-256).

T6_NET=fd00:78:
T6_HA1=$T6_NET:101
T6_NODE1=$T6_NET:103
T6_NODE2=$T6_NET:104
T6_NET4=10.78.0
T6_NODE2_4=$T6_NET4.104
T6_MTU=1400
T6_GUE_PORT=6080
T6_URL="http://[$XL_VIP6]"
T6_PEEK="$XL_ROOT/tests/e2e/peek.py"

setup() {
	local host
	xl_lan_up
	xl_add_director ha1 "$XL_HA1" "$XL_VIP"
	xl_addr ha1 eth0 "$XL_HA1_6"
	xl_addr ha1 eth0 "$XL_VIP6"
	xl_add_host client "$XL_CLIENT"
	xl_addr client eth0 "$XL_CLIENT6"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$T6_HA1"
	xl_addr ha1 eth1 "$T6_NET4.101"
	for host in node1 node2; do
		local a4=XL_${host^^} a6=XL_${host^^}_6 b6=T6_${host^^} v4
		v4=${!a4}
		xl_add_host "$host" "$v4"
		xl_addr "$host" eth0 "${!a6}"
		xl_add_link lanb "$host" eth1 "${!b6}"
		xl_addr "$host" eth1 "$T6_NET4.${v4##*.}"
		xl_in "$host" sysctl -qw net.ipv4.conf.all.rp_filter=1 ||
			xl_fail "cannot set rp_filter in $host"
	done
	for host in ha1 node1 node2; do
		xl_in lanb ip link set "$host" mtu "$T6_MTU" &&
		xl_in "$host" ip link set eth1 mtu "$T6_MTU" ||
			xl_fail "cannot set LAN B's MTU for $host"
	done
	# As in test_tunnel.sh: GRO on the client's port would merge upload
	# segments into packets over the MTU.
	xl_in lan ethtool -K client gro off >/dev/null 2>&1 ||
		xl_fail "ethtool gro off on LAN A's port of the client failed"
	for host in node1 node2; do
		xl_start_testsrv "$host" "$host"
		xl_start_testsrv "$host" "$host" 80 53 ::
		xl_start_filesrv "$host" 8080 ::
	done
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# t6_up HOST TUNNEL_OPTS...: xlvs-realserver up with one tunnel kind for
# both VIPs; its program must be on eth1, where the tunnels arrive.
t6_up() {
	local host=$1
	shift
	xl_rs "$host" up "$@" "$XL_VIP" "$XL_VIP6" ||
		xl_fail "$host: xlvs-realserver up $* failed"
	xl_rs "$host" status | grep -q "^tunnel .*, by xdp on .*eth1" ||
		xl_fail "$host: no decapsulation on eth1: $(xl_rs "$host" status)"
}

# t6_decapsulated HOST KIND: how many KIND packets HOST's program stripped.
t6_decapsulated() {
	xl_rs "$1" status | sed -n "s/^decapsulated:.* $2 \([0-9]*\).*/\1/p"
}

# t6_service PROTO PORT SCHED OPTS1 OPTS2: [VIP]:PORT over node1 (weight
# 3) and node2 (weight 1) by their LAN B addresses, tunnelled with OPTS.
t6_service() {
	local proto=$1 port=$2 sched=$3
	# shellcheck disable=SC2086
	xl_adm -A "-$proto" "[$XL_VIP6]:$port" -s "$sched" &&
	xl_adm -a "-$proto" "[$XL_VIP6]:$port" -r "[$T6_NODE1]:$port" -i -w 3 $4 &&
	xl_adm -a "-$proto" "[$XL_VIP6]:$port" -r "[$T6_NODE2]:$port" -i -w 1 $5 ||
		xl_fail "configuring the IPv6 -$proto $port service failed"
}

t6_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_in client ip -6 route get "$XL_VIP6" >&2
	xl_adm -L -n --stats >&2
	for h in node1 node2; do
		xl_rs "$h" status >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|InReceives" >&2
	done
	xl_in client nstat -az 2>/dev/null | awk '$2 != 0' |
		grep -Ei "retrans|timeout|err|toobig" >&2
}

# 0. The topology alone: the client reaches the VIPs (the director) and
# the real servers' LAN A addresses, which answer it directly; the
# director reaches their LAN B addresses, whose links have the MTU.
test_ipv6_tunnel_topology() {
	local h a got
	got=$(xl_in client python3 "$T6_PEEK" ping6 "$XL_VIP6") ||
		xl_fail "the client cannot ping6 the VIP"
	xl_assert_eq "$XL_VIP6 64" "$got" "the VIP's echo reply"
	for h in node1 node2; do
		a=XL_${h^^}_6
		xl_assert_eq "Test Page of $h" \
			"$(xl_in client curl -g -s --max-time 2 "http://[${!a}]/")" \
			"HTTP from $h's own LAN A address"
		a=T6_${h^^}
		xl_in ha1 python3 "$T6_PEEK" ping6 "${!a}" >/dev/null ||
			xl_fail "the director cannot ping6 $h on LAN B"
		xl_in ha1 ip -6 route get "${!a}" | grep -q "dev eth1" ||
			xl_fail "the director's way to $h: $(xl_in ha1 ip -6 route get "${!a}")"
		xl_assert_eq "$T6_MTU" "$(xl_in "$h" cat /sys/class/net/eth1/mtu)" "$h's LAN B MTU"
	done
}

# 1. ip6ip6: 40 HTTP requests and 40 UDP flows over wrr 3:1, 30 and 10
# each, answered straight from the VIP; every packet tunnelled was
# stripped by the real server it went to.
test_ipv6_tunnel_ipip_wrr_http_udp() {
	local fwd0 fwd1 d1 d2 got
	t6_up node1 --tunnel
	t6_up node2 --tunnel
	t6_service t 80 wrr "" ""
	t6_service u 53 wrr "" ""
	fwd0=$(xl_counter pkts_fwd)
	xl_http 40 "$T6_URL/" >"$XL_TMP/answers"
	[ "$(xl_tally <"$XL_TMP/answers")" = "node1=30 node2=10" ] || t6_diagnose
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 HTTP requests over wrr 3:1, by ip6ip6"
	xl_in client "$XL_UDPASK" "$XL_VIP6" 53 40 1000 >"$XL_TMP/answers" ||
		{ t6_diagnose; xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"; }
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 UDP flows over wrr 3:1, by ip6ip6"
	fwd1=$(xl_counter pkts_fwd)
	d1=$(t6_decapsulated node1 ipip) d2=$(t6_decapsulated node2 ipip)
	echo "tunnelled $((fwd1 - fwd0)); decapsulated: node1 $d1, node2 $d2"
	((fwd1 - fwd0 >= 120)) || xl_fail "only $((fwd1 - fwd0)) packets tunnelled"
	xl_assert_eq "$((fwd1 - fwd0))" "$((d1 + d2))" "packets decapsulated by node1 and node2"
	xl_adm -L -n | grep -q "^  -> \[$T6_NODE1\]:80 *Tunnel  *3 " ||
		xl_fail "-L -n does not show node1 as Tunnel 3: $(xl_adm -L -n)"
	# Straight from the real server: the hop limit it sent (64).
	got=$(xl_in client python3 "$T6_PEEK" ask "$XL_VIP6" 53) ||
		xl_fail "no answer to a connected socket"
	xl_assert_eq "[$XL_VIP6]:53 64" "$(cut -d' ' -f1,2 <<<"$got")" \
		"the answer's source and hop limit ($got)"
}

t6_download() {
	xl_download "$T6_URL:8080/" "$1" && return 0
	t6_diagnose
	xl_fail "the 20 MB download ($1) is not the file"
}

# 2. A 20 MB download from each real server in turn (rr), by ip6ip6.
test_ipv6_tunnel_ipip_download_sha256() {
	t6_up node1 --tunnel
	t6_up node2 --tunnel
	t6_service t 8080 rr "" ""
	t6_download "first, ip6ip6"
	t6_download "second, ip6ip6"
	xl_adm -L -n --stats | awk '$1 == "->" && $2 ~ /:8080$/ { print $2, $3 }' |
		sort >"$XL_TMP/conns"
	xl_assert_eq "[$T6_NODE1]:8080 1
[$T6_NODE2]:8080 1" "$(cat "$XL_TMP/conns")" "one download from each real server"
}

# 3. The same over GUE (node1) and GRE (node2) in IPv6, with checksums.
test_ipv6_tunnel_gue_gre_download() {
	local d1 d2
	t6_up node1 --tunnel=gue --tun-port "$T6_GUE_PORT"
	t6_up node2 --tunnel=gre
	t6_service t 8080 rr "--tun-type gue --tun-port $T6_GUE_PORT --tun-csum" \
		"--tun-type gre --tun-csum"
	t6_download "first, GUE"
	t6_download "second, GRE"
	d1=$(t6_decapsulated node1 gue) d2=$(t6_decapsulated node2 gre)
	echo "decapsulated: node1 gue $d1, node2 gre $d2"
	((d1 >= 10 && d2 >= 10)) || xl_fail "decapsulated: node1 gue $d1, node2 gre $d2"
}

# 4. Path-MTU discovery: the client's full-sized segments (MSS 1440, the
# real servers' offer by LAN A) do not fit LAN B with the outer header:
# the director answers ICMPv6 Packet Too Big from the VIP with 1360
# (ip6ip6) or 1356 (GRE), the client lowers its segments, and 4 MB
# uploads arrive whole; then a download.
test_ipv6_tunnel_pmtu_upload() {
	local want got fn0 fn1 i
	t6_up node1 --tunnel
	t6_up node2 --tunnel=gre
	t6_service t 8080 rr "" "--tun-type gre"
	dd if=/dev/urandom of="$XL_TMP/up" bs=1M count=4 status=none
	want=$(sha256sum <"$XL_TMP/up" | cut -d' ' -f1)
	fn0=$(xl_counter pkts_frag_needed)
	for i in 1 2; do
		got=$(xl_in client curl -g -s --max-time 60 --data-binary "@$XL_TMP/up" \
			-H 'Content-Type: application/octet-stream' "$T6_URL:8080/up")
		[ "$got" = "$want" ] || t6_diagnose
		xl_assert_eq "$want" "$got" "SHA-256 of the 4 MB upload ($i)"
	done
	fn1=$(xl_counter pkts_frag_needed)
	echo "packet too big answered $((fn1 - fn0)) times"
	((fn1 > fn0)) || xl_fail "no packet too big was sent (pkts_frag_needed)"
	xl_in client ip -6 route get "$XL_VIP6" | grep -Eq "mtu 13(60|56)" ||
		xl_fail "the client did not learn the MTU: $(xl_in client ip -6 route get "$XL_VIP6")"
	t6_download "after the path MTU"
}

# 5. The family mixes: VIP:80 (IPv4) tunnelled to node1's IPv6 address
# (IPv4 in IPv6), [VIP6]:80 to node2's IPv4 address (IPv6 in IPv4); each
# request answered by its node from the VIP of its own family, HTTP and
# UDP.
test_ipv6_tunnel_mixed_families() {
	local d1a d1b d2a d2b
	t6_up node1 --tunnel
	t6_up node2 --tunnel
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "[$T6_NODE1]:80" -i &&
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "[$T6_NODE1]:53" -i ||
		xl_fail "an IPv4 service with an IPv6 tunnel server refused"
	xl_adm -A -t "[$XL_VIP6]:80" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:80" -r "$T6_NODE2_4:80" -i &&
	xl_adm -A -u "[$XL_VIP6]:53" -s rr &&
	xl_adm -a -u "[$XL_VIP6]:53" -r "$T6_NODE2_4:53" -i ||
		xl_fail "an IPv6 service with an IPv4 tunnel server refused"
	xl_adm -L -n
	d1a=$(t6_decapsulated node1 ipip) d2a=$(t6_decapsulated node2 ipip)
	xl_http 10 >"$XL_TMP/answers4"
	xl_http 10 "$T6_URL/" >"$XL_TMP/answers6"
	[ "$(xl_tally <"$XL_TMP/answers4") $(xl_tally <"$XL_TMP/answers6")" = \
		"node1=10 node2=10" ] || t6_diagnose
	xl_assert_eq "node1=10" "$(xl_tally <"$XL_TMP/answers4")" \
		"10 HTTP requests to the IPv4 VIP, by IPv4 in IPv6"
	xl_assert_eq "node2=10" "$(xl_tally <"$XL_TMP/answers6")" \
		"10 HTTP requests to the IPv6 VIP, by IPv6 in IPv4"
	xl_assert_eq "node1=10" "$(xl_in client "$XL_UDPASK" "$XL_VIP" 53 10 1000 | xl_tally)" \
		"10 UDP flows to the IPv4 VIP, by IPv4 in IPv6"
	xl_assert_eq "node2=10" "$(xl_in client "$XL_UDPASK" "$XL_VIP6" 53 10 1000 | xl_tally)" \
		"10 UDP flows to the IPv6 VIP, by IPv6 in IPv4"
	d1b=$(t6_decapsulated node1 ipip) d2b=$(t6_decapsulated node2 ipip)
	echo "decapsulated: node1 $((d1b - d1a)), node2 $((d2b - d2a))"
	((d1b - d1a >= 40 && d2b - d2a >= 40)) ||
		xl_fail "decapsulated: node1 $((d1b - d1a)), node2 $((d2b - d2a))"
}
