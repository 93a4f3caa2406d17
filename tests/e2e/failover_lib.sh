# shellcheck shell=bash disable=SC2034
# Shared by test_failover.sh and test_failover_heartbeat.sh: two directors,
# ha1 and ha2, with the same xlvs table and the same /etc/ha.d (ucast to
# each other, keepalive 200 ms, deadtime 2 s, auto_failback on), two real
# servers and a client; xlvs-failoverd started, watched and stopped.

FO_BIN=$XL_ROOT/build/bin/xlvs-failoverd
FO_PORT=694
FO_PID_ha1=''
FO_PID_ha2=''

# fo_write_conf [RESOURCE]: $XL_TMP/ha.d; the haresources group is
# "ha1 RESOURCE" (default the bare VIP/24/eth0, heartbeat's IPaddr).
fo_write_conf() {
	local d=$XL_TMP/ha.d
	mkdir -p "$d"
	cat >"$d/ha.cf" <<CF
logfacility local0
keepalive 200ms
warntime 1
deadtime 2
initdead 3
udpport $FO_PORT
ucast eth0 $XL_HA1
ucast eth0 $XL_HA2
auto_failback on
node ha1
node ha2
CF
	echo "ha1 ${1:-$XL_VIP/24/eth0}" >"$d/haresources"
	printf 'auth 1\n1 sha1 fo-test-secret\n' >"$d/authkeys"
	chmod 600 "$d/authkeys"
}

# fo_net_up: the demo network, both directors attached with the seed table.
fo_net_up() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1"
	xl_add_director ha2 "$XL_HA2"
	xl_add_realserver node1 "$XL_NODE1"
	xl_add_realserver node2 "$XL_NODE2"
	xl_add_host client "$XL_CLIENT"
	for h in ha1 ha2; do
		XL_DIRECTOR=$h xl_adm --attach eth0 || xl_fail "xlvsadm --attach on $h failed"
		XL_DIRECTOR=$h xl_seed_services
	done
}

# fo_start HOST: its failoverd in the foreground, log in $XL_TMP/HOST.log.
fo_start() {
	xl_bg "$1" "$FO_BIN" -c "$XL_TMP/ha.d" -n "$1" -d --statedir "$XL_TMP/state-$1" \
		2>>"$XL_TMP/$1.log"
	eval "FO_PID_$1=$XL_LAST_PID"
}

fo_has_vip() { xl_in "$1" ip -4 -o addr show dev eth0 | grep -q " $XL_VIP/24 "; }

# fo_wait_vip HOST yes|no SECONDS: bounded wait for the VIP to be (not) on HOST.
fo_wait_vip() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		if fo_has_vip "$1"; then [ "$2" = yes ] && return 0
		else [ "$2" = no ] && return 0; fi
		sleep 0.1
	done
	return 1
}

fo_logs() { for h in ha1 ha2; do echo "--- $h"; tail -n 20 "$XL_TMP/$h.log"; done >&2; }

# The client asks every 100 ms; prints the longest gap between answers.
fo_client_loop() {
	local out=$1 end=$((SECONDS + $2))
	while ((SECONDS < end)); do
		if xl_in client curl -s --max-time 0.3 "http://$XL_VIP/" | grep -q 'Test Page'; then
			echo "${EPOCHREALTIME/./} ok"
		else
			echo "${EPOCHREALTIME/./} none"
		fi
		sleep 0.1
	done >"$out"
}

fo_max_gap_ms() {
	awk '$2 == "ok" { if (last) { g = ($1 - last) / 1000; if (g > max) max = g } last = $1 }
	     END { printf "%d\n", max }' "$1"
}

# Running it as an init script (test_failover_ops.sh): every daemon's pid
# file and control socket under $XL_TMP, never /run.
export XLVS_FAILOVERD_RUNDIR=$XL_TMP

# fo_cmd HOST COMMAND: xlvs-failoverd COMMAND for HOST's daemon, in HOST;
# its output on stdout, its exit status returned.
fo_cmd() {
	xl_in "$1" "$FO_BIN" -c "$XL_TMP/ha.d" -n "$1" --statedir "$XL_TMP/state-$1" \
		"$2" 2>&1
}

