/* test-geometry.c: the engine's geometry, coverage, resampling and EXIF
 * against independent computations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <math.h>
#include <string.h>

#include "mockup-coverage-private.h"
#include "mockup-exif-private.h"
#include "mockup-geometry-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-mesh-private.h"
#include "mockup-resampler-private.h"
#include "mockup-color-private.h"

static const double full_region[4] = { 0, 0, 1, 1 };

static MockupShape
quad_shape (double x0, double y0, double x1, double y1,
            double x2, double y2, double x3, double y3)
{
  MockupShape shape = { .kind = MOCKUP_SHAPE_QUAD };

  shape.quad[0][0] = x0; shape.quad[0][1] = y0;
  shape.quad[1][0] = x1; shape.quad[1][1] = y1;
  shape.quad[2][0] = x2; shape.quad[2][1] = y2;
  shape.quad[3][0] = x3; shape.quad[3][1] = y3;
  return shape;
}

static void
test_homography_corners_and_inverse (void)
{
  /* far edge a quarter of the near edge */
  MockupShape shape = quad_shape (400, 100, 500, 100, 700, 500, 200, 500);
  g_autoptr(MockupGeometry) geometry = mockup_geometry_new (&shape, 1.0, full_region);
  static const double corners[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };

  for (int i = 0; i < 4; i++)
    {
      double x, y;

      g_assert_true (mockup_shape_map (&shape, corners[i][0], corners[i][1], &x, &y));
      g_assert_cmpfloat_with_epsilon (x, shape.quad[i][0], 1e-9);
      g_assert_cmpfloat_with_epsilon (y, shape.quad[i][1], 1e-9);
    }

  /* inverse of forward is the identity, and the derivatives agree with
   * finite differences */
  for (int j = 1; j < 10; j++)
    for (int i = 1; i < 10; i++)
      {
        double u = i / 10.0, v = j / 10.0, x, y;
        MockupSurfacePoint p, px, py;
        guint8 valid;
        int ix, iy;
        float off[2];

        mockup_shape_map (&shape, u, v, &x, &y);
        ix = (int) floor (x);
        iy = (int) floor (y);
        off[0] = (float) (x - ix - 0.5);
        off[1] = (float) (y - iy - 0.5);
        mockup_geometry_map_row (geometry, iy, ix, 1, off, &p, &valid);
        g_assert_true (valid);
        g_assert_cmpfloat_with_epsilon (p.u, u, 1e-5);
        g_assert_cmpfloat_with_epsilon (p.v, v, 1e-5);

        mockup_geometry_map_row (geometry, iy, ix, 1, NULL, &p, &valid);
        mockup_geometry_map_row (geometry, iy, ix + 1, 1, NULL, &px, &valid);
        mockup_geometry_map_row (geometry, iy + 1, ix, 1, NULL, &py, &valid);
        g_assert_cmpfloat_with_epsilon (p.dudx, px.u - p.u, 1e-4);
        g_assert_cmpfloat_with_epsilon (p.dvdy, py.v - p.v, 1e-4);
      }
}

static void
test_homography_region (void)
{
  /* a sub-rectangle of the slot maps to the exact sub-quad */
  MockupShape shape = quad_shape (100, 50, 600, 120, 560, 400, 80, 380);
  const double region[4] = { 0.2, 0.25, 0.7, 0.75 };
  g_autoptr(MockupGeometry) geometry = mockup_geometry_new (&shape, 2.0, region);
  const double *outline;
  guint n;

  outline = mockup_geometry_get_outline (geometry, &n);
  g_assert_cmpuint (n, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      double u = region[(i == 1 || i == 2) ? 2 : 0], v = region[i >= 2 ? 3 : 1], x, y;

      mockup_shape_map (&shape, u, v, &x, &y);
      g_assert_cmpfloat_with_epsilon (outline[2 * i], 2 * x, 1e-9);
      g_assert_cmpfloat_with_epsilon (outline[2 * i + 1], 2 * y, 1e-9);
    }
}

/* The area of the unit pixel square at (px, py) inside a convex polygon,
 * by Sutherland–Hodgman clipping: independent of the accumulator. */
