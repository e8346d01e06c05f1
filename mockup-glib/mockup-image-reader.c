/* mockup-image-reader.c: probing, resampling and orienting decoded rows
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mockup-buffer-private.h"
#include "mockup-error.h"
#include "mockup-file-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-resampler-private.h"

#define MAX_HALVINGS 8
#define PREFETCH_ROWS 64
#define PREFETCH_BATCH 16

/* Raw rows decoded in a thread of their own, a ring of them ahead of the
 * reader, which converts and resamples them: the codec's sequential work
 * and ours then take a core each. A side that has to wait sleeps until
 * the other is a batch of rows further, not one: a wake-up a row costs
 * more than some rows' work. */
typedef struct
{
  GThread *thread;
  GMutex lock;
  GCond changed;
  guint8 *ring;           /* PREFETCH_ROWS raw rows */
  int produced;           /* rows in the ring so far, in all */
  int consumed;
  int total;
  int producer_waits_for; /* consumed count the producer sleeps for, or 0 */
  int consumer_waits_for; /* produced count the consumer sleeps for, or 0 */
  gboolean stop;
  GError *error;
} Prefetch;

struct _MockupImageReader
{
  MockupImageDecoder *decoder;
  MockupResampler *resampler;
  guint32 *decoded_row;
  guint8 *raw_row;
  Prefetch *prefetch;

  /* Shrinking by two or more is started by exact 2 × 2 box averages in
   * fixed point, as rows arrive: four times less for the float area
   * filter to do, and the same result to within rounding. */
  int n_halvings;
  int half_width[MAX_HALVINGS + 1];
  int half_height[MAX_HALVINGS + 1];
  guint32 *half_rows[MAX_HALVINGS];   /* two rows of the level below each */

  int width, height;            /* output, oriented */
  int stored_width, stored_height;
  int orientation;
  int row;

  /* Every row, decoded: for orientations that move rows, and for
   * readers preloaded while nothing else could run. */
  guint32 *frame;
  gsize frame_size;

  /* A reader of a row window has no decoder: it copies the window's rows. */
  MockupRowWindow *window;
};

struct _MockupRowWindow
{
  MockupImageReader *reader;
  guint32 *rows;
  gsize rows_size;
  int max_rows;
  int first;              /* the reader's row in rows[0] */
  int n_rows;
};

void
mockup_image_source_init_path (MockupImageSource *source,
                               const char        *path)
{
  memset (source, 0, sizeof *source);
  source->path = g_strdup (path);
  source->display_name = g_filename_display_name (path);
}

void
mockup_image_source_init_bytes (MockupImageSource *source,
                                GBytes            *bytes)
{
  memset (source, 0, sizeof *source);
  source->bytes = g_bytes_ref (bytes);
  source->display_name = g_strdup ("image data");
}

void
mockup_image_source_init_pixbuf (MockupImageSource *source,
                                 GdkPixbuf         *pixbuf)
{
  memset (source, 0, sizeof *source);
  source->pixbuf = g_object_ref (pixbuf);
  source->display_name = g_strdup ("pixbuf");
}

void
mockup_image_source_clear (MockupImageSource *source)
{
  g_clear_pointer (&source->path, g_free);
  g_clear_pointer (&source->bytes, g_bytes_unref);
  g_clear_object (&source->pixbuf);
  g_clear_pointer (&source->display_name, g_free);
}

static void
set_open_error (const MockupImageSource  *source,
                const struct stat        *info,
                int                       error_number,
                GError                  **error)
{
  if (error_number == 0)
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                 "\"%s\" is %s, not an image file",
                 source->display_name, mockup_file_type_name (info->st_mode));
  else if (error_number == ELOOP && source->no_symlinks)
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_PATH_OUTSIDE,
                 "\"%s\" has become a symbolic link, or a folder on its path has, since the "
                 "template was loaded: a render reads only files the template checked (load it again)",
                 source->display_name);
  else
    g_set_error (error, MOCKUP_ERROR,
                 error_number == ENOENT || error_number == ENOTDIR ? MOCKUP_ERROR_NOT_FOUND
                                                                   : MOCKUP_ERROR_INVALID_IMAGE,
                 "%s: %s", source->display_name, g_strerror (error_number));
}

