/* mockup-buffer.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mockup-buffer-private.h"

/* Below this, malloc's own free lists serve better. */
#define MAPPED_MIN (128 * 1024)

static gsize
page_round (gsize size)
{
  gsize page = (gsize) sysconf (_SC_PAGESIZE);

  return (size + page - 1) & ~(page - 1);
}

gpointer
mockup_buffer_alloc (gsize size)
{
  gpointer data;

  if (size < MAPPED_MIN)
    return g_try_malloc0 (MAX (size, 1));

  data = mmap (NULL, page_round (size), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  return data == MAP_FAILED ? NULL : data;
}

void
mockup_buffer_free (gpointer data,
                    gsize    size)
{
  if (data == NULL)
    return;
  if (size < MAPPED_MIN)
    g_free (data);
  else
    munmap (data, page_round (size));
}

gpointer
mockup_buffer_realloc (gpointer data,
                       gsize    old_size,
                       gsize    new_size)
{
  gpointer bigger;

  if (data == NULL)
    return mockup_buffer_alloc (new_size);

  if (old_size >= MAPPED_MIN && new_size >= MAPPED_MIN)
    {
#ifdef MREMAP_MAYMOVE
      /* the kernel moves the pages, not the bytes */
      bigger = mremap (data, page_round (old_size), page_round (new_size), MREMAP_MAYMOVE);
      return bigger == MAP_FAILED ? NULL : bigger;
#endif
    }

  bigger = mockup_buffer_alloc (new_size);
  if (bigger == NULL)
    return NULL;
  memcpy (bigger, data, MIN (old_size, new_size));
  mockup_buffer_free (data, old_size);
  return bigger;
}

typedef struct
{
  gpointer data;
  gsize size;
} Mapping;

static void
mapping_free (gpointer user_data)
{
  Mapping *mapping = user_data;

  mockup_buffer_free (mapping->data, mapping->size);
  g_free (mapping);
}

GBytes *
mockup_buffer_to_bytes (gpointer data,
                        gsize    length,
                        gsize    size)
{
  Mapping *mapping;

  if (size < MAPPED_MIN)
    return g_bytes_new_take (g_realloc (data, MAX (length, 1)), length);

  /* keep only the pages the bytes are on */
  if (page_round (length) < page_round (size))
    {
      gpointer smaller = mockup_buffer_realloc (data, size, MAX (length, MAPPED_MIN));

      if (smaller != NULL)
        {
          data = smaller;
          size = MAX (length, MAPPED_MIN);
        }
    }

  mapping = g_new (Mapping, 1);
  mapping->data = data;
  mapping->size = size;
  return g_bytes_new_with_free_func (data, length, mapping_free, mapping);
}
