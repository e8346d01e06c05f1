/* mockup-format.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "mockup-format.h"

/**
 * mockup_format_get_extension:
 * @format: a format
 *
 * The usual file name extension for @format, without the dot: `jpg`, `png`,
 * `webp`; `png` for [enum@Mockup.Format.PIXBUF], which
 * [method@Mockup.Result.save] writes as PNG.
 *
 * Returns: the extension
 */
const char *
mockup_format_get_extension (MockupFormat format)
{
  switch (format)
    {
    case MOCKUP_FORMAT_JPEG:
      return "jpg";
    case MOCKUP_FORMAT_WEBP:
      return "webp";
    case MOCKUP_FORMAT_PNG:
    case MOCKUP_FORMAT_PIXBUF:
    default:
      return "png";
    }
}

/**
 * mockup_format_get_mime_type:
 * @format: a format
 *
 * The MIME type of files in @format, `image/png` for
 * [enum@Mockup.Format.PIXBUF].
 *
 * Returns: the MIME type
 */
const char *
mockup_format_get_mime_type (MockupFormat format)
{
  switch (format)
    {
    case MOCKUP_FORMAT_JPEG:
      return "image/jpeg";
    case MOCKUP_FORMAT_WEBP:
      return "image/webp";
    case MOCKUP_FORMAT_PNG:
    case MOCKUP_FORMAT_PIXBUF:
    default:
      return "image/png";
    }
}

/**
 * mockup_format_from_string:
 * @name: a format name or file extension, such as `jpeg`, `jpg`, `png`,
 *   `webp` or `pixbuf`, in any case
 * @format: (out): the format @name stands for
 *
 * Looks up a format by the names people write on command lines and in
 * configuration files.
 *
 * Returns: %TRUE if @name is a known format
 */
gboolean
mockup_format_from_string (const char   *name,
                           MockupFormat *format)
{
  static const struct { const char *name; MockupFormat format; } names[] = {
    { "jpeg", MOCKUP_FORMAT_JPEG },
    { "jpg", MOCKUP_FORMAT_JPEG },
    { "png", MOCKUP_FORMAT_PNG },
    { "webp", MOCKUP_FORMAT_WEBP },
    { "pixbuf", MOCKUP_FORMAT_PIXBUF },
  };

  g_return_val_if_fail (format != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (name, names[i].name) == 0)
        {
          *format = names[i].format;
          return TRUE;
        }
    }

  return FALSE;
}
