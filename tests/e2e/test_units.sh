# shellcheck shell=bash disable=SC2034,SC2015
# The systemd units (systemd/, issue 12 item 3): `systemd-analyze verify`
# on each, as `make install` writes them, and their ExecStart/ExecStop/
# ExecReload command lines run in the test's namespaces as the unit would
# run them: the unit's Environment=, only its CapabilityBoundingSet (root
# keeps no other capability: setpriv), NoNewPrivileges, in the director's
# network namespace but the host's mount namespace (nsenter --net: where a
# unit's bpffs is).  systemd is not PID 1 here, so the file-system sandbox
# (ProtectSystem= and the rest) is checked by verify only.  Paths under
# /etc are the test's own through the helpers' variables (XLVS_DEFAULTS,
# IPVSADM_RULES, XLVS_HEALTHD_RUNDIR) or, where a program has none, by
# replacing that one argument.

UN_P=			# the make install prefix of this case
UN_ENV=()		# the test's own variables for the commands

setup() {
	UN_P=$XL_TMP/prefix
	make -s -C "$XL_ROOT" install PREFIX="$UN_P" UNITDIR="$UN_P/units" \
		SYSCONFDIR="$UN_P/etc" >"$XL_TMP/install.log" 2>&1 ||
		xl_fail "make install failed: $(cat "$XL_TMP/install.log")"
}

# un_key UNIT KEY: the values of the unit's KEY= lines, one a line.
un_key() { sed -n "s/^$2=//p" "$UN_P/units/$1"; }

# un_line UNIT KEY [N]: the Nth (1st) KEY= command line of UNIT.
un_line() { un_key "$1" "$2" | sed -n "${3:-1}p"; }

