/* mockup-renderer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-artwork-private.h"
#include "mockup-batch-private.h"
#include "mockup-enums.h"
#include "mockup-error.h"
#include "mockup-memory.h"
#include "mockup-renderer-private.h"
#include "mockup-result-private.h"
#include "mockup-render-options-private.h"
#include "mockup-texture-private.h"

/**
 * MockupRenderer:
 *
 * Puts artwork into templates.
 *
 * A renderer holds the output settings ([property@Mockup.Renderer:format],
 * [property@Mockup.Renderer:quality], [property@Mockup.Renderer:max-size],
 * [property@Mockup.Renderer:linear-light]), a number of worker threads and
 * one memory budget ([property@Mockup.Renderer:memory-limit]) that every
 * render and batch started from it shares: a server keeps one renderer for
 * all its users, and their requests wait for room rather than exceed the
 * budget.
 *
 * Settings are read when a render or batch starts; changing them later
 * affects only renders started later. A renderer may be used from any
 * thread.
 *
 * ```c
 * g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
 * g_autoptr(MockupResult) result = NULL;
 *
 * mockup_renderer_set_max_size (renderer, 1600);
 * result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
 * if (result == NULL || !mockup_result_save (result, "poster.jpg", &error))
 *   g_printerr ("%s\n", error->message);
 * ```
 */

#define DEFAULT_QUALITY 90
#define DEFAULT_MEMORY_LIMIT ((guint64) 512 * 1024 * 1024)
#define DEFAULT_MIN_PPI 150.0
#define DEFAULT_MAX_UPSCALE 1.5

struct _MockupRenderer
{
  GObject parent_instance;

  GMutex lock;
  MockupFormat format;
  guint quality;
  guint max_size;
  guint threads;
  gboolean linear_light;
  double min_ppi;
  double max_upscale;
  gboolean jpeg_passthrough;

  MockupMemoryBudget *budget;
  MockupWorkerPool *pool;
};

enum {
  PROP_0,
  PROP_FORMAT,
  PROP_QUALITY,
  PROP_MAX_SIZE,
  PROP_THREADS,
  PROP_MEMORY_LIMIT,
  PROP_LINEAR_LIGHT,
  PROP_MIN_PPI,
  PROP_MAX_UPSCALE,
  PROP_JPEG_PASSTHROUGH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MockupRenderer, mockup_renderer, G_TYPE_OBJECT)

static void
mockup_renderer_finalize (GObject *object)
{
  MockupRenderer *self = (MockupRenderer *) object;

  mockup_memory_budget_unref (self->budget);
  mockup_worker_pool_unref (self->pool);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mockup_renderer_parent_class)->finalize (object);
}

