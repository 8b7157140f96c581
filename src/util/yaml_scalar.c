/*
 * yaml_scalar.c — what a scalar means, and nodes back to YAML text.
 *
 * Resolution follows the YAML 1.2 core schema on the scalar's text alone
 * (a quoted scalar is always a string), in the "C" locale whatever the
 * process's locale is. The emitter goes the other way: floats as the
 * shortest text that reads back to the same double, strings plain only
 * when every YAML reader (1.2 and 1.1, block and flow context) reads them
 * back as the same string, else double-quoted; nodes in flow style keep
 * their meaning (a quoted "1" stays quoted). Output goes to a caller's
 * buffer, snprintf-style, so a caller can measure first.
 */
#include "util/yaml_tree.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* s is one of the NULL-terminated set. */
static bool text_in(const char *s, const char *const *set)
{
    for (int i = 0; set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

/* s is [0-9]+ (at least one digit), or with allowed hex/octal digits. */
static bool all_digits(const char *s, int base)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        int c = (unsigned char)*s;
        bool ok = base == 16 ? ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))
                  : base == 8 ? (c >= '0' && c <= '7')
                              : (c >= '0' && c <= '9');
        if (!ok)
            return false;
    }
    return true;
}

/* [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? — YAML 1.2 core float. */
static bool is_core_float(const char *s)
{
    if (*s == '-' || *s == '+')
        s++;
    int int_digits = 0, frac_digits = 0;
    while (*s >= '0' && *s <= '9') {
        s++;
        int_digits++;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            s++;
            frac_digits++;
        }
    }
    if (int_digits == 0 && frac_digits == 0)
        return false;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '-' || *s == '+')
            s++;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        while (*s >= '0' && *s <= '9')
            s++;
    }
    return *s == '\0';
}

/* strtod in the "C" locale, whatever the process locale is. */
static double strtod_c(const char *s)
{
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    double x = strtod(s, NULL);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
    return x;
}

ytree_value ytree_resolve(const ytree_node *n)
{
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL", NULL};
    static const char *const trues[] = {"true", "True", "TRUE", NULL};
    static const char *const falses[] = {"false", "False", "FALSE", NULL};
    static const char *const infs[] = {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL};
    static const char *const minus_infs[] = {"-.inf", "-.Inf", "-.INF", NULL};
    static const char *const nans[] = {".nan", ".NaN", ".NAN", NULL};
    ytree_value v = {.type = YTREE_STRING};
    if (n->kind != YTREE_SCALAR || n->quoted || strlen(n->text) != n->len)
        return v;
    const char *s = n->text;
    if (text_in(s, nulls)) {
        v.type = YTREE_NULL;
    } else if (text_in(s, trues) || text_in(s, falses)) {
        v.type = YTREE_BOOL;
        v.boolean = text_in(s, trues);
    } else if (text_in(s, infs) || text_in(s, minus_infs) || text_in(s, nans)) {
        v.type = YTREE_FLOAT;
        v.number = text_in(s, nans) ? NAN : text_in(s, infs) ? INFINITY : -INFINITY;
    } else if ((s[0] == '0' && s[1] == 'x' && all_digits(s + 2, 16)) ||
               (s[0] == '0' && s[1] == 'o' && all_digits(s + 2, 8))) {
        v.type = YTREE_INT;
        errno = 0;
        unsigned long long u = strtoull(s + 2, NULL, s[1] == 'x' ? 16 : 8);
        v.int_overflow = errno == ERANGE || u > (unsigned long long)INT64_MAX;
        v.integer = v.int_overflow ? 0 : (long long)u;
        v.number = (double)u;
    } else if (all_digits(s + (s[0] == '-' || s[0] == '+'), 10)) {
        v.type = YTREE_INT;
        errno = 0;
        v.integer = strtoll(s, NULL, 10);
        v.int_overflow = errno == ERANGE;
        v.number = strtod_c(s);
    } else if (is_core_float(s)) {
        v.type = YTREE_FLOAT;
        v.number = strtod_c(s);
    }
    return v;
}

bool ytree_is_null(const ytree_node *node)
{
    return node->kind == YTREE_SCALAR && ytree_resolve(node).type == YTREE_NULL;
}

/* ------------------------------------------------------------ formatting */

