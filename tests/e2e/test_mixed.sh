# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# One virtual service over real servers of all three forwarding methods,
# as IPVS allows (each destination has its own IP_VS_CONN_F_FWD_MASK):
# direct routing (-g, "Route"), tunnelling (-i, ipip, "Tunnel") and NAT
# (-m, "Masq", to other real ports).
#
# Topology: LAN A (10.77.0.0/24, bridge <p>lan) holds the client, the
# director's eth0 with the VIP and nodeg, the direct-routing server; LAN B
# (10.78.0.0/24, bridge <p>lanb) the director's eth1, nodei's eth1 (the
# tunnelled server, known to the director by its LAN B address) and nodem,
# the NAT server, whose only interface is there and whose default route
# is the director.  nodei answers the client straight by its eth0 on LAN
# A, as test_tunnel.sh's servers do; nodem can only answer through the
# director, so xlvs is attached to both of the director's interfaces.
#
# nodeg and nodei are prepared by xlvs-realserver (up VIP; up --tunnel
# VIP, whose XDP program decapsulates here: this kernel has no ipip).
# Each server names itself; filesrv.py serves a 20 MB file on each, on
# port 8000 (nodeg, nodei: DR and tunnels keep the port) and 9090 (nodem).

MX_NET=10.78.0
MX_HA1=$MX_NET.101
MX_NODEG=$XL_NODE1		# LAN A
MX_NODEI_A=$XL_NODE2		# nodei's eth0, for its replies
MX_NODEI=$MX_NET.103		# nodei's eth1, the director's way to it
MX_NODEM=$MX_NET.104
MX_HTTP=8080			# nodem's ports behind VIP:80, VIP:53, VIP:8000
MX_UDP=5353
MX_FILE=9090
MX_FILE_VPORT=8000

# mx_topology: the LANs, the three real servers prepared and serving,
# xlvs on both of the director's interfaces.
mx_topology() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1" "$XL_VIP"
	xl_add_host client "$XL_CLIENT"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$MX_HA1"

	xl_add_host nodeg "$MX_NODEG"
	xl_rs nodeg up "$XL_VIP" || xl_fail "xlvs-realserver up in nodeg failed"

	xl_add_host nodei "$MX_NODEI_A"
	xl_add_link lanb nodei eth1 "$MX_NODEI"
	# Strict reverse-path filtering (RHEL's default): the decapsulated
	# request comes in on eth1 from the client, whom nodei reaches by
	# eth0, so up must loosen it there.
	xl_in nodei sysctl -qw net.ipv4.conf.all.rp_filter=1 ||
		xl_fail "cannot set rp_filter in nodei"
	xl_rs nodei up --tunnel "$XL_VIP" ||
		xl_fail "xlvs-realserver up --tunnel in nodei failed"

	xl_add_routed_host lanb nodem "$MX_NODEM" "$MX_HA1"

	xl_start_testsrv nodeg nodeg
	xl_start_testsrv nodei nodei
	xl_start_testsrv nodem nodem "$MX_HTTP" "$MX_UDP"

	# NAT only if nodem has no way around the director.
	xl_in client ip route get "$MX_NODEM" >/dev/null 2>&1 &&
		xl_fail "the client has a route to LAN B"
	xl_in nodem ip -4 -o addr show | grep -q " $XL_NET\." &&
		xl_fail "nodem has an address on LAN A"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach eth0 failed"
	xl_adm --attach eth1 || xl_fail "xlvsadm --attach eth1 failed"
}

# mx_services: VIP:80 and VIP:53 by wrr 3:2:1 over nodeg (-g), nodei (-i)
# and nodem (-m), VIP:8000 by rr over the same three.
mx_services() {
	local proto port rport
	for proto in t u; do
		port=80 rport=$MX_HTTP
		[ $proto = u ] && port=53 rport=$MX_UDP
		xl_adm -A -$proto "$XL_VIP:$port" -s wrr &&
		xl_adm -a -$proto "$XL_VIP:$port" -r "$MX_NODEG:$port" -g -w 3 &&
		xl_adm -a -$proto "$XL_VIP:$port" -r "$MX_NODEI:$port" -i -w 2 &&
		xl_adm -a -$proto "$XL_VIP:$port" -r "$MX_NODEM:$rport" -m -w 1 ||
			xl_fail "configuring the -$proto $port service failed"
	done
	xl_adm -A -t "$XL_VIP:$MX_FILE_VPORT" -s rr &&
	xl_adm -a -t "$XL_VIP:$MX_FILE_VPORT" -r "$MX_NODEG:$MX_FILE_VPORT" -g &&
	xl_adm -a -t "$XL_VIP:$MX_FILE_VPORT" -r "$MX_NODEI:$MX_FILE_VPORT" -i &&
	xl_adm -a -t "$XL_VIP:$MX_FILE_VPORT" -r "$MX_NODEM:$MX_FILE" -m ||
		xl_fail "configuring the file service failed"
}

