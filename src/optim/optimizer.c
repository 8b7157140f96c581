/*
 * optimizer.c — PyTorch's torch.optim update rules on one flat float block.
 *
 * Each rule repeats the arithmetic of PyTorch's single-tensor CPU path
 * (torch/optim/{sgd,adagrad,rmsprop,adam}.py, `_single_tensor_*`, as in
 * PyTorch 1.13 and 2.0, weight_decay = 0, maximize = False), operation by
 * operation and rounded to float32 after each one, so that a dlx run and a
 * PyTorch run on the same gradients stay within a few ulps of each other:
 *
 *   - Tensor-by-scalar operations use the scalar rounded to float32, as ATen
 *     does (`alpha.to<float>()`), while scalar-only arithmetic (Adam's bias
 *     corrections, lr / bias_correction1) is done in double, as Python does.
 *   - `a.add_(b, alpha=s)` is a + s·b; `a.addcmul_(b, c, value=s)` is
 *     a + s·b·c = a + (s·b)·c; `a.addcdiv_(b, c, value=s)` is a + (s·b)/c
 *     (ATen's PointwiseOpsKernel order).
 *
 * ATen's vectorised kernels may fuse a + s·b into one FMA; this file rounds
 * twice, so the last bit can differ on such hardware. Adam's first moment
 * uses the 1.13 / 2.0 form β1·m + (1−β1)·g (later 2.x releases use
 * m.lerp_(g, 1−β1), equal up to rounding).
 *
 * State buffers are allocated once in optimizer_create; optimizer_step only
 * reads and writes them, in one loop over the parameters. Each rule's loop
 * is compiled for AVX-512, AVX2 and SSE2 (VECTOR_CLONES): the same
 * operations per element in every version, so the same bits.
 */
#include "optim/optimizer.h"
#include "util/real.h"

#include <math.h>
#include <stdlib.h>

#include "util/vector_clones.h"

#define OPTIMIZER_MAX_STATE 2

/* One row of the table: the name (as in SPEC_OPTIMIZERS), the state
   buffers the rule keeps by PyTorch's state-dict names, the update, and
   which models it fits (NULL: every model). */
typedef struct {
    const char *name;
    int n_state;
    const char *state_names[OPTIMIZER_MAX_STATE];
    void (*step)(dlx_optimizer *opt, real *params, const real *grads, double lr);
    bool (*fits)(const dlx_config *cfg, char *why, size_t n);
} optimizer_kind;

struct dlx_optimizer {
    dlx_optimizer_config cfg;
    const optimizer_kind *kind;
    size_t n_params;
    long steps;                                  /* PyTorch's state["step"] */
    int n_state;                                 /* buffers allocated so far */
    real *state[OPTIMIZER_MAX_STATE];           /* n_params floats each, zero at start */
};

static const optimizer_kind *kind_of(dlx_optimizer_type type);

/* Hyperparameter checks of PyTorch's constructors (lr is checked per step by
   the caller's schedule): momentum >= 0 (> 0 for nesterov), 0 <= β < 1,
   alpha >= 0, eps >= 0, all finite. */
