/*
 * convert_data.c — the `data:` section into a dlx_data_config.
 *
 * Which keys a source takes is in schema.c; the meaning of each generator
 * parameter is in docs/config.md (the data layer implements it).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "spec/convert.h"

#define MAX_DIM (1 << 20)
#define MAX_CLASSES 100000
#define MAX_EXAMPLES 1000000000LL

/* The defaults of docs/config.md that do not depend on the source. */
static void set_defaults(dlx_data_config *d)
{
    memset(d, 0, sizeof *d);
    d->source = DATA_FASHION_MNIST;
    d->kind = SYN_GAUSSIAN_MIXTURE;
    d->dim = 10;
    d->classes = 2;
    d->noise = 0.0;
    d->condition = 1.0;
    d->rotate = true;
    d->separation = 3.0;
    d->teacher_hidden = 32;
    d->scale_ratio = 1.0;
    d->seed = 0;
}

/* A required path: present, a non-empty string. */
static void read_required_path(spec_ctx *ctx, const ytree_node *map, const ytree_node *where, const char *key,
                               const char *source, char *buf, size_t size)
{
    char path[64];
    snprintf(path, sizeof path, "data.%s", key);
    const ytree_node *v = spec_get(map, key);
    if (!v) {
        spec_error(ctx, where, "%s is required for data.source %s", path, source);
        return;
    }
    if (spec_read_string(ctx, v, path, buf, size) && buf[0] == '\0')
        spec_error(ctx, v, "%s must not be empty", path);
}

/* n_train / n_test: a positive count, or `all` (not for synthetic data). */
static void read_count(spec_ctx *ctx, const ytree_node *v, const char *path, bool synthetic, long *out)
{
    if (!v)
        return;
    if (v->kind == YTREE_SCALAR && !v->quoted && strcmp(v->text, "all") == 0) {
        if (synthetic)
            spec_error(ctx, v, "%s must be a number of examples for synthetic data, not 'all'", path);
        else
            *out = 0;
        return;
    }
    long long n;
    if (spec_read_int(ctx, v, path, 1, MAX_EXAMPLES, &n))
        *out = (long)n;
}

/* target: a column name, a 0-based column index, or -1 for the last column. */
static void read_target(spec_ctx *ctx, const ytree_node *v, dlx_data_config *d)
{
    if (!v)
        return;
    dlx_source_pos at = spec_source_pos(v);
    d->target_line = at.line;
    d->target_col = at.col;
    ytree_value t = v->kind == YTREE_SCALAR ? ytree_resolve(v) : (ytree_value){.type = YTREE_NULL};
    if (t.type == YTREE_INT) {
        long long index;
        if (!spec_read_int(ctx, v, "data.target", -1, 1000000000LL, &index))
            return;
        if (index >= 0)
            snprintf(d->target, sizeof d->target, "%lld", index);
        return;
    }
    if (spec_read_string(ctx, v, "data.target", d->target, sizeof d->target) && d->target[0] == '\0')
        spec_error(ctx, v, "data.target must be a column name or index, not empty");
}

/* The keys of data.kind low_rank (SPEC §7): rows, cols and rank required,
   noise, observed (default 1: every entry); dim, classes, n_train and n_test
   mean nothing for a matrix and are refused. */
static void read_low_rank(spec_ctx *ctx, const ytree_node *map, const ytree_node *where, dlx_data_config *d)
{
    static const char *const sizes[] = {"rows", "cols", "rank"};
    int *fields[] = {&d->rows, &d->cols, &d->rank};
    const ytree_node *v;
    long long n;
    double x;
    for (int i = 0; i < 3; i++) {
        char path[32];
        snprintf(path, sizeof path, "data.%s", sizes[i]);
        if (!(v = spec_get(map, sizes[i])))
            spec_error(ctx, where, "%s is required for data.kind low_rank", path);
        else if (spec_read_int(ctx, v, path, 1, 100000, &n))
            *fields[i] = (int)n;
    }
    if (d->rows > 0 && d->cols > 0 && d->rank > (d->rows < d->cols ? d->rows : d->cols))
        spec_error(ctx, spec_get(map, "rank"), "data.rank (%d) cannot exceed min(data.rows, data.cols) = %d",
                   d->rank, d->rows < d->cols ? d->rows : d->cols);
    if ((double)d->rows * d->cols > 1e8)
        spec_error(ctx, spec_get(map, "rows"), "a %d x %d matrix has more than 1e8 entries", d->rows, d->cols);
    d->classes = 0;
    d->observed = 1.0;
    if ((v = spec_get(map, "noise")) && spec_read_number(ctx, v, "data.noise", &x) &&
        spec_check_nonnegative(ctx, v, "data.noise", x))
        d->noise = x;
    if ((v = spec_get(map, "observed")) && spec_read_number(ctx, v, "data.observed", &x)) {
        if (!(x > 0 && x <= 1))
            spec_error(ctx, v, "data.observed is the fraction of observed entries: it must be in (0, 1], "
                               "got %s", v->text);
        else
            d->observed = x;
    }
    static const char *const unused[] = {"dim", "classes", "n_train", "n_test"};
    for (int i = 0; i < 4; i++)
        if ((v = spec_get(map, unused[i])) && !spec_inherited(v))   /* an arm may inherit them */
            spec_error(ctx, v, "data.%s does not apply to data.kind low_rank: the data are the "
                               "data.rows x data.cols entries of a matrix, of which data.observed are "
                               "observed", unused[i]);
}

