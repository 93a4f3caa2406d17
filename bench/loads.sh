# shellcheck shell=bash
# loads.sh: the traffic, the same for every system.  Each load_* prints
# "metric<TAB>value" lines; the targets come from the system's setup
# (S_UDP_DST, S_HTTP_TARGETS, S_IPERF_TARGET).  Every load is bounded in
# time (its tool's own duration, and `timeout` around it) and in count.
# The director's CPU time is the busy time of B_DIR_CPU in /proc/stat.

B_SECONDS=${B_SECONDS:-8}	# length of each measured load
B_LAT_SECONDS=${B_LAT_SECONDS:-4}
B_CONNS=${B_CONNS:-32}		# wrk connections
B_FLOWS=${B_FLOWS:-4096}	# UDP source ports
B_LOG=${B_LOG:-/dev/null}	# tools' own output goes here
B_HZ=$(getconf CLK_TCK)

# b_cpu: "busy total" ticks of the director's CPU so far.
b_cpu() {
	awk -v c="cpu$B_DIR_CPU" '$1 == c {
		t = 0; for (i = 2; i <= 9; i++) t += $i
		print t - $5 - $6 - $9, t }' /proc/stat
}

# b_own: ns of the director's own work so far, for a machine where other
# work shares its CPU: the run time of the NAPI threads of the director's
# links (schedstat; the XDP systems' work, threaded and pinned there) and
# the irq and softirq time of B_DIR_CPU (/proc/stat, by ticks: the kernel
# paths' work, steered there by RPS).  Another's softirq on that CPU still
# counts; a process's does not.
b_own() {
	local pid t sum=0
	for pid in $(ps -eo pid=,comm= | awk -v p="napi/${B_DEV}d" \
			'index($2, p) == 1 {print $1}'); do
		read -r t _ < "/proc/$pid/schedstat" 2>/dev/null && sum=$((sum + t))
	done
	awk -v c="cpu$B_DIR_CPU" -v hz="$B_HZ" -v s="$sum" \
		'$1 == c { printf "%.0f\n", s + ($7 + $8) * 1e9 / hz }' /proc/stat
}

b_now() { date +%s.%N; }

b_other() { taskset -c "$B_OTHER_CPU" "$@"; }

# b_count HOST: UDP frames the count program on HOST's link has dropped.
b_count() { b_in "$1" "$B_TOOLS/xdpctl" read "${B_DEV}r${1#rs}"; }

# b_emit NAME AWK-EXPRESSION VARS...: print NAME and the expression's value
# (nothing if it cannot be computed, e.g. a division by zero).
b_emit() {
	local name=$1 expr=$2; shift 2
	awk "$@" "BEGIN { v = ($expr); if (v == v + 0) printf \"%s\t%.6g\n\", \"$name\", v }" 2>/dev/null
}

# With BENCH_PERF=1, the director's CPU is sampled (perf record -C, the
# cpu-clock event: this VM has no PMU) over the UDP window, and the
# symbols taking the time go to $B_PERF_DIR/perf.REP.SYSTEM.txt: where a
# system's time goes, which busy-time figures cannot say.
B_PERF_PID=
b_perf_start() {
	[ "${BENCH_PERF:-0}" = 1 ] && command -v perf >/dev/null || return 0
	mkdir -p "$B_PERF_DIR"
	perf record -q -C "$B_DIR_CPU" -e cpu-clock -F 4999 \
		-o "$B_PERF_DIR/perf.$B_PERF_TAG.data" -- sleep "$B_SECONDS" \
		>/dev/null 2>>"$B_LOG" &
	B_PERF_PID=$!
}

b_perf_stop() {
	[ -n "$B_PERF_PID" ] || return 0
	wait "$B_PERF_PID"
	B_PERF_PID=
	perf report -q -i "$B_PERF_DIR/perf.$B_PERF_TAG.data" --sort sym \
		--percent-limit 0.3 > "$B_PERF_DIR/perf.$B_PERF_TAG.txt" 2>>"$B_LOG"
	rm -f "$B_PERF_DIR/perf.$B_PERF_TAG.data"
}

