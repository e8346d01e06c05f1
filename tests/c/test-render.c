/* test-render.c: single renders through the public API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <math.h>

#include "test-util.h"

static char *dir;
static char *halves_path;   /* 200 × 100: left half red, right half blue */

static char *
write_halves (const char *folder)
{
  char *path = g_build_filename (folder, "halves.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 0, 0);
  cairo_rectangle (cr, 0, 0, 100, 100);
  cairo_fill (cr);
  cairo_set_source_rgb (cr, 0, 0, 1);
  cairo_rectangle (cr, 100, 0, 100, 100);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static MockupResult *
render_pixbuf (MockupTemplate *template,
               MockupArtwork  *artwork)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  MockupResult *result;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* A 200 × 200 black canvas with a 100 × 100 square slot in the middle. */
static MockupTemplate *
square_template (const char *fit,
                 const char *align)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"size\": [200, 200], \"layers\": ["
    "{\"type\": \"color\", \"color\": \"#000000\"},"
    "{\"type\": \"artwork\", \"quad\": [[50, 50], [150, 50], [150, 150], [50, 150]],"
    " \"fit\": \"%s\", \"align\": \"%s\"}]}", fit, align);

  return test_template (dir, json);
}

static void
assert_rgb_near (GdkPixbuf *pixbuf,
                 int        x,
                 int        y,
                 guint32    expected,
                 int        tolerance)
{
  guint32 p = test_pixel (pixbuf, x, y);

  for (int shift = 0; shift < 24; shift += 8)
    {
      int got = (p >> shift) & 0xff, want = (expected >> shift) & 0xff;

      if (ABS (got - want) > tolerance)
        g_error ("pixel (%d, %d) is #%06x, expected #%06x", x, y, p & 0xffffff, expected);
    }
}

static void
assert_rgb (GdkPixbuf *pixbuf,
            int        x,
            int        y,
            guint32    expected)
{
  assert_rgb_near (pixbuf, x, y, expected, 2);
}

static void
test_render_fit_stretch (void)
{
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autoptr(MockupResult) result = render_pixbuf (template, artwork);
  GdkPixbuf *pixbuf = mockup_result_get_pixbuf (result);

  g_assert_cmpint (mockup_result_get_width (result), ==, 200);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 200);
  assert_rgb (pixbuf, 60, 100, 0xff0000);
  assert_rgb (pixbuf, 140, 100, 0x0000ff);
  assert_rgb (pixbuf, 25, 100, 0x000000);
  assert_rgb (pixbuf, 175, 100, 0x000000);
}

static void
test_render_fit_cover (void)
{
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupTemplate) centered = square_template ("cover", "center");
  g_autoptr(MockupTemplate) left = square_template ("cover", "left");
  g_autoptr(MockupTemplate) right = square_template ("cover", "right");
  g_autoptr(MockupResult) r1 = render_pixbuf (centered, artwork);
  g_autoptr(MockupResult) r2 = render_pixbuf (left, artwork);
  g_autoptr(MockupResult) r3 = render_pixbuf (right, artwork);

  /* the middle of the artwork, cropped to a square: half red, half blue */
  assert_rgb (mockup_result_get_pixbuf (r1), 60, 100, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (r1), 140, 100, 0x0000ff);
  /* the whole slot filled, top to bottom */
  assert_rgb (mockup_result_get_pixbuf (r1), 60, 52, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (r1), 140, 147, 0x0000ff);
  /* aligned left: only the red half shows */
  assert_rgb (mockup_result_get_pixbuf (r2), 60, 100, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (r2), 140, 100, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (r3), 60, 100, 0x0000ff);
}

static void
test_render_fit_contain (void)
{
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupTemplate) centered = square_template ("contain", "center");
  g_autoptr(MockupTemplate) top = square_template ("contain", "top");
  g_autoptr(MockupResult) r1 = render_pixbuf (centered, artwork);
  g_autoptr(MockupResult) r2 = render_pixbuf (top, artwork);
  GdkPixbuf *p1 = mockup_result_get_pixbuf (r1), *p2 = mockup_result_get_pixbuf (r2);

  /* 2:1 artwork in a square: a band from y = 75 to 125, black above and below */
  assert_rgb (p1, 60, 100, 0xff0000);
  assert_rgb (p1, 140, 100, 0x0000ff);
  assert_rgb (p1, 100, 60, 0x000000);
  assert_rgb (p1, 100, 140, 0x000000);
  assert_rgb (p1, 60, 77, 0xff0000);
  assert_rgb (p1, 60, 73, 0x000000);
  /* aligned to the top: from y = 50 to 100 */
  assert_rgb (p2, 60, 52, 0xff0000);
  assert_rgb (p2, 60, 110, 0x000000);
}

