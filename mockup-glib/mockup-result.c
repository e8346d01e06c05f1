/* mockup-result.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>

#include "mockup-enums.h"
#include "mockup-error.h"
#include "mockup-result-private.h"

/**
 * MockupResult:
 *
 * One rendered mockup, or the reason it could not be rendered.
 *
 * A result holds the encoded image ([method@Mockup.Result.get_bytes]), or
 * for [enum@Mockup.Format.PIXBUF] the image itself
 * ([method@Mockup.Result.get_pixbuf]), with its size, the template it came
 * from, and what it cost: the time it waited for its turn and for memory,
 * the time it took, and the process's resident memory when it was done.
 *
 * In a batch, a template that fails gives a result that carries its error
 * ([method@Mockup.Result.get_error]) and no image; the other templates still
 * render.
 *
 * Results are immutable and safe to pass between threads.
 */

struct _MockupResult
{
  GObject parent_instance;

  guint index;
  guint variant;
  char *template_id;
  char *template_name;
  MockupFormat format;
  int width;
  int height;
  GBytes *bytes;
  GError *error;

  guint64 wait_time;
  guint64 render_time;
  guint64 resident_memory;

  GMutex lock;
  GdkPixbuf *pixbuf;      /* decoded on demand from bytes */
};

enum {
  PROP_0,
  PROP_INDEX,
  PROP_VARIANT,
  PROP_TEMPLATE_ID,
  PROP_TEMPLATE_NAME,
  PROP_FORMAT,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_BYTES,
  PROP_WAIT_TIME,
  PROP_RENDER_TIME,
  PROP_RESIDENT_MEMORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MockupResult, mockup_result, G_TYPE_OBJECT)

static void
mockup_result_finalize (GObject *object)
{
  MockupResult *self = (MockupResult *) object;

  g_free (self->template_id);
  g_free (self->template_name);
  g_clear_pointer (&self->bytes, g_bytes_unref);
  g_clear_error (&self->error);
  g_clear_object (&self->pixbuf);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mockup_result_parent_class)->finalize (object);
}

