/*
 * suggest.h — "did you mean 'x'?" for misspelt keys and values.
 *
 * The distance is the optimal string alignment distance (Damerau 1964;
 * Levenshtein 1966, extended by transpositions of adjacent letters),
 * computed without regard to letter case.
 */
#ifndef DLX_UTIL_SUGGEST_H
#define DLX_UTIL_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b: insertions, deletions, substitutions and
   swaps of two adjacent characters each cost 1; case is ignored. */
int suggest_distance(const char *a, const char *b);

/* The candidate closest to word, or NULL when none is close enough: the
   distance must be at most max(1, (length of the longer word) / 3), so
   "adm" finds "adam" but "sgd" does not find "adam". Ties keep the first
   candidate. */
const char *suggest_closest(const char *word, const char *const *candidates, int n);

/* Write the candidates as "a, b, c" into buf (snprintf-style truncation). */
void suggest_list(char *buf, size_t size, const char *const *candidates, int n);

#endif
