# shellcheck shell=bash disable=SC2034,SC2015,SC1111
# xlvs-exporter (issue 12 item 5): Prometheus metrics and a status page of
# the table, xlvs-healthd's checks and xlvs-failoverd's state, on a table
# and traffic built here: ha1 a director (its VIP brought up by
# xlvs-failoverd, ha2 its standby), node1 and node2 real servers, a
# client; xlvs-healthd checking the HTTP service; the exporter in ha1's
# namespace on its loopback, as are Debian's Prometheus and Chromium that
# read it.  promtool (Debian's prometheus package) checks the exposition;
# a real Prometheus scrapes it and a PromQL query through its HTTP API
# gives the held connections' count; headless Chromium renders the page
# (its DOM read back, a screenshot in $MT_OUT).  A read-only table refuses
# every change, and the daemons missing or killed leave a valid endpoint.

# shellcheck source=tests/e2e/healthd_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/healthd_lib.sh"
# shellcheck source=tests/e2e/failover_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/failover_lib.sh"

MT_BIN=$XL_ROOT/build/bin/xlvs-exporter
# What a person would look at afterwards (the page's screenshot): kept,
# unlike $XL_TMP.
MT_OUT=${XL_OUT:-$XL_ROOT/build/tests/out}/test_metrics
MT_PORT=9780
MT_URL=http://127.0.0.1:$MT_PORT
MT_HOLD_PID=

setup() {
	[ -x "$MT_BIN" ] || xl_die "$MT_BIN missing: run make"
	xl_lan_up
	xl_add_director ha1 "$XL_HA1"
	xl_add_realserver node1 "$XL_NODE1"
	xl_add_realserver node2 "$XL_NODE2"
	xl_add_host client "$XL_CLIENT"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	# Port 7000 for held connections; 53 for UDP; healthd makes 80.
	xl_adm -A -t "$XL_VIP:7000" -s rr &&
		xl_adm -a -t "$XL_VIP:7000" -r "$XL_NODE1:7000" -g -w 1 &&
		xl_adm -a -t "$XL_VIP:7000" -r "$XL_NODE2:7000" -g -w 1 &&
		xl_adm -A -u "$XL_VIP:53" -s rr &&
		xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 || xl_fail "the services"
	for h in node1 node2; do
		xl_bg "$h" "$XL_ROOT/build/tests/echosrv" --name "$h" --port 7000
		xl_wait_listen "$h" 7000 || xl_fail "echosrv in $h did not start"
	done
	MT_RUN=$XL_TMP/run
	mkdir -p "$MT_RUN" "$MT_OUT"
}

# mt_sock HOST: HOST's failoverd control socket (failover_lib's rundir).
mt_sock() { local p; p=$(fo_pidfile "$1"); echo "${p%.pid}.sock"; }

# mt_exporter: the exporter in ha1, reading the test's
# healthd rundir and ha1's failoverd; waits for it to listen.
mt_exporter() {
	xl_bg ha1 "$MT_BIN" --healthd-rundir "$MT_RUN" --failoverd-socket "$(mt_sock ha1)" \
		--refresh 2 2>>"$XL_TMP/exporter.log"
	MT_PID=$XL_LAST_PID
	xl_wait_listen ha1 $MT_PORT || xl_fail "the exporter did not listen: $(cat "$XL_TMP/exporter.log")"
}

# mt_get PATH: the exporter's answer, from ha1 (it listens on loopback).
mt_get() { xl_in ha1 curl -s --max-time 5 "$MT_URL$1"; }

# mt_value METRIC{LABELS}: the sample's value in $XL_TMP/m (the series
# written exactly as the exporter writes it); empty when absent.
mt_value() {
	# ENVIRON, not -v: awk would undo the escapes in an assignment.
	MT_S=$1 awk '{ s = ENVIRON["MT_S"] }
		substr($0, 1, length(s) + 1) == s " " { print substr($0, length(s) + 2) }' \
		"$XL_TMP/m"
}

mt_scrape() {
	mt_get /metrics >"$XL_TMP/m" || xl_fail "GET /metrics failed"
}

