/* mockup-text-private.h: text layers, laid out by Pango
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A text layer's text is at most this many bytes of UTF-8 and its font
 * description this long: Pango's layout time grows with the text, and a
 * name or a slogan on a product is short. */
#define MOCKUP_TEXT_MAX_BYTES 4096
#define MOCKUP_TEXT_MAX_FONT 256
/* The texture a text layer is drawn into: as many texels as the slot
 * needs, at most this many a side and in all (64 MiB), whatever the slot. */
#define MOCKUP_TEXT_MAX_SIDE 8192
#define MOCKUP_TEXT_MAX_PIXELS (16 * 1024 * 1024)

typedef enum {
  MOCKUP_TEXT_ALIGN_LEFT,
  MOCKUP_TEXT_ALIGN_CENTER,
  MOCKUP_TEXT_ALIGN_RIGHT,
} MockupTextAlign;

/* A text layer's style, in fractions of its slot: the slot's unit square
 * is drawn at the slot's proportions (its aspect), its height being 1.
 * Its colour is the layer's (MockupLayer.color), which parameters set. */
typedef struct
{
  char *text;
  char *font;                 /* a Pango font description; its size, if any, is ignored */
  char *text_parameter;       /* a text parameter that sets the text, or NULL */
  double size;                /* the em, a fraction of the slot's height */
  MockupTextAlign align;      /* the lines, and the block in the slot */
  double valign;              /* the block's top 0, centre 0.5, bottom 1 */
  double wrap;                /* the line width, a fraction of the slot's width; 0: no wrapping */
  double outline_color[4];
  double outline_width;       /* a fraction of the slot's height; 0: none */
  gboolean shape_from_slot;   /* the geometry is the slot's artwork layer's */
} MockupTextStyle;

void      mockup_text_style_free    (MockupTextStyle        *style);

/* FALSE, with a message, for a font description Pango cannot use: empty,
 * too long, or naming no family. */
gboolean  mockup_text_check_font    (const char             *font,
                                     char                  **problem);

/* The texture size that a slot stretched by @along_u × @along_v output
 * pixels (mockup_geometry_get_max_stretch ()) needs: at least a texel a
 * pixel both ways, of the slot's @aspect so that glyphs keep their shape,
 * scaled down to the limits above. */
void      mockup_text_texture_size  (double                  aspect,
                                     double                  along_u,
                                     double                  along_v,
                                     int                    *width,
                                     int                    *height);

/* Draws @text (NULL: the style's) in @style and @color (straight RGBA)
 * into a new @width × @height premultiplied ARGB32 buffer from
 * mockup_buffer_alloc (), rows tightly packed, for mockup_texture_new ().
 * Safe from any thread: each call takes a font map of its own from a
 * pool. */
guint32  *mockup_text_render        (const MockupTextStyle  *style,
                                     const char             *text,
                                     const double           *color,
                                     int                     width,
                                     int                     height,
                                     GError                **error);

G_END_DECLS