static void
mockup_renderer_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MockupRenderer *self = MOCKUP_RENDERER (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      g_value_set_enum (value, mockup_renderer_get_format (self));
      break;
    case PROP_QUALITY:
      g_value_set_uint (value, mockup_renderer_get_quality (self));
      break;
    case PROP_MAX_SIZE:
      g_value_set_uint (value, mockup_renderer_get_max_size (self));
      break;
    case PROP_THREADS:
      g_value_set_uint (value, mockup_renderer_get_threads (self));
      break;
    case PROP_MEMORY_LIMIT:
      g_value_set_uint64 (value, mockup_renderer_get_memory_limit (self));
      break;
    case PROP_LINEAR_LIGHT:
      g_value_set_boolean (value, mockup_renderer_get_linear_light (self));
      break;
    case PROP_MIN_PPI:
      g_value_set_double (value, mockup_renderer_get_min_ppi (self));
      break;
    case PROP_MAX_UPSCALE:
      g_value_set_double (value, mockup_renderer_get_max_upscale (self));
      break;
    case PROP_JPEG_PASSTHROUGH:
      g_value_set_boolean (value, mockup_renderer_get_jpeg_passthrough (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_renderer_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  MockupRenderer *self = MOCKUP_RENDERER (object);

  switch (prop_id)
    {
    case PROP_FORMAT:
      mockup_renderer_set_format (self, g_value_get_enum (value));
      break;
    case PROP_QUALITY:
      mockup_renderer_set_quality (self, g_value_get_uint (value));
      break;
    case PROP_MAX_SIZE:
      mockup_renderer_set_max_size (self, g_value_get_uint (value));
      break;
    case PROP_THREADS:
      mockup_renderer_set_threads (self, g_value_get_uint (value));
      break;
    case PROP_MEMORY_LIMIT:
      mockup_renderer_set_memory_limit (self, g_value_get_uint64 (value));
      break;
    case PROP_LINEAR_LIGHT:
      mockup_renderer_set_linear_light (self, g_value_get_boolean (value));
      break;
    case PROP_MIN_PPI:
      mockup_renderer_set_min_ppi (self, g_value_get_double (value));
      break;
    case PROP_MAX_UPSCALE:
      mockup_renderer_set_max_upscale (self, g_value_get_double (value));
      break;
    case PROP_JPEG_PASSTHROUGH:
      mockup_renderer_set_jpeg_passthrough (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_renderer_class_init (MockupRendererClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_renderer_finalize;
  object_class->get_property = mockup_renderer_get_property;
  object_class->set_property = mockup_renderer_set_property;

  /**
   * MockupRenderer:format: (getter get_format) (setter set_format)
   *
   * What renders produce: JPEG (the default), PNG, WebP, or a pixbuf for
   * on-screen previews.
   */
  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, MOCKUP_TYPE_FORMAT, MOCKUP_FORMAT_JPEG,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:quality: (getter get_quality) (setter set_quality)
   *
   * The JPEG and WebP quality, from 1 to 100; 90 by default. WebP at 100
   * is lossless; JPEG at 95 and above keeps full colour resolution.
   */
  properties[PROP_QUALITY] =
    g_param_spec_uint ("quality", NULL, NULL, 1, 100, DEFAULT_QUALITY,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:max-size: (getter get_max_size) (setter set_max_size)
   *
   * The longest side of the output in pixels; templates larger than this
   * render scaled down (never up). 0, the default, renders every template
   * at its own size. Previews are much faster than full-size renders:
   * photos are decoded at a reduced size and so is the artwork.
   */
  properties[PROP_MAX_SIZE] =
    g_param_spec_uint ("max-size", NULL, NULL, 0, G_MAXINT, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:threads: (getter get_threads) (setter set_threads)
   *
   * How many templates render at the same time, over all of the
   * renderer's batches. 0, the default, means one per processor.
   */
  properties[PROP_THREADS] =
    g_param_spec_uint ("threads", NULL, NULL, 0, 1024, 0,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:memory-limit: (getter get_memory_limit) (setter set_memory_limit)
   *
   * The memory budget in bytes for everything rendering from this
   * renderer holds at once: decoded artworks, the bands and decoders of
   * running renders, encoded output being built. Each render estimates its
   * need before it starts and waits until it fits; one that could never fit
   * fails with [error@Mockup.Error.TOO_LARGE]. 512 MiB by default; 0 means
   * no limit.
   *
   * The budget does not count results that have been handed over, nor the
   * fixed cost of the process and its libraries.
   */
  properties[PROP_MEMORY_LIMIT] =
    g_param_spec_uint64 ("memory-limit", NULL, NULL, 0, G_MAXUINT64, DEFAULT_MEMORY_LIMIT,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:linear-light: (getter get_linear_light) (setter set_linear_light)
   *
   * Whether resampling averages light (linear RGB) rather than sRGB-encoded
   * values. Averaging encoded values, as most software does, darkens fine
   * light-on-dark detail when it is shrunk: a pattern of thin black and
   * white lines comes out mid-grey 128 instead of the 188 that has the same
   * brightness. Linear light is truer for fine prints, halftones and text;
   * it costs about a third more time to sample the artwork, and its
   * decoded artwork takes twice the memory. Off by default.
   */
  properties[PROP_LINEAR_LIGHT] =
    g_param_spec_boolean ("linear-light", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:min-ppi: (getter get_min_ppi) (setter set_min_ppi)
   *
   * The lowest print resolution, in artwork pixels per inch, that renders
   * accept without a [property@Mockup.Result:resolution-warning], for slots
   * whose template gives the print area's physical size. 150 by default;
   * 0 turns the check off.
   */
  properties[PROP_MIN_PPI] =
    g_param_spec_double ("min-ppi", NULL, NULL, 0.0, 10000.0, DEFAULT_MIN_PPI,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:max-upscale: (getter get_max_upscale) (setter set_max_upscale)
   *
   * The largest [property@Mockup.Result:upscale] that renders accept
   * without a [property@Mockup.Result:resolution-warning]: how far an
   * artwork may be enlarged to fill a slot (or, where the print size is
   * known, to reach [property@Mockup.Renderer:min-ppi]). 1.5 by default;
   * 0 turns the check off.
   */
  properties[PROP_MAX_UPSCALE] =
    g_param_spec_double ("max-upscale", NULL, NULL, 0.0, 1000.0, DEFAULT_MAX_UPSCALE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  /**
   * MockupRenderer:jpeg-passthrough: (getter get_jpeg_passthrough) (setter set_jpeg_passthrough)
   *
   * Whether a JPEG render of a template whose bottom layer is an opaque
   * JPEG photo, at the photo's own size, codes again only the 8×8 blocks
   * (MCUs) its layers change and copies every other block of the photo
   * unchanged: the photo keeps its quality outside the print, and the
   * render takes less time. The output then has the photo's quantisation
   * tables, sampling, markers and progressive mode.
   *
   * It applies by itself when it can (TRUE, the default, is "auto"): not
   * for greyscale, CMYK or RGB JPEGs, an EXIF orientation, a colour profile
   * other than the sRGB one renders are tagged with, linear light, a
   * scaled output, a layer that can change more than 3/4 of the blocks, or
   * a photo whose estimated quality is below
   * [property@Mockup.Renderer:quality]: its tables are then coarser than
   * the quality asked for, and they cannot be changed for the print's
   * blocks alone. A photo of higher quality keeps its tables. See the
   * performance guide.
   */
  properties[PROP_JPEG_PASSTHROUGH] =
    g_param_spec_boolean ("jpeg-passthrough", NULL, NULL, TRUE,
                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mockup_renderer_init (MockupRenderer *self)
{
  g_mutex_init (&self->lock);
  self->format = MOCKUP_FORMAT_JPEG;
  self->quality = DEFAULT_QUALITY;
  self->min_ppi = DEFAULT_MIN_PPI;
  self->max_upscale = DEFAULT_MAX_UPSCALE;
  self->jpeg_passthrough = TRUE;
  self->budget = mockup_memory_budget_new (DEFAULT_MEMORY_LIMIT);
  self->pool = mockup_worker_pool_new (g_get_num_processors ());
}

/**
 * mockup_renderer_new:
 *
 * Creates a renderer with the default settings: JPEG at quality 90, each
 * template at its own size, one worker per processor, a 512 MiB memory
 * budget.
 *
 * Returns: (transfer full): a new renderer
 */
MockupRenderer *
mockup_renderer_new (void)
{
  return g_object_new (MOCKUP_TYPE_RENDERER, NULL);
}

#define DEFINE_SETTING(type, name, field, PROP, value, check)                      \
  type                                                                      \
  mockup_renderer_get_##name (MockupRenderer *self)                         \
  {                                                                         \
    type value;                                                             \
                                                                            \
    g_return_val_if_fail (MOCKUP_IS_RENDERER (self), 0);                    \
    g_mutex_lock (&self->lock);                                             \
    value = self->field;                                                    \
    g_mutex_unlock (&self->lock);                                           \
    return value;                                                           \
  }                                                                         \
                                                                            \
  void                                                                      \
  mockup_renderer_set_##name (MockupRenderer *self,                         \
                              type            value)                        \
  {                                                                         \
    gboolean changed;                                                       \
                                                                            \
    g_return_if_fail (MOCKUP_IS_RENDERER (self));                           \
    g_return_if_fail (check);                                               \
    g_mutex_lock (&self->lock);                                             \
    changed = self->field != value;                                         \
    self->field = value;                                                    \
    g_mutex_unlock (&self->lock);                                           \
    if (changed)                                                            \
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP]);         \
  }

/**
 * mockup_renderer_get_format: (get-property format)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:format].
 *
 * Returns: the output format
 */
/**
 * mockup_renderer_set_format: (set-property format)
 * @self: a renderer
 * @format: the output format
 *
 * Sets the output format of renders started from now on.
 */
DEFINE_SETTING (MockupFormat, format, format, PROP_FORMAT, format,
                format >= MOCKUP_FORMAT_JPEG && format <= MOCKUP_FORMAT_PIXBUF)

/**
 * mockup_renderer_get_quality: (get-property quality)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:quality].
 *
 * Returns: the JPEG and WebP quality
 */
/**
 * mockup_renderer_set_quality: (set-property quality)
 * @self: a renderer
 * @quality: a quality from 1 to 100
 *
 * Sets the JPEG and WebP quality of renders started from now on.
 */
DEFINE_SETTING (guint, quality, quality, PROP_QUALITY, quality, quality >= 1 && quality <= 100)

/**
 * mockup_renderer_get_max_size: (get-property max-size)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:max-size].
 *
 * Returns: the longest output side in pixels, or 0
 */
/**
 * mockup_renderer_set_max_size: (set-property max-size)
 * @self: a renderer
 * @max_size: the longest output side in pixels, or 0 for each template's own size
 *
 * Limits the size of renders started from now on.
 */
DEFINE_SETTING (guint, max_size, max_size, PROP_MAX_SIZE, max_size, max_size <= G_MAXINT)

/**
 * mockup_renderer_get_linear_light: (get-property linear-light)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:linear-light].
 *
 * Returns: whether resampling averages linear light
 */
/**
 * mockup_renderer_set_linear_light: (set-property linear-light)
 * @self: a renderer
 * @linear_light: whether resampling averages linear light
 *
 * Chooses how renders started from now on average colours.
 */
DEFINE_SETTING (gboolean, linear_light, linear_light, PROP_LINEAR_LIGHT, linear_light, TRUE)

/**
 * mockup_renderer_get_min_ppi: (get-property min-ppi)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:min-ppi].
 *
 * Returns: the lowest print resolution accepted without a warning
 */
/**
 * mockup_renderer_set_min_ppi: (set-property min-ppi)
 * @self: a renderer
 * @min_ppi: pixels per inch from 0 (no check) to 10000
 *
 * Sets the print resolution below which renders started from now on warn.
 */
DEFINE_SETTING (double, min_ppi, min_ppi, PROP_MIN_PPI, min_ppi, min_ppi >= 0.0 && min_ppi <= 10000.0)

/**
 * mockup_renderer_get_max_upscale: (get-property max-upscale)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:max-upscale].
 *
 * Returns: the largest upscale factor accepted without a warning
 */
/**
 * mockup_renderer_set_max_upscale: (set-property max-upscale)
 * @self: a renderer
 * @max_upscale: a factor from 0 (no check) to 1000
 *
 * Sets the upscale factor beyond which renders started from now on warn.
 */
DEFINE_SETTING (double, max_upscale, max_upscale, PROP_MAX_UPSCALE, max_upscale,
                max_upscale >= 0.0 && max_upscale <= 1000.0)

/**
 * mockup_renderer_get_jpeg_passthrough: (get-property jpeg-passthrough)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:jpeg-passthrough].
 *
 * Returns: whether JPEG renders copy the photo's unchanged blocks when they can
 */
/**
 * mockup_renderer_set_jpeg_passthrough: (set-property jpeg-passthrough)
 * @self: a renderer
 * @jpeg_passthrough: %TRUE to copy the photo's unchanged blocks when possible
 *
 * Chooses whether JPEG renders started from now on may code again only
 * the blocks of the photo that they change.
 */
DEFINE_SETTING (gboolean, jpeg_passthrough, jpeg_passthrough, PROP_JPEG_PASSTHROUGH, jpeg_passthrough, TRUE)

/**
 * mockup_renderer_get_threads: (get-property threads)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:threads].
 *
 * Returns: the number of templates rendering at once, or 0 for one per
 *   processor
 */
guint
mockup_renderer_get_threads (MockupRenderer *self)
{
  guint threads;

  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), 0);

  g_mutex_lock (&self->lock);
  threads = self->threads;
  g_mutex_unlock (&self->lock);
  return threads;
}

/**
 * mockup_renderer_set_threads: (set-property threads)
 * @self: a renderer
 * @threads: how many templates may render at once, or 0 for one per processor
 *
 * Sets how many renders of this renderer's batches run side by side.
 */
void
mockup_renderer_set_threads (MockupRenderer *self,
                             guint           threads)
{
  gboolean changed;

  g_return_if_fail (MOCKUP_IS_RENDERER (self));

  g_mutex_lock (&self->lock);
  changed = self->threads != threads;
  self->threads = threads;
  g_mutex_unlock (&self->lock);

  mockup_worker_pool_set_max_running (self->pool, threads ? threads : g_get_num_processors ());
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THREADS]);
}

/**
 * mockup_renderer_get_memory_limit: (get-property memory-limit)
 * @self: a renderer
 *
 * Gets [property@Mockup.Renderer:memory-limit].
 *
 * Returns: the memory budget in bytes, or 0 for none
 */
guint64
mockup_renderer_get_memory_limit (MockupRenderer *self)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), 0);
  return mockup_memory_budget_get_limit (self->budget);
}

/**
 * mockup_renderer_set_memory_limit: (set-property memory-limit)
 * @self: a renderer
 * @memory_limit: the memory budget in bytes, or 0 for none
 *
 * Sets the memory budget. Renders that are waiting see the new limit at
 * once; renders that are running keep what they hold.
 */
void
mockup_renderer_set_memory_limit (MockupRenderer *self,
                                  guint64         memory_limit)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));

  if (mockup_memory_budget_get_limit (self->budget) == memory_limit)
    return;
  mockup_memory_budget_set_limit (self->budget, memory_limit);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MEMORY_LIMIT]);
}

