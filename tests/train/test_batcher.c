/* Tests of the batcher: every example once per epoch, the last smaller
   batch, a fresh order per epoch when shuffling, data order otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "train/batcher.h"

static void test_epoch_visits_each_once(void **state)
{
    (void)state;
    enum { N = 10, DIM = 2 };
    float x[N * DIM];
    int labels[N];
    for (int i = 0; i < N; i++) {
        x[2 * i] = (float)i;
        x[2 * i + 1] = (float)(100 + i);
        labels[i] = i;
    }
    dlx_split split = {.n = N, .dim = DIM, .x = x, .labels = labels};
    dlx_batcher b;
    dlx_diags diags = {0};
    dlx_rng rng;
    rng_seed(&rng, 3, 0);
    assert_int_equal(batcher_init(&b, &split, 4, true, &diags), DLX_OK);
    assert_int_equal(batcher_steps_per_epoch(&b), 3);
    int first_order[N];
    for (int epoch = 0; epoch < 2; epoch++) {
        int seen[N] = {0}, sizes[3], k = 0, B, pos = 0;
        batcher_start_epoch(&b, &rng);
        while ((B = batcher_next(&b)) > 0) {
            sizes[k++] = B;
            for (int i = 0; i < B; i++) {
                int id = b.labels[i];
                seen[id]++;
                assert_true(b.x[2 * i] == (float)id && b.x[2 * i + 1] == (float)(100 + id));
                if (epoch == 0)
                    first_order[pos] = id;
                pos++;
            }
        }
        assert_int_equal(k, 3);
        assert_int_equal(sizes[0], 4);
        assert_int_equal(sizes[2], 2);
        for (int i = 0; i < N; i++)
            assert_int_equal(seen[i], 1);
    }
    /* The second epoch's order differs from the first (fresh shuffle). */
    batcher_start_epoch(&b, &rng);
    int same = 1;
    for (int i = 0; i < N; i++)
        same &= b.order[i] == first_order[i];
    assert_false(same);
    batcher_free(&b);

    /* shuffle: false gives data order. */
    assert_int_equal(batcher_init(&b, &split, 3, false, &diags), DLX_OK);
    batcher_start_epoch(&b, &rng);
    for (int expect = 0, B; (B = batcher_next(&b)) > 0;)
        for (int i = 0; i < B; i++)
            assert_int_equal(b.labels[i], expect++);
    batcher_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_epoch_visits_each_once)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
