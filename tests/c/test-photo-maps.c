/* test-photo-maps.c: shading, displacement and colour masks made from a
 * photo, through the public API
 *
 * Synthetic photos with known light: the maps read back must hold that
 * light (shading), its slopes (displacement) or the coloured shape (mask).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>

#include "test-util.h"

#define W 480
#define H 320

/* test_pixel () gives 0xAARRGGBB */
#define RED(p)   ((int) (((p) >> 16) & 0xff))
#define GREEN(p) ((int) (((p) >> 8) & 0xff))
#define BLUE(p)  ((int) ((p) & 0xff))

/* the slot, on the product: a rectangle well inside the photo */
static const double slot[] = { 80, 60, 400, 60, 400, 260, 80, 260 };

static char *dir;

/* The light across the product, a smooth ramp from 0.7 to 1.3. */
static double
ramp (int x,
      int y)
{
  return 0.7 + 0.5 * (x + 0.5) / W + 0.1 * (y + 0.5) / H;
}

/* A grey photo: a dark wall, and the product (40..440 × 30..290) in
 * 0.55 × @light. */
static char *
write_photo (const char *name,
             double    (*light) (int x, int y))
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);
  char *path = g_build_filename (dir, name, NULL);

  cairo_surface_flush (surface);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gboolean product = x >= 40 && x < 440 && y >= 30 && y < 290;
        guint v = (guint) lround (CLAMP (product ? 0.55 * light (x, y) : 0.12, 0, 1) * 255);

        ((guint32 *) (data + y * stride))[x] = 0xff000000u | v << 16 | v << 8 | v;
      }
  cairo_surface_mark_dirty (surface);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static GdkPixbuf *
load_map (const char *path)
{
  GError *error = NULL;
  GdkPixbuf *map = gdk_pixbuf_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_cmpint (gdk_pixbuf_get_width (map), ==, W);
  g_assert_cmpint (gdk_pixbuf_get_height (map), ==, H);
  return map;
}

static void
test_shading_gradient (void)
{
  g_autofree char *photo = write_photo ("ramp.png", ramp);
  g_autofree char *out = g_build_filename (dir, "shading.png", NULL);
  g_autoptr(GdkPixbuf) map = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *values = g_new (double, W * H);
  double median, worst = 0;
  int n = 0;

  g_assert_true (mockup_photo_maps_shading (photo, slot, G_N_ELEMENTS (slot), 2.0, out,
                                            NULL, &error));
  g_assert_no_error (error);
  map = load_map (out);

  /* the median of the photo's own (8-bit) values under the slot */
  for (int y = 60; y < 260; y++)
    for (int x = 80; x < 400; x++)
      values[n++] = round (0.55 * ramp (x, y) * 255) / 255;
  qsort (values, n, sizeof (double), compare_doubles);
  median = (values[n / 2 - 1] + values[n / 2]) / 2;

  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double got = RED (test_pixel (map, x, y));

        if (x >= 80 + 6 && x < 400 - 6 && y >= 60 + 6 && y < 260 - 6)
          {
            double want = 0.5 * round (0.55 * ramp (x, y) * 255) / 255 / median * 255;

            worst = MAX (worst, fabs (got - want));
          }
        else if (x < 78 || x >= 402 || y < 58 || y >= 262)
          g_assert_cmpfloat (got, ==, 128);
      }
  g_test_message ("largest difference from 0.5 × L / median: %.2f / 255", worst);
  g_assert_cmpfloat (worst, <=, 2);
}

/* A fold: a bright ridge along x = 240. */
static double
fold (int x,
      int y)
{
  double d = (x + 0.5 - 240) / 20;

  (void) y;
  return 1 + 0.4 * exp (-d * d);
}

static void
test_displacement_fold (void)
{
  g_autofree char *photo = write_photo ("fold.png", fold);
  g_autofree char *out = g_build_filename (dir, "displacement.png", NULL);
  g_autoptr(GdkPixbuf) map = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (mockup_photo_maps_displacement (photo, slot, G_N_ELEMENTS (slot), 3.0, out,
                                                 NULL, &error));
  g_assert_no_error (error);
  map = load_map (out);

  for (int y = 70; y < 250; y += 7)
    {
      /* left of the crest the print moves right (toward the light), right
       * of it left; not at the crest, not on flat fabric, never vertically */
      g_assert_cmpint (RED (test_pixel (map, 222, y)), >, 200);
      g_assert_cmpint (RED (test_pixel (map, 258, y)), <, 56);
      g_assert_cmpint (abs (RED (test_pixel (map, 100, y)) - 128), <=, 1);
      g_assert_cmpint (abs (RED (test_pixel (map, 380, y)) - 128), <=, 1);
      for (int x = 82; x < 398; x += 5)
        {
          guint32 p = test_pixel (map, x, y);

          g_assert_cmpint (abs (GREEN (p) - 128), <=, 1);
          g_assert_cmpint (BLUE (p), ==, 128);
        }
    }
  /* nothing moves outside the region */
  g_assert_cmphex (test_pixel (map, 20, 20) & 0xffffff, ==, 0x808080);
  g_assert_cmphex (test_pixel (map, 240, 300) & 0xffffff, ==, 0x808080);
}

