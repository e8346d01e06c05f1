/* mockup-render-template-cache.c
 *
 * A server renders the same templates for one customer after another.
 * Loading one parses its manifest and opens every image it names to check
 * it; the cache keeps loaded templates between jobs so that this happens
 * once. An entry is valid while its manifest keeps the same path, size,
 * inode and modification time, and every image it names is unchanged
 * too: the images are decoded afresh by every render, but the template
 * keeps their headers (size, format) from load time, and a photo of
 * another size would give the canvas the wrong size. The library stamps
 * each image just before checking it, so a change while loading shows.
 *
 * Entries are estimated and the least recently used are dropped when the
 * estimates exceed the limit. A template is small next to a render (its
 * layers, paths and image headers; no pixels), so the estimate is simple:
 * a few times the manifest's size plus a little per layer. The library has
 * no call that measures a template.
 *
 * Server jobs are prepared in threads, side by side: the cache's lock is
 * held to look up and to insert, not while a template loads.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "mockup-render-template-cache.h"
#include "mockup-glib/mockup-template-private.h"

typedef struct
{
  char *path;                   /* the key: canonical manifest path */
  MockupTemplate *template;
  gint64 mtime_ns;
  goffset size;
  guint64 inode;
  guint64 device;
  guint64 estimate;
  GList link;                   /* in the LRU queue, newest first */
} Entry;

struct _MrTemplateCache
{
  GMutex lock;
  guint64 limit;
  guint64 used;
  GHashTable *entries;          /* path → Entry */
  GQueue lru;
};

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_clear_object (&entry->template);
  g_free (entry);
}

/* @limit: bytes the cached templates may take, by their estimates */
MrTemplateCache *
mr_template_cache_new (guint64 limit)
{
  MrTemplateCache *self = g_new0 (MrTemplateCache, 1);

  g_mutex_init (&self->lock);
  self->limit = limit;
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  g_queue_init (&self->lru);
  return self;
}

void
mr_template_cache_free (MrTemplateCache *self)
{
  /* the queue's links live in the entries: nothing to free there */
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static void
remove_entry (MrTemplateCache *self,
              Entry           *entry)
{
  g_queue_unlink (&self->lru, &entry->link);
  self->used -= entry->estimate;
  g_hash_table_remove (self->entries, entry->path);
}

static gboolean
images_unchanged (MockupTemplate *template)
{
  const MockupTemplateFile *files;
  guint n_files;

  files = _mockup_template_get_files (template, &n_files);
  for (guint i = 0; i < n_files; i++)
    if (!_mockup_template_file_is_unchanged (&files[i]))
      return FALSE;
  return TRUE;
}

static guint64
estimate (MockupTemplate *template,
          goffset         manifest_size)
{
  return 4096 + 4 * (guint64) manifest_size + 1024 * (guint64) mockup_template_get_n_layers (template);
}

/**
 * mr_template_cache_load:
 * @path: a template manifest
 * @hit: (out): whether the template came from the cache
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
MockupTemplate *
mr_template_cache_load (MrTemplateCache  *self,
                        const char       *path,
                        gboolean         *hit,
                        GError          **error)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GMutexLocker) locker = NULL;
  GStatBuf info;
  Entry *entry;

  *hit = FALSE;

  /* Not in the cache if it cannot be looked at: loading reports why. */
  if (g_stat (key, &info) != 0)
    return mockup_template_new_from_file (path, error);

  locker = g_mutex_locker_new (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL)
    {
      if (entry->mtime_ns == (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec &&
          entry->size == info.st_size && entry->inode == info.st_ino && entry->device == info.st_dev &&
          images_unchanged (entry->template))
        {
          g_queue_unlink (&self->lru, &entry->link);
          g_queue_push_head_link (&self->lru, &entry->link);
          *hit = TRUE;
          return g_object_ref (entry->template);
        }
      remove_entry (self, entry);
    }
  g_clear_pointer (&locker, g_mutex_locker_free);

  template = mockup_template_new_from_file (path, error);
  if (template == NULL)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->path = g_steal_pointer (&key);
  entry->template = g_object_ref (template);
  entry->mtime_ns = (gint64) info.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + info.st_mtim.tv_nsec;
  entry->size = info.st_size;
  entry->inode = info.st_ino;
  entry->device = info.st_dev;
  entry->estimate = estimate (template, info.st_size);
  entry->link.data = entry;

  if (entry->estimate > self->limit)
    {
      entry_free (entry);
      return g_steal_pointer (&template);
    }

  locker = g_mutex_locker_new (&self->lock);
  /* another job may have loaded it meanwhile: the newer one stays */
  if (g_hash_table_contains (self->entries, entry->path))
    remove_entry (self, g_hash_table_lookup (self->entries, entry->path));
  g_hash_table_insert (self->entries, entry->path, entry);
  g_queue_push_head_link (&self->lru, &entry->link);
  self->used += entry->estimate;

  while (self->used > self->limit)
    remove_entry (self, g_queue_peek_tail (&self->lru));

  return g_steal_pointer (&template);
}