static dlx_status check_config(const dlx_optimizer_config *cfg, dlx_diags *diags)
{
    dlx_status st = DLX_OK;
    if ((cfg->type == OPT_MOMENTUM || cfg->type == OPT_NESTEROV) && cfg->momentum_rule == MOMENTUM_THEORY) {
        diags_add(diags, NULL, 0, 0, "optimizer.momentum: theory has not been resolved from the objective's "
                  "curvature (src/solvers/step_theory.c)");
        st = DLX_ERR_INPUT;
    } else if (cfg->type == OPT_MOMENTUM || cfg->type == OPT_NESTEROV) {
        bool nesterov = cfg->type == OPT_NESTEROV && cfg->momentum_rule == MOMENTUM_CONSTANT;
        if (!isfinite(cfg->momentum) || cfg->momentum < 0 || (nesterov && cfg->momentum == 0)) {
            diags_add(diags, NULL, 0, 0, "optimizer.momentum must be %s, got %g",
                      nesterov ? "> 0 for nesterov" : ">= 0", cfg->momentum);
            st = DLX_ERR_INPUT;
        }
    }
    if (cfg->type == OPT_ADAM) {
        if (!(cfg->beta1 >= 0 && cfg->beta1 < 1)) {
            diags_add(diags, NULL, 0, 0, "optimizer.beta1 must be in [0, 1), got %g", cfg->beta1);
            st = DLX_ERR_INPUT;
        }
        if (!(cfg->beta2 >= 0 && cfg->beta2 < 1)) {
            diags_add(diags, NULL, 0, 0, "optimizer.beta2 must be in [0, 1), got %g", cfg->beta2);
            st = DLX_ERR_INPUT;
        }
    }
    if (cfg->type == OPT_RMSPROP && !(isfinite(cfg->alpha) && cfg->alpha >= 0)) {
        diags_add(diags, NULL, 0, 0, "optimizer.alpha must be >= 0, got %g", cfg->alpha);
        st = DLX_ERR_INPUT;
    }
    if ((cfg->type == OPT_ADAGRAD || cfg->type == OPT_RMSPROP || cfg->type == OPT_ADAM) &&
        !(isfinite(cfg->eps) && cfg->eps >= 0)) {
        diags_add(diags, NULL, 0, 0, "optimizer.eps must be >= 0, got %g", cfg->eps);
        st = DLX_ERR_INPUT;
    }
    return st;
}

dlx_status optimizer_create(dlx_optimizer **out, const dlx_optimizer_config *cfg,
                            size_t n_params, dlx_diags *diags)
{
    *out = NULL;
    const optimizer_kind *kind = kind_of(cfg->type);
    if (!kind) {
        diags_add(diags, NULL, 0, 0, "unknown optimizer type %d", (int)cfg->type);
        return DLX_ERR_INPUT;
    }
    dlx_status st = check_config(cfg, diags);
    if (st != DLX_OK)
        return st;

    dlx_optimizer *opt = calloc(1, sizeof *opt);
    if (!opt) {
        diags_add(diags, NULL, 0, 0, "out of memory for the optimizer");
        return DLX_ERR_RUNTIME;
    }
    opt->cfg = *cfg;
    opt->n_params = n_params;
    opt->kind = kind;
    for (int k = 0; k < kind->n_state; k++) {
        opt->n_state = k + 1;
        opt->state[k] = calloc(n_params > 0 ? n_params : 1, sizeof(real));
        if (!opt->state[k]) {
            diags_add(diags, NULL, 0, 0, "out of memory for the optimizer state (%zu floats)", n_params);
            optimizer_free(opt);
            return DLX_ERR_RUNTIME;
        }
    }
    *out = opt;
    return DLX_OK;
}

void optimizer_free(dlx_optimizer *opt)
{
    if (!opt)
        return;
    for (int k = 0; k < opt->n_state; k++)
        free(opt->state[k]);
    free(opt);
}

/* Plain SGD: θ ← θ − lr·g (torch.optim.SGD, momentum 0). */
VECTOR_CLONES static void sgd_step(real *params, const real *grads, size_t n, double lr)
{
    const real neg_lr = (real)-lr;
    for (size_t i = 0; i < n; i++)
        params[i] = params[i] + neg_lr * grads[i];
}

/* Heavy-ball momentum (torch.optim.SGD, dampening 0): b ← μ·b + g, θ ← θ − lr·b.
   With nesterov (Sutskever et al. 2013, eq. 3–4 in PyTorch's reformulation):
   θ ← θ − lr·(g + μ'·b). PyTorch sets b = g at the first step; b starts at
   zero here, and μ·0 + g = g, so the two agree. PyTorch has μ' = μ; the
   accelerated rule passes μ = β_{t−1} and μ' = β_t (accelerated_momentum). */
VECTOR_CLONES static void momentum_step(real *params, const real *grads, real *buf, size_t n, double lr,
                          double momentum, double lookahead, bool nesterov)
{
    const real neg_lr = (real)-lr, mu = (real)momentum, mu_ahead = (real)lookahead;
    for (size_t i = 0; i < n; i++) {
        real g = grads[i];
        real b = buf[i] * mu;
        b = b + g;
        buf[i] = b;
        real d = nesterov ? g + mu_ahead * b : b;
        params[i] = params[i] + neg_lr * d;
    }
}

