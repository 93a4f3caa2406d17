#!/usr/bin/env bash
# bench/healthd/report.sh TSV MD: healthd.tsv (bench/healthd/run) to
# healthd.md: medians over repetitions, ldirectord's figures beside
# xlvs-healthd's with their ratio, and the goals with whether each
# was met.  Never fails on a number.
set -u
tsv=$1 md=$2
{
	echo "# xlvs-healthd beside ldirectord: health checks at scale"
	echo
	grep '^#' "$tsv" | sed 's/^# /- /'
	echo "- same ldirectord.cf for both: checkinterval=1, checktimeout=3, negotiatetimeout=3,"
	echo "  failurecount=1, quiescent=no; N real servers, a virtual per 1,000 (listeners in a namespace);"
	echo "  ldirectord runs against bench/healthd/fake-ipvsadm (no ip_vs in this kernel); its"
	echo "  checking loop is real. \"-\": not reached within the run's bound."
	echo "- floor: bench/healthd/floor, the least a checker can do (connect: socket, connect,"
	echo "  epoll, SO_ERROR, close by reset; negotiate: the same, then an HTTP/1.0 GET written"
	echo "  and its answer read to the server's close, unparsed; no table): on loopback both"
	echo "  ends' TCP work is done in the checker's own system calls, so this is what the"
	echo "  kernel alone charges a checker here, the real servers' side included."
	echo
	awk -F'\t' '
	function med(key,   n, i, j, t, a) {
		n = split(vals[key], a, " ")
		if (!n) return "-"
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return a[int((n + 1) / 2)]
	}
	function yes(c) { return c ? "met" : "**missed**" }
	function times(x) { return x < 10 ? sprintf("%.1fx", x) : sprintf("%.0fx", x) }
	/^#/ || $1 == "rep" { next }
	$3 ~ /^detect_/ { det[$2 "|" $3 "|" $4 "|" $5] = det[$2 "|" $3 "|" $4 "|" $5] " " $6; dsys[$2] = 1; dmode[$3] = 1
			  if (!($4 in dcnt)) { dcnt[$4] = 1; dorder[++nd] = $4 }; next }
	{ if ($6 != "-" && $6 != "") vals[$2 "|" $3 "|" $4 "|" $5] = vals[$2 "|" $3 "|" $4 "|" $5] " " $6
	  sys[$2] = 1; ck[$3] = 1; if (!($4 in sz)) { sz[$4] = 1; order[++ns] = $4 } }
	END {
		print "## CPU, interval, start-up"
		print ""
		print "| check | servers | checker | CPU s/min | % of a core | checks/s | interval p50 s | p99 s | max s | start-up s |"
		print "|---|---|---|---|---|---|---|---|---|---|"
		split("connect negotiate", cks, " ")
		split("healthd ldirectord floor", sy, " ")
		for (c = 1; c <= 2; c++) for (i = 1; i <= ns; i++) for (s = 1; s <= 3; s++) {
			k = sy[s] "|" cks[c] "|" order[i]
			if (!(sy[s] in sys) || !(cks[c] in ck) || !((k "|cpu_s_per_min") in vals)) continue
			cpu = med(k "|cpu_s_per_min")
			pc = cpu == "-" ? "-" : sprintf("%.1f", cpu / 60 * 100)
			printf "| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s |\n", cks[c], order[i], \
				sy[s] == "healthd" ? "xlvs-healthd" : sy[s] == "floor" ? "floor" : "ldirectord 4.12", cpu, pc, \
				med(k "|checks_per_s"), med(k "|p50"), med(k "|p99"), med(k "|max"), med(k "|start")
		}
		print ""
		print "## Ratios (ldirectord / xlvs-healthd, and xlvs-healthd / floor, from the same run)"
		print ""
		print "| check | servers | CPU per check | start-up | xlvs-healthd / floor, CPU per check |"
		print "|---|---|---|---|---|"
		for (c = 1; c <= 2; c++) for (i = 1; i <= ns; i++) {
			h = "healthd|" cks[c] "|" order[i]; l = "ldirectord|" cks[c] "|" order[i]; f = "floor|" cks[c] "|" order[i]
			if (!((h "|cpu_s_per_min") in vals)) continue
			hc = med(h "|cpu_s_per_min"); lc = med(l "|cpu_s_per_min"); hr = med(h "|checks_per_s"); lr = med(l "|checks_per_s")
			fc = med(f "|cpu_s_per_min"); fr = med(f "|checks_per_s")
			hs = med(h "|start"); ls = med(l "|start")
			r1 = (hc + 0 > 0 && hr + 0 > 0 && lr + 0 > 0 && lc != "-") ? times((lc / lr) / (hc / hr)) : "-"
			r2 = (hs + 0 > 0 && ls != "-") ? times(ls / hs) : "-"
			r3 = (hc + 0 > 0 && hr + 0 > 0 && fc + 0 > 0 && fr + 0 > 0) ? sprintf("%.2fx", (hc / hr) / (fc / fr)) : "-"
			printf "| %s | %d | %s | %s | %s |\n", cks[c], order[i], r1, r2, r3
		}
		print ""
		print "## Detection: servers of 1,000 that stop answering at once, to leaving the table (connect checks)"
		print ""
		print "| dead | how | checker | detected | median s | max s |"
		print "|---|---|---|---|---|---|"
		split("detect_silent detect_reset", dm, " ")
		for (q = 1; q <= nd; q++) for (m = 1; m <= 2; m++) for (s = 1; s <= 2; s++) {
			if (!(dm[m] in dmode) || !(sy[s] in dsys)) continue
			n = 0; got = 0; all = ""; key = sy[s] dm[m] "|" dorder[q]
			for (kk in det) { split(kk, p, "|"); if (p[1] != sy[s] || p[2] != dm[m] || p[3] != dorder[q]) continue
				n++; split(det[kk], a, " "); if (a[1] != "-") { got++; all = all " " a[1] } }
			if (!n) continue
			cnt = split(all, b, " ")
			asort(b)
			dmed[key] = cnt ? b[int((cnt + 1) / 2)] : "-"; dmax[key] = cnt ? b[cnt] : "-"
			dgot[key] = got; dn[key] = n
			printf "| %d | %s | %s | %d/%d | %s | %s |\n", dorder[q], substr(dm[m], 8), sy[s] == "healthd" ? "xlvs-healthd" : "ldirectord 4.12", got, n, dmed[key], dmax[key]
		}
		print ""
		print "## The issue'"'"'s goals (xlvs-healthd)"
		print ""
		k = "healthd|connect|5000"; cpu = med(k "|cpu_s_per_min"); p99 = med(k "|p99")
		if (cpu != "-") printf "- 5,000 connect checks/s (measured %s/s) on under 5 %% of a core (%.1f %%) with p99 interval under 1.05 s (%s s): %s\n", \
			med(k "|checks_per_s"), cpu / 60 * 100, p99, yes(cpu / 60 * 100 < 5 && p99 + 0 < 1.05 && p99 != "-")
		k = "healthd|negotiate|5000"; cpu = med(k "|cpu_s_per_min")
		if (cpu != "-") printf "- http negotiate at 5,000/s (measured %s/s) on under 25 %% of a core (%.1f %%, p99 %s s): %s\n", \
			med(k "|checks_per_s"), cpu / 60 * 100, med(k "|p99"), yes(cpu / 60 * 100 < 25)
		for (c = 1; c <= 2; c++) { k = "healthd|" cks[c] "|5000"; st = med(k "|start")
			if ((k "|cpu_s_per_min") in vals) printf "- start-up with 5,000 servers under 2 s (%s checks: %s s): %s\n", cks[c], st, yes(st != "-" && st + 0 < 2) }
		for (q = 1; q <= nd; q++) for (m = 1; m <= 2; m++) { key = "healthd" dm[m] "|" dorder[q]; if (!(key in dn)) continue
			printf "- every dead server detected within 1 x 1 + 3 + 0.5 = 4.5 s (%d at once, %s: %d/%d, max %s s): %s\n", dorder[q], substr(dm[m], 8), dgot[key], dn[key], dmax[key], \
				yes(dgot[key] == dn[key] && dmax[key] + 0 <= 4.5) }
	}' "$tsv"
	# Notes written by hand about a run (what the machine was doing, what
	# the figures mean) go after the generated tables.
	notes=$(dirname "$md")/healthd-notes.md
	if [ -f "$notes" ]; then echo; cat "$notes"; fi
} >"$md"