static void
test_render_geometry_area (void)
{
  /* A white print on a transparent canvas: the output's alpha is the
   * slot's coverage, whose sum is the quad's area and whose centroid is
   * the quad's centroid. */
  static const double quad[4][2] = { { 30.3, 20.7 }, { 170.2, 41.1 }, { 160.9, 180.4 }, { 20.6, 150.2 } };
  g_autofree char *white = test_write_png (dir, "white.png", 64, 64, 0xffffffff);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (white, NULL);
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"size\": [200, 200], \"layers\": [{\"type\": \"artwork\", \"fit\": \"stretch\","
    " \"quad\": [[%g, %g], [%g, %g], [%g, %g], [%g, %g]]}]}",
    quad[0][0], quad[0][1], quad[1][0], quad[1][1], quad[2][0], quad[2][1], quad[3][0], quad[3][1]);
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupResult) result = render_pixbuf (template, artwork);
  GdkPixbuf *pixbuf = mockup_result_get_pixbuf (result);
  double area = 0, cx = 0, cy = 0, sum = 0, sx = 0, sy = 0;

  for (int i = 0; i < 4; i++)
    {
      const double *a = quad[i], *b = quad[(i + 1) % 4];
      double c = a[0] * b[1] - b[0] * a[1];

      area += c / 2;
      cx += (a[0] + b[0]) * c;
      cy += (a[1] + b[1]) * c;
    }
  cx /= 6 * area;
  cy /= 6 * area;

  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 200; x++)
      {
        double alpha = (test_pixel (pixbuf, x, y) >> 24) / 255.0;

        sum += alpha;
        sx += alpha * (x + 0.5);
        sy += alpha * (y + 0.5);
      }

  g_assert_cmpfloat_with_epsilon (sum, area, area * 0.002);
  g_assert_cmpfloat_with_epsilon (sx / sum, cx, 0.05);
  g_assert_cmpfloat_with_epsilon (sy / sum, cy, 0.05);
  /* inside opaque white, outside nothing */
  g_assert_cmphex (test_pixel (pixbuf, 95, 100), ==, 0xffffffff);
  g_assert_cmphex (test_pixel (pixbuf, 5, 5) >> 24, ==, 0);
}

static void
check_format (MockupFormat  format,
              const char   *mime)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupTemplate) template = square_template ("cover", "center");
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GBytes *bytes;
  GdkPixbuf *decoded;
  GdkPixbufFormat *info;
  g_auto(GStrv) mimes = NULL;

  mockup_renderer_set_format (renderer, format);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mockup_result_get_format (result), ==, format);

  bytes = mockup_result_get_bytes (result);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), >, 100);

  loader = gdk_pixbuf_loader_new ();
  g_assert_true (gdk_pixbuf_loader_write_bytes (loader, bytes, &error));
  if (!gdk_pixbuf_loader_close (loader, &error) && format == MOCKUP_FORMAT_WEBP &&
      g_error_matches (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
    {
      /* no WebP loader for GdkPixbuf on this system: check the RIFF header */
      const guint8 *data = g_bytes_get_data (bytes, NULL);

      g_assert_cmpmem (data, 4, "RIFF", 4);
      g_assert_cmpmem (data + 8, 4, "WEBP", 4);
      g_test_message ("WebP: GdkPixbuf has no WebP loader here, so only the RIFF/WEBP header "
                      "was checked, not the decoded size, the pixels, nor saving "
                      "(install webp-pixbuf-loader for the full check)");
      return;
    }
  g_assert_no_error (error);
  info = gdk_pixbuf_loader_get_format (loader);
  mimes = gdk_pixbuf_format_get_mime_types (info);
  g_assert_true (g_strv_contains ((const char * const *) mimes, mime));
  decoded = gdk_pixbuf_loader_get_pixbuf (loader);
  g_assert_cmpint (gdk_pixbuf_get_width (decoded), ==, 200);
  g_assert_cmpint (gdk_pixbuf_get_height (decoded), ==, 200);
  /* lossy formats: near enough */
  assert_rgb_near (decoded, 60, 100, 0xff0000, 12);

  /* the lazily decoded pixbuf agrees */
  g_assert_cmpint (gdk_pixbuf_get_width (mockup_result_get_pixbuf (result)), ==, 200);
  g_assert_true (mockup_result_get_pixbuf (result) == mockup_result_get_pixbuf (result));

  path = g_build_filename (dir, "saved", NULL);
  g_assert_true (mockup_result_save (result, path, &error));
  g_assert_no_error (error);
  {
    g_autofree char *contents = NULL;
    gsize length;

    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    g_assert_cmpmem (contents, length, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  }
}

static void
test_render_formats (void)
{
  check_format (MOCKUP_FORMAT_JPEG, "image/jpeg");
  check_format (MOCKUP_FORMAT_PNG, "image/png");
  check_format (MOCKUP_FORMAT_WEBP, "image/webp");
}

static void
test_render_max_size (void)
{
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  g_free (test_write_jpeg (dir, "big.jpg", 1600, 1000, 0x336699));
  template = test_template (dir,
    "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"big.jpg\"},"
    "{\"type\": \"artwork\", \"quad\": [[400, 200], [1200, 200], [1200, 800], [400, 800]]}]}");

  mockup_renderer_set_max_size (renderer, 400);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mockup_result_get_width (result), ==, 400);
  g_assert_cmpint (mockup_result_get_height (result), ==, 250);
  pixbuf = mockup_result_get_pixbuf (result);
  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 400);
  g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 250);
  /* the background, scaled: still its colour */
  assert_rgb (pixbuf, 10, 10, 0x336699);
  /* the slot, at a quarter of its canvas position */
  assert_rgb (pixbuf, 110, 125, 0xff0000);

  /* never enlarged */
  mockup_renderer_set_max_size (renderer, 4000);
  g_clear_object (&result);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mockup_result_get_width (result), ==, 1600);
}

