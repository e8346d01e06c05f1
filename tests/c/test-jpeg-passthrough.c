/* test-jpeg-passthrough.c: JPEG renders that code again only the blocks
 * they change, through the public API; coefficients compared with
 * libjpeg-turbo's coefficient API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <jpeglib.h>

#include "test-util.h"

#define W 640
#define H 480
/* the artwork's quad, and a box holding it and the MCUs its edges touch */
#define QX0 200
#define QY0 150
#define QX1 420
#define QY1 330

typedef struct
{
  gboolean grey;
  gboolean progressive;
  int quality;
  unsigned int restart_interval;
  gboolean exif_rotated;
} PhotoSpec;

typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
} TestError;

static void
test_error_exit (j_common_ptr cinfo)
{
  longjmp (((TestError *) cinfo->err)->jump, 1);
}

/* A textured photo written with libjpeg-turbo as @spec says. */
static char *
write_photo (const char      *dir,
             const char      *name,
             const PhotoSpec *spec)
{
  struct jpeg_compress_struct cinfo;
  struct jpeg_error_mgr jerr;
  char *path = g_build_filename (dir, name, NULL);
  FILE *file = fopen (path, "wb");
  guint8 row[W * 3];
  GRand *rand = g_rand_new_with_seed (7);

  g_assert_nonnull (file);
  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_compress (&cinfo);
  jpeg_stdio_dest (&cinfo, file);
  cinfo.image_width = W;
  cinfo.image_height = H;
  cinfo.input_components = spec->grey ? 1 : 3;
  cinfo.in_color_space = spec->grey ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&cinfo);
  jpeg_set_quality (&cinfo, spec->quality, TRUE);
  cinfo.restart_interval = spec->restart_interval;
  if (spec->progressive)
    jpeg_simple_progression (&cinfo);
  jpeg_start_compress (&cinfo, TRUE);
  if (spec->exif_rotated)
    {
      /* Exif, a little-endian TIFF header, one IFD entry: orientation 6 */
      static const guint8 exif[] = {
        'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0,
        1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0
      };
      jpeg_write_marker (&cinfo, JPEG_APP0 + 1, exif, sizeof exif);
    }
  jpeg_write_marker (&cinfo, JPEG_COM, (const JOCTET *) "kept", 4);
  for (int y = 0; y < H; y++)
    {
      for (int x = 0; x < W; x++)
        {
          double shade = 0.6 + 0.4 * sin (x * 0.03) * cos (y * 0.02);

          row[x * 3] = (guint8) CLAMP (200 * shade + g_rand_int_range (rand, -4, 4), 0, 255);
          row[x * 3 + 1] = (guint8) CLAMP (150 * shade + g_rand_int_range (rand, -4, 4), 0, 255);
          row[x * 3 + 2] = (guint8) CLAMP (90 + 60 * sin (y * 0.05) + g_rand_int_range (rand, -4, 4), 0, 255);
          if (spec->grey)
            row[x] = row[x * 3];
        }
      {
        JSAMPROW rows[1] = { row };

        jpeg_write_scanlines (&cinfo, rows, 1);
      }
    }
  jpeg_finish_compress (&cinfo);
  jpeg_destroy_compress (&cinfo);
  fclose (file);
  g_rand_free (rand);
  return path;
}

typedef struct
{
  struct jpeg_decompress_struct cinfo;
  TestError err;
  jvirt_barray_ptr *coefs;
  GBytes *bytes;
} Coefficients;

static void
coefficients_open (Coefficients *c,
                   GBytes       *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  memset (c, 0, sizeof *c);
  c->bytes = g_bytes_ref (bytes);
  c->cinfo.err = jpeg_std_error (&c->err.pub);
  c->err.pub.error_exit = test_error_exit;
  if (setjmp (c->err.jump))
    g_error ("the output is not a JPEG libjpeg-turbo reads");
  jpeg_create_decompress (&c->cinfo);
  jpeg_mem_src (&c->cinfo, data, size);
  jpeg_save_markers (&c->cinfo, JPEG_COM, 0xffff);
  jpeg_read_header (&c->cinfo, TRUE);
  c->coefs = jpeg_read_coefficients (&c->cinfo);
}

static void
coefficients_close (Coefficients *c)
{
  jpeg_destroy_decompress (&c->cinfo);
  g_bytes_unref (c->bytes);
}

static GBytes *
file_bytes (const char *path)
{
  char *data;
  gsize size;

  g_assert_true (g_file_get_contents (path, &data, &size, NULL));
  return g_bytes_new_take (data, size);
}

