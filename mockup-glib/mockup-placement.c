/* mockup-placement.c: artwork positioned in a slot's print area
 *
 * A placed artwork is a rectangle in the print area, turned about its
 * centre. Turning must not shear it, so it is done where lengths along
 * both axes compare: the print area scaled to its physical aspect, width
 * A = aspect and height 1. There a slot point (u, v) is (u·A, v), and
 * mapping back to the artwork is a rotation and a scale: an affine map,
 * exact for every slot shape, since it acts on slot coordinates, which
 * the geometry already gives per pixel.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>

#include "mockup-placement-private.h"

double
mockup_print_unit_per_inch (const char *unit)
{
  if (g_strcmp0 (unit, "cm") == 0)
    return 2.54;
  if (g_strcmp0 (unit, "mm") == 0)
    return 25.4;
  return 1.0;
}

gboolean
mockup_placement_check (double        left,
                        double        top,
                        double        width,
                        double        degrees,
                        const char  **member,
                        char        **problem)
{
  const struct { const char *name; double value, min, max; gboolean open_min; } checks[] = {
    { "left", left, -MOCKUP_PLACEMENT_MAX_OFFSET, MOCKUP_PLACEMENT_MAX_OFFSET, FALSE },
    { "top", top, -MOCKUP_PLACEMENT_MAX_OFFSET, MOCKUP_PLACEMENT_MAX_OFFSET, FALSE },
    { "width", width, 0.0, MOCKUP_PLACEMENT_MAX_WIDTH, TRUE },
    { "degrees", degrees, -MOCKUP_PLACEMENT_MAX_DEGREES, MOCKUP_PLACEMENT_MAX_DEGREES, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      double v = checks[i].value;

      if (!isfinite (v))
        {
          *member = checks[i].name;
          *problem = g_strdup ("the number is not finite");
          return FALSE;
        }
      if (checks[i].open_min ? v <= checks[i].min : v < checks[i].min)
        {
          *member = checks[i].name;
          *problem = checks[i].open_min
                       ? g_strdup_printf ("%g is not above %g", v, checks[i].min)
                       : g_strdup_printf ("%g is out of range (%g to %g)", v, checks[i].min, checks[i].max);
          return FALSE;
        }
      if (v > checks[i].max)
        {
          *member = checks[i].name;
          *problem = g_strdup_printf ("%g is out of range (%s%g to %g)", v,
                                      checks[i].open_min ? "above " : "", checks[i].min, checks[i].max);
          return FALSE;
        }
    }
  return TRUE;
}

void
mockup_placed_artwork_init (MockupPlacedArtwork *self,
                            double               left,
                            double               top,
                            double               width,
                            double               degrees,
                            double               print_aspect,
                            double               artwork_aspect)
{
  double A = print_aspect;
  double w = width * A;                   /* physical width, print heights */
  double h = w / artwork_aspect;          /* physical height = its v extent */
  double cx = (left + width / 2.0) * A, cy = top + h / 2.0;
  double theta = degrees * G_PI / 180.0;
  double c = cos (theta), s = sin (theta);
  static const double unit[4][2] = { { 0, 0 }, { 1, 0 }, { 1, 1 }, { 0, 1 } };

  /* Exact quarter turns: no 1e-17 that would tilt an upright logo. */
  if (fmod (degrees, 90.0) == 0.0)
    {
      c = round (c);
      s = round (s);
    }

  self->width = width;
  self->height = h;

  /* physical offset from the centre d = (u·A - cx, v - cy);
   * s = (c·dx + s·dy) / w + ½, t = (-s·dx + c·dy) / h + ½ */
  self->a[0] = c * A / w;
  self->a[1] = s / w;
  self->a[2] = -(c * cx + s * cy) / w + 0.5;
  self->a[3] = -s * A / h;
  self->a[4] = c / h;
  self->a[5] = (s * cx - c * cy) / h + 0.5;

  self->across[0] = w * c / A;
  self->across[1] = w * s;
  self->down[0] = -h * s / A;
  self->down[1] = h * c;

  self->box[0] = self->box[1] = G_MAXDOUBLE;
  self->box[2] = self->box[3] = -G_MAXDOUBLE;
  for (int i = 0; i < 4; i++)
    {
      double dx = (unit[i][0] - 0.5) * w, dy = (unit[i][1] - 0.5) * h;
      double u = (cx + c * dx - s * dy) / A, v = cy + s * dx + c * dy;

      self->corners[i][0] = u;
      self->corners[i][1] = v;
      self->box[0] = MIN (self->box[0], u);
      self->box[1] = MIN (self->box[1], v);
      self->box[2] = MAX (self->box[2], u);
      self->box[3] = MAX (self->box[3], v);
    }

  self->box[0] = MAX (self->box[0], 0.0);
  self->box[1] = MAX (self->box[1], 0.0);
  self->box[2] = MIN (self->box[2], 1.0);
  self->box[3] = MIN (self->box[3], 1.0);
  /* A sliver of a millionth of the print area shows nothing. */
  self->empty = !(self->box[2] - self->box[0] > 1e-6 && self->box[3] - self->box[1] > 1e-6);
}