/* What a generated and a file tensor share: `noise` (default 0), no classes, and
   dim, classes, n_train, n_test refused, the data being every entry of the
   tensor (key = value names the kind of tensor in the message). */
static void read_tensor_common(spec_ctx *ctx, const ytree_node *map, dlx_data_config *d, const char *key,
                               const char *value)
{
    const ytree_node *v;
    double x;
    d->classes = 0;
    if ((v = spec_get(map, "noise")) && spec_read_number(ctx, v, "data.noise", &x) &&
        spec_check_nonnegative(ctx, v, "data.noise", x))
        d->noise = x;
    static const char *const unused[] = {"dim", "classes", "n_train", "n_test"};
    for (int i = 0; i < 4; i++)
        if ((v = spec_get(map, unused[i])) && !spec_inherited(v))   /* an arm may inherit them */
            spec_error(ctx, v, "data.%s does not apply to %s %s: the data are every entry of the tensor",
                       unused[i], key, value);
}

/* The keys of data.kind cp_tensor and ht_tensor (SPEC §7): shape (a list of
   2..16 mode sizes, an ht tree 2^L of them) and rank required, noise
   (default 0); dim, classes, n_train and n_test mean nothing for a tensor
   and are refused. */
static void read_tensor(spec_ctx *ctx, const ytree_node *map, const ytree_node *where, dlx_data_config *d)
{
    const char *kind = spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)d->kind);
    const ytree_node *v;
    long long n;
    if (!(v = spec_get(map, "shape")))
        spec_error(ctx, where, "data.shape is required for data.kind %s (a list of mode sizes, e.g. [2, 2, 2, 2])",
                   kind);
    else if (spec_expect_kind(ctx, v, "data.shape", YTREE_SEQ)) {
        if (v->count < 2 || v->count > DLX_MAX_TENSOR_ORDER)
            spec_error(ctx, v, "data.shape must list between 2 and %d mode sizes, got %d", DLX_MAX_TENSOR_ORDER,
                       v->count);
        else if (d->kind == SYN_HT_TENSOR && (v->count & (v->count - 1)))
            spec_error(ctx, v, "data.shape of an ht_tensor (a balanced binary tree) must have 2, 4, 8 or 16 "
                               "modes, got %d", v->count);
        else {
            double entries = 1;
            d->tensor_order = v->count;
            for (int i = 0; i < v->count; i++) {
                d->tensor_shape[i] = 1;
                if (spec_read_int(ctx, v->values[i], "data.shape", 1, 100000, &n))
                    d->tensor_shape[i] = (int)n;
                entries *= d->tensor_shape[i];
            }
            if (entries > 1e7)
                spec_error(ctx, v, "a tensor of data.shape has %.3g entries, more than the limit of 1e7",
                           entries);
        }
    }
    if (!(v = spec_get(map, "rank")))
        spec_error(ctx, where, "data.rank is required for data.kind %s", kind);
    else if (spec_read_int(ctx, v, "data.rank", 1, 100000, &n))
        d->rank = (int)n;
    read_tensor_common(ctx, map, d, "data.kind", kind);
}

/* The keys of data.source safetensors: path (required), tensor (a name,
   default the file's only tensor) and noise (default 0). The order and
   shape are the file's, read at validation (experiment/tensor_file.c);
   dim, classes, n_train and n_test mean nothing for a tensor and are
   refused, as for the generated ones. */