# mt_wait_value METRIC{LABELS} WANT SECONDS: bounded wait for the value.
mt_wait_value() {
	local i
	for ((i = 0; i < $3 * 4; i++)); do
		mt_scrape
		[ "$(mt_value "$1")" = "$2" ] && return 0
		sleep 0.25
	done
	xl_fail "$1 is '$(mt_value "$1")', not $2, after $3 s: $(grep -F "${1%%\{*}" "$XL_TMP/m")"
}

# mt_daemons: xlvs-healthd on ld.cf (it makes the HTTP service, connect
# checks every second) and xlvs-failoverd on both directors (ha1 owns
# the VIP); back once both real servers are up and ha1 holds the VIP.
mt_daemons() {
	local i
	xl_add_director ha2 "$XL_HA2"
	hd_conf "$XL_TMP/ld.cf"
	xl_bg ha1 env XLVS_HEALTHD_RUNDIR="$MT_RUN" "$XL_HD_BIN" --supervised \
		"$XL_TMP/ld.cf" start >>"$XL_TMP/hd.log" 2>&1
	MT_HD_PID=$XL_LAST_PID
	fo_write_conf ""
	fo_start ha1
	fo_start ha2
	hd_up_both
	fo_wait_vip ha1 yes 8 || { fo_logs; xl_fail "ha1 did not take the VIP"; }
	# The VIP comes up while ha1 is still acquiring: wait for active.
	for ((i = 0; i < 50; i++)); do
		fo_cmd ha1 status | grep -q '^role: active ' && return 0
		sleep 0.1
	done
	xl_fail "ha1 not active: $(fo_cmd ha1 status)"
}

# mt_hold N: N connections to VIP:7000 held open (connhold) until the
# test ends.
mt_hold() {
	local n
	xl_bg client "$XL_ROOT/build/tests/connhold" "$XL_VIP" 7000 "$1" "$XL_TMP/go" 60 \
		>"$XL_TMP/hold" 2>&1
	MT_HOLD_PID=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^held ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q "^held $1" "$XL_TMP/hold" || xl_fail "connhold: $(cat "$XL_TMP/hold")"
}

# promtool's check of the exposition in $XL_TMP/m: its parser and its
# linter (names, suffixes, units), nothing said.
mt_promtool() {
	local out
	out=$(promtool check metrics <"$XL_TMP/m" 2>&1) ||
		xl_fail "promtool check metrics: $out"
	[ -z "$out" ] || xl_fail "promtool check metrics said: $out"
}

test_metrics_values_promtool_and_escapes() {
	local weird=$'we"ird\\na\nme' took n1 n2 svc=tcp:$XL_VIP:80
	mt_daemons
	# A healthd instance that is not running, its name full of what the
	# format escapes (a quote, a backslash, a newline).
	echo 999999 >"$MT_RUN/xlvs-healthd.$weird.pid"
	mt_exporter
	xl_assert_eq 0 "$(xl_http 10 | grep -c none)" "10 HTTP requests unanswered"
	mt_hold 6
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 3 >/dev/null || xl_fail "udpask"
	mt_scrape
	mt_promtool
	xl_assert_eq 1 "$(mt_value xlvs_table_up)" "table up"
	xl_assert_eq 65536 "$(mt_value xlvs_table_connections_max)" "capacity"
	xl_assert_eq 3 "$(mt_value xlvs_table_services)" "services"
	xl_assert_eq 10 "$(mt_value "xlvs_service_connections_total{service=\"$svc\"}")" \
		"the HTTP service's connections"
	n1=$(mt_value "xlvs_real_connections_total{service=\"$svc\",real=\"$XL_NODE1:80\"}")
	n2=$(mt_value "xlvs_real_connections_total{service=\"$svc\",real=\"$XL_NODE2:80\"}")
	xl_assert_eq 10 "$((n1 + n2))" "the real servers' connections ($n1 + $n2)"
	xl_assert_eq 3 "$(mt_value "xlvs_real_active_connections{service=\"tcp:$XL_VIP:7000\",real=\"$XL_NODE1:7000\"}")" \
		"node1's held connections (ActiveConn)"
	xl_assert_eq 3 "$(mt_value "xlvs_real_active_connections{service=\"tcp:$XL_VIP:7000\",real=\"$XL_NODE2:7000\"}")" \
		"node2's held connections"
	xl_assert_eq 3 "$(mt_value "xlvs_real_inactive_connections{service=\"udp:$XL_VIP:53\",real=\"$XL_NODE1:53\"}")" \
		"the 3 UDP flows (InActConn)"
	xl_assert_eq 3 "$(mt_value "xlvs_real_weight{service=\"$svc\",real=\"$XL_NODE1:80\"}")" "weight"
	xl_assert_eq 1 "$(mt_value "xlvs_real_info{service=\"$svc\",real=\"$XL_NODE1:80\",forward=\"route\"}")" \
		"forwarding method"
	[ "$(mt_value xlvs_dataplane_pkts_fwd_total)" -gt 20 ] ||
		xl_fail "pkts_fwd_total: $(mt_value xlvs_dataplane_pkts_fwd_total)"
	[ "$(mt_value xlvs_table_connections)" -ge 9 ] ||
		xl_fail "table connections: $(mt_value xlvs_table_connections)"
	# Health, from the daemon's status file.
	xl_assert_eq 1 "$(mt_value 'xlvs_healthd_up{config="ld.cf"}')" \
		"healthd up ($(ls "$MT_RUN"; grep healthd "$XL_TMP/m"))"
	# Its status file is rewritten at most once a second.
	mt_wait_value "xlvs_healthd_real_up{config=\"ld.cf\",service=\"$svc\",real=\"$XL_NODE2:80\"}" 1 3
	took=$(mt_value "xlvs_healthd_check_duration_seconds{config=\"ld.cf\",service=\"$svc\",real=\"$XL_NODE1:80\"}")
	awk -v t="$took" 'BEGIN { exit !(t > 0 && t < 3) }' || xl_fail "check duration '$took'"
	# The stale instance, escaped as the format says: \" \\ \n.
	xl_assert_eq 0 "$(mt_value 'xlvs_healthd_up{config="we\"ird\\na\nme"}')" \
		"the escaped config label (the exposition: $(grep '^xlvs_healthd_up' "$XL_TMP/m"))"
	# Failover: ha1 holds the resources, ha2 heard within deadtime.
	xl_assert_eq 1 "$(mt_value 'xlvs_failoverd_role{role="active"}')" "ha1's role"
	xl_assert_eq 0 "$(mt_value 'xlvs_failoverd_role{role="standby"}')" "not standby"
	xl_assert_eq 1 "$(mt_value 'xlvs_failoverd_peer_alive{peer="ha2"}')" "ha2 alive"
	awk -v a="$(mt_value 'xlvs_failoverd_peer_last_heartbeat_age_seconds{peer="ha2"}')" \
		'BEGIN { exit !(a != "" && a >= 0 && a < 2) }' ||
		xl_fail "last heartbeat: $(grep heartbeat "$XL_TMP/m")"
	# A server down: healthd's state and the table's quiescent weight.
	xl_stop_testsrv node2
	mt_wait_value "xlvs_healthd_real_up{config=\"ld.cf\",service=\"$svc\",real=\"$XL_NODE2:80\"}" 0 10
	xl_assert_eq 0 "$(mt_value "xlvs_healthd_check_success{config=\"ld.cf\",service=\"$svc\",real=\"$XL_NODE2:80\"}")" \
		"node2's last check"
	xl_assert_eq 0 "$(mt_value "xlvs_real_weight{service=\"$svc\",real=\"$XL_NODE2:80\"}")" \
		"node2 quiescent"
	# The daemons gone: their _up series say so, the rest stays valid.
	kill -KILL "$MT_HD_PID" "$FO_PID_ha1"
	sleep 0.2
	mt_scrape
	mt_promtool
	xl_assert_eq 0 "$(mt_value 'xlvs_healthd_up{config="ld.cf"}')" "healthd killed"
	grep -q '^xlvs_healthd_real_up' "$XL_TMP/m" && xl_fail "a killed healthd's servers shown"
	xl_assert_eq 0 "$(mt_value xlvs_failoverd_up)" "failoverd killed"
	xl_assert_eq 6 "$(mt_value "xlvs_service_connections_total{service=\"tcp:$XL_VIP:7000\"}")" \
		"the table still read"
	# No table at all: its _up at 0, still a valid exposition.
	xl_adm --unload || xl_fail "--unload"
	mt_scrape
	mt_promtool
	xl_assert_eq 0 "$(mt_value xlvs_table_up)" "no table"
	kill -0 "$MT_PID" || xl_fail "the exporter died: $(cat "$XL_TMP/exporter.log")"
}

