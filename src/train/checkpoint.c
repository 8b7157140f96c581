/*
 * checkpoint.c — saving a run and loading initial weights (see checkpoint.h).
 *
 * A checkpoint or an init file is input like any other: it may have been
 * edited, copied from another run or written by another program. Reading
 * one therefore checks, before anything uses it, what can be known from the
 * file alone (state_check: counts that agree with each other, RNG states a
 * generator can be in, summary numbers finite where the run did not
 * diverge; tensors_finite: every value of every tensor finite), and
 * checkpoint_validate checks the rest against the experiment that is to
 * continue it (epochs, steps per epoch, training examples, the evaluation
 * schedule). Errors name the file and the field or tensor (DLX_ERR_INPUT).
 */
#include "train/checkpoint.h"
#include "util/real.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/output_file.h"
#include "io/safetensors.h"

#define META_MAX 32
#define META_VALUE_MAX 72

/* The checkpoint's metadata as strings; doubles in C99 hexadecimal (%a) so
   that they read back bit for bit. */
typedef struct {
    int n;
    const char *keys[META_MAX];
    char values[META_MAX][META_VALUE_MAX];
    char *value_ptrs[META_MAX];
} dlx_checkpoint_meta;

static void format_rng(char *buf, size_t n, const dlx_rng *r)
{
    snprintf(buf, n, "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64, r->s[0], r->s[1],
             r->s[2], r->s[3]);
}

static char *meta_add(dlx_checkpoint_meta *m, const char *key)
{
    m->keys[m->n] = key;
    m->value_ptrs[m->n] = m->values[m->n];
    return m->values[m->n++];
}

static void meta_long(dlx_checkpoint_meta *m, const char *key, long v)
{
    snprintf(meta_add(m, key), META_VALUE_MAX, "%ld", v);
}

static void meta_double(dlx_checkpoint_meta *m, const char *key, double v)
{
    snprintf(meta_add(m, key), META_VALUE_MAX, "%a", v);
}

/* Every field of the state, in a fixed order. */
static void meta_build(dlx_checkpoint_meta *m, const dlx_train_state *s, long optimizer_steps)
{
    m->n = 0;
    snprintf(meta_add(m, "format"), META_VALUE_MAX, "%s", DLX_CHECKPOINT_FORMAT);
    meta_long(m, "epoch", s->epoch);
    meta_long(m, "step", s->step);
    meta_long(m, "optimizer_steps", optimizer_steps);
    if (s->optimizer_start > 0)   /* absent when 0, so earlier checkpoints read the same */
        meta_long(m, "optimizer_start", s->optimizer_start);
    format_rng(meta_add(m, "rng.shuffle"), META_VALUE_MAX, &s->shuffle_rng);
    format_rng(meta_add(m, "rng.dropout"), META_VALUE_MAX, &s->dropout_rng);
    format_rng(meta_add(m, "rng.noise"), META_VALUE_MAX, &s->noise_rng);
    meta_long(m, "position", s->position);
    meta_long(m, "rows", s->rows);
    snprintf(meta_add(m, "status"), META_VALUE_MAX, "%s", s->finished ? "finished" : "running");
    snprintf(meta_add(m, "summary.status"), META_VALUE_MAX, "%s",
             s->summary.status == RUN_DIVERGED ? "diverged" : "ok");
    meta_double(m, "wall_s", s->wall_s);
    meta_double(m, "objective_sum", s->objective_sum);
    meta_long(m, "objective_count", s->objective_count);
    meta_double(m, "best_test_loss", s->best_test_loss);
    const dlx_run_summary *r = &s->summary;
    meta_long(m, "summary.epochs_done", r->epochs_done);
    meta_double(m, "summary.final_train_loss", r->final_train_loss);
    meta_double(m, "summary.final_test_loss", r->final_test_loss);
    meta_double(m, "summary.final_gen_gap", r->final_gen_gap);
    meta_double(m, "summary.final_train_acc", r->final_train_acc);
    meta_double(m, "summary.final_test_acc", r->final_test_acc);
    meta_double(m, "summary.best_test_acc", r->best_test_acc);
    meta_double(m, "summary.best_epoch", r->best_epoch);
    meta_double(m, "summary.wall_s", r->wall_s);
}

