/* mockup-png-isal-decoder.c: the common PNG inflated with ISA-L
 *
 * An artwork is usually an 8-bit RGB or RGBA PNG, several megabytes of
 * it, decoded while nothing else can start. Inflating is most of that
 * time, and ISA-L's inflate is two to five times faster than zlib's. So for
 * such files (8-bit, RGB or RGBA, not interlaced, no colour key) the IDAT
 * stream is read here: chunk by chunk with its CRC checked, inflated with
 * ISA-L, and each row unfiltered against the one above. libspng still
 * reads the header and the colour chunks, and decodes everything else.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#ifdef HAVE_ISAL

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"
#include "mockup-png-decoder-private.h"

#define INPUT_BUFFER_SIZE (256 * 1024)
#define INFLATED_MIN (256 * 1024)
#define MAX_CHUNK_LENGTH 0x7fffffffu

typedef struct
{
  MockupImageDecoder parent;
  char *display_name;

  FILE *file;
  GBytes *bytes;
  const guint8 *data;     /* bytes source */
  gsize length;
  gsize offset;           /* next unread byte of the file or bytes */

  guint8 *input;          /* file source: what was read of the current chunk */
  guint32 chunk_left;     /* IDAT bytes not yet given to the inflater */
  guint32 crc;            /* of the current chunk so far */
  gboolean in_idat;
  gboolean seen_idat;
  gboolean idat_over;

  struct inflate_state inflate;
  gboolean wants_input;   /* the last inflate stopped with room left */
  guint8 *inflated;       /* rows with their filter byte, as inflated */
  gsize inflated_size;
  gsize inflated_start;
  gsize inflated_end;
  int bpp;
  gsize stride;           /* bytes a row, without the filter byte */
  guint8 *rows;           /* two rows, each with bpp bytes of zeros before it */
  int row;
  guint8 *current;
  guint8 *previous;

  MockupColorTransform *transform;
  gboolean alpha;
} IsalDecoder;

static guint32
read_be32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static gboolean
corrupt (IsalDecoder  *self,
         GError      **error,
         const char   *problem)
{
  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
               "%s: not a readable PNG image: %s", self->display_name, problem);
  return FALSE;
}

/* Reads exactly @n bytes at the current offset; FALSE at the end. */
static gboolean
read_bytes (IsalDecoder *self,
            guint8      *dest,
            gsize        n)
{
  if (self->file != NULL)
    {
      if (fread (dest, 1, n, self->file) != n)
        return FALSE;
    }
  else
    {
      if (self->length - self->offset < n)
        return FALSE;
      memcpy (dest, self->data + self->offset, n);
    }
  self->offset += n;
  return TRUE;
}

/* Moves to the next IDAT chunk, checking the CRC of the one done. *found
 * is FALSE once the IDAT chunks, which are consecutive, are over. */
static gboolean
next_idat (IsalDecoder  *self,
           gboolean     *found,
           GError      **error)
{
  guint8 header[8], trailer[4];

  *found = FALSE;
  if (self->idat_over)
    return TRUE;

  if (self->in_idat)
    {
      if (!read_bytes (self, trailer, 4))
        return corrupt (self, error, "the file ends early (truncated)");
      if (read_be32 (trailer) != self->crc)
        return corrupt (self, error, "a chunk's CRC does not match its data");
      self->in_idat = FALSE;
      self->seen_idat = TRUE;
    }

  for (;;)
    {
      guint32 length;

      if (!read_bytes (self, header, 8))
        return corrupt (self, error, "the file ends early (truncated)");
      length = read_be32 (header);
      if (length > MAX_CHUNK_LENGTH)
        return corrupt (self, error, "a chunk is longer than the format allows");

      if (memcmp (header + 4, "IDAT", 4) == 0)
        {
          self->chunk_left = length;
          self->crc = crc32_gzip_refl (0, header + 4, 4);
          self->in_idat = TRUE;
          *found = TRUE;
          return TRUE;
        }
      if (self->seen_idat)
        {
          self->idat_over = TRUE;
          return TRUE;
        }

      /* a chunk before the image data, which libspng has read already */
      if (self->file != NULL)
        {
          if (fseeko (self->file, (off_t) length + 4, SEEK_CUR) != 0)
            return corrupt (self, error, "the file ends early (truncated)");
        }
      else if (self->length - self->offset < (gsize) length + 4)
        return corrupt (self, error, "the file ends early (truncated)");
      self->offset += (gsize) length + 4;
    }
}

