/* test-webp.c: WebP template photos, streamed at the output scale
 *
 * A photo is encoded with libwebp, and decoded whole by libwebp into a
 * PNG: the template made of the WebP must render as the one made of the
 * PNG, exactly at full size, and within a few levels at preview size
 * (libwebp's rescaler then stands in for the reader's halvings and area
 * resampler, or for the first halving in linear light). Broken files fail with errors naming the file.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include <webp/decode.h>
#include <webp/encode.h>

#include "mockup-image-reader-private.h"
#include "test-util.h"

#define SIZE 600

static char *dir;

/* Shades, edges and noise, as a photo has, with @alpha a disc of
 * transparency in its middle when asked for. */
static guint8 *
make_pixels (gboolean with_alpha)
{
  guint8 *rgba = g_malloc ((gsize) SIZE * SIZE * 4);
  GRand *rand = g_rand_new_with_seed (18);

  for (int y = 0; y < SIZE; y++)
    for (int x = 0; x < SIZE; x++)
      {
        guint8 *p = rgba + ((gsize) y * SIZE + x) * 4;
        double d = hypot (x - SIZE / 2.0, y - SIZE / 2.0);
        int noise = g_rand_int_range (rand, -12, 13);

        p[0] = (guint8) CLAMP (40 + x * 180 / SIZE + noise, 0, 255);
        p[1] = (guint8) CLAMP (((x / 37 + y / 53) % 2 ? 200 : 60) + noise, 0, 255);
        p[2] = (guint8) CLAMP (220 - y * 160 / SIZE + noise, 0, 255);
        p[3] = with_alpha ? (guint8) CLAMP ((d - SIZE / 6.0) * 4, 0, 255) : 255;
      }
  g_rand_free (rand);
  return rgba;
}

/* Writes @name.webp (lossy q90, or lossless) and @name.png, libwebp's own
 * whole decode of it. */
static void
write_pair (const char *name,
            gboolean    with_alpha,
            gboolean    lossless)
{
  g_autofree guint8 *rgba = make_pixels (with_alpha);
  g_autofree char *webp_name = g_strconcat (name, ".webp", NULL);
  g_autofree char *png_name = g_strconcat (name, ".png", NULL);
  g_autofree char *webp_path = g_build_filename (dir, webp_name, NULL);
  g_autofree char *png_path = g_build_filename (dir, png_name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  guint8 *encoded = NULL, *decoded;
  size_t length;
  int w, h;

  length = lossless ? WebPEncodeLosslessRGBA (rgba, SIZE, SIZE, SIZE * 4, &encoded)
                    : WebPEncodeRGBA (rgba, SIZE, SIZE, SIZE * 4, 90, &encoded);
  g_assert_cmpuint (length, >, 0);
  g_assert_true (g_file_set_contents (webp_path, (const char *) encoded, (gssize) length, &error));
  g_assert_no_error (error);

  decoded = WebPDecodeRGBA (encoded, length, &w, &h);
  g_assert_nonnull (decoded);
  pixbuf = gdk_pixbuf_new_from_data (decoded, GDK_COLORSPACE_RGB, TRUE, 8, w, h, w * 4, NULL, NULL);
  g_assert_true (gdk_pixbuf_save (pixbuf, png_path, "png", &error, NULL));
  g_assert_no_error (error);
  g_clear_object (&pixbuf);
  WebPFree (decoded);
  WebPFree (encoded);
}

static GdkPixbuf *
render (const char *photo,
        guint       max_size,
        gboolean    linear_light,
        GError    **error)
{
  g_autofree char *json = g_strdup_printf ("{\"format\": 1, \"size\": [%d, %d], \"layers\": ["
                                           "{\"type\": \"image\", \"source\": \"%s\"}]}",
                                           SIZE, SIZE, photo);
  g_autoptr(MockupTemplate) template = mockup_template_new_from_data (json, -1, dir, error);
  g_autoptr(MockupRenderer) renderer = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GdkPixbuf) art = NULL;
  g_autoptr(MockupResult) result = NULL;

  if (template == NULL)
    return NULL;
  art = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, 4, 4);
  gdk_pixbuf_fill (art, 0);
  artwork = mockup_artwork_new_from_pixbuf (art);
  renderer = mockup_renderer_new ();
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  mockup_renderer_set_max_size (renderer, max_size);
  mockup_renderer_set_linear_light (renderer, linear_light);
  result = mockup_renderer_render (renderer, artwork, template, NULL, error);
  if (result == NULL)
    return NULL;
  return g_object_ref (mockup_result_get_pixbuf (result));
}

