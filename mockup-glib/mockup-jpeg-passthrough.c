/* mockup-jpeg-passthrough.c: JPEG out with only the changed blocks coded
 * again
 *
 * A mockup changes a part of its photo, often a fifth; coding the whole
 * photo again costs time on every pixel and a generation of loss on the
 * ones the render did not touch. Here the photo's quantised DCT
 * coefficients are read once (libjpeg-turbo's jpeg_read_coefficients ()),
 * the MCUs that some layer can reach are decoded to pixels with our own
 * inverse DCT, the band renderer composites over them, and each MCU whose
 * pixels changed is transformed and quantised again with the photo's own
 * tables and sampling; jpeg_write_coefficients () then writes every block,
 * so outside the changed MCUs the output's coefficients are the photo's.
 *
 * libjpeg-turbo keeps the coefficients of the whole image in memory (its
 * memory manager has no backing store): 2 bytes × 64 a block, 18 MB for a
 * 3000 × 2000 4:2:0 photo. That is counted in the render's memory estimate.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mockup-color-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"
#include "mockup-jpeg-passthrough-private.h"
#include "mockup-jpeg-private.h"

#include <jerror.h>
#include "mockup-template-private.h"

/* Above this share of marked MCUs the path saves too little to be worth
 * its memory: today's path is taken. */
#define MAX_MARKED_SHARE 0.75

struct _MockupJpegPassthrough
{
  MockupTemplate *template;
  const MockupRenderSettings *settings;
  const MockupImageRef *photo;
  GCancellable *cancellable;
  GBytes *bytes;
  int width, height;

  struct jpeg_decompress_struct src;
  MockupJpegError error;
  struct jpeg_progress_mgr progress;
  gboolean src_created;
  gboolean cancelled;
  jvirt_barray_ptr *coefs;

  int mcu_w, mcu_h;             /* pixels */
  int mcus_x, mcus_y;
  int hs[3], vs[3];             /* max sampling / component sampling: 1 or 2 */
  guint8 *marked;               /* mcus_x × mcus_y */
  guint32 *photo_band;          /* what decode_band () gave */
  gsize photo_stride;
  guint n_changed;
  gboolean has_icc;
};

static float dct_basis[8][8];   /* c(k)/2 cos ((2n + 1) k π / 16) */

static void
init_basis (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (int k = 0; k < 8; k++)
        for (int n = 0; n < 8; n++)
          dct_basis[k][n] = (float) ((k == 0 ? M_SQRT1_2 : 1.0) / 2.0 * cos ((2 * n + 1) * k * M_PI / 16.0));
      g_once_init_leave (&done, 1);
    }
}

static const MockupImageRef *
bottom_photo (MockupTemplate *template)
{
  const MockupLayer *layer;

  if (_mockup_template_get_n_layers (template) == 0)
    return NULL;
  layer = _mockup_template_get_layer (template, 0);
  /* what the band renderer lets replace the band: see prepare_layers () */
  if (layer->kind != MOCKUP_LAYER_IMAGE || layer->blend != MOCKUP_BLEND_NORMAL ||
      layer->opacity < 1.0 || layer->mask != NULL || layer->source->info.has_alpha)
    return NULL;
  return layer->source;
}

gboolean
mockup_jpeg_passthrough_may_apply (const MockupRenderSettings  *settings,
                                   MockupTemplate              *template,
                                   const char                 **reason)
{
  const MockupImageRef *photo = bottom_photo (template);
  const char *why = NULL;

  if (!settings->jpeg_passthrough)
    why = "turned off";
  else if (settings->format != MOCKUP_FORMAT_JPEG)
    why = "the output is not JPEG";
  else if (settings->linear_light)
    why = "linear-light colour handling";
  else if (photo == NULL)
    why = "the bottom layer is not an opaque, unmasked, normal image";
  else if (photo->info.kind != MOCKUP_IMAGE_KIND_JPEG)
    why = "the photo is not a JPEG";
  else if (photo->info.orientation > 1)
    why = "the photo has an EXIF orientation";
  else if (photo->info.width != mockup_template_get_width (template) ||
           photo->info.height != mockup_template_get_height (template))
    why = "the photo is scaled to the template's size";
  else
    {
      int w, h;

      mockup_band_renderer_get_size (settings, template, &w, &h);
      if (w != photo->info.width || h != photo->info.height)
        why = "the output is scaled";
    }

  if (reason != NULL)
    *reason = why;
  return why == NULL;
}