static void read_tensor_file(spec_ctx *ctx, const ytree_node *map, const ytree_node *where, dlx_data_config *d)
{
    const ytree_node *v;
    read_required_path(ctx, map, where, "path", "safetensors", d->tensor_path, sizeof d->tensor_path);
    if ((v = spec_get(map, "tensor")) &&
        spec_read_string(ctx, v, "data.tensor", d->tensor_name, sizeof d->tensor_name) && d->tensor_name[0] == '\0')
        spec_error(ctx, v, "data.tensor must name a tensor of the file, not be empty");
    read_tensor_common(ctx, map, d, "data.source", "safetensors");
}

/* data.format: table (the default), entries or dense (SPEC §7); a matrix
   format has no target column. */
static void read_csv_format(spec_ctx *ctx, const ytree_node *map, dlx_data_config *d)
{
    const ytree_node *v = spec_get(map, "format");
    int f;
    if (v && spec_read_enum(ctx, v, "data.format", &SPEC_CSV_FORMATS, &f))
        d->format = (dlx_csv_format)f;
    const ytree_node *target = spec_get(map, "target");
    if (d->format != CSV_TABLE && target && !spec_inherited(target))
        spec_error(ctx, target, "data.target does not apply to data.format %s: every field is an "
                   "entry of the matrix", spec_enum_name(&SPEC_CSV_FORMATS, (int)d->format));
}

/* data.train_input / data.test_input of shifted_regression: {mean, std},
   both required, std > 0. */
static void read_input_density(spec_ctx *ctx, const ytree_node *map, const ytree_node *where,
                               const char *key, double *mean, double *std)
{
    char path[64];
    snprintf(path, sizeof path, "data.%s", key);
    const ytree_node *v = spec_get(map, key), *x;
    if (!v) {
        spec_error(ctx, where, "%s: {mean, std} is required for data.kind shifted_regression", path);
        return;
    }
    if (!spec_expect_kind(ctx, v, path, YTREE_MAP))
        return;
    spec_check_keys(ctx, v, path, NULL, 0);
    char sub[80];
    double d;
    snprintf(sub, sizeof sub, "%s.mean", path);
    if (!(x = spec_get(v, "mean")))
        spec_error(ctx, v, "%s is required", sub);
    else if (spec_read_number(ctx, x, sub, &d))
        *mean = d;
    snprintf(sub, sizeof sub, "%s.std", path);
    if (!(x = spec_get(v, "std")))
        spec_error(ctx, v, "%s is required", sub);
    else if (spec_read_number(ctx, x, sub, &d) && spec_check_positive(ctx, x, sub, d))
        *std = d;
}

/* The keys of data.kind shifted_regression (SPEC §9): one input, x ~
   N(mean, std²) per split, y = truth(x) + noise·N(0, 1). */
static void read_shifted_regression(spec_ctx *ctx, const ytree_node *map, const ytree_node *where,
                                    dlx_data_config *d)
{
    const ytree_node *v;
    long long n;
    double x;
    d->dim = 1;
    d->classes = 0;
    d->train_std = d->test_std = 1.0;
    if ((v = spec_get(map, "dim")) && spec_read_int(ctx, v, "data.dim", 1, MAX_DIM, &n) && n != 1)
        spec_error(ctx, v, "data.dim must be 1 for data.kind shifted_regression (one input x), got %s",
                   v->text);
    if ((v = spec_get(map, "classes")) && !spec_inherited(v))
        spec_error(ctx, v, "data.classes does not apply to data.kind shifted_regression: the targets "
                           "are real numbers");
    read_input_density(ctx, map, where, "train_input", &d->train_mean, &d->train_std);
    read_input_density(ctx, map, where, "test_input", &d->test_mean, &d->test_std);
    int t;
    if ((v = spec_get(map, "truth")) && spec_read_enum(ctx, v, "data.truth", &SPEC_SHIFT_TRUTHS, &t))
        d->truth = (dlx_shift_truth)t;
    if ((v = spec_get(map, "noise")) && spec_read_number(ctx, v, "data.noise", &x) &&
        spec_check_nonnegative(ctx, v, "data.noise", x))
        d->noise = x;
}

/* data.importance: {weights: exact | classifier | none, power: λ} (SPEC §9);
   exact needs the known densities of shifted_regression, and neither goes
   with a matrix or with a weight column. */
