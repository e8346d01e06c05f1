/* mockup-geometry.c: slots on the output raster, inverse-mapped per pixel
 *
 * A quad is an exact projective map, evaluated in double precision for
 * every pixel (a homography's inverse is again a homography, so a pixel's
 * (u, v) and its derivatives come in closed form). A cylinder is inverted in
 * closed form too. A mesh is a smooth spline surface, tessellated finely
 * and inverted per sub-quad; see mockup-mesh.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mockup-geometry-private.h"
#include "mockup-mesh-private.h"

/* How many pixels outside its silhouette a cylinder still answers for:
 * enough for the antialiased edge, whose coverage comes from the outline. */
#define CYLINDER_EDGE_SLACK 2.0

struct _MockupGeometry
{
  MockupShapeKind kind;
  double region[4];

  /* quad: output = H · (u, v, 1) over the region; inverse = H⁻¹ */
  double h[9];
  double hinv[9];
  double w_sign;
  double w_floor;

  /* cylinder, scaled to output pixels */
  double cx, radius, top, height, ellipse, wrap, rotation;

  MockupMesh *mesh;

  double *outline;
  guint n_outline;
  double extents[4];
};

void
mockup_shape_clear (MockupShape *shape)
{
  g_clear_pointer (&shape->mesh, g_free);
  memset (shape, 0, sizeof *shape);
}

void
mockup_shape_copy (MockupShape       *dest,
                   const MockupShape *src)
{
  *dest = *src;
  if (src->mesh != NULL)
    dest->mesh = g_memdup2 (src->mesh, sizeof (double) * 2 * src->mesh_rows * src->mesh_columns);
}

/* Heckbert's square-to-quad: the homography taking the unit square's
 * corners (0,0), (1,0), (1,1), (0,1) to q[0..3]. */
static void
square_to_quad (const double q[4][2],
                double       m[9])
{
  double sx = q[0][0] - q[1][0] + q[2][0] - q[3][0];
  double sy = q[0][1] - q[1][1] + q[2][1] - q[3][1];

  if (sx == 0.0 && sy == 0.0)
    {
      m[0] = q[1][0] - q[0][0]; m[1] = q[2][0] - q[1][0]; m[2] = q[0][0];
      m[3] = q[1][1] - q[0][1]; m[4] = q[2][1] - q[1][1]; m[5] = q[0][1];
      m[6] = 0.0;               m[7] = 0.0;               m[8] = 1.0;
    }
  else
    {
      double dx1 = q[1][0] - q[2][0], dx2 = q[3][0] - q[2][0];
      double dy1 = q[1][1] - q[2][1], dy2 = q[3][1] - q[2][1];
      double det = dx1 * dy2 - dx2 * dy1;
      double g = (sx * dy2 - dx2 * sy) / det;
      double h = (dx1 * sy - sx * dy1) / det;

      m[0] = q[1][0] - q[0][0] + g * q[1][0];
      m[1] = q[3][0] - q[0][0] + h * q[3][0];
      m[2] = q[0][0];
      m[3] = q[1][1] - q[0][1] + g * q[1][1];
      m[4] = q[3][1] - q[0][1] + h * q[3][1];
      m[5] = q[0][1];
      m[6] = g;
      m[7] = h;
      m[8] = 1.0;
    }
}

static void
matrix_multiply (const double a[9],
                 const double b[9],
                 double       out[9])
{
  for (int r = 0; r < 3; r++)
    for (int c = 0; c < 3; c++)
      out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
}

static void
matrix_adjugate (const double m[9],
                 double       out[9])
{
  out[0] = m[4] * m[8] - m[5] * m[7];
  out[1] = m[2] * m[7] - m[1] * m[8];
  out[2] = m[1] * m[5] - m[2] * m[4];
  out[3] = m[5] * m[6] - m[3] * m[8];
  out[4] = m[0] * m[8] - m[2] * m[6];
  out[5] = m[2] * m[3] - m[0] * m[5];
  out[6] = m[3] * m[7] - m[4] * m[6];
  out[7] = m[1] * m[6] - m[0] * m[7];
  out[8] = m[0] * m[4] - m[1] * m[3];
}

static double
cross (double ax, double ay, double bx, double by)
{
  return ax * by - ay * bx;
}

