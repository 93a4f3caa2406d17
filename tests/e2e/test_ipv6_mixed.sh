# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# One IPv6 virtual service over real servers of all three forwarding
# methods, test_mixed.sh's cluster with fd00::/8 addresses only: nodeg by
# direct routing on LAN A (fd00:77::/64), nodei by ip6ip6 (its eth1 on LAN
# B, fd00:78::/64, the director's way to it; it answers by its eth0 on
# LAN A), nodem by NAT (LAN B only, the director its default route; to
# other ports).  nodeg and nodei are prepared by xlvs-realserver (up VIP;
# up --tunnel VIP).  xlvs is on both of the director's interfaces.

M6_NET=fd00:78:
M6_HA1=$M6_NET:101
M6_NODEG=$XL_NODE1_6
M6_NODEI_A=$XL_NODE2_6
M6_NODEI=$M6_NET:103
M6_NODEM=$M6_NET:104
M6_HTTP=8080
M6_UDP=5353
M6_FILE=9090
M6_FILE_VPORT=8000
M6_URL="http://[$XL_VIP6]"

setup() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1_6" "$XL_VIP6"
	xl_add_host client "$XL_CLIENT6"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$M6_HA1"
	xl_add_host nodeg "$M6_NODEG"
	xl_rs nodeg up "$XL_VIP6" || xl_fail "xlvs-realserver up in nodeg failed"
	xl_add_host nodei "$M6_NODEI_A"
	xl_add_link lanb nodei eth1 "$M6_NODEI"
	xl_rs nodei up --tunnel "$XL_VIP6" ||
		xl_fail "xlvs-realserver up --tunnel in nodei failed"
	xl_add_routed_host lanb nodem "$M6_NODEM" "$M6_HA1"
	xl_start_testsrv nodeg nodeg 80 53 ::
	xl_start_testsrv nodei nodei 80 53 ::
	xl_start_testsrv nodem nodem "$M6_HTTP" "$M6_UDP" ::
	xl_in client ip -6 route get "$M6_NODEM" >/dev/null 2>&1 &&
		xl_fail "the client has a route to LAN B"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach eth0 failed"
	xl_adm --attach eth1 || xl_fail "xlvsadm --attach eth1 failed"
}

# m6_services: [VIP]:80 and [VIP]:53 by wrr 3:2:1 over nodeg (-g), nodei
# (-i) and nodem (-m), [VIP]:8000 by rr over the same three.
m6_services() {
	local proto port rport
	for proto in t u; do
		port=80 rport=$M6_HTTP
		[ $proto = u ] && port=53 rport=$M6_UDP
		xl_adm -A -$proto "[$XL_VIP6]:$port" -s wrr &&
		xl_adm -a -$proto "[$XL_VIP6]:$port" -r "[$M6_NODEG]:$port" -g -w 3 &&
		xl_adm -a -$proto "[$XL_VIP6]:$port" -r "[$M6_NODEI]:$port" -i -w 2 &&
		xl_adm -a -$proto "[$XL_VIP6]:$port" -r "[$M6_NODEM]:$rport" -m -w 1 ||
			xl_fail "configuring the IPv6 -$proto $port service failed"
	done
	xl_adm -A -t "[$XL_VIP6]:$M6_FILE_VPORT" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:$M6_FILE_VPORT" -r "[$M6_NODEG]:$M6_FILE_VPORT" -g &&
	xl_adm -a -t "[$XL_VIP6]:$M6_FILE_VPORT" -r "[$M6_NODEI]:$M6_FILE_VPORT" -i &&
	xl_adm -a -t "[$XL_VIP6]:$M6_FILE_VPORT" -r "[$M6_NODEM]:$M6_FILE" -m ||
		xl_fail "configuring the IPv6 file service failed"
}

# 0. The topology alone: the client reaches nodeg and nodei on LAN A,
# which answer it there; the director reaches nodei and nodem on LAN B,
# and nodem's way to the client is through the director.
test_ipv6_mixed_topology() {
	xl_assert_eq "Test Page of nodeg" \
		"$(xl_in client curl -g -s --max-time 2 "http://[$M6_NODEG]/")" "HTTP from nodeg"
	xl_assert_eq "Test Page of nodei" \
		"$(xl_in client curl -g -s --max-time 2 "http://[$M6_NODEI_A]/")" "HTTP from nodei"
	xl_assert_eq "nodei" "$(xl_in ha1 "$XL_UDPASK" "$M6_NODEI" 53 1)" "UDP from nodei on LAN B"
	xl_assert_eq "Test Page of nodem" \
		"$(xl_in ha1 curl -g -s --max-time 2 "http://[$M6_NODEM]:$M6_HTTP/")" "HTTP from nodem"
	xl_in nodem ip -6 route get "$XL_CLIENT6" | grep -q " via $M6_HA1 " ||
		xl_fail "nodem's way to the client: $(xl_in nodem ip -6 route get "$XL_CLIENT6")"
}

