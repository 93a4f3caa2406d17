# xlvs: one make at the top.  Generated files (vmlinux.h, skeleton, objects)
# go under build/; programs under build/bin/.
PREFIX   ?= /usr/local
DESTDIR  ?=
BUILD    := build
BIN      := $(BUILD)/bin

CC       ?= cc
CLANG    ?= clang
# Debian puts bpftool in /usr/sbin, which a user's PATH often lacks.
ifeq ($(origin BPFTOOL),undefined)
BPFTOOL  := $(or $(shell command -v bpftool),$(firstword $(wildcard /usr/sbin/bpftool /sbin/bpftool)),bpftool)
endif
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -I$(BUILD) $(CFLAGS_EXTRA)
LDLIBS   := -lxdp -lbpf -lelf -lz -lmnl
# xlvsadm -L --json (xlvsadm/list_json.c) writes JSON through Jansson.
ADM_LDLIBS := -ljansson

BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 \
	      -Wall -Werror -Iinclude -I$(BUILD) $(BPF_EXTRA)

LIB_SRC  := $(wildcard lib/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
ADM_SRC  := $(wildcard xlvsadm/*.c)
ADM_OBJ  := $(ADM_SRC:%.c=$(BUILD)/%.o)
BPF_HDR  := $(wildcard bpf/*.h) $(wildcard include/xlvs/*.h)

RS_SRC   := $(wildcard realserver/*.c)
RS_SRC   := $(filter-out %.bpf.c,$(RS_SRC))
RS_OBJ   := $(RS_SRC:%.c=$(BUILD)/%.o)

PROGS    := $(BIN)/xlvsadm $(BIN)/xlvs-realserver

# xlvs-healthd (healthd/): the health checker, one libevent loop.  Its
# modules (all but main.o) also link into its unit tests and fuzzers.
HD_SRC    := $(wildcard healthd/*.c)
HD_OBJ    := $(HD_SRC:%.c=$(BUILD)/%.o)
HD_LIB    := $(filter-out $(BUILD)/healthd/main.o,$(HD_OBJ))
HD_LDLIBS := -levent -levent_openssl -lssl -lcrypto -lpcre2-8 -lldap -llber -lmariadb -lpq -lldns
ifneq ($(wildcard healthd/main.c),)
PROGS    += $(BIN)/xlvs-healthd
endif

# xlvs-failoverd (failoverd/): the heartbeat-compatible hot standby.  Its
# modules (all but main.o) also link into its unit tests and fuzzers.
FO_SRC    := $(wildcard failoverd/*.c)
FO_OBJ    := $(FO_SRC:%.c=$(BUILD)/%.o)
FO_LIB    := $(filter-out $(BUILD)/failoverd/main.o,$(FO_OBJ))
FO_LDLIBS := -levent -lcrypto
ifneq ($(wildcard failoverd/main.c),)
PROGS    += $(BIN)/xlvs-failoverd
endif

# xlvs-syncd (syncd/): IPVS's connection synchronisation daemon, master
# and backup.  Its modules (all but main.o) also link into its unit tests
# and fuzzers.
SD_SRC    := $(wildcard syncd/*.c)
SD_OBJ    := $(SD_SRC:%.c=$(BUILD)/%.o)
SD_LIB    := $(filter-out $(BUILD)/syncd/main.o,$(SD_OBJ))
ifneq ($(wildcard syncd/main.c),)
PROGS    += $(BIN)/xlvs-syncd
endif

# xlvs-exporter (exporter/): the table, healthd's and failoverd's state
# over HTTP (Prometheus metrics and a status page), read-only.  Its
# modules (all but main.o) also link into its unit tests; the status
# page prints the table with xlvsadm's own listing code.
EX_SRC    := $(wildcard exporter/*.c)
EX_OBJ    := $(EX_SRC:%.c=$(BUILD)/%.o)
EX_LIB    := $(filter-out $(BUILD)/exporter/main.o,$(EX_OBJ))
EX_ADM    := $(addprefix $(BUILD)/xlvsadm/,list.o list_stats.o options.o sysctl_cmd.o)
EX_LDLIBS := -levent
ifneq ($(wildcard exporter/main.c),)
PROGS    += $(BIN)/xlvs-exporter
endif

# The test bed and frame builder the data-plane tests and bench/micro share.
TESTLIB_SRC := $(wildcard tests/lib/*.c)
TESTLIB_OBJ := $(TESTLIB_SRC:%.c=$(BUILD)/%.o)
TESTLIB     := $(BUILD)/tests/libxlvstest.a

all: $(PROGS) tools $(TESTLIB)

$(BUILD)/vmlinux.h:
	@mkdir -p $(@D)
	$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(BUILD)/xlvs.bpf.o: bpf/xlvs.bpf.c $(BPF_HDR) $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -Ibpf -c $< -o $@

$(BUILD)/xlvs.skel.h: $(BUILD)/xlvs.bpf.o
	$(BPFTOOL) gen skeleton $< name xlvs_bpf > $@.tmp && mv $@.tmp $@

$(BUILD)/%.o: %.c $(wildcard include/xlvs/*.h) $(wildcard lib/*.h) $(wildcard xlvsadm/*.h) \
		$(BUILD)/xlvs.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libxlvs.a: $(LIB_OBJ)
	ar rcs $@ $^

$(TESTLIB_OBJ): $(wildcard tests/lib/*.h)
$(TESTLIB): $(TESTLIB_OBJ)
	ar rcs $@ $^

$(BIN)/xlvsadm: $(ADM_OBJ) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) $(ADM_LDLIBS)

# xlvs-realserver: a real server's side (realserver/), with its own small
# XDP decapsulation program.
$(BUILD)/decap.bpf.o: realserver/decap.bpf.c realserver/decap.h $(BUILD)/vmlinux.h
	$(CLANG) $(BPF_CFLAGS) -Irealserver -c $< -o $@

$(BUILD)/decap.skel.h: $(BUILD)/decap.bpf.o
	$(BPFTOOL) gen skeleton $< name decap_bpf > $@.tmp && mv $@.tmp $@

$(RS_OBJ): $(wildcard realserver/*.h) $(BUILD)/decap.skel.h
$(RS_OBJ): CFLAGS += -Ilib -Irealserver

$(BIN)/xlvs-realserver: $(RS_OBJ) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(HD_OBJ): $(wildcard healthd/*.h)
$(HD_OBJ): CFLAGS += -Ilib -Ihealthd

$(BIN)/xlvs-healthd: $(HD_OBJ) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) $(HD_LDLIBS)

$(FO_OBJ): $(wildcard failoverd/*.h)
$(FO_OBJ): CFLAGS += -Ilib -Ifailoverd

$(BIN)/xlvs-failoverd: $(FO_OBJ) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) $(FO_LDLIBS)

$(SD_OBJ): $(wildcard syncd/*.h)
$(SD_OBJ): CFLAGS += -Ilib -Isyncd

$(BIN)/xlvs-syncd: $(SD_OBJ) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

$(EX_OBJ): $(wildcard exporter/*.h)
$(EX_OBJ): CFLAGS += -Ilib -Ixlvsadm -Iexporter

$(BIN)/xlvs-exporter: $(EX_OBJ) $(EX_ADM) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS) $(EX_LDLIBS)

# Small programs the demo and the tests run inside their namespaces.
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOLS    := $(TOOL_SRC:tests/tools/%.c=$(BUILD)/tests/%)
tools: $(TOOLS)
$(BUILD)/tests/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $< -o $@
# The daemon of the mount-namespace case must be a libxlvs program.
$(BUILD)/tests/nsdaemon: tests/tools/nsdaemon.c $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)
# ... and the read-only table's check (test_metrics).
$(BUILD)/tests/rotable: tests/tools/rotable.c $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# Unit tests (cmocka) and data-plane tests (BPF_PROG_TEST_RUN).
UNIT_SRC := $(wildcard tests/unit/*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/unit_%)
# Unit tests link xlvsadm's modules (not its main) to test parsing and output.
ADM_LIB  := $(filter-out $(BUILD)/xlvsadm/main.o,$(ADM_OBJ))
$(BUILD)/tests/unit_%: tests/unit/%.c $(ADM_LIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Ixlvsadm $^ -o $@ $(LDLIBS) $(ADM_LDLIBS) -lcmocka

# xlvs-realserver's unit tests (tests/unit/rs_*.c) link its modules instead.
RS_LIB   := $(filter-out $(BUILD)/realserver/main.o,$(RS_OBJ))
$(BUILD)/tests/unit_rs_%: tests/unit/rs_%.c $(RS_LIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Irealserver $^ -o $@ $(LDLIBS) -lcmocka

# xlvs-healthd's (tests/unit/hd_*.c) link its modules, and a folder
# tests/unit/hd_NAME/ of the test's own servers and helpers when it has one.
.SECONDEXPANSION:
$(BUILD)/tests/unit_hd_%: tests/unit/hd_%.c $$(wildcard tests/unit/hd_%/*.c) \
		$$(wildcard tests/unit/hd_%/*.h) $(HD_LIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Ihealthd -Itests/unit/hd_$* \
		$(filter-out %.h,$^) -o $@ $(LDLIBS) \
		$(HD_LDLIBS) -lcmocka

# xlvs-exporter's (tests/unit/ex_*.c) link its modules.
$(BUILD)/tests/unit_ex_%: tests/unit/ex_%.c $(EX_LIB) $(EX_ADM) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Iexporter -Ixlvsadm $^ -o $@ $(LDLIBS) $(EX_LDLIBS) -lcmocka

# xlvs-syncd's (tests/unit/sd_*.c) link its modules.
$(BUILD)/tests/unit_sd_%: tests/unit/sd_%.c $(SD_LIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Isyncd $^ -o $@ $(LDLIBS) -lcmocka

# xlvs-failoverd's (tests/unit/fo_*.c) link its modules; their data
# (golden packets, config corpora) lives in tests/unit/fo_*/.
$(BUILD)/tests/unit_fo_%: tests/unit/fo_%.c $$(wildcard tests/unit/fo_%/*.h) \
		$(FO_LIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Ilib -Ifailoverd -Itests/unit \
		$(filter-out %.h,$^) -o $@ $(LDLIBS) $(FO_LDLIBS) -lcmocka

DP_SRC   := $(wildcard tests/dataplane/*.c)
DP_BIN   := $(BUILD)/tests/dataplane
$(DP_BIN): $(DP_SRC) $(wildcard tests/dataplane/*.h tests/lib/*.h) $(TESTLIB) \
	   $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/dataplane -Itests/lib $(DP_SRC) $(TESTLIB) \
		$(BUILD)/libxlvs.a -o $@ $(LDLIBS) -lcmocka

# randpkt: random frames through the whole XDP program, each checked by
# fuzz_xdp's oracle (fuzz/xdp_oracle.c, xdp_oracle6.c); built plainly,
# without sanitizers or libFuzzer, to run a million frames in seconds.
RANDPKT     := $(BUILD)/tests/randpkt
RANDPKT_OBJ := $(addprefix $(BUILD)/randpkt/,randpkt.o randpkt6.o xdp_oracle.o xdp_oracle6.o)
$(BUILD)/randpkt/%.o: fuzz/%.c $(wildcard fuzz/*.h include/xlvs/*.h tests/lib/*.h) \
		$(BUILD)/xlvs.skel.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -Itests/lib -Ifuzz -c $< -o $@
$(RANDPKT): $(RANDPKT_OBJ) $(TESTLIB) $(BUILD)/libxlvs.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $^ -o $@ $(LDLIBS)

# The upgrade test's other builds of xlvsadm from the same sources
# (tests/e2e/test_upgrade.sh): $(BUILD)/next compiled anew, the data plane
# it loads replaced in place by this build's; $(BUILD)/abi-next with the
# table's layout version one up (XLVS_ABI_NEXT), to migrate a table to.
UPGRADE_BUILDS := $(BUILD)/next/bin/xlvsadm $(BUILD)/abi-next/bin/xlvsadm
upgrade-builds:
	$(MAKE) BUILD=$(BUILD)/next $(BUILD)/next/bin/xlvsadm
	$(MAKE) BUILD=$(BUILD)/abi-next BPF_EXTRA=-DXLVS_ABI_NEXT \
		CFLAGS_EXTRA=-DXLVS_ABI_NEXT $(BUILD)/abi-next/bin/xlvsadm

test-build: all $(UNIT_BIN) $(DP_BIN) $(RANDPKT) upgrade-builds

# Fuzzers (libFuzzer, fuzz/): every source they use is built again by
# clang with the fuzzer's coverage and the address and undefined-behaviour
# sanitizers, under build/fuzz/.  The parser targets link xlvsadm's parsing
# modules only (never run.c or restore.c); the xdp target links the test bed.
FUZZ_CC     ?= clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	       -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Iinclude -I$(BUILD)
FUZZ_DIR    := $(BUILD)/fuzz
FUZZ_LIB    := $(FUZZ_DIR)/libxlvs.a
FUZZ_ADM    := $(addprefix $(FUZZ_DIR)/xlvsadm/,options.o sysctl_cmd.o \
		 restore_parse.o restore_check.o cmd_check.o)
FUZZ_RS     := $(addprefix $(FUZZ_DIR)/realserver/,state.o options.o conf.o xdp.o)
# xlvs-healthd's ldirectord.cf parser: its config_*.c alone.
FUZZ_HD_CF  := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(wildcard healthd/config*.c))
FUZZ_TARGETS := options restore addr xdp decap rs_state http_resp proto ldirectord_cf \
		hb_msg hacf ex_status sync_msg
FUZZ_BINS   := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_SECONDS ?= 60

$(FUZZ_DIR)/%.o: %.c $(wildcard include/xlvs/*.h lib/*.h xlvsadm/*.h tests/lib/*.h fuzz/*.h \
		healthd/*.h failoverd/*.h exporter/*.h syncd/*.h) $(BUILD)/xlvs.skel.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Ilib -Ixlvsadm -Itests/lib -Ifuzz -Irealserver -Ihealthd -Ifailoverd \
		-Iexporter -Isyncd -c $< -o $@

$(FUZZ_LIB): $(LIB_SRC:%.c=$(FUZZ_DIR)/%.o)
	ar rcs $@ $^

$(FUZZ_DIR)/fuzz_options $(FUZZ_DIR)/fuzz_restore $(FUZZ_DIR)/fuzz_addr: \
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz/%.o $(FUZZ_ADM) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

$(FUZZ_DIR)/fuzz_xdp: $(FUZZ_DIR)/fuzz/xdp.o $(FUZZ_DIR)/fuzz/xdp_oracle.o \
		$(FUZZ_DIR)/fuzz/xdp_oracle6.o $(TESTLIB_SRC:%.c=$(FUZZ_DIR)/%.o) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

# xlvs-realserver's: the decapsulation program, and its state and config
# parsers.
$(FUZZ_RS) $(FUZZ_DIR)/fuzz/decap.o $(FUZZ_DIR)/fuzz/rs_state.o: \
	$(wildcard realserver/*.h) $(BUILD)/decap.skel.h
$(FUZZ_DIR)/fuzz_decap $(FUZZ_DIR)/fuzz_rs_state: \
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz/%.o $(FUZZ_RS) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

# xlvs-healthd's: the HTTP response parser the http checks read servers with.
$(FUZZ_DIR)/fuzz_http_resp: $(FUZZ_DIR)/fuzz/http_resp.o \
		$(FUZZ_DIR)/healthd/check_http_parse.o
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ -levent

# xlvs-healthd's: what servers say to the text-protocol and dns checks
# (all of healthd/ but main.o: check.c needs its families).
FUZZ_HD := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(filter-out healthd/main.c,$(HD_SRC)))
$(FUZZ_DIR)/fuzz_proto: $(FUZZ_DIR)/fuzz/proto.o $(FUZZ_HD) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS) $(HD_LDLIBS)

$(FUZZ_DIR)/fuzz_ldirectord_cf: $(FUZZ_DIR)/fuzz/ldirectord_cf.o $(FUZZ_HD_CF) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS) -lpcre2-8

# xlvs-failoverd's: the heartbeat packet decoder and token check, and the
# ha.cf/haresources/authkeys parsers (not the daemon's loop, links, roles).
FUZZ_FO := $(patsubst %.c,$(FUZZ_DIR)/%.o,$(wildcard failoverd/config*.c failoverd/hb_auth.c \
	failoverd/hb_msg*.c failoverd/hb_status.c failoverd/hb_order.c failoverd/hb_rsc.c))
$(FUZZ_DIR)/fuzz_hb_msg $(FUZZ_DIR)/fuzz_hacf: \
$(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/fuzz/%.o $(FUZZ_FO)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(FO_LDLIBS)

# xlvs-exporter's: its readers of healthd's and failoverd's status texts,
# and the label escape.
FUZZ_EX := $(addprefix $(FUZZ_DIR)/exporter/,hdstat.o fostat.o prom.o)
$(FUZZ_DIR)/fuzz_ex_status: $(FUZZ_DIR)/fuzz/ex_status.o $(FUZZ_EX) $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(LDLIBS)

# xlvs-syncd's: the sync message decoder, which reads whatever the
# multicast group carries.
$(FUZZ_DIR)/fuzz_sync_msg: $(FUZZ_DIR)/fuzz/sync_msg.o $(FUZZ_DIR)/syncd/sync_msg.o
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@

fuzz-build: $(FUZZ_BINS)

# Each target for FUZZ_SECONDS (tests/run runs them for 10 s each), then
# randpkt for RANDPKT_PACKETS frames (tests/run: 10^6); either failing fails.
RANDPKT_PACKETS ?= 1e7
fuzz: fuzz-build $(RANDPKT)
	rc=0; FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run || rc=1; \
	$(RANDPKT) -n $(RANDPKT_PACKETS) || rc=1; exit $$rc

# The README's test command: installs what is missing, builds, runs all.
test:
	tests/run

demo:
	demo/run

# Not a test: measures xlvs beside its peers; never fails on a number.
bench: all
	$(MAKE) -C bench
	bench/run

# make install / uninstall (PREFIX, DESTDIR): install.mk; make package:
# the Debian package (debian/), package.mk.
include install.mk
include package.mk

clean:
	rm -rf $(BUILD)

# make deps: installs what the build needs (as root; the tests' servers
# and tools come with scripts/install-deps alone, which tests/run runs).
deps:
	scripts/install-deps --build

# Before anything is built: every tool and library the goals need, checked
# at once (scripts/check-deps), so a fresh machine gets one message naming
# all that is missing and `sudo make deps`, not a shell's "bpftool: not
# found" halfway through.  Goals that build nothing, or install what they
# need themselves (test, demo), are not held up.
DEPS_FREE_GOALS := deps clean uninstall test demo
DEPS_GOALS := $(filter-out $(DEPS_FREE_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(DEPS_GOALS),)
DEPS_MISSING := $(shell CC='$(CC)' CLANG='$(CLANG)' BPFTOOL='$(BPFTOOL)' FUZZ_CC='$(FUZZ_CC)' \
	BTF_NEEDED=$(if $(wildcard $(BUILD)/vmlinux.h),0,1) scripts/check-deps \
	$(if $(filter test-build,$(DEPS_GOALS)),--test) \
	$(if $(filter fuzz fuzz-build,$(DEPS_GOALS)),--fuzz))
ifneq ($(DEPS_MISSING),)
$(error $(DEPS_MISSING))
endif
endif

.PHONY: all tools test-build upgrade-builds test demo bench clean fuzz fuzz-build deps
.SECONDARY:
