# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# Tunnelling (-i): the director encapsulates each request to the real
# server's address and the real server, decapsulating it, answers the
# client itself from the VIP.
#
# Topology: test_two_lans.sh's: the seed's cluster on LAN A (10.77.0.0/24)
# and LAN B (10.78.0.0/24) joining the director's eth1 and the real
# servers' eth1, here with an MTU of 1300 on every LAN B link, so a
# client's full-sized segment no longer fits with the outer header and
# path-MTU discovery has to work through the director.  The real servers
# are known to the director by their LAN B addresses; tunnelled packets
# arrive there and the replies leave by eth0, straight to the client.
#
# The real servers are prepared by xlvs-realserver, each case with the
# tunnel kinds it uses (up --tunnel[=ipip|gue|gre] [--tun-port P] VIP:
# the VIP on lo, the ARP sysctls, and, the kernel here having no ipip, fou
# or gre, its XDP decapsulation program on the interfaces; one kind per
# up, so a case that switched a node's kind would run down first).  Their
# reverse-path filtering starts strict: up must loosen it where the
# tunnel arrives.
#
# A second server on each node (filesrv.py, port 8080) serves a 20 MB
# file and answers an upload with its SHA-256.

TN_NET=10.78.0
TN_HA1=$TN_NET.101
TN_NODE1=$TN_NET.103
TN_NODE2=$TN_NET.104
TN_MTU=1300
TN_GUE_PORT=6080

