/* test-placement.c: artwork placed in the print area, and print resolution
 *
 * The expected positions come from the slot's forward mapping
 * (mockup_shape_map (), the manifest's own definition of where slot
 * coordinates land) and the placement's definition written out again here:
 * the artwork's box at left/top/width in the print area, its height from
 * the artwork's and the print area's aspects, turned about its centre in
 * the print area's physical proportions.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>

#include "mockup-band-renderer-private.h"
#include "mockup-template-private.h"
#include "test-util.h"

static char *dir;
static char *dots_path;

#define ART_W 240
#define ART_H 160
#define DOT_R 7.0

/* The four corner dots: artwork pixel position and colour. */
static const struct
{
  double x, y;
  double r, g, b;
} dots[4] = {
  { 16, 16, 1, 0, 0 },                    /* top-left: red */
  { ART_W - 16, 16, 0, 1, 0 },            /* top-right: green */
  { ART_W - 16, ART_H - 16, 0, 0, 1 },    /* bottom-right: blue */
  { 16, ART_H - 16, 1, 1, 0 },            /* bottom-left: yellow */
};

static char *
write_dots (const char *folder)
{
  char *path = g_build_filename (folder, "dots.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, ART_W, ART_H);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 0.5, 0.5, 0.5);
  cairo_paint (cr);
  for (int i = 0; i < 4; i++)
    {
      cairo_set_source_rgb (cr, dots[i].r, dots[i].g, dots[i].b);
      cairo_arc (cr, dots[i].x, dots[i].y, DOT_R, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

/* How strongly pixel @p shows dot @i's colour over grey, black or another
 * dot: linear in the dot's coverage where it blends with grey. */
static double
dot_weight (guint32 p,
            int     i)
{
  int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

  switch (i)
    {
    case 0: return MAX (0, r - MAX (g, b));
    case 1: return MAX (0, g - MAX (r, b));
    case 2: return MAX (0, b - MAX (r, g));
    default: return MAX (0, MIN (r, g) - b);
    }
}

/* The centroid of dot @i in the output, in continuous pixel coordinates
 * (pixel (x, y) is the square from x to x + 1); returns the total weight. */
static double
find_dot_in_rows (GdkPixbuf *pixbuf,
                  int        i,
                  int        y0,
                  int        y1,
                  double    *cx,
                  double    *cy)
{
  double sum = 0, sx = 0, sy = 0;

  for (int y = y0; y < y1; y++)
    for (int x = 0; x < gdk_pixbuf_get_width (pixbuf); x++)
      {
        double w = dot_weight (test_pixel (pixbuf, x, y), i);

        sum += w;
        sx += w * (x + 0.5);
        sy += w * (y + 0.5);
      }
  *cx = sum > 0 ? sx / sum : -1;
  *cy = sum > 0 ? sy / sum : -1;
  return sum;
}

static double
find_dot (GdkPixbuf *pixbuf,
          int        i,
          double    *cx,
          double    *cy)
{
  return find_dot_in_rows (pixbuf, i, 0, gdk_pixbuf_get_height (pixbuf), cx, cy);
}

/* Where artwork point (s, t) of a placement lands on the canvas. */
static void
expected_point (const MockupLayer *layer,
                double             left,
                double             top,
                double             width,
                double             degrees,
                double             s,
                double             t,
                double            *x,
                double            *y)
{
  double A = layer->print_size[0] / layer->print_size[1];
  double w = width * A, h = w / ((double) ART_W / ART_H);
  double cx = (left + width / 2) * A, cy = top + h / 2;
  double th = degrees * G_PI / 180.0, c = cos (th), sn = sin (th);
  double dx = (s - 0.5) * w, dy = (t - 0.5) * h;
  double u = (cx + c * dx - sn * dy) / A, v = cy + sn * dx + c * dy;

  g_assert_true (mockup_shape_map (&layer->shape, u, v, x, y));
}

static MockupResult *
render_placed (MockupRenderer *renderer,
               MockupTemplate *template,
               const char     *path,
               double          left,
               double          top,
               double          width,
               double          degrees,
               GError        **error)
{
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupArtwork) artwork = NULL;

  artwork = mockup_artwork_new_from_file (path, error);
  g_assert_nonnull (artwork);
  mockup_render_options_set_placement (options, "artwork", left, top, width, degrees);
  return mockup_renderer_render_full (renderer, artwork, template, options, NULL, error);
}

static const char *shapes[] = {
  /* a quad in perspective */
  "\"quad\": [[60, 40], [340, 70], [330, 262], [50, 240]],"
  " \"print\": {\"width\": 40, \"height\": 30, \"unit\": \"cm\"}",
  /* a bent mesh */
  "\"mesh\": [[[60, 50], [200, 36], [340, 50]], [[48, 150], [200, 166], [352, 150]],"
  " [[60, 250], [200, 262], [340, 250]]],"
  " \"print\": {\"width\": 300, \"height\": 200, \"unit\": \"mm\"}",
  /* a mug's front */
  "\"cylinder\": {\"left\": 90, \"right\": 310, \"top\": 50, \"bottom\": 250,"
  " \"ellipse\": 18, \"wrap\": 140, \"rotation\": 5},"
  " \"print\": {\"width\": 13.4, \"height\": 10, \"unit\": \"cm\"}",
};

static const double placements[][4] = {
  { 0.2, 0.15, 0.5, 0 },
  { 0.3, 0.25, 0.4, 30 },
  { 0.25, 0.2, 0.45, -90 },
};

static void
test_corners_land (gconstpointer data)
{
  const char *shape = data;
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"color\", \"color\": \"#000000\"},"
    "{\"type\": \"artwork\", %s}]}", shape);
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  const MockupLayer *layer = _mockup_template_get_layer (template, 1);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);

  for (guint p = 0; p < G_N_ELEMENTS (placements); p++)
    {
      const double *pl = placements[p];
      g_autoptr(GError) error = NULL;
      g_autoptr(MockupResult) result = render_placed (renderer, template, dots_path,
                                                      pl[0], pl[1], pl[2], pl[3], &error);
      GdkPixbuf *pixbuf;

      g_assert_no_error (error);
      pixbuf = mockup_result_get_pixbuf (result);

      for (int i = 0; i < 4; i++)
        {
          double x, y, cx, cy, weight;

          expected_point (layer, pl[0], pl[1], pl[2], pl[3],
                          dots[i].x / ART_W, dots[i].y / ART_H, &x, &y);
          weight = find_dot (pixbuf, i, &cx, &cy);
          g_test_message ("placement %u dot %d: expected (%.2f, %.2f), found (%.2f, %.2f)",
                          p, i, x, y, cx, cy);
          g_assert_cmpfloat (weight, >, 255.0 * 20);
          g_assert_cmpfloat (hypot (cx - x, cy - y), <=, 0.5);
        }
    }
}

/* Without the print size the renderer takes the layer's aspect (or the
 * shape's estimate): left/top/width still put the corners where the
 * definition says. A sanity check of the definition itself on a flat
 * slot, by hand: a 200 px square, the artwork at 25 % and 50 % wide. */
static void
test_flat_by_hand (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"color\", \"color\": \"#000000\"},"
    "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50], [300, 250], [100, 250]]}]}");
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;
  GdkPixbuf *pixbuf;
  double cx, cy;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  /* 100 px wide from x = 150, so 66.7 px high from y = 50 + 0.1 × 200 */
  result = render_placed (renderer, template, dots_path, 0.25, 0.1, 0.5, 0, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);

  find_dot (pixbuf, 0, &cx, &cy);
  g_assert_cmpfloat (fabs (cx - (150 + 16 * 100.0 / ART_W)), <=, 0.5);
  g_assert_cmpfloat (fabs (cy - (70 + 16 * 100.0 / ART_W)), <=, 0.5);
  find_dot (pixbuf, 2, &cx, &cy);
  g_assert_cmpfloat (fabs (cx - (250 - 16 * 100.0 / ART_W)), <=, 0.5);
  g_assert_cmpfloat (fabs (cy - (70 + 100.0 * ART_H / ART_W - 16 * 100.0 / ART_W)), <=, 0.5);

  /* edges on the pixel grid: the column left of x = 150 is the canvas,
   * the one right of it the artwork's grey; likewise at y = 70 */
  g_assert_cmpuint (test_pixel (pixbuf, 149, 100) & 0xffffff, ==, 0);
  g_assert_cmpint (ABS ((int) (test_pixel (pixbuf, 150, 100) & 0xff) - 128), <=, 2);
  g_assert_cmpuint (test_pixel (pixbuf, 200, 69) & 0xffffff, ==, 0);
  g_assert_cmpint (ABS ((int) (test_pixel (pixbuf, 200, 70) & 0xff) - 128), <=, 2);
  g_clear_object (&result);

  /* half a pixel further: the edge column is half covered */
  result = render_placed (renderer, template, dots_path, 0.2525, 0.1, 0.5, 0, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);
  g_assert_cmpint (ABS ((int) (test_pixel (pixbuf, 150, 100) & 0xff) - 64), <=, 3);
}

