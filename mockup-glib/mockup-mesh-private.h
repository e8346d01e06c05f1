/* mockup-mesh-private.h: a smooth surface through a grid of control points
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-geometry-private.h"

G_BEGIN_DECLS

typedef struct _MockupMesh MockupMesh;

/* The Catmull-Rom surface through the shape's control points: it passes
 * through every point and its tangents are continuous across cells. */
void        mockup_mesh_eval           (const MockupShape   *shape,
                                        double               u,
                                        double               v,
                                        double              *x,
                                        double              *y);
gboolean    mockup_mesh_validate       (const MockupShape   *shape,
                                        char               **problem);

MockupMesh *mockup_mesh_new            (const MockupShape   *shape,
                                        double               scale,
                                        const double         region[4]);
void        mockup_mesh_free           (MockupMesh          *self);
gboolean    mockup_mesh_lookup         (MockupMesh          *self,
                                        double               x,
                                        double               y,
                                        MockupSurfacePoint  *point);
gboolean    mockup_mesh_forward        (MockupMesh          *self,
                                        double               u,
                                        double               v,
                                        double              *x,
                                        double              *y);
void        mockup_mesh_append_outline (MockupMesh          *self,
                                        GArray              *points);
gsize       mockup_mesh_get_memory     (MockupMesh          *self);
/* an upper bound of mockup_mesh_get_memory () for any mesh */
gsize       mockup_mesh_estimate_memory (void);

G_END_DECLS