static GBytes *
render (const char *dir,
        const char *json,
        gboolean    passthrough,
        guint       quality,
        guint       max_size)
{
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autofree char *art_path = test_write_png (dir, "art.png", 64, 64, 0xff2050e0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (artwork);
  mockup_renderer_set_jpeg_passthrough (renderer, passthrough);
  mockup_renderer_set_quality (renderer, quality);
  mockup_renderer_set_max_size (renderer, max_size);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  return g_bytes_ref (mockup_result_get_bytes (result));
}

static const char *quad_json =
  "{\"format\": 1, \"id\": \"t\", \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
  " {\"type\": \"artwork\", \"quad\": [[210, 160], [410, 170], [400, 320], [220, 310]]}]}";

/* Whether @out has @photo's quantisation tables: the sign of the path. */
static gboolean
same_tables (Coefficients *photo,
             Coefficients *out)
{
  for (int c = 0; c < photo->cinfo.num_components; c++)
    {
      JQUANT_TBL *a = photo->cinfo.comp_info[c].quant_table, *b = out->cinfo.comp_info[c].quant_table;

      if (a == NULL || b == NULL || memcmp (a->quantval, b->quantval, sizeof a->quantval) != 0)
        return FALSE;
    }
  return TRUE;
}

/* Counts blocks that differ outside the box, and inside it in *inside. */
static guint
count_blocks (Coefficients *photo,
              Coefficients *out,
              int           x0,
              int           y0,
              int           x1,
              int           y1,
              guint        *inside)
{
  guint n = 0;

  *inside = 0;

  g_assert_cmpint (photo->cinfo.num_components, ==, out->cinfo.num_components);
  for (int c = 0; c < photo->cinfo.num_components; c++)
    {
      jpeg_component_info *pc = &photo->cinfo.comp_info[c], *oc = &out->cinfo.comp_info[c];
      int bw = 8 * photo->cinfo.max_h_samp_factor / pc->h_samp_factor;
      int bh = 8 * photo->cinfo.max_v_samp_factor / pc->v_samp_factor;

      g_assert_cmpint (pc->h_samp_factor, ==, oc->h_samp_factor);
      g_assert_cmpint (pc->v_samp_factor, ==, oc->v_samp_factor);
      for (JDIMENSION by = 0; by < pc->height_in_blocks; by++)
        {
          JBLOCKARRAY a = photo->cinfo.mem->access_virt_barray ((j_common_ptr) &photo->cinfo, photo->coefs[c], by, 1, FALSE);
          JBLOCKARRAY b = out->cinfo.mem->access_virt_barray ((j_common_ptr) &out->cinfo, out->coefs[c], by, 1, FALSE);

          for (JDIMENSION bx = 0; bx < pc->width_in_blocks; bx++)
            if (memcmp (a[0][bx], b[0][bx], sizeof (JBLOCK)) != 0)
              {
                int px = (int) bx * bw, py = (int) by * bh;

                if (px + bw <= x0 || px >= x1 || py + bh <= y0 || py >= y1)
                  n++;
                else
                  (*inside)++;
              }
        }
    }
  return n;
}

/* Counts blocks that differ; fails if one differs outside the box. */
static guint
compare_blocks (Coefficients *photo,
                Coefficients *out,
                int           x0,
                int           y0,
                int           x1,
                int           y1)
{
  guint inside;

  g_assert_cmpuint (count_blocks (photo, out, x0, y0, x1, y1, &inside), ==, 0);
  return inside;
}

static double
psnr_in_box (GBytes *a,
             GBytes *b,
             int     x0,
             int     y0,
             int     x1,
             int     y1)
{
  g_autoptr(GdkPixbuf) pa = NULL, pb = NULL;
  g_autoptr(GInputStream) sa = g_memory_input_stream_new_from_bytes (a);
  g_autoptr(GInputStream) sb = g_memory_input_stream_new_from_bytes (b);
  double sum = 0.0;
  guint n = 0;

  pa = gdk_pixbuf_new_from_stream (sa, NULL, NULL);
  pb = gdk_pixbuf_new_from_stream (sb, NULL, NULL);
  g_assert_nonnull (pa);
  g_assert_nonnull (pb);
  for (int y = y0; y < y1; y++)
    for (int x = x0; x < x1; x++)
      for (int k = 0; k < 3; k++)
        {
          double d = gdk_pixbuf_get_pixels (pa)[y * gdk_pixbuf_get_rowstride (pa) + x * 3 + k] -
                     (double) gdk_pixbuf_get_pixels (pb)[y * gdk_pixbuf_get_rowstride (pb) + x * 3 + k];

          sum += d * d;
          n++;
        }
  return sum == 0.0 ? INFINITY : 10.0 * log10 (255.0 * 255.0 / (sum / n));
}

/* The path taken: blocks outside the print are the photo's, inside they
 * are within 45 dB of today's path, the photo's markers are kept. */
static void
check_passthrough (const PhotoSpec *spec)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *photo_path = write_photo (dir, "photo.jpg", spec);
  g_autoptr(GBytes) photo_bytes = file_bytes (photo_path);
  /* at the photo's quality (94: below 95, today's path keeps 4:2:0) */
  g_autoptr(GBytes) out = render (dir, quad_json, TRUE, spec->quality, 0);
  g_autoptr(GBytes) today = render (dir, quad_json, FALSE, spec->quality, 0);
  Coefficients photo, result;
  gboolean kept_comment = FALSE;
  guint changed;
  double psnr;

  coefficients_open (&photo, photo_bytes);
  coefficients_open (&result, out);
  g_assert_true (same_tables (&photo, &result));
  g_assert_cmpint (result.cinfo.progressive_mode, ==, photo.cinfo.progressive_mode);
  g_assert_cmpuint (result.cinfo.restart_interval, ==, photo.cinfo.restart_interval);
  for (jpeg_saved_marker_ptr m = result.cinfo.marker_list; m != NULL; m = m->next)
    kept_comment |= m->marker == JPEG_COM && m->data_length == 4 && memcmp (m->data, "kept", 4) == 0;
  g_assert_true (kept_comment);
  /* an MCU (16 pixels) and the antialiased edge around the quad */
  changed = compare_blocks (&photo, &result, QX0 - 2, QY0 - 2, QX1 + 2, QY1 + 2);
  g_assert_cmpuint (changed, >, 100);
  coefficients_close (&photo);
  coefficients_close (&result);

  psnr = psnr_in_box (out, today, QX0, QY0, QX1, QY1);
  g_test_message ("PSNR against today's path inside the print's box: %.1f dB", psnr);
  g_assert_cmpfloat (psnr, >=, 45.0);

  /* the other way, the whole photo is coded again */
  coefficients_open (&photo, photo_bytes);
  coefficients_open (&result, today);
  g_assert_cmpint (result.cinfo.progressive_mode, ==, FALSE);
  {
    guint inside;

    g_assert_cmpuint (count_blocks (&photo, &result, QX0 - 2, QY0 - 2, QX1 + 2, QY1 + 2, &inside), >, 1000);
  }
  coefficients_close (&photo);
  coefficients_close (&result);
}

