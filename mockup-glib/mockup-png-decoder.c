/* mockup-png-decoder.c: libspng rows, decoded progressively
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include <spng.h>

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-exif-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-png-decoder-private.h"

#define CHUNK_SIZE_LIMIT  (16 * 1024 * 1024)
#define CHUNK_CACHE_LIMIT (64 * 1024 * 1024)

typedef struct
{
  MockupImageDecoder parent;

  spng_ctx *ctx;
  FILE *file;
  GBytes *bytes;
  char *display_name;

  MockupColorTransform *transform;
  gsize row_bytes;
  guint8 *frame;          /* interlaced files only: the whole image */
  int row;
  gboolean done;
} PngDecoder;

static int
read_file (spng_ctx *ctx,
           void     *user,
           void     *dest,
           size_t    length)
{
  FILE *file = user;
  size_t n = fread (dest, 1, length, file);

  if (n == length)
    return 0;
  return feof (file) ? SPNG_IO_EOF : SPNG_IO_ERROR;
}

static gboolean
open_png (const MockupImageSource  *image,
          spng_ctx                **ctx_out,
          FILE                    **file_out,
          GError                  **error)
{
  spng_ctx *ctx = spng_ctx_new (0);
  int ret;

  spng_set_crc_action (ctx, SPNG_CRC_USE, SPNG_CRC_USE);
  spng_set_chunk_limits (ctx, CHUNK_SIZE_LIMIT, CHUNK_CACHE_LIMIT);
  spng_set_image_limits (ctx, MOCKUP_MAX_IMAGE_SIDE, MOCKUP_MAX_IMAGE_SIDE);

  if (image->bytes != NULL)
    {
      gsize length;
      const void *data = g_bytes_get_data (image->bytes, &length);

      ret = spng_set_png_buffer (ctx, data, length);
    }
  else
    {
      FILE *file = mockup_image_source_fopen (image, error);

      if (file == NULL)
        {
          spng_ctx_free (ctx);
          return FALSE;
        }
      *file_out = file;
      ret = spng_set_png_stream (ctx, read_file, file);
    }

  if (ret != 0)
    {
      spng_ctx_free (ctx);
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: %s", image->display_name, spng_strerror (ret));
      return FALSE;
    }

  *ctx_out = ctx;
  return TRUE;
}

static void
set_spng_error (GError     **error,
                const char  *name,
                int          ret)
{
  if (ret == SPNG_IO_EOF)
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                 "%s: the PNG data ends early (truncated file)", name);
  else if (ret == SPNG_EWIDTH || ret == SPNG_EHEIGHT || ret == SPNG_EUSER_WIDTH ||
           ret == SPNG_EUSER_HEIGHT || ret == SPNG_EOVERFLOW)
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                 "%s: %s", name, spng_strerror (ret));
  else
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                 "%s: not a readable PNG image: %s", name, spng_strerror (ret));
}

gboolean
mockup_png_probe (const MockupImageSource  *image,
                  MockupImageInfo          *info,
                  GError                  **error)
{
  spng_ctx *ctx = NULL;
  FILE *file = NULL;
  struct spng_ihdr ihdr;
  struct spng_exif exif;
  struct spng_trns trns;
  int ret;

  if (!open_png (image, &ctx, &file, error))
    return FALSE;

  ret = spng_get_ihdr (ctx, &ihdr);
  if (ret != 0)
    {
      set_spng_error (error, image->display_name, ret);
      spng_ctx_free (ctx);
      if (file)
        fclose (file);
      return FALSE;
    }

  info->kind = MOCKUP_IMAGE_KIND_PNG;
  info->stored_width = (int) ihdr.width;
  info->stored_height = (int) ihdr.height;
  info->progressive = ihdr.interlace_method != SPNG_INTERLACE_NONE;
  info->has_alpha = ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA ||
                    ihdr.color_type == SPNG_COLOR_TYPE_GRAYSCALE_ALPHA ||
                    spng_get_trns (ctx, &trns) == 0;
  info->orientation = 1;
  if (spng_get_exif (ctx, &exif) == 0)
    info->orientation = mockup_exif_get_orientation ((const guint8 *) exif.data, exif.length);

  spng_ctx_free (ctx);
  if (file)
    fclose (file);
  return TRUE;
}

static gboolean
png_decoder_read_raw (MockupImageDecoder  *decoder,
                      guint8              *raw,
                      GError             **error)
{
  PngDecoder *self = (PngDecoder *) decoder;

  if (self->frame != NULL)
    {
      memcpy (raw, self->frame + self->row_bytes * self->row, self->row_bytes);
    }
  else
    {
      int ret;

      if (self->done)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                       "%s: the PNG data ends early", self->display_name);
          return FALSE;
        }
      ret = spng_decode_row (self->ctx, raw, self->row_bytes);
      if (ret == SPNG_EOI)
        self->done = TRUE;
      else if (ret != 0)
        {
          set_spng_error (error, self->display_name, ret);
          return FALSE;
        }
    }
  self->row++;
  return TRUE;
}

