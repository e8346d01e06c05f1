/* test-options.c: render-time choices (template parameters, placement,
 * variants) through the public API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "test-util.h"

static char *dir;

static MockupResult *
render_with (MockupTemplate      *template,
             MockupArtwork       *artwork,
             MockupRenderOptions *options,
             GError             **error)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  return mockup_renderer_render_full (renderer, artwork, template, options, NULL, error);
}

static MockupArtwork *
white_artwork (void)
{
  g_autofree char *path = test_write_png (dir, "white.png", 40, 40, 0xffffffff);
  g_autoptr(GError) error = NULL;
  MockupArtwork *artwork = mockup_artwork_new_from_file (path, &error);

  g_assert_no_error (error);
  return artwork;
}

static void
test_options_storage (void)
{
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupRenderOptions) copy = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) slots = NULL;
  double left, top, width, degrees;

  g_assert_null (mockup_render_options_get_parameter (options, "shirt"));
  mockup_render_options_set_parameter (options, "shirt", "navy");
  mockup_render_options_set_parameter (options, "glare", "0.5");
  mockup_render_options_set_parameter (options, "logo", "true");
  mockup_render_options_set_parameter (options, "logo", NULL);
  g_assert_cmpstr (mockup_render_options_get_parameter (options, "shirt"), ==, "navy");
  g_assert_null (mockup_render_options_get_parameter (options, "logo"));
  names = mockup_render_options_dup_parameter_names (options);
  g_assert_cmpstrv (names, ((const char * const[]) { "glare", "shirt", NULL }));

  g_assert_false (mockup_render_options_get_placement (options, "front", NULL, NULL, NULL, NULL));
  mockup_render_options_set_placement (options, "front", 0.1, 0.2, 0.3, 45);
  mockup_render_options_set_placement (options, "back", 0.5, 0.5, 0.25, 0);
  g_assert_true (mockup_render_options_get_placement (options, "front", &left, &top, &width, &degrees));
  g_assert_cmpfloat (left, ==, 0.1);
  g_assert_cmpfloat (top, ==, 0.2);
  g_assert_cmpfloat (width, ==, 0.3);
  g_assert_cmpfloat (degrees, ==, 45);

  /* a copy is independent of its original */
  copy = mockup_render_options_copy (options);
  mockup_render_options_clear_placement (options, "back");
  mockup_render_options_set_parameter (options, "shirt", "white");
  slots = mockup_render_options_dup_placement_slots (options);
  g_assert_cmpstrv (slots, ((const char * const[]) { "front", NULL }));
  g_clear_pointer (&slots, g_strfreev);
  slots = mockup_render_options_dup_placement_slots (copy);
  g_assert_cmpstrv (slots, ((const char * const[]) { "back", "front", NULL }));
  g_assert_cmpstr (mockup_render_options_get_parameter (copy, "shirt"), ==, "navy");
}

/* 60 × 40 canvas: grey background, a colour layer over the left half
 * through a mask. */
static const char *plain_json =
  "{\"format\": 1, \"size\": [60, 40], \"background\": \"#808080\", \"layers\": ["
  "{\"type\": \"color\", \"color\": \"#ff0000\", \"opacity\": 0.5},"
  "{\"type\": \"artwork\", \"quad\": [[40, 10], [55, 10], [55, 30], [40, 30]]}]}";

static void
test_options_none_is_render (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupResult) plain = NULL;
  g_autoptr(MockupResult) full = NULL;
  g_autoptr(GError) error = NULL;

  plain = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  full = mockup_renderer_render_full (renderer, artwork, template, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (mockup_result_get_bytes (plain), mockup_result_get_bytes (full)));
  g_assert_cmpuint (mockup_result_get_variant (full), ==, 0);
}

static void
test_options_unknown_parameter (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mockup_render_options_set_parameter (options, "sleeve", "#ffffff");
  result = render_with (template, artwork, options, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "sleeve"));
}

static void
test_options_bad_placement (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  const double bad[][4] = {
    { 0, 0, 0, 0 }, { 0, 0, -1, 0 }, { NAN, 0, 0.5, 0 }, { 0, INFINITY, 0.5, 0 }, { 0, 0, 0.5, NAN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;

      mockup_render_options_set_placement (options, "artwork", bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
      result = render_with (template, artwork, options, &error);
      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      g_assert_nonnull (strstr (error->message, "artwork"));
    }
}

static void
test_options_batch_full_order (void)
{
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupRenderOptions *variants[3];
  guint n = 0;

  for (guint t = 0; t < 2; t++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"format\": 1, \"id\": \"t%u\", \"size\": [60, 40], \"layers\": ["
        "{\"type\": \"artwork\", \"quad\": [[40, 10], [55, 10], [55, 30], [40, 30]]}]}", t);
      g_autoptr(MockupTemplate) template = test_template (dir, json);

      g_list_store_append (templates, template);
    }
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    variants[v] = mockup_render_options_new ();
  /* the second variant does not suit the templates: its items fail alone */
  mockup_render_options_set_parameter (variants[1], "nothing", "1");

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  batch = mockup_renderer_render_batch_full (renderer, artwork, G_LIST_MODEL (templates), NULL,
                                             variants, G_N_ELEMENTS (variants), NULL, &error);
  g_assert_no_error (error);
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    g_object_unref (variants[v]);
  g_assert_cmpuint (mockup_batch_get_n_items (batch), ==, 6);

  for (;;)
    {
      g_autoptr(MockupResult) result = mockup_batch_next (batch, NULL, &error);
      g_autofree char *id = g_strdup_printf ("t%u", n / 3);

      g_assert_no_error (error);
      if (result == NULL)
        break;
      g_assert_cmpuint (mockup_result_get_index (result), ==, n);
      g_assert_cmpuint (mockup_result_get_variant (result), ==, n % 3);
      g_assert_cmpstr (mockup_result_get_template_id (result), ==, id);
      if (n % 3 == 1)
        g_assert_error (mockup_result_get_error (result), MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      else
        g_assert_no_error (mockup_result_get_error (result));
      n++;
    }
  g_assert_cmpuint (n, ==, 6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();

  g_test_add_func ("/options/storage", test_options_storage);
  g_test_add_func ("/options/none-is-render", test_options_none_is_render);
  g_test_add_func ("/options/unknown-parameter", test_options_unknown_parameter);
  g_test_add_func ("/options/bad-placement", test_options_bad_placement);
  g_test_add_func ("/options/batch-full-order", test_options_batch_full_order);

  return g_test_run ();
}