static double
clipped_area (const double *poly,
              guint         n,
              double        px,
              double        py)
{
  double a[64][2], b[64][2];
  int na = 4, nb;
  double (*in)[2] = a, (*out)[2] = b, (*t)[2];
  double area = 0;

  a[0][0] = px; a[0][1] = py;
  a[1][0] = px + 1; a[1][1] = py;
  a[2][0] = px + 1; a[2][1] = py + 1;
  a[3][0] = px; a[3][1] = py + 1;

  for (guint e = 0; e < n; e++)
    {
      const double *p = poly + 2 * e, *q = poly + 2 * ((e + 1) % n);
      double nx = -(q[1] - p[1]), ny = q[0] - p[0];   /* inward for a clockwise-on-screen polygon */

      nb = 0;
      for (int i = 0; i < na; i++)
        {
          double *c = in[i], *d = in[(i + 1) % na];
          double dc = (c[0] - p[0]) * nx + (c[1] - p[1]) * ny;
          double dd = (d[0] - p[0]) * nx + (d[1] - p[1]) * ny;

          if (dc >= 0)
            {
              out[nb][0] = c[0]; out[nb][1] = c[1]; nb++;
            }
          if ((dc >= 0) != (dd >= 0))
            {
              double s = dc / (dc - dd);

              out[nb][0] = c[0] + s * (d[0] - c[0]);
              out[nb][1] = c[1] + s * (d[1] - c[1]);
              nb++;
            }
        }
      t = in; in = out; out = t;
      na = nb;
      if (na == 0)
        return 0;
    }

  for (int i = 0; i < na; i++)
    area += in[i][0] * in[(i + 1) % na][1] - in[(i + 1) % na][0] * in[i][1];
  return fabs (area) / 2;
}

static void
test_coverage_exact (void)
{
  static const double polygons[][8] = {
    { 3.3, 2.2, 27.9, 5.1, 25.4, 28.8, 1.7, 24.4 },
    { 10, 0.5, 30.5, 15, 10, 29.5, 0.5, 15 },       /* a diamond: 45° edges */
    { 5.5, 5.5, 6.5, 5.5, 6.5, 6.5, 5.5, 6.5 },     /* one pixel, off-grid */
    { -10, -10, 50, -5, 45, 40, -8, 44 },           /* larger than the window */
  };
  float acc[(32 + 2) * 32], cov[32 * 32];

  for (guint k = 0; k < G_N_ELEMENTS (polygons); k++)
    {
      double worst = 0;

      mockup_coverage_rasterize (polygons[k], 4, 0, 0, 32, 32, acc, cov);
      for (int y = 0; y < 32; y++)
        for (int x = 0; x < 32; x++)
          worst = MAX (worst, fabs (cov[y * 32 + x] - clipped_area (polygons[k], 4, x, y)));
      g_assert_cmpfloat (worst, <, 1e-4);
    }

  /* a window into the middle of a polygon: same answer as the whole */
  {
    float acc2[(8 + 2) * 6], cov2[8 * 6];

    mockup_coverage_rasterize (polygons[1], 4, 12, 20, 8, 6, acc2, cov2);
    for (int y = 0; y < 6; y++)
      for (int x = 0; x < 8; x++)
        g_assert_cmpfloat_with_epsilon (cov2[y * 8 + x], clipped_area (polygons[1], 4, 12 + x, 20 + y), 1e-4);
  }
}

static MockupShape
mesh_shape (void)
{
  static double points[3][4][2] = {
    { { 100, 100 }, { 200, 90 }, { 300, 95 }, { 400, 110 } },
    { { 110, 200 }, { 205, 215 }, { 310, 190 }, { 395, 205 } },
    { { 95, 300 }, { 200, 310 }, { 305, 290 }, { 405, 305 } },
  };
  MockupShape shape = { .kind = MOCKUP_SHAPE_MESH, .mesh_rows = 3, .mesh_columns = 4 };

  shape.mesh = (double *) points;
  return shape;
}