dlx_status checkpoint_save(const char *path, dlx_model *model, dlx_optimizer *opt,
                           const dlx_tensor *extra, int n_extra, const dlx_train_state *state,
                           dlx_diags *diags)
{
    int n_net = model_n_tensors(model);
    int n_trainable = 0;
    for (int i = 0; i < n_net; i++)
        n_trainable += model_tensor(model, i)->grad != NULL;
    int n_state = optimizer_n_state(opt);
    size_t n_total = (size_t)n_net + (size_t)n_state * (size_t)n_trainable + (size_t)(n_extra > 0 ? n_extra : 0);
    dlx_tensor *all = n_net > 0 && n_state >= 0 && n_total < 100000 ? calloc(n_total, sizeof *all)
                                                                       : NULL;
    if (!all) {
        diags_add(diags, path, 0, 0, "out of memory writing checkpoint");
        return DLX_ERR_RUNTIME;
    }
    const real *params = model_params(model);
    size_t k = 0;
    for (int i = 0; i < n_net; i++)
        all[k++] = *model_tensor(model, i);
    for (int s = 0; s < n_state; s++) {
        const char *state_name;
        real *buffer = optimizer_state(opt, s, &state_name);
        for (int i = 0; i < n_net; i++) {
            const dlx_tensor *t = model_tensor(model, i);
            if (!t->grad)
                continue;
            dlx_tensor st = *t;
            int len = snprintf(st.name, sizeof st.name, "optimizer.%s.%s", state_name, t->name);
            if (len >= (int)sizeof st.name) {
                diags_add(diags, path, 0, 0, "tensor name 'optimizer.%s.%s' is too long",
                          state_name, t->name);
                free(all);
                return DLX_ERR_RUNTIME;
            }
            st.data = buffer + (t->data - params);
            st.grad = NULL;
            all[k++] = st;
        }
    }
    for (int i = 0; i < n_extra; i++)
        all[k++] = extra[i];

    dlx_checkpoint_meta meta;
    meta_build(&meta, state, optimizer_steps(opt));
    dlx_status st = safetensors_write(path, all, (int)n_total, meta.keys,
                                      (const char *const *)meta.value_ptrs, meta.n, diags);
    free(all);
    return st;
}

/* Copy one tensor of the file into the network tensor, checking the shape. */
static dlx_status copy_tensor(const char *path, dlx_tensor *t, const dlx_st_tensor *f,
                              dlx_diags *diags)
{
    bool same = f->ndim == t->ndim;
    for (int d = 0; same && d < t->ndim; d++)
        same = f->shape[d] == t->shape[d];
    if (!same) {
        char want[64], got[128];
        if (t->ndim == 1)
            snprintf(want, sizeof want, "[%d]", t->shape[0]);
        else
            snprintf(want, sizeof want, "[%d, %d]", t->shape[0], t->shape[1]);
        int n = snprintf(got, sizeof got, "[");
        for (int d = 0; d < f->ndim && n < (int)sizeof got - 24; d++)
            n += snprintf(got + n, sizeof got - (size_t)n, d ? ", %" PRId64 : "%" PRId64,
                          f->shape[d]);
        snprintf(got + n, sizeof got - (size_t)n, "]");
        diags_add(diags, path, 0, 0, "tensor '%s' has shape %s but the model needs %s", t->name,
                  got, want);
        return DLX_ERR_INPUT;
    }
    memcpy(t->data, f->data, tensor_numel(t) * sizeof *t->data);
    return DLX_OK;
}

/* DLX_OK when every value of every tensor of the file is finite; otherwise
   one message per tensor holding a NaN or an infinity, with its first bad
   element. */
static dlx_status tensors_finite(const dlx_st_file *file, const char *path, dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    for (int i = 0; i < file->n_tensors; i++) {
        const dlx_st_tensor *t = &file->tensors[i];
        for (size_t k = 0; k < t->numel; k++) {
            if (isfinite(t->data[k]))
                continue;
            diags_add(diags, path, 0, 0,
                      "tensor '%s' holds %s (element %zu of %zu); weights and optimizer state "
                      "must be finite", t->name, isnan(t->data[k]) ? "nan" : "an infinity", k,
                      t->numel);
            st = DLX_ERR_INPUT;
            break;
        }
    }
    return st;
}

/* The dtype names safetensors_read accepts, as static strings (the file's
   copy is freed with it). */
static const char *dtype_name_static(const char *dtype)
{
    static const char *const names[] = {"F32", "F64", "F16", "BF16"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(dtype, names[i]))
            return names[i];
    return "another type";
}

