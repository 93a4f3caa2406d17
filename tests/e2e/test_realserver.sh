# shellcheck shell=bash disable=SC2034,SC2015
# xlvs-realserver on a real server in its own namespace: up puts the VIPs
# on lo and sets the seed's ARP sysctls, up twice changes nothing more,
# down restores exactly the values before (set to non-defaults first, so
# a "restore to default" would show) and removes only the addresses it
# added; with --tunnel a tunnelled datagram from another namespace is
# decapsulated (here by our XDP program: this kernel has no ipip, fou or
# ip_gre) and reaches a socket bound to the VIP, whose answer comes back
# straight.  The director is left out: tunsend sends what a director
# forwarding by tunnel sends.

RS_BIN=${RS_BIN:-$XL_ROOT/build/bin/xlvs-realserver}
RS_TUNSEND=${RS_TUNSEND:-$XL_ROOT/build/tests/tunsend}
RS_VIP6=2001:db8::100

setup() {
	[ -x "$RS_BIN" ] || xl_fail "$RS_BIN missing: run make"
	xl_lan_up
	xl_add_host node1 "$XL_NODE1"
	xl_add_host client "$XL_CLIENT"
	RS_STATE=$XL_TMP/state
}

rs() { xl_in node1 "$RS_BIN" "$@"; }

# The sysctls up may touch, as NAME=VALUE lines.
rs_sysctls() {
	xl_in node1 sysctl net.ipv4.conf.all.arp_ignore \
		net.ipv4.conf.all.arp_announce net.ipv4.conf.lo.arp_ignore \
		net.ipv4.conf.lo.arp_announce net.ipv4.conf.all.rp_filter \
		net.ipv4.conf.eth0.rp_filter
}

rs_lo_addrs() { xl_in node1 ip -o addr show dev lo | awk '{ print $4 }' | sort; }

# Values no default has, and one already at up's value (lo.arp_ignore=1:
# up must not record it, and down must leave it).
rs_set_nondefaults() {
	xl_in node1 sysctl -qw net.ipv4.conf.all.arp_ignore=2 \
		net.ipv4.conf.all.arp_announce=1 net.ipv4.conf.lo.arp_ignore=1 \
		net.ipv4.conf.lo.arp_announce=1 || xl_fail "sysctl -w failed"
}

test_realserver_up_twice_down_restores() {
	local before_sys before_lo after1 after2 st1
	rs_set_nondefaults
	xl_in node1 sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
	# An address already on lo: up must leave it, and so must down.
	xl_in node1 ip addr add 10.77.0.201/32 dev lo
	before_sys=$(rs_sysctls)
	before_lo=$(rs_lo_addrs)

	rs up --state "$RS_STATE" "$XL_VIP" 10.77.0.201 "$RS_VIP6" ||
		xl_fail "up failed"
	xl_assert_eq "1 2 1 2" "$(xl_in node1 sysctl -n net.ipv4.conf.all.arp_ignore \
		net.ipv4.conf.all.arp_announce net.ipv4.conf.lo.arp_ignore \
		net.ipv4.conf.lo.arp_announce | xargs)" "the ARP sysctls after up"
	xl_in node1 ip -o addr show dev lo | grep -q " $XL_VIP/32 " ||
		xl_fail "no $XL_VIP/32 on lo: $(rs_lo_addrs)"
	xl_in node1 ip -o -6 addr show dev lo | grep " $RS_VIP6/128 " | grep -q nodad ||
		xl_fail "no $RS_VIP6/128 nodad on lo: $(xl_in node1 ip -o -6 addr show dev lo)"
	xl_in node1 ip -o -6 addr show dev lo | grep -q tentative &&
		xl_fail "the IPv6 VIP is tentative (DAD ran)"
	grep -q "^vip 10.77.0.201 present$" "$RS_STATE" ||
		xl_fail "the address that was there is not recorded present: $(cat "$RS_STATE")"
	grep -q "net/ipv4/conf/lo/arp_ignore" "$RS_STATE" &&
		xl_fail "lo.arp_ignore was 1 already, yet recorded: $(cat "$RS_STATE")"
	after1=$(rs_lo_addrs)
	st1=$(cat "$RS_STATE")

	# Twice: nothing more changes, nothing is recorded twice.
	rs up --state "$RS_STATE" "$XL_VIP" 10.77.0.201 "$RS_VIP6" ||
		xl_fail "the second up failed"
	after2=$(rs_lo_addrs)
	xl_assert_eq "$after1" "$after2" "lo's addresses after a second up"
	xl_assert_eq "$st1" "$(cat "$RS_STATE")" "the state after a second up"
	rs status --state "$RS_STATE" | grep -q "^vip $XL_VIP on lo, added by up$" ||
		xl_fail "status: $(rs status --state "$RS_STATE")"

	rs down --state "$RS_STATE" || xl_fail "down failed"
	xl_assert_eq "$before_sys" "$(rs_sysctls)" "the sysctls after down"
	xl_assert_eq "$before_lo" "$(rs_lo_addrs)" "lo's addresses after down"
	[ -e "$RS_STATE" ] && xl_fail "the state file is still there"
	rs status --state "$RS_STATE" | grep -q "^not up" || xl_fail "status after down"
	# down again: nothing to do, no error.
	rs down --state "$RS_STATE" >/dev/null || xl_fail "a second down failed"
}