/* Gives the inflater more input when it has none. */
static gboolean
feed (IsalDecoder  *self,
      GError      **error)
{
  gsize n;

  while (self->chunk_left == 0)
    {
      gboolean found;

      if (!next_idat (self, &found, error))
        return FALSE;
      if (!found)
        return corrupt (self, error, "the image data ends early");
    }

  if (self->file == NULL)
    {
      n = MIN (self->chunk_left, self->length - self->offset);
      if (n == 0)
        return corrupt (self, error, "the file ends early (truncated)");
      self->inflate.next_in = (guint8 *) self->data + self->offset;
      self->offset += n;
    }
  else
    {
      n = MIN (self->chunk_left, INPUT_BUFFER_SIZE);
      if (!read_bytes (self, self->input, n))
        return corrupt (self, error, "the file ends early (truncated)");
      self->inflate.next_in = self->input;
    }

  self->crc = crc32_gzip_refl (self->crc, self->inflate.next_in, n);
  self->inflate.avail_in = (guint32) n;
  self->chunk_left -= (guint32) n;
  return TRUE;
}

/* After the last row: the rest of the chunk it came from, and its CRC. */
static gboolean
finish_idat (IsalDecoder  *self,
             GError      **error)
{
  guint8 trailer[4];

  /* whatever the inflater was given but did not need counts, and so does
   * what is left of the chunk */
  while (self->chunk_left > 0)
    {
      guint8 scratch[4096];
      gsize n = MIN (self->chunk_left, sizeof scratch);

      if (self->file == NULL)
        {
          if (self->length - self->offset < n)
            return corrupt (self, error, "the file ends early (truncated)");
          self->crc = crc32_gzip_refl (self->crc, self->data + self->offset, n);
          self->offset += n;
        }
      else
        {
          if (!read_bytes (self, scratch, n))
            return corrupt (self, error, "the file ends early (truncated)");
          self->crc = crc32_gzip_refl (self->crc, scratch, n);
        }
      self->chunk_left -= (guint32) n;
    }

  if (!read_bytes (self, trailer, 4))
    return corrupt (self, error, "the file ends early (truncated)");
  if (read_be32 (trailer) != self->crc)
    return corrupt (self, error, "a chunk's CRC does not match its data");
  self->in_idat = FALSE;
  return TRUE;
}

static inline guint8
paeth (int a,
       int b,
       int c)
{
  int p = b - c, q = a - c;
  int pa = ABS (p), pb = ABS (q), pc = ABS (p + q);

  return (guint8) ((pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c));
}

#ifdef __SSE2__
/* Four-byte pixels, a pixel at a time in 16-bit lanes: each depends on the
 * one to its left, so this is as wide as it goes. */
static inline __m128i
load4 (const guint8 *p)
{
  guint32 v;

  memcpy (&v, p, 4);
  return _mm_unpacklo_epi8 (_mm_cvtsi32_si128 ((int) v), _mm_setzero_si128 ());
}

static inline void
store4 (guint8  *p,
        __m128i  v)
{
  guint32 out = (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (v, v));

  memcpy (p, &out, 4);
}

static inline __m128i
abs16 (__m128i v)
{
  return _mm_max_epi16 (v, _mm_sub_epi16 (_mm_setzero_si128 (), v));
}

