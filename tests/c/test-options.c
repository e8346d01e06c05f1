/* test-options.c: render-time choices (template parameters, placement,
 * variants) through the public API
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "test-util.h"

static char *dir;

static MockupResult *
render_with (MockupTemplate      *template,
             MockupArtwork       *artwork,
             MockupRenderOptions *options,
             GError             **error)
{
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  return mockup_renderer_render_full (renderer, artwork, template, options, NULL, error);
}

static MockupArtwork *
white_artwork (void)
{
  g_autofree char *path = test_write_png (dir, "white.png", 40, 40, 0xffffffff);
  g_autoptr(GError) error = NULL;
  MockupArtwork *artwork = mockup_artwork_new_from_file (path, &error);

  g_assert_no_error (error);
  return artwork;
}

static void
test_options_storage (void)
{
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupRenderOptions) copy = NULL;
  g_auto(GStrv) names = NULL;
  g_auto(GStrv) slots = NULL;
  double left, top, width, degrees;

  g_assert_null (mockup_render_options_get_parameter (options, "shirt"));
  mockup_render_options_set_parameter (options, "shirt", "navy");
  mockup_render_options_set_parameter (options, "glare", "0.5");
  mockup_render_options_set_parameter (options, "logo", "true");
  mockup_render_options_set_parameter (options, "logo", NULL);
  g_assert_cmpstr (mockup_render_options_get_parameter (options, "shirt"), ==, "navy");
  g_assert_null (mockup_render_options_get_parameter (options, "logo"));
  names = mockup_render_options_dup_parameter_names (options);
  g_assert_cmpstrv (names, ((const char * const[]) { "glare", "shirt", NULL }));

  g_assert_false (mockup_render_options_get_placement (options, "front", NULL, NULL, NULL, NULL));
  mockup_render_options_set_placement (options, "front", 0.1, 0.2, 0.3, 45);
  mockup_render_options_set_placement (options, "back", 0.5, 0.5, 0.25, 0);
  g_assert_true (mockup_render_options_get_placement (options, "front", &left, &top, &width, &degrees));
  g_assert_cmpfloat (left, ==, 0.1);
  g_assert_cmpfloat (top, ==, 0.2);
  g_assert_cmpfloat (width, ==, 0.3);
  g_assert_cmpfloat (degrees, ==, 45);

  /* a copy is independent of its original */
  copy = mockup_render_options_copy (options);
  mockup_render_options_clear_placement (options, "back");
  mockup_render_options_set_parameter (options, "shirt", "white");
  slots = mockup_render_options_dup_placement_slots (options);
  g_assert_cmpstrv (slots, ((const char * const[]) { "front", NULL }));
  g_clear_pointer (&slots, g_strfreev);
  slots = mockup_render_options_dup_placement_slots (copy);
  g_assert_cmpstrv (slots, ((const char * const[]) { "back", "front", NULL }));
  g_assert_cmpstr (mockup_render_options_get_parameter (copy, "shirt"), ==, "navy");
}

/* 60 × 40 canvas: grey background, a colour layer over the left half
 * through a mask. */
static const char *plain_json =
  "{\"format\": 1, \"size\": [60, 40], \"background\": \"#808080\", \"layers\": ["
  "{\"type\": \"color\", \"color\": \"#ff0000\", \"opacity\": 0.5},"
  "{\"type\": \"artwork\", \"quad\": [[40, 10], [55, 10], [55, 30], [40, 30]]}]}";

static void
test_options_none_is_render (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupResult) plain = NULL;
  g_autoptr(MockupResult) full = NULL;
  g_autoptr(GError) error = NULL;

  plain = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  g_assert_no_error (error);
  full = mockup_renderer_render_full (renderer, artwork, template, options, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (mockup_result_get_bytes (plain), mockup_result_get_bytes (full)));
  g_assert_cmpuint (mockup_result_get_variant (full), ==, 0);
}

static void
test_options_unknown_parameter (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mockup_render_options_set_parameter (options, "sleeve", "#ffffff");
  result = render_with (template, artwork, options, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "sleeve"));
}

