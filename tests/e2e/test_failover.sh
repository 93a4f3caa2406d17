# shellcheck shell=bash disable=SC2034,SC2015
# xlvs-failoverd: two directors, ha1 and ha2, with the same xlvs table and
# the same /etc/ha.d (ucast to each other, keepalive 200 ms, deadtime 2 s,
# haresources "ha1 VIP/24/eth0", auto_failback on).  The VIP starts on no
# director: failoverd places it.  Each case builds a fresh cluster.

# shellcheck source=tests/e2e/failover_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/failover_lib.sh"

setup() {
	fo_net_up
	fo_write_conf
	"$FO_BIN" -c "$XL_TMP/ha.d" -n ha1 -t 2>/dev/null || xl_fail "failoverd -t refused the config"
	! fo_has_vip ha1 && ! fo_has_vip ha2 || xl_fail "the VIP is on a director before failoverd"
	fo_start ha1
	fo_start ha2
	fo_wait_vip ha1 yes 5 || { fo_logs; xl_fail "ha1 did not take the VIP"; }
	sleep 0.5
	fo_has_vip ha2 && { fo_logs; xl_fail "the VIP is on ha2 as well"; }
	[ "$(xl_http 1)" != none ] || xl_fail "the client gets no answer through ha1"
}

test_failover_master_takes_vip() {
	local t0=$SECONDS
	while ((SECONDS - t0 < 3)); do
		fo_has_vip ha2 && { fo_logs; xl_fail "ha2 took the VIP while ha1 was alive"; }
		fo_has_vip ha1 || { fo_logs; xl_fail "ha1 lost the VIP"; }
		sleep 0.2
	done
	grep -q 'Status update for node ha2' "$XL_TMP/ha1.log" || xl_fail "ha1 never heard ha2"
}

test_failover_kill9_ha2_takes_over() {
	local mac2 neigh gap
	fo_client_loop "$XL_TMP/client" 8 &
	local loop=$!
	sleep 1
	kill -KILL "$FO_PID_ha1"
	# The director is gone too: its stale VIP and table answer nothing.
	xl_in ha1 ip link set eth0 down
	fo_wait_vip ha2 yes 4 || { fo_logs; xl_fail "ha2 did not take the VIP within deadtime + 2 s"; }
	wait "$loop"
	gap=$(fo_max_gap_ms "$XL_TMP/client")
	echo "longest gap between answers: $gap ms"
	((gap > 0 && gap <= 3000)) || { fo_logs; xl_fail "gap $gap ms > deadtime + 1 s"; }
	tail -n 3 "$XL_TMP/client" | grep -q ok || xl_fail "the client is not answered through ha2"
	mac2=$(xl_in ha2 cat /sys/class/net/eth0/address)
	neigh=$(xl_in client ip neigh show "$XL_VIP" dev eth0)
	echo "client's neighbour entry: $neigh (ha2: $mac2)"
	[[ $neigh == *"lladdr $mac2 "* ]] || xl_fail "the client's entry for the VIP is not ha2's MAC"
	grep -q 'node ha1: is dead' "$XL_TMP/ha2.log" || xl_fail "ha2 did not log ha1 dead"
}

