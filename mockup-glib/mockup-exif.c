/* mockup-exif.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "mockup-exif-private.h"

#define TAG_ORIENTATION 0x0112
#define TYPE_SHORT 3

static guint
read16 (const guint8 *p,
        gboolean      big_endian)
{
  return big_endian ? (guint) (p[0] << 8 | p[1]) : (guint) (p[1] << 8 | p[0]);
}

static guint32
read32 (const guint8 *p,
        gboolean      big_endian)
{
  return big_endian ? ((guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3])
                    : ((guint32) p[3] << 24 | (guint32) p[2] << 16 | (guint32) p[1] << 8 | p[0]);
}

int
mockup_exif_get_orientation (const guint8 *data,
                             gsize         length)
{
  gboolean big_endian;
  guint32 ifd;
  guint n_entries;

  if (data == NULL || length < 8)
    return 1;

  if (data[0] == 'I' && data[1] == 'I')
    big_endian = FALSE;
  else if (data[0] == 'M' && data[1] == 'M')
    big_endian = TRUE;
  else
    return 1;

  if (read16 (data + 2, big_endian) != 42)
    return 1;

  ifd = read32 (data + 4, big_endian);
  if (ifd > length - 2 || ifd < 8)
    return 1;

  n_entries = read16 (data + ifd, big_endian);
  for (guint i = 0; i < n_entries; i++)
    {
      gsize entry = ifd + 2 + (gsize) i * 12;
      guint value;

      if (entry + 12 > length)
        return 1;
      if (read16 (data + entry, big_endian) != TAG_ORIENTATION)
        continue;
      if (read16 (data + entry + 2, big_endian) != TYPE_SHORT)
        return 1;
      value = read16 (data + entry + 8, big_endian);
      return value >= 1 && value <= 8 ? (int) value : 1;
    }

  return 1;
}
