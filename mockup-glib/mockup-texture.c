/* mockup-texture.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-resampler-private.h"
#include "mockup-texture-private.h"

MockupTexture *
mockup_texture_new (guint32  *argb,
                    int       width,
                    int       height,
                    gboolean  linear)
{
  MockupTexture *self = g_new0 (MockupTexture, 1);

  g_atomic_ref_count_init (&self->ref_count);
  mockup_color_init ();

  self->levels[0].width = width;
  self->levels[0].height = height;
  self->levels[0].argb = argb;
  self->n_levels = 1;

  /* Each level halves (rounding down) and averages the area it covers, so
   * odd sizes keep their exact footprint. */
  while (self->n_levels < MOCKUP_TEXTURE_MAX_LEVELS)
    {
      MockupTextureLevel *prev = &self->levels[self->n_levels - 1];
      MockupTextureLevel *next = &self->levels[self->n_levels];

      if (prev->width == 1 && prev->height == 1)
        break;
      next->width = MAX (1, prev->width / 2);
      next->height = MAX (1, prev->height / 2);
      next->argb = mockup_buffer_alloc ((gsize) next->width * next->height * 4);
      if (next->argb == NULL)
        {
          mockup_texture_unref (self);
          return NULL;
        }
      mockup_resample_image (prev->argb, prev->width, prev->height, prev->width,
                             next->argb, next->width, next->height, next->width,
                             linear);
      self->n_levels++;
    }

  for (int l = 0; l < self->n_levels; l++)
    {
      MockupTextureLevel *level = &self->levels[l];
      gsize n = (gsize) level->width * level->height;

      if (linear)
        {
          level->rgba = mockup_buffer_alloc (n * 8);
          if (level->rgba == NULL)
            {
              mockup_texture_unref (self);
              return NULL;
            }
          for (gsize i = 0; i < n; i++)
            {
              guint32 p = level->argb[i];
              guint8 a = MOCKUP_A (p);

              level->rgba[4 * i + 0] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_R (p), a) * 65535.0f);
              level->rgba[4 * i + 1] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_G (p), a) * 65535.0f);
              level->rgba[4 * i + 2] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_B (p), a) * 65535.0f);
              level->rgba[4 * i + 3] = (guint16) (a * 257);
            }
          mockup_buffer_free (level->argb, n * 4);
          level->argb = NULL;
        }
    }

  return self;
}

