/* codec-bench.c: what the codecs cost on their own, outside the library
 *
 *   codec-bench jpeg BACKGROUND.jpg   libjpeg-turbo: decode straight to
 *                                     Cairo's byte order at 8/8 … 1/8
 *                                     scale, and encode q90 from it
 *   codec-bench png-decode ART.png    libspng + zlib: decode row by row
 *   codec-bench png RENDERED.png      libspng + zlib: encode the image as
 *                                     the library does (progressive, rows,
 *                                     to memory) with each compression
 *                                     level, filter choice and strategy
 *
 * Each figure is the fastest of --repeat runs (default 3), single-threaded:
 * on a shared machine the minimum is the codec's own cost, the rest is
 * other people's load.
 * The point is to separate what the codecs cost from what the library's
 * own code costs, and to measure PNG settings before anyone changes them.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <glib.h>
#include <jpeglib.h>
#include <spng.h>

static int repeat = 3;

static int
compare_double (const void *a,
                const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
fastest (double *v,
         int     n)
{
  qsort (v, n, sizeof *v, compare_double);
  return v[0];
}

/* ------------------------------------------------------------------ JPEG */

static guint8 *
jpeg_decode (const guint8 *data,
             gsize         len,
             int           num,
             int          *width,
             int          *height)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr err;
  guint8 *pixels;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, (unsigned long) len);
  jpeg_read_header (&cinfo, TRUE);
  cinfo.out_color_space = JCS_EXT_BGRA;
  cinfo.scale_num = (unsigned int) num;
  cinfo.scale_denom = 8;
  cinfo.dct_method = JDCT_ISLOW;
  cinfo.do_fancy_upsampling = TRUE;
  jpeg_start_decompress (&cinfo);
  *width = (int) cinfo.output_width;
  *height = (int) cinfo.output_height;
  /* one buffer for the frame, as a band decoder's rows would be reused */
  pixels = g_malloc ((gsize) *width * *height * 4);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (gsize) cinfo.output_scanline * *width * 4;

      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return pixels;
}

static gsize
jpeg_encode (const guint8 *pixels,
             int           width,
             int           height,
             int           quality)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr err;
  unsigned char *out = NULL;
  unsigned long out_len = 0;

  cinfo.err = jpeg_std_error (&err);
  jpeg_create_compress (&cinfo);
  jpeg_mem_dest (&cinfo, &out, &out_len);
  cinfo.image_width = (JDIMENSION) width;
  cinfo.image_height = (JDIMENSION) height;
  cinfo.input_components = 4;
  cinfo.in_color_space = JCS_EXT_BGRA;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, quality, TRUE);
  jpeg_start_compress (&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) pixels + (gsize) cinfo.next_scanline * width * 4;

      jpeg_write_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  free (out);
  return out_len;
}

