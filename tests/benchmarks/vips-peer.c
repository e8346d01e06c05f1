/* vips-peer.c: the benchmark's batch done with libvips, the fastest way
 * libvips allows, to measure ourselves against (issue 18)
 *
 * vips-peer [--parallel N] [--concurrency C] [--quality Q] [--save DIR] FIXTURES
 *
 * The same job as mockup-bench on the same fixtures: for every template
 * folder under FIXTURES (template.json: an image layer, the photo, and an
 * artwork layer with a "quad"), the artwork (FIXTURES/artwork.png) fitted
 * to cover the quad's aspect, centred, warped in perspective onto the
 * quad, composited over the photo and encoded as JPEG q90 into memory.
 *
 * What an expert would do to make libvips fast at it:
 *  - the artwork is decoded once, sequentially, and shrunk once (Lanczos)
 *    to the most detail any template's slot can show, premultiplied, and
 *    kept in memory: every template samples that small copy;
 *  - each template's warp is a vips_mapim () over the quad's bounding box
 *    only: an index image of the inverse perspective (vips_xyz, one
 *    vips_recomb and a divide, all lazy), sampled bilinearly;
 *  - composited over that box of the photo only (vips_composite2,
 *    premultiplied) and put back with vips_insert (): the rest of the
 *    photo goes from the JPEG decoder to the encoder untouched;
 *  - the photo is opened with sequential access, so that the pipeline
 *    streams from decoder to encoder in strips;
 *  - several templates at once (--parallel, default: one per processor),
 *    each pipeline with --concurrency worker threads of libvips (default
 *    1: on a small machine templates in parallel beat threads per image).
 *
 * Prints one JSON line like mockup-bench's: wall time, peak RSS (VmHWM),
 * bytes produced and each template's time. --save DIR writes the outputs
 * as DIR/ID.jpg, for check_vips_peer.py.
 *
 * Built by tests/benchmarks/meson.build only when libvips is found
 * (Debian's libvips-dev: build-aux/install-deps bench).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <vips/vips.h>

typedef struct
{
  char *dir;
  char *id;
  char *photo;
  double quad[4][2];
  /* results */
  gsize bytes;
  double render_ms;
  int width, height;
  char *error;
} Template;

typedef struct
{
  VipsImage *artwork;     /* shrunk, premultiplied, in memory */
  double scale;           /* of the shrunk artwork to the original */
  int quality;
  const char *save;
} Job;

static guint64
status_kb (const char *field)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return 0;
  line = strstr (status, field);
  return line != NULL ? g_ascii_strtoull (line + strlen (field), NULL, 10) : 0;
}