/**
 * mockup_renderer_get_memory_in_use:
 * @self: a renderer
 *
 * How much of the memory budget the renderer's renders and batches hold
 * now, as they estimated it.
 *
 * Returns: bytes
 */
guint64
mockup_renderer_get_memory_in_use (MockupRenderer *self)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), 0);
  return mockup_memory_budget_get_in_use (self->budget);
}

/**
 * mockup_renderer_get_memory_pending:
 * @self: a renderer
 *
 * How much memory renders and batches that wait for room in the budget
 * ask for, together. Nonzero means the budget is full and work waits: a
 * program that keeps memory charged with
 * [method@Mockup.Renderer.charge_memory], such as a cache of decoded
 * artworks, should give some back.
 *
 * Returns: bytes
 */
guint64
mockup_renderer_get_memory_pending (MockupRenderer *self)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), 0);
  return mockup_memory_budget_get_waiting (self->budget);
}

/**
 * mockup_renderer_charge_memory:
 * @self: a renderer
 * @size: bytes
 *
 * Counts @size bytes that the application holds for rendering against
 * the memory budget, such as decoded artworks it keeps between batches
 * (see [method@Mockup.Artwork.get_decoded_size]). The memory is held
 * already, so this never waits and may take the budget over its limit;
 * renders then wait until [method@Mockup.Renderer.release_memory] gives
 * it back.
 */
