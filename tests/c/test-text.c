/* test-text.c: text layers against Pango's own rendering
 *
 * The references are drawn here with PangoCairo, with the options the
 * template format documents for text layers (grey antialiasing, no
 * hinting, unhinted metrics, unrounded glyph positions), and warped here by a reference homography
 * with supersampling, independent of the engine's mapping and filters.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include <pango/pangocairo.h>

#include "test-util.h"

static char *dir;

#define TEXT "Mockup Ag"
#define FONT "DejaVu Sans"

/* The text as a text layer draws it, centred in a @width × @height box
 * at an em of @size × @height, black on white: an RGB24 surface. */
static cairo_surface_t *
pango_reference (int    width,
                 int    height,
                 double size)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoContext *context = pango_layout_get_context (layout);
  cairo_font_options_t *options = cairo_font_options_create ();
  PangoFontDescription *font = pango_font_description_from_string (FONT);
  PangoRectangle logical;

  cairo_font_options_set_antialias (options, CAIRO_ANTIALIAS_GRAY);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options (context, options);
  pango_context_set_round_glyph_positions (context, FALSE);
  cairo_font_options_destroy (options);
  pango_layout_context_changed (layout);

  pango_font_description_set_absolute_size (font, size * height * PANGO_SCALE);
  pango_layout_set_font_description (layout, font);
  pango_font_description_free (font);
  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  pango_layout_set_text (layout, TEXT, -1);
  pango_layout_get_extents (layout, NULL, &logical);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_move_to (cr, (width - (double) logical.width / PANGO_SCALE) / 2 - (double) logical.x / PANGO_SCALE,
                 (height - (double) logical.height / PANGO_SCALE) / 2 - (double) logical.y / PANGO_SCALE);
  pango_cairo_show_layout (cr, layout);

  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static double
surface_grey (cairo_surface_t *surface,
              int              x,
              int              y)
{
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint32 p = *(const guint32 *) (data + (gsize) y * cairo_image_surface_get_stride (surface) + 4 * x);

  return (p >> 8) & 0xff;   /* green: the text is grey on grey */
}

static double
pixbuf_grey (GdkPixbuf *pixbuf,
             int        x,
             int        y)
{
  return (test_pixel (pixbuf, x, y) >> 8) & 0xff;
}

static MockupResult *
render_with (MockupTemplate      *template,
             MockupRenderOptions *options)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autofree char *path = test_write_png (dir, "art.png", 4, 4, 0xffff0000);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);
  g_autoptr(GError) error = NULL;
  MockupResult *result;

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  result = mockup_renderer_render_full (renderer, artwork, template, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static MockupResult *
render (MockupTemplate *template)
{
  return render_with (template, NULL);
}

static gboolean
same_pixels (GdkPixbuf *a,
             GdkPixbuf *b)
{
  guint la, lb;
  const guint8 *pa = gdk_pixbuf_get_pixels_with_length (a, &la);
  const guint8 *pb = gdk_pixbuf_get_pixels_with_length (b, &lb);

  return la == lb && memcmp (pa, pb, la) == 0;
}

/* Through a quad that is the canvas itself, the text is Pango's. */
static void
test_flat (void)
{
  const char *json =
    "{\"format\": 1, \"size\": [240, 80], \"background\": \"#ffffff\", \"layers\": ["
    "{\"type\": \"text\", \"text\": \"" TEXT "\", \"font\": \"" FONT "\", \"size\": 0.5,"
    " \"color\": \"#000000\", \"quad\": [[0, 0], [240, 0], [240, 80], [0, 80]]}]}";
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupResult) result = render (template);
  GdkPixbuf *pixbuf = mockup_result_get_pixbuf (result);
  cairo_surface_t *reference = pango_reference (240, 80, 0.5);
  double worst = 0, ink = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 240);
  for (int y = 0; y < 80; y++)
    for (int x = 0; x < 240; x++)
      {
        double want = surface_grey (reference, x, y), got = pixbuf_grey (pixbuf, x, y);

        worst = MAX (worst, fabs (want - got));
        ink += 255 - want;
      }
  cairo_surface_destroy (reference);

  /* the text is there (a blank render would differ by its ink) and
   * matches to a level or two of rounding */
  g_assert_cmpfloat (ink, >, 255 * 1000);
  g_test_message ("flat: largest difference %g", worst);
  g_assert_cmpfloat (worst, <=, 3);
}