/* What falls outside the print area is not drawn, even where the slot's
 * shape would reach: the canvas shows there. */
static void
test_clipped (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"color\", \"color\": \"#000000\"},"
    "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50], [300, 250], [100, 250]],"
    " \"print\": {\"width\": 10, \"height\": 10, \"unit\": \"in\"}}]}");
  const MockupLayer *layer = _mockup_template_get_layer (template, 1);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;
  GdkPixbuf *pixbuf;
  double x, y, cx, cy;
  int n_outside = 0;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  /* u from 0.75 to 1.25, v from -0.1 to 0.233: the top-left dot lies
   * above the print area, the bottom-left one in it */
  result = render_placed (renderer, template, dots_path, 0.75, -0.1, 0.5, 0, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);

  g_assert_cmpfloat (find_dot (pixbuf, 0, &cx, &cy), ==, 0);
  g_assert_cmpfloat (find_dot (pixbuf, 1, &cx, &cy), ==, 0);
  g_assert_cmpfloat (find_dot (pixbuf, 2, &cx, &cy), ==, 0);
  g_assert_cmpfloat (find_dot (pixbuf, 3, &cx, &cy), >, 0);
  expected_point (layer, 0.75, -0.1, 0.5, 0, dots[3].x / ART_W, dots[3].y / ART_H, &x, &y);
  g_assert_cmpfloat (hypot (cx - x, cy - y), <=, 0.5);

  /* inside the print area near its corner: grey; outside: black */
  g_assert_cmpint (ABS ((int) (test_pixel (pixbuf, 298, 52) & 0xff) - 128), <=, 2);
  g_assert_cmpint (ABS ((int) (test_pixel (pixbuf, 260, 51) & 0xff) - 128), <=, 2);
  for (int py = 0; py < 300; py++)
    for (int px = 0; px < 400; px++)
      if ((px >= 300 || py < 50) && (test_pixel (pixbuf, px, py) & 0xffffff) != 0)
        n_outside++;
  g_assert_cmpint (n_outside, ==, 0);
  g_clear_object (&result);

  /* wholly outside: nothing at all, and no error */
  result = render_placed (renderer, template, dots_path, 2.0, 0.1, 0.5, 45, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);
  for (int py = 0; py < 300; py += 3)
    for (int px = 0; px < 400; px += 3)
      g_assert_cmpuint (test_pixel (pixbuf, px, py) & 0xffffff, ==, 0);
}

