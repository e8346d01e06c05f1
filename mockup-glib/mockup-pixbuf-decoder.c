/* mockup-pixbuf-decoder.c: GIF and TIFF, through GdkPixbuf's loaders for
 * them; pixbufs given decoded
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

/* GIF and TIFF go to GdkPixbuf, but only to its loader for that format,
 * and only once their header has been read here: the size checked
 * against the limits before a loader allocates anything (a 40-byte BMP
 * made one reserve 1.2 GB), and what would trip a loader refused. */

static inline guint
read_le16 (const guint8 *p)
{
  return p[0] | (guint) p[1] << 8;
}

static void
set_invalid (GError                  **error,
             const MockupImageSource  *image,
             const char               *format,
             const char               *problem)
{
  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
               "%s: not a readable %s image: %s", image->display_name, format, problem);
}

/* Skips the data sub-blocks at *@offset: a size byte, that many bytes,
 * again, up to a size of 0. */
static gboolean
gif_skip_blocks (const guint8 *data,
                 gsize         length,
                 gsize        *offset)
{
  while (*offset < length)
    {
      guint size = data[(*offset)++];

      if (size == 0)
        return TRUE;
      if (size > length - *offset)
        return FALSE;
      *offset += size;
    }
  return FALSE;
}

/* The logical screen's size, and where the first image's data ends: the
 * loader is given the file up to there and a trailer, one frame, never an
 * animation (thousands of frames, each composited whole). A frame of no
 * width or height makes GdkPixbuf's loader emit criticals, and is
 * refused. */
static gboolean
gif_parse (const MockupImageSource  *image,
           const guint8             *data,
           gsize                     length,
           int                       size[2],
           gsize                    *first_frame_end,
           GError                  **error)
{
  gsize offset = 13;

  if (length < 13)
    {
      set_invalid (error, image, "GIF", "the file ends in its header");
      return FALSE;
    }
  size[0] = (int) read_le16 (data + 6);
  size[1] = (int) read_le16 (data + 8);
  if (data[10] & 0x80)
    offset += 3 * ((gsize) 2 << (data[10] & 7));

  while (offset < length)
    {
      guint8 block = data[offset++];

      if (block == 0x21)            /* an extension: a label, sub-blocks */
        {
          offset++;
          if (!gif_skip_blocks (data, length, &offset))
            break;
        }
      else if (block == 0x2c)       /* the first image */
        {
          guint width, height, flags;

          if (length - offset < 9)
            break;
          width = read_le16 (data + offset + 4);
          height = read_le16 (data + offset + 6);
          flags = data[offset + 8];
          offset += 9;
          if (width == 0 || height == 0)
            {
              set_invalid (error, image, "GIF", "its first frame is empty (no width or no height)");
              return FALSE;
            }
          if (flags & 0x80)
            offset += 3 * ((gsize) 2 << (flags & 7));
          offset++;                 /* the LZW code size */
          if (offset > length || !gif_skip_blocks (data, length, &offset))
            break;
          *first_frame_end = offset;
          return TRUE;
        }
      else
        {
          set_invalid (error, image, "GIF", block == 0x3b ? "it holds no image" : "a block of unknown type");
          return FALSE;
        }
    }

  set_invalid (error, image, "GIF", "the file ends early (truncated)");
  return FALSE;
}

/* The first directory's ImageWidth and ImageLength: the page the loader
 * decodes. */
static gboolean
tiff_parse (const MockupImageSource  *image,
            const guint8             *data,
            gsize                     length,
            int                       size[2],
            GError                  **error)
{
  gboolean little = data[0] == 'I';
  guint64 ifd, n_entries;
  guint64 value[2] = { 0, 0 };
  gboolean found[2] = { FALSE, FALSE };

#define U16(p) (little ? (guint) (p)[0] | (guint) (p)[1] << 8 : (guint) (p)[1] | (guint) (p)[0] << 8)
#define U32(p) (little ? (guint32) U16 (p) | (guint32) U16 ((p) + 2) << 16 \
                       : (guint32) U16 ((p) + 2) | (guint32) U16 (p) << 16)
  if (length < 8)
    {
      set_invalid (error, image, "TIFF", "the file ends in its header");
      return FALSE;
    }
  ifd = U32 (data + 4);
  if (ifd > length || length - ifd < 2)
    {
      set_invalid (error, image, "TIFF", "its first directory lies past the end of the file");
      return FALSE;
    }
  n_entries = U16 (data + ifd);
  if ((length - ifd - 2) / 12 < n_entries)
    {
      set_invalid (error, image, "TIFF", "the file ends in its first directory (truncated)");
      return FALSE;
    }
  for (guint64 i = 0; i < n_entries; i++)
    {
      const guint8 *entry = data + ifd + 2 + 12 * i;
      guint tag = U16 (entry), type = U16 (entry + 2);
      int which = tag == 256 ? 0 : tag == 257 ? 1 : -1;

      if (which < 0)
        continue;
      if (type == 3)                  /* SHORT, in the first half of the value */
        value[which] = U16 (entry + 8);
      else if (type == 4)             /* LONG */
        value[which] = U32 (entry + 8);
      else
        continue;
      found[which] = TRUE;
    }
