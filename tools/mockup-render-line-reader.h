/* mockup-render-line-reader.h: lines from a stream, each of bounded length
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _MrLineReader MrLineReader;

MrLineReader *mr_line_reader_new         (GInputStream         *stream,
                                          gsize                 max_length);
void          mr_line_reader_free        (MrLineReader         *self);
void          mr_line_reader_read_async  (MrLineReader         *self,
                                          GCancellable         *cancellable,
                                          GAsyncReadyCallback   callback,
                                          gpointer              user_data);
char         *mr_line_reader_read_finish (MrLineReader         *self,
                                          GAsyncResult         *result,
                                          gsize                *length,
                                          gboolean             *too_long,
                                          GError              **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MrLineReader, mr_line_reader_free)

G_END_DECLS
