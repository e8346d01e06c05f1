/* mockup-band-renderer.c: the render flow
 *
 * A render never holds a whole frame unless its output needs one (WebP,
 * pixbufs). For each band of output rows, every layer contributes its rows:
 * image layers from a streaming decoder already resampled to the output
 * size, artwork layers from a per-pixel inverse mapping of the slot with
 * filtered sampling of the decoded artwork and exact area coverage at the
 * edges, colour layers as a fill. Cairo composites them with their blend
 * mode, mask and opacity, and the band goes to a streaming encoder.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <cairo.h>
#include <math.h>
#include <string.h>

#include "mockup-artwork-private.h"
#include "mockup-band-renderer-private.h"
#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-coverage-private.h"
#include "mockup-error.h"
#include "mockup-geometry-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-image-writer-private.h"
#include "mockup-jpeg-passthrough-private.h"
#include "mockup-memory.h"
#include "mockup-mesh-private.h"
#include "mockup-placement-private.h"
#include "mockup-render-options-private.h"
#include "mockup-result-private.h"
#include "mockup-template-private.h"
#include "mockup-text-private.h"
#include "mockup-texture-private.h"

#define BAND_ROWS 32

/* Where the artwork goes within a slot: the slot region it fills (all of
 * it but for "contain") and the part of the artwork shown (all of it but
 * for "cover"). A placed artwork instead has the region of its bounding
 * box in the print area, and maps that region to itself. */
typedef struct
{
  double region[4];
  MockupCrop crop;
  gboolean placed;
  MockupPlacedArtwork art;
} Placement;

typedef struct
{
  const MockupLayer *layer;
  const MockupLayerValues *values;  /* its visibility, opacity, colour in this render */
  cairo_operator_t op;
  int color_blend;              /* a MockupColorBlend where Cairo has no operator, else -1 */
  MockupImageReader *source;
  MockupImageReader *mask;
  MockupImageReader *shading;
  MockupImageReader *displacement;
  gboolean replaces;            /* opaque, normal, unmasked: rows go straight to the band */

  /* artwork */
  MockupGeometry *geometry;
  MockupTexture *texture;
  Placement placement;
  int x0, x1, y0, y1;           /* output pixels it can touch */
  int margin;                   /* displacement reach in pixels */
  double displacement_scale;    /* output pixels of shift at full strength */
  int artwork_width, artwork_height;
  double ppi;                   /* artwork pixels an inch of print; 0: unknown */
  double upscale;

  /* in a group: the artwork's rows drawn once for the renders whose
   * artwork layer is the same (the variants of one placement) */
  struct _ArtworkShare *share;
  gboolean share_leader;
} LayerState;

/* What the first render of a group that draws an artwork layer leaves for
 * the others: the drawn columns of the band at band_y, or band_y -1 when
 * the first one failed and each draws its own. */
typedef struct _ArtworkShare
{
  guint32 *rows;                /* BAND_ROWS × the layer's x1 - x0 */
  gsize size;
  int band_y;
  gboolean drawn;
} ArtworkShare;

typedef struct
{
  const MockupRenderSettings *settings;
  MockupTemplate *template;
  MockupResolvedValues *values;  /* the template's parameters in this render */
  const char *label;
  int width, height;
  double scale;
  gsize stride;                 /* pixels a row */

  guint32 *band;
  guint32 *layer_band;
  guint8 *mask_band;
  int mask_stride;
  guint32 *row_scratch;
  guint32 *map_row;             /* shading */
  guint32 *offset_row;          /* displacement */
  float *offsets;
  float *coverage;
  float *accumulator;
  gsize band_size, mask_size, coverage_size, accumulator_size;   /* bytes */
  float *row_coverage;
  MockupSurfacePoint *points;
  guint8 *valid;

  cairo_surface_t *band_surface;
  cairo_surface_t *layer_surface;
  cairo_surface_t *mask_surface;
  cairo_t *cr;

  LayerState *layers;
  guint n_layers;
  MockupImageWriter *writer;

  /* in a group: the template's images, decoded once for all its renders
   * (n_layers × N_LAYER_IMAGES, NULL where a layer has no such image) */
  MockupRowWindow **windows;
  MockupJpegPassthrough *passthrough;   /* the photo's rows come from it */
} Render;

static const cairo_operator_t blend_operators[] = {
  [MOCKUP_BLEND_NORMAL] = CAIRO_OPERATOR_OVER,
  [MOCKUP_BLEND_MULTIPLY] = CAIRO_OPERATOR_MULTIPLY,
  [MOCKUP_BLEND_SCREEN] = CAIRO_OPERATOR_SCREEN,
  [MOCKUP_BLEND_OVERLAY] = CAIRO_OPERATOR_OVERLAY,
  [MOCKUP_BLEND_DARKEN] = CAIRO_OPERATOR_DARKEN,
  [MOCKUP_BLEND_LIGHTEN] = CAIRO_OPERATOR_LIGHTEN,
  [MOCKUP_BLEND_COLOR_DODGE] = CAIRO_OPERATOR_COLOR_DODGE,
  [MOCKUP_BLEND_COLOR_BURN] = CAIRO_OPERATOR_COLOR_BURN,
  [MOCKUP_BLEND_HARD_LIGHT] = CAIRO_OPERATOR_HARD_LIGHT,
  [MOCKUP_BLEND_SOFT_LIGHT] = CAIRO_OPERATOR_SOFT_LIGHT,
  [MOCKUP_BLEND_DIFFERENCE] = CAIRO_OPERATOR_DIFFERENCE,
  [MOCKUP_BLEND_EXCLUSION] = CAIRO_OPERATOR_EXCLUSION,
  [MOCKUP_BLEND_HUE] = CAIRO_OPERATOR_HSL_HUE,
  [MOCKUP_BLEND_SATURATION] = CAIRO_OPERATOR_HSL_SATURATION,
  [MOCKUP_BLEND_COLOR] = CAIRO_OPERATOR_HSL_COLOR,
  [MOCKUP_BLEND_LUMINOSITY] = CAIRO_OPERATOR_HSL_LUMINOSITY,
};

/* The modes after these are blended in our own code */
G_STATIC_ASSERT (G_N_ELEMENTS (blend_operators) == MOCKUP_BLEND_LINEAR_BURN);