# A sysctl changed by hand after up is the administrator's: down leaves it.
test_realserver_down_leaves_what_changed_since() {
	rs_set_nondefaults
	rs up --state "$RS_STATE" "$XL_VIP" || xl_fail "up failed"
	xl_in node1 sysctl -qw net.ipv4.conf.all.arp_announce=0
	rs down --state "$RS_STATE" 2>"$XL_TMP/err" || xl_fail "down failed"
	grep -q "net.ipv4.conf.all.arp_announce: left at 0" "$XL_TMP/err" ||
		xl_fail "down did not say it left it: $(cat "$XL_TMP/err")"
	xl_assert_eq "0 2" "$(xl_in node1 sysctl -n net.ipv4.conf.all.arp_announce \
		net.ipv4.conf.all.arp_ignore | xargs)" "after down"
}

# The default state file is per namespace: two namespaces never share it;
# the file of a namespace deleted without a down goes at the next up.
test_realserver_default_state_per_namespace() {
	local f2
	xl_add_host node2 "$XL_NODE2"
	xl_in node2 "$RS_BIN" up "$XL_VIP" || xl_fail "up in node2 failed"
	f2=$(xl_in node2 "$RS_BIN" status | sed -n 's/^up (state in \(.*\))$/\1/p')
	[ -f "$f2" ] || xl_fail "node2's state file \"$f2\" is not there"
	xl_in node2 ip link del eth0
	ip netns del "$(xl_ns node2)" || xl_fail "cannot delete node2"
	xl_add_host node2 "$XL_NODE2"
	rs up "$XL_VIP" || xl_fail "up in node1 failed"
	[ -e "$f2" ] && xl_fail "the state file of the deleted node2 is still there"
	xl_in node2 "$RS_BIN" status | grep -q "^not up" ||
		xl_fail "node2 sees node1's state: $(xl_in node2 "$RS_BIN" status)"
	rs status | grep -q "^up (state in /run/xlvs-realserver/netns-" ||
		xl_fail "status: $(rs status)"
	rs down || xl_fail "down failed"
	rs status | grep -q "^not up" || xl_fail "still up"
}

# Every bad input: refused with a message naming it, exit non-zero, and
# nothing changed (no state, the same sysctls and addresses).
test_realserver_bad_input_changes_nothing() {
	local before_sys before_lo out
	rs_set_nondefaults
	before_sys=$(rs_sysctls)
	before_lo=$(rs_lo_addrs)
	rs_refused() {
		local want=$1; shift
		out=$(rs "$@" 2>&1) && xl_fail "$* succeeded"
		[[ $out == *"$want"* ]] || xl_fail "$*: said \"$out\", not \"$want\""
		[ -e "$RS_STATE" ] && xl_fail "$*: left a state file"
		xl_assert_eq "$before_sys" "$(rs_sysctls)" "sysctls after $*"
		xl_assert_eq "$before_lo" "$(rs_lo_addrs)" "lo after $*"
	}
	rs_refused "VIP 10.77.0: not a unicast" up --state "$RS_STATE" "$XL_VIP" 10.77.0
	rs_refused "--tunnel=vxlan: unknown tunnel type" up --state "$RS_STATE" --tunnel=vxlan "$XL_VIP"
	rs_refused "--dev nosuch0: no such interface" up --state "$RS_STATE" --tunnel --dev nosuch0 "$XL_VIP"
	rs_refused "--tunnel=gue: needs --tun-port" up --state "$RS_STATE" --tunnel=gue "$XL_VIP"
	# IPv6 is off in these namespaces (netns.sh): an IPv6 VIP is refused
	# before the IPv4 one is added.
	rs_refused "VIP $RS_VIP6: IPv6 is disabled on lo" up --state "$RS_STATE" "$XL_VIP" "$RS_VIP6"
	# Another XDP program on the interface is never replaced.
	xl_in node1 ip link set dev eth0 xdpgeneric obj "$XL_RUN_DIR/xdp_pass.o" sec xdp ||
		xl_fail "cannot attach xdp_pass"
	rs_refused "--dev eth0: has another XDP program" up --state "$RS_STATE" --tunnel "$XL_VIP"
	xl_in node1 ip link show dev eth0 | grep -q xdpgeneric || xl_fail "xdp_pass is gone"
	xl_in node1 ip link set dev eth0 xdpgeneric off
	# A broken state file is refused, not guessed at.
	printf 'xlvs-realserver-state 1\nvip 10.77.0.100 maybe\n' >"$RS_STATE"
	out=$(rs down --state "$RS_STATE" 2>&1) && xl_fail "down on a broken state succeeded"
	[[ $out == *"line 2: vip: want ADDR added|present"* ]] || xl_fail "down said: $out"
	rm -f "$RS_STATE"
}