static void
test_options_bad_placement (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir, plain_json);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  const double bad[][4] = {
    { 0, 0, 0, 0 }, { 0, 0, -1, 0 }, { NAN, 0, 0.5, 0 }, { 0, INFINITY, 0.5, 0 }, { 0, 0, 0.5, NAN },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;

      mockup_render_options_set_placement (options, "artwork", bad[i][0], bad[i][1], bad[i][2], bad[i][3]);
      result = render_with (template, artwork, options, &error);
      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      g_assert_nonnull (strstr (error->message, "artwork"));
    }
}

static void
test_options_batch_full_order (void)
{
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupRenderOptions *variants[3];
  guint n = 0;

  for (guint t = 0; t < 2; t++)
    {
      g_autofree char *json = g_strdup_printf (
        "{\"format\": 1, \"id\": \"t%u\", \"size\": [60, 40], \"layers\": ["
        "{\"type\": \"artwork\", \"quad\": [[40, 10], [55, 10], [55, 30], [40, 30]]}]}", t);
      g_autoptr(MockupTemplate) template = test_template (dir, json);

      g_list_store_append (templates, template);
    }
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    variants[v] = mockup_render_options_new ();
  /* the second variant does not suit the templates: its items fail alone */
  mockup_render_options_set_parameter (variants[1], "nothing", "1");

  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  batch = mockup_renderer_render_batch_full (renderer, artwork, G_LIST_MODEL (templates), NULL,
                                             variants, G_N_ELEMENTS (variants), NULL, &error);
  g_assert_no_error (error);
  for (guint v = 0; v < G_N_ELEMENTS (variants); v++)
    g_object_unref (variants[v]);
  g_assert_cmpuint (mockup_batch_get_n_items (batch), ==, 6);

  for (;;)
    {
      g_autoptr(MockupResult) result = mockup_batch_next (batch, NULL, &error);
      g_autofree char *id = g_strdup_printf ("t%u", n / 3);

      g_assert_no_error (error);
      if (result == NULL)
        break;
      g_assert_cmpuint (mockup_result_get_index (result), ==, n);
      g_assert_cmpuint (mockup_result_get_variant (result), ==, n % 3);
      g_assert_cmpstr (mockup_result_get_template_id (result), ==, id);
      if (n % 3 == 1)
        g_assert_error (mockup_result_get_error (result), MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      else
        g_assert_no_error (mockup_result_get_error (result));
      n++;
    }
  g_assert_cmpuint (n, ==, 6);
}

/* A photo (a grey gradient), a shirt colour layer through a mask that
 * covers the left half, and a glare layer. @shirt, @glare and @logo are
 * the members' JSON: literals or parameter references. */
static char *
shirt_json (const char *shirt,
            const char *glare,
            const char *logo)
{
  return g_strdup_printf (
    "{\"format\": 1, \"id\": \"shirt\", \"parameters\": {"
    " \"shirt\": {\"type\": \"color\", \"default\": \"navy\", \"label\": \"Shirt colour\","
    "  \"choices\": {\"navy\": \"#1d2a44\", \"white\": \"#f4f4f2\", \"red\": \"#b3202a\","
    "   \"forest\": \"#2c5234\", \"heather\": \"#9a9a9c\", \"gold\": \"#FC3\"}},"
    " \"glare\": {\"type\": \"number\", \"default\": 0.35, \"minimum\": 0, \"maximum\": 1},"
    " \"logo\": {\"type\": \"boolean\", \"default\": true},"
    " \"name\": {\"type\": \"text\", \"default\": \"Alex\", \"max_length\": 8}},"
    " \"layers\": ["
    "{\"type\": \"image\", \"source\": \"photo.png\"},"
    "{\"type\": \"color\", \"color\": %s, \"blend\": \"multiply\", \"mask\": \"mask.png\"},"
    "{\"type\": \"color\", \"color\": \"#ffffff\", \"opacity\": %s, \"blend\": \"screen\","
    " \"mask\": {\"source\": \"mask.png\", \"invert\": true}},"
    "{\"type\": \"artwork\", \"visible\": %s, \"quad\": [[50, 10], [70, 10], [70, 30], [50, 30]]}]}",
    shirt, glare, logo);
}

static void
write_shirt_images (void)
{
  g_autofree char *photo = g_build_filename (dir, "photo.png", NULL);
  g_autofree char *mask = g_build_filename (dir, "mask.png", NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 80, 40);
  cairo_t *cr = cairo_create (surface);
  cairo_pattern_t *gradient = cairo_pattern_create_linear (0, 0, 80, 40);

  cairo_pattern_add_color_stop_rgb (gradient, 0, 0.9, 0.85, 0.8);
  cairo_pattern_add_color_stop_rgb (gradient, 1, 0.3, 0.35, 0.4);
  cairo_set_source (cr, gradient);
  cairo_paint (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, photo), ==, CAIRO_STATUS_SUCCESS);
  cairo_pattern_destroy (gradient);

  /* the mask: white on the left 40 columns, black on the right */
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, 0, 0, 40, 40);
  cairo_fill (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, mask), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static MockupTemplate *
