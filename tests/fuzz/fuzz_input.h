/*
 * fuzz_input.h — what the fuzz harnesses share: the libFuzzer entry point
 * and a scratch file for readers that take a path.
 */
#ifndef DLX_FUZZ_INPUT_H
#define DLX_FUZZ_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer's entry point, defined once by each harness. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Write the input to a per-process scratch file (suffix chosen by the
   caller, e.g. ".gz"); returns its path, or NULL when it cannot be
   written (the input is then skipped). */
const char *fuzz_write_file(const uint8_t *data, size_t size, const char *suffix);

#endif