setup() {
	local host
	xl_lan_up
	xl_add_director ha1 "$XL_HA1" "$XL_VIP"
	xl_add_host node1 "$XL_NODE1"
	xl_add_host node2 "$XL_NODE2"
	xl_add_host client "$XL_CLIENT"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$TN_HA1"
	xl_add_link lanb node1 eth1 "$TN_NODE1"
	xl_add_link lanb node2 eth1 "$TN_NODE2"
	for host in ha1 node1 node2; do
		xl_in lanb ip link set "$host" mtu "$TN_MTU" &&
		xl_in "$host" ip link set eth1 mtu "$TN_MTU" ||
			xl_fail "cannot set LAN B's MTU for $host"
	done
	# GRO on the client's bridge port would merge upload segments into one
	# packet, which reaches the director's veth over the MTU and with a
	# TCP checksum of its first segment only (seen as TcpInCsumErrors on
	# the real server; a NIC's native XDP runs before GRO).
	xl_in lan ethtool -K client gro off >/dev/null 2>&1 ||
		xl_fail "ethtool gro off on LAN A's port of the client failed"
	for host in node1 node2; do
		xl_in "$host" sysctl -qw net.ipv4.conf.all.rp_filter=1 ||
			xl_fail "cannot set rp_filter in $host"
		xl_start_testsrv "$host" "$host"
		xl_start_filesrv "$host" 8080
	done
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# tn_up HOST TUNNEL_OPTS...: xlvs-realserver up with one tunnel kind
# (--tunnel, --tunnel=gre, --tunnel=gue --tun-port P) for the VIP.
tn_up() {
	local host=$1
	shift
	xl_rs "$host" up "$@" "$XL_VIP" || xl_fail "$host: xlvs-realserver up $* failed"
	xl_rs "$host" status | grep -q "^tunnel .*, by xdp on eth1 (prog [0-9]*, attached)" ||
		xl_fail "$host: no decapsulation on eth1: $(xl_rs "$host" status)"
}

# tn_decapsulated HOST KIND: how many KIND packets HOST's program stripped.
tn_decapsulated() {
	xl_rs "$1" status | sed -n "s/^decapsulated:.* $2 \([0-9]*\).*/\1/p"
}

# tn_service PROTO PORT SCHED OPTS1 OPTS2: the VIP's service balanced over
# node1 (weight 3) and node2 (weight 2), each tunnelled with its options.
tn_service() {
	local proto=$1 port=$2 sched=$3
	xl_adm -A "-$proto" "$XL_VIP:$port" -s "$sched" &&
	xl_adm -a "-$proto" "$XL_VIP:$port" -r "$TN_NODE1:$port" -i -w 3 $4 &&
	xl_adm -a "-$proto" "$XL_VIP:$port" -r "$TN_NODE2:$port" -i -w 2 $5 ||
		xl_fail "configuring the -$proto $port service failed"
}

test_tunnel_ipip_wrr_http_udp() {
	local fwd0 fwd1 d1 d2
	tn_up node1 --tunnel
	tn_up node2 --tunnel
	tn_service t 80 wrr "" ""
	tn_service u 53 wrr "" ""
	fwd0=$(xl_counter pkts_fwd)
	xl_http 50 >"$XL_TMP/answers"
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 HTTP requests over wrr 3:2, tunnelled"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 50 1000 >"$XL_TMP/answers" ||
		xl_fail "udpask: some datagrams got no reply"
	xl_assert_eq "node1=30 node2=20" "$(xl_tally <"$XL_TMP/answers")" \
		"50 UDP flows over wrr 3:2, tunnelled"
	fwd1=$(xl_counter pkts_fwd)
	echo "the director's XDP program tunnelled $((fwd1 - fwd0)) packets"
	((fwd1 - fwd0 >= 150)) || xl_fail "only $((fwd1 - fwd0)) packets tunnelled"
	# Every packet tunnelled was stripped by the node it went to.
	d1=$(tn_decapsulated node1 ipip) d2=$(tn_decapsulated node2 ipip)
	echo "decapsulated: node1 $d1, node2 $d2"
	xl_assert_eq "$((fwd1 - fwd0))" "$((d1 + d2))" "ipip packets decapsulated by node1 and node2"
	xl_adm -L -n | grep -q "^  -> $TN_NODE1:80 *Tunnel  3 " ||
		xl_fail "-L -n does not show node1 as Tunnel: $(xl_adm -L -n)"
}

# tn_download PORT: a 20 MB download through the VIP (the file is the
# same on both nodes), whole by SHA-256.
tn_download() {
	xl_download "http://$XL_VIP:$1/" "port $1" ||
		{ tn_diagnose; xl_fail "the 20 MB download on port $1"; }
}

test_tunnel_gue_gre_download() {
	local d1 d2
	tn_up node1 --tunnel=gue --tun-port "$TN_GUE_PORT"
	tn_up node2 --tunnel=gre
	tn_service t 8080 rr "--tun-type gue --tun-port $TN_GUE_PORT --tun-csum" \
		"--tun-type gre --tun-csum"
	xl_adm -L -n --tun-info >"$XL_TMP/list"
	grep -q "^  -> $TN_NODE1:8080 *Tunnel  gue:$TN_GUE_PORT:+c   3 " "$XL_TMP/list" &&
	grep -q "^  -> $TN_NODE2:8080 *Tunnel  gre:+c        2 " "$XL_TMP/list" ||
		xl_fail "-L -n --tun-info: $(cat "$XL_TMP/list")"
	# rr: one download from each node, GUE then GRE.
	tn_download 8080
	tn_download 8080
	xl_adm -L -n --stats | awk -v a="$TN_NODE1:8080" -v b="$TN_NODE2:8080" \
		'$2 == a || $2 == b { print $2, $3 }' >"$XL_TMP/conns"
	xl_assert_eq "$TN_NODE1:8080 1
$TN_NODE2:8080 1" "$(sort "$XL_TMP/conns")" "one download from each real server"
	xl_adm -S -n >"$XL_TMP/save"
	grep -q -- "^-a -t $XL_VIP:8080 -r $TN_NODE1:8080 -i -w 3 --tun-type gue --tun-port $TN_GUE_PORT --tun-csum$" "$XL_TMP/save" &&
	grep -q -- "^-a -t $XL_VIP:8080 -r $TN_NODE2:8080 -i -w 2 --tun-type gre --tun-csum$" "$XL_TMP/save" ||
		xl_fail "-S -n: $(cat "$XL_TMP/save")"
	# -R reads them back: the same table after -C, and it still serves.
	{ echo -C; cat "$XL_TMP/save"; } | xl_adm -R || xl_fail "xlvsadm -R failed"
	xl_adm -S -n >"$XL_TMP/save2"
	xl_assert_same_file "$XL_TMP/save" "$XL_TMP/save2" "-S -n after -C and -R"
	tn_download 8080
	# The client's packets of each download came in by its node's kind.
	d1=$(tn_decapsulated node1 gue) d2=$(tn_decapsulated node2 gre)
	echo "decapsulated: node1 gue $d1, node2 gre $d2"
	((d1 >= 10 && d2 >= 10)) || xl_fail "decapsulated: node1 gue $d1, node2 gre $d2"
}

# What the director counted and the client learnt, for a failed case.
tn_diagnose() {
	xl_adm --counters | awk '$2 != 0' >&2
	xl_in client ip route get "$XL_VIP" >&2
	xl_adm -L -n --stats >&2
	for h in node1 node2; do
		xl_rs "$h" status >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' | grep -Ei "err|drop|discard|retrans|InReceives" >&2
		xl_in "$h" ip -s link show eth1 >&2
	done
	xl_in client nstat -az 2>/dev/null | awk '$2 != 0' | grep -Ei "retrans|timeout|err" >&2
}

# The client's full-sized segments do not fit LAN B with the outer
# header: the director answers fragmentation needed with 1280, the
# client's TCP lowers its segments, and the upload arrives whole.
test_tunnel_pmtu_upload() {
	local want got fn0 fn1
	tn_up node1 --tunnel
	tn_up node2 --tunnel=gre
	tn_service t 8080 rr "" "--tun-type gre"
	dd if=/dev/urandom of="$XL_TMP/up" bs=1M count=4 status=none
	want=$(sha256sum <"$XL_TMP/up" | cut -d' ' -f1)
	fn0=$(xl_counter pkts_frag_needed)
	for i in 1 2; do
		got=$(xl_in client curl -s --max-time 60 --data-binary "@$XL_TMP/up" \
			-H 'Content-Type: application/octet-stream' "http://$XL_VIP:8080/up")
		[ "$got" = "$want" ] || tn_diagnose
		xl_assert_eq "$want" "$got" "SHA-256 of the 4 MB upload ($i)"
	done
	fn1=$(xl_counter pkts_frag_needed)
	echo "fragmentation needed answered $((fn1 - fn0)) times"
	((fn1 > fn0)) || xl_fail "no fragmentation needed was sent"
	xl_in client ip route get "$XL_VIP" | grep -Eq "mtu 12(80|76)" ||
		xl_fail "the client did not learn the MTU: $(xl_in client ip route get "$XL_VIP")"
	tn_download 8080
}