static void
unfilter4_sse2 (const guint8 *f,
                guint8       *x,
                const guint8 *b,
                gsize         n,
                guint8        filter)
{
  const __m128i mask = _mm_set1_epi16 (0xff);
  __m128i a = _mm_setzero_si128 (), c = _mm_setzero_si128 ();

  switch (filter)
    {
    case 1:
      for (gsize i = 0; i < n; i += 4)
        {
          a = _mm_and_si128 (_mm_add_epi16 (load4 (f + i), a), mask);
          store4 (x + i, a);
        }
      break;
    case 3:
      for (gsize i = 0; i < n; i += 4)
        {
          __m128i up = load4 (b + i);

          a = _mm_and_si128 (_mm_add_epi16 (load4 (f + i), _mm_srli_epi16 (_mm_add_epi16 (a, up), 1)), mask);
          store4 (x + i, a);
        }
      break;
    case 4:
    default:
      for (gsize i = 0; i < n; i += 4)
        {
          __m128i up = load4 (b + i);
          __m128i p = _mm_sub_epi16 (up, c), q = _mm_sub_epi16 (a, c);
          __m128i pa = abs16 (p), pb = abs16 (q), pc = abs16 (_mm_add_epi16 (p, q));
          /* a if pa <= pb and pa <= pc, else b if pb <= pc, else c */
          __m128i not_a = _mm_or_si128 (_mm_cmpgt_epi16 (pa, pb), _mm_cmpgt_epi16 (pa, pc));
          __m128i use_c = _mm_cmpgt_epi16 (pb, pc);
          __m128i bc = _mm_or_si128 (_mm_and_si128 (use_c, c), _mm_andnot_si128 (use_c, up));
          __m128i predicted = _mm_or_si128 (_mm_and_si128 (not_a, bc), _mm_andnot_si128 (not_a, a));

          a = _mm_and_si128 (_mm_add_epi16 (load4 (f + i), predicted), mask);
          store4 (x + i, a);
          c = up;
        }
      break;
    }
}
#endif

/* Reverses a row's filter: @filtered, as inflated, into the current row,
 * against the previous one. Both have bpp bytes of zeros before them, so
 * that the left neighbours of the first pixel need no test. The filter
 * type was checked when the row was read. */
static void
unfilter (IsalDecoder  *self,
          guint8        filter,
          const guint8 *f)
{
  guint8 *x = self->current;
  const guint8 *b = self->previous;
  /* the left neighbours as pointers of their own: with an unsigned index,
   * x[i - bpp] would point around the address space for the first pixel */
  const guint8 *a = x - self->bpp, *c = b - self->bpp;
  gsize n = self->stride;

#ifdef __SSE2__
  if (self->bpp == 4 && (filter == 1 || filter == 3 || filter == 4))
    {
      unfilter4_sse2 (f, x, b, n, filter);
      return;
    }
#endif

  switch (filter)
    {
    case 0:
      memcpy (x, f, n);
      break;
    case 1:
      for (gsize i = 0; i < n; i++)
        x[i] = (guint8) (f[i] + a[i]);
      break;
    case 2:
      for (gsize i = 0; i < n; i++)
        x[i] = (guint8) (f[i] + b[i]);
      break;
    case 3:
      for (gsize i = 0; i < n; i++)
        x[i] = (guint8) (f[i] + ((a[i] + b[i]) >> 1));
      break;
    case 4:
    default:
      for (gsize i = 0; i < n; i++)
        x[i] = (guint8) (f[i] + paeth (a[i], b[i], c[i]));
      break;
    }
}

/* A row as inflated, its filter byte first: the sequential half of the
 * work, which the reader's prefetch thread does while the reading thread
 * unfilters and converts the rows before it. */
static gboolean
isal_decoder_read_raw (MockupImageDecoder  *decoder,
                       guint8              *raw,
                       GError             **error)
{
  IsalDecoder *self = (IsalDecoder *) decoder;

  /* ISA-L wants room to inflate into: a large buffer, rows cut from it */
  while (self->inflated_end - self->inflated_start < self->stride + 1)
    {
      gsize before;
      int ret;

      if (self->inflated_start > 0)
        {
          memmove (self->inflated, self->inflated + self->inflated_start,
                   self->inflated_end - self->inflated_start);
          self->inflated_end -= self->inflated_start;
          self->inflated_start = 0;
        }

      if (self->inflate.block_state == ISAL_BLOCK_FINISH)
        return corrupt (self, error, "the image data ends early");
      /* ISA-L takes its input ahead of its output: bytes in its bit
       * buffer, and up to 32 KiB decoded into its window. No input left is
       * no sign that it needs more until it stops short of filling the
       * output: the first call takes in all of a short, well compressed
       * stream (a flat image). */
      if (self->inflate.avail_in == 0 && self->wants_input && !feed (self, error))
        return FALSE;

      self->inflate.next_out = self->inflated + self->inflated_end;
      self->inflate.avail_out = (guint32) (self->inflated_size - self->inflated_end);
      before = self->inflate.avail_out;
      ret = isal_inflate (&self->inflate);
      if (ret == ISAL_INCORRECT_CHECKSUM)
        return corrupt (self, error, "the image data's checksum does not match");
      if (ret < 0)
        return corrupt (self, error, "the compressed image data is corrupt");
      self->inflated_end += before - self->inflate.avail_out;
      self->wants_input = self->inflate.avail_out > 0;
    }

  if (self->inflated[self->inflated_start] > 4)
    return corrupt (self, error, "unknown row filter");
  memcpy (raw, self->inflated + self->inflated_start, self->stride + 1);
  self->inflated_start += self->stride + 1;

  if (++self->row == self->parent.height && self->in_idat && !finish_idat (self, error))
    return FALSE;
  return TRUE;
}