dlx_status checkpoint_load_weights(const char *path, dlx_model *model, const char **converted_from,
                                   dlx_diags *diags)
{
    if (converted_from)
        *converted_from = NULL;
    dlx_st_file file = {0};
    dlx_status st = safetensors_read(path, &file, diags);
    if (st != DLX_OK)
        return st;
    st = tensors_finite(&file, path, diags);
    for (int i = 0; i < model_n_tensors(model); i++) {
        dlx_tensor *t = model_tensor(model, i);
        const dlx_st_tensor *f = safetensors_find(&file, t->name);
        if (!f) {
            if (t->grad) { /* running statistics may be absent: keep their init */
                diags_add(diags, path, 0, 0, "tensor '%s' is missing (the model needs it)",
                          t->name);
                st = DLX_ERR_INPUT;
            }
            continue;
        }
        if (copy_tensor(path, t, f, diags) != DLX_OK)
            st = DLX_ERR_INPUT;
        if (converted_from && !*converted_from && strcmp(f->dtype, REAL_SAFETENSORS_DTYPE) != 0)
            *converted_from = dtype_name_static(f->dtype);
    }
    for (int i = 0; i < file.n_tensors; i++) {
        const char *name = file.tensors[i].name;
        if (strncmp(name, "optimizer.", 10) != 0 && strncmp(name, "diagnostic.", 11) != 0 &&
            !model_find_tensor(model, name)) {
            diags_add(diags, path, 0, 0, "unexpected tensor '%s' (the model has no such tensor)",
                      name);
            st = DLX_ERR_INPUT;
        }
    }
    safetensors_free(&file);
    return st;
}

/* One metadata value of a checkpoint, reporting its absence. */
static const char *meta_get(const dlx_st_file *f, const char *path, const char *key,
                            dlx_diags *diags)
{
    const char *v = safetensors_meta(f, key);
    if (!v)
        diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is missing", key);
    return v;
}

static bool parse_long(const char *v, long *out)
{
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end)
        return false;
    *out = x;
    return true;
}

static bool parse_double(const char *v, double *out)
{
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end)
        return false;
    *out = x;
    return true;
}

static bool parse_rng(const char *v, dlx_rng *r)
{
    if (strlen(v) != 64)
        return false;
    for (int i = 0; i < 4; i++) {
        char word[17];
        memcpy(word, v + 16 * i, 16);
        word[16] = '\0';
        char *end;
        r->s[i] = strtoull(word, &end, 16);
        if (*end)
            return false;
    }
    return true;
}

/* Parse every metadata field of meta_build back into state. */
static dlx_status state_from_meta(const dlx_st_file *f, const char *path, dlx_train_state *s,
                                  long *optimizer_steps, dlx_diags *diags)
{
    const char *format = meta_get(f, path, "format", diags);
    if (!format)
        return DLX_ERR_INPUT;
    if (strcmp(format, DLX_CHECKPOINT_FORMAT) != 0) {
        diags_add(diags, path, 0, 0, "checkpoint format '%s' is not '%s'", format,
                  DLX_CHECKPOINT_FORMAT);
        return DLX_ERR_INPUT;
    }
    long *longs[] = {&s->epoch, &s->step, optimizer_steps, &s->position, &s->rows,
                     &s->objective_count};
    const char *long_keys[] = {"epoch", "step", "optimizer_steps", "position", "rows",
                               "objective_count"};
    for (size_t i = 0; i < sizeof longs / sizeof *longs; i++) {
        const char *v = meta_get(f, path, long_keys[i], diags);
        if (!v || !parse_long(v, longs[i]) || *longs[i] < 0) {
            if (v)
                diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is not a count: '%s'",
                          long_keys[i], v);
            return DLX_ERR_INPUT;
        }
    }
    const char *start = safetensors_meta(f, "optimizer_start");
    s->optimizer_start = 0;
    if (start && (!parse_long(start, &s->optimizer_start) || s->optimizer_start < 0)) {
        diags_add(diags, path, 0, 0, "checkpoint metadata 'optimizer_start' is not a count: '%s'",
                  start);
        return DLX_ERR_INPUT;
    }
    dlx_rng *rngs[] = {&s->shuffle_rng, &s->dropout_rng, &s->noise_rng};
    const char *rng_keys[] = {"rng.shuffle", "rng.dropout", "rng.noise"};
    for (size_t i = 0; i < 3; i++) {
        const char *v = meta_get(f, path, rng_keys[i], diags);
        if (!v || !parse_rng(v, rngs[i])) {
            if (v)
                diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is not an RNG state",
                          rng_keys[i]);
            return DLX_ERR_INPUT;
        }
    }
    dlx_run_summary *r = &s->summary;
    double *doubles[] = {&s->wall_s, &s->objective_sum, &s->best_test_loss,
                         &r->final_train_loss, &r->final_test_loss, &r->final_gen_gap,
                         &r->final_train_acc, &r->final_test_acc, &r->best_test_acc,
                         &r->best_epoch, &r->wall_s};
    const char *double_keys[] = {"wall_s", "objective_sum", "best_test_loss",
                                 "summary.final_train_loss", "summary.final_test_loss",
                                 "summary.final_gen_gap", "summary.final_train_acc",
                                 "summary.final_test_acc", "summary.best_test_acc",
                                 "summary.best_epoch", "summary.wall_s"};
    for (size_t i = 0; i < sizeof doubles / sizeof *doubles; i++) {
        const char *v = meta_get(f, path, double_keys[i], diags);
        if (!v || !parse_double(v, doubles[i])) {
            if (v)
                diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is not a number: '%s'",
                          double_keys[i], v);
            return DLX_ERR_INPUT;
        }
    }
    long epochs_done;
    const char *v = meta_get(f, path, "summary.epochs_done", diags);
    if (!v || !parse_long(v, &epochs_done))
        return DLX_ERR_INPUT;
    r->epochs_done = (int)epochs_done;
    const char *status = meta_get(f, path, "status", diags);
    const char *run_status = meta_get(f, path, "summary.status", diags);
    if (!status || !run_status)
        return DLX_ERR_INPUT;
    bool running = strcmp(status, "running") == 0, diverged = strcmp(run_status, "diverged") == 0;
    if ((!running && strcmp(status, "finished") != 0) ||
        (!diverged && strcmp(run_status, "ok") != 0)) {
        diags_add(diags, path, 0, 0, "checkpoint status '%s' / '%s' is not running or finished, "
                  "ok or diverged", status, run_status);
        return DLX_ERR_INPUT;
    }
    s->finished = !running;
    r->status = diverged ? RUN_DIVERGED : RUN_OK;
    return DLX_OK;
}

