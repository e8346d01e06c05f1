/* mockup-webp-decoder.c: still WebP images, streamed through libwebp
 *
 * libwebp's incremental decoder (WebPIDecode) is fed the file a chunk at a
 * time, only when the reader asks for a row it has not finished yet, and
 * scales while it decodes (use_scaling): its rescaler averages the
 * decoded planes straight down to the size asked for, so neither the
 * whole frame nor the full-size rows ever exist. Rows come out in the
 * byte order of ARGB32; straight, and premultiplied here when the image
 * has alpha, with the same rounding as every other decoder's pixels.
 *
 * libwebp writes into one buffer of the whole scaled image; it is mapped,
 * not allocated, and the pages of rows already handed on are given back
 * to the kernel as the decode moves down, so what stays resident is the
 * band of rows decoded but not yet read.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <webp/decode.h>

#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"

/* What each step of the decode is given: about two macroblock rows (32
 * pixel rows) of a 4096-wide photo at quality 90, so that few rows are
 * ready ahead of the reader, and few enough steps that their overhead
 * does not show (none measurable against feeding the file whole). */
#define FEED_CHUNK (32 * 1024)

/* Pages of rows already read are given back in steps this large. */
#define RELEASE_STEP (256 * 1024)

typedef struct
{
  MockupImageDecoder parent;
  char *display_name;
  GBytes *bytes;          /* the whole file, mapped */
  const guint8 *data;
  gsize length;
  gsize fed;              /* bytes given to libwebp so far */
  gsize chunk;            /* and how many more each step */
  WebPDecoderConfig config;   /* libwebp keeps a pointer to its options */
  WebPIDecoder *idec;
  guint8 *pixels;         /* the scaled image, premultiplied ARGB32 rows */
  gsize size;
  int ready;              /* rows libwebp has finished */
  int row;                /* the next row to hand on */
  gsize released;         /* bytes of pixels given back to the kernel */
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

/* What libwebp holds whatever the size decoded at: a lossless image's
 * pixels (its backward references reach anywhere above), the alpha plane
 * (and its lossless decoder's copy), the caches of a lossy decode (a few
 * macroblock rows of Y, U and V, with the filter thread's), and the file,
 * which is mapped and read from start to end. */
static gsize
codec_memory (const WebPBitstreamFeatures *features,
              gsize                        length)
{
  gsize w = (gsize) features->width, h = (gsize) features->height;
  gsize total = length + 64 * 1024;

  if (features->format == 2)
    total += w * h * 4 + w * 4 * 32;
  else
    total += w * 3 * 16 * 4;
  if (features->has_alpha && features->format != 2)
    total += w * h * 2;
  return total;
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
  info->encoded_size = g_bytes_get_size (bytes);
  info->codec_memory = codec_memory (&features, info->encoded_size);
  return TRUE;
}

/* libwebp's rescaler only shrinks well: scale when both sides shrink, and
 * then straight to the size asked for, else decode at the stored size and
 * let the reader's resampler do the rest. */
void
mockup_webp_choose_size (int  stored_width,
                         int  stored_height,
                         int  min_width,
                         int  min_height,
                         int *width,
                         int *height)
{
  if (min_width > 0 && min_height > 0 && min_width <= stored_width && min_height <= stored_height)
    {
      *width = min_width;
      *height = min_height;
    }
  else
    {
      *width = stored_width;
      *height = stored_height;
    }
}

gsize
mockup_webp_estimate_memory (const MockupImageInfo *info,
                             int                    min_width,
                             int                    min_height)
{
  int width, height;
  gsize row, rows, per_row;

  mockup_webp_choose_size (info->stored_width, info->stored_height, min_width, min_height,
                           &width, &height);
  row = (gsize) width * 4;

  /* Rows decoded but not yet read: what a few steps of the feed give at
   * the file's average density, and two macroblock rows more (libwebp
   * finishes rows a macroblock row at a time). A file of one flat colour
   * is the worst case: a step decodes all of it, and so the estimate
   * says. */
  per_row = MAX (info->encoded_size / (gsize) height, 1);
  rows = 4 * FEED_CHUNK / per_row + 2 * (gsize) (16 * height / info->stored_height + 1);
  rows = MIN (rows, (gsize) height);
  return sizeof (WebpDecoder) + info->codec_memory + rows * row + RELEASE_STEP;
}

/* Gives libwebp the next chunk of the file; how many rows that finished
 * is read back. */
static gboolean
feed (WebpDecoder  *self,
      GError      **error)
{
  VP8StatusCode status;
  int last_y = 0;

  if (self->fed == self->length)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: the file ends early (truncated) "
                   "after %d of %d rows", self->display_name, self->ready, self->parent.height);
      return FALSE;
    }

  self->fed = MIN (self->length, self->fed + self->chunk);
  status = WebPIUpdate (self->idec, self->data, self->fed);
  if (status != VP8_STATUS_OK && status != VP8_STATUS_SUSPENDED)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: %s", self->display_name, status_text (status));
      return FALSE;
    }
  if (WebPIDecGetRGB (self->idec, &last_y, NULL, NULL, NULL) != NULL)
    self->ready = CLAMP (last_y, self->ready, self->parent.height);
  if (status == VP8_STATUS_OK && self->ready < self->parent.height)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: the data ends after %d of %d rows",
                   self->display_name, self->ready, self->parent.height);
      return FALSE;
    }
  return TRUE;
}

