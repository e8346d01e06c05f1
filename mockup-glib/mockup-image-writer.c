/* mockup-image-writer.c: JPEG and PNG stream out as rows arrive; WebP and
 * pixbufs need the whole frame
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <spng.h>
#include <webp/encode.h>
#include <webp/mux.h>

#ifdef HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-jpeg-private.h"
#include "mockup-image-writer-private.h"

#define OUTPUT_CHUNK (256 * 1024)

/* The encoded bytes, in a mapped buffer: reserving room for the worst case
 * costs address space, not memory, until it is written. */
typedef struct
{
  guint8 *data;
  gsize length;
  gsize size;
} Output;

typedef struct
{
  struct jpeg_destination_mgr pub;
  Output *output;
} Destination;

struct _MockupImageWriter
{
  MockupFormat format;
  int width, height;
  guint quality;
  guint8 background[3];   /* 8-bit sRGB */
  int rows_written;

  Output output;
  guint32 *scratch;       /* one row, flattened (JPEG) or unpremultiplied (libspng) */

  /* JPEG */
  struct jpeg_compress_struct cinfo;
  MockupJpegError error;
  Destination dest;

  /* PNG */
  spng_ctx *png;
#ifdef HAVE_ISAL
  /* or, with ISA-L, written here: Up-filtered rows deflated by ISA-L */
  struct isal_zstream deflate;
  guint8 *level_buf;
  guint8 *idat;           /* an IDAT chunk's data being filled */
  guint8 *filtered;       /* filter byte and row */
  guint8 *previous;       /* the row above, unfiltered */
#endif

  /* WebP, pixbuf */
  GdkPixbuf *frame;
};

static gsize
estimate_encoded_size (MockupFormat format,
                       int          width,
                       int          height,
                       guint        quality)
{
  double pixels = (double) width * height;
  double q = quality / 100.0;

  switch (format)
    {
    case MOCKUP_FORMAT_JPEG:
      return (gsize) (pixels * (0.1 + 0.7 * q * q * q)) + 4096;
    case MOCKUP_FORMAT_PNG:
      return (gsize) (pixels * 3.0) + 4096;
    case MOCKUP_FORMAT_WEBP:
      return (gsize) (pixels * (quality >= 100 ? 3.0 : 0.6)) + 4096;
    case MOCKUP_FORMAT_PIXBUF:
    default:
      return 0;
    }
}

gsize
mockup_image_writer_estimate_memory (MockupFormat format,
                                     int          width,
                                     int          height,
                                     guint        quality)
{
  gsize pixels = (gsize) width * height;
  gsize encoded = estimate_encoded_size (format, width, height, quality);

  switch (format)
    {
    case MOCKUP_FORMAT_JPEG:
      /* the output, the growth margin, libjpeg's 16-line buffers */
      return encoded + encoded / 2 + (gsize) width * 3 * 16 * 2 + (gsize) width * 4 + 128 * 1024;
    case MOCKUP_FORMAT_PNG:
      /* PNG of a photo is most of its raw size; zlib's deflate state */
      return encoded / 2 + encoded / 4 + (gsize) width * 8 * 3 + 512 * 1024;
    case MOCKUP_FORMAT_WEBP:
      /* RGBA frame, the encoder's YUVA picture and analysis, the output */
      return pixels * 4 + pixels * 4 + encoded * 2 + 1024 * 1024;
    case MOCKUP_FORMAT_PIXBUF:
    default:
      return pixels * 4 + 4096;
    }
}

/* Makes room for @n more bytes. */
static gboolean
output_reserve (Output *output,
                gsize   n)
{
  gsize size;
  guint8 *data;

  if (output->length + n <= output->size)
    return TRUE;
  size = MAX (output->length + n, output->size + output->size / 2);
  size = MAX (size, OUTPUT_CHUNK);
  data = mockup_buffer_realloc (output->data, output->size, size);
  if (data == NULL)
    return FALSE;
  output->data = data;
  output->size = size;
  return TRUE;
}