static gboolean
load_template (Template  *t,
               GError   **error)
{
  g_autofree char *path = g_build_filename (t->dir, "template.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root;
  JsonArray *layers;

  if (!json_parser_load_from_file (parser, path, error))
    return FALSE;
  root = json_node_get_object (json_parser_get_root (parser));
  t->id = g_strdup (json_object_has_member (root, "id") ? json_object_get_string_member (root, "id")
                                                         : "template");
  layers = json_object_get_array_member (root, "layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    {
      JsonObject *layer = json_array_get_object_element (layers, i);
      const char *type = json_object_get_string_member (layer, "type");

      if (g_strcmp0 (type, "image") == 0 && t->photo == NULL)
        t->photo = g_build_filename (t->dir, json_object_get_string_member (layer, "source"), NULL);
      else if (g_strcmp0 (type, "artwork") == 0)
        {
          JsonArray *quad = json_object_get_array_member (layer, "quad");

          for (int k = 0; k < 4; k++)
            for (int c = 0; c < 2; c++)
              t->quad[k][c] = json_array_get_double_element (json_array_get_array_element (quad, k), c);
        }
    }
  if (t->photo == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s: no image layer", path);
      return FALSE;
    }
  return TRUE;
}

static double
slot_aspect (const double q[4][2])
{
  double top = hypot (q[1][0] - q[0][0], q[1][1] - q[0][1]);
  double bottom = hypot (q[2][0] - q[3][0], q[2][1] - q[3][1]);
  double left = hypot (q[3][0] - q[0][0], q[3][1] - q[0][1]);
  double right = hypot (q[2][0] - q[1][0], q[2][1] - q[1][1]);

  return (top + bottom) / MAX (left + right, 1e-9);
}

/* The centred crop of a @w × @h image with the slot's aspect, as x0, y0,
 * x1, y1 (pixel edges): "cover". */
static void
cover_box (double w,
           double h,
           double aspect,
           double box[4])
{
  if (w / h > aspect)
    {
      double cw = h * aspect;

      box[0] = (w - cw) / 2, box[1] = 0, box[2] = box[0] + cw, box[3] = h;
    }
  else
    {
      double ch = w / aspect;

      box[0] = 0, box[1] = (h - ch) / 2, box[2] = w, box[3] = box[1] + ch;
    }
}

/* How many artwork pixels a pixel of the slot needs at most, along its
 * longest edge: the scale the artwork is shrunk to. */
static double
needed_scale (const Template *t,
              int             art_w,
              int             art_h)
{
  double box[4], best = 0;

  cover_box (art_w, art_h, slot_aspect (t->quad), box);
  for (int k = 0; k < 4; k++)
    {
      const double *a = t->quad[k], *b = t->quad[(k + 1) % 4];
      double edge = hypot (b[0] - a[0], b[1] - a[1]);
      double source = (k % 2 == 0) ? box[2] - box[0] : box[3] - box[1];

      best = MAX (best, edge / source);
    }
  return best;
}

/* The projective map of the unit square onto quad @q (Heckbert), as a
 * 3 × 3 matrix, row-major. */
static void
square_to_quad (const double q[4][2],
                double       m[9])
{
  double sx = q[0][0] - q[1][0] + q[2][0] - q[3][0];
  double sy = q[0][1] - q[1][1] + q[2][1] - q[3][1];
  double g = 0, h = 0;

  if (fabs (sx) > 1e-12 || fabs (sy) > 1e-12)
    {
      double dx1 = q[1][0] - q[2][0], dx2 = q[3][0] - q[2][0];
      double dy1 = q[1][1] - q[2][1], dy2 = q[3][1] - q[2][1];
      double den = dx1 * dy2 - dx2 * dy1;

      g = (sx * dy2 - dx2 * sy) / den;
      h = (dx1 * sy - sx * dy1) / den;
    }
  m[0] = q[1][0] - q[0][0] + g * q[1][0];
  m[1] = q[3][0] - q[0][0] + h * q[3][0];
  m[2] = q[0][0];
  m[3] = q[1][1] - q[0][1] + g * q[1][1];
  m[4] = q[3][1] - q[0][1] + h * q[3][1];
  m[5] = q[0][1];
  m[6] = g;
  m[7] = h;
  m[8] = 1;
}

static void
adjugate (const double m[9],
          double       a[9])
{
  a[0] = m[4] * m[8] - m[5] * m[7];
  a[1] = m[2] * m[7] - m[1] * m[8];
  a[2] = m[1] * m[5] - m[2] * m[4];
  a[3] = m[5] * m[6] - m[3] * m[8];
  a[4] = m[0] * m[8] - m[2] * m[6];
  a[5] = m[2] * m[3] - m[0] * m[5];
  a[6] = m[3] * m[7] - m[4] * m[6];
  a[7] = m[1] * m[6] - m[0] * m[7];
  a[8] = m[0] * m[4] - m[1] * m[3];
}

static void
multiply (const double a[9],
          const double b[9],
          double       out[9])
{
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
}

/* One template, start to JPEG bytes. Every image made here is unreffed
 * with @context, by the caller. */
static gboolean
render_with (VipsObject  *context,
             Job         *job,
             Template    *t,
             GError     **error)
{
  VipsImage **v = (VipsImage **) vips_object_local_array (context, 13);
  VipsArrayDouble *transparent = vips_array_double_newv (4, 0.0, 0.0, 0.0, 0.0);
  VipsImage *photo, *art = job->artwork;
  double box[4], unit[9], inverse[9], to_art[9], pixel[9], m[9];
  int left, top, right, bottom;
  void *buffer = NULL;
  size_t length = 0;
  gint64 start = g_get_monotonic_time ();

  if (!(photo = v[0] = vips_image_new_from_file (t->photo, "access", VIPS_ACCESS_SEQUENTIAL, NULL)))
    goto failed;
  t->width = photo->Xsize;
  t->height = photo->Ysize;

  /* the quad's box, whole pixels, inside the photo */
  left = right = (int) t->quad[0][0];
  top = bottom = (int) t->quad[0][1];
  for (int k = 0; k < 4; k++)
    {
      left = MIN (left, (int) floor (t->quad[k][0]));
      right = MAX (right, (int) ceil (t->quad[k][0]));
      top = MIN (top, (int) floor (t->quad[k][1]));
      bottom = MAX (bottom, (int) ceil (t->quad[k][1]));
    }
  left = CLAMP (left - 1, 0, photo->Xsize - 1);
  top = CLAMP (top - 1, 0, photo->Ysize - 1);
  right = CLAMP (right + 1, left + 1, photo->Xsize);
  bottom = CLAMP (bottom + 1, top + 1, photo->Ysize);

  /* photo pixel centre (left + x + 0.5, top + y + 0.5) -> unit square ->
   * the cover box of the shrunk artwork -> its pixel centres (-0.5) */
  cover_box (art->Xsize, art->Ysize, slot_aspect (t->quad), box);
  /* what lies outside the cover box must not show: the artwork is cut to
   * it (whole pixels), so that mapim's background is there instead */
  {
    int x0 = (int) floor (box[0]), y0 = (int) floor (box[1]);
    int x1 = MIN ((int) ceil (box[2]), art->Xsize), y1 = MIN ((int) ceil (box[3]), art->Ysize);

    if (vips_crop (art, &v[12], x0, y0, x1 - x0, y1 - y0, NULL))
      goto failed;
    art = v[12];
    box[0] -= x0, box[2] -= x0, box[1] -= y0, box[3] -= y0;
  }
  square_to_quad (t->quad, unit);
  adjugate (unit, inverse);
  {
    const double s[9] = { box[2] - box[0], 0, box[0] - 0.5, 0, box[3] - box[1], box[1] - 0.5, 0, 0, 1 };
    const double p[9] = { 1, 0, left + 0.5, 0, 1, top + 0.5, 0, 0, 1 };

    multiply (s, inverse, to_art);
    multiply (to_art, p, pixel);
  }
  memcpy (m, pixel, sizeof m);

  /* the index image: (u, v, w) = M (x, y, 1); (u / w, v / w) */
  if (!(v[1] = vips_image_new_matrix_from_array (3, 3, m, 9)) ||
      vips_xyz (&v[2], right - left, bottom - top, NULL) ||
      vips_bandjoin_const1 (v[2], &v[3], 1.0, NULL) ||
      vips_recomb (v[3], &v[4], v[1], NULL) ||
      vips_extract_band (v[4], &v[5], 0, "n", 2, NULL) ||
      vips_extract_band (v[4], &v[6], 2, NULL) ||
      vips_divide (v[5], v[6], &v[7], NULL) ||
      vips_mapim (art, &v[8], v[7], "interpolate", vips_interpolate_bilinear_static (),
                  "premultiplied", TRUE, "extend", VIPS_EXTEND_BACKGROUND,
                  "background", transparent, NULL) ||
      vips_extract_area (photo, &v[9], left, top, right - left, bottom - top, NULL) ||
      vips_composite2 (v[9], v[8], &v[10], VIPS_BLEND_MODE_OVER, "premultiplied", TRUE, NULL) ||
      vips_extract_band (v[10], &v[11], 0, "n", 3, NULL))
    goto failed;
  vips_area_unref (VIPS_AREA (transparent));
  transparent = NULL;
  {
    VipsImage *inserted = NULL, *out = NULL;

    if (vips_cast_uchar (v[11], &out, NULL) ||
        vips_insert (photo, out, &inserted, left, top, NULL) ||
        vips_jpegsave_buffer (inserted, &buffer, &length, "Q", job->quality, NULL))
      {
        g_clear_object (&out);
        g_clear_object (&inserted);
        goto failed;
      }
    g_object_unref (out);
    g_object_unref (inserted);
  }

  t->bytes = length;
  t->render_ms = (g_get_monotonic_time () - start) / 1000.0;
  if (job->save != NULL)
    {
      g_autofree char *name = g_strconcat (t->id, ".jpg", NULL);
      g_autofree char *path = g_build_filename (job->save, name, NULL);

      if (!g_file_set_contents (path, buffer, (gssize) length, error))
        {
          g_free (buffer);
          return FALSE;
        }
    }
  g_free (buffer);
  return TRUE;

failed:
  if (transparent != NULL)
    vips_area_unref (VIPS_AREA (transparent));
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s: %s", t->id, vips_error_buffer ());
  vips_error_clear ();
  return FALSE;
}

/* g_ptr_array_sort () passes pointers to the elements */
static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

static void
render_in_pool (gpointer data,
                gpointer user_data)
{
  Template *t = data;
  g_autoptr(GError) error = NULL;
  VipsObject *context = VIPS_OBJECT (vips_image_new ());

  if (!render_with (context, user_data, t, &error))
    t->error = g_strdup (error->message);
  g_object_unref (context);
  vips_thread_shutdown ();
}

int
main (int    argc,
      char **argv)
{
  int parallel = (int) g_get_num_processors (), concurrency = 1, quality = 90;
  char *save = NULL, *artwork_path = NULL;
  GOptionEntry entries[] = {
    { "parallel", 0, 0, G_OPTION_ARG_INT, &parallel, "Templates at once (default: processors)", "N" },
    { "concurrency", 0, 0, G_OPTION_ARG_INT, &concurrency, "libvips threads per template (default 1)", "C" },
    { "quality", 0, 0, G_OPTION_ARG_INT, &quality, "JPEG quality (default 90)", "Q" },
    { "artwork", 0, 0, G_OPTION_ARG_FILENAME, &artwork_path, "Artwork (default FIXTURES/artwork.png)", "FILE" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &save, "Write the outputs to DIR/ID.jpg", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FIXTURES");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) templates = g_ptr_array_new ();
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GString) results = g_string_new ("");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  VipsImage *original = NULL, *shrunk = NULL, *premultiplied = NULL, *narrow = NULL;
  GThreadPool *pool;
  Job job = { 0 };
  const char *name;
  double scale = 0;
  gint64 start;
  gsize total = 0;
  int failures = 0;

  if (VIPS_INIT (argv[0]))
    vips_error_exit (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "usage: vips-peer [OPTION…] FIXTURES");
      return 2;
    }
  /* nothing computed is reused across templates but the artwork, which
   * is held explicitly: the operation cache would only cost memory */
  vips_cache_set_max (0);
  vips_concurrency_set (MAX (concurrency, 1));
  if (save != NULL)
    g_mkdir_with_parents (save, 0755);

  if (!(dir = g_dir_open (argv[1], 0, &error)))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *manifest = g_build_filename (argv[1], name, "template.json", NULL);

      if (g_file_test (manifest, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < names->len; i++)
    {
      Template *t = g_new0 (Template, 1);

      t->dir = g_build_filename (argv[1], g_ptr_array_index (names, i), NULL);
      if (!load_template (t, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_ptr_array_add (templates, t);
    }

  /* the artwork: decoded once, shrunk once to what the most demanding
   * slot can show, premultiplied for the bilinear warp, kept in memory */
  if (artwork_path == NULL)
    artwork_path = g_build_filename (argv[1], "artwork.png", NULL);
  if (!(original = vips_image_new_from_file (artwork_path, "access", VIPS_ACCESS_SEQUENTIAL, NULL)))
    vips_error_exit (NULL);
  for (guint i = 0; i < templates->len; i++)
    scale = MAX (scale, needed_scale (g_ptr_array_index (templates, i), original->Xsize, original->Ysize));
  scale = MIN (scale, 1.0);
  if (original->Bands == 3)
    {
      VipsImage *with_alpha;

      if (vips_bandjoin_const1 (original, &with_alpha, 255.0, NULL))
        vips_error_exit (NULL);
      g_object_unref (original);
      original = with_alpha;
    }
  if (vips_resize (original, &shrunk, scale, NULL) ||
      vips_premultiply (shrunk, &premultiplied, NULL) ||
      vips_cast_uchar (premultiplied, &narrow, NULL) ||
      !(job.artwork = vips_image_copy_memory (narrow)))
    vips_error_exit (NULL);
  g_object_unref (narrow);
  g_object_unref (premultiplied);
  g_object_unref (shrunk);
  g_object_unref (original);
  job.scale = scale;
  job.quality = quality;
  job.save = save;

  pool = g_thread_pool_new (render_in_pool, &job, MAX (parallel, 1), TRUE, NULL);
  for (guint i = 0; i < templates->len; i++)
    g_thread_pool_push (pool, g_ptr_array_index (templates, i), NULL);
  g_thread_pool_free (pool, FALSE, TRUE);

  for (guint i = 0; i < templates->len; i++)
    {
      Template *t = g_ptr_array_index (templates, i);

      if (t->error != NULL)
        {
          g_printerr ("vips-peer: %s\n", t->error);
          failures++;
          continue;
        }
      total += t->bytes;
      g_string_append_printf (results, "%s{\"id\": \"%s\", \"width\": %d, \"height\": %d, "
                              "\"bytes\": %" G_GSIZE_FORMAT ", \"render_ms\": %.2f}",
                              results->len > 0 ? ", " : "", t->id, t->width, t->height,
                              t->bytes, t->render_ms);
    }

  g_print ("{\"program\": \"vips-peer\", \"vips\": \"%s\", \"parallel\": %d, \"concurrency\": %d, "
           "\"artwork_scale\": %.4f, \"templates\": %u, \"n_results\": %u, \"wall_s\": %.4f, "
           "\"bytes\": %" G_GSIZE_FORMAT ", \"peak_rss_kb\": %" G_GUINT64_FORMAT ", "
           "\"results\": [%s]}\n",
           vips_version_string (), parallel, concurrency, scale, templates->len,
           templates->len - failures, (g_get_monotonic_time () - start) / 1e6, total,
           status_kb ("VmHWM:"), results->str);

  g_object_unref (job.artwork);
  vips_shutdown ();
  return failures > 0 ? 1 : 0;
}
