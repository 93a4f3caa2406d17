#!/usr/bin/env bash
# bench/failover/report.sh TSV MD: failover.tsv (bench/failover/run) to
# failover.md: per system and deadtime the median and min-max over the
# repetitions, heartbeat beside xlvs-failoverd, and issue 11's goals
# (takeover within deadtime + 0.3 s every time; no outage after a killed
# master restarts) with whether each was met.  Never fails on a number.
set -u
tsv=$1 md=$2
{
	echo "# xlvs-failoverd beside Debian's heartbeat: takeover and restart"
	echo
	grep '^#' "$tsv" | sed 's/^# /- /'
	cat <<'TXT'
- both systems: the same ha.cf (ucast, keepalive 200 ms, deadtime D, warntime D/2,
  initdead 2 D, auto_failback on), authkeys (sha1) and haresources
  `ha1 IPaddr2::VIP/24/eth0 xlvsdr` (the VIP, then the xlvs DR service); directors
  ha1 and ha2, real servers, a client in namespaces on one bridge (bench/failover/run).
- **takeover**: ha1's director dies (its bridge port drops everything and its daemon
  is killed with -9; heartbeat: all its processes); from the last request answered
  through ha1 to the first answered through ha2 (the client starts one every 50 ms,
  each on a new connection, without waiting for the one before).
- **restart**: ha1's port comes back with the VIP and service its killed run left, and
  its daemon is restarted; with auto_failback on the VIP returns to ha1. Failed
  requests from the restart until the client has been answered through ha1 for 5 s;
  "longest without an answer" is the longest time between two answered requests
  (50 ms when none failed). The issue's goal is no outage: no failed request; the
  last column says whether the client was answered again within 0.3 s (the
  hand-over of auto_failback: the standby stops, then the master starts; a
  request in flight over the move fails, as its connection, opened through one
  director, cannot go on through the other, which has no entry for it).
- **at rest**: the daemon's CPU over a window with no failover (utime+stime of all
  its processes, /proc/PID/stat), its memory (VmRSS and Pss, summed over them).
- The machine is shared with other agents' builds and tests, which run at the same
  time: a figure can be late by what they take; the medians are the better guide.

TXT
	awk -F'\t' '
	function sorted(key, a,   n, i, j, t) {
		n = split(vals[key], a, " ")
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
		return n
	}
	function med(key,   n, a) { n = sorted(key, a); return n ? a[int((n + 1) / 2)] : "-" }
	function rng(key,   n, a) { n = sorted(key, a); return n ? (n > 1 ? a[1] "-" a[n] : a[1]) : "-" }
	function mr(key,   m, n, a) { m = med(key); n = sorted(key, a); return n < 2 ? m : m " (" rng(key) ")" }
	function name(s) { return s == "failoverd" ? "xlvs-failoverd" : "heartbeat 3.0.6" }
	/^#/ || $1 == "rep" { next }
	{ k = $2 "|" $3 "|" $4; cnt[k]++
	  if ($5 != "-" && $5 != "") vals[k] = vals[k] " " $5; else miss[k]++
	  if (!($2 in sys)) { sys[$2] = 1; so[++nsys] = $2 }
	  if (!($3 in dt)) { dt[$3] = 1; dord[++nd] = $3 } }
	END {
		# the deadtimes in numeric order, xlvs-failoverd first
		for (i = 1; i <= nd; i++) for (j = i + 1; j <= nd; j++) if (dord[j] + 0 < dord[i] + 0) { t = dord[i]; dord[i] = dord[j]; dord[j] = t }
		for (i = 1; i <= nsys; i++) if (so[i] == "failoverd" && i > 1) { t = so[1]; so[1] = so[i]; so[i] = t }
		print "## Takeover after the master dies (seconds: median (min-max))"
		print ""
		print "| deadtime | system | runs | takeover | kill to first answer through ha2 | failed requests | start-up | takeover <= deadtime + 0.3 s every time |"
		print "|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nd; i++) for (s = 1; s <= nsys; s++) {
			d = dord[i]; k = so[s] "|" d "|"
			if (!cnt[k "startup"]) continue
			n = sorted(k "takeover", a); ok = n > 0 && n == cnt[k "startup"]; over = 0
			for (x = 1; x <= n; x++) if (a[x] + 0 > d + 0.3) { ok = 0; over++ }
			verdict = ok ? "met" : "**missed**"
			if (!ok) verdict = verdict sprintf(" (%d of %d over, %d not measured)", over, cnt[k "startup"], cnt[k "startup"] - n)
			printf "| %s s | %s | %d | %s | %s | %s | %s | %s |\n", d, name(so[s]), cnt[k "startup"], \
				mr(k "takeover"), mr(k "kill_to_new"), mr(k "takeover_failed"), mr(k "startup"), verdict
		}
		print ""
		print "## After the killed master restarts"
		print ""
		print "| deadtime | system | runs | failed requests | longest without an answer, s | first failure, s after restart | first answer through ha1, s after restart | no failed request (runs) | answered again within 0.3 s (runs) |"
		print "|---|---|---|---|---|---|---|---|---|"
		for (i = 1; i <= nd; i++) for (s = 1; s <= nsys; s++) {
			d = dord[i]; k = so[s] "|" d "|"
			if (!cnt[k "restart_failed"]) continue
			n = sorted(k "restart_failed", a); z = 0
			for (x = 1; x <= n; x++) if (a[x] + 0 == 0) z++
			ng = sorted(k "restart_gap", g); q = 0
			for (x = 1; x <= ng; x++) if (g[x] + 0 <= 0.3) q++
			printf "| %s s | %s | %d | %s | %s | %s | %s | %s | %s |\n", d, name(so[s]), n, mr(k "restart_failed"), \
				mr(k "restart_gap"), mr(k "restart_first_fail"), mr(k "restart_back"), \
				(z == n ? "met" : "**missed**") sprintf(" (%d of %d)", z, n), \
				(q == n ? "yes" : "no") sprintf(" (%d of %d)", q, n)
		}
		print ""
		print "## At rest (keepalive 200 ms; first repetition of each deadtime)"
		print ""
		print "| system | role | CPU, % of a core | RSS, KiB | PSS, KiB | processes |"
		print "|---|---|---|---|---|---|"
		for (s = 1; s <= nsys; s++) for (r = 1; r <= 2; r++) {
			role = r == 1 ? "master" : "standby"
			# over every deadtime: at rest they do the same
			for (i = 1; i <= nd; i++) { k = so[s] "|" dord[i] "|"
				for (m = 1; m <= 4; m++) { split("cpu_pct rss_kb pss_kb procs", mm, " ")
					all[mm[m]] = all[mm[m]] vals[k mm[m] "_" role] } }
			for (m = 1; m <= 4; m++) { vals["all|" mm[m]] = all[mm[m]]; all[mm[m]] = "" }
			if (med("all|cpu_pct") == "-") continue
			printf "| %s | %s | %s | %s | %s | %s |\n", name(so[s]), role, mr("all|cpu_pct"), \
				mr("all|rss_kb"), mr("all|pss_kb"), med("all|procs")
		}
	}' "$tsv"
} >"$md"
