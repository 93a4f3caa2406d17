# shellcheck shell=bash disable=SC2034,SC2015
# e2e: alone (dpkg installs on this machine)
# The Debian package (debian/, issue 12 item 4): built by `make package`
# with PKG_REUSE_BUILD=1 (the tree's up-to-date objects copied in, so
# dpkg-buildpackage and lintian run without the full compile; `make
# package` alone does the full build, 3 minutes here), lintian without
# errors, installed on this machine (dpkg -i), `xlvsadm -L -n` in a
# namespace of the test's own, nothing enabled or started, then purged:
# every file it installed, and what xlvs wrote under /etc, gone.
# Skipped (failed, with the reason) where an xlvs package is installed
# already: the test never removes a package it did not install.

PK_DEB=
PK_RULES=		# /etc/xlvs/rules, once the case wrote it

pk_purge() {
	if dpkg-query -W -f='${Status}' xlvs 2>/dev/null | grep -q 'installed\|config-files'; then
		dpkg --purge xlvs >"$XL_TMP/purge.log" 2>&1
	fi
	# A purge that failed to remove it must not leave the case's file.
	if [ -n "$PK_RULES" ]; then
		rm -f "$PK_RULES"
		rmdir /etc/xlvs 2>/dev/null
	fi
	return 0
}

setup() {
	if dpkg-query -W -f='${Status}' xlvs 2>/dev/null | grep -q 'installed\|config-files'; then
		xl_fail "an xlvs package is installed on this machine already: not touching it"
	fi
	# Nor an admin's files of a `make install` (the purge would take them).
	for f in /etc/xlvs /etc/default/xlvs /usr/sbin/xlvsadm; do
		[ -e "$f" ] && xl_fail "$f exists (xlvs installed by hand?): not touching it"
	done
	command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null &&
		command -v lintian >/dev/null ||
		xl_fail "dpkg-dev, debhelper or lintian missing: scripts/install-deps"
	make -s -C "$XL_ROOT" package PKG_REUSE_BUILD=1 BUILD="$XL_ROOT/build" \
		>"$XL_TMP/package.log" 2>&1 ||
		xl_fail "make package failed: $(tail -n 40 "$XL_TMP/package.log")"
	PK_DEB=$(compgen -G "$XL_ROOT/build/pkg/xlvs_*_amd64.deb" | head -1)
	[ -n "$PK_DEB" ] || xl_fail "no xlvs_*.deb: $(cat "$XL_TMP/package.log")"
	# Purged whatever way the case ends.
	trap 'pk_purge; xl_cleanup; rm -rf "$XL_TMP"' EXIT
}

test_package_install_run_purge() {
	local f left=() deps
	grep -E '^(E|W): ' "$XL_TMP/package.log" | grep '^E:' && xl_fail "lintian errors"
	deps=$(dpkg-deb -f "$PK_DEB" Depends)
	for lib in libbpf1 libc6 libevent-2.1-7 libssl3 libmnl0 libjansson4; do
		[[ $deps == *"$lib "* ]] || xl_fail "Depends lacks $lib (shlibs): $deps"
	done
	[ "$(dpkg-deb -f "$PK_DEB" Package)" = xlvs ] || xl_fail "not the xlvs package"
	for f in /etc/default/xlvs /etc/default/xlvs-exporter; do
		dpkg-deb --ctrl-tarfile "$PK_DEB" | tar -xOf - ./conffiles | grep -qx "$f" ||
			xl_fail "$f is not a conffile"
	done
	dpkg -i "$PK_DEB" >"$XL_TMP/install.log" 2>&1 || xl_fail "dpkg -i failed: $(cat "$XL_TMP/install.log")"
	dpkg -L xlvs >"$XL_TMP/files"
	for f in /usr/sbin/xlvsadm /usr/sbin/xlvs-healthd /usr/sbin/xlvs-failoverd \
		/usr/sbin/xlvs-realserver /usr/sbin/xlvs-exporter /usr/libexec/xlvs/xlvs-table \
		/etc/default/xlvs /etc/default/xlvs-exporter \
		/lib/systemd/system/xlvs.service /lib/systemd/system/xlvs-healthd@.service \
		/lib/systemd/system/xlvs-failoverd.service /lib/systemd/system/xlvs-realserver.service \
		/lib/systemd/system/xlvs-exporter.service \
		/usr/share/doc/xlvs/examples/ldirectord.cf; do
		grep -qx "$f" "$XL_TMP/files" && [ -e "$f" ] || xl_fail "$f not installed"
	done
	# Every man page, compressed by dh_compress, and found by man.
	for f in "$XL_ROOT"/man/*.[578]; do
		f=${f##*/}
		grep -qx "/usr/share/man/man${f##*.}/$f.gz" "$XL_TMP/files" ||
			xl_fail "man page $f not in the package"
		[ "$(man -w "${f##*.}" "${f%.*}")" = "/usr/share/man/man${f##*.}/$f.gz" ] ||
			xl_fail "man ${f##*.} ${f%.*} does not find the package's page"
	done
	# Nothing enabled: no unit of ours wanted by any target.
	compgen -G '/etc/systemd/system/*.wants/xlvs*' >/dev/null &&
		xl_fail "the package enabled a unit: $(compgen -G '/etc/systemd/system/*.wants/xlvs*')"
	for f in /lib/systemd/system/xlvs*.service; do
		systemd-analyze verify --man=no "$f" 2>&1 | grep -F "${f##*/}" &&
			xl_fail "verify of the installed ${f##*/}"
	done
	# The installed program, in a namespace of the test's own.
	xl_ns_add pkg
	xl_in pkg /usr/sbin/xlvsadm -L -n >"$XL_TMP/list" 2>&1 || xl_fail "xlvsadm -L -n: $(cat "$XL_TMP/list")"
	head -1 "$XL_TMP/list" | grep -q '^IP Virtual Server version' || xl_fail "xlvsadm -L -n: $(cat "$XL_TMP/list")"
	cat "$XL_TMP/list"
	xl_in pkg /usr/sbin/xlvs-healthd -t /usr/share/doc/xlvs/examples/ldirectord.cf ||
		xl_fail "the installed example ldirectord.cf does not check"
	# What xlvs writes under /etc goes at purge too.
	PK_RULES=/etc/xlvs/rules
	printf -- '-A -t 192.0.2.100:80 -s rr\n' >"$PK_RULES"
	dpkg --purge xlvs >"$XL_TMP/purge.log" 2>&1 || xl_fail "dpkg --purge failed: $(cat "$XL_TMP/purge.log")"
	dpkg-query -W xlvs >/dev/null 2>&1 && xl_fail "xlvs still known to dpkg after purge"
	while read -r f; do
		[ -d "$f" ] && continue		# shared directories (/usr/sbin ...)
		[ -e "$f" ] || [ -L "$f" ] && left+=("$f")
	done <"$XL_TMP/files"
	[ -e /etc/xlvs ] && left+=(/etc/xlvs)
	[ -e /usr/libexec/xlvs ] && left+=(/usr/libexec/xlvs)
	[ -e /usr/share/doc/xlvs ] && left+=(/usr/share/doc/xlvs)
	[ ${#left[@]} -eq 0 ] || xl_fail "left after purge: ${left[*]}"
	echo "installed $(wc -l <"$XL_TMP/files") paths, purged them all"
}