static void
mockup_result_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MockupResult *self = MOCKUP_RESULT (object);

  switch (prop_id)
    {
    case PROP_INDEX:
      g_value_set_uint (value, self->index);
      break;
    case PROP_VARIANT:
      g_value_set_uint (value, self->variant);
      break;
    case PROP_TEMPLATE_ID:
      g_value_set_string (value, self->template_id);
      break;
    case PROP_TEMPLATE_NAME:
      g_value_set_string (value, self->template_name);
      break;
    case PROP_FORMAT:
      g_value_set_enum (value, self->format);
      break;
    case PROP_WIDTH:
      g_value_set_int (value, self->width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->height);
      break;
    case PROP_BYTES:
      g_value_set_boxed (value, self->bytes);
      break;
    case PROP_WAIT_TIME:
      g_value_set_uint64 (value, self->wait_time);
      break;
    case PROP_RENDER_TIME:
      g_value_set_uint64 (value, self->render_time);
      break;
    case PROP_RESIDENT_MEMORY:
      g_value_set_uint64 (value, self->resident_memory);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_result_class_init (MockupResultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_result_finalize;
  object_class->get_property = mockup_result_get_property;

  /**
   * MockupResult:index: (getter get_index)
   *
   * The position of the result in its batch, from 0; 0 for a single
   * render. In a batch of variants, template t in variant v is at
   * t × the number of variants + v.
   */
  properties[PROP_INDEX] =
    g_param_spec_uint ("index", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:variant: (getter get_variant)
   *
   * Which of the variants given to
   * [method@Mockup.Renderer.render_batch_full] this result renders, from
   * 0; 0 when the batch or render had none.
   */
  properties[PROP_VARIANT] =
    g_param_spec_uint ("variant", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:template-id: (getter get_template_id)
   *
   * The id of the template rendered; for a manifest that could not be
   * loaded, the id its file name gives.
   */
  properties[PROP_TEMPLATE_ID] =
    g_param_spec_string ("template-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:template-name: (getter get_template_name)
   *
   * The human-readable name of the template rendered.
   */
  properties[PROP_TEMPLATE_NAME] =
    g_param_spec_string ("template-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:format: (getter get_format)
   *
   * The format the image was produced in.
   */
  properties[PROP_FORMAT] =
    g_param_spec_enum ("format", NULL, NULL, MOCKUP_TYPE_FORMAT, MOCKUP_FORMAT_JPEG,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:width: (getter get_width)
   *
   * The image's width in pixels; 0 for a failed render.
   */
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:height: (getter get_height)
   *
   * The image's height in pixels; 0 for a failed render.
   */
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:bytes: (getter get_bytes)
   *
   * The encoded image itself, the contents of the file
   * [method@Mockup.Result.save] writes, or %NULL for pixbuf output and
   * failed renders.
   *
   * It is the data, not a count: its size in bytes is
   * [method@GLib.Bytes.get_size] (`len()` of its data in Python). The
   * `bytes` member of `mockup-render`'s result lines is that size.
   */
  properties[PROP_BYTES] =
    g_param_spec_boxed ("bytes", NULL, NULL, G_TYPE_BYTES,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:wait-time: (getter get_wait_time)
   *
   * Microseconds between the request and the start of the render: the
   * time spent waiting for a worker and for room in the memory budget.
   */
  properties[PROP_WAIT_TIME] =
    g_param_spec_uint64 ("wait-time", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:render-time: (getter get_render_time)
   *
   * Microseconds the render took, decoding and encoding included.
   */
  properties[PROP_RENDER_TIME] =
    g_param_spec_uint64 ("render-time", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupResult:resident-memory: (getter get_resident_memory)
   *
   * The process's resident memory in bytes when the render finished, as
   * [func@Mockup.get_resident_memory] gives it.
   */
  properties[PROP_RESIDENT_MEMORY] =
    g_param_spec_uint64 ("resident-memory", NULL, NULL, 0, G_MAXUINT64, 0,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mockup_result_init (MockupResult *self)
{
  g_mutex_init (&self->lock);
}

MockupResult *
_mockup_result_new (guint         index,
                    const char   *template_id,
                    const char   *template_name,
                    MockupFormat  format,
                    int           width,
                    int           height,
                    GBytes       *bytes,
                    GdkPixbuf    *pixbuf)
{
  MockupResult *self = g_object_new (MOCKUP_TYPE_RESULT, NULL);

  self->index = index;
  self->template_id = g_strdup (template_id);
  self->template_name = g_strdup (template_name);
  self->format = format;
  self->width = width;
  self->height = height;
  self->bytes = bytes != NULL ? g_bytes_ref (bytes) : NULL;
  self->pixbuf = pixbuf != NULL ? g_object_ref (pixbuf) : NULL;
  return self;
}

MockupResult *
_mockup_result_new_for_error (guint         index,
                              const char   *template_id,
                              const char   *template_name,
                              MockupFormat  format,
                              const GError *error)
{
  MockupResult *self = _mockup_result_new (index, template_id, template_name, format,
                                           0, 0, NULL, NULL);

  self->error = g_error_copy (error);
  return self;
}

void
_mockup_result_set_variant (MockupResult *self,
                            guint         variant)
{
  self->variant = variant;
}

void
_mockup_result_set_timing (MockupResult *self,
                           guint64       wait_time,
                           guint64       render_time,
                           guint64       resident_memory)
{
  self->wait_time = wait_time;
  self->render_time = render_time;
  self->resident_memory = resident_memory;
}

/**
 * mockup_result_get_index: (get-property index)
 * @self: a result
 *
 * Gets [property@Mockup.Result:index].
 *
 * Returns: the template's position in its batch
 */
guint
mockup_result_get_index (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->index;
}

/**
 * mockup_result_get_variant: (get-property variant)
 * @self: a result
 *
 * Gets [property@Mockup.Result:variant].
 *
 * Returns: the index of the result's variant, or 0
 */
guint
mockup_result_get_variant (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->variant;
}

/**
 * mockup_result_get_template_id: (get-property template-id)
 * @self: a result
 *
 * Gets [property@Mockup.Result:template-id].
 *
 * Returns: the id of the template rendered
 */
const char *
mockup_result_get_template_id (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), NULL);
  return self->template_id;
}

/**
 * mockup_result_get_template_name: (get-property template-name)
 * @self: a result
 *
 * Gets [property@Mockup.Result:template-name].
 *
 * Returns: the name of the template rendered
 */
const char *
mockup_result_get_template_name (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), NULL);
  return self->template_name;
}

/**
 * mockup_result_get_width: (get-property width)
 * @self: a result
 *
 * Gets [property@Mockup.Result:width].
 *
 * Returns: the image's width in pixels, 0 if the render failed
 */
int
mockup_result_get_width (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->width;
}

/**
 * mockup_result_get_height: (get-property height)
 * @self: a result
 *
 * Gets [property@Mockup.Result:height].
 *
 * Returns: the image's height in pixels, 0 if the render failed
 */
int
mockup_result_get_height (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->height;
}

/**
 * mockup_result_get_format: (get-property format)
 * @self: a result
 *
 * Gets [property@Mockup.Result:format].
 *
 * Returns: the format of the image
 */
MockupFormat
mockup_result_get_format (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), MOCKUP_FORMAT_JPEG);
  return self->format;
}

/**
 * mockup_result_get_bytes: (get-property bytes)
 * @self: a result
 *
 * The encoded image, ready to be sent or stored, in the result's
 * [property@Mockup.Result:format]: the data itself, whose size is
 * [method@GLib.Bytes.get_size] (what `mockup-render` reports as `bytes`).
 *
 * Gets [property@Mockup.Result:bytes].
 *
 * Returns: (transfer none) (nullable): the encoded image, or %NULL for
 *   [enum@Mockup.Format.PIXBUF] and for a failed render
 */
GBytes *
mockup_result_get_bytes (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), NULL);
  return self->bytes;
}

/**
 * mockup_result_get_pixbuf:
 * @self: a result
 *
 * The image as a pixbuf. For [enum@Mockup.Format.PIXBUF] this is the
 * rendered image itself; for an encoded format it is decoded from
 * [method@Mockup.Result.get_bytes] on the first call and kept.
 *
 * Returns: (transfer none) (nullable): the image, or %NULL for a failed
 *   render
 */
GdkPixbuf *
mockup_result_get_pixbuf (MockupResult *self)
{
  g_autoptr(GMutexLocker) locker = NULL;

  g_return_val_if_fail (MOCKUP_IS_RESULT (self), NULL);

  locker = g_mutex_locker_new (&self->lock);

  if (self->pixbuf == NULL && self->bytes != NULL)
    {
      g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
      g_autoptr(GError) error = NULL;

      if (gdk_pixbuf_loader_write_bytes (loader, self->bytes, &error) &&
          gdk_pixbuf_loader_close (loader, &error))
        self->pixbuf = g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));
      else
        g_warning ("Cannot decode the %s result of template %s: %s",
                   mockup_format_get_extension (self->format), self->template_id, error->message);
    }

  return self->pixbuf;
}

/**
 * mockup_result_get_error:
 * @self: a result
 *
 * Why the template could not be rendered.
 *
 * Returns: (transfer none) (nullable): the error, or %NULL if the render
 *   succeeded
 */
const GError *
mockup_result_get_error (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), NULL);
  return self->error;
}

