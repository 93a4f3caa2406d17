# shellcheck shell=bash disable=SC2034,SC2015
# netns.sh: the seed's LVS cluster in network namespaces, for the end-to-end
# tests and the demo.  Source it, then:
#
#   trap xl_cleanup EXIT; trap 'xl_cleanup; exit 130' INT TERM
#   xl_cluster_up            # lan, ha1 (director, VIP), node1, node2, client
#   xl_adm --attach eth0     # xlvsadm inside ha1
#   xl_in client curl -s http://10.77.0.100/
#
# Topology: a bridge in its own namespace <p>lan, one veth per host; the
# host end is eth0 inside <p>HOST, the bridge end is named HOST inside
# <p>lan.  Nothing is created in the root namespace, and every namespace
# name starts with a per-run prefix (XL_PREFIX, default xl<pid>-) so runs
# in parallel never collide.  Addresses are 10.77.0.0/24, private to these
# namespaces: traffic never leaves them.
#
# IPv6 is off in every namespace (xl_ns_add) unless a test turns it on:
# an IPv6 address given to xl_add_host, xl_add_link, xl_add_director or
# xl_addr turns it on in that host (xl_ipv6_on), with fd00::/8 addresses
# (XL_VIP6 and the rest below) on /64s.

XL_ROOT=${XL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
XL_PREFIX=${XL_PREFIX:-xl$$-}
XL_ADM_BIN=${XL_ADM_BIN:-$XL_ROOT/build/bin/xlvsadm}
XL_TESTSRV=${XL_TESTSRV:-$XL_ROOT/build/tests/testsrv}
XL_UDPASK=${XL_UDPASK:-$XL_ROOT/build/tests/udpask}
XL_RS_BIN=${XL_RS_BIN:-$XL_ROOT/build/bin/xlvs-realserver}

XL_NET=10.77.0
XL_VIP=$XL_NET.100
XL_HA1=$XL_NET.101
XL_HA2=$XL_NET.102
XL_NODE1=$XL_NET.103
XL_NODE2=$XL_NET.104
XL_CLIENT=$XL_NET.10

# The same hosts on IPv6, LAN A's /64 (unique local addresses).
XL_NET6=fd00:77:
XL_VIP6=$XL_NET6:100
XL_HA1_6=$XL_NET6:101
XL_HA2_6=$XL_NET6:102
XL_NODE1_6=$XL_NET6:103
XL_NODE2_6=$XL_NET6:104
XL_CLIENT6=$XL_NET6:10

XL_RUN_DIR=		# scratch files of this run (the compiled xdp_pass)
XL_NAMESPACES=()	# every namespace this library created, in order
XL_PIDS=()		# every background process it started
XL_DIRECTORS=()		# hosts whose xlvs table cleanup unloads

xl_log() { echo "[netns] $*" >&2; }
xl_die() { echo "[netns] error: $*" >&2; exit 1; }

xl_ns() { echo "$XL_PREFIX$1"; }

# xl_in HOST CMD...: run CMD inside HOST's namespace.
xl_in() {
	local host=$1; shift
	ip netns exec "$XL_PREFIX$host" "$@"
}

# xl_adm ARGS...: xlvsadm inside the director ha1 (XL_DIRECTOR overrides).
xl_adm() { xl_in "${XL_DIRECTOR:-ha1}" "$XL_ADM_BIN" "$@"; }

xl_ns_add() {
	ip netns add "$XL_PREFIX$1" || xl_die "cannot create namespace $XL_PREFIX$1"
	XL_NAMESPACES+=("$XL_PREFIX$1")
	xl_in "$1" ip link set lo up
	# No IPv6: its router and neighbour solicitations would add frames
	# the tests count on the bridge.
	xl_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
}

# xl_ipv6_on HOST: IPv6 on in HOST, on every interface it has and will
# get, as a quiet static host: no duplicate address detection (addresses
# usable at once), no router solicitations sent, no advertisements taken.
# Done once per host; the bridges' namespaces stay without IPv6 (frames
# are bridged all the same).
xl_ipv6_on() {
	local host=$1 conf dev
	[ "$(xl_in "$host" sysctl -n net.ipv6.conf.default.disable_ipv6)" = 0 ] &&
		return 0
	for conf in $(xl_in "$host" ls /proc/sys/net/ipv6/conf); do
		xl_in "$host" sysctl -qw "net.ipv6.conf.$conf.accept_dad=0" \
			"net.ipv6.conf.$conf.accept_ra=0" \
			"net.ipv6.conf.$conf.router_solicitations=0" ||
			xl_die "cannot quieten IPv6 on $conf in $host"
	done
	xl_in "$host" sysctl -qw net.ipv6.conf.default.disable_ipv6=0 \
		net.ipv6.conf.all.disable_ipv6=0 ||
		xl_die "cannot turn IPv6 on in $host"
	for dev in $(xl_in "$host" ls /sys/class/net); do
		xl_in "$host" sysctl -qw "net.ipv6.conf.$dev.disable_ipv6=0" ||
			xl_die "cannot turn IPv6 on for $dev in $host"
	done
	if [[ " ${XL_DIRECTORS[*]} " == *" $host "* ]]; then
		xl_in "$host" sysctl -qw net.ipv6.conf.all.forwarding=1 ||
			xl_die "cannot turn IPv6 forwarding on in $host"
	fi
}

# xl_is_v6 ADDR: whether ADDR is an IPv6 address.
xl_is_v6() { [[ $1 == *:* ]]; }

# xl_addr HOST DEV ADDR: ADDR on DEV, as ADDR/24 (IPv4) or ADDR/64 (IPv6,
# turning IPv6 on in HOST first).
xl_addr() {
	local host=$1 dev=$2 addr=$3
	if xl_is_v6 "$addr"; then
		xl_ipv6_on "$host"
		xl_in "$host" ip -6 addr add "$addr/64" dev "$dev" nodad
	else
		xl_in "$host" ip addr add "$addr/24" dev "$dev"
	fi || xl_die "cannot add $addr to $dev in $host"
}

# The bridge lives in its own namespace so the root namespace is untouched.
xl_lan_up() {
	XL_RUN_DIR=$(mktemp -d) || xl_die "mktemp failed"
	"${CLANG:-clang}" -O2 -target bpf -c "$XL_ROOT/tests/e2e/xdp_pass.bpf.c" \
		-o "$XL_RUN_DIR/xdp_pass.o" || xl_die "cannot build xdp_pass"
	xl_ns_add lan
	xl_in lan ip link add br0 type bridge || xl_die "cannot create bridge"
	xl_in lan ip link set br0 up
}

# xl_add_host HOST ADDR: a namespace with eth0 (ADDR/24, or ADDR/64 for an
# IPv6 ADDR) on the bridge.
xl_add_host() {
	xl_ns_add "$1"
	xl_add_link lan "$1" eth0 "$2"
}

# xl_add_director HOST ADDR [VIP]: a director; the VIP, if given, becomes a
# secondary address on its eth0 (the director answers ARP, or neighbour
# solicitations, for it).  It forwards IPv4, and IPv6 once that is on (a
# NAT real server's gateway; the kernel's own ICMPv6 errors for what is
# too big to forward), see xl_ipv6_on.
xl_add_director() {
	local host=$1 addr=$2 vip=${3:-}
	XL_DIRECTORS+=("$host")
	xl_add_host "$host" "$addr"
	xl_in "$host" sysctl -qw net.ipv4.ip_forward=1
	[ -n "$vip" ] && xl_addr "$host" eth0 "$vip"
	return 0
}

# xl_bg HOST CMD...: start CMD in HOST's namespace in the background and
# remember it for cleanup.  Sets XL_LAST_PID.
xl_bg() {
	local host=$1; shift
	ip netns exec "$XL_PREFIX$host" "$@" &
	XL_LAST_PID=$!
	XL_PIDS+=("$XL_LAST_PID")
}

# xl_wait_listen HOST PORT [-4|-6]: bounded wait (5 s) for a TCP listener
# (of that family only, if given: an IPv4 one on the port is not an IPv6).
xl_wait_listen() {
	local host=$1 port=$2 fam=${3:-} i
	for ((i = 0; i < 50; i++)); do
		# shellcheck disable=SC2086
		xl_in "$host" ss $fam -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# xl_start_testsrv HOST NAME [HTTP_PORT UDP_PORT [BIND]]: (re)start the
# test server on ports 80 and 53, or on those given (a NAT real server's
# ports need not be the service's), for IPv4 (0.0.0.0), or on BIND ("::":
# IPv6 only, beside an IPv4 one on the same ports).  xl_stop_testsrv stops
# the last one started in HOST.
xl_start_testsrv() {
	local host=$1 name=$2 http=${3:-80} udp=${4:-53} bind=${5:-0.0.0.0} fam=-4
	[ -x "$XL_TESTSRV" ] || xl_die "$XL_TESTSRV missing: run make"
	xl_is_v6 "$bind" && fam=-6
	xl_bg "$host" "$XL_TESTSRV" --name "$name" --http-port "$http" \
		--udp-port "$udp" --bind "$bind"
	eval "XL_SRV_PID_$host=$XL_LAST_PID"
	xl_wait_listen "$host" "$http" "$fam" || xl_die "testsrv in $host did not start"
}

# xl_stop_testsrv HOST: stop the server started by xl_start_testsrv.
xl_stop_testsrv() {
	local var="XL_SRV_PID_$1"
	[ -n "${!var:-}" ] || return 0
	xl_kill_pid "${!var}"
	eval "$var="
}

# xl_add_realserver HOST ADDR [NAME]: a direct-routing real server: the VIP
# on lo, ARP for it suppressed, and the test server running.
xl_add_realserver() {
	local host=$1 addr=$2 name=${3:-$1}
	xl_add_host "$host" "$addr"
	xl_in "$host" ip addr add "$XL_VIP/32" dev lo
	xl_in "$host" sysctl -qw net.ipv4.conf.lo.arp_ignore=1 \
		net.ipv4.conf.lo.arp_announce=2 \
		net.ipv4.conf.all.arp_ignore=1 \
		net.ipv4.conf.all.arp_announce=2
	xl_start_testsrv "$host" "$name"
}

# xl_realserver_v6 HOST ADDR6 [NAME]: IPv6 beside IPv4 for a direct-routing
# real server of xl_add_realserver: ADDR6 on eth0, the IPv6 VIP on lo (a
# /128, no DAD; the kernel answers neighbour solicitations only for the
# interface's own addresses, so no sysctl is needed) and a test server
# for IPv6 on the same ports.
xl_realserver_v6() {
	local host=$1 addr=$2 name=${3:-$1}
	xl_addr "$host" eth0 "$addr"
	xl_in "$host" ip -6 addr add "$XL_VIP6/128" dev lo nodad ||
		xl_die "cannot add $XL_VIP6 to lo in $host"
	xl_start_testsrv "$host" "$name" 80 53 ::
}

# xl_rs HOST CMD [ARGS...]: xlvs-realserver CMD (up, down, status) inside
# HOST, its state file in this run's scratch directory (not the default in
# /run, which would outlive the namespace).
xl_rs() {
	local host=$1 cmd=$2
	shift 2
	[ -x "$XL_RS_BIN" ] || xl_die "$XL_RS_BIN missing: run make"
	xl_in "$host" "$XL_RS_BIN" "$cmd" --state "$XL_RUN_DIR/rs-$host.state" "$@"
}

# xl_add_routed_host LAN HOST ADDR GW: a host whose only interface (eth0,
# ADDR/24 or ADDR/64) is on LAN and whose default route is GW (of ADDR's
# family): a NAT real server, which reaches the client through the
# director only.
xl_add_routed_host() {
	local lan=$1 host=$2 addr=$3 gw=$4
	xl_ns_add "$host"
	xl_add_link "$lan" "$host" eth0 "$addr"
	xl_in "$host" ip route add default via "$gw" ||
		xl_die "cannot route $host through $gw"
	# GRO on its bridge port would merge the host's download segments
	# into packets over the MTU, which the director's XDP program (no
	# multi-buffer support) could not take (a NIC's XDP runs before GRO).
	xl_in "$lan" ethtool -K "$host" gro off >/dev/null 2>&1 ||
		xl_die "ethtool gro off on $lan's port of $host failed"
}

# xl_bigfile_up: a 20 MB file of random bytes, $XL_RUN_DIR/big, for
# xl_start_filesrv to serve and xl_download to check.
xl_bigfile_up() {
	dd if=/dev/urandom of="$XL_RUN_DIR/big" bs=1M count=20 status=none ||
		xl_die "cannot make the 20 MB file"
}

# xl_start_filesrv HOST PORT [BIND]: filesrv.py serving the 20 MB file on
# PORT, for IPv4, or on BIND ("::": IPv6 only).
xl_start_filesrv() {
	local bind=${3:-0.0.0.0} fam=-4
	[ -f "$XL_RUN_DIR/big" ] || xl_bigfile_up
	xl_is_v6 "$bind" && fam=-6
	xl_bg "$1" python3 "$XL_ROOT/tests/e2e/filesrv.py" "$XL_RUN_DIR/big" "$2" "$bind"
	xl_wait_listen "$1" "$2" "$fam" || xl_die "the file server in $1 did not start"
}

# xl_download URL WHAT: the client downloads URL (60 s at most; an IPv6
# one as http://[ADDR]:PORT/); 1, with both SHA-256s on stderr, unless it
# is the 20 MB file byte for byte (the caller shows what it knows, then
# fails).
xl_download() {
	local want got
	want=$(sha256sum <"$XL_RUN_DIR/big" | cut -d' ' -f1)
	# -g: the brackets of an IPv6 address are not a curl glob.
	got=$(xl_in client curl -g -s --max-time 60 "$1" | sha256sum | cut -d' ' -f1)
	[ "$want" = "$got" ] && return 0
	echo "SHA-256 of the 20 MB download ($2): want $want, got $got" >&2
	return 1
}

# The seed's cluster (ha2 is left to the tests that need it:
# xl_add_director ha2 "$XL_HA2").
xl_cluster_up() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1" "$XL_VIP"
	xl_add_realserver node1 "$XL_NODE1"
	xl_add_realserver node2 "$XL_NODE2"
	xl_add_host client "$XL_CLIENT"
}

# xl_kill_pid PID: TERM, a bounded wait (2 s), then KILL.
xl_kill_pid() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

# xl_seed_services: the seed's services on ha1, wrr over node1 (weight 3)
# and node2 (weight 2), for HTTP (TCP 80) and UDP 53.
xl_seed_services() {
	local proto port
	for proto in t u; do
		port=80; [ "$proto" = u ] && port=53
		xl_adm -A "-$proto" "$XL_VIP:$port" -s wrr &&
		xl_adm -a "-$proto" "$XL_VIP:$port" -r "$XL_NODE1:$port" -g -w 3 &&
		xl_adm -a "-$proto" "$XL_VIP:$port" -r "$XL_NODE2:$port" -g -w 2 ||
			xl_fail "configuring the -$proto service failed"
	done
}

# xl_http COUNT [URL]: COUNT sequential HTTP requests from the client to
# the VIP (or to URL: http://[$XL_VIP6]/ for IPv6); one line per request:
# the node that answered, or "none".
xl_http() {
	local i page url=${2:-http://$XL_VIP/}
	for ((i = 0; i < $1; i++)); do
		page=$(xl_in client curl -g -s --max-time 2 "$url")
		case $page in
		"Test Page of "*) echo "${page#Test Page of }" ;;
		*) echo none ;;
		esac
	done
}

