/* gen.c's loop over cases.h. */
#include "cases.h"

static void gen_all(void)
{
	for (size_t i = 0; i < GOLDEN_NCASES; i++) {
		const struct golden_case *c = &golden_cases[i];
		struct ha_msg *m = ha_msg_new(0);

		set_key(c->method, c->idx, c->key ? c->key : "");
		for (const struct golden_field *f = c->f; f->name; f++) {
			int r = f->type ? ha_msg_addbin(m, f->name, f->val, f->len)
					: ha_msg_add(m, f->name, f->val);
			if (r != HA_OK) {
				fprintf(stderr, "gen: %s: adding %s failed\n", c->name, f->name);
				exit(1);
			}
		}
		if (c->inner_auth)
			add_inner_auth(m, c->name);
		emit(m, c->name);
	}
}
