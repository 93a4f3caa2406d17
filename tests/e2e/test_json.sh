# shellcheck shell=bash disable=SC2034,SC2015
# xlvsadm -L --json (issue 12 item 7): on a table of every kind of service
# and real server, with traffic through it, each JSON document (read by
# Python's json module) says what the ipvsadm-format listing beside it
# says (json_vs_text.py reads that as ipvsadm prints it); the text
# listings themselves are the byte-exact ones the other tests check.

JS_VIP6=$XL_NET6:100

js_v6_on() {
	xl_in "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.default.disable_ipv6=0 net.ipv6.conf.eth0.disable_ipv6=0 \
		net.ipv6.conf.lo.disable_ipv6=0 &&
	xl_in "$1" ip -6 addr add "$2/64" dev eth0 nodad
}

setup() {
	xl_cluster_up
	js_v6_on ha1 "$XL_HA1_6" && js_v6_on node1 "$XL_NODE1_6" && js_v6_on node2 "$XL_NODE2_6" ||
		xl_fail "turning IPv6 on failed"
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	xl_seed_services
	# Thresholds, -o, persistence with a mask, scheduler flags, NAT,
	# tunnels of each kind, a port-zero service, IPv6.
	xl_adm -e -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 2 -x 100 -y 50 &&
	xl_adm -E -u "$XL_VIP:53" -s wrr -o &&
	xl_adm -A -t "$XL_VIP:443" -s sh -b sh-port,sh-fallback -p 600 -M 255.255.255.0 &&
	xl_adm -a -t "$XL_VIP:443" -r "$XL_NODE1:8443" -m -w 4 &&
	xl_adm -a -t "$XL_VIP:443" -r "$XL_NODE2:443" -i --tun-type gue --tun-port 6080 --tun-csum &&
	xl_adm -A -t "$XL_VIP:0" -s rr -p &&
	xl_adm -a -t "$XL_VIP:0" -r "$XL_NODE1:0" -i &&
	xl_adm -a -t "$XL_VIP:0" -r "$XL_NODE2:0" -i --tun-type gre --tun-nocsum &&
	xl_adm -A -t "[$JS_VIP6]:80" -s rr -p 300 -M 64 &&
	xl_adm -a -t "[$JS_VIP6]:80" -r "[$XL_NODE1_6]:80" -g -w 1 &&
	xl_adm -a -t "[$JS_VIP6]:80" -r "[$XL_NODE2_6]:80" -g -w 0 ||
		xl_fail "building the table failed"
	# Connections, counters and rates that are not all zero.
	xl_assert_eq "node1=6 node2=4" "$(xl_http 10 | xl_tally)" "10 HTTP requests"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 10 >/dev/null || xl_fail "udpask"
}

# js_same MODE ARGS...: `xlvsadm ARGS` and `xlvsadm ARGS --json` agree.
# The text is read before and after the JSON until both reads are the
# same (a rate estimate or an expiry may tick in between), at most 5 times.
js_same() {
	local mode=$1 i
	shift
	for ((i = 0; i < 5; i++)); do
		xl_adm "$@" >"$XL_TMP/a.txt" 2>&1 || xl_fail "xlvsadm $*: $(cat "$XL_TMP/a.txt")"
		xl_adm "$@" --json >"$XL_TMP/j.json" 2>&1 || xl_fail "xlvsadm $* --json: $(cat "$XL_TMP/j.json")"
		xl_adm "$@" >"$XL_TMP/b.txt" 2>&1
		[ "$mode" = conns ] && break	# expiries tick: compared with slack
		cmp -s "$XL_TMP/a.txt" "$XL_TMP/b.txt" && break
		sleep 0.3
	done
	echo "--- xlvsadm $*"
	cat "$XL_TMP/a.txt"
	python3 "$XL_ROOT/tests/e2e/json_vs_text.py" "$mode" "$XL_TMP/a.txt" "$XL_TMP/j.json" ||
		xl_fail "xlvsadm $* --json differs from the text (JSON: $(cat "$XL_TMP/j.json"))"
}

test_json_table() {
	js_same table -L -n
	# -n or not, the JSON's addresses are numbers.
	xl_adm -L --json >"$XL_TMP/names.json" || xl_fail "-L --json"
	cmp -s "$XL_TMP/j.json" "$XL_TMP/names.json" || xl_fail "-L --json without -n differs"
	# Every kind of real server is in it, named as -L names it.
	python3 - "$XL_TMP/j.json" <<-'EOF' || xl_fail "the JSON lacks a kind of server"
	import json, sys
	doc = json.load(open(sys.argv[1]))
	fwd = {r["forward"] for s in doc["services"] for r in s["servers"]}
	tun = {r["tunnel"]["type"] for s in doc["services"] for r in s["servers"] if r["tunnel"]}
	assert fwd == {"Route", "Masq", "Tunnel"}, fwd
	assert tun == {"ipip", "gue", "gre"}, tun
	assert len(doc["services"]) == 5, len(doc["services"])
	EOF
}

