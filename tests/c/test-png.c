/* test-png.c: the PNG readers give exactly the pixels that were written,
 * whatever the row filters and the shape of the compressed stream
 *
 * The files are written here with zlib, so that each row's filter, the
 * compression level, where the IDAT chunks split the stream and how the
 * stream ends are chosen. 8-bit RGB and RGBA go through the ISA-L reader
 * where the build has it (RGB through its plain C unfiltering, RGBA through
 * the vector one for Sub, Average and Paeth), the others through libspng.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <zlib.h>

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"
#include "test-util.h"

static char *dir;

typedef struct
{
  const char *filters;      /* each row's filter type, in turn: "01234" */
  int level;                /* zlib's: 0 writes stored blocks */
  gsize idat_size;          /* bytes an IDAT chunk; 0: one chunk */
  gboolean empty_final;     /* the data, flushed, then an empty last block */
  gboolean empty_idats;     /* an empty IDAT chunk before each one */
  gboolean no_iend;         /* the file ends with the image data */
  int rows;                 /* rows compressed; 0: all of them */
} PngShape;

static const PngShape plain = { "01234", 6, 0, FALSE, FALSE, FALSE, 0 };

static void
put_be32 (GByteArray *out,
          guint32     v)
{
  guint8 b[4] = { v >> 24, v >> 16, v >> 8, v };

  g_byte_array_append (out, b, 4);
}

static void
put_chunk (GByteArray   *out,
           const char   *kind,
           const guint8 *data,
           gsize         length)
{
  uLong crc = crc32 (0, (const Bytef *) kind, 4);

  if (length > 0)
    crc = crc32 (crc, data, (uInt) length);
  put_be32 (out, (guint32) length);
  g_byte_array_append (out, (const guint8 *) kind, 4);
  if (length > 0)
    g_byte_array_append (out, data, (guint) length);
  put_be32 (out, (guint32) crc);
}

static int
paeth (int a,
       int b,
       int c)
{
  int p = a + b - c, pa = ABS (p - a), pb = ABS (p - b), pc = ABS (p - c);

  return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}

/* The rows of @pixels (straight, @channels bytes a pixel), each with its
 * filter byte, filtered as @shape says. */
static guint8 *
filter_rows (const guint8   *pixels,
             int             width,
             int             height,
             int             channels,
             const PngShape *shape,
             gsize          *length)
{
  gsize stride = (gsize) width * channels;
  guint8 *out = g_malloc ((stride + 1) * height);
  guint8 *o = out;

  for (int y = 0; y < height; y++)
    {
      const guint8 *row = pixels + y * stride;
      const guint8 *up = y > 0 ? row - stride : NULL;
      int filter = shape->filters[y % strlen (shape->filters)] - '0';

      *o++ = (guint8) filter;
      for (gsize i = 0; i < stride; i++)
        {
          int a = i >= (gsize) channels ? row[i - channels] : 0;
          int b = up != NULL ? up[i] : 0;
          int c = up != NULL && i >= (gsize) channels ? up[i - channels] : 0;
          int predicted = 0;

          switch (filter)
            {
            case 1: predicted = a; break;
            case 2: predicted = b; break;
            case 3: predicted = (a + b) / 2; break;
            case 4: predicted = paeth (a, b, c); break;
            default: break;
            }
          *o++ = (guint8) (row[i] - predicted);
        }
    }
  *length = (gsize) (o - out);
  return out;
}