static void
test_render_artwork_sources (void)
{
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(MockupArtwork) from_bytes = NULL;
  g_autoptr(MockupArtwork) from_pixbuf = NULL;
  g_autoptr(MockupResult) r1 = NULL, r2 = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (halves_path, &contents, &length, NULL));
  bytes = g_bytes_new (contents, length);
  from_bytes = mockup_artwork_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mockup_artwork_get_width (from_bytes), ==, 200);
  g_assert_cmpint (mockup_artwork_get_height (from_bytes), ==, 100);
  g_assert_null (mockup_artwork_get_path (from_bytes));

  pixbuf = gdk_pixbuf_new_from_file (halves_path, &error);
  g_assert_no_error (error);
  from_pixbuf = mockup_artwork_new_from_pixbuf (pixbuf);
  g_assert_cmpint (mockup_artwork_get_width (from_pixbuf), ==, 200);

  r1 = render_pixbuf (template, from_bytes);
  r2 = render_pixbuf (template, from_pixbuf);
  assert_rgb (mockup_result_get_pixbuf (r1), 60, 100, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (r2), 140, 100, 0x0000ff);
}

static void
test_render_artwork_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("GIF89a-not-really", 17);
  g_autofree char *truncated = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autofree char *big = NULL;

  g_assert_null (mockup_artwork_new_from_file ("/nonexistent/art.png", &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "/nonexistent/art.png"));
  g_clear_error (&error);

  g_assert_null (mockup_artwork_new_from_bytes (junk, &error));
  g_assert_nonnull (error);
  g_assert_true (error->domain == MOCKUP_ERROR);
  g_clear_error (&error);

  /* the header is fine, the pixels end early: fails at render time with
   * the file's name, and the renderer is usable afterwards */
  big = test_write_png (dir, "big-art.png", 300, 300, 0xff20c040);
  g_assert_true (g_file_get_contents (big, &contents, &length, NULL));
  truncated = test_write_file (dir, "truncated.png", "");
  g_assert_true (g_file_set_contents (truncated, contents, length / 2, NULL));

  artwork = mockup_artwork_new_from_file (truncated, &error);
  g_assert_no_error (error);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "truncated.png"));
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static gpointer
cancel_soon (gpointer data)
{
  g_usleep (2000);
  g_cancellable_cancel (data);
  return NULL;
}

