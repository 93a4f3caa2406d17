# shellcheck shell=bash disable=SC2034,SC2015
# xlvs-failoverd paired with Debian's real heartbeat 3.0.6 (haresources
# mode, crm off): one director runs heartbeat, the other xlvs-failoverd,
# with the same ha.cf (ucast to each other, keepalive 200 ms, deadtime 2 s,
# auto_failback on, off or legacy), haresources ("ha1
# IPaddr2::VIP/24/eth0") and authkeys.  Each sees the other alive, and the
# VIP moves both ways: the master's director dies (its daemon killed with
# -9, its link down), the other takes the VIP and the client's requests,
# one every 100 ms, are answered again within deadtime + 1 s (+ 2 s when
# heartbeat is the one taking over: its scripts' time; the gap is
# printed); the master's director comes back (rebooted: no stale address,
# link up, daemon started) and with auto_failback on or legacy takes the
# VIP back through heartbeat's own hand-over, with off leaves it.  At no
# sampled moment is the VIP up on both.  heartbeat.md A.8-A.10.

# shellcheck source=tests/e2e/failover_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/failover_lib.sh"

FOH_DEADTIME_MS=2000

# foh_conf FAILBACK: the shared configuration; both daemons log to one
# file, $XL_TMP/ha-log (heartbeat's lines say "heartbeat:", ours
# "xlvs-failoverd[PID]").
foh_conf() {
	fo_write_conf "IPaddr2::$XL_VIP/24/eth0"
	sed -i "s/^logfacility .*/logfile $(printf '%s' "$XL_TMP/ha-log" | sed 's/[\/&]/\\&/g')\nlogfacility none/;
		s/^auto_failback .*/auto_failback $1/" "$XL_TMP/ha.d/ha.cf"
	"$FO_BIN" -c "$XL_TMP/ha.d" -n ha1 -t 2>/dev/null || xl_fail "failoverd -t refused the config"
}

# foh_start SYS HOST: heartbeat or failoverd on HOST.
foh_start() {
	if [ "$1" = heartbeat ]; then fo_hb_start "$2"; else fo_start "$2"; fi
}

foh_kill9() {
	if [ "$1" = heartbeat ]; then fo_hb_kill9 "$2"; else kill -KILL "$(eval echo "\$FO_PID_$2")"; fi
}

foh_logs() {
	echo "--- ha-log" >&2
	grep -v 'ucast:\|Consider\|Core dumps\|WARN: Initial\|Logging daemon' "$XL_TMP/ha-log" |
		tail -n 60 >&2
	fo_logs
}

# foh_reboot HOST: a downed director comes back as after a reboot: its
# killed run's address gone, its link up.
foh_reboot() {
	xl_in "$1" ip addr del "$XL_VIP/24" dev eth0 2>/dev/null
	xl_in "$1" ip link set eth0 up
	# The flap flushed its neighbour table, which its XDP program reads
	# (pkts_no_neigh until it is filled again): the data plane's matter.
	xl_in "$1" ping -c1 -W1 "$XL_NODE1" >/dev/null
	xl_in "$1" ping -c1 -W1 "$XL_NODE2" >/dev/null
}

setup() {
	fo_net_up
	FOH_SAMPLES=$XL_TMP/samples
}

