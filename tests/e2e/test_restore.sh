# shellcheck shell=bash disable=SC2034,SC2015
# -R as one change (issue 8 item 5): the difference between the running
# table and the one the input describes is all that is made.  A reload that
# repeats the running table (-S, then -C and the whole table back) changes
# nothing traffic sees: rr goes on where it was, the counters are not
# zeroed, the connections and counts stay.  A changed table is edited in
# place; a bad input changes nothing and names its line.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 || xl_fail "attach failed"
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 1 &&
	xl_adm -A -u "$XL_VIP:53" -s wrr &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 3 &&
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE2:53" -g -w 2 ||
		xl_fail "configuring the services failed"
}

# rs_restore FILE: xlvsadm -R <FILE, what it says it did in $XL_TMP/report.
rs_restore() {
	XLVS_RESTORE_REPORT=1 xl_adm -R <"$1" 2>"$XL_TMP/report" ||
		xl_fail "-R of $1 failed: $(cat "$XL_TMP/report")"
	cat "$XL_TMP/report"
}

# What listings show of the table: counters, counts, connections.
rs_state() {
	xl_adm -L -n --stats --exact && xl_adm -L -n && xl_adm -L -n -c
}

test_restore_repeating_the_table_changes_nothing() {
	local last next
	last=$(xl_http 1)
	[ "$last" = node1 ] || [ "$last" = node2 ] || xl_fail "no answer: $last"
	xl_adm -S -n >"$XL_TMP/saved" || xl_fail "-S failed"
	{ echo "-C"; cat "$XL_TMP/saved"; } >"$XL_TMP/reload"
	rs_state >"$XL_TMP/before" || xl_fail "listing failed"
	rs_restore "$XL_TMP/reload"
	grep -q "services 0 added, 0 edited, 0 deleted, 2 untouched; real servers 0 added, 0 edited, 0 deleted, 4 untouched" \
		"$XL_TMP/report" || xl_fail "-R touched something: $(cat "$XL_TMP/report")"
	rs_state >"$XL_TMP/after" || xl_fail "listing failed"
	# The connection's expiry may have ticked: compare without it.
	sed -i 's/^\(TCP\|UDP\) [0-9:]* /\1 /' "$XL_TMP/before" "$XL_TMP/after"
	xl_assert_same_file "$XL_TMP/before" "$XL_TMP/after" \
		"counters, counts and connections after -C and -R of the table itself"
	xl_adm -S -n >"$XL_TMP/resaved" || xl_fail "-S failed"
	xl_assert_same_file "$XL_TMP/saved" "$XL_TMP/resaved" "-S -n after -R"
	# rr goes on: the next request takes the other server.  Rebuilt, the
	# service would start again at the head of its list (node2, the newest),
	# which one request had already taken.
	next=$(xl_http 1)
	[ "$next" != "$last" ] && [ "$next" != none ] ||
		xl_fail "rr did not go on across -R: $last, then $next"
	xl_assert_eq "$last $next $last $next " "$(xl_http 4 | tr '\n' ' ')" \
		"rr's next 4 requests"
	xl_adm -L -n --stats --exact | grep -q "^TCP  $XL_VIP:80 *6 " ||
		xl_fail "the service's connection counter was reset: $(xl_adm -L -n --stats --exact)"
}