MockupTexture *
mockup_texture_ref (MockupTexture *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
mockup_texture_unref (MockupTexture *self)
{
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  for (int l = 0; l < self->n_levels; l++)
    {
      gsize n = (gsize) self->levels[l].width * self->levels[l].height;

      mockup_buffer_free (self->levels[l].argb, n * 4);
      mockup_buffer_free (self->levels[l].rgba, n * 8);
    }
  g_free (self);
}

gsize
mockup_texture_estimate_memory (int      width,
                                int      height,
                                gboolean linear)
{
  gsize n = (gsize) width * height;

  /* a pyramid is a third more than its base; building a linear one holds
   * the 8-bit level next to the 16-bit one for a moment */
  return linear ? n * 8 * 4 / 3 + n * 4 : n * 4 * 4 / 3 + 4096;
}

/* Adds @weight × the bilinear interpolation of the 16-bit linear @level
 * at (x, y), in texels, to @acc. Clamps to the edge. */
static inline void
bilinear (const MockupTextureLevel *level,
          float                     x,
          float                     y,
          float                     weight,
          float                     acc[4])
{
  float fx, fy, w00, w10, w01, w11;
  int x0, y0, x1, y1;
  gsize r0, r1;
  const guint16 *p00, *p10, *p01, *p11;

  x -= 0.5f;
  y -= 0.5f;
  x0 = (int) floorf (x);
  y0 = (int) floorf (y);
  fx = x - x0;
  fy = y - y0;
  x1 = x0 + 1;
  y1 = y0 + 1;
  x0 = CLAMP (x0, 0, level->width - 1);
  x1 = CLAMP (x1, 0, level->width - 1);
  y0 = CLAMP (y0, 0, level->height - 1);
  y1 = CLAMP (y1, 0, level->height - 1);

  w00 = (1.0f - fx) * (1.0f - fy) * weight;
  w10 = fx * (1.0f - fy) * weight;
  w01 = (1.0f - fx) * fy * weight;
  w11 = fx * fy * weight;
  r0 = (gsize) y0 * level->width;
  r1 = (gsize) y1 * level->width;

  p00 = level->rgba + 4 * (r0 + x0);
  p10 = level->rgba + 4 * (r0 + x1);
  p01 = level->rgba + 4 * (r1 + x0);
  p11 = level->rgba + 4 * (r1 + x1);
  for (int c = 0; c < 4; c++)
    acc[c] += w00 * p00[c] + w10 * p10[c] + w01 * p01[c] + w11 * p11[c];
}

/* Trilinear: blends the two levels around @lod. (s, t) are normalised. */
static inline void
trilinear (const MockupTexture *self,
           float                s,
           float                t,
           float                lod,
           float                weight,
           float                acc[4])
{
  int l0 = (int) floorf (lod);
  float f = lod - l0;
  const MockupTextureLevel *a;

  if (l0 >= self->n_levels - 1)
    {
      a = &self->levels[self->n_levels - 1];
      bilinear (a, s * a->width, t * a->height, weight, acc);
      return;
    }

  a = &self->levels[l0];
  if (f < 1.0f / 256.0f)
    {
      bilinear (a, s * a->width, t * a->height, weight, acc);
      return;
    }
  bilinear (a, s * a->width, t * a->height, weight * (1.0f - f), acc);
  a = &self->levels[l0 + 1];
  bilinear (a, s * a->width, t * a->height, weight * f, acc);
}

/* The footprint of an output pixel in base-level texels: how many taps
 * along its long axis, their step in normalised coordinates, and the
 * level of detail they are taken at. Shared by both sampling paths. */
typedef struct
{
  float s, t;           /* centre, normalised */
  float step_s, step_t; /* between taps, normalised */
  int n;                /* taps; 0: magnified, one bilinear tap on level 0 */
  float lod;
} Footprint;

/* log2 to about 0.01, without a libm call: exponent plus a quadratic fit
 * of the mantissa. Plenty for choosing a mipmap level. Below 130 for any
 * input, infinity and NaN included, so a level of detail from it casts to
 * int safely. */
static inline float
fast_log2 (float v)
{
  union { float f; guint32 i; } u = { v };
  float e = (float) (int) ((u.i >> 23) & 0xff) - 127.0f;
  float m;

  u.i = (u.i & 0x7fffff) | 0x3f800000;
  m = u.f;
  return e + (-0.34484843f * m + 2.02466578f) * m - 0.67487759f;
}

/* What footprint () needs of a texture and crop, worked out once a row. */
typedef struct
{
  float crop_x, crop_y, crop_w, crop_h;
  float texels_w, texels_h;       /* the crop in base texels */
  float inv_w, inv_h;             /* 1 / base size */
} FootprintSetup;

static inline void
footprint_setup (const MockupTexture *self,
                 const MockupCrop    *crop,
                 FootprintSetup      *setup)
{
  const MockupTextureLevel *base = &self->levels[0];

  setup->crop_x = crop->x;
  setup->crop_y = crop->y;
  setup->crop_w = crop->width;
  setup->crop_h = crop->height;
  setup->texels_w = crop->width * base->width;
  setup->texels_h = crop->height * base->height;
  setup->inv_w = 1.0f / base->width;
  setup->inv_h = 1.0f / base->height;
}

/* @v limited to [@lo, @hi], NaN to @lo: CLAMP () passes NaN through. The
 * comparisons map to minss/maxss, as cheap as CLAMP (). */
static inline float
clamp_finite (float v,
              float lo,
              float hi)
{
  v = v > lo ? v : lo;
  return v < hi ? v : hi;
}

/* Every texel position the sampler computes comes from these two clamps:
 * the centre within the texture and the step between taps at most the
 * texture's size, so that a tap lies within 9 texture sizes of it and its
 * fixed-point coordinates fit an int, whatever the geometry gave (a
 * near-degenerate mesh cell inverts to derivatives of 1e10 and more). */
static inline void
footprint_position (const FootprintSetup     *setup,
                    const MockupSurfacePoint *point,
                    Footprint                *f)
{
  f->s = setup->crop_x + clamp_finite (point->u, 0.0f, 1.0f) * setup->crop_w;
  f->t = setup->crop_y + clamp_finite (point->v, 0.0f, 1.0f) * setup->crop_h;
}

static inline void
footprint (const FootprintSetup     *setup,
           const MockupSurfacePoint *point,
           Footprint                *f)
{
  float ax = point->dudx * setup->texels_w, ay = point->dvdx * setup->texels_h;
  float bx = point->dudy * setup->texels_w, by = point->dvdy * setup->texels_h;
  float la = ax * ax + ay * ay, lb = bx * bx + by * by;
  float major2, minor2, mx, my, per_tap2, ratio, inv_n;
  int n;

  footprint_position (setup, point, f);

  if (la >= lb)
    {
      major2 = la; minor2 = lb; mx = ax; my = ay;
    }
  else
    {
      major2 = lb; minor2 = la; mx = bx; my = by;
    }

  if (!(major2 > 1.0f))
    {
      f->n = 0;
      f->lod = 0.0f;
      return;
    }

  minor2 = MAX (minor2, 1.0f);

  /* One tap a minor axis along the major axis. A footprint less than a
   * third longer than wide takes one tap, filtered a little wider than it
   * needs: what trilinear filtering does everywhere, at half the cost.
   * That is most pixels, so test it on the squares, without a division
   * or a square root. */
  if (major2 < 1.69f * minor2)
    {
      f->n = 1;
      f->lod = MAX (0.0f, 0.5f * fast_log2 (major2));
      return;
    }

  /* Clamped before the cast: an infinite ratio would make it undefined. */
  ratio = MIN (sqrtf (major2 / minor2) - 0.3f,
               (float) MOCKUP_TEXTURE_MAX_ANISOTROPY);
  n = (int) ratio;
  n += (float) n < ratio;
  n = CLAMP (n, 1, MOCKUP_TEXTURE_MAX_ANISOTROPY);
  inv_n = 1.0f / (float) n;
  per_tap2 = major2 * inv_n * inv_n;
  f->lod = 0.5f * fast_log2 (MAX (per_tap2, minor2));
  f->lod = MAX (f->lod, 0.0f);
  f->n = n;
  f->step_s = clamp_finite (mx * setup->inv_w * inv_n, -1.0f, 1.0f);
  f->step_t = clamp_finite (my * setup->inv_h * inv_n, -1.0f, 1.0f);
}

void
mockup_texture_sample (const MockupTexture      *self,
                       const MockupCrop         *crop,
                       const MockupSurfacePoint *point,
                       float                     rgba[4])
{
  const MockupTextureLevel *base = &self->levels[0];
  float scale = 1.0f / 65535.0f;   /* the 16-bit levels of a linear texture */
  float acc[4] = { 0, 0, 0, 0 };
  FootprintSetup setup;
  Footprint f;

  footprint_setup (self, crop, &setup);
  footprint (&setup, point, &f);

  if (f.n == 0)
    bilinear (base, f.s * base->width, f.t * base->height, scale, acc);
  else if (f.n == 1)
    trilinear (self, f.s, f.t, f.lod, scale, acc);
  else
    {
      float start = -0.5f * (f.n - 1);
      float w = scale / f.n;

      for (int i = 0; i < f.n; i++)
        trilinear (self, f.s + (start + i) * f.step_s, f.t + (start + i) * f.step_t, f.lod, w, acc);
    }

  rgba[0] = acc[0];
  rgba[1] = acc[1];
  rgba[2] = acc[2];
  rgba[3] = acc[3];
}

/* Fixed point. A pixel's four channels sit in two lanes of 0x00ff00ff, so
 * one multiply interpolates two channels at once. Weights are 0 to 256. */
static inline guint32
lerp_argb (guint32 a,
           guint32 b,
           guint   w)
{
  guint32 rb = (a & 0x00ff00ffu) * (256 - w) + (b & 0x00ff00ffu) * w;
  guint32 ag = ((a >> 8) & 0x00ff00ffu) * (256 - w) + ((b >> 8) & 0x00ff00ffu) * w;

  return ((rb + 0x00800080u) >> 8 & 0x00ff00ffu) | ((ag + 0x00800080u) & 0xff00ff00u);
}

static inline guint32
bilinear_argb (const MockupTextureLevel *level,
               float                     x,
               float                     y)
{
  /* texel centres at half-integers; 8 fractional bits */
  int fx = (int) ((x - 0.5f) * 256.0f + 65536.0f) - 65536;
  int fy = (int) ((y - 0.5f) * 256.0f + 65536.0f) - 65536;
  int x0 = fx >> 8, y0 = fy >> 8;
  guint wx = (guint) fx & 0xff, wy = (guint) fy & 0xff;
  int x1 = x0 + 1, y1 = y0 + 1;
  const guint32 *r0, *r1;

  /* inside, as nearly every tap is: no clamping */
  if ((guint) x0 < (guint) level->width - 1 && (guint) y0 < (guint) level->height - 1)
    {
      r0 = level->argb + (gsize) y0 * level->width + x0;
      r1 = r0 + level->width;
#ifdef __SSE2__
      {
        /* both pairs of neighbours widened to 16 bits a channel: the
         * vertical blend in one go, then the horizontal one */
        const __m128i zero = _mm_setzero_si128 ();
        const __m128i half = _mm_set1_epi16 (128);
        __m128i top = _mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) r0), zero);
        __m128i bottom = _mm_unpacklo_epi8 (_mm_loadl_epi64 ((const __m128i *) r1), zero);
        __m128i v = _mm_add_epi16 (_mm_mullo_epi16 (top, _mm_set1_epi16 ((short) (256 - wy))),
                                   _mm_mullo_epi16 (bottom, _mm_set1_epi16 ((short) wy)));
        __m128i right, h;

        v = _mm_srli_epi16 (_mm_add_epi16 (v, half), 8);
        right = _mm_unpackhi_epi64 (v, v);
        h = _mm_add_epi16 (_mm_mullo_epi16 (v, _mm_set1_epi16 ((short) (256 - wx))),
                           _mm_mullo_epi16 (right, _mm_set1_epi16 ((short) wx)));
        h = _mm_srli_epi16 (_mm_add_epi16 (h, half), 8);
        return (guint32) _mm_cvtsi128_si32 (_mm_packus_epi16 (h, h));
      }
