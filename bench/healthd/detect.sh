# shellcheck shell=bash
# bench/healthd/detect.sh (sourced by bench/healthd/run): the detection
# part.  1,000 servers, connect checks; once all are up, COUNT of them
# (10: every 100th; 500: every other) stop answering at once: "silent" adds an nft rule in the
# namespace's input hook dropping their SYNs (the checker's connect waits
# out checktimeout), "reset" closes their listeners (the kernel answers
# RST).  Each server's detection time is from that moment to its leaving
# the table: xlvs-healthd's table polled every 0.1 s with xlvsadm -L -n,
# ldirectord's from the fake ipvsadm's timed `-d` commands.  Bounded: 20 s
# for xlvs-healthd, 60 s for ldirectord.

# h_dead_set COUNT: HDB_DEAD, the 1-based indices of COUNT servers spread
# over the 1,000 (10: 51, 151 ... 951).
h_dead_set() {
	local step=$((1000 / $1))
	HDB_DEAD=$(seq $((step / 2 + 1)) "$step" 1000 | head -n "$1" | paste -sd' ')
}

# h_dead_addrs: those servers' addresses (server i is 10.201.i/256.i%256).
h_dead_addrs() {
	local i
	for i in $HDB_DEAD; do echo "10.201.$((i >> 8)).$((i & 255))"; done
}

# h_detect_healthd T_STOP BOUND: per dead server, seconds to leave the table.
# One loop inside the namespace lists the table (xlvsadm -L -n) as fast as it
# can (~10-20 ms a round here, more under load) and logs each round's
# uptime when its listing was done and the dead servers still listed; a
# server's time is the first round it is missing (it left by then).
h_detect_healthd() {
	local t_stop=$1 bound=$2
	h_dead_addrs | sed 's/$/:80 /; s/^/ /' >"$TMP/dead"
	ip netns exec "$NS" bash -c '
		end=$(( ${1%.*} + $2 ))
		while :; do
			tab=$("$0" -L -n)
			read -r u _ </proc/uptime
			((${u%.*} >= end)) && break
			echo "T $u"
			grep -oF -f "$3" <<<"$tab" | sed "s/^/L /"
			grep -qF -f "$3" <<<"$tab" || break
		done' "$ADM_BIN" "$t_stop" "$bound" "$TMP/dead" >"$TMP/poll"
	# One pass: at each round's end, a server not listed in it and not
	# yet timed gets that round's time.
	h_dead_addrs | awk -v t="$t_stop" '
		function round_end(   a) { for (a in want) if (!(a in seen) && !(a in got)) got[a] = pt - t }
		FNR == NR { order[++n] = $1; want[$1 ":80"] = 1; next }
		$1 == "T" { if (started) round_end(); started = 1; delete seen; pt = $2; next }
		$1 == "L" { seen[$2] = 1 }
		END { if (started) round_end()
		      for (i = 1; i <= n; i++) { a = order[i] ":80"
			      if (a in got) printf "%s %.3f\n", order[i], got[a]; else print order[i], "-" } }' \
		- "$TMP/poll"
}

# h_detect_ld T_STOP BOUND: the same from the fake ipvsadm's log.
h_detect_ld() {
	local t_stop=$1 bound=$2 want
	want=$(h_dead_addrs | wc -l)
	while :; do
		local n
		n=$(awk -v t="$t_stop" '$1 >= t && $2 == "-d"' "$TMP/fake/commands" | wc -l)
		((n >= want)) && break
		local u; u=$(now)
		(( ${u%.*} - ${t_stop%.*} >= bound )) && break
		sleep 0.5
	done
	for a in $(h_dead_addrs); do
		awk -v t="$t_stop" -v r="$a:80" '$1 >= t && $2 == "-d" {
			for (i = 3; i <= NF; i++) if ($i == "-r" && $(i + 1) == r) { printf "%.3f\n", $1 - t; exit } }' \
			"$TMP/fake/commands" | { read -r d; echo "$a ${d:--}"; }
	done
}

# h_detect REP SYS MODE COUNT: one detection measurement, appended to TSV
# (check detect_MODE, servers COUNT, a row per dead server).
h_detect() {
	local rep=$1 sys=$2 mode=$3 dead=$4 n=1000 cap t0 ts t_stop i
	h_dead_set "$dead"
	cap=$START_CAP; [ "$sys" = ldirectord ] && cap=$LD_CAP
	h_up "$n" || { h_log "namespace setup failed"; h_down; return; }
	h_conf "$TMP/ld.cf" "$n" connect "$TMP/$sys.log"
	t0=$(now)
	h_start "$sys" "$TMP/ld.cf"
	while [ "$(h_table "$sys")" -lt "$n" ]; do
		ts=$(now)
		(( ${ts%.*} - ${t0%.*} >= cap )) && { h_log "$sys: table not complete in $cap s"; break; }
		sleep 0.2
	done
	sleep 3
	if [ "$mode" = silent ]; then
		in_ns nft -f - <<-EOF
		table ip hdb {
			chain in { type filter hook input priority 0; policy accept;
				ip daddr { $(h_dead_addrs | paste -sd,) } tcp dport 80 drop; }
		}
		EOF
		t_stop=$(now)
	else
		for i in $HDB_DEAD; do echo $((i - 1)); done >"$TMP/ctl"
		t_stop=$(now)
		kill -USR1 "$LS_PID"
	fi
	local res
	if [ "$sys" = healthd ]; then
		res=$(h_detect_healthd "$t_stop" 20)
	else
		res=$(h_detect_ld "$t_stop" 60)
	fi
	h_log "$sys detection ($mode, $dead): $(awk '{ printf "%s ", $2 }' <<<"$res" | cut -c1-400)"
	[ -n "${HDB_KEEP:-}" ] && cp "$TMP/poll" "$HDB_KEEP/poll.$sys.$mode.$dead" 2>/dev/null
	awk -v r="$rep" -v s="$sys" -v m="$mode" -v c="$dead" '{ printf "%s\t%s\tdetect_%s\t%s\t%s\t%s\n", r, s, m, c, $1, $2 }' \
		<<<"$res" >>"$TSV"
	h_down
}
