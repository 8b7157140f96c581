/*
 * schema.h — every key of the experiment file and every enum value name.
 *
 * One table lists each key by its dotted path and, when it applies only to
 * some choices of another key (optimizer.momentum only to optimizer.type
 * momentum or nesterov), that discriminating key and its values. The same
 * table answers "is this key known?" for the file, for --set and for sweep
 * keys, and gives the did-you-mean candidates. docs/config.md documents
 * each entry.
 */
#ifndef DLX_SPEC_SCHEMA_H
#define DLX_SPEC_SCHEMA_H

#include <stdbool.h>

typedef struct {
    const char *path;          /* "optimizer.momentum"; top-level keys have no dot */
    const char *when_key;      /* discriminating key path, or NULL: applies always */
    const char *when_values;   /* comma-separated values of when_key for which it applies */
} spec_key;

/* The entry for a dotted path, or NULL. */
const spec_key *schema_find(const char *path);

/* The names of the keys directly under `parent` ("" for the top level),
   for did-you-mean. Writes up to max pointers; returns the count. */
int schema_children(const char *parent, const char **names, int max);

/* True when `value` is one of the comma-separated `values`. */
bool schema_value_in(const char *value, const char *values);

/* A set of names for an enum-like value. */
typedef struct {
    const char *noun;              /* "optimizer", for "unknown optimizer 'adm'" */
    const char *const *names;      /* indexed by the C enum */
    int count;
} spec_enum;

extern const spec_enum SPEC_DATA_SOURCES, SPEC_SYNTHETIC_KINDS, SPEC_PREPROCESS, SPEC_CSV_FORMATS, SPEC_MODEL_TYPES,
    SPEC_ACTIVATIONS, SPEC_DROPOUT_KINDS, SPEC_DROPOUT_SCALINGS, SPEC_INIT_SCHEMES, SPEC_LOSSES,
    SPEC_OPTIMIZERS, SPEC_DIAGNOSTICS, SPEC_SCHEDULES, SPEC_REFERENCES, SPEC_DIVERGENCE,
    SPEC_UNCERTAINTY_METHODS, SPEC_BN_POSITIONS;
extern const spec_enum SPEC_BN_BACKWARDS, SPEC_DROPOUT_POSITIONS;
/* shifted_regression's data.truth and data.importance.weights (SPEC §9). */
extern const spec_enum SPEC_SHIFT_TRUTHS, SPEC_IMPORTANCE;
/* model.dropconnect_inference. */
extern const spec_enum SPEC_DROPCONNECT_INFERENCES;
/* training.method (SPEC §7). */
extern const spec_enum SPEC_TRAINING_METHODS;

/* The parameter a diagnostic takes as a one-key map item, `{mc_dropout: 20}`
   (docs/config.md, "diagnostics"). Diagnostics absent from the table take
   none. A parameter is stored in dlx_config.diagnostic_param, NAN when
   absent. */
typedef enum { SPEC_PARAM_NONE, SPEC_PARAM_OPTIONAL, SPEC_PARAM_REQUIRED } spec_param_use;
typedef struct {
    const char *diagnostic;
    spec_param_use use;
    bool integer;              /* must be a whole number */
    double min, max;           /* closed range */
    const char *meaning;       /* "the number of dropout masks T", for messages */
} spec_diag_param;

/* The parameter rule of a diagnostic; never NULL (use NONE when unlisted). */
const spec_diag_param *schema_diagnostic_param(const char *diagnostic);

/* The name of value i of an enum, or "unknown". */
const char *spec_enum_name(const spec_enum *e, int i);

/* Keys of the top level that describe the whole experiment and cannot
   appear in an arm or be swept. */
bool schema_is_experiment_key(const char *key);

#endif
