// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: xlvsadm -R's reading and dry run (restore_parse.c,
 * restore_check.c) on a restore file as the input.  The dry run plays the
 * commands against a model of a small table (a TCP and a UDP service with
 * one real server each), never the table itself.  Invariants: the answers
 * are 0, 1 or 2; every command read is the one its line, by its number,
 * holds (the line taken from the input here, split and parsed again), in
 * the order of the file; every accepted one is an edit.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include "cmd.h"
#include "restore_check.h"
#include "fence.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_fence();
	return 0;
}

static struct xlvs_endpoint ep(uint8_t d, uint16_t port)
{
	struct xlvs_endpoint e = { .af = 4, .addr = { 10, 0, 0, d }, .port = port };

	return e;
}

/* The table the dry run starts from, as xlvs_snapshot_take would give it. */
static void snapshot(struct xlvs_snapshot *snap, struct xlvs_service_info svcs[2],
		     struct xlvs_dest_info dests[2])
{
	memset(svcs, 0, 2 * sizeof(svcs[0]));
	memset(dests, 0, 2 * sizeof(dests[0]));
	for (int i = 0; i < 2; i++) {
		svcs[i].conf.proto = i ? IPPROTO_UDP : IPPROTO_TCP;
		svcs[i].conf.vip = ep(100, i ? 53 : 80);
		strcpy(svcs[i].conf.sched, "wlc");
		svcs[i].conf.netmask = 0xffffffff;
		dests[i].conf.addr = ep(3, i ? 53 : 80);
		dests[i].conf.weight = 1;
		svcs[i].ndests = 1;
		svcs[i].dests = &dests[i];
	}
	*snap = (struct xlvs_snapshot){ .nservices = 2, .services = svcs };
}

/* Line lineno (from 1) of the input, NUL-terminated, into buf; false if
 * the input has no such line. */
static bool line_of(const uint8_t *data, size_t size, unsigned int lineno,
		    char *buf, size_t room)
{
	size_t i = 0, len = 0;

	for (unsigned int l = 1; l < lineno; l++) {
		const uint8_t *nl = memchr(data + i, '\n', size - i);

		if (!nl)
			return false;
		i = (size_t)(nl - data) + 1;
	}
	if (i >= size)
		return false;
	while (i + len < size && data[i + len] != '\n' && len + 1 < room)
		len++;
	memcpy(buf, data + i, len);
	buf[len] = 0;
	return true;
}

/* The line's words as argv, as the -R format has them: blank-separated, a
 * leading "ipvsadm" or "xlvsadm" dropped. */
static int line_argv(char *line, char **argv, int max)
{
	int argc = 1;

	argv[0] = "xlvsadm";
	for (char *w = strtok(line, " \t\r"); w && argc < max - 1;
	     w = strtok(NULL, " \t\r")) {
		if (argc == 1 && (!strcmp(w, "ipvsadm") || !strcmp(w, "xlvsadm")))
			continue;
		argv[argc++] = w;
	}
	argv[argc] = NULL;
	return argc;
}

static void check_line(const uint8_t *data, size_t size, const struct restore_line *l)
{
	static char line[1 << 14];
	char *argv[64];
	struct cmd c;
	int argc;

	FUZZ_ASSERT(line_of(data, size, l->lineno, line, sizeof(line)));
	/* (restore_parse refuses a line with a NUL, so strtok sees it all.) */
	argc = line_argv(line, argv, 64);
	FUZZ_ASSERT(argc > 1 && argv[1][0] != '#');
	FUZZ_ASSERT(cmd_parse(argc, argv, &c) == 0);
	FUZZ_ASSERT(!memcmp(&c, &l->cmd, sizeof(c)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xlvs_service_info svcs[2];
	struct xlvs_dest_info dests[2];
	struct xlvs_snapshot snap;
	struct restore_line *lines = NULL;
	size_t n = 0;
	FILE *in;
	int rc;

	if (!size)
		return 0;
	in = fmemopen((void *)data, size, "r");
	FUZZ_ASSERT(in);
	rc = restore_parse(in, &lines, &n);
	fclose(in);
	FUZZ_ASSERT(rc == 0 || rc == 1 || rc == 2);
	if (!rc) {
		for (size_t i = 0; i < n; i++) {
			check_line(data, size, &lines[i]);
			FUZZ_ASSERT(!i || lines[i].lineno > lines[i - 1].lineno);
		}
		rc = restore_kinds_check(lines, n);
		FUZZ_ASSERT(rc == 0 || rc == 2);
	}
	if (!rc) {
		for (size_t i = 0; i < n; i++)
			FUZZ_ASSERT(lines[i].cmd.kind != CMD_NONE &&
				    lines[i].cmd.kind < CMD_MAX);
		struct restore_model m = { 0 };

		snapshot(&snap, svcs, dests);
		rc = restore_check(&snap, lines, n, &m);
		FUZZ_ASSERT(rc == 0 || rc == 2);
		restore_model_free(&m);
	}
	free(lines);
	return 0;
}
