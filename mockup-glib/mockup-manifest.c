/* mockup-manifest.c: reading a template manifest safely and parsing it
 * into JSON with the checks json-glib does not make
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mockup-error.h"
#include "mockup-file-private.h"
#include "mockup-json-depth-private.h"
#include "mockup-manifest-private.h"
#include "mockup-template-private.h"

/* json-glib keeps the last of two members of one name without a word,
 * where other readers keep the first: the manifest would mean different
 * things to the library and to an editor or a validator. Counting the
 * members parsed into each object shows it: the object has fewer. (An
 * object is freed during the parse only when a duplicate replaces it,
 * which is caught first, so no address in the table is reused before.) */
typedef struct
{
  GHashTable *counts;     /* JsonObject → members parsed into it */
  JsonObject *object;     /* the first holding a duplicate, and its name */
  char *name;
} DuplicateCheck;

static void
duplicate_check_clear (DuplicateCheck *check)
{
  g_clear_pointer (&check->counts, g_hash_table_unref);
  g_clear_pointer (&check->object, json_object_unref);
  g_clear_pointer (&check->name, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DuplicateCheck, duplicate_check_clear)

static void
on_object_member (JsonParser     *parser,
                  JsonObject     *object,
                  const char     *name,
                  DuplicateCheck *check)
{
  guint parsed = GPOINTER_TO_UINT (g_hash_table_lookup (check->counts, object)) + 1;

  g_hash_table_insert (check->counts, object, GUINT_TO_POINTER (parsed));
  if (parsed > json_object_get_size (object) && check->object == NULL)
    {
      check->object = json_object_ref (object);
      check->name = g_strdup (name);
    }
}

/* Appends the member path of @target inside @node to @path, as the
 * template parser names members: "layers[1].mask". */
static gboolean
find_object (JsonNode   *node,
             JsonObject *target,
             GString    *path)
{
  gsize length = path->len;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *child;

      if (object == target)
        return TRUE;
      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &child))
        {
          g_string_append_printf (path, "%s%s", length > 0 ? "." : "", name);
          if (find_object (child, target, path))
            return TRUE;
          g_string_truncate (path, length);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_string_append_printf (path, "[%u]", i);
          if (find_object (json_array_get_element (array, i), target, path))
            return TRUE;
          g_string_truncate (path, length);
        }
    }
  return FALSE;
}

typedef struct
{
  gboolean is_object;
  gboolean want_name;     /* an object's next string is a member name */
  guint index;            /* an array's current element */
  const char *name;       /* an object's current member, as written */
  gsize name_length;
} Frame;

static char *
frames_to_member (GArray *frames,
                  guint   n_frames)
{
  GString *member = g_string_new (NULL);

  for (guint i = 0; i < n_frames; i++)
    {
      const Frame *frame = &g_array_index (frames, Frame, i);

      if (!frame->is_object)
        g_string_append_printf (member, "[%u]", frame->index);
      else
        {
          if (member->len > 0)
            g_string_append_c (member, '.');
          g_string_append_len (member, frame->name, frame->name_length);
        }
    }
  if (member->len == 0)
    g_string_append (member, "(root)");
  return g_string_free (member, FALSE);
}

/* json-glib decodes "\u0000" into a nul that ends the string early, so
 * "opacity\u0000x" would read as "opacity". This walks text that has
 * parsed, so valid JSON plus what json-glib also takes (comments,
 * single-quoted strings, which keep escapes as written), to the first
 * string holding that escape, and fails naming its member. */
static gboolean
check_nul_escapes (const char  *data,
                   gsize        length,
                   const char  *label,
                   GError     **error)
{
  g_autoptr(GArray) frames = NULL;
  gsize i = 0;

  if (memmem (data, length, "\\u0000", 6) == NULL)
    return TRUE;

  frames = g_array_new (FALSE, TRUE, sizeof (Frame));
  while (i < length)
    {
      Frame *top = frames->len > 0 ? &g_array_index (frames, Frame, frames->len - 1) : NULL;
      char c = data[i];

      if (c == '{' || c == '[')
        {
          Frame frame = { c == '{', c == '{', 0, NULL, 0 };

          g_array_append_val (frames, frame);
          i++;
        }
      else if ((c == '}' || c == ']') && top != NULL)
        {
          g_array_set_size (frames, frames->len - 1);
          i++;
        }
      else if (c == ',' && top != NULL)
        {
          if (top->is_object)
            top->want_name = TRUE;
          else
            top->index++;
          i++;
        }
      else if (c == ':' && top != NULL)
        {
          top->want_name = FALSE;
          i++;
        }
      else if (c == '/' && i + 1 < length && data[i + 1] == '*')
        {
          const char *end = memmem (data + i + 2, length - i - 2, "*/", 2);

          i = end != NULL ? (gsize) (end - data) + 2 : length;
        }
      else if (c == '"' || c == '\'')
        {
          gboolean is_name = top != NULL && top->is_object && top->want_name;
          gboolean nul = FALSE;
          gsize start = ++i;

          while (i < length && data[i] != c)
            {
              if (c == '"' && data[i] == '\\')
                {
                  nul = nul || (i + 5 < length && memcmp (data + i + 1, "u0000", 5) == 0);
                  i += 2;
                }
              else
                i++;
            }
          if (is_name)
            {
              top->name = data + start;
              top->name_length = MIN (i, length) - start;
            }
          i++;

          if (nul)
            {
              g_autofree char *member = frames_to_member (frames, frames->len - (is_name ? 1 : 0));

              if (is_name)
                g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                             "%s: %s: the member name \"%.*s\" holds \\u0000, which is not allowed",
                             label, member, (int) top->name_length, top->name);
              else
                g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                             "%s: %s: the string holds \\u0000, which is not allowed", label, member);
              return FALSE;
            }
        }
      else
        i++;
    }
  return TRUE;
}

