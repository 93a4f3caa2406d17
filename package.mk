# make package: the Debian package (debian/), built by dpkg-buildpackage
# -us -uc -b in a copy of the source tree under build/pkg/ (so neither the
# tree nor its parent directory gets debhelper's files), then checked by
# lintian.  The .deb is build/pkg/xlvs_VERSION_ARCH.deb.
#
# PKG_REUSE_BUILD=1 (tests/e2e/test_package.sh) also copies build/, whose
# objects make then finds up to date, and skips the pre-build clean: the
# packaging without the 2-3 minute compile (the objects keep the flags
# they were built with, not dpkg-buildflags' hardening) and without the
# -dbgsym package.
PKG_DIR := $(BUILD)/pkg
PKG_SRC := $(PKG_DIR)/xlvs

package:
	rm -rf $(PKG_DIR) && mkdir -p $(PKG_SRC)
	git ls-files -co --exclude-standard | grep -v '^build/' | \
		tar -cf - -T - | tar -xf - -C $(PKG_SRC)
	if [ "$(PKG_REUSE_BUILD)" = 1 ]; then \
		tar -cf - --exclude=./pkg --exclude=./fuzz -C $(BUILD) . | \
			(mkdir -p $(PKG_SRC)/build && tar -xf - -C $(PKG_SRC)/build); \
	fi
	cd $(PKG_SRC) && $(if $(filter 1,$(PKG_REUSE_BUILD)),DEB_BUILD_OPTIONS="noautodbgsym nocheck") \
		dpkg-buildpackage -us -uc -b \
		$(if $(filter 1,$(PKG_REUSE_BUILD)),-nc) >../build.log 2>&1 || \
		{ tail -n 40 ../build.log; exit 1; }
	lintian --fail-on error $(PKG_DIR)/xlvs_*.changes
	@ls $(PKG_DIR)/*.deb

.PHONY: package