static void
png_decoder_convert (MockupImageDecoder *decoder,
                     const guint8       *raw,
                     guint32            *row)
{
  PngDecoder *self = (PngDecoder *) decoder;

  if (self->transform != NULL)
    {
      mockup_color_transform_apply (self->transform, raw, row, decoder->width);
      mockup_color_premultiply_row (row, decoder->width);
    }
  else
    mockup_color_rgba_to_premul_row (raw, row, decoder->width);
}

static void
png_decoder_free (MockupImageDecoder *decoder)
{
  PngDecoder *self = (PngDecoder *) decoder;

  if (self->ctx != NULL)
    spng_ctx_free (self->ctx);
  if (self->file != NULL)
    fclose (self->file);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_pointer (&self->transform, mockup_color_transform_free);
  g_free (self->frame);
  g_free (self->display_name);
  g_free (self);
}

MockupImageDecoder *
mockup_png_decoder_new (const MockupImageSource  *image,
                        GError                  **error)
{
  PngDecoder *self = g_new0 (PngDecoder, 1);
  struct spng_ihdr ihdr;
  struct spng_iccp iccp;
  guint8 srgb_intent;
  int ret;

  self->parent.read_raw = png_decoder_read_raw;
  self->parent.convert = png_decoder_convert;
  self->parent.free = png_decoder_free;
  self->display_name = g_strdup (image->display_name);
  if (image->bytes != NULL)
    self->bytes = g_bytes_ref (image->bytes);

  if (!open_png (image, &self->ctx, &self->file, error))
    {
      png_decoder_free (&self->parent);
      return NULL;
    }

  ret = spng_get_ihdr (self->ctx, &ihdr);
  if (ret != 0)
    {
      set_spng_error (error, image->display_name, ret);
      png_decoder_free (&self->parent);
      return NULL;
    }

  if (!mockup_image_check_size (image, ihdr.width, ihdr.height, error))
    {
      png_decoder_free (&self->parent);
      return NULL;
    }

  self->parent.width = (int) ihdr.width;
  self->parent.height = (int) ihdr.height;
  self->row_bytes = (gsize) ihdr.width * 4;
  self->parent.raw_row_size = self->row_bytes;

  /* the first call that reads the chunks before the image data: a chunk
   * libspng cannot read is reported here, not as the "non-recoverable
   * state" every later call would give */
  ret = spng_get_srgb (self->ctx, &srgb_intent);
  if (ret != 0 && ret != SPNG_ECHUNKAVAIL)
    {
      set_spng_error (error, image->display_name, ret);
      png_decoder_free (&self->parent);
      return NULL;
    }
  if (ret != 0 && spng_get_iccp (self->ctx, &iccp) == 0)
    {
      g_autoptr(GError) icc_error = NULL;

      self->transform = mockup_color_transform_new (iccp.profile, iccp.profile_len,
                                                    MOCKUP_PIXELS_RGBA8, &icc_error);
      if (icc_error != NULL)
        g_debug ("%s: %s; treating it as sRGB", image->display_name, icc_error->message);
    }

#ifdef HAVE_ISAL
  /* the common case, inflated faster than libspng's zlib can: see
   * mockup-png-isal-decoder.c */
  {
    struct spng_trns trns;

    if (ihdr.bit_depth == 8 && ihdr.interlace_method == SPNG_INTERLACE_NONE &&
        (ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA ||
         (ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR && spng_get_trns (self->ctx, &trns) != 0)) &&
        (self->transform == NULL || ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA))
      {
        MockupImageDecoder *fast;

        fast = mockup_png_isal_decoder_new (image, (int) ihdr.width, (int) ihdr.height,
                                            ihdr.color_type == SPNG_COLOR_TYPE_TRUECOLOR_ALPHA,
                                            g_steal_pointer (&self->transform), error);
        png_decoder_free (&self->parent);
        return fast;
      }
  }
#endif

  if (ihdr.interlace_method != SPNG_INTERLACE_NONE)
    {
      /* Adam7 rows arrive pass by pass; such files are rare enough that
       * decoding them whole is the honest answer. */
      gsize size;

      ret = spng_decoded_image_size (self->ctx, SPNG_FMT_RGBA8, &size);
      if (ret == 0)
        {
          self->frame = g_try_malloc (size);
          if (self->frame == NULL)
            ret = SPNG_EOVERFLOW;
          else
            ret = spng_decode_image (self->ctx, self->frame, size, SPNG_FMT_RGBA8, SPNG_DECODE_TRNS);
        }
    }
  else
    {
      ret = spng_decode_image (self->ctx, NULL, 0, SPNG_FMT_RGBA8,
                               SPNG_DECODE_TRNS | SPNG_DECODE_PROGRESSIVE);
    }

  if (ret != 0)
    {
      set_spng_error (error, image->display_name, ret);
      png_decoder_free (&self->parent);
      return NULL;
    }

  return &self->parent;
}
