/* mockup-mesh.c: mesh slots for bent and folded surfaces
 *
 * The surface is a bicubic Catmull-Rom spline through the control points,
 * so it is smooth across cells. To invert it per pixel, it is tessellated
 * into sub-quads a few output pixels wide that share their corners (no gap
 * and no seam can open between them), indexed by a uniform bucket grid, and
 * each pixel is inverted within its sub-quad by solving the bilinear
 * equation exactly.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mockup-mesh-private.h"

#define SUB_QUAD_PIXELS 4.0
#define MAX_SUBDIVISIONS 512
#define EDGE_SLACK 1.5
/* Bucket grid at most about 1024 × 1024, its entries at most 1 << 20:
 * the index stays within mockup_mesh_estimate_memory (). */
#define MAX_BUCKETS_ACROSS 1024.0
#define MAX_BUCKET_ITEMS (1u << 20)

struct _MockupMesh
{
  int nu, nv;             /* sub-quads across and down */
  double *grid;           /* (nv + 1) × (nu + 1) points, output pixels */

  double extent[4];       /* bounding box of the grid: x0, y0, x1, y1 */

  /* built on the first lookup: computing the artwork's needs only wants
   * the grid */
  double origin[2];
  double cell;            /* bucket size in pixels */
  int bw, bh;
  guint32 *bucket_end;    /* bucket b holds bucket_items[bucket_end[b - 1] … bucket_end[b]) */
  guint32 *bucket_items;  /* sub-quad indices */
  int last_hit;
};

static void
catmull_rom_weights (double t,
                     double w[4])
{
  double t2 = t * t, t3 = t2 * t;

  w[0] = 0.5 * (-t + 2.0 * t2 - t3);
  w[1] = 0.5 * (2.0 - 5.0 * t2 + 3.0 * t3);
  w[2] = 0.5 * (t + 4.0 * t2 - 3.0 * t3);
  w[3] = 0.5 * (-t2 + t3);
}

/* Control point (r, c), extended linearly past the border so that the
 * spline's end tangents follow the outermost cells. */
static void
control_point (const MockupShape *shape,
               int                r,
               int                c,
               double            *x,
               double            *y)
{
  int rows = (int) shape->mesh_rows, cols = (int) shape->mesh_columns;
  int r0 = CLAMP (r, 0, rows - 1), c0 = CLAMP (c, 0, cols - 1);
  const double *p = shape->mesh + 2 * (r0 * cols + c0);

  *x = p[0];
  *y = p[1];
  if (r != r0)
    {
      int rn = r < 0 ? 1 : rows - 2;
      const double *q = shape->mesh + 2 * (rn * cols + c0);

      *x += (p[0] - q[0]) * ABS (r - r0);
      *y += (p[1] - q[1]) * ABS (r - r0);
    }
  if (c != c0)
    {
      int cn = c < 0 ? 1 : cols - 2;
      int rr = CLAMP (r, 0, rows - 1);
      const double *a = shape->mesh + 2 * (rr * cols + c0);
      const double *b = shape->mesh + 2 * (rr * cols + cn);

      *x += (a[0] - b[0]) * ABS (c - c0);
      *y += (a[1] - b[1]) * ABS (c - c0);
    }
}

void
mockup_mesh_eval (const MockupShape *shape,
                  double             u,
                  double             v,
                  double            *x,
                  double            *y)
{
  double s = CLAMP (u, 0.0, 1.0) * (shape->mesh_columns - 1);
  double t = CLAMP (v, 0.0, 1.0) * (shape->mesh_rows - 1);
  int c = MIN ((int) floor (s), (int) shape->mesh_columns - 2);
  int r = MIN ((int) floor (t), (int) shape->mesh_rows - 2);
  double wu[4], wv[4];

  catmull_rom_weights (s - c, wu);
  catmull_rom_weights (t - r, wv);

  *x = *y = 0.0;
  for (int j = 0; j < 4; j++)
    for (int i = 0; i < 4; i++)
      {
        double px, py, w = wu[i] * wv[j];

        control_point (shape, r - 1 + j, c - 1 + i, &px, &py);
        *x += w * px;
        *y += w * py;
      }
}

