/*
 * Tests of score_prediction (src/uncertainty/calibration.c): the mean loss,
 * the accuracy and the expected calibration error of Guo, Pleiss, Sun &
 * Weinberger (2017), eq. 3, with M = 15 equal-width bins B_m = ((m−1)/M, m/M],
 * each against values computed by hand from the formulas of calibration.h.
 * The confidences are chosen so that a change of the binning (one bin for
 * all, bins closed on the left, another M) changes the ECE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "uncertainty/calibration.h"

#define assert_close(a, b) assert_true(fabs((a) - (b)) < 1e-12)

/* Cross-entropy with three classes. Confidences 0.4 (= 6/15, exactly on the
   upper edge of bin 6), 0.35 (inside bin 6, (1/3, 2/5]), 1.0 (the upper edge
   of bin 15) and 0.7 (bin 11). By hand:
     NLL = −(ln 0.4 + ln 0.33 + ln 1 + ln 0.1)/4
     accuracy = 2/4 (examples 1 and 3 are right)
     ECE = (|1 − (0.4 + 0.35)| + |1 − 1| + |0 − 0.7|)/4 = 0.95/4 = 0.2375.
   One bin for everything would give |2 − 2.45|/4 = 0.1125; bins closed on
   the left ([0.4, 0.467) alone) would give (0.6 + 0.35 + 0.7)/4 = 0.4125. */
static void test_cross_entropy_scores_and_bin_edges(void **state)
{
    (void)state;
    const double p[] = {0.4, 0.3, 0.3,     /* label 0: right, confidence 0.4 */
                        0.35, 0.33, 0.32,  /* label 1: wrong, confidence 0.35 */
                        1.0, 0.0, 0.0,     /* label 0: right, confidence 1 */
                        0.2, 0.7, 0.1};    /* label 2: wrong, confidence 0.7 */
    const int labels[] = {0, 1, 0, 2};
    dlx_prediction_scores s = score_prediction(p, 4, 3, LOSS_CROSS_ENTROPY, labels, NULL);
    assert_close(s.loss, -(log(0.4) + log(0.33) + log(1.0) + log(0.1)) / 4.0);
    assert_close(s.accuracy, 0.5);
    assert_close(s.ece, 0.2375);
}

/* A confidence of exactly k/15 belongs to bin k, the bin it closes (bins are
   closed on the right), for every k = 1..15: fifteen wrong examples (class 0
   predicted, label 1) with confidences 1/15 .. 15/15, and one right example
   at 0.5 + 1e-9, which shares bin 8 = (7/15, 8/15] with 8/15 only. By hand:
     ECE = (Σ_{k≠8} k/15 + |1 − (8/15 + 0.5 + 1e-9)|)/16.
   Were 8/15 put in bin 9 (bins closed on the left), bin 8 would give
   |1 − 0.5 − 1e-9| and bin 9 another 8/15: an ECE larger by about 1/16. */
static void test_every_bin_edge(void **state)
{
    (void)state;
    enum { N = 16, K = 16 };
    double p[N * K] = {0};
    int labels[N];
    double expected = 0.0;
    for (int k = 1; k <= 15; k++) {
        double *row = p + (size_t)(k - 1) * K;
        row[0] = (double)k / 15.0;   /* the confidence: class 0, on edge k/15 */
        for (int j = 1; j < K; j++)  /* the rest spread below it */
            row[j] = (1.0 - row[0]) / (K - 1);
        labels[k - 1] = 1;
        if (k != 8)
            expected += row[0];
    }
    /* A right example at 0.5 + 1e-9, in bin 8 = (7/15, 8/15] with 8/15. */
    double *last = p + (size_t)15 * K;
    last[0] = 0.5 + 1e-9;
    for (int j = 1; j < K; j++)
        last[j] = (1.0 - last[0]) / (K - 1);
    labels[15] = 0;
    expected += fabs(1.0 - (8.0 / 15.0 + 0.5 + 1e-9));
    expected /= N;
    dlx_prediction_scores s = score_prediction(p, N, K, LOSS_CROSS_ENTROPY, labels, NULL);
    assert_close(s.accuracy, 1.0 / N);
    assert_close(s.ece, expected);
}

/* Logistic (K = 1): the prediction is P(class 1), the predicted class is
   p > 1/2 and the confidence max(p, 1 − p). By hand, with p = 0.9 (label 1,
   right), 0.2 (label 1, wrong, confidence 0.8 = 12/15, a bin edge) and 0.5
   (label 0, right: 0.5 is not > 1/2), each alone in its bin:
     NLL = −(ln 0.9 + ln 0.2 + ln 0.5)/3, accuracy 2/3,
     ECE = (|1 − 0.9| + |0 − 0.8| + |1 − 0.5|)/3 = 1.4/3. */
static void test_logistic_scores(void **state)
{
    (void)state;
    const double p[] = {0.9, 0.2, 0.5};
    const int labels[] = {1, 1, 0};
    dlx_prediction_scores s = score_prediction(p, 3, 1, LOSS_LOGISTIC, labels, NULL);
    assert_close(s.loss, -(log(0.9) + log(0.2) + log(0.5)) / 3.0);
    assert_close(s.accuracy, 2.0 / 3.0);
    assert_close(s.ece, 1.4 / 3.0);
}

/* Regression (mse, targets): loss (1/(nK)) Σ (y − p)², no accuracy or ECE.
   By hand: ((1 − 0.5)² + (2 − 2)² + (0 − 1)² + (−1 − 1)²)/4 = 5.25/4. */
static void test_mse_regression(void **state)
{
    (void)state;
    const double p[] = {0.5, 2.0, 1.0, 1.0};
    const float targets[] = {1.0f, 2.0f, 0.0f, -1.0f};
    dlx_prediction_scores s = score_prediction(p, 2, 2, LOSS_MSE, NULL, targets);
    assert_close(s.loss, 5.25 / 4.0);
    assert_true(isnan(s.accuracy));
    assert_true(isnan(s.ece));
}

/* mse against class labels compares with the one-hot vector, and scores
   accuracy and ECE like a classifier. By hand, p = [0.7, 0.3] with label 0:
   loss ((1 − 0.7)² + (0 − 0.3)²)/2 = 0.09, accuracy 1, ECE |1 − 0.7| = 0.3. */
static void test_mse_on_labels(void **state)
{
    (void)state;
    const double p[] = {0.7, 0.3};
    const int labels[] = {0};
    dlx_prediction_scores s = score_prediction(p, 1, 2, LOSS_MSE, labels, NULL);
    assert_close(s.loss, 0.09);
    assert_close(s.accuracy, 1.0);
    assert_close(s.ece, 0.3);
}

/* No examples, or a diverged network (a NaN probability): every score NaN,
   rather than a number that looks like a result. */
static void test_no_scores(void **state)
{
    (void)state;
    const int labels[] = {0, 1};
    dlx_prediction_scores s = score_prediction(NULL, 0, 2, LOSS_CROSS_ENTROPY, labels, NULL);
    assert_true(isnan(s.loss) && isnan(s.accuracy) && isnan(s.ece));
    const double p[] = {0.6, 0.4, NAN, NAN};
    s = score_prediction(p, 2, 2, LOSS_CROSS_ENTROPY, labels, NULL);
    assert_true(isnan(s.loss) && isnan(s.accuracy) && isnan(s.ece));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cross_entropy_scores_and_bin_edges),
        cmocka_unit_test(test_every_bin_edge),
        cmocka_unit_test(test_logistic_scores),
        cmocka_unit_test(test_mse_regression),
        cmocka_unit_test(test_mse_on_labels),
        cmocka_unit_test(test_no_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