/* Adagrad (Duchi, Hazan & Singer 2011; torch.optim.Adagrad, lr_decay 0,
   initial accumulator 0): s ← s + g², θ ← θ − lr·g/(√s + ε). With ε = 0 a
   coordinate whose accumulator is still 0 (every gradient so far 0, or too
   small for g² to be a float) takes no step instead of 0/0: the update is
   defined as 0 where √s + ε = 0. For ε > 0 the denominator is never 0, so
   the rule is PyTorch's unchanged. With ε = 0 the step lr·g_t/√(Σ_τ g_τ²) of
   each coordinate is unchanged when that coordinate's gradients are all
   multiplied by a constant: on a separable objective Σ_j c_j·f_j(θ_j) the
   trajectory does not depend on the c_j (the diagonal preconditioner of
   Duchi et al., §1, undoes any per-axis curvature). */
VECTOR_CLONES static void adagrad_step(real *params, const real *grads, real *sum, size_t n, double lr,
                         double eps)
{
    const real neg_lr = (real)-lr, eps_f = (real)eps;
    for (size_t i = 0; i < n; i++) {
        real g = grads[i];
        real s = sum[i] + (REAL_C(1.0) * g) * g;
        sum[i] = s;
        real std = rsqrt(s) + eps_f;
        real step = std > REAL_C(0.0) ? (neg_lr * g) / std : REAL_C(0.0);
        params[i] = params[i] + step;
    }
}

/* RMSprop (Hinton, Coursera lecture 6e; torch.optim.RMSprop, centered False,
   momentum 0): v ← α·v + (1−α)·g², θ ← θ − lr·g/(√v + ε). */
VECTOR_CLONES static void rmsprop_step(real *params, const real *grads, real *square_avg, size_t n,
                         double lr, double alpha, double eps)
{
    const real neg_lr = (real)-lr, alpha_f = (real)alpha;
    const real one_minus_alpha = (real)(1.0 - alpha), eps_f = (real)eps;
    for (size_t i = 0; i < n; i++) {
        real g = grads[i];
        real v = square_avg[i] * alpha_f;
        v = v + (one_minus_alpha * g) * g;
        square_avg[i] = v;
        real avg = rsqrt(v) + eps_f;
        params[i] = params[i] + (neg_lr * g) / avg;
    }
}

/* Adam (Kingma & Ba 2015, Algorithm 1, with ε outside the bias correction as
   in torch.optim.Adam): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
   θ ← θ − (lr/(1−β1^t))·m / (√v/√(1−β2^t) + ε), t the step after increment. */
VECTOR_CLONES static void adam_step(real *params, const real *grads, real *exp_avg, real *exp_avg_sq,
                      size_t n, double lr, double beta1, double beta2, double eps, long t)
{
    const double bias_correction1 = 1.0 - pow(beta1, (double)t);
    const double bias_correction2 = 1.0 - pow(beta2, (double)t);
    const double step_size = lr / bias_correction1;
    const real neg_step_size = (real)-step_size;
    const real bias_correction2_sqrt = (real)sqrt(bias_correction2);
    const real beta1_f = (real)beta1, one_minus_beta1 = (real)(1.0 - beta1);
    const real beta2_f = (real)beta2, one_minus_beta2 = (real)(1.0 - beta2);
    const real eps_f = (real)eps;
    for (size_t i = 0; i < n; i++) {
        real g = grads[i];
        real m = exp_avg[i] * beta1_f;
        m = m + one_minus_beta1 * g;
        exp_avg[i] = m;
        real v = exp_avg_sq[i] * beta2_f;
        v = v + (one_minus_beta2 * g) * g;
        exp_avg_sq[i] = v;
        real denom = rsqrt(v) / bias_correction2_sqrt + eps_f;
        params[i] = params[i] + (neg_step_size * m) / denom;
    }
}

/* Nesterov's momentum for convex, not strongly convex f: β_t = (t−1)/(t+2)
   (Nesterov 1983; Beck & Teboulle 2009, FISTA with t_k ≈ (k+1)/2; the form
   of Su, Boyd & Candès 2016, eq. 2), t ≥ 1 the step. With x_t = y_{t−1} −
   η∇f(y_{t−1}) and y_t = x_t + β_t(x_t − x_{t−1}), the parameters hold y_t
   and b_t = −(x_t − x_{t−1})/η obeys b_t = β_{t−1}·b_{t−1} + g,
   y_t = y_{t−1} − η(g + β_t·b_t): PyTorch's nesterov step with the
   buffer's and the look-ahead's momentum one step apart. Then
   f(x_t) − f* ≤ 2‖x_0 − x*‖²/(η(t+1)²) for η ≤ 1/L (Su et al., Thm 3). */
