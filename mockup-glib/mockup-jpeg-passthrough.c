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

#include <sys/mman.h>
#include <unistd.h>

#include "mockup-buffer-private.h"
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

#define SKIP_BITS 10
#define SKIP2_BITS 12

#if defined(__GNUC__)
#define ALWAYS_INLINE __attribute__ ((always_inline))
#else
#define ALWAYS_INLINE
#endif

static void init_scales (MockupJpegPassthrough *self);

/* A Huffman table both ways: decoding by a 9-bit look-ahead, then the
 * canonical codes of each length; coding by a code and length a symbol. */
typedef struct
{
  guint16 lookup[512];          /* symbol << 4 | length, 0: longer than 9 bits */
  /* skipping AC coefficients by a 10-bit look-ahead: the code's length
   * plus its value's (bits 0-4), the zigzag positions it moves on (bits
   * 5-11), whether it ends the block (bit 12); 0: a longer code */
  guint16 skip[1 << SKIP_BITS];
  /* skipping the whole codes and values a 12-bit look-ahead holds, one or
   * more: their bits (0-3), positions (4-10), whether the last ends the
   * block (11); 0: not even one */
  guint16 skip2[1 << SKIP2_BITS];
  int maxcode[18];              /* largest code of each length, -1: none */
  int valoffset[18];
  guint8 values[256];
  guint16 code[256];
  guint8 size[256];             /* 0: the symbol has no code */
} Huffman;

typedef struct
{
  const guint8 *data;
  gsize length, pos;
  /* the next n_bits bits, at the top; below them zeros, or the bytes that
   * follow, which a refill puts there again (ORs the same bits) */
  guint64 bits;
  int n_bits;
  gboolean marker;              /* stopped at a marker */
  int padded;                   /* zero bytes fed past it, or past the end */
  guint64 fed;                  /* bits put into the buffer: taken + n_bits */
} BitReader;

#define reader_consumed(r) ((r)->fed - (guint64) (r)->n_bits)

typedef struct
{
  guint8 *data;                 /* a mockup_buffer_alloc () of size bytes */
  gsize size;
  gsize length;                 /* written */
  guint8 *next;                 /* where the next byte goes, between
                                 * writer_reserve () and writer_commit () */
  guint64 bits;
  int n_bits;
} BitWriter;

/* Where an MCU's bits are in the photo, and the DC predictions they were
 * coded against: an MCU left as it was is copied bit for bit when the
 * output's predictions are the same; else each component's first DC
 * difference is coded again and the bits between them copied. Positions
 * are reader_consumed () values. */
typedef struct
{
  BitReader start;
  guint64 dc_start[3];          /* of each component's first block */
  guint64 dc_end[3];            /* the end of that block's DC value */
  guint64 end;                  /* the start of the next MCU */
  int dc[3];                    /* the predictions before the MCU */
  int first_dc[3];              /* each component's first block's DC */
  int last_dc[3];               /* the predictions after the MCU */
  int n_mcus;                   /* 1, or more MCUs left as they are */
  gboolean changed;
} McuSpan;

/* Where an MCU of the photo starts in its entropy-coded data: the
 * reader's state and the DC predictions there. Kept with the template
 * for every 16th MCU of each row, they let a later render of it skip the
 * bands it does not touch, and the unmarked stretches of the bands it
 * does, without parsing them. */
typedef struct
{
  guint64 pos;                  /* BitReader.pos */
  guint64 bits;
  guint64 fed;
  gint32 n_bits, padded, marker;
  gint32 dc[3];
  guint8 peek[8];               /* the file's bytes at pos, to check it */
} BandStart;

typedef struct
{
  guint64 length;               /* of the file */
  guint header_hash;            /* of its header, tables included */
  int mcus_x, mcus_y, n_groups; /* n_groups a row: MCUs 0, CACHE_GROUP... */
  /* mcus_y × n_groups, then the end: where each MCU row starts, and
   * every CACHE_GROUP-th MCU in it */
  BandStart starts[];
} BandCache;

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
  gsize photo_band_size, ring_size, spans_size;
  gsize photo_stride;
  guint n_changed;
  gboolean has_icc;
  /* each component's quantiser with the AAN factors folded in: times
   * the coefficient for the inverse DCT, times the sum for the forward */
  float idct_scale[3][64];
  float fdct_scale[3][64];

  /* A baseline photo is streamed: its entropy-coded data is decoded one
   * band of MCU rows at a time into a ring, and coded again with its own
   * Huffman tables behind its own header; no whole-image arrays. */
  gboolean streaming;
  JBLOCK *ring;                 /* ring_rows MCU rows of blocks_in_mcu blocks an MCU */
  int ring_rows;
  int blocks_in_mcu;
  int block_offset[3];          /* of each component's blocks in an MCU */
  gsize header_size;            /* of the file, up to the entropy-coded data */
  Huffman *dc[3], *ac[3];       /* each component's tables */
  Huffman tables[8];
  BitReader in;
  BitWriter out;
  int in_dc[3], out_dc[3];      /* DC predictions */
  McuSpan *spans;               /* of each MCU in the ring */
  guintptr dropped;             /* the photo's pages up to here went back */
  /* a band no layer changes, whose first MCU has the same DC predictions
   * in the output as in the photo: its bits are copied whole */
  gboolean band_whole;
  McuSpan band_first;           /* its first MCU, coded again when the
                                 * output's predictions differ */
  guint64 band_end;
  int in_mcus, out_mcus;        /* coded MCUs, for restart intervals */
  /* the template's band starts, when an earlier render left them */
  GBytes *cache_bytes;
  const BandCache *cache;
  /* else those of this render, left with the template at the end */
  BandCache *collect;
  gsize collect_size;
  int collect_next;             /* the start to record next */
  int n_cached;                 /* MCUs the cache let go unparsed */
  int next_restart;
};

/* the AAN factors: 1, then cos (k π / 16) √2 */
static float aan_factor[8];