# foh_case SYS1 SYS2 FAILBACK: SYS1 (heartbeat or failoverd) on ha1, the
# haresources node, SYS2 on ha2.
foh_case() {
	local sys1=$1 sys2=$2 fb=$3 gap both t0 sampler loop slack=1000
	# heartbeat taking over runs mach_down, ResourceManager and IPaddr2,
	# shell scripts that took 0.5-1.3 s here after its deadtime: its own
	# time, which this test does not judge beyond a bound.
	[ "$sys2" = heartbeat ] && slack=2000
	foh_conf "$fb"
	fo_both_sampler "$FOH_SAMPLES" 60 &
	sampler=$!
	XL_PIDS+=("$sampler")
	foh_start "$sys1" ha1
	foh_start "$sys2" ha2
	t0=$SECONDS
	fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "ha1 ($sys1) did not take the VIP"; }
	echo "ha1 ($sys1) holds the VIP $((SECONDS - t0)) s after both started"
	sleep 2
	fo_has_vip ha2 && { foh_logs; xl_fail "the VIP is on ha2 as well"; }
	[ "$(xl_http 1)" != none ] || xl_fail "the client gets no answer through ha1"
	grep -q "Status update for node ha2: status active" "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "ha1 ($sys1) never saw ha2 active"; }
	grep -q "Status update for node ha1: status active" "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "ha2 ($sys2) never saw ha1 active"; }

	# The master's director dies.
	fo_client_loop "$XL_TMP/client" 7 &
	loop=$!
	sleep 1
	foh_kill9 "$sys1" ha1
	xl_in ha1 ip link set eth0 down
	fo_wait_vip ha2 yes 5 || { foh_logs; xl_fail "ha2 ($sys2) did not take the VIP"; }
	wait "$loop"
	gap=$(fo_max_gap_ms "$XL_TMP/client")
	echo "$sys2 on ha2 took over from $sys1 on ha1: longest gap between answers $gap ms"
	((gap > 0 && gap <= FOH_DEADTIME_MS + slack)) ||
		{ foh_logs; xl_fail "gap $gap ms > deadtime + $slack ms"; }
	tail -n 3 "$XL_TMP/client" | grep -q ok || xl_fail "the client is not answered through ha2"

	# It comes back: rebooted (its killed run's address gone: heartbeat's
	# IPaddr2 would find it "running" and announce nothing, issue 11),
	# link up, its daemon started.
	foh_reboot ha1
	foh_start "$sys1" ha1
	if [ "$fb" = off ]; then
		sleep 6
		fo_has_vip ha2 && ! fo_has_vip ha1 ||
			{ foh_logs; xl_fail "auto_failback off: the VIP moved"; }
	else
		fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "the VIP did not return to ha1 ($sys1)"; }
		fo_wait_vip ha2 no 2 || { foh_logs; xl_fail "ha2 ($sys2) kept the VIP"; }
		echo "auto_failback $fb: the VIP is back on ha1 ($sys1)"
		sleep 1
	fi
	[ "$(xl_http 1)" != none ] || { foh_logs; xl_fail "no answer after ha1 came back"; }
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	both=$(fo_both_count "$FOH_SAMPLES")
	echo "samples: $(wc -l <"$FOH_SAMPLES"), with the VIP up on both: $both"
	((both == 0)) || { foh_logs; xl_fail "the VIP was up on both directors in $both samples"; }
	! grep -q "Assertion\|Emergency Shutdown\|core dump" "$XL_TMP/ha-log" "$XL_TMP/ha1.log" \
		"$XL_TMP/ha2.log" || { foh_logs; xl_fail "heartbeat crashed"; }
}

test_failover_heartbeat_master_failoverd_takes() { foh_case heartbeat failoverd on; }
test_failover_heartbeat_failoverd_master_heartbeat_takes() { foh_case failoverd heartbeat on; }
test_failover_heartbeat_off_failoverd_keeps() { foh_case heartbeat failoverd off; }
test_failover_heartbeat_off_heartbeat_keeps() { foh_case failoverd heartbeat off; }
test_failover_heartbeat_legacy_failoverd_takes() { foh_case heartbeat failoverd legacy; }
test_failover_heartbeat_legacy_heartbeat_takes() { foh_case failoverd heartbeat legacy; }

# foh_loss HOST on|off: 30 % of HOST's outgoing heartbeat datagrams lost.
foh_loss() {
	if [ "$2" = on ]; then
		xl_in "$1" nft -f - <<NFT || xl_fail "nft in $1 failed"
table inet foh_loss {
	chain out { type filter hook output priority 0; udp dport $FO_PORT numgen random mod 10 0-2 drop; }
}
NFT
	else
		xl_in "$1" nft delete table inet foh_loss || xl_fail "nft delete in $1 failed"
	fi
}

# foh_pair SYS1 SYS2 FAILBACK: both started, ha1 holding the VIP.
foh_pair() {
	foh_conf "$3"
	foh_start "$1" ha1
	foh_start "$2" ha2
	fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "ha1 ($1) did not take the VIP"; }
}