/* True when every word of r is zero: xoshiro256** never reaches that state
   and stays in it once there (every draw would be 0). */
static bool rng_all_zero(const dlx_rng *r)
{
    return !(r->s[0] | r->s[1] | r->s[2] | r->s[3]);
}

/* A summary number that must be finite (the run did not diverge). */
static bool check_finite(const char *path, const char *key, double v, dlx_diags *diags)
{
    if (isfinite(v))
        return true;
    diags_add(diags, path, 0, 0,
              "checkpoint metadata '%s' is %g, but the run did not diverge (summary.status ok)",
              key, v);
    return false;
}

/* A fraction in [0, 1], or NaN (regression has no accuracy). */
static bool check_fraction(const char *path, const char *key, double v, dlx_diags *diags)
{
    if (isnan(v) || (v >= 0 && v <= 1))
        return true;
    diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is %g, not a fraction in [0, 1]", key,
              v);
    return false;
}

/* What the file alone says about its fields' consistency: every problem at
   once (docs/reliability.md, "Checkpoints and init files"). */
static dlx_status state_check(const char *path, const dlx_train_state *s, long optimizer_steps,
                              dlx_diags *diags)
{
    bool ok = true;
    const dlx_rng *rngs[] = {&s->shuffle_rng, &s->dropout_rng, &s->noise_rng};
    const char *rng_keys[] = {"rng.shuffle", "rng.dropout", "rng.noise"};
    for (int i = 0; i < 3; i++) {
        if (rng_all_zero(rngs[i])) {
            diags_add(diags, path, 0, 0,
                      "checkpoint metadata '%s' is all zero, not a state of the generator",
                      rng_keys[i]);
            ok = false;
        }
    }
    if (s->summary.epochs_done != s->epoch) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'summary.epochs_done' is %d but 'epoch' is %ld",
                  s->summary.epochs_done, s->epoch);
        ok = false;
    }
    if (s->step != s->optimizer_start + optimizer_steps) {
        if (s->optimizer_start > 0)
            diags_add(diags, path, 0, 0,
                      "checkpoint metadata 'step' is %ld but 'optimizer_start' %ld and "
                      "'optimizer_steps' %ld make %ld (every step is one optimizer step)", s->step,
                      s->optimizer_start, optimizer_steps, s->optimizer_start + optimizer_steps);
        else
            diags_add(diags, path, 0, 0,
                      "checkpoint metadata 'step' is %ld but 'optimizer_steps' is %ld (every step "
                      "is one optimizer step)", s->step, optimizer_steps);
        ok = false;
    }
    if (s->step < s->epoch) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'step' is %ld, fewer than the %ld epochs completed",
                  s->step, s->epoch);
        ok = false;
    }
    if (s->rows < 1) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'rows' is %ld; a run writes its epoch-0 row before its "
                  "first checkpoint", s->rows);
        ok = false;
    }
    bool diverged = s->summary.status == RUN_DIVERGED;
    if (s->finished && !diverged && s->position != 0) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'position' is %ld, but a run that finished (status ok) "
                  "ends at an epoch's end (0)", s->position);
        ok = false;
    }
    const dlx_run_summary *r = &s->summary;
    if (!diverged) {
        ok &= check_finite(path, "summary.final_train_loss", r->final_train_loss, diags);
        ok &= check_finite(path, "summary.final_test_loss", r->final_test_loss, diags);
        ok &= check_finite(path, "summary.final_gen_gap", r->final_gen_gap, diags);
        ok &= check_finite(path, "objective_sum", s->objective_sum, diags);
    }
    ok &= check_fraction(path, "summary.final_train_acc", r->final_train_acc, diags);
    ok &= check_fraction(path, "summary.final_test_acc", r->final_test_acc, diags);
    ok &= check_fraction(path, "summary.best_test_acc", r->best_test_acc, diags);
    const double times[] = {s->wall_s, r->wall_s};
    const char *time_keys[] = {"wall_s", "summary.wall_s"};
    for (int i = 0; i < 2; i++) {
        if (!(isfinite(times[i]) && times[i] >= 0)) {
            diags_add(diags, path, 0, 0, "checkpoint metadata '%s' is %g, not a duration",
                      time_keys[i], times[i]);
            ok = false;
        }
    }
    if (!(isnan(r->best_epoch) || (r->best_epoch >= 0 && r->best_epoch <= (double)s->epoch + 1))) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'summary.best_epoch' is %g, not an epoch of the run so far",
                  r->best_epoch);
        ok = false;
    }
    return ok ? DLX_OK : DLX_ERR_INPUT;
}