void
mockup_renderer_charge_memory (MockupRenderer *self,
                               guint64         size)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  mockup_memory_budget_charge (self->budget, size);
}

/**
 * mockup_renderer_release_memory:
 * @self: a renderer
 * @size: bytes given to [method@Mockup.Renderer.charge_memory] before
 *
 * Gives back memory counted with [method@Mockup.Renderer.charge_memory],
 * waking renders that wait for room.
 */
void
mockup_renderer_release_memory (MockupRenderer *self,
                                guint64         size)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  mockup_memory_budget_release (self->budget, size);
}

void
_mockup_renderer_get_settings (MockupRenderer       *self,
                               MockupRenderSettings *settings)
{
  g_mutex_lock (&self->lock);
  settings->format = self->format;
  settings->quality = self->quality;
  settings->max_size = self->max_size;
  settings->linear_light = self->linear_light;
  settings->min_ppi = self->min_ppi;
  settings->max_upscale = self->max_upscale;
  settings->jpeg_passthrough = self->jpeg_passthrough;
  g_mutex_unlock (&self->lock);
  settings->options = NULL;
  settings->variant = 0;
}

MockupWorkerPool *
_mockup_renderer_get_pool (MockupRenderer *self)
{
  return self->pool;
}

MockupMemoryBudget *
_mockup_renderer_get_budget (MockupRenderer *self)
{
  return self->budget;
}