static void
init_basis (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (int k = 0; k < 8; k++)
        aan_factor[k] = k == 0 ? 1.0f : (float) (cos (k * M_PI / 16.0) * M_SQRT2);
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
  /* a multi-scan photo is held whole by libjpeg-turbo (what codec_memory
   * says); a baseline one streams (unless its Huffman tables lack codes,
   * which the header check cannot tell: then this is short of the
   * coefficients) a band of blocks (chroma counted as if
   * not subsampled: the header is not read here) and of pixels */
  if (photo->info.codec_memory > 0)
    return photo->info.codec_memory + (gsize) photo->info.width * 32 * 4;
  blocks = (gsize) ((photo->info.width + 15) / 8) * (32 / 8);
  return blocks * 3 * sizeof (JBLOCK) + (gsize) photo->info.width * 32 * 4 * 2;
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
  /* libjpeg-turbo checks a component's table numbers only when it uses
   * them; we index with them first */
  for (int c = 0; c < 3; c++)
    if (cinfo->comp_info[c].quant_tbl_no < 0 || cinfo->comp_info[c].quant_tbl_no >= NUM_QUANT_TBLS)
      {
        *reason = "the photo's frame names a quantisation table that cannot exist";
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

void
mockup_jpeg_passthrough_mark_outline (MockupJpegPassthrough *self,
                                      const double          *outline,
                                      guint                  n_points,
                                      int                    margin)
{
  /* one pixel more than the antialiased edge can reach */
  double reach = margin + 1.0;

  for (int my = 0; my < self->mcus_y; my++)
    {
      double ya = my * self->mcu_h - reach, yb = (my + 1) * self->mcu_h + reach;
      double xmin = G_MAXDOUBLE, xmax = -G_MAXDOUBLE;

      for (guint i = 0; i < n_points; i++)
        {
          const double *p = outline + 2 * i, *q = outline + 2 * ((i + 1) % n_points);
          double t0 = 0.0, t1 = 1.0, dy = q[1] - p[1];

          /* the part of edge p→q within ya ≤ y ≤ yb */
          if (dy == 0.0)
            {
              if (p[1] < ya || p[1] > yb)
                continue;
            }
          else
            {
              double ta = (ya - p[1]) / dy, tb = (yb - p[1]) / dy;

              t0 = MAX (t0, MIN (ta, tb));
              t1 = MIN (t1, MAX (ta, tb));
              if (t0 > t1)
                continue;
            }
          for (int k = 0; k < 2; k++)
            {
              double x = p[0] + (k ? t1 : t0) * (q[0] - p[0]);

              xmin = MIN (xmin, x);
              xmax = MAX (xmax, x);
            }
        }
      if (xmin <= xmax)
        mockup_jpeg_passthrough_mark_rect (self, (int) floor (xmin - reach), my * self->mcu_h,
                                           (int) ceil (xmax + reach) + 1, (my + 1) * self->mcu_h);
    }
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

/* Streaming a baseline photo's entropy-coded data */

static const guint8 zigzag[64] = {
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5,
  12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
  35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51,
  58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63
};

/* Huffman.skip2: each look-ahead decoded greedily, as skip_ac () would,
 * while whole codes with their values fit */
static void
huffman_init_skip2 (Huffman *h)
{
  for (int index = 0; index < 1 << SKIP2_BITS; index++)
    {
      int pos = 0, adv = 0, eob = 0;

      while (!eob)
        {
          int len, code = 0, symbol, size, run;

          for (len = 1; len <= SKIP2_BITS - pos; len++)
            {
              code = (index >> (SKIP2_BITS - pos - len)) & ((1 << len) - 1);
              if (code <= h->maxcode[len])
                break;
            }
          if (len > SKIP2_BITS - pos)
            break;
          symbol = h->values[h->valoffset[len] + code];
          size = symbol & 15;
          run = symbol >> 4;
          if (pos + len + size > SKIP2_BITS)
            break;
          pos += len + size;
          if (size != 0)
            adv += run + 1;
          else if (run == 15)
            adv += 16;
          else
            eob = 1;
          if (adv > 64)
            break;
        }
      h->skip2[index] = (guint16) (pos | MIN (adv, 127) << 4 | eob << 11);
    }
}

static gboolean
huffman_init (Huffman         *h,
              const JHUFF_TBL *table)
{
  int code = 0, k = 0;

  memset (h, 0, sizeof *h);
  if (table == NULL)
    return FALSE;
  for (int len = 1; len <= 16; len++)
    {
      int n = table->bits[len];

      h->valoffset[len] = k - code;
      for (int i = 0; i < n; i++, k++, code++)
        {
          guint8 symbol;

          if (k >= 256 || code >= (1 << len))
            return FALSE;
          symbol = table->huffval[k];
          h->values[k] = symbol;
          h->code[symbol] = (guint16) code;
          h->size[symbol] = (guint8) len;
          if (len <= 9)
            for (int fill = 0; fill < 1 << (9 - len); fill++)
              h->lookup[(code << (9 - len)) | fill] = (guint16) (symbol << 4 | len);
          if (len <= SKIP_BITS)
            {
              int run = symbol >> 4, size = symbol & 15;
              /* as decode_block () reads them: a size of 0 ends the
               * block, but for a run of 16 zeros */
              guint16 e = (guint16) (len + size);

              if (size != 0)
                e |= (guint16) ((run + 1) << 5);
              else if (run == 15)
                e |= 16 << 5;
              else
                e |= 1 << 12;
              for (int fill = 0; fill < 1 << (SKIP_BITS - len); fill++)
                h->skip[(code << (SKIP_BITS - len)) | fill] = e;
            }
        }
      h->maxcode[len] = n > 0 ? code - 1 : -1;
      code <<= 1;
    }
  h->maxcode[17] = G_MAXINT;
  huffman_init_skip2 (h);
  return TRUE;
}

/* Whether every symbol a block can need has a code: standard tables do,
 * optimised ones may not, and a block coded again may need any. */
static gboolean
huffman_complete (const Huffman *dc,
                  const Huffman *ac)
{
  for (int s = 0; s <= 11; s++)
    if (dc->size[s] == 0)
      return FALSE;
  if (ac->size[0x00] == 0 || ac->size[0xf0] == 0)
    return FALSE;
  for (int run = 0; run < 16; run++)
    for (int s = 1; s <= 10; s++)
      if (ac->size[run << 4 | s] == 0)
        return FALSE;
  return TRUE;
}

static void
reader_fill_slow (BitReader *r)
{
  while (r->n_bits <= 56)
    {
      guint b = 0;

      if (!r->marker && r->pos < r->length)
        {
          b = r->data[r->pos];
          if (b == 0xff)
            {
              guint next = r->pos + 1 < r->length ? r->data[r->pos + 1] : 0xd9;

              if (next == 0x00)
                r->pos += 2;
              else if (next == 0xff)
                {
                  r->pos++;         /* fill byte */
                  continue;
                }
              else
                {
                  r->marker = TRUE;
                  b = 0;
                  r->padded++;
                }
            }
          else
            r->pos++;
        }
      else
        r->padded++;
      r->bits |= (guint64) b << (56 - r->n_bits);
      r->n_bits += 8;
      r->fed += 8;
    }
}

static inline guint64
load_be64 (const guint8 *p)
{
  guint64 v;

  memcpy (&v, p, sizeof v);
  return GUINT64_FROM_BE (v);
}

/* Tops the buffer up to at least 56 bits: when the next 8 bytes hold no
 * 0xff (no stuffed byte, no marker), as many of them as fit at once. */
static inline void
reader_fill (BitReader *r)
{
  if (G_LIKELY (r->pos + 8 <= r->length))
    {
      guint64 w = load_be64 (r->data + r->pos), v = ~w;

      if (((v - G_GUINT64_CONSTANT (0x0101010101010101)) & ~v & G_GUINT64_CONSTANT (0x8080808080808080)) == 0)
        {
          int k = (63 - r->n_bits) >> 3;

          /* the bytes past the k taken land below n_bits: see BitReader */
          r->bits |= w >> r->n_bits;
          r->pos += (gsize) k;
          r->n_bits += 8 * k;
          r->fed += (guint64) (8 * k);
          return;
        }
    }
  reader_fill_slow (r);
}

/* @n: 0 to 32 */
static inline guint
reader_get (BitReader *r,
            int        n)
{
  guint v;

  if (n == 0)
    return 0;
  if (r->n_bits < n)
    reader_fill (r);
  v = (guint) (r->bits >> (64 - n));
  r->bits <<= n;
  r->n_bits -= n;
  return v;
}

static inline void
reader_skip (BitReader *r,
             guint64    n)
{
  for (; n > 32; n -= 32)
    reader_get (r, 32);
  reader_get (r, (int) n);
}

static inline int
huffman_decode (BitReader     *r,
                const Huffman *h)
{
  guint e;

  if (r->n_bits < 16)
    reader_fill (r);
  e = h->lookup[r->bits >> 55];
  if (e != 0)
    {
      r->bits <<= e & 15;
      r->n_bits -= e & 15;
      return e >> 4;
    }
  for (int len = 10; len <= 16; len++)
    {
      int code = (int) (r->bits >> (64 - len));

      if (code <= h->maxcode[len])
        {
          r->bits <<= len;
          r->n_bits -= len;
          return h->values[h->valoffset[len] + code];
        }
    }
  return -1;
}

static inline int
extend (int v,
        int s)
{
  return v < (1 << (s - 1)) ? v - (1 << s) + 1 : v;
}

/* A block's AC coefficients into @block (zeroed), after its DC; the bit
 * buffer in locals, as in skip_ac () */
static gboolean
decode_ac (BitReader     *r,
           const Huffman *ac,
           JCOEF         *block)
{
  guint64 bits = r->bits;
  int n_bits = r->n_bits;

  memset (block, 0, sizeof (JBLOCK));
  for (int k = 1; k < 64;)
    {
      guint e;
      int rs, run, size;

      if (n_bits < 32)
        {
          r->bits = bits;
          r->n_bits = n_bits;
          reader_fill (r);
          bits = r->bits;
          n_bits = r->n_bits;
        }
      e = ac->lookup[bits >> 55];
      if (G_LIKELY (e != 0))
        {
          bits <<= e & 15;
          n_bits -= (int) (e & 15);
          rs = (int) (e >> 4);
        }
      else
        {
          /* a code longer than 9 bits: at most 16, and n_bits ≥ 32 */
          r->bits = bits;
          r->n_bits = n_bits;
          rs = huffman_decode (r, ac);
          if (rs < 0)
            return FALSE;
          bits = r->bits;
          n_bits = r->n_bits;
          if (n_bits < 16)
            {
              reader_fill (r);
              bits = r->bits;
              n_bits = r->n_bits;
            }
        }
      run = rs >> 4;
      size = rs & 15;
      if (size == 0)
        {
          if (run != 15)
            break;
          k += 16;
          continue;
        }
      k += run;
      if (k > 63)
        return FALSE;
      block[zigzag[k++]] = (JCOEF) extend ((int) (bits >> (64 - size)), size);
      bits <<= size;
      n_bits -= size;
    }
  r->bits = bits;
  r->n_bits = n_bits;
  return TRUE;
}

/* decode_ac () without the values: each code and its value's bits are
 * skipped in one go, by Huffman.skip. The buffer is kept in locals, so
 * that the chain from one look-up to the next stays in registers. */
static inline gboolean
skip_ac (BitReader     *r,
         const Huffman *ac)
{
  guint64 bits = r->bits;
  int n_bits = r->n_bits;
  gboolean ok = TRUE;

  for (int k = 1; k < 64;)
    {
      guint e;
      int rs;

      if (n_bits < 32)
        {
          r->bits = bits;
          r->n_bits = n_bits;
          reader_fill (r);
          bits = r->bits;
          n_bits = r->n_bits;
        }
      /* several codes at once, unless they reach the block's end: the
       * look-ahead may hold the next block's first bits */
      e = ac->skip2[bits >> (64 - SKIP2_BITS)];
      if (G_LIKELY ((e & 15) != 0 && k + (int) ((e >> 4) & 127) < 64))
        {
          bits <<= e & 15;
          n_bits -= (int) (e & 15);
          k += (int) ((e >> 4) & 127);
          if (e & (1 << 11))
            break;
          continue;
        }
      e = ac->skip[bits >> (64 - SKIP_BITS)];
      if (G_LIKELY (e != 0))
        {
          bits <<= e & 31;
          n_bits -= (int) (e & 31);
          if (e & (1 << 12))
            break;
          k += (int) ((e >> 5) & 127);
          if (k > 64)
            {
              ok = FALSE;
              break;
            }
          continue;
        }
      /* a code longer than the look-ahead */
      r->bits = bits;
      r->n_bits = n_bits;
      rs = huffman_decode (r, ac);
      if (rs < 0)
        return FALSE;
      if ((rs & 15) == 0)
        {
          if (rs >> 4 != 15)
            return TRUE;
          k += 16;
        }
      else
        {
          k += (rs >> 4) + 1;
          if (k > 64)
            return FALSE;
          reader_get (r, rs & 15);
        }
      bits = r->bits;
      n_bits = r->n_bits;
    }
  r->bits = bits;
  r->n_bits = n_bits;
  return ok;
}

/* Room for @n more bytes; next points into the array between calls to
 * writer_reserve () and writer_commit (). */
static void
writer_reserve (BitWriter *w,
                gsize      n)
{
  if (w->length + n > w->size)
    {
      gsize size = MAX (w->size + w->size / 2, w->length + n);
      guint8 *data = mockup_buffer_realloc (w->data, w->size, size);

      if (data == NULL)
        g_error ("JPEG pass-through: out of memory for %" G_GSIZE_FORMAT " bytes", size);
      w->data = data;
      w->size = size;
    }
  w->next = w->data + w->length;
}

static void
writer_commit (BitWriter *w)
{
  w->length = (gsize) (w->next - w->data);
}

static void
writer_append (BitWriter    *w,
               const void   *data,
               gsize         n)
{
  writer_reserve (w, n);
  memcpy (w->next, data, n);
  w->next += n;
  writer_commit (w);
}

static inline void
writer_flush_bytes (BitWriter *w)
{
  while (w->n_bits >= 8)
    {
      guint8 b = (guint8) (w->bits >> 56);

      *w->next++ = b;
      if (b == 0xff)
        *w->next++ = 0;
      w->bits <<= 8;
      w->n_bits -= 8;
    }
}

static inline void
writer_put (BitWriter *w,
            guint      code,
            int        size)
{
  if (size == 0)
    return;
  w->bits |= ((guint64) code & (((guint64) 1 << size) - 1)) << (64 - w->n_bits - size);
  w->n_bits += size;
  if (w->n_bits >= 32)
    {
      guint32 top = (guint32) (w->bits >> 32), v = ~top;

      /* no 0xff among the next 4 bytes: nothing to stuff */
      if (((v - 0x01010101u) & ~v & 0x80808080u) == 0)
        {
          top = GUINT32_TO_BE (top);
          memcpy (w->next, &top, 4);
          w->next += 4;
          w->bits <<= 32;
          w->n_bits -= 32;
        }
      else
        writer_flush_bytes (w);
    }
}

/* Pads the last byte with ones, as the standard asks. */
static void
writer_align (BitWriter *w)
{
  int pad = (8 - w->n_bits % 8) % 8;

  writer_put (w, (1u << pad) - 1, pad);
  writer_flush_bytes (w);
}

static inline int
magnitude_bits (int v)
{
  return v == 0 ? 0 : (int) g_bit_storage ((gulong) ABS (v));
}

/* the index of @v's lowest set bit; @v ≠ 0 */
static inline int
lowest_bit (guint64 v)
{
#if defined(__GNUC__)
  return __builtin_ctzll (v);
#else
  int n = 0;

  for (; (v & 1) == 0; v >>= 1)
    n++;
  return n;
#endif
}

static gboolean
encode_block (BitWriter     *w,
              const Huffman *dc,
              const Huffman *ac,
              int           *prediction,
              const JCOEF   *block)
{
  int diff = block[0] - *prediction, s = magnitude_bits (diff), run, last = 0;
  guint64 nonzero = 0;

  *prediction = block[0];
  if (s > 11 || dc->size[s] == 0)
    return FALSE;
  writer_put (w, dc->code[s], dc->size[s]);
  writer_put (w, (guint) (diff < 0 ? diff - 1 : diff), s);
  /* the nonzero coefficients, in zigzag order, as bits: the loop below
   * then visits only those, without a branch a coefficient */
  for (int k = 1; k < 64; k++)
    nonzero |= (guint64) (block[zigzag[k]] != 0) << k;
  while (nonzero != 0)
    {
      int k = lowest_bit (nonzero), c = block[zigzag[k]], symbol;

      nonzero &= nonzero - 1;
      run = k - last - 1;
      last = k;
      for (; run > 15; run -= 16)
        writer_put (w, ac->code[0xf0], ac->size[0xf0]);
      s = magnitude_bits (c);
      symbol = run << 4 | s;
      if (s > 10 || ac->size[symbol] == 0)
        return FALSE;
      writer_put (w, ac->code[symbol], ac->size[symbol]);
      writer_put (w, (guint) (c < 0 ? c - 1 : c), s);
    }
  if (last < 63)
    writer_put (w, ac->code[0x00], ac->size[0x00]);
  return TRUE;
}

static inline JCOEF *
ring_block (MockupJpegPassthrough *self,
            int                    c,
            int                    my,
            int                    mx,
            int                    by,
            int                    bx)
{
  jpeg_component_info *comp = &self->src.comp_info[c];
  gsize mcu = (gsize) (my % self->ring_rows) * self->mcus_x + mx;

  return self->ring[mcu * self->blocks_in_mcu + self->block_offset[c] +
                    by * comp->h_samp_factor + bx];
}

static gboolean
stream_error (MockupJpegPassthrough  *self,
              const char             *what,
              GError                **error)
{
  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE,
               "%s: %s: %s: %s", _mockup_template_get_label (self->template),
               self->photo->member, self->photo->source.display_name, what);
  return FALSE;
}

/* Per-template MCU starts (see BandStart). Kept only for a photo
 * without restart intervals, whose bands (32 rows) are whole MCU rows.
 * The file is checked before use: its length and a hash of its header
 * must be what they were, and the file's bytes at each start used; a
 * stretch whose bytes differ is parsed as usual. Reading never goes
 * outside the file whatever the cache says, so a file changed in some
 * other way gives a wrong render, not a crash (as a template's other
 * images changed under it would). */

#define CACHE_BAND_ROWS 32
#define CACHE_GROUP 16

static guint
header_hash (MockupJpegPassthrough *self)
{
  const guint8 *data = g_bytes_get_data (self->bytes, NULL);
  guint h = 5381;

  for (gsize i = 0; i < self->header_size; i++)
    h = h * 33 + data[i];
  return h;
}

static void
peek_at (MockupJpegPassthrough *self,
         guint64                pos,
         guint8                 peek[8])
{
  memset (peek, 0, 8);
  if (pos < self->in.length)
    memcpy (peek, self->in.data + pos, MIN (8, self->in.length - pos));
}

static char *
cache_key (MockupJpegPassthrough *self)
{
  return g_strdup_printf ("mockup-jpeg-passthrough-starts:%dx%d", self->width, self->height);
}

static void
cache_init (MockupJpegPassthrough *self)
{
  g_autofree char *key = NULL;
  int n_groups = (self->mcus_x + CACHE_GROUP - 1) / CACHE_GROUP;
  GBytes *bytes;

  if (self->src.restart_interval != 0 || self->mcu_h > CACHE_BAND_ROWS)
    return;
  key = cache_key (self);
  g_mutex_lock (&block_map_lock);
  bytes = g_object_get_data (G_OBJECT (self->template), key);
  if (bytes != NULL)
    g_bytes_ref (bytes);
  g_mutex_unlock (&block_map_lock);
  if (bytes != NULL)
    {
      const BandCache *cache = g_bytes_get_data (bytes, NULL);

      if (cache->length == self->in.length && cache->mcus_x == self->mcus_x &&
          cache->mcus_y == self->mcus_y && cache->header_hash == header_hash (self))
        {
          self->cache_bytes = bytes;
          self->cache = cache;
          return;
        }
      g_bytes_unref (bytes);
    }
  self->collect_size = sizeof (BandCache) + sizeof (BandStart) * ((gsize) self->mcus_y * n_groups + 1);
  self->collect = g_malloc0 (self->collect_size);
  self->collect->length = self->in.length;
  self->collect->header_hash = header_hash (self);
  self->collect->mcus_x = self->mcus_x;
  self->collect->mcus_y = self->mcus_y;
  self->collect->n_groups = n_groups;
}

/* The index of MCU (@mx, @my)'s start, @mx a multiple of CACHE_GROUP (or
 * mcus_x: the next row's); the start of row mcus_y is the end */
static inline int
start_index (MockupJpegPassthrough *self,
             int                    my,
             int                    mx)
{
  int n_groups = (self->mcus_x + CACHE_GROUP - 1) / CACHE_GROUP;

  if (mx >= self->mcus_x)
    return (my + 1) * n_groups;
  return my * n_groups + mx / CACHE_GROUP;
}

/* Records @r, at MCU (@mx, @my), when the MCU starts a group: in order,
 * or the collection is dropped */
static inline void
cache_record (MockupJpegPassthrough *self,
              const BitReader       *r,
              int                    my,
              int                    mx)
{
  int i;
  BandStart *b;

  if (self->collect == NULL || (mx % CACHE_GROUP != 0 && mx < self->mcus_x))
    return;
  i = start_index (self, my, mx);
  if (i != self->collect_next)
    {
      g_clear_pointer (&self->collect, g_free);
      return;
    }
  b = &self->collect->starts[self->collect_next++];
  b->pos = r->pos;
  b->bits = r->bits;
  b->fed = r->fed;
  b->n_bits = r->n_bits;
  b->padded = r->padded;
  b->marker = r->marker;
  memcpy (b->dc, self->in_dc, sizeof b->dc);
  peek_at (self, r->pos, b->peek);
}

/* Whether start @i is where @r is, the file's bytes there unchanged */
static gboolean
cache_at (MockupJpegPassthrough *self,
          const BitReader       *r,
          int                    i)
{
  const BandStart *b = &self->cache->starts[i];
  guint8 peek[8];

  if (b->pos != r->pos || b->fed != r->fed || b->n_bits != r->n_bits)
    return FALSE;
  peek_at (self, b->pos, peek);
  return memcmp (peek, b->peek, 8) == 0;
}

/* Whether start @i can be jumped to from @r: ahead of it, the file's
 * bytes there unchanged */
static gboolean
cache_ahead (MockupJpegPassthrough *self,
             const BitReader       *r,
             int                    i)
{
  const BandStart *b = &self->cache->starts[i];
  guint8 peek[8];

  if (b->pos > self->in.length || b->pos < r->pos || b->fed < r->fed)
    return FALSE;
  peek_at (self, b->pos, peek);
  return memcmp (peek, b->peek, 8) == 0;
}

/* @r and the DC predictions to start @i */
static void
cache_restore (MockupJpegPassthrough *self,
               BitReader             *r,
               int                    i)
{
  const BandStart *b = &self->cache->starts[i];

  r->pos = b->pos;
  r->bits = b->bits;
  r->fed = b->fed;
  r->n_bits = b->n_bits;
  r->padded = b->padded;
  r->marker = b->marker;
  memcpy (self->in_dc, b->dc, sizeof self->in_dc);
}

/* At the end of a render that read every band: its band starts go with
 * the template, unless another render's are there already. */
static void
cache_publish (MockupJpegPassthrough *self)
{
  g_autofree char *key = NULL;
  BandCache *cache;

  /* the end of the last row */
  cache_record (self, &self->in, self->mcus_y - 1, self->mcus_x);
  if (self->collect == NULL)
    return;
  cache = g_steal_pointer (&self->collect);
  key = cache_key (self);
  g_mutex_lock (&block_map_lock);
  if (g_object_get_data (G_OBJECT (self->template), key) == NULL)
    g_object_set_data_full (G_OBJECT (self->template), key,
                            g_bytes_new_take (cache, self->collect_size),
                            (GDestroyNotify) g_bytes_unref);
  else
    g_free (cache);
  g_mutex_unlock (&block_map_lock);
}

/* Sets the stream up, or says why the photo is not streamed. */
static gboolean
stream_init (MockupJpegPassthrough *self)
{
  j_decompress_ptr cinfo = &self->src;
  gsize total;
  const guint8 *data = g_bytes_get_data (self->bytes, &total);

  if (cinfo->progressive_mode || cinfo->arith_code || cinfo->comps_in_scan != 3)
    return FALSE;
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = cinfo->cur_comp_info[c];
      Huffman *dc, *ac;

      /* table numbers as the scan's header gives them, 0 to 15: libjpeg-turbo
       * refuses those above 3 when it decodes; so does the coefficient path */
      if (comp->dc_tbl_no < 0 || comp->dc_tbl_no >= NUM_HUFF_TBLS ||
          comp->ac_tbl_no < 0 || comp->ac_tbl_no >= NUM_HUFF_TBLS)
        return FALSE;
      dc = &self->tables[comp->dc_tbl_no];
      ac = &self->tables[NUM_HUFF_TBLS + comp->ac_tbl_no];
      if (comp != &cinfo->comp_info[c] || cinfo->quant_tbl_ptrs[comp->quant_tbl_no] == NULL ||
          !huffman_init (dc, cinfo->dc_huff_tbl_ptrs[comp->dc_tbl_no]) ||
          !huffman_init (ac, cinfo->ac_huff_tbl_ptrs[comp->ac_tbl_no]) ||
          !huffman_complete (dc, ac))
        return FALSE;
      self->dc[c] = dc;
      self->ac[c] = ac;
      self->block_offset[c] = self->blocks_in_mcu;
      self->blocks_in_mcu += comp->h_samp_factor * comp->v_samp_factor;
    }

  self->header_size = total - cinfo->src->bytes_in_buffer;
  self->in.data = data;
  self->in.length = total;
  self->in.pos = self->header_size;
  self->ring_rows = MAX (32, self->mcu_h) / self->mcu_h;
  self->ring_size = sizeof (JBLOCK) * self->ring_rows * self->mcus_x * self->blocks_in_mcu;
  self->spans_size = sizeof (McuSpan) * self->ring_rows * self->mcus_x;
  self->ring = mockup_buffer_alloc (self->ring_size);
  self->spans = mockup_buffer_alloc (self->spans_size);
  if (self->ring == NULL || self->spans == NULL)
    g_error ("JPEG pass-through: out of memory");
  cache_init (self);
  /* about the photo's size: most of the output is its bits */
  writer_reserve (&self->out, total + total / 8 + 65536);
  self->streaming = TRUE;
  return TRUE;
}

/* The photo's header, and the sRGB profile after its APP0 when it has no
 * profile, as today's path tags an untagged photo. */
static void
stream_write_header (MockupJpegPassthrough *self)
{
  const guint8 *data = g_bytes_get_data (self->bytes, NULL);
  GBytes *srgb = mockup_color_get_srgb_profile ();
  gsize split = 2;

  if (self->header_size >= 6 && data[2] == 0xff && data[3] == 0xe0)
    split = MIN (self->header_size, 4 + (gsize) (data[4] << 8 | data[5]));
  writer_append (&self->out, data, split);
  if (!self->has_icc && srgb != NULL && g_bytes_get_size (srgb) <= 65519 - 16)
    {
      gsize n = g_bytes_get_size (srgb), length = n + 16;
      guint8 head[18] = { 0xff, 0xe2, (guint8) (length >> 8), (guint8) length,
                          'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0, 1, 1 };

      writer_append (&self->out, head, sizeof head);
      writer_append (&self->out, g_bytes_get_data (srgb, NULL), n);
    }
  writer_append (&self->out, data + split, (self->header_size - split));
}

/* The photo is a private mapping of its file: the pages behind what the
 * last band read go back to the system, so that what stays resident is
 * at most DROP_CHUNK of it, not the file. Not band by band: each call
 * costs the other cores a TLB shootdown (4 % of a batch's CPU time when
 * it was). Never for bytes a caller gave. */
#define DROP_CHUNK (256 * 1024)

static void
drop_consumed (MockupJpegPassthrough *self)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);
  guintptr base = (guintptr) self->in.data;
  guintptr start = MAX ((base + page - 1) / page * page, self->dropped);
  guintptr end = (base + self->in.pos) / page * page;

  if (self->photo->source.path == NULL || end <= start || end - start < DROP_CHUNK)
    return;
  madvise ((void *) start, end - start, MADV_DONTNEED);
  self->dropped = end;
}

