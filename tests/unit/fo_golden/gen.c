/* Golden-bytes generator: builds heartbeat messages with Debian's own
 * heartbeat 3.0.6 libraries (libplumb2's ha_msg/msg2wirefmt and the
 * HBauth plugins sha1.so, md5.so, crc.so from the heartbeat package) and
 * writes what they produce, for tests/unit/fo_msg.c to compare ours with.
 * Not built by make: run ./regen.sh (see README) after installing
 * heartbeat, cluster-glue-dev and libheartbeat2-dev.  Written against
 * their public headers and the plugins' exported entry points only. */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Debian's own headers: cluster-glue-dev (ha_msg.h, clplumbing/) and
 * libheartbeat2-dev (HBauth.h), so every prototype, struct and name is
 * theirs. */
#include <ha_msg.h>
#include <HBauth.h>
#include <clplumbing/netstring.h>

static struct HBauth_info cur;	/* the method and key being signed with */
static int cur_idx;

/* The plugin's init registers itself, then its interface; every slot of
 * the imports table is a stub recording its arguments, and the one given
 * the interface type "HBauth" hands us the ops table (4th argument). */
static void *ops_found;
static long stub(void *a, void *b, void *c, void *d, void *e, void *f, void *g, void *h)
{
	(void)a; (void)e; (void)f; (void)g; (void)h;
	if (b && c && d && strcmp((const char *)b, HB_AUTH_TYPE_S) == 0)
		ops_found = d;
	return 0;	/* PIL_OK */
}

static struct HBAuthOps *load_plugin(const char *name)
{
	char path[256], sym[128];
	void *imports[16];
	void *h;
	long (*init)(void *, void *, void *);

	snprintf(path, sizeof(path), "/usr/lib/heartbeat/plugins/HBauth/%s.so", name);
	snprintf(sym, sizeof(sym), "HBauth_LTX_%s_pil_plugin_init", name);
	h = dlopen(path, RTLD_NOW);
	if (!h || !(init = (long (*)(void *, void *, void *))dlsym(h, sym))) {
		fprintf(stderr, "gen: %s: %s\n", path, dlerror());
		exit(1);
	}
	for (int i = 0; i < 16; i++)
		imports[i] = (void *)stub;
	ops_found = NULL;
	static char plugin_obj[256];
	init(plugin_obj, imports, NULL);
	if (!ops_found) {
		fprintf(stderr, "gen: %s registered no HBauth interface\n", name);
		exit(1);
	}
	return ops_found;
}

/* heartbeat's hb_compute_authentication: returns the index it signed with. */
static int compute_auth(int which, const void *data, size_t len, char *out, size_t outlen)
{
	(void)which;
	if (!cur.auth->auth(&cur, data, len, out, (int)outlen))
		return -1;
	return cur_idx;
}

static void set_key(const char *method, int idx, const char *key)
{
	cur.auth = load_plugin(method);
	cur.authname = method;
	cur.key = (char *)key;
	cur_idx = idx;
}

static void write_file(const char *name, const void *p, size_t len)
{
	FILE *f = fopen(name, "wb");

	if (!f || fwrite(p, 1, len, f) != len || fclose(f)) {
		perror(name);
		exit(1);
	}
}

/* heartbeat's classic-mode inner `auth` field (add_msg_auth): the token
 * over msg2string_buf(NOHEAD) of the fields so far; the input is saved
 * too, as <name>.classic. */
static void add_inner_auth(struct ha_msg *m, const char *name)
{
	char buf[4096], tok[128], val[160], fn[128];

	if (msg2string_buf(m, buf, sizeof(buf), 0, NOHEAD) != HA_OK) {
		fprintf(stderr, "gen: msg2string_buf failed\n");
		exit(1);
	}
	snprintf(fn, sizeof(fn), "%s.classic", name);
	write_file(fn, buf, strlen(buf));
	if (compute_auth(-1, buf, strlen(buf), tok, sizeof(tok)) < 0)
		exit(1);
	snprintf(val, sizeof(val), "%d %s", cur_idx, tok);
	ha_msg_add(m, "auth", val);
}

/* The other direction: libplumb's own receive path (wirefmt2msg with
 * MSG_NEEDAUTH, as heartbeat reads every packet) takes these bytes, and
 * refuses them with one bit of the signed part or the token changed. */
static void check_verifies(const char *name, char *w, size_t len)
{
	struct ha_msg *m = wirefmt2msg(w, len, MSG_NEEDAUTH);
	size_t sig = (size_t)(strstr(w, "%%%\n") - w) + 4;

	if (!m) {
		fprintf(stderr, "gen: %s: libplumb refuses its own message\n", name);
		exit(1);
	}
	ha_msg_del(m);
	/* The last value byte before "%%%\n", and the token's last digit. */
	size_t at[2] = { sig - 6, len - 2 };
	for (int k = 0; k < 2; k++) {
		w[at[k]] ^= 0x01;
		m = wirefmt2msg(w, len, MSG_NEEDAUTH);
		w[at[k]] ^= 0x01;
		if (m) {
			fprintf(stderr, "gen: %s: libplumb accepts byte %zu changed\n", name, at[k]);
			exit(1);
		}
	}
}

static void emit(struct ha_msg *m, const char *name)
{
	char fn[128];
	size_t len = 0;
	char *w = msg2wirefmt(m, &len);

	if (!w) {
		fprintf(stderr, "gen: msg2wirefmt(%s) failed\n", name);
		exit(1);
	}
	snprintf(fn, sizeof(fn), "%s.bin", name);
	write_file(fn, w, len);
	check_verifies(name, w, len);
	free(w);
	ha_msg_del(m);
}

#include "gen_msgs.h"
#include "gen_rsc.h"

int main(void)
{
	cl_set_authentication_computation_method(compute_auth);
	gen_all();
	gen_rsc_all();
	return 0;
}
