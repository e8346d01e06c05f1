/* mockup-coverage.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mockup-coverage-private.h"

typedef struct
{
  float *acc;
  int stride;
  int width;
  int height;
} Accumulator;

/* Adds the signed area that the segment (ax, ay)–(bx, by), within
 * 0 ≤ x ≤ width, leaves to its right in every cell it crosses. */
static void
accumulate_segment (Accumulator *a,
                    double       ax,
                    double       ay,
                    double       bx,
                    double       by)
{
  double dir = 1.0, dxdy, x;
  int ystart, yend;

  if (ay == by)
    return;
  if (ay > by)
    {
      double t;

      t = ax; ax = bx; bx = t;
      t = ay; ay = by; by = t;
      dir = -1.0;
    }
  if (by <= 0.0 || ay >= a->height)
    return;

  dxdy = (bx - ax) / (by - ay);
  x = ax;
  if (ay < 0.0)
    {
      x -= ay * dxdy;
      ystart = 0;
    }
  else
    ystart = (int) floor (ay);
  yend = MIN (a->height, (int) ceil (by));

  for (int y = ystart; y < yend; y++)
    {
      float *row = a->acc + (gsize) y * a->stride;
      double dy = MIN ((double) y + 1.0, by) - MAX ((double) y, ay);
      double xnext = x + dxdy * dy;
      double d = dy * dir;
      double x0 = MIN (x, xnext), x1 = MAX (x, xnext);
      double x0floor = floor (x0);
      int x0i = (int) x0floor;
      double x1ceil = ceil (x1);
      int x1i = (int) x1ceil;

      /* Guard against rounding nudging a clipped endpoint past the edge. */
      x0i = CLAMP (x0i, 0, a->width);
      x1i = CLAMP (x1i, 0, a->width + 1);

      if (x1i <= x0i + 1)
        {
          double xmf = 0.5 * (x + xnext) - x0floor;

          row[x0i] += (float) (d - d * xmf);
          row[x0i + 1] += (float) (d * xmf);
        }
      else
        {
          double s = 1.0 / (x1 - x0);
          double x0f = x0 - x0floor;
          double a0 = 0.5 * s * (1.0 - x0f) * (1.0 - x0f);
          double x1f = x1 - x1ceil + 1.0;
          double am = 0.5 * s * x1f * x1f;

          row[x0i] += (float) (d * a0);
          if (x1i == x0i + 2)
            row[x0i + 1] += (float) (d * (1.0 - a0 - am));
          else
            {
              double a1 = s * (1.5 - x0f);
              double a2;

              row[x0i + 1] += (float) (d * (a1 - a0));
              for (int xi = x0i + 2; xi < x1i - 1; xi++)
                row[xi] += (float) (d * s);
              a2 = a1 + (x1i - x0i - 3) * s;
              row[x1i - 1] += (float) (d * (1.0 - a2 - am));
            }
          row[x1i] += (float) (d * am);
        }
      x = xnext;
    }
}

/* Splits an edge where it leaves the window sideways: what lies left of the
 * window covers every pixel to its right, so it is moved onto x = 0; what
 * lies right of it touches no pixel, so it is moved onto x = width. */
static void
accumulate_edge (Accumulator *a,
                 double       ax,
                 double       ay,
                 double       bx,
                 double       by)
{
  double bounds[2] = { 0.0, a->width };

  for (int k = 0; k < 2; k++)
    {
      double edge = bounds[k];

      /* strictly across: an end on the boundary needs no split */
      if ((ax < edge && bx > edge) || (ax > edge && bx < edge))
        {
          double t = (edge - ax) / (bx - ax);
          double my = ay + t * (by - ay);

          accumulate_edge (a, ax, ay, edge, my);
          accumulate_edge (a, edge, my, bx, by);
          return;
        }
    }

  accumulate_segment (a, CLAMP (ax, 0.0, a->width), ay, CLAMP (bx, 0.0, a->width), by);
}

void
mockup_coverage_rasterize (const double *points,
                           guint         n_points,
                           int           x0,
                           int           y0,
                           int           width,
                           int           height,
                           float        *accumulator,
                           float        *coverage)
{
  Accumulator a = { accumulator, width + 2, width, height };

  memset (accumulator, 0, sizeof (float) * (gsize) (width + 2) * height);

  for (guint i = 0; i < n_points; i++)
    {
      const double *p = points + 2 * i;
      const double *q = points + 2 * ((i + 1) % n_points);

      accumulate_edge (&a, p[0] - x0, p[1] - y0, q[0] - x0, q[1] - y0);
    }

  for (int y = 0; y < height; y++)
    {
      const float *acc = accumulator + (gsize) y * a.stride;
      float *out = coverage + (gsize) y * width;
      float sum = 0.0f;

      for (int x = 0; x < width; x++)
        {
          sum += acc[x];
          out[x] = MIN (1.0f, fabsf (sum));
        }
    }
}
