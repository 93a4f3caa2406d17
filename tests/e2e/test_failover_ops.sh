# shellcheck shell=bash disable=SC2034,SC2015
# xlvs-failoverd run as an init script runs heartbeat: start, status,
# stop, reload; its log in ha.cf's logfile and debugfile; a resource that
# fails to start; the gratuitous ARP and IPv6 advertisements a neighbour
# sees.  ha1 and ha2 as in test_failover.sh, without real servers (the
# VIP is what is watched).

# shellcheck source=tests/e2e/failover_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/failover_lib.sh"

FO_LOG=''

setup() {
	xl_lan_up
	xl_add_director ha1 "$XL_HA1"
	xl_add_director ha2 "$XL_HA2"
	xl_add_host client "$XL_CLIENT"
	fo_write_conf
	FO_LOG=$XL_TMP/ha-log
	sed -i "s|^logfacility local0\$|logfacility none\\nlogfile $FO_LOG\\ndebugfile $XL_TMP/ha-debug|" \
		"$XL_TMP/ha.d/ha.cf"
}

# fo_runs PID: whether it runs (a zombie waiting for a reaper has ended).
fo_runs() {
	local st
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

fo_ops_logs() { echo "--- ha-log"; tail -n 30 "$FO_LOG"; fo_logs; } >&2

# start detaches and returns once the daemon runs; status reports the
# role, each resource and the peer's last heartbeat; stop returns once
# the VIP is released; status then says stopped (LSB 3).
test_failover_ops_start_status_stop() {
	local out rc pid
	fo_daemon ha1 || xl_fail "start on ha1 failed"
	fo_daemon ha2 || xl_fail "start on ha2 failed"
	out=$(fo_cmd ha1 start) || xl_fail "a second start is not 0: $out"
	[[ $out == *"already running"* ]] || xl_fail "a second start: $out"
	fo_wait_vip ha1 yes 6 || { fo_ops_logs; xl_fail "ha1 did not take the VIP"; }
	sleep 0.5
	out=$(fo_cmd ha1 status) || { echo "$out"; xl_fail "status on ha1 is not 0"; }
	echo "$out"
	[[ $out == *"role: active since "* ]] || xl_fail "ha1's status has no active role"
	[[ $out == *"resource IPaddr::$XL_VIP/24/eth0: up"* ]] || xl_fail "no resource state"
	[[ $out =~ "peer ha2: alive, status active, holds nothing, last heartbeat "([0-9]+)" ms ago" ]] ||
		xl_fail "no peer line"
	((BASH_REMATCH[1] < 1000)) || xl_fail "ha2's last heartbeat is ${BASH_REMATCH[1]} ms old"
	out=$(fo_cmd ha2 status) || xl_fail "status on ha2 is not 0"
	[[ $out == *"role: standby since "* ]] || { echo "$out"; xl_fail "ha2 is not standby"; }
	pid=$FO_PID_ha1
	out=$(fo_cmd ha1 stop) || xl_fail "stop on ha1: $out"
	fo_has_vip ha1 && xl_fail "the VIP is on ha1 after stop returned"
	fo_runs "$pid" && xl_fail "ha1's daemon runs after stop returned"
	[ -e "$(fo_pidfile ha1)" ] && xl_fail "stop left the pid file"
	out=$(fo_cmd ha1 status); rc=$?
	xl_assert_eq 3 "$rc" "status of a stopped daemon"
	fo_wait_vip ha2 yes 2 || { fo_ops_logs; xl_fail "ha2 did not take over after the stop"; }
	fo_cmd ha2 stop >/dev/null || xl_fail "stop on ha2"
	fo_has_vip ha2 && xl_fail "the VIP is on ha2 after stop returned"
	out=$(fo_cmd ha2 stop) || xl_fail "stop of a stopped daemon is not 0"
	# heartbeat's log format, and each transition with its cause.
	grep -Eq "^xlvs-failoverd\[$pid\]: [0-9]{4}/[0-9]{2}/[0-9]{2}_[0-9:]{8} info: acquiring resources \(peer alive, holding nothing\)" \
		"$FO_LOG" || { fo_ops_logs; xl_fail "no acquiring line in the logfile"; }
	grep -q "Received shutdown notice\|Status update for node ha1: status dead" "$FO_LOG" ||
		{ fo_ops_logs; xl_fail "ha2 did not log ha1's stop"; }
	grep -q "info: stopped: resources released" "$FO_LOG" || xl_fail "no stop line"
	grep -q ' debug: \| info: ' "$XL_TMP/ha-debug" || xl_fail "the debugfile is empty"
	return 0
}

# reload with a broken ha.cf: its file:line, exit 6, nothing changes;
# a good one is taken (0); a changed haresources restarts the daemon,
# which takes the VIP again.
test_failover_ops_reload_keeps_running() {
	local out rc cf=$XL_TMP/ha.d/ha.cf
	fo_daemon ha1 || xl_fail "start on ha1 failed"
	fo_wait_vip ha1 yes 6 || { fo_ops_logs; xl_fail "ha1 did not take the VIP (alone)"; }
	cp "$cf" "$cf.good"
	echo "keepalive banana" >>"$cf"
	out=$(fo_cmd ha1 reload); rc=$?
	echo "$out"
	xl_assert_eq 6 "$rc" "reload of a broken ha.cf"
	[[ $out == *"$cf:$(wc -l <"$cf"):"* ]] || xl_fail "reload's error has no file:line"
	fo_cmd ha1 status >/dev/null || xl_fail "the daemon died on a broken reload"
	fo_has_vip ha1 || xl_fail "a broken reload released the VIP"
	grep -q "reload refused: the running configuration is kept" "$FO_LOG" ||
		xl_fail "the refusal is not in the log"
	# SIGHUP, as heartbeat's: the same refusal, logged.
	kill -HUP "$FO_PID_ha1"
	sleep 0.3
	(($(grep -c "reload refused" "$FO_LOG") == 2)) || xl_fail "SIGHUP did not reload"
	sed 's/^warntime 1$/warntime 1500ms/' "$cf.good" >"$cf"
	out=$(fo_cmd ha1 reload) || { echo "$out"; xl_fail "a good reload is not 0"; }
	grep -q "configuration reloaded" "$FO_LOG" || xl_fail "no reload line"
	fo_has_vip ha1 || xl_fail "a good reload released the VIP"
	echo "ha1 IPaddr2::$XL_VIP/24/eth0" >"$XL_TMP/ha.d/haresources"
	out=$(fo_cmd ha1 reload) || { echo "$out"; xl_fail "a haresources reload is not 0"; }
	fo_wait_vip ha1 no 3 || { fo_ops_logs; xl_fail "the restart did not release first"; }
	fo_wait_vip ha1 yes 6 || { fo_ops_logs; xl_fail "the restarted daemon did not take the VIP"; }
	FO_PID_ha1=$(cat "$(fo_pidfile ha1)")
	XL_PIDS+=("$FO_PID_ha1")
	out=$(fo_cmd ha1 status) || xl_fail "no daemon after the restart"
	[[ $out == *"resource IPaddr2::$XL_VIP/24/eth0: up"* ]] || { echo "$out"; xl_fail "old haresources"; }
}

# fo_failing_script: resource.d/flaky, which fails its start on ha1 only
# (while $XL_TMP/broken exists), counting its attempts there.
fo_failing_script() {
	local d=$XL_TMP/ha.d
	mkdir -p "$d/resource.d"
	cat >"$d/resource.d/flaky" <<SH
#!/bin/sh
if [ "\$2" = start ] && ip -4 -o addr show dev eth0 | grep -q " $XL_HA1/" && [ -e "$XL_TMP/broken" ]; then
	date +%s.%N >>"$XL_TMP/attempts"
	exit 1
fi
exit 0
SH
	chmod 755 "$d/resource.d/flaky"
	: >"$XL_TMP/broken"
	echo "ha1 $XL_VIP/24/eth0 flaky::x" >"$d/haresources"
}

# Alone, ha1 retries with a growing backoff (1, 2, 4, 8 s): over 9 s from
# the first attempt, 4 attempts (a spinning retry would make hundreds);
# each gives the VIP up again, and heartbeats go on.
test_failover_ops_failing_resource_backs_off() {
	local n i vip=0 out
	fo_failing_script
	fo_daemon ha1 || xl_fail "start on ha1 failed"
	for ((i = 0; i < 80; i++)); do
		[ -s "$XL_TMP/attempts" ] && break
		sleep 0.1
	done
	[ -s "$XL_TMP/attempts" ] || { fo_ops_logs; xl_fail "the resource was never started"; }
	for ((i = 0; i < 90; i++)); do
		fo_has_vip ha1 && vip=$((vip + 1))
		sleep 0.1
	done
	n=$(wc -l <"$XL_TMP/attempts")
	echo "attempts in 9 s: $n; VIP seen in $vip of 90 samples"
	awk 'NR > 1 { printf "gap %.1f s\n", $1 - last } { last = $1 }' "$XL_TMP/attempts"
	((n >= 3 && n <= 5)) || { fo_ops_logs; xl_fail "$n attempts in 9 s: not a 1-2-4-8 s backoff"; }
	((vip <= 10)) || xl_fail "the VIP stayed up in $vip samples after failures"
	grep -q "CRIT: Giving up resources due to failure of flaky::x" "$FO_LOG" ||
		xl_fail "no CRIT line for the failure"
	out=$(fo_cmd ha1 status)
	echo "$out"
	[[ $out == *"resource flaky::x: failed"* ]] || xl_fail "status does not show the failure"
	[[ $out == *"resource IPaddr::$XL_VIP/24/eth0: stopped"* ]] || xl_fail "the VIP is not stopped"
	# Fixed, and reloaded: taken at once.
	rm "$XL_TMP/broken"
	fo_cmd ha1 reload >/dev/null || xl_fail "reload after the fix"
	fo_wait_vip ha1 yes 3 || { fo_ops_logs; xl_fail "ha1 did not take the VIP after the fix"; }
	fo_cmd ha1 stop >/dev/null
	fo_has_vip ha1 && xl_fail "the VIP outlived the stop"
	return 0
}

# With ha2 up: ha1 fails, gives the VIP up and says so, ha2 takes it and
# keeps it; ha1 does not retry while ha2 holds it, never stops sending
# heartbeats (ha2 never declares it dead), and takes it back once fixed.
test_failover_ops_failing_master_hands_over() {
	local n
	fo_failing_script
	fo_daemon ha1 || xl_fail "start on ha1 failed"
	fo_daemon ha2 || xl_fail "start on ha2 failed"
	fo_wait_vip ha2 yes 8 || { fo_ops_logs; xl_fail "ha2 did not take the VIP from failing ha1"; }
	sleep 5
	fo_has_vip ha2 && ! fo_has_vip ha1 || { fo_ops_logs; xl_fail "the VIP did not stay on ha2"; }
	n=$(wc -l <"$XL_TMP/attempts")
	((n == 1)) || { fo_ops_logs; xl_fail "ha1 tried $n times while ha2 held the VIP"; }
	grep -q "node ha1: is dead" "$FO_LOG" && xl_fail "ha2 declared ha1 dead"
	# ha1 handed them over as heartbeat's hb_standby does (ask_resources).
	grep -q "ha1 wants to go standby \[local\]" "$FO_LOG" || xl_fail "ha2 did not log why"
	rm "$XL_TMP/broken"
	fo_cmd ha1 reload >/dev/null || xl_fail "reload after the fix"
	fo_wait_vip ha1 yes 4 || { fo_ops_logs; xl_fail "ha1 did not take the VIP back"; }
	fo_has_vip ha2 && xl_fail "the VIP is on both"
	return 0
}

# A takeover as a neighbour sees it: IPaddr2's request+reply pairs, as
# many and as far apart as OCF_RESKEY_arp_count / arp_interval say.
test_failover_ops_garp_pairs() {
	local mac1 req rep
	mac1=$(xl_in ha1 cat /sys/class/net/eth0/address)
	echo "ha1 IPaddr2::$XL_VIP/24/eth0" >"$XL_TMP/ha.d/haresources"
	xl_bg client python3 "$XL_ROOT/tests/e2e/garpwatch.py" eth0 7 >"$XL_TMP/frames"
	sleep 0.5
	OCF_RESKEY_arp_count=3 OCF_RESKEY_arp_interval=400 fo_daemon ha1 || xl_fail "start"
	OCF_RESKEY_arp_count=banana fo_cmd ha2 start | grep -q "OCF_RESKEY_arp_count: \[banana\]" ||
		xl_fail "a bad OCF_RESKEY_arp_count is not refused by name"
	wait "$XL_LAST_PID"
	cat "$XL_TMP/frames"
	req=$(grep -c "arp request $mac1 $XL_VIP 00:00:00:00:00:00 $XL_VIP" "$XL_TMP/frames")
	rep=$(grep -c "arp reply $mac1 $XL_VIP $mac1 $XL_VIP" "$XL_TMP/frames")
	xl_assert_eq 3 "$req" "gratuitous ARP requests"
	xl_assert_eq 3 "$rep" "gratuitous ARP replies"
	# interval/2 between frames: the last of 6 about 1000 ms after the first.
	awk -v vip="$XL_VIP" '$2 == "arp" && $5 == vip && $7 == vip { t[n++] = $1 }
		END { d = t[n-1] - t[0]; print "burst spans " d " ms"; exit !(d >= 900 && d <= 1500) }' \
		"$XL_TMP/frames" || xl_fail "the burst's spacing is not 200 ms"
}

# IPv6addr: the VIP moves with unsolicited neighbour advertisements
# (override set), so the client's entry follows it to ha2.
test_failover_ops_ipv6_na() {
	local mac1 mac2 neigh
	for h in ha1 ha2 client; do xl_ipv6_on "$h"; done
	xl_addr ha1 eth0 "$XL_HA1_6"
	xl_addr ha2 eth0 "$XL_HA2_6"
	xl_addr client eth0 "$XL_CLIENT6"
	mac1=$(xl_in ha1 cat /sys/class/net/eth0/address)
	mac2=$(xl_in ha2 cat /sys/class/net/eth0/address)
	echo "ha1 IPv6addr::$XL_VIP6/64/eth0" >"$XL_TMP/ha.d/haresources"
	fo_start ha1
	fo_start ha2
	for ((i = 0; i < 60; i++)); do
		xl_in ha1 ip -6 -o addr show dev eth0 | grep -q " $XL_VIP6/64 " && break
		sleep 0.1
	done
	xl_in ha1 ip -6 -o addr show dev eth0 | grep -q " $XL_VIP6/64 " ||
		{ fo_logs; xl_fail "ha1 did not take the IPv6 VIP"; }
	xl_in client python3 "$XL_ROOT/tests/e2e/peek.py" ping6 "$XL_VIP6" >/dev/null ||
		xl_fail "the client cannot reach the IPv6 VIP"
	neigh=$(xl_in client ip -6 neigh show "$XL_VIP6" dev eth0)
	[[ $neigh == *"lladdr $mac1 "* ]] || xl_fail "before: $neigh is not ha1's $mac1"
	xl_bg client python3 "$XL_ROOT/tests/e2e/garpwatch.py" eth0 5 >"$XL_TMP/frames"
	sleep 0.3
	kill -KILL "$FO_PID_ha1"
	for ((i = 0; i < 40; i++)); do
		xl_in ha2 ip -6 -o addr show dev eth0 | grep -q " $XL_VIP6/64 " && break
		sleep 0.1
	done
	sleep 1.5
	neigh=$(xl_in client ip -6 neigh show "$XL_VIP6" dev eth0)
	echo "client's entry after takeover: $neigh (ha2: $mac2)"
	wait "$XL_LAST_PID"
	grep " na $mac2 $XL_VIP6 O $mac2" "$XL_TMP/frames" | head -3
	grep -q " na $mac2 $XL_VIP6 O $mac2" "$XL_TMP/frames" ||
		{ cat "$XL_TMP/frames"; xl_fail "no unsolicited NA from ha2"; }
	[[ $neigh == *"lladdr $mac2 "* ]] || xl_fail "the client's entry did not move to ha2"
}

# kill -9 of a started daemon: status says dead with its pid file left
# (LSB 1); start again clears the VIP the killed run left, and since ha2
# took over meanwhile, ha1 takes it back (auto_failback) without ever
# both holding it.
test_failover_ops_kill9_status_start() {
	local out rc i both=0
	fo_daemon ha1 || xl_fail "start on ha1 failed"
	fo_daemon ha2 || xl_fail "start on ha2 failed"
	fo_wait_vip ha1 yes 6 || { fo_ops_logs; xl_fail "ha1 did not take the VIP"; }
	kill -KILL "$FO_PID_ha1"
	sleep 0.2
	out=$(fo_cmd ha1 status); rc=$?
	echo "$out"
	xl_assert_eq 1 "$rc" "status after kill -9"
	fo_wait_vip ha2 yes 4 || { fo_ops_logs; xl_fail "ha2 did not take over"; }
	fo_daemon ha1 || xl_fail "start after kill -9 failed"
	grep -q "removed $XL_VIP, left behind by an earlier run" "$FO_LOG" ||
		{ fo_ops_logs; xl_fail "the restarted ha1 did not clear its stale VIP"; }
	for ((i = 0; i < 60; i++)); do
		fo_has_vip ha1 && fo_has_vip ha2 && both=$((both + 1))
		fo_has_vip ha1 && ! fo_has_vip ha2 && break
		sleep 0.1
	done
	fo_has_vip ha1 && ! fo_has_vip ha2 || { fo_ops_logs; xl_fail "the VIP did not return to ha1"; }
	((both == 0)) || xl_fail "the VIP was on both in $both samples"
	fo_cmd ha1 status >/dev/null || xl_fail "status after the restart"
}
