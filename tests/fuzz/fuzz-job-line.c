/* fuzz-job-line.c: bytes → `mockup-render --server` job lines
 *
 * The input is what a client writes to the server: it is cut into lines
 * as the server's reader cuts it, and each line goes through
 * mr_job_request_parse () (tools/mockup-render-request.c), which checks
 * every member and opens nothing. Then what the server would answer is
 * built and read back: an error line, or the job's id as result lines
 * carry it, must be one line of valid JSON.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"
#include "mockup-render-request.h"
#include "mockup-render-util.h"

/* The line as the server would print it, read back: one JSON object on
 * one line, valid UTF-8. */
static void
check_answer (MrJsonLine *line)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  g_string_append (line->text, "}");
  text = g_string_free (g_steal_pointer (&line->text), FALSE);

  g_assert_null (strchr (text, '\n'));
  g_assert_true (g_utf8_validate (text, -1, NULL));
  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)));
}

static void
check_request (MrJobRequest *request,
               JsonNode     *id)
{
  guint n;

  g_assert_nonnull (request->templates);
  n = g_strv_length (request->templates);
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpuint (n, <=, MR_REQUEST_MAX_TEMPLATES);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (strlen (request->templates[i]), >=, 1);
      g_assert_cmpuint (strlen (request->templates[i]), <=, MR_REQUEST_MAX_PATH_LENGTH);
    }
  g_assert_true (request->artwork != NULL ||
                 (request->slots != NULL && g_hash_table_size (request->slots) > 0));
  if (request->slots != NULL)
    g_assert_cmpuint (g_hash_table_size (request->slots), <=, MR_REQUEST_MAX_SLOTS);
  g_assert_cmpuint (request->quality, >=, 1);
  g_assert_cmpuint (request->quality, <=, 100);
  g_assert_true (request->format != MOCKUP_FORMAT_PIXBUF);
  g_assert_nonnull (request->output_dir);
  g_assert_nonnull (request->label);
  g_assert_true ((id == NULL) == (request->id == NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const MrServerDefaults defaults = {
    .output_dir = ".", .format = MOCKUP_FORMAT_JPEG, .quality = 90, .max_size = 0,
  };
  const char *text = (const char *) data;
  const char *end = text + size;
  guint line_number = 0;

  fuzz_init ();

  /* As the server does (handle_line () in tools/mockup-render-server.c):
   * one line at a time, without its end of line, blanks around it
   * trimmed, blank lines skipped. The text is not nul-terminated: each
   * line is copied alone, so that AddressSanitizer sees a read past it. */
  while (text < end)
    {
      const char *newline = memchr (text, '\n', end - text);
      const char *start = text;
      gsize length = (newline != NULL ? newline : end) - text;
      g_autofree char *line = NULL;
      g_autoptr(MrJobRequest) request = NULL;
      g_autoptr(JsonNode) id = NULL;
      g_autoptr(GError) error = NULL;
      MrJsonLine answer;

      text += length + 1;
      line_number++;
      while (length > 0 && g_ascii_isspace (start[length - 1]))
        length--;
      while (length > 0 && g_ascii_isspace (*start))
        start++, length--;
      if (length == 0)
        continue;
      line = g_memdup2 (start, length);

      request = mr_job_request_parse (line, length, line_number, &defaults, &id, &error);

      mr_json_line_init (&answer);
      mr_json_line_add_node (&answer, "job", id);
      if (request == NULL)
        {
          if (fuzz_verbose ())
            g_printerr ("  line %u: %s\n", line_number, error != NULL ? error->message : "(no error)");
          g_assert_error (error, MR_ERROR, MR_ERROR_INVALID_JOB);
          mr_json_line_add_int (&answer, "line", line_number);
          mr_json_line_add_error (&answer, error);
        }
      else
        {
          if (fuzz_verbose ())
            g_printerr ("  line %u: a job of %u templates\n", line_number,
                        g_strv_length (request->templates));
          g_assert_no_error (error);
          check_request (request, id);
          mr_json_line_add_string (&answer, "id", request->label);
          mr_json_line_add_string (&answer, "path", request->templates[0]);
        }
      check_answer (&answer);
    }
  return 0;
}