static void
test_color_mask_disc (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, W, H);
  cairo_t *cr = cairo_create (surface);
  g_autofree char *photo = g_build_filename (dir, "disc.png", NULL);
  g_autofree char *out = g_build_filename (dir, "mask.png", NULL);
  g_autoptr(GdkPixbuf) map = NULL;
  g_autoptr(GError) error = NULL;
  gboolean partial = FALSE;

  cairo_set_source_rgb (cr, 90 / 255.0, 110 / 255.0, 140 / 255.0);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 208 / 255.0, 32 / 255.0, 32 / 255.0);
  cairo_arc (cr, 240, 160, 70, 0, 2 * G_PI);
  cairo_fill (cr);
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, photo), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);

  g_assert_true (mockup_photo_maps_color_mask (photo, NULL, 0, "#D02020", 0.1, 0.1, out,
                                               NULL, &error));
  g_assert_no_error (error);
  map = load_map (out);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double r = hypot (x + 0.5 - 240, y + 0.5 - 160);
        guint v = RED (test_pixel (map, x, y));

        if (r < 69)
          g_assert_cmpuint (v, ==, 255);
        else if (r > 71)
          g_assert_cmpuint (v, ==, 0);
        else
          partial |= v > 0 && v < 255;
      }
  g_assert_true (partial);
}

typedef struct
{
  const double *region;
  gsize n_region;
  double smoothing;
  const char *color;
  double tolerance;
  double softness;
  const char *output;
  GQuark domain;
  int code;
  const char *message;
} BadInput;

