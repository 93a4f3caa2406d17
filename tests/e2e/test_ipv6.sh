# shellcheck shell=bash disable=SC2034,SC2015
# IPv6 services and real servers through xlvsadm, as ipvsadm 1.31 takes
# and prints them: -A/-a with [addr]:port, -L -n, -L with names, --stats,
# --rate, --tun-info, -S | -R, the mixed-family rules, and the director's
# managed neighbour entries (NDP) for IPv6 real servers.  No IPv6 traffic
# goes through the data plane here: the table is what is tested.
#
# netns.sh turns IPv6 off; these cases turn it on in ha1, node1 and node2
# and give each eth0 an address in fd00:77::/64.

V6_NET=fd00:77:
V6_VIP=$V6_NET:100
V6_HA1=$V6_NET:101
V6_NODE1=$V6_NET:103
V6_NODE2=$V6_NET:104

setup() {
	xl_cluster_up
	v6_on ha1 "$V6_HA1" && v6_on node1 "$V6_NODE1" && v6_on node2 "$V6_NODE2" ||
		xl_fail "turning IPv6 on failed"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "attach failed"
}

# v6_on HOST ADDR: IPv6 on HOST's eth0 and lo, ADDR/64 on eth0 at once
# (nodad), so NDP can resolve it.
v6_on() {
	xl_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.eth0.disable_ipv6=0 \
		net.ipv6.conf.lo.disable_ipv6=0 &&
	xl_in "$1" ip -6 addr add "$2/64" dev eth0 nodad
}

# v6_table: two IPv6 services (one persistent with a /64 prefix), an IPv4
# service with an IPv6 tunnel server, and an IPv4 tunnel server in an
# IPv6 service.
v6_table() {
	xl_adm -A -t "[$V6_VIP]:80" -s rr -p 300 -M 64 &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE2]:80" -g -w 2 &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80" -g -w 1 &&
	xl_adm -a -t "[$V6_VIP]:80" -r "$XL_NODE1:80" -i -w 1 &&
	xl_adm -A -u "[$V6_VIP]:53" -s wrr &&
	xl_adm -a -u "[$V6_VIP]:53" -r "[$V6_NODE1]:5353" -m -w 3 &&
	xl_adm -A -t "$XL_VIP:80" -s wlc &&
	xl_adm -a -t "$XL_VIP:80" -r "[$V6_NODE2]" -i --tun-type gue --tun-port 6080 ||
		xl_fail "configuring the IPv6 services failed"
}

# The listings, byte for byte: services IPv4 first (libipvs sorts by
# AF_ number), then TCP before UDP; an IPv6 service's servers by address
# as libipvs compares them, the IPv4 one after fd00: (the int difference
# of 0x0a4d0067 and 0xfd000077 overflows to positive, in ipvsadm too).
v6_want_list() {
	cat <<EOF
IP Virtual Server version 1.2.1 (size=65536)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  $XL_VIP:80 wlc
  -> [$V6_NODE2]:80            Tunnel  1      0          0         
TCP  [$V6_VIP]:80 rr persistent 300 mask 64
  -> [$V6_NODE1]:80            Route   1      0          0         
  -> [$V6_NODE2]:80            Route   2      0          0         
  -> $XL_NODE1:80               Tunnel  1      0          0         
UDP  [$V6_VIP]:53 wrr
  -> [$V6_NODE1]:5353          Masq    3      0          0         
EOF
}

v6_want_save() {
	cat <<EOF
-A -t $XL_VIP:80 -s wlc
-a -t $XL_VIP:80 -r [$V6_NODE2]:80 -i -w 1 --tun-type gue --tun-port 6080 --tun-nocsum
-A -t [$V6_VIP]:80 -s rr -p 300 -M 64
-a -t [$V6_VIP]:80 -r [$V6_NODE1]:80 -g -w 1
-a -t [$V6_VIP]:80 -r [$V6_NODE2]:80 -g -w 2
-a -t [$V6_VIP]:80 -r $XL_NODE1:80 -i -w 1 --tun-type ipip
-A -u [$V6_VIP]:53 -s wrr
-a -u [$V6_VIP]:53 -r [$V6_NODE1]:5353 -m -w 3
EOF
}