/* Over a megapixel: decoded by a thread of its own, a few rows ahead. */
static char *
write_large_artwork (const char *name)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1400, 1000);
  cairo_t *cr = cairo_create (surface);

  for (int i = 0; i < 14; i++)
    {
      cairo_set_source_rgb (cr, i % 2, 0.2, 1 - i % 2);
      cairo_rectangle (cr, i * 100, 0, 100, 1000);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static void
test_render_large_artwork (void)
{
  g_autofree char *path = write_large_artwork ("large.png");
  g_autofree char *cut = g_build_filename (dir, "large-cut.png", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [1400, 1000], \"layers\": [{\"type\": \"artwork\", \"fit\": \"stretch\","
    " \"quad\": [[0, 0], [1400, 0], [1400, 1000], [0, 1000]]}]}");
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);

  /* decoded whole and in order: stripes where they belong */
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, &error);
    g_autoptr(MockupResult) result = mockup_renderer_render (renderer, artwork, template, NULL, &error);

    g_assert_no_error (error);
    assert_rgb (mockup_result_get_pixbuf (result), 50, 500, 0x0033ff);
    assert_rgb (mockup_result_get_pixbuf (result), 150, 20, 0xff3300);
    assert_rgb (mockup_result_get_pixbuf (result), 1350, 990, 0xff3300);
  }

  /* cut short: the decoding thread's error reaches the caller */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (cut, contents, length * 2 / 3, NULL));
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (cut, &error);
    g_autoptr(MockupResult) result = NULL;

    g_assert_no_error (error);
    result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (error->message, "large-cut.png"));
    g_clear_error (&error);
  }

  /* cancelled from another thread while decoding: the decoding thread is
   * stopped and joined, nothing is held (valgrind and ThreadSanitizer
   * watch this one) */
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, &error);
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autoptr(MockupResult) result = NULL;
    GThread *canceller = g_thread_new ("canceller", cancel_soon, cancellable);

    result = mockup_renderer_render (renderer, artwork, template, cancellable, &error);
    g_thread_join (canceller);
    if (result == NULL)
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    else
      g_test_message ("the render finished before it was cancelled");
    g_clear_error (&error);
  }
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static void
test_render_template_image_truncated (void)
{
  g_autofree char *folder = g_build_filename (dir, "later", NULL);
  g_autofree char *bg = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_mkdir (folder, 0755);
  bg = test_write_jpeg (folder, "photo.jpg", 400, 300, 0x808080);
  template = test_template (folder,
    "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
    "{\"type\": \"artwork\", \"quad\": [[10, 10], [300, 10], [300, 200], [10, 200]]}]}");

  /* the photo is cut short after the template was loaded */
  g_assert_true (g_file_get_contents (bg, &contents, &length, NULL));
  g_assert_true (g_file_set_contents (bg, contents, length / 3, NULL));

  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "layers[0].source"));
  g_assert_nonnull (strstr (error->message, "photo.jpg"));
}

static void
test_render_missing_slot_is_filled (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [100, 50], \"layers\": ["
    "{\"type\": \"artwork\", \"slot\": \"left\", \"fit\": \"stretch\", \"quad\": [[0,0],[50,0],[50,50],[0,50]]},"
    "{\"type\": \"artwork\", \"slot\": \"right\", \"fit\": \"stretch\", \"quad\": [[50,0],[100,0],[100,50],[50,50]]}]}");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupResult) result = render_pixbuf (template, artwork);

  /* render () gives every slot the same artwork */
  assert_rgb (mockup_result_get_pixbuf (result), 10, 25, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (result), 60, 25, 0xff0000);
  assert_rgb (mockup_result_get_pixbuf (result), 90, 25, 0x0000ff);
}

static void
test_render_cancelled (void)
{
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;

  g_cancellable_cancel (cancellable);
  result = mockup_renderer_render (renderer, artwork, template, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static void
test_render_memory_limit (void)
{
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;

  g_assert_cmpuint (mockup_renderer_get_memory_limit (renderer), ==, 512u << 20);
  mockup_renderer_set_memory_limit (renderer, 1000);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "memory-limit"));
}

/* A header of a few bytes can announce an image that is decoded whole
 * (a progressive JPEG's coefficients, an interlaced PNG): what that takes
 * counts against the memory limit before anything is allocated, and the
 * error names the file. */
