/* test-variants.c: the variants of a template in one batch, rendered as a
 * group that decodes the template's images once
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#include "mockup-glib/mockup-batch-private.h"
#include "mockup-glib/mockup-image-reader-private.h"

#define N_VARIANTS 8

static char *dir;
static char *artwork_path;

/* Every kind of image a group shares: a photo, a masked colour layer, a
 * translucent overlay, and an artwork layer with a shading map. */
static MockupTemplate *
make_template (void)
{
  return test_template (dir,
    "{\"format\": 1, \"id\": \"shirt\", \"name\": \"Shirt\", \"parameters\": {"
    " \"shirt\": {\"type\": \"color\", \"default\": \"#2f5f8a\", \"choices\": {\"navy\": \"#202a60\"}},"
    " \"tint\": {\"type\": \"number\", \"default\": 0.9, \"minimum\": 0, \"maximum\": 1},"
    " \"glare\": {\"type\": \"boolean\", \"default\": true}},"
    " \"layers\": ["
    "{\"type\": \"image\", \"source\": \"photo.jpg\"},"
    "{\"type\": \"color\", \"color\": {\"parameter\": \"shirt\"}, \"blend\": \"multiply\","
    " \"opacity\": {\"parameter\": \"tint\"}, \"mask\": {\"source\": \"mask.png\", \"mode\": \"alpha\"}},"
    "{\"type\": \"artwork\", \"quad\": [[40, 30], [190, 40], [185, 140], [45, 130]],"
    " \"shading\": {\"source\": \"photo.jpg\", \"strength\": 0.5}},"
    "{\"type\": \"image\", \"source\": \"overlay.png\", \"opacity\": 0.8,"
    " \"visible\": {\"parameter\": \"glare\"}}]}");
}

/* Counts the rows libjpeg-turbo gives out, over all decodes. */
static gint jpeg_rows;

static void
count_rows (int      scan,
            gpointer user_data)
{
  g_atomic_int_inc (&jpeg_rows);
}

static GBytes *
render_alone (MockupRenderer *renderer,
              MockupArtwork  *artwork,
              MockupTemplate *template)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = mockup_renderer_render (renderer, artwork, template, NULL, &error);

  g_assert_no_error (error);
  return g_bytes_ref (mockup_result_get_bytes (result));
}

static GListModel *
repeated (MockupTemplate *template,
          guint           n)
{
  GListStore *store = g_list_store_new (MOCKUP_TYPE_TEMPLATE);

  for (guint i = 0; i < n; i++)
    g_list_store_append (store, template);
  return G_LIST_MODEL (store);
}

/* A template listed several times in a row renders as one group: the same
 * bytes as each render alone, in order, the photo decoded once. */
static void
test_variants_grouped_identical (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, N_VARIANTS);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GBytes) alone = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint index = 0;
  int rows_alone, rows_batch;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  /* one worker: one group of all the variants */
  mockup_renderer_set_threads (renderer, 1);

  _mockup_jpeg_set_progress_hook (count_rows, NULL);
  g_atomic_int_set (&jpeg_rows, 0);
  alone = render_alone (renderer, artwork, template);
  rows_alone = g_atomic_int_get (&jpeg_rows);
  g_assert_cmpint (rows_alone, >, 0);

  g_atomic_int_set (&jpeg_rows, 0);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_assert_null (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_index (result), ==, index);
      g_assert_cmpstr (mockup_result_get_template_id (result), ==, "shirt");
      g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), alone));
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, N_VARIANTS);
  rows_batch = g_atomic_int_get (&jpeg_rows);
  _mockup_jpeg_set_progress_hook (NULL, NULL);

  /* the photo (and its use as a shading map) decoded once for the eight,
   * not eight times */
  g_assert_cmpint (rows_batch, <=, rows_alone + rows_alone / 2);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

/* With several workers and nothing else to do, the variants are split
 * between them; each group still gives the bytes of a render alone. */
static void
test_variants_split_between_workers (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupTemplate) other = test_template (dir,
    "{\"format\": 1, \"id\": \"plain\", \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
    "{\"type\": \"artwork\", \"quad\": [[10, 10], [100, 10], [100, 100], [10, 100]]}]}");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GBytes) alone = NULL;
  g_autoptr(GBytes) other_alone = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint index = 0;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_JPEG);
  mockup_renderer_set_threads (renderer, 3);
  alone = render_alone (renderer, artwork, template);
  other_alone = render_alone (renderer, artwork, other);

  /* 5 × shirt, plain, 7 × shirt: groups never cross another template */
  for (guint i = 0; i < 13; i++)
    g_list_store_append (templates, i == 5 ? other : template);
  batch = mockup_renderer_render_batch (renderer, artwork, G_LIST_MODEL (templates), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_assert_null (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_index (result), ==, index);
      g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), index == 5 ? other_alone : alone));
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 13);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 13);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

