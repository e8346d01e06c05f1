/* mockup-render-line-reader.c
 *
 * GDataInputStream keeps reading until it finds the end of a line, however
 * far away: a 100 MB line is buffered whole. The server reads what anyone
 * can write to it, so its lines come from here instead: at most
 * max_length bytes of a line are kept, and the rest of a longer one is
 * read and dropped as it comes, the line then reported as too long. The
 * reader holds at most max_length + one chunk, and reads only when asked
 * for a line, so a server that is busy does not read ahead.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "mockup-render-line-reader.h"

#define CHUNK_SIZE 65536

struct _MrLineReader
{
  GInputStream *stream;
  gsize max_length;
  GByteArray *buffer;
  gsize scanned;                /* bytes of the buffer known to hold no \n */
  gboolean discarding;          /* the line is too long: dropping the rest */
  gboolean eof;
  gboolean reading;
  guint8 chunk[CHUNK_SIZE];
};

typedef struct
{
  char *text;
  gsize length;
  gboolean too_long;
} Line;

static void
line_free (Line *line)
{
  g_free (line->text);
  g_free (line);
}

/* @max_length: the longest line kept, in bytes, without its end of line */
MrLineReader *
mr_line_reader_new (GInputStream *stream,
                    gsize         max_length)
{
  MrLineReader *self = g_new0 (MrLineReader, 1);

  self->stream = g_object_ref (stream);
  self->max_length = max_length;
  self->buffer = g_byte_array_new ();
  return self;
}

void
mr_line_reader_free (MrLineReader *self)
{
  g_return_if_fail (!self->reading);

  g_object_unref (self->stream);
  g_byte_array_unref (self->buffer);
  g_free (self);
}

/* Takes the first @length bytes of the buffer, and @skip more after them,
 * as a line: "\r\n" ends a line as well as "\n". */
static void
return_line (GTask        *task,
             MrLineReader *self,
             gsize         length,
             gsize         skip)
{
  Line *line = g_new0 (Line, 1);

  line->too_long = self->discarding;
  if (!self->discarding)
    {
      gsize kept = length;

      if (kept > 0 && self->buffer->data[kept - 1] == '\r')
        kept--;
      line->text = g_malloc (kept + 1);
      memcpy (line->text, self->buffer->data, kept);
      line->text[kept] = '\0';
      line->length = kept;
    }
  else
    line->text = g_strdup ("");

  g_byte_array_remove_range (self->buffer, 0, length + skip);
  self->scanned = 0;
  self->discarding = FALSE;
  self->reading = FALSE;
  g_task_return_pointer (task, line, (GDestroyNotify) line_free);
  g_object_unref (task);
}

static void read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

/* Answers @task from the buffer if it can, or reads more. */
static void
complete (GTask *task)
{
  MrLineReader *self = g_task_get_task_data (task);
  const guint8 *end = NULL;

  /* (an empty GByteArray's data may be NULL) */
  if (self->buffer->len > self->scanned)
    end = memchr (self->buffer->data + self->scanned, '\n', self->buffer->len - self->scanned);
  if (end != NULL)
    {
      return_line (task, self, end - self->buffer->data, 1);
      return;
    }

  /* Beyond the limit, the line's text is of no use: drop what is kept
   * ("\r" of a "\r\n" may be the last byte: one more is fine). */
  if (self->discarding || self->buffer->len > self->max_length + 1)
    {
      self->discarding = TRUE;
      g_byte_array_set_size (self->buffer, 0);
    }
  self->scanned = self->buffer->len;

  if (self->eof)
    {
      /* a last line without an end of line is a line */
      if (self->buffer->len > 0 || self->discarding)
        return_line (task, self, self->buffer->len, 0);
      else
        {
          self->reading = FALSE;
          g_task_return_pointer (task, NULL, NULL);
          g_object_unref (task);
        }
      return;
    }

  g_input_stream_read_async (self->stream, self->chunk, sizeof self->chunk, G_PRIORITY_DEFAULT,
                             g_task_get_cancellable (task), read_cb, task);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  GTask *task = user_data;
  MrLineReader *self = g_task_get_task_data (task);
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  if (n < 0)
    {
      self->reading = FALSE;
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (n == 0)
    self->eof = TRUE;
  else
    g_byte_array_append (self->buffer, self->chunk, n);
  complete (task);
}

/* Reads the next line. One read at a time. */
void
mr_line_reader_read_async (MrLineReader        *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (!self->reading);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, mr_line_reader_read_async);
  g_task_set_task_data (task, self, NULL);
  self->reading = TRUE;
  complete (task);
}

/**
 * mr_line_reader_read_finish:
 * @length: (out): the line's length in bytes (it may hold NUL bytes)
 * @too_long: (out): whether the line was longer than the limit; its text
 *   is then "", the whole line having been read and dropped
 *
 * Returns: (transfer full) (nullable): the line without its end of line,
 *   or %NULL at the end of the stream (@error unset) or on an error
 */
char *
mr_line_reader_read_finish (MrLineReader  *self,
                            GAsyncResult  *result,
                            gsize         *length,
                            gboolean      *too_long,
                            GError       **error)
{
  Line *line;
  char *text;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  *length = 0;
  *too_long = FALSE;
  line = g_task_propagate_pointer (G_TASK (result), error);
  if (line == NULL)
    return NULL;
  text = g_steal_pointer (&line->text);
  *length = line->length;
  *too_long = line->too_long;
  line_free (line);
  return text;
}
