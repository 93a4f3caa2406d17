# conns_recount.awk: ipvsadm -L -n's ActiveConn/InActConn against a
# recount of ipvsadm -L -c -n's entries by IPVS's rule (tcp_state_active in
# ip_vs_proto_tcp.c, Linux 4.8+: a TCP entry in ESTABLISHED, SYN_SENT,
# SYN_RECV or SYNACK is active, every other entry inactive, UDP included).
#
#   awk -f conns_recount.awk LIST CONNS
#
# LIST is -L -n output, CONNS -L -c -n output.  Prints one line per real
# server, "PROTO VIP:PORT SERVER:PORT listed A I recounted A I", and a
# "mismatch ..." line for each that differs and for entries of a server
# LIST does not show.  Entries whose client port is 0 are persistence
# templates, which -L counts in neither column: skipped.
FNR == 1 { file++ }
file == 1 && ($1 == "TCP" || $1 == "UDP") { svc = $1 " " $2; next }
file == 1 && $1 == "->" && $2 != "RemoteAddress:Port" {
	key = svc " " $2
	listed[key] = $5 " " $6
	order[++n] = key
	next
}
file == 2 && ($1 == "TCP" || $1 == "UDP") && NF >= 6 {
	if ($4 ~ /:0$/) next
	key = $1 " " $5 " " $6
	if ($1 == "TCP" && ($3 == "ESTABLISHED" || $3 == "SYN_SENT" ||
			    $3 == "SYN_RECV" || $3 == "SYNACK"))
		act[key]++
	else
		inact[key]++
	seen[key] = 1
}
END {
	for (i = 1; i <= n; i++) {
		k = order[i]
		got = (act[k] + 0) " " (inact[k] + 0)
		printf "%s listed %s recounted %s\n", k, listed[k], got
		if (listed[k] != got)
			printf "mismatch %s: listed %s, recounted %s\n", k, listed[k], got
		delete seen[k]
	}
	for (k in seen)
		printf "mismatch %s: %d entries of a server -L does not list\n",
			k, act[k] + inact[k]
}
