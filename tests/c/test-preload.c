/* test-preload.c: templates' images decoded ahead, while the artwork decodes
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <string.h>

#include "mockup-band-renderer-private.h"
#include "mockup-batch-private.h"
#include "test-util.h"

static char *dir;
static char *artwork_path;

/* A PNG of @width × @height with gradients that differ per @seed, so that
 * rows out of place or out of order show. */
static char *
write_gradient_png (const char *folder,
                    const char *name,
                    int         width,
                    int         height,
                    guint       seed,
                    gboolean    alpha)
{
  g_autofree char *path = g_build_filename (folder, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                                         width, height);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *pattern = cairo_pattern_create_linear (0, 0, width, height);

  cairo_pattern_add_color_stop_rgba (pattern, 0, 0.1 * (seed % 7), 0.2, 0.9, alpha ? 0.3 : 1.0);
  cairo_pattern_add_color_stop_rgba (pattern, 1, 0.9, 0.1 * (seed % 5), 0.1, 1.0);
  cairo_set_source (cr, pattern);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  for (int i = 0; i < 20; i++)
    {
      cairo_rectangle (cr, (i * 37 + seed * 11) % width, (i * 53) % height, 5, 3);
      cairo_fill (cr);
    }
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_pattern_destroy (pattern);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return g_steal_pointer (&path);
}

/* Template @i: a photo, an overlay with a mask, and an artwork slot with a
 * shading map: every kind of image a layer can have. */
static GFile *
make_template (const char *root,
               guint       i,
               gboolean    truncated_photo)
{
  g_autofree char *name = g_strdup_printf ("t%02u", i);
  g_autofree char *folder = g_build_filename (root, name, NULL);
  g_autofree char *photo = NULL, *overlay = NULL, *mask = NULL, *shading = NULL;
  g_autofree char *json = NULL, *manifest = NULL;

  g_mkdir_with_parents (folder, 0755);
  photo = write_gradient_png (folder, "photo.png", 640, 480, i, FALSE);
  overlay = write_gradient_png (folder, "overlay.png", 640, 480, i + 3, TRUE);
  mask = write_gradient_png (folder, "mask.png", 640, 480, i + 5, FALSE);
  shading = write_gradient_png (folder, "shading.png", 640, 480, i + 1, FALSE);
  if (truncated_photo)
    {
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (photo, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (photo, contents, length / 2, NULL));
    }

  json = g_strdup_printf ("{\"format\": 1, \"layers\": ["
                          "{\"type\": \"image\", \"source\": \"photo.png\"},"
                          "{\"type\": \"artwork\", \"quad\": [[%u, 40], [400, 60], [420, 400], [60, 380]],"
                          " \"shading\": \"shading.png\"},"
                          "{\"type\": \"image\", \"source\": \"overlay.png\", \"mask\": \"mask.png\","
                          " \"blend\": \"multiply\"}]}",
                          40 + 5 * i);
  manifest = test_write_file (folder, "template.json", json);
  return g_file_new_for_path (manifest);
}

static GListModel *
make_templates (const char *root,
                guint       n,
                guint       truncated)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GFile) file = make_template (root, i, i == truncated);

      g_list_store_append (store, file);
    }
  return G_LIST_MODEL (store);
}

static void
assert_same_bytes (MockupResult *a,
                   MockupResult *b)
{
  GBytes *x = mockup_result_get_bytes (a), *y = mockup_result_get_bytes (b);

  g_assert_nonnull (x);
  g_assert_nonnull (y);
  g_assert_true (g_bytes_equal (x, y));
}

/* A render from preloaded images is the render from the files. */
static void
test_preload_render (void)
{
  g_autofree char *root = g_build_filename (dir, "render", NULL);
  g_autoptr(GFile) file = make_template (root, 1, FALSE);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(MockupTemplate) template = mockup_template_new_from_file (path, NULL);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  MockupArtworkSet artworks = { artwork, NULL };
  guint max_sizes[] = { 0, 300 };

  g_assert_nonnull (template);
  for (guint k = 0; k < G_N_ELEMENTS (max_sizes); k++)
    {
      MockupRenderSettings settings = { MOCKUP_FORMAT_PNG, 90, max_sizes[k], FALSE };
      g_autoptr(MockupResult) direct = NULL, preloaded = NULL;
      g_autoptr(GError) error = NULL;
      MockupPreload *preload;
      int width, height;

      mockup_band_renderer_get_size (&settings, template, &width, &height);
      /* four images: photo, shading, overlay, mask */
      g_assert_cmpuint (mockup_band_renderer_preload_size (&settings, template), ==,
                        4 * (gsize) width * height * 4);

      direct = mockup_band_renderer_render (&settings, template, &artworks, NULL, NULL, 0, NULL, &error);
      g_assert_no_error (error);
      preload = mockup_band_renderer_preload (&settings, template, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (preload);
      preloaded = mockup_band_renderer_render (&settings, template, &artworks, NULL, preload, 0, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (mockup_result_get_width (preloaded), ==, width);
      assert_same_bytes (direct, preloaded);
    }
}

/* A preload that fails says which file; the render reports the same. */
static void
test_preload_failure (void)
{
  g_autofree char *root = g_build_filename (dir, "failure", NULL);
  g_autoptr(GFile) file = make_template (root, 2, TRUE);
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(MockupTemplate) template = mockup_template_new_from_file (path, NULL);
  MockupRenderSettings settings = { MOCKUP_FORMAT_JPEG, 90, 300, FALSE };
  g_autoptr(MockupPreload) preload = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (template);
  preload = mockup_band_renderer_preload (&settings, template, NULL, &error);
  g_assert_null (preload);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "photo.png"));
}

