# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# NAT forwarding (-m, ipvsadm's "Masq"): the director rewrites a request's
# destination to the real server's address and port, and the reply's
# source back to the VIP and the virtual port, as ip_vs_nat_xmit and
# handle_response do; both directions go through the director.
#
# Topology: LAN A (10.77.0.0/24, bridge <p>lan) holds the client and the
# director's eth0 with the VIP; LAN B (10.78.0.0/24, bridge <p>lanb) holds
# the director's eth1 and the real servers, whose only interface (eth0) is
# there and whose default route is the director.  The client has no route
# to LAN B: an answer it gets came from the VIP.  xlvs is attached to both
# of the director's interfaces, since the replies arrive on eth1.
#
# The real servers listen on other ports than the services': testsrv on
# 8080 (HTTP) and 5353 (UDP) behind VIP:80 and VIP:53, filesrv.py (a 20 MB
# file) on 9090 behind VIP:8000.

NT_NET=10.78.0
NT_HA1=$NT_NET.101
NT_NODE1=$NT_NET.103
NT_NODE2=$NT_NET.104
NT_HTTP=8080		# the real servers' ports
NT_UDP=5353
NT_FILE=9090
NT_FILE_VPORT=8000
NT_MTU=1300
NT_PEEK="$XL_ROOT/tests/e2e/peek.py"

# nt_realserver HOST ADDR: a host on LAN B only, routed by the director.
nt_realserver() {
	xl_add_routed_host lanb "$1" "$2" "$NT_HA1"
	xl_start_testsrv "$1" "$1" "$NT_HTTP" "$NT_UDP"
}

# nt_topology: the two LANs, the hosts, xlvs on both of the director's
# interfaces.
nt_topology() {
	local host
	xl_lan_up
	xl_add_director ha1 "$XL_HA1" "$XL_VIP"
	xl_add_host client "$XL_CLIENT"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$NT_HA1"
	nt_realserver node1 "$NT_NODE1"
	nt_realserver node2 "$NT_NODE2"
	# What makes this NAT and not direct routing: no way around the
	# director in either direction.
	xl_in client ip route get "$NT_NODE1" >/dev/null 2>&1 &&
		xl_fail "the client has a route to LAN B"
	for host in node1 node2; do
		xl_in "$host" ip -4 -o addr show | grep -q " $XL_NET\." &&
			xl_fail "$host has an address on LAN A"
	done
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach eth0 failed"
	xl_adm --attach eth1 || xl_fail "xlvsadm --attach eth1 failed"
}

# nt_services: VIP:80 and VIP:53 by wrr 3:1, VIP:8000 by rr, all by NAT to
# other ports.
nt_services() {
	xl_adm -A -t "$XL_VIP:80" -s wrr &&
	xl_adm -a -t "$XL_VIP:80" -r "$NT_NODE1:$NT_HTTP" -m -w 3 &&
	xl_adm -a -t "$XL_VIP:80" -r "$NT_NODE2:$NT_HTTP" -m -w 1 &&
	xl_adm -A -u "$XL_VIP:53" -s wrr &&
	xl_adm -a -u "$XL_VIP:53" -r "$NT_NODE1:$NT_UDP" -m -w 3 &&
	xl_adm -a -u "$XL_VIP:53" -r "$NT_NODE2:$NT_UDP" -m -w 1 &&
	xl_adm -A -t "$XL_VIP:$NT_FILE_VPORT" -s rr &&
	xl_adm -a -t "$XL_VIP:$NT_FILE_VPORT" -r "$NT_NODE1:$NT_FILE" -m -w 1 &&
	xl_adm -a -t "$XL_VIP:$NT_FILE_VPORT" -r "$NT_NODE2:$NT_FILE" -m -w 1 ||
		xl_fail "configuring the NAT services failed"
}

setup() {
	nt_topology
	nt_services
}

# nt_files_up: the 20 MB file, served by filesrv.py on each real server.
nt_files_up() {
	xl_start_filesrv node1 "$NT_FILE"
	xl_start_filesrv node2 "$NT_FILE"
}

# nt_download WHAT: the 20 MB file through VIP:8000, its SHA-256 checked.
nt_download() {
	xl_download "http://$XL_VIP:$NT_FILE_VPORT/" "$1" && return 0
	nt_diagnose
	xl_fail "the 20 MB download ($1) is not the file"
}