/* A slot's other layers: one of the first's proportions (a reflection)
 * places the artwork the same way; a narrow strip (a canvas's side, which
 * a fitted artwork wraps onto) shows nothing of it. */
static void
test_slot_layers (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"color\", \"color\": \"#000000\"},"
    "{\"type\": \"artwork\", \"quad\": [[100, 20], [300, 20], [300, 120], [100, 120]]},"
    "{\"type\": \"artwork\", \"quad\": [[100, 180], [300, 180], [300, 280], [100, 280]]},"
    "{\"type\": \"artwork\", \"quad\": [[60, 20], [80, 20], [80, 120], [60, 120]],"
    " \"fit\": \"cover\", \"align\": \"left\"}]}");
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  GdkPixbuf *pixbuf;
  double x, y;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  result = render_placed (renderer, template, dots_path, 0.25, 0.1, 0.5, 0, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);

  /* the print and its reflection 160 px below: the same dots */
  g_assert_cmpfloat (find_dot_in_rows (pixbuf, 0, 0, 150, &x, &y), >, 0);
  g_assert_cmpfloat (fabs (x - (150 + 16 * 100.0 / ART_W)), <=, 0.5);
  g_assert_cmpfloat (fabs (y - (30 + 16 * 100.0 / ART_W)), <=, 0.5);
  g_assert_cmpfloat (find_dot_in_rows (pixbuf, 0, 150, 300, &x, &y), >, 0);
  g_assert_cmpfloat (fabs (x - (150 + 16 * 100.0 / ART_W)), <=, 0.5);
  g_assert_cmpfloat (fabs (y - (190 + 16 * 100.0 / ART_W)), <=, 0.5);

  /* the strip at x 60–80 keeps the canvas's black */
  for (int row = 20; row < 120; row++)
    for (int col = 58; col < 82; col++)
      g_assert_cmpuint (test_pixel (pixbuf, col, row) & 0xffffff, ==, 0);
  g_clear_object (&result);

  /* fitted, the strip shows the artwork's left edge */
  artwork = mockup_artwork_new_from_file (dots_path, NULL);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (test_pixel (mockup_result_get_pixbuf (result), 70, 100) & 0xffffff, !=, 0);
}