/* One MCU of the photo, at @r: its coefficients into the ring when
 * @decode, else only skipped; where its DC values are, into @span. NULL,
 * or what is wrong. */
static const char *
read_mcu (MockupJpegPassthrough *self,
          BitReader             *r,
          McuSpan               *span,
          int                    my,
          int                    mx,
          gboolean               decode)
{
  span->start = *r;
  memcpy (span->dc, self->in_dc, sizeof span->dc);
  span->changed = FALSE;
  span->n_mcus = 1;
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &self->src.comp_info[c];
      const Huffman *dc = self->dc[c], *ac = self->ac[c];

      for (int by = 0; by < comp->v_samp_factor; by++)
        for (int bx = 0; bx < comp->h_samp_factor; bx++)
          {
            gboolean first = by == 0 && bx == 0;
            int s;

            if (first)
              span->dc_start[c] = reader_consumed (r);
            s = huffman_decode (r, dc);
            if (s < 0 || s > 11)
              return "corrupt entropy-coded data";
            self->in_dc[c] += s ? extend ((int) reader_get (r, s), s) : 0;
            if (first)
              {
                span->dc_end[c] = reader_consumed (r);
                span->first_dc[c] = self->in_dc[c];
              }
            if (decode)
              {
                JCOEF *block = ring_block (self, c, my, mx, by, bx);

                if (!decode_ac (r, ac, block))
                  return "corrupt entropy-coded data";
                block[0] = (JCOEF) self->in_dc[c];
              }
            else if (!skip_ac (r, ac))
              return "corrupt entropy-coded data";
          }
    }
  /* zeros past the end or a marker were used: the file is cut */
  if (r->n_bits < 8 * r->padded)
    return "the file is truncated or corrupt";
  span->end = reader_consumed (r);
  memcpy (span->last_dc, self->in_dc, sizeof span->last_dc);
  return NULL;
}