# tunsend KIND VIP [GUE_PORT]: one tunnelled datagram from the client to
# node1; prints the answer.
rs_send() {
	xl_in client "$RS_TUNSEND" "$1" "$XL_NODE1" "$2" 53 "${3:-0}" 1000
}

rs_counter() {
	rs status --state "$RS_STATE" | sed -n "/^decapsulated:/s/.* $1 \([0-9]*\).*/\1/p"
}

rs_start_server() {
	xl_bg node1 "$XL_TESTSRV" --name node1 --bind "$XL_VIP" --http-port 8080 --udp-port 53
	xl_wait_listen node1 8080 || xl_fail "testsrv on the VIP did not start"
}

test_realserver_tunnel_ipip_delivers() {
	local got
	[ -x "$RS_TUNSEND" ] || xl_fail "$RS_TUNSEND missing: run make"
	[ -d /sys/module/ipip ] && xl_log "note: this kernel has ipip; tunl0 is used"
	# Strict reverse-path filtering everywhere: up must loosen eth0 only.
	xl_in node1 sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=0
	rs up --state "$RS_STATE" --tunnel "$XL_VIP" || xl_fail "up --tunnel failed"
	rs_start_server
	xl_in node1 ip link show dev eth0 | grep -q "prog/xdp" ||
		xl_fail "no XDP program on eth0"
	xl_assert_eq "2" "$(xl_in node1 sysctl -n net.ipv4.conf.eth0.rp_filter)" "eth0 rp_filter"
	got=$(rs_send ipip "$XL_VIP") || xl_fail "no answer to an ipip datagram: $(rs status --state "$RS_STATE")"
	xl_assert_eq "node1" "$got" "the answer through ipip"
	xl_assert_eq "1" "$(rs_counter ipip)" "decapsulated ipip"
	# To an address that is not a VIP: passed on, not delivered.
	rs_send ipip 10.77.0.200 && xl_fail "an ipip datagram to a non-VIP was answered"
	xl_assert_eq "1" "$(rs_counter not-vip)" "passed as not-vip"
	# Another up of the same: harmless; a new VIP joins the program's map.
	rs up --state "$RS_STATE" --tunnel "$XL_VIP" 10.77.0.200 || xl_fail "second up failed"
	xl_assert_eq "1" "$(grep -c '^xdp ' "$RS_STATE")" "xdp records after a second up"
	rs down --state "$RS_STATE" || xl_fail "down failed"
	xl_in node1 ip link show dev eth0 | grep -q "prog/xdp" &&
		xl_fail "the XDP program is still on eth0"
	xl_assert_eq "0" "$(xl_in node1 sysctl -n net.ipv4.conf.eth0.rp_filter)" "eth0 rp_filter after down"
	# Without us (and with no ipip in this kernel) nothing arrives.
	if [ ! -d /sys/module/ipip ]; then
		xl_in node1 ip addr add "$XL_VIP/32" dev lo
		rs_send ipip "$XL_VIP" && xl_fail "answered after down"
	fi
	return 0
}

test_realserver_tunnel_gre_delivers() {
	local got
	rs up --state "$RS_STATE" --tunnel=gre "$XL_VIP" || xl_fail "up --tunnel=gre failed"
	rs_start_server
	got=$(rs_send gre "$XL_VIP") || xl_fail "no answer to a GRE datagram"
	xl_assert_eq "node1" "$got" "the answer through GRE"
	got=$(rs_send gre-csum "$XL_VIP") || xl_fail "no answer to a GRE datagram with checksum"
	xl_assert_eq "node1" "$got" "the answer through GRE with checksum"
	xl_assert_eq "2" "$(rs_counter gre)" "decapsulated gre"
	# This program strips GRE only.
	rs_send ipip "$XL_VIP" && xl_fail "an ipip datagram was answered by a gre up"
	rs down --state "$RS_STATE" || xl_fail "down failed"
}