shirt_template (const char *shirt,
                const char *glare,
                const char *logo)
{
  g_autofree char *json = shirt_json (shirt, glare, logo);

  return test_template (dir, json);
}

static GdkPixbuf *
render_pixels (MockupTemplate      *template,
               MockupArtwork       *artwork,
               MockupRenderOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupResult) result = render_with (template, artwork, options, &error);

  g_assert_no_error (error);
  return g_object_ref (mockup_result_get_pixbuf (result));
}

/* How many pixels differ, and whether any differs at x >= @from_x. */
static guint
count_differences (GdkPixbuf *a,
                   GdkPixbuf *b,
                   int        from_x,
                   gboolean  *beyond)
{
  guint n = 0;

  g_assert_cmpint (gdk_pixbuf_get_width (a), ==, gdk_pixbuf_get_width (b));
  g_assert_cmpint (gdk_pixbuf_get_height (a), ==, gdk_pixbuf_get_height (b));
  *beyond = FALSE;
  for (int y = 0; y < gdk_pixbuf_get_height (a); y++)
    for (int x = 0; x < gdk_pixbuf_get_width (a); x++)
      if (test_pixel (a, x, y) != test_pixel (b, x, y))
        {
          n++;
          *beyond |= x >= from_x;
        }
  return n;
}

static void
test_options_color_parameter (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("{\"parameter\": \"shirt\"}", "0.35", "true");
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(GdkPixbuf) defaults = render_pixels (template, artwork, NULL);
  MockupParameter *parameter = mockup_template_get_parameter (template, "shirt");
  g_auto(GStrv) choices = mockup_parameter_dup_choice_names (parameter);
  const char *extra[] = { "#123456", "#abc", "navy" };
  gboolean beyond;

  g_assert_cmpuint (g_strv_length (choices), ==, 6);

  /* every named choice, and colours written out, render as the template
   * with that colour written into it, and change only the masked half */
  for (guint i = 0; i < g_strv_length (choices) + G_N_ELEMENTS (extra); i++)
    {
      const char *value = i < g_strv_length (choices) ? choices[i] : extra[i - g_strv_length (choices)];
      const char *hex = value[0] == '#' ? value : mockup_parameter_get_choice_value (parameter, value);
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autofree char *literal = g_strdup_printf ("\"%s\"", hex);
      g_autoptr(MockupTemplate) written = shirt_template (literal, "0.35", "true");
      g_autoptr(GdkPixbuf) with_option = NULL;
      g_autoptr(GdkPixbuf) with_literal = NULL;
      guint n;

      mockup_render_options_set_parameter (options, "shirt", value);
      with_option = render_pixels (template, artwork, options);
      with_literal = render_pixels (written, artwork, NULL);
      g_assert_cmpuint (count_differences (with_option, with_literal, 0, &beyond), ==, 0);

      n = count_differences (with_option, defaults, 40, &beyond);
      g_assert_false (beyond);
      if (g_str_equal (hex, "#1d2a44"))
        g_assert_cmpuint (n, ==, 0);
      else
        g_assert_cmpuint (n, ==, 40 * 40);
    }
}