/* libjpeg destination: the whole free part of the buffer at a time. */
static void
init_destination (j_compress_ptr cinfo)
{
  Destination *dest = (Destination *) cinfo->dest;

  if (!output_reserve (dest->output, OUTPUT_CHUNK))
    ERREXIT1 (cinfo, JERR_OUT_OF_MEMORY, 0);
  dest->pub.next_output_byte = dest->output->data + dest->output->length;
  dest->pub.free_in_buffer = dest->output->size - dest->output->length;
}

static boolean
empty_output_buffer (j_compress_ptr cinfo)
{
  Destination *dest = (Destination *) cinfo->dest;

  /* all of it was filled: on into new room */
  dest->output->length = dest->output->size;
  init_destination (cinfo);
  return TRUE;
}

static void
term_destination (j_compress_ptr cinfo)
{
  Destination *dest = (Destination *) cinfo->dest;

  dest->output->length = dest->output->size - dest->pub.free_in_buffer;
}

static gboolean
start_jpeg (MockupImageWriter  *self,
            GError            **error)
{
  GBytes *icc = mockup_color_get_srgb_profile ();

  self->scratch = g_new (guint32, self->width);
  self->cinfo.err = jpeg_std_error (&self->error.pub);
  self->error.pub.error_exit = mockup_jpeg_error_exit;
  /* before jpeg_create_compress (), which can fail too */
  if (setjmp (self->error.jump))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                   "JPEG encoder: %s", self->error.message);
      return FALSE;
    }
  jpeg_create_compress (&self->cinfo);

  self->dest.pub.init_destination = init_destination;
  self->dest.pub.empty_output_buffer = empty_output_buffer;
  self->dest.pub.term_destination = term_destination;
  self->dest.output = &self->output;
  self->cinfo.dest = &self->dest.pub;

  self->cinfo.image_width = (JDIMENSION) self->width;
  self->cinfo.image_height = (JDIMENSION) self->height;
  self->cinfo.input_components = 4;
  self->cinfo.in_color_space = MOCKUP_JCS_ARGB32;
  jpeg_set_defaults (&self->cinfo);
  jpeg_set_quality (&self->cinfo, (int) self->quality, TRUE);
  if (self->quality >= 95)
    {
      /* no chroma subsampling when the caller asks for the best */
      self->cinfo.comp_info[0].h_samp_factor = 1;
      self->cinfo.comp_info[0].v_samp_factor = 1;
    }
  jpeg_start_compress (&self->cinfo, TRUE);
  if (icc != NULL)
    jpeg_write_icc_profile (&self->cinfo, g_bytes_get_data (icc, NULL),
                            (unsigned int) g_bytes_get_size (icc));
  return TRUE;
}

static void unpremultiply_to_rgba (const guint32 *in,
                                   guint8        *out,
                                   int            n);

#ifdef HAVE_ISAL
#define IDAT_SIZE (256 * 1024)

static void
append_bytes (Output       *output,
              const void   *data,
              gsize         n)
{
  /* reserved beforehand: see png_reserve () */
  if (n == 0)
    return;
  memcpy (output->data + output->length, data, n);
  output->length += n;
}

static void
append_chunk (Output       *output,
              const char   *type,
              const guint8 *data,
              guint32       n)
{
  guint8 header[8] = { n >> 24, n >> 16, n >> 8, n, type[0], type[1], type[2], type[3] };
  guint32 crc = crc32_gzip_refl (0, header + 4, 4);
  guint8 trailer[4];

  if (n > 0)
    crc = crc32_gzip_refl (crc, data, n);
  trailer[0] = crc >> 24;
  trailer[1] = crc >> 16;
  trailer[2] = crc >> 8;
  trailer[3] = crc;

  append_bytes (output, header, 8);
  append_bytes (output, data, n);
  append_bytes (output, trailer, 4);
}

