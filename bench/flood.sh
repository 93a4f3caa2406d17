# shellcheck shell=bash disable=SC2034
# flood.sh: the SYN-flood scenario of `make bench`, on the benchmark's
# topology (topology.sh), as the end-to-end test tests/e2e/test_flood.sh
# runs it but larger: the issue's measurement (a 16,384-entry table,
# 20,000 spoofed SYNs a second for 12 s) while the client holds 50 idle
# established connections and opens a new one every 20 ms; bench/run runs
# it on a plain and on a persistent service (fl_setup).  Prints
# "metric<TAB>value" lines like loads.sh; flood_report writes them as a
# table beside IPVS's documented defences.  Never fails on a number.
#
# The spoofed sources are FL_B_SPOOF, a private range routed to a
# blackhole in every namespace of the topology, so the real servers'
# SYN-ACKs go nowhere and nothing leaves the namespaces.

FL_B_CONN_MAX=${BENCH_FLOOD_CONN_MAX:-16384}
FL_B_RATE=${BENCH_FLOOD_RATE:-20000}
FL_B_SECONDS=${BENCH_FLOOD_SECONDS:-12}
FL_B_HELD=${BENCH_FLOOD_HELD:-50}	# echosrv serves 64 clients per server
FL_B_NEW_MS=20
FL_B_PORT=7
FL_B_SPOOF=10.202.0.0/16
FL_B_TESTS=${FL_B_TESTS:-$B_ROOT/build/tests}
XLVS_ADM=${XLVS_ADM:-$B_ROOT/build/bin/xlvsadm}
FL_B_SRV_PIDS=()	# the echo servers fl_setup started

fl_adm() { b_in dir "$XLVS_ADM" "$@"; }

# fl_counter NAME: one of the data plane's --counters.
fl_counter() { fl_adm --counters | awk -v n="$1" '$1 == n { print $2 }'; }

# fl_setup [persistent]: the flood's table, service (persistent: -p 360,
# so every spoofed source makes a template too) and servers.
fl_setup() {
	local h i persist=()
	[ "${1:-}" = persistent ] && persist=(-p 360)
	for h in client dir rs1 rs2; do
		b_in "$h" ip route replace blackhole "$FL_B_SPOOF" ||
			sys_fail "blackhole route in $h" || return 1
	done
	for i in 1 2; do
		b_bg "rs$i" taskset -c "$B_OTHER_CPU" "$FL_B_TESTS/echosrv" \
			--name "rs$i" --port "$FL_B_PORT"
		FL_B_SRV_PIDS+=("$B_LAST_PID")
		b_wait_listen "rs$i" "$FL_B_PORT" || sys_fail "echosrv in rs$i" || return 1
	done
	# A fresh table: --conn-max applies only to a table being made, which
	# only --attach does; the program goes on for good once the real
	# servers exist, so that --attach judges the interfaces they are
	# routed out of (native: their veth peers run the count program), not
	# the client's link, whose end has no XDP program.
	timeout 10 ip netns exec "${B_NS}dir" "$XLVS_ADM" --unload >/dev/null 2>&1
	fl_adm --attach "$B_DCDEV" --conn-max "$FL_B_CONN_MAX" --xdp-mode generic \
		>/dev/null 2>&1 && fl_adm --detach "$B_DCDEV" &&
	fl_adm -A -t "$B_VIP:$FL_B_PORT" -s rr "${persist[@]}" &&
	fl_adm -a -t "$B_VIP:$FL_B_PORT" -r "$B_RS1:$FL_B_PORT" -g -w 1 &&
	fl_adm -a -t "$B_VIP:$FL_B_PORT" -r "$B_RS2:$FL_B_PORT" -g -w 1 &&
	fl_adm --attach "$B_DCDEV" >/dev/null ||
		sys_fail "xlvsadm: cannot set up the flood's service" || return 1
	b_napi_pin dir "$B_DCDEV" "$B_DIR_CPU" || return 1
	b_dr_return on
}

