# shellcheck shell=bash disable=SC2034,SC2015,SC2153
# NAT (-m) over IPv6, test_nat.sh's topology with fd00::/8 addresses only:
# LAN A (fd00:77::/64) holds the client and the director's eth0 with the
# VIP [fd00:77::100]; LAN B (fd00:78::/64) the director's eth1 and the
# real servers, whose only interface is there and whose default route is
# the director.  The client has no route to LAN B: an answer it gets came
# from the VIP.  xlvs is on both of the director's interfaces.
#
# The real servers listen on other ports than the services': testsrv on
# 8080 (HTTP) and 5353 (UDP) behind [VIP]:80 and [VIP]:53, filesrv.py (the
# 20 MB file) on 9090 behind [VIP]:8000.

N6_NET=fd00:78:
N6_HA1=$N6_NET:101
N6_NODE1=$N6_NET:103
N6_NODE2=$N6_NET:104
N6_HTTP=8080
N6_UDP=5353
N6_FILE=9090
N6_FILE_VPORT=8000
N6_MTU=1300
N6_URL="http://[$XL_VIP6]"
N6_PEEK="$XL_ROOT/tests/e2e/peek.py"

setup() {
	local host
	xl_lan_up
	xl_add_director ha1 "$XL_HA1_6" "$XL_VIP6"
	xl_add_host client "$XL_CLIENT6"
	xl_bridge_add lanb
	xl_add_link lanb ha1 eth1 "$N6_HA1"
	for host in node1 node2; do
		local v=N6_${host^^}
		xl_add_routed_host lanb "$host" "${!v}" "$N6_HA1"
		xl_start_testsrv "$host" "$host" "$N6_HTTP" "$N6_UDP" ::
	done
	xl_in client ip -6 route get "$N6_NODE1" >/dev/null 2>&1 &&
		xl_fail "the client has a route to LAN B"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach eth0 failed"
	xl_adm --attach eth1 || xl_fail "xlvsadm --attach eth1 failed"
}

# n6_services: [VIP]:80 and [VIP]:53 by wrr 3:1, [VIP]:8000 by rr, by NAT
# to the real servers' ports.
n6_services() {
	xl_adm -A -t "[$XL_VIP6]:80" -s wrr &&
	xl_adm -a -t "[$XL_VIP6]:80" -r "[$N6_NODE1]:$N6_HTTP" -m -w 3 &&
	xl_adm -a -t "[$XL_VIP6]:80" -r "[$N6_NODE2]:$N6_HTTP" -m -w 1 &&
	xl_adm -A -u "[$XL_VIP6]:53" -s wrr &&
	xl_adm -a -u "[$XL_VIP6]:53" -r "[$N6_NODE1]:$N6_UDP" -m -w 3 &&
	xl_adm -a -u "[$XL_VIP6]:53" -r "[$N6_NODE2]:$N6_UDP" -m -w 1 &&
	xl_adm -A -t "[$XL_VIP6]:$N6_FILE_VPORT" -s rr &&
	xl_adm -a -t "[$XL_VIP6]:$N6_FILE_VPORT" -r "[$N6_NODE1]:$N6_FILE" -m &&
	xl_adm -a -t "[$XL_VIP6]:$N6_FILE_VPORT" -r "[$N6_NODE2]:$N6_FILE" -m ||
		xl_fail "configuring the IPv6 NAT services failed"
}

n6_diagnose() {
	local h
	xl_adm --counters | awk '$2 != 0' >&2
	xl_adm -L -n --stats >&2
	xl_adm -L -c -n | head -20 >&2
	for h in node1 node2; do
		echo "$h: $(xl_in "$h" ip -6 route get "$XL_CLIENT6" | head -1)" >&2
	done
	for h in ha1 client node1 node2; do
		echo "$h:" >&2
		xl_in "$h" nstat -az 2>/dev/null | awk '$2 != 0' |
			grep -Ei "err|drop|discard|retrans|unreach|toobig" >&2
	done
}

# 0. The topology alone: the director reaches both LANs, the real servers
# reach the director and answer on their own addresses (from the
# director), and their way to the client is through it.
test_ipv6_nat_topology() {
	local a got h
	got=$(xl_in client python3 "$N6_PEEK" ping6 "$XL_VIP6") ||
		xl_fail "the client cannot ping6 the VIP"
	for h in node1 node2; do
		a=N6_${h^^}
		got=$(xl_in ha1 python3 "$N6_PEEK" ping6 "${!a}") ||
			xl_fail "the director cannot ping6 $h"
		xl_assert_eq "Test Page of $h" \
			"$(xl_in ha1 curl -g -s --max-time 2 "http://[${!a}]:$N6_HTTP/")" \
			"HTTP from $h's own address"
		xl_assert_eq "$h" "$(xl_in ha1 "$XL_UDPASK" "${!a}" "$N6_UDP" 1)" \
			"UDP from $h's own address"
		xl_in "$h" ip -6 route get "$XL_CLIENT6" | grep -q " via $N6_HA1 " ||
			xl_fail "$h's way to the client: $(xl_in "$h" ip -6 route get "$XL_CLIENT6")"
	done
}

