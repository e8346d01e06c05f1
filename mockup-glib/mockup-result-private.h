/* mockup-result-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-result.h"

G_BEGIN_DECLS

MockupResult *_mockup_result_new           (guint          index,
                                            const char    *template_id,
                                            const char    *template_name,
                                            MockupFormat   format,
                                            int            width,
                                            int            height,
                                            GBytes        *bytes,
                                            GdkPixbuf     *pixbuf);
MockupResult *_mockup_result_new_for_error (guint          index,
                                            const char    *template_id,
                                            const char    *template_name,
                                            MockupFormat   format,
                                            const GError  *error);
void          _mockup_result_set_variant   (MockupResult  *self,
                                            guint          variant);
void          _mockup_result_set_timing    (MockupResult  *self,
                                            guint64        wait_time,
                                            guint64        render_time,
                                            guint64        resident_memory);

G_END_DECLS