static void
test_mesh_smooth (void)
{
  MockupShape shape = mesh_shape ();
  g_autofree char *problem = NULL;
  const double h = 1e-6;

  g_assert_true (mockup_mesh_validate (&shape, &problem));

  /* through every control point */
  for (guint r = 0; r < 3; r++)
    for (guint c = 0; c < 4; c++)
      {
        double x, y;

        mockup_mesh_eval (&shape, c / 3.0, r / 2.0, &x, &y);
        g_assert_cmpfloat_with_epsilon (x, shape.mesh[2 * (r * 4 + c)], 1e-9);
        g_assert_cmpfloat_with_epsilon (y, shape.mesh[2 * (r * 4 + c) + 1], 1e-9);
      }

  /* the tangent is continuous across the cell boundaries u = 1/3, 2/3
   * and v = 1/2: no crease */
  for (double v = 0.1; v < 1.0; v += 0.2)
    for (int k = 1; k <= 2; k++)
      {
        double u = k / 3.0, xa, ya, xb, yb, xc, yc;
        double left_dx, right_dx, left_dy, right_dy;

        mockup_mesh_eval (&shape, u - h, v, &xa, &ya);
        mockup_mesh_eval (&shape, u, v, &xb, &yb);
        mockup_mesh_eval (&shape, u + h, v, &xc, &yc);
        left_dx = (xb - xa) / h; right_dx = (xc - xb) / h;
        left_dy = (yb - ya) / h; right_dy = (yc - yb) / h;
        g_assert_cmpfloat_with_epsilon (left_dx, right_dx, 1e-2 * fabs (left_dx) + 1e-3);
        g_assert_cmpfloat_with_epsilon (left_dy, right_dy, 1e-2 * fabs (left_dx) + 1e-3);
      }
}

static void
test_mesh_inverse_no_gaps (void)
{
  MockupShape shape = mesh_shape ();
  g_autoptr(MockupGeometry) geometry = mockup_geometry_new (&shape, 1.0, full_region);
  const double *outline;
  guint n_outline;
  MockupSurfacePoint points[512];
  guint8 valid[512];
  float acc[(512 + 2) * 1], cov[512];

  outline = mockup_geometry_get_outline (geometry, &n_outline);

  /* every pixel the outline covers maps somewhere on the surface, and the
   * map is continuous from pixel to pixel: no seam, no gap */
  for (int y = 80; y < 320; y++)
    {
      mockup_coverage_rasterize (outline, n_outline, 0, y, 512, 1, acc, cov);
      mockup_geometry_map_row (geometry, y, 0, 512, NULL, points, valid);
      for (int x = 0; x < 512; x++)
        {
          /* what the renderer draws: float noise of the accumulator aside */
          if (cov[x] <= 1.0f / 1024.0f)
            continue;
          if (!valid[x])
            g_error ("pixel (%d, %d) with coverage %g is not on the surface", x, y, cov[x]);
          if (cov[x] >= 1.0f)
            {
              g_assert_cmpfloat (points[x].u, >=, -1e-4);
              g_assert_cmpfloat (points[x].u, <=, 1 + 1e-4);
              g_assert_cmpfloat (points[x].v, >=, -1e-4);
              g_assert_cmpfloat (points[x].v, <=, 1 + 1e-4);
            }
          if (x > 0 && cov[x - 1] >= 1.0f && cov[x] >= 1.0f)
            {
              /* neighbours are about a pixel apart on the surface */
              g_assert_cmpfloat (fabsf (points[x].u - points[x - 1].u), <, 0.01f);
              g_assert_cmpfloat (fabsf (points[x].v - points[x - 1].v), <, 0.01f);
            }
        }
    }

  /* and it inverts the forward map */
  for (double v = 0.05; v < 1.0; v += 0.1)
    for (double u = 0.05; u < 1.0; u += 0.1)
      {
        double x, y;
        int ix, iy;
        float off[2];

        mockup_mesh_eval (&shape, u, v, &x, &y);
        ix = (int) floor (x);
        iy = (int) floor (y);
        off[0] = (float) (x - ix - 0.5);
        off[1] = (float) (y - iy - 0.5);
        mockup_geometry_map_row (geometry, iy, ix, 1, off, points, valid);
        g_assert_true (valid[0]);
        /* the tessellation is within a small fraction of a pixel */
        g_assert_cmpfloat_with_epsilon (points[0].u, u, 2e-3);
        g_assert_cmpfloat_with_epsilon (points[0].v, v, 2e-3);
      }
}