static MockupFileOpenFlags
open_flags (const MockupImageSource *source)
{
  return source->no_symlinks ? MOCKUP_FILE_OPEN_NO_SYMLINKS : MOCKUP_FILE_OPEN_NONE;
}

FILE *
mockup_image_source_fopen (const MockupImageSource  *source,
                           GError                  **error)
{
  struct stat info;
  int error_number;
  FILE *file;

  g_return_val_if_fail (source->path != NULL, NULL);

  file = mockup_file_open_stream (source->path, open_flags (source), &info, &error_number);
  if (file == NULL)
    set_open_error (source, &info, error_number, error);
  return file;
}

GBytes *
mockup_image_source_load_bytes (const MockupImageSource  *source,
                                GError                  **error)
{
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GError) local_error = NULL;
  struct stat info;
  int error_number;
  int fd;

  if (source->bytes != NULL)
    return g_bytes_ref (source->bytes);

  g_return_val_if_fail (source->path != NULL, NULL);

  fd = mockup_file_open_regular (source->path, open_flags (source), &info, &error_number);
  if (fd < 0)
    {
      set_open_error (source, &info, error_number, error);
      return NULL;
    }
  mapped = g_mapped_file_new_from_fd (fd, FALSE, &local_error);
  close (fd);
  if (mapped == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: %s", source->display_name, local_error->message);
      return NULL;
    }
  return g_mapped_file_get_bytes (mapped);
}

gboolean
mockup_image_check_size (const MockupImageSource  *source,
                         guint64                   width,
                         guint64                   height,
                         GError                  **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: the image is empty", source->display_name);
      return FALSE;
    }
  if (width > MOCKUP_MAX_IMAGE_SIDE || height > MOCKUP_MAX_IMAGE_SIDE ||
      width * height > MOCKUP_MAX_IMAGE_PIXELS)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: the image is %" G_GUINT64_FORMAT " × %" G_GUINT64_FORMAT
                   " pixels, more than the %" G_GUINT64_FORMAT " megapixels allowed",
                   source->display_name, width, height,
                   MOCKUP_MAX_IMAGE_PIXELS / 1000000);
      return FALSE;
    }
  return TRUE;
}

#define MAGIC_SIZE 16

static gboolean
read_magic (const MockupImageSource  *source,
            guint8                    magic[MAGIC_SIZE],
            gsize                    *n_read,
            GError                  **error)
{
  struct stat info;
  int error_number;
  int fd;

  if (source->bytes != NULL)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (source->bytes, &length);

      *n_read = MIN (length, MAGIC_SIZE);
      if (*n_read > 0)
        memcpy (magic, data, *n_read);
      return TRUE;
    }

  fd = mockup_file_open_regular (source->path, open_flags (source), &info, &error_number);
  if (fd < 0)
    {
      set_open_error (source, &info, error_number, error);
      return FALSE;
    }
  *n_read = 0;
  while (*n_read < MAGIC_SIZE)
    {
      gssize n = read (fd, magic + *n_read, MAGIC_SIZE - *n_read);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          error_number = errno;
          close (fd);
          set_open_error (source, &info, error_number, error);
          return FALSE;
        }
      if (n == 0)
        break;
      *n_read += (gsize) n;
    }
  close (fd);
  return TRUE;
}

static gboolean
has_magic (const guint8 *magic,
           gsize         n_read,
           gsize         offset,
           const char   *expected,
           gsize         length)
{
  return n_read >= offset + length && memcmp (magic + offset, expected, length) == 0;
}

/* The image formats the library does not read, by their first bytes: for
 * a message that says which it is rather than "not an image". */
