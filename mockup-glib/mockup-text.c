/* mockup-text.c: text layers, laid out by Pango and drawn by PangoCairo
 *
 * A text layer is drawn flat, into a texture of its slot's proportions at
 * the resolution the slot needs, and then goes through the artwork path:
 * the same inverse mapping, filtering and edge coverage, so that a name
 * on a mug bends with the cylinder exactly as a printed artwork would.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "mockup-buffer-private.h"
#include "mockup-error.h"
#include "mockup-text-private.h"

/* Pango does not promise that one font map may be used from several
 * threads at once (its caches are unlocked in older versions), and a font
 * map per render would pay fontconfig's font matching again each time. A
 * render takes a font map from the pool, or makes one when all are in
 * use, and puts it back: there are never more than renders running at
 * once. The pool lives as long as the process. */
static GMutex pool_lock;
static GPtrArray *pool;

static PangoFontMap *
take_font_map (void)
{
  PangoFontMap *font_map = NULL;

  g_mutex_lock (&pool_lock);
  if (pool != NULL && pool->len > 0)
    font_map = g_ptr_array_steal_index_fast (pool, pool->len - 1);
  g_mutex_unlock (&pool_lock);

  if (font_map == NULL)
    font_map = pango_cairo_font_map_new ();
  return font_map;
}

static void
give_font_map (PangoFontMap *font_map)
{
  g_mutex_lock (&pool_lock);
  if (pool == NULL)
    pool = g_ptr_array_new ();
  g_ptr_array_add (pool, font_map);
  g_mutex_unlock (&pool_lock);
}

void
mockup_text_style_free (MockupTextStyle *style)
{
  if (style == NULL)
    return;
  g_free (style->text);
  g_free (style->font);
  g_free (style->text_parameter);
  g_free (style);
}

gboolean
mockup_text_check_font (const char  *font,
                        char       **problem)
{
  PangoFontDescription *description;
  const char *family;
  gboolean ok;

  if (strlen (font) > MOCKUP_TEXT_MAX_FONT)
    {
      *problem = g_strdup_printf ("a font description of %zu bytes is longer than the %d allowed",
                                  strlen (font), MOCKUP_TEXT_MAX_FONT);
      return FALSE;
    }
  if (!g_utf8_validate (font, -1, NULL))
    {
      *problem = g_strdup ("the font description is not UTF-8");
      return FALSE;
    }

  description = pango_font_description_from_string (font);
  family = pango_font_description_get_family (description);
  ok = family != NULL && family[0] != '\0' && strspn (family, " ,") < strlen (family);
  pango_font_description_free (description);
  if (!ok)
    *problem = g_strdup_printf ("\"%s\" names no font family (such as \"DejaVu Sans Bold\")", font);
  return ok;
}

void
mockup_text_texture_size (double  aspect,
                          double  along_u,
                          double  along_v,
                          int    *width,
                          int    *height)
{
  double h, w, shrink = 1.0;

  if (!(aspect > 0.0) || !isfinite (aspect))
    aspect = 1.0;
  h = MAX (along_v, along_u / aspect);
  if (!(h >= 1.0) || !isfinite (h))
    h = MAX (1.0, 1.0 / aspect);
  w = h * aspect;

  shrink = MIN (shrink, MOCKUP_TEXT_MAX_SIDE / w);
  shrink = MIN (shrink, MOCKUP_TEXT_MAX_SIDE / h);
  shrink = MIN (shrink, sqrt (MOCKUP_TEXT_MAX_PIXELS / (w * h)));
  w *= shrink;
  h *= shrink;

  /* a slot of exactly W × H pixels gets a W × H texture, not one more */
  *width = CLAMP ((int) ceil (w - 1e-6), 1, MOCKUP_TEXT_MAX_SIDE);
  *height = CLAMP ((int) ceil (h - 1e-6), 1, MOCKUP_TEXT_MAX_SIDE);
}