gboolean
mockup_jpeg_passthrough_read_band (MockupJpegPassthrough  *self,
                                   int                     y,
                                   int                     n,
                                   GError                **error)
{
  int my1 = MIN (self->mcus_y - 1, (y + n - 1) / self->mcu_h);
  unsigned int interval = self->src.restart_interval;
  BitReader r;
  const char *what;

  if (!self->streaming)
    return TRUE;
  /* the header was written, the last band's MCUs copied */
  if (self->out_mcus > 0)
    drop_consumed (self);

  self->band_whole = interval == 0 && !mockup_jpeg_passthrough_band_marked (self, y, n);
  r = self->in;
  if (self->band_whole && self->cache != NULL && y % self->mcu_h == 0 &&
      cache_at (self, &r, start_index (self, y / self->mcu_h, 0)) &&
      cache_ahead (self, &r, start_index (self, my1, self->mcus_x)))
    {
      /* only its first MCU is read, for where its DC differences are */
      if ((what = read_mcu (self, &r, &self->band_first, y / self->mcu_h, 0, FALSE)) != NULL)
        return stream_error (self, what, error);
      self->in_mcus += (my1 - y / self->mcu_h + 1) * self->mcus_x;
      cache_restore (self, &self->in, start_index (self, my1, self->mcus_x));
      self->n_cached += (my1 - y / self->mcu_h + 1) * self->mcus_x - 1;
      self->band_end = reader_consumed (&self->in);
      return TRUE;
    }

  /* r: a local copy, which the compiler can keep in registers */
  if (self->band_whole)
    {
      McuSpan scratch;

      for (int my = y / self->mcu_h; my <= my1; my++)
        for (int mx = 0; mx < self->mcus_x; mx++)
          {
            McuSpan *span = my == y / self->mcu_h && mx == 0 ? &self->band_first : &scratch;

            cache_record (self, &r, my, mx);
            if ((what = read_mcu (self, &r, span, my, mx, FALSE)) != NULL)
              return stream_error (self, what, error);
            self->in_mcus++;
          }
      self->band_end = reader_consumed (&r);
      self->in = r;
      return TRUE;
    }

  if (self->cache != NULL)
    {
      /* a band with marked MCUs: each unmarked stretch that reaches a
       * kept start is one span, of its first MCU's bits (read, for where
       * its DC differences are) and the rest up to that start (not
       * parsed); see write_band () */
      for (int my = y / self->mcu_h; my <= my1; my++)
        {
          const guint8 *marked = self->marked + (gsize) my * self->mcus_x;

          for (int mx = 0; mx < self->mcus_x;)
            {
              McuSpan *span = &self->spans[(gsize) (my % self->ring_rows) * self->mcus_x + mx];
              int end = mx + 1, to;

              if (!marked[mx])
                {
                  while (end < self->mcus_x && !marked[end])
                    end++;
                  /* the last kept start in (mx, end] */
                  to = end == self->mcus_x ? end : end / CACHE_GROUP * CACHE_GROUP;
                  if (to > mx + 1 && cache_ahead (self, &r, start_index (self, my, to)))
                    {
                      if ((what = read_mcu (self, &r, span, my, mx, FALSE)) != NULL)
                        return stream_error (self, what, error);
                      cache_restore (self, &r, start_index (self, my, to));
                      span->end = reader_consumed (&r);
                      memcpy (span->last_dc, self->in_dc, sizeof span->last_dc);
                      span->n_mcus = to - mx;
                      self->n_cached += to - mx - 1;
                      self->in_mcus += to - mx;
                      mx = to;
                      continue;
                    }
                }
              if ((what = read_mcu (self, &r, span, my, mx, marked[mx])) != NULL)
                return stream_error (self, what, error);
              self->in_mcus++;
              mx++;
            }
        }
      self->in = r;
      return TRUE;
    }

  for (int my = y / self->mcu_h; my <= my1; my++)
    for (int mx = 0; mx < self->mcus_x; mx++)
      {
        McuSpan *span;

        if (interval > 0 && self->in_mcus > 0 && self->in_mcus % interval == 0)
          {
            int expected = 0xd0 + (int) ((self->in_mcus / interval - 1) & 7);

            reader_fill_slow (&r);
            if (!r.marker || r.pos + 1 >= r.length || r.data[r.pos + 1] != expected)
              return stream_error (self, "a restart marker is missing", error);
            r.pos += 2;
            r.marker = FALSE;
            r.bits = 0;
            r.n_bits = 0;
            r.padded = 0;
            memset (self->in_dc, 0, sizeof self->in_dc);
          }
        span = &self->spans[(gsize) (my % self->ring_rows) * self->mcus_x + mx];
        cache_record (self, &r, my, mx);
        if ((what = read_mcu (self, &r, span, my, mx, self->marked[(gsize) my * self->mcus_x + mx])) != NULL)
          return stream_error (self, what, error);
        self->in_mcus++;
      }
  self->in = r;
  return TRUE;
}