m6_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	xl_rs nodei status >&2
	for h in client nodeg nodei nodem; do
		echo "$h:" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|toobig" >&2
	done
}

m6_decapsulated() {
	xl_rs nodei status | sed -n 's/^decapsulated: ipip \([0-9]*\) .*/\1/p'
}

# 1. -L -n shows each server's method; 30 HTTP requests go 15, 10 and 5
# by the weights, each answered by the server named (30, not
# test_mixed.sh's 60: a failing run, 2 s a request, stays within the
# case's 120 s).
test_ipv6_mixed_http_wrr_three_methods() {
	local r0 r1 d0 d1
	m6_services
	xl_adm -L -n | awk '$1 == "->" && $2 ~ /:[0-9]+$/ { print $2, $3, $4 }' |
		sort >"$XL_TMP/list"
	sort >"$XL_TMP/want" <<EOF
[$M6_NODEG]:80 Route 3
[$M6_NODEI]:80 Tunnel 2
[$M6_NODEM]:$M6_HTTP Masq 1
[$M6_NODEG]:53 Route 3
[$M6_NODEI]:53 Tunnel 2
[$M6_NODEM]:$M6_UDP Masq 1
[$M6_NODEG]:$M6_FILE_VPORT Route 1
[$M6_NODEI]:$M6_FILE_VPORT Tunnel 1
[$M6_NODEM]:$M6_FILE Masq 1
EOF
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/list" \
		"-L -n: real servers, forwarding and weights (sorted)"
	r0=$(xl_counter pkts_reply) d0=$(m6_decapsulated)
	xl_http 30 "$M6_URL/" >"$XL_TMP/answers"
	[ "$(xl_tally <"$XL_TMP/answers")" = "nodeg=15 nodei=10 nodem=5" ] || m6_diagnose
	xl_assert_eq "nodeg=15 nodei=10 nodem=5" "$(xl_tally <"$XL_TMP/answers")" \
		"30 HTTP requests over wrr 3:2:1, by DR, ip6ip6 and NAT"
	r1=$(xl_counter pkts_reply) d1=$(m6_decapsulated)
	echo "replies translated: $((r1 - r0)); decapsulated by nodei: $((d1 - d0))"
	((r1 - r0 >= 15)) || xl_fail "only $((r1 - r0)) NAT replies translated (pkts_reply)"
	((d1 - d0 >= 30)) || xl_fail "nodei decapsulated only $((d1 - d0)) packets"
}

# 2. UDP: 30 flows from sockets connected to [VIP]:53 go 15, 10 and 5.
test_ipv6_mixed_udp_from_vip() {
	m6_services
	xl_in client "$XL_UDPASK" "$XL_VIP6" 53 30 1000 >"$XL_TMP/answers" ||
		{ m6_diagnose; xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"; }
	xl_assert_eq "nodeg=15 nodei=10 nodem=5" "$(xl_tally <"$XL_TMP/answers")" \
		"30 UDP flows over wrr 3:2:1, answered from the VIP"
}

# 3. A 20 MB download from each server in turn (rr), whole by SHA-256.
test_ipv6_mixed_download_sha256() {
	local i
	m6_services
	xl_start_filesrv nodeg "$M6_FILE_VPORT" ::
	xl_start_filesrv nodei "$M6_FILE_VPORT" ::
	xl_start_filesrv nodem "$M6_FILE" ::
	for i in 1 2 3; do
		xl_download "$M6_URL:$M6_FILE_VPORT/" "download $i of 3" ||
			{ m6_diagnose; xl_fail "download $i of 3"; }
	done
	xl_adm -L -n --stats | awk '$1 == "->" && $2 ~ /:[0-9]+$/ { print $2, $3 }' |
		grep -E ":($M6_FILE_VPORT|$M6_FILE) " | sort >"$XL_TMP/conns"
	xl_assert_eq "$(printf '%s 1\n' "[$M6_NODEG]:$M6_FILE_VPORT" \
		"[$M6_NODEI]:$M6_FILE_VPORT" "[$M6_NODEM]:$M6_FILE" | sort)" \
		"$(cat "$XL_TMP/conns")" "one download from each real server"
}
