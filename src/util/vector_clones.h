/*
 * vector_clones.h — VECTOR_CLONES, for elementwise loops worth 8 floats per
 * instruction.
 *
 * GCC compiles a function marked with it twice, for AVX2 (8 floats or 4
 * doubles per instruction) and for the baseline SSE2 (4 or 2), and picks the
 * version for the processor at load time (function multiversioning). Only
 * AVX2, not FMA: a multiply and an add stay two roundings, and ISO C mode
 * (-std=c11) does not contract them, so each element goes through the same
 * operations in the same order in both versions and results are identical.
 * Elsewhere the mark is empty.
 */
#ifndef DLX_UTIL_VECTOR_CLONES_H
#define DLX_UTIL_VECTOR_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define VECTOR_CLONES
#endif

#endif