# What the director counted and the hosts saw, for a failed check.
nt_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	xl_adm -L -c -n | head -20 >&2
	for h in node1 node2; do
		echo "$h: $(xl_in "$h" ip route get "$XL_CLIENT" | head -2)" >&2
	done
	for h in ha1 client node1 node2; do
		echo "$h:" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|frag" >&2
	done
}

# 1. 40 HTTP requests to VIP:80, wrr 3:1 over the real servers' port 8080:
# 30 and 10, each answered through the director from the VIP (the client
# could reach nothing else).
test_nat_http_wrr_30_10() {
	local r0 r1
	r0=$(xl_counter pkts_reply)
	xl_http 40 >"$XL_TMP/answers"
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 HTTP requests over wrr 3:1, by NAT to port $NT_HTTP"
	r1=$(xl_counter pkts_reply)
	echo "replies translated: $((r1 - r0))"
	# At least a SYN-ACK, the page and a FIN for each.
	((r1 - r0 >= 120)) || xl_fail "only $((r1 - r0)) replies translated (pkts_reply)"
}

# 2. A 20 MB download, from each real server in turn (rr), arrives whole.
test_nat_download_sha256() {
	nt_files_up
	nt_download "first"
	nt_download "second"
	xl_adm -L -n --stats | awk -v a="$NT_NODE1:$NT_FILE" -v b="$NT_NODE2:$NT_FILE" \
		'$2 == a || $2 == b { print $2, $3 }' >"$XL_TMP/conns"
	xl_assert_eq "$NT_NODE1:$NT_FILE 1
$NT_NODE2:$NT_FILE 1" "$(sort "$XL_TMP/conns")" "one download from each real server"
}

# 3. UDP: a client socket connected to VIP:53 gets its answers (an
# untranslated one, from RIP:5353, the kernel would not deliver to it),
# wrr 15 and 5; the answer comes from VIP:53 with the TTL the real server
# sent (64) lowered by one, as a router's.
test_nat_udp_from_vip() {
	local got
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 20 1000 >"$XL_TMP/answers" ||
		xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"
	xl_assert_eq "node1=15 node2=5" "$(xl_tally <"$XL_TMP/answers")" \
		"20 UDP flows over wrr 3:1, by NAT to port $NT_UDP"
	got=$(xl_in client python3 "$NT_PEEK" ask "$XL_VIP" 53) ||
		xl_fail "no answer to a connected socket"
	xl_assert_eq "$XL_VIP:53 63" "$(cut -d' ' -f1,2 <<<"$got")" \
		"the answer's source and TTL ($got)"
}

# nt_stats PATTERN: "Conns InPkts OutPkts InBytes OutBytes" of the
# -L -n --stats --exact line matching PATTERN.
nt_stats() {
	xl_adm -L -n --stats --exact | grep -E "$1" |
		awk '{ print $(NF-4), $(NF-3), $(NF-2), $(NF-1), $NF }'
}