static GBytes *
encode_png (const guint8   *pixels,
            int             width,
            int             height,
            int             channels,
            const PngShape *shape)
{
  GByteArray *out = g_byte_array_new ();
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13];
  gsize raw_length, compressed_size, compressed_length, step;
  g_autofree guint8 *raw = filter_rows (pixels, width, height, channels, shape, &raw_length);
  g_autofree guint8 *compressed = NULL;
  z_stream z = { 0 };

  if (shape->rows > 0)
    raw_length = (gsize) shape->rows * ((gsize) width * channels + 1);

  g_assert_cmpint (deflateInit (&z, shape->level), ==, Z_OK);
  /* and room for a flush's empty block */
  compressed_size = deflateBound (&z, raw_length) + 64;
  compressed = g_malloc (compressed_size);
  z.next_in = raw;
  z.avail_in = (uInt) raw_length;
  z.next_out = compressed;
  z.avail_out = (uInt) compressed_size;
  if (shape->empty_final)
    g_assert_cmpint (deflate (&z, Z_FULL_FLUSH), ==, Z_OK);
  g_assert_cmpint (deflate (&z, Z_FINISH), ==, Z_STREAM_END);
  compressed_length = z.total_out;
  deflateEnd (&z);

  g_byte_array_append (out, signature, 8);
  memset (ihdr, 0, sizeof ihdr);
  ihdr[0] = width >> 24; ihdr[1] = width >> 16; ihdr[2] = width >> 8; ihdr[3] = width;
  ihdr[4] = height >> 24; ihdr[5] = height >> 16; ihdr[6] = height >> 8; ihdr[7] = height;
  ihdr[8] = 8;
  ihdr[9] = channels == 4 ? 6 : 2;
  put_chunk (out, "IHDR", ihdr, sizeof ihdr);
  put_chunk (out, "tEXt", (const guint8 *) "Comment\0test-png", 16);

  step = shape->idat_size > 0 ? shape->idat_size : compressed_length;
  for (gsize i = 0; i < compressed_length; i += step)
    {
      if (shape->empty_idats)
        put_chunk (out, "IDAT", NULL, 0);
      put_chunk (out, "IDAT", compressed + i, MIN (step, compressed_length - i));
    }
  if (!shape->no_iend)
    put_chunk (out, "IEND", NULL, 0);
  return g_byte_array_free_to_bytes (out);
}

/* Decodes @png at its own size, from a file or from memory, with or
 * without the prefetch thread. FALSE and @error when it fails. */
static gboolean
decode (GBytes      *png,
        const char  *name,
        gboolean     from_file,
        gboolean     prefetch,
        guint32     *pixels,
        GError     **error)
{
  MockupImageSource source;
  MockupImageInfo info;
  g_autoptr(MockupImageReader) reader = NULL;
  gboolean ok = FALSE;

  if (from_file)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_true (g_file_set_contents (path, g_bytes_get_data (png, NULL),
                                          (gssize) g_bytes_get_size (png), NULL));
      mockup_image_source_init_path (&source, path);
    }
  else
    mockup_image_source_init_bytes (&source, png);

  if (mockup_image_source_probe (&source, &info, error))
    {
      g_assert_cmpint (info.kind, ==, MOCKUP_IMAGE_KIND_PNG);
      reader = mockup_image_reader_new (&source, &info, info.width, info.height,
                                        prefetch ? MOCKUP_IMAGE_READER_PREFETCH : MOCKUP_IMAGE_READER_NONE,
                                        error);
      ok = reader != NULL;
      for (int y = 0; ok && y < info.height; y++)
        ok = mockup_image_reader_read_row (reader, pixels + (gsize) y * info.width, error);
    }
  mockup_image_source_clear (&source);
  return ok;
}

/* Writes @pixels as @shape says, and asserts that all four ways of reading
 * it give them back, premultiplied. */
