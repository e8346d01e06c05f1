/* test-template.c: loading and checking template manifests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"

/* compiled into this test as into mockup-render (tests/c/meson.build) */
#include "mockup-glib/mockup-json-depth-private.h"

static char *dir;

#define MINIMAL(artwork_layer) \
  "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"room.jpg\"}, " artwork_layer "]}"

static void
test_template_minimal (void)
{
  g_autoptr(MockupTemplate) template = NULL;
  g_auto(GStrv) slots = NULL;
  g_autofree char *id = NULL;
  int width = 0;

  template = test_template (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[10, 10], [90, 12], [88, 60], [12, 58]]}"));

  /* the canvas takes the first image's size */
  g_assert_cmpint (mockup_template_get_width (template), ==, 120);
  g_assert_cmpint (mockup_template_get_height (template), ==, 80);
  g_assert_cmpstr (mockup_template_get_id (template), ==, "template");
  g_assert_cmpstr (mockup_template_get_name (template), ==, "template");
  g_assert_null (mockup_template_get_path (template));
  g_assert_cmpuint (mockup_template_get_n_layers (template), ==, 2);

  slots = mockup_template_dup_slots (template);
  g_assert_cmpuint (g_strv_length (slots), ==, 1);
  g_assert_cmpstr (slots[0], ==, "artwork");

  g_object_get (template, "id", &id, "width", &width, NULL);
  g_assert_cmpstr (id, ==, "template");
  g_assert_cmpint (width, ==, 120);
}

static void
test_template_from_file (void)
{
  g_autofree char *folder = g_build_filename (dir, "living-room", NULL);
  g_autofree char *manifest = NULL;
  g_autofree char *other = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupTemplate) named = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *jpeg = NULL;

  g_mkdir (folder, 0755);
  jpeg = test_write_jpeg (folder, "room.jpg", 200, 100, 0x808080);
  manifest = test_write_file (folder, "template.json",
                              "{\"format\": 1, \"name\": \"Living room\", \"layers\": ["
                              "{\"type\": \"image\", \"source\": \"room.jpg\"},"
                              "{\"type\": \"artwork\", \"slot\": \"left\", \"quad\": [[1,1],[50,1],[50,50],[1,50]]},"
                              "{\"type\": \"artwork\", \"slot\": \"right\", \"quad\": [[60,1],[99,1],[99,50],[60,50]]},"
                              "{\"type\": \"artwork\", \"slot\": \"left\", \"quad\": [[1,60],[50,60],[50,99],[1,99]]}]}");
  other = test_write_file (folder, "wide.json",
                           "{\"format\": 1, \"size\": [300, 200], \"layers\": ["
                           "{\"type\": \"color\", \"color\": \"#ff0000\"}]}");

  template = mockup_template_new_from_file (manifest, &error);
  g_assert_no_error (error);
  /* the id defaults to the folder's name for template.json */
  g_assert_cmpstr (mockup_template_get_id (template), ==, "living-room");
  g_assert_cmpstr (mockup_template_get_name (template), ==, "Living room");
  g_assert_cmpstr (mockup_template_get_path (template), ==, manifest);
  g_assert_cmpint (mockup_template_get_width (template), ==, 200);

  {
    g_auto(GStrv) slots = mockup_template_dup_slots (template);
    const char * const expected[] = { "left", "right", NULL };

    g_assert_cmpstrv (slots, expected);
  }

  /* and to the file's name for any other manifest */
  named = mockup_template_new_from_file (other, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mockup_template_get_id (named), ==, "wide");
  g_assert_cmpint (mockup_template_get_width (named), ==, 300);
  g_assert_cmpint (mockup_template_get_height (named), ==, 200);
}

static void
test_template_find_in_folder (void)
{
  g_autofree char *root = g_build_filename (dir, "collection", NULL);
  g_autofree char *a = g_build_filename (root, "b-mug", NULL);
  g_autofree char *b = g_build_filename (root, "a-poster", NULL);
  g_autofree char *c = g_build_filename (root, "no-manifest", NULL);
  g_autofree char *f1 = NULL, *f2 = NULL, *f3 = NULL, *f4 = NULL;
  g_auto(GStrv) found = NULL;
  g_auto(GStrv) own = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir (root, 0755);
  g_mkdir (a, 0755);
  g_mkdir (b, 0755);
  g_mkdir (c, 0755);
  f1 = test_write_file (a, "template.json", "{}");
  f2 = test_write_file (b, "template.json", "{}");
  f3 = test_write_file (root, "single.json", "{}");
  f4 = test_write_file (root, "mockup-template.schema.json", "{}");

  found = mockup_template_find_in_folder (root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (found), ==, 3);
  g_assert_true (g_str_has_suffix (found[0], "a-poster/template.json"));
  g_assert_true (g_str_has_suffix (found[1], "b-mug/template.json"));
  g_assert_true (g_str_has_suffix (found[2], "single.json"));

  /* a template's own folder gives just its manifest */
  own = mockup_template_find_in_folder (a, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (own), ==, 1);

  g_assert_null (mockup_template_find_in_folder ("/nonexistent/folder", &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND);
}

static void
test_template_malformed_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = test_write_file (dir, "broken.json", "{\"format\": 1,\n \"layers\": [ }");
  g_autoptr(MockupTemplate) template = mockup_template_new_from_file (path, &error);

  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "broken.json"));
  g_assert_nonnull (strstr (error->message, "malformed JSON"));
  /* the position, line 2 */
  g_assert_nonnull (strstr (error->message, "2:"));

  test_template_fails (dir, "[1, 2]", MOCKUP_ERROR_INVALID_TEMPLATE, "template data", "(root)", NULL);
  test_template_fails (dir, "", MOCKUP_ERROR_INVALID_TEMPLATE, "template data", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [], \"x\": NaN}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "malformed JSON", NULL);
}