load_udp() {
	[ -n "$S_UDP_DST" ] || return 0
	local dmac pid c1a c2a c1b c2b cpua cpub ta tb out owna ownb
	dmac=$(b_mac dir "$B_DCDEV")
	out=$B_RUN/pktgen.out
	# The generator runs a second longer on each side of the window.
	ip netns exec "${B_NS}client" timeout $((B_SECONDS + 10)) \
		taskset -c "$B_OTHER_CPU" "$B_TOOLS/pktgen" --dev "$B_CDEV" \
		--dst-mac "$dmac" --src "$B_CLIENT" --dst "$S_UDP_DST" \
		--port "$B_UDP_PORT" --flows "$B_FLOWS" --seconds $((B_SECONDS + 2)) \
		--count $((B_SECONDS * 5000000)) > "$out" 2>>"$B_LOG" &
	pid=$!
	B_PIDS+=("$pid")
	sleep 1
	c1a=$(b_count rs1); c2a=$(b_count rs2); cpua=$(b_cpu); owna=$(b_own); ta=$(b_now)
	b_perf_start
	sleep "$B_SECONDS"
	b_perf_stop
	c1b=$(b_count rs1); c2b=$(b_count rs2); cpub=$(b_cpu); ownb=$(b_own); tb=$(b_now)
	wait "$pid"
	cat "$out" >> "$B_LOG"
	set -- $cpua $cpub
	local busy=$(($3 - $1)) total=$(($4 - $2))
	local d1=$((c1b - c1a)) d2=$((c2b - c2a)) dt
	dt=$(awk -v a="$ta" -v b="$tb" 'BEGIN { print b - a }')
	b_emit udp_sent_kpps 's / 1000' -v s="$(awk '{ print $8 }' "$out")"
	b_emit udp_kpps '(a + b) / t / 1000' -v a="$d1" -v b="$d2" -v t="$dt"
	b_emit udp_cpu_pct '100 * u / T' -v u="$busy" -v T="$total"
	b_emit udp_kpps_core '(a + b) / t / 1000 / (u / T)' -v a="$d1" -v b="$d2" \
		-v t="$dt" -v u="$busy" -v T="$total"
	b_emit udp_ns_pkt 'u / hz * 1e9 / (a + b)' -v u="$busy" -v hz="$B_HZ" \
		-v a="$d1" -v b="$d2"
	b_emit udp_rs1_pct '100 * a / (a + b)' -v a="$d1" -v b="$d2"
	b_emit udp_own_pct '100 * o / (t * 1e9)' -v o=$((ownb - owna)) -v t="$dt"
	b_emit udp_kpps_own '(a + b) / 1000 / (o / 1e9)' -v a="$d1" -v b="$d2" \
		-v o=$((ownb - owna))
}

# b_wrk NAME CONNS SECONDS URL-HEADER...: wrk against every target at
# once (the connections split between them); prints the summed
# "requests errors" and writes each wrk's output to the log.
b_wrk() {
	local name=$1 conns=$2 secs=$3; shift 3
	local t n i=0 pids=() per
	n=$(echo "$S_HTTP_TARGETS" | wc -w)
	per=$((conns / n)); ((per > 0)) || per=1
	for t in $S_HTTP_TARGETS; do
		ip netns exec "${B_NS}client" timeout $((secs + 15)) \
			taskset -c "$B_OTHER_CPU" wrk -t1 -c"$per" -d"${secs}s" \
			--timeout 2s --latency "$@" "http://$t:$B_HTTP_PORT/" \
			> "$B_RUN/wrk.$name.$i" 2>&1 &
		pids+=($!)
		B_PIDS+=($!)
		i=$((i + 1))
	done
	wait "${pids[@]}"
	for ((i = 0; i < n; i++)); do
		cat "$B_RUN/wrk.$name.$i" >> "$B_LOG"
	done
	cat "$B_RUN"/wrk."$name".* | awk '
		/requests in/ { req += $1 }
		/Socket errors/ { gsub(/,/, ""); err += $4 + $6 + $8 + $10 }
		/Non-2xx/ { err += $NF }
		END { printf "%d %d\n", req, err }'
	rm -f "$B_RUN"/wrk."$name".*
}

