/* The inputs of every golden message: gen.c builds each with Debian's
 * heartbeat libraries, tests/unit/fo_msg.c with ours, and the bytes must
 * be equal.  These check the encoder on given fields (the status ones in
 * heartbeat's order: send_local_status, then add_control_msg_fields: src
 * srcuuid seq hg ts ld ttl auth; the others' order as written here);
 * gen_rsc.h builds every message failoverd sends as heartbeat's own
 * senders do, for failoverd's builders to match.  A case
 * with inner_auth gets the classic-mode `auth` field heartbeat adds
 * last, signed over the fields before it. */
#ifndef FO_GOLDEN_CASES_H
#define FO_GOLDEN_CASES_H

#include <stddef.h>

struct golden_field {
	int type;		/* 0 string, 1 binary */
	const char *name;
	const char *val;
	size_t len;		/* binary only */
};

struct golden_case {
	const char *name;
	const char *method;
	int idx;
	const char *key;
	int inner_auth;
	struct golden_field f[16];	/* ends at a NULL name */
};

#define UUID16 "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
#define S(n, v) { 0, n, v, 0 }
#define CTRL(seq) S("src", "node1"), S("seq", seq), S("hg", "4b"), S("ts", "65a1b2c3"), \
	S("ld", "0.00 0.01 0.05 1/123 4567"), S("ttl", "3")

static const struct golden_case golden_cases[] = {
	{ "status_sha1", "sha1", 1, "secret", 1,
	  { S("t", "status"), S("st", "active"), S("dt", "7530"), S("protocol", "1"),
	    S("src", "node1"), { 1, "srcuuid", UUID16, 16 }, S("seq", "2a"), S("hg", "4b"),
	    S("ts", "65a1b2c3"), S("ld", "0.00 0.01 0.05 1/123 4567"), S("ttl", "3") } },
	{ "status_md5", "md5", 1, "secret", 1,
	  { S("t", "status"), S("st", "up"), S("dt", "2710"), CTRL("1") } },
	{ "status_crc", "crc", 1, NULL, 1,
	  { S("t", "status"), S("st", "active"), S("dt", "7530"), CTRL("ff") } },
	/* Our own minimal heartbeat: no protocol (no flow control), no
	 * srcuuid, no inner auth. */
	{ "status_min_sha1", "sha1", 1, "secret", 0,
	  { S("t", "status"), S("st", "active"), S("dt", "7d0"), S("src", "ha2"),
	    S("seq", "1"), S("hg", "693b0c2e"), S("ts", "693b0c2e") } },
	/* A two-digit index and a key longer than SHA-1's 64-byte block. */
	{ "status_idx10_longkey", "sha1", 10,
	  "0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 0,
	  { S("t", "status"), S("st", "dead"), CTRL("10000") } },
	{ "rexmit_md5", "md5", 2, "another-secret", 0,
	  { S("t", "NS_rexmit"), S("firstseq", "41"), S("lastseq", "41"), S("dest", "node2"),
	    S("src", "node1"), S("hg", "4b"), S("ts", "65a1b2c3"), S("ttl", "3") } },
	{ "repnodes_sha1", "sha1", 1, "secret", 0,
	  { S("t", "repnodes"), S("dest", "node2"), S("nodelist", "node1 node2 "),
	    S("delnodelist", " "), CTRL("2b") } },
	{ "resource_sha1", "sha1", 1, "secret", 0,
	  { S("t", "resource"), S("rsc_hold", "local"), S("rtype", "full"), S("isstable", "1"),
	    S("dest", "node2"), CTRL("2c") } },
	{ "shutdone_crc", "crc", 3, NULL, 0,
	  { S("t", "shutdone"), S("st", "dead"), CTRL("2d") } },
	/* Values with bytes that a text format would have to escape. */
	{ "odd_values_sha1", "sha1", 1, "k", 0,
	  { S("t", "x"), S("a", "a=b,c:d"), S("nl", "line1\nline2"), S("pct", "%%%\n"),
	    { 1, "bin", "\x00\x01,\n=###\n", 9 } } },
};

#define GOLDEN_NCASES (sizeof(golden_cases) / sizeof(golden_cases[0]))

#endif
