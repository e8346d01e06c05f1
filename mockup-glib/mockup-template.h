/* mockup-template.h: a parsed, validated template manifest
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mockup-parameter.h"
#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_TEMPLATE (mockup_template_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupTemplate, mockup_template, MOCKUP, TEMPLATE, GObject)

MOCKUP_AVAILABLE_IN_1_0
MockupTemplate  *mockup_template_new_from_file  (const char      *path,
                                                 GError         **error);
MOCKUP_AVAILABLE_IN_1_0
MockupTemplate  *mockup_template_new_from_data  (const char      *data,
                                                 gssize           length,
                                                 const char      *base_dir,
                                                 GError         **error);
MOCKUP_AVAILABLE_IN_1_0
const char      *mockup_template_get_id         (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
const char      *mockup_template_get_name       (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
int              mockup_template_get_width      (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
int              mockup_template_get_height     (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
const char      *mockup_template_get_path       (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
char           **mockup_template_dup_slots      (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
guint            mockup_template_get_n_layers   (MockupTemplate  *self);
MOCKUP_AVAILABLE_IN_1_0
char           **mockup_template_dup_parameter_names (MockupTemplate *self);
MOCKUP_AVAILABLE_IN_1_0
MockupParameter *mockup_template_get_parameter  (MockupTemplate  *self,
                                                 const char      *name);

MOCKUP_AVAILABLE_IN_1_0
char           **mockup_template_find_in_folder (const char      *folder,
                                                 GError         **error);

G_END_DECLS