gsize
mockup_jpeg_passthrough_estimate_memory (const MockupRenderSettings *settings,
                                         MockupTemplate             *template)
{
  const MockupImageRef *photo;
  gsize blocks;

  if (!mockup_jpeg_passthrough_may_apply (settings, template, NULL))
    return 0;
  photo = bottom_photo (template);
  /* luma blocks, and chroma as if it were not subsampled: the header is
   * not read here */
  blocks = (gsize) ((photo->info.width + 15) / 8) * ((photo->info.height + 15) / 8);
  return blocks * 3 * sizeof (JBLOCK) + (gsize) photo->info.width * 32 * 4;
}

/* libjpeg's source for bytes in memory; running out is an error, not the
 * grey padding libjpeg's own jpeg_mem_src () gives a truncated file. */
static void
init_source (j_decompress_ptr cinfo)
{
}

static boolean
fill_input_buffer (j_decompress_ptr cinfo)
{
  ERREXIT (cinfo, JERR_INPUT_EOF);
  return FALSE;
}

static void
skip_input_data (j_decompress_ptr cinfo,
                 long             n)
{
  struct jpeg_source_mgr *src = cinfo->src;

  if (n <= 0)
    return;
  if ((size_t) n > src->bytes_in_buffer)
    ERREXIT (cinfo, JERR_INPUT_EOF);
  src->next_input_byte += n;
  src->bytes_in_buffer -= (size_t) n;
}

static void
term_source (j_decompress_ptr cinfo)
{
}

static void
progress_monitor (j_common_ptr cinfo)
{
  MockupJpegPassthrough *self = cinfo->client_data;
  j_decompress_ptr d = (j_decompress_ptr) cinfo;

  if (d->input_scan_number > MOCKUP_JPEG_MAX_SCANS)
    {
      g_snprintf (self->error.message, sizeof self->error.message,
                  "more than %d scans", MOCKUP_JPEG_MAX_SCANS);
      longjmp (self->error.jump, 1);
    }
  if (g_cancellable_is_cancelled (self->cancellable))
    {
      self->cancelled = TRUE;
      longjmp (self->error.jump, 1);
    }
}

static void
emit_message (j_common_ptr cinfo,
              int          level)
{
  /* warnings on recoverable corruption: as the JPEG decoder does */
}

static void
set_error (MockupJpegPassthrough  *self,
           GError                **error)
{
  if (self->cancelled)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s: cancelled",
                 _mockup_template_get_label (self->template));
  else
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE, "%s: %s: %s: %s",
                 _mockup_template_get_label (self->template), self->photo->member,
                 self->photo->source.display_name, self->error.message);
}

/* The IJG quality whose scaled tables are nearest the luma table. */
static int
estimate_quality (const JQUANT_TBL *table)
{
  static const unsigned int std_luma[64] = {
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99
  };
  double sum = 0.0, scale;

  if (table == NULL)
    return 0;
  for (int i = 0; i < 64; i++)
    sum += table->quantval[i] * 100.0 / std_luma[i];
  scale = sum / 64.0;
  if (scale <= 0.0)
    return 100;
  return CLAMP ((int) lrint (scale <= 100.0 ? (200.0 - scale) / 2.0 : 5000.0 / scale), 1, 100);
}