static gboolean
png_reserve (MockupImageWriter *self,
             gsize              n)
{
  return output_reserve (&self->output, n + 12);
}

/* Runs the deflater over what it was given; every full IDAT buffer becomes
 * a chunk. */
static gboolean
deflate_png (MockupImageWriter  *self,
             GError            **error)
{
  do
    {
      if (isal_deflate (&self->deflate) != COMP_OK)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED, "PNG encoder: deflate failed");
          return FALSE;
        }
      if (self->deflate.avail_out == 0 ||
          (self->deflate.end_of_stream && self->deflate.internal_state.state == ZSTATE_END))
        {
          guint32 n = IDAT_SIZE - self->deflate.avail_out;

          if (n > 0)
            {
              if (!png_reserve (self, n))
                {
                  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, "PNG encoder: out of memory");
                  return FALSE;
                }
              append_chunk (&self->output, "IDAT", self->idat, n);
            }
          self->deflate.next_out = self->idat;
          self->deflate.avail_out = IDAT_SIZE;
        }
    }
  while (self->deflate.avail_in > 0 ||
         (self->deflate.end_of_stream && self->deflate.internal_state.state != ZSTATE_END));
  return TRUE;
}

static gboolean
start_png_isal (MockupImageWriter  *self,
                GError            **error)
{
  static const guint8 signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  guint8 ihdr[13] = {
    self->width >> 24, self->width >> 16, self->width >> 8, self->width,
    self->height >> 24, self->height >> 16, self->height >> 8, self->height,
    8, 6, 0, 0, 0,   /* 8-bit RGBA, deflate, adaptive filters, not interlaced */
  };
  guint8 srgb = 0;    /* perceptual */

  if (!png_reserve (self, 8 + 12 + 13 + 12 + 1))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, "PNG encoder: out of memory");
      return FALSE;
    }
  append_bytes (&self->output, signature, 8);
  append_chunk (&self->output, "IHDR", ihdr, 13);
  append_chunk (&self->output, "sRGB", &srgb, 1);

  isal_deflate_init (&self->deflate);
  /* level 1: five times zlib's speed here, and smaller than its level 2 */
  self->deflate.level = 1;
  self->deflate.level_buf_size = ISAL_DEF_LVL1_DEFAULT;
  self->level_buf = g_malloc (ISAL_DEF_LVL1_DEFAULT);
  self->deflate.level_buf = self->level_buf;
  self->deflate.gzip_flag = IGZIP_ZLIB;
  self->deflate.flush = NO_FLUSH;
  self->idat = g_malloc (IDAT_SIZE);
  self->deflate.next_out = self->idat;
  self->deflate.avail_out = IDAT_SIZE;
  self->filtered = g_malloc ((gsize) self->width * 4 + 1);
  self->previous = g_malloc0 ((gsize) self->width * 4);
  return TRUE;
}

static gboolean
write_png_isal_row (MockupImageWriter  *self,
                    const guint32      *row,
                    GError            **error)
{
  guint8 *current = self->filtered + 1;
  gsize n = (gsize) self->width * 4;

  unpremultiply_to_rgba (row, current, self->width);
  /* Up: each byte less the one above, kept unfiltered for the next row */
  self->filtered[0] = 2;
  for (gsize i = 0; i < n; i++)
    {
      guint8 v = current[i];

      current[i] = (guint8) (v - self->previous[i]);
      self->previous[i] = v;
    }

  self->deflate.next_in = self->filtered;
  self->deflate.avail_in = (guint32) (n + 1);
  self->deflate.end_of_stream = self->rows_written + 1 == self->height;
  return deflate_png (self, error);
}

static gboolean
finish_png_isal (MockupImageWriter  *self,
                 GError            **error)
{
  if (!png_reserve (self, 0))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, "PNG encoder: out of memory");
      return FALSE;
    }
  append_chunk (&self->output, "IEND", NULL, 0);
  return TRUE;
}
#endif