#else
      return lerp_argb (lerp_argb (r0[0], r0[1], wx), lerp_argb (r1[0], r1[1], wx), wy);
#endif
    }

  x0 = CLAMP (x0, 0, level->width - 1);
  x1 = CLAMP (x1, 0, level->width - 1);
  y0 = CLAMP (y0, 0, level->height - 1);
  y1 = CLAMP (y1, 0, level->height - 1);
  r0 = level->argb + (gsize) y0 * level->width;
  r1 = level->argb + (gsize) y1 * level->width;

  return lerp_argb (lerp_argb (r0[x0], r0[x1], wx), lerp_argb (r1[x0], r1[x1], wx), wy);
}

static inline guint32
trilinear_argb (const MockupTexture *self,
                float                s,
                float                t,
                float                lod)
{
  int l0 = (int) lod;
  guint w = (guint) ((lod - l0) * 256.0f);
  const MockupTextureLevel *a, *b;
  guint32 pa;

  if (l0 >= self->n_levels - 1)
    {
      a = &self->levels[self->n_levels - 1];
      return bilinear_argb (a, s * a->width, t * a->height);
    }
  /* a level weighing less than 1/64 moves no pixel by more than 1/64 of
   * the difference between the two levels, and costs half the work */
  if (w >= 252)
    {
      l0++;
      w = 0;
    }
  a = &self->levels[l0];
  pa = bilinear_argb (a, s * a->width, t * a->height);
  if (w < 4)
    return pa;
  b = &self->levels[l0 + 1];
  return lerp_argb (pa, bilinear_argb (b, s * b->width, t * b->height), w);
}