static gboolean
icc_is_srgb (j_decompress_ptr cinfo,
             gboolean        *has_icc)
{
  JOCTET *icc = NULL;
  unsigned int length = 0;
  GBytes *srgb = mockup_color_get_srgb_profile ();
  gboolean same;

  *has_icc = jpeg_read_icc_profile (cinfo, &icc, &length) && length > 0;
  if (!*has_icc)
    {
      free (icc);
      return TRUE;
    }
  same = srgb != NULL && g_bytes_get_size (srgb) == length &&
         memcmp (g_bytes_get_data (srgb, NULL), icc, length) == 0;
  free (icc);
  return same;
}

/* FALSE with @reason when the photo does not suit, without when it is bad */
static gboolean
read_header (MockupJpegPassthrough  *self,
             const char            **reason,
             GError                **error)
{
  const MockupRenderSettings *settings = self->settings;
  MockupTemplate *template = self->template;
  j_decompress_ptr cinfo = &self->src;
  int max_h, max_v;

  cinfo->err = jpeg_std_error (&self->error.pub);
  self->error.pub.error_exit = mockup_jpeg_error_exit;
  self->error.pub.emit_message = emit_message;
  if (setjmp (self->error.jump))
    {
      set_error (self, error);
      return FALSE;
    }
  jpeg_create_decompress (cinfo);
  self->src_created = TRUE;
  cinfo->client_data = self;
  self->progress.progress_monitor = progress_monitor;
  cinfo->progress = &self->progress;

  cinfo->src = (struct jpeg_source_mgr *) cinfo->mem->alloc_small ((j_common_ptr) cinfo, JPOOL_PERMANENT,
                                                                   sizeof (struct jpeg_source_mgr));
  cinfo->src->init_source = init_source;
  cinfo->src->fill_input_buffer = fill_input_buffer;
  cinfo->src->skip_input_data = skip_input_data;
  cinfo->src->resync_to_restart = jpeg_resync_to_restart;
  cinfo->src->term_source = term_source;
  cinfo->src->next_input_byte = g_bytes_get_data (self->bytes, &cinfo->src->bytes_in_buffer);

  /* every marker goes to the output as it was */
  jpeg_save_markers (cinfo, JPEG_COM, 0xffff);
  for (int m = 0; m < 16; m++)
    jpeg_save_markers (cinfo, JPEG_APP0 + m, 0xffff);
  jpeg_read_header (cinfo, TRUE);

  if ((int) cinfo->image_width != self->width || (int) cinfo->image_height != self->height)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
                   "%s: %s: %s: the file changed since the template was loaded",
                   _mockup_template_get_label (template), self->photo->member,
                   self->photo->source.display_name);
      return FALSE;
    }
  if (cinfo->num_components != 3 || cinfo->jpeg_color_space != JCS_YCbCr)
    {
      *reason = "the photo is not YCbCr (greyscale, CMYK or RGB)";
      return FALSE;
    }
  if (cinfo->data_precision != 8)
    {
      *reason = "the photo is not 8 bits a sample";
      return FALSE;
    }
  if (!icc_is_srgb (cinfo, &self->has_icc))
    {
      *reason = "the photo's colour profile is not the sRGB profile renders are tagged with";
      return FALSE;
    }
  if (estimate_quality (cinfo->quant_tbl_ptrs[cinfo->comp_info[0].quant_tbl_no]) <
      (int) settings->quality)
    {
      *reason = "the photo's quality is below the one asked for";
      return FALSE;
    }

  max_h = cinfo->max_h_samp_factor;
  max_v = cinfo->max_v_samp_factor;
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &cinfo->comp_info[c];

      if (max_h % comp->h_samp_factor != 0 || max_v % comp->v_samp_factor != 0 ||
          max_h / comp->h_samp_factor > 2 || max_v / comp->v_samp_factor > 2)
        {
          *reason = "the photo's chroma sampling is not 1 or 2 in each direction";
          return FALSE;
        }
      self->hs[c] = max_h / comp->h_samp_factor;
      self->vs[c] = max_v / comp->v_samp_factor;
    }
  self->mcu_w = 8 * max_h;
  self->mcu_h = 8 * max_v;
  self->mcus_x = (self->width + self->mcu_w - 1) / self->mcu_w;
  self->mcus_y = (self->height + self->mcu_h - 1) / self->mcu_h;
  self->marked = g_new0 (guint8, (gsize) self->mcus_x * self->mcus_y);

  return TRUE;
}