#ifndef HAVE_ISAL
/* without ISA-L: libspng and zlib */
static int
png_write (spng_ctx *ctx,
           void     *user,
           void     *data,
           size_t    length)
{
  Output *output = user;

  if (!output_reserve (output, length))
    return SPNG_IO_ERROR;
  memcpy (output->data + output->length, data, length);
  output->length += length;
  return 0;
}

static gboolean
start_png (MockupImageWriter  *self,
           GError            **error)
{
  struct spng_ihdr ihdr = {
    .width = (uint32_t) self->width,
    .height = (uint32_t) self->height,
    .bit_depth = 8,
    .color_type = SPNG_COLOR_TYPE_TRUECOLOR_ALPHA,
  };
  int ret;

  self->scratch = g_new (guint32, self->width);
  self->png = spng_ctx_new (SPNG_CTX_ENCODER);
  spng_set_png_stream (self->png, png_write, &self->output);
  spng_set_ihdr (self->png, &ihdr);
  spng_set_srgb (self->png, 0);
  /* zlib dominates PNG time: a low level and one filter, Up, which suits
   * photographs; trying Paeth as well costs 70% more time for 2% less
   * size (tests/benchmarks/codec-bench). */
  spng_set_option (self->png, SPNG_IMG_COMPRESSION_LEVEL, 2);
  spng_set_option (self->png, SPNG_FILTER_CHOICE, SPNG_FILTER_CHOICE_UP);

  ret = spng_encode_image (self->png, NULL, 0, SPNG_FMT_PNG,
                           SPNG_ENCODE_PROGRESSIVE | SPNG_ENCODE_FINALIZE);
  if (ret != 0)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                   "PNG encoder: %s", spng_strerror (ret));
      return FALSE;
    }
  return TRUE;
}
#endif

MockupImageWriter *
mockup_image_writer_new (MockupFormat   format,
                         int            width,
                         int            height,
                         guint          quality,
                         const double   background[4],
                         GError       **error)
{
  g_autoptr(MockupImageWriter) self = g_new0 (MockupImageWriter, 1);
  gsize reserve;

  self->format = format;
  self->width = width;
  self->height = height;
  self->quality = CLAMP (quality, 1, 100);
  for (int c = 0; c < 3; c++)
    self->background[c] = (guint8) CLAMP (background[c] * background[3] * 255.0 +
                                          255.0 * (1.0 - background[3]) + 0.5, 0, 255);

  reserve = estimate_encoded_size (format, width, height, self->quality);
  if (format == MOCKUP_FORMAT_PNG)
    reserve /= 2;
  if ((format == MOCKUP_FORMAT_JPEG || format == MOCKUP_FORMAT_PNG) &&
      !output_reserve (&self->output, reserve))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "no memory for a %d × %d output", width, height);
      return NULL;
    }

  switch (format)
    {
    case MOCKUP_FORMAT_JPEG:
      if (!start_jpeg (self, error))
        return NULL;
      break;
    case MOCKUP_FORMAT_PNG:
#ifdef HAVE_ISAL
      if (!start_png_isal (self, error))
        return NULL;
#else
      if (!start_png (self, error))
        return NULL;
#endif
      break;
    case MOCKUP_FORMAT_WEBP:
    case MOCKUP_FORMAT_PIXBUF:
      self->frame = gdk_pixbuf_new (GDK_COLORSPACE_RGB, TRUE, 8, width, height);
      if (self->frame == NULL)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                       "cannot allocate a %d × %d image", width, height);
          return NULL;
        }
      break;
    default:
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED,
                   "unknown output format %d", format);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* Straight-alpha bytes R, G, B, A from premultiplied ARGB32. */