static void
test_baseline (void)
{
  PhotoSpec spec = { .quality = 94 };

  check_passthrough (&spec);
}

static void
test_restart_intervals (void)
{
  PhotoSpec spec = { .quality = 94, .restart_interval = 7 };

  check_passthrough (&spec);
}

static void
test_progressive (void)
{
  PhotoSpec spec = { .quality = 94, .progressive = TRUE };

  check_passthrough (&spec);
}

/* Where it does not apply, the output has today's tables (quality 90). */
static void
check_fallback (const PhotoSpec *spec,
                const char      *json,
                guint            quality,
                guint            max_size)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *photo_path = write_photo (dir, "photo.jpg", spec);
  g_autoptr(GBytes) photo_bytes = file_bytes (photo_path);
  g_autoptr(GBytes) out = render (dir, json, TRUE, quality, max_size);
  g_autoptr(GBytes) today = render (dir, json, FALSE, quality, max_size);
  Coefficients photo, result;

  coefficients_open (&photo, photo_bytes);
  coefficients_open (&result, out);
  g_assert_false (same_tables (&photo, &result));
  coefficients_close (&photo);
  coefficients_close (&result);
  g_assert_true (g_bytes_equal (out, today));
}

static void
test_fallbacks (void)
{
  PhotoSpec grey = { .quality = 95, .grey = TRUE };
  PhotoSpec rotated = { .quality = 95, .exif_rotated = TRUE };
  PhotoSpec plain = { .quality = 95 };
  PhotoSpec coarse = { .quality = 75 };
  const char *full_frame =
    "{\"format\": 1, \"id\": \"t\", \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
    " {\"type\": \"color\", \"color\": \"#ff0000\", \"opacity\": 0.3, \"blend\": \"multiply\"}]}";

  check_fallback (&grey, quad_json, 90, 0);
  check_fallback (&rotated, quad_json, 90, 0);
  /* a quality above the photo's: its tables would be coarser than asked */
  check_fallback (&plain, quad_json, 98, 0);
  check_fallback (&coarse, quad_json, 90, 0);
  /* scaled */
  check_fallback (&plain, quad_json, 90, 320);
  /* every block changes */
  check_fallback (&plain, full_frame, 90, 0);
}