static double
cross (double ax, double ay, double bx, double by)
{
  return ax * by - ay * bx;
}

gboolean
mockup_mesh_validate (const MockupShape  *shape,
                      char              **problem)
{
  const int sub = 4;
  int nu = (int) (shape->mesh_columns - 1) * sub, nv = (int) (shape->mesh_rows - 1) * sub;
  g_autofree double *grid = g_new (double, 2 * (gsize) (nu + 1) * (nv + 1));
  double sign = 0.0;

  for (int j = 0; j <= nv; j++)
    for (int i = 0; i <= nu; i++)
      mockup_mesh_eval (shape, (double) i / nu, (double) j / nv,
                        &grid[2 * (j * (nu + 1) + i)], &grid[2 * (j * (nu + 1) + i) + 1]);

  /* Every sub-quad must turn the same way as the first: a surface that
   * folds over itself has no single inverse. */
  for (int j = 0; j < nv; j++)
    for (int i = 0; i < nu; i++)
      {
        const double *p00 = &grid[2 * (j * (nu + 1) + i)];
        const double *p10 = p00 + 2, *p01 = p00 + 2 * (nu + 1), *p11 = p01 + 2;
        double c1 = cross (p10[0] - p00[0], p10[1] - p00[1], p01[0] - p00[0], p01[1] - p00[1]);
        double c2 = cross (p01[0] - p11[0], p01[1] - p11[1], p10[0] - p11[0], p10[1] - p11[1]);

        if (sign == 0.0)
          sign = c1;
        if (c1 * sign <= 0.0 || c2 * sign <= 0.0)
          {
            *problem = g_strdup_printf ("the surface folds over itself or collapses near "
                                        "row %d, column %d of the control points",
                                        j / sub, i / sub);
            return FALSE;
          }
      }

  return TRUE;
}

static inline double *
grid_point (MockupMesh *self,
            int         i,
            int         j)
{
  return &self->grid[2 * ((gsize) j * (self->nu + 1) + i)];
}

MockupMesh *
mockup_mesh_new (const MockupShape *shape,
                 double             scale,
                 const double       region[4])
{
  MockupMesh *self = g_new0 (MockupMesh, 1);
  double longest_u = 0.0, longest_v = 0.0;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  int cells_u = (int) shape->mesh_columns - 1, cells_v = (int) shape->mesh_rows - 1;

  /* Longest cell edge decides how finely to tessellate. */
  for (guint r = 0; r < shape->mesh_rows; r++)
    for (guint c = 0; c < shape->mesh_columns; c++)
      {
        const double *p = shape->mesh + 2 * (r * shape->mesh_columns + c);

        if (c + 1 < shape->mesh_columns)
          longest_u = MAX (longest_u, hypot (p[2] - p[0], p[3] - p[1]) * scale);
        if (r + 1 < shape->mesh_rows)
          {
            const double *q = p + 2 * shape->mesh_columns;
            longest_v = MAX (longest_v, hypot (q[0] - p[0], q[1] - p[1]) * scale);
          }
      }

  self->nu = CLAMP ((int) ceil (cells_u * (region[2] - region[0]) * longest_u / SUB_QUAD_PIXELS),
                    cells_u, MAX_SUBDIVISIONS);
  self->nv = CLAMP ((int) ceil (cells_v * (region[3] - region[1]) * longest_v / SUB_QUAD_PIXELS),
                    cells_v, MAX_SUBDIVISIONS);
  self->grid = g_new (double, 2 * (gsize) (self->nu + 1) * (self->nv + 1));

  for (int j = 0; j <= self->nv; j++)
    for (int i = 0; i <= self->nu; i++)
      {
        double *p = grid_point (self, i, j);
        double u = region[0] + (region[2] - region[0]) * i / self->nu;
        double v = region[1] + (region[3] - region[1]) * j / self->nv;

        mockup_mesh_eval (shape, u, v, &p[0], &p[1]);
        p[0] *= scale;
        p[1] *= scale;
        x0 = MIN (x0, p[0]); y0 = MIN (y0, p[1]);
        x1 = MAX (x1, p[0]); y1 = MAX (y1, p[1]);
      }

  self->extent[0] = x0;
  self->extent[1] = y0;
  self->extent[2] = x1;
  self->extent[3] = y1;

  return self;
}

