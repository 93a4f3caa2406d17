# shellcheck shell=bash disable=SC2034
# xlvs: the director under test, by direct routing, rr over both real
# servers for HTTP and UDP.  xlvs has no persistence yet, so the iperf3
# service (which needs its control and data connections on one server)
# has a single real server; the other systems pin iperf3 to one server by
# source-address affinity, which for one client is the same thing.
# The services and the attaching are shared with the NAT and tunnel
# systems (xlvs_nat.sh, xlvs_tun.sh), which differ only in the method.
SYS_LABEL[xlvs]="xlvs DR"
XLVS_ADM=${XLVS_ADM:-$B_ROOT/build/bin/xlvsadm}
XLVS_UP=0

sys_xlvs_adm() { b_in dir "$XLVS_ADM" "$@"; }

# sys_xlvs_services METHOD: the services, every real server by METHOD
# (ipvsadm's -g, -m or -i), to the same ports as the service's.
sys_xlvs_services() {
	local m=$1 p
	S_UDP_DST=$B_VIP
	S_HTTP_TARGETS=$B_VIP
	S_IPERF_TARGET=$B_VIP
	XLVS_UP=1
	for p in "-t $B_VIP:$B_HTTP_PORT" "-u $B_VIP:$B_UDP_PORT"; do
		# shellcheck disable=SC2086
		sys_xlvs_adm -A $p -s rr || sys_fail "xlvsadm -A $p" || return 1
	done
	sys_xlvs_adm -a -t "$B_VIP:$B_HTTP_PORT" -r "$B_RS1:$B_HTTP_PORT" "$m" -w 1 &&
	sys_xlvs_adm -a -t "$B_VIP:$B_HTTP_PORT" -r "$B_RS2:$B_HTTP_PORT" "$m" -w 1 &&
	sys_xlvs_adm -a -u "$B_VIP:$B_UDP_PORT" -r "$B_RS1:$B_UDP_PORT" "$m" -w 1 &&
	sys_xlvs_adm -a -u "$B_VIP:$B_UDP_PORT" -r "$B_RS2:$B_UDP_PORT" "$m" -w 1 &&
	sys_xlvs_adm -A -t "$B_VIP:$B_IPERF_PORT" -s rr &&
	sys_xlvs_adm -a -t "$B_VIP:$B_IPERF_PORT" -r "$B_RS1:$B_IPERF_PORT" "$m" -w 1 ||
		sys_fail "xlvsadm: cannot configure the services ($m)" || return 1
}

# sys_xlvs_attach DEV...: the data plane on each DEV, its NAPI on the
# director's CPU.  Attached once the real servers exist: --attach judges
# the interfaces they are routed out of (native: their veth peers run the
# count program), not the client's link, whose end has no XDP program.
sys_xlvs_attach() {
	local dev
	for dev; do
		sys_xlvs_adm --attach "$dev" >/dev/null ||
			sys_fail "xlvsadm --attach $dev" || return 1
		b_napi_pin dir "$dev" "$B_DIR_CPU" || return 1
	done
}

# sys_xlvs_client_xdp on|off: what xlvs sends back to the client (NAT's
# replies, a fragmentation-needed) is redirected or XDP_TXed into the
# client's veth, which takes it only with an XDP program of its own
# (count.bpf.c, which matches nothing there); its NAPI kept off the
# director's CPU, as the real servers' is.
sys_xlvs_client_xdp() {
	if [ "$1" = on ]; then
		b_in client "$B_TOOLS/xdpctl" count "$B_CDEV" "$B_UDP_PORT" ||
			sys_fail "cannot attach count to $B_CDEV" || return 1
		b_napi_pin client "$B_CDEV" "$B_OTHER_CPU" rt
	else
		b_in client "$B_TOOLS/xdpctl" detach "$B_CDEV" 2>/dev/null
		b_napi_gone client "$B_CDEV"
	fi
}

sys_xlvs_setup() {
	sys_xlvs_services -g || return 1
	sys_xlvs_attach "$B_DCDEV" || return 1
	b_dr_return on
}

# The data plane's counters, into the run's log (drops show up here).
sys_xlvs_counters() { sys_xlvs_adm --counters 2>&1; }

sys_xlvs_teardown() {
	local dev
	((XLVS_UP)) || return 0
	timeout 10 ip netns exec "${B_NS}dir" "$XLVS_ADM" --unload >/dev/null 2>&1
	XLVS_UP=0
	# The next system that attaches must pin its own NAPI thread.
	for dev in "$B_DCDEV" "$B_D1DEV" "$B_D2DEV"; do
		b_napi_gone dir "$dev" 2>/dev/null
	done
	b_dr_return off
}