/* A small budget makes the groups smaller, never the results different. */
static void
test_variants_small_budget (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, 20);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GBytes) alone = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint index = 0;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  alone = render_alone (renderer, artwork, template);
  mockup_renderer_set_memory_limit (renderer, 3 << 20);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_assert_null (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_index (result), ==, index++);
      g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), alone));
      g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), <=, 3 << 20);
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 20);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static const char *colours[N_VARIANTS] = {
  "#1d2a44", "#f4f4f2", "#b3202a", "navy", "#2c5234", "#9a9a9c", "#fc3", "#000000",
};

static MockupRenderOptions **
colour_variants (void)
{
  MockupRenderOptions **variants = g_new0 (MockupRenderOptions *, N_VARIANTS + 1);

  for (guint v = 0; v < N_VARIANTS; v++)
    {
      variants[v] = mockup_render_options_new ();
      mockup_render_options_set_parameter (variants[v], "shirt", colours[v]);
      /* some hide a layer whose image the others read, some fade one */
      if (v % 3 == 1)
        mockup_render_options_set_parameter (variants[v], "glare", "false");
      if (v % 4 == 2)
        mockup_render_options_set_parameter (variants[v], "tint", "0.4");
      /* and some place the artwork: those draw their own */
      if (v % 5 == 3)
        mockup_render_options_set_placement (variants[v], "artwork", 0.1, 0.2, 0.5, v * 10.0);
    }
  return variants;
}

static void
free_variants (MockupRenderOptions **variants)
{
  for (guint v = 0; variants[v] != NULL; v++)
    g_object_unref (variants[v]);
  g_free (variants);
}

/* One template × 8 colours in one call: in order, each variant's bytes
 * those of the variant rendered alone, the photo decoded once. */
static void
test_variants_colours (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, 1);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GPtrArray) alone = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  MockupRenderOptions **variants = colour_variants ();
  MockupResult *result;
  guint index = 0;
  int rows_alone, rows_batch;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  mockup_renderer_set_threads (renderer, 1);

  _mockup_jpeg_set_progress_hook (count_rows, NULL);
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      g_autoptr(MockupResult) single = NULL;

      g_atomic_int_set (&jpeg_rows, 0);
      single = mockup_renderer_render_full (renderer, artwork, template, variants[v], NULL, &error);
      g_assert_no_error (error);
      g_ptr_array_add (alone, g_bytes_ref (mockup_result_get_bytes (single)));
      /* every colour changes the picture */
      for (guint w = 0; w < v; w++)
        g_assert_false (g_bytes_equal (alone->pdata[w], alone->pdata[v]));
    }
  rows_alone = g_atomic_int_get (&jpeg_rows);

  g_atomic_int_set (&jpeg_rows, 0);
  batch = mockup_renderer_render_batch_full (renderer, artwork, templates, NULL, variants, N_VARIANTS,
                                             NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mockup_batch_get_n_items (batch), ==, N_VARIANTS);
  free_variants (variants);

  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_assert_no_error (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_index (result), ==, index);
      g_assert_cmpuint (mockup_result_get_variant (result), ==, index);
      g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), alone->pdata[index]));
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, N_VARIANTS);
  rows_batch = g_atomic_int_get (&jpeg_rows);
  _mockup_jpeg_set_progress_hook (NULL, NULL);

  /* eight colours, the photo (and its shading map) decoded once */
  g_assert_cmpint (rows_batch, <=, rows_alone + rows_alone / 2);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

/* A variant with a bad value fails alone, naming the parameter; the
 * variants on either side render as they would alone. */
