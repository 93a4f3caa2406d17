# shellcheck shell=bash disable=SC2034,SC2015
# Persistence (-p, -M, port-zero services), as IPVS's ip_vs_sched_persist:
# a client's new connections go where its template says, templates show in
# -L -c -n and count as PersistConn, expire after -p seconds unless they
# still control connections, and survive a weight of 0.  Every case starts
# from the seed's cluster, attached, with no service (setup).

PE_TCPHOLD=${PE_TCPHOLD:-$XL_ROOT/build/tests/tcphold}
PE_HOLD_PID=
PE_CLIENT2=$XL_NET.11	# a second address of the client, in its /24

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
}

# pe_service PORT OPTION...: the TCP service VIP:PORT, rr with OPTIONs,
# over node1 and node2 at weight 1.
pe_service() {
	local port=$1; shift
	xl_adm -A -t "$XL_VIP:$port" -s rr "$@" &&
	xl_adm -a -t "$XL_VIP:$port" -r "$XL_NODE1:$port" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:$port" -r "$XL_NODE2:$port" -g -w 1 ||
		xl_fail "configuring the service on port $port failed"
}

# pe_client2: the client's second address (PE_CLIENT2).
pe_client2() {
	xl_in client ip addr add "$PE_CLIENT2/24" dev eth0 ||
		xl_fail "cannot add $PE_CLIENT2 to the client"
}

# pe_http SRC PORT COUNT: like xl_http, from the client's address SRC to
# VIP:PORT.
pe_http() {
	local i page
	for ((i = 0; i < $3; i++)); do
		page=$(xl_in client curl -s --max-time 2 --interface "$1" \
			"http://$XL_VIP:$2/")
		case $page in
		"Test Page of "*) echo "${page#Test Page of }" ;;
		*) echo none ;;
		esac
	done
}

# pe_addr NODE: the address of node1 or node2.
pe_addr() {
	case $1 in
	node1) echo "$XL_NODE1" ;;
	node2) echo "$XL_NODE2" ;;
	*) xl_fail "no such real server: '$1'" ;;
	esac
}

# pe_other NODE: the other of node1 and node2.
pe_other() {
	[ "$1" = node1 ] && echo node2 || echo node1
}

# pe_templates: the template rows of -L -c -n (source port 0) as
# "proto state source virtual destination", sorted.
pe_templates() {
	xl_adm -L -c -n | tail -n +3 |
		awk '$4 ~ /:0$/ { print $1, $3, $4, $5, $6 }' | sort
}

# pe_template_expire SOURCE: the expire column of SOURCE's template row.
pe_template_expire() {
	xl_adm -L -c -n | tail -n +3 | awk -v s="$1" '$4 == s { print $2 }'
}

# pe_persist_conn_list WEIGHT1 PERSIST1 ACT1 INACT1 WEIGHT2 ...: the
# -L -n --persistent-conn listing ipvsadm prints for the TCP service VIP:80
# (rr, persistent 360) with those columns for node1 and node2, built with
# its printf formats so the trailing spaces are exact.
pe_persist_conn_list() {
	echo "IP Virtual Server version 1.2.1 (size=65536)"
	printf '%-33s %-9s %-11s %-10s %-10s\n' "Prot LocalAddress:Port" \
		Weight PersistConn ActiveConn InActConn
	echo "  -> RemoteAddress:Port"
	echo "TCP  $XL_VIP:80 rr persistent 360"
	printf '  -> %-28s %-9d %-11u %-10u %-10u\n' "$XL_NODE1:80" "$1" "$2" \
		"$3" "$4" "$XL_NODE2:80" "$5" "$6" "$7" "$8"
}

# pe_assert_rejected MESSAGE ARGS...: xlvsadm ARGS fails with exit code 2
# and ipvsadm's MESSAGE, alone, on stderr, and leaves the table (as -S -n
# shows it) byte for byte as it was.
pe_assert_rejected() {
	local msg=$1 rc
	shift
	xl_adm -S -n >"$XL_TMP/save-before" || xl_fail "xlvsadm -S -n failed"
	xl_adm "$@" >"$XL_TMP/out" 2>"$XL_TMP/err"
	rc=$?
	echo "xlvsadm $* -> exit $rc, stderr: $(cat "$XL_TMP/err")"
	xl_assert_eq 2 "$rc" "exit code of xlvsadm $*"
	xl_assert_eq "$msg" "$(cat "$XL_TMP/err")" "stderr of xlvsadm $*"
	xl_assert_eq "" "$(cat "$XL_TMP/out")" "stdout of xlvsadm $*"
	xl_adm -S -n >"$XL_TMP/save-after" || xl_fail "xlvsadm -S -n failed"
	xl_assert_same_file "$XL_TMP/save-before" "$XL_TMP/save-after" \
		"table after xlvsadm $*"
}

