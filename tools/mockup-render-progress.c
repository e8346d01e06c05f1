/* mockup-render-progress.c
 *
 * On a terminal: one line redrawn in place, a bar with i/N, the template
 * being rendered and the time so far. Anywhere else (a log file, a
 * server's journal): plain lines, one when a mockup starts and one when it
 * is done with its time and the process's resident memory, which is what
 * the old script's logs were read for.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <mockup-glib/mockup.h>

#include "mockup-render-progress.h"

#define REDRAW_INTERVAL_MS 200
#define BAR_WIDTH 24

struct _MrProgress
{
  gboolean quiet;
  gboolean terminal;

  char *prefix;                 /* "[job-7] " in server mode, or "" */
  guint n_items;
  guint n_done;
  guint current;                /* 1-based position of the latest start */
  char *current_name;
  gint64 began_at;
  guint timer;
  gboolean bar_shown;
};

static double
megabytes (guint64 bytes)
{
  return (double) bytes / 1e6;
}

/* @plain: lines, never a bar, even on a terminal: for server jobs, which
 * run side by side */
MrProgress *
mr_progress_new (gboolean quiet,
                 gboolean plain)
{
  MrProgress *self = g_new0 (MrProgress, 1);

  self->quiet = quiet;
  self->terminal = !plain && isatty (STDERR_FILENO);
  self->prefix = g_strdup ("");
  return self;
}

void
mr_progress_free (MrProgress *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  g_free (self->prefix);
  g_free (self->current_name);
  g_free (self);
}

static guint
terminal_width (void)
{
  struct winsize size;

  if (ioctl (STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20)
    return size.ws_col;
  return 80;
}

static void
clear_bar (MrProgress *self)
{
  if (!self->bar_shown)
    return;
  fputs ("\r\033[K", stderr);
  self->bar_shown = FALSE;
}

static void
draw_bar (MrProgress *self)
{
  g_autoptr(GString) line = g_string_new ("\r\033[K");
  double elapsed = (g_get_monotonic_time () - self->began_at) / 1e6;
  guint filled = self->n_items ? self->n_done * BAR_WIDTH / self->n_items : BAR_WIDTH;
  glong room, length;

  g_string_append (line, self->prefix);
  g_string_append_c (line, '[');
  for (guint i = 0; i < BAR_WIDTH; i++)
    g_string_append_c (line, i < filled ? '#' : '-');
  g_string_append_printf (line, "] %u/%u %5.1f s ", self->current, self->n_items, elapsed);

  /* The name takes what is left of the line; a line that wraps cannot be
   * redrawn with \r. */
  room = (glong) terminal_width () - 1 - g_utf8_strlen (line->str + strlen ("\r\033[K"), -1);
  if (self->current_name != NULL && room > 1)
    {
      length = g_utf8_strlen (self->current_name, -1);
      if (length <= room)
        g_string_append (line, self->current_name);
      else
        {
          const char *cut = g_utf8_offset_to_pointer (self->current_name, room - 1);

          g_string_append_len (line, self->current_name, cut - self->current_name);
          g_string_append (line, "…");
        }
    }

  fputs (line->str, stderr);
  fflush (stderr);
  self->bar_shown = TRUE;
}

static gboolean
redraw_cb (gpointer user_data)
{
  draw_bar (user_data);
  return G_SOURCE_CONTINUE;
}

/* @job: the server job's id, shown in front of every line */
void
mr_progress_set_job (MrProgress *self,
                     const char *job)
{
  g_free (self->prefix);
  self->prefix = g_strdup_printf ("[%s] ", job);
}

/* @job: the server job's id, or %NULL */
void
mr_progress_begin (MrProgress *self,
                   const char *job,
                   guint       n_items)
{
  if (job != NULL)
    mr_progress_set_job (self, job);
  self->n_items = n_items;
  self->n_done = 0;
  self->current = 0;
  g_clear_pointer (&self->current_name, g_free);
  self->began_at = g_get_monotonic_time ();

  if (self->quiet || !self->terminal)
    return;
  draw_bar (self);
  if (self->timer == 0)
    self->timer = g_timeout_add (REDRAW_INTERVAL_MS, redraw_cb, self);
}

/* @position: from 0 */
void
mr_progress_started (MrProgress *self,
                     guint       position,
                     const char *name)
{
  /* Several render at once and may start out of order: show the latest. */
  self->current = MAX (self->current, position + 1);
  if (position + 1 == self->current)
    {
      g_free (self->current_name);
      self->current_name = g_strdup (name);
    }

  if (self->quiet)
    return;
  if (self->terminal)
    draw_bar (self);
  else
    {
      fprintf (stderr, "%sProcessing mockup %u/%u: %s\n", self->prefix, position + 1, self->n_items, name);
      fflush (stderr);
    }
}

/* @render_time: microseconds; @error_message: %NULL when it rendered */
void
mr_progress_done (MrProgress *self,
                  guint       position,
                  const char *name,
                  guint64     render_time,
                  guint64     resident_memory,
                  const char *error_message)
{
  self->n_done++;

  /* Errors are shown even with --quiet, like any tool's errors. */
  if (error_message != NULL)
    mr_progress_error (self, "Failed mockup %u/%u: %s: %s",
                       position + 1, self->n_items, name, error_message);
  else if (self->quiet)
    return;
  else if (!self->terminal)
    {
      fprintf (stderr, "%sRendered mockup %u/%u: %s in %.2f s, resident memory %.1f MB\n",
               self->prefix, position + 1, self->n_items, name,
               render_time / 1e6, megabytes (resident_memory));
      fflush (stderr);
    }

  if (self->terminal && !self->quiet)
    draw_bar (self);
}

void
mr_progress_end (MrProgress *self,
                 guint       n_rendered,
                 guint       n_failed)
{
  double elapsed = (g_get_monotonic_time () - self->began_at) / 1e6;
  guint64 resident, peak;

  g_clear_handle_id (&self->timer, g_source_remove);
  if (self->quiet)
    return;

  clear_bar (self);
  fprintf (stderr, "%sRendered %u of %u mockups in %.2f s", self->prefix,
           n_rendered, n_rendered + n_failed, elapsed);
  if (n_failed > 0)
    fprintf (stderr, ", %u failed", n_failed);
  /* Linux updates the peak lazily: it can lag behind the current size. */
  resident = mockup_get_resident_memory ();
  peak = MAX (resident, mockup_get_peak_resident_memory ());
  fprintf (stderr, "; resident memory %.1f MB, peak %.1f MB\n", megabytes (resident), megabytes (peak));
  fflush (stderr);
}

/* Ends the display without a summary: the job failed as a whole and the
 * caller says why. */
void
mr_progress_stop (MrProgress *self)
{
  g_clear_handle_id (&self->timer, g_source_remove);
  clear_bar (self);
  fflush (stderr);
}

/* An error line, on its own line above the bar if one is shown. A server
 * job's lines start with its [id], like all its other lines. */
void
mr_progress_error (MrProgress *self,
                   const char *format,
                   ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  clear_bar (self);
  if (*self->prefix != '\0')
    fprintf (stderr, "%s%s\n", self->prefix, message);
  else
    fprintf (stderr, "%s: %s\n", g_get_prgname (), message);
  fflush (stderr);
  if (self->terminal && !self->quiet && self->timer != 0)
    draw_bar (self);
}

/* Something most likely wrong on the command line or in the job, though
 * the run goes on: shown even with --quiet, like errors, and with the
 * job's prefix in server mode. */
void
mr_progress_warning (MrProgress *self,
                     const char *format,
                     ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  mr_progress_error (self, "warning: %s", message);
}