static const MockupColorBlend color_blends[] = {
  [MOCKUP_BLEND_LINEAR_BURN - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_LINEAR_BURN,
  [MOCKUP_BLEND_LINEAR_DODGE - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_LINEAR_DODGE,
  [MOCKUP_BLEND_DARKER_COLOR - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_DARKER_COLOR,
  [MOCKUP_BLEND_LIGHTER_COLOR - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_LIGHTER_COLOR,
  [MOCKUP_BLEND_VIVID_LIGHT - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_VIVID_LIGHT,
  [MOCKUP_BLEND_LINEAR_LIGHT - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_LINEAR_LIGHT,
  [MOCKUP_BLEND_PIN_LIGHT - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_PIN_LIGHT,
  [MOCKUP_BLEND_HARD_MIX - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_HARD_MIX,
  [MOCKUP_BLEND_SUBTRACT - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_SUBTRACT,
  [MOCKUP_BLEND_DIVIDE - MOCKUP_BLEND_LINEAR_BURN] = MOCKUP_COLOR_BLEND_DIVIDE,
};
G_STATIC_ASSERT (G_N_ELEMENTS (color_blends) == MOCKUP_BLEND_DIVIDE + 1 - MOCKUP_BLEND_LINEAR_BURN);

static double
output_scale (const MockupRenderSettings *settings,
              MockupTemplate             *template)
{
  int longest = MAX (mockup_template_get_width (template), mockup_template_get_height (template));

  if (settings->max_size > 0 && (guint) longest > settings->max_size)
    return (double) settings->max_size / longest;
  return 1.0;
}

void
mockup_band_renderer_get_size (const MockupRenderSettings *settings,
                               MockupTemplate             *template,
                               int                        *width,
                               int                        *height)
{
  double scale = output_scale (settings, template);

  *width = MAX (1, (int) lrint (mockup_template_get_width (template) * scale));
  *height = MAX (1, (int) lrint (mockup_template_get_height (template) * scale));
}

static double
layer_aspect (const MockupLayer *layer)
{
  return layer->aspect > 0 ? layer->aspect : mockup_shape_estimate_aspect (&layer->shape);
}

/* The placement the render's options give @layer's slot, checked, or NULL
 * where the slot is fitted. The slot's first layer takes it, and so do
 * its other layers of the same proportions (a reflection of the print);
 * a layer of other proportions (a strip that wraps the print round an
 * edge) has no place for it: *@hidden says so, and it shows nothing. */
static gboolean
find_placement (const MockupRenderSettings  *settings,
                MockupTemplate              *template,
                const MockupLayer           *layer,
                const MockupPlacement      **out,
                gboolean                    *hidden,
                GError                     **error)
{
  const MockupPlacement *p = mockup_render_options_lookup_placement (settings->options, layer->slot);
  g_autofree char *problem = NULL;
  const char *member;

  *out = p;
  *hidden = FALSE;
  if (p == NULL)
    return TRUE;
  if (!mockup_placement_check (p->left, p->top, p->width, p->degrees, &member, &problem))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                   "%s: placement of slot \"%s\": %s: %s", _mockup_template_get_label (template),
                   layer->slot, member, problem);
      return FALSE;
    }

  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupLayer *first = _mockup_template_get_layer (template, i);

      if (first->kind != MOCKUP_LAYER_ARTWORK || g_strcmp0 (first->slot, layer->slot) != 0)
        continue;
      if (first != layer)
        *hidden = fabs (layer_aspect (layer) / layer_aspect (first) - 1.0) > 0.01;
      break;
    }
  return TRUE;
}

static void
compute_placement (const MockupLayer     *layer,
                   int                    artwork_width,
                   int                    artwork_height,
                   const MockupPlacement *place,
                   gboolean               hidden,
                   Placement             *placement)
{
  double slot_aspect = layer_aspect (layer);
  double art_aspect = (double) artwork_width / artwork_height;

  placement->region[0] = placement->region[1] = 0.0;
  placement->region[2] = placement->region[3] = 1.0;
  placement->crop = (MockupCrop) { 0.0f, 0.0f, 1.0f, 1.0f };
  placement->placed = place != NULL;

  if (hidden)
    {
      memset (&placement->art, 0, sizeof placement->art);
      placement->art.empty = TRUE;
      return;
    }
  if (place != NULL)
    {
      mockup_placed_artwork_init (&placement->art, place->left, place->top, place->width,
                                  place->degrees, slot_aspect, art_aspect);
      if (!placement->art.empty)
        memcpy (placement->region, placement->art.box, sizeof placement->region);
      return;
    }

  switch (layer->fit)
    {
    case MOCKUP_FIT_COVER:
      if (art_aspect > slot_aspect)
        {
          placement->crop.width = (float) (slot_aspect / art_aspect);
          placement->crop.x = (float) ((1.0 - placement->crop.width) * layer->align[0]);
        }
      else
        {
          placement->crop.height = (float) (art_aspect / slot_aspect);
          placement->crop.y = (float) ((1.0 - placement->crop.height) * layer->align[1]);
        }
      break;

    case MOCKUP_FIT_CONTAIN:
      if (art_aspect > slot_aspect)
        {
          double h = slot_aspect / art_aspect;

          placement->region[1] = (1.0 - h) * layer->align[1];
          placement->region[3] = placement->region[1] + h;
        }
      else
        {
          double w = art_aspect / slot_aspect;

          placement->region[0] = (1.0 - w) * layer->align[0];
          placement->region[2] = placement->region[0] + w;
        }
      break;

    case MOCKUP_FIT_STRETCH:
    default:
      break;
    }
}

static MockupArtwork *
find_artwork (const MockupArtworkSet  *artworks,
              const char              *label,
              const MockupLayer       *layer,
              GError                 **error)
{
  MockupArtwork *artwork = NULL;

  if (artworks->slots != NULL)
    artwork = g_hash_table_lookup (artworks->slots, layer->slot);
  if (artwork == NULL)
    artwork = artworks->fallback;
  if (artwork == NULL)
    g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_MISSING_SLOT,
                 "%s: %s.slot: no artwork was given for slot \"%s\"",
                 label, layer->member, layer->slot);
  return artwork;
}

/* Output pixels per artwork pixel where the slot stretches the artwork
 * most, along the artwork's own axes: for a placed artwork, along its
 * turned width and height. */
static double
artwork_stretch (MockupGeometry  *geometry,
                 const Placement *placement,
                 int              art_w,
                 int              art_h)
{
  double along_a, along_b;

  if (placement->placed)
    {
      const MockupPlacedArtwork *art = &placement->art;
      double ru = placement->region[2] - placement->region[0];
      double rv = placement->region[3] - placement->region[1];
      double across[2] = { art->across[0] / ru, art->across[1] / rv };
      double down[2] = { art->down[0] / ru, art->down[1] / rv };

      if (art->empty)
        return 0.0;
      mockup_geometry_get_max_stretch_along (geometry, across, down, &along_a, &along_b);
      return MAX (along_a / art_w, along_b / art_h);
    }

  mockup_geometry_get_max_stretch (geometry, &along_a, &along_b);
  return MAX (along_a / (placement->crop.width * art_w), along_b / (placement->crop.height * art_h));
}

gboolean
mockup_band_renderer_add_needs (const MockupRenderSettings  *settings,
                                MockupTemplate              *template,
                                const MockupArtworkSet      *artworks,
                                GArray                      *needs,
                                GError                     **error)
{
  double scale = output_scale (settings, template);

  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupLayer *layer = _mockup_template_get_layer (template, i);
      g_autoptr(MockupGeometry) geometry = NULL;
      MockupArtwork *artwork;
      MockupArtworkNeed *need = NULL;
      const MockupPlacement *place;
      Placement placement;
      gboolean hidden;
      double k;
      int art_w, art_h;

      if (layer->kind != MOCKUP_LAYER_ARTWORK)
        continue;

      artwork = find_artwork (artworks, _mockup_template_get_label (template), layer, error);
      if (artwork == NULL)
        return FALSE;
      if (!find_placement (settings, template, layer, &place, &hidden, error))
        return FALSE;

      art_w = mockup_artwork_get_width (artwork);
      art_h = mockup_artwork_get_height (artwork);
      compute_placement (layer, art_w, art_h, place, hidden, &placement);
      geometry = mockup_geometry_new (&layer->shape, scale, placement.region);

      /* The artwork must have at least one texel for every output pixel
       * along the most stretched part of the slot, and needs no more. */
      k = artwork_stretch (geometry, &placement, art_w, art_h);
      k = CLAMP (k, 1e-6, 1.0);

      for (guint j = 0; j < needs->len; j++)
        if (g_array_index (needs, MockupArtworkNeed, j).artwork == artwork)
          need = &g_array_index (needs, MockupArtworkNeed, j);
      if (need == NULL)
        {
          MockupArtworkNeed fresh = { artwork, 0, 0 };

          g_array_append_val (needs, fresh);
          need = &g_array_index (needs, MockupArtworkNeed, needs->len - 1);
        }
      need->width = MAX (need->width, MIN (art_w, (int) ceil (k * art_w)));
      need->height = MAX (need->height, MIN (art_h, (int) ceil (k * art_h)));
    }

  return TRUE;
}

/* The images a layer can have, in the order a preload keeps them. */
enum {
  LAYER_SOURCE,
  LAYER_MASK,
  LAYER_SHADING,
  LAYER_DISPLACEMENT,
  N_LAYER_IMAGES
};

/* The images of @layer, NULL where it has none; shading and displacement
 * maps exist only on artwork layers. */
static void
layer_images (const MockupLayer     *layer,
              const MockupImageRef  *refs[N_LAYER_IMAGES])
{
  refs[LAYER_SOURCE] = layer->source;
  refs[LAYER_MASK] = layer->mask;
  refs[LAYER_SHADING] = layer->shading;
  refs[LAYER_DISPLACEMENT] = layer->displacement;
}

/* A text layer's texture: as many texels as its slot needs at @scale. */
static void
text_texture_size (const MockupLayer    *layer,
                   MockupGeometry       *geometry,
                   int                  *width,
                   int                  *height)
{
  double along_u, along_v;
  double aspect = layer->aspect > 0 ? layer->aspect : mockup_shape_estimate_aspect (&layer->shape);

  mockup_geometry_get_max_stretch (geometry, &along_u, &along_v);
  mockup_text_texture_size (aspect, along_u, along_v, width, height);
}

/* What a text layer holds while it renders: the drawn text, its texture
 * pyramid, and its coverage band as an artwork's. */
static gsize
text_memory (const MockupRenderSettings *settings,
             const MockupLayer          *layer,
             double                      scale,
             int                         band_width)
{
  static const double whole[4] = { 0.0, 0.0, 1.0, 1.0 };
  g_autoptr(MockupGeometry) geometry = mockup_geometry_new (&layer->shape, scale, whole);
  int width, height;

  text_texture_size (layer, geometry, &width, &height);
  return (gsize) width * height * 4 +
         mockup_texture_estimate_memory (width, height, settings->linear_light) +
         (gsize) (band_width + 2) * BAND_ROWS * 2 * sizeof (float) +
         (layer->shape.kind == MOCKUP_SHAPE_MESH ? mockup_mesh_estimate_memory () : 4096 * 2 * 2 * sizeof (double));
}

gsize
mockup_band_renderer_estimate_memory (const MockupRenderSettings *settings,
                                      MockupTemplate             *template)
{
  int width, height;
  double scale = output_scale (settings, template);
  gsize row = 0, total;

  mockup_band_renderer_get_size (settings, template, &width, &height);

  /* band buffers, per-row scratch, coverage with room for displacement */
  row = (gsize) width * (4 + 4 + 1) * BAND_ROWS;
  row += (gsize) width * (4 * 3 + 8 + sizeof (MockupSurfacePoint) + 1);
  total = row + 64 * 1024;

  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupLayer *layer = _mockup_template_get_layer (template, i);
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (layer, refs);
      for (guint r = 0; r < N_LAYER_IMAGES; r++)
        if (refs[r] != NULL)
          total += mockup_image_reader_estimate_memory (&refs[r]->info, width, height);

      if (layer->kind == MOCKUP_LAYER_ARTWORK)
        {
          int margin = layer->displacement ? (int) ceil (layer->displacement_strength * scale) + 2 : 0;

          total += (gsize) (width + 2 + 2 * margin) * (BAND_ROWS + 2 * margin) * 2 * sizeof (float);
          if (layer->shape.kind == MOCKUP_SHAPE_MESH)
            total += mockup_mesh_estimate_memory ();
          else if (layer->shape.kind == MOCKUP_SHAPE_CYLINDER)
            total += 4096 * 2 * 2 * sizeof (double);
        }
      else if (layer->kind == MOCKUP_LAYER_TEXT)
        total += text_memory (settings, layer, scale, width);
    }

  total += mockup_image_writer_estimate_memory (settings->format, width, height, settings->quality);
  total += mockup_jpeg_passthrough_estimate_memory (settings, template);
  return total;
}

char *
mockup_band_renderer_explain_memory (const MockupRenderSettings *settings,
                                     MockupTemplate             *template,
                                     guint64                     needed)
{
  const MockupImageRef *costliest = NULL;
  gsize most = 0;
  int width, height;

  mockup_band_renderer_get_size (settings, template, &width, &height);
  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (_mockup_template_get_layer (template, i), refs);
      for (guint r = 0; r < N_LAYER_IMAGES; r++)
        {
          gsize size;

          if (refs[r] == NULL)
            continue;
          size = mockup_image_reader_estimate_memory (&refs[r]->info, width, height);
          if (size > most)
            {
              most = size;
              costliest = refs[r];
            }
        }
    }

  if (costliest == NULL || most <= needed / 2)
    return g_strdup ("");
  return g_strdup_printf ("; decoding %s (%s) takes %" G_GSIZE_FORMAT " MiB of it",
                          costliest->member, costliest->source.display_name,
                          (most + (1 << 20) - 1) >> 20);
}

struct _MockupPreload
{
  guint n_layers;
  MockupImageReader **readers;    /* n_layers × N_LAYER_IMAGES, or NULL */
};

static MockupImageReader *
new_reader (const MockupRenderSettings  *settings,
            const MockupImageRef        *ref,
            const char                  *label,
            int                          width,
            int                          height,
            GCancellable                *cancellable,
            GError                     **error)
{
  MockupImageReader *reader;

  reader = mockup_image_reader_new_full (&ref->source, &ref->info, width, height,
                                         settings->linear_light ? MOCKUP_IMAGE_READER_LINEAR_LIGHT
                                                                : MOCKUP_IMAGE_READER_NONE,
                                         cancellable, error);
  if (reader == NULL)
    g_prefix_error (error, "%s: %s: ", label, ref->member);
  return reader;
}

/* The reader of image @which of layer @layer_index: the preloaded one if
 * there is one, else a fresh one. */
static gboolean
open_reader (Render                *render,
             MockupPreload         *preload,
             guint                  layer_index,
             guint                  which,
             const MockupImageRef  *ref,
             MockupImageReader    **reader,
             GCancellable          *cancellable,
             GError               **error)
{
  if (render->windows != NULL)
    {
      *reader = mockup_row_window_new_reader (render->windows[layer_index * N_LAYER_IMAGES + which]);
      return TRUE;
    }
  if (preload != NULL && layer_index < preload->n_layers)
    {
      *reader = g_steal_pointer (&preload->readers[layer_index * N_LAYER_IMAGES + which]);
      if (*reader != NULL)
        return TRUE;
    }
  *reader = new_reader (render->settings, ref, render->label, render->width, render->height,
                        cancellable, error);
  return *reader != NULL;
}

gsize
mockup_band_renderer_preload_size (const MockupRenderSettings *settings,
                                   MockupTemplate             *template)
{
  int width, height;
  gsize total = 0;

  mockup_band_renderer_get_size (settings, template, &width, &height);
  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (_mockup_template_get_layer (template, i), refs);
      for (guint k = 0; k < N_LAYER_IMAGES; k++)
        if (refs[k] != NULL)
          total += mockup_image_reader_preload_size (width, height);
    }
  return total;
}

MockupPreload *
mockup_band_renderer_preload (const MockupRenderSettings  *settings,
                              MockupTemplate              *template,
                              GCancellable                *cancellable,
                              GError                     **error)
{
  g_autoptr(MockupPreload) preload = g_new0 (MockupPreload, 1);
  const char *label = _mockup_template_get_label (template);
  int width, height;

  mockup_band_renderer_get_size (settings, template, &width, &height);
  preload->n_layers = _mockup_template_get_n_layers (template);
  preload->readers = g_new0 (MockupImageReader *, (gsize) preload->n_layers * N_LAYER_IMAGES);

  for (guint i = 0; i < preload->n_layers; i++)
    {
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (_mockup_template_get_layer (template, i), refs);
      for (guint k = 0; k < N_LAYER_IMAGES; k++)
        {
          MockupImageReader *reader;

          if (refs[k] == NULL)
            continue;
          /* a pass-through reads the photo's coefficients instead */
          if (i == 0 && k == LAYER_SOURCE && mockup_jpeg_passthrough_may_apply (settings, template, NULL))
            continue;
          if (g_cancellable_set_error_if_cancelled (cancellable, error))
            return NULL;
          reader = new_reader (settings, refs[k], label, width, height, cancellable, error);
          if (reader == NULL)
            return NULL;
          preload->readers[i * N_LAYER_IMAGES + k] = reader;
          if (!mockup_image_reader_preload (reader, error))
            {
              g_prefix_error (error, "%s: %s: ", label, refs[k]->member);
              return NULL;
            }
        }
    }
  return g_steal_pointer (&preload);
}

void
mockup_preload_free (MockupPreload *preload)
{
  if (preload == NULL)
    return;
  for (guint i = 0; i < preload->n_layers * N_LAYER_IMAGES; i++)
    g_clear_pointer (&preload->readers[i], mockup_image_reader_free);
  g_free (preload->readers);
  g_free (preload);
}

static gboolean
read_row (Render                *render,
          const MockupImageRef  *ref,
          MockupImageReader     *reader,
          guint32               *row,
          GError               **error)
{
  if (!mockup_image_reader_read_row (reader, row, error))
    {
      g_prefix_error (error, "%s: %s: ", render->label, ref->member);
      return FALSE;
    }
  return TRUE;
}

static MockupTexture *
get_texture (Render                  *render,
             MockupArtwork           *artwork,
             const GArray            *needs,
             GCancellable            *cancellable,
             GError                 **error)
{
  for (guint i = 0; needs != NULL && i < needs->len; i++)
    {
      const MockupArtworkNeed *need = &g_array_index (needs, MockupArtworkNeed, i);

      if (need->artwork == artwork)
        return _mockup_artwork_get_texture (artwork, need->width, need->height,
                                            render->settings->linear_light, cancellable, error);
    }
  g_assert_not_reached ();
}

/* A text layer: its text drawn flat at the resolution its slot needs,
 * then mapped through the slot as an artwork stretched over all of it. */
static gboolean
prepare_text (Render         *render,
              MockupPreload  *preload,
              guint           index,
              LayerState     *state,
              GCancellable   *cancellable,
              GError        **error)
{
  const MockupLayer *layer = state->layer;
  const MockupParameterValue *value;
  const char *text = NULL;
  double extents[4];
  guint32 *argb;
  int width, height;

  state->placement.region[0] = state->placement.region[1] = 0.0;
  state->placement.region[2] = state->placement.region[3] = 1.0;
  state->placement.crop = (MockupCrop) { 0.0f, 0.0f, 1.0f, 1.0f };
  state->geometry = mockup_geometry_new (&layer->shape, render->scale, state->placement.region);
  if (layer->shading != NULL &&
      !open_reader (render, preload, index, LAYER_SHADING, layer->shading, &state->shading,
                    cancellable, error))
    return FALSE;

  if (layer->text->text_parameter != NULL &&
      (value = mockup_resolved_values_lookup (render->values, layer->text->text_parameter)) != NULL)
    text = value->text;

  text_texture_size (layer, state->geometry, &width, &height);
  argb = mockup_text_render (layer->text, text, state->values->color, width, height, error);
  if (argb == NULL)
    {
      g_prefix_error (error, "%s: %s: ", render->label, layer->member);
      return FALSE;
    }
  state->texture = mockup_texture_new (argb, width, height, render->settings->linear_light);
  if (state->texture == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: %s: no memory for a %d × %d text texture", render->label, layer->member,
                   width, height);
      return FALSE;
    }

  mockup_geometry_get_extents (state->geometry, extents);
  state->x0 = CLAMP ((int) floor (extents[0]), 0, render->width);
  state->y0 = CLAMP ((int) floor (extents[1]), 0, render->height);
  state->x1 = CLAMP ((int) ceil (extents[2]) + 1, 0, render->width);
  state->y1 = CLAMP ((int) ceil (extents[3]) + 1, 0, render->height);
  return TRUE;
}