/* Four channels widened to 16 bits each, for summing up to 256 taps. */
static inline guint64
widen (guint32 p)
{
  guint64 v = p;

  v = (v | (v << 16)) & G_GUINT64_CONSTANT (0x0000ffff0000ffff);
  return (v | (v << 8)) & G_GUINT64_CONSTANT (0x00ff00ff00ff00ff);
}

/* Samples at the footprint @f, whose position is already set. */
static inline guint32
sample_footprint (const MockupTexture *self,
                  const Footprint     *fp)
{
  const MockupTextureLevel *base = &self->levels[0];
  Footprint f = *fp;
  guint64 sum = 0;
  float start;
  guint half, a, r, g, b;

  if (f.n == 0)
    return bilinear_argb (base, f.s * base->width, f.t * base->height);
  if (f.n == 1)
    return trilinear_argb (self, f.s, f.t, f.lod);

  start = -0.5f * (f.n - 1);
  for (int i = 0; i < f.n; i++)
    sum += widen (trilinear_argb (self, f.s + (start + i) * f.step_s,
                                  f.t + (start + i) * f.step_t, f.lod));

  half = (guint) f.n / 2;
  a = ((guint) (sum >> 48) + half) / (guint) f.n;
  r = ((guint) (sum >> 32 & 0xffff) + half) / (guint) f.n;
  g = ((guint) (sum >> 16 & 0xffff) + half) / (guint) f.n;
  b = ((guint) (sum & 0xffff) + half) / (guint) f.n;
  return (a << 24) | (r << 16) | (g << 8) | b;
}

/* The footprint's shape (level of detail, taps) changes by far less than a
 * percent from one pixel to the next: work it out every few pixels, and
 * only the position for each. */
#define FOOTPRINT_STRIDE 4

void
mockup_texture_sample_row_argb (const MockupTexture      *self,
                                const MockupCrop         *crop,
                                const MockupSurfacePoint *points,
                                const guint8             *wanted,
                                int                       n,
                                guint32                  *out)
{
  FootprintSetup setup;
  Footprint f;
  int since = FOOTPRINT_STRIDE;

  footprint_setup (self, crop, &setup);
  for (int i = 0; i < n; i++)
    {
      if (!wanted[i])
        {
          out[i] = 0;
          since = FOOTPRINT_STRIDE;
          continue;
        }
      if (since >= FOOTPRINT_STRIDE)
        {
          footprint (&setup, &points[i], &f);
          since = 0;
        }
      else
        footprint_position (&setup, &points[i], &f);
      since++;
      out[i] = sample_footprint (self, &f);
    }
}
