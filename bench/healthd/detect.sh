# shellcheck shell=bash
# bench/healthd/detect.sh (sourced by bench/healthd/run): the detection
# part.  1,000 servers, connect checks; once all are up, 10 of them (every
# 100th) stop answering at once: "silent" adds an nft rule in the
# namespace's input hook dropping their SYNs (the checker's connect waits
# out checktimeout), "reset" closes their listeners (the kernel answers
# RST).  Each server's detection time is from that moment to its leaving
# the table: xlvs-healthd's table polled every 0.1 s with xlvsadm -L -n,
# ldirectord's from the fake ipvsadm's timed `-d` commands.  Bounded: 20 s
# for xlvs-healthd, 60 s for ldirectord.

HDB_DEAD="51 151 251 351 451 551 651 751 851 951"

# h_dead_addrs: the 10 servers' addresses (server i is 10.201.i/256.i%256).
h_dead_addrs() {
	local i
	for i in $HDB_DEAD; do echo "10.201.$((i >> 8)).$((i & 255))"; done
}

# h_detect_healthd T_STOP BOUND: per dead server, seconds to leave the table.
# One loop inside the namespace lists the table (xlvsadm -L -n) as fast as it
# can (~10-20 ms a round here) and logs each round's uptime and the dead
# servers still listed; a server's time is the first round it is missing.
h_detect_healthd() {
	local t_stop=$1 bound=$2
	h_dead_addrs | sed 's/$/:80 /; s/^/ /' >"$TMP/dead"
	ip netns exec "$NS" bash -c '
		end=$(( ${1%.*} + $2 ))
		while :; do
			read -r u _ </proc/uptime
			((${u%.*} >= end)) && break
			tab=$("$0" -L -n)
			echo "T $u"
			grep -oF -f "$3" <<<"$tab" | sed "s/^/L /"
			grep -qF -f "$3" <<<"$tab" || break
		done' "$ADM_BIN" "$t_stop" "$bound" "$TMP/dead" >"$TMP/poll"
	h_dead_addrs | while read -r a; do
		awk -v a=" $a:80 " -v t="$t_stop" '
			$1 == "T" { if (started && !seen) { printf "%.3f\n", pt - t; found = 1; exit }
				    started = 1; seen = 0; pt = $2; next }
			$1 == "L" && " " $2 " " == a { seen = 1 }
			END { if (!found && started && !seen) printf "%.3f\n", pt - t; else if (!found) print "-" }' \
			"$TMP/poll" | { read -r d; echo "$a ${d:--}"; }
	done
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

# h_detect REP SYS MODE: one detection measurement, appended to TSV.
h_detect() {
	local rep=$1 sys=$2 mode=$3 n=1000 cap t0 ts t_stop i
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
	h_log "$sys detection ($mode): $(awk '{ printf "%s ", $2 }' <<<"$res")"
	[ -n "${HDB_KEEP:-}" ] && cp "$TMP/poll" "$HDB_KEEP/poll.$sys.$mode" 2>/dev/null
	awk -v r="$rep" -v s="$sys" -v m="$mode" '{ printf "%s\t%s\tdetect_%s\t1000\t%s\t%s\n", r, s, m, $1, $2 }' \
		<<<"$res" >>"$TSV"
	h_down
}