/* Counts (@items == NULL) or files the sub-quads into the buckets their
 * bounding boxes touch; returns the number of entries. */
static gsize
fill_buckets (MockupMesh *self,
              guint32    *slots,
              guint32    *items)
{
  gsize total = 0;

  for (int j = 0; j < self->nv; j++)
    for (int i = 0; i < self->nu; i++)
      {
        const double *p[4] = { grid_point (self, i, j), grid_point (self, i + 1, j),
                               grid_point (self, i + 1, j + 1), grid_point (self, i, j + 1) };
        double bx0 = G_MAXDOUBLE, by0 = G_MAXDOUBLE, bx1 = -G_MAXDOUBLE, by1 = -G_MAXDOUBLE;
        int cx0, cy0, cx1, cy1;

        for (int k = 0; k < 4; k++)
          {
            bx0 = MIN (bx0, p[k][0]); by0 = MIN (by0, p[k][1]);
            bx1 = MAX (bx1, p[k][0]); by1 = MAX (by1, p[k][1]);
          }
        cx0 = MAX (0, (int) floor ((bx0 - EDGE_SLACK - self->origin[0]) / self->cell));
        cy0 = MAX (0, (int) floor ((by0 - EDGE_SLACK - self->origin[1]) / self->cell));
        cx1 = MIN (self->bw - 1, (int) floor ((bx1 + EDGE_SLACK - self->origin[0]) / self->cell));
        cy1 = MIN (self->bh - 1, (int) floor ((by1 + EDGE_SLACK - self->origin[1]) / self->cell));

        for (int by = cy0; by <= cy1; by++)
          for (int bx = cx0; bx <= cx1; bx++)
            {
              gsize b = (gsize) by * self->bw + bx;

              if (items == NULL)
                slots[b + 1]++;
              else
                items[slots[b]++] = (guint32) (j * self->nu + i);
            }
        if (cx1 >= cx0 && cy1 >= cy0)
          total += (gsize) (cx1 - cx0 + 1) * (cy1 - cy0 + 1);
      }

  return total;
}

static void
set_cell (MockupMesh *self,
          double      cell)
{
  double width = self->extent[2] - self->extent[0], height = self->extent[3] - self->extent[1];

  self->cell = cell;
  self->origin[0] = self->extent[0] - EDGE_SLACK - 1.0;
  self->origin[1] = self->extent[1] - EDGE_SLACK - 1.0;
  self->bw = (int) ceil ((width + 2 * EDGE_SLACK + 2.0) / cell) + 1;
  self->bh = (int) ceil ((height + 2 * EDGE_SLACK + 2.0) / cell) + 1;
}

static void
build_index (MockupMesh *self)
{
  double extent = MAX (self->extent[2] - self->extent[0], self->extent[3] - self->extent[1]);
  g_autofree guint32 *slots = NULL;
  gsize n_buckets, total;

  /* Buckets about two sub-quads wide; coarser when a folded or skewed
   * mesh would file too many sub-quads in several buckets each. */
  set_cell (self, MAX (2.0 * SUB_QUAD_PIXELS, extent / MAX_BUCKETS_ACROSS));
  for (;;)
    {
      n_buckets = (gsize) self->bw * self->bh;
      slots = g_new0 (guint32, n_buckets + 1);
      total = fill_buckets (self, slots, NULL);
      if (total <= MAX_BUCKET_ITEMS || n_buckets <= 4)
        break;
      g_clear_pointer (&slots, g_free);
      set_cell (self, self->cell * 2.0);
    }

  /* slots[b] becomes where bucket b starts; filing moves it to where b
   * ends */
  for (gsize b = 0; b < n_buckets; b++)
    slots[b + 1] += slots[b];
  self->bucket_items = g_new (guint32, MAX (total, 1));
  fill_buckets (self, slots, self->bucket_items);
  self->bucket_end = g_steal_pointer (&slots);
}

