/* mockup-resampler.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mockup-color-private.h"
#include "mockup-resampler-private.h"

/* The taps of one output coordinate along one axis, weighted for the path
 * the resampler takes: float weights, or the same in Q15 summing to
 * exactly 1 << 15; the other is NULL. */
typedef struct
{
  int first;
  int count;
  float *weights;
  gint32 *fixed;
} Taps;

typedef struct
{
  Taps *taps;
  float *weights;       /* all the taps' weights, max_count apart */
  gint32 *fixed;
  int max_count;
} Axis;

/* sRGB-encoded values are averaged in fixed point: weights in Q15, the
 * rows between the passes with 8 fractional bits. Linear light needs the
 * float path. */
#define WEIGHT_BITS 15
#define MOCKUP_RESAMPLER_MAX_TAPS 64
#define WEIGHT_ONE (1 << WEIGHT_BITS)

struct _MockupResampler
{
  int src_width, src_height;
  int dst_width, dst_height;
  gboolean linear;
  gboolean copy_only;

  Axis horizontal;
  Axis vertical;

  /* Horizontally resampled source rows, four channels a pixel (floats in
   * linear light, else 8.8 fixed point in the byte order of ARGB32: b, g,
   * r, a), in a ring indexed by source row modulo ring_size. */
  float *ring;
  guint16 *fixed_ring;
  int ring_size;
  int rows_in;    /* source rows pushed so far */
  int rows_out;   /* destination rows pulled so far */
  guint32 *pending_copy;  /* copy_only: the one row waiting */
};

/* Places the taps of each output coordinate: a box of width src / dst
 * for shrinking, a tent over the two nearest samples for enlarging. */
static void
axis_init (Axis *axis,
           int   src,
           int   dst)
{
  double scale = (double) src / dst;

  axis->taps = g_new (Taps, dst);
  axis->max_count = 0;

  for (int o = 0; o < dst; o++)
    {
      Taps *t = &axis->taps[o];

      if (scale > 1.0)
        {
          int first = (int) floor (o * scale);
          int last = MIN (src - 1, (int) ceil ((o + 1) * scale) - 1);

          t->first = first;
          t->count = last - first + 1;
        }
      else
        {
          double center = (o + 0.5) * scale - 0.5;
          int first = (int) floor (center);

          if (first < 0)
            {
              t->first = 0;
              t->count = 1;
            }
          else if (first >= src - 1)
            {
              t->first = src - 1;
              t->count = 1;
            }
          else
            {
              t->first = first;
              t->count = center - first > 0.0 ? 2 : 1;
            }
        }
      axis->max_count = MAX (axis->max_count, t->count);
    }
}

/* The weights of output coordinate @o's taps, summing to 1: the parts of
 * the box each source sample covers, or the tent's. */
static void
tap_weights (const Taps *t,
             int         o,
             double      scale,
             float      *w)
{
  if (scale > 1.0)
    {
      double lo = o * scale, hi = (o + 1) * scale;
      double total = 0.0;

      for (int i = 0; i < t->count; i++)
        {
          double a = MAX (lo, t->first + i), b = MIN (hi, t->first + i + 1.0);
          w[i] = (float) MAX (0.0, b - a);
          total += w[i];
        }
      for (int i = 0; i < t->count; i++)
        w[i] = (float) (w[i] / total);
    }
  else if (t->count == 2)
    {
      double frac = (o + 0.5) * scale - 0.5 - t->first;

      w[0] = (float) (1.0 - frac);
      w[1] = (float) frac;
    }
  else
    w[0] = 1.0f;
}

/* Gives the taps float weights, or only the same in Q15 if @fixed. */
static void
axis_weigh (Axis     *axis,
            int       src,
            int       dst,
            gboolean  fixed)
{
  double scale = (double) src / dst;
  gsize stride = (gsize) axis->max_count;
  float *scratch = NULL;

  if (fixed)
    {
      axis->fixed = g_new0 (gint32, (gsize) dst * stride);
      scratch = g_new (float, stride);
    }
  else
    axis->weights = g_new0 (float, (gsize) dst * stride);

  for (int o = 0; o < dst; o++)
    {
      Taps *t = &axis->taps[o];
      gint32 sum = 0;
      int heaviest = 0;

      if (!fixed)
        {
          t->weights = axis->weights + o * stride;
          t->fixed = NULL;
          tap_weights (t, o, scale, t->weights);
          continue;
        }

      t->weights = NULL;
      t->fixed = axis->fixed + o * stride;
      tap_weights (t, o, scale, scratch);
      /* rounded, then the remainder given to the heaviest tap so that a
       * flat image stays exactly flat */
      for (int i = 0; i < t->count; i++)
        {
          t->fixed[i] = (gint32) lrintf (scratch[i] * WEIGHT_ONE);
          sum += t->fixed[i];
          if (t->fixed[i] > t->fixed[heaviest])
            heaviest = i;
        }
      t->fixed[heaviest] += WEIGHT_ONE - sum;
    }

  g_free (scratch);
}