# Without the link going down: ha1's address stays (killed), so only the
# gratuitous ARPs can move the client's REACHABLE entry to ha2.
test_failover_kill9_garp_moves_client() {
	local mac1 mac2 neigh
	mac1=$(xl_in ha1 cat /sys/class/net/eth0/address)
	mac2=$(xl_in ha2 cat /sys/class/net/eth0/address)
	xl_http 1 >/dev/null
	neigh=$(xl_in client ip neigh show "$XL_VIP" dev eth0)
	[[ $neigh == *"lladdr $mac1 "* ]] || xl_fail "before: client's entry $neigh is not ha1's $mac1"
	kill -KILL "$FO_PID_ha1"
	fo_wait_vip ha2 yes 4 || { fo_logs; xl_fail "ha2 did not take the VIP"; }
	sleep 0.6
	neigh=$(xl_in client ip neigh show "$XL_VIP" dev eth0)
	echo "client's neighbour entry after takeover: $neigh (ha2: $mac2)"
	[[ $neigh == *"lladdr $mac2 "* ]] || xl_fail "no gratuitous ARP moved the client to ha2"
	# Restarted, ha1 removes the VIP its killed run left (it does not hold
	# it), then takes it back (auto_failback on) once ha2 has released.
	fo_start ha1
	fo_wait_vip ha2 no 5 || { fo_logs; xl_fail "ha2 did not release the VIP to ha1"; }
	fo_wait_vip ha1 yes 3 || { fo_logs; xl_fail "ha1 did not take the VIP back"; }
	grep -q 'left behind by an earlier run' "$XL_TMP/ha1.log" ||
		{ fo_logs; xl_fail "ha1 did not remove its stale VIP at start"; }
	sleep 1
	neigh=$(xl_in client ip neigh show "$XL_VIP" dev eth0)
	[[ $neigh == *"lladdr $mac1 "* ]] || xl_fail "after failback: client's entry $neigh is not ha1's"
	[ "$(xl_http 1)" != none ] || xl_fail "no answer after failback"
}

# (ha1's link stays up: a link flap flushes its neighbour table, and its
# XDP program then counts pkts_no_neigh and answers nothing for a while,
# which is the data plane's matter, not failoverd's.)
test_failover_autofailback() {
	kill -KILL "$FO_PID_ha1"
	fo_wait_vip ha2 yes 4 || { fo_logs; xl_fail "ha2 did not take the VIP"; }
	fo_start ha1
	# Its killed run's VIP is still on ha1 until the new run removes it
	# (before it says "waiting"): from then on, never on both.
	local i both=0
	for ((i = 0; i < 30; i++)); do
		(($(grep -c 'waiting up to' "$XL_TMP/ha1.log") == 2)) && break
		sleep 0.1
	done
	grep -q 'left behind by an earlier run' "$XL_TMP/ha1.log" ||
		{ fo_logs; xl_fail "ha1 did not remove its stale VIP at start"; }
	for ((i = 0; i < 60; i++)); do
		fo_has_vip ha1 && fo_has_vip ha2 && both=$((both + 1))
		fo_has_vip ha1 && ! fo_has_vip ha2 && break
		sleep 0.1
	done
	fo_has_vip ha1 && ! fo_has_vip ha2 || { fo_logs; xl_fail "the VIP did not return to ha1 alone"; }
	((both == 0)) || xl_fail "the VIP was on both directors in $both samples"
	grep -q 'Heartbeat restart on node ha1' "$XL_TMP/ha2.log" ||
		{ fo_logs; xl_fail "ha2 did not see ha1's higher generation"; }
	[ "$(xl_http 1)" != none ] || xl_fail "no answer after failback"
}

# A forged "ha1 is alive and holds the VIP" (with auto_failback on it
# would make ha2 release) signed with the wrong key changes nothing, nor
# does one with the right key from an older generation (a replay); the
# same heartbeats with the right key and a new generation do release it
# (the control).
test_failover_wrong_key_ignored() {
	kill -KILL "$FO_PID_ha1"
	xl_in ha1 ip link set eth0 down
	fo_wait_vip ha2 yes 4 || { fo_logs; xl_fail "ha2 did not take the VIP"; }
	xl_in client python3 "$XL_ROOT/tests/e2e/hbsend.py" "$XL_HA2" $FO_PORT ha1 wrong-key 999 15
	fo_has_vip ha2 || { fo_logs; xl_fail "a wrong-key heartbeat made ha2 release the VIP"; }
	grep -q 'bad authentication' "$XL_TMP/ha2.log" || xl_fail "ha2 did not log the bad packet"
	# The right key but an older generation than ha1's run had: a replay.
	xl_in client python3 "$XL_ROOT/tests/e2e/hbsend.py" "$XL_HA2" $FO_PORT ha1 fo-test-secret 0 15
	fo_has_vip ha2 || { fo_logs; xl_fail "an old-generation heartbeat made ha2 release the VIP"; }
	grep -q 'attempted replay attack' "$XL_TMP/ha2.log" || xl_fail "ha2 did not log the replay"
	xl_in client python3 "$XL_ROOT/tests/e2e/hbsend.py" "$XL_HA2" $FO_PORT ha1 fo-test-secret 999 5
	fo_wait_vip ha2 no 2 || { fo_logs; xl_fail "control: the right key did not reach ha2"; }
}