/* The part of a pixel on the artwork's side of both of its edges along
 * one axis, from the pixel centre's coordinate @x across the artwork
 * (0 to 1) and the length @g of that coordinate's gradient in pixels⁻¹:
 * a box filter over the distances to each edge, which is exact for edges
 * along the pixel grid and right for a sliver narrower than a pixel. */
static inline float
edge_coverage (double x,
               double g)
{
  double inv = 1.0 / MAX (g, 1e-12);
  double a = CLAMP (0.5 + x * inv, 0.0, 1.0);
  double b = CLAMP (0.5 + (1.0 - x) * inv, 0.0, 1.0);

  return (float) MAX (0.0, a + b - 1.0);
}

void
mockup_placed_artwork_map_row (const MockupPlacedArtwork *self,
                               const double               region[4],
                               int                        n,
                               MockupSurfacePoint        *points,
                               guint8                    *valid,
                               float                     *coverage)
{
  double ru = region[2] - region[0], rv = region[3] - region[1];
  /* the map from region coordinates to the artwork's */
  double m0 = self->a[0] * ru, m1 = self->a[1] * rv;
  double m2 = self->a[0] * region[0] + self->a[1] * region[1] + self->a[2];
  double m3 = self->a[3] * ru, m4 = self->a[4] * rv;
  double m5 = self->a[3] * region[0] + self->a[4] * region[1] + self->a[5];

  for (int i = 0; i < n; i++)
    {
      MockupSurfacePoint *p = &points[i];
      double s, t, dsdx, dsdy, dtdx, dtdy;
      float cov;

      if (!valid[i])
        continue;

      s = m0 * p->u + m1 * p->v + m2;
      t = m3 * p->u + m4 * p->v + m5;
      dsdx = m0 * p->dudx + m1 * p->dvdx;
      dsdy = m0 * p->dudy + m1 * p->dvdy;
      dtdx = m3 * p->dudx + m4 * p->dvdx;
      dtdy = m3 * p->dudy + m4 * p->dvdy;

      cov = edge_coverage (s, hypot (dsdx, dsdy)) * edge_coverage (t, hypot (dtdx, dtdy));
      /* the geometry's own coverage cuts at the print area's edge; where
       * that edge and the artwork's coincide, the smaller is right */
      coverage[i] = MIN (coverage[i], cov);
      if (!(coverage[i] > 1.0f / 1024.0f))
        {
          valid[i] = 0;
          continue;
        }

      p->u = mockup_surface_float (s);
      p->v = mockup_surface_float (t);
      p->dudx = mockup_surface_float (dsdx);
      p->dudy = mockup_surface_float (dsdy);
      p->dvdx = mockup_surface_float (dtdx);
      p->dvdy = mockup_surface_float (dtdy);
    }
}
