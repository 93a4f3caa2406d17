# shellcheck shell=bash disable=SC2034
# nft: nftables DNAT on the director, picking a real server with numgen
# as kube-proxy's nftables mode does; conntrack undoes it on the replies,
# which therefore come back through the director.  iperf3 gets source
# affinity (jhash of the source address) so its two connections meet.
SYS_LABEL[nft]="nftables DNAT (numgen)"

sys_nft_setup() {
	S_UDP_DST=$B_VIP
	S_HTTP_TARGETS=$B_VIP
	S_IPERF_TARGET=$B_VIP
	b_dr_return off
	b_in dir nft -f - <<-NFT || sys_fail "nft rules" || return 1
	table ip xlvsbench {
	    chain prerouting {
	        type nat hook prerouting priority dstnat; policy accept;
	        ip daddr $B_VIP tcp dport $B_HTTP_PORT dnat to numgen random mod 2 map { 0 : $B_RS1, 1 : $B_RS2 }
	        ip daddr $B_VIP udp dport $B_UDP_PORT dnat to numgen random mod 2 map { 0 : $B_RS1, 1 : $B_RS2 }
	        ip daddr $B_VIP tcp dport $B_IPERF_PORT dnat to jhash ip saddr mod 2 map { 0 : $B_RS1, 1 : $B_RS2 }
	    }
	}
	NFT
}

sys_nft_teardown() {
	b_in dir nft delete table ip xlvsbench 2>/dev/null
	b_in dir conntrack -F >/dev/null 2>&1
	return 0
}