static void read_importance(spec_ctx *ctx, const ytree_node *map, dlx_data_config *d)
{
    const ytree_node *v = spec_get(map, "importance"), *x;
    d->importance_power = 1.0;
    if (!v || !spec_expect_kind(ctx, v, "data.importance", YTREE_MAP))
        return;
    spec_check_keys(ctx, v, "data.importance", NULL, 0);
    int w;
    if ((x = spec_get(v, "weights")) && spec_read_enum(ctx, x, "data.importance.weights", &SPEC_IMPORTANCE, &w))
        d->importance = (dlx_importance)w;
    double p;
    if ((x = spec_get(v, "power")) && spec_read_number(ctx, x, "data.importance.power", &p) &&
        spec_check_nonnegative(ctx, x, "data.importance.power", p))
        d->importance_power = p;
    bool shifted = d->source == DATA_SYNTHETIC && d->kind == SYN_SHIFTED_REGRESSION;
    bool matrix = (d->source == DATA_SYNTHETIC && d->kind == SYN_LOW_RANK) ||
                  (d->source == DATA_CSV && d->format != CSV_TABLE);
    if (d->importance == IMPORTANCE_EXACT && !shifted)
        spec_error(ctx, spec_get(v, "weights"), "data.importance.weights exact needs the known input "
                   "densities of data.kind shifted_regression; use classifier for other data");
    if (d->importance != IMPORTANCE_NONE && matrix)
        spec_error(ctx, spec_get(v, "weights"), "data.importance does not apply to a matrix: its "
                   "examples are entries, not inputs");
    if (d->importance != IMPORTANCE_NONE && d->weight_column[0])
        spec_error(ctx, spec_get(v, "weights"), "data.importance and data.weight both give the "
                   "training weights: use one");
}

/* The keys of data.kind teacher_regression (SPEC §7): hidden (the rows of
   the teacher's first layer, required, at most data.dim: they are
   orthonormal) and activation (default sigmoid); dim and noise are read with
   the other kinds' (data.classes is refused by the schema). */
static void read_teacher_regression(spec_ctx *ctx, const ytree_node *map, const ytree_node *where,
                                    dlx_data_config *d)
{
    const ytree_node *v;
    long long n;
    d->teacher_activation = ACT_SIGMOID;
    if (!(v = spec_get(map, "hidden")))
        spec_error(ctx, where, "data.hidden is required for data.kind teacher_regression (the teacher's "
                               "hidden units, at most data.dim)");
    else if (spec_read_int(ctx, v, "data.hidden", 1, MAX_DIM, &n)) {
        if (n > d->dim)
            spec_error(ctx, v, "data.hidden (%s) cannot exceed data.dim (%d): the teacher's first-layer "
                               "rows are orthonormal", v->text, d->dim);
        else
            d->teacher_hidden = (int)n;
    }
    int a;
    if ((v = spec_get(map, "activation")) && spec_read_enum(ctx, v, "data.activation", &SPEC_ACTIVATIONS, &a))
        d->teacher_activation = a;
}