# Lossy links: heartbeat asks for what it missed of ours (NS_rexmit) and
# has it from our history ("No pkts missing"); we ask for what we missed
# of its and take it late; nobody is declared dead, the VIP stays put.
test_failover_heartbeat_lost_packets_retransmitted() {
	local i moved=0
	foh_pair heartbeat failoverd on
	foh_loss ha2 on
	foh_loss ha1 on
	for ((i = 0; i < 80; i++)); do
		fo_has_vip ha1 && ! fo_has_vip ha2 || moved=$((moved + 1))
		sleep 0.1
	done
	foh_loss ha2 off
	foh_loss ha1 off
	sleep 2
	echo "heartbeat: $(grep -c 'lost packet(s) for \[ha2\]' "$XL_TMP/ha-log") gaps in ours," \
		"$(grep -c 'No pkts missing from ha2' "$XL_TMP/ha-log") times all retransmitted"
	echo "failoverd: $(grep -c 'lost packet(s) for \[ha1\]' "$XL_TMP/ha2.log") gaps in heartbeat's," \
		"$(grep -c 'late packet .* taken' "$XL_TMP/ha2.log") late packets taken"
	grep -q 'lost packet(s) for \[ha2\]' "$XL_TMP/ha-log" || xl_fail "heartbeat saw no gap (no loss?)"
	grep -q 'No pkts missing from ha2' "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "heartbeat never had our lost packets again"; }
	grep -q 'late packet .* taken' "$XL_TMP/ha2.log" ||
		{ foh_logs; xl_fail "failoverd never had heartbeat's lost packets again"; }
	! grep -q 'is dead' "$XL_TMP/ha-log" || { foh_logs; xl_fail "a node was declared dead"; }
	((moved == 0)) || { foh_logs; xl_fail "the VIP moved or doubled in $moved samples"; }
}

# A graceful stop of the master hands over at once, before deadtime:
# heartbeat's hb_giveup_resources (a report with info=shutdown, the
# resources released, shutdone) and ours (the same, then status dead).
foh_graceful() {
	local sys1=$1 sys2=$2 t0 ms
	foh_pair "$sys1" "$sys2" on
	sleep 1
	t0=${EPOCHREALTIME/./}
	if [ "$sys1" = heartbeat ]; then
		kill -TERM "$(cat "$XL_TMP/hb-ha1/run/heartbeat.pid")"	# its master process
	else
		kill -TERM "$FO_PID_ha1"
	fi
	fo_wait_vip ha2 yes 10 || { foh_logs; xl_fail "$sys2 did not take over after $sys1 stopped"; }
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	echo "$sys2 on ha2 holds the VIP $ms ms after $sys1 on ha1 was told to stop"
	fo_has_vip ha1 && { foh_logs; xl_fail "$sys1 kept the VIP after stopping"; }
	grep -q "Received shutdown notice from 'ha1'" "$XL_TMP/ha-log" "$XL_TMP/ha2.log" ||
		{ foh_logs; xl_fail "$sys2 did not see the shutdone"; }
	! grep -q "node ha1: is dead" "$XL_TMP/ha-log" "$XL_TMP/ha2.log" ||
		{ foh_logs; xl_fail "$sys2 waited for deadtime"; }
}

test_failover_heartbeat_graceful_stop_heartbeat() { foh_graceful heartbeat failoverd; }
test_failover_heartbeat_graceful_stop_failoverd() { foh_graceful failoverd heartbeat; }