/* The artwork's resolution in @state's slot: pixels per inch of print
 * where the print size is known, and how much it is enlarged (see
 * MockupResult:upscale for both). */
static void
compute_resolution (Render        *render,
                    LayerState    *state,
                    MockupArtwork *artwork)
{
  const MockupLayer *layer = state->layer;
  const Placement *placement = &state->placement;
  int art_w = mockup_artwork_get_width (artwork), art_h = mockup_artwork_get_height (artwork);

  state->artwork_width = art_w;
  state->artwork_height = art_h;
  state->ppi = 0.0;
  if (layer->print_size[0] > 0.0 && !(placement->placed && placement->art.empty))
    {
      /* the print inches the shown part of the artwork spans */
      double inches_w, inches_h, pixels_w, pixels_h;

      if (placement->placed)
        {
          inches_w = placement->art.width * layer->print_size[0];
          inches_h = placement->art.height * layer->print_size[1];
          pixels_w = art_w;
          pixels_h = art_h;
        }
      else
        {
          inches_w = (placement->region[2] - placement->region[0]) * layer->print_size[0];
          inches_h = (placement->region[3] - placement->region[1]) * layer->print_size[1];
          pixels_w = placement->crop.width * art_w;
          pixels_h = placement->crop.height * art_h;
        }
      state->ppi = MIN (pixels_w / inches_w, pixels_h / inches_h);
    }

  if (state->ppi > 0.0 && render->settings->min_ppi > 0.0)
    state->upscale = render->settings->min_ppi / state->ppi;
  else
    /* template pixels: the output's divided by its scale */
    state->upscale = artwork_stretch (state->geometry, placement, art_w, art_h) / render->scale;
}

