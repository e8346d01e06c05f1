/* mockup-placement-private.h: artwork positioned in a slot's print area
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "mockup-geometry-private.h"

G_BEGIN_DECLS

/* Limits of a placement, beyond which it is refused rather than drawn:
 * an artwork ten print areas away or wide, or a turn of more than one
 * revolution either way, is a mistake, not a design. */
#define MOCKUP_PLACEMENT_MAX_OFFSET 10.0
#define MOCKUP_PLACEMENT_MAX_WIDTH 10.0
#define MOCKUP_PLACEMENT_MAX_DEGREES 360.0

/* An artwork placed in a slot: where it lies in slot coordinates (the
 * print area's unit square) and how slot coordinates map back to the
 * artwork's own (s, t), both running from 0 to 1 across it. */
typedef struct
{
  /* (s, t) = (a[0] u + a[1] v + a[2], a[3] u + a[4] v + a[5]) */
  double a[6];
  /* its corners (0,0), (1,0), (1,1), (0,1) in slot coordinates */
  double corners[4][2];
  /* the slot-coordinate steps across its width and down its height */
  double across[2];
  double down[2];
  /* its bounding box in slot coordinates, clipped to the print area */
  double box[4];
  gboolean empty;         /* lies wholly outside the print area */
  double width, height;   /* fractions of the print area's width and height */
} MockupPlacedArtwork;

/* How many of @unit ("cm", "mm" or "in", as a template's "print" gives
 * it) make an inch. */
double   mockup_print_unit_per_inch        (const char                *unit);

/* Checks a placement; on a problem returns FALSE with @member set to the
 * offending member ("left", "top", "width" or "degrees") and @problem to
 * what is wrong with it. */
gboolean mockup_placement_check            (double                     left,
                                            double                     top,
                                            double                     width,
                                            double                     degrees,
                                            const char               **member,
                                            char                     **problem);

/* Places an artwork of @artwork_aspect (width / height) at @left, @top and
 * @width (fractions of the print area), turned @degrees clockwise about its
 * centre, in a print area of @print_aspect (physical width / height). Its
 * height follows from the two aspects, so that it is not distorted. */
void     mockup_placed_artwork_init        (MockupPlacedArtwork       *self,
                                            double                     left,
                                            double                     top,
                                            double                     width,
                                            double                     degrees,
                                            double                     print_aspect,
                                            double                     artwork_aspect);

/* Turns @n surface points, given in the coordinates of @region (the part
 * of the slot a geometry covers, as in mockup_geometry_new ()), into the
 * artwork's own coordinates, with their derivatives. Where a pixel lies
 * partly or wholly off the artwork its coverage is cut to the part on it,
 * worked out from its distance to the artwork's edges; @valid is cleared
 * where nothing is left. */
void     mockup_placed_artwork_map_row     (const MockupPlacedArtwork *self,
                                            const double               region[4],
                                            int                        n,
                                            MockupSurfacePoint        *points,
                                            guint8                    *valid,
                                            float                     *coverage);

G_END_DECLS