/* An overlay transparent but for a corner changes only that corner's
 * blocks; its block map is made once and kept with the template. */
static void
test_overlay (void)
{
  g_autofree char *dir = test_make_dir ();
  PhotoSpec spec = { .quality = 95 };
  g_autofree char *photo_path = write_photo (dir, "photo.jpg", &spec);
  g_autoptr(GBytes) photo_bytes = file_bytes (photo_path);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, W, H);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *overlay = g_build_filename (dir, "overlay.png", NULL);
  const char *json =
    "{\"format\": 1, \"id\": \"t\", \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
    " {\"type\": \"image\", \"source\": \"overlay.png\"}]}";
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autofree char *art_path = test_write_png (dir, "art.png", 8, 8, 0xffffffff);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, NULL);
  Coefficients photo, result;
  g_autoptr(GBytes) first = NULL;

  cairo_set_source_rgba (cr, 0.1, 0.9, 0.2, 0.5);
  cairo_rectangle (cr, 500, 20, 100, 60);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, overlay), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  template = test_template (dir, json);

  for (int i = 0; i < 2; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MockupResult) r = mockup_renderer_render (renderer, artwork, template, NULL, &error);

      g_assert_no_error (error);
      if (i == 0)
        {
          first = g_bytes_ref (mockup_result_get_bytes (r));
          continue;
        }
      /* from the kept block map, the same */
      g_assert_true (g_bytes_equal (first, mockup_result_get_bytes (r)));
    }

  coefficients_open (&photo, photo_bytes);
  coefficients_open (&result, first);
  g_assert_true (same_tables (&photo, &result));
  g_assert_cmpuint (compare_blocks (&photo, &result, 496, 16, 608, 96), >, 20);
  coefficients_close (&photo);
  coefficients_close (&result);
}

static GBytes *
render_on (MockupTemplate *template,
           const char     *dir,
           guint32         colour)
{
  g_autofree char *name = g_strdup_printf ("art-%08x.png", colour);
  g_autofree char *art_path = test_write_png (dir, name, 48, 80, colour);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (artwork);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  return g_bytes_ref (mockup_result_get_bytes (result));
}

/* A quad at the right edge: the band below it starts after a changed
 * MCU, so its first MCU's DC differences are coded again. */
static const char *edge_json =
  "{\"format\": 1, \"id\": \"t\", \"layers\": [{\"type\": \"image\", \"source\": \"photo.jpg\"},"
  " {\"type\": \"artwork\", \"quad\": [[560, 100], [640, 104], [640, 196], [566, 200]]}]}";

/* Later renders of a template skip the photo's untouched bands from
 * where the first one found them: the same bytes as a fresh template
 * gives, whatever the artwork; a photo changed on disk is not read
 * through the stale band starts. */
static void
check_second_render (const char *json)
{
  g_autofree char *dir = test_make_dir ();
  PhotoSpec spec = { .quality = 94 };
  g_autofree char *photo_path = write_photo (dir, "photo.jpg", &spec);
  g_autoptr(GBytes) photo_bytes = file_bytes (photo_path);
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupTemplate) fresh = NULL;
  g_autoptr(GBytes) a1 = render_on (template, dir, 0xff2050e0);
  g_autoptr(GBytes) b = render_on (template, dir, 0xffe08020);
  g_autoptr(GBytes) a2 = render_on (template, dir, 0xff2050e0);
  g_autoptr(GBytes) b_fresh = NULL;
  g_autoptr(GBytes) changed = NULL;
  g_autoptr(GBytes) changed_fresh = NULL;
  Coefficients photo, result;

  g_assert_true (g_bytes_equal (a1, a2));
  fresh = test_template (dir, json);
  b_fresh = render_on (fresh, dir, 0xffe08020);
  g_assert_true (g_bytes_equal (b, b_fresh));
  g_assert_false (g_bytes_equal (a1, b));
  coefficients_open (&photo, photo_bytes);
  coefficients_open (&result, b);
  g_assert_true (same_tables (&photo, &result));
  if (json == quad_json)
    g_assert_cmpuint (compare_blocks (&photo, &result, QX0 - 2, QY0 - 2, QX1 + 2, QY1 + 2), >, 100);
  else
    g_assert_cmpuint (compare_blocks (&photo, &result, 544, 80, 640, 224), >, 20);
  coefficients_close (&photo);
  coefficients_close (&result);

  /* the same size, other contents: the template's band starts are
   * refused, and the render is a fresh template's */
  spec.quality = 97;
  g_free (write_photo (dir, "photo.jpg", &spec));
  changed = render_on (template, dir, 0xff2050e0);
  g_clear_object (&fresh);
  fresh = test_template (dir, json);
  changed_fresh = render_on (fresh, dir, 0xff2050e0);
  g_assert_true (g_bytes_equal (changed, changed_fresh));
}

