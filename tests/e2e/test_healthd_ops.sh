# shellcheck shell=bash disable=SC2034,SC2015,SC1111
# xlvs-healthd run as ldirectord is run: start (a daemon with its pid
# file), status (ldirectord's "is running with pid" line, then each real
# server up or down, since when, the last check), reload (HUP, and the
# command), restart, stop; autoreload of an edited file that adds a real
# server while a held connection to another carries on, a broken edit
# that keeps the running table; emailalert through a fake sendmail when a
# server goes down, again every emailalertfreq, and when it is back.
# The seed's cluster and hd_conf's file, as tests/e2e/test_healthd.sh.

# shellcheck source=tests/e2e/healthd_lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/healthd_lib.sh"

setup() {
	[ -x "$XL_HD_BIN" ] || xl_die "$XL_HD_BIN missing: run make"
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
	HD_RUN=$XL_TMP/run
	mkdir -p "$HD_RUN"
}

# hd_cmd ARGS...: xlvs-healthd with the test's pid-file directory, in ha1.
hd_cmd() {
	xl_in ha1 env XLVS_HEALTHD_RUNDIR="$HD_RUN" \
		XLVS_HEALTHD_SENDMAIL="${HD_SENDMAIL:-/nonexistent}" "$XL_HD_BIN" "$@"
}

# hd_start_d FILE: in the foreground (-d), its log in $XL_TMP/hd.log.
hd_start_d() {
	xl_bg ha1 env XLVS_HEALTHD_RUNDIR="$HD_RUN" \
		XLVS_HEALTHD_SENDMAIL="${HD_SENDMAIL:-/nonexistent}" \
		"$XL_HD_BIN" -d "$1" start 2>>"$XL_TMP/hd.log"
	HD_PID=$XL_LAST_PID
}