# The issue's case: with -p, twenty connections from one client all reach
# one real server of an rr service; its template is listed and counted.
# Without -p (the same service edited) rr alternates again.
test_persist_rr_one_client_one_node() {
	local node addr other expire
	pe_service 80 -p
	xl_http 20 >"$XL_TMP/answers"
	node=$(head -1 "$XL_TMP/answers")
	addr=$(pe_addr "$node") other=$(pe_other "$node")
	xl_assert_eq "$node=20" "$(xl_tally <"$XL_TMP/answers")" \
		"20 requests from one client to the persistent rr service"

	xl_adm -L -c -n || xl_fail "-L -c -n failed"
	# The first connection reached ESTABLISHED: the template is ASSURED.
	xl_assert_eq "TCP ASSURED $XL_CLIENT:0 $XL_VIP:80 $addr:80" \
		"$(pe_templates)" "the template rows of -L -c -n"
	# Counting down from 360 s since its last use, a moment ago.
	expire=$(pe_template_expire "$XL_CLIENT:0")
	[[ $expire =~ ^05:[3-5][0-9]$|^06:00$ ]] ||
		xl_fail "the template expires in '$expire', not in 05:30 to 06:00"

	if [ "$node" = node1 ]; then
		pe_persist_conn_list 1 1 0 20 1 0 0 0 >"$XL_TMP/want-list"
	else
		pe_persist_conn_list 1 0 0 0 1 1 0 20 >"$XL_TMP/want-list"
	fi
	xl_adm -L -n --persistent-conn >"$XL_TMP/got-list" ||
		xl_fail "-L -n --persistent-conn failed"
	xl_assert_same_file "$XL_TMP/want-list" "$XL_TMP/got-list" \
		"-L -n --persistent-conn"

	xl_adm -E -t "$XL_VIP:80" -s rr || xl_fail "-E without -p failed"
	xl_assert_eq "TCP  $XL_VIP:80 rr" "$(xl_adm -L -n | sed -n 4p)" \
		"the service line after -E without -p"
	xl_http 20 >"$XL_TMP/answers"
	xl_assert_eq "node1=10 node2=10" "$(xl_tally <"$XL_TMP/answers")" \
		"20 requests after -E without -p"
	xl_assert_eq 20 "$(uniq "$XL_TMP/answers" | wc -l)" \
		"requests in a row on one node after -E without -p (rr alternates)"
}

# -M 255.255.255.0: two addresses of one /24 share one template, so one
# real server; the mask shows in -L and -S, and -S restores.
test_persist_netmask_shares_template() {
	local i node addr
	pe_client2
	pe_service 80 -p -M 255.255.255.0
	for ((i = 0; i < 5; i++)); do
		pe_http "$XL_CLIENT" 80 1
		pe_http "$PE_CLIENT2" 80 1
	done >"$XL_TMP/answers"
	node=$(head -1 "$XL_TMP/answers")
	addr=$(pe_addr "$node")
	xl_assert_eq "$node=10" "$(xl_tally <"$XL_TMP/answers")" \
		"10 requests from $XL_CLIENT and $PE_CLIENT2 in turn, mask /24"
	xl_assert_eq "TCP ASSURED $XL_NET.0:0 $XL_VIP:80 $addr:80" \
		"$(pe_templates)" "the template rows of -L -c -n"
	xl_assert_eq "TCP  $XL_VIP:80 rr persistent 360 mask 255.255.255.0" \
		"$(xl_adm -L -n | sed -n 4p)" "the service line of -L -n"

	cat >"$XL_TMP/want-save" <<EOF
-A -t $XL_VIP:80 -s rr -p 360 -M 255.255.255.0
-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w 1
-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 1
EOF
	xl_adm -S -n >"$XL_TMP/saved" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/want-save" "$XL_TMP/saved" "-S -n"
	xl_adm -C || xl_fail "-C failed"
	xl_assert_eq "" "$(xl_adm -S -n)" "-S -n after -C"
	xl_adm -R <"$XL_TMP/saved" || xl_fail "-R of the save failed"
	xl_adm -S -n >"$XL_TMP/restored" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/saved" "$XL_TMP/restored" "-S -n after -R"
	for ((i = 0; i < 3; i++)); do
		pe_http "$PE_CLIENT2" 80 1
		pe_http "$XL_CLIENT" 80 1
	done >"$XL_TMP/answers"
	node=$(head -1 "$XL_TMP/answers")
	xl_assert_eq "$node=6" "$(xl_tally <"$XL_TMP/answers")" \
		"6 requests from both addresses after -R"
}