/* The largest and the mean difference of any channel, premultiplied. */
static void
compare (GdkPixbuf *a,
         GdkPixbuf *b,
         int       *largest,
         double    *mean)
{
  int w = gdk_pixbuf_get_width (a), h = gdk_pixbuf_get_height (a);
  guint64 sum = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (b), ==, w);
  g_assert_cmpint (gdk_pixbuf_get_height (b), ==, h);
  *largest = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = test_pixel (a, x, y), q = test_pixel (b, x, y);
        int pa = p >> 24, qa = q >> 24;

        for (int shift = 0; shift < 32; shift += 8)
          {
            int u = (p >> shift) & 0xff, v = (q >> shift) & 0xff;
            int d;

            if (shift < 24)
              {
                u = (u * pa + 127) / 255;
                v = (v * qa + 127) / 255;
              }
            d = ABS (u - v);
            *largest = MAX (*largest, d);
            sum += (guint64) d;
          }
      }
  *mean = (double) sum / ((double) w * h * 4);
}

typedef struct
{
  const char *name;
  gboolean alpha;
  gboolean lossless;
} Case;

static void
test_streamed_equals_whole (gconstpointer data)
{
  const Case *c = data;
  g_autofree char *webp = g_strconcat (c->name, ".webp", NULL);
  g_autofree char *png = g_strconcat (c->name, ".png", NULL);
  struct { guint max_size; gboolean linear; int largest; double mean; } scales[] = {
    /* full size: libwebp's own pixels, exactly */
    { 0, TRUE, 0, 0.0 },
    /* preview: libwebp's rescaler, on Y, U and V before they are turned
     * into RGB, and in gamma space (the first halving, in linear light),
     * where the whole decode averages RGB, in linear light: a few levels
     * apart on the test image's hard, noisy edges (measured 12 to 22 at
     * most, 0.2 to 1.0 on average) */
    { SIZE / 4, FALSE, 16, 1.2 },
    { SIZE / 4, TRUE, 24, 1.2 },
    { SIZE * 2 / 5, TRUE, 24, 1.2 },
  };

  write_pair (c->name, c->alpha, c->lossless);
  for (guint i = 0; i < G_N_ELEMENTS (scales); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GdkPixbuf) streamed = render (webp, scales[i].max_size, scales[i].linear, &error);
      g_autoptr(GdkPixbuf) whole = NULL;
      int largest;
      double mean;

      g_assert_no_error (error);
      whole = render (png, scales[i].max_size, scales[i].linear, &error);
      g_assert_no_error (error);
      compare (streamed, whole, &largest, &mean);
      g_test_message ("%s at max-size %u%s: largest difference %d, mean %.3f", webp,
                      scales[i].max_size, scales[i].linear ? " (linear light)" : "", largest, mean);
      g_assert_cmpint (largest, <=, scales[i].largest);
      g_assert_cmpfloat (mean, <=, scales[i].mean);
    }
}

static void
assert_fails (const char *name,
              int         code,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* the header may pass when the template is loaded: the render fails */
  pixbuf = render (name, SIZE / 4, TRUE, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, MOCKUP_ERROR, code);
  g_assert_nonnull (strstr (error->message, name));
  g_assert_nonnull (strstr (error->message, what));
  g_clear_error (&error);
  pixbuf = render (name, 0, FALSE, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, MOCKUP_ERROR, code);
}

static void
test_truncated (void)
{
  g_autofree char *path = g_build_filename (dir, "whole.webp", NULL);
  g_autofree char *data = NULL;
  gsize length;

  write_pair ("whole", FALSE, FALSE);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));

  /* cut in the pixels, at several places */
  for (int percent = 20; percent <= 95; percent += 25)
    {
      g_autofree char *name = g_strdup_printf ("cut-%d.webp", percent);
      g_autofree char *cut = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (cut, data, (gssize) (length * percent / 100), NULL));
      assert_fails (name, MOCKUP_ERROR_INVALID_IMAGE, "truncated");
    }

  /* cut in the header: refused as the template is loaded */
  {
    g_autofree char *cut = g_build_filename (dir, "header.webp", NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkPixbuf) pixbuf = NULL;

    g_assert_true (g_file_set_contents (cut, data, 20, NULL));
    pixbuf = render ("header.webp", 0, TRUE, &error);
    g_assert_null (pixbuf);
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (error->message, "header.webp"));
  }
}

