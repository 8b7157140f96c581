/* Tests of yaml_tree.c: locations, duplicate keys, aliases and their
   limits, merge keys, syntax errors, scalar meaning and YAML output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <cmocka.h>

#include "spec_test_util.h"
#include "util/yaml_tree.h"

static const ytree_origin file_origin = {"f.yaml", NULL};

static ytree_node *parse_ok(const char *text)
{
    ytree_node *root = NULL;
    dlx_diags d = {0};
    dlx_status st = ytree_parse(text, strlen(text), &file_origin, 0, &root, &d);
    show_diags(&d);
    assert_int_equal(st, DLX_OK);
    assert_int_equal(d.count, 0);
    diags_free(&d);
    return root;
}

static dlx_diags parse_bad(const char *text)
{
    ytree_node *root = NULL;
    dlx_diags d = {0};
    dlx_status st = ytree_parse(text, strlen(text), &file_origin, 0, &root, &d);
    assert_int_equal(st, DLX_ERR_INPUT);
    assert_null(root);
    assert_true(d.count > 0);
    return d;
}

static void test_locations_and_kinds(void **state)
{
    (void)state;
    ytree_node *root = parse_ok("a: 1\nb:\n  c: [x, 'y']\n  d: \"z\"\n");
    assert_int_equal(root->kind, YTREE_MAP);
    assert_int_equal(root->count, 2);
    const ytree_node *b = ytree_map_get(root, "b");
    assert_int_equal(b->kind, YTREE_MAP);
    const ytree_node *c = ytree_map_get(b, "c");
    assert_int_equal(c->kind, YTREE_SEQ);
    assert_int_equal(c->line, 3);
    assert_int_equal(c->col, 6);
    assert_int_equal(c->values[1]->line, 3);
    assert_int_equal(c->values[1]->col, 10);
    assert_true(c->values[1]->quoted);
    assert_false(c->values[0]->quoted);
    assert_string_equal(ytree_map_get(b, "d")->text, "z");
    assert_int_equal(b->keys[1]->line, 4);
    assert_int_equal(b->keys[1]->col, 3);
    assert_ptr_equal(b->keys[1]->origin, &file_origin);
    ytree_free(root);
}

static void test_empty_stream(void **state)
{
    (void)state;
    ytree_node *root = (ytree_node *)1;
    dlx_diags d = {0};
    assert_int_equal(ytree_parse("# nothing\n\n", 11, &file_origin, 0, &root, &d), DLX_OK);
    assert_null(root);
    assert_int_equal(ytree_parse("", 0, &file_origin, 0, &root, &d), DLX_OK);
    assert_null(root);
    assert_int_equal(d.count, 0);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    dlx_diags d = parse_bad("a: 1\nb: 2\na: 3\nm: {x: 1, x: 2}\n");
    assert_true(HAS_DIAG(&d, "f.yaml", 3, 1, "duplicate key 'a'", "line 1"));
    assert_true(HAS_DIAG(&d, "f.yaml", 4, 11, "duplicate key 'x'", "line 4, column 5"));
    assert_int_equal(d.count, 2);
    diags_free(&d);
}

static void test_syntax_error(void **state)
{
    (void)state;
    dlx_diags d = parse_bad("a: 1\nb: [1, 2\nc: 3\n");
    assert_int_equal(d.count, 1);
    assert_string_equal(d.items[0].file, "f.yaml");
    assert_true(d.items[0].line >= 2);
    assert_non_null(strstr(d.items[0].message, "flow sequence"));
    diags_free(&d);
    d = parse_bad("a: b: c\n");
    assert_true(HAS_DIAG(&d, "f.yaml", 1, 5, "mapping values are not allowed"));
    diags_free(&d);
}

static void test_second_document(void **state)
{
    (void)state;
    dlx_diags d = parse_bad("a: 1\n---\nb: 2\n");
    assert_true(HAS_DIAG(&d, "f.yaml", 2, 1, "single YAML document"));
    diags_free(&d);
}

static void test_aliases_and_merge_keys(void **state)
{
    (void)state;
    ytree_node *root = parse_ok("base: &b {lr: 0.1, type: sgd}\n"
                                "copy: *b\n"
                                "merged:\n  <<: *b\n  lr: 0.5\n");
    const ytree_node *copy = ytree_map_get(root, "copy");
    assert_int_equal(copy->kind, YTREE_MAP);
    assert_string_equal(ytree_map_get(copy, "type")->text, "sgd");
    assert_int_equal(copy->line, 2);
    const ytree_node *merged = ytree_map_get(root, "merged");
    assert_int_equal(merged->count, 2);
    assert_string_equal(ytree_map_get(merged, "lr")->text, "0.5");
    assert_string_equal(ytree_map_get(merged, "type")->text, "sgd");
    assert_int_equal(ytree_map_index(merged, "<<"), -1);
    ytree_free(root);
}

static void test_undefined_and_recursive_alias(void **state)
{
    (void)state;
    dlx_diags d = parse_bad("a: *nope\n");
    assert_true(HAS_DIAG(&d, "f.yaml", 1, 4, "undefined alias '*nope'"));
    diags_free(&d);
    d = parse_bad("a: &x [1, *x]\n");
    assert_true(HAS_DIAG(&d, "f.yaml", 1, 11, "alias '*x'", "contains it"));
    diags_free(&d);
}

static void test_billion_laughs(void **state)
{
    (void)state;
    const char *text = "a: &a [x, x, x, x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                       "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                       "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                       "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
                       "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
                       "h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
                       "i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n";
    dlx_diags d = parse_bad(text);
    assert_int_equal(d.count, 1);
    assert_non_null(strstr(d.items[0].message, "billion laughs"));
    assert_int_equal(d.items[0].line, 6);
    diags_free(&d);
}

static void test_column_offset_and_context(void **state)
{
    (void)state;
    ytree_origin origin = {"<command-line>", "--set 'k=[1, 2'"};
    ytree_node *root = NULL;
    dlx_diags d = {0};
    assert_int_equal(ytree_parse("[1, 2]", 6, &origin, 2, &root, &d), DLX_OK);
    assert_int_equal(root->values[1]->col, 7);
    ytree_free(root);
    assert_int_equal(ytree_parse("{a: 1, a: 2}", 12, &origin, 2, &root, &d), DLX_ERR_INPUT);
    assert_true(HAS_DIAG(&d, "<command-line>", 1, 10, "--set 'k=[1, 2': duplicate key 'a'"));
    diags_free(&d);
}

static ytree_value resolve_text(const char *text, bool quoted)
{
    ytree_node n = {.kind = YTREE_SCALAR, .text = (char *)text, .len = strlen(text), .quoted = quoted};
    return ytree_resolve(&n);
}

static void test_resolve_core_schema(void **state)
{
    (void)state;
    assert_int_equal(resolve_text("", false).type, YTREE_NULL);
    assert_int_equal(resolve_text("~", false).type, YTREE_NULL);
    assert_int_equal(resolve_text("null", false).type, YTREE_NULL);
    assert_int_equal(resolve_text("null", true).type, YTREE_STRING);
    assert_true(resolve_text("True", false).boolean);
    assert_int_equal(resolve_text("yes", false).type, YTREE_STRING); /* YAML 1.2: not a bool */
    ytree_value v = resolve_text("-42", false);
    assert_int_equal(v.type, YTREE_INT);
    assert_int_equal(v.integer, -42);
    assert_int_equal(resolve_text("0x1F", false).integer, 31);
    assert_int_equal(resolve_text("0o17", false).integer, 15);
    assert_true(resolve_text("99999999999999999999", false).int_overflow);
    v = resolve_text("1e-5", false);
    assert_int_equal(v.type, YTREE_FLOAT);
    assert_true(v.number == 1e-5);
    assert_true(resolve_text(".5", false).number == 0.5);
    assert_true(resolve_text("2.", false).number == 2.0);
    assert_true(isinf(resolve_text("-.inf", false).number));
    assert_true(isnan(resolve_text(".NaN", false).number));
    assert_int_equal(resolve_text("0.5", true).type, YTREE_STRING);
    assert_int_equal(resolve_text("1e", false).type, YTREE_STRING);
    assert_int_equal(resolve_text("1_000", false).type, YTREE_STRING);
    assert_int_equal(resolve_text("inf", false).type, YTREE_STRING);
}

