/*
 * vector_clones.h — VECTOR_CLONES, for elementwise loops worth 8 or 16 floats
 * per instruction.
 *
 * GCC compiles a function marked with it three times, for AVX-512F (16
 * floats or 8 doubles per instruction), AVX2 (8 or 4) and the baseline SSE2
 * (4 or 2), and picks the version for the processor at load time (function
 * multiversioning). Only the vector width changes, not FMA: a multiply and
 * an add stay two roundings, and ISO C mode (-std=c11) does not contract
 * them, so each element goes through the same operations in the same order
 * in every version and results are identical.
 * Elsewhere the mark is empty.
 */
#ifndef DLX_UTIL_VECTOR_CLONES_H
#define DLX_UTIL_VECTOR_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define VECTOR_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define VECTOR_CLONES
#endif

#endif