static int
bench_jpeg (const char *path)
{
  g_autofree guint8 *data = NULL;
  gsize len;
  g_autoptr(GError) error = NULL;

  if (!g_file_get_contents (path, (char **) &data, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  g_print ("libjpeg-turbo, %s (%.2f MB)\n", path, len / 1e6);
  /* libjpeg-turbo has SIMD IDCTs for 8/8, 4/8 and 2/8; the other scales
   * use plain C */
  for (int k = 0; k < 6; k++)
    {
      static const int nums[] = { 8, 6, 4, 3, 2, 1 };
      int num = nums[k];
      double t[64];
      int w = 0, h = 0;

      for (int i = 0; i < repeat; i++)
        {
          gint64 start = g_get_monotonic_time ();
          guint8 *px = jpeg_decode (data, len, num, &w, &h);

          t[i] = (g_get_monotonic_time () - start) / 1000.0;
          g_free (px);
        }
      g_print ("  decode %d/8 to BGRA (%dx%d): %7.1f ms\n", num, w, h, fastest (t, repeat));
    }

  {
    double t[64];
    int w, h;
    guint8 *px = jpeg_decode (data, len, 8, &w, &h);
    gsize out = 0;

    for (int i = 0; i < repeat; i++)
      {
        gint64 start = g_get_monotonic_time ();

        out = jpeg_encode (px, w, h, 90);
        t[i] = (g_get_monotonic_time () - start) / 1000.0;
      }
    g_print ("  encode q90 from BGRA (%dx%d):  %7.1f ms, %.2f MB\n", w, h, fastest (t, repeat), out / 1e6);
    g_free (px);
  }
  return 0;
}

/* ------------------------------------------------------------------- PNG */

static guint8 *
png_decode (const char *path,
            int        *width,
            int        *height)
{
  g_autofree char *data = NULL;
  gsize len, size;
  spng_ctx *ctx;
  struct spng_ihdr ihdr;
  guint8 *pixels = NULL;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return NULL;
  ctx = spng_ctx_new (0);
  spng_set_png_buffer (ctx, data, len);
  spng_set_image_limits (ctx, 1 << 16, 1 << 16);
  spng_set_chunk_limits (ctx, 1 << 30, 1 << 30);
  if (spng_get_ihdr (ctx, &ihdr) == 0 && spng_decoded_image_size (ctx, SPNG_FMT_RGBA8, &size) == 0)
    {
      pixels = g_malloc (size);
      if (spng_decode_image (ctx, pixels, size, SPNG_FMT_RGBA8, 0) != 0)
        g_clear_pointer (&pixels, g_free);
      *width = (int) ihdr.width;
      *height = (int) ihdr.height;
    }
  spng_ctx_free (ctx);
  return pixels;
}

static gsize
png_encode (const guint8 *pixels,
            int           width,
            int           height,
            int           level,
            int           filters,
            int           strategy)
{
  spng_ctx *ctx = spng_ctx_new (SPNG_CTX_ENCODER);
  struct spng_ihdr ihdr = {
    .width = (uint32_t) width,
    .height = (uint32_t) height,
    .bit_depth = 8,
    .color_type = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA,
  };
  size_t len = 0;
  int err = 0;
  void *out;

  spng_set_option (ctx, SPNG_ENCODE_TO_BUFFER, 1);
  spng_set_ihdr (ctx, &ihdr);
  spng_set_option (ctx, SPNG_IMG_COMPRESSION_LEVEL, level);
  spng_set_option (ctx, SPNG_FILTER_CHOICE, filters);
  if (strategy >= 0)
    spng_set_option (ctx, SPNG_IMG_COMPRESSION_STRATEGY, strategy);
  spng_encode_image (ctx, NULL, 0, SPNG_FMT_PNG, SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
  for (int y = 0; y < height; y++)
    {
      int ret = spng_encode_row (ctx, pixels + (gsize) y * width * 4, (size_t) width * 4);

      if (ret != 0 && ret != SPNG_EOI)
        break;
    }
  out = spng_get_png_buffer (ctx, &len, &err);
  free (out);
  spng_ctx_free (ctx);
  return err ? 0 : len;
}

static int
bench_png (const char *path)
{
  static const struct { int bits; const char *name; } filters[] = {
    { SPNG_FILTER_CHOICE_NONE, "none" },
    { SPNG_FILTER_CHOICE_SUB, "sub" },
    { SPNG_FILTER_CHOICE_UP, "up" },
    { SPNG_FILTER_CHOICE_PAETH, "paeth" },
    { SPNG_FILTER_CHOICE_UP | SPNG_FILTER_CHOICE_PAETH, "up+paeth" },
    { SPNG_FILTER_CHOICE_ALL, "all" },
  };
  static const struct { int value; const char *name; } strategies[] = {
    { -1, "spng default" },
    { Z_DEFAULT_STRATEGY, "Z_DEFAULT" },
    { Z_RLE, "Z_RLE" },
  };
  static const int levels[] = { 1, 2, 3, 6 };
  int width = 0, height = 0;
  g_autofree guint8 *pixels = png_decode (path, &width, &height);

  if (pixels == NULL)
    {
      g_printerr ("cannot decode %s\n", path);
      return 1;
    }
  g_print ("libspng + zlib, encoding %s (%dx%d RGBA, %.1f MB raw), rows to memory\n",
           path, width, height, (double) width * height * 4 / 1e6);
  g_print ("  %-5s %-9s %-13s %9s %9s\n", "level", "filters", "strategy", "ms", "MB");
  for (guint l = 0; l < G_N_ELEMENTS (levels); l++)
    for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
      for (guint s = 0; s < G_N_ELEMENTS (strategies); s++)
        {
          double t[64];
          gsize out = 0;

          /* the full grid at level 2 (the library's), fewer elsewhere */
          if (levels[l] != 2 && strategies[s].value != -1)
            continue;
          for (int i = 0; i < repeat; i++)
            {
              gint64 start = g_get_monotonic_time ();

              out = png_encode (pixels, width, height, levels[l], filters[f].bits, strategies[s].value);
              t[i] = (g_get_monotonic_time () - start) / 1000.0;
            }
          g_print ("  %-5d %-9s %-13s %9.1f %9.2f\n", levels[l], filters[f].name,
                   strategies[s].name, fastest (t, repeat), out / 1e6);
        }
  return 0;
}

/* Decodes a PNG row by row into one row buffer, as a streaming reader
 * does: the floor for a batch that needs the artwork at any size. */
static int
bench_png_decode (const char *path)
{
  g_autofree char *data = NULL;
  gsize len;
  double t[64];
  struct spng_ihdr ihdr = { 0 };

  if (!g_file_get_contents (path, &data, &len, NULL))
    {
      g_printerr ("cannot read %s\n", path);
      return 1;
    }
  for (int i = 0; i < repeat; i++)
    {
      spng_ctx *ctx = spng_ctx_new (0);
      g_autofree guint8 *row = NULL;
      gint64 start = g_get_monotonic_time ();
      int ret;

      spng_set_png_buffer (ctx, data, len);
      spng_set_image_limits (ctx, 1 << 16, 1 << 16);
      spng_set_chunk_limits (ctx, 1 << 30, 1 << 30);
      spng_get_ihdr (ctx, &ihdr);
      row = g_malloc ((gsize) ihdr.width * 4);
      spng_decode_image (ctx, NULL, 0, SPNG_FMT_RGBA8, SPNG_DECODE_PROGRESSIVE);
      do
        ret = spng_decode_row (ctx, row, (size_t) ihdr.width * 4);
      while (ret == 0);
      t[i] = (g_get_monotonic_time () - start) / 1000.0;
      spng_ctx_free (ctx);
      if (ret != SPNG_EOI)
        {
          g_printerr ("%s: %s\n", path, spng_strerror (ret));
          return 1;
        }
    }
  g_print ("libspng + zlib, %s (%.1f MB, %ux%u): decode rows to RGBA8: %.1f ms\n",
           path, len / 1e6, ihdr.width, ihdr.height, fastest (t, repeat));
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  if (argc >= 4 && strcmp (argv[1], "--repeat") == 0)
    {
      repeat = CLAMP (atoi (argv[2]), 1, 64);
      argv += 2;
      argc -= 2;
    }
  if (argc == 3 && strcmp (argv[1], "jpeg") == 0)
    return bench_jpeg (argv[2]);
  if (argc == 3 && strcmp (argv[1], "png") == 0)
    return bench_png (argv[2]);
  if (argc == 3 && strcmp (argv[1], "png-decode") == 0)
    return bench_png_decode (argv[2]);
  g_printerr ("usage: codec-bench [--repeat N] jpeg FILE.jpg | png FILE.png | png-decode FILE.png\n");
  return 2;
}