/* Read and check everything the file alone can tell: metadata (state_from_meta,
   state_check) and, unless the run recorded its divergence, finite tensors. */
static dlx_status read_checked(const char *path, dlx_st_file *file, dlx_train_state *state,
                               long *optimizer_steps, dlx_diags *diags)
{
    dlx_status st = safetensors_read(path, file, diags);
    if (st == DLX_OK)
        st = state_from_meta(file, path, state, optimizer_steps, diags);
    if (st == DLX_OK)
        st = state_check(path, state, *optimizer_steps, diags);
    if (st == DLX_OK && state->summary.status != RUN_DIVERGED)
        st = tensors_finite(file, path, diags);
    return st;
}

/* The folder of a checkpoint path, into buf ("." without '/'). */
static void folder_of(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(buf, n, ".");
    else
        snprintf(buf, n, "%.*s", (int)(slash - path), path);
}

dlx_status checkpoint_read_state(const char *path, dlx_train_state *state, dlx_diags *diags)
{
    char dir[4096];
    folder_of(path, dir, sizeof dir);
    dlx_status st = io_refuse_output_links(dir, diags);
    if (st != DLX_OK)
        return st;
    dlx_st_file file = {0};
    long optimizer_steps = 0;
    st = read_checked(path, &file, state, &optimizer_steps, diags);
    safetensors_free(&file);
    return st;
}