static void
unpremultiply_to_rgba (const guint32 *in,
                       guint8        *out,
                       int            n)
{
  for (int x = 0; x < n; x++, out += 4)
    {
      guint32 p = in[x];
      guint a = MOCKUP_A (p);

      if (a == 255)
        {
          out[0] = MOCKUP_R (p);
          out[1] = MOCKUP_G (p);
          out[2] = MOCKUP_B (p);
        }
      else if (a == 0)
        out[0] = out[1] = out[2] = 0;
      else
        {
          out[0] = (guint8) MIN (255u, (MOCKUP_R (p) * 255u + a / 2) / a);
          out[1] = (guint8) MIN (255u, (MOCKUP_G (p) * 255u + a / 2) / a);
          out[2] = (guint8) MIN (255u, (MOCKUP_B (p) * 255u + a / 2) / a);
        }
      out[3] = (guint8) a;
    }
}

static const guint32 *
flatten_row (MockupImageWriter *self,
             const guint32     *row)
{
  guint32 all = 0xffffffffu;

  /* a plain AND over the row, which the compiler vectorises */
  for (int x = 0; x < self->width; x++)
    all &= row[x];
  if (MOCKUP_A (all) == 255)
    return row;

  for (int x = 0; x < self->width; x++)
    {
      guint32 p = row[x];
      guint8 k = 255 - MOCKUP_A (p);

      self->scratch[x] = MOCKUP_ARGB (255,
                                      MOCKUP_R (p) + mockup_mul_un8 (self->background[0], k),
                                      MOCKUP_G (p) + mockup_mul_un8 (self->background[1], k),
                                      MOCKUP_B (p) + mockup_mul_un8 (self->background[2], k));
    }
  return self->scratch;
}

gboolean
mockup_image_writer_write_rows (MockupImageWriter  *self,
                                const guint32      *rows,
                                gsize               stride,
                                int                 n_rows,
                                GError            **error)
{
  g_return_val_if_fail (self->rows_written + n_rows <= self->height, FALSE);

  for (int r = 0; r < n_rows; r++)
    {
      const guint32 *row = rows + stride * r;

      switch (self->format)
        {
        case MOCKUP_FORMAT_JPEG:
          {
            JSAMPROW rowp[1];

            rowp[0] = (JSAMPROW) flatten_row (self, row);
            if (setjmp (self->error.jump))
              {
                g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                             "JPEG encoder: %s", self->error.message);
                return FALSE;
              }
            jpeg_write_scanlines (&self->cinfo, rowp, 1);
          }
          break;

        case MOCKUP_FORMAT_PNG:
#ifdef HAVE_ISAL
          if (!write_png_isal_row (self, row, error))
            return FALSE;
#else
          {
            int ret;

            unpremultiply_to_rgba (row, (guint8 *) self->scratch, self->width);
            ret = spng_encode_row (self->png, self->scratch, (gsize) self->width * 4);
            if (ret != 0 && ret != SPNG_EOI)
              {
                g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                             "PNG encoder: %s", spng_strerror (ret));
                return FALSE;
              }
          }
#endif
          break;

        case MOCKUP_FORMAT_WEBP:
        case MOCKUP_FORMAT_PIXBUF:
        default:
          unpremultiply_to_rgba (row,
                                 gdk_pixbuf_get_pixels (self->frame) +
                                   (gsize) gdk_pixbuf_get_rowstride (self->frame) * self->rows_written,
                                 self->width);
          break;
        }
      self->rows_written++;
    }

  return TRUE;
}

