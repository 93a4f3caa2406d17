// SPDX-License-Identifier: GPL-2.0
/*
 * host[:port] and [v6addr]:port as ipvsadm takes them for -t/-u/-r
 * (lib/addr.c), and the a.b.c.d:port and [v6addr]:port forms the listings
 * print.  Names are resolved only where the
 * local files answer them (/etc/hosts, /etc/services): a unit test must not
 * wait on DNS.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <netdb.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "internal.h"

static void assert_ep(const struct xlvs_endpoint *ep, uint8_t a, uint8_t b,
		      uint8_t c, uint8_t d, uint16_t port)
{
	static const uint8_t zero[12];

	assert_int_equal(ep->af, 4);
	assert_int_equal(ep->addr[0], a);
	assert_int_equal(ep->addr[1], b);
	assert_int_equal(ep->addr[2], c);
	assert_int_equal(ep->addr[3], d);
	/* table.h: an IPv4 address's other 12 bytes are zero (map keys). */
	assert_memory_equal(ep->addr + 4, zero, sizeof(zero));
	assert_int_equal(ep->port, port);
}

static void quad_without_port(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 1, 0);
	assert_int_equal(xlvs_endpoint_parse("255.255.255.255", true, &ep), 0);
	assert_ep(&ep, 255, 255, 255, 255, 0);
}

static void quad_with_port(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:80", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 1, 80);
	assert_int_equal(xlvs_endpoint_parse("192.168.1.10:443", true, &ep), 0);
	assert_ep(&ep, 192, 168, 1, 10, 443);
}

/* Port 0 means "not given" to the callers; 65535 is the last port. */
static void port_limits(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:0", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 1, 0);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:65535", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 1, 65535);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:65536", false, &ep), -EINVAL);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:99999999999999999999",
					     false, &ep), -EINVAL);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:-1", false, &ep), -EINVAL);
}

/* ipvsadm takes a service name for the port (getservbyname). */
static void port_by_name(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	if (!getservbyname("http", NULL) || !getservbyname("https", NULL))
		skip();     /* no /etc/services here */
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:http", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 1, 80);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.2:https", false, &ep), 0);
	assert_ep(&ep, 10, 0, 0, 2, 443);
}

/* (" 80" and "+80" pass, as with ipvsadm's strtol-based string_to_number.) */
static void bad_port(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:", false, &ep), -EINVAL);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:abc", false, &ep), -EINVAL);
	assert_int_equal(xlvs_endpoint_parse("10.0.0.1:80x", false, &ep), -EINVAL);
}

/* Without resolving, only a strict dotted quad is an address. */
static void bad_quads(void **state)
{
	static const char *const bad[] = {
		"10.0.0.300", "10.0.0.300:80", "1.2.3", "1.2.3:80", "",
		":80", ":", "10.0.0", "10.0.0.1.5", "a.b.c.d", " 10.0.0.1",
		"10.0.0.1 ", "localhost",
	};
	struct xlvs_endpoint ep;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (xlvs_endpoint_parse(bad[i], false, &ep) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
}

/* An empty host is refused before any lookup, resolving or not. */
static void empty_host_resolving(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("", true, &ep), -EINVAL);
	assert_int_equal(xlvs_endpoint_parse(":80", true, &ep), -EINVAL);
}

/* A host name far longer than any buffer is refused, not truncated. */
static void overlong_host(void **state)
{
	char s[400];
	struct xlvs_endpoint ep;

	(void)state;
	memset(s, 'a', sizeof(s) - 4);
	strcpy(s + sizeof(s) - 4, ":80");
	assert_int_equal(xlvs_endpoint_parse(s, true, &ep), -EINVAL);
}

static void assert_ep6(const struct xlvs_endpoint *ep, const char *addr,
		       uint16_t port)
{
	uint8_t want[16];

	assert_int_equal(inet_pton(AF_INET6, addr, want), 1);
	assert_int_equal(ep->af, 6);
	assert_memory_equal(ep->addr, want, sizeof(want));
	assert_int_equal(ep->port, port);
}

/* ipvsadm's parse_service: "[v6]:port"; a bare v6 address, which takes no
 * port (its last group is not one); and "[v6]" (ipvsadm refuses it). */
static void ipv6_taken(void **state)
{
	static const struct { const char *s, *addr; uint16_t port; } tab[] = {
		{ "[2001:db8::1]:443", "2001:db8::1", 443 },
		{ "[::1]:80", "::1", 80 },
		{ "[fd00::1]:0", "fd00::1", 0 },
		{ "[fd00::1]:65535", "fd00::1", 65535 },
		{ "[2001:db8::1]", "2001:db8::1", 0 },
		{ "2001:db8::1", "2001:db8::1", 0 },
		{ "fd00::1:80", "fd00::1:80", 0 },
		{ "::ffff:10.0.0.1", "::ffff:10.0.0.1", 0 },
		{ "[FD00:0:0:0:0:0:0:a]:8", "fd00::a", 8 },
	};
	struct xlvs_endpoint ep;

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		for (int resolve = 0; resolve < 2; resolve++) {
			if (xlvs_endpoint_parse(tab[i].s, resolve, &ep))
				fail_msg("\"%s\" was refused", tab[i].s);
			assert_ep6(&ep, tab[i].addr, tab[i].port);
		}
}