static void
test_template_missing_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = mockup_template_new_from_file ("/nonexistent/template.json", &error);

  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/template.json"));

  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"gone.jpg\"}]}",
                       MOCKUP_ERROR_NOT_FOUND, "template data", "layers[0].source", "gone.jpg", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": ["
                       "{\"type\": \"color\", \"color\": \"#fff\", \"mask\": {\"source\": \"nomask.png\"}}]}",
                       MOCKUP_ERROR_NOT_FOUND, "layers[0].mask.source", "nomask.png", NULL);
}

static void
test_template_bad_images (void)
{
  g_autofree char *huge = NULL;
  /* a PNG header announcing 60000 × 60000 pixels: refused before decoding */
  static const guint8 bomb[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0xea, 0x60, 0, 0, 0xea, 0x60, 8, 6, 0, 0, 0,
    0x00, 0x00, 0x00, 0x00,
  };

  g_free (test_write_file (dir, "notes.jpg", "this is not a picture at all"));
  g_free (test_write_file (dir, "empty.png", ""));
  huge = g_build_filename (dir, "bomb.png", NULL);
  g_assert_true (g_file_set_contents (huge, (const char *) bomb, sizeof bomb, NULL));

  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"notes.jpg\"}]}",
                       MOCKUP_ERROR_INVALID_IMAGE, "layers[0].source", "notes.jpg", "not an image", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"empty.png\"}]}",
                       MOCKUP_ERROR_INVALID_IMAGE, "layers[0].source", "empty", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"bomb.png\"}]}",
                       MOCKUP_ERROR_TOO_LARGE, "layers[0].source", "bomb.png", NULL);
}

static void
test_template_quad_errors (void)
{
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1, 1], [50, 1], [50, 50]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad", "4 points", "got 3", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1, 1], [50, \"NaN\"], [50, 50], [1, 50]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad[1][1]", "expected a number", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1, 1], [50, 1e999], [50, 50], [1, 50]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad[1][1]", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1, 1], [50, 1], [50, 50], [1]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad[3]", NULL);
  /* corners in the wrong order: the edges cross */
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1, 1], [50, 1], [1, 50], [50, 50]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad", "convex", NULL);
  /* a dart: not convex */
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[0, 0], [50, 20], [100, 0], [50, 100]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[0, 0], [0, 0], [0, 0], [0, 0]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].quad", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1]", "quad", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], "
                                     "\"cylinder\": {\"left\": 0, \"right\": 9, \"top\": 0, \"bottom\": 9}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1]", "not both", NULL);
}

static void
test_template_paths_outside (void)
{
  g_autofree char *inner = g_build_filename (dir, "inner", NULL);
  g_autofree char *link = NULL;
  g_autofree char *outside = NULL;
  g_autofree char *target = NULL;

  g_mkdir (inner, 0755);
  outside = test_write_jpeg (dir, "outside.jpg", 20, 20, 0x102030);
  link = g_build_filename (inner, "sneaky.jpg", NULL);
  target = g_build_filename (dir, "outside.jpg", NULL);
  g_assert_cmpint (symlink (target, link), ==, 0);

  test_template_fails (inner, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"../outside.jpg\"}]}",
                       MOCKUP_ERROR_PATH_OUTSIDE, "layers[0].source", "outside", NULL);
  test_template_fails (inner, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"a/../../outside.jpg\"}]}",
                       MOCKUP_ERROR_PATH_OUTSIDE, "layers[0].source", NULL);
  test_template_fails (inner, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"/etc/passwd\"}]}",
                       MOCKUP_ERROR_PATH_OUTSIDE, "layers[0].source", "absolute", NULL);
  test_template_fails (inner, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"sneaky.jpg\"}]}",
                       MOCKUP_ERROR_PATH_OUTSIDE, "layers[0].source", "links", NULL);
  /* without a base folder no file can be named at all */
  test_template_fails (NULL, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"room.jpg\"}]}",
                       MOCKUP_ERROR_NOT_FOUND, "layers[0].source", NULL);
}

