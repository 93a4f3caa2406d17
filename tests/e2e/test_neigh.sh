# shellcheck shell=bash disable=SC2034,SC2015
# Real servers' link addresses: xlvsadm -a makes the director's kernel
# keep them resolved (a "managed" neighbour entry), so a real server whose
# MAC changes is followed as soon as the kernel learns the new one; an
# administrator's static entry is never touched.

NB_NEW_MAC=02:77:00:00:01:03	# node1's MAC after its "NIC swap"

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "xlvsadm --attach failed"
}

# nb_neigh ADDR: ha1's neighbour entry for ADDR, as `ip neigh show` prints it.
nb_neigh() {
	xl_in ha1 ip neigh show "$1" dev eth0
}

nb_mac() {
	xl_in "$1" cat /sys/class/net/eth0/address
}

test_neigh_follows_real_server_mac_change() {
	local old_mac i t0 t1 first='' entry
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 ||
		xl_fail "configuring the service failed"
	xl_assert_eq "node1=3" "$(xl_http 3 | xl_tally)" "3 requests before the change"
	old_mac=$(nb_mac node1)
	entry=$(nb_neigh "$XL_NODE1")
	[[ $entry == *"lladdr $old_mac "* ]] ||
		xl_fail "ha1's entry for node1 is '$entry', not node1's MAC $old_mac"

	# The NIC swap: a new MAC, and nothing else said to anyone.
	xl_in node1 ip link set dev eth0 address "$NB_NEW_MAC" ||
		xl_fail "cannot change node1's MAC"
	xl_assert_eq "$NB_NEW_MAC" "$(nb_mac node1)" "node1's new MAC"
	echo "after the swap: $(nb_neigh "$XL_NODE1"); a request: $(xl_http 1)"
	# node1 talks to the director once, as a host with a new NIC would
	# (no ping here: a TCP connection attempt to a closed port of ha1,
	# which ha1 refuses).  Changing the MAC flushed node1's neighbour
	# entries, so it first asks for ha1 by an ARP request that carries
	# the new MAC, and ha1's kernel takes the new MAC from it.
	xl_in node1 curl -s -o /dev/null --max-time 2 "http://$XL_HA1:1/"
	echo "after node1's contact: $(nb_neigh "$XL_NODE1")"
	t0=$(date +%s)
	for ((i = 0; i < 10; i++)); do
		[ "$(xl_http 1)" = node1 ] && { first=1; break; }
		t1=$(date +%s)
		((t1 - t0 < 10)) || break
		sleep 0.5
	done
	t1=$(date +%s)
	[ -n "$first" ] ||
		xl_fail "no request reached node1 within $((t1 - t0)) s of its" \
			"announcement; ha1's entry: $(nb_neigh "$XL_NODE1")"
	echo "node1 answered again after $((t1 - t0)) s"
	xl_assert_eq "node1=3" "$(xl_http 3 | xl_tally)" "3 requests after the change"
	entry=$(nb_neigh "$XL_NODE1")
	[[ $entry == *"lladdr $NB_NEW_MAC "* ]] ||
		xl_fail "ha1's entry for node1 is '$entry', not the new MAC"
}

test_neigh_managed_entry_and_static_entry() {
	local entry mac2 static
	xl_assert_eq "" "$(nb_neigh "$XL_NODE1")" "ha1's entry for node1 before -a"
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -A -u "$XL_VIP:53" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE1:80" -g -w 1 ||
		xl_fail "configuring the service failed"
	# Right after -a, before any traffic.
	entry=$(nb_neigh "$XL_NODE1")
	echo "after -a: $entry"
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "ha1's entry for node1 after -a is not managed: '$entry'"

	# The same server in a second service; deleting it from the first
	# keeps the entry, deleting it from the last removes it.
	xl_adm -a -u "$XL_VIP:53" -r "$XL_NODE1:53" -g -w 1 ||
		xl_fail "adding node1 to the UDP service failed"
	xl_adm -d -t "$XL_VIP:80" -r "$XL_NODE1:80" || xl_fail "-d from TCP failed"
	entry=$(nb_neigh "$XL_NODE1")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "node1's managed entry went while the UDP service uses it: '$entry'"
	xl_adm -d -u "$XL_VIP:53" -r "$XL_NODE1:53" || xl_fail "-d from UDP failed"
	xl_assert_eq "" "$(nb_neigh "$XL_NODE1")" \
		"ha1's entry for node1 after its last -d"

	# An administrator's permanent entry for node2 stays exactly as it is.
	mac2=$(nb_mac node2)
	xl_in ha1 ip neigh replace "$XL_NODE2" lladdr "$mac2" dev eth0 \
		nud permanent || xl_fail "cannot add a permanent entry"
	static=$(nb_neigh "$XL_NODE2")
	echo "administrator's entry: $static"
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 1 || xl_fail "-a node2 failed"
	xl_assert_eq "$static" "$(nb_neigh "$XL_NODE2")" \
		"the permanent entry for node2 after -a"
	xl_assert_eq "node2=2" "$(xl_http 2 | xl_tally)" \
		"2 requests through the permanent entry"
	xl_adm -d -t "$XL_VIP:80" -r "$XL_NODE2:80" || xl_fail "-d node2 failed"
	xl_assert_eq "$static" "$(nb_neigh "$XL_NODE2")" \
		"the permanent entry for node2 after -d"
}

# Real servers behind a gateway share the gateway's managed entry (and so
# do NAT's replies through it): deleting one of them, or all, or a server
# that is itself a route's gateway, never takes that entry away.
test_neigh_gateway_entry_outlives_its_servers() {
	local entry
	xl_in ha1 ip route add 10.77.9.0/24 via "$XL_NODE2" dev eth0 ||
		xl_fail "cannot add the route via node2"
	xl_adm -A -t "$XL_VIP:80" -s rr &&
	xl_adm -a -t "$XL_VIP:80" -r 10.77.9.1:80 -m -w 1 &&
	xl_adm -a -t "$XL_VIP:80" -r 10.77.9.2:80 -m -w 1 &&
	xl_adm -a -t "$XL_VIP:80" -r "$XL_NODE2:80" -g -w 1 ||
		xl_fail "configuring the service failed"
	entry=$(nb_neigh "$XL_NODE2")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "the gateway node2's entry is not managed after -a: '$entry'"
	xl_adm -d -t "$XL_VIP:80" -r 10.77.9.1:80 || xl_fail "-d 10.77.9.1 failed"
	entry=$(nb_neigh "$XL_NODE2")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "deleting a server behind node2 took node2's entry: '$entry'"
	xl_adm -d -t "$XL_VIP:80" -r "$XL_NODE2:80" || xl_fail "-d node2 failed"
	entry=$(nb_neigh "$XL_NODE2")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "deleting node2, a route's gateway, took its entry: '$entry'"
	xl_adm -d -t "$XL_VIP:80" -r 10.77.9.2:80 || xl_fail "-d 10.77.9.2 failed"
	entry=$(nb_neigh "$XL_NODE2")
	[[ " $entry " == *" managed "* ]] ||
		xl_fail "deleting the last server behind node2 took its entry: '$entry'"
}
