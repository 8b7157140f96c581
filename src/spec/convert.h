/*
 * convert.h — the located YAML tree into the typed structs of config.h.
 *
 * Each section has its own file (convert_data.c, convert_model.c,
 * convert_training.c for loss, regularizer, optimizer, training and
 * diagnostics; convert_experiment.c for the top level and the arms); this
 * header is what they share: the context that collects errors, the reading
 * helpers that turn a scalar into a number, integer, boolean, string or enum
 * value with a located message when it is not one, and the key check.
 *
 * Conventions: a key whose value is null (`key:`, `key: ~`) counts as
 * absent, so its default applies. Every function keeps going after an
 * error, so one pass reports everything.
 */
#ifndef DLX_SPEC_CONVERT_H
#define DLX_SPEC_CONVERT_H

#include <stdbool.h>
#include <stddef.h>

#include "spec/config.h"
#include "spec/experiment.h"
#include "spec/schema.h"
#include "util/diag.h"
#include "util/yaml_tree.h"

/* ytree_node.flags bit: the node came from the base into an arm (merge.c). */
#define SPEC_INHERITED 1u

typedef struct {
    dlx_diags *diags;
    const char *arm_name;     /* converting this arm; NULL for the base or the top level */
    int errors;               /* errors reported through this context */
} spec_ctx;

/* Report an error at a node. In an arm, an error at a node inherited from
   the base that the base itself already reported is not repeated; other
   errors at inherited nodes are prefixed "in arm 'NAME': ". */
void spec_error(spec_ctx *ctx, const ytree_node *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* True when node and everything under it were inherited from the base. */
bool spec_inherited(const ytree_node *node);

/* The value of key in a map, or NULL when absent, null, or map is NULL. */
const ytree_node *spec_get(const ytree_node *map, const char *key);

/* The current value of a discriminating key, for spec_check_keys:
   value NULL means the discriminating key itself does not apply;
   SPEC_CHOICE_INVALID means its value was wrong (already reported). */
typedef struct {
    const char *key;
    const char *value;
} spec_choice;
extern const char SPEC_CHOICE_INVALID[];

/* Check every key of a map found at dotted `path` ("" for the top level)
   against the schema: unknown keys (with did-you-mean) and keys that do not
   apply to the current choices. Keys inherited from the base that do not
   apply to an arm's choices are ignored silently. */
void spec_check_keys(spec_ctx *ctx, const ytree_node *map, const char *path, const spec_choice *choices,
                     int n_choices);

/* Where node is written in the experiment file; {0, 0} when node is NULL or
   comes from a --set override or a sweep point (see dlx_source_pos). */
dlx_source_pos spec_source_pos(const ytree_node *node);

/* Type errors read "expected a number for 'PATH', got string \"abc\"". */
bool spec_expect_kind(spec_ctx *ctx, const ytree_node *node, const char *path, ytree_kind kind);

/* A finite number (integer or float scalar). */
bool spec_read_number(spec_ctx *ctx, const ytree_node *node, const char *path, double *out);
/* An integer in [min, max]; a float with an integral value (1e3) counts. */
bool spec_read_int(spec_ctx *ctx, const ytree_node *node, const char *path, long long min, long long max,
                   long long *out);
/* true or false. */
bool spec_read_bool(spec_ctx *ctx, const ytree_node *node, const char *path, bool *out);
/* Any non-null scalar's text, which must fit in size bytes with its NUL. */
bool spec_read_string(spec_ctx *ctx, const ytree_node *node, const char *path, char *buf, size_t size);
/* One of the names of e; unknown names get did-you-mean and the list. */
bool spec_read_enum(spec_ctx *ctx, const ytree_node *node, const char *path, const spec_enum *e, int *out);

/* Number checks with the standard messages "PATH must be ..., got TEXT". */
bool spec_check_positive(spec_ctx *ctx, const ytree_node *node, const char *path, double x);
bool spec_check_nonnegative(spec_ctx *ctx, const ytree_node *node, const char *path, double x);
/* x in [0, 1) (closed_above false) or [0, 1] (true). */
bool spec_check_unit(spec_ctx *ctx, const ytree_node *node, const char *path, double x, bool closed_above);

/* Sections: each fills its defaults, then reads `node` (NULL: absent;
   `parent` then locates a missing required key). */
void convert_data(spec_ctx *ctx, const ytree_node *node, dlx_data_config *data);
void convert_model(spec_ctx *ctx, const ytree_node *node, const ytree_node *parent, dlx_model_config *model);
void convert_loss(spec_ctx *ctx, const ytree_node *node, dlx_model_type model_type, dlx_loss *loss);
void convert_regularizer(spec_ctx *ctx, const ytree_node *node, dlx_regularizer_config *reg);
void convert_optimizer(spec_ctx *ctx, const ytree_node *node, dlx_optimizer_config *opt);
void convert_training(spec_ctx *ctx, const ytree_node *node, dlx_training_config *training);
void convert_diagnostics(spec_ctx *ctx, const ytree_node *node, dlx_config *cfg);
/* uncertainty: after model (mc_dropout needs a model with dropout). */
void convert_uncertainty(spec_ctx *ctx, const ytree_node *node, dlx_config *cfg);

/* A whole dlx_config from a map holding the section keys (the top level
   of the file, or the base with one arm merged over it). */
void convert_config(spec_ctx *ctx, const ytree_node *map, dlx_config *cfg);

#endif