double
mockup_shape_estimate_aspect (const MockupShape *shape)
{
  switch (shape->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      {
        const double (*q)[2] = shape->quad;
        double top = hypot (q[1][0] - q[0][0], q[1][1] - q[0][1]);
        double bottom = hypot (q[2][0] - q[3][0], q[2][1] - q[3][1]);
        double left = hypot (q[3][0] - q[0][0], q[3][1] - q[0][1]);
        double right = hypot (q[2][0] - q[1][0], q[2][1] - q[1][1]);

        return (top + bottom) / MAX (left + right, 1e-9);
      }
    case MOCKUP_SHAPE_CYLINDER:
      {
        double radius = (shape->right - shape->left) / 2.0;

        return radius * shape->wrap / MAX (shape->bottom - shape->top, 1e-9);
      }
    case MOCKUP_SHAPE_MESH:
      {
        /* Lengths of the middle row and middle column of the surface. */
        double across = 0.0, down = 0.0;
        double px = 0, py = 0, x, y;

        for (int i = 0; i <= 64; i++)
          {
            mockup_mesh_eval (shape, i / 64.0, 0.5, &x, &y);
            if (i > 0)
              across += hypot (x - px, y - py);
            px = x; py = y;
          }
        for (int i = 0; i <= 64; i++)
          {
            mockup_mesh_eval (shape, 0.5, i / 64.0, &x, &y);
            if (i > 0)
              down += hypot (x - px, y - py);
            px = x; py = y;
          }
        return across / MAX (down, 1e-9);
      }
    default:
      g_assert_not_reached ();
    }
}

