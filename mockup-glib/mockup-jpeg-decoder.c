/* mockup-jpeg-decoder.c: libjpeg-turbo scanlines in Cairo's byte order
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-jpeg-private.h"
#include "mockup-exif-private.h"
#include "mockup-image-reader-private.h"

#define INPUT_BUFFER_SIZE (64 * 1024)

typedef struct
{
  struct jpeg_source_mgr pub;
  FILE *file;
  GBytes *bytes;
  JOCTET buffer[INPUT_BUFFER_SIZE];
} SourceManager;

/* Why the progress monitor stopped a decode. */
typedef enum {
  STOP_NONE,
  STOP_CANCELLED,
  STOP_TOO_MANY_SCANS,
} StopReason;

typedef struct
{
  MockupImageDecoder parent;

  struct jpeg_decompress_struct cinfo;
  MockupJpegError error;
  struct jpeg_progress_mgr progress;
  GCancellable *cancellable;
  StopReason stop;
  SourceManager source;
  char *display_name;
  gboolean started;

  MockupPixelLayout layout;
  MockupColorTransform *transform;
  JOCTET *icc;    /* here, not on the stack: longjmp may land after it is set */
} JpegDecoder;

static MockupJpegProgressHook progress_hook;
static gpointer progress_hook_data;

void
_mockup_jpeg_set_progress_hook (MockupJpegProgressHook hook,
                                gpointer               user_data)
{
  g_atomic_pointer_set (&progress_hook_data, user_data);
  g_atomic_pointer_set (&progress_hook, hook);
}

/* libjpeg calls this before each row of blocks it reads while it buffers
 * a multi-scan file (all inside jpeg_start_decompress ()), and for each
 * row it outputs: a fraction of a millisecond apart, often enough to stop
 * a long decode at once when the render is cancelled, or when the file
 * turns out to hold more scans than any encoder writes. */
static void
progress_monitor (j_common_ptr cinfo)
{
  JpegDecoder *self = cinfo->client_data;
  int scan = ((j_decompress_ptr) cinfo)->input_scan_number;
  MockupJpegProgressHook hook = g_atomic_pointer_get (&progress_hook);

  if (G_UNLIKELY (hook != NULL))
    hook (scan, g_atomic_pointer_get (&progress_hook_data));

  if (scan > MOCKUP_JPEG_MAX_SCANS)
    self->stop = STOP_TOO_MANY_SCANS;
  else if (g_cancellable_is_cancelled (self->cancellable))
    self->stop = STOP_CANCELLED;
  else
    return;
  longjmp (self->error.jump, 1);
}

static void
emit_message (j_common_ptr cinfo,
              int          level)
{
  /* Recoverable corruption warnings are what every viewer shows through;
   * a truncated file is caught by the source manager as an error. */
}

static void
init_source (j_decompress_ptr cinfo)
{
}

static boolean
fill_input_buffer (j_decompress_ptr cinfo)
{
  SourceManager *source = (SourceManager *) cinfo->src;
  size_t n = 0;

  if (source->file != NULL)
    n = fread (source->buffer, 1, INPUT_BUFFER_SIZE, source->file);

  if (n == 0)
    ERREXIT (cinfo, JERR_INPUT_EOF);

  source->pub.next_input_byte = source->buffer;
  source->pub.bytes_in_buffer = n;
  return TRUE;
}

static void
skip_input_data (j_decompress_ptr cinfo,
                 long             n)
{
  struct jpeg_source_mgr *src = cinfo->src;

  if (n <= 0)
    return;
  while (n > (long) src->bytes_in_buffer)
    {
      n -= (long) src->bytes_in_buffer;
      src->fill_input_buffer (cinfo);
    }
  src->next_input_byte += n;
  src->bytes_in_buffer -= (size_t) n;
}

static void
term_source (j_decompress_ptr cinfo)
{
}