# 4. The listings: -L -n shows Masq with the weights, -S -n says -m (and
# -R reads it back), -L -c -n the connections to the real port, --stats
# the replies as OutPkts.
test_nat_listings_conns_stats() {
	local rows out in_b
	xl_adm -L -n | awk '$1 == "->" && $2 ~ /:[0-9]+$/ { print $2, $3, $4 }' | sort >"$XL_TMP/list"
	sort >"$XL_TMP/want-list" <<EOF
$NT_NODE1:$NT_HTTP Masq 3
$NT_NODE2:$NT_HTTP Masq 1
$NT_NODE1:$NT_UDP Masq 3
$NT_NODE2:$NT_UDP Masq 1
$NT_NODE1:$NT_FILE Masq 1
$NT_NODE2:$NT_FILE Masq 1
EOF
	xl_assert_same_file "$XL_TMP/want-list" "$XL_TMP/list" \
		"-L -n: real servers, forwarding and weights (sorted)"
	sort >"$XL_TMP/want-save" <<EOF
-A -t $XL_VIP:80 -s wrr
-A -t $XL_VIP:$NT_FILE_VPORT -s rr
-A -u $XL_VIP:53 -s wrr
-a -t $XL_VIP:80 -r $NT_NODE1:$NT_HTTP -m -w 3
-a -t $XL_VIP:80 -r $NT_NODE2:$NT_HTTP -m -w 1
-a -t $XL_VIP:$NT_FILE_VPORT -r $NT_NODE1:$NT_FILE -m -w 1
-a -t $XL_VIP:$NT_FILE_VPORT -r $NT_NODE2:$NT_FILE -m -w 1
-a -u $XL_VIP:53 -r $NT_NODE1:$NT_UDP -m -w 3
-a -u $XL_VIP:53 -r $NT_NODE2:$NT_UDP -m -w 1
EOF
	xl_adm -S -n >"$XL_TMP/save" || xl_fail "-S -n failed"
	sort "$XL_TMP/save" >"$XL_TMP/got-save"
	xl_assert_same_file "$XL_TMP/want-save" "$XL_TMP/got-save" "-S -n (sorted)"
	{ echo -C; cat "$XL_TMP/save"; } | xl_adm -R || xl_fail "xlvsadm -R of -S's output failed"
	xl_adm -S -n >"$XL_TMP/save2"
	xl_assert_same_file "$XL_TMP/save" "$XL_TMP/save2" "-S -n after -C and -R"

	xl_adm -Z || xl_fail "-Z failed"
	xl_assert_eq "node1=30 node2=10" "$(xl_http 40 | xl_tally)" "40 HTTP requests"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 20 1000 >/dev/null ||
		xl_fail "UDP requests went unanswered"
	out=$(xl_adm -L -c -n) || xl_fail "-L -c -n failed"
	echo "$out" | head -8
	rows=$(tail -n +3 <<<"$out" | awk '{ print $1, $3, $4 ~ "^'"$XL_CLIENT"':", $5, $6 }' | sort)
	# Both halves of each connection pass the director, so IPVS's INPUT
	# and OUTPUT tables apply (ip_vs_proto_tcp.c): whichever side closes
	# first, FIN, FIN and the last ACK end in TIME_WAIT.
	xl_assert_eq 30 "$(grep -c "^TCP TIME_WAIT 1 $XL_VIP:80 $NT_NODE1:$NT_HTTP\$" <<<"$rows")" \
		"TCP entries from the client to node1:$NT_HTTP in TIME_WAIT"
	xl_assert_eq 10 "$(grep -c "^TCP TIME_WAIT 1 $XL_VIP:80 $NT_NODE2:$NT_HTTP\$" <<<"$rows")" \
		"TCP entries from the client to node2:$NT_HTTP in TIME_WAIT"
	xl_assert_eq 15 "$(grep -c "^UDP UDP 1 $XL_VIP:53 $NT_NODE1:$NT_UDP\$" <<<"$rows")" \
		"UDP entries to node1:$NT_UDP"
	xl_assert_eq 5 "$(grep -c "^UDP UDP 1 $XL_VIP:53 $NT_NODE2:$NT_UDP\$" <<<"$rows")" \
		"UDP entries to node2:$NT_UDP"
	xl_assert_eq 60 "$(wc -l <<<"$rows")" "entries in all"

	xl_adm -L -n --stats --exact
	# UDP exactly: one datagram each way a flow; IP lengths: 28 bytes of
	# headers, "udpask N\n" (9 bytes for N < 10, 10 after) in, "nodeN\n" out.
	in_b=$((10 * (28 + 9) + 10 * (28 + 10)))
	xl_assert_eq "20 20 20 $in_b $((20 * (28 + 6)))" "$(nt_stats "^UDP +$XL_VIP:53 ")" \
		"the UDP service's Conns InPkts OutPkts InBytes OutBytes"
	read -r _ _ out _ <<<"$(nt_stats "^TCP +$XL_VIP:80 ")"
	# Each connection's SYN-ACK, page and FIN at least.
	((out >= 120)) || xl_fail "the HTTP service's OutPkts is $out"
	read -r _ _ out _ <<<"$(nt_stats "^  -> $NT_NODE2:$NT_HTTP ")"
	((out >= 30)) || xl_fail "node2:$NT_HTTP's OutPkts is $out"
}