# 1. 40 HTTP requests over wrr 3:1 by NAT to port 8080: 30 and 10, each
# answered from the VIP through the director.
test_ipv6_nat_http_wrr_30_10() {
	local r0 r1
	n6_services
	r0=$(xl_counter pkts_reply)
	xl_http 40 "$N6_URL/" >"$XL_TMP/answers"
	[ "$(xl_tally <"$XL_TMP/answers")" = "node1=30 node2=10" ] || n6_diagnose
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 HTTP requests over wrr 3:1, by NAT over IPv6"
	r1=$(xl_counter pkts_reply)
	echo "replies translated: $((r1 - r0))"
	((r1 - r0 >= 120)) || xl_fail "only $((r1 - r0)) replies translated (pkts_reply)"
	xl_adm -L -n | grep -q "^  -> \[$N6_NODE1\]:$N6_HTTP *Masq  *3 " ||
		xl_fail "-L -n does not show node1 as Masq 3: $(xl_adm -L -n)"
}

# 2. UDP: 40 flows from sockets connected to [VIP]:53 are answered, 30
# and 10; one answer comes from [VIP]:53 with the hop limit the real
# server sent (64) lowered by one.
test_ipv6_nat_udp_from_vip() {
	local got
	n6_services
	xl_in client "$XL_UDPASK" "$XL_VIP6" 53 40 1000 >"$XL_TMP/answers" ||
		{ n6_diagnose; xl_fail "udpask: some datagrams got no reply: $(xl_tally <"$XL_TMP/answers")"; }
	xl_assert_eq "node1=30 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"40 UDP flows over wrr 3:1, by NAT to port $N6_UDP"
	got=$(xl_in client python3 "$N6_PEEK" ask "$XL_VIP6" 53) ||
		xl_fail "no answer to a connected socket"
	xl_assert_eq "[$XL_VIP6]:53 63" "$(cut -d' ' -f1,2 <<<"$got")" \
		"the answer's source and hop limit ($got)"
}

n6_download() {
	xl_download "$N6_URL:$N6_FILE_VPORT/" "$1" && return 0
	n6_diagnose
	xl_fail "the 20 MB download ($1) is not the file"
}

n6_files_up() {
	xl_start_filesrv node1 "$N6_FILE" ::
	xl_start_filesrv node2 "$N6_FILE" ::
}

# 3. A 20 MB download from each real server in turn (rr), whole.
test_ipv6_nat_download_sha256() {
	n6_services
	n6_files_up
	n6_download first
	n6_download second
	xl_adm -L -n --stats | awk '$1 == "->" && $2 ~ /:'"$N6_FILE"'$/ { print $2, $3 }' |
		sort >"$XL_TMP/conns"
	xl_assert_eq "[$N6_NODE1]:$N6_FILE 1
[$N6_NODE2]:$N6_FILE 1" "$(cat "$XL_TMP/conns")" "one download from each real server"
}

# 4. Path-MTU discovery through the director, as test_nat.sh's: its link
# to LAN A has an MTU of 1300, the rest 1500, so a real server's
# full-sized segment (MSS 1440, the client's) does not fit the way back.
# The data plane leaves such a reply to the kernel untranslated, whose
# forwarding answers it with ICMPv6 Packet Too Big (MTU 1300); the real
# server learns it and the download arrives whole.  (An MTU of 1300 on
# LAN B instead would only lower the real servers' MSS: nothing would be
# too big, nothing to discover.)
test_ipv6_nat_pmtu_download() {
	local host learnt=0
	n6_services
	xl_in ha1 ip link set eth0 mtu "$N6_MTU" &&
	xl_in lan ip link set ha1 mtu "$N6_MTU" ||
		xl_fail "cannot set the director's LAN A MTU"
	n6_files_up
	n6_download "first, MTU $N6_MTU towards the client"
	n6_download "second, MTU $N6_MTU towards the client"
	for host in node1 node2; do
		xl_in "$host" ip -6 route get "$XL_CLIENT6" | tee "$XL_TMP/route"
		grep -q "mtu $N6_MTU" "$XL_TMP/route" && learnt=$((learnt + 1))
	done
	((learnt == 2)) || { n6_diagnose; xl_fail "$learnt of 2 real servers learnt the path MTU"; }
}
