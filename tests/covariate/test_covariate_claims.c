/*
 * The claims of configs/covariate_shift.yaml (Shimodaira 2000), run with
 * data seeds 1..20 instead of 1..100 (the config otherwise as written):
 *
 *   cubic truth (the linear model is misspecified): for every data seed,
 *   importance-weighted least squares with λ = 1 has a lower test MSE than
 *   the unweighted fit, with the exact and with the classifier's weights;
 *   the mean over seeds of MSE(λ=1)/MSE(λ=0) is below 0.6; the mean MSE of
 *   λ = 0.5 lies between those of λ = 1 and λ = 0.
 *
 *   linear truth (the model is right): weighting does not help, the mean
 *   MSE with λ = 1 is at least the unweighted one (both weightings).
 *
 *   every run reaches the exact weighted least-squares solution
 *   (suboptimality < 1e-9), and iw_ess is 1 unweighted, below 1 weighted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/harness.h"

enum { SEEDS = 20, ARMS = 5 };
static const char *const ARM[ARMS] = {"unweighted", "exact_half", "exact", "classifier_half", "classifier"};

static int arm_index(const char *name)
{
    for (int a = 0; a < ARMS; a++)
        if (!strcmp(ARM[a], name))
            return a;
    fail_msg("unexpected arm %s", name);
    return -1;
}

static void test_covariate_shift(void **state)
{
    (void)state;
    char *dir = harness_tmpdir();
    char config[4096], seeds[256] = "";
    snprintf(config, sizeof config, "%s/configs/covariate_shift.yaml", harness_source_root());
    char *text = harness_read(config);
    assert_non_null(text);
    char *sweep = strstr(text, "  data.seed: [");
    assert_non_null(sweep);
    for (int s = 1; s <= SEEDS; s++)
        snprintf(seeds + strlen(seeds), sizeof seeds - strlen(seeds), "%s%d", s > 1 ? ", " : "", s);
    sprintf(sweep, "  data.seed: [%s]\n", seeds);
    char *path = harness_write(dir, "covariate_shift.yaml", text);
    assert_int_equal(harness_dlx(NULL, NULL, "run '%s' --out '%s/out' --jobs 2 --quiet", path, dir), 0);

    char file[4096];
    snprintf(file, sizeof file, "%s/out/summary.csv", dir);
    harness_csv csv;
    assert_int_equal(harness_csv_read(&csv, file), 0);
    assert_int_equal(csv.n_rows, 2 * SEEDS * ARMS);
    double mse[2][SEEDS][ARMS];
    for (int r = 0; r < csv.n_rows; r++) {
        int truth = strcmp(harness_csv_str(&csv, r, "data.truth"), "linear") == 0;
        int seed = (int)harness_csv_num(&csv, r, "data.seed");
        assert_true(seed >= 1 && seed <= SEEDS);
        assert_string_equal(harness_csv_str(&csv, r, "status"), "ok");
        mse[truth][seed - 1][arm_index(harness_csv_str(&csv, r, "arm"))] =
            harness_csv_num(&csv, r, "final_test_loss");
    }
    harness_csv_free(&csv);

    double mean[2][ARMS] = {{0}}, ratio[ARMS] = {0};
    for (int t = 0; t < 2; t++)
        for (int s = 0; s < SEEDS; s++)
            for (int a = 0; a < ARMS; a++) {
                mean[t][a] += mse[t][s][a] / SEEDS;
                if (t == 0)
                    ratio[a] += mse[0][s][a] / mse[0][s][0] / SEEDS;
            }
    for (int s = 0; s < SEEDS; s++) {
        assert_true(mse[0][s][2] < mse[0][s][0]);   /* exact λ = 1 beats unweighted */
        assert_true(mse[0][s][4] < mse[0][s][0]);   /* classifier λ = 1 too */
    }
    for (int a = 2; a <= 4; a += 2) {
        assert_true(ratio[a] < 0.6);
        assert_true(mean[0][a - 1] < mean[0][0] && mean[0][a - 1] >= mean[0][a]);  /* λ = 0.5 between */
        assert_true(mean[1][a] >= mean[1][0]);      /* right model: weighting does not help */
    }
    fprintf(stderr, "cubic: mean ratio exact %.3f classifier %.3f; linear: mean MSE %.4f (exact) "
            "%.4f (classifier) vs %.4f\n", ratio[2], ratio[4], mean[1][2], mean[1][4], mean[1][0]);

    snprintf(file, sizeof file, "%s/out/metrics.csv", dir);
    assert_int_equal(harness_csv_read(&csv, file), 0);
    for (int r = 0; r < csv.n_rows; r++) {
        if (harness_csv_num(&csv, r, "epoch") == 0)
            continue;
        assert_true(harness_csv_num(&csv, r, "suboptimality") < 1e-9);
        double ess = harness_csv_num(&csv, r, "iw_ess");
        if (!strcmp(harness_csv_str(&csv, r, "arm"), "unweighted"))
            assert_true(ess == 1.0);
        else
            assert_true(ess > 0 && ess < 1.0);
    }
    harness_csv_free(&csv);
    harness_rmtree(dir);
    free(path), free(text), free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_covariate_shift)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