static void
axis_clear (Axis *axis)
{
  g_clear_pointer (&axis->taps, g_free);
  g_clear_pointer (&axis->weights, g_free);
  g_clear_pointer (&axis->fixed, g_free);
}

MockupResampler *
mockup_resampler_new (int      src_width,
                      int      src_height,
                      int      dst_width,
                      int      dst_height,
                      gboolean linear_light)
{
  MockupResampler *self;
  gboolean fixed;

  g_return_val_if_fail (src_width > 0 && src_height > 0, NULL);
  g_return_val_if_fail (dst_width > 0 && dst_height > 0, NULL);

  mockup_color_init ();

  self = g_new0 (MockupResampler, 1);
  self->src_width = src_width;
  self->src_height = src_height;
  self->dst_width = dst_width;
  self->dst_height = dst_height;
  self->linear = linear_light;
  self->copy_only = src_width == dst_width && src_height == dst_height;

  if (self->copy_only)
    {
      self->pending_copy = g_new (guint32, src_width);
      return self;
    }

  axis_init (&self->horizontal, src_width, dst_width);
  axis_init (&self->vertical, src_height, dst_height);
  self->ring_size = self->vertical.max_count + 1;
  /* the taps are placed: now the one path's weights and ring */
  fixed = !linear_light && self->vertical.max_count <= MOCKUP_RESAMPLER_MAX_TAPS;
  axis_weigh (&self->horizontal, src_width, dst_width, fixed);
  axis_weigh (&self->vertical, src_height, dst_height, fixed);
  if (fixed)
    self->fixed_ring = g_new0 (guint16, (gsize) self->ring_size * dst_width * 4);
  else
    self->ring = g_new0 (float, (gsize) self->ring_size * dst_width * 4);
  return self;
}

void
mockup_resampler_free (MockupResampler *self)
{
  if (self == NULL)
    return;
  axis_clear (&self->horizontal);
  axis_clear (&self->vertical);
  g_free (self->ring);
  g_free (self->fixed_ring);
  g_free (self->pending_copy);
  g_free (self);
}

gsize
mockup_resampler_estimate_memory (int src_width,
                                  int src_height,
                                  int dst_width,
                                  int dst_height)
{
  double vscale = (double) src_height / dst_height;
  double hscale = (double) src_width / dst_width;
  gsize ring_rows = (gsize) (vscale > 1.0 ? ceil (vscale) + 3 : 3);

  return ring_rows * dst_width * 16 +
         (gsize) dst_width * (sizeof (Taps) + 4 * (hscale > 1.0 ? ceil (hscale) + 1 : 2)) +
         (gsize) dst_height * (sizeof (Taps) + 4 * (vscale > 1.0 ? ceil (vscale) + 1 : 2)) +
         (gsize) src_width * 4;
}

gboolean
mockup_resampler_needs_input (MockupResampler *self)
{
  const Taps *t;

  if (self->rows_out >= self->dst_height)
    return FALSE;
  if (self->copy_only)
    return self->rows_in == self->rows_out;

  t = &self->vertical.taps[self->rows_out];
  return self->rows_in < t->first + t->count;
}

static inline void
load_pixel (const MockupResampler *self,
            guint32                p,
            float                  out[4])
{
  guint8 a = MOCKUP_A (p);

  if (self->linear)
    {
      out[0] = mockup_color_premul_to_linear (MOCKUP_R (p), a);
      out[1] = mockup_color_premul_to_linear (MOCKUP_G (p), a);
      out[2] = mockup_color_premul_to_linear (MOCKUP_B (p), a);
    }
  else
    {
      out[0] = MOCKUP_R (p) * (1.0f / 255.0f);
      out[1] = MOCKUP_G (p) * (1.0f / 255.0f);
      out[2] = MOCKUP_B (p) * (1.0f / 255.0f);
    }
  out[3] = a * (1.0f / 255.0f);
}

/* One output pixel of the horizontal pass: Q15 taps of 8-bit channels,
 * to 8.8. */
