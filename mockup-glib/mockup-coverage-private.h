/* mockup-coverage-private.h: exact area coverage of a polygon
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Computes, for each pixel of the window [x0, x0 + width) × [y0, y0 + height),
 * the exact fraction of its area inside the closed polygon @points
 * (@n_points x, y pairs). This is what antialiased edges must show: a pixel
 * half covered by the print is half print. Accumulates signed areas cell by
 * cell and integrates along each row, so the cost is the polygon's length
 * plus the window's area, whatever the polygon's shape.
 *
 * @accumulator must hold (width + 2) × height floats. */
void mockup_coverage_rasterize (const double *points,
                                guint         n_points,
                                int           x0,
                                int           y0,
                                int           width,
                                int           height,
                                float        *accumulator,
                                float        *coverage);

G_END_DECLS
