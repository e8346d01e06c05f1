/* test-pixels.c: the row loops that have vector versions give exactly
 * what their definitions say, at every length
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
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

/* The weights of output @o along an axis, as the resampler defines them:
 * a box of the scale's width when shrinking, a tent when enlarging. */
static void
reference_taps (int     src,
                int     dst,
                int     o,
                double *weights)
{
  double scale = (double) src / dst;

  memset (weights, 0, sizeof (double) * src);
  if (scale > 1.0)
    {
      double lo = o * scale, hi = (o + 1) * scale;

      for (int i = 0; i < src; i++)
        weights[i] = MAX (0.0, MIN (hi, i + 1.0) - MAX (lo, (double) i)) / scale;
    }
  else
    {
      double center = CLAMP ((o + 0.5) * scale - 0.5, 0.0, src - 1.0);
      int first = (int) floor (center);

      weights[first] += 1.0 - (center - first);
      if (first + 1 < src)
        weights[first + 1] += center - first;
    }
}

/* Shrinking and enlarging random premultiplied pixels by odd factors to odd
 * widths: within one level of the exact weighted sums, colours never above
 * their alpha, and a flat image stays exactly flat. */
static void
test_resampler_rows (void)
{
  const int sizes[][4] = {
    { 1125, 750, 800, 533 },    /* a preview's background */
    { 512, 512, 397, 397 },     /* an artwork after three halvings */
    { 37, 29, 11, 7 },
    { 13, 9, 20, 14 },          /* enlarging */
    { 40, 30, 21, 30 },         /* one axis only */
  };
  GRand *rand = g_rand_new_with_seed (7);

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      int sw = sizes[k][0], sh = sizes[k][1], dw = sizes[k][2], dh = sizes[k][3];
      g_autofree guint32 *src = g_new (guint32, (gsize) sw * sh);
      g_autofree guint32 *dst = g_new (guint32, (gsize) dw * dh);
      g_autofree double *wx = g_new (double, (gsize) dw * sw);
      g_autofree double *wy = g_new (double, (gsize) dh * sh);
      double worst = 0.0;

      for (int i = 0; i < sw * sh; i++)
        {
          guint a = g_rand_int_range (rand, 0, 256);

          src[i] = MOCKUP_ARGB (a, g_rand_int_range (rand, 0, a + 1), g_rand_int_range (rand, 0, a + 1),
                                g_rand_int_range (rand, 0, a + 1));
        }
      for (int o = 0; o < dw; o++)
        reference_taps (sw, dw, o, wx + (gsize) o * sw);
      for (int o = 0; o < dh; o++)
        reference_taps (sh, dh, o, wy + (gsize) o * sh);

      mockup_resample_image (src, sw, sh, sw, dst, dw, dh, dw, FALSE);

      for (int y = 0; y < dh; y++)
        for (int x = 0; x < dw; x++)
          {
            guint32 p = dst[y * dw + x];
            /* the taps span a few pixels around the output's own place */
            int x0 = MAX (0, (int) ((double) x * sw / dw) - 2), x1 = MIN (sw, (int) ((double) (x + 1) * sw / dw) + 3);
            int y0 = MAX (0, (int) ((double) y * sh / dh) - 2), y1 = MIN (sh, (int) ((double) (y + 1) * sh / dh) + 3);

            for (int c = 0; c < 32; c += 8)
              {
                double exact = 0.0;

                for (int j = y0; j < y1; j++)
                  for (int i = x0; i < x1; i++)
                    exact += wy[(gsize) y * sh + j] * wx[(gsize) x * sw + i] * ((src[j * sw + i] >> c) & 0xff);
                worst = MAX (worst, fabs (((p >> c) & 0xff) - exact));
              }
            g_assert_cmpuint (MOCKUP_R (p), <=, MOCKUP_A (p));
            g_assert_cmpuint (MOCKUP_G (p), <=, MOCKUP_A (p));
            g_assert_cmpuint (MOCKUP_B (p), <=, MOCKUP_A (p));
          }
      /* half a level of rounding, and a little for the 8.8 rows between
       * the passes and the Q15 weights; clamping to alpha only lowers */
      if (worst > 1.0)
        g_error ("%d x %d to %d x %d: off by %.2f levels", sw, sh, dw, dh, worst);

      for (int i = 0; i < sw * sh; i++)
        src[i] = 0xc0806040;
      mockup_resample_image (src, sw, sh, sw, dst, dw, dh, dw, FALSE);
      for (int i = 0; i < dw * dh; i++)
        g_assert_cmphex (dst[i], ==, 0xc0806040);
    }
  g_rand_free (rand);
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
  g_test_add_func ("/pixels/resampler-rows", test_resampler_rows);

  return g_test_run ();
}