/**
 * mockup_result_check:
 * @self: a result
 * @error: return location for a copy of the result's error
 *
 * Turns a failed result into an error: in Python and JavaScript, into an
 * exception.
 *
 * Returns: %TRUE if the template rendered, %FALSE with @error set if not
 */
gboolean
mockup_result_check (MockupResult  *self,
                     GError       **error)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), FALSE);

  if (self->error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->error));
      return FALSE;
    }
  return TRUE;
}

/**
 * mockup_result_get_wait_time: (get-property wait-time)
 * @self: a result
 *
 * Gets [property@Mockup.Result:wait-time].
 *
 * Returns: microseconds spent waiting for a worker and for memory
 */
guint64
mockup_result_get_wait_time (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->wait_time;
}

/**
 * mockup_result_get_render_time: (get-property render-time)
 * @self: a result
 *
 * Gets [property@Mockup.Result:render-time].
 *
 * Returns: microseconds the render took
 */
guint64
mockup_result_get_render_time (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->render_time;
}

/**
 * mockup_result_get_resident_memory: (get-property resident-memory)
 * @self: a result
 *
 * Gets [property@Mockup.Result:resident-memory].
 *
 * Returns: the process's resident memory in bytes when the render finished
 */
guint64
mockup_result_get_resident_memory (MockupResult *self)
{
  g_return_val_if_fail (MOCKUP_IS_RESULT (self), 0);
  return self->resident_memory;
}