static void
isal_decoder_convert (MockupImageDecoder *decoder,
                      const guint8       *raw,
                      guint32            *row)
{
  IsalDecoder *self = (IsalDecoder *) decoder;
  const guint8 *pixels = self->current;
  guint8 *swap;

  unfilter (self, raw[0], raw + 1);
  swap = self->previous;
  self->previous = self->current;
  self->current = swap;

  if (self->transform != NULL && self->alpha)
    {
      mockup_color_transform_apply (self->transform, pixels, row, decoder->width);
      mockup_color_premultiply_row (row, decoder->width);
    }
  else if (self->alpha)
    mockup_color_rgba_to_premul_row (pixels, row, decoder->width);
  else
    for (int x = 0; x < decoder->width; x++, pixels += 3)
      row[x] = MOCKUP_ARGB (255, pixels[0], pixels[1], pixels[2]);
}

static void
isal_decoder_free (MockupImageDecoder *decoder)
{
  IsalDecoder *self = (IsalDecoder *) decoder;

  if (self->file != NULL)
    fclose (self->file);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->transform, mockup_color_transform_free);
  g_free (self->input);
  g_free (self->inflated);
  g_free (self->rows);
  g_free (self->display_name);
  g_free (self);
}

MockupImageDecoder *
mockup_png_isal_decoder_new (const MockupImageSource  *image,
                             int                       width,
                             int                       height,
                             gboolean                  alpha,
                             MockupColorTransform     *transform,
                             GError                  **error)
{
  IsalDecoder *self = g_new0 (IsalDecoder, 1);
  gsize row_size;

  self->parent.read_raw = isal_decoder_read_raw;
  self->parent.convert = isal_decoder_convert;
  self->parent.free = isal_decoder_free;
  self->parent.width = width;
  self->parent.height = height;
  self->display_name = g_strdup (image->display_name);
  self->transform = transform;
  self->alpha = alpha;
  self->bpp = alpha ? 4 : 3;
  self->stride = (gsize) width * self->bpp;
  /* rows come out filtered: the filter byte, then the bytes */
  self->parent.raw_row_size = self->stride + 1;

  /* [bpp zeros][row]: twice */
  row_size = self->bpp + self->stride;
  self->rows = g_malloc0 (2 * row_size);
  self->inflated_size = MAX (INFLATED_MIN, 4 * (self->stride + 1));
  self->inflated = g_malloc (self->inflated_size);
  self->current = self->rows + self->bpp;
  self->previous = self->rows + row_size + self->bpp;

  if (image->bytes != NULL)
    {
      self->bytes = g_bytes_ref (image->bytes);
      self->data = g_bytes_get_data (self->bytes, &self->length);
    }
  else
    {
      self->file = mockup_image_source_fopen (image, error);
      if (self->file == NULL)
        {
          isal_decoder_free (&self->parent);
          return NULL;
        }
      self->input = g_malloc (INPUT_BUFFER_SIZE);
    }

  /* past the signature; libspng has checked it and the header */
  if ((self->file != NULL && fseeko (self->file, 8, SEEK_SET) != 0) ||
      (self->file == NULL && self->length < 8))
    {
      corrupt (self, error, "the file ends early (truncated)");
      isal_decoder_free (&self->parent);
      return NULL;
    }
  self->offset = 8;

  isal_inflate_init (&self->inflate);
  self->inflate.crc_flag = ISAL_ZLIB;
  self->wants_input = TRUE;
  return &self->parent;
}

#endif /* HAVE_ISAL */