static void
test_corrupt (void)
{
  g_autofree char *path = g_build_filename (dir, "whole.webp", NULL);
  g_autofree char *bad = g_build_filename (dir, "corrupt.webp", NULL);
  g_autofree char *data = NULL;
  gsize length;

  write_pair ("whole", FALSE, FALSE);
  g_assert_true (g_file_get_contents (path, &data, &length, NULL));
  /* the first partition's size, in the VP8 frame header, made absurd */
  data[20 + 3] = (char) 0xff;
  data[20 + 4] = (char) 0xff;
  data[20 + 5] = (char) 0xff;
  g_assert_true (g_file_set_contents (bad, data, (gssize) length, NULL));

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GdkPixbuf) pixbuf = render ("corrupt.webp", SIZE / 4, TRUE, &error);

    g_assert_null (pixbuf);
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (error->message, "corrupt.webp"));
  }
}

/* A header alone: a VP8X chunk with @flags and a canvas of @w × @h. */
static void
write_vp8x (const char *name,
            guint8      flags,
            guint32     w,
            guint32     h)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  guint8 data[30] = "RIFF\x16\0\0\0WEBPVP8X\x0a\0\0\0";

  data[20] = flags;
  w--, h--;
  data[24] = w & 0xff, data[25] = (w >> 8) & 0xff, data[26] = (w >> 16) & 0xff;
  data[27] = h & 0xff, data[28] = (h >> 8) & 0xff, data[29] = (h >> 16) & 0xff;
  g_assert_true (g_file_set_contents (path, (const char *) data, sizeof data, NULL));
}

static void
test_hostile_headers (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;

  /* 20000 × 20000 pixels in thirty bytes (libwebp itself refuses more
   * than 2^32 pixels as corrupt) */
  write_vp8x ("huge.webp", 0, 20000, 20000);
  pixbuf = render ("huge.webp", SIZE / 4, TRUE, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "huge.webp"));
  g_clear_error (&error);

  write_vp8x ("animated.webp", 0x02, 64, 64);
  pixbuf = render ("animated.webp", SIZE / 4, TRUE, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "animated.webp"));
  g_assert_nonnull (strstr (error->message, "animated"));
  g_clear_error (&error);

  /* a header that says there is an image, and none */
  write_vp8x ("empty.webp", 0x10, 64, 64);
  pixbuf = render ("empty.webp", 0, TRUE, &error);
  g_assert_null (pixbuf);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "empty.webp"));
}

/* The memory a WebP reader is charged for is that of the streamed,
 * scaled decode: far less than the whole frame at preview size, and not
 * two frames at full size. */
static void
test_estimate (void)
{
  g_autofree char *path = NULL;
  MockupImageSource source;
  MockupImageInfo info;
  g_autoptr(GError) error = NULL;
  gsize whole = (gsize) SIZE * SIZE * 4, preview, full;

  write_pair ("estimate", FALSE, FALSE);
  path = g_build_filename (dir, "estimate.webp", NULL);
  mockup_image_source_init_path (&source, path);
  g_assert_true (mockup_image_source_probe (&source, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.kind, ==, MOCKUP_IMAGE_KIND_WEBP);
  g_assert_cmpuint (info.encoded_size, >, 0);

  preview = mockup_image_reader_estimate_memory (&info, SIZE / 8, SIZE / 8);
  full = mockup_image_reader_estimate_memory (&info, SIZE, SIZE);
  g_test_message ("estimates: preview %zu, full %zu, frame %zu", preview, full, whole);
  /* the decoder used to hold the frame and libwebp's copy of it */
  g_assert_cmpuint (preview, <, whole);
  g_assert_cmpuint (full, <, 2 * whole);
  g_assert_cmpuint (preview, <, full / 2);
  mockup_image_source_clear (&source);
}

int
main (int    argc,
      char **argv)
{
  static const Case cases[] = {
    { "lossy", FALSE, FALSE },
    { "lossy-alpha", TRUE, FALSE },
    { "lossless", TRUE, TRUE },
  };

  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/webp/streamed-equals-whole/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_streamed_equals_whole);
    }
  g_test_add_func ("/webp/truncated", test_truncated);
  g_test_add_func ("/webp/corrupt", test_corrupt);
  g_test_add_func ("/webp/hostile-headers", test_hostile_headers);
  g_test_add_func ("/webp/estimate", test_estimate);
  return g_test_run ();
}