static inline void
push_pixel_fixed (const Taps    *t,
                  const guint32 *row,
                  guint16       *out)
{
  const guint32 *p = row + t->first;
  guint32 b = 0, g = 0, r = 0, a = 0;

  for (int i = 0; i < t->count; i++)
    {
      guint32 w = (guint32) t->fixed[i];

      b += w * (p[i] & 0xff);
      g += w * ((p[i] >> 8) & 0xff);
      r += w * ((p[i] >> 16) & 0xff);
      a += w * (p[i] >> 24);
    }
  out[0] = (guint16) ((b + (1 << 6)) >> 7);
  out[1] = (guint16) ((g + (1 << 6)) >> 7);
  out[2] = (guint16) ((r + (1 << 6)) >> 7);
  out[3] = (guint16) ((a + (1 << 6)) >> 7);
}

#ifdef __SSE2__
/* A pixel's four channels times a Q15 weight (up to 1 << 15, so unsigned),
 * as four 32-bit products. */
static inline __m128i
weigh_pixel (guint32 p,
             guint16 w)
{
  __m128i px = _mm_unpacklo_epi8 (_mm_cvtsi32_si128 ((int) p), _mm_setzero_si128 ());
  __m128i weight = _mm_set1_epi16 ((short) w);

  return _mm_unpacklo_epi16 (_mm_mullo_epi16 (px, weight), _mm_mulhi_epu16 (px, weight));
}

static inline __m128i
push_acc_sse2 (const Taps    *t,
               const guint32 *row)
{
  const guint32 *p = row + t->first;
  __m128i acc = _mm_setzero_si128 ();

  for (int i = 0; i < t->count; i++)
    acc = _mm_add_epi32 (acc, weigh_pixel (p[i], (guint16) t->fixed[i]));
  /* Q15 to 8.8, rounded; then biased by -32768 to pack as signed */
  return _mm_sub_epi32 (_mm_srli_epi32 (_mm_add_epi32 (acc, _mm_set1_epi32 (1 << 6)), 7),
                        _mm_set1_epi32 (32768));
}
#endif

static void
push_row_fixed (const MockupResampler *self,
                const guint32         *row,
                guint16               *out)
{
  const Taps *taps = self->horizontal.taps;
  int x = 0;

#ifdef __SSE2__
  /* two output pixels a store, the same sums as push_pixel_fixed () */
  for (; x + 2 <= self->dst_width; x += 2)
    {
      __m128i packed = _mm_packs_epi32 (push_acc_sse2 (&taps[x], row), push_acc_sse2 (&taps[x + 1], row));

      _mm_storeu_si128 ((__m128i *) (out + 4 * x), _mm_xor_si128 (packed, _mm_set1_epi16 (-32768)));
    }
#endif

  for (; x < self->dst_width; x++)
    push_pixel_fixed (&taps[x], row, out + 4 * x);
}

/* The vertical pass: 8.8 rows times Q15 weights to 8-bit premultiplied
 * ARGB32, colours clamped to their alpha. */
static void
pull_row_fixed (const guint16 * const *rows,
                const gint32          *weights,
                int                    count,
                guint32               *row,
                int                    width)
{
  int x = 0;

#ifdef __SSE2__
  /* two pixels (eight channels) a step */
  for (; x + 2 <= width; x += 2)
    {
      __m128i lo = _mm_setzero_si128 (), hi = _mm_setzero_si128 ();
      __m128i v, alpha;

      for (int i = 0; i < count; i++)
        {
          __m128i src = _mm_loadu_si128 ((const __m128i *) (rows[i] + 4 * x));
          __m128i w = _mm_set1_epi16 ((short) weights[i]);
          __m128i prod_lo = _mm_mullo_epi16 (src, w), prod_hi = _mm_mulhi_epu16 (src, w);

          lo = _mm_add_epi32 (lo, _mm_unpacklo_epi16 (prod_lo, prod_hi));
          hi = _mm_add_epi32 (hi, _mm_unpackhi_epi16 (prod_lo, prod_hi));
        }
      lo = _mm_srli_epi32 (_mm_add_epi32 (lo, _mm_set1_epi32 (1 << 22)), 23);
      hi = _mm_srli_epi32 (_mm_add_epi32 (hi, _mm_set1_epi32 (1 << 22)), 23);
      v = _mm_packs_epi32 (lo, hi);
      alpha = _mm_shufflehi_epi16 (_mm_shufflelo_epi16 (v, _MM_SHUFFLE (3, 3, 3, 3)), _MM_SHUFFLE (3, 3, 3, 3));
      v = _mm_min_epi16 (v, alpha);
      _mm_storel_epi64 ((__m128i *) (row + x), _mm_packus_epi16 (v, v));
    }
#endif

  for (; x < width; x++)
    {
      guint32 acc[4] = { 0, 0, 0, 0 };
      guint a, r, g, b;

      /* at most 1 << 15 times 65280: fits in 32 bits */
      for (int i = 0; i < count; i++)
        {
          const guint16 *p = rows[i] + x * 4;
          guint32 w = (guint32) weights[i];

          acc[0] += w * p[0];
          acc[1] += w * p[1];
          acc[2] += w * p[2];
          acc[3] += w * p[3];
        }
      b = (acc[0] + (1u << 22)) >> 23;
      g = (acc[1] + (1u << 22)) >> 23;
      r = (acc[2] + (1u << 22)) >> 23;
      a = (acc[3] + (1u << 22)) >> 23;
      row[x] = MOCKUP_ARGB (a, MIN (r, a), MIN (g, a), MIN (b, a));
    }
}

