/* mockup-buffer-private.h: large buffers that go back to the system
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Bands, textures and encoded outputs are large and short-lived. Left to
 * malloc, they end up in per-thread arenas once glibc's dynamic mmap
 * threshold has risen past their size, and stay resident after they are
 * freed: with many threads, a process's memory then reflects its
 * allocation history rather than what it holds. These are mapped and
 * unmapped directly, so resident memory follows the memory budget.
 * Small sizes fall back to g_malloc. Memory comes zeroed; NULL when the
 * system refuses. */
gpointer  mockup_buffer_alloc    (gsize     size);
void      mockup_buffer_free     (gpointer  data,
                                  gsize     size);
gpointer  mockup_buffer_realloc  (gpointer  data,
                                  gsize     old_size,
                                  gsize     new_size);
/* Wraps the first @length bytes of a buffer of @size in GBytes, giving
 * back the rest at once; the buffer is unmapped when the GBytes go. */
GBytes   *mockup_buffer_to_bytes (gpointer  data,
                                  gsize     length,
                                  gsize     size);

G_END_DECLS
