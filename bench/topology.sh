# shellcheck shell=bash disable=SC2034
# topology.sh: the benchmark's network, in namespaces only.  Source it,
# then `topo_up`; `topo_down` (safe to call twice) removes all of it.
#
#   client --veth-- director --veth-- rs1
#      |                     \--veth-- rs2
#      +--veth (return link) ------------ rs1
#      +--veth (return link) ------------ rs2
#
# Every link is a veth pair; the director routes between three subnets.
# The return links carry direct routing's replies from a real server
# straight to the client (the real server gets a /32 route to the client
# over it only while a DR system is measured); for every other system the
# replies come back through the director.  Namespace names start with
# B_NS (per run), device names with B_DEV (short, for the 15-character
# limit, and unique so the NAPI threads `napi/<dev>-<id>` can be found).
#
# CPUs: the director's work goes to B_DIR_CPU, everything else (client
# tools, servers, the real servers' NAPI) to B_OTHER_CPU.  The director's
# CPU time is the busy time of B_DIR_CPU.

B_ROOT=${B_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
B_TOOLS=${B_TOOLS:-$B_ROOT/build/bench}
B_ID=${B_ID:-$(($$ % 100000))}
B_NS=${B_NS:-xlb$B_ID-}
B_DEV=${B_DEV:-b$B_ID}
B_DIR_CPU=${B_DIR_CPU:-1}
B_OTHER_CPU=${B_OTHER_CPU:-0}

B_NET=10.201
B_CLIENT=$B_NET.1.2
B_DIR_C=$B_NET.1.1		# the director on the client's side; HAProxy binds here
B_DIR_R1=$B_NET.2.1
B_DIR_R2=$B_NET.3.1
B_RS1=$B_NET.2.2
B_RS2=$B_NET.3.2
B_VIP=$B_NET.9.100
B_UDP_PORT=9000
B_HTTP_PORT=80
B_IPERF_PORT=5201

# Devices.
B_CDEV=${B_DEV}c		# client -> director
B_DCDEV=${B_DEV}dc		# director <- client: where XDP directors attach
B_D1DEV=${B_DEV}d1		# director -> rs1
B_D2DEV=${B_DEV}d2
B_R1DEV=${B_DEV}r1		# rs1 <- director: the count program
B_R2DEV=${B_DEV}r2
B_Y1DEV=${B_DEV}y1		# rs1 -> client (return link)
B_Y2DEV=${B_DEV}y2
B_X1DEV=${B_DEV}x1		# client <- rs1 (return link)
B_X2DEV=${B_DEV}x2

B_RUN=			# scratch directory of this run
B_NAMESPACES=()
B_PIDS=()

b_log() { echo "[bench] $*" >&2; }
b_die() { echo "[bench] error: $*" >&2; exit 1; }
# sys_fail MSG: a system's setup failed; it returns 1 and the run goes on.
sys_fail() { echo "[bench] error: $*" >&2; return 1; }

# b_in HOST CMD...: CMD inside HOST's namespace.
b_in() { local h=$1; shift; ip netns exec "$B_NS$h" "$@"; }

# b_cpu_mask CPU: the hexadecimal mask for rps_cpus.
b_cpu_mask() { printf '%x' $((1 << $1)); }

b_ns_add() {
	ip netns add "$B_NS$1" || b_die "cannot create namespace $B_NS$1"
	B_NAMESPACES+=("$B_NS$1")
	b_in "$1" ip link set lo up
	b_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.ip_local_port_range="1024 65535" \
		net.core.somaxconn=4096 net.ipv4.tcp_max_syn_backlog=4096
}

# b_link H1 D1 H2 D2: a veth pair D1 (in H1) -- D2 (in H2), both up.
b_link() {
	b_in "$1" ip link add "$2" type veth peer name "$4" netns "$B_NS$3" ||
		b_die "cannot create veth $2/$4"
	b_in "$1" ip link set "$2" up
	b_in "$3" ip link set "$4" up
}

b_mac() { b_in "$1" cat "/sys/class/net/$2/address"; }

b_rps() { b_in "$1" sh -c "echo $(b_cpu_mask "$3") > /sys/class/net/$2/queues/rx-0/rps_cpus"; }

# b_napi_pin HOST DEV CPU [rt]: make DEV's NAPI threaded and its thread(s)
# run on CPU only (with rt: at real-time priority, so a busy generator on
# that CPU cannot starve it and make it drop what the director delivered).
# NAPI exists on a veth only while it has an XDP program (or GRO), so call
# this after attaching one.
b_napi_pin() {
	local host=$1 dev=$2 cpu=$3 rt=${4:-} pid found=0 i
	b_in "$host" sh -c "echo 1 > /sys/class/net/$dev/threaded" ||
		sys_fail "threaded NAPI on $dev" || return 1
	for ((i = 0; i < 20 && !found; i++)); do
		for pid in $(ps -eo pid=,comm= | awk -v p="napi/$dev-" \
				'index($2, p) == 1 {print $1}'); do
			taskset -pc "$cpu" "$pid" >/dev/null ||
				sys_fail "pin napi $pid" || return 1
			if [ "$rt" = rt ]; then
				chrt -f -p 50 "$pid" ||
					sys_fail "chrt napi $pid" || return 1
			fi
			found=1
		done
		((found)) || sleep 0.1
	done
	((found)) || sys_fail "no NAPI thread for $dev"
}

# b_napi_gone HOST DEV: wait (2 s at most) until DEV's NAPI threads have
# gone, after its XDP program was removed, so that a b_napi_pin after the
# next program pins that program's new thread and not a dying one.
b_napi_gone() {
	local i
	for ((i = 0; i < 20; i++)); do
		ps -eo comm= | grep -q "^napi/$2-" || return 0
		sleep 0.1
	done
	sys_fail "$1: the NAPI thread of $2 is still there"
}

# b_bg HOST CMD...: CMD in HOST's namespace in the background, remembered
# for topo_down.  Sets B_LAST_PID.
b_bg() {
	local h=$1; shift
	ip netns exec "$B_NS$h" "$@" &
	B_LAST_PID=$!
	B_PIDS+=("$B_LAST_PID")
}

b_wait_listen() {
	local h=$1 port=$2 i
	for ((i = 0; i < 50; i++)); do
		b_in "$h" ss -Hltn "sport = :$port" | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

b_kill_pid() {
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

b_nginx_conf() {
	local host=$1 dir=$B_RUN/$1
	mkdir -p "$dir"
	cat > "$dir/nginx.conf" <<-CONF
	user root;
	worker_processes 1;
	worker_cpu_affinity $(b_cpu_mask "$B_OTHER_CPU");
	pid $dir/nginx.pid;
	error_log $dir/nginx.err warn;
	daemon off;
	events { worker_connections 16384; multi_accept on; }
	http {
	    access_log off;
	    client_body_temp_path $dir/body;
	    proxy_temp_path $dir/proxy;
	    fastcgi_temp_path $dir/fastcgi;
	    uwsgi_temp_path $dir/uwsgi;
	    scgi_temp_path $dir/scgi;
	    keepalive_requests 10000000;
	    keepalive_timeout 60s;
	    server {
	        listen $B_HTTP_PORT backlog=4096 reuseport;
	        location / { return 200 "$host ok\n"; }
	    }
	}
	CONF
}

b_rs_up() {
	local i=$1 host=rs$1 r y x d addr gw
	r=${B_DEV}r$i; y=${B_DEV}y$i; x=${B_DEV}x$i; d=${B_DEV}d$i
	addr=$B_NET.$((i + 1)).2; gw=$B_NET.$((i + 1)).1
	b_ns_add "$host"
	b_link dir "$d" "$host" "$r"
	b_in dir ip addr add "$gw/24" dev "$d"
	b_in "$host" ip addr add "$addr/24" dev "$r"
	b_in "$host" ip route add default via "$gw"
	# Direct routing: the VIP is the real server's own, ARP kept quiet.
	b_in "$host" ip addr add "$B_VIP/32" dev lo
	b_in "$host" sysctl -qw net.ipv4.conf.lo.arp_ignore=1 \
		net.ipv4.conf.lo.arp_announce=2 \
		net.ipv4.conf.all.arp_ignore=1 net.ipv4.conf.all.arp_announce=2
	# The return link: no address; a static neighbour for the client.
	b_link client "$x" "$host" "$y"
	b_in "$host" ip neigh replace "$B_CLIENT" lladdr "$(b_mac client "$x")" \
		dev "$y" nud permanent
	b_rps client "$x" "$B_OTHER_CPU"
	b_rps "$host" "$y" "$B_OTHER_CPU"
	# Replies that come back through the director are the director's work.
	b_rps dir "$d" "$B_DIR_CPU"
	# The count program: exact delivered-UDP counts, and what a director's
	# XDP redirect into this veth needs.  Its NAPI stays off the director.
	b_in "$host" "$B_TOOLS/xdpctl" count "$r" "$B_UDP_PORT" ||
		b_die "cannot attach count to $r"
	b_napi_pin "$host" "$r" "$B_OTHER_CPU" rt || exit 1
	# Servers, on the other CPU.
	b_nginx_conf "$host"
	b_bg "$host" taskset -c "$B_OTHER_CPU" nginx -c "$B_RUN/$host/nginx.conf"
	b_bg "$host" taskset -c "$B_OTHER_CPU" iperf3 -s -p "$B_IPERF_PORT" \
		--logfile "$B_RUN/$host/iperf3.log"
	b_wait_listen "$host" "$B_HTTP_PORT" || b_die "nginx in $host did not start"
	b_wait_listen "$host" "$B_IPERF_PORT" || b_die "iperf3 in $host did not start"
}

topo_up() {
	B_RUN=$(mktemp -d /tmp/xlvs-bench.XXXXXX) || b_die "mktemp failed"
	b_ns_add client
	b_ns_add dir
	b_in dir sysctl -qw net.ipv4.ip_forward=1
	b_link client "$B_CDEV" dir "$B_DCDEV"
	b_in client ip addr add "$B_CLIENT/24" dev "$B_CDEV"
	b_in dir ip addr add "$B_DIR_C/24" dev "$B_DCDEV"
	b_in client ip route add "$B_NET.0.0/16" via "$B_DIR_C"
	# Rewritten frames must not carry partial checksums; the same setting
	# holds for every system (it also turns TSO off: see results.md).
	b_in client ethtool -K "$B_CDEV" tx off >/dev/null ||
		b_die "ethtool tx off $B_CDEV"
	b_rps dir "$B_DCDEV" "$B_DIR_CPU"
	b_rps client "$B_CDEV" "$B_OTHER_CPU"
	b_rs_up 1
	b_rs_up 2
}

# b_dr_return on|off: real servers reply over the return links (direct
# routing) or through the director.
b_dr_return() {
	local i
	for i in 1 2; do
		if [ "$1" = on ]; then
			b_in "rs$i" ip route replace "$B_CLIENT/32" dev "${B_DEV}y$i"
		else
			b_in "rs$i" ip route del "$B_CLIENT/32" 2>/dev/null
		fi
	done
	return 0
}

# b_flush: forget earlier connections (TIME_WAIT would make PAWS drop new
# SYNs on reused ports) and conntrack entries, everywhere.
b_flush() {
	local h
	for h in client dir rs1 rs2; do
		b_in "$h" ss -K state time-wait >/dev/null 2>&1
	done
	b_in dir conntrack -F >/dev/null 2>&1
	return 0
}

topo_down() {
	local pid ns
	for pid in "${B_PIDS[@]}"; do
		b_kill_pid "$pid"
	done
	B_PIDS=()
	for ns in "${B_NAMESPACES[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	for ns in "${B_NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	B_NAMESPACES=()
	[ -n "$B_RUN" ] && rm -rf "$B_RUN"
	B_RUN=
	return 0
}