/* The worst of the template's artwork slots, into the result, with a
 * warning where it falls short of the renderer's thresholds. */
static void
report_resolution (Render       *render,
                   MockupResult *result)
{
  const MockupRenderSettings *settings = render->settings;
  const LayerState *worst = NULL;
  double ppi = 0.0, upscale = 0.0;
  g_autofree char *warning = NULL;

  for (guint i = 0; i < render->n_layers; i++)
    {
      const LayerState *state = &render->layers[i];
      gboolean short_of_ppi, too_large;

      if (state->layer->kind != MOCKUP_LAYER_ARTWORK || state->texture == NULL)
        continue;
      if (state->ppi > 0.0)
        ppi = ppi > 0.0 ? MIN (ppi, state->ppi) : state->ppi;
      upscale = MAX (upscale, state->upscale);

      short_of_ppi = state->ppi > 0.0 && state->ppi < settings->min_ppi;
      too_large = settings->max_upscale > 0.0 && state->upscale > settings->max_upscale;
      if ((short_of_ppi || too_large) && (worst == NULL || state->upscale > worst->upscale))
        worst = state;
    }

  if (worst != NULL)
    {
      const MockupLayer *layer = worst->layer;
      double art_w = worst->artwork_width, art_h = worst->artwork_height;

      if (worst->ppi > 0.0 && worst->ppi < settings->min_ppi)
        {
          double per_inch = mockup_print_unit_per_inch (layer->print_unit);
          double k = settings->min_ppi / worst->ppi;

          warning = g_strdup_printf ("slot \"%s\" (%s): the artwork has %.0f ppi in the "
                                     "%g × %g %s print, below %g ppi; it takes %.0f × %.0f pixels "
                                     "or more, it has %.0f × %.0f",
                                     layer->slot, layer->member, floor (worst->ppi),
                                     layer->print_size[0] * per_inch, layer->print_size[1] * per_inch,
                                     layer->print_unit, settings->min_ppi,
                                     ceil (art_w * k), ceil (art_h * k), art_w, art_h);
        }
      else
        {
          double k = worst->upscale / settings->max_upscale;

          warning = g_strdup_printf ("slot \"%s\" (%s): the artwork is enlarged %.1f times, "
                                     "more than %g; it takes %.0f × %.0f pixels or more, "
                                     "it has %.0f × %.0f",
                                     layer->slot, layer->member, worst->upscale,
                                     settings->max_upscale,
                                     ceil (art_w * k), ceil (art_h * k), art_w, art_h);
        }
    }

  _mockup_result_set_resolution (result, ppi, upscale, warning);
}

static gboolean
prepare_layers (Render                  *render,
                MockupPreload           *preload,
                const MockupArtworkSet  *artworks,
                const GArray            *needs,
                GCancellable            *cancellable,
                GError                 **error)
{
  render->n_layers = _mockup_template_get_n_layers (render->template);
  render->layers = g_new0 (LayerState, render->n_layers);

  for (guint i = 0; i < render->n_layers; i++)
    {
      const MockupLayer *layer = _mockup_template_get_layer (render->template, i);
      LayerState *state = &render->layers[i];

      state->layer = layer;
      state->values = &render->values->layers[i];
      if (!state->values->visible)
        continue;
      if (layer->blend < MOCKUP_BLEND_LINEAR_BURN)
        {
          state->op = blend_operators[layer->blend];
          state->color_blend = -1;
        }
      else
        {
          state->op = CAIRO_OPERATOR_OVER;
          state->color_blend = color_blends[layer->blend - MOCKUP_BLEND_LINEAR_BURN];
        }

      if (layer->source != NULL && !(i == 0 && render->passthrough != NULL) &&
          !open_reader (render, preload, i, LAYER_SOURCE, layer->source, &state->source,
                        cancellable, error))
        return FALSE;
      if (layer->mask != NULL &&
          !open_reader (render, preload, i, LAYER_MASK, layer->mask, &state->mask, cancellable, error))
        return FALSE;

      state->replaces = layer->kind == MOCKUP_LAYER_IMAGE && layer->blend == MOCKUP_BLEND_NORMAL &&
                        state->values->opacity >= 1.0 && layer->mask == NULL &&
                        !layer->source->info.has_alpha;

      if (layer->kind == MOCKUP_LAYER_ARTWORK)
        {
          MockupArtwork *artwork = find_artwork (artworks, render->label, layer, error);
          const MockupPlacement *place;
          gboolean hidden;
          double extents[4];

          if (artwork == NULL)
            return FALSE;
          if (!find_placement (render->settings, render->template, layer, &place, &hidden, error))
            return FALSE;
          if (layer->shading != NULL &&
              !open_reader (render, preload, i, LAYER_SHADING, layer->shading, &state->shading,
                            cancellable, error))
            return FALSE;
          if (layer->displacement != NULL &&
              !open_reader (render, preload, i, LAYER_DISPLACEMENT, layer->displacement,
                            &state->displacement, cancellable, error))
            return FALSE;

          state->texture = get_texture (render, artwork, needs, cancellable, error);
          if (state->texture == NULL)
            return FALSE;

          compute_placement (layer, mockup_artwork_get_width (artwork),
                             mockup_artwork_get_height (artwork), place, hidden, &state->placement);
          state->geometry = mockup_geometry_new (&layer->shape, render->scale, state->placement.region);
          compute_resolution (render, state, artwork);

          if (layer->displacement != NULL)
            {
              state->displacement_scale = layer->displacement_strength * render->scale;
              state->margin = (int) ceil (state->displacement_scale) + 2;
            }

          mockup_geometry_get_extents (state->geometry, extents);
          state->x0 = CLAMP ((int) floor (extents[0]) - state->margin, 0, render->width);
          state->y0 = CLAMP ((int) floor (extents[1]) - state->margin, 0, render->height);
          state->x1 = CLAMP ((int) ceil (extents[2]) + 1 + state->margin, 0, render->width);
          state->y1 = CLAMP ((int) ceil (extents[3]) + 1 + state->margin, 0, render->height);
          /* placed wholly outside the print area: nothing to draw */
          if (state->placement.placed && state->placement.art.empty)
            state->x1 = state->x0;
        }
      else if (layer->kind == MOCKUP_LAYER_TEXT &&
               !prepare_text (render, preload, i, state, cancellable, error))
        return FALSE;
    }

  return TRUE;
}