# fo_pidfile HOST: where HOST's daemon writes its pid.
fo_pidfile() {
	local tag
	tag=$(realpath "$XL_TMP/ha.d")
	tag=${tag#/}
	echo "$XL_TMP/xlvs-failoverd.${tag//\//_}.$1.pid"
}

# fo_daemon HOST: `start` (it detaches); its pid remembered for cleanup.
fo_daemon() {
	local out rc
	out=$(fo_cmd "$1" start)
	rc=$?
	[ $rc -eq 0 ] || { echo "$out" >&2; return $rc; }
	eval "FO_PID_$1=$(cat "$(fo_pidfile "$1")")"
	eval "XL_PIDS+=(\$FO_PID_$1)"
	return 0
}

# --- Debian's heartbeat 3.0.6 as one of the directors ----------------------
# (test_failover_heartbeat.sh).  As bench/failover does: heartbeat has its
# paths built in and takes its node name from uname -n, so each runs in a
# mount and UTS namespace of its own (bench/failover/hb-node) with
# $XL_TMP/hb-HOST/{etc,lib,run} bound over /etc/ha.d, /var/lib/heartbeat
# and /run; its etc is the machine's /etc/ha.d (rc.d, resource.d,
# shellfuncs) with the test's ha.cf, haresources and authkeys.

# fo_hb_conf HOST: HOST's heartbeat directories (made once), the shared
# $XL_TMP/ha.d files copied in.
fo_hb_conf() {
	local n=$XL_TMP/hb-$1
	if [ ! -d "$n" ]; then
		mkdir -p "$n/etc" "$n/lib" "$n/run/resource-agents" "$n/run/lock"
		cp -a /etc/ha.d/. "$n/etc/"
		cp -a /var/lib/heartbeat/. "$n/lib/"
		rm -f "$n/lib/hb_generation" "$n/lib/hb_uuid"
		install -d -o hacluster -g haclient -m 750 "$n/run/heartbeat"
	fi
	cp -a "$XL_TMP/ha.d/ha.cf" "$XL_TMP/ha.d/haresources" "$XL_TMP/ha.d/authkeys" "$n/etc/"
}

# fo_hb_start HOST: heartbeat in the foreground as node HOST; its stdout
# and stderr in $XL_TMP/HOST.log (its log proper goes to ha.cf's logfile).
fo_hb_start() {
	fo_hb_conf "$1"
	rm -f "$XL_TMP/hb-$1/run/heartbeat.pid"
	xl_bg "$1" unshare --uts --mount --propagation private \
		"$XL_ROOT/bench/failover/hb-node" "$XL_TMP/hb-$1" "$1" >>"$XL_TMP/$1.log" 2>&1
	eval "FO_PID_$1=$XL_LAST_PID"
}

# fo_hb_pids HOST: every heartbeat process of HOST (one per medium and
# direction besides the master).
fo_hb_pids() {
	local p
	for p in $(ip netns pids "$(xl_ns "$1")" 2>/dev/null); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = heartbeat ] && echo "$p"
	done
}

fo_hb_kill9() {
	local p
	for p in $(fo_hb_pids "$1"); do kill -KILL "$p" 2>/dev/null; done
	return 0
}

# fo_up_vip HOST: has the VIP on a link that is up (a downed link's
# address answers nothing).
fo_up_vip() {
	[ "$(xl_in "$1" cat /sys/class/net/eth0/operstate 2>/dev/null)" = up ] && fo_has_vip "$1"
}

# fo_both_sampler OUT SECONDS: every 100 ms, one line "TIME ha1 ha2" with
# yes/no for fo_up_vip; for the never-on-both checks.  ha1 is read before
# and after ha2 and is "yes" only if both say so: the reads are some
# 100 ms apart on a busy machine, and a hand-over between them (ha1
# releasing, then ha2 taking, or back) must not look like an overlap; an
# overlap lasting the whole round still shows.
fo_both_sampler() {
	local end=$((SECONDS + $2)) s a b c
	while ((SECONDS < end)); do
		s=${EPOCHREALTIME/./}
		fo_up_vip ha1 && a=yes || a=no
		fo_up_vip ha2 && b=yes || b=no
		fo_up_vip ha1 && c=yes || c=no
		[ $a = yes ] && [ $c = yes ] || a=no
		echo "$s $a $b"
		sleep 0.1
	done >"$1"
}

fo_both_count() { awk '$2 == "yes" && $3 == "yes"' "$1" | wc -l; }
