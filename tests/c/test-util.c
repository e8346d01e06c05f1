/* test-util.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "test-util.h"

static GPtrArray *dirs;

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static void
remove_dirs (void)
{
  for (guint i = 0; i < dirs->len; i++)
    remove_tree (dirs->pdata[i]);
  g_ptr_array_unref (dirs);
}

char *
test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("mockup-test-XXXXXX", &error);

  g_assert_no_error (error);
  if (dirs == NULL)
    {
      dirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_dirs);
    }
  g_ptr_array_add (dirs, g_strdup (dir));
  return dir;
}

char *
test_write_png (const char *dir,
                const char *name,
                int         width,
                int         height,
                guint32     argb)
{
  char *path = g_build_filename (dir, name, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);

  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  cairo_set_source_rgba (cr, ((argb >> 16) & 0xff) / 255.0, ((argb >> 8) & 0xff) / 255.0,
                         (argb & 0xff) / 255.0, (argb >> 24) / 255.0);
  cairo_paint (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

char *
test_write_jpeg (const char *dir,
                 const char *name,
                 int         width,
                 int         height,
                 guint32     rgb)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;

  gdk_pixbuf_fill (pixbuf, (rgb << 8) | 0xff);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "95", NULL);
  g_assert_no_error (error);
  return path;
}

char *
test_write_jpeg_bomb (const char *dir,
                      const char *name)
{
  static const guint8 sof2[] = {
    /* progressive, 8 bits, 16384 × 16384, three components at full size */
    0xff, 0xc2, 0, 17, 8, 0x40, 0x00, 0x40, 0x00, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0,
    /* a DC scan of all three, a few bytes of it, the end */
    0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xd9,
  };
  char *path = g_build_filename (dir, name, NULL);
  GByteArray *data = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  /* start of image, one quantization table of ones */
  g_byte_array_append (data, (const guint8 *) "\xff\xd8\xff\xdb\x00\x43\x00", 7);
  for (int i = 0; i < 64; i++)
    g_byte_array_append (data, (const guint8 *) "\x01", 1);
  g_byte_array_append (data, sof2, sizeof sof2);
  g_file_set_contents (path, (const char *) data->data, data->len, &error);
  g_assert_no_error (error);
  g_byte_array_unref (data);
  return path;
}

static void
append_bytes (GByteArray *data,
              const char *bytes,
              gsize       length)
{
  g_byte_array_append (data, (const guint8 *) bytes, (guint) length);
}

static void
append_marker (GByteArray   *data,
               guint8        marker,
               const guint8 *payload,
               gsize         length)
{
  guint8 head[4] = { 0xff, marker, (guint8) ((length + 2) >> 8), (guint8) (length + 2) };

  g_byte_array_append (data, head, 4);
  g_byte_array_append (data, payload, (guint) length);
}

char *
test_write_jpeg_scans (const char *dir,
                       const char *name,
                       int         size,
                       int         n_scans)
{
  const guint8 sof2[] = { 8, (guint8) (size >> 8), (guint8) size, (guint8) (size >> 8), (guint8) size,
                          1, 1, 0x11, 0 };
  /* one code of one bit, for symbol 0, as the DC and the AC table: every
   * block decodes to a DC difference of 0 and an end of band */
  guint8 dht[2 * (1 + 16 + 1)] = { 0 };
  guint8 dqt[1 + 64];
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GByteArray) data = g_byte_array_new ();
  g_autoptr(GError) error = NULL;

  dht[0] = 0x00;
  dht[1] = 1;
  dht[18] = 0x10;
  dht[19] = 1;
  memset (dqt, 1, sizeof dqt);
  dqt[0] = 0;

  append_bytes (data, "\xff\xd8", 2);
  append_marker (data, 0xdb, dqt, sizeof dqt);
  append_marker (data, 0xc2, sof2, sizeof sof2);
  append_marker (data, 0xc4, dht, sizeof dht);
  for (int scan = 0; scan < n_scans; scan++)
    {
      /* DC first, AC first, then refinements of both, over and over */
      guint8 sos[6] = { 1, 1, 0x00, 0, 0, 0 };

      switch (scan)
        {
        case 0:
          sos[5] = 0x01;
          break;
        case 1:
          sos[3] = 1, sos[4] = 63, sos[5] = 0x01;
          break;
        default:
          if (scan % 2 == 0)
            sos[5] = 0x10;
          else
            sos[3] = 1, sos[4] = 63, sos[5] = 0x10;
          break;
        }
      append_marker (data, 0xda, sos, sizeof sos);
    }
  append_bytes (data, "\xff\xd9", 2);

  g_file_set_contents (path, (const char *) data->data, data->len, &error);
  g_assert_no_error (error);
  return path;
}

