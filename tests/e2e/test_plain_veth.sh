# shellcheck shell=bash disable=SC2034,SC2015
# --attach on a bridge of plain veth pairs, as a new user builds one: GRO
# on at the bridge ends, no XDP program there, offloads as they come
# (XL_LINKS=plain).  Native XDP_TX out of the director's eth0 would sit in
# the bridge end's queue (drivers/net/veth.c: veth_xdp_flush wakes the
# peer only if it runs an XDP program), so a plain --attach must choose
# generic mode and say why, --xdp-mode native must be refused before
# anything is made, and HTTP to the VIP must then work every time.  The
# project's own networks (xdp_pass on every bridge end) still get native.

PV_REQUESTS=20

# pv_cluster: the seed's cluster with plain links.
pv_cluster() {
	XL_LINKS=plain xl_cluster_up
	local link
	link=$(xl_in lan ip -d link show dev ha1)
	[[ $link != *xdp* ]] || xl_fail "the bridge end ha1 runs XDP: $link"
	xl_in lan ethtool -k ha1 | grep -q '^generic-receive-offload: on' ||
		xl_fail "GRO is not on at the bridge end ha1"
}

# pv_mode: the XDP mode eth0 of ha1 runs a program in: xdp (native),
# xdpgeneric, or none.
pv_mode() {
	local link
	link=$(xl_in ha1 ip -d link show dev eth0)
	if [[ $link == *xdpgeneric* ]]; then echo xdpgeneric
	elif [[ $link == *" xdp "* || $link == *"prog/xdp"* ]]; then echo xdp
	else echo none
	fi
}

# pv_http_all: PV_REQUESTS requests, all answered, spread wrr 3:2.
pv_http_all() {
	local want="node1=$((PV_REQUESTS * 3 / 5)) node2=$((PV_REQUESTS * 2 / 5))"
	xl_seed_services
	xl_assert_eq "$want" "$(xl_http "$PV_REQUESTS" | xl_tally)" \
		"$PV_REQUESTS HTTP requests to the VIP through the director"
	(($(xl_counter pkts_fwd) >= PV_REQUESTS)) ||
		xl_fail "the XDP program forwarded fewer than $PV_REQUESTS packets"
}

# A plain --attach: generic mode, a loud warning naming the cause (the
# bridge end ha1 without an XDP program) and the fix; HTTP works.
test_plain_veth_attach_chooses_generic() {
	pv_cluster
	xl_adm --attach eth0 --conn-max 65536 2>"$XL_TMP/err" ||
		xl_fail "--attach eth0 failed: $(cat "$XL_TMP/err")"
	echo "--attach eth0, stderr: $(cat "$XL_TMP/err")"
	grep -q WARNING "$XL_TMP/err" || xl_fail "no WARNING on stderr"
	grep -q "generic" "$XL_TMP/err" && grep -q "veth peer ha1" "$XL_TMP/err" &&
		grep -q "no XDP program" "$XL_TMP/err" ||
		xl_fail "the warning does not name generic mode and its cause"
	xl_assert_eq xdpgeneric "$(pv_mode)" "the mode eth0 runs the program in"
	pv_http_all
}

# The same after the services exist: the real servers are reached by
# eth0, so XDP_TX out of it is what is judged.
test_plain_veth_attach_after_services() {
	pv_cluster
	xl_seed_services
	xl_adm --attach eth0 2>"$XL_TMP/err" ||
		xl_fail "--attach eth0 failed: $(cat "$XL_TMP/err")"
	echo "--attach eth0, stderr: $(cat "$XL_TMP/err")"
	grep -q "WARNING.*generic" "$XL_TMP/err" || xl_fail "no warning of generic mode"
	xl_assert_eq xdpgeneric "$(pv_mode)" "the mode eth0 runs the program in"
	xl_assert_eq "node1=3 node2=2" "$(xl_http 5 | xl_tally)" \
		"5 HTTP requests to the VIP"
}

# --xdp-mode native: exit 1, one line naming the cause and the fix, and
# nothing attached or created (no table pinned for ha1's namespace: its
# meta pin, written last, is what makes a table).
test_plain_veth_native_refused() {
	local rc ino
	pv_cluster
	xl_adm --attach eth0 --xdp-mode native >"$XL_TMP/out" 2>"$XL_TMP/err"
	rc=$?
	echo "--attach eth0 --xdp-mode native -> exit $rc, stderr: $(cat "$XL_TMP/err")"
	xl_assert_eq 1 "$rc" "exit code of --xdp-mode native"
	xl_assert_eq 1 "$(wc -l <"$XL_TMP/err")" "stderr lines"
	grep -q "veth peer ha1" "$XL_TMP/err" &&
		grep -q "attach an XDP program" "$XL_TMP/err" &&
		grep -q -- "--xdp-mode generic" "$XL_TMP/err" ||
		xl_fail "the refusal does not name the cause and the fix"
	xl_assert_eq none "$(pv_mode)" "XDP on eth0 after the refusal"
	ino=$(xl_in ha1 stat -L -c %i /proc/self/ns/net)
	if compgen -G "/sys/fs/bpf/xlvs/netns-$ino-*/meta" >/dev/null; then
		xl_fail "a table was created for ha1's namespace"
	fi
}

# The fix the message names works: with an XDP program on the bridge end
# ha1, a plain --attach chooses native, silently, and HTTP works.  The
# client's checksum offload goes off as in netns.sh's own links: a sender
# on this host hands the veth packets with partial checksums, and native
# XDP_TX makes a frame of the packet, losing the skb's note that the
# checksum is still to be completed (generic mode keeps the skb).
test_plain_veth_peer_program_gives_native() {
	pv_cluster
	xl_in lan ip link set dev ha1 xdpdrv obj "$XL_RUN_DIR/xdp_pass.o" sec xdp ||
		xl_fail "cannot attach xdp_pass to ha1"
	xl_in client ethtool -K eth0 tx off >/dev/null ||
		xl_fail "ethtool tx off on the client failed"
	xl_adm --attach eth0 --conn-max 65536 2>"$XL_TMP/err" ||
		xl_fail "--attach eth0 failed: $(cat "$XL_TMP/err")"
	echo "--attach eth0, stderr: $(cat "$XL_TMP/err")"
	if grep -qi "warning" "$XL_TMP/err"; then
		xl_fail "a warning with an XDP program on the peer"
	fi
	xl_assert_eq xdp "$(pv_mode)" "the mode eth0 runs the program in"
	pv_http_all
}

# The project's own networks (netns.sh without XL_LINKS) are unchanged and
# still get native mode with no warning.
test_plain_veth_project_links_stay_native() {
	xl_cluster_up
	[[ $(xl_in lan ip -d link show dev ha1) == *xdp* ]] ||
		xl_fail "netns.sh's bridge end ha1 has no xdp_pass"
	xl_adm --attach eth0 --conn-max 65536 2>"$XL_TMP/err" ||
		xl_fail "--attach eth0 failed: $(cat "$XL_TMP/err")"
	if grep -qi "warning" "$XL_TMP/err"; then
		xl_fail "a warning on the project's network: $(cat "$XL_TMP/err")"
	fi
	xl_assert_eq xdp "$(pv_mode)" "the mode eth0 runs the program in"
	pv_http_all
}