# un_exec UNIT HOST ARGV...: ARGV as UNIT runs it, in HOST's network.
# With UN_EXEC=exec (a background daemon) the shell becomes the program
# (nsenter, env and setpriv exec in turn), so its pid is $MAINPID's.
un_exec() {
	local unit=$1 host=$2 c bs=-all env=() e
	shift 2
	for c in $(un_key "$unit" CapabilityBoundingSet); do
		c=${c#CAP_}
		bs+=",+${c,,}"
	done
	[ "$bs" != -all ] || xl_fail "$unit: no CapabilityBoundingSet"
	while read -r e; do
		[ -n "$e" ] && env+=("$e")
	done < <(un_key "$unit" Environment)
	[ "$(un_key "$unit" NoNewPrivileges)" = yes ] || xl_fail "$unit: no NoNewPrivileges=yes"
	${UN_EXEC:-} nsenter --net="/run/netns/$XL_PREFIX$host" env "${env[@]}" "${UN_ENV[@]}" \
		setpriv --bounding-set "$bs" --inh-caps=-all --no-new-privs -- "$@"
}

# un_run UNIT HOST KEY [N]: the unit's KEY= command line (%I: UN_INSTANCE).
un_run() {
	local line argv
	line=$(un_line "$1" "$3" "${4:-1}")
	[ -n "$line" ] || xl_fail "$1: no $3="
	line=${line//%I/${UN_INSTANCE:-}}
	read -ra argv <<<"$line"
	un_exec "$1" "$2" "${argv[@]}"
}

test_units_verify() {
	local u out doc page n=0
	for u in "$UN_P"/units/*.service; do
		n=$((n + 1))
		out=$(systemd-analyze verify --man=no "$u" 2>&1) ||
			xl_fail "systemd-analyze verify ${u##*/} failed: $out"
		# Warnings (an unknown key, a bad value) do not fail verify:
		# any line about our unit does.
		grep -F "${u##*/}" <<<"$out" && xl_fail "verify ${u##*/}: $out"
		# Every capability kept is explained in a comment of the unit.
		for c in $(sed -n 's/^CapabilityBoundingSet=//p' "$u"); do
			grep -q "^#.* $c\b" "$u" || xl_fail "${u##*/}: $c has no comment saying why"
		done
		grep -q '^Type=\(exec\|oneshot\|notify\)$' "$u" || xl_fail "${u##*/}: Type= not exec, notify or oneshot"
		if grep -q '^Type=exec' "$u"; then
			grep -q '^Restart=on-failure$' "$u" || xl_fail "${u##*/}: a daemon without Restart=on-failure"
		fi
		for k in NoNewPrivileges=yes ProtectSystem=strict ProtectHome=yes PrivateTmp=yes; do
			grep -q "^$k$" "$u" || xl_fail "${u##*/}: no $k"
		done
		# The man pages it names are ours and installed (never
		# heartbeat's or ldirectord's pages of the same files).
		for doc in $(sed -n 's/^Documentation=//p' "$u"); do
			page=${doc#man:}
			page="${page%%(*}.${page#*(}"
			page=${page%)}
			[ -e "$UN_P/share/man/man${page##*.}/$page" ] ||
				xl_fail "${u##*/}: Documentation=$doc: no man/$page installed"
		done
	done
	[ "$n" -eq 5 ] || xl_fail "want 5 units installed, found $n"
	echo "verified $n units"
}

# A defaults file of the test's own for xlvs.service.
un_defaults() {
	cat >"$XL_TMP/default" <<-EOF
	XLVS_INTERFACES="eth0"
	XLVS_XDP_MODE="${1:-auto}"
	XLVS_CONN_MAX="65536"
	XLVS_RULES="$XL_TMP/etc/rules"
	XLVS_SAVE_ON_STOP="yes"
	XLVS_UNLOAD_ON_STOP="${2:-no}"
	EOF
	UN_ENV=(XLVS_DEFAULTS="$XL_TMP/default" IPVSADM_RULES="$XL_TMP/ipvsadm.rules"
		XLVS_RESTORE_REPORT=1)
}

un_xdp_on() { xl_in ha1 ip -d link show dev eth0 | grep -q 'prog/xdp'; }

# Boot (ipvsadm's rules restored, xlvs's absent), traffic, held
# connections; stop saves; restart restores the same table and touches
# nothing, the held connections answer; reload applies an edited file;
# stop with XLVS_UNLOAD_ON_STOP=yes unloads.
test_units_table_start_stop_restart() {
	local hold=$XL_ROOT/build/tests/connhold echo=$XL_ROOT/build/tests/echosrv h hold_pid n
	xl_cluster_up
	un_defaults
	for h in node1 node2; do
		xl_bg "$h" "$echo" --name "$h" --port 7000
		xl_wait_listen "$h" 7000 || xl_fail "echosrv in $h did not start"
	done
	cat >"$XL_TMP/ipvsadm.rules" <<-EOF
	# ipvsadm.rules
	-A -t $XL_VIP:80 -s wrr
	-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w 3
	-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 2
	-A -t $XL_VIP:7000 -s rr
	-a -t $XL_VIP:7000 -r $XL_NODE1:7000 -g -w 1
	-a -t $XL_VIP:7000 -r $XL_NODE2:7000 -g -w 1
	EOF
	un_xdp_on && xl_fail "XDP on eth0 before start"
	un_run xlvs.service ha1 ExecStart >"$XL_TMP/start1" 2>&1 ||
		xl_fail "ExecStart failed: $(cat "$XL_TMP/start1")"
	grep -q "restoring ipvsadm's $XL_TMP/ipvsadm.rules" "$XL_TMP/start1" ||
		xl_fail "ipvsadm.rules not said to be restored: $(cat "$XL_TMP/start1")"
	un_xdp_on || xl_fail "ExecStart did not attach the data plane to eth0"
	xl_adm -L -n | grep -q "size=65536" || xl_fail "XLVS_CONN_MAX not applied: $(xl_adm -L -n)"
	xl_adm -S -n >"$XL_TMP/live"
	grep -v '^#' "$XL_TMP/ipvsadm.rules" >"$XL_TMP/want"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/live" \
		"the table after start, against ipvsadm.rules"
	xl_assert_eq "node1=3 node2=2" "$(xl_http 5 | xl_tally)" "5 requests by wrr 3:2"
	xl_bg client "$hold" "$XL_VIP" 7000 6 "$XL_TMP/go" 60 >"$XL_TMP/hold" 2>"$XL_TMP/hold.err"
	hold_pid=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^held ' "$XL_TMP/hold" && break
		sleep 0.1
	done
	grep -q '^held 6' "$XL_TMP/hold" || xl_fail "connhold: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"

	# Stop: saved, still forwarding (no --unload by default).
	un_run xlvs.service ha1 ExecStop >"$XL_TMP/stop1" 2>&1 ||
		xl_fail "ExecStop failed: $(cat "$XL_TMP/stop1")"
	[ -e "$XL_TMP/etc/rules" ] || xl_fail "ExecStop saved nothing: $(cat "$XL_TMP/stop1")"
	grep -v '^#' "$XL_TMP/etc/rules" >"$XL_TMP/saved"
	xl_assert_same_file "$XL_TMP/live" "$XL_TMP/saved" "the saved table"
	un_xdp_on || xl_fail "ExecStop took the data plane off eth0"
	[ "$(xl_http 1)" != none ] || xl_fail "no answer after stop"

	# Start again (a restart): xlvs's own file, nothing touched.
	un_run xlvs.service ha1 ExecStart >"$XL_TMP/start2" 2>&1 ||
		xl_fail "second ExecStart failed: $(cat "$XL_TMP/start2")"
	grep -q "restored $XL_TMP/etc/rules" "$XL_TMP/start2" || xl_fail "rules not restored: $(cat "$XL_TMP/start2")"
	grep -q "services 0 added, 0 edited, 0 deleted, 2 untouched; real servers 0 added, 0 edited, 0 deleted, 4 untouched" \
		"$XL_TMP/start2" || xl_fail "the restart touched the table: $(cat "$XL_TMP/start2")"
	touch "$XL_TMP/go"
	wait "$hold_pid" || xl_fail "held connections lost across stop and start: $(cat "$XL_TMP/hold" "$XL_TMP/hold.err")"
	tail -1 "$XL_TMP/hold"

	# Reload: an edited file applied, the rest untouched.
	sed -i "s/-r $XL_NODE2:80 -g -w 2/-r $XL_NODE2:80 -g -w 5/" "$XL_TMP/etc/rules"
	un_run xlvs.service ha1 ExecReload >"$XL_TMP/reload" 2>&1 || xl_fail "ExecReload failed: $(cat "$XL_TMP/reload")"
	grep -q "real servers 0 added, 1 edited, 0 deleted, 3 untouched" "$XL_TMP/reload" ||
		xl_fail "reload did not edit one server: $(cat "$XL_TMP/reload")"
	xl_adm -L -n | grep -q -- "-> $XL_NODE2:80 *Route *5 " || xl_fail "weight 5 not in: $(xl_adm -L -n)"

	# A bad line: refused whole, naming the file; the table unchanged.
	xl_adm -S -n >"$XL_TMP/live2"
	echo "-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w nine" >>"$XL_TMP/etc/rules"
	un_run xlvs.service ha1 ExecReload >"$XL_TMP/bad" 2>&1 && xl_fail "a bad rules file was taken"
	grep -q "$XL_TMP/etc/rules: not restored" "$XL_TMP/bad" || xl_fail "no message naming the file: $(cat "$XL_TMP/bad")"
	xl_adm -S -n >"$XL_TMP/live3"
	xl_assert_same_file "$XL_TMP/live2" "$XL_TMP/live3" "the table after a refused reload"

	# A bad setting: refused by name before anything is done.
	echo 'XLVS_SAVE_ON_STOP="maybe"' >>"$XL_TMP/default"
	un_run xlvs.service ha1 ExecStop >"$XL_TMP/badset" 2>&1 && xl_fail "XLVS_SAVE_ON_STOP=maybe taken"
	grep -q "$XL_TMP/default: XLVS_SAVE_ON_STOP=\"maybe\": want yes or no" "$XL_TMP/badset" ||
		xl_fail "bad setting not named: $(cat "$XL_TMP/badset")"

	# XLVS_UNLOAD_ON_STOP=yes: saved, then unloaded.
	sed -i '$d' "$XL_TMP/etc/rules"
	un_defaults auto yes
	un_run xlvs.service ha1 ExecStop >"$XL_TMP/stop2" 2>&1 || xl_fail "ExecStop (unload) failed: $(cat "$XL_TMP/stop2")"
	un_xdp_on && xl_fail "XDP still on eth0 after a stop with XLVS_UNLOAD_ON_STOP=yes"
	grep -q -- "-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 5" "$XL_TMP/etc/rules" ||
		xl_fail "the table was not saved before the unload: $(cat "$XL_TMP/etc/rules")"
	[ "$(xl_http 1)" = none ] || xl_fail "still balanced after the unload"
}

# xlvs-healthd@.service: in the foreground (--supervised), the table kept
# in step with the checks under the unit's capabilities; HUP reloads; TERM
# stops it, exit 0.
test_units_healthd() {
	local pid n
	xl_cluster_up
	un_defaults
	un_run xlvs.service ha1 ExecStart >"$XL_TMP/start" 2>&1 || xl_fail "xlvs.service start: $(cat "$XL_TMP/start")"
	xl_stop_testsrv node2
	cat >"$XL_TMP/ld.cf" <<-EOF
	checktimeout=2
	checkinterval=1
	quiescent=no
	virtual=$XL_VIP:80
	        real=$XL_NODE1:80 gate 3
	        real=$XL_NODE2:80 gate 2
	        checktype=connect
	        scheduler=wrr
	EOF
	mkdir -p "$XL_TMP/run"
	UN_ENV+=(XLVS_HEALTHD_RUNDIR="$XL_TMP/run")
	UN_INSTANCE=$XL_TMP/ld.cf
	UN_EXEC="exec" un_run xlvs-healthd@.service ha1 ExecStart >"$XL_TMP/hd.out" 2>&1 &
	pid=$!
	XL_PIDS+=("$pid")
	for ((n = 0; n < 100; n++)); do
		xl_adm -L -n | grep -q -- "-> $XL_NODE1:80 " && break
		sleep 0.1
	done
	xl_adm -L -n | grep -q -- "-> $XL_NODE1:80 .* 3 " || xl_fail "node1 not added: $(xl_adm -L -n); $(cat "$XL_TMP/hd.out")"
	xl_adm -L -n | grep -q -- "-> $XL_NODE2:80 " && xl_fail "node2 (down) in the table: $(xl_adm -L -n)"
	kill -0 "$pid" || xl_fail "the checker left the foreground: $(cat "$XL_TMP/hd.out")"
	[ -s "$XL_TMP/run/xlvs-healthd.ld.cf.pid" ] || xl_fail "no pid file"
	grep -q . "$XL_TMP/hd.out" || xl_fail "nothing logged to stdout"
	# The unit's ExecReload is kill -HUP $MAINPID: the node2 line edited.
	# shellcheck disable=SC2016
	[ "$(un_line xlvs-healthd@.service ExecReload)" = '/bin/kill -HUP $MAINPID' ] ||
		xl_fail "ExecReload is not a HUP: $(un_line xlvs-healthd@.service ExecReload)"
	xl_start_testsrv node2 node2
	sed -i "s/real=$XL_NODE1:80 gate 3/real=$XL_NODE1:80 gate 4/" "$XL_TMP/ld.cf"
	kill -HUP "$pid"
	for ((n = 0; n < 100; n++)); do
		xl_adm -L -n | grep -q -- "-> $XL_NODE1:80 .* 4 " &&
			xl_adm -L -n | grep -q -- "-> $XL_NODE2:80 " && break
		sleep 0.1
	done
	xl_adm -L -n | grep -q -- "-> $XL_NODE1:80 .* 4 " || xl_fail "reload not applied: $(xl_adm -L -n); $(tail "$XL_TMP/hd.out")"
	xl_adm -L -n | grep -q -- "-> $XL_NODE2:80 " || xl_fail "node2 back up not added: $(xl_adm -L -n)"
	kill -TERM "$pid"
	wait "$pid" || xl_fail "the checker did not exit 0 on TERM: $(tail "$XL_TMP/hd.out")"
	[ -e "$XL_TMP/run/xlvs-healthd.ld.cf.pid" ] && xl_fail "pid file left behind"
	tail -3 "$XL_TMP/hd.out"
}

# xlvs-failoverd.service: ExecStartPre checks the files; ExecStart takes
# the resources alone (heartbeat's port 694 bound under the unit's set)
# and TERM gives them back.  The unit's command lines plus -c, -n and
# --statedir, which the program has no variables for.
test_units_failoverd() {
	local d=$XL_TMP/ha.d pid n argv
	xl_lan_up
	xl_add_director ha1 "$XL_HA1"
	mkdir -p "$d"
	cat >"$d/ha.cf" <<-EOF
	logfacility local0
	keepalive 200ms
	deadtime 2
	initdead 3
	auto_failback on
	udpport 694
	ucast eth0 $XL_HA2
	node ha1
	node ha2
	EOF
	echo "ha1 $XL_VIP/24/eth0" >"$d/haresources"
	printf 'auth 1\n1 sha1 units-test\n' >"$d/authkeys"
	chmod 600 "$d/authkeys"
	read -ra argv <<<"$(un_line xlvs-failoverd.service ExecStartPre)"
	un_exec xlvs-failoverd.service ha1 "${argv[@]}" -c "$d" -n ha1 ||
		xl_fail "ExecStartPre (-t) refused a good configuration"
	read -ra argv <<<"$(un_line xlvs-failoverd.service ExecStart)"
	UN_EXEC="exec" un_exec xlvs-failoverd.service ha1 "${argv[@]}" -c "$d" -n ha1 \
		--statedir "$XL_TMP/state" >"$XL_TMP/fo.out" 2>&1 &
	pid=$!
	XL_PIDS+=("$pid")
	for ((n = 0; n < 100; n++)); do
		xl_in ha1 ip -4 -o addr show dev eth0 | grep -q " $XL_VIP/24 " && break
		sleep 0.1
	done
	xl_in ha1 ip -4 -o addr show dev eth0 | grep -q " $XL_VIP/24 " ||
		xl_fail "the VIP not taken under the unit's capabilities: $(cat "$XL_TMP/fo.out")"
	kill -TERM "$pid"
	wait "$pid"
	xl_in ha1 ip -4 -o addr show dev eth0 | grep -q " $XL_VIP/24 " &&
		xl_fail "the VIP left behind at stop: $(tail "$XL_TMP/fo.out")"
	return 0
}

# xlvs-exporter.service: its ExecStart with the options of the installed
# /etc/default/xlvs-exporter (and the test's own run directories) serves
# the table under the unit's capabilities (CAP_BPF alone: read-only pins,
# no setns), on 127.0.0.1:9780.
test_units_exporter() {
	local pid n argv=() w opts
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach"
	xl_seed_services
	xl_assert_eq "node1=3 node2=2" "$(xl_http 5 | xl_tally)" "5 requests"
	[ "$(un_key xlvs-exporter.service EnvironmentFile)" = -/etc/default/xlvs-exporter ] ||
		xl_fail "EnvironmentFile: $(un_key xlvs-exporter.service EnvironmentFile)"
	# shellcheck disable=SC1091
	opts=$(. "$UN_P/etc/default/xlvs-exporter" && echo "$XLVS_EXPORTER_OPTS")
	for w in $(un_line xlvs-exporter.service ExecStart); do
		# shellcheck disable=SC2016,SC2206
		if [ "$w" = '$XLVS_EXPORTER_OPTS' ]; then argv+=($opts); else argv+=("$w"); fi
	done
	mkdir -p "$XL_TMP/run"
	UN_EXEC="exec" un_exec xlvs-exporter.service ha1 "${argv[@]}" \
		--healthd-rundir "$XL_TMP/run" --failoverd-socket "$XL_TMP/none.sock" \
		>"$XL_TMP/ex.out" 2>&1 &
	pid=$!
	XL_PIDS+=("$pid")
	xl_wait_listen ha1 9780 || xl_fail "the exporter did not listen: $(cat "$XL_TMP/ex.out")"
	xl_in ha1 curl -s --max-time 5 http://127.0.0.1:9780/metrics >"$XL_TMP/m" ||
		xl_fail "GET /metrics"
	grep -qx 'xlvs_table_up 1' "$XL_TMP/m" ||
		xl_fail "the table not read under CAP_BPF: $(cat "$XL_TMP/ex.out"; grep xlvs_table_up "$XL_TMP/m")"
	grep -qx "xlvs_service_connections_total{service=\"tcp:$XL_VIP:80\"} 5" "$XL_TMP/m" ||
		xl_fail "the HTTP service's 5 connections: $(grep service_connections "$XL_TMP/m")"
	kill -TERM "$pid"
	wait "$pid" || xl_fail "the exporter's exit at TERM: $?"
	return 0
}

# xlvs-realserver.service: up from the config file, down undoes it,
# under the unit's capabilities (the config path is the test's own).
test_units_realserver() {
	local argv vip=10.77.0.200
	xl_lan_up
	xl_add_host node1 "$XL_NODE1"
	printf '# test\nvip %s\n' "$vip" >"$XL_TMP/rs.conf"
	read -ra argv <<<"$(un_line xlvs-realserver.service ExecStart)"
	[ "${argv[*]: -1}" = /etc/xlvs/realserver.conf ] || xl_fail "ExecStart does not read /etc/xlvs/realserver.conf: ${argv[*]}"
	argv[${#argv[@]}-1]=$XL_TMP/rs.conf
	un_exec xlvs-realserver.service node1 "${argv[@]}" || xl_fail "ExecStart (up) failed"
	xl_in node1 ip -o addr show dev lo | grep -q " $vip/32 " || xl_fail "the VIP not on lo after up"
	[ "$(xl_in node1 sysctl -n net.ipv4.conf.all.arp_ignore)" = 1 ] || xl_fail "arp_ignore not set"
	un_run xlvs-realserver.service node1 ExecStop || xl_fail "ExecStop (down) failed"
	xl_in node1 ip -o addr show dev lo | grep -q " $vip/32 " && xl_fail "the VIP left on lo after down"
	[ "$(xl_in node1 sysctl -n net.ipv4.conf.all.arp_ignore)" = 0 ] || xl_fail "arp_ignore not restored"
	return 0
}
