/* mockup-color-private.h: sRGB/linear conversion and ICC profiles
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>
#include <math.h>

G_BEGIN_DECLS

/* Pixels inside the engine are Cairo's ARGB32: a native-endian guint32
 * 0xAARRGGBB, colour premultiplied by alpha, sRGB-encoded. */
#define MOCKUP_ARGB(a,r,g,b) (((guint32) (a) << 24) | ((guint32) (r) << 16) | ((guint32) (g) << 8) | (guint32) (b))
#define MOCKUP_A(p) ((guint8) ((p) >> 24))
#define MOCKUP_R(p) ((guint8) ((p) >> 16))
#define MOCKUP_G(p) ((guint8) ((p) >> 8))
#define MOCKUP_B(p) ((guint8) (p))

typedef enum {
  MOCKUP_PIXELS_ARGB32,     /* Cairo's order, alpha straight (not yet premultiplied) */
  MOCKUP_PIXELS_RGBA8,      /* bytes R, G, B, A, alpha straight */
  MOCKUP_PIXELS_GRAY8,
  MOCKUP_PIXELS_CMYK8,
  MOCKUP_PIXELS_CMYK8_INVERTED,  /* Adobe's JPEG convention */
} MockupPixelLayout;

typedef struct _MockupColorTransform MockupColorTransform;

void                   mockup_color_init                 (void);

/* Premultiplied 8-bit sRGB channel @c with alpha @a to premultiplied linear
 * light in [0, 1]. */
extern float mockup_color_premul_to_linear_table[256][256];
static inline float
mockup_color_premul_to_linear (guint8 c, guint8 a)
{
  return mockup_color_premul_to_linear_table[a][c];
}

extern float mockup_color_srgb_to_linear_table[256];

guint8                 mockup_color_linear_to_srgb8      (float linear);
/* Premultiplied linear colour @c with alpha @a (both in [0, 1]) to a
 * premultiplied 8-bit sRGB channel. */
guint8                 mockup_color_linear_to_premul8    (float c,
                                                          float a);
/* A premultiplied float pixel, R, G, B, A in [0, 1], linear light if
 * @linear else sRGB-encoded, to premultiplied ARGB32. */
guint32                mockup_color_pack_premul          (const float         rgba[4],
                                                          gboolean            linear);

/* Returns NULL and no error when the profile is sRGB already. */
MockupColorTransform  *mockup_color_transform_new        (const void         *icc,
                                                          gsize               length,
                                                          MockupPixelLayout   input,
                                                          GError            **error);
void                   mockup_color_transform_free       (MockupColorTransform *transform);
/* Converts @n pixels of the input layout into straight-alpha ARGB32,
 * keeping the alpha of inputs that have one and setting 255 otherwise. */
void                   mockup_color_transform_apply      (MockupColorTransform *transform,
                                                          const guint8       *input,
                                                          guint32            *output,
                                                          int                 n);

/* Converts without a profile: the naive formulas. */
void                   mockup_color_convert_row          (MockupPixelLayout   input,
                                                          const guint8       *in,
                                                          guint32            *out,
                                                          int                 n);
/* Straight RGBA bytes to premultiplied ARGB32, in one pass. */
void                   mockup_color_rgba_to_premul_row   (const guint8       *in,
                                                          guint32            *out,
                                                          int                 n);
/* Premultiplies straight-alpha ARGB32 in place. */
void                   mockup_color_premultiply_row      (guint32            *row,
                                                          int                 n);
/* Photoshop's blend modes that Cairo has no operator for. */
typedef enum {
  MOCKUP_COLOR_BLEND_LINEAR_BURN,
  MOCKUP_COLOR_BLEND_LINEAR_DODGE,
  MOCKUP_COLOR_BLEND_DARKER_COLOR,
  MOCKUP_COLOR_BLEND_LIGHTER_COLOR,
  MOCKUP_COLOR_BLEND_VIVID_LIGHT,
  MOCKUP_COLOR_BLEND_LINEAR_LIGHT,
  MOCKUP_COLOR_BLEND_PIN_LIGHT,
  MOCKUP_COLOR_BLEND_HARD_MIX,
  MOCKUP_COLOR_BLEND_SUBTRACT,
  MOCKUP_COLOR_BLEND_DIVIDE,
} MockupColorBlend;

/* Composites @n premultiplied ARGB32 pixels of @src (or, when @src is NULL,
 * the one premultiplied pixel @solid) onto @dst with @mode, as Cairo's
 * separable operators do: the source's alpha weighted by @mask, an A8 row,
 * or by @coverage when @mask is NULL. */
void                   mockup_color_blend_row            (MockupColorBlend    mode,
                                                          guint32            *dst,
                                                          const guint32      *src,
                                                          guint32             solid,
                                                          const guint8       *mask,
                                                          guint8              coverage,
                                                          int                 n);
/* An sRGB ICC profile to embed in outputs. */
GBytes                *mockup_color_get_srgb_profile     (void);

static inline guint8
mockup_mul_un8 (guint8 a, guint8 b)
{
  guint t = (guint) a * b + 0x80;
  return (guint8) ((t + (t >> 8)) >> 8);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupColorTransform, mockup_color_transform_free)

G_END_DECLS