static void
test_second_render (void)
{
  check_second_render (quad_json);
  check_second_render (edge_json);
}

/* A cut or scrambled photo: an error naming it, never a crash. */
static void
test_hostile (void)
{
  PhotoSpec spec = { .quality = 95 };

  for (int kind = 0; kind < 3; kind++)
    {
      g_autofree char *dir = test_make_dir ();
      g_autofree char *photo_path = write_photo (dir, "photo.jpg", &spec);
      g_autofree char *data = NULL;
      gsize size;
      g_autoptr(MockupTemplate) template = NULL;
      g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
      g_autofree char *art_path = test_write_png (dir, "art.png", 8, 8, 0xffffffff);
      g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, NULL);
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;

      template = test_template (dir, quad_json);
      g_assert_true (g_file_get_contents (photo_path, &data, &size, NULL));
      if (kind == 0)
        size = size * 6 / 10;                   /* cut in the entropy-coded data */
      else if (kind == 1)
        size = size / 2;
      else
        for (gsize i = size / 3; i < size - 2; i += 97)
          data[i] = (char) (data[i] * 31 + 7);  /* scrambled */
      g_assert_true (g_file_set_contents (photo_path, data, (gssize) size, NULL));

      result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
      if (kind < 2)
        {
          g_assert_null (result);
          g_assert_nonnull (error);
          g_assert_nonnull (strstr (error->message, "photo.jpg"));
        }
      else
        g_assert_true ((result == NULL) != (error == NULL));
    }
}

/* Random damage to the entropy-coded data and random cuts: a result or
 * an error, never a crash (and, under valgrind, no bad read). */
static void
test_damaged (void)
{
  PhotoSpec spec = { .quality = 94, .restart_interval = 0 };
  g_autofree char *dir = test_make_dir ();
  g_autofree char *photo_path = write_photo (dir, "photo.jpg", &spec);
  g_autofree char *art_path = test_write_png (dir, "art.png", 8, 8, 0xffffffff);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autofree char *original = NULL;
  gsize size;
  GRand *rand = g_rand_new_with_seed (18);

  g_assert_true (g_file_get_contents (photo_path, &original, &size, NULL));
  for (int i = 0; i < 24; i++)
    {
      g_autofree char *data = g_memdup2 (original, size);
      gsize length = size;
      g_autoptr(MockupTemplate) template = NULL;
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;

      if (i % 3 == 2)
        length = (gsize) g_rand_int_range (rand, (gint32) (size / 4), (gint32) size);
      else
        for (int k = 0; k < 1 + i; k++)
          data[g_rand_int_range (rand, (gint32) (size / 4), (gint32) size - 2)] = (char) g_rand_int_range (rand, 0, 256);
      g_assert_true (g_file_set_contents (photo_path, data, (gssize) length, NULL));
      template = test_template (dir, quad_json);
      result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
      g_assert_true ((result == NULL) != (error == NULL));
      if (error != NULL)
        g_assert_nonnull (strstr (error->message, "photo.jpg"));
    }
  g_rand_free (rand);
}

static void
test_property (void)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  gboolean value;

  g_assert_true (mockup_renderer_get_jpeg_passthrough (renderer));
  g_object_set (renderer, "jpeg-passthrough", FALSE, NULL);
  g_object_get (renderer, "jpeg-passthrough", &value, NULL);
  g_assert_false (value);
  g_assert_false (mockup_renderer_get_jpeg_passthrough (renderer));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/jpeg-passthrough/property", test_property);
  g_test_add_func ("/jpeg-passthrough/baseline", test_baseline);
  g_test_add_func ("/jpeg-passthrough/restart-intervals", test_restart_intervals);
  g_test_add_func ("/jpeg-passthrough/progressive", test_progressive);
  g_test_add_func ("/jpeg-passthrough/fallbacks", test_fallbacks);
  g_test_add_func ("/jpeg-passthrough/overlay", test_overlay);
  g_test_add_func ("/jpeg-passthrough/second-render", test_second_render);
  g_test_add_func ("/jpeg-passthrough/hostile", test_hostile);
  g_test_add_func ("/jpeg-passthrough/damaged", test_damaged);
  return g_test_run ();
}