static void
render_clear (Render *render)
{
  for (guint i = 0; i < render->n_layers; i++)
    {
      LayerState *state = &render->layers[i];

      g_clear_pointer (&state->source, mockup_image_reader_free);
      g_clear_pointer (&state->mask, mockup_image_reader_free);
      g_clear_pointer (&state->shading, mockup_image_reader_free);
      g_clear_pointer (&state->displacement, mockup_image_reader_free);
      g_clear_pointer (&state->geometry, mockup_geometry_free);
      g_clear_pointer (&state->texture, mockup_texture_unref);
    }
  g_free (render->layers);
  g_clear_pointer (&render->values, mockup_resolved_values_free);

  g_clear_pointer (&render->cr, cairo_destroy);
  g_clear_pointer (&render->band_surface, cairo_surface_destroy);
  g_clear_pointer (&render->layer_surface, cairo_surface_destroy);
  g_clear_pointer (&render->mask_surface, cairo_surface_destroy);
  mockup_buffer_free (render->band, render->band_size);
  mockup_buffer_free (render->layer_band, render->band_size);
  mockup_buffer_free (render->mask_band, render->mask_size);
  g_free (render->row_scratch);
  g_free (render->map_row);
  g_free (render->offset_row);
  g_free (render->offsets);
  mockup_buffer_free (render->coverage, render->coverage_size);
  mockup_buffer_free (render->accumulator, render->accumulator_size);
  g_free (render->points);
  g_free (render->valid);
  g_free (render->row_coverage);
  g_clear_pointer (&render->writer, mockup_image_writer_free);
  g_clear_pointer (&render->passthrough, mockup_jpeg_passthrough_free);
}

static guint8
luminance (guint32 p)
{
  return (guint8) ((54 * MOCKUP_R (p) + 183 * MOCKUP_G (p) + 19 * MOCKUP_B (p) + 128) >> 8);
}

/* Fills the A8 mask band from the mask image, folding in the opacity. */
static gboolean
fill_mask (Render      *render,
           LayerState  *state,
           int          n_rows,
           GError     **error)
{
  const MockupLayer *layer = state->layer;
  guint8 opacity = (guint8) lrint (state->values->opacity * 255.0);

  cairo_surface_flush (render->mask_surface);
  for (int r = 0; r < n_rows; r++)
    {
      guint8 *out = render->mask_band + (gsize) r * render->mask_stride;

      if (!read_row (render, layer->mask, state->mask, render->row_scratch, error))
        return FALSE;
      for (int x = 0; x < render->width; x++)
        {
          guint32 p = render->row_scratch[x];
          guint8 m = layer->mask_mode == MOCKUP_MASK_ALPHA ? MOCKUP_A (p) : luminance (p);

          if (layer->mask_invert)
            m = 255 - m;
          out[x] = mockup_mul_un8 (m, opacity);
        }
    }
  cairo_surface_mark_dirty (render->mask_surface);
  return TRUE;
}

static void
composite (Render     *render,
           LayerState *state,
           int         x0,
           int         x1,
           int         n_rows)
{
  cairo_t *cr = render->cr;
  const MockupLayer *layer = state->layer;

  if (state->color_blend >= 0)
    {
      const double *c = state->values->color;
      guint32 solid = MOCKUP_ARGB (lrint (c[3] * 255), lrint (c[0] * c[3] * 255),
                                   lrint (c[1] * c[3] * 255), lrint (c[2] * c[3] * 255));
      guint8 coverage = (guint8) lrint (state->values->opacity * 255.0);

      cairo_surface_flush (render->band_surface);
      for (int r = 0; r < n_rows; r++)
        mockup_color_blend_row ((MockupColorBlend) state->color_blend,
                                render->band + (gsize) r * render->stride + x0,
                                layer->kind == MOCKUP_LAYER_COLOR ? NULL :
                                render->layer_band + (gsize) r * render->stride + x0,
                                solid,
                                state->mask != NULL ? render->mask_band + (gsize) r * render->mask_stride + x0 : NULL,
                                coverage, x1 - x0);
      cairo_surface_mark_dirty (render->band_surface);
      return;
    }

  cairo_save (cr);
  cairo_rectangle (cr, x0, 0, x1 - x0, n_rows);
  cairo_clip (cr);
  cairo_set_operator (cr, state->op);

  if (layer->kind == MOCKUP_LAYER_COLOR)
    cairo_set_source_rgba (cr, state->values->color[0], state->values->color[1],
                           state->values->color[2], state->values->color[3]);
  else
    cairo_set_source_surface (cr, render->layer_surface, 0, 0);

  if (state->mask != NULL)
    cairo_mask_surface (cr, render->mask_surface, 0, 0);
  else if (state->values->opacity < 1.0)
    cairo_paint_with_alpha (cr, state->values->opacity);
  else
    cairo_paint (cr);

  cairo_restore (cr);
}

static inline float
coverage_at (const Render *render,
             int           cx0,
             int           cy0,
             int           cw,
             int           ch,
             float         x,
             float         y)
{
  float fx, fy;
  int ix, iy;
  float c[4];

  /* bilinear, between pixel centres, zero outside the window */
  x -= cx0 + 0.5f;
  y -= cy0 + 0.5f;
  ix = (int) floorf (x);
  iy = (int) floorf (y);
  fx = x - ix;
  fy = y - iy;
  for (int k = 0; k < 4; k++)
    {
      int sx = ix + (k & 1), sy = iy + (k >> 1);

      c[k] = (sx < 0 || sy < 0 || sx >= cw || sy >= ch) ? 0.0f
           : render->coverage[(gsize) sy * cw + sx];
    }
  return (c[0] * (1 - fx) + c[1] * fx) * (1 - fy) + (c[2] * (1 - fx) + c[3] * fx) * fy;
}

/* Premultiplied ARGB32 × @c / 256, two channels a multiply. */
static inline guint32
scale_argb (guint32 p,
            guint   c)
{
  guint32 rb = ((p & 0x00ff00ffu) * c + 0x00800080u) >> 8 & 0x00ff00ffu;
  guint32 ag = (((p >> 8) & 0x00ff00ffu) * c + 0x00800080u) & 0xff00ff00u;

  return rb | ag;
}

/* The colour × @f, which may brighten, but never past the alpha. */
static inline guint32
shade_argb (guint32 p,
            float   f)
{
  guint a = MOCKUP_A (p), k = (guint) (f * 256.0f + 0.5f);
  guint r = MIN (a, (MOCKUP_R (p) * k + 128) >> 8);
  guint g = MIN (a, (MOCKUP_G (p) * k + 128) >> 8);
  guint b = MIN (a, (MOCKUP_B (p) * k + 128) >> 8);

  return MOCKUP_ARGB (a, r, g, b);
}

/* Draws the artwork's rows of this band into the layer band, between
 * state->x0 and state->x1; *drawn says whether there was anything to draw. */
