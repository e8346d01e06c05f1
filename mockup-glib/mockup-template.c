/* mockup-template.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mockup-error.h"
#include "mockup-manifest-private.h"
#include "mockup-render-options-private.h"
#include "mockup-template-private.h"

/**
 * MockupTemplate:
 *
 * One mockup template: a canvas size and an ordered stack of layers, read
 * from a JSON manifest and checked through.
 *
 * A template is loaded with [ctor@Mockup.Template.new_from_file], which
 * also checks that every image it names exists inside the template's folder
 * and can be read, so that a bad template fails here, with an error naming
 * the file and the member, rather than halfway through a render. The images
 * themselves are decoded during each render, band by band.
 *
 * Templates are immutable once loaded and safe to share between threads
 * and between any number of concurrent renders.
 *
 * The manifest format is described in the [Template format](template-format.html)
 * guide.
 */

struct _MockupTemplate
{
  GObject parent_instance;

  char *path;
  char *label;
  MockupTemplateData data;
  char **slots;
  GArray *files;          /* MockupTemplateFile, borrowed from the layers */
};

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_PATH,
  PROP_N_LAYERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MockupTemplate, mockup_template, G_TYPE_OBJECT)

static void
mockup_template_finalize (GObject *object)
{
  MockupTemplate *self = (MockupTemplate *) object;

  g_free (self->path);
  g_free (self->label);
  g_strfreev (self->slots);
  g_clear_pointer (&self->files, g_array_unref);
  mockup_template_data_clear (&self->data);

  G_OBJECT_CLASS (mockup_template_parent_class)->finalize (object);
}