# A partition (the heartbeats dropped both ways at ha2), healed: both hold
# the VIP while they cannot hear each other; within 2 s of the heal (5 s
# when the other is heartbeat: it releases only by restarting itself)
# only the owner does, and from then on never both, through real heartbeat's
# own reaction (it restarts itself 2 s after "Cluster node ... returning
# after partition", handing over with shutdone and taking back with
# auto_failback on).  At the end ha1 holds it.
foh_partition() {
	local sys1=$1 sys2=$2 i both
	foh_pair "$sys1" "$sys2" on
	xl_in ha2 nft -f - <<NFT || xl_fail "nft in ha2 failed"
table inet foh_part {
	chain in { type filter hook input priority 0; udp dport $FO_PORT drop; }
	chain out { type filter hook output priority 0; udp dport $FO_PORT drop; }
}
NFT
	fo_wait_vip ha2 yes 6 || { foh_logs; xl_fail "ha2 ($sys2) did not take the VIP in the partition"; }
	fo_has_vip ha1 || { foh_logs; xl_fail "ha1 ($sys1) gave the VIP up in the partition"; }
	xl_in ha2 nft delete table inet foh_part || xl_fail "nft delete in ha2 failed"
	# failoverd releases at once; heartbeat, holding the owner's group,
	# only logs "Both machines own foreign resources!" and gives it up
	# when it restarts itself 2 s after the heal (its IPaddr2 stop then
	# takes about a second more here).
	local bound=2
	[ "$sys2" = heartbeat ] && bound=5
	fo_wait_vip ha2 no $bound ||
		{ foh_logs; xl_fail "ha2 ($sys2) kept the VIP ${bound} s after the heal"; }
	fo_both_sampler "$FOH_SAMPLES" 20 &
	local sampler=$!
	XL_PIDS+=("$sampler")
	for ((i = 0; i < 200; i++)); do
		grep -q "Heartbeat restart on node" "$XL_TMP/ha-log" "$XL_TMP/ha1.log" "$XL_TMP/ha2.log" &&
			fo_has_vip ha1 && ! fo_has_vip ha2 && break
		sleep 0.1
	done
	sleep 3
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	fo_has_vip ha1 && ! fo_has_vip ha2 || { foh_logs; xl_fail "not settled on ha1"; }
	both=$(fo_both_count "$FOH_SAMPLES")
	echo "after the heal: $(wc -l <"$FOH_SAMPLES") samples, with the VIP up on both: $both"
	((both == 0)) || { foh_logs; xl_fail "the VIP was up on both in $both samples after the heal"; }
	grep -q "returning after partition" "$XL_TMP/ha-log" || xl_fail "heartbeat did not see the heal"
}

test_failover_heartbeat_partition_heartbeat_owner() { foh_partition heartbeat failoverd; }
test_failover_heartbeat_partition_failoverd_owner() { foh_partition failoverd heartbeat; }

# foh_wait_log PATTERN SECONDS: bounded wait for PATTERN in the shared log.
foh_wait_log() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		grep -q "$1" "$XL_TMP/ha-log" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# reqnodes: heartbeat turns its flow control off only on a status without
# `protocol` (A.8); if the first message it takes from a peer is another,
# its links come up with flow control on, and it asks that peer for the
# node list (reqnodes, every second) and stays "up", its resources
# untaken, until a repnodes comes.  ha2's first message here is a report
# played by hbsend.py (generation 5, as a previous run of ha2 that
# stopped); then ha2's failoverd starts (generation 11): it must answer,
# and heartbeat goes active and takes its VIP.
test_failover_heartbeat_reqnodes_answered() {
	foh_conf on
	mkdir -p "$XL_TMP/state-ha2"
	echo 10 >"$XL_TMP/state-ha2/hb_generation"
	foh_start heartbeat ha1
	# listening once it hears its own packets (well inside initdead)
	foh_wait_log "Link ha1:eth0 up" 5 || { foh_logs; xl_fail "heartbeat on ha1 did not start"; }
	# The reports go on for 3 s, so that heartbeat does not declare ha2
	# dead (its deadtime after the first) before our failoverd's status
	# comes on a busy machine; once it has, they are an old generation,
	# dropped as replays.
	xl_in ha2 python3 "$XL_ROOT/tests/e2e/hbsend.py" "$XL_HA1" $FO_PORT ha2 fo-test-secret 5 15 \
		none &
	XL_PIDS+=("$!")
	foh_wait_log "Link ha2:eth0 up" 5 || { foh_logs; xl_fail "heartbeat on ha1 never heard hbsend"; }
	foh_start failoverd ha2
	fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "heartbeat on ha1 did not take the VIP"; }
	grep -q "node ha1 asks for the node list (reqnodes)" "$XL_TMP/ha2.log" ||
		{ foh_logs; xl_fail "heartbeat never sent reqnodes (its flow control was off?)"; }
	echo "heartbeat asked for the node list $(grep -c 'asks for the node list' "$XL_TMP/ha2.log")" \
		"time(s), took the VIP after our repnodes"
	sleep 1
	fo_has_vip ha2 && { foh_logs; xl_fail "the VIP is on ha2 as well"; }
	grep -q "Status update for node ha1: status active" "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "ha2 never saw ha1 active"; }
}

