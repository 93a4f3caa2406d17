# shellcheck shell=bash disable=SC2034
# haproxy_rr, haproxy_lc: HAProxy in TCP mode on the director (one
# thread, on the director's CPU), a full proxy: the client talks to
# HAProxy's own address and HAProxy opens its own connection to a real
# server.  UDP does not apply.  iperf3 gets `balance source`.
SYS_LABEL[haproxy_rr]="HAProxy tcp roundrobin"
SYS_LABEL[haproxy_lc]="HAProxy tcp leastconn"
HAPROXY_PID=

sys_haproxy_start() {
	local balance=$1 conf=$B_RUN/haproxy.cfg
	S_UDP_DST=
	S_HTTP_TARGETS=$B_DIR_C
	S_IPERF_TARGET=$B_DIR_C
	b_dr_return off
	cat > "$conf" <<-CONF
	global
	    nbthread 1
	    maxconn 8000
	    log stderr format short local0 err
	defaults
	    mode tcp
	    log global
	    timeout connect 5s
	    timeout client 30s
	    timeout server 30s
	frontend web
	    bind $B_DIR_C:$B_HTTP_PORT backlog 4096
	    maxconn 8000
	    default_backend web
	backend web
	    balance $balance
	    server rs1 $B_RS1:$B_HTTP_PORT
	    server rs2 $B_RS2:$B_HTTP_PORT
	frontend perf
	    bind $B_DIR_C:$B_IPERF_PORT
	    default_backend perf
	backend perf
	    balance source
	    server rs1 $B_RS1:$B_IPERF_PORT
	    server rs2 $B_RS2:$B_IPERF_PORT
	CONF
	b_bg dir taskset -c "$B_DIR_CPU" haproxy -db -f "$conf"
	HAPROXY_PID=$B_LAST_PID
	b_wait_listen dir "$B_HTTP_PORT" || sys_fail "haproxy did not start" || return 1
}

sys_haproxy_stop() {
	[ -n "$HAPROXY_PID" ] && b_kill_pid "$HAPROXY_PID"
	HAPROXY_PID=
	return 0
}

sys_haproxy_rr_setup() { sys_haproxy_start roundrobin; }
sys_haproxy_rr_teardown() { sys_haproxy_stop; }
sys_haproxy_lc_setup() { sys_haproxy_start leastconn; }
sys_haproxy_lc_teardown() { sys_haproxy_stop; }