static gboolean
draw_artwork_band (Render      *render,
                   LayerState  *state,
                   int          band_y,
                   int          n_rows,
                   gboolean    *drawn,
                   GError     **error)
{
  const MockupLayer *layer = state->layer;
  int x0 = state->x0, x1 = state->x1, width = x1 - x0;
  int m = state->margin;
  int cx0 = x0 - m, cy0 = band_y - m, cw = width + 2 * m, ch = n_rows + 2 * m;
  guint n_outline;
  const double *outline = mockup_geometry_get_outline (state->geometry, &n_outline);
  gboolean inside = band_y + n_rows > state->y0 && band_y < state->y1 && width > 0 && n_outline > 2;
  float neutral = (float) layer->shading_neutral;
  gboolean linear = render->settings->linear_light;

  *drawn = inside;
  if (linear)
    neutral = mockup_color_srgb_to_linear_table[(int) lrint (layer->shading_neutral * 255.0)];

  /* Maps are read for every row, so that their decoders stay in step. */
  if (!inside)
    {
      for (int r = 0; r < n_rows; r++)
        {
          if (state->shading != NULL &&
              !read_row (render, layer->shading, state->shading, render->map_row, error))
            return FALSE;
          if (state->displacement != NULL &&
              !read_row (render, layer->displacement, state->displacement, render->offset_row, error))
            return FALSE;
        }
      return TRUE;
    }

  mockup_coverage_rasterize (outline, n_outline, cx0, cy0, cw, ch,
                             render->accumulator, render->coverage);

  cairo_surface_flush (render->layer_surface);

  for (int r = 0; r < n_rows; r++)
    {
      int y = band_y + r;
      guint32 *out = render->layer_band + (gsize) r * render->stride;
      const float *offsets = NULL;

      if (state->shading != NULL &&
          !read_row (render, layer->shading, state->shading, render->map_row, error))
        return FALSE;
      if (state->displacement != NULL)
        {
          if (!read_row (render, layer->displacement, state->displacement, render->offset_row, error))
            return FALSE;
          for (int i = 0; i < width; i++)
            {
              guint32 p = render->offset_row[x0 + i];
              guint8 a = MOCKUP_A (p);
              float dx = a ? (float) MOCKUP_R (p) / a - 0.5f : 0.0f;
              float dy = a ? (float) MOCKUP_G (p) / a - 0.5f : 0.0f;

              /* the print moves right and down where the map is above
               * half: a pixel shows what lies up-left of it */
              render->offsets[2 * i] = (float) (-2.0 * dx * state->displacement_scale);
              render->offsets[2 * i + 1] = (float) (-2.0 * dy * state->displacement_scale);
            }
          offsets = render->offsets;
        }

      mockup_geometry_map_row (state->geometry, y, x0, width, offsets, render->points, render->valid);

      /* coverage first: only covered pixels are sampled */
      for (int i = 0; i < width; i++)
        {
          float cov;

          if (offsets != NULL)
            cov = coverage_at (render, cx0, cy0, cw, ch,
                               x0 + i + 0.5f + offsets[2 * i], y + 0.5f + offsets[2 * i + 1]);
          else
            cov = render->coverage[(gsize) (r + m) * cw + i + m];
          render->row_coverage[i] = cov;
          render->valid[i] = render->valid[i] && cov > 1.0f / 1024.0f;
        }

      if (state->placement.placed)
        mockup_placed_artwork_map_row (&state->placement.art, state->placement.region, width,
                                       render->points, render->valid, render->row_coverage);

      if (!linear)
        mockup_texture_sample_row_argb (state->texture, &state->placement.crop, render->points,
                                        render->valid, width, out + x0);

      for (int i = 0; i < width; i++)
        {
          float cov = render->row_coverage[i], shade = 1.0f, rgba[4];

          if (!render->valid[i])
            {
              out[x0 + i] = 0;
              continue;
            }

          if (state->shading != NULL)
            {
              guint32 p = render->map_row[x0 + i];
              float lum = MOCKUP_A (p) ? MIN (1.0f, luminance (p) / (float) MOCKUP_A (p)) : 1.0f;

              /* print × lighting: 1 where the map is neutral, darker in
               * its shadows, brighter in its highlights */
              if (linear)
                lum = mockup_color_srgb_to_linear_table[(int) (lum * 255.0f + 0.5f)];
              shade = MAX (0.0f, 1.0f + (float) layer->shading_strength * (lum / neutral - 1.0f));
            }

          if (!linear)
            {
              guint32 p = out[x0 + i];

              if (state->shading != NULL)
                p = shade_argb (p, shade);
              if (cov < 1.0f)
                p = scale_argb (p, (guint) (cov * 256.0f + 0.5f));
              out[x0 + i] = p;
              continue;
            }

          mockup_texture_sample (state->texture, &state->placement.crop, &render->points[i], rgba);
          rgba[0] *= shade * cov;
          rgba[1] *= shade * cov;
          rgba[2] *= shade * cov;
          rgba[3] *= cov;
          out[x0 + i] = mockup_color_pack_premul (rgba, linear);
        }
    }

  cairo_surface_mark_dirty (render->layer_surface);
  return TRUE;
}

/* The artwork's columns of the band, for the group's other renders. */
static void
share_keep_band (Render     *render,
                 LayerState *state,
                 int         band_y,
                 int         n_rows,
                 gboolean    drawn)
{
  ArtworkShare *share = state->share;
  gsize width = (gsize) (state->x1 - state->x0);

  share->band_y = band_y;
  share->drawn = drawn;
  if (!drawn)
    return;
  cairo_surface_flush (render->layer_surface);
  for (int r = 0; r < n_rows; r++)
    memcpy (share->rows + r * width, render->layer_band + (gsize) r * render->stride + state->x0,
            width * 4);
}

static void
share_copy_band (Render     *render,
                 LayerState *state,
                 int         n_rows,
                 gboolean   *drawn)
{
  ArtworkShare *share = state->share;
  gsize width = (gsize) (state->x1 - state->x0);

  *drawn = share->drawn;
  if (!share->drawn)
    return;
  cairo_surface_flush (render->layer_surface);
  for (int r = 0; r < n_rows; r++)
    memcpy (render->layer_band + (gsize) r * render->stride + state->x0, share->rows + r * width,
            width * 4);
  cairo_surface_mark_dirty (render->layer_surface);
}

static gboolean
render_band (Render      *render,
             int          band_y,
             int          n_rows,
             GError     **error)
{
  const double *bg = _mockup_template_get_background (render->template);
  guint32 fill = MOCKUP_ARGB (lrint (bg[3] * 255), lrint (bg[0] * bg[3] * 255),
                              lrint (bg[1] * bg[3] * 255), lrint (bg[2] * bg[3] * 255));

  cairo_surface_flush (render->band_surface);
  /* an opaque photo at the bottom covers whatever was there */
  if (!(render->n_layers > 0 && render->layers[0].replaces))
    for (int r = 0; r < n_rows; r++)
      {
        guint32 *row = render->band + (gsize) r * render->stride;

        if (fill == 0)
          memset (row, 0, (gsize) render->width * 4);
        else
          for (int x = 0; x < render->width; x++)
            row[x] = fill;
      }
  cairo_surface_mark_dirty (render->band_surface);

  for (guint i = 0; i < render->n_layers; i++)
    {
      LayerState *state = &render->layers[i];
      const MockupLayer *layer = state->layer;
      int x0 = 0, x1 = render->width;

      if (!state->values->visible)
        continue;
      if (state->replaces)
        {
          if (state->source == NULL)
            continue;           /* a pass-through put the photo's rows there */
          cairo_surface_flush (render->band_surface);
          for (int r = 0; r < n_rows; r++)
            if (!read_row (render, layer->source, state->source,
                           render->band + (gsize) r * render->stride, error))
              return FALSE;
          cairo_surface_mark_dirty (render->band_surface);
          continue;
        }

      if (state->mask != NULL && !fill_mask (render, state, n_rows, error))
        return FALSE;

      switch (layer->kind)
        {
        case MOCKUP_LAYER_IMAGE:
          cairo_surface_flush (render->layer_surface);
          for (int r = 0; r < n_rows; r++)
            if (!read_row (render, layer->source, state->source,
                           render->layer_band + (gsize) r * render->stride, error))
              return FALSE;
          cairo_surface_mark_dirty (render->layer_surface);
          break;

        case MOCKUP_LAYER_TEXT:
        case MOCKUP_LAYER_ARTWORK:
          {
            gboolean drawn;

            if (state->share != NULL && !state->share_leader && state->share->band_y == band_y)
              share_copy_band (render, state, n_rows, &drawn);
            else if (!draw_artwork_band (render, state, band_y, n_rows, &drawn, error))
              return FALSE;
            else if (state->share != NULL && state->share_leader)
              share_keep_band (render, state, band_y, n_rows, drawn);
            if (!drawn)
              continue;
          }
          x0 = state->x0;
          x1 = state->x1;
          break;

        case MOCKUP_LAYER_COLOR:
        default:
          break;
        }

      if (x1 > x0)
        composite (render, state, x0, x1, n_rows);
    }

  cairo_surface_flush (render->band_surface);
  return TRUE;
}

static gboolean
render_init (Render                      *render,
             const MockupRenderSettings  *settings,
             MockupTemplate              *template,
             GError                     **error)
{
  int cw;

  memset (render, 0, sizeof *render);
  render->settings = settings;
  render->template = template;
  render->label = _mockup_template_get_label (template);
  render->scale = output_scale (settings, template);
  mockup_band_renderer_get_size (settings, template, &render->width, &render->height);
  render->stride = (gsize) render->width;
  mockup_color_init ();

  render->band_size = render->stride * BAND_ROWS * 4;
  render->band = mockup_buffer_alloc (render->band_size);
  render->layer_band = mockup_buffer_alloc (render->band_size);
  render->mask_stride = cairo_format_stride_for_width (CAIRO_FORMAT_A8, render->width);
  render->mask_size = (gsize) render->mask_stride * BAND_ROWS;
  render->mask_band = mockup_buffer_alloc (render->mask_size);
  if (render->band == NULL || render->layer_band == NULL || render->mask_band == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory for a %d pixel wide band", render->label, render->width);
      return FALSE;
    }

  render->row_scratch = g_new (guint32, render->width);
  render->map_row = g_new (guint32, render->width);
  render->offset_row = g_new (guint32, render->width);
  render->offsets = g_new (float, 2 * (gsize) render->width);
  render->points = g_new (MockupSurfacePoint, render->width);
  render->valid = g_new (guint8, render->width);
  render->row_coverage = g_new (float, render->width);

  /* room for the widest displacement margin of any layer */
  cw = 0;
  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupLayer *layer = _mockup_template_get_layer (template, i);
      int m = layer->displacement ? (int) ceil (layer->displacement_strength * render->scale) + 2 : 0;

      cw = MAX (cw, m);
    }
  render->coverage_size = sizeof (float) * (gsize) (render->width + 2 + 2 * cw) * (BAND_ROWS + 2 * cw);
  render->accumulator_size = sizeof (float) * (gsize) (render->width + 4 + 2 * cw) * (BAND_ROWS + 2 * cw);
  render->coverage = mockup_buffer_alloc (render->coverage_size);
  render->accumulator = mockup_buffer_alloc (render->accumulator_size);
  if (render->coverage == NULL || render->accumulator == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory for a %d pixel wide band", render->label, render->width);
      return FALSE;
    }

  render->band_surface = cairo_image_surface_create_for_data ((unsigned char *) render->band,
                                                              CAIRO_FORMAT_ARGB32, render->width,
                                                              BAND_ROWS, (int) render->stride * 4);
  render->layer_surface = cairo_image_surface_create_for_data ((unsigned char *) render->layer_band,
                                                               CAIRO_FORMAT_ARGB32, render->width,
                                                               BAND_ROWS, (int) render->stride * 4);
  render->mask_surface = cairo_image_surface_create_for_data (render->mask_band, CAIRO_FORMAT_A8,
                                                              render->width, BAND_ROWS,
                                                              render->mask_stride);
  render->cr = cairo_create (render->band_surface);
  if (cairo_status (render->cr) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED,
                   "%s: cairo: %s", render->label, cairo_status_to_string (cairo_status (render->cr)));
      return FALSE;
    }

  return TRUE;
}