static void
mockup_template_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  MockupTemplate *self = MOCKUP_TEMPLATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->data.id);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->data.name);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->data.width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->data.height);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_N_LAYERS:
      g_value_set_uint (value, self->data.layers->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_template_class_init (MockupTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_template_finalize;
  object_class->get_property = mockup_template_get_property;

  /**
   * MockupTemplate:id: (getter get_id)
   *
   * The template's identifier: the manifest's `id`, or the name of its
   * folder (for `template.json`) or of its file (for any other name).
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupTemplate:name: (getter get_name)
   *
   * The human-readable name: the manifest's `name`, or the id.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupTemplate:width: (getter get_width)
   *
   * The canvas width in pixels, which renders are scaled from.
   */
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupTemplate:height: (getter get_height)
   *
   * The canvas height in pixels.
   */
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupTemplate:path: (getter get_path)
   *
   * The manifest file the template was loaded from, or %NULL for one
   * loaded from data.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupTemplate:n-layers: (getter get_n_layers)
   *
   * How many layers the template stacks.
   */
  properties[PROP_N_LAYERS] =
    g_param_spec_uint ("n-layers", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mockup_template_init (MockupTemplate *self)
{
}

static void
add_file (GArray               *files,
          const MockupImageRef *ref)
{
  if (ref == NULL)
    return;
  /* The same image may be named twice: keep its first, earliest stamp. */
  for (guint i = 0; i < files->len; i++)
    if (g_str_equal (g_array_index (files, MockupTemplateFile, i).path, ref->file.path))
      return;
  g_array_append_val (files, ref->file);
}

static MockupTemplate *
template_new_from_node (JsonNode    *root,
                        const char  *path,
                        const char  *label,
                        const char  *base_dir,
                        const char  *default_id,
                        GError     **error)
{
  g_autoptr(MockupTemplate) self = g_object_new (MOCKUP_TYPE_TEMPLATE, NULL);
  g_autoptr(GPtrArray) slots = g_ptr_array_new ();

  if (!mockup_template_parse (root, label, base_dir, default_id, &self->data, error))
    return NULL;

  self->path = g_strdup (path);
  self->label = g_strdup (label);
  self->files = g_array_new (FALSE, FALSE, sizeof (MockupTemplateFile));

  for (guint i = 0; i < self->data.layers->len; i++)
    {
      const MockupLayer *layer = g_ptr_array_index (self->data.layers, i);
      gboolean seen = FALSE;

      add_file (self->files, layer->source);
      add_file (self->files, layer->mask);
      add_file (self->files, layer->shading);
      add_file (self->files, layer->displacement);

      if (layer->kind != MOCKUP_LAYER_ARTWORK)
        continue;
      for (guint j = 0; j < slots->len && !seen; j++)
        seen = g_str_equal (g_ptr_array_index (slots, j), layer->slot);
      if (!seen)
        g_ptr_array_add (slots, g_strdup (layer->slot));
    }
  g_ptr_array_add (slots, NULL);
  self->slots = (char **) g_ptr_array_steal (slots, NULL);

  return g_steal_pointer (&self);
}

/**
 * mockup_template_new_from_file:
 * @path: (type filename): a template manifest, such as
 *   `templates/poster/template.json`
 * @error: return location for a [error@Mockup.Error]
 *
 * Loads and checks a template manifest. Relative paths in it are resolved
 * against the manifest's folder, and none may lead outside it.
 *
 * The manifest must be a regular file of at most 4 MiB; a folder, a FIFO
 * or a device is refused without being read, and a larger file without
 * being read through.
 *
 * Errors name the file, the JSON member and the problem, as in
 * `poster/template.json: layers[1].quad: expected 4 points (…), got 3`.
 * One error reports every problem found, one a line, the root's members
 * first and then layer by layer (at most 20, then a count of the rest);
 * its code is the first problem's.
 *
 * The manifest's arrays and objects may nest at most 64 levels deep,
 * which is checked before the JSON is parsed.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
MockupTemplate *
mockup_template_new_from_file (const char  *path,
                               GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *absolute = NULL;
  g_autofree char *base_dir = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *default_id = NULL;
  g_autofree char *label = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  label = g_filename_display_name (path);

  contents = mockup_manifest_read (path, label, &length, error);
  if (contents == NULL)
    return NULL;

  root = mockup_manifest_parse (contents, (gssize) length, label, error);
  if (root == NULL)
    return NULL;

  absolute = g_canonicalize_filename (path, NULL);
  base_dir = g_path_get_dirname (absolute);
  basename = g_path_get_basename (absolute);
  if (g_str_equal (basename, "template.json"))
    default_id = g_path_get_basename (base_dir);
  else if (g_str_has_suffix (basename, ".json"))
    default_id = g_strndup (basename, strlen (basename) - strlen (".json"));
  else
    default_id = g_strdup (basename);

  /* A default id must itself be a valid id. */
  g_strcanon (default_id, G_CSET_a_2_z G_CSET_A_2_Z G_CSET_DIGITS "-_.", '_');

  return template_new_from_node (root, absolute, label, base_dir, default_id, error);
}

/**
 * mockup_template_new_from_data:
 * @data: (array length=length) (element-type guint8): a template manifest,
 *   UTF-8 JSON
 * @length: the length of @data in bytes, or -1 if it is nul-terminated
 * @base_dir: (type filename) (nullable): the folder that the manifest's
 *   relative paths start from, or %NULL if it names no files
 * @error: return location for a [error@Mockup.Error]
 *
 * Loads and checks a template manifest held in memory, as
 * [ctor@Mockup.Template.new_from_file] does. Errors name the file as
 * `template data`.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
MockupTemplate *
mockup_template_new_from_data (const char  *data,
                               gssize       length,
                               const char  *base_dir,
                               GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *absolute_dir = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = mockup_manifest_parse (data, length, "template data", error);
  if (root == NULL)
    return NULL;

  if (base_dir != NULL)
    absolute_dir = g_canonicalize_filename (base_dir, NULL);

  return template_new_from_node (root, NULL, "template data", absolute_dir, "template", error);
}

/**
 * mockup_template_get_id: (get-property id)
 * @self: a template
 *
 * Gets [property@Mockup.Template:id].
 *
 * Returns: the template's identifier
 */
const char *
mockup_template_get_id (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  return self->data.id;
}

/**
 * mockup_template_get_name: (get-property name)
 * @self: a template
 *
 * Gets [property@Mockup.Template:name].
 *
 * Returns: the template's human-readable name
 */
const char *
mockup_template_get_name (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  return self->data.name;
}

/**
 * mockup_template_get_width: (get-property width)
 * @self: a template
 *
 * Gets [property@Mockup.Template:width].
 *
 * Returns: the canvas width in pixels
 */
int
mockup_template_get_width (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), 0);
  return self->data.width;
}

/**
 * mockup_template_get_height: (get-property height)
 * @self: a template
 *
 * Gets [property@Mockup.Template:height].
 *
 * Returns: the canvas height in pixels
 */
int
mockup_template_get_height (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), 0);
  return self->data.height;
}

/**
 * mockup_template_get_path: (get-property path)
 * @self: a template
 *
 * Gets [property@Mockup.Template:path].
 *
 * Returns: (type filename) (nullable): the manifest's absolute path, or
 *   %NULL for a template loaded from data
 */
const char *
mockup_template_get_path (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  return self->path;
}

/**
 * mockup_template_get_n_layers: (get-property n-layers)
 * @self: a template
 *
 * Gets [property@Mockup.Template:n-layers].
 *
 * Returns: the number of layers
 */