# b_wrk_load PREFIX WRK-ARGS...: requests/s, errors and director CPU.
b_wrk_load() {
	local prefix=$1; shift
	local cpua cpub ta tb res
	cpua=$(b_cpu); ta=$(b_now)
	res=$(b_wrk "$prefix" "$B_CONNS" "$B_SECONDS" "$@")
	cpub=$(b_cpu); tb=$(b_now)
	set -- $cpua $cpub $res
	b_emit "${prefix}_rps" 'r / s' -v r="$5" -v s="$B_SECONDS"
	b_emit "${prefix}_errors" 'e' -v e="$6"
	b_emit "${prefix}_cpu_pct" '100 * u / T' -v u=$(($3 - $1)) -v T=$(($4 - $2))
	b_emit "${prefix}_us_req" 'u / hz * 1e6 / r' -v u=$(($3 - $1)) \
		-v hz="$B_HZ" -v r="$5"
}

# New TCP connections per second: one short HTTP request per connection.
load_cc() { b_wrk_load cc -H "Connection: close"; }

# Requests per second on keep-alive connections.
load_ka() { b_wrk_load ka; }

# Latency of one request on a new connection, one at a time (no queueing).
load_lat() {
	local t=${S_HTTP_TARGETS%% *} out=$B_RUN/wrk.lat
	ip netns exec "${B_NS}client" timeout $((B_LAT_SECONDS + 15)) \
		taskset -c "$B_OTHER_CPU" wrk -t1 -c1 -d"${B_LAT_SECONDS}s" \
		--timeout 2s --latency -H "Connection: close" \
		"http://$t:$B_HTTP_PORT/" > "$out" 2>&1
	cat "$out" >> "$B_LOG"
	awk '
		function us(v) {
			if (v ~ /us$/) return v + 0
			if (v ~ /ms$/) return v * 1000
			if (v ~ /s$/) return v * 1e6
			return v
		}
		/Latency Distribution/ { on = 1; next }
		on && $1 == "50%" { printf "lat_p50_us\t%.1f\n", us($2) }
		on && $1 == "90%" { printf "lat_p90_us\t%.1f\n", us($2) }
		on && $1 == "99%" { printf "lat_p99_us\t%.1f\n", us($2); on = 0 }
	' "$out"
}

# Single-stream TCP throughput, client to real server.
load_tput() {
	local cpua cpub out=$B_RUN/iperf3.out
	cpua=$(b_cpu)
	ip netns exec "${B_NS}client" timeout $((B_SECONDS + 15)) \
		taskset -c "$B_OTHER_CPU" iperf3 -c "$S_IPERF_TARGET" \
		-p "$B_IPERF_PORT" -t "$B_SECONDS" -f m > "$out" 2>&1
	cpub=$(b_cpu)
	cat "$out" >> "$B_LOG"
	set -- $cpua $cpub
	local mbit
	mbit=$(awk '/receiver/ { print $(NF - 2) }' "$out")
	[ -n "$mbit" ] || return 0
	b_emit tput_mbps 'm' -v m="$mbit"
	b_emit tput_cpu_pct '100 * u / T' -v u=$(($3 - $1)) -v T=$(($4 - $2))
	# CPU-ms per GB: busy fraction x 1000 ms/s over GB/s (10^9 bytes).
	b_emit tput_ms_gb '(u / T) * 1000 / (m / 8000)' -v u=$(($3 - $1)) \
		-v T=$(($4 - $2)) -v m="$mbit"
}
