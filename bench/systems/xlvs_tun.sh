# shellcheck shell=bash disable=SC2034
# xlvs_tun: xlvs by tunnel (-i, ipip), the same services as xlvs DR
# (systems/xlvs.sh), beside the XDP ceiling.  The real servers are
# prepared with `xlvs-realserver up --tunnel VIP` on their director-side
# link (this kernel has no ipip module: its XDP decapsulation), and answer
# over the return links as for direct routing.  For the UDP load the
# count program takes that link instead, counting the UDP packet inside
# each ipip frame, so the real servers' side costs what it costs for the
# ceiling and DR; every TCP load goes through xlvs-realserver's program.
SYS_LABEL[xlvs_tun]="xlvs tunnel (ipip)"
XLVS_RS=${XLVS_RS:-$B_ROOT/build/bin/xlvs-realserver}
XLVS_TUN_RS=		# on the real servers' links now: count or decap

# sys_xlvs_tun_rs count|decap: what takes the tunnelled frames.
sys_xlvs_tun_rs() {
	local want=$1 i host dev state
	[ "$XLVS_TUN_RS" = "$want" ] && return 0
	XLVS_TUN_RS=
	for i in 1 2; do
		host=rs$i dev=${B_DEV}r$i state=$B_RUN/rs$i/realserver.state
		if [ "$want" = decap ]; then
			b_in "$host" "$B_TOOLS/xdpctl" detach "$dev"
			b_napi_gone "$host" "$dev" || return 1
			b_in "$host" "$XLVS_RS" up --tunnel --dev "$dev" \
				--state "$state" "$B_VIP" >/dev/null ||
				sys_fail "xlvs-realserver up in $host" || return 1
		else
			[ -f "$state" ] &&
				b_in "$host" "$XLVS_RS" down --state "$state" >/dev/null
			b_napi_gone "$host" "$dev" || return 1
			b_in "$host" "$B_TOOLS/xdpctl" count "$dev" "$B_UDP_PORT" ||
				sys_fail "cannot attach count to $dev" || return 1
		fi
		b_napi_pin "$host" "$dev" "$B_OTHER_CPU" rt || return 1
	done
	XLVS_TUN_RS=$want
}

sys_xlvs_tun_setup() {
	# The director's fragmentation-needed (XDP_TX back to the client)
	# must arrive, or the path MTU is a black hole.
	sys_xlvs_client_xdp on || return 1
	sys_xlvs_tun_rs decap || return 1
	sys_xlvs_services -i || return 1
	sys_xlvs_attach "$B_DCDEV" || return 1
	b_dr_return on
}

# Called before each load (bench/run).
sys_xlvs_tun_load() {
	if [ "$1" = udp ]; then sys_xlvs_tun_rs count; else sys_xlvs_tun_rs decap; fi
}

sys_xlvs_tun_teardown() {
	sys_xlvs_teardown
	sys_xlvs_client_xdp off
	sys_xlvs_tun_rs count
	# The path MTU the client learnt (1480: the tunnel's outer header)
	# is not the next system's.
	b_in client ip route flush cache
	return 0
}
