# shellcheck shell=bash
# The man pages (man/, issue 12 item 2): one for every program and every
# file format, `mandoc -Tlint` and `groff -ww` clean, installed by `make
# install`; and each program's options the same in its parser, its
# --help and its page (man_options.py), which must notice an option added
# to a parser and not to the page.

MP_PAGES="xlvs.7 xlvsadm.8 xlvs-healthd.8 xlvs-failoverd.8 xlvs-realserver.8
xlvs-exporter.8 xlvs-ldirectord.cf.5 xlvs-ha.cf.5 xlvs-haresources.5 xlvs-authkeys.5"

# mp_manpath DIR: man/ laid out as a man directory (manN/) with its
# mandoc.db, so that mandoc resolves our pages' references to each other.
mp_manpath() {
	local f
	for f in "$XL_ROOT"/man/*.[578]; do
		mkdir -p "$1/man${f##*.}"
		cp "$f" "$1/man${f##*.}/"
	done
	makewhatis "$1" || xl_fail "makewhatis $1 failed"
}

test_manpages_lint() {
	local p f out ref name bad=0
	command -v mandoc >/dev/null || xl_fail "mandoc missing: scripts/install-deps"
	for p in $MP_PAGES; do
		[ -e "$XL_ROOT/man/$p" ] || xl_fail "no man/$p"
	done
	for f in "$XL_ROOT"/man/*; do
		[[ " ${MP_PAGES//$'\n'/ } " == *" ${f##*/} "* ]] || xl_fail "man/${f##*/}: not a page this test knows"
	done
	mp_manpath "$XL_TMP/man"
	# Every message counts, STYLE ones too, but a reference to another
	# package's page (ipvsadm(8), ldirectord(8), heartbeat's) that this
	# machine does not have installed; ours must all resolve.
	out=$(cd "$XL_ROOT/man" && MANPATH="$XL_TMP/man:/usr/share/man" mandoc -Tlint ./*.[578] 2>&1)
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		case $line in
		*"outdated mandoc.db"*) continue ;;
		*"referenced manual not found: Xr "*)
			ref=${line##*Xr }
			ref=${ref%% (*}
			name="${ref% *}.${ref#* }"
			if [ ! -e "$XL_ROOT/man/$name" ]; then
				echo "not installed here (another package's): $ref"
				continue
			fi ;;
		esac
		echo "lint: $line"
		bad=1
	done <<<"$out"
	[ "$bad" = 0 ] || xl_fail "mandoc -Tlint is not clean"
	# groff, which man-db renders with, warns about nothing either.
	out=$(cd "$XL_TMP" && groff -ww -mandoc -Tutf8 -z "$XL_ROOT"/man/*.[578] 2>&1)
	[ -z "$out" ] || xl_fail "groff -ww: $out"
	# The plain statement the issue asks for: balanced traffic skips
	# netfilter.
	if ! grep -q 'never see' "$XL_ROOT/man/xlvs.7" || ! grep -q 'INPUT' "$XL_ROOT/man/xlvs.7"; then
		xl_fail "xlvs(7) does not say that netfilter's INPUT rules no longer see balanced traffic"
	fi
	echo "lint clean: $MP_PAGES" | tr '\n' ' '
	echo
}

# The parser, --help and the page of every program name the same options.
test_manpages_options() {
	local p
	for p in xlvsadm xlvs-healthd xlvs-failoverd xlvs-realserver xlvs-exporter; do
		[ -x "$XL_ROOT/build/bin/$p" ] || xl_fail "build/bin/$p not built"
	done
	python3 "$XL_ROOT/tests/e2e/man_options.py" --root "$XL_ROOT" check ||
		xl_fail "option lists differ (above)"
}

# mp_copy: the parsers and the pages in a tree of the case's own.
mp_copy() {
	rm -rf "$XL_TMP/root"
	mkdir -p "$XL_TMP/root"
	(cd "$XL_ROOT" && cp -r --parents man xlvsadm/options.c healthd/cli.c \
		failoverd/cli.c realserver/options.c realserver/main.c exporter/cli.c \
		"$XL_TMP/root/")
}

# mp_must_notice FILE OPTION: after the edit to FILE (in the copy), the
# check fails and names OPTION.
mp_must_notice() {
	local out
	out=$(python3 "$XL_ROOT/tests/e2e/man_options.py" --root "$XL_TMP/root" --no-help check 2>&1) &&
		xl_fail "an option added to $1 and not to its page went unnoticed: $out"
	grep -q -- "parsed by the code but not in man/.*$2" <<<"$out" ||
		xl_fail "the check failed without naming $2: $out"
	echo "$1: $2 noticed"
}

# One new option in each parser's own style: a struct option entry, a
# getopt letter, a hand-written long option, a hand-written short one.
test_manpages_options_notice_new() {
	local out m=tests/e2e/man_options.py
	mp_copy
	python3 "$XL_ROOT/$m" --root "$XL_TMP/root" --no-help check >/dev/null ||
		xl_fail "the unchanged copy does not pass"

	sed -i 's|^\t{ "sysctl", no_argument, NULL, LONG_SYSCTL },|&\n\t{ "frobnicate", no_argument, NULL, LONG_SYSCTL },|' \
		"$XL_TMP/root/xlvsadm/options.c"
	mp_must_notice xlvsadm/options.c --frobnicate
	mp_copy
	sed -i 's|"+c:n:dth"|"+c:n:dthq"|' "$XL_TMP/root/failoverd/cli.c"
	mp_must_notice failoverd/cli.c -q
	mp_copy
	sed -i 's|if (!strcmp(a, "--supervised"))|if (!strcmp(a, "--frobnicate")) { continue; }\n\t\t&|' \
		"$XL_TMP/root/healthd/cli.c"
	mp_must_notice healthd/cli.c --frobnicate
	mp_copy
	sed -i "s|case 'v': o->cmd = HD_CMD_VERSION; break;|&\n\t\t\tcase 'q': break;|" \
		"$XL_TMP/root/healthd/cli.c"
	mp_must_notice healthd/cli.c -q
	mp_copy
	sed -i 's|"--persist", "--state", "--config" };|"--persist", "--state", "--config", "--frobnicate" };|' \
		"$XL_TMP/root/realserver/options.c"
	mp_must_notice realserver/options.c --frobnicate
	# And a page that lists an option the code does not have.
	mp_copy
	sed -i 's|^\.It Fl -unload$|.It Fl -frobnicate\nNothing.\n&|' "$XL_TMP/root/man/xlvsadm.8"
	out=$(python3 "$XL_ROOT/$m" --root "$XL_TMP/root" --no-help check 2>&1) &&
		xl_fail "an option only in xlvsadm(8) went unnoticed"
	grep -q 'in man/xlvsadm.8 but not parsed by the code: --frobnicate' <<<"$out" ||
		xl_fail "the check failed without naming --frobnicate: $out"
}

# make install puts every page where man finds it, and uninstall takes
# them away.
test_manpages_install() {
	local d=$XL_TMP/dest p
	make -s -C "$XL_ROOT" install DESTDIR="$d" PREFIX=/usr >"$XL_TMP/install.log" 2>&1 ||
		xl_fail "make install: $(cat "$XL_TMP/install.log")"
	for p in $MP_PAGES; do
		[ -f "$d/usr/share/man/man${p##*.}/$p" ] || xl_fail "$p not installed"
		[ "$(MANPATH="$d/usr/share/man" man -w "${p##*.}" "${p%.*}")" = \
			"$d/usr/share/man/man${p##*.}/$p" ] || xl_fail "man does not find the installed $p"
	done
	# The units name only pages that are there.
	MANPATH="$d/usr/share/man" man -w xlvs-ha.cf >/dev/null || xl_fail "no xlvs-ha.cf(5)"
	make -s -C "$XL_ROOT" uninstall DESTDIR="$d" PREFIX=/usr >>"$XL_TMP/install.log" 2>&1 ||
		xl_fail "make uninstall: $(cat "$XL_TMP/install.log")"
	for p in $MP_PAGES; do
		[ ! -e "$d/usr/share/man/man${p##*.}/$p" ] || xl_fail "$p left after uninstall"
	done
	echo "installed and removed: $MP_PAGES" | tr '\n' ' '
}