fl_teardown() {
	local h pid
	for pid in "${FL_B_SRV_PIDS[@]}"; do
		b_kill_pid "$pid"
	done
	FL_B_SRV_PIDS=()
	timeout 10 ip netns exec "${B_NS}dir" "$XLVS_ADM" --unload >/dev/null 2>&1
	b_dr_return off
	for h in client dir rs1 rs2; do
		b_in "$h" ip route del blackhole "$FL_B_SPOOF" 2>/dev/null
	done
	return 0
}

# fl_wait_line FILE REGEX SECONDS: bounded wait for a line in FILE.
fl_wait_line() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -Eq "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# fl_count_diff: the sum over real servers of |listed - recounted| for
# both columns, at a moment -L -n did not change around -L -c -n (up to
# 20 tries); the recount follows IPVS's rule (conns_recount.awk).
fl_count_diff() {
	local i dir=$B_RUN/flood
	for ((i = 0; i < 20; i++)); do
		fl_adm -L -n -t "$B_VIP:$FL_B_PORT" >"$dir/l1" &&
		fl_adm -L -c -n >"$dir/c" &&
		fl_adm -L -n -t "$B_VIP:$FL_B_PORT" >"$dir/l2" || return 1
		cmp -s "$dir/l1" "$dir/l2" && break
		sleep 0.5
	done
	awk -f "$B_ROOT/tests/tools/conns_recount.awk" "$dir/l1" "$dir/c" |
		tee -a "$B_LOG" |
		awk 'function abs(x) { return x < 0 ? -x : x }
		     $4 == "listed" { d += abs($5 - $8) + abs($6 - $9) }
		     END { print d + 0 }'
}