guint
mockup_template_get_n_layers (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), 0);
  return self->data.layers->len;
}

/**
 * mockup_template_dup_slots:
 * @self: a template
 *
 * The names of the template's artwork slots, in layer order, each once.
 * A template made for one artwork has one slot, usually `artwork`; a
 * gallery wall may have `left`, `middle` and `right`. See
 * [method@Mockup.Renderer.render_batch_async] for filling slots with
 * different artworks.
 *
 * Returns: (transfer full) (array zero-terminated=1): the slot names
 */
char **
mockup_template_dup_slots (MockupTemplate *self)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  return g_strdupv (self->slots);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/**
 * mockup_template_find_in_folder:
 * @folder: (type filename): a folder of templates, or a template's own folder
 * @error: return location for a [error@Mockup.Error]
 *
 * Finds the template manifests a folder holds: its own `template.json` if
 * it has one; otherwise each sub-folder's `template.json` and every other
 * `*.json` file directly inside it (JSON Schema files, `*.schema.json`,
 * excepted). The result is sorted, so that batches over a folder always
 * render in the same order.
 *
 * Nothing is parsed: pass the paths to [ctor@Mockup.Template.new_from_file],
 * or as [iface@Gio.File]s to [method@Mockup.Renderer.render_batch_async],
 * which reports a bad manifest as that item's error.
 *
 * Returns: (transfer full) (array zero-terminated=1) (element-type filename):
 *   the manifest paths, possibly none
 */
char **
mockup_template_find_in_folder (const char  *folder,
                                GError     **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *own = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;

  g_return_val_if_fail (folder != NULL, NULL);

  own = g_build_filename (folder, "template.json", NULL);
  if (g_file_test (own, G_FILE_TEST_IS_REGULAR))
    {
      g_ptr_array_add (paths, g_steal_pointer (&own));
      g_ptr_array_add (paths, NULL);
      return (char **) g_ptr_array_steal (paths, NULL);
    }

  dir = g_dir_open (folder, 0, &local_error);
  if (dir == NULL)
    {
      g_autofree char *label = g_filename_display_name (folder);

      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                   "%s: %s", label, local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);

      if (name[0] == '.')
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          g_autofree char *manifest = g_build_filename (path, "template.json", NULL);

          if (g_file_test (manifest, G_FILE_TEST_IS_REGULAR))
            g_ptr_array_add (paths, g_steal_pointer (&manifest));
        }
      else if (g_str_has_suffix (name, ".json") && !g_str_has_suffix (name, ".schema.json"))
        g_ptr_array_add (paths, g_steal_pointer (&path));
    }

  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);
  return (char **) g_ptr_array_steal (paths, NULL);
}

const char *
_mockup_template_get_label (MockupTemplate *self)
{
  return self->label;
}

guint
_mockup_template_get_n_layers (MockupTemplate *self)
{
  return self->data.layers->len;
}

const MockupLayer *
_mockup_template_get_layer (MockupTemplate *self,
                            guint           index)
{
  return g_ptr_array_index (self->data.layers, index);
}

const double *
_mockup_template_get_background (MockupTemplate *self)
{
  return self->data.background;
}

gboolean
mockup_template_file_stamp (MockupTemplateFile *file,
                            const char         *path)
{
  GStatBuf info;

  if (g_stat (path, &info) != 0)
    return FALSE;
  g_free (file->path);
  file->path = g_strdup (path);
  file->mtime_ns = (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec;
  file->ctime_ns = (gint64) info.st_ctim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_ctim.tv_nsec;
  file->size = info.st_size;
  file->inode = info.st_ino;
  file->device = info.st_dev;
  return TRUE;
}

void
mockup_template_file_clear (MockupTemplateFile *file)
{
  g_clear_pointer (&file->path, g_free);
}

/*
 * _mockup_template_get_files:
 * @n_files: (out): the number of files
 *
 * The image files @self reads when it renders, each once, stamped as they
 * were just before loading checked them. The array belongs to @self.
 */
const MockupTemplateFile *
_mockup_template_get_files (MockupTemplate *self,
                            guint          *n_files)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (n_files != NULL, NULL);

  *n_files = self->files->len;
  return (const MockupTemplateFile *) (gpointer) self->files->data;
}

/* Whether @file is still what it was when stamped; a file that is gone or
 * cannot be looked at has changed. */
