/* test-pixels.c: the row loops that have vector versions give exactly
 * what their definitions say, at every length
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "mockup-color-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-resampler-private.h"
#include "test-util.h"

static char *dir;

/* Every value under every alpha, at lengths that leave every remainder
 * for the scalar tail. */
static void
test_premultiply_row (void)
{
  for (int n = 1; n <= 9; n++)
    for (int a = 0; a < 256; a++)
      for (int v = 0; v < 256; v += n)
        {
          guint8 in[9 * 4];
          guint32 out[9];

          for (int i = 0; i < n; i++)
            {
              in[4 * i + 0] = (guint8) v;
              in[4 * i + 1] = (guint8) (255 - v);
              in[4 * i + 2] = (guint8) (v * 7 + i);
              in[4 * i + 3] = (guint8) (i & 1 ? a : 255 - a);
            }
          mockup_color_rgba_to_premul_row (in, out, n);
          for (int i = 0; i < n; i++)
            {
              guint8 alpha = in[4 * i + 3];
              guint32 expected = MOCKUP_ARGB (alpha, mockup_mul_un8 (in[4 * i], alpha),
                                              mockup_mul_un8 (in[4 * i + 1], alpha),
                                              mockup_mul_un8 (in[4 * i + 2], alpha));

              if (out[i] != expected)
                g_error ("n %d pixel %d: %08x, expected %08x", n, i, out[i], expected);
            }
        }
}

/* Noise with holes, premultiplied, written as a PNG. */
static char *
write_noise_png (const char *name,
                 int         width,
                 int         height)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  GRand *rand = g_rand_new_with_seed (42);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 a = (x * 7 + y) % 5 == 0 ? 0 : (guint8) g_rand_int_range (rand, 1, 256);
        guint32 *p = (guint32 *) (data + y * stride) + x;

        *p = MOCKUP_ARGB (a, g_rand_int_range (rand, 0, a + 1), g_rand_int_range (rand, 0, a + 1),
                          g_rand_int_range (rand, 0, a + 1));
      }
  cairo_surface_mark_dirty (surface);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_rand_free (rand);
  return g_steal_pointer (&path);
}

static guint32 *
read_image (const char *path,
            int         width,
            int         height)
{
  MockupImageSource source;
  MockupImageInfo info;
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupImageReader) reader = NULL;
  guint32 *pixels = g_new (guint32, (gsize) width * height);

  mockup_image_source_init_path (&source, path);
  g_assert_true (mockup_image_source_probe (&source, &info, &error));
  g_assert_no_error (error);
  reader = mockup_image_reader_new (&source, &info, width, height, MOCKUP_IMAGE_READER_NONE, &error);
  g_assert_no_error (error);
  for (int y = 0; y < height; y++)
    {
      g_assert_true (mockup_image_reader_read_row (reader, pixels + (gsize) y * width, &error));
      g_assert_no_error (error);
    }
  mockup_image_source_clear (&source);
  return pixels;
}

/* Shrinking by two, and by four, averages exact 2 × 2 blocks. */
static void
test_halving (void)
{
  const int widths[] = { 75, 64, 9, 13 };

  for (guint k = 0; k < G_N_ELEMENTS (widths); k++)
    {
      int w = widths[k], h = 22;
      g_autofree char *name = g_strdup_printf ("noise-%d.png", w);
      g_autofree char *path = write_noise_png (name, w, h);
      g_autofree guint32 *full = read_image (path, w, h);
      g_autofree guint32 *half = read_image (path, w / 2, h / 2);
      g_autofree guint32 *quarter = read_image (path, w / 4, h / 4);
      g_autofree guint32 *expected_half = g_new (guint32, (gsize) (w / 2) * (h / 2));

      for (int y = 0; y < h / 2; y++)
        for (int x = 0; x < w / 2; x++)
          {
            guint32 block[4] = { full[(2 * y) * w + 2 * x], full[(2 * y) * w + 2 * x + 1],
                                 full[(2 * y + 1) * w + 2 * x], full[(2 * y + 1) * w + 2 * x + 1] };
            guint32 expected = 0;

            for (int c = 0; c < 32; c += 8)
              {
                guint sum = 2;

                for (int i = 0; i < 4; i++)
                  sum += (block[i] >> c) & 0xff;
                expected |= (guint32) (sum >> 2) << c;
              }
            expected_half[y * (w / 2) + x] = expected;
            g_assert_cmphex (half[y * (w / 2) + x], ==, expected);
          }

      /* the second halving works on the first's rows */
      for (int y = 0; y < h / 4; y++)
        for (int x = 0; x < w / 4; x++)
          {
            const guint32 *a = expected_half + (2 * y) * (w / 2) + 2 * x;
            const guint32 *b = a + w / 2;
            guint32 expected = 0;

            for (int c = 0; c < 32; c += 8)
              {
                guint sum = 2 + ((a[0] >> c) & 0xff) + ((a[1] >> c) & 0xff) +
                            ((b[0] >> c) & 0xff) + ((b[1] >> c) & 0xff);

                expected |= (guint32) (sum >> 2) << c;
              }
            g_assert_cmphex (quarter[y * (w / 4) + x], ==, expected);
          }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mockup_color_init ();
  dir = test_make_dir ();

  g_test_add_func ("/pixels/premultiply-row", test_premultiply_row);
  g_test_add_func ("/pixels/halving", test_halving);

  return g_test_run ();
}