/* The photo's bits from where @r is to @end, as they were; @r moves on. */
static void
copy_bits (BitWriter *w,
           BitReader *r,
           guint64    end)
{
  guint64 n_bits = end - reader_consumed (r);
  guint64 rbits, wbits;
  int rn, wn;
  guint8 *next;

  writer_reserve (w, n_bits / 4 + 16);
  /* 32 bits a step, both buffers in locals */
  rbits = r->bits;
  rn = r->n_bits;
  wbits = w->bits;
  wn = w->n_bits;
  next = w->next;
  for (; n_bits >= 32; n_bits -= 32)
    {
      guint32 top, v;

      if (rn < 32)
        {
          r->bits = rbits;
          r->n_bits = rn;
          reader_fill (r);
          rbits = r->bits;
          rn = r->n_bits;
        }
      /* wn < 32 here: the writer flushes whenever it holds 32 */
      wbits |= (rbits >> 32) << (32 - wn);
      rbits <<= 32;
      rn -= 32;
      top = (guint32) (wbits >> 32);
      v = ~top;
      if (((v - 0x01010101u) & ~v & 0x80808080u) == 0)
        {
          top = GUINT32_TO_BE (top);
          memcpy (next, &top, 4);
          next += 4;
          wbits <<= 32;
        }
      else
        for (int i = 0; i < 4; i++)
          {
            guint8 b = (guint8) (wbits >> 56);

            *next++ = b;
            if (b == 0xff)
              *next++ = 0;
            wbits <<= 8;
          }
    }
  r->bits = rbits;
  r->n_bits = rn;
  w->bits = wbits;
  w->n_bits = wn;
  w->next = next;
  writer_put (w, reader_get (r, (int) n_bits), (int) n_bits);
  writer_commit (w);
}