static const char *
unsupported_format (const guint8 *magic,
                    gsize         n_read)
{
  static const struct
  {
    gsize offset;
    const char *bytes;
    gsize length;
    const char *name;
  } formats[] = {
    { 0, "BM", 2, "BMP" },
    { 0, "\0\0\1\0", 4, "ICO" },
    { 0, "\0\0\2\0", 4, "CUR" },
    { 0, "icns", 4, "ICNS" },
    { 8, "ACON", 4, "animated cursor (ANI)" },
    { 0, "/* XPM */", 9, "XPM" },
    { 0, "#define ", 8, "XBM" },
    { 0, "8BPS", 4, "Photoshop (PSD)" },
    { 0, "qoif", 4, "QOI" },
    { 0, "II+\0", 4, "BigTIFF" },
    { 0, "MM\0+", 4, "BigTIFF" },
    { 4, "ftypavif", 8, "AVIF" },
    { 4, "ftypheic", 8, "HEIC" },
    { 4, "ftypmif1", 8, "HEIF" },
    { 0, "\0\0\0\x0cjP  ", 8, "JPEG 2000" },
    { 0, "\xff\x4f\xff\x51", 4, "JPEG 2000" },
    { 0, "\xff\x0a", 2, "JPEG XL" },
    { 0, "\0\0\0\x0cJXL ", 8, "JPEG XL" },
    { 0, "<svg", 4, "SVG" },
    { 0, "<?xml", 5, "SVG or other XML" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    if (has_magic (magic, n_read, formats[i].offset, formats[i].bytes, formats[i].length))
      return formats[i].name;
  /* netpbm: P1 to P7 and a space */
  if (n_read >= 3 && magic[0] == 'P' && magic[1] >= '1' && magic[1] <= '7' && g_ascii_isspace (magic[2]))
    return "PNM";
  return NULL;
}

gboolean
mockup_image_source_probe (const MockupImageSource  *source,
                           MockupImageInfo          *info,
                           GError                  **error)
{
  static const guint8 png_magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 magic[MAGIC_SIZE] = { 0 };
  gsize n_read = 0;
  const char *unsupported;
  gboolean ok;

  memset (info, 0, sizeof *info);
  info->orientation = 1;

  if (source->pixbuf != NULL)
    {
      info->kind = MOCKUP_IMAGE_KIND_PIXBUF;
      info->width = info->stored_width = gdk_pixbuf_get_width (source->pixbuf);
      info->height = info->stored_height = gdk_pixbuf_get_height (source->pixbuf);
      info->has_alpha = gdk_pixbuf_get_has_alpha (source->pixbuf);
      return TRUE;
    }

  if (!read_magic (source, magic, &n_read, error))
    return FALSE;

  if (n_read == 0)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: the file is empty", source->display_name);
      return FALSE;
    }

  if (n_read >= 3 && magic[0] == 0xff && magic[1] == 0xd8 && magic[2] == 0xff)
    ok = mockup_jpeg_probe (source, info, error);
  else if (n_read >= 8 && memcmp (magic, png_magic, 8) == 0)
    ok = mockup_png_probe (source, info, error);
  else if (has_magic (magic, n_read, 0, "RIFF", 4) && has_magic (magic, n_read, 8, "WEBP", 4))
    ok = mockup_webp_probe (source, info, error);
  else if (has_magic (magic, n_read, 0, "GIF87a", 6) || has_magic (magic, n_read, 0, "GIF89a", 6))
    ok = mockup_pixbuf_probe (source, "gif", info, error);
  else if (has_magic (magic, n_read, 0, "II*\0", 4) || has_magic (magic, n_read, 0, "MM\0*", 4))
    ok = mockup_pixbuf_probe (source, "tiff", info, error);
  else if ((unsupported = unsupported_format (magic, n_read)) != NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED,
                   "\"%s\" is a %s image; this library reads JPEG, PNG, WebP, GIF and TIFF",
                   source->display_name, unsupported);
      return FALSE;
    }
  else
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "\"%s\" is not an image, or in a format this library does not read "
                   "(it reads JPEG, PNG, WebP, GIF and TIFF)", source->display_name);
      return FALSE;
    }

  if (!ok)
    return FALSE;

  if (info->orientation >= 5)
    {
      info->width = info->stored_height;
      info->height = info->stored_width;
    }
  else
    {
      info->width = info->stored_width;
      info->height = info->stored_height;
    }

  return mockup_image_check_size (source, info->stored_width, info->stored_height, error);
}