gboolean
_mockup_template_file_is_unchanged (const MockupTemplateFile *file)
{
  MockupTemplateFile now = { NULL, };
  gboolean unchanged;

  g_return_val_if_fail (file != NULL && file->path != NULL, FALSE);

  if (!mockup_template_file_stamp (&now, file->path))
    return FALSE;
  unchanged = now.mtime_ns == file->mtime_ns && now.ctime_ns == file->ctime_ns &&
              now.size == file->size && now.inode == file->inode && now.device == file->device;
  mockup_template_file_clear (&now);
  return unchanged;
}

/**
 * mockup_template_dup_parameter_names:
 * @self: a template
 *
 * The names of the template's parameters, in the manifest's order: the
 * choices it leaves to render time, such as a shirt's colour. See
 * [class@Mockup.Parameter] and [class@Mockup.RenderOptions].
 *
 * Returns: (transfer full) (array zero-terminated=1): the names; empty
 *   when the template has no parameters
 */
char **
mockup_template_dup_parameter_names (MockupTemplate *self)
{
  char **names;

  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);

  names = g_new0 (char *, self->data.parameters->len + 1);
  for (guint i = 0; i < self->data.parameters->len; i++)
    names[i] = g_strdup (mockup_parameter_get_name (self->data.parameters->pdata[i]));
  return names;
}

/**
 * mockup_template_get_parameter:
 * @self: a template
 * @name: a parameter's name
 *
 * Gets one of the template's parameters.
 *
 * Returns: (transfer none) (nullable): the parameter, or %NULL if the
 *   template has none of that name
 */
MockupParameter *
mockup_template_get_parameter (MockupTemplate *self,
                               const char     *name)
{
  g_return_val_if_fail (MOCKUP_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->data.parameters->len; i++)
    if (g_str_equal (mockup_parameter_get_name (self->data.parameters->pdata[i]), name))
      return self->data.parameters->pdata[i];
  return NULL;
}

void
mockup_resolved_values_free (MockupResolvedValues *values)
{
  if (values == NULL)
    return;
  for (guint i = 0; i < values->n_parameters; i++)
    mockup_parameter_value_clear (&values->values[i]);
  g_free (values->values);
  g_free (values->parameters);
  g_free (values->layers);
  g_free (values);
}

const MockupParameterValue *
mockup_resolved_values_lookup (const MockupResolvedValues *values,
                               const char                 *name)
{
  for (guint i = 0; i < values->n_parameters; i++)
    if (g_str_equal (mockup_parameter_get_name (values->parameters[i]), name))
      return &values->values[i];
  return NULL;
}

MockupResolvedValues *
mockup_template_resolve (MockupTemplate       *self,
                         MockupRenderOptions  *options,
                         GError              **error)
{
  g_autoptr(MockupResolvedValues) values = g_new0 (MockupResolvedValues, 1);

  if (!mockup_render_options_validate (options, self, error))
    return NULL;

  values->n_parameters = self->data.parameters->len;
  values->parameters = g_new0 (MockupParameter *, values->n_parameters);
  values->values = g_new0 (MockupParameterValue, values->n_parameters);
  for (guint i = 0; i < values->n_parameters; i++)
    {
      MockupParameter *parameter = self->data.parameters->pdata[i];
      const char *given = mockup_render_options_lookup_parameter (options,
                                                                  mockup_parameter_get_name (parameter));

      values->parameters[i] = parameter;
      if (given == NULL || !_mockup_parameter_parse (parameter, given, &values->values[i], NULL))
        {
          const MockupParameterValue *fallback = _mockup_parameter_get_default (parameter);

          values->values[i] = *fallback;
          values->values[i].text = g_strdup (fallback->text);
        }
    }

  values->n_layers = self->data.layers->len;
  values->layers = g_new0 (MockupLayerValues, values->n_layers);
  for (guint i = 0; i < values->n_layers; i++)
    {
      const MockupLayer *layer = self->data.layers->pdata[i];
      MockupLayerValues *out = &values->layers[i];
      const MockupParameterValue *value;

      out->visible = layer->visible;
      out->opacity = layer->opacity;
      memcpy (out->color, layer->color, sizeof out->color);

      /* the parser checked that each reference names a parameter of the
       * right type */
      if (layer->visible_parameter != NULL &&
          (value = mockup_resolved_values_lookup (values, layer->visible_parameter)) != NULL)
        out->visible = value->boolean;
      if (layer->opacity_parameter != NULL &&
          (value = mockup_resolved_values_lookup (values, layer->opacity_parameter)) != NULL)
        out->opacity = CLAMP (value->number, 0.0, 1.0);
      if (layer->color_parameter != NULL &&
          (value = mockup_resolved_values_lookup (values, layer->color_parameter)) != NULL)
        memcpy (out->color, value->color, sizeof out->color);
    }

  return g_steal_pointer (&values);
}
