/* mockup-json-depth.c: refusing JSON that nests too deep before
 * json-glib's recursive parser sees it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * json-glib parses arrays and objects by recursion, one stack frame chain
 * per level: 100,000 '[' in a 200 KB file overflow the stack. This scan
 * counts the levels first, in one pass and constant memory.
 *
 * It must never count fewer levels than json-glib would enter, so it
 * follows json-glib's tokenizer where that decides whether a bracket is a
 * token: inside a string, a backslash takes the next byte, and "\u"
 * followed by a hex digit takes up to four hex digits plus the first byte
 * that is not one (json-glib 1.6 reads that byte, even a quote; later
 * versions fail there instead), then for a surrogate the next "\u" and its
 * digits the same way; single-quoted strings have no escapes. A '/'
 * outside a string starts a comment that ends at the next '/' (json-glib
 * configures its scanner's "single-line" comment pair as '/' and '/'), so
 * "//" is an empty comment and the rest of its line is read; from
 * json-glib 1.9 on, a slash and a star start a comment that ends at the
 * next star and slash instead. Both readings are scanned when the text
 * has such a comment, and the deeper counts. Where the readings part only
 * after json-glib has failed (an unterminated string or comment, a bad
 * escape, a nul), counting more levels than it would reach is harmless.
 *
 * This file depends on GLib and MockupError only: mockup-render compiles
 * it too, for its job lines, against the library's public headers.
 */

#ifndef MOCKUP_COMPILATION
# define MOCKUP_INSIDE
#endif
#include "mockup-error.h"
#ifndef MOCKUP_COMPILATION
# undef MOCKUP_INSIDE
#endif

#include <string.h>

#include "mockup-json-depth-private.h"

#define IS_HEX(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))

static guint
hex_value (guchar c)
{
  if (c <= '9')
    return c - '0';
  return (c & 7) + 9;
}

/* Reads "\u"'s digits from @i, as json-glib 1.6 does: up to four hex
 * digits, and the byte that stops them is read too. */
static gsize
skip_unicode_digits (const guchar *data,
                     gsize         length,
                     gsize         i,
                     guint        *value)
{
  *value = 0;
  for (guint k = 0; k < 4 && i < length; k++)
    {
      guchar c = data[i++];

      if (!IS_HEX (c))
        break;
      *value += hex_value (c) << ((3 - k) * 4);
    }
  return i;
}

/* Returns the index after the string that opens at @i (its quote). */
static gsize
skip_string (const guchar *data,
             gsize         length,
             gsize         i)
{
  guchar quote = data[i++];

  while (i < length && data[i] != quote)
    {
      if (quote == '\'' || data[i] != '\\')
        {
          i++;
          continue;
        }

      i++;                      /* the backslash */
      if (i >= length)
        break;
      if (data[i++] != 'u' || i >= length || !IS_HEX (data[i]))
        continue;

      {
        guint value;

        i = skip_unicode_digits (data, length, i, &value);
        if (value >= 0xd800 && value <= 0xdfff && i < length)
          {
            /* the low surrogate: "\u" and digits, each byte read
             * whether it matches or not */
            if (data[i++] == '\\' && i < length && data[i++] == 'u')
              i = skip_unicode_digits (data, length, i, &value);
          }
      }
    }
  return i + 1;
}

/* Where json-glib 1.6 sees whitespace between values: blanks, and comments
 * from a '/' to the next one. Returns the index of the next token. */
static gsize
skip_blanks (const guchar *data,
             gsize         length,
             gsize         i)
{
  while (i < length)
    {
      if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r')
        i++;
      else if (data[i] == '/')
        {
          for (i++; i < length && data[i] != '/'; i++)
            ;
          i++;
        }
      else
        break;
    }
  return MIN (i, length);
}

/* Scans with one reading of comments; returns the deepest level reached,
 * stopping at the bracket that exceeds @max_depth (its index in @stop).
 * @saw_block_comment says whether a comment opened with a slash and a
 * star: until one does, both readings scan alike. */
static guint
scan (const guchar *data,
      gsize         length,
      gboolean      block_comments,
      guint         max_depth,
      gsize        *stop,
      gboolean     *saw_block_comment)
{
  guint depth = 0;
  guint deepest = 0;
  gsize i = 0;

  *saw_block_comment = FALSE;
  while (i < length)
    {
      switch (data[i])
        {
        case '[':
        case '{':
          if (++depth > max_depth)
            {
              *stop = i;
              return depth;
            }
          deepest = MAX (deepest, depth);
          i++;
          break;

        case ']':
        case '}':
          /* a closer too many is an error for json-glib; never let it
           * hide the levels that follow */
          if (depth > 0)
            depth--;
          i++;
          break;

        case '"':
        case '\'':
          i = skip_string (data, length, i);
          break;

        case '/':
          if (i + 1 < length && data[i + 1] == '*')
            *saw_block_comment = TRUE;
          if (block_comments && i + 1 < length && data[i + 1] == '*')
            {
              for (i += 2; i < length; i++)
                {
                  if (data[i] == '*' && i + 1 < length && data[i + 1] == '/')
                    {
                      i += 2;
                      break;
                    }
                }
            }
          else
            i = skip_blanks (data, length, i);
          break;

        default:
          i++;
          break;
        }
    }
  return deepest;
}