static void test_format_float(void **state)
{
    (void)state;
    char buf[32];
    const double values[] = {0.1, 1.0, 100.0, 1e-5, 0.001, 1.0 / 3.0, 6.02e23, -2.5, 1e16, 123456789.125};
    const char *const texts[] = {"0.1", "1.0", "100.0", "1.0e-05", "0.001", "0.3333333333333333",
                                 "6.02e+23", "-2.5", "1.0e+16", "123456789.125"};
    for (int i = 0; i < 10; i++) {
        ytree_format_float(values[i], buf);
        assert_string_equal(buf, texts[i]);
        assert_true(resolve_text(buf, false).number == values[i]);
    }
    ytree_format_float(INFINITY, buf);
    assert_string_equal(buf, ".inf");
}

static void test_format_string_and_flow(void **state)
{
    (void)state;
    char buf[128];
    ytree_format_string("results/run", 11, buf, sizeof buf);
    assert_string_equal(buf, "results/run");
    const char *const quoted[] = {"", "1.0", "true", "yes", "a: b", "- x", "a, b", " pad", "x #y", "null"};
    for (int i = 0; i < 10; i++) {
        ytree_format_string(quoted[i], strlen(quoted[i]), buf, sizeof buf);
        assert_int_equal(buf[0], '"');
    }
    ytree_format_string("a\"b\\c\nd", 7, buf, sizeof buf);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\nd\"");
    ytree_node *root = parse_ok("{a: [1, 'x', \"1\", ~], b: {c: two words}}");
    int n = ytree_to_flow(root, buf, sizeof buf);
    assert_string_equal(buf, "{a: [1, x, \"1\", null], b: {c: two words}}");
    assert_int_equal(n, (int)strlen(buf));
    char small[8];
    assert_int_equal(ytree_to_flow(root, small, sizeof small), n);
    assert_string_equal(small, "{a: [1,");
    ytree_free(root);
}

static void test_describe(void **state)
{
    (void)state;
    ytree_node *root = parse_ok("[abc, 3, 2.5, true, ~, {}, []]");
    const char *const expected[] = {"string \"abc\"", "integer 3", "number 2.5", "boolean true", "null",
                                    "a mapping", "a sequence"};
    for (int i = 0; i < 7; i++) {
        char buf[64];
        ytree_describe(root->values[i], buf, sizeof buf);
        assert_string_equal(buf, expected[i]);
    }
    ytree_free(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_locations_and_kinds),
        cmocka_unit_test(test_empty_stream),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_syntax_error),
        cmocka_unit_test(test_second_document),
        cmocka_unit_test(test_aliases_and_merge_keys),
        cmocka_unit_test(test_undefined_and_recursive_alias),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_column_offset_and_context),
        cmocka_unit_test(test_resolve_core_schema),
        cmocka_unit_test(test_format_float),
        cmocka_unit_test(test_format_string_and_flow),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