# xl_counter NAME [HOST]: one data-plane counter of xlvsadm --counters.
xl_counter() {
	XL_DIRECTOR=${2:-${XL_DIRECTOR:-ha1}} xl_adm --counters |
		awk -v n="$1" '$1 == n { print $2 }'
}

# xl_stat HOST DEV COUNTER: an interface counter (rx_packets, tx_packets...).
xl_stat() {
	xl_in "$1" cat "/sys/class/net/$2/statistics/$3"
}

# Kills what we started, unloads xlvs from our directors, deletes our
# namespaces.  Safe to call twice (EXIT after INT).
xl_cleanup() {
	local pid ns host
	for pid in "${XL_PIDS[@]}"; do
		xl_kill_pid "$pid"
	done
	XL_PIDS=()
	for host in "${XL_DIRECTORS[@]}"; do
		[ -x "$XL_ADM_BIN" ] &&
			timeout 10 ip netns exec "$XL_PREFIX$host" \
				"$XL_ADM_BIN" --unload >/dev/null 2>&1
	done
	XL_DIRECTORS=()
	for ns in "${XL_NAMESPACES[@]}"; do
		# Anything still running inside our namespaces is ours too
		# (a curl cut short by a signal, say).
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$ns" 2>/dev/null
	done
	XL_NAMESPACES=()
	[ -n "$XL_RUN_DIR" ] && rm -rf "$XL_RUN_DIR"
	XL_RUN_DIR=
	return 0
}