static gboolean
open_source (SourceManager            *source,
             const MockupImageSource  *image,
             GError                  **error)
{
  memset (&source->pub, 0, sizeof source->pub);
  source->pub.init_source = init_source;
  source->pub.fill_input_buffer = fill_input_buffer;
  source->pub.skip_input_data = skip_input_data;
  source->pub.resync_to_restart = jpeg_resync_to_restart;
  source->pub.term_source = term_source;

  if (image->bytes != NULL)
    {
      gsize length;

      source->bytes = g_bytes_ref (image->bytes);
      source->pub.next_input_byte = g_bytes_get_data (source->bytes, &length);
      source->pub.bytes_in_buffer = length;
      return TRUE;
    }

  source->file = mockup_image_source_fopen (image, error);
  return source->file != NULL;
}

static void
close_source (SourceManager *source)
{
  if (source->file != NULL)
    fclose (source->file);
  source->file = NULL;
  g_clear_pointer (&source->bytes, g_bytes_unref);
}

static int
read_orientation (j_decompress_ptr cinfo)
{
  for (jpeg_saved_marker_ptr m = cinfo->marker_list; m != NULL; m = m->next)
    if (m->marker == JPEG_APP0 + 1 && m->data_length > 6 &&
        memcmp (m->data, "Exif\0\0", 6) == 0)
      return mockup_exif_get_orientation (m->data + 6, m->data_length - 6);
  return 1;
}

static void
set_invalid (GError     **error,
             const char  *name,
             const char  *message)
{
  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
               "%s: not a readable JPEG image: %s", name, message);
}

/* A progressive file, or one whose components come in scans of their
 * own, is decoded through a buffer of every DCT coefficient of the whole
 * image, whatever the scale: two bytes a sample at full size, allocated
 * when decompression starts. A few kilobytes can declare 16384 × 16384
 * pixels of it, so this is counted before anything is allocated. */
static gsize
coefficient_memory (j_decompress_ptr cinfo)
{
  gsize total = 0;

  if (!cinfo->progressive_mode && cinfo->comps_in_scan >= cinfo->num_components)
    return 0;

  for (int c = 0; c < cinfo->num_components; c++)
    {
      const jpeg_component_info *comp = &cinfo->comp_info[c];
      gsize h = MAX (comp->h_samp_factor, 1), v = MAX (comp->v_samp_factor, 1);
      gsize width = ((gsize) comp->width_in_blocks + h - 1) / h * h;
      gsize height = ((gsize) comp->height_in_blocks + v - 1) / v * v;

      total += width * height * DCTSIZE2 * sizeof (JCOEF);
    }
  return total;
}

gboolean
mockup_jpeg_probe (const MockupImageSource  *image,
                   MockupImageInfo          *info,
                   GError                  **error)
{
  struct jpeg_decompress_struct cinfo;
  MockupJpegError err;
  SourceManager *source = g_new0 (SourceManager, 1);
  volatile gboolean ok = FALSE;

  if (!open_source (source, image, error))
    {
      g_free (source);
      return FALSE;
    }

  cinfo.err = jpeg_std_error (&err.pub);
  err.pub.error_exit = mockup_jpeg_error_exit;
  err.pub.emit_message = emit_message;

  if (setjmp (err.jump))
    {
      set_invalid (error, image->display_name, err.message);
      goto out;
    }

  jpeg_create_decompress (&cinfo);
  cinfo.src = &source->pub;
  jpeg_save_markers (&cinfo, JPEG_APP0 + 1, 0xffff);
  jpeg_read_header (&cinfo, TRUE);

  info->kind = MOCKUP_IMAGE_KIND_JPEG;
  info->stored_width = (int) cinfo.image_width;
  info->stored_height = (int) cinfo.image_height;
  info->orientation = read_orientation (&cinfo);
  info->has_alpha = FALSE;
  info->codec_memory = coefficient_memory (&cinfo);
  ok = TRUE;

out:
  jpeg_destroy_decompress (&cinfo);
  close_source (source);
  g_free (source);
  return ok;
}

