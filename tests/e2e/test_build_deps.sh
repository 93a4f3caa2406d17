# shellcheck shell=bash
# Building on a fresh machine (issue 12 item 1): `make` with a tool or a
# library missing stops before building anything, with one message that
# names everything missing and the command that installs it all
# (scripts/check-deps, run from the Makefile).  The tree is built into a
# build directory of the case's own, so nothing of the tree's build/ is
# used or touched.

# bd_path: a PATH directory ($XL_TMP/bin) holding every command of PATH
# but those named, as a machine without their packages would have.
bd_path() {
	local d f n
	mkdir -p "$XL_TMP/bin"
	IFS=: read -ra dirs <<<"$PATH"
	for d in "${dirs[@]}"; do
		[ -d "$d" ] || continue
		for f in "$d"/*; do
			n=${f##*/}
			[ -x "$f" ] || continue
			[ -e "$XL_TMP/bin/$n" ] && continue
			[[ " $* " == *" $n "* ]] && continue
			ln -s "$f" "$XL_TMP/bin/$n"
		done
	done
}

# bd_make GOAL...: make in the tree with the case's PATH and build
# directory; its output (stdout and stderr) in $XL_TMP/make.log.  With
# BD_NO_SBIN=1, /usr/sbin (and so /sbin) is emptied for it, in a mount
# namespace of its own: a machine without the bpftool package, where
# the Makefile would otherwise find /usr/sbin/bpftool outside PATH.
bd_make() {
	local rc=0 hide=
	[ "${BD_NO_SBIN:-}" = 1 ] && hide='mount -t tmpfs xlvs-no-sbin /usr/sbin &&'
	unshare -m sh -c "$hide"' exec "$@"' sh env PATH="$XL_TMP/bin" \
		make -C "$XL_ROOT" --no-print-directory \
		BUILD="$XL_TMP/build" "$@" >"$XL_TMP/make.log" 2>&1 || rc=$?
	echo "make $*: exit $rc" >&2
	sed 's/^/  | /' "$XL_TMP/make.log" >&2
	return "$rc"
}

# bd_one_message WORD...: make failed with a single line naming each WORD
# and the install command, and built nothing.
bd_one_message() {
	local w
	[ "$(wc -l <"$XL_TMP/make.log")" -eq 1 ] ||
		xl_fail "want one line from make, got $(wc -l <"$XL_TMP/make.log")"
	grep -q 'Install them all with: sudo make deps' "$XL_TMP/make.log" ||
		xl_fail "the message does not say how to install what is missing"
	for w in "$@"; do
		grep -qF -- "$w" "$XL_TMP/make.log" || xl_fail "the message does not name $w"
	done
	grep -q 'not found' "$XL_TMP/make.log" && xl_fail "a command was run that is not there"
	[ ! -e "$XL_TMP/build" ] || xl_fail "make built something before it stopped"
	return 0
}

# A fresh machine without bpftool: the seed's `make` failed with
# "/bin/sh: 1: bpftool: not found" after compiling.
test_build_deps_no_bpftool() {
	local BD_NO_SBIN=1
	bd_path bpftool
	bd_make && xl_fail "make succeeded without bpftool"
	bd_one_message "bpftool (package bpftool)"
	# The same for the other goals that build.
	bd_make test-build fuzz-build && xl_fail "make test-build succeeded without bpftool"
	bd_one_message "bpftool (package bpftool)"
	bd_make install PREFIX="$XL_TMP/prefix" && xl_fail "make install succeeded without bpftool"
	bd_one_message "bpftool (package bpftool)"
	[ ! -e "$XL_TMP/prefix" ] || xl_fail "make install installed something"
}

# Several things at once, tools and a library: all in the one message.
# The library is taken away by a compiler that cannot link it (as ld
# says when its -dev package is missing).
test_build_deps_many() {
	local BD_NO_SBIN=1
	bd_path bpftool clang cc
	cat >"$XL_TMP/bin/cc" <<-'EOF'
	#!/bin/sh
	for a in "$@"; do
		[ "$a" = -lmnl ] && { echo "/usr/bin/ld: cannot find -lmnl" >&2; exit 1; }
	done
	exec gcc "$@"
	EOF
	chmod +x "$XL_TMP/bin/cc"
	bd_make all && xl_fail "make succeeded without bpftool, clang and libmnl"
	bd_one_message "bpftool (package bpftool)" "clang (package clang)" \
		"libmnl (package libmnl-dev)"
	# The test runner is asked for only by the goals that link it.
	grep -q cmocka "$XL_TMP/make.log" && xl_fail "cmocka named for make all"
	return 0
}

# bpftool installed where Debian puts it, /usr/sbin, and a user's PATH
# without /usr/sbin (Debian's default for users): make finds it.
test_build_deps_bpftool_outside_path() {
	[ -x /usr/sbin/bpftool ] || xl_fail "this case needs /usr/sbin/bpftool (scripts/install-deps)"
	bd_path bpftool
	bd_make -n all || xl_fail "make -n all failed with bpftool in /usr/sbin only"
	grep -q '^/usr/sbin/bpftool btf dump' "$XL_TMP/make.log" ||
		xl_fail "make does not run /usr/sbin/bpftool"
	[ ! -e "$XL_TMP/build" ] || xl_fail "make -n built something"
}

# Where everything is there the check says nothing and lets make go on:
# the test and fuzz goals' extra libraries too.
test_build_deps_all_present() {
	local out
	out=$(cd "$XL_ROOT" && scripts/check-deps --test --fuzz 2>&1) ||
		xl_fail "check-deps failed here: $out"
	[ -z "$out" ] || xl_fail "check-deps printed: $out"
	make -s -C "$XL_ROOT" -n all >/dev/null 2>"$XL_TMP/err" ||
		xl_fail "make -n all: $(cat "$XL_TMP/err")"
	# make deps runs the installer's build set, without the check.
	env PATH="/nonexistent" /usr/bin/make -s -C "$XL_ROOT" -n deps 2>&1 |
		grep -qx 'scripts/install-deps --build' || xl_fail "make deps does not run install-deps --build"
}