# A real server at weight 0 takes no new clients but keeps its persistent
# ones (IPVS's ip_vs_check_template, expire_quiescent_template off, drops
# a template only when its server is gone).
test_persist_weight_zero_keeps_clients() {
	local node addr other oaddr
	pe_client2
	pe_service 80 -p
	pe_http "$XL_CLIENT" 80 3 >"$XL_TMP/answers"
	node=$(head -1 "$XL_TMP/answers")
	addr=$(pe_addr "$node") other=$(pe_other "$node")
	oaddr=$(pe_addr "$other")
	xl_assert_eq "$node=3" "$(xl_tally <"$XL_TMP/answers")" \
		"3 requests from $XL_CLIENT"
	xl_adm -e -t "$XL_VIP:80" -r "$addr:80" -g -w 0 ||
		xl_fail "-e ... -w 0 failed"
	xl_assert_eq "$node=5" "$(pe_http "$XL_CLIENT" 80 5 | xl_tally)" \
		"5 requests from $XL_CLIENT with $node at weight 0"
	xl_assert_eq "$other=5" "$(pe_http "$PE_CLIENT2" 80 5 | xl_tally)" \
		"5 requests from $PE_CLIENT2 (another /32) with $node at weight 0"
	xl_adm -L -c -n || xl_fail "-L -c -n failed"
	xl_assert_eq "TCP ASSURED $XL_CLIENT:0 $XL_VIP:80 $addr:80
TCP ASSURED $PE_CLIENT2:0 $XL_VIP:80 $oaddr:80" \
		"$(pe_templates)" "the template rows of -L -c -n"
	xl_adm -L -n --persistent-conn | tee "$XL_TMP/list" ||
		xl_fail "-L -n --persistent-conn failed"
	grep -Eq "^  -> $addr:80 +0 +1 +0 +8 *\$" "$XL_TMP/list" ||
		xl_fail "--persistent-conn: $node is not at weight 0 with 1 template, 8 inactive"
	grep -Eq "^  -> $oaddr:80 +1 +1 +0 +5 *\$" "$XL_TMP/list" ||
		xl_fail "--persistent-conn: $other is not at weight 1 with 1 template, 5 inactive"
}

# pe_udp_port_zero_service: UDP VIP:0, rr, persistent, over both nodes.
pe_udp_port_zero_service() {
	xl_adm -A -u "$XL_VIP:0" -s rr -p &&
	xl_adm -a -u "$XL_VIP:0" -r "$XL_NODE1" -g -w 1 &&
	xl_adm -a -u "$XL_VIP:0" -r "$XL_NODE2" -g -w 1 ||
		xl_fail "configuring the UDP port-zero service failed"
}

