/* mockup-texture.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

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
  self->linear = linear;
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
      next->argb = g_new (guint32, (gsize) next->width * next->height);
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
          level->rgba = g_new (guint16, n * 4);
          for (gsize i = 0; i < n; i++)
            {
              guint32 p = level->argb[i];
              guint8 a = MOCKUP_A (p);

              level->rgba[4 * i + 0] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_R (p), a) * 65535.0f);
              level->rgba[4 * i + 1] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_G (p), a) * 65535.0f);
              level->rgba[4 * i + 2] = (guint16) lrintf (mockup_color_premul_to_linear (MOCKUP_B (p), a) * 65535.0f);
              level->rgba[4 * i + 3] = (guint16) (a * 257);
            }
          g_clear_pointer (&level->argb, g_free);
          self->memory += n * 8;
        }
      else
        self->memory += n * 4;
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
      g_free (self->levels[l].argb);
      g_free (self->levels[l].rgba);
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

/* Adds @weight × the bilinear interpolation of @level at (x, y), in
 * texels, to @acc. Clamps to the edge. */
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

  if (level->argb != NULL)
    {
      guint32 p00 = level->argb[r0 + x0], p10 = level->argb[r0 + x1];
      guint32 p01 = level->argb[r1 + x0], p11 = level->argb[r1 + x1];

      acc[0] += w00 * MOCKUP_R (p00) + w10 * MOCKUP_R (p10) + w01 * MOCKUP_R (p01) + w11 * MOCKUP_R (p11);
      acc[1] += w00 * MOCKUP_G (p00) + w10 * MOCKUP_G (p10) + w01 * MOCKUP_G (p01) + w11 * MOCKUP_G (p11);
      acc[2] += w00 * MOCKUP_B (p00) + w10 * MOCKUP_B (p10) + w01 * MOCKUP_B (p01) + w11 * MOCKUP_B (p11);
      acc[3] += w00 * MOCKUP_A (p00) + w10 * MOCKUP_A (p10) + w01 * MOCKUP_A (p01) + w11 * MOCKUP_A (p11);
    }
  else
    {
      const guint16 *p00 = level->rgba + 4 * (r0 + x0), *p10 = level->rgba + 4 * (r0 + x1);
      const guint16 *p01 = level->rgba + 4 * (r1 + x0), *p11 = level->rgba + 4 * (r1 + x1);

      for (int c = 0; c < 4; c++)
        acc[c] += w00 * p00[c] + w10 * p10[c] + w01 * p01[c] + w11 * p11[c];
    }
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

void
mockup_texture_sample (const MockupTexture      *self,
                       const MockupCrop         *crop,
                       const MockupSurfacePoint *point,
                       float                     rgba[4])
{
  const MockupTextureLevel *base = &self->levels[0];
  float scale = self->linear ? 1.0f / 65535.0f : 1.0f / 255.0f;
  float s = crop->x + CLAMP (point->u, 0.0f, 1.0f) * crop->width;
  float t = crop->y + CLAMP (point->v, 0.0f, 1.0f) * crop->height;
  /* the pixel's footprint in base-level texels */
  float sw = crop->width * base->width, th = crop->height * base->height;
  float ax = point->dudx * sw, ay = point->dvdx * th;
  float bx = point->dudy * sw, by = point->dvdy * th;
  float la = ax * ax + ay * ay, lb = bx * bx + by * by;
  float major, minor, mx, my;
  float acc[4] = { 0, 0, 0, 0 };
  int n;
  float lod;

  if (la >= lb)
    {
      major = sqrtf (la);
      minor = sqrtf (lb);
      mx = ax;
      my = ay;
    }
  else
    {
      major = sqrtf (lb);
      minor = sqrtf (la);
      mx = bx;
      my = by;
    }

  if (!(major > 1.0f))
    {
      /* magnified or 1:1: plain bilinear */
      bilinear (base, s * base->width, t * base->height, scale, acc);
    }
  else
    {
      minor = MAX (minor, 1.0f);
      n = (int) ceilf (major / minor);
      n = CLAMP (n, 1, MOCKUP_TEXTURE_MAX_ANISOTROPY);
      lod = log2f (MAX (major / n, minor));

      if (n == 1)
        trilinear (self, s, t, lod, scale, acc);
      else
        {
          /* n taps spread evenly along the long axis of the footprint */
          float step_s = mx / base->width / n, step_t = my / base->height / n;
          float start = -0.5f * (n - 1);
          float w = scale / n;

          for (int i = 0; i < n; i++)
            trilinear (self, s + (start + i) * step_s, t + (start + i) * step_t, lod, w, acc);
        }
    }

  rgba[0] = acc[0];
  rgba[1] = acc[1];
  rgba[2] = acc[2];
  rgba[3] = acc[3];
}