MockupJpegPassthrough *
mockup_jpeg_passthrough_new (const MockupRenderSettings  *settings,
                             MockupTemplate              *template,
                             GCancellable                *cancellable,
                             const char                 **reason,
                             GError                     **error)
{
  g_autoptr(MockupJpegPassthrough) self = NULL;

  *reason = NULL;
  if (!mockup_jpeg_passthrough_may_apply (settings, template, reason))
    return NULL;

  self = g_new0 (MockupJpegPassthrough, 1);
  self->template = g_object_ref (template);
  self->settings = settings;
  self->photo = bottom_photo (template);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  self->width = self->photo->info.width;
  self->height = self->photo->info.height;
  init_basis ();

  self->bytes = mockup_image_source_load_bytes (&self->photo->source, error);
  if (self->bytes == NULL)
    {
      g_prefix_error (error, "%s: %s: ", _mockup_template_get_label (template), self->photo->member);
      return NULL;
    }
  if (!read_header (self, reason, error))
    return NULL;
  return g_steal_pointer (&self);
}

void
mockup_jpeg_passthrough_mark_rect (MockupJpegPassthrough *self,
                                   int                    x0,
                                   int                    y0,
                                   int                    x1,
                                   int                    y1)
{
  int mx0, my0, mx1, my1;

  x0 = CLAMP (x0, 0, self->width);
  x1 = CLAMP (x1, 0, self->width);
  y0 = CLAMP (y0, 0, self->height);
  y1 = CLAMP (y1, 0, self->height);
  if (x1 <= x0 || y1 <= y0)
    return;
  mx0 = x0 / self->mcu_w;
  my0 = y0 / self->mcu_h;
  mx1 = (x1 - 1) / self->mcu_w;
  my1 = (y1 - 1) / self->mcu_h;
  for (int my = my0; my <= my1; my++)
    memset (self->marked + (gsize) my * self->mcus_x + mx0, 1, (gsize) (mx1 - mx0 + 1));
}

static guint8
luminance (guint32 p)
{
  return (guint8) ((54 * MOCKUP_R (p) + 183 * MOCKUP_G (p) + 19 * MOCKUP_B (p) + 128) >> 8);
}

/* The MCUs where @ref, read at the output size, is not zero: its alpha,
 * or its mask value. */
static GBytes *
make_block_map (MockupJpegPassthrough  *self,
                const MockupImageRef   *ref,
                gboolean                as_mask,
                const MockupLayer      *layer,
                GError                **error)
{
  g_autoptr(MockupImageReader) reader = NULL;
  g_autofree guint32 *row = NULL;
  guint8 *map = g_new0 (guint8, (gsize) self->mcus_x * self->mcus_y);

  reader = mockup_image_reader_new_full (&ref->source, &ref->info, self->width, self->height,
                                         MOCKUP_IMAGE_READER_NONE, self->cancellable, error);
  if (reader == NULL)
    goto fail;
  row = g_new (guint32, self->width);
  for (int y = 0; y < self->height; y++)
    {
      guint8 *mrow = map + (gsize) (y / self->mcu_h) * self->mcus_x;

      if (!mockup_image_reader_read_row (reader, row, error))
        goto fail;
      for (int x = 0; x < self->width; x++)
        {
          guint8 v;

          if (!as_mask)
            v = MOCKUP_A (row[x]);
          else
            {
              v = layer->mask_mode == MOCKUP_MASK_ALPHA ? MOCKUP_A (row[x]) : luminance (row[x]);
              if (layer->mask_invert)
                v = 255 - v;
            }
          if (v != 0)
            mrow[x / self->mcu_w] = 1;
        }
    }
  return g_bytes_new_take (map, (gsize) self->mcus_x * self->mcus_y);

fail:
  g_prefix_error (error, "%s: %s: ", _mockup_template_get_label (self->template), ref->member);
  g_free (map);
  return NULL;
}

