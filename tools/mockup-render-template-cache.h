/* mockup-render-template-cache.h: templates kept between server jobs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

typedef struct _MrTemplateCache MrTemplateCache;

MrTemplateCache *mr_template_cache_new      (guint64           limit);
void             mr_template_cache_free     (MrTemplateCache  *self);
MockupTemplate  *mr_template_cache_load     (MrTemplateCache  *self,
                                             const char       *path,
                                             gboolean         *hit,
                                             GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MrTemplateCache, mr_template_cache_free)

G_END_DECLS