/* An MCU as the photo has it, but whose DC predictions in the output are
 * not the photo's: each component's first DC difference is coded again,
 * the bits around them copied. @r is left at the MCU's end. */
static gboolean
copy_mcu_predicted (MockupJpegPassthrough *self,
                    const McuSpan         *span,
                    BitReader             *r)
{
  BitWriter *w = &self->out;

  *r = span->start;
  for (int c = 0; c < 3; c++)
    {
      int diff = span->first_dc[c] - self->out_dc[c], s = magnitude_bits (diff);

      copy_bits (w, r, span->dc_start[c]);
      if (s > 11 || self->dc[c]->size[s] == 0)
        return FALSE;
      writer_reserve (w, 32);
      writer_put (w, self->dc[c]->code[s], self->dc[c]->size[s]);
      writer_put (w, (guint) (diff < 0 ? diff - 1 : diff), s);
      writer_commit (w);
      reader_skip (r, span->dc_end[c] - reader_consumed (r));
      self->out_dc[c] = span->first_dc[c];
    }
  copy_bits (w, r, span->end);
  memcpy (self->out_dc, span->last_dc, sizeof self->out_dc);
  return TRUE;
}

gboolean
mockup_jpeg_passthrough_write_band (MockupJpegPassthrough  *self,
                                    int                     y,
                                    int                     n,
                                    GError                **error)
{
  int my1 = MIN (self->mcus_y - 1, (y + n - 1) / self->mcu_h);
  unsigned int interval = self->src.restart_interval;
  BitReader run = { 0 };
  guint64 run_end = 0;
  gboolean in_run = FALSE;

  if (!self->streaming)
    return TRUE;
  if (self->out_mcus == 0)
    stream_write_header (self);
  if (self->band_whole)
    {
      const McuSpan *first = &self->band_first;

      if (memcmp (first->dc, self->out_dc, sizeof first->dc) == 0)
        run = first->start;
      else if (!copy_mcu_predicted (self, first, &run))
        return stream_error (self, "a coefficient out of range", error);
      copy_bits (&self->out, &run, self->band_end);
      memcpy (self->out_dc, self->in_dc, sizeof self->out_dc);
      self->out_mcus = self->in_mcus;
      return TRUE;
    }
  for (int my = y / self->mcu_h; my <= my1; my++)
    for (int mx = 0, step = 1; mx < self->mcus_x; mx += step)
      {
        McuSpan *span;

        if (interval > 0 && self->out_mcus > 0 && self->out_mcus % interval == 0)
          {
            guint8 marker[2] = { 0xff, (guint8) (0xd0 + ((self->out_mcus / interval - 1) & 7)) };

            if (in_run)
              copy_bits (&self->out, &run, run_end);
            in_run = FALSE;
            writer_reserve (&self->out, 16);
            writer_align (&self->out);
            writer_commit (&self->out);
            writer_append (&self->out, marker, 2);
            memset (self->out_dc, 0, sizeof self->out_dc);
          }
        span = &self->spans[(gsize) (my % self->ring_rows) * self->mcus_x + mx];
        /* a span of several MCUs: see read_band () */
        step = span->n_mcus;
        if (!span->changed && memcmp (span->dc, self->out_dc, sizeof span->dc) == 0)
          {
            /* one copy for a run of such MCUs */
            if (!in_run)
              run = span->start;
            in_run = TRUE;
            run_end = span->end;
            memcpy (self->out_dc, span->last_dc, sizeof self->out_dc);
            self->out_mcus += step;
            continue;
          }
        if (in_run)
          copy_bits (&self->out, &run, run_end);
        in_run = FALSE;
        if (!span->changed)
          {
            if (!copy_mcu_predicted (self, span, &run))
              return stream_error (self, "a coefficient out of range", error);
            self->out_mcus += step;
            continue;
          }
        /* at most 16 bits a symbol, 11 of value, 64 symbols a block,
         * and as many stuffed bytes */
        writer_reserve (&self->out, (gsize) self->blocks_in_mcu * 64 * 27 / 4 + 16);
        for (int c = 0; c < 3; c++)
          {
            jpeg_component_info *comp = &self->src.comp_info[c];

            for (int by = 0; by < comp->v_samp_factor; by++)
              for (int bx = 0; bx < comp->h_samp_factor; bx++)
                if (!encode_block (&self->out, self->dc[c], self->ac[c], &self->out_dc[c],
                                   ring_block (self, c, my, mx, by, bx)))
                  return stream_error (self, "a coefficient out of range", error);
          }
        writer_commit (&self->out);
        self->out_mcus += step;
      }
  if (in_run)
    copy_bits (&self->out, &run, run_end);
  return TRUE;
}

static GBytes *
stream_finish (MockupJpegPassthrough *self)
{
  static const guint8 eoi[2] = { 0xff, 0xd9 };

  writer_reserve (&self->out, 16);
  writer_align (&self->out);
  writer_commit (&self->out);
  writer_append (&self->out, eoi, 2);
  cache_publish (self);
  g_debug ("%s: JPEG pass-through, streamed: %u of %d MCUs coded again, %d not parsed",
           _mockup_template_get_label (self->template), self->n_changed, self->mcus_x * self->mcus_y,
           self->n_cached);
  return mockup_buffer_to_bytes (g_steal_pointer (&self->out.data), self->out.length, self->out.size);
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

  /* a band is 32 rows, which MCU rows (8, 16 or 32) divide */
  self->photo_stride = (gsize) self->mcus_x * self->mcu_w;
  self->photo_band_size = sizeof (guint32) * self->photo_stride * MAX (32, self->mcu_h);
  self->photo_band = mockup_buffer_alloc (self->photo_band_size);
  if (self->photo_band == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, "%s: no memory for a %d pixel wide band",
                   _mockup_template_get_label (self->template), self->width);
      return FALSE;
    }

  if (stream_init (self))
    {
      init_scales (self);
      return TRUE;
    }

  /* progressive, or Huffman tables that lack codes: libjpeg-turbo reads
   * every coefficient of the image into memory, and codes the output with
   * standard tables */
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
  /* A component that no scan of a damaged file reaches has no quantiser
   * latched: nothing to code its blocks again with. Today's path decodes
   * such a file as libjpeg-turbo does. */
  for (int c = 0; c < 3; c++)
    if (self->src.comp_info[c].quant_table == NULL)
      {
        *reason = "a colour component of the photo is in none of its scans";
        return FALSE;
      }
  init_scales (self);
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

/* Inverse DCT, Arai-Agui-Nakajima factorisation: @scale is the dequantising
 * table with the AAN factors and the final 1/8 folded in; gives samples
 * level shifted back. Eight 1-D transforms down the columns, then eight
 * along the rows: about a third of the multiply-adds of a matrix product. */