static double accelerated_momentum(long t)
{
    return t >= 1 ? (double)(t - 1) / (double)(t + 2) : 0.0;
}

/* The rules of the table on the optimizer's own state and settings. */
static void rule_sgd(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    sgd_step(params, grads, opt->n_params, lr);
}

static void rule_momentum(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    const dlx_optimizer_config *c = &opt->cfg;
    momentum_step(params, grads, opt->state[0], opt->n_params, lr, c->momentum, c->momentum, false);
}

static void rule_nesterov(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    const dlx_optimizer_config *c = &opt->cfg;
    if (c->momentum_rule == MOMENTUM_ACCELERATED)
        momentum_step(params, grads, opt->state[0], opt->n_params, lr, accelerated_momentum(opt->steps - 1),
                      accelerated_momentum(opt->steps), true);
    else
        momentum_step(params, grads, opt->state[0], opt->n_params, lr, c->momentum, c->momentum, true);
}

static void rule_adagrad(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    adagrad_step(params, grads, opt->state[0], opt->n_params, lr, opt->cfg.eps);
}

static void rule_rmsprop(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    rmsprop_step(params, grads, opt->state[0], opt->n_params, lr, opt->cfg.alpha, opt->cfg.eps);
}

static void rule_adam(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    const dlx_optimizer_config *c = &opt->cfg;
    adam_step(params, grads, opt->state[0], opt->state[1], opt->n_params, lr, c->beta1, c->beta2, c->eps,
              opt->steps);
}

/* The optimizers, indexed by dlx_optimizer_type. Adding one: its rule
   above, a row here, its name in SPEC_OPTIMIZERS (src/spec/schema.c) and
   its keys in the schema and in convert_optimizer. Every optimizer fits
   every model so far. */
static const optimizer_kind KINDS[] = {
    [OPT_SGD] = {"sgd", 0, {NULL}, rule_sgd, NULL},
    [OPT_MOMENTUM] = {"momentum", 1, {"momentum_buffer"}, rule_momentum, NULL},
    [OPT_NESTEROV] = {"nesterov", 1, {"momentum_buffer"}, rule_nesterov, NULL},
    [OPT_ADAGRAD] = {"adagrad", 1, {"sum"}, rule_adagrad, NULL},
    [OPT_RMSPROP] = {"rmsprop", 1, {"square_avg"}, rule_rmsprop, NULL},
    [OPT_ADAM] = {"adam", 2, {"exp_avg", "exp_avg_sq"}, rule_adam, NULL},
};
_Static_assert(sizeof KINDS / sizeof *KINDS == OPT_TYPE_COUNT, "one row per dlx_optimizer_type");

static const optimizer_kind *kind_of(dlx_optimizer_type type)
{
    return (int)type >= 0 && (int)type < OPT_TYPE_COUNT ? &KINDS[type] : NULL;
}

const char *optimizer_kind_name(dlx_optimizer_type type)
{
    const optimizer_kind *k = kind_of(type);
    return k ? k->name : NULL;
}

bool optimizer_fits(const dlx_config *cfg, char *why, size_t n)
{
    const optimizer_kind *k = kind_of(cfg->optimizer.type);
    return k && (!k->fits || k->fits(cfg, why, n));
}

void optimizer_step(dlx_optimizer *opt, real *params, const real *grads, double lr)
{
    opt->steps++;
    opt->kind->step(opt, params, grads, lr);
}

int optimizer_n_state(const dlx_optimizer *opt)
{
    return opt->n_state;
}

real *optimizer_state(dlx_optimizer *opt, int k, const char **name)
{
    if (k < 0 || k >= opt->n_state) {
        if (name)
            *name = NULL;
        return NULL;
    }
    if (name)
        *name = opt->kind->state_names[k];
    return opt->state[k];
}

long optimizer_steps(const dlx_optimizer *opt)
{
    return opt->steps;
}

void optimizer_set_steps(dlx_optimizer *opt, long steps)
{
    opt->steps = steps;
}