test_realserver_tunnel_gue_delivers() {
	local got out
	rs up --state "$RS_STATE" --tunnel=gue --tun-port 6080 "$XL_VIP" ||
		xl_fail "up --tunnel=gue failed"
	rs_start_server
	got=$(rs_send gue "$XL_VIP" 6080) || xl_fail "no answer to a GUE datagram"
	xl_assert_eq "node1" "$got" "the answer through GUE"
	rs_send gue "$XL_VIP" 6081 && xl_fail "a GUE datagram to another port was answered"
	xl_assert_eq "1" "$(rs_counter gue)" "decapsulated gue"
	# Another tunnel type while up: refused, nothing changed.
	out=$(rs up --state "$RS_STATE" --tunnel=ipip "$XL_VIP" 2>&1) &&
		xl_fail "up --tunnel=ipip over gue succeeded"
	[[ $out == *"--tunnel=ipip: up made gue tunnels arrive already"* ]] || xl_fail "said: $out"
	rs down --state "$RS_STATE" || xl_fail "down failed"
}

# --persist writes the configuration the unit reads; up --config reads it.
test_realserver_persist_config() {
	local conf=$XL_TMP/realserver.conf
	rs up --state "$RS_STATE" --persist --config "$conf" --tunnel=gue \
		--tun-port 6080 "$XL_VIP" 2>"$XL_TMP/err" || xl_fail "up --persist failed"
	grep -qx "tunnel gue" "$conf" && grep -qx "tun-port 6080" "$conf" &&
		grep -qx "vip $XL_VIP" "$conf" || xl_fail "config: $(cat "$conf")"
	rs down --state "$RS_STATE" || xl_fail "down failed"
	[ -e "$conf" ] || xl_fail "down without --persist removed the config"
	rs up --state "$RS_STATE" --config "$conf" || xl_fail "up --config failed"
	grep -q "^tunnel gue 6080$" "$RS_STATE" || xl_fail "state: $(cat "$RS_STATE")"
	rs down --state "$RS_STATE" --persist --config "$conf" || xl_fail "down --persist failed"
	[ -e "$conf" ] && xl_fail "down --persist left the config"
	return 0
}

# IPv6 for IPv6 services (IPVS's ip6ip6, and GUE and GRE over IPv6): the
# namespaces get IPv6 (netns.sh turns it off), node1 2001:db8:77::103.
rs_ipv6_on() {
	local h
	for h in node1 client; do
		xl_in "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
			net.ipv6.conf.default.disable_ipv6=0 \
			net.ipv6.conf.eth0.disable_ipv6=0 \
			net.ipv6.conf.lo.disable_ipv6=0 || xl_fail "IPv6 on in $h"
	done
	xl_in node1 ip -6 addr add 2001:db8:77::103/64 dev eth0 nodad
	xl_in client ip -6 addr add 2001:db8:77::10/64 dev eth0 nodad
}

test_realserver_tunnel_ipv6_delivers() {
	local kind got
	rs_ipv6_on
	for kind in ipip gre gue; do
		rs up --state "$RS_STATE" "--tunnel=$kind" \
			$([ $kind = gue ] && echo --tun-port 6080) "$RS_VIP6" ||
			xl_fail "up --tunnel=$kind $RS_VIP6 failed"
		xl_in node1 ip -o -6 addr show dev lo | grep -q " $RS_VIP6/128 " ||
			xl_fail "no $RS_VIP6/128 on lo"
		xl_bg node1 "$RS_TUNSEND" serve "$RS_VIP6" 53 node1
		sleep 0.2
		got=$(xl_in client "$RS_TUNSEND" "$kind" 2001:db8:77::103 "$RS_VIP6" 53 6080 1000) ||
			xl_fail "no answer to a $kind datagram over IPv6: $(rs status --state "$RS_STATE")"
		xl_assert_eq "node1" "$got" "the answer through $kind over IPv6"
		xl_assert_eq "1" "$(rs_counter "$kind")" "decapsulated $kind over IPv6"
		xl_kill_pid "$XL_LAST_PID"
		rs down --state "$RS_STATE" || xl_fail "down failed"
		xl_in node1 ip -o -6 addr show dev lo | grep -q " $RS_VIP6/128 " &&
			xl_fail "$RS_VIP6 is still on lo after down"
	done
	return 0
}
