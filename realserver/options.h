/* SPDX-License-Identifier: GPL-2.0 */
/* xlvs-realserver's command line: parsed whole, before anything changes. */
#ifndef XLVS_REALSERVER_OPTIONS_H
#define XLVS_REALSERVER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h>      /* INET6_ADDRSTRLEN */
#include "decap.h"

enum rs_cmd { RS_UP = 1, RS_DOWN, RS_STATUS };

#define RS_DEVS_MAX 16

struct rs_opts {
	enum rs_cmd cmd;
	uint32_t tunnel;                /* one DECAP_KIND_*, 0 = no tunnel */
	uint16_t tun_port;              /* GUE's UDP port, 0 = none */
	bool persist;
	const char *state_path;         /* NULL: the default (rs_state_path) */
	const char *config_path;        /* --config: read by up, written by --persist */
	unsigned int nvips;
	struct decap_vip vips[DECAP_VIPS_MAX];
	unsigned int ndevs;
	char devs[RS_DEVS_MAX][IF_NAMESIZE];
};

#define RS_CONFIG_DEFAULT "/etc/xlvs/realserver.conf"

/* argv[1..] into o; 0, or -1 with a message naming the option in err. */
int rs_opts_parse(int argc, char **argv, struct rs_opts *o, char *err,
		  size_t errlen);

/* One option's value, shared by the command line and the config file
 * (conf.c): 0, or -1 with a message in err. */
int rs_opt_tunnel(struct rs_opts *o, const char *type, char *err, size_t errlen);
int rs_opt_tun_port(struct rs_opts *o, const char *port, char *err, size_t errlen);
int rs_opt_dev(struct rs_opts *o, const char *dev, char *err, size_t errlen);
int rs_opt_vip(struct rs_opts *o, const char *vip, char *err, size_t errlen);
/* The checks across options, after all are read. */
int rs_opts_check(const struct rs_opts *o, char *err, size_t errlen);

/* A VIP as text ("10.0.0.1", "2001:db8::1"); buf of INET6_ADDRSTRLEN. */
int rs_vip_parse(const char *s, struct decap_vip *v);
const char *rs_vip_str(const struct decap_vip *v, char *buf, size_t len);
const char *rs_tunnel_name(uint32_t kind);
uint32_t rs_tunnel_kind(const char *name);

#endif