static void
idct_block (const JCOEF *coef,
            const float *scale,
            float        out[64])
{
  float w[64];

  /* along v, 8 columns at a time (the compiler may vectorise over u) */
  for (int u = 0; u < 8; u++)
    {
      float i0 = coef[u] * scale[u], i1 = coef[8 + u] * scale[8 + u];
      float i2 = coef[16 + u] * scale[16 + u], i3 = coef[24 + u] * scale[24 + u];
      float i4 = coef[32 + u] * scale[32 + u], i5 = coef[40 + u] * scale[40 + u];
      float i6 = coef[48 + u] * scale[48 + u], i7 = coef[56 + u] * scale[56 + u];
      float e10 = i0 + i4, e11 = i0 - i4, e13 = i2 + i6;
      float e12 = (i2 - i6) * 1.414213562f - e13;
      float e0 = e10 + e13, e3 = e10 - e13, e1 = e11 + e12, e2 = e11 - e12;
      float z13 = i5 + i3, z10 = i5 - i3, z11 = i1 + i7, z12 = i1 - i7;
      float o7 = z11 + z13, o11 = (z11 - z13) * 1.414213562f;
      float z5 = (z10 + z12) * 1.847759065f;
      float o10 = z5 - z12 * 1.082392200f, o12 = z5 - z10 * 2.613125930f;
      float o6 = o12 - o7, o5 = o11 - o6, o4 = o10 - o5;

      w[u] = e0 + o7;
      w[56 + u] = e0 - o7;
      w[8 + u] = e1 + o6;
      w[48 + u] = e1 - o6;
      w[16 + u] = e2 + o5;
      w[40 + u] = e2 - o5;
      w[24 + u] = e3 + o4;
      w[32 + u] = e3 - o4;
    }
  /* along u, a row at a time */
  for (int y = 0; y < 8; y++)
    {
      const float *r = w + 8 * y;
      float *o = out + 8 * y;
      float e10 = r[0] + r[4], e11 = r[0] - r[4], e13 = r[2] + r[6];
      float e12 = (r[2] - r[6]) * 1.414213562f - e13;
      float e0 = e10 + e13, e3 = e10 - e13, e1 = e11 + e12, e2 = e11 - e12;
      float z13 = r[5] + r[3], z10 = r[5] - r[3], z11 = r[1] + r[7], z12 = r[1] - r[7];
      float o7 = z11 + z13, o11 = (z11 - z13) * 1.414213562f;
      float z5 = (z10 + z12) * 1.847759065f;
      float o10 = z5 - z12 * 1.082392200f, o12 = z5 - z10 * 2.613125930f;
      float o6 = o12 - o7, o5 = o11 - o6, o4 = o10 - o5;

      o[0] = e0 + o7 + 128.0f;
      o[7] = e0 - o7 + 128.0f;
      o[1] = e1 + o6 + 128.0f;
      o[6] = e1 - o6 + 128.0f;
      o[2] = e2 + o5 + 128.0f;
      o[5] = e2 - o5 + 128.0f;
      o[3] = e3 + o4 + 128.0f;
      o[4] = e3 - o4 + 128.0f;
    }
}

/* Forward DCT, the same factorisation: @scale is 1 / (the quantiser with
 * the AAN factors and 8 folded in); gives the quantised coefficients
 * unrounded. */