/* The artwork is decoded at the size the placed artwork needs: 20 % of a
 * 200 px slot is 40 output pixels, whatever the turn. */
static void
test_decode_size (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50], [300, 250], [100, 250]]}]}");
  g_autofree char *path = test_write_png (dir, "big.png", 2000, 1000, 0xff336699);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);
  static const double turns[] = { 0, 45, 90, 200 };

  for (guint i = 0; i < G_N_ELEMENTS (turns); i++)
    {
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
      g_autoptr(GError) error = NULL;
      MockupRenderSettings settings = { .format = MOCKUP_FORMAT_PIXBUF, .options = options };
      MockupArtworkSet artworks = { .fallback = artwork };
      const MockupArtworkNeed *need;

      mockup_render_options_set_placement (options, "artwork", 0.1, 0.1, 0.2, turns[i]);
      g_assert_true (mockup_band_renderer_add_needs (&settings, template, &artworks, needs, &error));
      g_assert_no_error (error);
      need = &g_array_index (needs, MockupArtworkNeed, 0);
      g_test_message ("%g°: decoded at %d × %d", turns[i], need->width, need->height);
      g_assert_cmpint (need->width, >=, 40);
      g_assert_cmpint (need->width, <=, 42);
      g_assert_cmpint (need->height, >=, 20);
      g_assert_cmpint (need->height, <=, 21);
    }

  /* fitted, the same artwork fills the slot: five times as many */
  {
    g_autoptr(GArray) needs = g_array_new (FALSE, FALSE, sizeof (MockupArtworkNeed));
    MockupRenderSettings settings = { .format = MOCKUP_FORMAT_PIXBUF };
    MockupArtworkSet artworks = { .fallback = artwork };

    g_assert_true (mockup_band_renderer_add_needs (&settings, template, &artworks, needs, NULL));
    g_assert_cmpint (g_array_index (needs, MockupArtworkNeed, 0).width, >=, 400);
  }
}

