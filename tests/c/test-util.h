/* test-util.h: fixtures for the C tests
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <cairo.h>
#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

/* A fresh temporary folder, removed with its contents at exit. */
char       *test_make_dir           (void);
/* Writes a PNG filled with @argb (straight, 0xAARRGGBB); returns its path. */
char       *test_write_png          (const char  *dir,
                                     const char  *name,
                                     int          width,
                                     int          height,
                                     guint32      argb);
/* Writes an opaque JPEG of one colour, quality 95. */
char       *test_write_jpeg         (const char  *dir,
                                     const char  *name,
                                     int          width,
                                     int          height,
                                     guint32      rgb);
char       *test_write_file         (const char  *dir,
                                     const char  *name,
                                     const char  *contents);
/* Loads a manifest written into @dir, asserting success. */
MockupTemplate *test_template       (const char  *dir,
                                     const char  *json);
/* Asserts that @json fails in the MOCKUP_ERROR domain with @code and that
 * the message contains each of the NULL-terminated strings. */
void        test_template_fails     (const char  *dir,
                                     const char  *json,
                                     int          code,
                                     ...) G_GNUC_NULL_TERMINATED;
/* Reads pixel (x, y) of a pixbuf as 0xAARRGGBB, straight alpha. */
guint32     test_pixel              (GdkPixbuf   *pixbuf,
                                     int          x,
                                     int          y);

G_END_DECLS
