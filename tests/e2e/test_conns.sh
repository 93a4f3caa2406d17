# shellcheck shell=bash disable=SC2034,SC2015
# The connection table as ipvsadm -L -c shows it, and the ActiveConn and
# InActConn counts that -L derives from it.

setup() {
	xl_cluster_up
	xl_adm --attach eth0 --conn-max 65536 || xl_fail "--attach failed"
	xl_seed_services
}

# cn_rows: the -L -c -n rows (no titles) as "proto state virtual dest".
cn_rows() {
	xl_adm -L -c -n | tail -n +3 | awk '{ print $1, $3, $5, $6 }' | sort
}

test_conns_listing_after_http_and_udp() {
	local out rows expire
	xl_assert_eq "node1=3 node2=2" "$(xl_http 5 | xl_tally)" "5 HTTP requests"
	xl_in client "$XL_UDPASK" "$XL_VIP" 53 5 >/dev/null ||
		xl_fail "UDP requests went unanswered"
	out=$(xl_adm -L -c -n) || xl_fail "-L -c -n failed"
	echo "$out"
	xl_assert_eq "IPVS connection entries" "$(sed -n 1p <<<"$out")" "first line"
	xl_assert_eq "pro expire state       source             virtual            destination" \
		"$(sed -n 2p <<<"$out")" "title line"
	rows=$(cn_rows)
	# Every HTTP connection was closed by the client: FIN_WAIT (DR sees
	# only the client's half, IPVS's INPUT-ONLY table).
	xl_assert_eq 3 "$(grep -c "^TCP FIN_WAIT $XL_VIP:80 $XL_NODE1:80\$" <<<"$rows")" \
		"TCP entries to node1"
	xl_assert_eq 2 "$(grep -c "^TCP FIN_WAIT $XL_VIP:80 $XL_NODE2:80\$" <<<"$rows")" \
		"TCP entries to node2"
	xl_assert_eq 3 "$(grep -c "^UDP UDP $XL_VIP:53 $XL_NODE1:53\$" <<<"$rows")" \
		"UDP entries to node1"
	xl_assert_eq 2 "$(grep -c "^UDP UDP $XL_VIP:53 $XL_NODE2:53\$" <<<"$rows")" \
		"UDP entries to node2"
	xl_assert_eq 10 "$(wc -l <<<"$rows")" "entries in all"
	# Expiry: FIN_WAIT 120 s and UDP 300 s, counting down (MM:SS).
	while read -r _ expire _; do
		[[ $expire =~ ^0[01]:[0-5][0-9]$|^02:00$ ]] ||
			xl_fail "a TCP entry expires in $expire, not within 02:00"
	done < <(xl_adm -L -c -n | grep '^TCP')
	while read -r _ expire _; do
		[[ $expire =~ ^0[0-4]:[0-5][0-9]$|^05:00$ ]] ||
			xl_fail "a UDP entry expires in $expire, not within 05:00"
	done < <(xl_adm -L -c -n | grep '^UDP')
	# Clients are the client's address, from distinct ports.
	xl_assert_eq 10 "$(xl_adm -L -c -n | tail -n +3 | awk '{ print $4 }' |
		grep -c "^$XL_CLIENT:")" "source addresses"
}

test_conns_counts_in_listing() {
	xl_http 5 >/dev/null
	# All five are FIN_WAIT: inactive, as IPVS counts them.
	xl_assert_eq "3 0 3 2 0 2" \
		"$(xl_adm -L -n | awk '/-> .*:80 / { printf "%s%s %s %s", sep, $4, $5, $6; sep = " " }')" \
		"weight, ActiveConn and InActConn of the HTTP real servers"
}
