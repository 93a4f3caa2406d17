# shellcheck shell=bash disable=SC2034,SC1111
# What test_healthd.sh and test_healthd_ops.sh share: the seed's
# ldirectord.cf with its addresses made real, and reading the real servers'
# weights and the daemon's log.

XL_HD_BIN=${XL_HD_BIN:-$XL_ROOT/build/bin/xlvs-healthd}

# hd_conf FILE [CHECKTYPE [RECEIVE [GLOBAL...]]]: the seed's file (its
# typographic quotes too), its addresses real, checktype (the seed's
# connect) and receive (“Test Page”) as given, GLOBAL lines added
# ("quiescent=no"); HD_NODES (default "1 2") says which real= lines.
hd_conf() {
	local file=$1 ct=${2:-connect} rcv=${3:-“Test Page”} global="" reals="" n
	shift $(($# < 3 ? $# : 3))
	for line in "$@"; do global+="$line"$'\n'; done
	for n in ${HD_NODES:-1 2}; do
		case $n in
		1) reals+="        real=$XL_NODE1:80 gate 3"$'\n' ;;
		2) reals+="        real=$XL_NODE2:80 gate 2"$'\n' ;;
		esac
	done
	cat >"$file" <<-EOF
	checktimeout=3
	checkinterval=1
	fallback=127.0.0.1:80 gate
	logfile=“$XL_TMP/ldirectord.log”
	quiescent=yes
	${global}virtual=$XL_VIP:80
	${reals}        service=http
	        checkport=80
	        checktype=$ct
	        request=“index.html”
	        receive=$rcv
	        scheduler=wlc
	        #persistent=600
	EOF
}

# hd_weight ADDR: the weight of real server ADDR:80 in the VIP's service,
# "none" when it is not in the table.
hd_weight() {
	local w
	w=$(xl_adm -L -n | awk -v a="$1:80" '$1 == "->" && $2 == a { print $4 }')
	echo "${w:-none}"
}

# hd_wait_weight ADDR WANT MS: bounded wait until ADDR's weight is WANT;
# prints the milliseconds it took; 1 on timeout.
hd_wait_weight() {
	local t0 now
	t0=$(date +%s%3N)
	while :; do
		now=$(date +%s%3N)
		[ "$(hd_weight "$1")" = "$2" ] && { echo $((now - t0)); return 0; }
		((now - t0 > $3)) && return 1
		sleep 0.1
	done
}

# hd_log_has TEXT [LOG]: TEXT is in the daemon's log (default
# $XL_TMP/hd.log).
hd_log_has() {
	grep -qF -- "$1" "${2:-$XL_TMP/hd.log}" ||
		xl_fail "not logged: \"$1\"; the log: $(tail -20 "${2:-$XL_TMP/hd.log}")"
}

# hd_up_both: node1 at weight 3 and node2 at 2 within 5 s.
hd_up_both() {
	hd_wait_weight "$XL_NODE1" 3 5000 >/dev/null &&
	hd_wait_weight "$XL_NODE2" 2 5000 >/dev/null ||
		xl_fail "servers not up after start: $(xl_adm -L -n); $(cat "$XL_TMP/ldirectord.log" "$XL_TMP/hd.log" 2>&1 | tail -30)"
}
