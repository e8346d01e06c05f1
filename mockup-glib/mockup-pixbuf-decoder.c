/* mockup-pixbuf-decoder.c: every other format, through GdkPixbuf
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"

typedef struct
{
  MockupImageDecoder parent;
  GdkPixbuf *pixbuf;
  int row;
} PixbufDecoder;

static void
size_prepared (GdkPixbufLoader *loader,
               int              width,
               int              height,
               gpointer         user_data)
{
  int *size = user_data;

  size[0] = width;
  size[1] = height;
  /* Refuse before the loader allocates anything. */
  if ((guint64) width * height > MOCKUP_MAX_IMAGE_PIXELS ||
      width > MOCKUP_MAX_IMAGE_SIDE || height > MOCKUP_MAX_IMAGE_SIDE)
    gdk_pixbuf_loader_set_size (loader, 1, 1);
}

static GdkPixbuf *
load_pixbuf (const MockupImageSource  *image,
             gboolean                  header_only,
             int                       size[2],
             GError                  **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf;
  gsize length;
  const guint8 *data;

  bytes = mockup_image_source_load_bytes (image, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &length);
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared), size);

  /* Feed the loader in pieces so that probing stops at the header. */
  for (gsize offset = 0; offset < length; offset += 64 * 1024)
    {
      if (!gdk_pixbuf_loader_write (loader, data + offset, MIN (64 * 1024, length - offset),
                                    &local_error))
        break;
      if (header_only && size[0] > 0)
        {
          gdk_pixbuf_loader_close (loader, NULL);
          return NULL;
        }
    }

  if (local_error != NULL || !gdk_pixbuf_loader_close (loader, &local_error))
    {
      if (size[0] > 0 && header_only)
        return NULL;  /* the header was enough */
      /* GdkPixbuf cannot tell a text file from an image format it has no
       * loader for: "not an image" is the likelier of the two */
      if (g_error_matches (local_error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
        g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                     "\"%s\" is not an image, or in a format this system cannot read",
                     image->display_name);
      else
        g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                     "%s: %s", image->display_name, local_error->message);
      return NULL;
    }

  if (header_only)
    return NULL;

  if (!mockup_image_check_size (image, size[0], size[1], error))
    return NULL;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable image", image->display_name);
      return NULL;
    }
  return g_object_ref (pixbuf);
}

gboolean
mockup_pixbuf_probe (const MockupImageSource  *image,
                     MockupImageInfo          *info,
                     GError                  **error)
{
  int size[2] = { 0, 0 };
  g_autoptr(GError) local_error = NULL;

  load_pixbuf (image, TRUE, size, &local_error);
  if (size[0] <= 0 || size[1] <= 0)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                     "\"%s\" is not an image, or in a format this system cannot read",
                     image->display_name);
      return FALSE;
    }

  info->kind = MOCKUP_IMAGE_KIND_OTHER;
  info->stored_width = size[0];
  info->stored_height = size[1];
  info->orientation = 1;
  info->has_alpha = TRUE;
  return TRUE;
}

static gboolean
pixbuf_decoder_read_raw (MockupImageDecoder  *decoder,
                         guint8              *raw,
                         GError             **error)
{
  PixbufDecoder *self = (PixbufDecoder *) decoder;
  const guint8 *pixels = gdk_pixbuf_read_pixels (self->pixbuf);
  int stride = gdk_pixbuf_get_rowstride (self->pixbuf);

  memcpy (raw, pixels + (gsize) stride * self->row, decoder->raw_row_size);
  self->row++;
  return TRUE;
}

static void
pixbuf_decoder_convert (MockupImageDecoder *decoder,
                        const guint8       *raw,
                        guint32            *row)
{
  PixbufDecoder *self = (PixbufDecoder *) decoder;
  int channels = gdk_pixbuf_get_n_channels (self->pixbuf);

  if (channels == 4)
    mockup_color_convert_row (MOCKUP_PIXELS_RGBA8, raw, row, decoder->width);
  else
    for (int x = 0; x < decoder->width; x++, raw += channels)
      row[x] = MOCKUP_ARGB (255, raw[0], raw[1], raw[2]);
  mockup_color_premultiply_row (row, decoder->width);
}

static void
pixbuf_decoder_free (MockupImageDecoder *decoder)
{
  PixbufDecoder *self = (PixbufDecoder *) decoder;

  g_clear_object (&self->pixbuf);
  g_free (self);
}

MockupImageDecoder *
mockup_pixbuf_decoder_new (const MockupImageSource  *image,
                           GError                  **error)
{
  PixbufDecoder *self;
  GdkPixbuf *pixbuf;
  int size[2] = { 0, 0 };

  if (image->pixbuf != NULL)
    pixbuf = g_object_ref (image->pixbuf);
  else
    pixbuf = load_pixbuf (image, FALSE, size, error);

  if (pixbuf == NULL)
    return NULL;

  if (gdk_pixbuf_get_bits_per_sample (pixbuf) != 8 ||
      gdk_pixbuf_get_colorspace (pixbuf) != GDK_COLORSPACE_RGB ||
      gdk_pixbuf_get_n_channels (pixbuf) < 3)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED,
                   "%s: only 8-bit RGB and RGBA pixbufs are supported", image->display_name);
      g_object_unref (pixbuf);
      return NULL;
    }

  self = g_new0 (PixbufDecoder, 1);
  self->parent.read_raw = pixbuf_decoder_read_raw;
  self->parent.convert = pixbuf_decoder_convert;
  self->parent.free = pixbuf_decoder_free;
  self->parent.width = gdk_pixbuf_get_width (pixbuf);
  self->parent.height = gdk_pixbuf_get_height (pixbuf);
  self->parent.raw_row_size = (gsize) self->parent.width * gdk_pixbuf_get_n_channels (pixbuf);
  self->pixbuf = pixbuf;
  return &self->parent;
}
