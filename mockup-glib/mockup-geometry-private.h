/* mockup-geometry-private.h: where an artwork slot lies on the canvas
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MOCKUP_SHAPE_QUAD,
  MOCKUP_SHAPE_MESH,
  MOCKUP_SHAPE_CYLINDER,
} MockupShapeKind;

/* A slot as the manifest gives it, in canvas pixels. The artwork's
 * normalised coordinates (u, v) run from its top-left (0, 0) to its
 * bottom-right (1, 1). */
typedef struct
{
  MockupShapeKind kind;

  /* quad: where (0,0), (1,0), (1,1), (0,1) land */
  double quad[4][2];

  /* mesh: rows × columns control points, row-major, at evenly spaced (u, v) */
  guint mesh_rows;
  guint mesh_columns;
  double *mesh;   /* 2 × rows × columns */

  /* cylinder: silhouette edges, print top and bottom (at the front), the
   * rim ellipse's vertical half-axis, and the angles in radians */
  double left, right, top, bottom, ellipse;
  double wrap, rotation;
} MockupShape;

/* One output pixel's place on the artwork: (u, v) within the slot region
 * and its derivatives along the output axes, for filtering. */
typedef struct
{
  float u, v;
  float dudx, dvdx, dudy, dvdy;
} MockupSurfacePoint;

/* Surface coordinates and derivatives are stored within these bounds: far
 * past what any filter distinguishes (the sampler clamps (u, v) to [0, 1]
 * and a footprint of a whole texture is its smallest level), near enough
 * that a near-degenerate cell or the horizon of a quad, where they grow
 * without bound, converts to float and later to int safely. */
#define MOCKUP_SURFACE_LIMIT 1024.0

/* @v as a float within ±MOCKUP_SURFACE_LIMIT, NaN as 0. */
static inline float
mockup_surface_float (double v)
{
  if (!(v > -MOCKUP_SURFACE_LIMIT))
    return v != v ? 0.0f : (float) -MOCKUP_SURFACE_LIMIT;
  return (float) (v < MOCKUP_SURFACE_LIMIT ? v : MOCKUP_SURFACE_LIMIT);
}

typedef struct _MockupGeometry MockupGeometry;

void            mockup_shape_clear             (MockupShape          *shape);
void            mockup_shape_copy              (MockupShape          *dest,
                                                const MockupShape    *src);
/* The print's width/height as it would measure unrolled; used by cover and
 * contain when the manifest gives no aspect. */
double          mockup_shape_estimate_aspect   (const MockupShape    *shape);
/* Checks what the parser cannot see member by member: a quad that crosses
 * itself, a mesh that folds over. Sets a message without the file name. */
gboolean        mockup_shape_validate          (const MockupShape    *shape,
                                                char                **problem);
/* Maps normalised slot coordinates to canvas pixels. FALSE where the point
 * is not visible (the back of a cylinder). */
gboolean        mockup_shape_map              (const MockupShape    *shape,
                                                double                u,
                                                double                v,
                                                double               *x,
                                                double               *y);

/* The slot placed on the output raster at @scale, restricted to the
 * rectangle [u0, u1] × [v0, v1] of slot coordinates (the part that "contain"
 * fills), whose own coordinates run from 0 to 1. */
MockupGeometry *mockup_geometry_new            (const MockupShape    *shape,
                                                double                scale,
                                                const double          region[4]);
void            mockup_geometry_free           (MockupGeometry       *self);
/* Inverse-maps the pixel centres (x0 + i + 0.5 + off[2i], y + 0.5 + off[2i+1])
 * for i < n. @valid[i] is 0 where the pixel is not on the surface at all;
 * pixels just outside an edge map to coordinates outside [0, 1], which the
 * sampler clamps, while coverage makes them transparent. */
void            mockup_geometry_map_row        (MockupGeometry       *self,
                                                int                   y,
                                                int                   x0,
                                                int                   n,
                                                const float          *offsets,
                                                MockupSurfacePoint   *points,
                                                guint8               *valid);
/* The outline of the region in output pixels, as a closed polygon. */
const double   *mockup_geometry_get_outline    (MockupGeometry       *self,
                                                guint                *n_points);
/* Bounding box of the outline: x0, y0, x1, y1. */
void            mockup_geometry_get_extents    (MockupGeometry       *self,
                                                double                extents[4]);
/* The largest output length of a unit step in u and in v over the region:
 * how many output pixels the region's width and height span at most. */
void            mockup_geometry_get_max_stretch (MockupGeometry      *self,
                                                double               *along_u,
                                                double               *along_v);
/* The same along two other steps in region coordinates, such as a placed
 * artwork's width and height: the output length of each at most. */
void            mockup_geometry_get_max_stretch_along (MockupGeometry *self,
                                                const double          dir_a[2],
                                                const double          dir_b[2],
                                                double               *along_a,
                                                double               *along_b);
gsize           mockup_geometry_get_memory     (MockupGeometry       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupGeometry, mockup_geometry_free)

G_END_DECLS