# heartbeat's `starting` answered at once.  A heartbeat whose links come
# up sends its status active and then `starting`, and waits in
# HB_R_STARTING, its resources untaken, for a resource report
# (hb_resource.c process_resources).  If its active statuses are lost and
# the starting comes first, failoverd still sees the restarted peer as
# "up" and takes no decision; when the statuses come through, nothing
# has changed since its last report (to the dead peer: all, stable), so
# only the report sent in answer to the starting itself gets heartbeat
# going.  Here ha1's heartbeat is killed, ha2 takes over, and ha1 comes
# back with its active statuses to ha2 dropped (an nft payload match on
# "12:(0)st=active,", the bytes after "###\n11:(0)t=status,") until
# ha2's failoverd has had the starting: auto_failback on must still bring
# the VIP back to ha1.
test_failover_heartbeat_starting_before_active() {
	local hex from both sampler i
	foh_pair heartbeat failoverd on
	sleep 1
	fo_hb_kill9 ha1
	xl_in ha1 ip link set eth0 down
	fo_wait_vip ha2 yes 5 || { foh_logs; xl_fail "ha2 (failoverd) did not take the VIP"; }
	sleep 1
	foh_reboot ha1
	hex=$(printf '12:(0)st=active,' | od -An -tx1 | tr -d ' \n')
	xl_in ha1 nft -f - <<NFT || xl_fail "nft in ha1 failed"
table inet foh_act {
	chain out { type filter hook output priority 0; ip daddr $XL_HA2 udp dport $FO_PORT @th,216,128 0x$hex drop; }
}
NFT
	from=$(($(wc -l <"$XL_TMP/ha2.log") + 1))
	fo_both_sampler "$FOH_SAMPLES" 25 &
	sampler=$!
	XL_PIDS+=("$sampler")
	foh_start heartbeat ha1
	for ((i = 0; i < 100; i++)); do
		tail -n +"$from" "$XL_TMP/ha2.log" | grep -q "node ha1 is starting" && break
		sleep 0.1
	done
	xl_in ha1 nft delete table inet foh_act || xl_fail "nft delete in ha1 failed"
	tail -n +"$from" "$XL_TMP/ha2.log" | grep -q "node ha1 is starting" ||
		{ foh_logs; xl_fail "ha2 never had the restarted heartbeat's starting"; }
	tail -n +"$from" "$XL_TMP/ha2.log" | sed '/node ha1 is starting/q' |
		grep -q "Status update for node ha1: status active" &&
		xl_fail "ha2 saw ha1 active before its starting: the drop did not work"
	fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "the VIP did not return to ha1 (heartbeat)"; }
	fo_wait_vip ha2 no 2 || { foh_logs; xl_fail "ha2 (failoverd) kept the VIP"; }
	echo "heartbeat's starting came before its status active; auto_failback on brought the VIP back"
	sleep 1
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	both=$(fo_both_count "$FOH_SAMPLES")
	((both == 0)) || { foh_logs; xl_fail "the VIP was up on both directors in $both samples"; }
}