/* The DCT scale, in eighths, to decode at for at least @width × @height:
 * the smallest with an inverse DCT in SIMD (1/8, 2/8, 4/8, 8/8). The
 * others (3/8, 6/8, …) are plain C in libjpeg-turbo, slower than decoding
 * more pixels at the next power of two and letting the area resampler do
 * the rest, which also filters better. */
int
mockup_jpeg_choose_scale (int stored_width,
                          int stored_height,
                          int width,
                          int height)
{
  for (int num = 1; num < 8; num *= 2)
    if ((gint64) stored_width * num >= (gint64) width * 8 &&
        (gint64) stored_height * num >= (gint64) height * 8)
      return num;
  return 8;
}

gsize
mockup_jpeg_estimate_memory (const MockupImageInfo *info,
                             int                    min_width,
                             int                    min_height)
{
  int num = mockup_jpeg_choose_scale (info->stored_width, info->stored_height, min_width, min_height);
  gsize width = ((gsize) info->stored_width * num + 7) / 8;

  /* libjpeg keeps two MCU rows of up to 16 lines of each component plus
   * the coefficients of a multi-scan file (whole image, as shorts), and
   * our scanline buffer. */
  return sizeof (JpegDecoder) + (gsize) info->stored_width * 3 * 16 * 2 +
         info->codec_memory + (gsize) width * 4 * 2 + 256 * 1024;
}

/* The error for a longjmp () back from libjpeg or the progress monitor. */
static void
set_decode_error (JpegDecoder  *self,
                  GError      **error)
{
  switch (self->stop)
    {
    case STOP_CANCELLED:
      g_cancellable_set_error_if_cancelled (self->cancellable, error);
      break;
    case STOP_TOO_MANY_SCANS:
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: the JPEG image has more than %d scans, the most this library decodes",
                   self->display_name, MOCKUP_JPEG_MAX_SCANS);
      break;
    case STOP_NONE:
    default:
      if (self->started)
        g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                     "%s: %s", self->display_name, self->error.message);
      else
        set_invalid (error, self->display_name, self->error.message);
      break;
    }
}

static gboolean
jpeg_decoder_read_raw (MockupImageDecoder  *decoder,
                       guint8              *raw,
                       GError             **error)
{
  JpegDecoder *self = (JpegDecoder *) decoder;
  JSAMPROW rows[1] = { raw };

  if (setjmp (self->error.jump))
    {
      set_decode_error (self, error);
      return FALSE;
    }

  if (jpeg_read_scanlines (&self->cinfo, rows, 1) != 1)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: the JPEG data ends early", self->display_name);
      return FALSE;
    }
  return TRUE;
}

static void
jpeg_decoder_convert (MockupImageDecoder *decoder,
                      const guint8       *raw,
                      guint32            *row)
{
  JpegDecoder *self = (JpegDecoder *) decoder;

  if (self->transform != NULL)
    mockup_color_transform_apply (self->transform, raw, row, decoder->width);
  else
    mockup_color_convert_row (self->layout, raw, row, decoder->width);
}

static void
jpeg_decoder_free (MockupImageDecoder *decoder)
{
  JpegDecoder *self = (JpegDecoder *) decoder;

  /* libjpeg may still longjmp while tearing down; it never does for
   * abort/destroy, which only free memory. */
  jpeg_destroy_decompress (&self->cinfo);
  close_source (&self->source);
  g_clear_pointer (&self->transform, mockup_color_transform_free);
  g_clear_object (&self->cancellable);
  g_free (self->display_name);
  free (self->icc);
  g_free (self);
}