static void
test_template_member_errors (void)
{
  test_template_fails (dir, "{\"layers\": []}", MOCKUP_ERROR_INVALID_TEMPLATE, "format", "missing", NULL);
  test_template_fails (dir, "{\"format\": 2, \"layers\": []}", MOCKUP_ERROR_UNSUPPORTED, "format", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": []}", MOCKUP_ERROR_INVALID_TEMPLATE, "layers", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [400], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "size", "2 numbers, got 1", NULL);
  test_template_fails (dir, "{\"$schema\": 7, \"format\": 1, \"size\": [4, 4], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "$schema", "expected a string", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \".\"}]}",
                       MOCKUP_ERROR_NOT_FOUND, "layers[0].source", "the template's folder", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "size", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [100000, 100], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "size[0]", "out of range", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [30000, 30000], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_TOO_LARGE, "size", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"opactiy\": 1, \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "(root)", "opactiy", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"red\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].color", "#rrggbb", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\", \"opacity\": 1.5}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].opacity", "out of range", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\", \"blend\": \"burn\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].blend", "color-burn", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"sticker\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].type", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\", \"source\": \"room.jpg\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0]", "source", NULL);
  test_template_fails (dir, "{\"format\": 1, \"id\": \"no spaces\", \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "id", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], \"fit\": \"fill\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].fit", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], \"align\": [0.5, 2]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].align[1]", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], \"slot\": \"a b\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].slot", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], \"shading\": {\"strength\": 1}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].shading.source", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[1,1],[9,1],[9,9],[1,9]], \"mask\": {\"source\": \"room.jpg\", \"mode\": \"alfa\"}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].mask.mode", NULL);
  /* comments are free */
  g_object_unref (test_template (dir, "{\"format\": 1, \"_comment\": \"hi\", \"size\": [10, 10], "
                                      "\"layers\": [{\"type\": \"color\", \"_why\": 1, \"color\": \"#fff\"}]}"));
}

static void
test_template_mesh_and_cylinder_errors (void)
{
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"mesh\": [[[0,0],[10,0]]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].mesh", "rows", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"mesh\": [[[0,0],[10,0]], [[0,10],[10,10],[20,10]]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].mesh[1]", "same number", NULL);
  /* the middle row folds back over the first */
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"mesh\": [[[0,0],[50,0]], [[0,60],[50,60]], [[0,20],[50,20]]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].mesh", "folds", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"cylinder\": {\"left\": 50, \"right\": 10, \"top\": 0, \"bottom\": 9}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].cylinder.right", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"cylinder\": {\"left\": 0, \"right\": 10, \"top\": 0}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].cylinder.bottom", "missing", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"cylinder\": {\"left\": 0, \"right\": 10, \"top\": 0, \"bottom\": 9, \"wrap\": 400}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].cylinder.wrap", NULL);
}

static void
test_template_duplicate_members (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(MockupTemplate) template = NULL;

  /* json-glib would keep the last one silently; other JSON readers keep
   * the first, so the manifest would mean different things to them */
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[10, 10], [90, 12], [88, 60], [12, 58]], "
                                     "\"fit\": \"cover\", \"fit\": \"contain\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "template data: layers[1]: ", "duplicate member \"fit\"", NULL);
  test_template_fails (dir, "{\"format\": 1, \"format\": 1, \"size\": [10, 10], "
                       "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "template data: (root): ", "duplicate member \"format\"", NULL);
  /* escapes do not hide one: "\u0066it" is "fit" */
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}, "
                       "{\"type\": \"color\", \"color\": \"#fff\", \"mask\": {\"source\": \"room.jpg\", "
                       "\"invert\": true, \"inv\\u0065rt\": false}}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].mask: ", "duplicate member \"invert\"", NULL);
  /* comments too */
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[10, 10], [90, 12], [88, 60], [12, 58]], "
                                     "\"_note\": 1, \"_note\": 2}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1]: ", "duplicate member \"_note\"", NULL);

  /* the same name in different objects is fine */
  g_clear_object (&template);
  template = test_template (dir, "{\"format\": 1, \"name\": \"n\", \"size\": [10, 10], \"layers\": ["
                                 "{\"type\": \"color\", \"name\": \"a\", \"color\": \"#fff\"}, "
                                 "{\"type\": \"color\", \"name\": \"b\", \"color\": \"#000\"}]}");

  /* and the file is named */
  path = test_write_file (dir, "twice.json", "{\"format\": 1, \"size\": [10, 10], \"size\": [20, 20], "
                                             "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}");
  g_clear_object (&template);
  template = mockup_template_new_from_file (path, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "twice.json: (root): duplicate member \"size\""));
}