static void
test_options_bad_values (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("{\"parameter\": \"shirt\"}",
                                                       "{\"parameter\": \"glare\"}",
                                                       "{\"parameter\": \"logo\"}");
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  const char *cases[][2] = {
    { "shirt", "chartreuse" }, { "shirt", "#12345" }, { "shirt", "" }, { "shirt", "#ggg" }, { "shirt", "\xff\xfe" },
    { "glare", "abc" }, { "glare", "1.5" }, { "glare", "-0.1" }, { "glare", "nan" }, { "glare", "inf" },
    { "glare", " 0.5" }, { "glare", "0.5x" }, { "logo", "yes" }, { "logo", "1" },
    { "name", "far too long a name" }, { "name", "\xff\xfe" }, { "sleeves", "long" }, { "sleeves\xff", "long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *valid = g_utf8_make_valid (cases[i][0], -1);
      g_autofree char *quoted = g_strdup_printf ("\"%s\"", valid);

      mockup_render_options_set_parameter (options, cases[i][0], cases[i][1]);
      result = render_with (template, artwork, options, &error);
      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      if (strstr (error->message, quoted) == NULL)
        g_error ("%s=%s: %s does not name the parameter", cases[i][0], cases[i][1], error->message);
    }
}

static void
test_options_visible (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("\"#b3202a\"", "0.35", "{\"parameter\": \"logo\"}");
  g_autoptr(MockupTemplate) hidden = shirt_template ("\"#b3202a\"", "0.35", "false");
  g_autoptr(MockupTemplate) shown = shirt_template ("\"#b3202a\"", "0.35", "true");
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(GdkPixbuf) defaults = render_pixels (template, artwork, NULL);
  g_autoptr(GdkPixbuf) off = NULL;
  g_autoptr(GdkPixbuf) literal_off = render_pixels (hidden, artwork, NULL);
  g_autoptr(GdkPixbuf) literal_on = render_pixels (shown, artwork, NULL);
  gboolean beyond;

  mockup_render_options_set_parameter (options, "logo", "false");
  off = render_pixels (template, artwork, options);
  g_assert_cmpuint (count_differences (defaults, literal_on, 0, &beyond), ==, 0);
  g_assert_cmpuint (count_differences (off, literal_off, 0, &beyond), ==, 0);
  /* hiding the artwork uncovers exactly its 20 × 20 square */
  g_assert_cmpuint (count_differences (off, defaults, 0, &beyond), ==, 20 * 20);
}

static void
test_options_opacity (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("\"#b3202a\"", "{\"parameter\": \"glare\"}", "true");
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  const char *values[] = { "0", "0.25", "1" };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(MockupTemplate) written = shirt_template ("\"#b3202a\"", values[i], "true");
      g_autoptr(GdkPixbuf) with_option = NULL;
      g_autoptr(GdkPixbuf) with_literal = render_pixels (written, artwork, NULL);
      gboolean beyond;

      mockup_render_options_set_parameter (options, "glare", values[i]);
      with_option = render_pixels (template, artwork, options);
      g_assert_cmpuint (count_differences (with_option, with_literal, 0, &beyond), ==, 0);
    }
}