# xl_bridge_add LAN: another bridge, like xl_lan_up's, in its own namespace
# <p>LAN (call xl_lan_up first: its xdp_pass serves every bridge).
xl_bridge_add() {
	local lan=$1
	[ -n "$XL_RUN_DIR" ] || xl_die "xl_bridge_add $lan: no xl_lan_up yet"
	xl_ns_add "$lan"
	xl_in "$lan" ip link add br0 type bridge ||
		xl_die "cannot create the bridge of $lan"
	xl_in "$lan" ip link set br0 up
}

# xl_add_link LAN HOST DEV ADDR: one more interface DEV (ADDR/24 or /64) of an
# existing host, on LAN's bridge, set up as xl_add_host sets up eth0 (the
# bridge end, named HOST inside <p>LAN, with GRO and xdp_pass; DEV with tx
# checksum offload off).  With XL_LINKS=plain the veth is left as a new
# user leaves it: GRO on at the bridge end, no XDP program, offloads as
# they come (tests/e2e/test_plain_veth.sh).
xl_add_link() {
	local lan=$1 host=$2 dev=$3 addr=$4
	xl_in "$lan" ip link add "$host" type veth peer name "$dev" \
		netns "$XL_PREFIX$host" || xl_die "cannot create veth $dev for $host"
	xl_in "$lan" ip link set "$host" master br0 up
	# XDP_TX'd or redirected frames into a veth are dropped unless the
	# receiving peer has GRO on or an XDP program; XDP_TX'd ones moreover
	# wait in the peer's ring unless it has a program (xdp_pass.bpf.c).
	xl_in "$lan" ethtool -K "$host" gro on >/dev/null 2>&1 ||
		xl_die "ethtool gro on $host in $lan failed"
	if [ "${XL_LINKS:-}" != plain ]; then
		xl_in "$lan" ip link set dev "$host" xdpdrv \
			obj "$XL_RUN_DIR/xdp_pass.o" sec xdp ||
			xl_die "cannot attach xdp_pass to $host in $lan"
	fi
	xl_addr "$host" "$dev" "$addr"
	xl_in "$host" ip link set "$dev" up
	[ "${XL_LINKS:-}" = plain ] && return 0
	# Locally sent packets carry partial checksums; once XDP rewrites
	# them nothing would complete them.
	xl_in "$host" ethtool -K "$dev" tx off >/dev/null 2>&1 ||
		xl_die "ethtool tx off on $dev in $host failed"
}