test_ipv6_list_and_save() {
	v6_table
	v6_want_list >"$XL_TMP/want"
	xl_adm -L -n >"$XL_TMP/got" || xl_fail "-L -n failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -n with IPv6 services"

	cat >"$XL_TMP/want" <<EOF
IP Virtual Server version 1.2.1 (size=65536)
Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
  -> RemoteAddress:Port
TCP  $XL_VIP:80                      0        0        0        0        0
  -> [$V6_NODE2]:80                   0        0        0        0        0
TCP  [$V6_VIP]:80                   0        0        0        0        0
  -> [$V6_NODE1]:80                   0        0        0        0        0
  -> [$V6_NODE2]:80                   0        0        0        0        0
  -> $XL_NODE1:80                      0        0        0        0        0
UDP  [$V6_VIP]:53                   0        0        0        0        0
  -> [$V6_NODE1]:5353                 0        0        0        0        0
EOF
	xl_adm -L -n --stats >"$XL_TMP/got" || xl_fail "--stats failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -n --stats"
	sed -e 's/   Conns   InPkts  OutPkts  InBytes OutBytes/     CPS    InPPS   OutPPS    InBPS   OutBPS/' \
		"$XL_TMP/want" >"$XL_TMP/want-rate"
	xl_adm -L -n --rate >"$XL_TMP/got" || xl_fail "--rate failed"
	xl_assert_same_file "$XL_TMP/want-rate" "$XL_TMP/got" "-L -n --rate"

	cat >"$XL_TMP/want" <<EOF
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward TunnelInfo    Weight ActiveConn InActConn
TCP  $XL_VIP:80 wlc
  -> [$V6_NODE2]:80            Tunnel  gue:6080:-c   1      0          0         
EOF
	xl_adm -L -n --tun-info -t "$XL_VIP:80" >"$XL_TMP/got" || xl_fail "--tun-info failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -n --tun-info of one service"

	cat >"$XL_TMP/want" <<EOF
Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
UDP  [$V6_VIP]:53 wrr
  -> [$V6_NODE1]:5353          0          0          0          0         
EOF
	xl_adm -L -n --thresholds -u "[$V6_VIP]:53" >"$XL_TMP/got" ||
		xl_fail "--thresholds failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -n --thresholds -u [v6]:53"

	# No IPv6 traffic has been through: the title alone.
	printf '%s\n' "IPVS connection entries" \
		"pro expire state       source             virtual            destination" \
		>"$XL_TMP/want"
	xl_adm -L -c -n >"$XL_TMP/got" || xl_fail "-L -c -n failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -c -n"

	# -S, then -R of it into an empty table, gives the same table.
	v6_want_save >"$XL_TMP/want"
	xl_adm -S -n >"$XL_TMP/saved" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/saved" "-S -n with IPv6 services"
	xl_adm -C || xl_fail "-C failed"
	xl_adm -R <"$XL_TMP/saved" || xl_fail "-R of the saved table failed"
	xl_adm -S -n >"$XL_TMP/got" || xl_fail "-S -n after -R failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-S -n after -C and -R"
	v6_want_list >"$XL_TMP/want"
	xl_adm -L -n >"$XL_TMP/got" || xl_fail "-L -n after -R failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L -n after -R"
	# -R of it again fails as a whole (its services exist) and changes
	# nothing; after -C it finds every IPv6 service and server the same
	# (restore_diff matches them by family and address) and touches none.
	xl_adm -R <"$XL_TMP/saved" 2>"$XL_TMP/err" && xl_fail "a second -R succeeded"
	xl_adm -S -n >"$XL_TMP/got"
	xl_assert_same_file "$XL_TMP/saved" "$XL_TMP/got" "-S -n after a second -R"
	{ echo "-C"; cat "$XL_TMP/saved"; } >"$XL_TMP/reload"
	XLVS_RESTORE_REPORT=1 xl_adm -R <"$XL_TMP/reload" 2>"$XL_TMP/report" ||
		xl_fail "-R of -C and the table failed: $(cat "$XL_TMP/report")"
	grep -q "services 0 added, 0 edited, 0 deleted, 3 untouched; real servers 0 added, 0 edited, 0 deleted, 5 untouched" \
		"$XL_TMP/report" || xl_fail "-R touched something: $(cat "$XL_TMP/report")"
	xl_adm -S -n >"$XL_TMP/got"
	xl_assert_same_file "$XL_TMP/saved" "$XL_TMP/got" "-S -n after -C and -R"
	# One IPv6 server's weight changed and one deleted: only they move.
	sed -e "s/-r \[$V6_NODE2\]:80 -g -w 2/-r [$V6_NODE2]:80 -g -w 4/" \
		-e "/-r \[$V6_NODE1\]:5353/d" "$XL_TMP/reload" >"$XL_TMP/reload2"
	XLVS_RESTORE_REPORT=1 xl_adm -R <"$XL_TMP/reload2" 2>"$XL_TMP/report" ||
		xl_fail "-R of the changed table failed: $(cat "$XL_TMP/report")"
	grep -q "services 0 added, 0 edited, 0 deleted, 3 untouched; real servers 0 added, 1 edited, 1 deleted, 3 untouched" \
		"$XL_TMP/report" || xl_fail "-R of the changed table: $(cat "$XL_TMP/report")"
	xl_adm -S -n >"$XL_TMP/got"
	grep -v -e "^-C" "$XL_TMP/reload2" >"$XL_TMP/want"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-S -n after the changed -R"
	xl_adm -R <"$XL_TMP/reload" || xl_fail "-R back to the saved table failed"

	# Edits and deletes by [addr]:port; -Z of one IPv6 service.
	xl_adm -E -t "[$V6_VIP]:80" -s wrr -p 60 -M 128 &&
	xl_adm -e -t "[$V6_VIP]:80" -r "[$V6_NODE2]:80" -g -w 5 &&
	xl_adm -d -u "[$V6_VIP]:53" -r "[$V6_NODE1]:5353" &&
	xl_adm -Z -t "[$V6_VIP]:80" || xl_fail "editing the IPv6 services failed"
	xl_assert_eq "-A -t [$V6_VIP]:80 -s wrr -p 60" \
		"$(xl_adm -S -n | grep -F -- "-A -t [$V6_VIP]:80")" "-E's prefix length 128 is not saved"
	xl_assert_eq "-a -t [$V6_VIP]:80 -r [$V6_NODE2]:80 -g -w 5" \
		"$(xl_adm -S -n | grep -F -- "-r [$V6_NODE2]:80 -g")" "-e's new weight"
	xl_assert_eq "-A -u [$V6_VIP]:53 -s wrr" "$(xl_adm -S -n | grep -F -- "-u [$V6_VIP]:53")" \
		"-d left the UDP service without servers"
	xl_adm -D -u "[$V6_VIP]:53" || xl_fail "-D of the IPv6 UDP service failed"
	xl_adm -L -n -u "[$V6_VIP]:53" 2>"$XL_TMP/err" &&
		xl_fail "-L of a deleted IPv6 service succeeded"
	xl_assert_eq "No such service" "$(cat "$XL_TMP/err")" "-L of a deleted IPv6 service"
}