static GMutex block_map_lock;

/* A block map, made once and kept with the template under a key that
 * says which image, at what size, in what MCUs. */
static GBytes *
get_block_map (MockupJpegPassthrough  *self,
               guint                   index,
               const MockupImageRef   *ref,
               gboolean                as_mask,
               GError                **error)
{
  const MockupLayer *layer = _mockup_template_get_layer (self->template, index);
  g_autofree char *key = g_strdup_printf ("mockup-jpeg-passthrough-map:%u:%d:%dx%d:%dx%d", index, as_mask,
                                          self->width, self->height, self->mcu_w, self->mcu_h);
  GBytes *map;

  g_mutex_lock (&block_map_lock);
  map = g_object_get_data (G_OBJECT (self->template), key);
  if (map != NULL)
    g_bytes_ref (map);
  g_mutex_unlock (&block_map_lock);
  if (map != NULL)
    return map;

  /* made outside the lock: two renders may both make it, and one wins */
  map = make_block_map (self, ref, as_mask, layer, error);
  if (map == NULL)
    return NULL;
  g_mutex_lock (&block_map_lock);
  g_object_set_data_full (G_OBJECT (self->template), key, g_bytes_ref (map),
                          (GDestroyNotify) g_bytes_unref);
  g_mutex_unlock (&block_map_lock);
  return map;
}

gboolean
mockup_jpeg_passthrough_mark_layer (MockupJpegPassthrough  *self,
                                    guint                   index,
                                    GCancellable           *cancellable,
                                    GError                **error)
{
  const MockupLayer *layer = _mockup_template_get_layer (self->template, index);
  g_autoptr(GBytes) source_map = NULL;
  g_autoptr(GBytes) mask_map = NULL;
  const guint8 *a, *b;
  gsize n = (gsize) self->mcus_x * self->mcus_y;

  if (layer->opacity <= 0.0)
    return TRUE;
  if (layer->kind == MOCKUP_LAYER_IMAGE && layer->source->info.has_alpha)
    {
      source_map = get_block_map (self, index, layer->source, FALSE, error);
      if (source_map == NULL)
        return FALSE;
    }
  if (layer->mask != NULL)
    {
      mask_map = get_block_map (self, index, layer->mask, TRUE, error);
      if (mask_map == NULL)
        return FALSE;
    }

  a = source_map != NULL ? g_bytes_get_data (source_map, NULL) : NULL;
  b = mask_map != NULL ? g_bytes_get_data (mask_map, NULL) : NULL;
  for (gsize i = 0; i < n; i++)
    if ((a == NULL || a[i]) && (b == NULL || b[i]))
      self->marked[i] = 1;
  return TRUE;
}

gboolean
mockup_jpeg_passthrough_start (MockupJpegPassthrough  *self,
                               const char            **reason,
                               GError                **error)
{
  gsize n = (gsize) self->mcus_x * self->mcus_y, marked = 0;

  *reason = NULL;
  for (gsize i = 0; i < n; i++)
    marked += self->marked[i];
  if (marked > MAX_MARKED_SHARE * n)
    {
      *reason = "a layer can change more than 3/4 of the photo's blocks";
      return FALSE;
    }

  if (setjmp (self->error.jump))
    {
      set_error (self, error);
      return FALSE;
    }
  self->coefs = jpeg_read_coefficients (&self->src);
  /* every scan is read, and jpeg_finish_decompress () is never called: the
   * file's bytes are not needed any more */
  self->src.src->next_input_byte = NULL;
  self->src.src->bytes_in_buffer = 0;
  g_clear_pointer (&self->bytes, g_bytes_unref);

  /* a band is 32 rows, which MCU rows (8, 16 or 32) divide */
  self->photo_stride = (gsize) self->mcus_x * self->mcu_w;
  self->photo_band = g_new (guint32, self->photo_stride * MAX (32, self->mcu_h));
  return TRUE;
}