/* The pages wholly above the next row are read and never written again:
 * back to the kernel with them. */
static void
release_rows (WebpDecoder *self)
{
#ifdef MADV_DONTNEED
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  gsize end = ((gsize) self->row * self->parent.raw_row_size) & ~(page - 1);

  if ((guintptr) self->pixels % page != 0 || end < self->released + RELEASE_STEP)
    return;
  madvise (self->pixels + self->released, end - self->released, MADV_DONTNEED);
  self->released = end;
#endif
}

static gboolean
webp_decoder_read_raw (MockupImageDecoder  *decoder,
                       guint8              *raw,
                       GError             **error)
{
  WebpDecoder *self = (WebpDecoder *) decoder;

  while (self->row >= self->ready)
    if (!feed (self, error))
      return FALSE;

  memcpy (raw, self->pixels + (gsize) self->row * decoder->raw_row_size, decoder->raw_row_size);
  self->row++;
  release_rows (self);
  return TRUE;
}

static void
webp_decoder_premultiply (MockupImageDecoder *decoder,
                          const guint8       *raw,
                          guint32            *row)
{
  memcpy (row, raw, decoder->raw_row_size);
  mockup_color_premultiply_row (row, decoder->width);
}

static void
webp_decoder_free (MockupImageDecoder *decoder)
{
  WebpDecoder *self = (WebpDecoder *) decoder;

  /* before the buffer it writes into */
  if (self->idec != NULL)
    WebPIDelete (self->idec);
  mockup_buffer_free (self->pixels, self->size);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->display_name);
  g_free (self);
}

MockupImageDecoder *
mockup_webp_decoder_new (const MockupImageSource  *image,
                         int                       min_width,
                         int                       min_height,
                         GError                  **error)
{
  g_autoptr(GBytes) bytes = mockup_image_source_load_bytes (image, error);
  WebPBitstreamFeatures features;
  WebpDecoder *self;
  int width, height;
  gsize stride;

  /* again: the file may have changed since it was probed */
  if (bytes == NULL || !read_features (image, bytes, &features, error))
    return NULL;

  mockup_webp_choose_size (features.width, features.height, min_width, min_height, &width, &height);

  self = g_new0 (WebpDecoder, 1);
  self->parent.read_raw = webp_decoder_read_raw;
  /* opaque rows are ARGB32 as libwebp writes them */
  self->parent.convert = features.has_alpha ? webp_decoder_premultiply : NULL;
  self->parent.free = webp_decoder_free;
  self->parent.width = width;
  self->parent.height = height;
  self->display_name = g_strdup (image->display_name);
  self->bytes = g_steal_pointer (&bytes);
  self->data = g_bytes_get_data (self->bytes, &self->length);
  /* A lossless image is held whole by libwebp whatever is fed, and each
   * step of its incremental decode starts again from the last row it
   * finished: 32 steps, not thousands. */
  self->chunk = features.format == 2 ? MAX (FEED_CHUNK, self->length / 32) : FEED_CHUNK;

  stride = (gsize) width * 4;
  self->parent.raw_row_size = stride;
  self->size = stride * (gsize) height;
  self->pixels = mockup_buffer_alloc (self->size);
  if (self->pixels == NULL || !WebPInitDecoderConfig (&self->config))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory to decode the image at %d × %d",
                   image->display_name, width, height);
      webp_decoder_free (&self->parent);
      return NULL;
    }

  if (width != features.width || height != features.height)
    {
      self->config.options.use_scaling = 1;
      self->config.options.scaled_width = width;
      self->config.options.scaled_height = height;
    }
  /* the loop filter of a lossy image in a thread of its own */
  self->config.options.use_threads = g_get_num_processors () > 1;
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  self->config.output.colorspace = MODE_BGRA;
#else
  self->config.output.colorspace = MODE_ARGB;
#endif
  self->config.output.is_external_memory = 1;
  self->config.output.width = width;
  self->config.output.height = height;
  self->config.output.u.RGBA.rgba = self->pixels;
  self->config.output.u.RGBA.stride = (int) stride;
  self->config.output.u.RGBA.size = self->size;

  /* the header is read again from the whole file; the data then comes
   * in steps, through WebPIUpdate () */
  self->idec = WebPIDecode (self->data, self->length, &self->config);
  if (self->idec == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable WebP image: libwebp refused its header",
                   image->display_name);
      webp_decoder_free (&self->parent);
      return NULL;
    }
  return &self->parent;
}