static void
assert_round_trip (const guint8   *pixels,
                   int             width,
                   int             height,
                   int             channels,
                   const PngShape *shape,
                   const char     *what)
{
  g_autoptr(GBytes) png = encode_png (pixels, width, height, channels, shape);
  g_autofree char *name = g_strdup_printf ("%s-%dx%d-%d.png", what, width, height, channels);
  g_autofree guint32 *out = g_new (guint32, (gsize) width * height);

  for (int way = 0; way < 4; way++)
    {
      g_autoptr(GError) error = NULL;

      memset (out, 0x5a, sizeof (guint32) * width * height);
      if (!decode (png, name, way & 1, way & 2, out, &error))
        g_error ("%s (%s, %s): %s", name, way & 1 ? "file" : "bytes",
                 way & 2 ? "prefetch" : "inline", error->message);
      for (int i = 0; i < width * height; i++)
        {
          const guint8 *p = pixels + (gsize) i * channels;
          guint8 alpha = channels == 4 ? p[3] : 255;
          guint32 expected = MOCKUP_ARGB (alpha, mockup_mul_un8 (p[0], alpha),
                                          mockup_mul_un8 (p[1], alpha), mockup_mul_un8 (p[2], alpha));

          if (out[i] != expected)
            g_error ("%s (%s, %s): pixel (%d, %d) is %08x, expected %08x", name,
                     way & 1 ? "file" : "bytes", way & 2 ? "prefetch" : "inline",
                     i % width, i / width, out[i], expected);
        }
    }
}

/* Noise with transparent, opaque and translucent pixels. */
static guint8 *
noise (int   width,
       int   height,
       int   channels,
       guint seed)
{
  GRand *rand = g_rand_new_with_seed (seed);
  gsize n = (gsize) width * height * channels;
  guint8 *pixels = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    pixels[i] = (guint8) g_rand_int_range (rand, 0, 256);
  if (channels == 4)
    for (gsize i = 3; i < n; i += 16)
      pixels[i] = i % 32 == 3 ? 0 : 255;
  g_rand_free (rand);
  return pixels;
}

/* Every filter type alone and in turn, at widths that leave every
 * remainder: Sub, Average and Paeth read the pixel to the left, which for
 * the first pixel of a row is the zeros before it. */
static void
test_filters (void)
{
  const char *cycles[] = { "0", "1", "2", "3", "4", "43210", "31" };
  const int widths[] = { 1, 2, 3, 5, 8, 13, 64, 129 };

  for (int channels = 3; channels <= 4; channels++)
    for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
      for (guint k = 0; k < G_N_ELEMENTS (cycles); k++)
        {
          g_autofree guint8 *pixels = noise (widths[w], 9, channels, w * 31 + k);
          g_autofree char *what = g_strdup_printf ("filters-%s", cycles[k]);
          PngShape shape = plain;

          shape.filters = cycles[k];
          assert_round_trip (pixels, widths[w], 9, channels, &shape, what);
        }
}

/* Issue 14: flat images compress so well that the inflater takes in the
 * whole stream, and has rows to give, before the reader has asked for
 * them. They were "not a readable PNG image: the image data ends early". */
