#!/usr/bin/env bash
# report.sh RAW OUTDIR: medians and ratios from bench/run's raw.tsv into
# OUTDIR/results.md, OUTDIR/chart.dat and OUTDIR/chart.png (plot.gp).
set -u
RAW=$1
OUT=$2
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

BENCH_DIR=$BENCH awk -F'\t' -v out="$OUT" -v micro="$([ -f "$OUT/micro.md" ] && echo 1)" \
	-v flood="$([ -f "$OUT/flood.md" ] && echo 1)" '
function median(list,    n, a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	if (n == 0) return ""
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function spread(list,    n, a, i, lo, hi) {
	n = split(list, a, " ")
	if (n < 2) return ""
	lo = hi = a[1] + 0
	for (i = 2; i <= n; i++) { if (a[i] + 0 < lo) lo = a[i] + 0; if (a[i] + 0 > hi) hi = a[i] + 0 }
	return lo "-" hi
}
function fmt(v) {
	if (v == "") return "—"
	v += 0
	if (v == int(v)) return sprintf("%d", v)
	if (v >= 100 || v <= -100) return sprintf("%.0f", v)
	if (v >= 10 || v <= -10) return sprintf("%.1f", v)
	return sprintf("%.2f", v)
}
function ratio(a, b) {
	if (a == "" || b == "" || b + 0 == 0) return ""
	return (a + 0) / (b + 0)
}
function rfmt(r) { return r == "" ? "—" : sprintf("%.2f×", r) }
function med(s, m) { return ((s, m) in M) ? M[s, m] : "" }
/^# machine: / { machine = substr($0, 12); next }
/^# date: / { split(substr($0, 9), d, " "); date = d[1]; settings = substr($0, 9 + length(d[1]) + 1); next }
/^#/ || $1 == "rep" { next }
{
	if (!($2 in seen)) { seen[$2] = 1; order[++nsys] = $2 }
	V[$2, $3] = V[$2, $3] " " $4
	if ($1 > reps) reps = $1
}
END {
	label["kernel"] = "kernel forwarding, no LB"
	label["ceiling"] = "XDP ceiling"
	label["xlvs"] = "xlvs DR"
	label["xlvs_nat"] = "xlvs NAT"
	label["xlvs_tun"] = "xlvs tunnel"
	label["nft"] = "nftables DNAT"
	label["haproxy_rr"] = "HAProxy rr"
	label["haproxy_lc"] = "HAProxy leastconn"
	nf = split("udp_kpps udp_sent_kpps udp_cpu_pct udp_kpps_core udp_ns_pkt udp_rs1_pct udp_own_pct udp_kpps_own " \
		"cc_rps cc_cpu_pct cc_us_req cc_errors ka_rps ka_cpu_pct ka_us_req ka_errors " \
		"lat_p50_us lat_p90_us lat_p99_us tput_mbps tput_cpu_pct tput_ms_gb", F, " ")
	name["udp_kpps"] = "UDP 64-byte packets delivered to the real servers, kpps"
	name["udp_sent_kpps"] = "UDP generator rate, kpps"
	name["udp_cpu_pct"] = "director CPU busy during UDP, %"
	name["udp_kpps_core"] = "**UDP delivered per director core, kpps**"
	name["udp_ns_pkt"] = "director CPU per delivered packet, ns"
	name["udp_rs1_pct"] = "share of UDP delivered to rs1, %"
	name["udp_own_pct"] = "director own work during UDP (NAPI threads of its links + softirq of its CPU), % of a CPU"
	name["udp_kpps_own"] = "UDP delivered per director core, by its own work only, kpps"
	name["cc_rps"] = "**new TCP connections/s** (wrk, Connection: close)"
	name["cc_cpu_pct"] = "director CPU busy during new connections, %"
	name["cc_us_req"] = "**director CPU per connection, µs**"
	name["cc_errors"] = "wrk socket errors + non-2xx, new connections"
	name["ka_rps"] = "**keep-alive requests/s**"
	name["ka_cpu_pct"] = "director CPU busy during keep-alive, %"
	name["ka_us_req"] = "director CPU per keep-alive request, µs"
	name["ka_errors"] = "wrk socket errors + non-2xx, keep-alive"
	name["lat_p50_us"] = "request latency p50 (new connection, 1 at a time), µs"
	name["lat_p90_us"] = "request latency p90, µs"
	name["lat_p99_us"] = "request latency p99, µs"
	name["tput_mbps"] = "**single-stream TCP throughput (iperf3), Mbit/s**"
	name["tput_cpu_pct"] = "director CPU busy during iperf3, %"
	name["tput_ms_gb"] = "director CPU per GB carried, ms"
	for (i = 1; i <= nsys; i++)
		for (f = 1; f <= nf; f++)
			if ((order[i], F[f]) in V) M[order[i], F[f]] = median(V[order[i], F[f]])

	md = out "/results.md"
	print "# xlvs load benchmark: results" > md
	print "" > md
	print "Machine: " machine ". Run " date "; " reps " repetition(s) of every load; " \
		"each cell is the median over the repetitions (" settings ")." > md
	print "Produced by `make bench` (bench/run); raw numbers per repetition in [raw.tsv](raw.tsv), " \
		"the tools'"'"' output in run.log. Ratios are only meaningful within one run." > md
	print "" > md
	print "![chart](chart.png)" > md
	print "" > md
	print "## Figures (medians)" > md
	print "" > md
	h = "| figure |"; s = "|---|"
	for (i = 1; i <= nsys; i++) { h = h " " label[order[i]] " |"; s = s "---:|" }
	print h > md; print s > md
	for (f = 1; f <= nf; f++) {
		row = "| " name[F[f]] " |"; any = 0
		for (i = 1; i <= nsys; i++) {
			v = med(order[i], F[f]); if (v != "") any = 1
			row = row " " fmt(v) " |"
		}
		if (any) print row > md
	}
	print "" > md
	nr = split("udp_kpps udp_kpps_core udp_kpps_own udp_ns_pkt cc_rps cc_us_req ka_rps ka_us_req lat_p50_us lat_p99_us tput_mbps tput_ms_gb", R, " ")
	if ("xlvs" in seen) {
		print "## xlvs against each peer (xlvs ÷ peer, same run)" > md
		print "" > md
		print "Above 1 is better for xlvs in rates; below 1 is better in CPU costs and latencies." > md
		print "" > md
		h = "| figure |"; s = "|---|"
		for (i = 1; i <= nsys; i++) if (order[i] !~ /^xlvs/) { h = h " vs " label[order[i]] " |"; s = s "---:|" }
		print h > md; print s > md
		for (r = 1; r <= nr; r++) {
			row = "| " name[R[r]] " |"; any = 0
			for (i = 1; i <= nsys; i++) {
				if (order[i] ~ /^xlvs/) continue
				q = ratio(med("xlvs", R[r]), med(order[i], R[r])); if (q != "") any = 1
				row = row " " rfmt(q) " |"
			}
			if (any) print row > md
		}
		print "" > md
	}
	# NAT beside its like-for-like peer and the ceiling, the tunnel beside
	# the ceiling, both beside DR: the pairs measured in this run.
	np = 0
	split("xlvs_nat:nft xlvs_nat:ceiling xlvs_nat:xlvs xlvs_tun:ceiling xlvs_tun:xlvs", PP, " ")
	for (k = 1; k <= 5; k++) {
		split(PP[k], ab, ":")
		if ((ab[1] in seen) && (ab[2] in seen)) { np++; PA[np] = ab[1]; PB[np] = ab[2] }
	}
	if (np) {
		print "## xlvs NAT and tunnel against their peers (÷ peer, same run)" > md
		print "" > md
		print "nftables DNAT is the like-for-like peer for NAT (both directions through the director); the XDP ceiling is direct routing with nothing else." > md
		print "" > md
		h = "| figure |"; s = "|---|"
		for (k = 1; k <= np; k++) { h = h " " label[PA[k]] " vs " label[PB[k]] " |"; s = s "---:|" }
		print h > md; print s > md
		for (r = 1; r <= nr; r++) {
			row = "| " name[R[r]] " |"; any = 0
			for (k = 1; k <= np; k++) {
				q = ratio(med(PA[k], R[r]), med(PB[k], R[r])); if (q != "") any = 1
				row = row " " rfmt(q) " |"
			}
			if (any) print row > md
		}
		print "" > md
	}
	print "## Targets (reported, never enforced)" > md
	print "" > md
	print "| target | measured | met |" > md
	print "|---|---:|---|" > md
	if ("xlvs" in seen) {
		t = ratio(med("xlvs", "udp_kpps_core"), med("ceiling", "udp_kpps_core"))
		print "| xlvs DR ≥ 0.9× the XDP ceiling, packets/s per director core | " rfmt(t) " | " (t == "" ? "—" : t >= 0.9 ? "yes" : "**no**") " |" > md
		t = ratio(med("xlvs", "udp_kpps_core"), med("nft", "udp_kpps_core"))
		print "| xlvs DR ≥ 1.8× nftables DNAT, packets/s per director core | " rfmt(t) " | " (t == "" ? "—" : t >= 1.8 ? "yes" : "**no**") " |" > md
		t = ratio(med("xlvs", "cc_rps"), med("haproxy_rr", "cc_rps"))
		print "| new connections/s ≥ 1.8× HAProxy (roundrobin) | " rfmt(t) " | " (t == "" ? "—" : t >= 1.8 ? "yes" : "**no**") " |" > md
		t = ratio(med("xlvs", "cc_rps"), med("haproxy_lc", "cc_rps"))
		print "| new connections/s ≥ 1.8× HAProxy (leastconn) | " rfmt(t) " | " (t == "" ? "—" : t >= 1.8 ? "yes" : "**no**") " |" > md
		t = ratio(med("xlvs", "cc_us_req"), med("haproxy_rr", "cc_us_req"))
		print "| director CPU per connection a small fraction (≤ 0.25×) of HAProxy (roundrobin) | " rfmt(t) " | " (t == "" ? "—" : t <= 0.25 ? "yes" : "**no**") " |" > md
	}
	# The NAT and tunnel targets by both measures of the director CPU:
	# the busy time of that CPU, and its own work only (udp_kpps_own), which
	# holds where other work shares that CPU.
	for (k = 1; k <= 2; k++) {
		f = k == 1 ? "udp_kpps_core" : "udp_kpps_own"
		how = k == 1 ? "" : " (own work only)"
		if ("xlvs_nat" in seen) {
			t = ratio(med("xlvs_nat", f), med("nft", f))
			print "| xlvs NAT ≥ 2× nftables DNAT, packets/s per director core" how " | " rfmt(t) " | " (t == "" ? "—" : t >= 2 ? "yes" : "**no**") " |" > md
			t = ratio(med("xlvs_nat", f), med("ceiling", f))
			print "| xlvs NAT ≥ 0.85× the XDP ceiling, packets/s per director core" how " | " rfmt(t) " | " (t == "" ? "—" : t >= 0.85 ? "yes" : "**no**") " |" > md
		}
		if ("xlvs_tun" in seen) {
			t = ratio(med("xlvs_tun", f), med("ceiling", f))
			print "| xlvs tunnel ≥ 0.85× the XDP ceiling, packets/s per director core" how " | " rfmt(t) " | " (t == "" ? "—" : t >= 0.85 ? "yes" : "**no**") " |" > md
		}
	}
	print "" > md
	while ((getline line < (ENVIRON["BENCH_DIR"] "/results-notes.md")) > 0) print line > md
	if (micro) {
		print "" > md
		print "## Micro-benchmarks" > md
		print "" > md
		print "The data plane alone, through `BPF_PROG_TEST_RUN` (bench/micro): see [micro.md](micro.md)." > md
	}
	if (flood) {
		print "" > md
		print "## SYN flood" > md
		print "" > md
		print "Held connections lost, new connections admitted and the director'"'"'s CPU under a spoofed SYN flood, beside IPVS'"'"'s documented defences (bench/flood.sh): see [flood.md](flood.md)." > md
	}
	close(md)

	dat = out "/chart.dat"
	print "# system udp_kpps udp_kpps_core cc_krps ka_krps cc_us_req lat_p50_us lat_p99_us tput_gbps" > dat
	for (i = 1; i <= nsys; i++) {
		sy = order[i]; l = label[sy]; sub(/, no LB/, "", l)
		printf "\"%s\"", l > dat
		n = split("udp_kpps udp_kpps_core cc_rps ka_rps cc_us_req lat_p50_us lat_p99_us tput_mbps", C, " ")
		for (c = 1; c <= n; c++) {
			v = med(sy, C[c])
			if (v == "") { printf " ?" > dat; continue }
			if (C[c] == "cc_rps" || C[c] == "ka_rps" || C[c] == "tput_mbps") v /= 1000
			printf " %g", v > dat
		}
		printf "\n" > dat
	}
	close(dat)
}' "$RAW" || exit 1

# The chart has a panel per load: a run of some loads alone (BENCH_LOADS)
# has none to draw (the labels hold spaces: cc_krps is the 6th field from the end).
if ! awk 'NR > 1 && $(NF - 5) != "?" { ok = 1 } END { exit !ok }' "$OUT/chart.dat"; then
	echo "report.sh: no chart (not every load ran)" >&2
elif command -v gnuplot >/dev/null; then
	(cd "$OUT" && gnuplot "$BENCH/plot.gp") || echo "report.sh: gnuplot failed" >&2
fi
