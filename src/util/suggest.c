/*
 * suggest.c — the closest candidate by edit distance (see suggest.h).
 */
#include "util/suggest.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUGGEST_MAX_LEN 64   /* longer words are never close to a key or value name */

/* The least of three. */
static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Optimal string alignment: d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1,
   d[i-1][j-1] + [a_i != b_j], d[i-2][j-2] + 1 if a_i a_{i-1} = b_{j-1} b_j)
   (Wagner & Fischer 1974 dynamic programme, with Damerau's transposition). */
int suggest_distance(const char *a, const char *b)
{
    int n = (int)strlen(a), m = (int)strlen(b);
    if (n > SUGGEST_MAX_LEN || m > SUGGEST_MAX_LEN)
        return n > m ? n : m;
    int d[SUGGEST_MAX_LEN + 1][SUGGEST_MAX_LEN + 1];
    for (int i = 0; i <= n; i++)
        d[i][0] = i;
    for (int j = 0; j <= m; j++)
        d[0][j] = j;
    for (int i = 1; i <= n; i++) {
        for (int j = 1; j <= m; j++) {
            int ai = tolower((unsigned char)a[i - 1]), bj = tolower((unsigned char)b[j - 1]);
            d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (ai != bj));
            if (i > 1 && j > 1 && ai == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == bj && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[n][m];
}

const char *suggest_closest(const char *word, const char *const *candidates, int n)
{
    const char *best = NULL;
    int best_distance = 0;
    for (int i = 0; i < n; i++) {
        int len = (int)strlen(word), clen = (int)strlen(candidates[i]);
        int longer = len > clen ? len : clen;
        int allowed = longer / 3 > 1 ? longer / 3 : 1;
        int dist = suggest_distance(word, candidates[i]);
        if (dist <= allowed && (!best || dist < best_distance)) {
            best = candidates[i];
            best_distance = dist;
        }
    }
    return best;
}

void suggest_list(char *buf, size_t size, const char *const *candidates, int n)
{
    size_t used = 0;
    if (size)
        buf[0] = '\0';
    for (int i = 0; i < n && used < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", candidates[i]);
        if (w < 0)
            return;
        used += (size_t)w;
    }
}