/* Heckbert's square-to-quad homography, inverted: canvas → (u, v). */
static void
inverse_homography (const double q[4][2],
                    double       inv[9])
{
  double sx = q[0][0] - q[1][0] + q[2][0] - q[3][0];
  double sy = q[0][1] - q[1][1] + q[2][1] - q[3][1];
  double dx1 = q[1][0] - q[2][0], dx2 = q[3][0] - q[2][0];
  double dy1 = q[1][1] - q[2][1], dy2 = q[3][1] - q[2][1];
  double det = dx1 * dy2 - dx2 * dy1;
  double g = (sx * dy2 - dx2 * sy) / det, h = (dx1 * sy - sx * dy1) / det;
  double m[9] = {
    q[1][0] - q[0][0] + g * q[1][0], q[3][0] - q[0][0] + h * q[3][0], q[0][0],
    q[1][1] - q[0][1] + g * q[1][1], q[3][1] - q[0][1] + h * q[3][1], q[0][1],
    g, h, 1,
  };
  double d = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) +
             m[2] * (m[3] * m[7] - m[4] * m[6]);

  inv[0] = (m[4] * m[8] - m[5] * m[7]) / d;
  inv[1] = (m[2] * m[7] - m[1] * m[8]) / d;
  inv[2] = (m[1] * m[5] - m[2] * m[4]) / d;
  inv[3] = (m[5] * m[6] - m[3] * m[8]) / d;
  inv[4] = (m[0] * m[8] - m[2] * m[6]) / d;
  inv[5] = (m[2] * m[3] - m[0] * m[5]) / d;
  inv[6] = (m[3] * m[7] - m[4] * m[6]) / d;
  inv[7] = (m[1] * m[6] - m[0] * m[7]) / d;
  inv[8] = (m[0] * m[4] - m[1] * m[3]) / d;
}

static double
bilinear (cairo_surface_t *surface,
          double           x,
          double           y)
{
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int ix, iy;
  double fx, fy, c[4];

  x -= 0.5;
  y -= 0.5;
  ix = (int) floor (x);
  iy = (int) floor (y);
  fx = x - ix;
  fy = y - iy;
  for (int k = 0; k < 4; k++)
    c[k] = surface_grey (surface, CLAMP (ix + (k & 1), 0, w - 1), CLAMP (iy + (k >> 1), 0, h - 1));
  return (c[0] * (1 - fx) + c[1] * fx) * (1 - fy) + (c[2] * (1 - fx) + c[3] * fx) * fy;
}

/* Through a skewed quad, the text is Pango's rendering warped by the
 * reference homography, 8 × 8 samples a pixel. */