MockupImageDecoder *
mockup_jpeg_decoder_new (const MockupImageSource  *image,
                         int                       min_width,
                         int                       min_height,
                         GCancellable             *cancellable,
                         GError                  **error)
{
  JpegDecoder *self = g_new0 (JpegDecoder, 1);
  J_COLOR_SPACE out_space;
  unsigned int icc_length = 0;
  int num;

  self->parent.read_raw = jpeg_decoder_read_raw;
  self->parent.free = jpeg_decoder_free;
  self->display_name = g_strdup (image->display_name);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  self->cinfo.err = jpeg_std_error (&self->error.pub);
  self->error.pub.error_exit = mockup_jpeg_error_exit;
  self->error.pub.emit_message = emit_message;
  jpeg_create_decompress (&self->cinfo);
  self->cinfo.client_data = self;
  self->progress.progress_monitor = progress_monitor;
  self->cinfo.progress = &self->progress;

  if (!open_source (&self->source, image, error))
    {
      jpeg_decoder_free (&self->parent);
      return NULL;
    }

  if (setjmp (self->error.jump))
    {
      set_decode_error (self, error);
      jpeg_decoder_free (&self->parent);
      return NULL;
    }

  self->cinfo.src = &self->source.pub;
  jpeg_save_markers (&self->cinfo, JPEG_APP0 + 2, 0xffff);
  jpeg_read_header (&self->cinfo, TRUE);

  if (!mockup_image_check_size (image, self->cinfo.image_width, self->cinfo.image_height, error))
    {
      jpeg_decoder_free (&self->parent);
      return NULL;
    }

  switch (self->cinfo.jpeg_color_space)
    {
    case JCS_CMYK:
    case JCS_YCCK:
      out_space = JCS_CMYK;
      self->layout = self->cinfo.saw_Adobe_marker ? MOCKUP_PIXELS_CMYK8_INVERTED : MOCKUP_PIXELS_CMYK8;
      break;
    case JCS_GRAYSCALE:
      out_space = JCS_GRAYSCALE;
      self->layout = MOCKUP_PIXELS_GRAY8;
      break;
    default:
      out_space = MOCKUP_JCS_ARGB32;
      self->layout = MOCKUP_PIXELS_ARGB32;
      break;
    }

  if (jpeg_read_icc_profile (&self->cinfo, &self->icc, &icc_length) && icc_length > 0)
    {
      g_autoptr(GError) icc_error = NULL;

      self->transform = mockup_color_transform_new (self->icc, icc_length, self->layout, &icc_error);
      if (icc_error != NULL)
        g_debug ("%s: %s; treating it as sRGB", image->display_name, icc_error->message);
    }
  free (self->icc);
  self->icc = NULL;

  /* Without a profile, grey is decoded straight to Cairo's order. */
  if (self->layout == MOCKUP_PIXELS_GRAY8 && self->transform == NULL)
    {
      out_space = MOCKUP_JCS_ARGB32;
      self->layout = MOCKUP_PIXELS_ARGB32;
    }

  num = mockup_jpeg_choose_scale ((int) self->cinfo.image_width, (int) self->cinfo.image_height,
                                  min_width, min_height);
  self->cinfo.out_color_space = out_space;
  self->cinfo.scale_num = (unsigned int) num;
  self->cinfo.scale_denom = 8;
  self->cinfo.dct_method = JDCT_ISLOW;
  /* Fancy upsampling is what makes chroma edges smooth; keep it. */
  self->cinfo.do_fancy_upsampling = TRUE;

  jpeg_start_decompress (&self->cinfo);
  self->started = TRUE;

  self->parent.width = (int) self->cinfo.output_width;
  self->parent.height = (int) self->cinfo.output_height;
  /* straight to Cairo's byte order when no colour conversion is needed */
  if (self->layout == MOCKUP_PIXELS_ARGB32 && self->transform == NULL)
    {
      self->parent.raw_row_size = (gsize) self->cinfo.output_width * 4;
      self->parent.convert = NULL;
    }
  else
    {
      self->parent.raw_row_size = (gsize) self->cinfo.output_width * self->cinfo.output_components;
      self->parent.convert = jpeg_decoder_convert;
    }

  return &self->parent;
}
