# shellcheck shell=bash disable=SC2034,SC2015
# Connection synchronisation (xlvs-syncd, docs/sync.md): two directors with
# the same table, ha1 running a master sync daemon and ha2 a backup (IPVS's
# ipvsadm --start-daemon), a long-lived TCP connection and a UDP flow
# opened through ha1.  The VIP moves to ha2 by hand (the client's
# neighbour entry for it replaced, then ha1's link cut): both keep going
# to the real servers ha1 chose, through ha2, which lists them in -L -c.

# shellcheck source=tests/e2e/failover_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/failover_lib.sh"

SY_UDP_PORT=40053

setup() {
	export XLVS_SYNC_STATE_DIR=$XL_TMP/syncd
	fo_net_up
	xl_addr ha1 eth0 "$XL_VIP"
}

sy_daemons() {
	XL_DIRECTOR=ha1 xl_adm --start-daemon master --mcast-interface eth0 --syncid 7 ||
		xl_fail "--start-daemon master failed on ha1"
	XL_DIRECTOR=ha2 xl_adm --start-daemon backup --mcast-interface eth0 --syncid 7 ||
		xl_fail "--start-daemon backup failed on ha2"
	for h in ha1 ha2; do XL_PIDS+=("$(sy_pid "$h")"); done
}