/* The generator keys of data.source synthetic. */
static void read_synthetic(spec_ctx *ctx, const ytree_node *map, const ytree_node *where, dlx_data_config *d,
                           bool kind_ok)
{
    const ytree_node *v;
    long long n;
    double x;
    if (!spec_get(map, "kind"))
        spec_error(ctx, where, "data.kind is required for data.source synthetic "
                               "(gaussian_mixture, linear, logistic, teacher, low_rank, "
                               "shifted_regression, cp_tensor or ht_tensor)");
    if (kind_ok && d->kind == SYN_LOW_RANK) {
        read_low_rank(ctx, map, where, d);
        return;
    }
    if (kind_ok && d->kind == SYN_SHIFTED_REGRESSION) {
        read_shifted_regression(ctx, map, where, d);
        return;
    }
    if (kind_ok && (d->kind == SYN_CP_TENSOR || d->kind == SYN_HT_TENSOR)) {
        read_tensor(ctx, map, where, d);
        return;
    }
    if ((v = spec_get(map, "dim")) && spec_read_int(ctx, v, "data.dim", 1, MAX_DIM, &n))
        d->dim = (int)n;
    bool classification = d->kind != SYN_LINEAR && d->kind != SYN_TEACHER_REGRESSION;
    if (kind_ok && (v = spec_get(map, "classes")) && classification &&
        spec_read_int(ctx, v, "data.classes", 2, MAX_CLASSES, &n)) {
        if (d->kind == SYN_LOGISTIC && n != 2)
            spec_error(ctx, v, "data.classes must be 2 for data.kind logistic, got %s", v->text);
        else
            d->classes = (int)n;
    }
    if (kind_ok && !classification)
        d->classes = 0; /* regression */
    if ((v = spec_get(map, "noise")) && spec_read_number(ctx, v, "data.noise", &x) &&
        spec_check_nonnegative(ctx, v, "data.noise", x)) {
        if (kind_ok && classification && x > 1)
            spec_error(ctx, v, "data.noise is a label-noise probability for data.kind %s: it must be in "
                               "[0, 1], got %s", spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)d->kind), v->text);
        else
            d->noise = x;
    }
    if (d->kind == SYN_LINEAR && (v = spec_get(map, "condition")) &&
        spec_read_number(ctx, v, "data.condition", &x)) {
        if (x < 1)
            spec_error(ctx, v, "data.condition must be at least 1, got %s", v->text);
        else
            d->condition = x;
    }
    if (d->kind == SYN_LINEAR && (v = spec_get(map, "rotate")))
        spec_read_bool(ctx, v, "data.rotate", &d->rotate);
    if (d->kind == SYN_LINEAR && (v = spec_get(map, "exact_covariance")))
        spec_read_bool(ctx, v, "data.exact_covariance", &d->exact_covariance);
    if (d->kind == SYN_GAUSSIAN_MIXTURE && (v = spec_get(map, "separation")) &&
        spec_read_number(ctx, v, "data.separation", &x) && spec_check_positive(ctx, v, "data.separation", x))
        d->separation = x;
    if (d->kind == SYN_TEACHER && (v = spec_get(map, "teacher_hidden")) &&
        spec_read_int(ctx, v, "data.teacher_hidden", 1, MAX_DIM, &n))
        d->teacher_hidden = (int)n;
    if (kind_ok && d->kind == SYN_TEACHER_REGRESSION)
        read_teacher_regression(ctx, map, where, d);
    bool truth_vector = d->kind == SYN_LINEAR || d->kind == SYN_LOGISTIC;
    if (truth_vector && (v = spec_get(map, "sparsity")) && spec_read_int(ctx, v, "data.sparsity", 0, MAX_DIM, &n)) {
        if (n > d->dim)
            spec_error(ctx, v, "data.sparsity (%s nonzero coefficients) cannot exceed data.dim (%d)", v->text, d->dim);
        else
            d->sparsity = (int)n;
    }
    if (d->kind == SYN_LINEAR && (v = spec_get(map, "features")) && spec_read_int(ctx, v, "data.features", 1, MAX_DIM, &n)) {
        if (n > d->dim)
            spec_error(ctx, v, "data.features (%s inputs) cannot exceed data.dim (%d)", v->text, d->dim);
        else
            d->features = (int)n;
    }
    if (d->kind == SYN_LOGISTIC && (v = spec_get(map, "scale_ratio")) &&
        spec_read_number(ctx, v, "data.scale_ratio", &x)) {
        if (!(x >= 1))
            spec_error(ctx, v, "data.scale_ratio must be at least 1, got %s", v->text);
        else
            d->scale_ratio = x;
    }
}

