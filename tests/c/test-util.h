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
/* Writes a photo-like JPEG (shades and noise from @seed, quality 90), so
 * that file sizes are realistic; returns its path. */
char       *test_write_photo        (const char  *dir,
                                     const char  *name,
                                     int          width,
                                     int          height,
                                     guint        seed);

/* Image bombs: a hundred bytes whose header announces 16384 × 16384
 * pixels that can only be decoded whole. A progressive JPEG, whose DCT
 * coefficients take 1.5 GiB at any scale: */
char       *test_write_jpeg_bomb    (const char  *dir,
                                     const char  *name);
/* and an interlaced PNG, whose pixels take 1 GiB. */
char       *test_write_png_bomb     (const char  *dir,
                                     const char  *name);
/* A progressive greyscale JPEG of @size × @size and @n_scans scans, none
 * of them with any data: the decoder reads zeros for each, but still
 * passes over every block of the image per scan. Written marker by
 * marker, as the CPU bomb of issue 14 was. */
char       *test_write_jpeg_scans   (const char  *dir,
                                     const char  *name,
                                     int          size,
                                     int          n_scans);

/* What test_make_templates () writes. */
typedef struct
{
  int width;                /* each template's photo.jpg */
  int height;
  gboolean textured;        /* test_write_photo () rather than one colour */
  double quad[4][2];        /* the artwork's corners in the first template */
  double shift;             /* how much further right the first corner is
                             * in each next template */
  guint bad_every;          /* every bad_every-th manifest is cut short, an
                             * error only loading reveals; 0: none */
} TestTemplates;

/* Writes @n templates, "Template 0" to "Template n-1", into folders t00,
 * t01… under @root, each a photo and an artwork layer. Returns a list of
 * their manifests as GFiles. */
GListModel *test_make_templates     (const char          *root,
                                     guint                n,
                                     const TestTemplates *spec);
/* Reads pixel (x, y) of a pixbuf as 0xAARRGGBB, straight alpha. */
guint32     test_pixel              (GdkPixbuf   *pixbuf,
                                     int          x,
                                     int          y);

G_END_DECLS