/* A mesh so large that its tessellation reaches the subdivision limit:
 * the bucket index must stay within the estimate that the renderer
 * reserves for it, and still find every pixel. */
static void
test_mesh_memory_bounded (void)
{
  MockupShape shape = mesh_shape ();
  double points[12 * 2];
  MockupMesh *mesh;
  MockupSurfacePoint point;

  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    points[i] = shape.mesh[i] * 25.0;
  shape.mesh = points;
  mesh = mockup_mesh_new (&shape, 1.0, full_region);

  for (double v = 0.05; v < 1.0; v += 0.1)
    for (double u = 0.05; u < 1.0; u += 0.1)
      {
        double x, y;

        mockup_mesh_eval (&shape, u, v, &x, &y);
        g_assert_true (mockup_mesh_lookup (mesh, x, y, &point));
        g_assert_cmpfloat_with_epsilon (point.u, u, 1e-3);
        g_assert_cmpfloat_with_epsilon (point.v, v, 1e-3);
      }
  g_test_message ("mesh index: %" G_GSIZE_FORMAT " bytes, estimate %" G_GSIZE_FORMAT,
                  mockup_mesh_get_memory (mesh), mockup_mesh_estimate_memory ());
  g_assert_cmpuint (mockup_mesh_get_memory (mesh), <=, mockup_mesh_estimate_memory ());
  mockup_mesh_free (mesh);
}

static void
test_cylinder (void)
{
  MockupShape shape = {
    .kind = MOCKUP_SHAPE_CYLINDER,
    .left = 100, .right = 500, .top = 100, .bottom = 400, .ellipse = 30,
    .wrap = G_PI, .rotation = 0,
  };
  g_autoptr(MockupGeometry) geometry = mockup_geometry_new (&shape, 1.0, full_region);
  MockupSurfacePoint p;
  guint8 valid;

  /* A vertical line of the artwork (u fixed) stays vertical on screen at
   * x = cx + R sin φ: spaced by the sine, crowding toward the silhouette. */
  for (double u = 0.1; u < 0.95; u += 0.1)
    {
      double phi = (u - 0.5) * G_PI, x0, y0, x1, y1;

      mockup_shape_map (&shape, u, 0.2, &x0, &y0);
      mockup_shape_map (&shape, u, 0.9, &x1, &y1);
      g_assert_cmpfloat_with_epsilon (x0, 300 + 200 * sin (phi), 1e-9);
      g_assert_cmpfloat_with_epsilon (x1, x0, 1e-9);
      /* a horizontal line follows the rim's ellipse: lowest at the front */
      g_assert_cmpfloat_with_epsilon (y0, 100 + 0.2 * 300 + 30 * (cos (phi) - 1), 1e-9);
    }

  /* the inverse agrees, pixel by pixel */
  for (int x = 120; x < 480; x += 37)
    {
      double phi = asin ((x + 0.5 - 300) / 200.0);
      double y = 250 + 30 * (cos (phi) - 1);
      int iy = (int) floor (y);
      float off[2] = { 0, (float) (y - iy - 0.5) };

      mockup_geometry_map_row (geometry, iy, x, 1, off, &p, &valid);
      g_assert_true (valid);
      g_assert_cmpfloat_with_epsilon (p.u, phi / G_PI + 0.5, 1e-5);
      g_assert_cmpfloat_with_epsilon (p.v, 0.5, 1e-4);
    }

  /* beyond the silhouette there is no surface */
  mockup_geometry_map_row (geometry, 250, 520, 1, NULL, &p, &valid);
  g_assert_false (valid);
}