static void
orient_frame (MockupImageReader *self,
              const guint32     *stored,
              guint32           *out)
{
  int sw = self->stored_width, sh = self->stored_height;

  for (int y = 0; y < self->height; y++)
    for (int x = 0; x < self->width; x++)
      {
        int sx, sy;

        switch (self->orientation)
          {
          case 3: sx = sw - 1 - x; sy = sh - 1 - y; break;
          case 4: sx = x; sy = sh - 1 - y; break;
          case 5: sx = y; sy = x; break;
          case 6: sx = y; sy = sh - 1 - x; break;
          case 7: sx = sw - 1 - y; sy = sh - 1 - x; break;
          case 8: sx = sw - 1 - y; sy = x; break;
          default: sx = x; sy = y; break;
          }
        out[(gsize) y * self->width + x] = stored[(gsize) sy * sw + sx];
      }
}

/* The average of four premultiplied ARGB32 pixels, rounded. */
static inline guint32
average4 (guint32 a,
          guint32 b,
          guint32 c,
          guint32 d)
{
  guint32 rb = (a & 0x00ff00ffu) + (b & 0x00ff00ffu) + (c & 0x00ff00ffu) + (d & 0x00ff00ffu) + 0x00020002u;
  guint32 ag = ((a >> 8) & 0x00ff00ffu) + ((b >> 8) & 0x00ff00ffu) +
               ((c >> 8) & 0x00ff00ffu) + ((d >> 8) & 0x00ff00ffu) + 0x00020002u;

  return ((rb >> 2) & 0x00ff00ffu) | ((ag << 6) & 0xff00ff00u);
}

/* Each pixel of @out the average of a 2 × 2 block of rows @a and @b. */
static void
halve_rows (const guint32 *a,
            const guint32 *b,
            guint32       *out,
            int            width)
{
  int x = 0;

#ifdef __SSE2__
  /* Four outputs a step, channels in 16-bit lanes: the same sums and
   * rounding as average4 (). */
  const __m128i zero = _mm_setzero_si128 ();
  const __m128i two = _mm_set1_epi16 (2);

  for (; x + 4 <= width; x += 4)
    {
      __m128i sums[2];

      for (int h = 0; h < 2; h++)
        {
          __m128i va = _mm_loadu_si128 ((const __m128i *) (a + 2 * x + 4 * h));
          __m128i vb = _mm_loadu_si128 ((const __m128i *) (b + 2 * x + 4 * h));
          /* pixels 0 and 1, then 2 and 3, of both rows */
          __m128i lo = _mm_add_epi16 (_mm_unpacklo_epi8 (va, zero), _mm_unpacklo_epi8 (vb, zero));
          __m128i hi = _mm_add_epi16 (_mm_unpackhi_epi8 (va, zero), _mm_unpackhi_epi8 (vb, zero));

          lo = _mm_add_epi16 (lo, _mm_srli_si128 (lo, 8));
          hi = _mm_add_epi16 (hi, _mm_srli_si128 (hi, 8));
          sums[h] = _mm_srli_epi16 (_mm_add_epi16 (_mm_unpacklo_epi64 (lo, hi), two), 2);
        }
      _mm_storeu_si128 ((__m128i *) (out + x), _mm_packus_epi16 (sums[0], sums[1]));
    }
#endif

  for (; x < width; x++)
    out[x] = average4 (a[2 * x], a[2 * x + 1], b[2 * x], b[2 * x + 1]);
}