char *
_mockup_renderer_explain_memory (const MockupRenderSettings *settings,
                                 MockupTemplate             *template,
                                 MockupArtwork              *artwork,
                                 guint64                     artwork_cost,
                                 guint64                     needed)
{
  char *why = _mockup_artwork_explain_memory (artwork, artwork_cost, needed);

  if (why[0] != '\0' || template == NULL)
    return why;
  g_free (why);
  return mockup_band_renderer_explain_memory (settings, template, needed);
}

/**
 * mockup_renderer_render:
 * @self: a renderer
 * @artwork: the artwork, for every slot of @template
 * @template: the template
 * @cancellable: (nullable): a cancellable; cancelling stops the render
 *   within one band of rows
 * @error: return location for an error
 *
 * Renders one mockup in the calling thread, after waiting for room in the
 * memory budget. For many templates use
 * [method@Mockup.Renderer.render_batch_async], which renders them in
 * parallel and decodes the artwork once for all. To choose a template's
 * parameters or place the artwork, use
 * [method@Mockup.Renderer.render_full].
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
MockupResult *
mockup_renderer_render (MockupRenderer  *self,
                        MockupArtwork   *artwork,
                        MockupTemplate  *template,
                        GCancellable    *cancellable,
                        GError         **error)
{
  return mockup_renderer_render_full (self, artwork, template, NULL, cancellable, error);
}

/**
 * mockup_renderer_render_full:
 * @self: a renderer
 * @artwork: the artwork, for every slot of @template
 * @template: the template
 * @options: (nullable): the template's parameters and the artwork's
 *   placement for this render; %NULL for the template's defaults
 * @cancellable: (nullable): a cancellable; cancelling stops the render
 *   within one band of rows
 * @error: return location for an error
 *
 * Like [method@Mockup.Renderer.render], with render-time choices: values
 * for the template's parameters, such as a shirt's colour, and positions
 * of the artwork in its slots' print areas. @options are copied when the
 * render starts.
 *
 * Options that do not suit @template fail the render with
 * [error@Mockup.Error.INVALID_OPTION] before anything is decoded.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
MockupResult *
mockup_renderer_render_full (MockupRenderer       *self,
                             MockupArtwork        *artwork,
                             MockupTemplate       *template,
                             MockupRenderOptions  *options,
                             GCancellable         *cancellable,
                             GError              **error)
{
  MockupRenderSettings settings;
  g_autoptr(MockupRenderOptions) own_options = NULL;
  MockupArtworkSet artworks = { artwork, NULL };
  g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
  MockupResult *result;
  guint64 reservation;
  gsize artwork_cost = 0;
  MockupArtwork *costliest = NULL;
  gint64 requested, started;
  GError *local_error = NULL;

  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (MOCKUP_IS_ARTWORK (artwork), NULL);
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (template), NULL);
  g_return_val_if_fail (options == NULL || MOCKUP_IS_RENDER_OPTIONS (options), NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  requested = g_get_monotonic_time ();
  _mockup_renderer_get_settings (self, &settings);
  if (options != NULL)
    settings.options = own_options = mockup_render_options_copy (options);

  /* before waiting for memory: a typo in a colour should not wait */
  if (!mockup_render_options_validate (settings.options, template, error))
    return NULL;

  if (!mockup_band_renderer_add_needs (&settings, template, &artworks, needs, error))
    return NULL;

  reservation = mockup_band_renderer_estimate_memory (&settings, template);
  for (guint i = 0; i < needs->len; i++)
    {
      const MockupArtworkNeed *need = &g_array_index (needs, MockupArtworkNeed, i);

      gsize cost = _mockup_artwork_estimate_memory (need->artwork, need->width, need->height,
                                                    settings.linear_light);

      reservation += cost;
      if (cost > artwork_cost)
        {
          artwork_cost = cost;
          costliest = need->artwork;
        }
    }

  if (!mockup_memory_budget_acquire (self->budget, reservation, cancellable, &local_error))
    {
      if (g_error_matches (local_error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE))
        {
          g_autofree char *why = _mockup_renderer_explain_memory (&settings, template, costliest,
                                                                  artwork_cost, reservation);
          char *message = g_strdup_printf ("%s: %s%s", mockup_template_get_id (template),
                                           local_error->message, why);

          g_free (local_error->message);
          local_error->message = message;
        }
      g_propagate_error (error, local_error);
      return NULL;
    }

  started = g_get_monotonic_time ();
  result = mockup_band_renderer_render (&settings, template, &artworks, needs, NULL, 0,
                                        cancellable, error);
  mockup_memory_budget_release (self->budget, reservation);

  if (result != NULL)
    _mockup_result_set_timing (result, (guint64) (started - requested),
                               (guint64) (g_get_monotonic_time () - started),
                               mockup_get_resident_memory ());
  return result;
}