# A port-zero service takes every port of the VIP and must be persistent;
# its template has no port (vport 0), so one client's connections to any
# port reach one real server.
test_persist_port_zero_service() {
	local i host node addr
	pe_assert_rejected "Zero port specified for non-persistent service" \
		-A -t "$XL_VIP:0"
	pe_assert_rejected "Zero port specified for non-persistent service" \
		-A -u "$XL_VIP:0" -s rr -M 255.255.255.0
	# The test servers answer on a second port too: TCP 8080, UDP 5353.
	for host in node1 node2; do
		xl_bg "$host" "$XL_TESTSRV" --name "$host" --http-port 8080 \
			--udp-port 5353
		xl_wait_listen "$host" 8080 || xl_fail "testsrv :8080 in $host did not start"
	done
	xl_adm -A -t "$XL_VIP:0" -s rr -p &&
	xl_adm -a -t "$XL_VIP:0" -r "$XL_NODE1" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:0" -r "$XL_NODE2" -g -w 1 ||
		xl_fail "configuring the TCP port-zero service failed"
	pe_udp_port_zero_service
	cat >"$XL_TMP/want-save" <<EOF
-A -t $XL_VIP:0 -s rr -p 360
-a -t $XL_VIP:0 -r $XL_NODE1:0 -g -w 1
-a -t $XL_VIP:0 -r $XL_NODE2:0 -g -w 1
-A -u $XL_VIP:0 -s rr -p 360
-a -u $XL_VIP:0 -r $XL_NODE1:0 -g -w 1
-a -u $XL_VIP:0 -r $XL_NODE2:0 -g -w 1
EOF
	xl_adm -S -n >"$XL_TMP/got-save" || xl_fail "-S -n failed"
	xl_assert_same_file "$XL_TMP/want-save" "$XL_TMP/got-save" "-S -n"

	for ((i = 0; i < 4; i++)); do
		pe_http "$XL_CLIENT" 80 1
		pe_http "$XL_CLIENT" 8080 1
	done >"$XL_TMP/answers"
	node=$(head -1 "$XL_TMP/answers")
	addr=$(pe_addr "$node")
	xl_assert_eq "$node=8" "$(xl_tally <"$XL_TMP/answers")" \
		"8 TCP connections to ports 80 and 8080 in turn"
	for ((i = 0; i < 3; i++)); do
		xl_in client "$XL_UDPASK" "$XL_VIP" 53 1 &&
		xl_in client "$XL_UDPASK" "$XL_VIP" 5353 1 ||
			xl_fail "a UDP request got no reply"
	done >"$XL_TMP/udp-answers"
	xl_assert_eq "$node=6" "$(xl_tally <"$XL_TMP/udp-answers")" \
		"6 UDP flows to ports 53 and 5353 in turn"

	xl_adm -L -c -n | tee "$XL_TMP/conns" || xl_fail "-L -c -n failed"
	# UDP never reaches ESTABLISHED: its template stays NONE.
	xl_assert_eq "TCP ASSURED $XL_CLIENT:0 $XL_VIP:0 $addr:0
UDP NONE $XL_CLIENT:0 $XL_VIP:0 $addr:0" \
		"$(pe_templates)" "the template rows of -L -c -n"
	# The connections keep the port they came to (DR cannot change it).
	xl_assert_eq "4 4 3 3" "$(awk -v a="$addr" '
		$1 == "TCP" && $6 == a ":80" { t80++ }
		$1 == "TCP" && $6 == a ":8080" { t8080++ }
		$1 == "UDP" && $6 == a ":53" { u53++ }
		$1 == "UDP" && $6 == a ":5353" { u5353++ }
		END { print t80 + 0, t8080 + 0, u53 + 0, u5353 + 0 }' "$XL_TMP/conns")" \
		"connections to $node on ports 80, 8080 (TCP), 53, 5353 (UDP)"

	pe_assert_rejected "Zero port specified for non-persistent service" \
		-E -t "$XL_VIP:0" -s rr
}

# pe_wait_template_gone SOURCE LIMIT_MS: bounded wait for SOURCE's template
# to leave -L -c -n; fails past LIMIT_MS.
pe_wait_template_gone() {
	local i
	for ((i = 0; i < $2 / 100; i++)); do
		[ -z "$(pe_template_expire "$1")" ] && return 0
		sleep 0.1
	done
	[ -z "$(pe_template_expire "$1")" ] ||
		xl_fail "the template of $1 is still listed after $2 ms"
}

# -p 4: the template goes 4 s after its last use once the connections it
# controls are gone (a closed connection stays, FIN_WAIT, for tcpfin, here
# 1 s; the sweeper's last sight of it keeps the template controlling for
# 2 s more, XLVS_TPL_CTL_NS); the client's next connection is then
# scheduled anew.
test_persist_template_expires() {
	local node addr start waited
	xl_adm --set 0 1 0 || xl_fail "--set 0 1 0 failed"
	pe_service 80 -p 4
	start=$(date +%s%N)
	node=$(xl_http 1)
	addr=$(pe_addr "$node")
	xl_assert_eq "TCP ASSURED $XL_CLIENT:0 $XL_VIP:80 $addr:80" \
		"$(pe_templates)" "the template rows of -L -c -n right after"
	[[ $(pe_template_expire "$XL_CLIENT:0") =~ ^00:0[0-4]$ ]] ||
		xl_fail "the template expires in '$(pe_template_expire "$XL_CLIENT:0")'"
	pe_wait_template_gone "$XL_CLIENT:0" 9000
	waited=$((($(date +%s%N) - start) / 1000000))
	echo "the template went within ${waited} ms of the request"
	((waited >= 3900)) ||
		xl_fail "the template went after ${waited} ms, before its 4 s timeout"
	# One that still controlled a connection would show as re-armed for
	# 60 s instead.
	sleep 1.2
	xl_assert_eq "" "$(pe_templates)" "the template rows 1.2 s after it went"
	xl_assert_eq "$(pe_other "$node")" "$(xl_http 1)" \
		"the next request, with the template gone (rr goes on)"
}