static gpointer
prefetch_thread (gpointer data)
{
  MockupImageReader *self = data;
  Prefetch *p = self->prefetch;
  gsize size = self->decoder->raw_row_size;

  for (int y = 0; y < p->total; y++)
    {
      GError *error = NULL;
      gboolean ok;

      g_mutex_lock (&p->lock);
      if (y - p->consumed == PREFETCH_ROWS && !p->stop)
        {
          p->producer_waits_for = y - PREFETCH_ROWS + PREFETCH_BATCH;
          while (p->consumed < p->producer_waits_for && !p->stop)
            g_cond_wait (&p->changed, &p->lock);
          p->producer_waits_for = 0;
        }
      if (p->stop)
        {
          g_mutex_unlock (&p->lock);
          break;
        }
      g_mutex_unlock (&p->lock);

      /* the slot is ours until produced moves past it */
      ok = self->decoder->read_raw (self->decoder, p->ring + (gsize) (y % PREFETCH_ROWS) * size, &error);

      g_mutex_lock (&p->lock);
      if (ok)
        p->produced++;
      else
        p->error = error;
      if (p->consumer_waits_for != 0 && (p->produced >= p->consumer_waits_for || !ok))
        g_cond_broadcast (&p->changed);
      g_mutex_unlock (&p->lock);
      if (!ok)
        break;
    }
  return NULL;
}

static void
prefetch_stop (MockupImageReader *self)
{
  Prefetch *p = self->prefetch;

  if (p == NULL)
    return;
  g_mutex_lock (&p->lock);
  p->stop = TRUE;
  g_cond_broadcast (&p->changed);
  g_mutex_unlock (&p->lock);
  g_thread_join (p->thread);
  g_clear_error (&p->error);
  g_free (p->ring);
  g_mutex_clear (&p->lock);
  g_cond_clear (&p->changed);
  g_clear_pointer (&self->prefetch, g_free);
}

static gboolean
read_decoded_row (MockupImageReader  *self,
                  guint32            *row,
                  GError            **error)
{
  MockupImageDecoder *decoder = self->decoder;
  Prefetch *p = self->prefetch;
  const guint8 *raw;

  if (p == NULL)
    {
      if (decoder->convert == NULL)
        return decoder->read_raw (decoder, (guint8 *) row, error);
      if (!decoder->read_raw (decoder, self->raw_row, error))
        return FALSE;
      decoder->convert (decoder, self->raw_row, row);
      return TRUE;
    }

  g_mutex_lock (&p->lock);
  if (p->produced == p->consumed && p->error == NULL)
    {
      p->consumer_waits_for = MIN (p->consumed + PREFETCH_BATCH, p->total);
      while (p->produced < p->consumer_waits_for && p->error == NULL)
        g_cond_wait (&p->changed, &p->lock);
      p->consumer_waits_for = 0;
    }
  if (p->produced == p->consumed)
    {
      g_propagate_error (error, g_error_copy (p->error));
      g_mutex_unlock (&p->lock);
      return FALSE;
    }
  raw = p->ring + (gsize) (p->consumed % PREFETCH_ROWS) * decoder->raw_row_size;
  g_mutex_unlock (&p->lock);

  if (decoder->convert == NULL)
    memcpy (row, raw, decoder->raw_row_size);
  else
    decoder->convert (decoder, raw, row);

  g_mutex_lock (&p->lock);
  p->consumed++;
  if (p->producer_waits_for != 0 && p->consumed >= p->producer_waits_for)
    g_cond_broadcast (&p->changed);
  g_mutex_unlock (&p->lock);
  return TRUE;
}

static void
mirror_row (guint32 *row,
            int      width)
{
  for (int a = 0, b = width - 1; a < b; a++, b--)
    {
      guint32 t = row[a];

      row[a] = row[b];
      row[b] = t;
    }
}

/* A row of level @level: the decoder's own for level 0, else two rows of
 * the level below, halved. */
static gboolean
read_level_row (MockupImageReader  *self,
                int                 level,
                guint32            *row,
                GError            **error)
{
  guint32 *a, *b;
  int width;

  if (level == 0)
    return read_decoded_row (self, row, error);

  width = self->half_width[level - 1];
  a = self->half_rows[level - 1];
  b = a + width;
  if (!read_level_row (self, level - 1, a, error) ||
      !read_level_row (self, level - 1, b, error))
    return FALSE;

  halve_rows (a, b, row, self->half_width[level]);
  return TRUE;
}