void
mockup_resampler_push_row (MockupResampler *self,
                           const guint32   *row)
{
  float *dst;

  g_return_if_fail (self->rows_in < self->src_height);

  if (self->copy_only)
    {
      memcpy (self->pending_copy, row, (gsize) self->src_width * 4);
      self->rows_in++;
      return;
    }

  if (self->fixed_ring != NULL)
    {
      push_row_fixed (self, row, self->fixed_ring +
                      (gsize) (self->rows_in % self->ring_size) * self->dst_width * 4);
      self->rows_in++;
      return;
    }

  dst = self->ring + (gsize) (self->rows_in % self->ring_size) * self->dst_width * 4;

  if (self->src_width == self->dst_width)
    {
      for (int x = 0; x < self->dst_width; x++)
        load_pixel (self, row[x], dst + x * 4);
    }
  else
    {
      for (int x = 0; x < self->dst_width; x++)
        {
          const Taps *t = &self->horizontal.taps[x];
          float acc[4] = { 0, 0, 0, 0 };

          for (int i = 0; i < t->count; i++)
            {
              float px[4];
              float w = t->weights[i];

              load_pixel (self, row[t->first + i], px);
              acc[0] += w * px[0];
              acc[1] += w * px[1];
              acc[2] += w * px[2];
              acc[3] += w * px[3];
            }
          memcpy (dst + x * 4, acc, sizeof acc);
        }
    }
  self->rows_in++;
}

void
mockup_resampler_pull_row (MockupResampler *self,
                           guint32         *row)
{
  const Taps *t;

  g_return_if_fail (self->rows_out < self->dst_height);
  g_return_if_fail (!mockup_resampler_needs_input (self));

  if (self->copy_only)
    {
      memcpy (row, self->pending_copy, (gsize) self->dst_width * 4);
      self->rows_out++;
      return;
    }

  t = &self->vertical.taps[self->rows_out];

  if (self->fixed_ring != NULL)
    {
      /* the fixed path is only taken where every count fits */
      const guint16 *rows[MOCKUP_RESAMPLER_MAX_TAPS];

      for (int i = 0; i < t->count; i++)
        rows[i] = self->fixed_ring + (gsize) ((t->first + i) % self->ring_size) * self->dst_width * 4;
      pull_row_fixed (rows, t->fixed, t->count, row, self->dst_width);
      self->rows_out++;
      return;
    }

  for (int x = 0; x < self->dst_width; x++)
    {
      float acc[4] = { 0, 0, 0, 0 };

      for (int i = 0; i < t->count; i++)
        {
          const float *src = self->ring + ((gsize) ((t->first + i) % self->ring_size) * self->dst_width + x) * 4;
          float w = t->weights[i];

          acc[0] += w * src[0];
          acc[1] += w * src[1];
          acc[2] += w * src[2];
          acc[3] += w * src[3];
        }
      row[x] = mockup_color_pack_premul (acc, self->linear);
    }
  self->rows_out++;
}

void
mockup_resample_image (const guint32 *src,
                       int            src_width,
                       int            src_height,
                       gsize          src_stride,
                       guint32       *dst,
                       int            dst_width,
                       int            dst_height,
                       gsize          dst_stride,
                       gboolean       linear_light)
{
  g_autoptr(MockupResampler) resampler = mockup_resampler_new (src_width, src_height,
                                                               dst_width, dst_height,
                                                               linear_light);
  int in = 0;

  for (int y = 0; y < dst_height; y++)
    {
      while (mockup_resampler_needs_input (resampler))
        mockup_resampler_push_row (resampler, src + (gsize) in++ * src_stride);
      mockup_resampler_pull_row (resampler, dst + (gsize) y * dst_stride);
    }
}
