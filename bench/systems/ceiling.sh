# shellcheck shell=bash disable=SC2034
# ceiling: xdp/ceiling.bpf.c on the director's client-side veth: a
# stateless MAC rewrite and redirect, direct routing with nothing else.
# The XDP ceiling xlvs is measured against.
SYS_LABEL[ceiling]="XDP ceiling (MAC rewrite + redirect)"

sys_ceiling_setup() {
	S_UDP_DST=$B_VIP
	S_HTTP_TARGETS=$B_VIP
	S_IPERF_TARGET=$B_VIP
	b_in dir "$B_TOOLS/xdpctl" ceiling "$B_DCDEV" "$B_VIP" "$B_IPERF_PORT" \
		"$B_D1DEV=$(b_mac rs1 "$B_R1DEV")" \
		"$B_D2DEV=$(b_mac rs2 "$B_R2DEV")" || sys_fail "cannot attach ceiling" || return 1
	b_napi_pin dir "$B_DCDEV" "$B_DIR_CPU" || return 1
	b_dr_return on
}

sys_ceiling_teardown() {
	b_in dir "$B_TOOLS/xdpctl" detach "$B_DCDEV" 2>/dev/null
	b_dr_return off
}