static void
test_flat (void)
{
  const int sizes[] = { 256, 625, 1000 };

  for (int channels = 3; channels <= 4; channels++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      for (int level = 1; level <= 9; level += 4)
        {
          int n = sizes[s];
          g_autofree guint8 *pixels = g_malloc0 ((gsize) n * n * channels);
          PngShape shape = plain;

          shape.filters = "0";
          shape.level = level;
          assert_round_trip (pixels, n, n, channels, &shape, "flat");
          /* the same, and the file ends with the image data */
          shape.no_iend = TRUE;
          memset (pixels, 0xc8, (gsize) n * n * channels);
          assert_round_trip (pixels, n, n, channels, &shape, "flat-no-iend");
        }
}

/* Stored blocks, an empty last block, the stream cut into many chunks,
 * empty chunks between them. */
static void
test_stream_shapes (void)
{
  struct { const char *what; PngShape shape; } cases[] = {
    { "stored", { "01234", 0, 0, FALSE, FALSE, FALSE, 0 } },
    { "stored-split", { "01234", 0, 1000, FALSE, TRUE, FALSE, 0 } },
    { "empty-final", { "01234", 6, 0, TRUE, FALSE, FALSE, 0 } },
    { "stored-empty-final", { "2", 0, 0, TRUE, FALSE, TRUE, 0 } },
    { "bytewise", { "43210", 9, 1, FALSE, FALSE, FALSE, 0 } },
    { "split-7", { "4", 1, 7, TRUE, TRUE, TRUE, 0 } },
  };

  for (int channels = 3; channels <= 4; channels++)
    for (guint k = 0; k < G_N_ELEMENTS (cases); k++)
      {
        g_autofree guint8 *pixels = noise (67, 41, channels, k);
        g_autofree guint8 *flat = g_malloc0 ((gsize) 300 * 300 * channels);

        assert_round_trip (pixels, 67, 41, channels, &cases[k].shape, cases[k].what);
        assert_round_trip (flat, 300, 300, channels, &cases[k].shape, cases[k].what);
      }
}

/* A complete stream with a row too few, and one cut short, are errors
 * that name the file, however early the inflater took them in. */
static void
test_data_ends_early (void)
{
  for (int channels = 3; channels <= 4; channels++)
    for (int level = 0; level <= 9; level += 9)
      {
        g_autofree guint8 *pixels = g_malloc0 ((gsize) 256 * 256 * channels);
        PngShape shape = plain;
        g_autoptr(GBytes) short_stream = NULL;
        g_autoptr(GBytes) cut = NULL;
        g_autofree guint32 *out = g_new (guint32, 256 * 256);
        gsize length;
        const guint8 *data;
        guint8 *copy;
        gsize idat;

        shape.level = level;
        shape.rows = 255;
        short_stream = encode_png (pixels, 256, 256, channels, &shape);

        /* the whole image, its IDAT chunk then cut to its first half, the
         * CRC made right again: the stream has no end */
        shape.rows = 0;
        shape.no_iend = TRUE;
        g_clear_pointer (&cut, g_bytes_unref);
        cut = encode_png (pixels, 256, 256, channels, &shape);
        data = g_bytes_get_data (cut, &length);
        for (idat = 8; memcmp (data + idat, "IDAT", 4) != 0; idat++)
          g_assert_cmpuint (idat, <, length - 4);
        {
          guint32 half = ((guint32) data[idat - 4] << 24 | (guint32) data[idat - 3] << 16 |
                          (guint32) data[idat - 2] << 8 | data[idat - 1]) / 2;
          uLong crc = crc32 (0, data + idat, 4 + half);

          copy = g_memdup2 (data, idat + 4 + half + 4);
          copy[idat - 4] = half >> 24; copy[idat - 3] = half >> 16;
          copy[idat - 2] = half >> 8; copy[idat - 1] = half;
          copy[idat + 4 + half] = crc >> 24; copy[idat + 5 + half] = crc >> 16;
          copy[idat + 6 + half] = crc >> 8; copy[idat + 7 + half] = crc;
          g_clear_pointer (&cut, g_bytes_unref);
          cut = g_bytes_new_take (copy, idat + 8 + half);
        }

        for (int way = 0; way < 4; way++)
          {
            g_autoptr(GError) error = NULL;
            g_autofree char *name = g_strdup_printf ("short-%d-%d.png", channels, level);

            g_assert_false (decode (short_stream, name, way & 1, way & 2, out, &error));
            g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
            g_assert_nonnull (strstr (error->message, way & 1 ? name : "image data"));
            g_clear_error (&error);

            g_free (name);
            name = g_strdup_printf ("cut-%d-%d.png", channels, level);
            g_assert_false (decode (cut, name, way & 1, way & 2, out, &error));
            g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
            g_assert_nonnull (strstr (error->message, way & 1 ? name : "image data"));
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

  g_test_add_func ("/png/filters", test_filters);
  g_test_add_func ("/png/flat", test_flat);
  g_test_add_func ("/png/stream-shapes", test_stream_shapes);
  g_test_add_func ("/png/data-ends-early", test_data_ends_early);

  return g_test_run ();
}