static void
set_font_options (PangoContext *context)
{
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Unhinted outlines and metrics: the text keeps its shape and its
   * line breaks at every texture size, and does not depend on the
   * machine's fontconfig settings for screens. */
  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
}

guint32 *
mockup_text_render (const MockupTextStyle  *style,
                    const char             *text,
                    const double           *color,
                    int                     width,
                    int                     height,
                    GError                **error)
{
  gsize size = (gsize) width * height * 4;
  guint32 *argb;
  cairo_surface_t *surface;
  cairo_t *cr;
  cairo_status_t status;
  PangoFontMap *font_map;
  PangoContext *context;
  PangoLayout *layout;
  PangoFontDescription *font;
  PangoRectangle logical;
  double box_width, x, y;

  g_return_val_if_fail (width > 0 && width <= MOCKUP_TEXT_MAX_SIDE, NULL);
  g_return_val_if_fail (height > 0 && height <= MOCKUP_TEXT_MAX_SIDE, NULL);

  if (text == NULL)
    text = style->text != NULL ? style->text : "";

  argb = mockup_buffer_alloc (size);
  if (argb == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "no memory for a %d × %d text texture", width, height);
      return NULL;
    }
  if (text[0] == '\0')
    return argb;

  /* ARGB32 rows of 4 bytes a pixel need no padding */
  surface = cairo_image_surface_create_for_data ((unsigned char *) argb, CAIRO_FORMAT_ARGB32,
                                                 width, height, width * 4);
  cr = cairo_create (surface);

  font_map = take_font_map ();
  context = pango_font_map_create_context (font_map);
  set_font_options (context);
  pango_cairo_update_context (cr, context);

  layout = pango_layout_new (context);
  font = pango_font_description_from_string (style->font);
  pango_font_description_set_absolute_size (font, style->size * height * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_alignment (layout, style->align == MOCKUP_TEXT_ALIGN_LEFT ? PANGO_ALIGN_LEFT
                                    : style->align == MOCKUP_TEXT_ALIGN_RIGHT ? PANGO_ALIGN_RIGHT
                                    : PANGO_ALIGN_CENTER);
  if (style->wrap > 0.0)
    {
      pango_layout_set_width (layout, (int) lrint (style->wrap * width * PANGO_SCALE));
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text, -1);
  pango_layout_get_extents (layout, NULL, &logical);

  /* The block (the wrap width, or the text's own width) goes left, centre
   * or right in the slot, and its lines the same way within it. */
  box_width = style->wrap > 0.0 ? style->wrap * width : (double) logical.width / PANGO_SCALE;
  x = (style->align == MOCKUP_TEXT_ALIGN_LEFT ? 0.0
       : style->align == MOCKUP_TEXT_ALIGN_RIGHT ? 1.0 : 0.5) * (width - box_width);
  if (style->wrap <= 0.0)
    x -= (double) logical.x / PANGO_SCALE;
  y = style->valign * (height - (double) logical.height / PANGO_SCALE) - (double) logical.y / PANGO_SCALE;

  if (style->outline_width > 0.0)
    {
      /* stroked under the fill: the outline's outer half shows */
      cairo_move_to (cr, x, y);
      pango_cairo_layout_path (cr, layout);
      cairo_set_source_rgba (cr, style->outline_color[0], style->outline_color[1],
                             style->outline_color[2], style->outline_color[3]);
      cairo_set_line_width (cr, 2.0 * style->outline_width * height);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      cairo_stroke (cr);
    }

  cairo_move_to (cr, x, y);
  cairo_set_source_rgba (cr, color[0], color[1], color[2], color[3]);
  pango_cairo_show_layout (cr, layout);

  g_object_unref (layout);
  g_object_unref (context);
  give_font_map (font_map);

  status = cairo_status (cr);
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      mockup_buffer_free (argb, size);
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                   "drawing the text: %s", cairo_status_to_string (status));
      return NULL;
    }
  return argb;
}
