# shellcheck shell=bash disable=SC2034,SC2015
# A real server at the director's own address is forwarded Local, as IPVS
# does (IP_VS_CONN_F_LOCALNODE): the seed's ldirectord.cf falls back to
# 127.0.0.1:80 "gate" when every real server is down, and the director's
# own web server must answer.  And a service with no usable real server
# refuses new connections with ICMP port unreachable (ip_vs_leave) instead
# of handing them to whatever listens on the director.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 || xl_fail "attach failed"
	# The director's own web server, on every address (the VIP included).
	xl_bg ha1 "$XL_TESTSRV" --name director --http-port 80
	xl_wait_listen ha1 80 || xl_fail "the director's web server did not start"
}

test_local_fallback_answers_from_the_director() {
	xl_adm -A -t "$XL_VIP:80" -s wrr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 0 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 0 &&
	xl_adm -a -t "$XL_VIP:80" -r 127.0.0.1:80 -g -w 1 ||
		xl_fail "configuring the seed's fallback failed"
	xl_adm -L -n | grep -q -- "-> 127.0.0.1:80 *Local *1 " ||
		xl_fail "127.0.0.1:80 is not listed as Local: $(xl_adm -L -n)"
	xl_adm -S -n | grep -q -- "-a -t $XL_VIP:80 -r 127.0.0.1:80 -g -w 1" ||
		xl_fail "-S does not save the Local server as ipvsadm does (-g)"
	xl_assert_eq "director=5" "$(xl_http 5 | xl_tally)" "who answered with every real server at weight 0"
	[ "$(xl_counter pkts_local)" -ge 5 ] || xl_fail "pkts_local $(xl_counter pkts_local)"
	# A real server back at weight 1 takes the new connections (wrr 1:1).
	xl_adm -e -t "$XL_VIP:80" -r 127.0.0.1:80 -g -w 0 &&
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 || xl_fail "-e failed"
	xl_assert_eq "node1=4" "$(xl_http 4 | xl_tally)" "after node1 came back"
}

# The director's own address (not 127.0.0.1) is Local too.
test_local_director_address_is_local() {
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_HA1:80" -g -w 1 || xl_fail "-a failed"
	xl_adm -L -n | grep -q -- "-> $XL_HA1:80 *Local " ||
		xl_fail "the director's address is not Local: $(xl_adm -L -n)"
	xl_assert_eq "director=3" "$(xl_http 3 | xl_tally)" "answers"
}

# ip_vs_leave: every real server at weight 0 and no fallback: the client
# is refused at once by an ICMP port unreachable (curl: connection
# refused), and the director's own listener on that port never sees it.
test_local_no_server_refuses_with_icmp() {
	local out rc
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 0 || xl_fail "config failed"
	out=$(xl_in client curl -sS --max-time 3 "http://$XL_VIP/" 2>&1); rc=$?
	[ "$rc" -eq 7 ] || xl_fail "curl: exit $rc ($out), expected 7 (refused)"
	[[ $out == *"Connection refused"* || $out == *"Couldn't connect"* ]] ||
		xl_fail "curl said: $out"
	[ "$(xl_counter icmp_unreach_sent)" -ge 1 ] || xl_fail "icmp_unreach_sent did not move"
	[ "$(xl_counter pkts_no_dest)" -ge 1 ] || xl_fail "pkts_no_dest did not move"
	# UDP likewise: the client's socket sees the refusal.
	xl_adm -A -u "$XL_VIP:53" -s rr || xl_fail "-A -u failed"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 1 500 >/dev/null &&
		xl_fail "a UDP service with no server answered"
	return 0
}