# A changed table, with -C: one weight edited, one server removed, a
# service added; what did not change is not touched.  Then, without -C,
# the input's commands on the running table: a -D and -A that put back
# what was there touch nothing.
test_restore_applies_only_the_difference() {
	local before after
	xl_http 2 >/dev/null
	cat >"$XL_TMP/new" <<EOF
-C
-A -t $XL_VIP:80 -s rr
-a -t $XL_VIP:80 -r $XL_NODE1:80 -g -w 1
-a -t $XL_VIP:80 -r $XL_NODE2:80 -g -w 1
-A -u $XL_VIP:53 -s wrr
-a -u $XL_VIP:53 -r $XL_NODE1:53 -g -w 5
-A -t $XL_VIP:8080 -s wlc
-a -t $XL_VIP:8080 -r $XL_NODE2:8080 -g -w 1
EOF
	before=$(xl_adm -L -n --stats --exact | grep "^TCP  $XL_VIP:80 ")
	rs_restore "$XL_TMP/new"
	grep -q "services 1 added, 0 edited, 0 deleted, 2 untouched; real servers 1 added, 1 edited, 1 deleted, 2 untouched" \
		"$XL_TMP/report" || xl_fail "unexpected difference: $(cat "$XL_TMP/report")"
	xl_adm -S -n | sort >"$XL_TMP/got" || xl_fail "-S failed"
	grep -v '^-C' "$XL_TMP/new" | sort >"$XL_TMP/want"
	xl_assert_same_file "$XL_TMP/want" "$XL_TMP/got" "-S -n after -R"
	after=$(xl_adm -L -n --stats --exact | grep "^TCP  $XL_VIP:80 ")
	xl_assert_eq "$before" "$after" "the untouched service's counters"
	xl_assert_eq "node1 node2 " "$(xl_http 2 | sort | tr '\n' ' ')" \
		"2 requests to the untouched rr service"
	cat >"$XL_TMP/edit" <<EOF
-e -u $XL_VIP:53 -r $XL_NODE1:53 -g -w 2
-D -t $XL_VIP:8080
-A -t $XL_VIP:8080 -s wlc
-a -t $XL_VIP:8080 -r $XL_NODE2:8080 -g -w 1
EOF
	rs_restore "$XL_TMP/edit"
	grep -q "services 0 added, 0 edited, 0 deleted, 3 untouched; real servers 0 added, 1 edited, 0 deleted, 3 untouched" \
		"$XL_TMP/report" || xl_fail "unexpected difference: $(cat "$XL_TMP/report")"
	xl_adm -S -n | grep -q -- "-a -u $XL_VIP:53 -r $XL_NODE1:53 -g -w 2" ||
		xl_fail "the weight was not edited: $(xl_adm -S -n)"
}

# rs_bad_case LINE...: an input of these lines fails, names a line, and
# leaves the table as it was.
rs_bad_case() {
	local rc
	printf '%s\n' "$@" >"$XL_TMP/bad"
	xl_adm -R <"$XL_TMP/bad" 2>"$XL_TMP/err"
	rc=$?
	echo "-R of: $* -> $rc: $(cat "$XL_TMP/err")"
	((rc != 0)) || xl_fail "-R accepted: $*"
	grep -q "stdin:[0-9]*: this line would fail; nothing was restored" "$XL_TMP/err" ||
		xl_fail "no line number: $(cat "$XL_TMP/err")"
	xl_adm -S -n >"$XL_TMP/after" || xl_fail "-S failed"
	xl_assert_same_file "$XL_TMP/before" "$XL_TMP/after" "the table after -R of: $*"
}

# As ipvsadm -R would fail on them (Service already exists, Service not
# defined), with or without -C; thresholds IPVS refuses.  Any
# of them and nothing changes.
test_restore_bad_input_changes_nothing() {
	xl_adm -S -n >"$XL_TMP/before" || xl_fail "-S failed"
	rs_bad_case "-C" "-A -t $XL_VIP:80 -s rr" "-A -t $XL_VIP:80 -s rr"
	grep -q "^Service already exists" "$XL_TMP/err" || xl_fail "no ipvsadm message"
	rs_bad_case "-A -t $XL_VIP:80 -s rr"
	rs_bad_case "-C" "-a -t $XL_VIP:81 -r $XL_NODE1:81 -g"
	grep -q "^Service not defined" "$XL_TMP/err" || xl_fail "no ipvsadm message"
	rs_bad_case "-C" "-A -t $XL_VIP:80 -s rr" "-a -t $XL_VIP:80 -r $XL_NODE1:80 -m -w 1 -y 5"
	grep -q "^The lower threshold (-y 5) must not be above" "$XL_TMP/err" ||
		xl_fail "-y not named: $(cat "$XL_TMP/err")"
	grep -q "stdin:3:" "$XL_TMP/err" || xl_fail "not line 3: $(cat "$XL_TMP/err")"
}