# What ipvsadm 1.31 and the kernel refuse, with their messages; nothing in
# the table changes.
test_ipv6_refused() {
	local before
	xl_adm -A -t "[$V6_VIP]:80" -s rr || xl_fail "-A failed"
	before=$(xl_adm -S -n)
	v6_refused "Different address family is allowed only for tunneling servers" \
		-a -t "[$V6_VIP]:80" -r "$XL_NODE1:80" -g
	v6_refused "Different address family is allowed only for tunneling servers" \
		-a -t "[$V6_VIP]:80" -r "$XL_NODE1:80" -m
	v6_refused "illegal ipv6 netmask specified" -E -t "[$V6_VIP]:80" -p -M 129
	v6_refused "illegal ipv6 netmask specified" -E -t "[$V6_VIP]:80" -p -M 255.255.255.0
	v6_refused "illegal virtual server address[:port] specified" -A -t "[$V6_VIP]80"
	v6_refused "illegal real server address[:port] specified" \
		-a -t "[$V6_VIP]:80" -r "[$V6_NODE1]:99999"
	v6_refused "Invalid operation.  Possibly wrong module version, address not unicast, ..." \
		-a -t "[$V6_VIP]:80" -r "[fe80::1]:80"
	v6_refused "Invalid operation.  Possibly wrong module version, address not unicast, ..." \
		-a -t "[$V6_VIP]:80" -r "[ff02::1]:80"
	v6_refused "Service already exists" -A -t "[$V6_VIP]:80"
	v6_refused "No such destination" -d -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80"
	xl_assert_eq "$before" "$(xl_adm -S -n)" "the table after the refusals"
}

