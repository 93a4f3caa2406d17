# shellcheck shell=bash disable=SC2034,SC2015
# xlvs-healthd on the seed's cluster: the seed's ldirectord.cf (addresses
# made real, quiescent=yes, checkinterval=1, checktimeout=3) run on the
# director ha1 while the client sends a request every 100 ms.  A server
# whose web server stops goes to weight 0 (or leaves the table) within
# checkinterval x failurecount + checktimeout + 1 s, after which no request
# fails; it comes back when its server does; with both down the director's
# own fallback (127.0.0.1:80) answers; a page without the receive text is
# a failed negotiate check.

# shellcheck source=tests/e2e/healthd_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/healthd_lib.sh"
HD_BOUND_MS=5000	# checkinterval 1 x failurecount 1 + checktimeout 3 + 1 s

setup() {
	[ -x "$XL_HD_BIN" ] || xl_die "$XL_HD_BIN missing: run make"
	# The pid and status files in the case's own directory, not /run:
	# cases run side by side.
	export XLVS_HEALTHD_RUNDIR=$XL_TMP
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# hd_start FILE: xlvs-healthd -d FILE start in ha1, its log in $XL_TMP/hd.log.
hd_start() {
	xl_bg ha1 "$XL_HD_BIN" -d "$1" start 2>>"$XL_TMP/hd.log"
	HD_PID=$XL_LAST_PID
}

# hd_clients_start: the client asks the VIP every 100 ms (60 s at most);
# each line of $XL_TMP/client.log: start time in ms, then the page or FAIL.
hd_clients_start() {
	xl_bg client bash -c '
		end=$((SECONDS + 60))
		while ((SECONDS < end)); do
			t=$(date +%s%3N)
			p=$(curl -s --max-time 1 "http://'"$XL_VIP"'/") || p=FAIL
			echo "$t ${p:-FAIL}"
			sleep 0.1
		done' >"$XL_TMP/client.log"
	HD_CLIENT_PID=$XL_LAST_PID
}

hd_clients_stop() {
	xl_kill_pid "$HD_CLIENT_PID"
}

# hd_no_failure_after MS: no request started at or after MS (epoch ms)
# failed, and there were some.
hd_no_failure_after() {
	local n bad
	n=$(awk -v t="$1" '$1 >= t' "$XL_TMP/client.log" | wc -l)
	bad=$(awk -v t="$1" '$1 >= t && $2 == "FAIL"' "$XL_TMP/client.log")
	((n >= 10)) || xl_fail "only $n client requests after $1"
	[ -z "$bad" ] || xl_fail "requests failed after the server was out:" \
		"$(echo "$bad" | head -5)"
	echo "$n client requests after the change, none failed"
}

test_healthd_quiescent_node_down_and_back() {
	local ms t_out
	hd_conf "$XL_TMP/ld.cf"
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	xl_adm -L -n | grep -q "^TCP  $XL_VIP:80 wlc" || xl_fail "service not wlc: $(xl_adm -L -n)"
	hd_clients_start
	sleep 1
	xl_stop_testsrv node1
	ms=$(hd_wait_weight "$XL_NODE1" 0 "$HD_BOUND_MS") ||
		xl_fail "node1 not at weight 0 within $HD_BOUND_MS ms: $(xl_adm -L -n)"
	t_out=$(date +%s%3N)
	echo "node1 at weight 0 after $ms ms (bound $HD_BOUND_MS)"
	[ "$(hd_weight "$XL_NODE2")" = 2 ] || xl_fail "node2 changed: $(xl_adm -L -n)"
	sleep 2
	xl_start_testsrv node1 node1
	ms=$(hd_wait_weight "$XL_NODE1" 3 "$HD_BOUND_MS") ||
		xl_fail "node1 not restored: $(xl_adm -L -n)"
	echo "node1 back at weight 3 after $ms ms"
	sleep 2
	hd_clients_stop
	hd_no_failure_after "$t_out"
	# (Who answers after it is back is wlc's choice: node2's many
	# inactive entries against a connection node1's stop left ESTABLISHED,
	# as IPVS's direct routing leaves it, may keep node1 out a while.)
	hd_log_has "Quiescent real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 0)"
	hd_log_has "Restored real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 3)"
	hd_log_has "Resetting soft failure count: $XL_NODE1:80 (tcp:$XL_VIP:80)"
}

test_healthd_fallback_when_all_down() {
	local t_fb
	# The director's own web server, on every address (the VIP too: the
	# fallback is forwarded Local, to the director's stack).
	xl_bg ha1 "$XL_TESTSRV" --name director --http-port 80 --udp-port 5353
	xl_wait_listen ha1 80 || xl_fail "the director's web server did not start"
	printf '#!/bin/sh\necho "$@" >>%s/fb.out\n' "$XL_TMP" >"$XL_TMP/fb.sh"
	chmod +x "$XL_TMP/fb.sh"
	hd_conf "$XL_TMP/ld.cf" connect "" "fallbackcommand=$XL_TMP/fb.sh"
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	[ "$(hd_weight 127.0.0.1)" = none ] || xl_fail "fallback in while servers are up"
	hd_clients_start
	xl_stop_testsrv node1
	xl_stop_testsrv node2
	hd_wait_weight 127.0.0.1 1 "$HD_BOUND_MS" >/dev/null ||
		xl_fail "no fallback with both down: $(xl_adm -L -n)"
	t_fb=$(date +%s%3N)
	sleep 2
	xl_start_testsrv node2 node2
	hd_wait_weight 127.0.0.1 none "$HD_BOUND_MS" >/dev/null ||
		xl_fail "the fallback stayed with node2 back: $(xl_adm -L -n)"
	[ "$(hd_weight "$XL_NODE2")" = 2 ] || xl_fail "node2 not back: $(xl_adm -L -n)"
	sleep 1.5
	hd_clients_stop
	awk -v t="$t_fb" '$1 >= t && $NF == "director"' "$XL_TMP/client.log" | grep -q . ||
		xl_fail "the fallback never answered: $(tail -30 "$XL_TMP/client.log")"
	hd_no_failure_after "$t_fb"
	hd_log_has "Added fallback server: 127.0.0.1:80 ($XL_VIP:80) (Weight set to 1)"
	hd_log_has "Deleted fallback server: 127.0.0.1:80 ($XL_VIP:80)"
	# fallbackcommand: "start" at start-up (an empty table: no server up
	# yet, as ldirectord's ld_start), "stop" when the first passed its
	# check, "start" when both went, "stop" when node2 came back.
	xl_assert_eq "start $XL_VIP:80 tcp|stop $XL_VIP:80 tcp|start $XL_VIP:80 tcp|stop $XL_VIP:80 tcp" \
		"$(paste -sd'|' "$XL_TMP/fb.out")" "fallbackcommand's runs"
}

test_healthd_receive_text_missing_is_down() {
	hd_conf "$XL_TMP/ld.cf" negotiate "“Test Page of node”"
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	# node1 answers, but its page no longer has the text.
	xl_stop_testsrv node1
	xl_start_testsrv node1 broken
	hd_wait_weight "$XL_NODE1" 0 "$HD_BOUND_MS" >/dev/null ||
		xl_fail "node1 with the wrong page still in: $(xl_adm -L -n)"
	[ "$(hd_weight "$XL_NODE2")" = 2 ] || xl_fail "node2 changed: $(xl_adm -L -n)"
	xl_assert_eq "node2=5" "$(xl_http 5 | xl_tally)" "who answers with node1 down"
	grep -q "Check negotiate failed: real server=$XL_NODE1:80" "$XL_TMP/hd.log" ||
		xl_fail "the failed check and its reason not logged: $(cat "$XL_TMP/hd.log")"
}

test_healthd_not_quiescent_leaves_and_returns() {
	local t_out
	hd_conf "$XL_TMP/ld.cf" connect "" quiescent=no
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	hd_clients_start
	sleep 0.5
	xl_stop_testsrv node1
	hd_wait_weight "$XL_NODE1" none "$HD_BOUND_MS" >/dev/null ||
		xl_fail "node1 still in the table: $(xl_adm -L -n)"
	t_out=$(date +%s%3N)
	sleep 1.5
	xl_start_testsrv node1 node1
	hd_wait_weight "$XL_NODE1" 3 "$HD_BOUND_MS" >/dev/null ||
		xl_fail "node1 not added back: $(xl_adm -L -n)"
	sleep 1
	hd_clients_stop
	hd_no_failure_after "$t_out"
	hd_log_has "Deleted real server: $XL_NODE1:80 ($XL_VIP:80)"
	hd_log_has "Added real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 3)"
	# TERM: cleanstop (the default) takes the service away.
	xl_kill_pid "$HD_PID"
	xl_adm -L -n | grep -q "$XL_VIP:80" && xl_fail "service left after TERM: $(xl_adm -L -n)"
	hd_log_has "Purged virtual server (stop): $XL_VIP:80"
}

# hd_weight_in PORT ADDR: ADDR's weight in the VIP's service on PORT
# (direct routing gives the server that port), "none" when absent.
hd_weight_in() {
	local w
	w=$(xl_adm -L -n | awk -v s="$XL_VIP:$1" -v a="$2:$1" '
		$1 == "TCP" { in_s = $2 == s } in_s && $1 == "->" && $2 == a { print $4 }')
	echo "${w:-none}"
}

# hd_wait_both W MS: node1 at weight W in both services within MS.
hd_wait_both() {
	local t0=$SECONDS
	while [ "$(hd_weight_in 80 "$XL_NODE1")" != "$1" ] ||
		[ "$(hd_weight_in 8080 "$XL_NODE1")" != "$1" ]; do
		((SECONDS - t0 > $2 / 1000)) && return 1
		sleep 0.1
	done
}

# A real server in two virtuals with the same check is checked once an
# interval for both (ldirectord's single process checks a real server id
# once a round and applies the result to every virtual holding it), and
# both follow it: node1's SYNs on port 80 counted in its own namespace over
# 4 s of checkinterval=1 (one check a second: 4 or 5; one per virtual
# would be 8 to 10), then its server stopped and started.
test_healthd_shared_real_checked_once() {
	local syns
	cat >"$XL_TMP/ld.cf" <<-EOF
	checktimeout=3
	checkinterval=1
	logfile="$XL_TMP/ldirectord.log"
	quiescent=yes
	virtual=$XL_VIP:80
	        real=$XL_NODE1:80 gate 3
	        checktype=connect
	        scheduler=wlc
	virtual=$XL_VIP:8080
	        real=$XL_NODE1:80 gate 3
	        checktype=connect
	        scheduler=wlc
	EOF
	hd_start "$XL_TMP/ld.cf"
	hd_wait_both 3 5000 || xl_fail "node1 not up in both: $(xl_adm -L -n)"
	xl_in node1 nft -f - <<-NFT || xl_fail "nft in node1 failed"
	table ip hd_syn {
		chain in { type filter hook input priority 0; policy accept;
			tcp dport 80 tcp flags & (syn | ack) == syn counter; }
	}
	NFT
	sleep 4
	syns=$(xl_in node1 nft list table ip hd_syn |
		awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }')
	xl_in node1 nft delete table ip hd_syn
	echo "node1 saw $syns check connections in 4 s"
	((syns >= 2 && syns <= 6)) ||
		xl_fail "node1 checked $syns times in 4 s: not once a second for both virtuals"
	xl_stop_testsrv node1
	hd_wait_both 0 "$HD_BOUND_MS" || xl_fail "node1 not at weight 0 in both: $(xl_adm -L -n)"
	xl_start_testsrv node1 node1
	hd_wait_both 3 "$HD_BOUND_MS" || xl_fail "node1 not back in both: $(xl_adm -L -n)"
	hd_log_has "Quiescent real server: $XL_NODE1:8080 mapped from $XL_NODE1:80 ($XL_VIP:8080) (Weight set to 0)"
}

# Start-up keeps what already matches: a server in the table at its
# weight stays (no edit), a stray one goes; cleanstop=no keeps all on TERM.
test_healthd_start_keeps_matching_no_cleanstop() {
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 3 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_HA2:80" -g -w 1 || xl_fail "xlvsadm failed"
	hd_conf "$XL_TMP/ld.cf" connect "" cleanstop=no
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	hd_log_has "Changed virtual server: $XL_VIP:80"
	hd_log_has "Purged real server (start): $XL_HA2:80 ($XL_VIP:80)"
	grep -q "real server: $XL_NODE1:80" "$XL_TMP/hd.log" &&
		xl_fail "node1, already right, was edited: $(cat "$XL_TMP/hd.log")"
	xl_kill_pid "$HD_PID"
	[ "$(hd_weight "$XL_NODE1")" = 3 ] && [ "$(hd_weight "$XL_NODE2")" = 2 ] ||
		xl_fail "cleanstop=no changed the table on TERM: $(xl_adm -L -n)"
}

test_healthd_check_file() {
	hd_conf "$XL_TMP/ld.cf"
	"$XL_HD_BIN" -t "$XL_TMP/ld.cf" || xl_fail "-t refused the seed's file"
	"$XL_HD_BIN" check "$XL_TMP/ld.cf" || xl_fail "check refused the seed's file"
	printf 'checkinterval=1\nvirtual=%s:80\n\treal=%s:80 gate 3\n\tbogus=1\n' \
		"$XL_VIP" "$XL_NODE1" >"$XL_TMP/bad.cf"
	"$XL_HD_BIN" -t "$XL_TMP/bad.cf" 2>"$XL_TMP/err" && xl_fail "-t took a bad file"
	grep -q "^$XL_TMP/bad.cf:4: " "$XL_TMP/err" || xl_fail "no file:line: $(cat "$XL_TMP/err")"
	echo "the error: $(cat "$XL_TMP/err")"
}

# HUP reads the file again and applies only what changed: node2 added,
# node1's held connection carries on (no reset, no retransmission); a
# broken file keeps the running configuration.
test_healthd_reload_adds_server_keeps_connections() {
	local hold=$XL_ROOT/build/tests/tcphold n
	[ -x "$hold" ] || xl_fail "$hold missing: run make"
	HD_NODES=1 hd_conf "$XL_TMP/ld.cf"
	hd_start "$XL_TMP/ld.cf"
	hd_wait_weight "$XL_NODE1" 3 5000 >/dev/null || xl_fail "node1 not up: $(xl_adm -L -n)"
	xl_bg client "$hold" "$XL_VIP" 80 "$XL_TMP/go" 25 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	local hold_pid=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^port ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q '^port ' "$XL_TMP/hold" || xl_fail "tcphold: $(cat "$XL_TMP/hold.err")"
	hd_conf "$XL_TMP/ld.cf"
	: >"$XL_TMP/hd.log"
	kill -HUP "$HD_PID"
	hd_wait_weight "$XL_NODE2" 2 5000 >/dev/null || xl_fail "node2 not added: $(xl_adm -L -n)"
	[ "$(hd_weight "$XL_NODE1")" = 3 ] || xl_fail "node1 changed: $(xl_adm -L -n)"
	hd_log_has "Reloading Linux Director Daemon config on signal"
	grep -E "virtual server|real server: $XL_NODE1" "$XL_TMP/hd.log" &&
		xl_fail "the reload touched what did not change"
	printf 'virtual=%s:80\n\tbogus=1\n' "$XL_VIP" >"$XL_TMP/ld.cf"
	kill -HUP "$HD_PID"
	sleep 1
	hd_log_has "$XL_TMP/ld.cf:2: bogus: unknown directive"
	hd_log_has "Reload failed: the running configuration stays"
	[ "$(hd_weight "$XL_NODE1")" = 3 ] && [ "$(hd_weight "$XL_NODE2")" = 2 ] ||
		xl_fail "a broken file changed the table: $(xl_adm -L -n)"
	touch "$XL_TMP/go"
	wait "$hold_pid" || xl_fail "the held connection did not survive: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	grep -q "Test Page of node1" "$XL_TMP/hold" || xl_fail "held: $(cat "$XL_TMP/hold")"
}

# A file in maintenancedir forces its server down (quiescent=no: deleted
# from every virtual service, the file being the bare address) and its
# removal brings it back; idle TCP connections held to it all along answer
# again afterwards, from the same server (the table keeps a deleted
# server's connections, expire_nodest_conn=0, as IPVS's trash does).
test_healthd_maintenance_delete_and_back_keeps_connections() {
	local hold=$XL_ROOT/build/tests/connhold echo=$XL_ROOT/build/tests/echosrv h n
	[ -x "$hold" ] && [ -x "$echo" ] || xl_fail "connhold or echosrv missing: run make"
	for h in node1 node2; do
		xl_bg "$h" "$echo" --name "$h" --port 7000
		xl_wait_listen "$h" 7000 || xl_fail "echosrv in $h did not start"
	done
	mkdir -p "$XL_TMP/maint"
	cat >"$XL_TMP/ld.cf" <<-EOF
	checktimeout=3
	checkinterval=1
	quiescent=no
	maintenancedir=$XL_TMP/maint
	logfile="$XL_TMP/ldirectord.log"
	virtual=$XL_VIP:80
	        real=$XL_NODE1:80 gate 3
	        real=$XL_NODE2:80 gate 2
	        checktype=connect
	        scheduler=wrr
	virtual=$XL_VIP:7000
	        real=$XL_NODE1:7000 gate 1
	        real=$XL_NODE2:7000 gate 1
	        checktype=connect
	        scheduler=rr
	EOF
	hd_start "$XL_TMP/ld.cf"
	hd_up_both
	xl_bg client "$hold" "$XL_VIP" 7000 8 "$XL_TMP/go" 40 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	local hold_pid=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^held ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q '^held 8' "$XL_TMP/hold" || xl_fail "connhold: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	touch "$XL_TMP/maint/$XL_NODE1"
	hd_wait_weight "$XL_NODE1" none "$HD_BOUND_MS" >/dev/null ||
		xl_fail "node1 in maintenance still in the table: $(xl_adm -L -n)"
	# Its :7000 entry is checked at its own phase, up to an interval later.
	for ((n = 0; n < 20; n++)); do
		xl_adm -L -n | grep -q -- "-> $XL_NODE1:" || break
		sleep 0.1
	done
	xl_adm -L -n | grep -q -- "-> $XL_NODE1:" && xl_fail "node1 left in a service: $(xl_adm -L -n)"
	sleep 1
	rm "$XL_TMP/maint/$XL_NODE1"
	hd_wait_weight "$XL_NODE1" 3 "$HD_BOUND_MS" >/dev/null ||
		xl_fail "node1 not back after maintenance: $(xl_adm -L -n)"
	hd_log_has "Deleted real server: $XL_NODE1:80 ($XL_VIP:80)"
	hd_log_has "Deleted real server: $XL_NODE1:7000 ($XL_VIP:7000)"
	hd_log_has "Added real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 3)"
	sleep 1.2	# node1:7000 comes back too
	touch "$XL_TMP/go"
	wait "$hold_pid" || xl_fail "held connections lost: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	grep -q "ok .* node1" "$XL_TMP/hold" || xl_fail "none held to node1: $(cat "$XL_TMP/hold")"
	tail -1 "$XL_TMP/hold"
}

# hd_in_services ADDR: in how many of the table's services ADDR serves.
hd_in_services() {
	xl_adm -L -n | grep -c -- "-> $1:" || true
}

# hd_wait_in ADDR N MS: bounded wait until ADDR is in N services; 1 on timeout.
hd_wait_in() {
	local i
	for ((i = 0; i < $3 / 100; i++)); do
		[ "$(hd_in_services "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# hd_udp_hold VIP PORT N GOFILE MAX_S: N UDP flows (one socket each), each
# asked once ("held" and the names that answered), then, once GOFILE
# exists, asked again on the same socket: "ok NAME" when the same server
# answers, "lost ..." otherwise.  Exit 0 when all N answered the same.
HD_UDP_HOLD='
import os, socket, sys, time
vip, port, n, go, maxs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
socks, first = [], []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    s.connect((vip, port))
    s.send(b"q\n")
    first.append(s.recv(200).decode().strip())
    socks.append(s)
print("held", " ".join(first), flush=True)
end = time.time() + maxs
while not os.path.exists(go) and time.time() < end:
    time.sleep(0.1)
bad = 0
for s, f in zip(socks, first):
    try:
        s.send(b"q\n")
        got = s.recv(200).decode().strip()
    except OSError as e:
        got = "error " + str(e)
    print(("ok " if got == f else "lost ") + f + " " + got, flush=True)
    bad += got != f
sys.exit(1 if bad else 0)
'

# quiescent=no and a real reason: node1's check port (a listener of its
# own, checkport=8080) stops while its services keep serving, so node1 is
# deleted from both virtual services; the listener returns, node1 is added
# back, and the TCP connections and UDP flows it had before answer again
# from node1 (the table keeps a deleted server's connections, as IPVS's
# trash does, and revives them when it returns).
test_healthd_failed_check_delete_and_back_keeps_tcp_udp() {
	local hold=$XL_ROOT/build/tests/connhold echo=$XL_ROOT/build/tests/echosrv h n
	local chk1 hold_pid udp_pid
	[ -x "$hold" ] && [ -x "$echo" ] || xl_fail "connhold or echosrv missing: run make"
	for h in node1 node2; do
		xl_bg "$h" "$echo" --name "$h" --port 7000
		xl_wait_listen "$h" 7000 || xl_fail "echosrv in $h did not start"
		xl_bg "$h" "$XL_TESTSRV" --name "$h-check" --http-port 8080 --udp-port 5454
		[ "$h" = node1 ] && chk1=$XL_LAST_PID
		xl_wait_listen "$h" 8080 || xl_fail "the check listener in $h did not start"
	done
	cat >"$XL_TMP/ld.cf" <<-EOF
	checktimeout=2
	checkinterval=1
	quiescent=no
	logfile="$XL_TMP/ldirectord.log"
	virtual=$XL_VIP:7000
	        real=$XL_NODE1:7000 gate 1
	        real=$XL_NODE2:7000 gate 1
	        checktype=negotiate
	        service=http
	        checkport=8080
	        request="index.html"
	        receive="Test Page"
	        scheduler=rr
	virtual=$XL_VIP:53
	        real=$XL_NODE1:53 gate 1
	        real=$XL_NODE2:53 gate 1
	        checktype=negotiate
	        service=http
	        checkport=8080
	        request="index.html"
	        receive="Test Page"
	        scheduler=rr
	EOF
	hd_start "$XL_TMP/ld.cf"
	hd_wait_in "$XL_NODE1" 2 5000 && hd_wait_in "$XL_NODE2" 2 5000 ||
		xl_fail "servers not up: $(xl_adm -L -n); $(cat "$XL_TMP/hd.log")"
	xl_bg client "$hold" "$XL_VIP" 7000 8 "$XL_TMP/go" 40 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	hold_pid=$XL_LAST_PID
	xl_bg client python3 -c "$HD_UDP_HOLD" "$XL_VIP" 53 6 "$XL_TMP/go" 40 >"$XL_TMP/udp" 2>"$XL_TMP/udp.err"
	udp_pid=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^held ' "$XL_TMP/hold" && grep -q '^held ' "$XL_TMP/udp" && break
		sleep 0.1
	done
	grep -q '^held 8' "$XL_TMP/hold" || xl_fail "connhold: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	grep -q '^held .*node1' "$XL_TMP/udp" ||
		xl_fail "no UDP flow on node1: $(cat "$XL_TMP/udp" "$XL_TMP/udp.err")"
	xl_kill_pid "$chk1"
	hd_wait_in "$XL_NODE1" 0 "$HD_BOUND_MS" ||
		xl_fail "node1 with its check failing still in the table: $(xl_adm -L -n)"
	hd_log_has "Deleted real server: $XL_NODE1:7000 ($XL_VIP:7000)"
	hd_log_has "Deleted real server: $XL_NODE1:53 ($XL_VIP:53)"
	xl_bg node1 "$XL_TESTSRV" --name node1-check --http-port 8080 --udp-port 5454
	hd_wait_in "$XL_NODE1" 2 "$HD_BOUND_MS" ||
		xl_fail "node1 not back with its check passing: $(xl_adm -L -n)"
	hd_log_has "Added real server: $XL_NODE1:7000 ($XL_VIP:7000)"
	touch "$XL_TMP/go"
	wait "$hold_pid" || xl_fail "held TCP connections lost: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	grep -q "ok .* node1" "$XL_TMP/hold" || xl_fail "no TCP connection held to node1: $(cat "$XL_TMP/hold")"
	wait "$udp_pid" || xl_fail "UDP flows lost: $(cat "$XL_TMP/udp" "$XL_TMP/udp.err")"
	grep -q "^ok node1 node1" "$XL_TMP/udp" || xl_fail "no UDP flow kept on node1: $(cat "$XL_TMP/udp")"
	tail -1 "$XL_TMP/hold"
	grep -c '^ok node1' "$XL_TMP/udp" | sed 's/^/UDP flows of node1 kept: /'
}