void convert_data(spec_ctx *ctx, const ytree_node *node, dlx_data_config *d)
{
    set_defaults(d);
    bool source_ok = true, kind_ok = true;
    const ytree_node *v;
    if (node && !spec_expect_kind(ctx, node, "data", YTREE_MAP))
        node = NULL;
    if ((v = spec_get(node, "source"))) {
        int s;
        source_ok = spec_read_enum(ctx, v, "data.source", &SPEC_DATA_SOURCES, &s);
        if (source_ok)
            d->source = (dlx_data_source)s;
    }
    if (d->source == DATA_SYNTHETIC && (v = spec_get(node, "kind"))) {
        int k;
        kind_ok = spec_read_enum(ctx, v, "data.kind", &SPEC_SYNTHETIC_KINDS, &k);
        if (kind_ok)
            d->kind = (dlx_synthetic_kind)k;
    }
    bool synthetic = d->source == DATA_SYNTHETIC;
    if (synthetic && !spec_get(node, "kind"))
        kind_ok = false; /* reported below as missing */
    spec_choice choices[] = {
        {"data.source", source_ok ? data_source_name(d->source) : SPEC_CHOICE_INVALID},
        {"data.kind", !source_ok || !kind_ok ? SPEC_CHOICE_INVALID
                      : synthetic              ? spec_enum_name(&SPEC_SYNTHETIC_KINDS, (int)d->kind)
                                               : NULL},
    };
    spec_check_keys(ctx, node, "data", choices, 2);
    const ytree_node *where = spec_get(node, "source") ? spec_get(node, "source") : node;
    const char *source = data_source_name(d->source);

    if (source_ok && node) {
        switch (d->source) {
        case DATA_FASHION_MNIST:
        case DATA_MNIST:
            if ((v = spec_get(node, "dir"))) {
                spec_read_string(ctx, v, "data.dir", d->dir, sizeof d->dir);
                dlx_source_pos at = spec_source_pos(v);
                d->dir_line = at.line;
                d->dir_col = at.col;
            }
            break;
        case DATA_IDX:
            read_required_path(ctx, node, where, "train_images", source, d->train_images, sizeof d->train_images);
            read_required_path(ctx, node, where, "train_labels", source, d->train_labels, sizeof d->train_labels);
            read_required_path(ctx, node, where, "test_images", source, d->test_images, sizeof d->test_images);
            read_required_path(ctx, node, where, "test_labels", source, d->test_labels, sizeof d->test_labels);
            break;
        case DATA_CSV:
            read_required_path(ctx, node, where, "train", source, d->train, sizeof d->train);
            read_required_path(ctx, node, where, "test", source, d->test, sizeof d->test);
            read_target(ctx, spec_get(node, "target"), d);
            read_csv_format(ctx, node, d);
            if ((v = spec_get(node, "weight")) &&
                spec_read_string(ctx, v, "data.weight", d->weight_column, sizeof d->weight_column)) {
                if (d->weight_column[0] == '\0')
                    spec_error(ctx, v, "data.weight must name a column, not be empty");
                else if (d->format != CSV_TABLE)
                    spec_error(ctx, v, "data.weight does not apply to data.format %s: every field is an "
                               "entry of the matrix", spec_enum_name(&SPEC_CSV_FORMATS, (int)d->format));
            }
            break;
        case DATA_SYNTHETIC: read_synthetic(ctx, node, where, d, kind_ok); break;
        case DATA_SAFETENSORS: read_tensor_file(ctx, node, where, d); break;
        }
    }
    if (synthetic) {
        d->n_train = 1000;
        d->n_test = 1000;
    }
    bool matrix = synthetic && d->kind == SYN_LOW_RANK;
    bool tensor = (synthetic && (d->kind == SYN_CP_TENSOR || d->kind == SYN_HT_TENSOR)) ||
                  d->source == DATA_SAFETENSORS;
    if (matrix || tensor) {
        d->n_train = d->n_test = 0;   /* the matrix's entries (low_rank.c), the tensor's (tensor_data.c) */
    } else {
        read_count(ctx, spec_get(node, "n_train"), "data.n_train", synthetic, &d->n_train);
        read_count(ctx, spec_get(node, "n_test"), "data.n_test", synthetic, &d->n_test);
    }
    long long seed;
    if ((v = spec_get(node, "seed")) && spec_read_int(ctx, v, "data.seed", 0, LLONG_MAX, &seed))
        d->seed = (uint64_t)seed;
    bool images = d->source == DATA_FASHION_MNIST || d->source == DATA_MNIST || d->source == DATA_IDX;
    d->preprocess = images ? PRE_SCALE : PRE_NONE;
    int p;
    bool no_features = matrix || tensor || (d->source == DATA_CSV && d->format != CSV_TABLE);
    if ((v = spec_get(node, "preprocess")) && spec_read_enum(ctx, v, "data.preprocess", &SPEC_PREPROCESS, &p)) {
        if (no_features && p != PRE_NONE)
            spec_error(ctx, v, "data.preprocess must be none for a matrix or a tensor (data.kind low_rank, "
                               "cp_tensor, ht_tensor, data.source safetensors, or data.format entries or "
                               "dense): there are no input "
                               "features to scale");
        else
            d->preprocess = (dlx_preprocess)p;
    }
    if ((v = spec_get(node, "bootstrap")))
        spec_read_bool(ctx, v, "data.bootstrap", &d->bootstrap);
    read_importance(ctx, node, d);
}