static void
test_quad (void)
{
  const double quad[4][2] = { { 40, 30 }, { 270, 55 }, { 255, 175 }, { 30, 150 } };
  g_autofree char *json = g_strdup_printf (
    "{\"format\": 1, \"size\": [300, 200], \"background\": \"#ffffff\", \"layers\": ["
    "{\"type\": \"text\", \"text\": \"" TEXT "\", \"font\": \"" FONT "\", \"size\": 0.3,"
    " \"aspect\": 2, \"quad\": [[%g, %g], [%g, %g], [%g, %g], [%g, %g]]}]}",
    quad[0][0], quad[0][1], quad[1][0], quad[1][1], quad[2][0], quad[2][1], quad[3][0], quad[3][1]);
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupResult) result = render (template);
  GdkPixbuf *pixbuf = mockup_result_get_pixbuf (result);
  const int rw = 1200, rh = 600, ss = 8;
  cairo_surface_t *reference = pango_reference (rw, rh, 0.3);
  double inv[9], total = 0, total_shifted = 0, worst = 0, ink = 0;
  guint n = 0, off = 0;

  inverse_homography (quad, inv);
  for (int y = 0; y < 200; y++)
    for (int x = 0; x < 300; x++)
      {
        double want = 0, shifted = 0, got = pixbuf_grey (pixbuf, x, y), d;

        for (int j = 0; j < ss; j++)
          for (int i = 0; i < ss; i++)
            {
              double px = x + (i + 0.5) / ss, py = y + (j + 0.5) / ss;
              double w = inv[6] * px + inv[7] * py + inv[8];
              double u = (inv[0] * px + inv[1] * py + inv[2]) / w;
              double v = (inv[3] * px + inv[4] * py + inv[5]) / w;

              want += (u >= 0 && u <= 1 && v >= 0 && v <= 1) ? bilinear (reference, u * rw, v * rh) : 255;
              /* the same a pixel and a half to the left, which the
               * comparison must tell apart */
              px -= 1.5;
              w = inv[6] * px + inv[7] * py + inv[8];
              u = (inv[0] * px + inv[1] * py + inv[2]) / w;
              v = (inv[3] * px + inv[4] * py + inv[5]) / w;
              shifted += (u >= 0 && u <= 1 && v >= 0 && v <= 1) ? bilinear (reference, u * rw, v * rh) : 255;
            }
        want /= ss * ss;
        shifted /= ss * ss;
        total_shifted += fabs (shifted - got);
        d = fabs (want - got);
        total += d;
        worst = MAX (worst, d);
        ink += 255 - want;
        off += d > 48;
        n++;
      }
  cairo_surface_destroy (reference);

  g_test_message ("quad: mean difference %g (%g from the shifted reference), largest %g, "
                  "%u pixels off by more than 48", total / n, total_shifted / n, worst, off);
  /* The engine samples a texture of a texel a pixel with its filters,
   * the reference Pango's drawing at four times that, 64 points a
   * pixel: edges differ by the filters' softness, not by place (measured:
   * mean 1.7 against 5.0 for the reference shifted by 1.5 px, 1.2 % of
   * pixels off by more than 48). */
  g_assert_cmpfloat (ink, >, 255 * 1000);
  g_assert_cmpfloat (total / n, <, 2.5);
  g_assert_cmpfloat (total / n * 2, <, total_shifted / n);
  g_assert_cmpuint (off, <, n / 50);
}

/* A name on a cylinder: the text layer takes the slot's shape, so it
 * lands inside the print's outline and nowhere else, whatever the
 * artwork does. */
static void
test_cylinder_slot (void)
{
  const char *json =
    "{\"format\": 1, \"size\": [400, 300], \"background\": \"#ffffff\", \"layers\": ["
    "{\"type\": \"artwork\", \"slot\": \"print\", \"fit\": \"stretch\","
    " \"cylinder\": {\"left\": 100, \"right\": 300, \"top\": 60, \"bottom\": 240, \"ellipse\": 20, \"wrap\": 160}},"
    "{\"type\": \"text\", \"slot\": \"print\", \"text\": \"Alex\", \"font\": \"DejaVu Sans Bold\","
    " \"size\": 0.5, \"color\": \"#000000\", \"outline\": {\"color\": \"#00ff00\", \"width\": 0.02}}]}";
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupResult) result = render (template);
  GdkPixbuf *pixbuf = mockup_result_get_pixbuf (result);
  g_auto(GStrv) slots = mockup_template_dup_slots (template);
  guint dark = 0, dark_outside = 0, green = 0;

  /* the text layer shows no slot of its own */
  g_assert_cmpuint (g_strv_length (slots), ==, 1);
  for (int y = 0; y < 300; y++)
    for (int x = 0; x < 400; x++)
      {
        guint32 p = test_pixel (pixbuf, x, y);
        guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

        if (r < 64 && g < 64 && b < 64)
          {
            dark++;
            dark_outside += x < 100 || x >= 300 || y < 40 || y >= 262;
          }
        green += g > 128 && r < 100 && b < 100;
      }
  g_assert_cmpuint (dark, >, 1000);
  g_assert_cmpuint (dark_outside, ==, 0);
  g_assert_cmpuint (green, >, 50);
}