# 5. Path-MTU discovery through the director: its link to LAN A has an MTU
# of 1300, the client's and the real servers' 1500, so a real server's
# full-sized segment (MSS 1460, the client's) does not fit the way back.
# Its kernel must learn 1300 from "fragmentation needed" (the director's
# forwarding path says it, as for any router; xlvs must not translate the
# segment into a packet the kernel then drops as a martian) and the
# download arrives whole.  (An MTU of 1300 on LAN B instead would set the
# real servers' MSS to 1260 and nothing would be too big.)
test_nat_pmtu_download() {
	local host learnt=0
	xl_in ha1 ip link set eth0 mtu "$NT_MTU" &&
	xl_in lan ip link set ha1 mtu "$NT_MTU" ||
		xl_fail "cannot set the director's LAN A MTU"
	nt_files_up
	nt_download "first, MTU $NT_MTU towards the client"
	nt_download "second, MTU $NT_MTU towards the client"
	for host in node1 node2; do
		xl_in "$host" ip route get "$XL_CLIENT" | tee "$XL_TMP/route"
		grep -q "mtu $NT_MTU" "$XL_TMP/route" && learnt=$((learnt + 1))
	done
	((learnt == 2)) || { nt_diagnose; xl_fail "$learnt of 2 real servers learnt the path MTU"; }
}

# nt_unasked WHAT LISTEN SEND...: starts `peek.py LISTEN` on the client,
# waits (bounded) until it listens, runs `peek.py SEND` on node1, and
# prints what the client got (empty if nothing).
nt_unasked() {
	local what=$1 listen=$2 send=$3 i
	# shellcheck disable=SC2086
	xl_bg client python3 "$NT_PEEK" $listen >"$XL_TMP/$what" 2>"$XL_TMP/$what.err"
	for ((i = 0; i < 50; i++)); do
		grep -q '^ready$' "$XL_TMP/$what.err" && break
		sleep 0.1
	done
	grep -q '^ready$' "$XL_TMP/$what.err" || xl_fail "peek.py $listen did not start"
	# shellcheck disable=SC2086
	xl_in node1 python3 "$NT_PEEK" $send || xl_fail "node1: peek.py $send failed"
	for ((i = 0; i < 40; i++)); do
		[ -s "$XL_TMP/$what" ] && break
		sleep 0.1
	done
	cat "$XL_TMP/$what"
}

# 6. A packet from a real server's address and port that belongs to no
# connection is not translated: it goes to the kernel untouched, which
# routes it as any other (IPVS's ip_vs_out lets it pass: nat_icmp_send is
# 0 by default).  The client gets a route to LAN B for this case only, so
# that it can receive it from 10.78.0.103.
test_nat_unmatched_reply_passed() {
	local r0 r1 p0 p1 got
	xl_in client ip route add "$NT_NET.0/24" via "$XL_HA1" ||
		xl_fail "cannot route the client to LAN B"
	r0=$(xl_counter pkts_reply) p0=$(xl_counter pkts_pass)
	# UDP from testsrv's own address and port (bound beside it).
	got=$(nt_unasked udp "listen 40000" "send $NT_NODE1 $NT_UDP $XL_CLIENT 40000")
	# The kernel forwarded it: TTL 63, the source untouched.
	xl_assert_eq "$NT_NODE1:$NT_UDP 63 unasked" "$got" \
		"an unasked datagram from node1:$NT_UDP as the client got it"
	# TCP: a SYN-ACK from the HTTP server's port, which no SYN asked for.
	got=$(nt_unasked tcp "catch 40001" "synack $NT_NODE1 $NT_HTTP $XL_CLIENT 40001")
	xl_assert_eq "$NT_NODE1:$NT_HTTP 63 SA" "$got" \
		"an unasked SYN-ACK from node1:$NT_HTTP as the client got it"
	r1=$(xl_counter pkts_reply) p1=$(xl_counter pkts_pass)
	echo "pkts_reply +$((r1 - r0)), pkts_pass +$((p1 - p0))"
	xl_assert_eq 0 "$((r1 - r0))" "replies translated (pkts_reply)"
	((p1 - p0 >= 2)) || xl_fail "pkts_pass grew by $((p1 - p0)), not by 2 or more"
	xl_adm -L -c -n | grep -q "$XL_CLIENT:4000[01]" &&
		xl_fail "a connection entry for the unasked packets: $(xl_adm -L -c -n)"
	return 0
}