/* JPEG pass-through: the MCUs each layer above the photo can change are
 * marked; when too many are, or the photo does not suit, the photo's
 * reader is opened and the render goes on as any other. */
static gboolean
plan_passthrough (Render        *render,
                  MockupPreload *preload,
                  GCancellable  *cancellable,
                  GError       **error)
{
  const char *reason = NULL;

  for (guint i = 1; i < render->n_layers; i++)
    {
      LayerState *state = &render->layers[i];

      /* the resolved values, not the manifest's: a parameter may show a
       * layer the manifest hides */
      if (!state->values->visible || state->values->opacity <= 0.0)
        continue;
      if (state->layer->kind == MOCKUP_LAYER_ARTWORK || state->layer->kind == MOCKUP_LAYER_TEXT)
        {
          guint n;
          const double *outline = mockup_geometry_get_outline (state->geometry, &n);

          mockup_jpeg_passthrough_mark_outline (render->passthrough, outline, n, state->margin);
        }
      else if (!mockup_jpeg_passthrough_mark_layer (render->passthrough, i, cancellable, error))
        return FALSE;
    }

  if (mockup_jpeg_passthrough_start (render->passthrough, &reason, error))
    return TRUE;
  if (reason == NULL)
    return FALSE;
  g_debug ("%s: no JPEG pass-through: %s", render->label, reason);
  g_clear_pointer (&render->passthrough, mockup_jpeg_passthrough_free);
  return open_reader (render, preload, 0, LAYER_SOURCE, render->layers[0].layer->source,
                      &render->layers[0].source, cancellable, error);
}

/* Rows of a band no layer changes: every reader but the photo's moves on. */
static gboolean
skip_band (Render  *render,
           int      n_rows,
           GError **error)
{
  for (guint i = 1; i < render->n_layers; i++)
    {
      LayerState *state = &render->layers[i];
      MockupImageReader *readers[] = { state->source, state->mask, state->shading, state->displacement };
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (state->layer, refs);
      for (guint k = 0; k < N_LAYER_IMAGES; k++)
        for (int r = 0; readers[k] != NULL && r < n_rows; r++)
          if (!read_row (render, refs[k], readers[k], render->row_scratch, error))
            return FALSE;
    }
  return TRUE;
}

static gboolean
render_passthrough (Render        *render,
                    GCancellable  *cancellable,
                    GBytes       **bytes,
                    GError       **error)
{
  for (int y = 0; y < render->height; y += BAND_ROWS)
    {
      int n = MIN (BAND_ROWS, render->height - y);

      if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
          !mockup_jpeg_passthrough_read_band (render->passthrough, y, n, error))
        return FALSE;
      if (!mockup_jpeg_passthrough_band_marked (render->passthrough, y, n))
        {
          if (!skip_band (render, n, error))
            return FALSE;
        }
      else
        {
          mockup_jpeg_passthrough_decode_band (render->passthrough, y, n, render->band, render->stride);
          if (!render_band (render, y, n, error))
            return FALSE;
          mockup_jpeg_passthrough_encode_band (render->passthrough, y, n, render->band, render->stride);
        }
      if (!mockup_jpeg_passthrough_write_band (render->passthrough, y, n, error))
        return FALSE;
    }
  *bytes = mockup_jpeg_passthrough_finish (render->passthrough, error);
  return *bytes != NULL;
}

MockupResult *
mockup_band_renderer_render (const MockupRenderSettings  *settings,
                             MockupTemplate              *template,
                             const MockupArtworkSet      *artworks,
                             const GArray                *needs,
                             MockupPreload               *preload,
                             guint                        index,
                             GCancellable                *cancellable,
                             GError                     **error)
{
  g_autoptr(MockupPreload) own_preload = preload;
  Render render;
  g_autoptr(GArray) own_needs = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  MockupResult *result = NULL;

  if (!render_init (&render, settings, template, error))
    goto out;
  render.values = mockup_template_resolve (template, settings->options, error);
  if (render.values == NULL)
    goto out;

  if (needs == NULL)
    {
      own_needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
      if (!mockup_band_renderer_add_needs (settings, template, artworks, own_needs, error))
        goto out;
      needs = own_needs;
    }

  {
    const char *reason = NULL;

    render.passthrough = mockup_jpeg_passthrough_new (settings, template, cancellable, &reason, error);
    if (render.passthrough == NULL && reason == NULL)
      goto out;
    if (reason != NULL && settings->jpeg_passthrough)
      g_debug ("%s: no JPEG pass-through: %s", render.label, reason);
  }

  if (!prepare_layers (&render, own_preload, artworks, needs, cancellable, error))
    goto out;

  if (render.passthrough != NULL)
    {
      if (!plan_passthrough (&render, own_preload, cancellable, error))
        goto out;
      if (render.passthrough != NULL)
        {
          if (!render_passthrough (&render, cancellable, &bytes, error))
            goto out;
          goto done;
        }
    }

  render.writer = mockup_image_writer_new (settings->format, render.width, render.height,
                                           settings->quality,
                                           _mockup_template_get_background (template), error);
  if (render.writer == NULL)
    {
      g_prefix_error (error, "%s: ", render.label);
      goto out;
    }

  for (int y = 0; y < render.height; y += BAND_ROWS)
    {
      int n = MIN (BAND_ROWS, render.height - y);

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;
      if (!render_band (&render, y, n, error))
        goto out;
      if (!mockup_image_writer_write_rows (render.writer, render.band, render.stride, n, error))
        {
          g_prefix_error (error, "%s: ", render.label);
          goto out;
        }
    }

  if (!mockup_image_writer_finish (render.writer, &bytes, &pixbuf, error))
    {
      g_prefix_error (error, "%s: ", render.label);
      goto out;
    }

done:
  result = _mockup_result_new (index, mockup_template_get_id (template),
                               mockup_template_get_name (template), settings->format,
                               render.width, render.height, bytes, pixbuf);
  _mockup_result_set_variant (result, settings->variant);
  report_resolution (&render, result);

out:
  render_clear (&render);
  return result;
}

/* What the decoders of @template's images hold, and their row windows. */
static void
images_memory (const MockupRenderSettings *settings,
               MockupTemplate             *template,
               gsize                      *readers,
               gsize                      *windows)
{
  int width, height;

  *readers = *windows = 0;
  mockup_band_renderer_get_size (settings, template, &width, &height);
  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    {
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (_mockup_template_get_layer (template, i), refs);
      for (guint r = 0; r < N_LAYER_IMAGES; r++)
        if (refs[r] != NULL)
          {
            *readers += mockup_image_reader_estimate_memory (&refs[r]->info, width, height);
            *windows += mockup_row_window_estimate_memory (width, BAND_ROWS);
          }
    }
}

gsize
mockup_band_renderer_estimate_group_memory (const MockupRenderSettings *settings,
                                            MockupTemplate             *template,
                                            guint                       n)
{
  gsize single = mockup_band_renderer_estimate_memory (settings, template);
  gsize readers, windows;

  gsize shares = 0;
  int width, height;

  if (n <= 1)
    return single;
  images_memory (settings, template, &readers, &windows);
  /* an artwork layer's band kept for the renders that copy it */
  mockup_band_renderer_get_size (settings, template, &width, &height);
  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    if (_mockup_template_get_layer (template, i)->kind == MOCKUP_LAYER_ARTWORK)
      shares += (gsize) width * BAND_ROWS * 4;
  return readers + windows + shares + n * (single - readers);
}

static void
artwork_share_free (ArtworkShare *share)
{
  mockup_buffer_free (share->rows, share->size);
  g_free (share);
}