static gboolean
read_stored_row (MockupImageReader  *self,
                 guint32            *row,
                 GError            **error)
{
  /* already the size wanted: straight through, no copy */
  if (self->resampler == NULL)
    return read_level_row (self, self->n_halvings, row, error);

  while (mockup_resampler_needs_input (self->resampler))
    {
      if (!read_level_row (self, self->n_halvings, self->decoded_row, error))
        return FALSE;
      mockup_resampler_push_row (self->resampler, self->decoded_row);
    }
  mockup_resampler_pull_row (self->resampler, row);
  return TRUE;
}

MockupImageReader *
mockup_image_reader_new (const MockupImageSource  *source,
                         const MockupImageInfo    *info,
                         int                       width,
                         int                       height,
                         MockupImageReaderFlags    flags,
                         GError                  **error)
{
  return mockup_image_reader_new_full (source, info, width, height, flags, NULL, error);
}

MockupImageReader *
mockup_image_reader_new_full (const MockupImageSource  *source,
                              const MockupImageInfo    *info,
                              int                       width,
                              int                       height,
                              MockupImageReaderFlags    flags,
                              GCancellable             *cancellable,
                              GError                  **error)
{
  g_autoptr(MockupImageReader) self = g_new0 (MockupImageReader, 1);
  gboolean swap = info->orientation >= 5;
  gboolean linear_light = (flags & MOCKUP_IMAGE_READER_LINEAR_LIGHT) != 0;

  g_return_val_if_fail (width > 0 && height > 0, NULL);

  self->width = width;
  self->height = height;
  self->orientation = info->orientation;
  self->stored_width = swap ? height : width;
  self->stored_height = swap ? width : height;

  switch (info->kind)
    {
    case MOCKUP_IMAGE_KIND_JPEG:
      self->decoder = mockup_jpeg_decoder_new (source, self->stored_width, self->stored_height,
                                               cancellable, error);
      break;
    case MOCKUP_IMAGE_KIND_PNG:
      self->decoder = mockup_png_decoder_new (source, error);
      break;
    case MOCKUP_IMAGE_KIND_WEBP:
      /* in linear light, the last halving is left to the resampler */
      self->decoder = mockup_webp_decoder_new (source, self->stored_width * (linear_light ? 2 : 1),
                                               self->stored_height * (linear_light ? 2 : 1), error);
      break;
    case MOCKUP_IMAGE_KIND_OTHER:
    case MOCKUP_IMAGE_KIND_PIXBUF:
    default:
      self->decoder = mockup_pixbuf_decoder_new (source, info, error);
      break;
    }

  if (self->decoder == NULL)
    return NULL;

  self->half_width[0] = self->decoder->width;
  self->half_height[0] = self->decoder->height;
  while (!linear_light && self->n_halvings < MAX_HALVINGS &&
         self->half_width[self->n_halvings] / 2 >= self->stored_width &&
         self->half_height[self->n_halvings] / 2 >= self->stored_height)
    {
      int n = self->n_halvings;

      self->half_rows[n] = g_new (guint32, 2 * (gsize) self->half_width[n]);
      self->half_width[n + 1] = self->half_width[n] / 2;
      self->half_height[n + 1] = self->half_height[n] / 2;
      self->n_halvings++;
    }

  self->decoded_row = g_new (guint32, self->decoder->width);
  self->raw_row = g_malloc (self->decoder->raw_row_size);
  if ((flags & MOCKUP_IMAGE_READER_PREFETCH) && g_get_num_processors () > 1)
    {
      Prefetch *p = g_new0 (Prefetch, 1);

      g_mutex_init (&p->lock);
      g_cond_init (&p->changed);
      p->ring = g_malloc ((gsize) PREFETCH_ROWS * self->decoder->raw_row_size);
      /* the rows the halvings and the resampler will ask for, no more */
      p->total = self->half_height[self->n_halvings] << self->n_halvings;
      self->prefetch = p;
      p->thread = g_thread_new ("mockup-decode", prefetch_thread, self);
    }
  if (self->half_width[self->n_halvings] != self->stored_width ||
      self->half_height[self->n_halvings] != self->stored_height)
    self->resampler = mockup_resampler_new (self->half_width[self->n_halvings],
                                            self->half_height[self->n_halvings],
                                            self->stored_width, self->stored_height,
                                            linear_light);
  return g_steal_pointer (&self);
}

