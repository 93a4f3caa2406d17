// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvs-healthd's ldirectord.cf parser (healthd/config_*.c)
 * on any bytes, names never looked up (HD_CF_NO_RESOLVE).  Besides never
 * crashing or leaking: a refused file yields no configuration and a
 * message for each error counted, each naming the file; an accepted one holds
 * only what the parser promises (settled timeouts, the defaults filled, a
 * real server of its virtual's family, no more than the bound of them).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nmsgs;
static bool bad_name;

/* Errors and warnings both come here (a message may quote the input, so
 * which is which cannot be told from its text). */
static void count(void *arg, const char *msg)
{
	(void)arg;
	if (strncmp(msg, "fuzz.cf:", 8))
		bad_name = true;
	nmsgs++;
}

static void broken(const char *what)
{
	fprintf(stderr, "fuzz_ldirectord_cf: invariant broken: %s\n", what);
	abort();
}

static void check_virtual(const struct hd_virtual *v)
{
	if (v->checktimeout < 1 || v->negotiatetimeout < 1 ||
	    v->failurecount < 1 || v->checkcount < 1)
		broken("a timeout or count not settled");
	if (!v->scheduler || !v->checkcommand || !v->httpmethod ||
	    !v->request || v->request[0] != '/')
		broken("a default not filled");
	if (v->proto != IPPROTO_TCP && v->proto != IPPROTO_UDP)
		broken("a protocol neither tcp nor udp");
	if ((unsigned)v->service >= HD_SVC_COUNT || v->nreals > 65536)
		broken("a service out of range, or too many real servers");
	if (v->vip.af != (v->virtual6 ? 6 : 4))
		broken("a virtual of the wrong family");
	for (size_t i = 0; i < v->nreals; i++) {
		const struct hd_real *r = &v->reals[i];

		if (r->addr.af != v->vip.af || r->weight > 65535 ||
		    !r->request != !r->receive || !r->line)
			broken("a real server out of bounds");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hd_config *c = (void *)1;
	int rc;

	nmsgs = 0;
	bad_name = false;
	rc = hd_config_parse("fuzz.cf", (const char *)data, size,
			     HD_CF_NO_RESOLVE, &c, count, NULL);
	if (bad_name)
		broken("a message not naming its file");
	if (rc < 0) {
		if (rc != -ENOMEM || c)
			broken("an unexpected failure");
		return 0;
	}
	if (rc > nmsgs)
		broken("more errors counted than reported");
	if (rc > 0) {
		if (c)
			broken("a refused file yielded a configuration");
		return 0;
	}
	if (!c || !c->logfile || c->checkinterval < 1)
		broken("an accepted file without its defaults");
	for (size_t i = 0; i < c->nvirtuals; i++)
		check_virtual(&c->virtuals[i]);
	hd_config_free(c);
	return 0;
}