# fo_partition HOST on|off: HOST's heartbeats dropped both ways (nft).
fo_partition() {
	if [ "$2" = on ]; then
		xl_in "$1" nft -f - <<NFT || xl_fail "nft in $1 failed"
table inet fo_part {
	chain in { type filter hook input priority 0; udp dport $FO_PORT drop; }
	chain out { type filter hook output priority 0; udp dport $FO_PORT drop; }
}
NFT
	else
		xl_in "$1" nft delete table inet fo_part || xl_fail "nft delete in $1 failed"
	fi
}

# Split brain, then healed: both hold the VIP while they cannot hear each
# other; once they can, the haresources owner (ha1) keeps it and ha2
# releases at once.
test_failover_partition_heals() {
	fo_partition ha2 on
	fo_wait_vip ha2 yes 5 || { fo_logs; xl_fail "ha2 did not take the VIP in the partition"; }
	fo_has_vip ha1 || { fo_logs; xl_fail "ha1 gave the VIP up in the partition"; }
	fo_partition ha2 off
	fo_wait_vip ha2 no 2 || { fo_logs; xl_fail "ha2 kept the VIP after the partition healed"; }
	fo_has_vip ha1 || { fo_logs; xl_fail "ha1 lost the VIP when the partition healed"; }
	sleep 1
	fo_has_vip ha1 && ! fo_has_vip ha2 || { fo_logs; xl_fail "not settled on ha1"; }
}

# A graceful stop releases the VIP and says so ("dead"), so the peer takes
# it without waiting deadtime; auto_failback off: the owner, back, leaves it.
test_failover_stop_and_no_failback() {
	local t0
	kill -TERM "$FO_PID_ha2"
	wait "$FO_PID_ha2" 2>/dev/null
	kill -TERM "$FO_PID_ha1"
	wait "$FO_PID_ha1" 2>/dev/null
	fo_has_vip ha1 && xl_fail "ha1 kept the VIP after a graceful stop"
	sed -i 's/^auto_failback on$/auto_failback off/' "$XL_TMP/ha.d/ha.cf"
	fo_start ha1
	fo_start ha2
	fo_wait_vip ha1 yes 5 || { fo_logs; xl_fail "ha1 did not take the VIP (failback off)"; }
	t0=$EPOCHREALTIME
	kill -TERM "$FO_PID_ha1"
	fo_wait_vip ha2 yes 2 || { fo_logs; xl_fail "ha2 did not take over within 2 s of a graceful stop"; }
	echo "takeover after a graceful stop: $(((${EPOCHREALTIME/./} - ${t0/./}) / 1000)) ms"
	wait "$FO_PID_ha1" 2>/dev/null
	fo_start ha1
	sleep 3
	fo_has_vip ha2 && ! fo_has_vip ha1 || { fo_logs; xl_fail "failback off: the VIP moved"; }
	grep -c 'Status update for node ha2' "$XL_TMP/ha1.log" | grep -qv '^0$' ||
		xl_fail "ha1 never heard ha2"
}

# Other resources: CONFDIR/resource.d/NAME ARGS... start|stop, in
# haresources order after the VIP, stopped in reverse (the VIP last).
test_failover_scripts_in_order() {
	local d=$XL_TMP/ha.d got
	kill -TERM "$FO_PID_ha2"
	wait "$FO_PID_ha2" 2>/dev/null
	kill -TERM "$FO_PID_ha1"
	wait "$FO_PID_ha1" 2>/dev/null
	mkdir -p "$d/resource.d"
	cat >"$d/resource.d/mark" <<SH
#!/bin/sh
vip=no; ip -4 -o addr show dev eth0 | grep -q " $XL_VIP/" && vip=yes
echo "\$* vip=\$vip" >>"$XL_TMP/marks"
SH
	chmod 755 "$d/resource.d/mark"
	echo "ha1 $XL_VIP/24/eth0 mark::a mark::b" >"$d/haresources"
	fo_start ha1
	fo_wait_vip ha1 yes 6 || { fo_logs; xl_fail "ha1 did not take the VIP"; }
	sleep 0.5
	kill -TERM "$FO_PID_ha1"
	wait "$FO_PID_ha1" 2>/dev/null
	got=$(tr '\n' ';' <"$XL_TMP/marks")
	xl_assert_eq "a start vip=yes;b start vip=yes;b stop vip=yes;a stop vip=yes;" "$got" \
		"resource scripts' order"
	fo_has_vip ha1 && xl_fail "the VIP outlived the stop"
	return 0
}