static void
test_options_template_parameters (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("{\"parameter\": \"shirt\"}", "0.35", "true");
  g_auto(GStrv) names = mockup_template_dup_parameter_names (template);
  g_auto(GStrv) choices = NULL;
  MockupParameter *parameter;

  g_assert_cmpstrv (names, ((const char * const[]) { "shirt", "glare", "logo", "name", NULL }));
  g_assert_null (mockup_template_get_parameter (template, "sleeves"));

  parameter = mockup_template_get_parameter (template, "shirt");
  g_assert_cmpstr (mockup_parameter_get_name (parameter), ==, "shirt");
  g_assert_cmpint (mockup_parameter_get_parameter_type (parameter), ==, MOCKUP_PARAMETER_COLOR);
  g_assert_cmpstr (mockup_parameter_get_default_value (parameter), ==, "navy");
  g_assert_cmpstr (mockup_parameter_get_label (parameter), ==, "Shirt colour");
  choices = mockup_parameter_dup_choice_names (parameter);
  g_assert_cmpstrv (choices, ((const char * const[]) { "navy", "white", "red", "forest", "heather", "gold", NULL }));
  g_assert_cmpstr (mockup_parameter_get_choice_value (parameter, "gold"), ==, "#ffcc33");
  g_assert_null (mockup_parameter_get_choice_value (parameter, "pink"));

  parameter = mockup_template_get_parameter (template, "glare");
  g_assert_cmpint (mockup_parameter_get_parameter_type (parameter), ==, MOCKUP_PARAMETER_NUMBER);
  g_assert_cmpstr (mockup_parameter_get_default_value (parameter), ==, "0.35");
  g_assert_cmpfloat (mockup_parameter_get_minimum (parameter), ==, 0);
  g_assert_cmpfloat (mockup_parameter_get_maximum (parameter), ==, 1);
  g_assert_null (mockup_parameter_get_label (parameter));

  parameter = mockup_template_get_parameter (template, "logo");
  g_assert_cmpint (mockup_parameter_get_parameter_type (parameter), ==, MOCKUP_PARAMETER_BOOLEAN);
  g_assert_cmpstr (mockup_parameter_get_default_value (parameter), ==, "true");
  g_clear_pointer (&choices, g_strfreev);
  choices = mockup_parameter_dup_choice_names (parameter);
  g_assert_cmpuint (g_strv_length (choices), ==, 0);

  parameter = mockup_template_get_parameter (template, "name");
  g_assert_cmpint (mockup_parameter_get_parameter_type (parameter), ==, MOCKUP_PARAMETER_TEXT);
  g_assert_cmpuint (mockup_parameter_get_max_length (parameter), ==, 8);
  g_assert_true (isinf (mockup_parameter_get_minimum (parameter)));
}

static void
test_options_template_errors (void)
{
  const struct { const char *parameters; const char *layer; const char *member; const char *words; } cases[] = {
    { "{}", "{\"type\": \"color\", \"color\": {\"parameter\": \"shirt\"}}", "layers[0].color.parameter", "no parameter \"shirt\"" },
    { "{\"glare\": {\"type\": \"number\", \"default\": 0.5}}",
      "{\"type\": \"color\", \"color\": {\"parameter\": \"glare\"}}", "layers[0].color.parameter", "number parameter" },
    { "{\"glare\": {\"type\": \"number\", \"default\": 0.5}}",
      "{\"type\": \"color\", \"color\": \"#fff\", \"opacity\": {\"parameter\": \"glare\"}}", "layers[0].opacity", "minimum" },
    { "{\"s\": {\"type\": \"color\", \"default\": \"#fff\"}}",
      "{\"type\": \"color\", \"color\": \"#fff\", \"visible\": {\"parameter\": \"s\"}}", "layers[0].visible.parameter", "color parameter" },
    { "{}", "{\"type\": \"color\", \"color\": \"#fff\", \"visible\": \"no\"}", "layers[0].visible", "expected true, false" },
    { "{\"s\": {\"type\": \"color\", \"default\": \"pink\", \"choices\": {\"red\": \"#f00\"}}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.s.default", "pink" },
    { "{\"s\": {\"type\": \"color\", \"default\": \"#fff\", \"choices\": {\"red\": \"reddish\"}}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.s.choices.red", "not a colour" },
    { "{\"Shirt\": {\"type\": \"color\", \"default\": \"#fff\"}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters", "not a parameter name" },
    { "{\"s\": {\"type\": \"colour\", \"default\": \"#fff\"}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.s.type", "colour" },
    { "{\"s\": {\"type\": \"color\"}}", "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.s.default", "missing" },
    { "{\"n\": {\"type\": \"number\", \"default\": 2, \"minimum\": 0, \"maximum\": 1}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.n.default", "out of range" },
    { "{\"n\": {\"type\": \"number\", \"default\": 0, \"minimum\": 1, \"maximum\": 0}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.n", "more than the maximum" },
    { "{\"b\": {\"type\": \"boolean\", \"default\": \"true\"}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.b.default", "true or false" },
    { "{\"t\": {\"type\": \"text\", \"default\": \"Alexandra\", \"max_length\": 4}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.t.default", "maximum" },
    { "{\"t\": {\"type\": \"text\", \"default\": \"A\", \"minimum\": 4}}",
      "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters.t", "unknown member \"minimum\"" },
    { "[]", "{\"type\": \"color\", \"color\": \"#fff\"}", "parameters", "expected an object" },
    { "{}", "{\"type\": \"color\", \"color\": {\"parameter\": 3}}", "layers[0].color.parameter", "expected a string" },
    { "{}", "{\"type\": \"color\", \"color\": {\"param\": \"s\"}}", "layers[0].color", "unknown member \"param\"" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"format\": 1, \"size\": [10, 10], \"parameters\": %s, "
                                               "\"layers\": [%s]}", cases[i].parameters, cases[i].layer);

      test_template_fails (dir, json, MOCKUP_ERROR_INVALID_TEMPLATE, cases[i].member, cases[i].words, NULL);
    }
}

