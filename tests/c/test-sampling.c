/* test-sampling.c: texture coordinates from degenerate geometry
 *
 * A mesh cell squeezed to a sliver inverts to derivatives of 1e10 and
 * more, a quad's horizon to coordinates without bound, and NaN where a
 * division is 0 / 0. The sampler turns coordinates into texel indices in
 * fixed point: these must neither overflow an int (undefined behaviour,
 * which the sanitizer build reports) nor read outside the texture.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>

#include "mockup-buffer-private.h"
#include "mockup-color-private.h"
#include "mockup-geometry-private.h"
#include "mockup-texture-private.h"
#include "test-util.h"

#define COLOUR 0xff336699u   /* opaque: premultiplied and straight alike */

static const double full_region[4] = { 0.0, 0.0, 1.0, 1.0 };

/* A 2 × 6 mesh as the parser accepts it, one point moved until the cell
 * beside it is a sliver with a pixel centre right on its fold. */
static const double sliver_mesh[2 * 2 * 6] = {
  50, 50, 90, 97.999106232076883, 250, 50, 350, 50, 450, 50, 550, 50,
  50, 150, 150, 150, 250, 150, 350, 150, 450, 150, 550, 150,
};

static MockupTexture *
uniform_texture (int      width,
                 int      height,
                 gboolean linear)
{
  guint32 *argb = mockup_buffer_alloc ((gsize) width * height * 4);

  for (gsize i = 0; i < (gsize) width * height; i++)
    argb[i] = COLOUR;
  return mockup_texture_new (argb, width, height, linear);
}

static void
assert_colour (guint32 p)
{
  /* any average of one colour is that colour, to within rounding */
  for (int shift = 0; shift < 32; shift += 8)
    g_assert_cmpint (ABS ((int) ((p >> shift) & 0xff) - (int) ((COLOUR >> shift) & 0xff)), <=, 1);
}

static void
assert_linear_colour (const float rgba[4])
{
  g_assert_true (isfinite (rgba[0]) && isfinite (rgba[1]) && isfinite (rgba[2]) && isfinite (rgba[3]));
  g_assert_cmpfloat_with_epsilon (rgba[3], 1.0, 1e-3);
  g_assert_cmpfloat_with_epsilon (rgba[0], mockup_color_srgb_to_linear_table[0x33], 2e-3);
  g_assert_cmpfloat_with_epsilon (rgba[1], mockup_color_srgb_to_linear_table[0x66], 2e-3);
  g_assert_cmpfloat_with_epsilon (rgba[2], mockup_color_srgb_to_linear_table[0x99], 2e-3);
}

/* Samples @points through both paths of a uniform texture: every sample
 * must be the texture's colour. */
static void
sample_all (const MockupSurfacePoint *points,
            const guint8             *valid,
            int                       n)
{
  const MockupCrop crops[] = { { 0.0f, 0.0f, 1.0f, 1.0f }, { 0.25f, 0.1f, 0.5f, 0.8f } };
  g_autoptr(MockupTexture) argb = uniform_texture (37, 23, FALSE);
  g_autoptr(MockupTexture) linear = uniform_texture (37, 23, TRUE);
  g_autofree guint32 *out = g_new (guint32, n);

  for (guint c = 0; c < G_N_ELEMENTS (crops); c++)
    {
      mockup_texture_sample_row_argb (argb, &crops[c], points, valid, n, out);
      for (int i = 0; i < n; i++)
        {
          float rgba[4];

          if (!valid[i])
            continue;
          assert_colour (out[i]);
          mockup_texture_sample (linear, &crops[c], &points[i], rgba);
          assert_linear_colour (rgba);
        }
    }
}

/* Every combination of hostile coordinates and derivatives. */
static void
test_sampling_hostile_points (void)
{
  static const float values[] = {
    0.5f, 0.0f, 1.0f, -3.0f, 1e-3f, 1e6f, -1e6f, 1e14f, -1e14f, 3e38f,
    INFINITY, -INFINITY, NAN,
  };
  const guint n_values = G_N_ELEMENTS (values);
  g_autoptr(GArray) points = g_array_new (FALSE, FALSE, sizeof (MockupSurfacePoint));
  g_autofree guint8 *valid = NULL;

  for (guint a = 0; a < n_values; a++)
    for (guint b = 0; b < n_values; b++)
      for (guint d = 0; d < n_values; d++)
        {
          /* positions, then each derivative pattern at a sane position */
          MockupSurfacePoint p1 = { values[a], values[b], values[d], values[d], values[d], values[d] };
          MockupSurfacePoint p2 = { 0.5f, 0.5f, values[a], values[b], values[d], 0.01f };
          MockupSurfacePoint p3 = { 0.9f, 0.1f, 0.01f, values[d], values[a], values[b] };

          g_array_append_val (points, p1);
          g_array_append_val (points, p2);
          g_array_append_val (points, p3);
        }

  valid = g_malloc (points->len);
  memset (valid, 1, points->len);
  sample_all ((const MockupSurfacePoint *) points->data, valid, (int) points->len);
}