# v6_refused MSG ARGS...: xlvsadm ARGS fails with MSG on stderr.
v6_refused() {
	local msg=$1; shift
	xl_adm "$@" 2>"$XL_TMP/err" && xl_fail "xlvsadm $* succeeded"
	xl_assert_eq "$msg" "$(cat "$XL_TMP/err")" "xlvsadm $*"
}

# Without -n: names from /etc/hosts (a private one, bind-mounted in a
# mount namespace of ha1's) in the brackets, ports by /etc/services; an
# IPv4 service's name is cut to 33 characters and its server's to 28, as
# ipvsadm cuts them, an IPv6 one's never.
test_ipv6_names() {
	printf '%s vip6.test\n%s node1-6.test\n%s %s\n%s %s\n%s %s\n' \
		"$V6_VIP" "$V6_NODE1" "$XL_VIP" director-vip-with-a-long-name.test \
		"$XL_NODE1" node1-with-a-long-host-name.test \
		"$V6_NODE2" node2-with-a-long-host-name.test >"$XL_TMP/hosts"
	xl_adm -A -t "[$V6_VIP]:80" -s rr &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80" -g &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE2]:80" -g &&
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g ||
		xl_fail "configuring the service failed"
	getent services 80/tcp | grep -q '^http ' ||
		{ echo "no http in /etc/services: names not checked"; return 0; }
	cat >"$XL_TMP/want" <<EOF
IP Virtual Server version 1.2.1 (size=65536)
Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  director-vip-with-a-long-nam rr
  -> node1-with-a-long-host-name. Route   1      0          0         
TCP  [vip6.test]:http rr
  -> [node1-6.test]:http          Route   1      0          0         
  -> [node2-with-a-long-host-name.test]:http Route   1      0          0         
EOF
	xl_in ha1 unshare -m sh -c 'mount --bind "$1" /etc/hosts && exec "$2" -L' \
		sh "$XL_TMP/hosts" "$XL_ADM_BIN" >"$XL_TMP/got" || xl_fail "-L failed"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-L with IPv6 names"
}

# ha1's neighbour entry for ADDR on eth0.
v6_neigh() {
	xl_in ha1 ip -6 neigh show "$1" dev eth0
}

# -a makes the director keep an IPv6 real server's link address resolved
# (a managed NDP entry, before any traffic), for Route and Masq servers;
# the last -d of it removes the entry; a server on ha1's own address is
# Local and gets none.
test_ipv6_managed_neighbour() {
	local entry mac i
	xl_assert_eq "" "$(v6_neigh "$V6_NODE1")" "ha1's entry for node1 before -a"
	xl_adm -A -t "[$V6_VIP]:80" -s rr &&
	xl_adm -A -u "[$V6_VIP]:53" -s rr &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80" -g &&
	xl_adm -a -u "[$V6_VIP]:53" -r "[$V6_NODE1]:53" -g &&
	xl_adm -a -u "[$V6_VIP]:53" -r "[$V6_NODE2]:5353" -m &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_HA1]:80" -g 2>/dev/null ||
		xl_fail "configuring the services failed"
	mac=$(xl_in node1 cat /sys/class/net/eth0/address)
	for ((i = 0; i < 30; i++)); do
		entry=$(v6_neigh "$V6_NODE1")
		[[ $entry == *"lladdr $mac "* ]] && break
		sleep 0.1
	done
	echo "after -a: $entry"
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "ha1's entry for node1 is not managed: '$entry'"
	[[ $entry == *"lladdr $mac "* ]] ||
		xl_fail "NDP did not resolve node1 ($mac): '$entry'"
	entry=$(v6_neigh "$V6_NODE2")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "ha1's entry for node2 (Masq) is not managed: '$entry'"
	xl_assert_eq "" "$(xl_in ha1 ip -6 neigh show "$V6_HA1")" "no entry for ha1's own address"
	xl_adm -L -n -t "[$V6_VIP]:80" |
		awk -v a="[$V6_HA1]:80" '$2 == a && $3 == "Local" { ok = 1 } END { exit !ok }' ||
		xl_fail "ha1's own address is not Local: $(xl_adm -L -n -t "[$V6_VIP]:80")"

	# In two services: the first -d keeps the entry, the last removes it.
	xl_adm -d -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80" || xl_fail "-d failed"
	[[ " $(v6_neigh "$V6_NODE1") " == *" managed "* ]] ||
		xl_fail "the entry went while node1 still serves UDP: '$(v6_neigh "$V6_NODE1")'"
	xl_adm -d -u "[$V6_VIP]:53" -r "[$V6_NODE1]:53" || xl_fail "the last -d failed"
	xl_assert_eq "" "$(v6_neigh "$V6_NODE1")" "ha1's entry for node1 after the last -d"
}