static void ipv6_refused(void **state)
{
	static const char *const bad[] = {
		"[10.0.0.1]:80", "[2001:db8::1]:", "[2001:db8::1]:65536",
		"[2001:db8::1]80", "[2001:db8::1", "[]:80", "[]", "[2001:db8::g]:80",
		"[2001:db8::1]:80x", "2001:db8::1::2", "[localhost]:80",
		"[2001:db8::1]]:80", " [::1]:80", "[::1]:-1",
	};
	struct xlvs_endpoint ep;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (xlvs_endpoint_parse(bad[i], false, &ep) != -EINVAL)
			fail_msg("\"%s\" was accepted", bad[i]);
		if (xlvs_endpoint_parse(bad[i], true, &ep) != -EINVAL)
			fail_msg("\"%s\" was accepted when resolving", bad[i]);
		assert_int_equal(ep.port, 0);
		assert_int_equal(ep.addr[0], 0);
	}
}

static void format6(void **state)
{
	struct xlvs_endpoint ep = { .af = 6, .port = 80 };
	char buf[64];

	(void)state;
	ep.addr[0] = 0x20, ep.addr[1] = 0x01, ep.addr[2] = 0x0d, ep.addr[3] = 0xb8;
	ep.addr[15] = 1;
	xlvs_endpoint_format(&ep, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::1]:80");
	memset(ep.addr, 0xff, sizeof(ep.addr));
	ep.port = 65535;
	xlvs_endpoint_format(&ep, buf, sizeof(buf));
	assert_string_equal(buf, "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535");
}

/* /etc/hosts names resolve when asked to (ipvsadm's host_to_addr). */
static void name_from_hosts_file(void **state)
{
	struct xlvs_endpoint ep;
	struct addrinfo hints = { .ai_family = AF_INET }, *res;

	(void)state;
	if (getaddrinfo("localhost", NULL, &hints, &res))
		skip();
	freeaddrinfo(res);
	assert_int_equal(xlvs_endpoint_parse("localhost:8080", true, &ep), 0);
	assert_ep(&ep, 127, 0, 0, 1, 8080);
}

/* A failed parse leaves no stale address behind. */
static void failure_clears(void **state)
{
	struct xlvs_endpoint ep;

	(void)state;
	assert_int_equal(xlvs_endpoint_parse("10.9.8.7:99", false, &ep), 0);
	assert_int_equal(xlvs_endpoint_parse("", false, &ep), -EINVAL);
	assert_int_equal(ep.port, 0);
	assert_int_equal(ep.addr[0], 0);
}

static void format(void **state)
{
	struct xlvs_endpoint ep = { .af = 4, .addr = { 10, 0, 0, 1 }, .port = 80 };
	struct xlvs_endpoint top = { .af = 4, .addr = { 255, 255, 255, 255 },
				     .port = 65535 };
	struct xlvs_endpoint zero = { .af = 4 };
	char buf[64];

	(void)state;
	xlvs_endpoint_format(&ep, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1:80");
	xlvs_endpoint_format(&top, buf, sizeof(buf));
	assert_string_equal(buf, "255.255.255.255:65535");
	xlvs_endpoint_format(&zero, buf, sizeof(buf));
	assert_string_equal(buf, "0.0.0.0:0");
}

/* A short buffer gets a truncated, terminated string, never an overrun. */
static void format_short_buffer(void **state)
{
	struct xlvs_endpoint ep = { .af = 4, .addr = { 10, 0, 0, 1 }, .port = 80 };
	char buf[8] = "xxxxxxx";

	(void)state;
	xlvs_endpoint_format(&ep, buf, 6);
	assert_string_equal(buf, "10.0.");
	assert_int_equal(buf[6], 'x');
}

/* Whatever format prints, parse reads back as the same endpoint. */
static void round_trip(void **state)
{
	static const char *const s[] = {
		"10.0.0.1:80", "0.0.0.0:0", "255.255.255.255:65535", "1.2.3.4:1",
		"[2001:db8::1]:80", "[::]:0", "[fd00::102:304]:9",
		"[::ffff:10.0.0.1]:53",
	};
	struct xlvs_endpoint ep, back;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		assert_int_equal(xlvs_endpoint_parse(s[i], false, &ep), 0);
		xlvs_endpoint_format(&ep, buf, sizeof(buf));
		assert_string_equal(buf, s[i]);
		assert_int_equal(xlvs_endpoint_parse(buf, false, &back), 0);
		assert_memory_equal(&ep, &back, sizeof(ep));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quad_without_port),
		cmocka_unit_test(quad_with_port),
		cmocka_unit_test(port_limits),
		cmocka_unit_test(port_by_name),
		cmocka_unit_test(bad_port),
		cmocka_unit_test(bad_quads),
		cmocka_unit_test(empty_host_resolving),
		cmocka_unit_test(overlong_host),
		cmocka_unit_test(ipv6_taken),
		cmocka_unit_test(ipv6_refused),
		cmocka_unit_test(format6),
		cmocka_unit_test(name_from_hosts_file),
		cmocka_unit_test(failure_clears),
		cmocka_unit_test(format),
		cmocka_unit_test(format_short_buffer),
		cmocka_unit_test(round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