/* Every row at once, oriented, into self->frame. */
static gboolean
load_frame (MockupImageReader  *self,
            GError            **error)
{
  gsize frame_size = (gsize) self->width * self->height * 4;
  guint32 *frame = mockup_buffer_alloc (frame_size);

  if (frame == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "no memory to hold the image decoded at %d × %d", self->width, self->height);
      return FALSE;
    }

  if (self->orientation <= 2)
    {
      for (int y = 0; y < self->height; y++)
        {
          guint32 *row = frame + (gsize) y * self->width;

          if (!read_stored_row (self, row, error))
            {
              mockup_buffer_free (frame, frame_size);
              return FALSE;
            }
          if (self->orientation == 2)
            mirror_row (row, self->width);
        }
    }
  else
    {
      gsize stored_size = (gsize) self->stored_width * self->stored_height * 4;
      guint32 *stored = mockup_buffer_alloc (stored_size);

      if (stored == NULL)
        {
          mockup_buffer_free (frame, frame_size);
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                       "no memory to turn the image at %d × %d", self->width, self->height);
          return FALSE;
        }
      for (int y = 0; y < self->stored_height; y++)
        if (!read_stored_row (self, stored + (gsize) y * self->stored_width, error))
          {
            mockup_buffer_free (stored, stored_size);
            mockup_buffer_free (frame, frame_size);
            return FALSE;
          }
      orient_frame (self, stored, frame);
      mockup_buffer_free (stored, stored_size);
    }

  self->frame = frame;
  self->frame_size = frame_size;
  return TRUE;
}

/* The decoder's part is done once the frame holds every row. */
static void
release_decoder (MockupImageReader *self)
{
  prefetch_stop (self);
  if (self->decoder != NULL)
    self->decoder->free (self->decoder);
  self->decoder = NULL;
  g_clear_pointer (&self->resampler, mockup_resampler_free);
  for (int i = 0; i < self->n_halvings; i++)
    g_clear_pointer (&self->half_rows[i], g_free);
  g_clear_pointer (&self->decoded_row, g_free);
  g_clear_pointer (&self->raw_row, g_free);
}

gboolean
mockup_image_reader_preload (MockupImageReader  *self,
                             GError            **error)
{
  g_return_val_if_fail (self->row == 0, FALSE);

  if (self->frame == NULL && !load_frame (self, error))
    return FALSE;
  release_decoder (self);
  return TRUE;
}

gsize
mockup_image_reader_preload_size (int width,
                                  int height)
{
  return (gsize) width * height * 4;
}

gboolean
mockup_image_reader_read_row (MockupImageReader  *self,
                              guint32            *row,
                              GError            **error)
{
  if (self->window != NULL)
    {
      MockupRowWindow *window = self->window;
      int r = MAX (self->row, window->first);

      /* a render of the group out of step: a bug, but not a crash */
      if (r >= window->first + window->n_rows)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                       "row %d is not in the band being rendered (%d to %d)", r, window->first,
                       window->first + window->n_rows - 1);
          return FALSE;
        }
      memcpy (row, window->rows + (gsize) (r - window->first) * self->width, (gsize) self->width * 4);
      self->row = r + 1;
      return TRUE;
    }

  g_return_val_if_fail (self->row < self->height, FALSE);

  /* Orientations that move rows need the whole image first. */
  if (self->frame == NULL && self->orientation > 2 && !load_frame (self, error))
    return FALSE;

  if (self->frame != NULL)
    memcpy (row, self->frame + (gsize) self->row * self->width, (gsize) self->width * 4);
  else
    {
      if (!read_stored_row (self, row, error))
        return FALSE;
      if (self->orientation == 2)
        mirror_row (row, self->width);
    }

  self->row++;
  return TRUE;
}