gboolean
mockup_shape_validate (const MockupShape  *shape,
                       char              **problem)
{
  switch (shape->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      {
        const double (*q)[2] = shape->quad;
        double sign = 0.0, area = 0.0;

        for (int i = 0; i < 4; i++)
          {
            const double *a = q[i], *b = q[(i + 1) % 4], *c = q[(i + 2) % 4];
            double turn = cross (b[0] - a[0], b[1] - a[1], c[0] - b[0], c[1] - b[1]);

            area += a[0] * b[1] - b[0] * a[1];
            if (turn == 0.0 || (sign != 0.0 && (turn > 0) != (sign > 0)))
              {
                *problem = g_strdup ("the corners do not form a convex quadrilateral "
                                     "(they cross, fold or line up); give them as top-left, "
                                     "top-right, bottom-right, bottom-left");
                return FALSE;
              }
            sign = turn;
          }
        if (fabs (area) / 2.0 < 1.0)
          {
            *problem = g_strdup ("the quadrilateral has no area");
            return FALSE;
          }
        return TRUE;
      }

    case MOCKUP_SHAPE_MESH:
      return mockup_mesh_validate (shape, problem);

    case MOCKUP_SHAPE_CYLINDER:
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

gboolean
mockup_shape_map (const MockupShape *shape,
                  double             u,
                  double             v,
                  double            *x,
                  double            *y)
{
  switch (shape->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      {
        double m[9], w;

        square_to_quad (shape->quad, m);
        w = m[6] * u + m[7] * v + m[8];
        *x = (m[0] * u + m[1] * v + m[2]) / w;
        *y = (m[3] * u + m[4] * v + m[5]) / w;
        return TRUE;
      }
    case MOCKUP_SHAPE_CYLINDER:
      {
        double phi = shape->rotation + (u - 0.5) * shape->wrap;
        double radius = (shape->right - shape->left) / 2.0;

        *x = (shape->left + shape->right) / 2.0 + radius * sin (phi);
        *y = shape->top + v * (shape->bottom - shape->top) + shape->ellipse * (cos (phi) - 1.0);
        return fabs (phi) <= G_PI_2;
      }
    case MOCKUP_SHAPE_MESH:
      mockup_mesh_eval (shape, u, v, x, y);
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

static void
set_outline (MockupGeometry *self,
             GArray         *points)
{
  self->n_outline = points->len / 2;
  self->outline = (double *) (void *) g_array_free (points, FALSE);

  self->extents[0] = self->extents[1] = G_MAXDOUBLE;
  self->extents[2] = self->extents[3] = -G_MAXDOUBLE;
  for (guint i = 0; i < self->n_outline; i++)
    {
      self->extents[0] = MIN (self->extents[0], self->outline[2 * i]);
      self->extents[1] = MIN (self->extents[1], self->outline[2 * i + 1]);
      self->extents[2] = MAX (self->extents[2], self->outline[2 * i]);
      self->extents[3] = MAX (self->extents[3], self->outline[2 * i + 1]);
    }
  if (self->n_outline == 0)
    memset (self->extents, 0, sizeof self->extents);
}

static void
append_point (GArray *points,
              double  x,
              double  y)
{
  double p[2] = { x, y };

  g_array_append_vals (points, p, 2);
}

static void
quad_init (MockupGeometry    *self,
           const MockupShape *shape,
           double             scale)
{
  double q[4][2], m[9], h[9];
  double a[9] = {
    self->region[2] - self->region[0], 0, self->region[0],
    0, self->region[3] - self->region[1], self->region[1],
    0, 0, 1,
  };
  GArray *points = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < 4; i++)
    {
      q[i][0] = shape->quad[i][0] * scale;
      q[i][1] = shape->quad[i][1] * scale;
    }
  square_to_quad (q, m);
  matrix_multiply (m, a, h);
  memcpy (self->h, h, sizeof h);
  matrix_adjugate (h, self->hinv);

  /* Pixels past the horizon invert with the other sign of w. */
  self->w_sign = self->hinv[6] * (h[0] * 0.5 + h[1] * 0.5 + h[2]) / (h[6] * 0.5 + h[7] * 0.5 + h[8]) +
                 self->hinv[7] * (h[3] * 0.5 + h[4] * 0.5 + h[5]) / (h[6] * 0.5 + h[7] * 0.5 + h[8]) +
                 self->hinv[8] > 0 ? 1.0 : -1.0;

  /* Towards the horizon w nears 0 and (u, v) and their derivatives grow
   * without bound. w is affine in the pixel's position, so over the quad it
   * is at least its value at a corner: where it is 10⁴ times less, the
   * pixel lies far outside and is left off the surface. What is left
   * stays far below float's range. */
  self->w_floor = G_MAXDOUBLE;
  for (int i = 0; i < 4; i++)
    {
      double u = (i == 1 || i == 2) ? 1.0 : 0.0, v = i >= 2 ? 1.0 : 0.0;
      double w = h[6] * u + h[7] * v + h[8];
      double x = (h[0] * u + h[1] * v + h[2]) / w, y = (h[3] * u + h[4] * v + h[5]) / w;

      append_point (points, x, y);
      self->w_floor = MIN (self->w_floor,
                           fabs (self->hinv[6] * x + self->hinv[7] * y + self->hinv[8]) * 1e-4);
    }
  set_outline (self, points);
}

static void
quad_map_row (MockupGeometry     *self,
              int                 y,
              int                 x0,
              int                 n,
              const float        *offsets,
              MockupSurfacePoint *points,
              guint8             *valid)
{
  const double *m = self->hinv;
  double py = y + 0.5, px0 = x0 + 0.5;
  /* along a row U, V and W grow by m[0], m[3] and m[6] a pixel */
  double U0 = m[0] * px0 + m[1] * py + m[2];
  double V0 = m[3] * px0 + m[4] * py + m[5];
  double W0 = m[6] * px0 + m[7] * py + m[8];

  for (int i = 0; i < n; i++)
    {
      double U, V, W, u, v;

      if (offsets != NULL)
        {
          double dx = i + offsets[2 * i], dy = offsets[2 * i + 1];

          U = U0 + m[0] * dx + m[1] * dy;
          V = V0 + m[3] * dx + m[4] * dy;
          W = W0 + m[6] * dx + m[7] * dy;
        }
      else
        {
          U = U0 + m[0] * i;
          V = V0 + m[3] * i;
          W = W0 + m[6] * i;
        }

      if (W * self->w_sign <= self->w_floor)
        {
          valid[i] = 0;
          continue;
        }

      {
        double inv_w = 1.0 / W;

        u = U * inv_w;
        v = V * inv_w;
        points[i].u = (float) u;
        points[i].v = (float) v;
        points[i].dudx = (float) ((m[0] - u * m[6]) * inv_w);
        points[i].dudy = (float) ((m[1] - u * m[7]) * inv_w);
        points[i].dvdx = (float) ((m[3] - v * m[6]) * inv_w);
        points[i].dvdy = (float) ((m[4] - v * m[7]) * inv_w);
      }
      valid[i] = 1;
    }
}

static void
cylinder_init (MockupGeometry    *self,
               const MockupShape *shape,
               double             scale)
{
  GArray *points = g_array_new (FALSE, FALSE, sizeof (double));
  double phi0, phi1, v0 = self->region[1], v1 = self->region[3];
  double sag_step;
  int steps;

  self->cx = (shape->left + shape->right) / 2.0 * scale;
  self->radius = (shape->right - shape->left) / 2.0 * scale;
  self->top = shape->top * scale;
  self->height = (shape->bottom - shape->top) * scale;
  self->ellipse = shape->ellipse * scale;
  self->wrap = shape->wrap;
  self->rotation = shape->rotation;

  phi0 = MAX (-G_PI_2, self->rotation + (self->region[0] - 0.5) * self->wrap);
  phi1 = MIN (G_PI_2, self->rotation + (self->region[2] - 0.5) * self->wrap);

  if (phi1 > phi0)
    {
      /* Chords short enough to stay within 1/50 px of the true curve. */
      sag_step = sqrt (8.0 * 0.02 / MAX (1.0, MAX (self->radius, fabs (self->ellipse))));
      steps = CLAMP ((int) ceil ((phi1 - phi0) / sag_step), 8, 4096);

      for (int i = 0; i <= steps; i++)
        {
          double phi = phi0 + (phi1 - phi0) * i / steps;

          append_point (points, self->cx + self->radius * sin (phi),
                        self->top + v0 * self->height + self->ellipse * (cos (phi) - 1.0));
        }
      for (int i = steps; i >= 0; i--)
        {
          double phi = phi0 + (phi1 - phi0) * i / steps;

          append_point (points, self->cx + self->radius * sin (phi),
                        self->top + v1 * self->height + self->ellipse * (cos (phi) - 1.0));
        }
    }
  set_outline (self, points);
}

/* The centre of pixel @i of the row at (@x0, @y), displaced by @offsets if
 * there are any. */
static inline void
pixel_centre (int          x0,
              int          y,
              int          i,
              const float *offsets,
              double      *px,
              double      *py)
{
  *px = x0 + i + 0.5;
  *py = y + 0.5;
  if (offsets != NULL)
    {
      *px += offsets[2 * i];
      *py += offsets[2 * i + 1];
    }
}

static void
cylinder_map_row (MockupGeometry     *self,
                  int                 y,
                  int                 x0,
                  int                 n,
                  const float        *offsets,
                  MockupSurfacePoint *points,
                  guint8             *valid)
{
  double ru = self->region[2] - self->region[0];
  double rv = self->region[3] - self->region[1];
  double slack = 1.0 + CYLINDER_EDGE_SLACK / MAX (self->radius, 1.0);

  for (int i = 0; i < n; i++)
    {
      double px, py, s, phi, c, dphidx, u, v;

      pixel_centre (x0, y, i, offsets, &px, &py);
      s = (px - self->cx) / self->radius;
      if (fabs (s) > slack)
        {
          valid[i] = 0;
          continue;
        }
      s = CLAMP (s, -1.0, 1.0);
      phi = asin (s);
      c = cos (phi);
      /* At the silhouette the surface turns away: cap the derivative at
       * a quarter turn a pixel, which the sampler reads as "very blurred". */
      dphidx = 1.0 / MAX (self->radius * c, 1.0 / G_PI_2);

      u = (phi - self->rotation) / self->wrap + 0.5;
      v = (py - self->top - self->ellipse * (c - 1.0)) / self->height;

      points[i].u = mockup_surface_float ((u - self->region[0]) / ru);
      points[i].v = mockup_surface_float ((v - self->region[1]) / rv);
      points[i].dudx = mockup_surface_float (dphidx / self->wrap / ru);
      points[i].dudy = 0.0f;
      points[i].dvdx = mockup_surface_float (self->ellipse * s * dphidx / self->height / rv);
      points[i].dvdy = mockup_surface_float (1.0 / self->height / rv);
      valid[i] = 1;
    }
}

MockupGeometry *
mockup_geometry_new (const MockupShape *shape,
                     double             scale,
                     const double       region[4])
{
  MockupGeometry *self = g_new0 (MockupGeometry, 1);

  self->kind = shape->kind;
  memcpy (self->region, region, sizeof self->region);

  switch (shape->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      quad_init (self, shape, scale);
      break;
    case MOCKUP_SHAPE_CYLINDER:
      cylinder_init (self, shape, scale);
      break;
    case MOCKUP_SHAPE_MESH:
      {
        GArray *points = g_array_new (FALSE, FALSE, sizeof (double));

        self->mesh = mockup_mesh_new (shape, scale, region);
        mockup_mesh_append_outline (self->mesh, points);
        set_outline (self, points);
      }
      break;
    default:
      g_assert_not_reached ();
    }

  return self;
}

void
mockup_geometry_free (MockupGeometry *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->mesh, mockup_mesh_free);
  g_free (self->outline);
  g_free (self);
}

void
mockup_geometry_map_row (MockupGeometry     *self,
                         int                 y,
                         int                 x0,
                         int                 n,
                         const float        *offsets,
                         MockupSurfacePoint *points,
                         guint8             *valid)
{
  switch (self->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      quad_map_row (self, y, x0, n, offsets, points, valid);
      break;
    case MOCKUP_SHAPE_CYLINDER:
      cylinder_map_row (self, y, x0, n, offsets, points, valid);
      break;
    case MOCKUP_SHAPE_MESH:
      for (int i = 0; i < n; i++)
        {
          double px, py;

          pixel_centre (x0, y, i, offsets, &px, &py);
          valid[i] = mockup_mesh_lookup (self->mesh, px, py, &points[i]);
        }
      break;
    default:
      g_assert_not_reached ();
    }
}

const double *
mockup_geometry_get_outline (MockupGeometry *self,
                             guint          *n_points)
{
  *n_points = self->n_outline;
  return self->outline;
}

void
mockup_geometry_get_extents (MockupGeometry *self,
                             double          extents[4])
{
  memcpy (extents, self->extents, sizeof self->extents);
}

static gboolean
geometry_forward (MockupGeometry *self,
                  double          u,
                  double          v,
                  double         *x,
                  double         *y)
{
  switch (self->kind)
    {
    case MOCKUP_SHAPE_QUAD:
      {
        const double *h = self->h;
        double w = h[6] * u + h[7] * v + h[8];

        *x = (h[0] * u + h[1] * v + h[2]) / w;
        *y = (h[3] * u + h[4] * v + h[5]) / w;
        return TRUE;
      }
    case MOCKUP_SHAPE_CYLINDER:
      {
        double su = self->region[0] + u * (self->region[2] - self->region[0]);
        double sv = self->region[1] + v * (self->region[3] - self->region[1]);
        double phi = self->rotation + (su - 0.5) * self->wrap;

        *x = self->cx + self->radius * sin (phi);
        *y = self->top + sv * self->height + self->ellipse * (cos (phi) - 1.0);
        return fabs (phi) <= G_PI_2;
      }
    case MOCKUP_SHAPE_MESH:
      return mockup_mesh_forward (self->mesh, u, v, x, y);
    default:
      g_assert_not_reached ();
    }
}

void
mockup_geometry_get_max_stretch (MockupGeometry *self,
                                 double         *along_u,
                                 double         *along_v)
{
  static const double u_step[2] = { 1.0, 0.0 }, v_step[2] = { 0.0, 1.0 };

  mockup_geometry_get_max_stretch_along (self, u_step, v_step, along_u, along_v);
}

/* The output length of step @dir from (u, v), by a finite difference of
 * about 1/256 taken towards the inside of the region; FALSE where neither
 * way is visible. */
static gboolean
stretch_at (MockupGeometry *self,
            double          u,
            double          v,
            double          x,
            double          y,
            const double    dir[2],
            double         *stretch)
{
  double t = 1.0 / (256.0 * MAX (MAX (fabs (dir[0]), fabs (dir[1])), 1e-12));

  for (int sign = 1; sign >= -1; sign -= 2)
    {
      double du = sign * t * dir[0], dv = sign * t * dir[1], x1, y1;

      if (u + du < 0.0 || u + du > 1.0 || v + dv < 0.0 || v + dv > 1.0)
        continue;
      if (!geometry_forward (self, u + du, v + dv, &x1, &y1))
        continue;
      *stretch = hypot (x1 - x, y1 - y) / t;
      return TRUE;
    }
  return FALSE;
}

void
mockup_geometry_get_max_stretch_along (MockupGeometry *self,
                                       const double    dir_a[2],
                                       const double    dir_b[2],
                                       double         *along_a,
                                       double         *along_b)
{
  const int steps = 32;
  double sa = 0.0, sb = 0.0;

  /* Projective and cylindrical stretch peak at the region's boundary or
   * its front; a 33 × 33 grid of finite differences finds both. */
  for (int j = 0; j <= steps; j++)
    for (int i = 0; i <= steps; i++)
      {
        double u = (double) i / steps, v = (double) j / steps;
        double x, y, k;

        if (!geometry_forward (self, u, v, &x, &y))
          continue;
        if (stretch_at (self, u, v, x, y, dir_a, &k))
          sa = MAX (sa, k);
        if (stretch_at (self, u, v, x, y, dir_b, &k))
          sb = MAX (sb, k);
      }

  *along_a = sa;
  *along_b = sb;
}

gsize
mockup_geometry_get_memory (MockupGeometry *self)
{
  return sizeof *self + self->n_outline * 2 * sizeof (double) +
         (self->mesh != NULL ? mockup_mesh_get_memory (self->mesh) : 0);
}
