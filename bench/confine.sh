# shellcheck shell=bash
# confine.sh: with BENCH_CONFINE=1, every other user-space task of the
# machine is moved to B_OTHER_CPU while the benchmark runs, and given back
# its own CPU mask at the end: the director's CPU (B_DIR_CPU) then runs the
# director's work and the kernel's, not a build or a test that shares the
# machine, so its busy time is the director's cost.  Kernel threads (the
# NAPI threads the benchmark pins, per-CPU workers) are left as they are;
# a task started during the run inherits its parent's mask (the confined
# one) and keeps it after.  Needs root.

B_CONFINED=()		# "pid mask" of every task moved

# b_is_kthread PID: true for a kernel thread (PF_KTHREAD in its flags).
b_is_kthread() {
	local stat flags
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	# After the command's ")": state is the 1st field, flags the 7th.
	flags=$(awk '{ print $7 }' <<<"${stat##*) }")
	(( (flags & 0x00200000) != 0 ))
}

b_confine_on() {
	local d pid mask
	[ "${BENCH_CONFINE:-0}" = 1 ] || return 0
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		b_is_kthread "$pid" && continue
		mask=$(taskset -p "$pid" 2>/dev/null) || continue
		mask=${mask##*: }
		taskset -a -p -c "$B_OTHER_CPU" "$pid" >/dev/null 2>&1 &&
			B_CONFINED+=("$pid $mask")
	done
	b_log "confined ${#B_CONFINED[@]} tasks to CPU $B_OTHER_CPU (BENCH_CONFINE=1)"
}

b_confine_off() {
	local e
	for e in "${B_CONFINED[@]}"; do
		taskset -a -p "${e#* }" "${e%% *}" >/dev/null 2>&1
	done
	B_CONFINED=()
}