static void
test_template_nul_escapes (void)
{
  g_autoptr(MockupTemplate) template = NULL;

  /* json-glib decodes \u0000 into a nul that ends the string: "a\u0000b"
   * would read as "a" */
  test_template_fails (dir, "{\"format\": 1, \"name\": \"Poster\\u0000 (draft)\", \"size\": [10, 10], "
                       "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "template data: name: ", "\\u0000", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"slot\": \"left\\u0000right\", "
                                     "\"quad\": [[10, 10], [90, 12], [88, 60], [12, 58]]}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "template data: layers[1].slot: ", "\\u0000", NULL);
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", "
                       "\"color\": \"#fff\", \"mask\": {\"source\": \"room.jpg\\u0000.png\"}}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].mask.source: ", "\\u0000", NULL);
  /* in a member's name: "opacity\u0000x" would read as "opacity" */
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"layers\": [{\"type\": \"color\", "
                       "\"color\": \"#fff\", \"opacity\\u0000x\": 0.5}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0]: ", "opacity\\u0000x", NULL);
  /* comments are strings too */
  test_template_fails (dir, "{\"format\": 1, \"size\": [10, 10], \"_note\": [\"a\", \"\\u0000\"], "
                       "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "_note[1]: ", NULL);

  /* an escaped backslash before "u0000" is no nul, nor is one in a
   * comment or in a string json-glib leaves as it is */
  template = test_template (dir, "{\"format\": 1, \"name\": \"C:\\\\u0000\", /* \"\\u0000\" */ "
                                 "\"_note\": '\\u0000', \"size\": [10, 10], "
                                 "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}");
  g_assert_cmpstr (mockup_template_get_name (template), ==, "C:\\u0000");
}

static char *
repeat (const char *unit,
        guint       times)
{
  GString *text = g_string_sized_new (strlen (unit) * times + 1);

  for (guint i = 0; i < times; i++)
    g_string_append (text, unit);
  return g_string_free (text, FALSE);
}

/* A valid manifest whose "_note" (a comment) is @note: one level more
 * than @note nests. */
static char *
manifest_with_note (const char *note)
{
  return g_strconcat ("{\"format\": 1, \"size\": [10, 10], \"_note\": ", note,
                      ", \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}", NULL);
}

static guint
depth_of (const char *text)
{
  g_autoptr(GError) error = NULL;
  guint depth = G_MAXUINT;

  g_assert_true (mockup_json_check_depth (text, strlen (text), 1000, &depth, &error));
  g_assert_no_error (error);
  return depth;
}