# pe_hold N: a held connection from the client to VIP:80 (tcphold, output
# in $XL_TMP/holdN), once it is connected.  Sets PE_HOLD_PID.
pe_hold() {
	local n
	[ -x "$PE_TCPHOLD" ] || xl_fail "$PE_TCPHOLD missing: run make"
	xl_bg client "$PE_TCPHOLD" "$XL_VIP" 80 "$XL_TMP/go" 30 \
		>"$XL_TMP/hold$1" 2>"$XL_TMP/hold$1.err"
	PE_HOLD_PID=$XL_LAST_PID
	for ((n = 0; n < 50; n++)); do
		grep -q '^port ' "$XL_TMP/hold$1" && break
		sleep 0.1
	done
	grep -q '^port ' "$XL_TMP/hold$1" ||
		xl_fail "held connection $1 did not connect: $(cat "$XL_TMP/hold$1.err")"
}

# A template that still controls a connection outlives its -p timeout:
# IPVS re-arms it for 60 s, and it keeps sending the client to its server.
# (The test server serves one client at a time, so a second connection to
# the held one's server is answered only once the first is released.)
test_persist_template_lives_while_controlled() {
	local i node addr start expire waited pid1 pid2
	pe_service 80 -p 2
	start=$(date +%s%N)
	pe_hold 1
	pid1=$PE_HOLD_PID
	node=$(pe_templates | awk '{ print $5 }')
	case $node in
	"$XL_NODE1:80") node=node1 ;;
	"$XL_NODE2:80") node=node2 ;;
	*) xl_fail "the template rows are: $(pe_templates)" ;;
	esac
	addr=$(pe_addr "$node")
	# Past its 2 s the sweeper (once a second) re-arms it for 60 s.
	for ((i = 0; i < 60; i++)); do
		expire=$(pe_template_expire "$XL_CLIENT:0")
		[[ $expire =~ ^00:5[0-9]$|^01:00$ ]] && break
		sleep 0.1
	done
	waited=$((($(date +%s%N) - start) / 1000000))
	xl_adm -L -c -n
	echo "the template expires in '$expire' after ${waited} ms"
	[[ $expire =~ ^00:5[0-9]$|^01:00$ ]] ||
		xl_fail "the template expires in '$expire' after ${waited} ms, not re-armed for 60 s"
	((waited >= 1900)) ||
		xl_fail "the template was re-armed after ${waited} ms, before its 2 s timeout"
	xl_assert_eq "TCP ASSURED $XL_CLIENT:0 $XL_VIP:80 $addr:80" \
		"$(pe_templates)" "the template rows past the timeout"
	# A new connection past the timeout still goes to the held one's server.
	pe_hold 2
	pid2=$PE_HOLD_PID
	: >"$XL_TMP/go"
	wait "$pid1" || xl_fail "held connection 1 failed: $(cat "$XL_TMP/hold1.err")"
	xl_assert_eq "Test Page of $node" "$(sed -n 2p "$XL_TMP/hold1")" \
		"the reply on held connection 1"
	wait "$pid2" || xl_fail "held connection 2 failed: $(cat "$XL_TMP/hold2.err")"
	xl_assert_eq "Test Page of $node" "$(sed -n 2p "$XL_TMP/hold2")" \
		"the reply on connection 2, opened past the template's timeout"
}

# Bad values of the new options get ipvsadm's messages and change nothing.
test_persist_bad_input_changes_nothing() {
	pe_service 80 -p 600 -M 255.255.255.0
	pe_assert_rejected "invalid timeout value \`0' specified" \
		-A -t "$XL_VIP:81" -s rr -p 0
	pe_assert_rejected "invalid timeout value \`2678401' specified" \
		-E -t "$XL_VIP:80" -s rr -p 2678401
	pe_assert_rejected "invalid timeout value \`abc' specified" \
		-A -t "$XL_VIP:81" -s rr -p abc
	pe_assert_rejected "illegal virtual server persistent mask specified" \
		-E -t "$XL_VIP:80" -s rr -p -M 255.0.255.0
	pe_assert_rejected "illegal virtual server persistent mask specified" \
		-A -t "$XL_VIP:81" -s rr -p -M 24
	pe_assert_rejected "options conflicts in the list command" \
		-L --timeout --persistent-conn
	# The bounds themselves are good values.
	xl_adm -E -t "$XL_VIP:80" -s rr -p 2678400 -M 255.255.255.0 &&
	xl_adm -A -t "$XL_VIP:81" -s rr -p 1 ||
		xl_fail "-p 2678400 or -p 1 was refused"
	xl_assert_eq "-A -t $XL_VIP:80 -s rr -p 2678400 -M 255.255.255.0
-A -t $XL_VIP:81 -s rr -p 1" "$(xl_adm -S -n | grep '^-A')" \
		"the services of -S -n with -p at its bounds"
}