gboolean
mockup_jpeg_passthrough_band_marked (MockupJpegPassthrough *self,
                                     int                    y,
                                     int                    n)
{
  int my1 = MIN (self->mcus_y - 1, (y + n - 1) / self->mcu_h);

  for (int my = y / self->mcu_h; my <= my1; my++)
    if (memchr (self->marked + (gsize) my * self->mcus_x, 1, (gsize) self->mcus_x) != NULL)
      return TRUE;
  return FALSE;
}

static inline guint8
clamp_sample (float v)
{
  return (guint8) (v <= 0.0f ? 0 : v >= 255.0f ? 255 : (int) (v + 0.5f));
}

/* Dequantised block → 64 samples, level shifted back. */
static void
idct_block (const JCOEF       *coef,
            const UINT16      *quant,
            float              out[64])
{
  float tmp[64];

  /* rows of frequencies along v: tmp[v][x] = Σu F[v][u] M[u][x] */
  for (int v = 0; v < 8; v++)
    {
      float f[8];
      gboolean any = FALSE;

      for (int u = 0; u < 8; u++)
        {
          f[u] = (float) coef[v * 8 + u] * quant[v * 8 + u];
          any |= coef[v * 8 + u] != 0;
        }
      for (int x = 0; x < 8; x++)
        {
          float s = 0.0f;

          if (any)
            for (int u = 0; u < 8; u++)
              s += f[u] * dct_basis[u][x];
          tmp[v * 8 + x] = s;
        }
    }
  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      {
        float s = 0.0f;

        for (int v = 0; v < 8; v++)
          s += tmp[v * 8 + x] * dct_basis[v][y];
        out[y * 8 + x] = s + 128.0f;
      }
}

static void
fdct_block (const float   in[64],
            const UINT16 *quant,
            JCOEF        *coef)
{
  float tmp[64];

  for (int y = 0; y < 8; y++)
    for (int u = 0; u < 8; u++)
      {
        float s = 0.0f;

        for (int x = 0; x < 8; x++)
          s += (in[y * 8 + x] - 128.0f) * dct_basis[u][x];
        tmp[y * 8 + u] = s;
      }
  for (int v = 0; v < 8; v++)
    for (int u = 0; u < 8; u++)
      {
        float s = 0.0f;

        for (int y = 0; y < 8; y++)
          s += tmp[y * 8 + u] * dct_basis[v][y];
        coef[v * 8 + u] = (JCOEF) lrintf (s / quant[v * 8 + u]);
      }
}

/* The blocks of component @c in MCU row @my: its block rows, writable. */
static JBLOCKARRAY
component_rows (MockupJpegPassthrough *self,
                int                    c,
                int                    my,
                boolean                writable)
{
  jpeg_component_info *comp = &self->src.comp_info[c];

  return self->src.mem->access_virt_barray ((j_common_ptr) &self->src, self->coefs[c],
                                            (JDIMENSION) (my * comp->v_samp_factor),
                                            (JDIMENSION) comp->v_samp_factor, writable);
}

/* One MCU's samples of component @c, at its own resolution, into a
 * (16 × 16 at most) plane of MCU pixels: replicated where subsampled. */
static void
decode_mcu (MockupJpegPassthrough *self,
            int                    my,
            int                    mx,
            float                  planes[3][32 * 32])
{
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &self->src.comp_info[c];
      JBLOCKARRAY rows = component_rows (self, c, my, FALSE);
      const UINT16 *quant = comp->quant_table->quantval;

      for (int by = 0; by < comp->v_samp_factor; by++)
        for (int bx = 0; bx < comp->h_samp_factor; bx++)
          {
            float block[64];

            idct_block (rows[by][mx * comp->h_samp_factor + bx], quant, block);
            for (int y = 0; y < 8; y++)
              for (int x = 0; x < 8; x++)
                for (int dy = 0; dy < self->vs[c]; dy++)
                  for (int dx = 0; dx < self->hs[c]; dx++)
                    {
                      int py = (by * 8 + y) * self->vs[c] + dy;
                      int px = (bx * 8 + x) * self->hs[c] + dx;

                      planes[c][py * self->mcu_w + px] = block[y * 8 + x];
                    }
          }
    }
}