#undef U16
#undef U32

  if (!found[0] || !found[1])
    {
      set_invalid (error, image, "TIFF", "its first directory gives no width or no height");
      return FALSE;
    }
  if (!mockup_image_check_size (image, value[0], value[1], error))
    return FALSE;
  size[0] = (int) value[0];
  size[1] = (int) value[1];
  return TRUE;
}

static void
size_prepared (GdkPixbufLoader *loader,
               int              width,
               int              height,
               gpointer         user_data)
{
  int *size = user_data;

  size[0] = width;
  size[1] = height;
  /* the header read here said otherwise: the loader must not go past it */
  if ((guint64) width * height > MOCKUP_MAX_IMAGE_PIXELS ||
      width > MOCKUP_MAX_IMAGE_SIDE || height > MOCKUP_MAX_IMAGE_SIDE)
    gdk_pixbuf_loader_set_size (loader, 1, 1);
}

/* Reads the header of a GIF or TIFF (the kind the magic bytes said, in
 * info->loader): its size, and for a GIF how much of it to decode. */
static gboolean
parse_header (const MockupImageSource  *image,
              const char               *loader,
              GBytes                   *bytes,
              int                       size[2],
              gsize                    *decode_length,
              GError                  **error)
{
  gsize length;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  *decode_length = length;
  if (g_str_equal (loader, "gif"))
    return gif_parse (image, data, length, size, decode_length, error) &&
           mockup_image_check_size (image, size[0], size[1], error);
  return tiff_parse (image, data, length, size, error);
}

gboolean
mockup_pixbuf_probe (const MockupImageSource  *image,
                     const char               *loader,
                     MockupImageInfo          *info,
                     GError                  **error)
{
  g_autoptr(GBytes) bytes = mockup_image_source_load_bytes (image, error);
  int size[2];
  gsize decode_length;

  if (bytes == NULL || !parse_header (image, loader, bytes, size, &decode_length, error))
    return FALSE;

  info->kind = MOCKUP_IMAGE_KIND_OTHER;
  info->loader = loader;
  info->stored_width = size[0];
  info->stored_height = size[1];
  info->orientation = 1;
  info->has_alpha = TRUE;
  return TRUE;
}

static GdkPixbuf *
load_pixbuf (const MockupImageSource  *image,
             const char               *loader_name,
             GError                  **error)
{
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  GdkPixbuf *pixbuf;
  int size[2] = { 0, 0 };
  gsize decode_length;
  const guint8 *data;

  bytes = mockup_image_source_load_bytes (image, error);
  if (bytes == NULL)
    return NULL;
  /* again: the file may have changed since it was probed */
  if (!parse_header (image, loader_name, bytes, size, &decode_length, error))
    return NULL;

  loader = gdk_pixbuf_loader_new_with_type (loader_name, &local_error);
  if (loader == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED,
                   "%s: this system cannot read %s images: %s",
                   image->display_name, loader_name, local_error->message);
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared), size);

  data = g_bytes_get_data (bytes, NULL);
  if (!gdk_pixbuf_loader_write (loader, data, decode_length, &local_error) ||
      (g_str_equal (loader_name, "gif") &&
       !gdk_pixbuf_loader_write (loader, (const guint8 *) "\x3b", 1, &local_error)) ||
      !gdk_pixbuf_loader_close (loader, &local_error))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: %s", image->display_name, local_error->message);
      return NULL;
    }

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  if (pixbuf == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: not a readable image", image->display_name);
      return NULL;
    }
  if (!mockup_image_check_size (image, gdk_pixbuf_get_width (pixbuf), gdk_pixbuf_get_height (pixbuf), error))
    return NULL;
  return g_object_ref (pixbuf);
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
                           const MockupImageInfo    *info,
                           GError                  **error)
{
  PixbufDecoder *self;
  GdkPixbuf *pixbuf;

  if (image->pixbuf != NULL)
    pixbuf = g_object_ref (image->pixbuf);
  else
    pixbuf = load_pixbuf (image, info->loader, error);

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