typedef struct
{
  MockupArtwork *artwork;
  MockupTemplate *template;
  MockupRenderOptions *options;
} RenderData;

static void
render_data_free (RenderData *data)
{
  g_clear_object (&data->artwork);
  g_clear_object (&data->template);
  g_clear_object (&data->options);
  g_free (data);
}

static void
render_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  RenderData *data = task_data;
  GError *error = NULL;
  MockupResult *result;

  result = mockup_renderer_render_full (source_object, data->artwork, data->template, data->options,
                                        cancellable, &error);
  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, g_object_unref);
}

static void
render_async (MockupRenderer      *self,
              MockupArtwork       *artwork,
              MockupTemplate      *template,
              MockupRenderOptions *options,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data,
              gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  RenderData *data;

  data = g_new0 (RenderData, 1);
  data->artwork = g_object_ref (artwork);
  data->template = g_object_ref (template);
  /* copied now: the caller may change theirs once this returns */
  data->options = options != NULL ? mockup_render_options_copy (options) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) render_data_free);
  g_task_run_in_thread (task, render_thread);
}

/**
 * mockup_renderer_render_async:
 * @self: a renderer
 * @artwork: the artwork, for every slot of @template
 * @template: the template
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the render is done
 * @user_data: (closure callback): data for @callback
 *
 * Renders one mockup in a worker thread. See
 * [method@Mockup.Renderer.render].
 */
void
mockup_renderer_render_async (MockupRenderer      *self,
                              MockupArtwork       *artwork,
                              MockupTemplate      *template,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  g_return_if_fail (MOCKUP_IS_ARTWORK (artwork));
  g_return_if_fail (MOCKUP_IS_TEMPLATE (template));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  render_async (self, artwork, template, NULL, cancellable, callback, user_data,
                mockup_renderer_render_async);
}

/**
 * mockup_renderer_render_finish:
 * @self: a renderer
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Completes [method@Mockup.Renderer.render_async].
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
MockupResult *
mockup_renderer_render_finish (MockupRenderer  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mockup_renderer_render_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mockup_renderer_render_full_async:
 * @self: a renderer
 * @artwork: the artwork, for every slot of @template
 * @template: the template
 * @options: (nullable): the render's choices, copied now
 * @cancellable: (nullable): a cancellable
 * @callback: (scope async): called when the render is done
 * @user_data: (closure callback): data for @callback
 *
 * Renders one mockup with render-time choices in a worker thread. See
 * [method@Mockup.Renderer.render_full].
 */
void
mockup_renderer_render_full_async (MockupRenderer      *self,
                                   MockupArtwork       *artwork,
                                   MockupTemplate      *template,
                                   MockupRenderOptions *options,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  g_return_if_fail (MOCKUP_IS_ARTWORK (artwork));
  g_return_if_fail (MOCKUP_IS_TEMPLATE (template));
  g_return_if_fail (options == NULL || MOCKUP_IS_RENDER_OPTIONS (options));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  render_async (self, artwork, template, options, cancellable, callback, user_data,
                mockup_renderer_render_full_async);
}