void
mockup_jpeg_passthrough_decode_band (MockupJpegPassthrough *self,
                                     int                    y,
                                     int                    n,
                                     guint32               *band,
                                     gsize                  stride)
{
  int my1 = MIN (self->mcus_y - 1, (y + n - 1) / self->mcu_h);

  for (int my = y / self->mcu_h; my <= my1; my++)
    for (int mx = 0; mx < self->mcus_x; mx++)
      {
        float planes[3][32 * 32];
        int oy = my * self->mcu_h - y, ox = mx * self->mcu_w;

        if (!self->marked[(gsize) my * self->mcus_x + mx])
          continue;
        decode_mcu (self, my, mx, planes);
        for (int py = 0; py < self->mcu_h; py++)
          for (int px = 0; px < self->mcu_w; px++)
            {
              int i = py * self->mcu_w + px;
              float Y = planes[0][i], cb = planes[1][i] - 128.0f, cr = planes[2][i] - 128.0f;
              guint32 p = MOCKUP_ARGB (255, clamp_sample (Y + 1.402f * cr),
                                       clamp_sample (Y - 0.344136f * cb - 0.714136f * cr),
                                       clamp_sample (Y + 1.772f * cb));

              self->photo_band[(gsize) (oy + py) * self->photo_stride + ox + px] = p;
              if (oy + py < n && ox + px < self->width)
                band[(gsize) (oy + py) * stride + ox + px] = p;
            }
      }
}

static void
encode_mcu (MockupJpegPassthrough *self,
            int                    my,
            int                    mx,
            float                  planes[3][32 * 32])
{
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &self->src.comp_info[c];
      JBLOCKARRAY rows = component_rows (self, c, my, TRUE);
      const UINT16 *quant = comp->quant_table->quantval;
      float k = 1.0f / (self->hs[c] * self->vs[c]);

      for (int by = 0; by < comp->v_samp_factor; by++)
        for (int bx = 0; bx < comp->h_samp_factor; bx++)
          {
            float block[64];

            /* box downsampling: the inverse of decode_mcu ()'s replication,
             * so that a block nothing covered comes back to its samples */
            for (int y = 0; y < 8; y++)
              for (int x = 0; x < 8; x++)
                {
                  float s = 0.0f;

                  for (int dy = 0; dy < self->vs[c]; dy++)
                    for (int dx = 0; dx < self->hs[c]; dx++)
                      {
                        int py = (by * 8 + y) * self->vs[c] + dy;
                        int px = (bx * 8 + x) * self->hs[c] + dx;

                        s += planes[c][py * self->mcu_w + px];
                      }
                  block[y * 8 + x] = s * k;
                }
            fdct_block (block, quant, rows[by][mx * comp->h_samp_factor + bx]);
          }
    }
}