static MockupResult *
render_resolution (MockupRenderer *renderer,
                   const char     *layer_json,
                   int             art_w,
                   int             art_h,
                   double          place_width)
{
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"size\": [400, 300], \"layers\": [%s]}", layer_json);
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autofree char *name = g_strdup_printf ("plain-%dx%d.png", art_w, art_h);
  g_autofree char *path = test_write_png (dir, name, art_w, art_h, 0xff808080);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(GError) error = NULL;
  MockupResult *result;

  if (place_width > 0)
    mockup_render_options_set_placement (options, "artwork", 0, 0, place_width, 0);
  result = mockup_renderer_render_full (renderer, artwork, template, options, NULL, &error);
  g_assert_no_error (error);
  return result;
}

#define SQUARE_SLOT "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50], [300, 250], [100, 250]]"

static void
test_resolution (void)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  MockupResult *result;
  const char *warning;

  g_assert_cmpfloat (mockup_renderer_get_min_ppi (renderer), ==, 150.0);
  g_assert_cmpfloat (mockup_renderer_get_max_upscale (renderer), ==, 1.5);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);

  /* 500 px over 10 in: 50 ppi, three times short of 150 */
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 10, \"height\": 10,"
                              " \"unit\": \"in\"}}", 500, 500, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 3.0, 1e-9);
  warning = mockup_result_get_resolution_warning (result);
  g_assert_nonnull (warning);
  g_assert_true (strstr (warning, "slot \"artwork\"") != NULL);
  g_assert_true (strstr (warning, "50 ppi") != NULL);
  g_assert_true (strstr (warning, "10 × 10 in") != NULL);
  g_assert_true (strstr (warning, "below 150 ppi") != NULL);
  g_assert_true (strstr (warning, "1500 × 1500 pixels") != NULL);
  g_object_unref (result);

  /* the same in millimetres */
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 254, \"height\": 254,"
                              " \"unit\": \"mm\"}}", 500, 500, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 50.0, 1e-9);
  g_assert_true (strstr (mockup_result_get_resolution_warning (result), "254 × 254 mm") != NULL);
  g_object_unref (result);

  /* placed at half the width: its pixels spread over 5 in */
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 10, \"height\": 10,"
                              " \"unit\": \"in\"}}", 500, 500, 0.5);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 100.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 1.5, 1e-9);
  g_assert_nonnull (mockup_result_get_resolution_warning (result));
  g_object_unref (result);

  /* enough pixels: 1000 over 4 in is 250 ppi */
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 4, \"height\": 4,"
                              " \"unit\": \"in\"}}", 1000, 1000, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 250.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 0.6, 1e-9);
  g_assert_null (mockup_result_get_resolution_warning (result));
  g_object_unref (result);

  /* contain in a 2:1 print: the square artwork covers half its width */
  result = render_resolution (renderer, "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50],"
                              " [300, 150], [100, 150]], \"fit\": \"contain\", \"print\":"
                              " {\"width\": 10, \"height\": 5, \"unit\": \"in\"}}", 500, 500, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 100.0, 1e-9);
  g_object_unref (result);

  /* cover crops: the 1000 × 500 artwork shows 500 × 500 of itself */
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 10, \"height\": 10,"
                              " \"unit\": \"in\"}}", 1000, 500, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 50.0, 1e-9);
  g_object_unref (result);

  /* no print size: the slot's 200 photo pixels per 100 artwork pixels */
  result = render_resolution (renderer, SQUARE_SLOT "}", 100, 100, 0);
  g_assert_cmpfloat (mockup_result_get_effective_ppi (result), ==, 0.0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 2.0, 1e-6);
  warning = mockup_result_get_resolution_warning (result);
  g_assert_nonnull (warning);
  g_assert_true (strstr (warning, "enlarged 2.0 times") != NULL);
  g_assert_true (strstr (warning, "more than 1.5") != NULL);
  g_object_unref (result);

  /* ... whatever size the output is */
  mockup_renderer_set_max_size (renderer, 100);
  result = render_resolution (renderer, SQUARE_SLOT "}", 100, 100, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 2.0, 1e-6);
  g_object_unref (result);
  mockup_renderer_set_max_size (renderer, 0);

  /* thresholds: min-ppi 0 measures the print against the photo instead,
   * max-upscale 0 turns that check off */
  mockup_renderer_set_min_ppi (renderer, 0);
  result = render_resolution (renderer, SQUARE_SLOT ", \"print\": {\"width\": 10, \"height\": 10,"
                              " \"unit\": \"in\"}}", 500, 500, 0);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 0.4, 1e-6);
  g_assert_null (mockup_result_get_resolution_warning (result));
  g_object_unref (result);
  mockup_renderer_set_max_upscale (renderer, 0);
  result = render_resolution (renderer, SQUARE_SLOT "}", 100, 100, 0);
  g_assert_null (mockup_result_get_resolution_warning (result));
  g_object_unref (result);
  mockup_renderer_set_max_upscale (renderer, 3);
  result = render_resolution (renderer, SQUARE_SLOT "}", 50, 50, 0);
  g_assert_true (strstr (mockup_result_get_resolution_warning (result), "more than 3") != NULL);
  g_object_unref (result);

  /* a template without artwork slots has nothing to measure */
  result = render_resolution (renderer, "{\"type\": \"color\", \"color\": \"#123456\"}", 10, 10, 0);
  g_assert_cmpfloat (mockup_result_get_effective_ppi (result), ==, 0.0);
  g_assert_cmpfloat (mockup_result_get_upscale (result), ==, 0.0);
  g_assert_null (mockup_result_get_resolution_warning (result));
  g_object_unref (result);
}

