/* mockup-render-options.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mockup-error.h"
#include "mockup-render-options-private.h"
#include "mockup-template-private.h"

/**
 * MockupRenderOptions:
 *
 * The choices one render makes within a template: values for the
 * template's parameters (the shirt's colour, the name on the mug) and
 * where each slot's artwork is placed instead of being fitted.
 *
 * Give options to [method@Mockup.Renderer.render_full], or one per
 * variant to [method@Mockup.Renderer.render_batch_full] to render one
 * template in several colours in one batch.
 *
 * ```c
 * g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
 *
 * mockup_render_options_set_parameter (options, "shirt", "navy");
 * mockup_render_options_set_placement (options, "artwork", 0.55, 0.1, 0.3, 0);
 * result = mockup_renderer_render_full (renderer, artwork, template, options,
 *                                       NULL, &error);
 * ```
 *
 * Options are checked against the template when a render starts: a
 * parameter the template lacks, a value its parameter refuses or a
 * placement that is not finite fail the render with
 * [error@Mockup.Error.INVALID_OPTION], naming the parameter or slot.
 *
 * The renderer copies the options when a render starts, so the caller may
 * change them right after. An options object is not locked: change it
 * from one thread at a time.
 */

struct _MockupRenderOptions
{
  GObject parent_instance;

  GHashTable *parameters;       /* name → value */
  GHashTable *placements;       /* slot → MockupPlacement */
};

G_DEFINE_FINAL_TYPE (MockupRenderOptions, mockup_render_options, G_TYPE_OBJECT)

static void
mockup_render_options_finalize (GObject *object)
{
  MockupRenderOptions *self = (MockupRenderOptions *) object;

  g_hash_table_unref (self->parameters);
  g_hash_table_unref (self->placements);

  G_OBJECT_CLASS (mockup_render_options_parent_class)->finalize (object);
}

static void
mockup_render_options_class_init (MockupRenderOptionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_render_options_finalize;
}

static void
mockup_render_options_init (MockupRenderOptions *self)
{
  self->parameters = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->placements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * mockup_render_options_new:
 *
 * Creates options that choose nothing: every parameter takes its default
 * and every slot is fitted.
 *
 * Returns: (transfer full): new options
 */
MockupRenderOptions *
mockup_render_options_new (void)
{
  return g_object_new (MOCKUP_TYPE_RENDER_OPTIONS, NULL);
}

/**
 * mockup_render_options_copy:
 * @self: options
 *
 * Copies @self, for example to make variants that differ in one
 * parameter.
 *
 * Returns: (transfer full): a copy
 */
MockupRenderOptions *
mockup_render_options_copy (MockupRenderOptions *self)
{
  MockupRenderOptions *copy;
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (MOCKUP_IS_RENDER_OPTIONS (self), NULL);

  copy = mockup_render_options_new ();
  g_hash_table_iter_init (&iter, self->parameters);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->parameters, g_strdup (key), g_strdup (value));
  g_hash_table_iter_init (&iter, self->placements);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy->placements, g_strdup (key),
                         g_memdup2 (value, sizeof (MockupPlacement)));
  return copy;
}

/**
 * mockup_render_options_set_parameter:
 * @self: options
 * @name: the name of one of the template's parameters
 * @value: (nullable): its value, or %NULL to use the template's default
 *
 * Sets a value for a template parameter (see [class@Mockup.Parameter]),
 * as a string whatever the parameter's type: a colour as `#rrggbb`,
 * `#rgb` or the name of one of the parameter's choices (`navy`); a number
 * as `0.5`; a boolean as `true` or `false`; text as any UTF-8.
 *
 * The value is checked when a render starts, against the template it
 * renders.
 */
void
mockup_render_options_set_parameter (MockupRenderOptions *self,
                                     const char          *name,
                                     const char          *value)
{
  g_return_if_fail (MOCKUP_IS_RENDER_OPTIONS (self));
  g_return_if_fail (name != NULL);

  if (value == NULL)
    g_hash_table_remove (self->parameters, name);
  else
    g_hash_table_insert (self->parameters, g_strdup (name), g_strdup (value));
}

/**
 * mockup_render_options_get_parameter:
 * @self: options
 * @name: a parameter's name
 *
 * Gets the value set for a parameter.
 *
 * Returns: (nullable): the value, or %NULL if none is set
 */