void ytree_format_float(double x, char buf[32])
{
    if (isnan(x)) {
        strcpy(buf, ".nan");
        return;
    }
    if (isinf(x)) {
        strcpy(buf, x > 0 ? ".inf" : "-.inf");
        return;
    }
    locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    locale_t old = c ? uselocale(c) : (locale_t)0;
    char text[32];
    for (int digits = 1; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, x);
        if (strtod(text, NULL) == x)
            break;
    }
    /* whole numbers below 1e16 read better without an exponent: 100.0, not 1.0e+02 */
    if (strchr(text, 'e') && fabs(x) >= 1 && fabs(x) < 1e16)
        snprintf(text, sizeof text, "%.0f", x);
    if (c) {
        uselocale(old);
        freelocale(c);
    }
    /* give the mantissa a '.', so every YAML reader sees a float */
    char *e = strchr(text, 'e');
    size_t mantissa = e ? (size_t)(e - text) : strlen(text);
    if (memchr(text, '.', mantissa))
        snprintf(buf, 32, "%s", text);
    else
        snprintf(buf, 32, "%.*s.0%s", (int)mantissa, text, e ? e : "");
}

/* A growing text in a caller's buffer, snprintf-style. */
typedef struct {
    char *buf;
    size_t size, len;
} text_out;

/* Append n bytes, truncating at the buffer end but counting all. */
static void put(text_out *o, const char *s, size_t n)
{
    if (o->len + 1 < o->size) {
        size_t room = o->size - 1 - o->len;
        memcpy(o->buf + o->len, s, n < room ? n : room);
    }
    o->len += n;
    if (o->size)
        o->buf[o->len < o->size ? o->len : o->size - 1] = '\0';
}

/* Append a NUL-terminated string. */
static void puts_(text_out *o, const char *s) { put(o, s, strlen(s)); }

/* Plain style reads back as this very string in block and flow context,
   for YAML 1.2 and for YAML 1.1 readers (yes/no, 1_000, 1:20 are not
   strings there). Conservative: when in doubt, quote. */
static bool plain_safe(const char *s, size_t len)
{
    static const char *const yaml11_words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                               "on", "On", "ON", "off", "Off", "OFF", "<<", "=", NULL};
    if (len == 0 || strlen(s) != len)
        return false;
    if (strchr("-?:,[]{}#&*!|>'\"%@` \t+.0123456789", s[0]))
        return false;
    if (s[len - 1] == ' ' || s[len - 1] == '\t')
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f || strchr(",[]{}:#", c))
            return false;
    }
    if (text_in(s, yaml11_words))
        return false;
    ytree_node probe = {.kind = YTREE_SCALAR, .text = (char *)s, .len = len};
    return ytree_resolve(&probe).type == YTREE_STRING;
}

/* A string, plain when safe, else double-quoted with escapes. */
static void put_string(text_out *o, const char *s, size_t len)
{
    if (plain_safe(s, len)) {
        put(o, s, len);
        return;
    }
    puts_(o, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"': puts_(o, "\\\""); break;
        case '\\': puts_(o, "\\\\"); break;
        case '\n': puts_(o, "\\n"); break;
        case '\t': puts_(o, "\\t"); break;
        case '\r': puts_(o, "\\r"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof esc, "\\x%02x", c);
                puts_(o, esc);
            } else {
                put(o, (const char *)&s[i], 1);
            }
        }
    }
    puts_(o, "\"");
}

int ytree_format_string(const char *s, size_t len, char *buf, size_t size)
{
    text_out o = {buf, size, 0};
    if (size)
        buf[0] = '\0';
    put_string(&o, s, len);
    return (int)o.len;
}

/* A node in flow style, recursively. */
static void put_flow(text_out *o, const ytree_node *n)
{
    if (n->kind == YTREE_SCALAR) {
        ytree_value v = ytree_resolve(n);
        if (v.type == YTREE_NULL)
            puts_(o, "null");
        else if (v.type == YTREE_STRING)
            put_string(o, n->text, n->len);
        else
            put(o, n->text, n->len);
        return;
    }
    puts_(o, n->kind == YTREE_SEQ ? "[" : "{");
    for (int i = 0; i < n->count; i++) {
        if (i)
            puts_(o, ", ");
        if (n->kind == YTREE_MAP) {
            put_flow(o, n->keys[i]);
            puts_(o, ": ");
        }
        put_flow(o, n->values[i]);
    }
    puts_(o, n->kind == YTREE_SEQ ? "]" : "}");
}

int ytree_to_flow(const ytree_node *node, char *buf, size_t size)
{
    text_out o = {buf, size, 0};
    if (size)
        buf[0] = '\0';
    put_flow(&o, node);
    return (int)o.len;
}