# hd_wait_grep FILE TEXT MS: bounded wait for FILE to hold TEXT (fixed).
hd_wait_grep() {
	local i
	for ((i = 0; i < $3 / 100; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# hd_runs PID: the process runs (a zombie waiting for init has ended).
hd_runs() {
	local st
	st=$(sed 's/.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# hd_pid: the pid in the pid file (empty when there is none).
hd_pid() {
	cat "$HD_RUN/xlvs-healthd.ld.cf.pid" 2>/dev/null
}

# hd_hold: a TCP connection through the VIP held by tcphold until
# $XL_TMP/go appears; HOLD_PID set.
hd_hold() {
	local hold=$XL_ROOT/build/tests/tcphold n
	[ -x "$hold" ] || xl_fail "$hold missing: run make test-build"
	xl_bg client "$hold" "$XL_VIP" 80 "$XL_TMP/go" 25 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	HOLD_PID=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^port ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q '^port ' "$XL_TMP/hold" || xl_fail "tcphold: $(cat "$XL_TMP/hold.err")"
}

hd_hold_check() {
	touch "$XL_TMP/go"
	wait "$HOLD_PID" ||
		xl_fail "the held connection did not survive: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	grep -q "Test Page of node1" "$XL_TMP/hold" || xl_fail "held: $(cat "$XL_TMP/hold")"
}

test_healthd_ops_start_status_reload_restart_stop() {
	local cf=$XL_TMP/ld.cf pid pid2 out err rc
	hd_conf "$cf"
	# Stopped: status 3, stop and try-restart 0 (nothing started), reload 1.
	out=$(hd_cmd "$cf" status 2>&1); rc=$?
	xl_assert_eq 3 "$rc" "status of a stopped daemon"
	[[ $out == *"ldirectord is stopped for $cf"* ]] || xl_fail "status said: $out"
	hd_cmd "$cf" stop || xl_fail "stop of a stopped daemon failed"
	hd_cmd "$cf" try-restart || xl_fail "try-restart of a stopped daemon failed"
	[ -z "$(hd_pid)" ] || xl_fail "try-restart started a daemon"
	hd_cmd "$cf" reload 2>/dev/null && xl_fail "reload of a stopped daemon succeeded"
	# start: a daemon; its pid file names it; its log is the file's.
	hd_cmd "$cf" start || xl_fail "start failed: $(cat "$XL_TMP/ldirectord.log")"
	pid=$(hd_pid)
	[ -n "$pid" ] && kill -0 "$pid" || xl_fail "no daemon after start (pid '$pid')"
	XL_PIDS+=("$pid")
	hd_up_both
	hd_log_has "Added virtual server: $XL_VIP:80" "$XL_TMP/ldirectord.log"
	# start again: it runs already (exit 0, the same daemon).
	err=$(hd_cmd "$cf" start 2>&1) || xl_fail "a second start failed: $err"
	[[ $err == *"is running with pid: $pid"* ]] || xl_fail "second start said: $err"
	xl_assert_eq "$pid" "$(hd_pid)" "pid after a second start"
	# status: ldirectord's line, then each server with the last check.
	sleep 1.2
	out=$(hd_cmd "$cf" status 2>"$XL_TMP/status.err"); rc=$?
	xl_assert_eq 0 "$rc" "status of a running daemon"
	grep -qx "ldirectord for $cf is running with pid: $pid" "$XL_TMP/status.err" ||
		xl_fail "status line: $(cat "$XL_TMP/status.err")"
	echo "$out"
	grep -q "^virtual tcp:$XL_VIP:80: 2 of 2 real servers up" <<<"$out" ||
		xl_fail "status: no virtual line: $out"
	grep -q "^  real $XL_NODE1:80 gate weight 3: up since .*, last check passed" <<<"$out" ||
		xl_fail "status: node1 not up: $out"
	# node1 down: status says so, with the check's reason.
	xl_stop_testsrv node1
	hd_wait_weight "$XL_NODE1" 0 5000 || xl_fail "node1 not quiescent: $(xl_adm -L -n)"
	sleep 1.2
	out=$(hd_cmd "$cf" status 2>/dev/null)
	grep -q "^  real $XL_NODE1:80 gate weight 3: down since .*, last check failed: ." <<<"$out" ||
		xl_fail "status: node1 not down: $out"
	grep -q "1 of 2 real servers up" <<<"$out" || xl_fail "status count: $out"
	xl_start_testsrv node1 node1
	hd_wait_weight "$XL_NODE1" 3 5000 || xl_fail "node1 not back: $(xl_adm -L -n)"
	# reload: HUP, the same daemon reads the file again.
	hd_cmd "$cf" reload || xl_fail "reload failed"
	hd_wait_grep "$XL_TMP/ldirectord.log" \
		"Reloading Linux Director Daemon config on signal" 3000 ||
		xl_fail "reload not logged: $(tail "$XL_TMP/ldirectord.log")"
	hd_cmd "$cf" force-reload || xl_fail "force-reload failed"
	xl_assert_eq "$pid" "$(hd_pid)" "pid after reload"
	# restart: the old one stops (its pid file goes), a new one starts.
	hd_cmd "$cf" restart || xl_fail "restart failed"
	pid2=$(hd_pid)
	[ -n "$pid2" ] && [ "$pid2" != "$pid" ] && kill -0 "$pid2" ||
		xl_fail "no new daemon after restart ($pid -> '$pid2')"
	hd_runs "$pid" && xl_fail "the old daemon $pid still runs"
	XL_PIDS+=("$pid2")
	hd_log_has "Purged virtual server (stop): $XL_VIP:80" "$XL_TMP/ldirectord.log"
	hd_up_both
	# A broken file: restart refuses before it stops anything.
	cp "$cf" "$cf.good"
	printf 'checkinterval=1\nbogus=1\n' >"$cf"
	hd_cmd "$cf" restart 2>"$XL_TMP/err" && xl_fail "restart took a broken file"
	grep -q "^$cf:2: bogus" "$XL_TMP/err" || xl_fail "restart's error: $(cat "$XL_TMP/err")"
	hd_runs "$pid2" || xl_fail "a refused restart stopped the daemon"
	mv "$cf.good" "$cf"
	hd_cmd "$cf" try-restart || xl_fail "try-restart failed"
	pid=$(hd_pid)
	[ -n "$pid" ] && [ "$pid" != "$pid2" ] || xl_fail "try-restart did not restart"
	XL_PIDS+=("$pid")
	hd_up_both
	# stop: TERM, and it waits until the daemon is gone.
	hd_cmd "$cf" stop || xl_fail "stop failed"
	hd_runs "$pid" && xl_fail "daemon $pid still runs after stop"
	[ -e "$HD_RUN/xlvs-healthd.ld.cf.pid" ] && xl_fail "pid file left after stop"
	[ -e "$HD_RUN/xlvs-healthd.ld.cf.status" ] && xl_fail "status file left after stop"
	xl_adm -L -n | grep -q "$XL_VIP:80" && xl_fail "cleanstop left the service: $(xl_adm -L -n)"
	hd_log_has "Linux Director Daemon terminated on signal: TERM" "$XL_TMP/ldirectord.log"
	hd_cmd "$cf" status >/dev/null 2>&1; rc=$?
	xl_assert_eq 3 "$rc" "status after stop"
	# A stale pid file: status 1.
	echo 999999 >"$HD_RUN/xlvs-healthd.ld.cf.pid"
	hd_cmd "$cf" status >/dev/null 2>&1; rc=$?
	xl_assert_eq 1 "$rc" "status with a stale pid file"
}

# The config lookup: a bare name in XLVS_HEALTHD_CONFDIR (/etc/ha.d's
# stand-in) and in its conf/; a name found nowhere is an error.
test_healthd_ops_config_lookup() {
	local dir=$XL_TMP/etc rc err
	mkdir -p "$dir/conf"
	hd_conf "$dir/conf/web.cf"
	err=$(XLVS_HEALTHD_CONFDIR=$dir hd_cmd_env web.cf status 2>&1); rc=$?
	xl_assert_eq 3 "$rc" "status of web.cf"
	[[ $err == *"ldirectord is stopped for $dir/conf/web.cf"* ]] || xl_fail "lookup: $err"
	hd_conf "$dir/web.cf"
	err=$(XLVS_HEALTHD_CONFDIR=$dir hd_cmd_env web.cf status 2>&1)
	[[ $err == *"stopped for $dir/web.cf"* ]] || xl_fail "lookup (the directory first): $err"
	err=$(XLVS_HEALTHD_CONFDIR=$dir hd_cmd_env none.cf status 2>&1); rc=$?
	xl_assert_eq 1 "$rc" "status of a missing file"
	[[ $err == *"Config file none.cf not found"* ]] || xl_fail "missing: $err"
}

hd_cmd_env() {
	xl_in ha1 env XLVS_HEALTHD_RUNDIR="$HD_RUN" \
		XLVS_HEALTHD_CONFDIR="$XLVS_HEALTHD_CONFDIR" "$XL_HD_BIN" "$@"
}

# autoreload=yes: the file edited on disk adds node2 within a few seconds
# while a connection held to node1 carries on; the callback runs with the
# file's name; a broken edit keeps the running table and logs each error
# with file:line.
test_healthd_ops_autoreload_adds_server_keeps_connection() {
	local cf=$XL_TMP/ld.cf cb=$XL_TMP/callback.sh
	printf '#!/bin/sh\necho "$@" >>%s\n' "$XL_TMP/callback.out" >"$cb"
	chmod +x "$cb"
	HD_NODES=1 hd_conf "$cf" connect "" autoreload=yes "callback=\"$cb\""
	hd_start_d "$cf"
	hd_wait_weight "$XL_NODE1" 3 5000 || xl_fail "node1 not up: $(xl_adm -L -n)"
	hd_hold
	: >"$XL_TMP/hd.log"
	sleep 1.1	# a new mtime second, as ldirectord needs
	hd_conf "$cf" connect "" autoreload=yes "callback=\"$cb\""
	hd_wait_weight "$XL_NODE2" 2 5000 || xl_fail "node2 not added: $(xl_adm -L -n); $(tail "$XL_TMP/hd.log")"
	[ "$(hd_weight "$XL_NODE1")" = 3 ] || xl_fail "node1 changed: $(xl_adm -L -n)"
	hd_log_has "Configuration file '$cf' has changed on disk"
	hd_log_has " - reread new configuration"
	grep -E "virtual server|real server: $XL_NODE1" "$XL_TMP/hd.log" | grep -v "^Added virtual" &&
		xl_fail "the reload touched what did not change"
	hd_wait_grep "$XL_TMP/callback.out" "$cf" 3000 ||
		xl_fail "callback not run: $(cat "$XL_TMP/callback.out" 2>&1)"
	# A broken edit: the errors logged with file:line, the table as it was.
	printf 'checkinterval=1\nautoreload=yes\nvirtual=%s:80\n\tbogus=1\n\treal=%s:80 gate x\n' \
		"$XL_VIP" "$XL_NODE1" >"$cf"
	hd_wait_grep "$XL_TMP/hd.log" "Reload failed: the running configuration stays" 4000 ||
		xl_fail "broken edit not refused: $(tail "$XL_TMP/hd.log")"
	hd_log_has "$cf:4: bogus: "
	hd_log_has "$cf:5: real"
	sleep 1.5
	[ "$(hd_weight "$XL_NODE1")" = 3 ] && [ "$(hd_weight "$XL_NODE2")" = 2 ] ||
		xl_fail "a broken file changed the table: $(xl_adm -L -n)"
	hd_hold_check
}

# autoreload=no: the change is logged and ignored; the callback runs.
test_healthd_ops_autoreload_no_ignores_change() {
	local cf=$XL_TMP/ld.cf cb=$XL_TMP/callback.sh
	printf '#!/bin/sh\necho "$@" >>%s\n' "$XL_TMP/callback.out" >"$cb"
	chmod +x "$cb"
	HD_NODES=1 hd_conf "$cf" connect "" "callback=\"$cb\""
	hd_start_d "$cf"
	hd_wait_weight "$XL_NODE1" 3 5000 || xl_fail "node1 not up: $(xl_adm -L -n)"
	sleep 1.1
	hd_conf "$cf" connect "" "callback=\"$cb\""
	hd_wait_grep "$XL_TMP/hd.log" " - ignore new configuration" 4000 ||
		xl_fail "change not seen: $(tail "$XL_TMP/hd.log")"
	hd_log_has "Configuration file '$cf' has changed on disk"
	hd_wait_grep "$XL_TMP/callback.out" "$cf" 3000 || xl_fail "callback not run"
	sleep 1.5
	[ "$(hd_weight "$XL_NODE2")" = none ] || xl_fail "autoreload=no added node2: $(xl_adm -L -n)"
	# touch alone (same contents, new mtime): no change (the MD5 is equal).
	: >"$XL_TMP/hd.log"
	sleep 1.1
	touch "$cf"
	sleep 2.5
	grep -q "has changed on disk" "$XL_TMP/hd.log" && xl_fail "a touch was taken for a change"
	return 0
}

# emailalert through a fake sendmail: a mail when node1 goes quiescent,
# again after emailalertfreq while it is down, and when it is restored, in
# ldirectord's words; emailalertstatus=running leaves start-up's out.
test_healthd_ops_emailalert_down_and_up() {
	local cf=$XL_TMP/ld.cf sm=$XL_TMP/sendmail n
	mkdir -p "$XL_TMP/mail"
	cat >"$sm" <<-EOF
	#!/bin/sh
	f=\$(mktemp "$XL_TMP/mail/m.XXXXXX")
	{ echo "ARGS: \$*"; cat; } >"\$f.tmp" && mv "\$f.tmp" "\$f.mail"; rm -f "\$f"
	EOF
	chmod +x "$sm"
	hd_conf "$cf" connect "" "emailalert=admin@example.com" "emailalertfreq=2" \
		"emailalertstatus=running" "emailalertfrom=ld@example.com"
	HD_SENDMAIL=$sm hd_start_d "$cf"
	hd_up_both
	sleep 1
	rm -f "$XL_TMP"/mail/*.mail
	xl_stop_testsrv node1
	hd_wait_weight "$XL_NODE1" 0 5000 || xl_fail "node1 not quiescent: $(xl_adm -L -n)"
	local subj="Quiescent real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 0)"
	for ((n = 0; n < 30; n++)); do
		grep -lqF "Subject: $subj" "$XL_TMP"/mail/*.mail 2>/dev/null && break
		sleep 0.1
	done
	grep -lF "Subject: $subj" "$XL_TMP"/mail/*.mail >/dev/null 2>&1 ||
		xl_fail "no mail for the quiescent server: $(cat "$XL_TMP"/mail/*.mail 2>&1; tail "$XL_TMP/hd.log")"
	local m
	m=$(grep -lF "Subject: $subj" "$XL_TMP"/mail/*.mail | head -1)
	cat "$m"
	grep -qx "ARGS: -t" "$m" || xl_fail "sendmail not run with -t: $(cat "$m")"
	grep -qx "To: admin@example.com" "$m" || xl_fail "no To: $(cat "$m")"
	grep -qx "From: ld@example.com" "$m" || xl_fail "no From: $(cat "$m")"
	grep -qx "Log-Message: $subj" "$m" || xl_fail "no Log-Message: $(cat "$m")"
	grep -qx "Daemon-Status: running" "$m" || xl_fail "no Daemon-Status: $(cat "$m")"
	grep -q "^ldirectord host: ." "$m" || xl_fail "no host: $(cat "$m")"
	hd_log_has "emailalert: $subj"
	# emailalertfreq=2: "Inaccessible real server" while it stays down.
	local inacc="Subject: Inaccessible real server: $XL_NODE1:80 ($XL_VIP:80)"
	for ((n = 0; n < 40; n++)); do
		grep -lqF "$inacc" "$XL_TMP"/mail/*.mail 2>/dev/null && break
		sleep 0.1
	done
	grep -lqF "$inacc" "$XL_TMP"/mail/*.mail || xl_fail "no repeat mail: $(ls "$XL_TMP/mail")"
	xl_start_testsrv node1 node1
	hd_wait_weight "$XL_NODE1" 3 5000 || xl_fail "node1 not back: $(xl_adm -L -n)"
	local rest="Subject: Restored real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 3)"
	for ((n = 0; n < 30; n++)); do
		grep -lqF "$rest" "$XL_TMP"/mail/*.mail 2>/dev/null && break
		sleep 0.1
	done
	grep -lqF "$rest" "$XL_TMP"/mail/*.mail || xl_fail "no mail for the restored server"
	# Restored: no more repeats.
	rm -f "$XL_TMP"/mail/*.mail
	sleep 3
	grep -lqF "Inaccessible" "$XL_TMP"/mail/*.mail 2>/dev/null &&
		xl_fail "repeats went on after the restore"
	# Start-up's mails were filtered out by emailalertstatus=running; the
	# ones at stop too.
	xl_kill_pid "$HD_PID"
	sleep 0.5
	grep -lqF "Purged" "$XL_TMP"/mail/*.mail 2>/dev/null &&
		xl_fail "a mail in stopping status despite emailalertstatus=running"
	return 0
}

# smtp=127.0.0.1: the alert goes to that host's port 25 as Net::SMTP's
# session (a fake SMTP server of the test's, in ha1, keeps the transcript).
test_healthd_ops_emailalert_smtp() {
	local cf=$XL_TMP/ld.cf n
	cat >"$XL_TMP/smtpd.py" <<-'EOF'
	import socket, sys
	s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	s.bind(("127.0.0.1", 25)); s.listen(4); s.settimeout(30)
	out = open(sys.argv[1], "a")
	while True:
	    c, _ = s.accept(); c.settimeout(10); f = c.makefile("rb")
	    c.sendall(b"220 fake ESMTP\r\n"); data = False
	    for line in f:
	        out.write(line.decode()); out.flush()
	        if data:
	            if line == b".\r\n":
	                data = False; c.sendall(b"250 queued\r\n")
	            continue
	        cmd = line[:4].upper()
	        if cmd == b"DATA":
	            data = True; c.sendall(b"354 go\r\n")
	        elif cmd == b"QUIT":
	            c.sendall(b"221 bye\r\n"); break
	        else:
	            c.sendall(b"250 ok\r\n")
	    c.close()
	EOF
	xl_bg ha1 python3 "$XL_TMP/smtpd.py" "$XL_TMP/smtp.log"
	xl_wait_listen ha1 25 || xl_fail "the fake SMTP server did not start"
	hd_conf "$cf" connect "" "emailalert=admin@example.com, ops@example.com" \
		"emailalertstatus=running" "smtp=127.0.0.1"
	hd_start_d "$cf"
	hd_up_both
	xl_stop_testsrv node1
	hd_wait_weight "$XL_NODE1" 0 5000 || xl_fail "node1 not quiescent: $(xl_adm -L -n)"
	local subj="Quiescent real server: $XL_NODE1:80 ($XL_VIP:80) (Weight set to 0)"
	hd_wait_grep "$XL_TMP/smtp.log" "QUIT" 5000 ||
		xl_fail "no SMTP session: $(cat "$XL_TMP/smtp.log" 2>&1; tail "$XL_TMP/hd.log")"
	cat "$XL_TMP/smtp.log"
	local t
	t=$(tr -d '\r' <"$XL_TMP/smtp.log")
	grep -q "^EHLO " <<<"$t" || xl_fail "no EHLO"
	grep -q "^MAIL FROM:<[^@]*@.*>$" <<<"$t" || xl_fail "no MAIL FROM"
	grep -qx "RCPT TO:<admin@example.com>" <<<"$t" || xl_fail "no RCPT for admin"
	grep -qx "RCPT TO:<ops@example.com>" <<<"$t" || xl_fail "no RCPT for ops"
	grep -qx "Subject: $subj" <<<"$t" || xl_fail "no Subject"
	grep -q "^From: [^@]*@" <<<"$t" || xl_fail "no From"
	grep -qx "Log-Message: $subj" <<<"$t" || xl_fail "no Log-Message"
	grep -qx "Daemon-Status: running" <<<"$t" || xl_fail "no Daemon-Status"
}

# execute=FILE: another xlvs-healthd runs FILE (its own pid file, its own
# virtual service) from our start to our stop.
test_healthd_ops_execute_runs_other_instance() {
	local cf=$XL_TMP/ld.cf child=$XL_TMP/child.cf pid n
	cat >"$child" <<-EOF
	checkinterval=1
	logfile="$XL_TMP/child.log"
	virtual=$XL_VIP:8080
	        real=$XL_NODE1:80 gate 5
	        checktype=connect
	        checkport=80
	        scheduler=rr
	EOF
	HD_NODES=1 hd_conf "$cf" connect "" "execute=“$child”"
	hd_start_d "$cf"
	for ((n = 0; n < 50; n++)); do
		pid=$(cat "$HD_RUN/xlvs-healthd.child.cf.pid" 2>/dev/null) && hd_runs "$pid" && break
		sleep 0.1
	done
	hd_runs "${pid:-0}" || xl_fail "no instance for child.cf: $(ls "$HD_RUN"; tail "$XL_TMP/hd.log")"
	XL_PIDS+=("$pid")
	for ((n = 0; n < 50; n++)); do
		xl_adm -L -n | grep -q -- "-> $XL_NODE1:80 .* 5 " && break
		sleep 0.1
	done
	xl_adm -L -n | grep -q "$XL_VIP:8080" || xl_fail "child's service missing: $(xl_adm -L -n)"
	hd_wait_weight "$XL_NODE1" 3 5000 || xl_fail "our own server not up: $(xl_adm -L -n)"
	xl_kill_pid "$HD_PID"
	for ((n = 0; n < 100; n++)); do
		hd_runs "$pid" || break
		sleep 0.1
	done
	hd_runs "$pid" && xl_fail "the child instance outlived our stop"
	xl_adm -L -n | grep -q "$XL_VIP:8080" && xl_fail "child's service left: $(xl_adm -L -n)"
	return 0
}

# HD_CHECK_SRV PORT NAME LOG HANGFILE: an HTTP check listener: each request
# answered "Test Page of NAME", its time (epoch ms) appended to LOG; while
# HANGFILE exists a connection is accepted and never answered (held 60 s).
HD_CHECK_SRV='
import os, socketserver, sys, time
port, name, log, hang = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
class H(socketserver.BaseRequestHandler):
    def handle(self):
        if os.path.exists(hang):
            time.sleep(60)
            return
        self.request.settimeout(2)
        try:
            self.request.recv(4096)
        except OSError:
            return
        with open(log, "a") as f:
            f.write("%d\n" % int(time.time() * 1000))
        body = ("Test Page of %s\n" % name).encode()
        self.request.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
class S(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
S(("0.0.0.0", port), H).serve_forever()
'

# A check that hangs (node1's check port accepts and never answers) ends
# after negotiatetimeout (3 s; checktimeout, 6 s, is not the one a
# negotiate check uses) and node1 is quiesced, as the daemon's log's time
# stamps show, while node2's checks keep their checkinterval (1 s) all
# along: checks run side by side, a hung one delays no other.
test_healthd_ops_hanging_check_times_out_others_keep_interval() {
	local cf=$XL_TMP/ld.cf h t_hang t_down line t_log gaps worst
	for h in node1 node2; do
		xl_bg "$h" python3 -c "$HD_CHECK_SRV" 8080 "$h" "$XL_TMP/$h.access" "$XL_TMP/$h.hang"
		xl_wait_listen "$h" 8080 || xl_fail "the check listener in $h did not start"
	done
	cat >"$cf" <<-EOF
	checktimeout=6
	negotiatetimeout=3
	checkinterval=1
	quiescent=yes
	logfile="$XL_TMP/ldirectord.log"
	virtual=$XL_VIP:80
	        real=$XL_NODE1:80 gate 3
	        real=$XL_NODE2:80 gate 2
	        checktype=negotiate
	        service=http
	        checkport=8080
	        request="index.html"
	        receive="Test Page"
	        scheduler=wlc
	EOF
	hd_cmd "$cf" start || xl_fail "start failed: $(tail -5 "$XL_TMP/ldirectord.log")"
	hd_up_both
	sleep 1
	touch "$XL_TMP/node1.hang"
	t_hang=$(date +%s%3N)
	hd_wait_weight "$XL_NODE1" 0 6000 ||
		xl_fail "node1 with a hanging check not quiesced within 6 s: $(xl_adm -L -n)"
	t_down=$(date +%s%3N)
	# It cannot time out before 3 s; it starts at most checkinterval later.
	((t_down - t_hang >= 2900 && t_down - t_hang <= 3000 + 1000 + 700)) ||
		xl_fail "node1 quiesced $((t_down - t_hang)) ms after its check began to hang, want 3000-4700"
	line=$(grep -F "$XL_NODE1:80" "$XL_TMP/ldirectord.log" | grep -i quiescent | tail -1)
	[ -n "$line" ] || xl_fail "no quiesce line: $(tail -5 "$XL_TMP/ldirectord.log")"
	t_log=${line#\[}
	t_log=$(date -d "${t_log%%|*}" +%s) ||
		xl_fail "bad time stamp: $line"
	((t_log - t_hang / 1000 >= 2 && t_log - t_hang / 1000 <= 5)) ||
		xl_fail "logged at $t_log, the hang began at $((t_hang / 1000)): $line"
	sleep 1.5
	# node2's checks from before the hang to now: no gap over 1 s + 0.6 s.
	gaps=$(awk -v t="$t_hang" '$1 >= t - 1500 { if (p) print $1 - p; p = $1 }' "$XL_TMP/node2.access")
	[ "$(echo "$gaps" | wc -l)" -ge 4 ] || xl_fail "too few node2 checks: $gaps"
	worst=$(echo "$gaps" | sort -n | tail -1)
	((worst <= 1600)) || xl_fail "node2's checks waited $worst ms (gaps: ${gaps//$'\n'/ })"
	[ "$(hd_weight "$XL_NODE2")" = 2 ] || xl_fail "node2 changed: $(xl_adm -L -n)"
	hd_cmd "$cf" stop || xl_fail "stop failed"
	echo "node1 quiesced after $((t_down - t_hang)) ms ($line); node2's longest gap $worst ms"
}