V6_CLIENT=$V6_NET:10

# v6_serve HOST: a TCP server on [::]:80 in HOST that answers its first
# client with HOST's name and holds the connection until the client ends
# it (the seed's testsrv is IPv4 only, and holds 0.0.0.0:80).
v6_serve() {
	local i
	xl_bg "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", 80)); s.listen(8)
c, _ = s.accept(); c.recv(100); c.sendall(sys.argv[1].encode() + b"\n")
c.settimeout(30); c.recv(100)' "$1"
	for ((i = 0; i < 50; i++)); do
		xl_in "$1" ss -Hltn "sport = :80" | grep -q '\[::\]:80' && return 0
		sleep 0.1
	done
	xl_fail "the IPv6 server in $1 did not start"
}

# -L -c -n of a real IPv6 connection through the data plane (direct
# routing: the VIP on ha1's eth0 and on node1's lo): print_conn's row with
# bracketed addresses, the source pushing the columns right.
test_ipv6_connection_listing() {
	local port reply want got i
	v6_on client "$V6_CLIENT" || xl_fail "IPv6 on in client failed"
	xl_in ha1 ip -6 addr add "$V6_VIP/64" dev eth0 nodad &&
	xl_in ha1 sysctl -qw net.ipv6.conf.all.forwarding=1 &&
	xl_in node1 ip -6 addr add "$V6_VIP/128" dev lo nodad ||
		xl_fail "the IPv6 VIP failed"
	xl_adm -A -t "[$V6_VIP]:80" -s rr &&
	xl_adm -a -t "[$V6_VIP]:80" -r "[$V6_NODE1]:80" -g ||
		xl_fail "configuring the service failed"
	v6_serve node1
	: >"$XL_TMP/out"
	xl_bg client python3 -c '
import os, socket, sys, time
c = socket.create_connection((sys.argv[1], 80), timeout=5)
c.sendall(b"hi\n")
print(c.getsockname()[1], c.recv(100).decode().strip(), flush=True)
for i in range(200):
    if os.path.exists(sys.argv[2]): break
    time.sleep(0.1)' "$V6_VIP" "$XL_TMP/go" >"$XL_TMP/out"
	for ((i = 0; i < 50; i++)); do
		[ -s "$XL_TMP/out" ] && break
		sleep 0.1
	done
	read -r port reply <"$XL_TMP/out"
	xl_assert_eq node1 "$reply" "the answer over IPv6 through ha1 (counters: $(xl_adm --counters | grep -v ' 0$' | tr '\n' ' '))"
	want="TCP XX:XX  ESTABLISHED [$V6_CLIENT]:$port [$V6_VIP]:80  [$V6_NODE1]:80"
	xl_adm -L -c -n
	got=$(xl_adm -L -c -n | sed -n 3p | sed -E 's/^TCP [0-9]{2}:[0-9]{2} /TCP XX:XX /')
	: >"$XL_TMP/go"
	xl_assert_eq "$want" "$got" "-L -c -n of the IPv6 connection"
	xl_adm -L -n | grep -qF -- "-> [$V6_NODE1]:80            Route   1      1          0" ||
		xl_fail "node1's active count: $(xl_adm -L -n)"
}