/* Writes into an anonymous file (O_TMPFILE) that gets a name only once it
 * is complete, then renames it over @path: a process killed while writing
 * leaves nothing at all behind, not even a temporary file. Falls back to
 * GLib's temporary-file-and-rename where the file system has no O_TMPFILE. */
static gboolean
write_atomically (const char  *path,
                  const char  *data,
                  gsize        length,
                  GError     **error)
{
#ifdef O_TMPFILE
  g_autofree char *dir = g_path_get_dirname (path);
  char proc_path[64];
  gsize written = 0;
  int fd;

  fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0 && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_name (path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   "Cannot write %s: %s", name, g_strerror (saved_errno));
      return FALSE;
    }

  if (fd >= 0)
    {
      while (written < length)
        {
          gssize n = write (fd, data + written, length - written);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              int saved_errno = errno;
              g_autofree char *name = g_filename_display_name (path);

              close (fd);
              g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                           "Cannot write %s: %s", name, g_strerror (saved_errno));
              return FALSE;
            }
          written += (gsize) n;
        }

      g_snprintf (proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
      for (int attempt = 0; attempt < 100; attempt++)
        {
          g_autofree char *temp = g_strdup_printf ("%s.%08x~", path, g_random_int ());

          if (linkat (AT_FDCWD, proc_path, AT_FDCWD, temp, AT_SYMLINK_FOLLOW) == 0)
            {
              int ok = rename (temp, path) == 0;
              int saved_errno = errno;

              close (fd);
              if (!ok)
                {
                  g_autofree char *name = g_filename_display_name (path);

                  g_unlink (temp);
                  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                               "Cannot write %s: %s", name, g_strerror (saved_errno));
                  return FALSE;
                }
              return TRUE;
            }
          if (errno != EEXIST)
            break;
        }
      /* no /proc, or linking refused: the portable way below */
      close (fd);
    }
#endif

  return g_file_set_contents_full (path, data, (gssize) length,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0666, error);
}

/**
 * mockup_result_save:
 * @self: a result
 * @path: (type filename): the file to write
 * @error: return location for an error
 *
 * Writes the image to @path atomically: into an unnamed file in the same
 * folder that is renamed over @path once complete, so that a reader never
 * sees half a file and a process killed while writing leaves nothing
 * behind. Encoded results are written as they are; pixbuf results are
 * written as PNG.
 *
 * Returns: %TRUE on success; %FALSE with @error set, also when the render
 *   itself had failed
 */
gboolean
mockup_result_save (MockupResult  *self,
                    const char    *path,
                    GError       **error)
{
  g_autofree char *buffer = NULL;
  const char *data;
  gsize length;

  g_return_val_if_fail (MOCKUP_IS_RESULT (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mockup_result_check (self, error))
    return FALSE;

  if (self->bytes != NULL)
    data = g_bytes_get_data (self->bytes, &length);
  else
    {
      if (!gdk_pixbuf_save_to_buffer (self->pixbuf, &buffer, &length, "png", error, NULL))
        return FALSE;
      data = buffer;
    }

  return write_atomically (path, data, length, error);
}