setup() {
	mx_topology
	mx_services
}

# What the director counted, the servers saw and nodei decapsulated, for
# a failed check.
mx_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	xl_rs nodei status >&2
	for h in client nodeg nodei nodem; do
		echo "$h:" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|frag" >&2
	done
}

# mx_decapsulated: how many ipip packets nodei's program stripped.
mx_decapsulated() {
	xl_rs nodei status | sed -n 's/^decapsulated: ipip \([0-9]*\) .*/\1/p'
}

# 1. -L -n shows each server's method, then 60 HTTP requests to VIP:80 go
# 30, 20 and 10 by the weights, each answered by the server named; the
# tunnelled ones were decapsulated by nodei, the NAT ones' replies
# translated by the director.
test_mixed_http_wrr_three_methods() {
	local r0 r1 d0 d1
	xl_adm -L -n | awk '$1 == "->" && $2 ~ /:[0-9]+$/ { print $2, $3, $4 }' |
		sort >"$XL_TMP/list"
	sort >"$XL_TMP/want" <<EOF
$MX_NODEG:80 Route 3
$MX_NODEI:80 Tunnel 2
$MX_NODEM:$MX_HTTP Masq 1
$MX_NODEG:53 Route 3
$MX_NODEI:53 Tunnel 2
$MX_NODEM:$MX_UDP Masq 1
$MX_NODEG:$MX_FILE_VPORT Route 1
$MX_NODEI:$MX_FILE_VPORT Tunnel 1
$MX_NODEM:$MX_FILE Masq 1
EOF
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/list" \
		"-L -n: real servers, forwarding and weights (sorted)"
	r0=$(xl_counter pkts_reply) d0=$(mx_decapsulated)
	xl_http 60 >"$XL_TMP/answers"
	[ "$(xl_tally <"$XL_TMP/answers")" = "nodeg=30 nodei=20 nodem=10" ] || mx_diagnose
	xl_assert_eq "nodeg=30 nodei=20 nodem=10" "$(xl_tally <"$XL_TMP/answers")" \
		"60 HTTP requests over wrr 3:2:1, by DR, tunnel and NAT"
	r1=$(xl_counter pkts_reply) d1=$(mx_decapsulated)
	echo "replies translated: $((r1 - r0)); ipip decapsulated by nodei: $((d1 - d0))"
	# At least a SYN-ACK, the page and a FIN for each NAT connection; a
	# SYN, the request and a FIN for each tunnelled one.
	((r1 - r0 >= 30)) || xl_fail "only $((r1 - r0)) NAT replies translated (pkts_reply)"
	((d1 - d0 >= 60)) || xl_fail "nodei decapsulated only $((d1 - d0)) ipip packets"
}

# 2. UDP: 30 flows to VIP:53 from sockets connected to it (which take
# answers from VIP:53 only) go 15, 10 and 5, every one answered.
test_mixed_udp_from_vip() {
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 30 1000 >"$XL_TMP/answers" ||
		{ mx_diagnose; xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"; }
	xl_assert_eq "nodeg=15 nodei=10 nodem=5" "$(xl_tally <"$XL_TMP/answers")" \
		"30 UDP flows over wrr 3:2:1, answered from the VIP"
}

# 3. A 20 MB download from each server in turn (rr), whole by SHA-256.
test_mixed_download_sha256() {
	local i
	xl_start_filesrv nodeg "$MX_FILE_VPORT"
	xl_start_filesrv nodei "$MX_FILE_VPORT"
	xl_start_filesrv nodem "$MX_FILE"
	for i in 1 2 3; do
		xl_download "http://$XL_VIP:$MX_FILE_VPORT/" "download $i of 3" ||
			{ mx_diagnose; xl_fail "download $i of 3"; }
	done
	xl_adm -L -n --stats | awk '$1 == "->" && $2 ~ /:[0-9]+$/ { print $2, $3 }' |
		grep -E ":($MX_FILE_VPORT|$MX_FILE) " | sort >"$XL_TMP/conns"
	xl_assert_eq "$(printf '%s 1\n' "$MX_NODEG:$MX_FILE_VPORT" \
		"$MX_NODEI:$MX_FILE_VPORT" "$MX_NODEM:$MX_FILE" | sort)" \
		"$(cat "$XL_TMP/conns")" "one download from each real server"
}
