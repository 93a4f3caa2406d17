# shellcheck shell=bash disable=SC2034
# xlvs_nat: xlvs by NAT (-m), the like-for-like peer of nftables DNAT: the
# same services as xlvs DR (systems/xlvs.sh), the real servers' replies
# back through the director (their default route; no return links), where
# xlvs is attached on both sides: the client's link for the requests, the
# real servers' links for the replies it translates.
SYS_LABEL[xlvs_nat]="xlvs NAT"

sys_xlvs_nat_setup() {
	local i
	b_dr_return off
	# The replies are redirected into the client's veth.
	sys_xlvs_client_xdp on || return 1
	# The replies are rewritten by XDP: no partial checksums from the
	# real servers (the client's link has the same setting for all).
	for i in 1 2; do
		b_in "rs$i" ethtool -K "${B_DEV}r$i" tx off >/dev/null ||
			sys_fail "ethtool tx off on rs$i" || return 1
	done
	sys_xlvs_services -m || return 1
	sys_xlvs_attach "$B_DCDEV" "$B_D1DEV" "$B_D2DEV"
}

sys_xlvs_nat_teardown() {
	local i
	sys_xlvs_teardown
	sys_xlvs_client_xdp off
	for i in 1 2; do
		b_in "rs$i" ethtool -K "${B_DEV}r$i" tx on >/dev/null 2>&1
	done
	return 0
}