/**
 * mockup_renderer_render_full_finish:
 * @self: a renderer
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Completes [method@Mockup.Renderer.render_full_async].
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
MockupResult *
mockup_renderer_render_full_finish (MockupRenderer  *self,
                                    GAsyncResult    *result,
                                    GError         **error)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mockup_renderer_render_full_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
check_batch_arguments (MockupArtwork *artwork,
                       GListModel    *templates,
                       GHashTable    *slot_artworks)
{
  g_return_val_if_fail (artwork == NULL || MOCKUP_IS_ARTWORK (artwork), FALSE);
  g_return_val_if_fail (G_IS_LIST_MODEL (templates), FALSE);
  g_return_val_if_fail (artwork != NULL || slot_artworks != NULL, FALSE);
  return TRUE;
}

static gboolean
check_variants (MockupRenderOptions * const *variants,
                guint                        n_variants)
{
  g_return_val_if_fail (n_variants == 0 || variants != NULL, FALSE);
  for (guint i = 0; i < n_variants; i++)
    g_return_val_if_fail (variants[i] == NULL || MOCKUP_IS_RENDER_OPTIONS (variants[i]), FALSE);
  return TRUE;
}

/**
 * mockup_renderer_render_batch:
 * @self: a renderer
 * @artwork: (nullable): the artwork for every slot not in @slot_artworks
 * @templates: a list of [class@Mockup.Template]s, or of [iface@Gio.File]s
 *   naming template manifests (or a mix)
 * @slot_artworks: (nullable) (element-type utf8 Mockup.Artwork): artworks
 *   for named slots, such as the three frames of a gallery wall
 * @cancellable: (nullable): cancels the preparation and, later, the batch
 * @error: return location for an error
 *
 * Like [method@Mockup.Renderer.render_batch_async], but prepares the batch
 * in the calling thread. For scripts:
 *
 * ```python
 * for result in renderer.render_batch(artwork, templates):
 *     result.save(f"out/{result.props.template_id}.jpg")
 * ```
 *
 * Returns: (transfer full): the running batch, or %NULL with @error set
 */
MockupBatch *
mockup_renderer_render_batch (MockupRenderer  *self,
                              MockupArtwork   *artwork,
                              GListModel      *templates,
                              GHashTable      *slot_artworks,
                              GCancellable    *cancellable,
                              GError         **error)
{
  return mockup_renderer_render_batch_full (self, artwork, templates, slot_artworks, NULL, 0,
                                            cancellable, error);
}

/**
 * mockup_renderer_render_batch_full:
 * @self: a renderer
 * @artwork: (nullable): the artwork for every slot not in @slot_artworks
 * @templates: a list of [class@Mockup.Template]s, or of [iface@Gio.File]s
 *   naming template manifests (or a mix)
 * @slot_artworks: (nullable) (element-type utf8 Mockup.Artwork): artworks
 *   for named slots
 * @variants: (array length=n_variants) (nullable): the choices of each
 *   variant; a %NULL element renders the template's defaults
 * @n_variants: the number of @variants; 0 renders each template once,
 *   with its defaults
 * @cancellable: (nullable): cancels the preparation and, later, the batch
 * @error: return location for an error
 *
 * Like [method@Mockup.Renderer.render_batch_full_async], but prepares the
 * batch in the calling thread.
 *
 * Returns: (transfer full): the running batch, or %NULL with @error set
 */
MockupBatch *
mockup_renderer_render_batch_full (MockupRenderer              *self,
                                   MockupArtwork               *artwork,
                                   GListModel                  *templates,
                                   GHashTable                  *slot_artworks,
                                   MockupRenderOptions * const *variants,
                                   guint                        n_variants,
                                   GCancellable                *cancellable,
                                   GError                     **error)
{
  g_autoptr(MockupBatch) batch = NULL;

  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (check_batch_arguments (artwork, templates, slot_artworks), NULL);
  g_return_val_if_fail (check_variants (variants, n_variants), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  batch = _mockup_batch_new (self, artwork, templates, slot_artworks, variants, n_variants,
                             cancellable);
  if (!_mockup_batch_prepare (batch, cancellable, error))
    return NULL;
  _mockup_batch_start (batch);
  _mockup_batch_hand_over (batch);
  return g_steal_pointer (&batch);
}

static void
prepare_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  MockupBatch *batch = task_data;
  GError *error = NULL;

  if (!_mockup_batch_prepare (batch, cancellable, &error))
    g_task_return_error (task, error);
  else
    {
      _mockup_batch_start (batch);
      g_task_return_boolean (task, TRUE);
    }
}

static void
render_batch_async (MockupRenderer              *self,
                    MockupArtwork               *artwork,
                    GListModel                  *templates,
                    GHashTable                  *slot_artworks,
                    MockupRenderOptions * const *variants,
                    guint                        n_variants,
                    GCancellable                *cancellable,
                    GAsyncReadyCallback          callback,
                    gpointer                     user_data,
                    gpointer                     source_tag)
{
  g_autoptr(GTask) task = NULL;
  MockupBatch *batch;

  batch = _mockup_batch_new (self, artwork, templates, slot_artworks, variants, n_variants,
                             cancellable);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, batch, g_object_unref);
  g_task_run_in_thread (task, prepare_thread);
}

static MockupBatch *
render_batch_finish (GAsyncResult  *result,
                     GError       **error)
{
  MockupBatch *batch;

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  batch = g_task_get_task_data (G_TASK (result));
  _mockup_batch_hand_over (batch);
  return g_object_ref (batch);
}