# foh_media SYS1 SYS2 MEDIA-LINE: the ucast lines replaced by MEDIA-LINE
# (bcast or mcast); each hears the other and sees it active, ha1 takes
# the VIP, and when ha1's director dies ha2 takes it over.
foh_media() {
	local sys1=$1 sys2=$2 media=$3 cf=$XL_TMP/ha.d/ha.cf h a
	foh_conf on
	grep -v '^ucast ' "$cf" >"$cf.new"
	echo "$3" >>"$cf.new"
	mv "$cf.new" "$cf"
	"$FO_BIN" -c "$XL_TMP/ha.d" -n ha1 -t 2>/dev/null || xl_fail "-t refused: $media"
	# heartbeat's bcast sends to the address's broadcast (SIOCGIFBRDADDR):
	# an address added without one (iproute2's default, netns.sh's) makes
	# it send to 0.0.0.0, which only it hears.  ifupdown and networkd set
	# one; so do we here, for bcast.
	for h in ha1 ha2; do
		[[ $media == bcast* ]] || break
		a=$XL_HA1
		[ $h = ha2 ] && a=$XL_HA2
		xl_in $h ip addr del "$a/24" dev eth0 &&
			xl_in $h ip addr add "$a/24" brd + dev eth0 || xl_fail "cannot set brd in $h"
	done
	foh_start "$sys1" ha1
	foh_start "$sys2" ha2
	fo_wait_vip ha1 yes 15 || { foh_logs; xl_fail "$3: ha1 ($sys1) did not take the VIP"; }
	sleep 1
	fo_has_vip ha2 && { foh_logs; xl_fail "$3: the VIP is on ha2 as well"; }
	grep -q "Status update for node ha2: status active" "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "$3: ha1 ($sys1) never saw ha2 active"; }
	grep -q "Status update for node ha1: status active" "$XL_TMP/ha-log" ||
		{ foh_logs; xl_fail "$3: ha2 ($sys2) never saw ha1 active"; }
	foh_kill9 "$sys1" ha1
	xl_in ha1 ip link set eth0 down
	fo_wait_vip ha2 yes 6 || { foh_logs; xl_fail "$3: ha2 ($sys2) did not take over"; }
	echo "$3: $sys1 on ha1 and $sys2 on ha2 paired; ha2 took over"
	! grep -q "Assertion\|Emergency Shutdown\|core dump" "$XL_TMP/ha-log" "$XL_TMP/ha1.log" \
		"$XL_TMP/ha2.log" || { foh_logs; xl_fail "heartbeat crashed"; }
}

test_failover_heartbeat_bcast() { foh_media heartbeat failoverd "bcast eth0"; }
test_failover_heartbeat_mcast() { foh_media failoverd heartbeat "mcast eth0 239.77.0.1 694 1 0"; }

# --- groups of both nodes: heartbeat's "local" and "foreign" -------------
# haresources "ha1 IPaddr2::VIP/24/eth0" and "ha2 IPaddr2::VIP2/24/eth0":
# heartbeat moves each node's own groups as a unit; so must failoverd.

FOH_VIP2=${XL_VIP%.*}.110

foh_has() { xl_in "$1" ip -4 -o addr show dev eth0 | grep -q " $2/24 "; }

# foh_wait HOST ADDR yes|no SECONDS
foh_wait() {
	local i
	for ((i = 0; i < $4 * 10; i++)); do
		if foh_has "$1" "$2"; then [ "$3" = yes ] && return 0
		else [ "$3" = no ] && return 0; fi
		sleep 0.1
	done
	return 1
}

# foh_sample2 OUT SECONDS: every 100 ms "TIME a1 a2 b1 b2", yes/no for VIP
# on ha1, ha2 and VIP2 on ha1, ha2 (on a link that is up).
foh_sample2() {
	local end=$((SECONDS + $2)) h a s
	while ((SECONDS < end)); do
		s=${EPOCHREALTIME/./}
		for a in "$XL_VIP" "$FOH_VIP2"; do
			for h in ha1 ha2; do
				if [ "$(xl_in "$h" cat /sys/class/net/eth0/operstate 2>/dev/null)" = up ] &&
					foh_has "$h" "$a"; then s+=" yes"; else s+=" no"; fi
			done
		done
		echo "$s"
		sleep 0.1
	done >"$1"
}

