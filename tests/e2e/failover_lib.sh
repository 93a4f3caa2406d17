# shellcheck shell=bash disable=SC2034
# What the xlvs-failoverd cases share (test_failover.sh,
# test_failover_ops.sh): one /etc/ha.d for both directors (ucast to each
# other, keepalive 200 ms, deadtime 2 s, haresources "ha1 VIP/24/eth0",
# auto_failback on), each daemon's pid file, socket and state under
# $XL_TMP, its log in $XL_TMP/HOST.log.

FO_BIN=$XL_ROOT/build/bin/xlvs-failoverd
FO_PORT=694
FO_PID_ha1=''
FO_PID_ha2=''

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
	echo "ha1 $XL_VIP/24/eth0" >"$d/haresources"
	printf 'auth 1\n1 sha1 fo-test-secret\n' >"$d/authkeys"
	chmod 600 "$d/authkeys"
}

# fo_start HOST: its failoverd in the foreground, log in $XL_TMP/HOST.log.
fo_start() {
	xl_bg "$1" "$FO_BIN" -c "$XL_TMP/ha.d" -n "$1" -d --statedir "$XL_TMP/state-$1" \
		--rundir "$XL_TMP" 2>>"$XL_TMP/$1.log"
	eval "FO_PID_$1=$XL_LAST_PID"
}

# fo_cmd HOST COMMAND: xlvs-failoverd COMMAND for HOST's daemon, in HOST;
# its output on stdout, its exit status returned.
fo_cmd() {
	xl_in "$1" "$FO_BIN" -c "$XL_TMP/ha.d" -n "$1" --statedir "$XL_TMP/state-$1" \
		--rundir "$XL_TMP" "$2" 2>&1
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