# sy_pid HOST: its daemon's pid from its record.
sy_pid() { sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$XLVS_SYNC_STATE_DIR"/*."$([ "$1" = ha1 ] && echo master || echo backup)" 2>/dev/null | head -1; }

# sy_udp WAIT_FILE: one UDP flow from a fixed client port; prints the node
# answering each datagram, one a line; a datagram every 200 ms until
# WAIT_FILE exists and then three more (at most 20 s).
sy_udp() {
	xl_in client python3 - "$XL_VIP" "$SY_UDP_PORT" "$1" <<'PY'
import os, socket, sys, time
vip, port, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", port))
s.settimeout(1.0)
after, t0 = 0, time.time()
while after < 3 and time.time() - t0 < 20:
    s.sendto(b"hi", (vip, 53))
    try:
        print(s.recv(64).decode().strip(), flush=True)
    except socket.timeout:
        print("none", flush=True)
    if os.path.exists(go):
        after += 1
    time.sleep(0.2)
PY
}

# sy_move: the VIP to ha2: the client's entry for it now ha2's MAC, ha1's
# link down (its stale table would still forward otherwise).
sy_move() {
	local mac2
	# ha2's own neighbour entries for the servers, as a director in
	# service has them (a packet finding none is dropped while it resolves).
	xl_in ha2 ping -c1 -W1 "$XL_NODE1" >/dev/null
	xl_in ha2 ping -c1 -W1 "$XL_NODE2" >/dev/null
	mac2=$(xl_in ha2 cat /sys/class/net/eth0/address)
	xl_in ha1 ip addr del "$XL_VIP/24" dev eth0
	xl_addr ha2 eth0 "$XL_VIP"
	xl_in client ip neigh replace "$XL_VIP" lladdr "$mac2" dev eth0 nud permanent
	xl_in ha1 ip link set eth0 down
}

test_sync_listing_and_stop() {
	local out
	sy_daemons
	out=$(XL_DIRECTOR=ha1 xl_adm -L --daemon)
	xl_assert_eq "master sync daemon (mcast=eth0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" \
		"$out" "ha1's -L --daemon"
	out=$(XL_DIRECTOR=ha2 xl_adm -L --daemon)
	xl_assert_eq "backup sync daemon (mcast=eth0, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)" \
		"$out" "ha2's -L --daemon"
	# A second master is refused as the kernel refuses it (EEXIST).
	out=$(XL_DIRECTOR=ha1 xl_adm --start-daemon master --mcast-interface eth0 2>&1) &&
		xl_fail "a second master started"
	xl_assert_eq "Daemon has already run" "$out" "the second master's refusal"
	out=$(XL_DIRECTOR=ha1 xl_adm --start-daemon backup --mcast-interface nosuch0 2>&1) &&
		xl_fail "a backup on a missing interface started"
	# Both roles on one director, as since Linux 2.6.
	XL_DIRECTOR=ha1 xl_adm --start-daemon backup --mcast-interface eth0 --syncid 7 ||
		xl_fail "a backup beside the master failed"
	xl_assert_eq 2 "$(XL_DIRECTOR=ha1 xl_adm -L --daemon | wc -l)" "daemons on ha1"
	XL_DIRECTOR=ha1 xl_adm --stop-daemon backup || xl_fail "--stop-daemon backup failed"
	XL_DIRECTOR=ha1 xl_adm --stop-daemon master || xl_fail "--stop-daemon master failed"
	xl_assert_eq "" "$(XL_DIRECTOR=ha1 xl_adm -L --daemon)" "ha1's daemons after the stops"
	out=$(XL_DIRECTOR=ha1 xl_adm --stop-daemon master 2>&1) && xl_fail "a stop of no daemon succeeded"
	xl_assert_eq "No daemon is running" "$out" "the stop of no daemon"
}

test_sync_tcp_and_udp_survive_takeover() {
	local go=$XL_TMP/go tcp_pid udp_pid tcp_out rows first
	sy_daemons
	xl_http 2 >/dev/null     # the servers' MACs resolved on ha1
	xl_in client "$XL_ROOT/build/tests/tcphold" "$XL_VIP" 80 "$go" 30 >"$XL_TMP/tcp" &
	tcp_pid=$!
	sy_udp "$go" >"$XL_TMP/udp" &
	udp_pid=$!
	sleep 3     # the 3rd packet synced, the partial message flushed (2 s)
	# (The first datagrams may find the servers' MACs not yet resolved.)
	first=$(grep -m1 -v '^none$' "$XL_TMP/udp")
	[[ $first == node[12] ]] || xl_fail "the UDP flow is not answered through ha1: $first"
	rows=$(XL_DIRECTOR=ha2 xl_adm -L -c -n | tail -n +3)
	echo "ha2's connections before the move:"; echo "$rows"
	grep -q "^TCP .* ESTABLISHED .*$XL_VIP:80 " <<<"$rows" ||
		xl_fail "ha2 does not list the TCP connection"
	local node_ip=$XL_NODE1
	[ "$first" = node2 ] && node_ip=$XL_NODE2
	grep -q "^UDP .* UDP *$XL_CLIENT:$SY_UDP_PORT *$XL_VIP:53 *$node_ip:53" <<<"$rows" ||
		xl_fail "ha2 does not list the UDP flow to $first"
	# Counted exactly: one active TCP connection on ha2.
	xl_assert_eq 1 "$(XL_DIRECTOR=ha2 xl_adm -L -n | awk '/-> .*:80 / { a += $5 } END { print a }')" \
		"ActiveConn on ha2's HTTP servers"
	sy_move
	sleep 1
	touch "$go"
	wait "$tcp_pid" || { cat "$XL_TMP/tcp"; xl_fail "the TCP connection broke when the VIP moved"; }
	wait "$udp_pid"
	cat "$XL_TMP/udp"
	tcp_out=$(tail -1 "$XL_TMP/tcp")
	[[ $tcp_out == "Test Page of node"* ]] || xl_fail "tcphold: $tcp_out"
	xl_assert_eq "" "$(sed "0,/^$first\$/d" "$XL_TMP/udp" | grep -v "^$first\$")" \
		"UDP answers other than $first's"
	[ "$(xl_counter pkts_fwd ha2)" -gt 0 ] || xl_fail "ha2 forwarded nothing"
}

# Without the daemons, the same move breaks the TCP connection: the test
# above depends on the sync, not on something else.
test_sync_without_daemons_tcp_breaks() {
	local go=$XL_TMP/go tcp_pid
	xl_http 2 >/dev/null
	xl_in client "$XL_ROOT/build/tests/tcphold" "$XL_VIP" 80 "$go" 15 >"$XL_TMP/tcp" &
	tcp_pid=$!
	sleep 3
	sy_move
	sleep 1
	touch "$go"
	wait "$tcp_pid" && xl_fail "the TCP connection survived without sync"
	return 0
}
