// SPDX-License-Identifier: GPL-2.0
/*
 * xlvs-realserver's command line (realserver/options.c) and its --persist
 * configuration file (realserver/conf.c): what each accepts, and for each
 * bad input the message naming the option.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "options.h"

static struct rs_opts o;
static char err[512];

/* Parses the words of line as argv[1..]. */
static int parse(const char *line)
{
	static char buf[1024];
	char *argv[64] = { "xlvs-realserver" }, *save = NULL, *w;
	int argc = 1;

	snprintf(buf, sizeof(buf), "%s", line);
	for (w = strtok_r(buf, " ", &save); w && argc < 63;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	err[0] = 0;
	return rs_opts_parse(argc, argv, &o, err, sizeof(err));
}

static void assert_refused(const char *line, const char *msg)
{
	assert_int_equal(parse(line), -1);
	assert_string_equal(err, msg);
}

static void up_plain(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(parse("up 10.0.0.100 2001:db8::1"), 0);
	assert_int_equal(o.cmd, RS_UP);
	assert_int_equal(o.tunnel, 0);
	assert_int_equal(o.nvips, 2);
	assert_int_equal(o.vips[0].family, 4);
	assert_string_equal(rs_vip_str(&o.vips[0], buf, sizeof(buf)), "10.0.0.100");
	assert_int_equal(o.vips[1].family, 6);
	assert_string_equal(rs_vip_str(&o.vips[1], buf, sizeof(buf)), "2001:db8::1");
	/* An IPv4 key's other 12 bytes are zero (the map's key). */
	static const uint8_t zero[12];
	assert_memory_equal(o.vips[0].addr + 4, zero, 12);
	assert_false(o.persist);
	/* The same VIP twice is one VIP. */
	assert_int_equal(parse("up 10.0.0.100 10.0.0.100"), 0);
	assert_int_equal(o.nvips, 1);
}

static void up_tunnels(void **state)
{
	(void)state;
	assert_int_equal(parse("up --tunnel 10.0.0.100"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_IPIP);
	assert_int_equal(parse("up --tunnel=ipip 10.0.0.100"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_IPIP);
	assert_int_equal(parse("up --tunnel=gre 10.0.0.100"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_GRE);
	assert_int_equal(parse("up --tunnel gre 10.0.0.100"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_GRE);
	assert_int_equal(parse("up --tunnel=gue --tun-port 6080 10.0.0.100"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_GUE);
	assert_int_equal(o.tun_port, 6080);
	assert_int_equal(parse("up --tun-port=5555 --tunnel=gue 10.0.0.100"), 0);
	assert_int_equal(o.tun_port, 5555);
	assert_int_equal(parse("up --tunnel --dev eth0 --dev eth1 --dev eth0 10.0.0.1"), 0);
	assert_int_equal(o.ndevs, 2);
	assert_string_equal(o.devs[1], "eth1");
	assert_int_equal(parse("up --persist --config /tmp/x.conf --state /tmp/s 10.0.0.1"), 0);
	assert_true(o.persist);
	assert_string_equal(o.config_path, "/tmp/x.conf");
	assert_string_equal(o.state_path, "/tmp/s");
	assert_int_equal(parse("up --config /etc/xlvs/realserver.conf"), 0);
	assert_int_equal(o.nvips, 0);
	assert_int_equal(parse("up -- 10.0.0.1"), 0);
	assert_int_equal(o.nvips, 1);
}

static void down_status(void **state)
{
	(void)state;
	assert_int_equal(parse("down"), 0);
	assert_int_equal(o.cmd, RS_DOWN);
	assert_int_equal(parse("down --persist --state /tmp/s"), 0);
	assert_true(o.persist);
	assert_int_equal(parse("status"), 0);
	assert_int_equal(o.cmd, RS_STATUS);
	assert_int_equal(parse("status --state=/tmp/s"), 0);
	assert_string_equal(o.state_path, "/tmp/s");
}

static void bad_vips(void **state)
{
	(void)state;
	assert_refused("up 10.0.0", "VIP 10.0.0: not a unicast IPv4 or IPv6 address");
	assert_refused("up 10.0.0.256", "VIP 10.0.0.256: not a unicast IPv4 or IPv6 address");
	assert_refused("up 0.0.0.0", "VIP 0.0.0.0: not a unicast IPv4 or IPv6 address");
	assert_refused("up 127.0.0.1", "VIP 127.0.0.1: not a unicast IPv4 or IPv6 address");
	assert_refused("up 224.0.0.1", "VIP 224.0.0.1: not a unicast IPv4 or IPv6 address");
	assert_refused("up 255.255.255.255", "VIP 255.255.255.255: not a unicast IPv4 or IPv6 address");
	assert_refused("up ::", "VIP ::: not a unicast IPv4 or IPv6 address");
	assert_refused("up ::1", "VIP ::1: not a unicast IPv4 or IPv6 address");
	assert_refused("up ff02::1", "VIP ff02::1: not a unicast IPv4 or IPv6 address");
	assert_refused("up 10.0.0.1/32", "VIP 10.0.0.1/32: not a unicast IPv4 or IPv6 address");
	assert_refused("up www.example.com", "VIP www.example.com: not a unicast IPv4 or IPv6 address");
	assert_refused("up", "up: no VIP given");
	assert_refused("up --tunnel", "up: no VIP given");
	assert_refused("down 10.0.0.1", "10.0.0.1: down takes no VIP (it works from what up recorded)");
	assert_refused("status -- 10.0.0.1", "10.0.0.1: status takes no VIP");
}

static void bad_options(void **state)
{
	(void)state;
	assert_refused("", "no command: the command is up, down or status");
	assert_refused("start 10.0.0.1", "unknown command start: the command is up, down or status");
	assert_refused("up --tunnel=vxlan 10.0.0.1",
		       "--tunnel=vxlan: unknown tunnel type (ipip, gue or gre)");
	assert_refused("up --tunnel=ipip --tunnel=gre 10.0.0.1",
		       "--tunnel=gre: --tunnel=ipip given before");
	assert_refused("up --tunnel=gue 10.0.0.1",
		       "--tunnel=gue: needs --tun-port PORT (the director's --tun-port)");
	assert_refused("up --tun-port 6080 10.0.0.1", "--tun-port: only with --tunnel=gue");
	assert_refused("up --tunnel=ipip --tun-port 6080 10.0.0.1",
		       "--tun-port: only with --tunnel=gue");
	assert_refused("up --tunnel=gue --tun-port 0 10.0.0.1", "--tun-port 0: not a port (1-65535)");
	assert_refused("up --tunnel=gue --tun-port 65536 10.0.0.1",
		       "--tun-port 65536: not a port (1-65535)");
	assert_refused("up --tunnel=gue --tun-port -1 10.0.0.1", "--tun-port -1: not a port (1-65535)");
	assert_refused("up --tunnel=gue --tun-port http 10.0.0.1",
		       "--tun-port http: not a port (1-65535)");
	assert_refused("up --tunnel=gue --tun-port", "--tun-port: needs a value");
	assert_refused("up --dev eth0 10.0.0.1", "--dev eth0: only with --tunnel");
	assert_refused("up --tunnel --dev averyveryverylongname 10.0.0.1",
		       "--dev averyveryverylongname: not an interface name");
	assert_refused("up --tunnel --dev ../x 10.0.0.1", "--dev ../x: not an interface name");
	assert_refused("up --tunel 10.0.0.1", "--tunel: unknown option");
	assert_refused("up -t 10.0.0.1", "-t: unknown option");
	assert_refused("up --persist=yes 10.0.0.1", "--persist=yes: takes no value");
	assert_refused("up --state= 10.0.0.1", "--state: an empty file name");
	assert_refused("down --tunnel", "--tunnel: not an option of down");
	assert_refused("status --persist", "--persist: not an option of status");
	assert_refused("status --config /x", "--config: not an option of status");
}

static int conf(const char *text)
{
	memset(&o, 0, sizeof(o));
	err[0] = 0;
	return rs_conf_parse(text, strlen(text), &o, err, sizeof(err));
}

static void config_file(void **state)
{
	char path[] = "/tmp/rs_conf_XXXXXX";
	struct rs_opts back = {};

	(void)state;
	assert_int_equal(conf("# comment\n\ntunnel gue\ntun-port 6080\ndev eth0\n"
			      "vip 10.0.0.1\nvip 2001:db8::2\n"), 0);
	assert_int_equal(o.tunnel, DECAP_KIND_GUE);
	assert_int_equal(o.tun_port, 6080);
	assert_int_equal(o.ndevs, 1);
	assert_int_equal(o.nvips, 2);
	assert_int_equal(rs_opts_check(&o, err, sizeof(err)), 0);
	/* Written and read back: the same settings. */
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(rs_conf_save(path, &o), 0);
	assert_int_equal(rs_conf_load(path, &back, err, sizeof(err)), 0);
	unlink(path);
	assert_int_equal(back.tunnel, o.tunnel);
	assert_int_equal(back.tun_port, o.tun_port);
	assert_int_equal(back.nvips, 2);
	assert_memory_equal(back.vips, o.vips, 2 * sizeof(o.vips[0]));
	assert_string_equal(back.devs[0], "eth0");

	assert_int_equal(conf("vip 10.0.0.1\nvip 10.0.0\n"), -1);
	assert_string_equal(err, "line 2: VIP 10.0.0: not a unicast IPv4 or IPv6 address");
	assert_int_equal(conf("tunnel\n"), -1);
	assert_string_equal(err, "line 1: tunnel: want one value");
	assert_int_equal(conf("vip 10.0.0.1 10.0.0.2\n"), -1);
	assert_string_equal(err, "line 1: vip: want one value");
	assert_int_equal(conf("tunnel ipip\n\ntunnels gre\n"), -1);
	assert_string_equal(err, "line 3: tunnels: unknown setting (tunnel, tun-port, dev or vip)");
	assert_int_equal(conf("tun-port 70000\n"), -1);
	assert_string_equal(err, "line 1: --tun-port 70000: not a port (1-65535)");
	/* A config without its gue port is refused as a whole (the check). */
	assert_int_equal(conf("tunnel gue\nvip 10.0.0.1"), 0);
	assert_int_equal(rs_opts_check(&o, err, sizeof(err)), -1);
	assert_string_equal(err, "--tunnel=gue: needs --tun-port PORT (the director's --tun-port)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(up_plain),
		cmocka_unit_test(up_tunnels),
		cmocka_unit_test(down_status),
		cmocka_unit_test(bad_vips),
		cmocka_unit_test(bad_options),
		cmocka_unit_test(config_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