# A real Prometheus (Debian's) scrapes the exporter every second; PromQL
# through its HTTP API gives the connections held and made.
test_metrics_prometheus_scrapes() {
	local q i got="" want
	xl_addr ha1 eth0 "$XL_VIP"	# no failoverd here to bring it up
	mt_exporter
	xl_http 4 >/dev/null
	mt_hold 6
	cat >"$XL_TMP/prometheus.yml" <<-EOF
	global:
	  scrape_interval: 1s
	  evaluation_interval: 1s
	scrape_configs:
	  - job_name: xlvs
	    static_configs:
	      - targets: ['127.0.0.1:$MT_PORT']
	EOF
	promtool check config "$XL_TMP/prometheus.yml" >/dev/null || xl_fail "promtool check config"
	xl_bg ha1 prometheus --config.file="$XL_TMP/prometheus.yml" \
		--storage.tsdb.path="$XL_TMP/prometheus" --web.listen-address=127.0.0.1:9090 \
		--log.level=warn 2>"$XL_TMP/prometheus.log"
	xl_wait_listen ha1 9090 || xl_fail "prometheus did not listen: $(cat "$XL_TMP/prometheus.log")"
	q="sum(xlvs_real_active_connections{service=\"tcp:$XL_VIP:7000\"})"
	want=6
	for ((i = 0; i < 100; i++)); do
		got=$(xl_in ha1 curl -s --max-time 2 --data-urlencode "query=$q" \
			http://127.0.0.1:9090/api/v1/query | python3 -c '
import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "")' 2>/dev/null)
		[ "$got" = "$want" ] && break
		sleep 0.25
	done
	xl_assert_eq "$want" "$got" "PromQL $q (prometheus: $(tail -5 "$XL_TMP/prometheus.log"))"
	got=$(xl_in ha1 curl -s --max-time 2 --data-urlencode 'query=up{job="xlvs"}' \
		http://127.0.0.1:9090/api/v1/query | python3 -c '
import json, sys
print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
	xl_assert_eq 1 "$got" "the target is up in Prometheus"
	got=$(xl_in ha1 curl -s --max-time 2 --data-urlencode \
		"query=xlvs_service_connections_total{service=\"tcp:$XL_VIP:7000\"}" \
		http://127.0.0.1:9090/api/v1/query | python3 -c '
import json, sys
print(json.load(sys.stdin)["data"]["result"][0]["value"][1])')
	xl_assert_eq 6 "$got" "connections_total through PromQL"
}

# The page in headless Chromium (Debian's): the DOM it renders holds the
# services, real servers, health and failover state; a screenshot for a
# person to look at.
test_metrics_status_page_in_chromium() {
	local dom page c=(chromium --headless --no-sandbox --disable-gpu --no-first-run
		--disable-extensions --disable-background-networking --disable-sync
		--user-data-dir="$XL_TMP/chromium")
	mt_daemons
	mt_exporter
	xl_http 5 >/dev/null
	sleep 1.2	# healthd's status file: rewritten within a second
	page=$(mt_get /)
	# Nothing to fetch from elsewhere, nothing to run.
	grep -Eiq '<script|<link|<img|<iframe|src=|https?://' <<<"$page" &&
		xl_fail "the page loads or runs something: $(grep -Eio '<script[^>]*>|<link[^>]*>|src=[^ ]*|https?://[^ "]*' <<<"$page")"
	grep -q '<meta http-equiv="refresh" content="2">' <<<"$page" ||
		xl_fail "the page does not reload itself"
	xl_in ha1 env HOME="$XL_TMP" timeout 60 "${c[@]}" --dump-dom "$MT_URL/" \
		>"$XL_TMP/dom.html" 2>"$XL_TMP/chromium.log" ||
		xl_fail "chromium --dump-dom: $(tail -5 "$XL_TMP/chromium.log")"
	dom=$(cat "$XL_TMP/dom.html")
	for want in "TCP $XL_VIP:80" "TCP $XL_VIP:7000" "UDP $XL_VIP:53" \
		"-&gt; $XL_NODE1:80" "-&gt; $XL_NODE2:80" "-&gt; $XL_NODE1:7000" \
		"2 of 2 up" ">active<" "ha2" "running, pid" "xlvsadm -L -n --stats" \
		"IP Virtual Server version 1.2.1 (size=65536)"; do
		grep -qF -- "$want" <<<"$dom" || xl_fail "the rendered page has no '$want': $dom"
	done
	# Each real server's row says its health.
	grep -Eq "<tr class=\"up\"><td class=\"l\">&nbsp;&nbsp;-&gt; $XL_NODE1:80</td>.*<td class=\"l h\">up</td>" <<<"$dom" ||
		xl_fail "node1's row does not say up: $(grep -F "$XL_NODE1:80<" <<<"$dom")"
	# The listing: -L -n --stats's own lines, the HTTP service's 5 connections.
	grep -Eq "^TCP  $XL_VIP:80 +5 " <<<"$dom" || xl_fail "no --stats line for the service"
	rm -f "$MT_OUT/status.png"
	(cd "$XL_TMP" && xl_in ha1 env HOME="$XL_TMP" timeout 60 "${c[@]}" \
		--window-size=1400,1000 --screenshot="$MT_OUT/status.png" "$MT_URL/" \
		>>"$XL_TMP/chromium.log" 2>&1) || xl_fail "chromium --screenshot: $(tail -5 "$XL_TMP/chromium.log")"
	[ "$(head -c 8 "$MT_OUT/status.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
		xl_fail "no PNG screenshot in $MT_OUT/status.png"
	echo "screenshot: $MT_OUT/status.png ($(stat -c %s "$MT_OUT/status.png") bytes)"
}

# The table as the exporter opens it refuses every change (the kernel's
# EPERM through BPF_F_RDONLY fds), and nothing changed; the endpoint is
# this host's own by default; bad options are named.
test_metrics_read_only_and_options() {
	local before after
	xl_addr ha1 eth0 "$XL_VIP"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 3 >/dev/null || xl_fail "udpask"
	xl_adm -S -n >"$XL_TMP/before"
	before=$(xl_adm -L -n --stats --exact)
	xl_in ha1 "$XL_ROOT/build/tests/rotable" "$XL_VIP:7000" "$XL_NODE1:7000" ||
		xl_fail "a read-only table took a change"
	xl_adm -S -n >"$XL_TMP/after"
	xl_assert_same_file "$XL_TMP/before" "$XL_TMP/after" "the table after rotable"
	after=$(xl_adm -L -n --stats --exact)
	xl_assert_eq "$before" "$after" "the counters after rotable"
	# Default: 127.0.0.1 only.
	xl_bg ha1 "$MT_BIN" --healthd-rundir "$MT_RUN" --failoverd-socket "" 2>>"$XL_TMP/exporter.log"
	xl_wait_listen ha1 $MT_PORT || xl_fail "no listener"
	xl_assert_eq "127.0.0.1:$MT_PORT" "$(xl_in ha1 ss -Hltn "sport = :$MT_PORT" | awk '{ print $4 }')" \
		"the default listening address"
	mt_scrape
	mt_promtool
	xl_assert_eq 0 "$(mt_value xlvs_failoverd_up)" "no failoverd socket given"
	xl_assert_eq 405 "$(xl_in ha1 curl -s -o /dev/null -w '%{http_code}' -X POST "$MT_URL/metrics")" \
		"POST refused"
	xl_assert_eq 404 "$(xl_in ha1 curl -s -o /dev/null -w '%{http_code}' "$MT_URL/x")" "unknown path"
	# A namespace with loopback alone and no table: it listens all the
	# same (no AI_ADDRCONFIG) and says there is no table.
	xl_ns_add bare
	xl_bg bare "$MT_BIN" --healthd-rundir "$MT_RUN" --failoverd-socket "" 2>>"$XL_TMP/exporter.log"
	xl_wait_listen bare $MT_PORT || xl_fail "no listener with loopback alone: $(cat "$XL_TMP/exporter.log")"
	xl_in bare curl -s --max-time 5 "$MT_URL/metrics" >"$XL_TMP/m" || xl_fail "GET in bare"
	mt_promtool
	xl_assert_eq 0 "$(mt_value xlvs_table_up)" "no table in a namespace never attached"
	xl_in bare curl -s --max-time 5 "$MT_URL/" | grep -q "No table read: No such file or directory" ||
		xl_fail "the page does not say there is no table"
	"$MT_BIN" --listen 10.0.0.1 2>"$XL_TMP/err" && xl_fail "--listen without a port taken"
	xl_assert_eq "xlvs-exporter: --listen '10.0.0.1': not ADDR:PORT (an IPv4 address, or an IPv6 one in brackets, and a port 1-65535)" \
		"$(cat "$XL_TMP/err")" "a bad --listen"
	"$MT_BIN" --refresh 5s 2>"$XL_TMP/err" && xl_fail "--refresh 5s taken"
	xl_assert_eq "xlvs-exporter: --refresh '5s': not a number of seconds 0-3600" \
		"$(cat "$XL_TMP/err")" "a bad --refresh"
	xl_in ha1 "$MT_BIN" --listen "127.0.0.1:$MT_PORT" 2>"$XL_TMP/err" && xl_fail "a second listener on the port"
	grep -q "^xlvs-exporter: --listen 127.0.0.1:$MT_PORT: cannot listen there: " "$XL_TMP/err" ||
		xl_fail "a port in use: $(cat "$XL_TMP/err")"
}