/* Renders run on the worker threads, several at a time: each draws with
 * a font map of its own and all give the same picture. */
static void
test_threads (void)
{
  const char *json =
    "{\"format\": 1, \"size\": [200, 100], \"background\": \"#ffffff\", \"layers\": ["
    "{\"type\": \"artwork\", \"quad\": [[20, 10], [180, 20], [180, 90], [20, 80]]},"
    "{\"type\": \"text\", \"text\": \"Alex\", \"size\": 0.6, \"color\": \"#102030\"}]}";
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autofree char *path = test_write_png (dir, "art.png", 4, 4, 0xffff0000);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint n = 0;

  for (guint i = 0; i < 8; i++)
    g_list_store_append (templates, template);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PNG);
  batch = mockup_renderer_render_batch (renderer, artwork, G_LIST_MODEL (templates), NULL, NULL, &error);
  g_assert_no_error (error);
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      GBytes *bytes = mockup_result_get_bytes (result);

      if (first == NULL)
        first = g_bytes_ref (bytes);
      else
        g_assert_true (g_bytes_equal (first, bytes));
      n++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 8);
}

/* {"parameter": NAME} for the text and its colour: a render with values
 * is the template with those values written into it. */
static void
test_parameters (void)
{
#define MANIFEST(text, color) \
  "{\"format\": 1, \"size\": [200, 100], \"background\": \"#ffffff\"," \
  " \"parameters\": {\"name\": {\"type\": \"text\", \"default\": \"Alex\", \"max_length\": 64}," \
  "  \"ink\": {\"type\": \"color\", \"default\": \"#000000\", \"choices\": {\"red\": \"#c01010\"}}}," \
  " \"layers\": [{\"type\": \"text\", \"text\": " text ", \"color\": " color "," \
  " \"size\": 0.5, \"quad\": [[10, 10], [190, 20], [190, 90], [10, 80]]}]}"
  g_autoptr(MockupTemplate) template = test_template (dir, MANIFEST ("{\"parameter\": \"name\"}",
                                                                     "{\"parameter\": \"ink\"}"));
  g_autoptr(MockupTemplate) alex = test_template (dir, MANIFEST ("\"Alex\"", "\"#000000\""));
  g_autoptr(MockupTemplate) sam = test_template (dir, MANIFEST ("\"Sam\"", "\"#c01010\""));
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupResult) by_default = render (template);
  g_autoptr(MockupResult) literal_alex = render (alex);
  g_autoptr(MockupResult) literal_sam = render (sam);
  g_autoptr(MockupResult) with_values = NULL;
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) refused = NULL;
  g_autofree char *too_long = g_strnfill (65, 'x');
  g_autofree char *path = test_write_png (dir, "art.png", 4, 4, 0xffff0000);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (path, NULL);

  g_assert_true (same_pixels (mockup_result_get_pixbuf (by_default), mockup_result_get_pixbuf (literal_alex)));
  g_assert_false (same_pixels (mockup_result_get_pixbuf (literal_alex), mockup_result_get_pixbuf (literal_sam)));

  mockup_render_options_set_parameter (options, "name", "Sam");
  mockup_render_options_set_parameter (options, "ink", "red");
  with_values = render_with (template, options);
  g_assert_true (same_pixels (mockup_result_get_pixbuf (with_values), mockup_result_get_pixbuf (literal_sam)));

  /* a value the parameter refuses fails the render, naming it */
  mockup_render_options_set_parameter (options, "name", too_long);
  refused = mockup_renderer_render_full (renderer, artwork, template, options, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "name"));

  /* a reference of the wrong type is a template error at the member */
  test_template_fails (dir, MANIFEST ("{\"parameter\": \"ink\"}", "\"#000000\""),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].text.parameter", "is a color parameter", NULL);
  test_template_fails (dir, MANIFEST ("\"a\"", "{\"parameter\": \"name\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].color.parameter", "is a text parameter", NULL);
  test_template_fails (dir, MANIFEST ("{\"parameter\": \"nobody\"}", "\"#000000\""),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[0].text.parameter", "no parameter", NULL);
#undef MANIFEST
}

static void
test_errors (void)
{
  g_autofree char *huge = g_strnfill (5000, 'x');
  g_autofree char *long_text = NULL;
  g_autofree char *file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupTemplate) template = NULL;
#define LAYER(members) \
  "{\"format\": 1, \"size\": [100, 100], \"layers\": [" \
  "{\"type\": \"artwork\", \"quad\": [[0, 0], [100, 0], [100, 100], [0, 100]]}," \
  "{\"type\": \"text\", " members "}]}"

  test_template_fails (dir, LAYER ("\"size\": 0.2"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].text: required member is missing", NULL);
  test_template_fails (dir, LAYER ("\"text\": 5"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].text: expected a string, got a number", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"font\": \"\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].font", "names no font family", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"font\": \"  \""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].font", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"size\": 1e999"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].size", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"size\": 1e9"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].size: 1e+09 is out of range", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"size\": 0"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].size", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"wrap\": -1"), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].wrap", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"color\": \"red\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].color", "is not a colour", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"align\": \"middle\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].align: unknown value \"middle\"", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"valign\": \"left\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].valign", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"outline\": {\"color\": \"#000\"}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].outline.width: required member is missing", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"outline\": {\"width\": 0.01, \"colour\": 1}"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1].outline: unknown member \"colour\"", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"slot\": \"nope\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].slot: no artwork layer shows slot \"nope\"", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"slot\": \"artwork\", \"quad\": [[0, 0], [1, 0], [1, 1], [0, 1]]"),
                       MOCKUP_ERROR_INVALID_TEMPLATE, "layers[1]: give either \"slot\"", NULL);
  test_template_fails (dir, LAYER ("\"text\": \"a\", \"fit\": \"cover\""), MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1]: unknown member \"fit\"", NULL);

  long_text = g_strdup_printf (LAYER ("\"text\": \"%s\""), huge);
  test_template_fails (dir, long_text, MOCKUP_ERROR_INVALID_TEMPLATE,
                       "layers[1].text: 5000 bytes of text is more than the 4096 allowed", NULL);

  /* from a file, the error names it */
  file = test_write_file (dir, "text-bad.json", LAYER ("\"text\": \"a\", \"size\": -3"));
  template = mockup_template_new_from_file (file, &error);
  g_assert_null (template);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_TEMPLATE);
  g_assert_nonnull (strstr (error->message, "text-bad.json: layers[1].size"));
#undef LAYER
}

/* A slot a hundred thousand pixels wide still draws a bounded texture. */
static void
test_huge_slot (void)
{
  const char *json =
    "{\"format\": 1, \"size\": [64, 64], \"background\": \"#ffffff\", \"layers\": ["
    "{\"type\": \"text\", \"text\": \"Alex\", \"size\": 1,"
    " \"quad\": [[-100000, -100000], [100000, -100000], [100000, 100000], [-100000, 100000]]}]}";
  g_autoptr(MockupTemplate) template = test_template (dir, json);
  g_autoptr(MockupResult) result = render (template);

  g_assert_cmpint (mockup_result_get_width (result), ==, 64);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();

  g_test_add_func ("/text/flat", test_flat);
  g_test_add_func ("/text/quad", test_quad);
  g_test_add_func ("/text/cylinder-slot", test_cylinder_slot);
  g_test_add_func ("/text/threads", test_threads);
  g_test_add_func ("/text/parameters", test_parameters);
  g_test_add_func ("/text/errors", test_errors);
  g_test_add_func ("/text/huge-slot", test_huge_slot);

  return g_test_run ();
}