static void
test_render_decoding_over_memory_limit (void)
{
  g_autofree char *folder = g_build_filename (dir, "bombs", NULL);
  g_autofree char *jpeg = NULL;
  g_autofree char *png = NULL;
  g_autoptr(MockupTemplate) template = square_template ("stretch", "center");
  g_autoptr(MockupTemplate) photo_template = NULL;
  g_autoptr(MockupArtwork) halves = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;

  g_mkdir (folder, 0755);
  jpeg = test_write_jpeg_bomb (folder, "progressive.jpg");
  png = test_write_png_bomb (folder, "interlaced.png");

  for (guint i = 0; i < 2; i++)
    {
      const char *path = i == 0 ? jpeg : png;
      g_autofree char *name = g_path_get_basename (path);
      g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, &error);
      g_autoptr(MockupResult) result = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (mockup_artwork_get_width (artwork), ==, 16384);

      result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
      g_assert_nonnull (strstr (error->message, "memory-limit"));
      g_assert_nonnull (strstr (error->message, name));
      g_clear_error (&error);

      /* and without a place for the error */
      g_assert_null (mockup_renderer_render (renderer, artwork, template, NULL, NULL));
      g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
    }

  /* the same as a template's photo */
  photo_template = test_template (folder,
    "{\"format\": 1, \"size\": [200, 200], \"layers\": ["
    "{\"type\": \"image\", \"source\": \"progressive.jpg\"},"
    "{\"type\": \"artwork\", \"quad\": [[50, 50], [150, 50], [150, 150], [50, 150]]}]}");
  g_assert_null (mockup_renderer_render (renderer, halves, photo_template, NULL, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "layers[0].source"));
  g_assert_nonnull (strstr (error->message, "progressive.jpg"));
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static void
render_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  MockupResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mockup_renderer_render_finish (MOCKUP_RENDERER (source), res, &error);
  g_assert_no_error (error);
}

static void
test_render_async (void)
{
  g_autoptr(MockupTemplate) template = square_template ("cover", "center");
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (halves_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;

  mockup_renderer_render_async (renderer, artwork, template, NULL, render_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpint (mockup_result_get_width (result), ==, 200);
  g_assert_null (mockup_result_get_error (result));
  g_assert_true (mockup_result_check (result, NULL));
  g_assert_cmpuint (mockup_result_get_render_time (result), >, 0);
  g_assert_cmpuint (mockup_result_get_resident_memory (result), >, 0);
  g_assert_cmpstr (mockup_result_get_template_id (result), ==, "template");
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
test_renderer_properties (void)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  MockupFormat format;
  guint quality, max_size, threads;
  guint64 limit;
  gboolean linear;
  guint notified = 0;

  g_signal_connect (renderer, "notify", G_CALLBACK (count_notify), &notified);

  g_object_set (renderer, "format", MOCKUP_FORMAT_PNG, "quality", 75, "max-size", 800,
                "threads", 3, "memory-limit", (guint64) 1 << 26, "linear-light", TRUE, NULL);
  g_assert_cmpuint (notified, ==, 6);
  g_object_get (renderer, "format", &format, "quality", &quality, "max-size", &max_size,
                "threads", &threads, "memory-limit", &limit, "linear-light", &linear, NULL);
  g_assert_cmpint (format, ==, MOCKUP_FORMAT_PNG);
  g_assert_cmpuint (quality, ==, 75);
  g_assert_cmpuint (max_size, ==, 800);
  g_assert_cmpuint (threads, ==, 3);
  g_assert_cmpuint (limit, ==, (guint64) 1 << 26);
  g_assert_true (linear);

  /* setting the same value again notifies nothing */
  mockup_renderer_set_quality (renderer, 75);
  mockup_renderer_set_memory_limit (renderer, (guint64) 1 << 26);
  g_assert_cmpuint (notified, ==, 6);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  halves_path = write_halves (dir);

  g_test_add_func ("/render/fit/stretch", test_render_fit_stretch);
  g_test_add_func ("/render/fit/cover", test_render_fit_cover);
  g_test_add_func ("/render/fit/contain", test_render_fit_contain);
  g_test_add_func ("/render/geometry-area", test_render_geometry_area);
  g_test_add_func ("/render/formats", test_render_formats);
  g_test_add_func ("/render/max-size", test_render_max_size);
  g_test_add_func ("/render/artwork-sources", test_render_artwork_sources);
  g_test_add_func ("/render/artwork-errors", test_render_artwork_errors);
  g_test_add_func ("/render/template-image-truncated", test_render_template_image_truncated);
  g_test_add_func ("/render/large-artwork", test_render_large_artwork);
  g_test_add_func ("/render/one-artwork-all-slots", test_render_missing_slot_is_filled);
  g_test_add_func ("/render/cancelled", test_render_cancelled);
  g_test_add_func ("/render/memory-limit", test_render_memory_limit);
  g_test_add_func ("/render/decoding-over-memory-limit", test_render_decoding_over_memory_limit);
  g_test_add_func ("/render/async", test_render_async);
  g_test_add_func ("/renderer/properties", test_renderer_properties);

  return g_test_run ();
}
