/* mockup-webp-decoder.c: still WebP images, through libwebp
 *
 * Decoded whole (libwebp writes into a buffer of the whole image), to
 * straight RGBA, then converted row by row as any other decoder's rows.
 * The header gives the size before anything is allocated.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <webp/decode.h>

#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"

typedef struct
{
  MockupImageDecoder parent;
  guint8 *pixels;         /* straight RGBA, tightly packed */
  gsize size;
  int row;
} WebpDecoder;

static const char *
status_text (VP8StatusCode status)
{
  switch (status)
    {
    case VP8_STATUS_OUT_OF_MEMORY: return "out of memory";
    case VP8_STATUS_INVALID_PARAM: return "invalid parameter";
    case VP8_STATUS_BITSTREAM_ERROR: return "the data is corrupt";
    case VP8_STATUS_UNSUPPORTED_FEATURE: return "it uses a feature libwebp does not decode";
    case VP8_STATUS_SUSPENDED: return "the decoder stopped";
    case VP8_STATUS_USER_ABORT: return "the decode was stopped";
    case VP8_STATUS_NOT_ENOUGH_DATA: return "the file ends early (truncated)";
    case VP8_STATUS_OK:
    default: return "the data is corrupt";
    }
}

static gboolean
read_features (const MockupImageSource  *image,
               GBytes                   *bytes,
               WebPBitstreamFeatures    *features,
               GError                  **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);
  VP8StatusCode status = WebPGetFeatures (data, length, features);

  if (status != VP8_STATUS_OK)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: %s", image->display_name, status_text (status));
      return FALSE;
    }
  if (features->has_animation)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED,
                   "%s: an animated WebP image; give a still image (JPEG, PNG, WebP, GIF or TIFF)",
                   image->display_name);
      return FALSE;
    }
  return mockup_image_check_size (image, (guint64) features->width, (guint64) features->height, error);
}

gboolean
mockup_webp_probe (const MockupImageSource  *image,
                   MockupImageInfo          *info,
                   GError                  **error)
{
  g_autoptr(GBytes) bytes = mockup_image_source_load_bytes (image, error);
  WebPBitstreamFeatures features;

  if (bytes == NULL || !read_features (image, bytes, &features, error))
    return FALSE;

  info->kind = MOCKUP_IMAGE_KIND_WEBP;
  info->stored_width = features.width;
  info->stored_height = features.height;
  info->orientation = 1;
  info->has_alpha = features.has_alpha != 0;
  return TRUE;
}

static gboolean
webp_decoder_read_raw (MockupImageDecoder  *decoder,
                       guint8              *raw,
                       GError             **error)
{
  WebpDecoder *self = (WebpDecoder *) decoder;

  memcpy (raw, self->pixels + (gsize) self->row * decoder->raw_row_size, decoder->raw_row_size);
  self->row++;
  return TRUE;
}

static void
webp_decoder_convert (MockupImageDecoder *decoder,
                      const guint8       *raw,
                      guint32            *row)
{
  mockup_color_convert_row (MOCKUP_PIXELS_RGBA8, raw, row, decoder->width);
  mockup_color_premultiply_row (row, decoder->width);
}

static void
webp_decoder_free (MockupImageDecoder *decoder)
{
  WebpDecoder *self = (WebpDecoder *) decoder;

  mockup_buffer_free (self->pixels, self->size);
  g_free (self);
}

MockupImageDecoder *
mockup_webp_decoder_new (const MockupImageSource  *image,
                         GError                  **error)
{
  g_autoptr(GBytes) bytes = mockup_image_source_load_bytes (image, error);
  WebPBitstreamFeatures features;
  WebpDecoder *self;
  const guint8 *data;
  gsize length, stride;

  /* again: the file may have changed since it was probed */
  if (bytes == NULL || !read_features (image, bytes, &features, error))
    return NULL;

  self = g_new0 (WebpDecoder, 1);
  self->parent.read_raw = webp_decoder_read_raw;
  self->parent.convert = webp_decoder_convert;
  self->parent.free = webp_decoder_free;
  self->parent.width = features.width;
  self->parent.height = features.height;
  stride = (gsize) features.width * 4;
  self->parent.raw_row_size = stride;
  self->size = stride * (gsize) features.height;
  self->pixels = mockup_buffer_alloc (self->size);
  if (self->pixels == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory to decode the image at %d × %d",
                   image->display_name, features.width, features.height);
      webp_decoder_free (&self->parent);
      return NULL;
    }

  data = g_bytes_get_data (bytes, &length);
  if (WebPDecodeRGBAInto (data, length, self->pixels, self->size, (int) stride) == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: the data is corrupt or truncated",
                   image->display_name);
      webp_decoder_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
