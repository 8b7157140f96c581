/*
 * checkpoint.c — saving a run and loading initial weights (see checkpoint.h).
 */
#include "train/checkpoint.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/safetensors.h"

#define META_MAX 8

static void format_rng(char *buf, size_t n, const dlx_rng *r)
{
    snprintf(buf, n, "%016" PRIx64 "%016" PRIx64 "%016" PRIx64 "%016" PRIx64, r->s[0], r->s[1],
             r->s[2], r->s[3]);
}

dlx_status checkpoint_save(const char *path, dlx_network *net, dlx_optimizer *opt,
                           const dlx_train_state *state, dlx_diags *diags)
{
    int n_net = network_n_tensors(net);
    int n_trainable = 0;
    for (int i = 0; i < n_net; i++)
        n_trainable += network_tensor(net, i)->grad != NULL;
    int n_state = optimizer_n_state(opt);
    size_t n_total = (size_t)n_net + (size_t)n_state * (size_t)n_trainable;
    dlx_tensor *all = n_net > 0 && n_state >= 0 && n_total < 100000 ? calloc(n_total, sizeof *all)
                                                                       : NULL;
    if (!all) {
        diags_add(diags, path, 0, 0, "out of memory writing checkpoint");
        return DLX_ERR_RUNTIME;
    }
    const float *params = network_params(net);
    size_t k = 0;
    for (int i = 0; i < n_net; i++)
        all[k++] = *network_tensor(net, i);
    for (int s = 0; s < n_state; s++) {
        const char *state_name;
        float *buffer = optimizer_state(opt, s, &state_name);
        for (int i = 0; i < n_net; i++) {
            const dlx_tensor *t = network_tensor(net, i);
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

    char epoch[32], step[32], opt_steps[32], rng_shuffle[72], rng_dropout[72], rng_noise[72];
    snprintf(epoch, sizeof epoch, "%ld", state->epoch);
    snprintf(step, sizeof step, "%ld", state->step);
    snprintf(opt_steps, sizeof opt_steps, "%ld", optimizer_steps(opt));
    format_rng(rng_shuffle, sizeof rng_shuffle, &state->shuffle_rng);
    format_rng(rng_dropout, sizeof rng_dropout, &state->dropout_rng);
    format_rng(rng_noise, sizeof rng_noise, &state->noise_rng);
    const char *keys[META_MAX] = {"format", "epoch", "step", "optimizer_steps",
                                  "rng.shuffle", "rng.dropout", "rng.noise"};
    const char *values[META_MAX] = {DLX_CHECKPOINT_FORMAT, epoch, step, opt_steps,
                                    rng_shuffle, rng_dropout, rng_noise};
    dlx_status st = safetensors_write(path, all, (int)n_total, keys, values, 7, diags);
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

dlx_status checkpoint_load_weights(const char *path, dlx_network *net, dlx_diags *diags)
{
    dlx_st_file file = {0};
    dlx_status st = safetensors_read(path, &file, diags);
    if (st != DLX_OK)
        return st;
    for (int i = 0; i < network_n_tensors(net); i++) {
        dlx_tensor *t = network_tensor(net, i);
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
    }
    for (int i = 0; i < file.n_tensors; i++) {
        const char *name = file.tensors[i].name;
        if (strncmp(name, "optimizer.", 10) != 0 && !network_find_tensor(net, name)) {
            diags_add(diags, path, 0, 0, "unexpected tensor '%s' (the model has no such tensor)",
                      name);
            st = DLX_ERR_INPUT;
        }
    }
    safetensors_free(&file);
    return st;
}