static void
test_bad_input (void)
{
  static const double two_points[] = { 0, 0, 10, 10 };
  static const double odd[] = { 0, 0, 10, 0, 10 };
  static const double not_a_number[] = { 0, 0, 100, 0, NAN, 100 };
  static const double infinite[] = { 0, 0, 100, 0, 100, INFINITY };
  static const double outside[] = { 500, 0, 600, 0, 600, 100 };
  static const double flat[] = { 0, 0, 100, 100, 200, 200 };
  g_autofree char *photo = write_photo ("bad.png", ramp);
  g_autofree char *not_image = test_write_file (dir, "notes.png", "this is text");
  g_autofree char *missing = g_build_filename (dir, "missing.png", NULL);
  g_autofree char *out = g_build_filename (dir, "never.png", NULL);
  g_autofree char *no_folder = g_build_filename (dir, "none", "map.png", NULL);
  const BadInput cases[] = {
    { two_points, 4, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: region: expected at least 3 points as x, y pairs, got 4 numbers" },
    { odd, 5, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "got 5 numbers" },
    { not_a_number, 6, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: region[4]: nan is not a finite number" },
    { infinite, 6, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: region[5]: inf is not a finite number" },
    { outside, 6, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: region: the polygon lies outside the photo (480 × 320 pixels)" },
    { flat, 6, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: region: the polygon has no area" },
    /* a length far beyond the array: refused before the array is read */
    { slot, G_MAXSIZE - 1, 2, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "points are more than the 10000 allowed" },
    { slot, 8, -1, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: smoothing: -1 is out of range (0 to 1000 pixels)" },
    { slot, 8, NAN, "#fff", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: smoothing: nan is out of range" },
    { slot, 8, 2, "red", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: color: \"red\" is not a colour (expected #rgb or #rrggbb)" },
    { slot, 8, 2, "#ff000080", 0.1, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "color: \"#ff000080\" is not a colour" },
    { slot, 8, 2, "#fff", 1.5, 0.1, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: tolerance: 1.5 is out of range (0 to 1)" },
    { slot, 8, 2, "#fff", 0.1, -0.5, out, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
      "bad.png: softness: -0.5 is out of range (0 to 1)" },
    { slot, 8, 2, "#fff", 0.1, 0.1, no_folder, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
      "map.png: cannot write the map: No such file or directory" },
    { slot, 8, 2, "#fff", 0.1, 0.1, dir, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
      ": cannot write the map: it is a folder" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const BadInput *c = &cases[i];
      gboolean for_shading = g_strcmp0 (c->color, "#fff") == 0 &&
                             c->tolerance == 0.1 && c->softness == 0.1;
      gboolean for_mask = isfinite (c->smoothing) && c->smoothing >= 0;

      if (for_shading)
        {
          g_autoptr(GError) error = NULL;

          g_assert_false (mockup_photo_maps_shading (photo, c->region, c->n_region, c->smoothing,
                                                     c->output, NULL, &error));
          g_assert_error (error, c->domain, c->code);
          g_assert_nonnull (strstr (error->message, c->message));
          g_clear_error (&error);
          g_assert_false (mockup_photo_maps_displacement (photo, c->region, c->n_region,
                                                          c->smoothing, c->output, NULL, &error));
          g_assert_error (error, c->domain, c->code);
          g_assert_nonnull (strstr (error->message, c->message));
        }
      if (for_mask)
        {
          g_autoptr(GError) error = NULL;

          g_assert_false (mockup_photo_maps_color_mask (photo, c->region, c->n_region, c->color,
                                                        c->tolerance, c->softness, c->output,
                                                        NULL, &error));
          g_assert_error (error, c->domain, c->code);
          g_assert_nonnull (strstr (error->message, c->message));
        }
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_false (mockup_photo_maps_shading (missing, slot, 8, 2, out, NULL, &error));
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_NOT_FOUND);
    g_assert_nonnull (strstr (error->message, "missing.png"));
    g_clear_error (&error);
    g_assert_false (mockup_photo_maps_color_mask (not_image, NULL, 0, "#fff", 0, 0, out,
                                                  NULL, &error));
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
    g_assert_nonnull (strstr (error->message, "notes.png"));
  }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

typedef struct
{
  GMainLoop *loop;
  gboolean ok;
  GError *error;
  int kind;
} AsyncOutcome;

static void
map_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncOutcome *outcome = user_data;

  g_assert_null (source);
  switch (outcome->kind)
    {
    case 0:
      outcome->ok = mockup_photo_maps_shading_finish (result, &outcome->error);
      break;
    case 1:
      outcome->ok = mockup_photo_maps_displacement_finish (result, &outcome->error);
      break;
    default:
      outcome->ok = mockup_photo_maps_color_mask_finish (result, &outcome->error);
      break;
    }
  g_main_loop_quit (outcome->loop);
}

static gboolean
run_async (int           kind,
           const char   *photo,
           const char   *output,
           GCancellable *cancellable,
           GError      **error)
{
  AsyncOutcome outcome = { g_main_loop_new (NULL, FALSE), FALSE, NULL, kind };

  if (kind == 0)
    mockup_photo_maps_shading_async (photo, slot, G_N_ELEMENTS (slot), 2.0, output,
                                     cancellable, map_done, &outcome);
  else if (kind == 1)
    mockup_photo_maps_displacement_async (photo, slot, G_N_ELEMENTS (slot), 2.0, output,
                                          cancellable, map_done, &outcome);
  else
    mockup_photo_maps_color_mask_async (photo, slot, G_N_ELEMENTS (slot), "#888", 0.2, 0.1,
                                        output, cancellable, map_done, &outcome);
  g_main_loop_run (outcome.loop);
  g_main_loop_unref (outcome.loop);
  if (outcome.error != NULL)
    g_propagate_error (error, outcome.error);
  return outcome.ok;
}

static void
test_async (void)
{
  g_autofree char *photo = write_photo ("async.png", ramp);
  g_autofree char *sync_out = g_build_filename (dir, "sync.png", NULL);
  g_autofree char *async_out = g_build_filename (dir, "async-map.png", NULL);

  for (int kind = 0; kind < 3; kind++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *a = NULL, *b = NULL;
      gsize a_len, b_len;
      gboolean ok;

      if (kind == 0)
        ok = mockup_photo_maps_shading (photo, slot, 8, 2.0, sync_out, NULL, &error);
      else if (kind == 1)
        ok = mockup_photo_maps_displacement (photo, slot, 8, 2.0, sync_out, NULL, &error);
      else
        ok = mockup_photo_maps_color_mask (photo, slot, 8, "#888", 0.2, 0.1, sync_out,
                                           NULL, &error);
      g_assert_no_error (error);
      g_assert_true (ok);
      g_assert_true (run_async (kind, photo, async_out, NULL, &error));
      g_assert_no_error (error);

      /* the same file either way */
      g_assert_true (g_file_get_contents (sync_out, &a, &a_len, NULL));
      g_assert_true (g_file_get_contents (async_out, &b, &b_len, NULL));
      g_assert_cmpmem (a, a_len, b, b_len);
    }
}

static void
test_cancel (void)
{
  g_autofree char *photo = write_photo ("cancel.png", ramp);
  g_autofree char *out = g_build_filename (dir, "cancelled.png", NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  g_cancellable_cancel (cancellable);
  for (int kind = 0; kind < 3; kind++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (run_async (kind, photo, out, cancellable, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (mockup_photo_maps_shading (photo, slot, 8, 2.0, out, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  }
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();

  g_test_add_func ("/photo-maps/shading/gradient", test_shading_gradient);
  g_test_add_func ("/photo-maps/displacement/fold", test_displacement_fold);
  g_test_add_func ("/photo-maps/color-mask/disc", test_color_mask_disc);
  g_test_add_func ("/photo-maps/bad-input", test_bad_input);
  g_test_add_func ("/photo-maps/async", test_async);
  g_test_add_func ("/photo-maps/cancel", test_cancel);

  return g_test_run ();
}
