/* mockup-render-options.h: the choices a render makes within a template
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <glib-object.h>

#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_RENDER_OPTIONS (mockup_render_options_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupRenderOptions, mockup_render_options, MOCKUP, RENDER_OPTIONS, GObject)

MOCKUP_AVAILABLE_IN_1_0
MockupRenderOptions  *mockup_render_options_new                 (void);
MOCKUP_AVAILABLE_IN_1_0
MockupRenderOptions  *mockup_render_options_copy                (MockupRenderOptions  *self);

MOCKUP_AVAILABLE_IN_1_0
void                  mockup_render_options_set_parameter       (MockupRenderOptions  *self,
                                                                 const char           *name,
                                                                 const char           *value);
MOCKUP_AVAILABLE_IN_1_0
const char           *mockup_render_options_get_parameter       (MockupRenderOptions  *self,
                                                                 const char           *name);
MOCKUP_AVAILABLE_IN_1_0
char                **mockup_render_options_dup_parameter_names (MockupRenderOptions  *self);

MOCKUP_AVAILABLE_IN_1_0
void                  mockup_render_options_set_placement       (MockupRenderOptions  *self,
                                                                 const char           *slot,
                                                                 double                left,
                                                                 double                top,
                                                                 double                width,
                                                                 double                degrees);
MOCKUP_AVAILABLE_IN_1_0
gboolean              mockup_render_options_get_placement       (MockupRenderOptions  *self,
                                                                 const char           *slot,
                                                                 double               *left,
                                                                 double               *top,
                                                                 double               *width,
                                                                 double               *degrees);
MOCKUP_AVAILABLE_IN_1_0
void                  mockup_render_options_clear_placement     (MockupRenderOptions  *self,
                                                                 const char           *slot);
MOCKUP_AVAILABLE_IN_1_0
char                **mockup_render_options_dup_placement_slots (MockupRenderOptions  *self);

G_END_DECLS