static GPtrArray *
render_all (MockupRenderer *renderer,
            MockupArtwork  *artwork,
            GListModel     *templates,
            guint          *n_preloaded)
{
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *results = g_ptr_array_new_with_free_func (g_object_unref);
  MockupResult *result;

  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    g_ptr_array_add (results, result);
  g_assert_no_error (error);
  *n_preloaded = _mockup_batch_get_n_preloaded (batch);
  return results;
}

/* While a fresh artwork decodes, the workers decode the first templates'
 * images, as many as the window of results holds; the results are the
 * same as without, in the same order, failures included. */
static void
test_preload_batch (void)
{
  g_autofree char *root = g_build_filename (dir, "batch", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 7, 1);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GPtrArray) first = NULL, again = NULL;
  guint n_first, n_again;

  mockup_renderer_set_threads (renderer, 2);
  mockup_renderer_set_max_size (renderer, 320);

  _mockup_batch_set_wait_for_preloads (TRUE);
  first = render_all (renderer, artwork, templates, &n_first);
  /* the artwork is decoded now: nothing to wait for, nothing preloaded */
  again = render_all (renderer, artwork, templates, &n_again);
  _mockup_batch_set_wait_for_preloads (FALSE);

  /* a window of max (4, 2 × 2 threads) results; template 1 fails */
  g_assert_cmpuint (n_first, ==, 3);
  g_assert_cmpuint (n_again, ==, 0);

  g_assert_cmpuint (first->len, ==, 7);
  g_assert_cmpuint (again->len, ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      MockupResult *a = first->pdata[i], *b = again->pdata[i];

      g_assert_cmpuint (mockup_result_get_index (a), ==, i);
      if (i == 1)
        {
          g_assert_error ((GError *) mockup_result_get_error (a), MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
          g_assert_nonnull (strstr (mockup_result_get_error (a)->message, "photo.png"));
          g_assert_error ((GError *) mockup_result_get_error (b), MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
          continue;
        }
      g_assert_no_error ((GError *) mockup_result_get_error (a));
      assert_same_bytes (a, b);
    }
}

/* Large photos stream, band by band: they are never held whole, not even
 * while the workers would wait. */
static void
test_preload_large (void)
{
  g_autofree char *folder = g_build_filename (dir, "large", "t00", NULL);
  g_autofree char *photo = NULL, *manifest = NULL;
  g_autoptr(GListStore) templates = g_list_store_new (G_TYPE_FILE);
  g_autoptr(GFile) file = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GPtrArray) results = NULL;
  MockupRenderSettings settings = { MOCKUP_FORMAT_JPEG, 90, 0, FALSE };
  guint n;

  g_mkdir_with_parents (folder, 0755);
  photo = write_gradient_png (folder, "photo.png", 1600, 1400, 4, FALSE);
  manifest = test_write_file (folder, "template.json",
                              "{\"format\": 1, \"layers\": ["
                              "{\"type\": \"image\", \"source\": \"photo.png\"},"
                              "{\"type\": \"artwork\", \"quad\": [[100, 100], [900, 120], [920, 1200], [80, 1180]]}]}");
  file = g_file_new_for_path (manifest);
  g_list_store_append (templates, file);
  template = mockup_template_new_from_file (manifest, NULL);
  /* 8.96 MB, more than a preload may take */
  g_assert_cmpuint (mockup_band_renderer_preload_size (&settings, template), ==, 1600 * 1400 * 4);

  _mockup_batch_set_wait_for_preloads (TRUE);
  results = render_all (renderer, artwork, G_LIST_MODEL (templates), &n);
  _mockup_batch_set_wait_for_preloads (FALSE);
  g_assert_cmpuint (results->len, ==, 1);
  g_assert_no_error ((GError *) mockup_result_get_error (results->pdata[0]));
  g_assert_cmpuint (n, ==, 0);
}

/* Cancelled with its images decoded ahead: they are freed (valgrind). */
static void
test_preload_cancel (void)
{
  g_autofree char *root = g_build_filename (dir, "cancel", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 6, G_MAXUINT);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;

  mockup_renderer_set_max_size (renderer, 200);
  _mockup_batch_set_wait_for_preloads (TRUE);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  _mockup_batch_set_wait_for_preloads (FALSE);
  g_assert_no_error (error);
  g_assert_cmpuint (_mockup_batch_get_n_preloaded (batch), >, 0);

  mockup_batch_cancel (batch);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    g_object_unref (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  /* over a megapixel: decoded with a prefetch thread, as large artworks are */
  artwork_path = write_gradient_png (dir, "artwork.png", 1200, 1000, 9, TRUE);

  g_test_add_func ("/preload/render", test_preload_render);
  g_test_add_func ("/preload/failure", test_preload_failure);
  g_test_add_func ("/preload/batch", test_preload_batch);
  g_test_add_func ("/preload/large", test_preload_large);
  g_test_add_func ("/preload/cancel", test_preload_cancel);

  return g_test_run ();
}