test_json_stats_and_rates() {
	js_same stats -L -n --stats --exact
	js_same rate -L -n --rate --exact
	# Both at once: each object has both.
	xl_adm -L -n --stats --rate --json >"$XL_TMP/both.json" || xl_fail "--stats --rate --json"
	python3 - "$XL_TMP/both.json" <<-'EOF' || xl_fail "--stats --rate --json lacks one"
	import json, sys
	doc = json.load(open(sys.argv[1]))
	for s in doc["services"]:
	    assert "stats" in s and "rates" in s, s
	    for r in s["servers"]:
	        assert "stats" in r and "rates" in r, r
	http = [s for s in doc["services"] if s["port"] == 80 and s["protocol"] == "TCP"
	        and ":" not in s["address"]][0]
	assert http["stats"]["conns"] == 10, http["stats"]
	EOF
}

test_json_server_columns() {
	js_same thresholds -L -n --thresholds
	js_same persistent-conn -L -n --persistent-conn
	js_same tun-info -L -n --tun-info
}

test_json_one_service() {
	local rc_t rc_j
	js_same service -L -n -t "$XL_VIP:443"
	js_same service -L -n -t "[$JS_VIP6]:80"
	# A service that is not there: the same message and status.
	xl_adm -L -n -t "$XL_VIP:81" >/dev/null 2>"$XL_TMP/t.err"; rc_t=$?
	xl_adm -L -n -t "$XL_VIP:81" --json >"$XL_TMP/j.out" 2>"$XL_TMP/j.err"; rc_j=$?
	xl_assert_eq "$rc_t $(cat "$XL_TMP/t.err")" "$rc_j $(cat "$XL_TMP/j.err")" \
		"a missing service, --json or not"
	[ "$rc_j" -ne 0 ] && [ ! -s "$XL_TMP/j.out" ] || xl_fail "a missing service printed JSON"
}

test_json_connections() {
	js_same conns -L -c -n
	python3 - "$XL_TMP/j.json" <<-EOF || xl_fail "-L -c --json: not the HTTP connections"
	import json, sys
	doc = json.load(open(sys.argv[1]))
	http = [c for c in doc["connections"] if c["protocol"] == "TCP"
	        and c["virtual"] == {"address": "$XL_VIP", "port": 80}]
	assert len(http) == 10, doc
	assert {c["destination"]["address"] for c in http} == {"$XL_NODE1", "$XL_NODE2"}
	assert all(c["client"]["address"] == "$XL_CLIENT" for c in http)
	EOF
}

test_json_timeout_and_refusals() {
	xl_adm --set 1000 100 200 || xl_fail "--set"
	js_same timeout -L --timeout
	# Not with -S, nor where -L refuses the same options without it.
	xl_adm -S -n --json >/dev/null 2>"$XL_TMP/err" && xl_fail "-S --json accepted"
	xl_assert_eq "Illegal 'json' option with the 'save' command" "$(cat "$XL_TMP/err")" "-S --json"
	xl_adm -L -c --stats --json >/dev/null 2>&1 && xl_fail "-L -c --stats --json accepted"
	xl_adm -L --json --json >/dev/null 2>&1 && xl_fail "--json twice accepted"
	return 0
}

# A namespace without a table: empty documents, and no table made.
test_json_no_table() {
	xl_ns_add empty
	xl_in empty "$XL_ADM_BIN" -L -n --json >"$XL_TMP/e.json" || xl_fail "-L --json with no table"
	xl_in empty "$XL_ADM_BIN" -L -c -n --json >"$XL_TMP/c.json" || xl_fail "-L -c --json with no table"
	python3 - "$XL_TMP/e.json" "$XL_TMP/c.json" <<-'EOF' || xl_fail "not empty documents"
	import json, sys
	t, c = (json.load(open(f)) for f in sys.argv[1:3])
	assert t == {"size": 1048576, "services": []}, t
	assert c == {"connections": []}, c
	EOF
	xl_in empty "$XL_ADM_BIN" -S -n | grep -q . && xl_fail "a table appeared"
	return 0
}