static GBytes *
encode_webp (MockupImageWriter  *self,
             GError            **error)
{
  WebPConfig config;
  WebPPicture picture;
  WebPMemoryWriter memory;
  WebPMux *mux;
  WebPData image, icc_data, assembled = { NULL, 0 };
  GBytes *icc = mockup_color_get_srgb_profile ();
  GBytes *bytes = NULL;
  int ok;

  if (!WebPConfigInit (&config) || !WebPPictureInit (&picture))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED, "WebP encoder: version mismatch");
      return NULL;
    }

  config.quality = (float) self->quality;
  config.lossless = self->quality >= 100;
  config.method = 2;   /* speed over the last percent of size */
  picture.use_argb = config.lossless;
  picture.width = self->width;
  picture.height = self->height;

  if (!WebPPictureImportRGBA (&picture, gdk_pixbuf_get_pixels (self->frame),
                              gdk_pixbuf_get_rowstride (self->frame)))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, "WebP encoder: out of memory");
      return NULL;
    }
  g_clear_object (&self->frame);

  WebPMemoryWriterInit (&memory);
  picture.writer = WebPMemoryWrite;
  picture.custom_ptr = &memory;
  ok = WebPEncode (&config, &picture);
  WebPPictureFree (&picture);
  if (!ok)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                   "WebP encoder failed (error %d)", picture.error_code);
      WebPMemoryWriterClear (&memory);
      return NULL;
    }

  /* Tag the image sRGB: an ICCP chunk through the muxer. */
  image.bytes = memory.mem;
  image.size = memory.size;
  mux = WebPMuxNew ();
  if (mux != NULL && icc != NULL &&
      WebPMuxSetImage (mux, &image, 0) == WEBP_MUX_OK &&
      (icc_data.bytes = g_bytes_get_data (icc, &icc_data.size),
       WebPMuxSetChunk (mux, "ICCP", &icc_data, 0) == WEBP_MUX_OK) &&
      WebPMuxAssemble (mux, &assembled) == WEBP_MUX_OK)
    {
      bytes = g_bytes_new (assembled.bytes, assembled.size);
      WebPDataClear (&assembled);
    }
  else
    bytes = g_bytes_new (memory.mem, memory.size);

  WebPMuxDelete (mux);
  WebPMemoryWriterClear (&memory);
  return bytes;
}

gboolean
mockup_image_writer_finish (MockupImageWriter  *self,
                            GBytes            **bytes,
                            GdkPixbuf         **pixbuf,
                            GError            **error)
{
  g_return_val_if_fail (self->rows_written == self->height, FALSE);

  *bytes = NULL;
  *pixbuf = NULL;

  switch (self->format)
    {
    case MOCKUP_FORMAT_JPEG:
      if (setjmp (self->error.jump))
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                       "JPEG encoder: %s", self->error.message);
          return FALSE;
        }
      jpeg_finish_compress (&self->cinfo);
      *bytes = mockup_buffer_to_bytes (g_steal_pointer (&self->output.data),
                                       self->output.length, self->output.size);
      return TRUE;

    case MOCKUP_FORMAT_PNG:
#ifdef HAVE_ISAL
      if (!finish_png_isal (self, error))
        return FALSE;
#else
      spng_ctx_free (g_steal_pointer (&self->png));
#endif
      *bytes = mockup_buffer_to_bytes (g_steal_pointer (&self->output.data),
                                       self->output.length, self->output.size);
      return TRUE;

    case MOCKUP_FORMAT_WEBP:
      *bytes = encode_webp (self, error);
      return *bytes != NULL;

    case MOCKUP_FORMAT_PIXBUF:
    default:
      *pixbuf = g_steal_pointer (&self->frame);
      return TRUE;
    }
}

void
mockup_image_writer_free (MockupImageWriter *self)
{
  if (self == NULL)
    return;
  if (self->format == MOCKUP_FORMAT_JPEG)
    jpeg_destroy_compress (&self->cinfo);
  if (self->png != NULL)
    spng_ctx_free (self->png);
#ifdef HAVE_ISAL
  g_free (self->level_buf);
  g_free (self->idat);
  g_free (self->filtered);
  g_free (self->previous);
#endif
  mockup_buffer_free (self->output.data, self->output.size);
  g_clear_object (&self->frame);
  g_free (self->scratch);
  g_free (self);
}