char *
test_write_png_bomb (const char *dir,
                     const char *name)
{
  static const guint8 png[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
    /* 16384 × 16384, 8-bit RGBA, Adam7 */
    0, 0, 0, 13, 'I', 'H', 'D', 'R', 0, 0, 0x40, 0, 0, 0, 0x40, 0, 8, 6, 0, 0, 1,
    0xde, 0xcf, 0x20, 0x12,
    /* an empty zlib stream, and the end */
    0, 0, 0, 8, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01,
    0x48, 0x06, 0x89, 0xd2,
    0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82,
  };
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) png, sizeof png, &error);
  g_assert_no_error (error);
  return path;
}

char *
test_write_file (const char *dir,
                 const char *name,
                 const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

MockupTemplate *
test_template (const char *dir,
               const char *json)
{
  g_autoptr(GError) error = NULL;
  MockupTemplate *template = mockup_template_new_from_data (json, -1, dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (template);
  return template;
}

void
test_template_fails (const char *dir,
                     const char *json,
                     int         code,
                     ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = mockup_template_new_from_data (json, -1, dir, &error);
  const char *part;
  va_list args;

  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, code);

  va_start (args, code);
  while ((part = va_arg (args, const char *)) != NULL)
    {
      if (strstr (error->message, part) == NULL)
        g_error ("error message \"%s\" lacks \"%s\"", error->message, part);
    }
  va_end (args);
}

char *
test_write_photo (const char *dir,
                  const char *name,
                  int         width,
                  int         height,
                  guint       seed)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;
  GRand *rand = g_rand_new_with_seed (seed);

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + (gsize) y * stride + x * 3;
        double shade = 0.6 + 0.4 * sin (x * 0.004 + seed) * cos (y * 0.003);

        p[0] = (guint8) CLAMP (180 * shade + g_rand_int_range (rand, -12, 12), 0, 255);
        p[1] = (guint8) CLAMP (160 * shade + g_rand_int_range (rand, -12, 12), 0, 255);
        p[2] = (guint8) CLAMP (140 * shade + g_rand_int_range (rand, -12, 12), 0, 255);
      }
  g_rand_free (rand);
  gdk_pixbuf_save (pixbuf, path, "jpeg", &error, "quality", "90", NULL);
  g_assert_no_error (error);
  return path;
}

GListModel *
test_make_templates (const char          *root,
                     guint                n,
                     const TestTemplates *spec)
{
  GListStore *store = g_list_store_new (G_TYPE_FILE);
  const double (*q)[2] = spec->quad;

  g_mkdir_with_parents (root, 0755);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("t%02u", i);
      g_autofree char *folder = g_build_filename (root, name, NULL);
      g_autofree char *photo = NULL;
      g_autofree char *manifest = NULL;
      g_autofree char *json = NULL;
      g_autoptr(GFile) file = NULL;

      g_mkdir (folder, 0755);
      if (spec->textured)
        photo = test_write_photo (folder, "photo.jpg", spec->width, spec->height, i);
      else
        photo = test_write_jpeg (folder, "photo.jpg", spec->width, spec->height, 0x404040 + i * 0x0a0a0a);
      if (spec->bad_every != 0 && i % spec->bad_every == spec->bad_every - 1)
        json = g_strdup ("{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"}, ");
      else
        json = g_strdup_printf ("{\"format\": 1, \"name\": \"Template %u\", \"layers\": ["
                                "{\"type\": \"image\", \"source\": \"photo.jpg\"},"
                                "{\"type\": \"artwork\", \"quad\": [[%g, %g], [%g, %g], [%g, %g], [%g, %g]]}]}",
                                i, q[0][0] + i * spec->shift, q[0][1], q[1][0], q[1][1],
                                q[2][0], q[2][1], q[3][0], q[3][1]);
      manifest = test_write_file (folder, "template.json", json);
      file = g_file_new_for_path (manifest);
      g_list_store_append (store, file);
    }
  return G_LIST_MODEL (store);
}

guint32
test_pixel (GdkPixbuf *pixbuf,
            int        x,
            int        y)
{
  const guint8 *p = gdk_pixbuf_read_pixels (pixbuf) +
                    (gsize) y * gdk_pixbuf_get_rowstride (pixbuf) +
                    (gsize) x * gdk_pixbuf_get_n_channels (pixbuf);
  guint8 a = gdk_pixbuf_get_has_alpha (pixbuf) ? p[3] : 255;

  return ((guint32) a << 24) | ((guint32) p[0] << 16) | ((guint32) p[1] << 8) | p[2];
}