/* The worst slot speaks for the template. */
static void
test_resolution_worst_slot (void)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"artwork\", \"slot\": \"small\", \"quad\": [[0, 0], [100, 0], [100, 100], [0, 100]],"
    " \"print\": {\"width\": 2, \"height\": 2, \"unit\": \"in\"}},"
    "{\"type\": \"artwork\", \"slot\": \"big\", \"quad\": [[100, 0], [300, 0], [300, 200], [100, 200]],"
    " \"print\": {\"width\": 20, \"height\": 20, \"unit\": \"in\"}}]}");
  g_autofree char *path = test_write_png (dir, "square-1000.png", 1000, 1000, 0xff808080);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = NULL;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_effective_ppi (result), 50.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (mockup_result_get_upscale (result), 3.0, 1e-9);
  g_assert_true (strstr (mockup_result_get_resolution_warning (result), "slot \"big\"") != NULL);
}

static void
test_print_errors (void)
{
  static const struct { const char *print; const char *expect; } cases[] = {
    { "{\"width\": 10, \"height\": 10}", "layers[0].print.unit: required member is missing" },
    { "{\"width\": 10, \"height\": 10, \"unit\": \"ft\"}", "layers[0].print.unit: unknown value \"ft\"" },
    { "{\"width\": 0, \"height\": 10, \"unit\": \"cm\"}", "layers[0].print.width: 0 is out of range" },
    { "{\"width\": \"10\", \"height\": 10, \"unit\": \"cm\"}", "layers[0].print.width: expected a number" },
    { "{\"height\": 10, \"unit\": \"cm\"}", "layers[0].print.width: required member is missing" },
    { "{\"width\": 10, \"height\": 20000, \"unit\": \"mm\"}", "layers[0].print.height: 20000 is out of range" },
    { "{\"width\": 10, \"height\": 10, \"unit\": \"cm\", \"depth\": 2}", "layers[0].print: unknown member \"depth\"" },
    { "[10, 10]", "layers[0].print: expected an object" },
    { "{\"width\": 30, \"height\": 10, \"unit\": \"cm\"}, \"aspect\": 1", "layers[0].print: a print of 30 × 10 cm has the aspect ratio 3" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
        "{\"type\": \"artwork\", \"quad\": [[0, 0], [100, 0], [100, 100], [0, 100]],"
        " \"print\": %s}]}", cases[i].print);

      test_template_fails (dir, json, MOCKUP_ERROR_INVALID_TEMPLATE, cases[i].expect, NULL);
    }

  /* the print size gives the aspect when "aspect" is left out, and may agree with it */
  {
    g_autoptr(MockupTemplate) a = test_template (dir,
      "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
      "{\"type\": \"artwork\", \"quad\": [[0, 0], [100, 0], [100, 100], [0, 100]],"
      " \"print\": {\"width\": 30, \"height\": 10, \"unit\": \"cm\"}}]}");
    g_autoptr(MockupTemplate) b = test_template (dir,
      "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
      "{\"type\": \"artwork\", \"quad\": [[0, 0], [100, 0], [100, 100], [0, 100]],"
      " \"aspect\": 3.01, \"print\": {\"width\": 30, \"height\": 10, \"unit\": \"cm\"}}]}");

    g_assert_cmpfloat_with_epsilon (_mockup_template_get_layer (a, 0)->aspect, 3.0, 1e-12);
    g_assert_cmpfloat_with_epsilon (_mockup_template_get_layer (a, 0)->print_size[0], 30 / 2.54, 1e-12);
    g_assert_cmpfloat_with_epsilon (_mockup_template_get_layer (b, 0)->aspect, 3.01, 1e-12);
  }
}

