# shellcheck shell=bash disable=SC2034,SC2015
# The schedulers that read the connection counts (lc, wlc, ...), with real
# TCP connections held open, and the counts -L -n shows for them.

SC_TCPHOLD=${SC_TCPHOLD:-$XL_ROOT/build/tests/tcphold}

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
}

# sc_service SCHED: the HTTP service with node1 at weight 3, node2 at 2.
sc_service() {
	xl_adm -A -t "$XL_VIP:80" ${1:+-s "$1"} &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 3 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 2 ||
		xl_fail "configuring the service failed"
}

# sc_hold N: N connections held open, opened one after another, each
# established before the next is scheduled (the counts then decide).
sc_hold() {
	local i n
	[ -x "$SC_TCPHOLD" ] || xl_fail "$SC_TCPHOLD missing: run make"
	for ((i = 1; i <= $1; i++)); do
		xl_bg client "$SC_TCPHOLD" "$XL_VIP" 80 "$XL_TMP/go" 30 \
			>"$XL_TMP/hold$i" 2>"$XL_TMP/hold$i.err"
		for ((n = 0; n < 50; n++)); do
			grep -q '^port ' "$XL_TMP/hold$i" && break
			sleep 0.1
		done
		grep -q '^port ' "$XL_TMP/hold$i" ||
			xl_fail "held connection $i did not connect"
		sleep 0.2
	done
}

# sc_release N: let the N held connections finish; their answers, tallied.
sc_release() {
	local i
	: >"$XL_TMP/go"
	for ((i = 1; i <= $1; i++)); do
		for ((n = 0; n < 50; n++)); do
			grep -q '^Test Page' "$XL_TMP/hold$i" && break
			sleep 0.1
		done
		sed -n 's/^Test Page of //p' "$XL_TMP/hold$i"
	done | xl_tally
}

# sc_counts: "active inactive" of node1 and node2, from -L -n.
sc_counts() {
	xl_adm -L -n | awk -v a="$XL_NODE1:80" -v b="$XL_NODE2:80" '
		$2 == a { x = $5 " " $6 } $2 == b { y = $5 " " $6 }
		END { print x, y }'
}

test_sched_wlc_default_holds_6_and_4() {
	sc_service ""           # ipvsadm's default scheduler is wlc
	xl_adm -S -n | grep -q "^-A -t $XL_VIP:80 -s wlc\$" ||
		xl_fail "-A without -s did not make a wlc service"
	sc_hold 10
	xl_adm -L -n
	xl_assert_eq "6 0 4 0" "$(sc_counts)" "ActiveConn and InActConn, 10 held"
	xl_assert_eq "node1=6 node2=4" "$(sc_release 10)" "who answered the held ones"
	xl_assert_eq "0 6 0 4" "$(sc_counts)" "the counts after they closed"
}

test_sched_lc_balances_the_held_connections() {
	sc_service lc
	sc_hold 6
	xl_assert_eq "3 0 3 0" "$(sc_counts)" "lc over 6 held connections"
	xl_assert_eq "node1=3 node2=3" "$(sc_release 6)" "who answered"
}

test_sched_fo_takes_the_heaviest() {
	sc_service fo
	xl_assert_eq "node1=5" "$(xl_http 5 | xl_tally)" "fo sends all to weight 3"
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 0 ||
		xl_fail "-e failed"
	xl_assert_eq "node2=5" "$(xl_http 5 | xl_tally)" "fo after node1 went to 0"
}

# -x: an upper threshold makes a real server overloaded at that many
# connections (IPVS's ip_vs_bind_dest); rr passes over it while it is.
test_sched_upper_threshold_overloads() {
	local out
	sc_service rr
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 3 -x 2 ||
		xl_fail "-e -x 2 failed"
	out=$(xl_adm -L -n --thresholds) || xl_fail "--thresholds failed"
	echo "$out"
	xl_assert_eq "Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn " \
		"$(sed -n 2p <<<"$out")" "the --thresholds title"
	grep -Eq "^  -> $XL_NODE1:80 +2 +0 +0 +0 *\$" <<<"$out" ||
		xl_fail "--thresholds does not show node1's upper threshold 2"
	sc_hold 6
	xl_adm -L -n
	xl_assert_eq "2 0 4 0" "$(sc_counts)" "6 held connections, node1 full at 2"
	xl_assert_eq "node1=2 node2=4" "$(sc_release 6)" "who answered"
}

# lblc, lblcr and twos: accepted by -A -s and listed as ipvsadm lists
# them.  lblc: node2 (first in the list) keeps the connections until it has
# more than its weight 2 while node1 is idle, then node1 keeps them: of 8
# held, node2 3 and node1 5 (lblcr the same here); twos spreads them.
sc_listed() {
	xl_adm -S -n | grep -q "^-A -t $XL_VIP:80 -s $1\$" ||
		xl_fail "-S does not show -s $1: $(xl_adm -S -n)"
	xl_adm -L -n | grep -q "^TCP  $XL_VIP:80 $1\$" ||
		xl_fail "-L -n does not list the service as '$1': $(xl_adm -L -n)"
}

test_sched_lblc_keeps_then_moves() {
	sc_service lblc
	sc_listed lblc
	sc_hold 8
	xl_adm -L -n
	xl_assert_eq "5 0 3 0" "$(sc_counts)" "lblc over 8 held connections"
	xl_assert_eq "node1=5 node2=3" "$(sc_release 8)" "who answered"
}

test_sched_lblcr_and_twos_listed() {
	local total
	sc_service lblcr
	sc_listed lblcr
	sc_hold 8
	xl_assert_eq "5 0 3 0" "$(sc_counts)" "lblcr over 8 held connections"
	xl_assert_eq "node1=5 node2=3" "$(sc_release 8)" "who answered"
	xl_adm -E -t "$XL_VIP:80" -s twos || xl_fail "-E -s twos failed"
	sc_listed twos
	total=$(xl_http 6 | grep -c '^node[12]$')
	xl_assert_eq 6 "$total" "twos answered 6 requests from node1 and node2"
}