/* 1-based line and column (in characters) of byte @offset. */
static void
locate (const guchar *data,
        gsize         offset,
        guint        *line,
        guint        *column)
{
  *line = 1;
  *column = 1;
  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else if ((data[i] & 0xc0) != 0x80)
        (*column)++;
    }
}

gboolean
mockup_json_check_depth (const char  *data,
                         gsize        length,
                         guint        max_depth,
                         guint       *depth_reached,
                         GError     **error)
{
  const guchar *bytes = (const guchar *) data;
  gboolean saw_block_comment;
  gsize stop = 0;
  guint deepest;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (max_depth < G_MAXUINT, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  deepest = scan (bytes, length, FALSE, max_depth, &stop, &saw_block_comment);
  if (deepest <= max_depth && saw_block_comment)
    deepest = MAX (deepest, scan (bytes, length, TRUE, max_depth, &stop, &saw_block_comment));

  if (depth_reached != NULL)
    *depth_reached = deepest;

  if (deepest > max_depth)
    {
      guint line, column;

      locate (bytes, stop, &line, &column);
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
                   "the JSON text nests deeper than %u levels (at line:column %u:%u)",
                   max_depth, line, column);
      return FALSE;
    }
  return TRUE;
}

/* Returns the index after the value that starts at @i (a token), or
 * @length. Containers end where their depth returns to 0. */
static gsize
skip_value (const guchar *data,
            gsize         length,
            gsize         i)
{
  guint depth = 0;

  do
    {
      switch (data[i])
        {
        case '[':
        case '{':
          depth++;
          i++;
          break;
        case ']':
        case '}':
          depth -= depth > 0;
          i++;
          break;
        case '"':
        case '\'':
          i = skip_string (data, length, i);
          break;
        case '/':
          i = skip_blanks (data, length, i);
          break;
        default:
          /* a number or a literal: up to what cannot be part of it */
          do
            i++;
          while (depth == 0 && i < length && !strchr (" \t\n\r/[]{}\"',:", data[i]));
          break;
        }
    }
  while (depth > 0 && i < length);
  return MIN (i, length);
}

/* The next \uXXXX's value at @i, or -1 without four hex digits there. */
static int
escape_value (const guchar *data,
              gsize         length,
              gsize         i)
{
  guint value = 0;

  if (i + 6 > length || data[i] != '\\' || data[i + 1] != 'u')
    return -1;
  for (guint k = 2; k < 6; k++)
    {
      if (!IS_HEX (data[i + k]))
        return -1;
      value = value << 4 | hex_value (data[i + k]);
    }
  return value;
}

/* The first escape in a string that json-glib 1.6 would mishandle, or
 * @length: one that JSON does not have (json-glib leaks memory on some,
 * and reads strings on past others), and a "\u" of half a UTF-16
 * surrogate pair (which it turns into bytes that are not UTF-8). Strings
 * are read as JSON reads them; once every escape is valid, json-glib reads
 * them alike. */
static gsize
find_bad_escape (const guchar  *data,
                 gsize          length,
                 const char   **problem)
{
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      int value, next;

      if (data[i] == '"')
        in_string = !in_string;
      if (!in_string || data[i] != '\\')
        continue;

      if (i + 1 < length && strchr ("\"\\/bfnrt", data[i + 1]) != NULL && data[i + 1] != '\0')
        {
          i++;
          continue;
        }
      value = escape_value (data, length, i);
      if (value < 0)
        {
          *problem = "an escape that JSON does not have (\\u takes four hex digits)";
          return i;
        }
      if (value >= 0xd800 && value <= 0xdfff)
        {
          next = escape_value (data, length, i + 6);
          if (value > 0xdbff || next < 0xdc00 || next > 0xdfff)
            {
              *problem = "a \\u escape stands for half a character (an unpaired UTF-16 "
                         "surrogate), which is not text";
              return i;
            }
          i += 6;
        }
      i += 5;
    }
  return length;
}

static gboolean
refuse (const guchar  *data,
        gsize          offset,
        GError       **error,
        const char    *problem)
{
  guint line, column;

  locate (data, offset, &line, &column);
  g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE,
               "%s (at line:column %u:%u)", problem, line, column);
  return FALSE;
}

gboolean
mockup_json_check_text (const char  *data,
                        gsize        length,
                        guint        max_depth,
                        GError     **error)
{
  const guchar *bytes = (const guchar *) data;
  const char *problem = NULL;
  gsize end;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!mockup_json_check_depth (data, length, max_depth, NULL, error))
    return FALSE;

  /* json-glib 1.6 parses a second value after the first, drops it, and
   * leaks it */
  end = skip_blanks (bytes, length, 0);
  if (end < length)
    end = skip_blanks (bytes, length, skip_value (bytes, length, end));
  if (end < length)
    return refuse (bytes, end, error, "the JSON text goes on after its value");

  end = find_bad_escape (bytes, length, &problem);
  if (end < length)
    return refuse (bytes, end, error, problem);
  return TRUE;
}