/* One template × the six colours in one batch: each result as a single
 * render of its colour. */
static void
test_options_batch_colours (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("{\"parameter\": \"shirt\"}", "0.35", "true");
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_auto(GStrv) choices = mockup_parameter_dup_choice_names (mockup_template_get_parameter (template, "shirt"));
  g_autoptr(GPtrArray) variants = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  g_list_store_append (templates, template);
  for (guint v = 0; choices[v] != NULL; v++)
    {
      MockupRenderOptions *options = mockup_render_options_new ();

      mockup_render_options_set_parameter (options, "shirt", choices[v]);
      g_ptr_array_add (variants, options);
    }
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  batch = mockup_renderer_render_batch_full (renderer, artwork, G_LIST_MODEL (templates), NULL,
                                             (MockupRenderOptions **) variants->pdata, variants->len,
                                             NULL, &error);
  g_assert_no_error (error);
  /* the batch copied them: changing ours now changes nothing */
  mockup_render_options_set_parameter (variants->pdata[0], "shirt", "white");

  for (;;)
    {
      g_autoptr(MockupResult) result = mockup_batch_next (batch, NULL, &error);
      g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
      g_autoptr(GdkPixbuf) single = NULL;
      gboolean beyond;

      g_assert_no_error (error);
      if (result == NULL)
        break;
      g_assert_no_error (mockup_result_get_error (result));
      g_assert_cmpuint (mockup_result_get_variant (result), ==, n);
      mockup_render_options_set_parameter (options, "shirt", choices[n]);
      single = render_pixels (template, artwork, options);
      g_assert_cmpuint (count_differences (mockup_result_get_pixbuf (result), single, 0, &beyond), ==, 0);
      n++;
    }
  g_assert_cmpuint (n, ==, 6);
}

static void
render_full_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static void
test_options_async (void)
{
  g_autoptr(MockupTemplate) template = shirt_template ("{\"parameter\": \"shirt\"}", "0.35", "true");
  g_autoptr(MockupArtwork) artwork = white_artwork ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupRenderOptions) options = mockup_render_options_new ();
  g_autoptr(GAsyncResult) async_result = NULL;
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  mockup_render_options_set_parameter (options, "shirt", "pink");
  mockup_renderer_render_full_async (renderer, artwork, template, options, NULL,
                                     render_full_done, &async_result);
  /* copied when the call was made: this change is not seen */
  mockup_render_options_set_parameter (options, "shirt", "red");
  while (async_result == NULL)
    g_main_context_iteration (NULL, TRUE);
  result = mockup_renderer_render_full_finish (renderer, async_result, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_OPTION);
  g_assert_nonnull (strstr (error->message, "pink"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  dir = test_make_dir ();
  write_shirt_images ();

  g_test_add_func ("/options/storage", test_options_storage);
  g_test_add_func ("/options/none-is-render", test_options_none_is_render);
  g_test_add_func ("/options/unknown-parameter", test_options_unknown_parameter);
  g_test_add_func ("/options/bad-placement", test_options_bad_placement);
  g_test_add_func ("/options/batch-full-order", test_options_batch_full_order);
  g_test_add_func ("/options/color-parameter", test_options_color_parameter);
  g_test_add_func ("/options/bad-values", test_options_bad_values);
  g_test_add_func ("/options/visible", test_options_visible);
  g_test_add_func ("/options/opacity", test_options_opacity);
  g_test_add_func ("/options/template-parameters", test_options_template_parameters);
  g_test_add_func ("/options/template-errors", test_options_template_errors);
  g_test_add_func ("/options/batch-colours", test_options_batch_colours);
  g_test_add_func ("/options/async", test_options_async);

  return g_test_run ();
}