void
mockup_jpeg_passthrough_encode_band (MockupJpegPassthrough *self,
                                     int                    y,
                                     int                    n,
                                     const guint32         *band,
                                     gsize                  stride)
{
  int my1 = MIN (self->mcus_y - 1, (y + n - 1) / self->mcu_h);

  for (int my = y / self->mcu_h; my <= my1; my++)
    for (int mx = 0; mx < self->mcus_x; mx++)
      {
        float planes[3][32 * 32];
        int oy = my * self->mcu_h - y, ox = mx * self->mcu_w;
        int rows = MIN (self->mcu_h, n - oy), cols = MIN (self->mcu_w, self->width - ox);
        gboolean changed = FALSE;

        if (!self->marked[(gsize) my * self->mcus_x + mx])
          continue;
        for (int py = 0; py < rows && !changed; py++)
          changed = memcmp (band + (gsize) (oy + py) * stride + ox,
                            self->photo_band + (gsize) (oy + py) * self->photo_stride + ox,
                            (gsize) cols * 4) != 0;
        if (!changed)
          continue;

        /* past the image's edge, the edge pixels again, as an encoder pads */
        for (int py = 0; py < self->mcu_h; py++)
          for (int px = 0; px < self->mcu_w; px++)
            {
              guint32 p = band[(gsize) (oy + MIN (py, rows - 1)) * stride + ox + MIN (px, cols - 1)];
              float r = MOCKUP_R (p), g = MOCKUP_G (p), b = MOCKUP_B (p);
              int i = py * self->mcu_w + px;

              planes[0][i] = 0.299f * r + 0.587f * g + 0.114f * b;
              planes[1][i] = -0.168736f * r - 0.331264f * g + 0.5f * b + 128.0f;
              planes[2][i] = 0.5f * r - 0.418688f * g - 0.081312f * b + 128.0f;
            }
        encode_mcu (self, my, mx, planes);
        self->n_changed++;
      }
}

static gboolean
is_jfif (jpeg_saved_marker_ptr m)
{
  return m->marker == JPEG_APP0 && m->data_length >= 5 && memcmp (m->data, "JFIF", 5) == 0;
}

static gboolean
is_adobe (jpeg_saved_marker_ptr m)
{
  return m->marker == JPEG_APP0 + 14 && m->data_length >= 5 && memcmp (m->data, "Adobe", 5) == 0;
}

GBytes *
mockup_jpeg_passthrough_finish (MockupJpegPassthrough  *self,
                                GError                **error)
{
  struct jpeg_compress_struct dst;
  MockupJpegError dst_error;
  unsigned char *volatile data = NULL;
  unsigned long size = 0;
  GBytes *srgb = mockup_color_get_srgb_profile ();

  dst.err = jpeg_std_error (&dst_error.pub);
  dst_error.pub.error_exit = mockup_jpeg_error_exit;
  if (setjmp (dst_error.jump))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED, "%s: JPEG encoder: %s",
                   _mockup_template_get_label (self->template), dst_error.message);
      jpeg_destroy_compress (&dst);
      free (data);
      return NULL;
    }
  jpeg_create_compress (&dst);
  jpeg_mem_dest (&dst, (unsigned char **) &data, &size);
  jpeg_copy_critical_parameters (&self->src, &dst);
  dst.restart_interval = self->src.restart_interval;
  if (self->src.progressive_mode)
    jpeg_simple_progression (&dst);
  jpeg_write_coefficients (&dst, self->coefs);

  for (jpeg_saved_marker_ptr m = self->src.marker_list; m != NULL; m = m->next)
    {
      if ((dst.write_JFIF_header && is_jfif (m)) || (dst.write_Adobe_marker && is_adobe (m)))
        continue;
      jpeg_write_marker (&dst, m->marker, m->data, m->data_length);
    }
  /* tagged as today's path tags it: an untagged photo is taken as sRGB */
  if (!self->has_icc && srgb != NULL)
    jpeg_write_icc_profile (&dst, g_bytes_get_data (srgb, NULL), (unsigned int) g_bytes_get_size (srgb));

  jpeg_finish_compress (&dst);
  jpeg_destroy_compress (&dst);
  g_debug ("%s: JPEG pass-through: %u of %d MCUs coded again",
           _mockup_template_get_label (self->template), self->n_changed, self->mcus_x * self->mcus_y);
  return g_bytes_new_with_free_func (data, size, free, data);
}

void
mockup_jpeg_passthrough_free (MockupJpegPassthrough *self)
{
  if (self == NULL)
    return;
  if (self->src_created)
    {
      /* jpeg_abort, not finish: the rest of the file is not needed */
      jpeg_destroy_decompress (&self->src);
    }
  g_clear_object (&self->template);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_free (self->marked);
  g_free (self->photo_band);
  g_free (self);
}