/* Maps every row of @geometry over a @width × @height raster: what the
 * geometry gives is finite and bounded, and samples to the colour. */
static guint
map_and_sample (MockupGeometry *geometry,
                int             width,
                int             height)
{
  g_autofree MockupSurfacePoint *points = g_new (MockupSurfacePoint, width);
  g_autofree guint8 *valid = g_new (guint8, width);
  guint n_valid = 0;

  for (int y = 0; y < height; y++)
    {
      mockup_geometry_map_row (geometry, y, 0, width, NULL, points, valid);
      for (int i = 0; i < width; i++)
        {
          const float *f = &points[i].u;

          if (!valid[i])
            continue;
          n_valid++;
          for (int k = 0; k < 6; k++)
            {
              if (!isfinite (f[k]) || fabsf (f[k]) > 1e9f)
                g_error ("pixel (%d, %d): member %d of its surface point is %g", i, y, k, f[k]);
            }
        }
      sample_all (points, valid, width);
    }
  return n_valid;
}

static void
test_sampling_sliver_mesh (void)
{
  MockupShape shape = { .kind = MOCKUP_SHAPE_MESH, .mesh_rows = 2, .mesh_columns = 6,
                        .mesh = (double *) sliver_mesh };
  g_autoptr(MockupGeometry) geometry = NULL;
  g_autofree char *problem = NULL;

  /* the parser's own check lets it through */
  g_assert_true (mockup_shape_validate (&shape, &problem));
  geometry = mockup_geometry_new (&shape, 1.0, full_region);
  g_assert_cmpuint (map_and_sample (geometry, 620, 200), >, 40000);
}

/* A trapezoid whose sides meet a millionth of a pixel above the first
 * row's pixel centres: the horizon runs through the slot's bounding box,
 * and w nears 0 on that row. */
static void
test_sampling_quad_horizon (void)
{
  double horizon = 0.5 - 1e-6, far = 200.0 + (horizon - 200.0) * 299.9 / 300.0;
  MockupShape shape = { .kind = MOCKUP_SHAPE_QUAD,
                        .quad = { { 299.9, far }, { 300.1, far }, { 600, 200 }, { 0, 200 } } };
  g_autoptr(MockupGeometry) geometry = NULL;
  g_autofree char *problem = NULL;

  g_assert_true (mockup_shape_validate (&shape, &problem));
  geometry = mockup_geometry_new (&shape, 1.0, full_region);
  g_assert_cmpuint (map_and_sample (geometry, 601, 201), >, 50000);
}

/* The same mesh through the public API, in sRGB and in linear light. */
static void
test_sampling_sliver_render (void)
{
  g_autofree char *dir = test_make_dir ();
  g_autofree char *art = test_write_png (dir, "art.png", 300, 200, COLOUR);
  g_autoptr(GString) json = g_string_new ("{\"format\": 1, \"size\": [700, 250], \"layers\": ["
                                          "{\"type\": \"color\", \"color\": \"#ffffff\"},"
                                          "{\"type\": \"artwork\", \"fit\": \"stretch\", \"mesh\": [");
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GError) error = NULL;

  for (int r = 0; r < 2; r++)
    {
      g_string_append (json, r > 0 ? ", [" : "[");
      for (int c = 0; c < 6; c++)
        g_string_append_printf (json, "%s[%.17g, %.17g]", c > 0 ? ", " : "",
                                sliver_mesh[2 * (r * 6 + c)], sliver_mesh[2 * (r * 6 + c) + 1]);
      g_string_append (json, "]");
    }
  g_string_append (json, "]}]}");
  template = test_template (dir, json->str);
  artwork = mockup_artwork_new_from_file (art, &error);
  g_assert_no_error (error);

  for (int linear = 0; linear < 2; linear++)
    {
      g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
      g_autoptr(MockupResult) result = NULL;
      GdkPixbuf *pixbuf;

      mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
      mockup_renderer_set_linear_light (renderer, linear);
      result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
      g_assert_no_error (error);
      pixbuf = mockup_result_get_pixbuf (result);
      /* inside a cell of the untouched part, and on the white around */
      g_assert_cmphex (test_pixel (pixbuf, 400, 100) & 0xfefefe, ==, COLOUR & 0xfefefe);
      g_assert_cmphex (test_pixel (pixbuf, 650, 220), ==, 0xffffffff);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  mockup_color_init ();

  g_test_add_func ("/sampling/hostile-points", test_sampling_hostile_points);
  g_test_add_func ("/sampling/sliver-mesh", test_sampling_sliver_mesh);
  g_test_add_func ("/sampling/quad-horizon", test_sampling_quad_horizon);
  g_test_add_func ("/sampling/sliver-render", test_sampling_sliver_render);

  return g_test_run ();
}