static void
test_variants_bad_variant (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, 2);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupRenderOptions **variants = colour_variants ();
  MockupResult *result;
  guint index = 0;

  mockup_render_options_set_parameter (variants[2], "shirt", "chartreuse");
  mockup_render_options_set_parameter (variants[5], "tint", "7");
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_JPEG);
  mockup_renderer_set_threads (renderer, 2);
  batch = mockup_renderer_render_batch_full (renderer, artwork, templates, NULL, variants, N_VARIANTS,
                                             NULL, &error);
  g_assert_no_error (error);

  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      guint v = index % N_VARIANTS;

      g_assert_cmpuint (mockup_result_get_index (result), ==, index);
      g_assert_cmpuint (mockup_result_get_variant (result), ==, v);
      if (v == 2 || v == 5)
        {
          g_assert_error ((GError *) mockup_result_get_error (result), MOCKUP_ERROR,
                          MOCKUP_ERROR_INVALID_OPTION);
          g_assert_nonnull (strstr (mockup_result_get_error (result)->message, v == 2 ? "shirt" : "tint"));
        }
      else
        {
          g_autoptr(MockupResult) single = mockup_renderer_render_full (renderer, artwork, template,
                                                                        variants[v], NULL, &error);

          g_assert_no_error (error);
          g_assert_no_error (mockup_result_get_error (result));
          g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), mockup_result_get_bytes (single)));
        }
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 2 * N_VARIANTS);
  free_variants (variants);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

/* Previews: while the artwork decodes, the workers decode the template's
 * images ahead once for its run of variants, not once a variant, and the
 * group renders from them. */
static void
test_variants_preloaded (void)
{
  g_autoptr(MockupTemplate) template = make_template ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, 1);
  g_autoptr(GPtrArray) alone = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupRenderOptions **variants = colour_variants ();
  MockupResult *result;
  guint index = 0;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  mockup_renderer_set_max_size (renderer, 120);
  mockup_renderer_set_threads (renderer, 1);
  for (guint v = 0; v < N_VARIANTS; v++)
    {
      g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
      g_autoptr(MockupResult) single = mockup_renderer_render_full (renderer, artwork, template,
                                                                    variants[v], NULL, &error);

      g_assert_no_error (error);
      g_ptr_array_add (alone, g_bytes_ref (mockup_result_get_bytes (single)));
    }

  {
    /* a fresh artwork: the batch decodes it, and preloads meanwhile */
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);

    _mockup_batch_set_wait_for_preloads (TRUE);
    batch = mockup_renderer_render_batch_full (renderer, artwork, templates, NULL, variants,
                                               N_VARIANTS, NULL, &error);
    _mockup_batch_set_wait_for_preloads (FALSE);
  }
  g_assert_no_error (error);
  free_variants (variants);
  g_assert_cmpuint (_mockup_batch_get_n_preloaded (batch), ==, 1);

  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_assert_no_error (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_variant (result), ==, index);
      g_assert_true (g_bytes_equal (mockup_result_get_bytes (result), alone->pdata[index]));
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, N_VARIANTS);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

/* Cancelled while a group renders: every variant stops, what was taken
 * stays, nothing is left counted. */
static void
test_variants_cancel (void)
{
  g_autofree char *big = test_write_photo (dir, "big.jpg", 1600, 1200, 7);
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"big.jpg\"},"
    "{\"type\": \"color\", \"color\": \"#803030\", \"blend\": \"multiply\"},"
    "{\"type\": \"artwork\", \"quad\": [[100, 100], [900, 120], [880, 1000], [120, 980]]}]}");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GListModel) templates = repeated (template, 32);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(MockupResult) first = NULL;
  g_autoptr(MockupResult) after = NULL;
  g_autoptr(GError) error = NULL;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  first = mockup_batch_next (batch, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mockup_result_get_bytes (first));

  mockup_batch_cancel (batch);
  after = mockup_batch_next (batch, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (after);
  g_assert_true (mockup_batch_is_finished (batch));
  /* the result taken before the cancel is whole */
  g_assert_true (mockup_result_check (first, NULL));
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), <, 32);

  g_clear_object (&batch);
  /* the workers let go of their groups within a band */
  for (int i = 0; i < 500 && mockup_renderer_get_memory_in_use (renderer) != 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();
  artwork_path = test_write_png (dir, "artwork.png", 300, 200, 0xffd04020);
  g_free (test_write_photo (dir, "photo.jpg", 240, 160, 3));
  g_free (test_write_png (dir, "mask.png", 240, 160, 0x80000000));
  g_free (test_write_png (dir, "overlay.png", 240, 160, 0x40ffffff));

  g_test_add_func ("/variants/grouped-identical", test_variants_grouped_identical);
  g_test_add_func ("/variants/split-between-workers", test_variants_split_between_workers);
  g_test_add_func ("/variants/small-budget", test_variants_small_budget);
  g_test_add_func ("/variants/colours", test_variants_colours);
  g_test_add_func ("/variants/bad-variant", test_variants_bad_variant);
  g_test_add_func ("/variants/preloaded", test_variants_preloaded);
  g_test_add_func ("/variants/cancel", test_variants_cancel);

  status = g_test_run ();
  g_free (artwork_path);
  g_free (dir);
  return status;
}