JsonNode *
mockup_manifest_parse (const char  *data,
                       gssize       length,
                       const char  *label,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  g_auto(DuplicateCheck) duplicates = { NULL, };

  if (length < 0)
    length = (gssize) strlen (data);

  if (length > MOCKUP_MAX_MANIFEST_SIZE)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: (root): the manifest is %" G_GSSIZE_FORMAT " bytes, more than the %d allowed",
                   label, length, MOCKUP_MAX_MANIFEST_SIZE);
      return NULL;
    }

  if (!g_utf8_validate (data, length, NULL))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: (root): malformed JSON: the text is not valid UTF-8", label);
      return NULL;
    }

  /* before json-glib's parser, which recurses once per level */
  if (!mockup_json_check_text (data, (gsize) length, MOCKUP_MAX_MANIFEST_DEPTH, &local_error))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: (root): %s", label, local_error->message);
      return NULL;
    }

  duplicates.counts = g_hash_table_new (NULL, NULL);
  g_signal_connect (parser, "object-member", G_CALLBACK (on_object_member), &duplicates);

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      /* json-glib says "<data>:LINE:COL: Parse error: …"; keep the
       * position, put the file name in front. It may quote the bytes it
       * stopped at, which need not be UTF-8. */
      const char *message = local_error->message;
      g_autofree char *valid = NULL;

      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      valid = g_utf8_make_valid (message, -1);
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: (root): malformed JSON at line:column %s", label, valid);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: (root): malformed JSON: the manifest is empty", label);
      return NULL;
    }

  if (!check_nul_escapes (data, length, label, error))
    return NULL;

  if (duplicates.object != NULL)
    {
      g_autoptr(GString) path = g_string_new (NULL);

      find_object (json_parser_get_root (parser), duplicates.object, path);
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: %s: duplicate member \"%s\" (a member may be given once)",
                   label, path->len > 0 ? path->str : "(root)", duplicates.name);
      return NULL;
    }

  return json_parser_steal_root (parser);
}

/* Reads a manifest, refusing anything but a regular file and never more
 * than one byte past the limit: a FIFO, /dev/zero or a file that grows
 * while it is read must not stall the caller or fill its memory. The file
 * is opened without blocking, so that a FIFO with no writer fails at once,
 * and checked once open, so that it cannot be swapped in between. */
char *
mockup_manifest_read (const char  *path,
                      const char  *label,
                      gsize       *length,
                      GError     **error)
{
  g_autofree char *contents = NULL;
  gsize size = 0;
  gsize allocated;
  struct stat info;
  int error_number;
  int fd;

  fd = mockup_file_open_regular (path, MOCKUP_FILE_OPEN_NONE, &info, &error_number);
  if (fd < 0 && error_number != 0)
    {
      g_set_error (error, MOCKUP_ERROR,
                   error_number == ENOENT || error_number == ENOTDIR ? MOCKUP_ERROR_NOT_FOUND
                                                                    : MOCKUP_ERROR_INVALID_TEMPLATE,
                   "%s: (root): cannot open the manifest: %s", label, g_strerror (error_number));
      return NULL;
    }
  if (fd < 0 && S_ISDIR (info.st_mode))
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                   "%s: (root): this is a folder; give its template.json", label);
      return NULL;
    }
  if (fd < 0)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND,
                   "%s: (root): not a regular file but %s", label, mockup_file_type_name (info.st_mode));
      return NULL;
    }

  /* the size is a hint: the file may change while it is read */
  allocated = (gsize) CLAMP (info.st_size, 0, MOCKUP_MAX_MANIFEST_SIZE) + 2;
  contents = g_malloc (allocated);
  while (size <= MOCKUP_MAX_MANIFEST_SIZE)
    {
      gssize n;

      if (size + 1 == allocated)
        {
          allocated = MIN (2 * allocated, (gsize) MOCKUP_MAX_MANIFEST_SIZE + 2);
          contents = g_realloc (contents, allocated);
        }
      n = read (fd, contents + size, allocated - 1 - size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;

          close (fd);
          g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                       "%s: (root): cannot read the manifest: %s", label, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      size += (gsize) n;
    }
  close (fd);

  if (size > MOCKUP_MAX_MANIFEST_SIZE)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: (root): the manifest is larger than the %d bytes allowed",
                   label, MOCKUP_MAX_MANIFEST_SIZE);
      return NULL;
    }

  contents[size] = '\0';
  *length = size;
  return g_steal_pointer (&contents);
}