static gboolean
same_placement (MockupRenderOptions *a,
                MockupRenderOptions *b,
                const char          *slot)
{
  const MockupPlacement *pa = mockup_render_options_lookup_placement (a, slot);
  const MockupPlacement *pb = mockup_render_options_lookup_placement (b, slot);

  if (pa == NULL || pb == NULL)
    return pa == pb;
  return pa->left == pb->left && pa->top == pb->top && pa->width == pb->width &&
         pa->degrees == pb->degrees;
}

/* Renders whose artwork layer draws the same pixels (the same artwork at
 * the same place: colour variants) share one drawing of it: the first
 * draws each band, the others copy its rows. */
static GPtrArray *
share_artwork_layers (Render                      *renders,
                      const gboolean              *live,
                      guint                        n,
                      const MockupRenderSettings  *settings,
                      MockupTemplate              *template)
{
  GPtrArray *shares = g_ptr_array_new_with_free_func ((GDestroyNotify) artwork_share_free);

  for (guint i = 0; i < _mockup_template_get_n_layers (template); i++)
    for (guint j = 0; j < n; j++)
      {
        LayerState *lead = live[j] && renders[j].layers != NULL ? &renders[j].layers[i] : NULL;
        ArtworkShare *share = NULL;

        if (lead == NULL || lead->layer->kind != MOCKUP_LAYER_ARTWORK || !lead->values->visible ||
            lead->share != NULL || lead->texture == NULL)
          continue;
        for (guint k = j + 1; k < n; k++)
          {
            LayerState *other = live[k] ? &renders[k].layers[i] : NULL;

            if (other == NULL || !other->values->visible || other->share != NULL ||
                other->texture != lead->texture ||
                memcmp (&other->placement, &lead->placement, sizeof lead->placement) != 0 ||
                other->x0 != lead->x0 || other->x1 != lead->x1 ||
                other->y0 != lead->y0 || other->y1 != lead->y1 ||
                other->margin != lead->margin ||
                other->displacement_scale != lead->displacement_scale ||
                !same_placement (settings[j].options, settings[k].options, lead->layer->slot))
              continue;
            if (share == NULL)
              {
                share = g_new0 (ArtworkShare, 1);
                share->band_y = -1;
                share->size = (gsize) MAX (1, lead->x1 - lead->x0) * BAND_ROWS * 4;
                share->rows = mockup_buffer_alloc (share->size);
                if (share->rows == NULL)
                  {
                    g_free (share);
                    return shares;
                  }
                g_ptr_array_add (shares, share);
                lead->share = share;
                lead->share_leader = TRUE;
              }
            other->share = share;
          }
      }
  return shares;
}

/* Every render of the group that is still going fails with a copy of
 * @error. */
static void
group_fail (Render   *renders,
            gboolean *live,
            guint     n,
            GError   *error,
            GError  **errors)
{
  for (guint j = 0; j < n; j++)
    if (live[j])
      {
        errors[j] = g_error_copy (error);
        live[j] = FALSE;
        render_clear (&renders[j]);
      }
}

void
mockup_band_renderer_render_group (const MockupRenderSettings  *settings,
                                   MockupTemplate              *template,
                                   const MockupArtworkSet      *artworks,
                                   const GArray                *needs,
                                   MockupPreload               *preload,
                                   const guint                 *indices,
                                   guint                        n,
                                   GCancellable                *cancellable,
                                   MockupResult               **results,
                                   GError                     **errors)
{
  g_autoptr(MockupPreload) own_preload = preload;
  g_autoptr(GArray) own_needs = NULL;
  g_autoptr(GError) error = NULL;
  const char *label = _mockup_template_get_label (template);
  guint n_layers = _mockup_template_get_n_layers (template);
  g_autofree MockupRowWindow **windows = g_new0 (MockupRowWindow *, (gsize) n_layers * N_LAYER_IMAGES + 1);
  g_autofree Render *renders = g_new0 (Render, n);
  g_autofree gboolean *live = g_new0 (gboolean, n);
  GPtrArray *shares = NULL;
  int width, height;

  for (guint j = 0; j < n; j++)
    {
      results[j] = NULL;
      errors[j] = NULL;
      live[j] = TRUE;
    }
  mockup_band_renderer_get_size (settings, template, &width, &height);

  if (needs == NULL)
    {
      own_needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
      if (!mockup_band_renderer_add_needs (settings, template, artworks, own_needs, &error))
        goto failed;
      needs = own_needs;
    }

  /* One decoder for each image, whatever the number of renders. */
  for (guint i = 0; i < n_layers; i++)
    {
      const MockupImageRef *refs[N_LAYER_IMAGES];

      layer_images (_mockup_template_get_layer (template, i), refs);
      for (guint k = 0; k < N_LAYER_IMAGES; k++)
        {
          MockupImageReader *reader = NULL;

          if (refs[k] == NULL)
            continue;
          if (own_preload != NULL && i < own_preload->n_layers)
            reader = g_steal_pointer (&own_preload->readers[i * N_LAYER_IMAGES + k]);
          if (reader == NULL)
            reader = new_reader (settings, refs[k], label, width, height, cancellable, &error);
          if (reader == NULL)
            goto failed;
          windows[i * N_LAYER_IMAGES + k] = mockup_row_window_new (reader, BAND_ROWS);
          if (windows[i * N_LAYER_IMAGES + k] == NULL)
            {
              g_set_error (&error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                           "%s: no memory for a %d pixel wide band", label, width);
              goto failed;
            }
        }
    }
  g_clear_pointer (&own_preload, mockup_preload_free);

  /* Each render's own state; one that cannot start fails alone. */
  for (guint j = 0; j < n; j++)
    {
      Render *render = &renders[j];
      GError *local_error = NULL;

      if (render_init (render, &settings[j], template, &local_error) &&
          (render->values = mockup_template_resolve (template, settings[j].options, &local_error)) != NULL)
        {
          render->windows = windows;
          if (prepare_layers (render, NULL, artworks, needs, cancellable, &local_error))
            {
              render->writer = mockup_image_writer_new (settings->format, render->width,
                                                        render->height, settings->quality,
                                                        _mockup_template_get_background (template),
                                                        &local_error);
              if (render->writer == NULL)
                g_prefix_error (&local_error, "%s: ", label);
            }
        }
      if (local_error != NULL)
        {
          errors[j] = local_error;
          live[j] = FALSE;
          render_clear (render);
        }
    }

  shares = share_artwork_layers (renders, live, n, settings, template);

  for (int y = 0; y < height; y += BAND_ROWS)
    {
      int rows = MIN (BAND_ROWS, height - y);
      gboolean any = FALSE;

      for (guint j = 0; j < n; j++)
        any |= live[j];
      if (!any)
        break;

      if (g_cancellable_set_error_if_cancelled (cancellable, &error))
        goto failed;
      for (guint w = 0; w < n_layers * N_LAYER_IMAGES; w++)
        if (windows[w] != NULL && !mockup_row_window_fill (windows[w], rows, &error))
          {
            const MockupImageRef *refs[N_LAYER_IMAGES];

            layer_images (_mockup_template_get_layer (template, w / N_LAYER_IMAGES), refs);
            g_prefix_error (&error, "%s: %s: ", label, refs[w % N_LAYER_IMAGES]->member);
            goto failed;
          }

      for (guint j = 0; j < n; j++)
        {
          Render *render = &renders[j];
          GError *local_error = NULL;

          if (!live[j])
            continue;
          if (render_band (render, y, rows, &local_error) &&
              !mockup_image_writer_write_rows (render->writer, render->band, render->stride,
                                               rows, &local_error))
            g_prefix_error (&local_error, "%s: ", label);
          if (local_error != NULL)
            {
              /* the others draw their own artwork from now on */
              for (guint i = 0; i < render->n_layers; i++)
                if (render->layers[i].share != NULL && render->layers[i].share_leader)
                  render->layers[i].share->band_y = -1;
              errors[j] = local_error;
              live[j] = FALSE;
              render_clear (render);
            }
        }
    }

  for (guint j = 0; j < n; j++)
    {
      Render *render = &renders[j];
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GdkPixbuf) pixbuf = NULL;

      if (!live[j])
        continue;
      if (!mockup_image_writer_finish (render->writer, &bytes, &pixbuf, &errors[j]))
        g_prefix_error (&errors[j], "%s: ", label);
      else
        {
          results[j] = _mockup_result_new (indices[j], mockup_template_get_id (template),
                                           mockup_template_get_name (template), settings->format,
                                           render->width, render->height, bytes, pixbuf);
          _mockup_result_set_variant (results[j], settings[j].variant);
        }
      live[j] = FALSE;
      render_clear (render);
    }
  goto out;

failed:
  group_fail (renders, live, n, error, errors);

out:
  for (guint w = 0; w < n_layers * N_LAYER_IMAGES; w++)
    g_clear_pointer (&windows[w], mockup_row_window_free);
  g_clear_pointer (&shares, g_ptr_array_unref);
}