# fo_media_case MEDIA-LINE: both restarted with MEDIA-LINE instead of the
# ucast lines; ha1 takes the VIP, ha2 takes over when ha1 is killed.
fo_media_case() {
	local cf=$XL_TMP/ha.d/ha.cf
	kill -TERM "$FO_PID_ha2"
	wait "$FO_PID_ha2" 2>/dev/null
	kill -TERM "$FO_PID_ha1"
	wait "$FO_PID_ha1" 2>/dev/null
	grep -v '^ucast ' "$cf" >"$cf.new"
	echo "$1" >>"$cf.new"
	mv "$cf.new" "$cf"
	"$FO_BIN" -c "$XL_TMP/ha.d" -n ha1 -t 2>/dev/null || xl_fail "-t refused: $1"
	: >"$XL_TMP/ha2.log"
	fo_start ha1
	fo_start ha2
	fo_wait_vip ha1 yes 5 || { fo_logs; xl_fail "$1: ha1 did not take the VIP"; }
	sleep 0.5
	grep -q 'Status update for node ha1' "$XL_TMP/ha2.log" ||
		{ fo_logs; xl_fail "$1: ha2 does not hear ha1"; }
	fo_has_vip ha2 && { fo_logs; xl_fail "$1: the VIP is on ha2 as well"; }
	kill -KILL "$FO_PID_ha1"
	fo_wait_vip ha2 yes 4 || { fo_logs; xl_fail "$1: ha2 did not take over"; }
	return 0
}

test_failover_bcast() { fo_media_case "bcast eth0"; }
test_failover_mcast() { fo_media_case "mcast eth0 239.77.0.1 694 1 0"; }

# A resource script slower than deadtime (3 s against 2 s): our heartbeats
# go on while it runs, so the peer neither declares ha1 dead nor takes the
# VIP, and the VIP stays on ha1 alone through the script's start and stop.
test_failover_slow_script_keeps_heartbeats() {
	local d=$XL_TMP/ha.d t0
	kill -TERM "$FO_PID_ha2"
	wait "$FO_PID_ha2" 2>/dev/null
	kill -TERM "$FO_PID_ha1"
	wait "$FO_PID_ha1" 2>/dev/null
	mkdir -p "$d/resource.d"
	printf '#!/bin/sh\nsleep 3\necho "$*" >>"%s"\n' "$XL_TMP/marks" >"$d/resource.d/slow"
	chmod 755 "$d/resource.d/slow"
	echo "ha1 $XL_VIP/24/eth0 slow::a" >"$d/haresources"
	: >"$XL_TMP/ha2.log"
	fo_start ha1
	fo_start ha2
	fo_wait_vip ha1 yes 5 || { fo_logs; xl_fail "ha1 did not take the VIP"; }
	t0=$SECONDS
	while ((SECONDS - t0 < 4)); do
		fo_has_vip ha2 && { fo_logs; xl_fail "ha2 took the VIP while ha1's script ran"; }
		sleep 0.2
	done
	grep -q 'a start' "$XL_TMP/marks" || { fo_logs; xl_fail "the slow script did not finish"; }
	grep -q 'node ha1: is dead' "$XL_TMP/ha2.log" &&
		{ fo_logs; xl_fail "ha2 declared ha1 dead while its script ran"; }
	grep -q 'Late heartbeat' "$XL_TMP/ha2.log" &&
		{ fo_logs; xl_fail "ha1's heartbeats paused while its script ran"; }
	return 0
}