static void
fdct_transform (const float  in[64],
                const float *scale,
                float        out[64])
{
  float w[64];

  /* along y, 8 columns at a time */
  for (int x = 0; x < 8; x++)
    {
      float t0 = in[x] + in[56 + x], t7 = in[x] - in[56 + x];
      float t1 = in[8 + x] + in[48 + x], t6 = in[8 + x] - in[48 + x];
      float t2 = in[16 + x] + in[40 + x], t5 = in[16 + x] - in[40 + x];
      float t3 = in[24 + x] + in[32 + x], t4 = in[24 + x] - in[32 + x];
      float e10 = t0 + t3, e13 = t0 - t3, e11 = t1 + t2, e12 = t1 - t2;
      float z1 = (e12 + e13) * 0.707106781f;
      float o10 = t4 + t5, o11 = t5 + t6, o12 = t6 + t7;
      float z5 = (o10 - o12) * 0.382683433f;
      float z2 = o10 * 0.541196100f + z5, z4 = o12 * 1.306562965f + z5;
      float z3 = o11 * 0.707106781f;
      float z11 = t7 + z3, z13 = t7 - z3;

      w[x] = e10 + e11;
      w[32 + x] = e10 - e11;
      w[16 + x] = e13 + z1;
      w[48 + x] = e13 - z1;
      w[40 + x] = z13 + z2;
      w[24 + x] = z13 - z2;
      w[8 + x] = z11 + z4;
      w[56 + x] = z11 - z4;
    }
  /* along x, a row at a time */
  for (int v = 0; v < 8; v++)
    {
      const float *r = w + 8 * v;
      const float *s = scale + 8 * v;
      float *o = out + 8 * v;
      float t0 = r[0] + r[7], t7 = r[0] - r[7];
      float t1 = r[1] + r[6], t6 = r[1] - r[6];
      float t2 = r[2] + r[5], t5 = r[2] - r[5];
      float t3 = r[3] + r[4], t4 = r[3] - r[4];
      float e10 = t0 + t3, e13 = t0 - t3, e11 = t1 + t2, e12 = t1 - t2;
      float z1 = (e12 + e13) * 0.707106781f;
      float o10 = t4 + t5, o11 = t5 + t6, o12 = t6 + t7;
      float z5 = (o10 - o12) * 0.382683433f;
      float z2 = o10 * 0.541196100f + z5, z4 = o12 * 1.306562965f + z5;
      float z3 = o11 * 0.707106781f;
      float z11 = t7 + z3, z13 = t7 - z3;

      o[0] = (e10 + e11) * s[0];
      o[4] = (e10 - e11) * s[4];
      o[2] = (e13 + z1) * s[2];
      o[6] = (e13 - z1) * s[6];
      o[5] = (z13 + z2) * s[5];
      o[3] = (z13 - z2) * s[3];
      o[1] = (z11 + z4) * s[1];
      o[7] = (z11 - z4) * s[7];
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

static const UINT16 *
quant_of (MockupJpegPassthrough *self,
          int                    c)
{
  jpeg_component_info *comp = &self->src.comp_info[c];

  return self->streaming ? self->src.quant_tbl_ptrs[comp->quant_tbl_no]->quantval
                         : comp->quant_table->quantval;
}

/* Samples (not level shifted) → quantised coefficients */
static void
fdct_block (float        in[64],
            const float *scale,
            JCOEF       *coef)
{
  float f[64];

  for (int i = 0; i < 64; i++)
    in[i] -= 128.0f;
  fdct_transform (in, scale, f);
  for (int i = 0; i < 64; i++)
    coef[i] = (JCOEF) CLAMP (lrintf (f[i]), -1023, 1023);
}

/* The AAN tables of each component, from its quantiser */
static void
init_scales (MockupJpegPassthrough *self)
{
  for (int c = 0; c < 3; c++)
    {
      const UINT16 *quant = quant_of (self, c);

      for (int v = 0; v < 8; v++)
        for (int u = 0; u < 8; u++)
          {
            float f = aan_factor[v] * aan_factor[u];

            self->idct_scale[c][v * 8 + u] = quant[v * 8 + u] * f / 8.0f;
            self->fdct_scale[c][v * 8 + u] = 1.0f / (quant[v * 8 + u] * f * 8.0f);
          }
    }
}


static inline JCOEF *
block_at (MockupJpegPassthrough *self,
          JBLOCKARRAY            rows,
          int                    c,
          int                    my,
          int                    mx,
          int                    by,
          int                    bx)
{
  if (self->streaming)
    return ring_block (self, c, my, mx, by, bx);
  return rows[by][mx * self->src.comp_info[c].h_samp_factor + bx];
}

/* A row of @w pixels from Y, Cb, Cr samples; always inlined with a
 * constant @w, so that the compiler can vectorise it */
static inline ALWAYS_INLINE void
ycc_to_rgb_row (const float *y,
                const float *cb,
                const float *cr,
                guint32     *out,
                int          w)
{
  for (int x = 0; x < w; x++)
    {
      float Y = y[x] + 0.5f, b = cb[x] - 128.0f, r = cr[x] - 128.0f;
      /* rounded (truncation of v + 0.5 ≥ 0), then clamped as integers:
       * no control flow, so the loop vectorises */
      int R = (int) (Y + 1.402f * r), G = (int) (Y - 0.344136f * b - 0.714136f * r);
      int B = (int) (Y + 1.772f * b);

      R = R < 0 ? 0 : R > 255 ? 255 : R;
      G = G < 0 ? 0 : G > 255 ? 255 : G;
      B = B < 0 ? 0 : B > 255 ? 255 : B;
      out[x] = 0xff000000u | (guint32) R << 16 | (guint32) G << 8 | (guint32) B;
    }
}

static inline ALWAYS_INLINE void
rgb_to_ycc_row (const guint32 *in,
                float         *y,
                float         *cb,
                float         *cr,
                int            w)
{
  for (int x = 0; x < w; x++)
    {
      gint32 p = (gint32) (in[x] & 0xffffff);
      float r = (float) (p >> 16), g = (float) ((p >> 8) & 255), b = (float) (p & 255);

      y[x] = 0.299f * r + 0.587f * g + 0.114f * b;
      cb[x] = -0.168736f * r - 0.331264f * g + 0.5f * b + 128.0f;
      cr[x] = 0.5f * r - 0.418688f * g - 0.081312f * b + 128.0f;
    }
}

/* A block's samples into an MCU plane of @stride, each repeated @hs × @vs
 * times; always inlined with constants for the sampling, so that the
 * loops are simple */
static inline ALWAYS_INLINE void
replicate (const float *block,
           float       *plane,
           int          stride,
           int          hs,
           int          vs)
{
  for (int y = 0; y < 8; y++)
    for (int dy = 0; dy < vs; dy++)
      {
        float *row = plane + (y * vs + dy) * stride;

        for (int x = 0; x < 8; x++)
          for (int dx = 0; dx < hs; dx++)
            row[x * hs + dx] = block[y * 8 + x];
      }
}

/* box downsampling: the inverse of replicate (), so that a block whose
 * pixels are as decoded comes back to its samples */
static inline ALWAYS_INLINE void
box_down (const float *plane,
          int          stride,
          int          hs,
          int          vs,
          float       *block)
{
  float k = 1.0f / (float) (hs * vs);

  for (int y = 0; y < 8; y++)
    for (int x = 0; x < 8; x++)
      {
        float s = 0.0f;

        for (int dy = 0; dy < vs; dy++)
          for (int dx = 0; dx < hs; dx++)
            s += plane[(y * vs + dy) * stride + x * hs + dx];
        block[y * 8 + x] = s * k;
      }
}

/* One MCU's samples of each component, at its own resolution, into a
 * (32 × 32 at most) plane of MCU pixels: replicated where subsampled. */
static void
decode_mcu (MockupJpegPassthrough *self,
            int                    my,
            int                    mx,
            float                  planes[3][32 * 32])
{
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &self->src.comp_info[c];
      JBLOCKARRAY rows = self->streaming ? NULL : component_rows (self, c, my, FALSE);
      int hs = self->hs[c], vs = self->vs[c], stride = self->mcu_w;

      for (int by = 0; by < comp->v_samp_factor; by++)
        for (int bx = 0; bx < comp->h_samp_factor; bx++)
          {
            float block[64];
            float *plane = planes[c] + by * 8 * vs * stride + bx * 8 * hs;

            idct_block (block_at (self, rows, c, my, mx, by, bx), self->idct_scale[c], block);
            if (hs == 1 && vs == 1)
              replicate (block, plane, stride, 1, 1);
            else if (hs == 2 && vs == 2)
              replicate (block, plane, stride, 2, 2);
            else if (hs == 2)
              replicate (block, plane, stride, 2, 1);
            else
              replicate (block, plane, stride, 1, 2);
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
          {
            int i = py * self->mcu_w;
            guint32 *row = self->photo_band + (gsize) (oy + py) * self->photo_stride + ox;

            if (self->mcu_w == 16)
              ycc_to_rgb_row (planes[0] + i, planes[1] + i, planes[2] + i, row, 16);
            else if (self->mcu_w == 8)
              ycc_to_rgb_row (planes[0] + i, planes[1] + i, planes[2] + i, row, 8);
            else
              ycc_to_rgb_row (planes[0] + i, planes[1] + i, planes[2] + i, row, self->mcu_w);
            if (oy + py < n)
              memcpy (band + (gsize) (oy + py) * stride + ox, row,
                      sizeof (guint32) * (gsize) MIN (self->mcu_w, self->width - ox));
          }
      }
}

/* Whether any pixel of @band in [x0, x1) × [y0, y1) of the MCU at
 * (@ox, @oy), clipped to @cols × @rows, differs from what decode_band ()
 * gave */
static gboolean
pixels_changed (MockupJpegPassthrough *self,
                const guint32         *band,
                gsize                  stride,
                int                    ox,
                int                    oy,
                int                    x0,
                int                    y0,
                int                    x1,
                int                    y1,
                int                    cols,
                int                    rows)
{
  x1 = MIN (x1, cols);
  y1 = MIN (y1, rows);
  for (int py = y0; py < y1; py++)
    if (x1 > x0 &&
        memcmp (band + (gsize) (oy + py) * stride + ox + x0,
                self->photo_band + (gsize) (oy + py) * self->photo_stride + ox + x0,
                (gsize) (x1 - x0) * 4) != 0)
      return TRUE;
  return FALSE;
}

/* Codes again each block of the MCU whose pixels changed: the others keep
 * the photo's coefficients. */
static void
encode_mcu (MockupJpegPassthrough *self,
            int                    my,
            int                    mx,
            float                  planes[3][32 * 32],
            const guint32         *band,
            gsize                  stride,
            int                    ox,
            int                    oy,
            int                    cols,
            int                    rows)
{
  for (int c = 0; c < 3; c++)
    {
      jpeg_component_info *comp = &self->src.comp_info[c];
      JBLOCKARRAY block_rows = self->streaming ? NULL : component_rows (self, c, my, TRUE);
      int hs = self->hs[c], vs = self->vs[c], pstride = self->mcu_w;

      for (int by = 0; by < comp->v_samp_factor; by++)
        for (int bx = 0; bx < comp->h_samp_factor; bx++)
          {
            float block[64];
            const float *plane = planes[c] + by * 8 * vs * pstride + bx * 8 * hs;

            if (!pixels_changed (self, band, stride, ox, oy, bx * 8 * hs, by * 8 * vs,
                                 (bx + 1) * 8 * hs, (by + 1) * 8 * vs, cols, rows))
              continue;
            if (hs == 1 && vs == 1)
              box_down (plane, pstride, 1, 1, block);
            else if (hs == 2 && vs == 2)
              box_down (plane, pstride, 2, 2, block);
            else if (hs == 2)
              box_down (plane, pstride, 2, 1, block);
            else
              box_down (plane, pstride, 1, 2, block);
            fdct_block (block, self->fdct_scale[c], block_at (self, block_rows, c, my, mx, by, bx));
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
          {
            const guint32 *src = band + (gsize) (oy + MIN (py, rows - 1)) * stride + ox;
            int i = py * self->mcu_w;

            if (cols == 16 && self->mcu_w == 16)
              rgb_to_ycc_row (src, planes[0] + i, planes[1] + i, planes[2] + i, 16);
            else if (cols == 8 && self->mcu_w == 8)
              rgb_to_ycc_row (src, planes[0] + i, planes[1] + i, planes[2] + i, 8);
            else
              {
                guint32 padded[32];

                for (int px = 0; px < self->mcu_w; px++)
                  padded[px] = src[MIN (px, cols - 1)];
                rgb_to_ycc_row (padded, planes[0] + i, planes[1] + i, planes[2] + i, self->mcu_w);
              }
          }
        encode_mcu (self, my, mx, planes, band, stride, ox, oy, cols, rows);
        if (self->streaming)
          self->spans[(gsize) (my % self->ring_rows) * self->mcus_x + mx].changed = TRUE;
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

  if (self->streaming)
    return stream_finish (self);
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
  mockup_buffer_free (self->photo_band, self->photo_band_size);
  mockup_buffer_free (self->ring, self->ring_size);
  mockup_buffer_free (self->spans, self->spans_size);
  g_clear_pointer (&self->cache_bytes, g_bytes_unref);
  g_free (self->collect);
  mockup_buffer_free (self->out.data, self->out.size);
  g_free (self);
}
