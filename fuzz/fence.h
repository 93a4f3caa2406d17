/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-process parser fuzzers share.  They link xlvsadm's parsing
 * modules and libxlvs, never run.c or restore.c, so no input can reach a
 * table edit; the fence makes sure of it anyway: libxlvs is pointed at a
 * pin root that does not exist, so a table open could only fail.  The
 * parsers' messages for the inputs they refuse (almost all of them) go to
 * /dev/null: libFuzzer and the sanitizers keep the real stderr, whose
 * FILE they took at start-up.  A host name in an input is looked up in
 * /etc/hosts and then by DNS: in an empty network namespace of its own the
 * fuzzer sends no query anywhere (and does not wait for answers).
 */
#ifndef XLVS_FUZZ_FENCE_H
#define XLVS_FUZZ_FENCE_H

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

static inline void fuzz_fence(void)
{
	FILE *null = fopen("/dev/null", "w");

	if (unshare(CLONE_NEWNET) && unshare(CLONE_NEWUSER | CLONE_NEWNET)) {
		perror("fuzz: unshare (an empty network namespace, for no DNS)");
		abort();
	}
	if (setenv("XLVS_PIN_ROOT", "/nonexistent/xlvs-fuzz", 1) || !null)
		abort();
	stderr = null;
}

/* An invariant broken: say which on the real stderr, and abort, so
 * libFuzzer keeps the input as a crash. */
#define FUZZ_ASSERT(cond)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			fprintf(fuzz_stderr(), "fuzz invariant failed: %s "  \
				"(%s:%d)\n", #cond, __FILE__, __LINE__);    \
			abort();                                            \
		}                                                           \
	} while (0)

static inline FILE *fuzz_stderr(void)
{
	static FILE *real;

	if (!real && (real = fdopen(2, "w")))
		setvbuf(real, NULL, _IONBF, 0);   /* abort() flushes nothing */
	return real ? real : stdout;
}

#endif