static void
test_placement_errors (void)
{
  static const struct { double left, top, width, degrees; const char *expect; } cases[] = {
    { NAN, 0, 0.5, 0, "slot \"artwork\": left: the number is not finite" },
    { 0, INFINITY, 0.5, 0, "slot \"artwork\": top: the number is not finite" },
    { 0, 0, 0, 0, "slot \"artwork\": width: 0 is not above 0" },
    { 0, 0, -1, 0, "slot \"artwork\": width: -1 is not above 0" },
    { 0, 0, 11, 0, "slot \"artwork\": width: 11 is out of range" },
    { 50, 0, 0.5, 0, "slot \"artwork\": left: 50 is out of range (-10 to 10)" },
    { 0, -11, 0.5, 0, "slot \"artwork\": top: -11 is out of range" },
    { 0, 0, 0.5, 400, "slot \"artwork\": degrees: 400 is out of range (-360 to 360)" },
    { 0, 0, 0.5, NAN, "slot \"artwork\": degrees: the number is not finite" },
  };
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [400, 300], \"layers\": ["
    "{\"type\": \"artwork\", \"quad\": [[100, 50], [300, 50], [300, 250], [100, 250]]}]}");
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MockupResult) result = render_placed (renderer, template, dots_path, cases[i].left,
                                                      cases[i].top, cases[i].width,
                                                      cases[i].degrees, &error);

      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      if (strstr (error->message, cases[i].expect) == NULL)
        g_error ("\"%s\" does not say \"%s\"", error->message, cases[i].expect);
    }
}

int
main (int    argc,
      char **argv)
{
  static const char *shape_names[] = { "quad", "mesh", "cylinder" };
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();
  dots_path = write_dots (dir);

  for (guint i = 0; i < G_N_ELEMENTS (shapes); i++)
    {
      g_autofree char *name = g_strdup_printf ("/placement/corners/%s", shape_names[i]);

      g_test_add_data_func (name, shapes[i], test_corners_land);
    }
  g_test_add_func ("/placement/flat-by-hand", test_flat_by_hand);
  g_test_add_func ("/placement/clipped", test_clipped);
  g_test_add_func ("/placement/slot-layers", test_slot_layers);
  g_test_add_func ("/placement/decode-size", test_decode_size);
  g_test_add_func ("/placement/errors", test_placement_errors);
  g_test_add_func ("/resolution/values", test_resolution);
  g_test_add_func ("/resolution/worst-slot", test_resolution_worst_slot);
  g_test_add_func ("/resolution/print-errors", test_print_errors);

  status = g_test_run ();
  g_free (dots_path);
  g_free (dir);
  return status;
}