gsize
mockup_mesh_estimate_memory (void)
{
  gsize grid = sizeof (double) * 2 * (MAX_SUBDIVISIONS + 1) * (MAX_SUBDIVISIONS + 1);
  gsize buckets = (gsize) (MAX_BUCKETS_ACROSS + 8) * (MAX_BUCKETS_ACROSS + 8) + 1;

  return sizeof (MockupMesh) + grid + sizeof (guint32) * (buckets + MAX_BUCKET_ITEMS);
}

void
mockup_mesh_free (MockupMesh *self)
{
  if (self == NULL)
    return;
  g_free (self->grid);
  g_free (self->bucket_end);
  g_free (self->bucket_items);
  g_free (self);
}

/* Solves p = bilinear(a, b) over the sub-quad's corners; returns how far
 * outside [0, 1]² the solution lies (0 inside). */
static double
invert_bilinear (const double *p00,
                 const double *p10,
                 const double *p11,
                 const double *p01,
                 double        x,
                 double        y,
                 double       *a_out,
                 double       *b_out)
{
  double ex = p10[0] - p00[0], ey = p10[1] - p00[1];
  double fx = p01[0] - p00[0], fy = p01[1] - p00[1];
  double gx = p00[0] - p10[0] + p11[0] - p01[0], gy = p00[1] - p10[1] + p11[1] - p01[1];
  double hx = x - p00[0], hy = y - p00[1];
  double k2 = cross (gx, gy, fx, fy);
  double k1 = cross (ex, ey, fx, fy) + cross (hx, hy, gx, gy);
  double k0 = cross (hx, hy, ex, ey);
  double roots[2];
  int n_roots = 0;
  double best = G_MAXDOUBLE;

  if (fabs (k2) * fabs (k0) < 1e-9 * k1 * k1)
    {
      if (k1 == 0.0)
        return G_MAXDOUBLE;
      roots[n_roots++] = -k0 / k1;
    }
  else
    {
      double disc = k1 * k1 - 4.0 * k0 * k2;
      double q;

      if (disc < 0.0)
        disc = 0.0;
      /* the cancellation-free pair of roots */
      q = -0.5 * (k1 + copysign (sqrt (disc), k1));
      roots[n_roots++] = q / k2;
      if (q != 0.0)
        roots[n_roots++] = k0 / q;
    }

  for (int i = 0; i < n_roots; i++)
    {
      double b = roots[i];
      double dx = ex + gx * b, dy = ey + gy * b;
      double a = fabs (dx) > fabs (dy) ? (hx - fx * b) / dx : (hy - fy * b) / dy;
      double outside;

      if (!isfinite (a) || !isfinite (b))
        continue;
      outside = MAX (MAX (-a, a - 1.0), MAX (-b, b - 1.0));
      outside = MAX (outside, 0.0);
      if (outside < best)
        {
          best = outside;
          *a_out = a;
          *b_out = b;
        }
    }

  return best;
}

static gboolean
sub_quad_point (MockupMesh         *self,
                int                 index,
                double              x,
                double              y,
                double             *outside,
                MockupSurfacePoint *point)
{
  int i = index % self->nu, j = index / self->nu;
  const double *p00 = grid_point (self, i, j), *p10 = grid_point (self, i + 1, j);
  const double *p11 = grid_point (self, i + 1, j + 1), *p01 = grid_point (self, i, j + 1);
  double a = 0.0, b = 0.0;
  double dxa, dya, dxb, dyb, det;

  *outside = invert_bilinear (p00, p10, p11, p01, x, y, &a, &b);
  if (*outside == G_MAXDOUBLE)
    return FALSE;

  dxa = (1 - b) * (p10[0] - p00[0]) + b * (p11[0] - p01[0]);
  dya = (1 - b) * (p10[1] - p00[1]) + b * (p11[1] - p01[1]);
  dxb = (1 - a) * (p01[0] - p00[0]) + a * (p11[0] - p10[0]);
  dyb = (1 - a) * (p01[1] - p00[1]) + a * (p11[1] - p10[1]);
  det = dxa * dyb - dxb * dya;
  if (det == 0.0)
    return FALSE;

  /* A sliver of a cell, where det nears 0, has derivatives of 1e10 and
   * more; a point far outside, coordinates as large. */
  point->u = mockup_surface_float ((i + a) / self->nu);
  point->v = mockup_surface_float ((j + b) / self->nv);
  point->dudx = mockup_surface_float (dyb / det / self->nu);
  point->dudy = mockup_surface_float (-dxb / det / self->nu);
  point->dvdx = mockup_surface_float (-dya / det / self->nv);
  point->dvdy = mockup_surface_float (dxa / det / self->nv);
  return TRUE;
}