# foh_placed WANT: the addresses are where WANT ("VIP-HOST VIP2-HOST") says,
# and not on the other director.
foh_placed() {
	local v1=${1% *} v2=${1#* } o1=ha1 o2=ha1
	[ "$v1" = ha1 ] && o1=ha2
	[ "$v2" = ha1 ] && o2=ha2
	foh_wait "$v1" "$XL_VIP" yes 15 && foh_wait "$v2" "$FOH_VIP2" yes 15 &&
		foh_wait "$o1" "$XL_VIP" no 3 && foh_wait "$o2" "$FOH_VIP2" no 3
}

# foh_two_owners SYS1 SYS2 [FAILBACK]: SYS1 on ha1, SYS2 on ha2,
# auto_failback on (or FAILBACK: legacy fails back too).  Each takes its
# own group; the one whose director dies has its group taken by the
# other, and takes it back when it returns; never is an address up on
# both.
foh_two_owners() {
	local sys1=$1 sys2=$2 sampler both
	foh_conf "${3:-on}"
	echo "ha2 IPaddr2::$FOH_VIP2/24/eth0" >>"$XL_TMP/ha.d/haresources"
	"$FO_BIN" -c "$XL_TMP/ha.d" -n ha1 -t 2>/dev/null || xl_fail "-t refused two groups"
	foh_sample2 "$XL_TMP/samples2" 75 &
	sampler=$!
	XL_PIDS+=("$sampler")
	foh_start "$sys1" ha1
	foh_start "$sys2" ha2
	foh_placed "ha1 ha2" || { foh_logs; xl_fail "each did not take its own group"; }
	echo "ha1 ($sys1) holds VIP, ha2 ($sys2) holds VIP2"
	sleep 1
	foh_kill9 "$sys1" ha1
	xl_in ha1 ip link set eth0 down
	foh_wait ha2 "$XL_VIP" yes 6 || { foh_logs; xl_fail "ha2 ($sys2) did not take ha1's group"; }
	foh_has ha2 "$FOH_VIP2" || { foh_logs; xl_fail "ha2 ($sys2) lost its own group"; }
	echo "ha1 died: ha2 ($sys2) holds both"
	xl_in ha1 ip addr del "$FOH_VIP2/24" dev eth0 2>/dev/null
	foh_reboot ha1
	foh_start "$sys1" ha1
	foh_placed "ha1 ha2" || { foh_logs; xl_fail "ha1's group did not return to it alone"; }
	echo "ha1 ($sys1) back: VIP returned, VIP2 stayed on ha2"
	sleep 1
	foh_kill9 "$sys2" ha2
	xl_in ha2 ip link set eth0 down
	foh_wait ha1 "$FOH_VIP2" yes 6 || { foh_logs; xl_fail "ha1 ($sys1) did not take ha2's group"; }
	foh_has ha1 "$XL_VIP" || { foh_logs; xl_fail "ha1 ($sys1) lost its own group"; }
	echo "ha2 died: ha1 ($sys1) holds both"
	sleep 0.5
	kill "$sampler" 2>/dev/null
	wait "$sampler" 2>/dev/null
	both=$(awk '($2 == "yes" && $3 == "yes") || ($4 == "yes" && $5 == "yes")' \
		"$XL_TMP/samples2" | wc -l)
	echo "samples: $(wc -l <"$XL_TMP/samples2"), with an address up on both: $both"
	((both == 0)) || { foh_logs; xl_fail "an address was up on both directors in $both samples"; }
	! grep -q "Assertion\|Emergency Shutdown\|core dump" "$XL_TMP/ha-log" "$XL_TMP/ha1.log" \
		"$XL_TMP/ha2.log" || { foh_logs; xl_fail "heartbeat crashed"; }
}

test_failover_heartbeat_two_owners_heartbeat_ha1() { foh_two_owners heartbeat failoverd; }
test_failover_heartbeat_two_owners_failoverd_ha1() { foh_two_owners failoverd heartbeat; }
test_failover_heartbeat_two_owners_legacy() { foh_two_owners heartbeat failoverd legacy; }
# The same between two failoverd nodes (the helpers are these).
test_failover_heartbeat_two_owners_failoverd_pair() { foh_two_owners failoverd failoverd; }