dlx_status checkpoint_validate(const char *path, const dlx_config *cfg, long n_train,
                               const dlx_train_state *s, dlx_diags *diags)
{
    const dlx_training_config *tr = &cfg->training;
    bool ok = true;
    long epochs = tr->epochs;
    if (s->epoch > epochs) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'epoch' is %ld, but the experiment has %ld epochs", s->epoch,
                  epochs);
        return DLX_ERR_INPUT; /* the other checks would only repeat it */
    }
    bool diverged = s->summary.status == RUN_DIVERGED;
    /* training.grow_rank ends a run early where its certificate holds: at the
       end of one of its phases */
    const dlx_grow_rank_config *g = &cfg->training.grow_rank;
    bool grown_to_the_end = g->enabled && g->epochs > 0 && s->epoch > 0 && s->epoch % g->epochs == 0;
    if (s->finished && !diverged && s->epoch != epochs && !grown_to_the_end) {
        diags_add(diags, path, 0, 0,
                  "checkpoint status 'finished' (ok) after epoch %ld of %ld: a run that did not "
                  "diverge finishes with its last epoch", s->epoch, epochs);
        ok = false;
    }
    if (!s->finished && s->epoch == epochs) {
        diags_add(diags, path, 0, 0,
                  "checkpoint status 'running' after the last epoch (%ld): nothing is left to run",
                  epochs);
        ok = false;
    }
    /* A signal after the last step of an epoch checkpoints position n_train. */
    if (s->position > n_train) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'position' is %ld, beyond the %ld training examples",
                  s->position, n_train);
        return DLX_ERR_INPUT;
    }
    long batch = tr->batch_size > 0 && tr->batch_size < n_train ? tr->batch_size : n_train;
    if (tr->method == TRAIN_TENSOR_LIFT)
        batch = n_train;   /* the fit is the epoch's one step, over the whole split */
    long per_epoch = batch > 0 ? (n_train + batch - 1) / batch : 0;
    long expected = s->epoch * per_epoch + (batch > 0 ? (s->position + batch - 1) / batch : 0);
    /* A run stopped by a non-finite step did not count that step. */
    long fewest = s->finished && diverged ? expected - 1 : expected;
    if (s->step < fewest || s->step > expected) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'step' is %ld, but %ld epochs of %ld steps and position "
                  "%ld make %ld", s->step, s->epoch, per_epoch, s->position, expected);
        ok = false;
    }
    /* Rows: the epoch-0 row, one per evaluation point passed, and at most
       two more (the end of training, the row of a divergence). */
    long rows = 1 + (tr->eval_every > 0 ? s->step / tr->eval_every : s->epoch);
    long most = rows + (s->finished ? 2 : 0);
    if (s->rows < rows || s->rows > most) {
        diags_add(diags, path, 0, 0,
                  "checkpoint metadata 'rows' is %ld, but the evaluation schedule (%s) gives "
                  "%ld%s at step %ld", s->rows, tr->eval_every > 0 ? "every N steps" : "every epoch",
                  rows, s->finished ? " to 2 more" : "", s->step);
        ok = false;
    }
    return ok ? DLX_OK : DLX_ERR_INPUT;
}

/* Copy the file's tensor `name` into dst[0..numel), checking its size. */
static dlx_status restore_buffer(const dlx_st_file *file, const char *path, const char *name,
                                 real *dst, size_t numel, dlx_diags *diags)
{
    const dlx_st_tensor *f = safetensors_find(file, name);
    if (!f || f->numel != numel) {
        diags_add(diags, path, 0, 0, "checkpoint tensor '%s' is %s", name,
                  f ? "not of the model's size" : "missing");
        return DLX_ERR_INPUT;
    }
    memcpy(dst, f->data, numel * sizeof *dst);
    return DLX_OK;
}

dlx_status checkpoint_load(const char *path, dlx_model *model, dlx_optimizer *opt,
                           dlx_tensor *extra, int n_extra, dlx_train_state *state,
                           dlx_diags *diags)
{
    dlx_st_file file = {0};
    long optimizer_steps = 0;
    dlx_status st = read_checked(path, &file, state, &optimizer_steps, diags);
    const real *params = model_params(model);
    for (int i = 0; st == DLX_OK && i < model_n_tensors(model); i++) {
        dlx_tensor *t = model_tensor(model, i);
        st = restore_buffer(&file, path, t->name, t->data, tensor_numel(t), diags);
    }
    for (int s = 0; st == DLX_OK && s < optimizer_n_state(opt); s++) {
        const char *state_name;
        real *buffer = optimizer_state(opt, s, &state_name);
        for (int i = 0; st == DLX_OK && i < model_n_tensors(model); i++) {
            const dlx_tensor *t = model_tensor(model, i);
            if (!t->grad)
                continue;
            char name[2 * DLX_TENSOR_NAME_MAX];
            snprintf(name, sizeof name, "optimizer.%s.%s", state_name, t->name);
            st = restore_buffer(&file, path, name, buffer + (t->data - params), tensor_numel(t),
                                diags);
        }
    }
    for (int i = 0; st == DLX_OK && i < n_extra; i++)
        st = restore_buffer(&file, path, extra[i].name, extra[i].data, tensor_numel(&extra[i]), diags);
    if (st == DLX_OK)
        optimizer_set_steps(opt, optimizer_steps);
    safetensors_free(&file);
    return st;
}