static void
test_template_json_depth_scan (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *deep = repeat ("[", 100000);
  guint depth = 0;

  g_assert_cmpuint (depth_of (""), ==, 0);
  g_assert_cmpuint (depth_of ("1"), ==, 0);
  g_assert_cmpuint (depth_of ("[]"), ==, 1);
  g_assert_cmpuint (depth_of ("{\"a\": [[1], {\"b\": []}]}"), ==, 4);
  /* several values in a row: each starts again from the top */
  g_assert_cmpuint (depth_of ("[[]] [[[]]]"), ==, 3);
  /* a closer too many does not hide the levels after it */
  g_assert_cmpuint (depth_of ("]]]] [[[]]]"), ==, 3);

  /* brackets in strings do not count, escapes included */
  g_assert_cmpuint (depth_of ("[\"[[[[\", \"]]\", \"\\\"[[[\", \"\\\\\", [\"{{\"]]"), ==, 2);
  g_assert_cmpuint (depth_of ("['[[[', '\\\\', ['{{']]"), ==, 2);
  g_assert_cmpuint (depth_of ("[\"\\u005b\\u005B\", \"\\ud83d\\ude00[[\"]"), ==, 1);
  /* nor in comments, which run from a '/' to the next in json-glib:
   * "//" comments out nothing */
  g_assert_cmpuint (depth_of ("[ /[[[[ \"/ [ ]]"), ==, 2);
  g_assert_cmpuint (depth_of ("[ // [[[]]]]"), ==, 4);

  /* json-glib 1.6 reads the byte that ends a short "\u", even a quote:
   * the string below goes on to the second quote, and the brackets after
   * it are nested values, so they count */
  g_assert_cmpuint (depth_of ("[\"\\u12\"]\", [[[[]]]]]"), ==, 5);
  /* and a high surrogate takes the next two bytes whatever they are */
  g_assert_cmpuint (depth_of ("[\"\\ud800\"x\", [[]]]"), ==, 3);
  /* a slash and a star open a comment up to the next '/' in json-glib
   * 1.6, up to the next star and slash in 1.9: the deeper reading counts */
  g_assert_cmpuint (depth_of ("[ /* a/ [[[]]] */ ]"), ==, 4);
  g_assert_cmpuint (depth_of ("[ /* / \" */ [[[]]]]"), ==, 4);
  g_assert_cmpuint (depth_of ("[ /* */ [[[]]]]"), ==, 4);

  /* the limit */
  g_assert_true (mockup_json_check_depth ("[[[]]]", 6, 3, &depth, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (depth, ==, 3);
  g_assert_false (mockup_json_check_depth ("[[[[]]]]", 8, 3, &depth, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==, "the JSON text nests deeper than 3 levels (at line:column 1:4)");
  g_assert_cmpuint (depth, ==, 4);
  g_clear_error (&error);

  /* the position is in characters, lines counted from 1 */
  g_assert_false (mockup_json_check_depth ("{\"é\":\n  [[", 11, 2, NULL, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "(at line:column 2:4)"));
  g_clear_error (&error);

  /* 100,000 levels cost one pass and no stack */
  g_assert_false (mockup_json_check_depth (deep, strlen (deep), 64, &depth, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "nests deeper than 64 levels (at line:column 1:65)"));
  g_assert_cmpuint (depth, ==, 65);
  g_clear_error (&error);

  /* nor does a nul end the scan */
  g_assert_false (mockup_json_check_depth ("[\0[[", 4, 2, NULL, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
}

static void
test_template_json_text (void)
{
  static const struct {
    const char *text;
    const char *problem;        /* NULL: accepted */
  } cases[] = {
    { "{\"a\": 1}", NULL },
    { "  {\"a\": [1, {}]}  \n", NULL },
    { "{\"a\": 1} /comment/ ", NULL },
    { "\"\\ud83d\\ude00 and \\u00e9\"", NULL },
    /* json-glib 1.6 parses a second value, drops it and leaks it */
    { "{\"a\": 1} {\"b\": 2}", "goes on after its value (at line:column 1:10)" },
    { "[1]\n[2]", "goes on after its value (at line:column 2:1)" },
    { "1 {}", "goes on after its value (at line:column 1:3)" },
    { "\"s\" \"t\"", "goes on after its value" },
    { "{\"a\": \"}{\"} x", "goes on after its value (at line:column 1:13)" },
    /* and turns half a surrogate pair into bytes that are not UTF-8 */
    { "{\"name\": \"a\\ud800b\"}", "half a character (an unpaired UTF-16 surrogate), which is not text (at line:column 1:12)" },
    { "{\"name\": \"\\udc00\"}", "unpaired UTF-16 surrogate" },
    { "{\"name\": \"\\ud800\\u0041\"}", "unpaired UTF-16 surrogate" },
    { "{\"a\\uDBFF\": 1}", "unpaired UTF-16 surrogate" },
    /* an escape JSON does not have: json-glib reads on past some (this
     * string would go on to the last quote), and leaks on others */
    { "[\"\\u12\", \\ud800\"]", "an escape that JSON does not have (\\u takes four hex digits) (at line:column 1:3)" },
    { "{\"\\ud80\"\\ud", "an escape that JSON does not have" },
    { "{\"a\": \"x\\q\"}", "an escape that JSON does not have" },
    /* and those it has, however many backslashes stand in a row */
    { "{\"path\": \"C:\\\\users\\\\ud800\", \"q\": \"\\\"\\/\\b\\f\\n\\r\\t\"}", NULL },
    /* and the depth, first */
    { "[[[[[[[[[[]]]]]]]]]]", "nests deeper than 8 levels" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = mockup_json_check_text (cases[i].text, strlen (cases[i].text), 8, &error);

      if (cases[i].problem == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          continue;
        }
      g_assert_false (ok);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
      if (strstr (error->message, cases[i].problem) == NULL)
        g_error ("%s: “%s” does not say “%s”", cases[i].text, error->message, cases[i].problem);
    }
}

static void
test_template_json_text_in_manifests (void)
{
  static const char * const texts[] = {
    "{\"format\": 1, \"size\": [4, 4], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]} {\"layers\": []}",
    "{\"format\": 1, \"name\": \"a\\ud800b\", \"size\": [4, 4], \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}",
    "{\"a\": \"x\\ud800y\": 1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MockupTemplate) template = mockup_template_new_from_data (texts[i], -1, "/tmp", &error);

      g_assert_null (template);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      g_assert_nonnull (strstr (error->message, "(root): "));
    }
}

static void
test_template_json_depth (void)
{
  g_autofree char *arrays = repeat ("[", 100000);
  g_autofree char *objects = repeat ("{\"a\":", 100000);
  g_autofree char *closed = NULL;
  g_autofree char *in_string = NULL;
  g_autofree char *in_comment = NULL;
  g_autofree char *escape_quirk = NULL;
  g_autofree char *deep_path = NULL;
  g_autofree char *note = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  /* json-glib's parser recurses once a level: these overflowed the stack */
  test_template_fails (dir, arrays, MOCKUP_ERROR_INVALID_TEMPLATE,
                       "template data: (root): the JSON text nests deeper than 64 levels (at line:column 1:65)", NULL);
  test_template_fails (dir, objects, MOCKUP_ERROR_INVALID_TEMPLATE,
                       "template data: (root): ", "nests deeper than 64 levels (at line:column 1:321)", NULL);
  /* complete, and inside a valid manifest */
  {
    g_autofree char *opens = repeat ("[", 100000);
    g_autofree char *closes = repeat ("]", 100000);
    g_autofree char *value = g_strconcat (opens, closes, NULL);

    closed = manifest_with_note (value);
  }
  test_template_fails (dir, closed, MOCKUP_ERROR_INVALID_TEMPLATE,
                       "(root): the JSON text nests deeper than 64 levels (at line:column 1:", NULL);

  /* from a file: 200 KB, far inside the 4 MiB limit */
  deep_path = test_write_file (dir, "deep.json", arrays);
  template = mockup_template_new_from_file (deep_path, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "deep.json: (root): the JSON text nests deeper than 64 levels"));
  g_clear_error (&error);

  /* json-glib 1.6 takes the quote after a short "\u" into the string: the
   * brackets after the next quote are values it would descend into */
  escape_quirk = g_strconcat ("[\"\\u12\"]\", ", arrays, NULL);
  test_template_fails (dir, escape_quirk, MOCKUP_ERROR_INVALID_TEMPLATE, "nests deeper than 64 levels", NULL);

  /* the limit is 64 levels: the root and 63 arrays load */
  {
    g_autofree char *opens = repeat ("[", 63);
    g_autofree char *closes = repeat ("]", 63);
    g_autofree char *value = g_strconcat (opens, closes, NULL);

    note = manifest_with_note (value);
    template = test_template (dir, note);
    g_clear_object (&template);
    g_free (note);
    g_free (value);

    value = g_strconcat ("[", opens, closes, "]", NULL);
    note = manifest_with_note (value);
    test_template_fails (dir, note, MOCKUP_ERROR_INVALID_TEMPLATE,
                         "template data: (root): the JSON text nests deeper than 64 levels (at line:column 1:", NULL);
  }

  /* brackets in strings and comments do not count */
  {
    g_autofree char *quoted = g_strconcat ("\"", arrays, "\\\"", arrays, "\"", NULL);

    in_string = manifest_with_note (quoted);
    template = test_template (dir, in_string);
    g_clear_object (&template);
  }
  in_comment = g_strconcat ("/ ", arrays, " /\n", "{\"format\": 1, \"size\": [10, 10], \"_note\": '", arrays,
                            "', \"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}", NULL);
  template = test_template (dir, in_comment);
}

static void
test_template_all_problems (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GString) many = g_string_new ("{\"format\": 1, \"size\": [10, 10], \"layers\": [");
  g_auto(GStrv) lines = NULL;

  /* every problem, one a line, in the manifest's order */
  template = mockup_template_new_from_data ("{\"format\": 1, \"size\": [10, 10], \"colour\": 1, \"layers\": ["
                                            "{\"type\": \"color\", \"color\": \"#fff\", \"opacity\": 2, \"blend\": \"x\"}, "
                                            "{\"type\": \"color\", \"color\": \"#fff\"}, "
                                            "{\"type\": \"artwork\", \"quad\": [[0, 0], [\"9\", 0], [9, 9], [0, 1e9]], "
                                            "\"fit\": \"fill\"}]}", -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 6);
  g_assert_true (g_str_has_prefix (lines[0], "template data: (root): unknown member \"colour\""));
  g_assert_true (g_str_has_prefix (lines[1], "template data: layers[0].blend: unknown value \"x\""));
  g_assert_cmpstr (lines[2], ==, "template data: layers[0].opacity: 2 is out of range (0 to 1)");
  g_assert_cmpstr (lines[3], ==, "template data: layers[2].quad[1][0]: expected a number, got a string");
  g_assert_cmpstr (lines[4], ==, "template data: layers[2].quad[3][1]: 1e+09 is out of range (-1e+06 to 1e+06)");
  g_assert_true (g_str_has_prefix (lines[5], "template data: layers[2].fit: unknown value \"fill\""));
  g_clear_error (&error);
  g_clear_pointer (&lines, g_strfreev);

  /* the code is the first problem's */
  template = mockup_template_new_from_data ("{\"format\": 1, \"size\": [10, 10], \"layers\": ["
                                            "{\"type\": \"image\", \"source\": \"missing.png\"}, "
                                            "{\"type\": \"color\", \"color\": \"white\"}]}", -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "template data: layers[0].source: \"missing.png\""));
  g_assert_true (g_str_has_prefix (lines[1], "template data: layers[1].color: \"white\" is not a colour"));
  g_clear_error (&error);
  g_clear_pointer (&lines, g_strfreev);

  /* at most 20, and a count of the rest */
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (many, "%s{\"type\": \"color\", \"color\": \"#fff\", \"opacity\": %u}", i ? ", " : "", i + 2);
  g_string_append (many, "]}");
  template = mockup_template_new_from_data (many->str, -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  lines = g_strsplit (error->message, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 21);
  g_assert_cmpstr (lines[0], ==, "template data: layers[0].opacity: 2 is out of range (0 to 1)");
  g_assert_cmpstr (lines[19], ==, "template data: layers[19].opacity: 21 is out of range (0 to 1)");
  g_assert_cmpstr (lines[20], ==, "template data: and 10 more problems");
  g_clear_error (&error);
  g_clear_pointer (&lines, g_strfreev);
  g_string_truncate (many, 0);
  g_string_append (many, "{\"format\": 1, \"size\": [10, 10], \"layers\": [");
  for (guint i = 0; i < 21; i++)
    g_string_append_printf (many, "%s{\"type\": \"color\", \"color\": \"#fff\", \"opacity\": %u}", i ? ", " : "", i + 2);
  g_string_append (many, "]}");
  template = mockup_template_new_from_data (many->str, -1, dir, &error);
  g_assert_null (template);
  g_assert_true (g_str_has_suffix (error->message, "layers[19].opacity: 21 is out of range (0 to 1)\n"
                                                   "template data: and 1 more problem"));
  g_clear_error (&error);

  /* nothing that follows from another problem: an unknown format ends the
   * checks, and a canvas that was to come from a failed layer is not
   * reported missing */
  template = mockup_template_new_from_data ("{\"format\": 2, \"layers\": [{\"type\": \"colour\"}]}", -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "template data: format: format 2 is not supported (this library reads format 1)");
  g_clear_error (&error);
  template = mockup_template_new_from_data ("{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": 1}, "
                                            "{\"type\": \"colour\", \"opacity\": 5}]}", -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_cmpstr (error->message, ==,
                   "template data: layers[0].source: expected a string, got a number\n"
                   "template data: layers[1].type: unknown value \"colour\" (expected one of: image, artwork, color, text)");
  g_clear_error (&error);

  /* a file's name on each line */
  {
    g_autofree char *path = test_write_file (dir, "two-problems.json",
                                             "{\"format\": 1, \"id\": \"a b\", \"size\": [10, 10.5], "
                                             "\"layers\": [{\"type\": \"color\", \"color\": \"#fff\"}]}");

    template = mockup_template_new_from_file (path, &error);
    g_assert_null (template);
    lines = g_strsplit (error->message, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_true (g_str_has_prefix (lines[0], path));
    g_assert_nonnull (strstr (lines[0], ": id: \"a b\" is not an id"));
    g_assert_true (g_str_has_prefix (lines[1], path));
    g_assert_nonnull (strstr (lines[1], ": size: width and height must be whole pixels"));
  }
}

static void
test_template_mask_aspect (void)
{
  g_autofree char *half = test_write_png (dir, "mask-half.png", 60, 40, 0xffffffff);
  g_autofree char *rounded = test_write_png (dir, "mask-rounded.png", 7, 5, 0xffffffff);
  g_autofree char *wide = test_write_png (dir, "mask-wide.png", 100, 40, 0xffffffff);
  g_autofree char *tall = test_write_png (dir, "mask-tall.png", 5, 20, 0xffffffff);
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GError) error = NULL;

  /* the canvas is 120 × 80: a mask of its proportions at any size fits,
   * its sides rounded either way */
  template = test_template (dir, MINIMAL ("{\"type\": \"color\", \"color\": \"#fff\", \"mask\": \"mask-half.png\"}"));
  g_clear_object (&template);
  template = test_template (dir, MINIMAL ("{\"type\": \"color\", \"color\": \"#fff\", "
                                          "\"mask\": {\"source\": \"mask-rounded.png\", \"mode\": \"alpha\"}}"));
  g_clear_object (&template);

  /* another shape would be stretched out of place */
  test_template_fails (dir, MINIMAL ("{\"type\": \"color\", \"color\": \"#fff\", \"mask\": \"mask-wide.png\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE,
                       "template data: layers[1].mask: \"mask-wide.png\" is 100 × 40 pixels, "
                       "not of the canvas's aspect ratio (120 × 80)", NULL);
  test_template_fails (dir, MINIMAL ("{\"type\": \"artwork\", \"quad\": [[10, 10], [90, 12], [88, 60], [12, 58]], "
                                     "\"mask\": {\"source\": \"mask-wide.png\", \"invert\": true}}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "template data: layers[1].mask: ", "100 × 40", "120 × 80", NULL);
  /* on a canvas given by "size" too, and on the layer that gives the canvas */
  test_template_fails (dir, "{\"format\": 1, \"size\": [120, 120], \"layers\": [{\"type\": \"color\", "
                       "\"color\": \"#fff\", \"mask\": \"mask-half.png\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].mask: ", "60 × 40", "(120 × 120)", NULL);
  test_template_fails (dir, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"room.jpg\", "
                       "\"mask\": \"mask-tall.png\"}]}",
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].mask: ", "5 × 20", NULL);

  /* a tall canvas: 10 × 41 halved is 5 × 20.5 */
  template = test_template (dir, "{\"format\": 1, \"size\": [10, 41], \"layers\": [{\"type\": \"color\", "
                                 "\"color\": \"#fff\", \"mask\": \"mask-tall.png\"}]}");
  g_clear_object (&template);

  /* reported with the other problems */
  template = mockup_template_new_from_data ("{\"format\": 1, \"size\": [120, 80], \"layers\": ["
                                            "{\"type\": \"color\", \"color\": \"#fff\", \"mask\": \"mask-wide.png\"}, "
                                            "{\"type\": \"color\", \"color\": \"#fff\", \"mask\": \"mask-half.png\"}, "
                                            "{\"type\": \"color\", \"color\": \"#fff\", \"mask\": \"mask-tall.png\"}]}",
                                            -1, dir, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_true (g_str_has_prefix (error->message, "template data: layers[0].mask: \"mask-wide.png\""));
  g_assert_nonnull (strstr (error->message, "\ntemplate data: layers[2].mask: \"mask-tall.png\" is 5 × 20 pixels"));
  g_assert_null (strstr (error->message, "layers[1]"));
}

static void
expect_file_error (const char *path,
                   int         code,
                   const char *part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  gint64 start = g_get_monotonic_time ();

  /* reading a FIFO without a writer, or /dev/zero, would never end: the
   * alarm's default action fails the test rather than letting it hang */
  alarm (20);
  template = mockup_template_new_from_file (path, &error);
  alarm (0);

  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, part));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_template_not_regular_files (void)
{
  g_autofree char *fifo = g_build_filename (dir, "fifo.json", NULL);
  g_autofree char *big = g_build_filename (dir, "big.json", NULL);
  g_autofree char *padding = NULL;
  g_autofree char *folder = g_build_filename (dir, "folder.json", NULL);
  g_autoptr(GError) error = NULL;
  gsize size = 4 * 1024 * 1024 + 1;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  expect_file_error (fifo, MOCKUP_ERROR_NOT_FOUND, "(root): not a regular file but a FIFO");

  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    expect_file_error ("/dev/zero", MOCKUP_ERROR_NOT_FOUND, "(root): not a regular file but a device");

  g_mkdir (folder, 0755);
  expect_file_error (folder, MOCKUP_ERROR_NOT_FOUND, "(root): this is a folder");

  /* a manifest over 4 MiB fails without being read through */
  padding = g_malloc (size);
  memset (padding, ' ', size);
  padding[0] = '{';
  padding[size - 1] = '}';
  g_file_set_contents (big, padding, size, &error);
  g_assert_no_error (error);
  expect_file_error (big, MOCKUP_ERROR_TOO_LARGE, "(root): the manifest is larger than the 4194304 bytes allowed");
}

int
main (int    argc,
      char **argv)
{
  g_autofree char *jpeg = NULL;

  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  jpeg = test_write_jpeg (dir, "room.jpg", 120, 80, 0x808080);

  g_test_add_func ("/template/minimal", test_template_minimal);
  g_test_add_func ("/template/from-file", test_template_from_file);
  g_test_add_func ("/template/find-in-folder", test_template_find_in_folder);
  g_test_add_func ("/template/malformed-json", test_template_malformed_json);
  g_test_add_func ("/template/missing-file", test_template_missing_file);
  g_test_add_func ("/template/bad-images", test_template_bad_images);
  g_test_add_func ("/template/quad-errors", test_template_quad_errors);
  g_test_add_func ("/template/paths-outside", test_template_paths_outside);
  g_test_add_func ("/template/member-errors", test_template_member_errors);
  g_test_add_func ("/template/mesh-and-cylinder-errors", test_template_mesh_and_cylinder_errors);
  g_test_add_func ("/template/duplicate-members", test_template_duplicate_members);
  g_test_add_func ("/template/nul-escapes", test_template_nul_escapes);
  g_test_add_func ("/template/not-regular-files", test_template_not_regular_files);
  g_test_add_func ("/template/json-depth-scan", test_template_json_depth_scan);
  g_test_add_func ("/template/json-depth", test_template_json_depth);
  g_test_add_func ("/template/json-text", test_template_json_text);
  g_test_add_func ("/template/json-text-in-manifests", test_template_json_text_in_manifests);
  g_test_add_func ("/template/all-problems", test_template_all_problems);
  g_test_add_func ("/template/mask-aspect", test_template_mask_aspect);

  return g_test_run ();
}
