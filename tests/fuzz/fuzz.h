/*
 * The libFuzzer entry point every target in tests/fuzz defines. The
 * prototype is here so that -Wmissing-prototypes is satisfied both when a
 * target is linked with libFuzzer (-Dfuzzing=true, clang) and when it is
 * linked with replay.c in every normal build.
 */
#ifndef LM_FUZZ_H
#define LM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property every input must keep. When it fails, the file, line and
 * condition go to standard error before the abort, so that a crash seen
 * only in a CI log says which property broke. */
#define CHECK(cond)                                                                                  \
	do {                                                                                         \
		if (!(cond)) {                                                                       \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);     \
			abort();                                                                     \
		}                                                                                    \
	} while (0)

#endif