# load_flood: the scenario; metric lines on stdout.
load_flood() {
	local dir=$B_RUN/flood hold_pid rate_pid in0 in1 cpua cpub count
	local sent held lost tried ok busy total entries base0 base1
	mkdir -p "$dir"
	rm -f "$dir"/*
	count=$((FL_B_RATE * FL_B_SECONDS))
	b_bg client taskset -c "$B_OTHER_CPU" "$FL_B_TESTS/connhold" "$B_VIP" \
		"$FL_B_PORT" "$FL_B_HELD" "$dir/go" $((FL_B_SECONDS + 60)) \
		>"$dir/hold" 2>>"$B_LOG"
	hold_pid=$B_LAST_PID
	fl_wait_line "$dir/hold" "^held " 20 ||
		{ b_log "flood: connhold did not set up its connections"; return 0; }
	b_bg client taskset -c "$B_OTHER_CPU" "$FL_B_TESTS/connrate" "$B_VIP" \
		"$FL_B_PORT" "$FL_B_NEW_MS" "$dir/stop" $((FL_B_SECONDS + 30)) \
		>"$dir/rate" 2>>"$B_LOG"
	rate_pid=$B_LAST_PID
	# The director's CPU with the real clients alone, for comparison: on
	# a shared machine other work shows in its busy time too.
	base0=$(b_cpu)
	sleep 2
	base1=$(b_cpu)
	in0=$(fl_counter pkts_in); cpua=$(b_cpu)
	fl_adm --counters >"$dir/counters0"
	# The XDP program's own run time, from the kernel's BPF statistics
	# (on only while the flood runs), besides the CPU's busy time.
	b_in dir "$B_TOOLS/xdpctl" runtime "$B_DCDEV" \
		ip netns exec "${B_NS}client" timeout $((FL_B_SECONDS + 10)) \
		taskset -c "$B_OTHER_CPU" "$FL_B_TESTS/synflood" "$FL_B_SPOOF" \
		"$B_VIP" "$FL_B_PORT" "$count" "$FL_B_RATE" $((FL_B_SECONDS + 5)) \
		>"$dir/flood" 2>>"$B_LOG"
	in1=$(fl_counter pkts_in); cpub=$(b_cpu)
	fl_adm --counters >"$dir/counters1"
	sleep 1
	: >"$dir/stop"
	wait "$rate_pid"
	: >"$dir/go"
	wait "$hold_pid"
	cat "$dir/flood" "$dir/rate" "$dir/hold" >>"$B_LOG"

	sent=$(awk '$1 == "sent" { print $2 }' "$dir/flood")
	held=$(awk '$1 == "held" { print $2 }' "$dir/hold")
	lost=$(grep -c '^lost' "$dir/hold")
	read -r _ tried _ ok < <(head -1 "$dir/rate")
	# shellcheck disable=SC2086  # "busy total" pairs, split on purpose
	set -- $cpua $cpub
	busy=$(($3 - $1)); total=$(($4 - $2))
	entries=$(($(fl_adm -L -c -n | wc -l) - 2))
	printf 'flood_conn_max\t%s\n' "$FL_B_CONN_MAX"
	printf 'flood_syns_sent\t%s\n' "${sent:-0}"
	printf 'flood_syns_seen\t%s\n' $((in1 - in0))
	b_emit flood_seconds 'T / hz' -v T="$total" -v hz="$B_HZ"
	printf 'flood_held\t%s\n' "${held:-0}"
	printf 'flood_held_lost\t%s\n' "$lost"
	printf 'flood_new_tried\t%s\n' "${tried:-0}"
	((${tried:-0} > 0)) &&
		b_emit flood_new_ok_pct '100 * ok / tried' -v ok="${ok:-0}" -v tried="$tried"
	b_emit flood_cpu_pct '100 * u / T' -v u="$busy" -v T="$total"
	# shellcheck disable=SC2086
	set -- $base0 $base1
	b_emit flood_cpu_base_pct '100 * u / T' -v u=$(($3 - $1)) -v T=$(($4 - $2))
	b_emit flood_cpu_ns_syn '1e9 * u / hz / n' -v u="$busy" -v hz="$B_HZ" \
		-v n=$((in1 - in0))
	awk -v T="$total" -v hz="$B_HZ" '$1 == "run_cnt" && $2 > 0 {
		printf "flood_xdp_ns_pkt\t%.1f\n", $4 / $2
		if (T > 0) printf "flood_xdp_cpu_pct\t%.2f\n", 100 * $4 / 1e9 / (T / hz) }' \
		"$dir/flood"
	printf 'flood_entries_after\t%s\n' "$entries"
	printf 'flood_count_diff\t%s\n' "$(fl_count_diff)"
	# Every connection counter the flood moved, by name (evictions by
	# cause, if the data plane counts them so).
	awk 'NR == FNR { a[$1] = $2; next }
	     $1 ~ /^conns_/ && $2 - a[$1] != 0 { printf "flood_%s\t%d\n", $1, $2 - a[$1] }' \
		"$dir/counters0" "$dir/counters1"
}

# flood_report TSV OUT: the flood's figures (TSV: scenario, metric,
# value; scenarios "plain" and "persistent") beside IPVS's documented
# defences, as OUT (markdown).
flood_report() {
	local tsv=$1 out=$2 ipvs
	if [ -e /proc/net/ip_vs ]; then
		ipvs="this kernel has IPVS, but the scenario drives xlvs only"
	else
		ipvs="not measured: this kernel has no IPVS (CONFIG_IP_VS is not set, /proc/net/ip_vs absent); its behaviour below is what the kernel's sources and ipvs-sysctl.rst document"
	fi
	awk -F'\t' -v ipvs="$ipvs" -v date="$(date -u +%Y-%m-%dT%H:%MZ)" \
		-v rev="$(git -C "$B_ROOT" log -1 --format=%h 2>/dev/null)" '
	{
		if (!($1 in seen)) { seen[$1] = 1; scn[++ns] = $1 }
		v[$1, $2] = $3
		if ($2 ~ /^flood_conns_/) cn[$1, ++n[$1]] = $2
	}
	function gs(s, k,    x) {
		if (!((s, k) in v) || v[s, k] == "") return "—"
		x = v[s, k] + 0
		if (x != int(x)) return sprintf(x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x)
		return v[s, k]
	}
	function g(k) { return gs(scn[1], k) }
	END {
		printf "# SYN flood: established clients and exact counts\n\n"
		printf "Run %s on xlvs commit %s by `make bench` (bench/flood.sh), the scenario of tests/e2e/test_flood.sh at the issue'"'"'s scale: ", date, rev
		printf "a table of %s entries, %s spoofed SYNs sent (%s seen by the director) in %s s, ", g("flood_conn_max"), g("flood_syns_sent"), g("flood_syns_seen"), g("flood_seconds")
		printf "from random addresses of a blackholed private range, while a client held %s idle established connections and opened a new one every 20 ms.\n\n", g("flood_held")
		printf "| director | held connections lost | new connections admitted | director CPU busy during the flood (per SYN; before it) | XDP program per packet (share of a CPU) | -L counts off from a recount of -L -c |\n"
		printf "|---|---|---|---|---|---|\n"
		for (i = 1; i <= ns; i++) {
			s = scn[i]
			printf "| **xlvs, %s service (measured)** | %s of %s | %s %% of %s | %s %% (%s ns; %s %%) | %s ns (%s %%) | %s (entries after: %s) |\n", s == "persistent" ? "persistent (-p 360)" : "plain", gs(s, "flood_held_lost"), gs(s, "flood_held"), gs(s, "flood_new_ok_pct"), gs(s, "flood_new_tried"), gs(s, "flood_cpu_pct"), gs(s, "flood_cpu_ns_syn"), gs(s, "flood_cpu_base_pct"), gs(s, "flood_xdp_ns_pkt"), gs(s, "flood_xdp_cpu_pct"), gs(s, "flood_count_diff"), gs(s, "flood_entries_after")
		}
		printf "| IPVS, defaults (drop_entry = drop_packet = secure_tcp = 0) | none: entries leave only by their own timers, never for room | all (until memory runs out) | — | — | 0 by design; every spoofed SYN holds an entry for SYN_RECV'"'"'s 60 s: here %s entries in kernel memory, 1.2 million at this rate for a minute |\n", g("flood_syns_seen")
		printf "| IPVS drop_entry (3, or 1/2 with available memory under amemthresh) | none while younger than 60 s; an ESTABLISHED entry that has lasted 60 s with 1 to 8 incoming packets may be dropped (todrop_entry), so an idle keep-alive client can be | all | — | — | 0; once a second, entries in 1/32 of the hash buckets, chosen at random, are dropped if in SYN_RECV or SYNACK (ip_vs_random_dropentry) |\n"
		printf "| IPVS drop_packet (3: 1 in am_droprate = 10; auto: rate from amemthresh) | none | about 90 %% of first SYNs; the drop hits every new connection alike (ip_vs_todrop in tcp_conn_schedule), real or spoofed, so a real client waits for its SYN retransmission | — | — | 0 |\n"
		printf "| IPVS secure_tcp (3, or auto) | none | all | — | — | 0; only the state table changes (tcp_states_dos), which for direct routing does not shorten a spoofed SYN_RECV entry |\n\n"
		printf "The director CPU'"'"'s busy time counts everything that ran on it, other tenants of a shared machine included (compare the figure before the flood); the XDP program'"'"'s own time comes from the kernel'"'"'s BPF run-time statistics, switched on while the flood ran.\n\n"
		printf "IPVS: %s.\n\n", ipvs
		for (j = 1; j <= ns; j++) {
			s = scn[j]
			if (!n[s]) continue
			printf "xlvs connection counters moved by the flood (%s service):", s == "persistent" ? "persistent" : "plain"
			for (i = 1; i <= n[s]; i++) { k = cn[s, i]; sub(/^flood_/, "", k); printf " %s %s%s", k, v[s, cn[s, i]], i < n[s] ? "," : "" }
			printf ".\n\n"
		}
	}' "$tsv" >"$out"
}