void
mockup_image_reader_free (MockupImageReader *self)
{
  if (self == NULL)
    return;
  prefetch_stop (self);
  g_free (self->raw_row);
  if (self->decoder != NULL)
    self->decoder->free (self->decoder);
  g_clear_pointer (&self->resampler, mockup_resampler_free);
  for (int i = 0; i < self->n_halvings; i++)
    g_free (self->half_rows[i]);
  g_free (self->decoded_row);
  mockup_buffer_free (self->frame, self->frame_size);
  g_free (self);
}

gsize
mockup_image_reader_estimate_memory (const MockupImageInfo *info,
                                     int                    width,
                                     int                    height)
{
  gboolean swap = info->orientation >= 5;
  int sw = swap ? height : width, sh = swap ? width : height;
  int dw = info->stored_width, dh = info->stored_height;
  gsize total = 16 * 1024;

  switch (info->kind)
    {
    case MOCKUP_IMAGE_KIND_JPEG:
      total += mockup_jpeg_estimate_memory (info, sw, sh);
      /* the DCT-scaled size the decoder will produce */
      {
        int num = mockup_jpeg_choose_scale (info->stored_width, info->stored_height, sw, sh);

        dw = (info->stored_width * num + 7) / 8;
        dh = (info->stored_height * num + 7) / 8;
      }
      break;
    case MOCKUP_IMAGE_KIND_PNG:
      /* two rows of RGBA16 at most, zlib's window, and the whole image for
       * interlaced files */
      total += (gsize) info->stored_width * 8 * 2 + 64 * 1024;
      if (info->progressive)
        total += (gsize) info->stored_width * info->stored_height * 4;
      break;
    case MOCKUP_IMAGE_KIND_WEBP:
      /* streamed at the scaled size (twice the size asked for, the most
       * it is, in linear light) */
      total += mockup_webp_estimate_memory (info, sw * 2, sh * 2);
      mockup_webp_choose_size (info->stored_width, info->stored_height, sw * 2, sh * 2, &dw, &dh);
      break;
    case MOCKUP_IMAGE_KIND_OTHER:
      /* the whole image, and the codec's own copy (a GIF's composited
       * frame, libtiff's raster) */
      total += (gsize) info->stored_width * info->stored_height * 4 * 2;
      break;
    case MOCKUP_IMAGE_KIND_PIXBUF:
    default:
      break;
    }

  total += (gsize) dw * 4 * (3 + PREFETCH_ROWS);
  total += mockup_resampler_estimate_memory (dw, dh, sw, sh);
  if (info->orientation > 2)
    total += (gsize) width * height * 4 * 2;
  return total;
}

MockupRowWindow *
mockup_row_window_new (MockupImageReader *reader,
                       int                max_rows)
{
  MockupRowWindow *self = g_new0 (MockupRowWindow, 1);

  self->reader = reader;
  self->max_rows = max_rows;
  self->rows_size = (gsize) reader->width * max_rows * 4;
  self->rows = mockup_buffer_alloc (self->rows_size);
  if (self->rows == NULL)
    {
      mockup_row_window_free (self);
      return NULL;
    }
  return self;
}

gboolean
mockup_row_window_fill (MockupRowWindow  *self,
                        int               n_rows,
                        GError          **error)
{
  g_return_val_if_fail (n_rows <= self->max_rows, FALSE);

  self->first = self->reader->row;
  self->n_rows = 0;
  for (int r = 0; r < n_rows; r++)
    {
      if (!mockup_image_reader_read_row (self->reader, self->rows + (gsize) r * self->reader->width,
                                         error))
        return FALSE;
      self->n_rows++;
    }
  return TRUE;
}

MockupImageReader *
mockup_row_window_new_reader (MockupRowWindow *self)
{
  MockupImageReader *reader = g_new0 (MockupImageReader, 1);

  reader->window = self;
  reader->width = self->reader->width;
  reader->height = self->reader->height;
  return reader;
}

void
mockup_row_window_free (MockupRowWindow *self)
{
  if (self == NULL)
    return;
  mockup_image_reader_free (self->reader);
  mockup_buffer_free (self->rows, self->rows_size);
  g_free (self);
}

gsize
mockup_row_window_estimate_memory (int width,
                                   int max_rows)
{
  return (gsize) width * max_rows * 4 + 256;
}
