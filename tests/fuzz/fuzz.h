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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
