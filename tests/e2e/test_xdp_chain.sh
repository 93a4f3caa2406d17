# shellcheck shell=bash disable=SC2034,SC2015
# xlvs and xdp-filter (xdp-tools) on the director's eth0, through libxdp's
# dispatcher: the filter (run priority 10) in front of xlvs (100), a source
# it denies never reaching the virtual service, an allowed one balanced
# wrr 3:2 as ever, and either program detached leaving the other working.
#
# The dispatcher's components are BPF program extensions.  A kernel
# without them (bpftool: "program_type ext is NOT available"; this
# project's test VM is one) runs one XDP program a device: there each case
# checks what xlvs promises instead: a second program is refused by
# whichever comes second, with the reason, and the first goes on as it was.
#
# xdp-filter keeps its state in a bpffs of this case's own (XC_BPFFS,
# bind-mounted on /sys/fs/bpf for each of its commands), and both xlvsadm
# and xdp-filter are told to keep libxdp's there (LIBXDP_BPFFS), so that
# they find each other's dispatcher and nothing of theirs is left behind.

XC_CLIENT2=$XL_NET.11		# the source xdp-filter denies
XC_BPFFS=

# xc_ext: whether the kernel has BPF program extensions.
xc_ext() {
	bpftool feature probe kernel 2>/dev/null |
		grep -q "program_type ext is available"
}

# xc_up: the seed's cluster, a second client, the private bpffs, xlvs on
# ha1's eth0 (native: the bridge ends run xdp_pass) and the seed's services.
xc_up() {
	xl_cluster_up
	xl_add_host client2 "$XC_CLIENT2"
	XC_BPFFS=$XL_TMP/bpffs
	mkdir -p "$XC_BPFFS" && mount -t bpf bpf "$XC_BPFFS" ||
		xl_fail "cannot mount a bpffs on $XC_BPFFS"
	trap 'xl_cleanup; umount -l "$XC_BPFFS" 2>/dev/null; rm -rf "$XL_TMP"' EXIT
	export LIBXDP_BPFFS=$XC_BPFFS
	xl_adm --attach eth0 --conn-max 65536 2>"$XL_TMP/err" ||
		xl_fail "--attach eth0: $(cat "$XL_TMP/err")"
	xl_seed_services
	if xc_ext; then
		echo "kernel: BPF program extensions available: libxdp's dispatcher runs"
	else
		echo "kernel: no BPF program extensions (bpftool: program_type ext NOT available): one XDP program a device"
	fi
}

# xc_tool CMD ARGS...: an xdp-tools command (xdp-filter, xdp-loader) in
# ha1's network namespace, with this case's bpffs on /sys/fs/bpf.
xc_tool() {
	nsenter --net="/run/netns/${XL_PREFIX}ha1" unshare -m sh -c \
		'mount --bind "$0" /sys/fs/bpf && exec "$@"' "$XC_BPFFS" "$@"
}

# xc_filter_on: xdp-filter on eth0, everything allowed but what it is told.
xc_filter_on() {
	xc_tool xdp-filter load -m native -p allow -f ipv4 eth0
}

# xc_http HOST COUNT: COUNT requests from HOST to the VIP, tallied by the
# node that answered ("none" when nothing did in 2 s).
xc_http() {
	local host=$1 n=$2 i page
	for ((i = 0; i < n; i++)); do
		page=$(xl_in "$host" curl -s --max-time 2 "http://$XL_VIP/")
		case $page in
		"Test Page of "*) echo "${page#Test Page of }" ;;
		*) echo none ;;
		esac
	done | xl_tally
}

# xc_pings HOST: how many of 3 pings from HOST to ha1's own address came
# back (xlvs passes them to the kernel; a filter in front may drop them).
xc_pings() {
	xl_in "$1" ping -c 3 -i 0.2 -W 1 "$XL_HA1" 2>/dev/null |
		awk '/received/ { print $4 }'
}

# xc_progs: the names of the XDP programs on ha1's eth0, one a line.
xc_progs() {
	xc_tool xdp-loader status eth0 2>&1 |
		grep -oE "xlvs_xdp|xdpfilt_[a-z_]+|xdp_dispatcher" | sort -u
}