const char *
mockup_render_options_get_parameter (MockupRenderOptions *self,
                                     const char          *name)
{
  g_return_val_if_fail (MOCKUP_IS_RENDER_OPTIONS (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->parameters, name);
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char **
dup_sorted_keys (GHashTable *table)
{
  char **keys = (char **) g_hash_table_get_keys_as_array (table, NULL);
  char **copy;

  g_qsort_with_data (keys, g_strv_length (keys), sizeof (char *),
                     compare_names, NULL);
  copy = g_strdupv (keys);
  g_free (keys);
  return copy;
}

/**
 * mockup_render_options_dup_parameter_names:
 * @self: options
 *
 * The names of the parameters that have a value set.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names, sorted
 */
char **
mockup_render_options_dup_parameter_names (MockupRenderOptions *self)
{
  g_return_val_if_fail (MOCKUP_IS_RENDER_OPTIONS (self), NULL);
  return dup_sorted_keys (self->parameters);
}

/**
 * mockup_render_options_set_placement:
 * @self: options
 * @slot: an artwork slot's name, as [method@Mockup.Template.dup_slots]
 *   gives it (`artwork` for a template's only slot)
 * @left: the artwork's left edge, as a fraction of the print area's width
 * @top: the artwork's top edge, as a fraction of the print area's height
 * @width: the artwork's width, as a fraction of the print area's width;
 *   its height follows from the artwork's aspect
 * @degrees: a clockwise rotation about the artwork's centre
 *
 * Places the artwork of @slot at a position in the slot's print area,
 * instead of fitting it as the template says. Whatever falls outside the
 * print area is clipped.
 *
 * A @width that is not positive, or a value that is not finite, fails the
 * render with [error@Mockup.Error.INVALID_OPTION]. A placement for a slot
 * that the rendered template lacks is ignored, so that one set of options
 * serves a batch of templates.
 */
void
mockup_render_options_set_placement (MockupRenderOptions *self,
                                     const char          *slot,
                                     double               left,
                                     double               top,
                                     double               width,
                                     double               degrees)
{
  MockupPlacement *placement;

  g_return_if_fail (MOCKUP_IS_RENDER_OPTIONS (self));
  g_return_if_fail (slot != NULL);

  placement = g_new (MockupPlacement, 1);
  placement->left = left;
  placement->top = top;
  placement->width = width;
  placement->degrees = degrees;
  g_hash_table_insert (self->placements, g_strdup (slot), placement);
}

/**
 * mockup_render_options_get_placement:
 * @self: options
 * @slot: an artwork slot's name
 * @left: (out) (optional): the left edge
 * @top: (out) (optional): the top edge
 * @width: (out) (optional): the width
 * @degrees: (out) (optional): the rotation
 *
 * Gets the placement set for @slot with
 * [method@Mockup.RenderOptions.set_placement].
 *
 * Returns: %TRUE if @slot is placed, %FALSE if it is fitted
 */
gboolean
mockup_render_options_get_placement (MockupRenderOptions *self,
                                     const char          *slot,
                                     double              *left,
                                     double              *top,
                                     double              *width,
                                     double              *degrees)
{
  const MockupPlacement *placement;

  g_return_val_if_fail (MOCKUP_IS_RENDER_OPTIONS (self), FALSE);
  g_return_val_if_fail (slot != NULL, FALSE);

  placement = g_hash_table_lookup (self->placements, slot);
  if (placement == NULL)
    return FALSE;
  if (left != NULL)
    *left = placement->left;
  if (top != NULL)
    *top = placement->top;
  if (width != NULL)
    *width = placement->width;
  if (degrees != NULL)
    *degrees = placement->degrees;
  return TRUE;
}

/**
 * mockup_render_options_clear_placement:
 * @self: options
 * @slot: an artwork slot's name
 *
 * Fits the artwork of @slot again, as the template says.
 */
void
mockup_render_options_clear_placement (MockupRenderOptions *self,
                                       const char          *slot)
{
  g_return_if_fail (MOCKUP_IS_RENDER_OPTIONS (self));
  g_return_if_fail (slot != NULL);

  g_hash_table_remove (self->placements, slot);
}

/**
 * mockup_render_options_dup_placement_slots:
 * @self: options
 *
 * The slots that have a placement.
 *
 * Returns: (transfer full) (array zero-terminated=1): the slot names,
 *   sorted
 */
char **
mockup_render_options_dup_placement_slots (MockupRenderOptions *self)
{
  g_return_val_if_fail (MOCKUP_IS_RENDER_OPTIONS (self), NULL);
  return dup_sorted_keys (self->placements);
}

const MockupPlacement *
mockup_render_options_lookup_placement (MockupRenderOptions *self,
                                        const char          *slot)
{
  if (self == NULL)
    return NULL;
  return g_hash_table_lookup (self->placements, slot);
}

const char *
mockup_render_options_lookup_parameter (MockupRenderOptions *self,
                                        const char          *name)
{
  if (self == NULL)
    return NULL;
  return g_hash_table_lookup (self->parameters, name);
}

gboolean
mockup_render_options_validate (MockupRenderOptions *self,
                                MockupTemplate      *template,
                                GError             **error)
{
  g_autofree char **names = NULL;

  if (self == NULL)
    return TRUE;

  names = (char **) g_hash_table_get_keys_as_array (self->parameters, NULL);
  g_qsort_with_data (names, g_strv_length (names), sizeof (char *),
                     compare_names, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      MockupParameter *parameter = mockup_template_get_parameter (template, names[i]);
      g_autoptr(GError) local_error = NULL;
      MockupParameterValue value;

      if (parameter == NULL)
        {
          g_auto(GStrv) known = mockup_template_dup_parameter_names (template);
          g_autofree char *list = g_strjoinv (", ", known);
          g_autofree char *quoted = mockup_quote_for_message (names[i]);

          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "%s: parameter %s: the template has no such parameter%s%s%s",
                       _mockup_template_get_label (template), quoted,
                       known[0] != NULL ? " (it has " : "", list, known[0] != NULL ? ")" : "");
          return FALSE;
        }
      if (!_mockup_parameter_parse (parameter, g_hash_table_lookup (self->parameters, names[i]),
                                    &value, &local_error))
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "%s: parameter \"%s\": %s", _mockup_template_get_label (template),
                       names[i], local_error->message);
          return FALSE;
        }
      mockup_parameter_value_clear (&value);
    }

  g_clear_pointer (&names, g_free);
  names = (char **) g_hash_table_get_keys_as_array (self->placements, NULL);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const MockupPlacement *p = g_hash_table_lookup (self->placements, names[i]);
      g_autofree char *quoted = mockup_quote_for_message (names[i]);

      if (!isfinite (p->left) || !isfinite (p->top) || !isfinite (p->width) ||
          !isfinite (p->degrees))
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "%s: placement of slot %s: left, top, width and degrees must be finite",
                       _mockup_template_get_label (template), quoted);
          return FALSE;
        }
      if (p->width <= 0)
        {
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION,
                       "%s: placement of slot %s: width must be positive, got %g",
                       _mockup_template_get_label (template), quoted, p->width);
          return FALSE;
        }
    }
  return TRUE;
}