/**
 * mockup_renderer_render_batch_async:
 * @self: a renderer
 * @artwork: (nullable): the artwork for every slot not in @slot_artworks
 * @templates: a list of [class@Mockup.Template]s, or of [iface@Gio.File]s
 *   naming template manifests (or a mix)
 * @slot_artworks: (nullable) (element-type utf8 Mockup.Artwork): artworks
 *   for named slots, such as the three frames of a gallery wall
 * @cancellable: (nullable): cancels the preparation and, later, the batch
 * @callback: (scope async): called when the batch has started
 * @user_data: (closure callback): data for @callback
 *
 * Starts rendering @artwork into every template of @templates.
 *
 * Preparing the batch loads the templates given as files (a manifest that
 * fails to load becomes that item's error result, it does not fail the
 * batch), decodes each artwork once at the largest size any template needs,
 * and waits for room in the memory budget. Then @callback gets the running
 * [class@Mockup.Batch], from which results come in template order while
 * later ones still render.
 *
 * The batch fails as a whole only if an artwork cannot be decoded or does
 * not fit in the memory budget.
 *
 * To render each template in several variants (colours, placements), use
 * [method@Mockup.Renderer.render_batch_full_async].
 */
void
mockup_renderer_render_batch_async (MockupRenderer      *self,
                                    MockupArtwork       *artwork,
                                    GListModel          *templates,
                                    GHashTable          *slot_artworks,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  g_return_if_fail (check_batch_arguments (artwork, templates, slot_artworks));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  render_batch_async (self, artwork, templates, slot_artworks, NULL, 0, cancellable,
                      callback, user_data, mockup_renderer_render_batch_async);
}

/**
 * mockup_renderer_render_batch_finish:
 * @self: a renderer
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Completes [method@Mockup.Renderer.render_batch_async].
 *
 * Returns: (transfer full): the running batch, or %NULL with @error set
 */
MockupBatch *
mockup_renderer_render_batch_finish (MockupRenderer  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mockup_renderer_render_batch_async, NULL);

  return render_batch_finish (result, error);
}

/**
 * mockup_renderer_render_batch_full_async:
 * @self: a renderer
 * @artwork: (nullable): the artwork for every slot not in @slot_artworks
 * @templates: a list of [class@Mockup.Template]s, or of [iface@Gio.File]s
 *   naming template manifests (or a mix)
 * @slot_artworks: (nullable) (element-type utf8 Mockup.Artwork): artworks
 *   for named slots
 * @variants: (array length=n_variants) (nullable): the choices of each
 *   variant, copied now; a %NULL element renders the template's defaults
 * @n_variants: the number of @variants; 0 renders each template once,
 *   with its defaults
 * @cancellable: (nullable): cancels the preparation and, later, the batch
 * @callback: (scope async): called when the batch has started
 * @user_data: (closure callback): data for @callback
 *
 * Like [method@Mockup.Renderer.render_batch_async], rendering every
 * template once for each of @variants: one shirt in eight colours, or a
 * logo placed on the chest and on the back.
 *
 * The batch's items are the templates times the variants, template by
 * template: template 0 in variant 0, 1, …, then template 1 in variant 0,
 * and so on. Results come in that order;
 * [property@Mockup.Result:index] is the item's position and
 * [property@Mockup.Result:variant] the variant's. A variant whose options
 * do not suit a template gives that item a result carrying
 * [error@Mockup.Error.INVALID_OPTION]; the others still render.
 */
void
mockup_renderer_render_batch_full_async (MockupRenderer              *self,
                                         MockupArtwork               *artwork,
                                         GListModel                  *templates,
                                         GHashTable                  *slot_artworks,
                                         MockupRenderOptions * const *variants,
                                         guint                        n_variants,
                                         GCancellable                *cancellable,
                                         GAsyncReadyCallback          callback,
                                         gpointer                     user_data)
{
  g_return_if_fail (MOCKUP_IS_RENDERER (self));
  g_return_if_fail (check_batch_arguments (artwork, templates, slot_artworks));
  g_return_if_fail (check_variants (variants, n_variants));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  render_batch_async (self, artwork, templates, slot_artworks, variants, n_variants,
                      cancellable, callback, user_data, mockup_renderer_render_batch_full_async);
}

/**
 * mockup_renderer_render_batch_full_finish:
 * @self: a renderer
 * @result: the result given to the callback
 * @error: return location for an error
 *
 * Completes [method@Mockup.Renderer.render_batch_full_async].
 *
 * Returns: (transfer full): the running batch, or %NULL with @error set
 */
MockupBatch *
mockup_renderer_render_batch_full_finish (MockupRenderer  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  g_return_val_if_fail (MOCKUP_IS_RENDERER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == mockup_renderer_render_batch_full_async, NULL);

  return render_batch_finish (result, error);
}