# Filter in front: the denied source gets nothing, its packets never reach
# xlvs (whose packet counter stands still), the allowed one is balanced;
# lifting the rule lets the second client through the same chain.
test_xdp_chain_filter_in_front() {
	local before err
	xc_up
	if ! xc_ext; then
		xc_filter_on 2>"$XL_TMP/err" &&
			xl_fail "xdp-filter loaded beside xlvs on a kernel that runs one program a device"
		echo "xdp-filter load beside xlvs, refused: $(cat "$XL_TMP/err")"
		grep -qiE "dispatcher|unload first" "$XL_TMP/err" ||
			xl_fail "xdp-filter's refusal does not say why"
		xl_assert_eq xlvs_xdp "$(xc_progs)" "the programs on eth0 after the refusal"
		xl_assert_eq "node1=6 node2=4" "$(xc_http client 10)" "10 requests from the client"
		xl_assert_eq "node1=6 node2=4" "$(xc_http client2 10)" "10 requests from client2"
		return 0
	fi
	xc_filter_on 2>"$XL_TMP/err" || xl_fail "xdp-filter load: $(cat "$XL_TMP/err")"
	xc_tool xdp-filter ip -m src "$XC_CLIENT2" || xl_fail "xdp-filter ip $XC_CLIENT2"
	xc_tool xdp-loader status eth0
	xl_assert_eq "xdp_dispatcher
xdpfilt_alw_ip
xlvs_xdp" "$(xc_progs)" "the programs on eth0"
	# The filter's priority is lower: it is listed, and runs, first.
	xc_tool xdp-loader status eth0 | grep -E "xdpfilt|xlvs_xdp" | head -1 |
		grep -q xdpfilt || xl_fail "xdp-filter does not run before xlvs"
	xl_assert_eq "node1=6 node2=4" "$(xc_http client 10)" "10 requests from the client"
	before=$(xl_counter pkts_in)
	xl_assert_eq "none=5" "$(xc_http client2 5)" "5 requests from the denied client2"
	xl_assert_eq "$before" "$(xl_counter pkts_in)" \
		"xlvs's pkts_in while client2 was denied (the filter runs first)"
	err=$(xl_in client2 "$XL_UDPASK" "$XL_VIP" 53 3 500 2>&1) &&
		xl_fail "UDP from the denied client2 answered: $err"
	xc_tool xdp-filter ip -r -m src "$XC_CLIENT2" || xl_fail "xdp-filter ip -r"
	xl_assert_eq "node1=6 node2=4" "$(xc_http client2 10)" \
		"10 requests from client2 once its rule is removed"
}

# Either detached, the other goes on: without xlvs the filter still drops
# client2 (its pings to the director); without the filter xlvs balances
# both clients.
test_xdp_chain_detach_leaves_other() {
	xc_up
	if ! xc_ext; then
		xl_adm --detach eth0 || xl_fail "--detach eth0"
		xc_filter_on 2>"$XL_TMP/err" || xl_fail "xdp-filter load alone: $(cat "$XL_TMP/err")"
		xc_tool xdp-filter ip -m src "$XC_CLIENT2" || xl_fail "xdp-filter ip"
		xl_assert_eq 0 "$(xc_pings client2)" "pings from the denied client2"
		xl_assert_eq 3 "$(xc_pings client)" "pings from the client"
		xl_adm --attach eth0 2>"$XL_TMP/err" &&
			xl_fail "--attach beside xdp-filter succeeded on a kernel that runs one program a device"
		echo "--attach beside xdp-filter, refused: $(cat "$XL_TMP/err")"
		grep -q "program extensions" "$XL_TMP/err" ||
			xl_fail "the refusal does not name the kernel's missing program extensions"
		xl_assert_eq 0 "$(xc_pings client2)" "pings from client2 after the refusal"
		xc_tool xdp-filter unload eth0 || xl_fail "xdp-filter unload"
		xl_adm --attach eth0 2>/dev/null || xl_fail "--attach once the filter is gone"
		xl_assert_eq "node1=6 node2=4" "$(xc_http client2 10)" "10 requests from client2"
		return 0
	fi
	xc_filter_on || xl_fail "xdp-filter load"
	xc_tool xdp-filter ip -m src "$XC_CLIENT2" || xl_fail "xdp-filter ip"
	xl_adm --detach eth0 || xl_fail "--detach eth0"
	xl_assert_eq "xdp_dispatcher
xdpfilt_alw_ip" "$(xc_progs)" "the programs on eth0 once xlvs is detached"
	xl_assert_eq 0 "$(xc_pings client2)" "pings from the denied client2, xlvs detached"
	xl_assert_eq 3 "$(xc_pings client)" "pings from the client, xlvs detached"
	xl_adm --attach eth0 2>/dev/null || xl_fail "--attach again beside the filter"
	xl_assert_eq "node1=6 node2=4" "$(xc_http client 10)" "10 requests from the client"
	xl_assert_eq "none=3" "$(xc_http client2 3)" "3 requests from the denied client2"
	xc_tool xdp-filter unload eth0 || xl_fail "xdp-filter unload"
	xl_assert_eq "xdp_dispatcher
xlvs_xdp" "$(xc_progs)" "the programs on eth0 once the filter is unloaded"
	xl_assert_eq "node1=6 node2=4" "$(xc_http client2 10)" \
		"10 requests from client2, the filter unloaded"
}
