/* mockup-result.h: one rendered mockup
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include <gdk-pixbuf/gdk-pixbuf.h>

#include "mockup-format.h"
#include "mockup-version-macros.h"

G_BEGIN_DECLS

#define MOCKUP_TYPE_RESULT (mockup_result_get_type ())

MOCKUP_AVAILABLE_IN_1_0
G_DECLARE_FINAL_TYPE (MockupResult, mockup_result, MOCKUP, RESULT, GObject)

MOCKUP_AVAILABLE_IN_1_0
guint         mockup_result_get_index           (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
guint         mockup_result_get_variant         (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
const char   *mockup_result_get_template_id     (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
const char   *mockup_result_get_template_name   (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
int           mockup_result_get_width           (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
int           mockup_result_get_height          (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
MockupFormat  mockup_result_get_format          (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
GBytes       *mockup_result_get_bytes           (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
GdkPixbuf    *mockup_result_get_pixbuf          (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
const GError *mockup_result_get_error           (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
gboolean      mockup_result_check               (MockupResult  *self,
                                                 GError       **error);
MOCKUP_AVAILABLE_IN_1_0
guint64       mockup_result_get_wait_time       (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
guint64       mockup_result_get_render_time     (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
guint64       mockup_result_get_resident_memory (MockupResult  *self);
MOCKUP_AVAILABLE_IN_1_0
gboolean      mockup_result_save                (MockupResult  *self,
                                                 const char    *path,
                                                 GError       **error);

G_END_DECLS