gboolean
mockup_mesh_lookup (MockupMesh         *self,
                    double              x,
                    double              y,
                    MockupSurfacePoint *point)
{
  double best = G_MAXDOUBLE, outside;
  MockupSurfacePoint candidate;
  gsize bucket;
  int bx, by;

  if (self->bucket_end == NULL)
    build_index (self);

  bx = (int) floor ((x - self->origin[0]) / self->cell);
  by = (int) floor ((y - self->origin[1]) / self->cell);
  if (bx < 0 || by < 0 || bx >= self->bw || by >= self->bh)
    return FALSE;

  /* Neighbouring pixels usually fall in the same sub-quad. */
  if (sub_quad_point (self, self->last_hit, x, y, &outside, &candidate) && outside < 1e-9)
    {
      *point = candidate;
      return TRUE;
    }

  bucket = (gsize) by * self->bw + bx;
  for (guint32 k = bucket > 0 ? self->bucket_end[bucket - 1] : 0; k < self->bucket_end[bucket]; k++)
    {
      int index = (int) self->bucket_items[k];

      if (!sub_quad_point (self, index, x, y, &outside, &candidate))
        continue;
      if (outside < best)
        {
          best = outside;
          *point = candidate;
          if (outside < 1e-9)
            {
              self->last_hit = index;
              return TRUE;
            }
        }
    }

  /* Outside the surface: close enough to an edge to be part of its
   * antialiased border, the extrapolated point serves (the sampler clamps
   * it), otherwise the pixel is not on the surface. */
  return best < 1.0;
}

gboolean
mockup_mesh_forward (MockupMesh *self,
                     double      u,
                     double      v,
                     double     *x,
                     double     *y)
{
  double s = CLAMP (u, 0.0, 1.0) * self->nu, t = CLAMP (v, 0.0, 1.0) * self->nv;
  int i = MIN ((int) s, self->nu - 1), j = MIN ((int) t, self->nv - 1);
  double a = s - i, b = t - j;
  const double *p00 = grid_point (self, i, j), *p10 = grid_point (self, i + 1, j);
  const double *p11 = grid_point (self, i + 1, j + 1), *p01 = grid_point (self, i, j + 1);

  *x = (1 - a) * (1 - b) * p00[0] + a * (1 - b) * p10[0] + a * b * p11[0] + (1 - a) * b * p01[0];
  *y = (1 - a) * (1 - b) * p00[1] + a * (1 - b) * p10[1] + a * b * p11[1] + (1 - a) * b * p01[1];
  return TRUE;
}

void
mockup_mesh_append_outline (MockupMesh *self,
                            GArray     *points)
{
  for (int i = 0; i < self->nu; i++)
    g_array_append_vals (points, grid_point (self, i, 0), 2);
  for (int j = 0; j < self->nv; j++)
    g_array_append_vals (points, grid_point (self, self->nu, j), 2);
  for (int i = self->nu; i > 0; i--)
    g_array_append_vals (points, grid_point (self, i, self->nv), 2);
  for (int j = self->nv; j > 0; j--)
    g_array_append_vals (points, grid_point (self, 0, j), 2);
}

gsize
mockup_mesh_get_memory (MockupMesh *self)
{
  gsize memory = sizeof *self + sizeof (double) * 2 * (gsize) (self->nu + 1) * (self->nv + 1);
  gsize n_buckets = (gsize) self->bw * self->bh;

  if (self->bucket_end != NULL)
    memory += sizeof (guint32) * (n_buckets + 1 + self->bucket_end[n_buckets]);
  return memory;
}
