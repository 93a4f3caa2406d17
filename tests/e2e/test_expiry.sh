# shellcheck shell=bash disable=SC2034,SC2015
# Connection expiry runs in the kernel (a bpf_timer in the pinned table):
# with the UDP timeout at 2 s an idle UDP connection disappears from the
# table within a few seconds with no process of ours in the director.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# ex_inact NODE_ADDR: the InActConn column of NODE_ADDR:53 in -L -n.
ex_inact() {
	xl_adm -L -n -u "$XL_VIP:53" |
		awk -v rs="$1:53" '$1 == "->" && $2 == rs { print $6 }'
}

test_expiry_udp_timeout_without_daemon() {
	local i node addr other start now gone='' waited expired0 expired1 v
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g -w 1 ||
		xl_fail "configuring the UDP service failed"
	xl_assert_eq "Timeout (tcp tcpfin udp): 900 120 300" \
		"$(xl_adm -L --timeout)" "-L --timeout before --set"
	xl_adm --set 0 0 2 || xl_fail "xlvsadm --set 0 0 2 failed"
	xl_assert_eq "Timeout (tcp tcpfin udp): 900 120 2" \
		"$(xl_adm -L --timeout)" "-L --timeout after --set 0 0 2"
	expired0=$(xl_counter conns_expired)
	[ -n "$expired0" ] || xl_fail "--counters shows no conns_expired"

	node=$(xl_in client "$XL_UDPASK" "$XL_VIP" 53 1 1000) ||
		xl_fail "the UDP request got no reply"
	start=$(date +%s%N)
	case $node in
	node1) addr=$XL_NODE1 other=$XL_NODE2 ;;
	node2) addr=$XL_NODE2 other=$XL_NODE1 ;;
	*) xl_fail "unexpected answer: $node" ;;
	esac
	xl_assert_eq 1 "$(ex_inact "$addr")" "InActConn of $node right after the request"
	xl_assert_eq 0 "$(ex_inact "$other")" "InActConn of the other node"

	# Expired 2 s after its last packet; the sweeper runs every second.
	xl_assert_eq "" "$(ip netns pids "$(xl_ns ha1)")" "processes in ha1"
	for ((i = 0; i < 60; i++)); do
		v=$(ex_inact "$addr")
		if [ "$v" = 0 ]; then
			gone=1
			break
		fi
		[ "$v" = 1 ] || xl_fail "InActConn of $node is '$v'"
		sleep 0.1
	done
	now=$(date +%s%N)
	waited=$(((now - start) / 1000000))
	echo "the connection to $node went after ${waited} ms"
	[ -n "$gone" ] || xl_fail "the connection is still listed after ${waited} ms"
	((waited >= 1500)) ||
		xl_fail "the connection went after ${waited} ms, before its 2 s timeout"
	# The listing hides an entry as soon as it is idle too long; the
	# sweeper frees it (and counts it) on its next round, within 1 s.
	for ((i = 0; i < 30; i++)); do
		expired1=$(xl_counter conns_expired)
		((expired1 >= expired0 + 1)) && break
		sleep 0.1
	done
	now=$(date +%s%N)
	waited=$(((now - start) / 1000000))
	echo "conns_expired went from $expired0 to $expired1 after ${waited} ms"
	((expired1 >= expired0 + 1)) ||
		xl_fail "conns_expired went from $expired0 to $expired1 in ${waited} ms"
	xl_assert_eq "" "$(ip netns pids "$(xl_ns ha1)")" "processes in ha1"
	xl_assert_eq "Timeout (tcp tcpfin udp): 900 120 2" \
		"$(xl_adm -L --timeout)" "-L --timeout at the end"
}

# The default UDP timeout (300 s) keeps the same idle connection: the
# expiry above is the timeout's doing, not a sweep of everything.
test_expiry_default_udp_timeout_keeps_connection() {
	local node addr
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 ||
		xl_fail "configuring the UDP service failed"
	node=$(xl_in client "$XL_UDPASK" "$XL_VIP" 53 1 1000) ||
		xl_fail "the UDP request got no reply"
	xl_assert_eq node1 "$node" "the answer"
	sleep 3.5
	xl_assert_eq 1 "$(ex_inact "$XL_NODE1")" "InActConn of node1 3.5 s later"
	xl_assert_eq 0 "$(xl_counter conns_expired)" "conns_expired"
}
