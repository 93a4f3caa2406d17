# make install (included by the Makefile): programs, man pages, systemd
# units, xlvs.service's helper, its and xlvs-exporter.service's settings,
# example configurations.
# PREFIX (/usr/local) and DESTDIR are honoured; the units name the
# programs where they were installed.  The configuration stays in /etc
# whatever PREFIX is, as the units and the programs read it there.
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/xlvs
# systemd reads units from /usr/local/lib/systemd/system too.
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc

progs: $(PROGS)

UNITS      := $(wildcard systemd/*.service)
# man/NAME.SECTION, mdoc: every page there (test_manpages.sh lists them).
MANPAGES   := $(wildcard man/*.[578])
EXAMPLES   := $(wildcard examples/*)
SUBST      := sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@LIBEXECDIR@|$(LIBEXECDIR)|g'

install: progs
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(PROGS) $(DESTDIR)$(SBINDIR)/
	install -d $(DESTDIR)$(LIBEXECDIR)/xlvs
	$(SUBST) systemd/xlvs-table > $(DESTDIR)$(LIBEXECDIR)/xlvs/xlvs-table
	chmod 0755 $(DESTDIR)$(LIBEXECDIR)/xlvs/xlvs-table
	install -d $(DESTDIR)$(UNITDIR)
	for u in $(UNITS); do \
		$(SUBST) $$u > $(DESTDIR)$(UNITDIR)/$${u#systemd/} || exit 1; \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$${u#systemd/}; \
	done
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -d $(DESTDIR)$(MANDIR)/man$$s && \
		install -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/ || exit 1; \
	done
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 $(EXAMPLES) systemd/xlvs.default systemd/xlvs-exporter.default \
		$(DESTDIR)$(DOCDIR)/examples/
	install -d $(DESTDIR)$(SYSCONFDIR)/xlvs $(DESTDIR)$(SYSCONFDIR)/default
	@# An admin's settings are never overwritten (a package's are its
	@# conffile, which dpkg merges).
	for d in xlvs xlvs-exporter; do \
		if [ -n "$(DESTDIR)" ] || [ ! -e $(SYSCONFDIR)/default/$$d ]; then \
			install -m 0644 systemd/$$d.default $(DESTDIR)$(SYSCONFDIR)/default/$$d || exit 1; \
		else \
			echo "install: $(SYSCONFDIR)/default/$$d exists: left as it is" \
			     "(the new one is $(DOCDIR)/examples/$$d.default)"; \
		fi; \
	done

# What install put there, but /etc: the settings and the saved table are
# the admin's.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(notdir $(PROGS)))
	rm -rf $(DESTDIR)$(LIBEXECDIR)/xlvs $(DESTDIR)$(DOCDIR)
	rm -f $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS)))
	for m in $(MANPAGES); do \
		rm -f $(DESTDIR)$(MANDIR)/man$${m##*.}/$${m#man/}; \
	done

.PHONY: progs install uninstall
