# shellcheck shell=bash disable=SC2034
# kernel: plain IP forwarding through the director, no balancer: the
# client addresses the real servers themselves (both, evenly).  The
# ceiling for anything that goes through the director's kernel.
SYS_LABEL[kernel]="kernel forwarding (no LB)"

sys_kernel_setup() {
	S_UDP_DST="$B_RS1,$B_RS2"
	S_HTTP_TARGETS="$B_RS1 $B_RS2"
	S_IPERF_TARGET=$B_RS1
	b_dr_return off
}

sys_kernel_teardown() { :; }
