/*
 * yaml_tree.h — a YAML document as a tree of located nodes.
 *
 * libyaml's event stream becomes a tree of mappings, sequences and scalars.
 * Every node keeps its 1-based line and column and a pointer to its origin
 * (the file name used in messages and an optional message prefix), so later
 * stages can report FILE:LINE:COL for any value. Scalars keep their text and
 * whether they were quoted: interpretation (null, bool, int, float, string)
 * follows the YAML 1.2 core schema and is left to the caller through
 * ytree_resolve.
 *
 * What the parser refuses, each as a diagnostic: libyaml syntax errors,
 * duplicate keys in a mapping, non-scalar keys, more than one document,
 * undefined or self-containing aliases, and alias expansion beyond
 * YTREE_MAX_ALIAS_NODES nodes (the "billion laughs" document). Aliases are
 * expanded into copies, so the tree is a real tree. The YAML 1.1 merge key
 * `<<: *anchor` is supported: keys of the merged mapping(s) are added unless
 * the mapping already has them.
 *
 * Nothing here knows about dlx. The implementation has three parts:
 * yaml_tree.c (this API's nodes and messages), yaml_parse.c (the parser)
 * and yaml_scalar.c (ytree_resolve and the emitter).
 */
#ifndef DLX_UTIL_YAML_TREE_H
#define DLX_UTIL_YAML_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

#define YTREE_MAX_ALIAS_NODES 100000L   /* nodes created by expanding aliases */
#define YTREE_MAX_DEPTH 256             /* nesting of mappings and sequences */

typedef enum { YTREE_SCALAR, YTREE_SEQ, YTREE_MAP } ytree_kind;

/* Where nodes come from. Owned by the caller; must outlive the nodes. */
typedef struct {
    const char *file;      /* FILE in FILE:LINE:COL */
    const char *context;   /* prepended to messages about these nodes ("CONTEXT: ..."), or NULL */
} ytree_origin;

typedef struct ytree_node ytree_node;
struct ytree_node {
    ytree_kind kind;
    int line, col;                /* 1-based */
    const ytree_origin *origin;
    unsigned flags;               /* free for the caller; ytree_clone copies it */
    char *text;                   /* scalar: its value, NUL-terminated */
    size_t len;                   /* scalar: bytes of text (may contain NUL from a "\0" escape) */
    bool quoted;                  /* scalar: written quoted or as a block scalar (always a string) */
    int count, cap;               /* map: entries; seq: items */
    ytree_node **keys;            /* map: key scalars [count] */
    ytree_node **values;          /* map: values [count]; seq: items [count] */
};

/* The meaning of a scalar under the YAML 1.2 core schema. */
typedef enum { YTREE_NULL, YTREE_BOOL, YTREE_INT, YTREE_FLOAT, YTREE_STRING } ytree_type;

typedef struct {
    ytree_type type;
    bool boolean;        /* YTREE_BOOL */
    long long integer;   /* YTREE_INT (when !int_overflow) */
    bool int_overflow;   /* YTREE_INT outside the range of long long */
    double number;       /* YTREE_INT and YTREE_FLOAT: the value as a double (may be inf/nan) */
} ytree_value;

/* Parse one YAML document of len bytes. *root is NULL for an empty stream
   (nothing but comments and blanks). col_offset is added to the columns of
   the first line (for text that starts inside a longer line). Returns
   DLX_ERR_INPUT with diagnostics on any error, DLX_ERR_RUNTIME when memory
   runs out. */
dlx_status ytree_parse(const char *text, size_t len, const ytree_origin *origin, int col_offset,
                       ytree_node **root, dlx_diags *diags);

/* Free a node and everything under it (NULL is fine). */
void ytree_free(ytree_node *node);

/* A deep copy (NULL when memory runs out). */
ytree_node *ytree_clone(const ytree_node *node);

/* New nodes; text is copied. NULL when memory runs out. */
ytree_node *ytree_new_scalar(const char *text, bool quoted, int line, int col, const ytree_origin *origin);
/* A scalar of the len bytes at text (copied, NUL appended; may hold NULs). */
ytree_node *ytree_new_scalar_len(const char *text, size_t len, bool quoted, int line, int col,
                                 const ytree_origin *origin);
ytree_node *ytree_new_container(ytree_kind kind, int line, int col, const ytree_origin *origin);

/* Append an entry to a map (key must be a scalar) or an item to a seq; the
   container takes ownership. False when memory runs out (nothing is taken). */
bool ytree_map_append(ytree_node *map, ytree_node *key, ytree_node *value);
bool ytree_seq_append(ytree_node *seq, ytree_node *item);

/* Index of the entry whose key text is `key` in a map, or -1. */
int ytree_map_index(const ytree_node *map, const char *key);
/* Its value, or NULL. */
ytree_node *ytree_map_get(const ytree_node *map, const char *key);
/* Remove entry i of a map, freeing key and value. */
void ytree_map_remove(ytree_node *map, int i);

/* Resolve a scalar by the YAML 1.2 core schema: a quoted scalar is a
   string; plain ~, null, Null, NULL and the empty scalar are null;
   true/True/TRUE/false/False/FALSE booleans; [-+]?[0-9]+, 0x.., 0o..
   integers; [-+]?(.[0-9]+|[0-9]+(.[0-9]*)?)([eE][-+]?[0-9]+)?, [-+]?.inf
   and .nan floats (locale independent); anything else a string. */
ytree_value ytree_resolve(const ytree_node *scalar);

/* True when the node is a null scalar. */
bool ytree_is_null(const ytree_node *node);

/* The shortest decimal text of a finite double that reads back to the same
   double, always with a '.' (1.0, 0.1, 1.0e-05) so that YAML 1.1 readers
   such as PyYAML also see a float; .inf, -.inf, .nan otherwise. Locale
   independent. buf must hold 32 bytes. */
void ytree_format_float(double x, char buf[32]);

/* A string as a YAML scalar: plain when it reads back as the same string
   in both block and flow context (and to YAML 1.1 readers), otherwise
   double-quoted with escapes. Returns the length written, snprintf-style. */
int ytree_format_string(const char *s, size_t len, char *buf, size_t size);

/* The node in YAML flow style (`[1, 2]`, `{a: b}`, `"x y"`); scalars keep
   their meaning (a quoted "1" stays quoted). Returns the length it needs,
   snprintf-style: the text is complete when the result is < size. */
int ytree_to_flow(const ytree_node *node, char *buf, size_t size);

/* Report a problem at a node: FILE:LINE:COL of the node, with the origin's
   context as a prefix of the message. */
void ytree_error(dlx_diags *diags, const ytree_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A short description of a node for messages: `string "abc"`, `integer 3`,
   `number 2.5`, `true`, `null`, `a mapping`, `a sequence`. */
void ytree_describe(const ytree_node *node, char *buf, size_t size);

#endif