static void
test_resampler (void)
{
  guint32 src[16 * 16], dst[8 * 8], ramp[12], out[4];

  /* a one-pixel checkerboard halved: an even grey */
  for (int y = 0; y < 16; y++)
    for (int x = 0; x < 16; x++)
      src[y * 16 + x] = ((x + y) & 1) ? 0xffffffff : 0xff000000;
  mockup_resample_image (src, 16, 16, 16, dst, 8, 8, 8, FALSE);
  for (int i = 0; i < 64; i++)
    {
      g_assert_cmpint (MOCKUP_A (dst[i]), ==, 255);
      g_assert_cmpint (ABS (MOCKUP_R (dst[i]) - 128), <=, 1);
    }

  /* in linear light the same grey is as bright as the pattern: 188 */
  mockup_resample_image (src, 16, 16, 16, dst, 8, 8, 8, TRUE);
  for (int i = 0; i < 64; i++)
    g_assert_cmpint (ABS (MOCKUP_G (dst[i]) - 188), <=, 1);

  /* shrinking by 3 averages exactly three pixels */
  for (int x = 0; x < 12; x++)
    ramp[x] = MOCKUP_ARGB (255, x * 20, 0, 0);
  mockup_resample_image (ramp, 12, 1, 12, out, 4, 1, 4, FALSE);
  for (int x = 0; x < 4; x++)
    g_assert_cmpint (MOCKUP_R (out[x]), ==, (3 * x + 1) * 20);
}

/* JPEGs decode at the SIMD scales only: a preview of a 3000 × 2000 photo
 * at 800 wide decodes at 4/8, not 3/8. */
static void
test_jpeg_dct_scale (void)
{
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 800, 533), ==, 4);
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 750, 500), ==, 2);
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 375, 250), ==, 1);
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 1501, 10), ==, 8);
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 10, 1001), ==, 8);
  g_assert_cmpint (mockup_jpeg_choose_scale (3000, 2000, 3000, 2000), ==, 8);
}

static void
test_exif_orientation (void)
{
  /* little-endian TIFF, one IFD entry: orientation 6 */
  static const guint8 le[] = {
    'I', 'I', 42, 0, 8, 0, 0, 0,
    1, 0,
    0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
    0, 0, 0, 0,
  };
  static const guint8 be[] = {
    'M', 'M', 0, 42, 0, 0, 0, 8,
    0, 2,
    0x01, 0x0f, 0, 2, 0, 0, 0, 4, 'A', 'B', 'C', 0,
    0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0,
    0, 0, 0, 0,
  };
  guint8 bad[sizeof le];

  g_assert_cmpint (mockup_exif_get_orientation (le, sizeof le), ==, 6);
  g_assert_cmpint (mockup_exif_get_orientation (be, sizeof be), ==, 8);
  /* truncated, garbage, out of range: the identity */
  g_assert_cmpint (mockup_exif_get_orientation (le, 12), ==, 1);
  g_assert_cmpint (mockup_exif_get_orientation ((const guint8 *) "garbage!", 8), ==, 1);
  memcpy (bad, le, sizeof le);
  bad[18] = 9;
  g_assert_cmpint (mockup_exif_get_orientation (bad, sizeof bad), ==, 1);
  bad[4] = 0xf0;
  g_assert_cmpint (mockup_exif_get_orientation (bad, sizeof bad), ==, 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mockup_color_init ();

  g_test_add_func ("/geometry/homography/corners-and-inverse", test_homography_corners_and_inverse);
  g_test_add_func ("/geometry/homography/region", test_homography_region);
  g_test_add_func ("/geometry/coverage/exact", test_coverage_exact);
  g_test_add_func ("/geometry/mesh/smooth", test_mesh_smooth);
  g_test_add_func ("/geometry/mesh/inverse-no-gaps", test_mesh_inverse_no_gaps);
  g_test_add_func ("/geometry/mesh/memory-bounded", test_mesh_memory_bounded);
  g_test_add_func ("/geometry/cylinder", test_cylinder);
  g_test_add_func ("/engine/resampler", test_resampler);
  g_test_add_func ("/engine/exif-orientation", test_exif_orientation);
  g_test_add_func ("/engine/jpeg-dct-scale", test_jpeg_dct_scale);

  return g_test_run ();
}
