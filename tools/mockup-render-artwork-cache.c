/* mockup-render-artwork-cache.c
 *
 * Customers send the same artwork again and again: a preview, then the
 * full-size mockups, then another product. Decoding a 4096² PNG takes a
 * quarter of a second on one core, more than most renders, so the server
 * keeps decoded artworks between jobs, as MockupArtwork objects, whose
 * decoded pixels every later render shares. A job that needs more pixels
 * than an artwork holds decodes it again at the larger size: a full-size
 * job followed by previews decodes once.
 *
 * An entry is valid while its file keeps the same device, inode, size,
 * modification time and change time: a file rewritten in place, replaced,
 * or renamed over is decoded afresh.
 *
 * Memory: while a job uses an artwork, its batch reserves the artwork's
 * pixels in the renderer's budget. Between jobs the cache charges them
 * itself (mockup_renderer_charge_memory ()), so the one budget covers what
 * renders hold and what the cache keeps. Idle entries are dropped least
 * recently used first when they exceed the cache's limit, and whenever a
 * render waits for room (mr_artwork_cache_reclaim (), called by the server
 * while renders wait): memory the cache keeps never makes work wait.
 *
 * Jobs are prepared in threads: every call takes the cache's lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "mockup-render-artwork-cache.h"

typedef struct
{
  char *path;                   /* the key: canonical path */
  MockupArtwork *artwork;
  guint64 device, inode;
  goffset size;
  gint64 mtime_ns, ctime_ns;
  guint users;                  /* jobs using it */
  gboolean stale;               /* replaced while in use: dropped after */
  guint64 charged;              /* in the budget, while idle */
  GList link;                   /* in the idle list, newest first */
} Entry;

struct _MrArtworkCache
{
  GMutex lock;
  MockupRenderer *renderer;
  guint64 limit;
  guint64 charged;              /* by all idle entries */
  GHashTable *entries;          /* path → Entry */
  GHashTable *by_artwork;       /* MockupArtwork → Entry, of entries in use */
  GQueue idle;
};

static void
entry_free (Entry *entry)
{
  g_free (entry->path);
  g_clear_object (&entry->artwork);
  g_free (entry);
}

/* @limit: bytes of decoded artworks kept between jobs */
MrArtworkCache *
mr_artwork_cache_new (MockupRenderer *renderer,
                      guint64         limit)
{
  MrArtworkCache *self = g_new0 (MrArtworkCache, 1);

  g_mutex_init (&self->lock);
  self->renderer = g_object_ref (renderer);
  self->limit = limit;
  self->entries = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_artwork = g_hash_table_new (NULL, NULL);
  g_queue_init (&self->idle);
  return self;
}

static void
drop_idle_locked (MrArtworkCache *self,
                  Entry          *entry)
{
  g_queue_unlink (&self->idle, &entry->link);
  g_hash_table_remove (self->entries, entry->path);
  self->charged -= entry->charged;
  mockup_renderer_release_memory (self->renderer, entry->charged);
  entry_free (entry);
}

/* Every job has released what it acquired by now. */
void
mr_artwork_cache_free (MrArtworkCache *self)
{
  Entry *entry;

  g_warn_if_fail (g_hash_table_size (self->by_artwork) == 0);
  while ((entry = g_queue_peek_tail (&self->idle)) != NULL)
    drop_idle_locked (self, entry);
  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->by_artwork);
  g_object_unref (self->renderer);
  g_mutex_clear (&self->lock);
  g_free (self);
}

static gint64
nanoseconds (const struct timespec *time)
{
  return (gint64) time->tv_sec * G_GINT64_CONSTANT (1000000000) + time->tv_nsec;
}

static gboolean
entry_matches (const Entry     *entry,
               const GStatBuf  *info)
{
  return entry->device == (guint64) info->st_dev && entry->inode == (guint64) info->st_ino &&
         entry->size == info->st_size && entry->mtime_ns == nanoseconds (&info->st_mtim) &&
         entry->ctime_ns == nanoseconds (&info->st_ctim);
}

static MockupArtwork *
use_entry_locked (MrArtworkCache *self,
                  Entry          *entry)
{
  if (entry->users++ == 0)
    {
      /* from now on its job's batch reserves its pixels */
      g_queue_unlink (&self->idle, &entry->link);
      self->charged -= entry->charged;
      mockup_renderer_release_memory (self->renderer, entry->charged);
      entry->charged = 0;
      g_hash_table_insert (self->by_artwork, entry->artwork, entry);
    }
  return g_object_ref (entry->artwork);
}

/**
 * mr_artwork_cache_acquire:
 * @path: an artwork file
 * @hit: (out): whether it came from the cache
 *
 * The artwork at @path, decoded already if it was before and the file is
 * unchanged. Give it back with mr_artwork_cache_release () when the job
 * is done with it.
 *
 * Returns: (transfer full): the artwork, or %NULL with @error set
 */
MockupArtwork *
mr_artwork_cache_acquire (MrArtworkCache  *self,
                          const char      *path,
                          gboolean        *hit,
                          GError         **error)
{
  g_autofree char *key = g_canonicalize_filename (path, NULL);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  GStatBuf info;
  Entry *entry;

  *hit = FALSE;

  /* Not cached if it cannot be looked at: opening it says why. */
  if (g_stat (key, &info) != 0 || !S_ISREG (info.st_mode))
    return mockup_artwork_new_from_file (path, error);

  locker = g_mutex_locker_new (&self->lock);
  entry = g_hash_table_lookup (self->entries, key);
  if (entry != NULL && entry_matches (entry, &info))
    {
      *hit = TRUE;
      return use_entry_locked (self, entry);
    }
  if (entry != NULL)
    {
      if (entry->users > 0)
        {
          entry->stale = TRUE;
          g_hash_table_remove (self->entries, entry->path);
        }
      else
        drop_idle_locked (self, entry);
    }

  /* Opening reads the header only: quick, and not worth a second lock. */
  artwork = mockup_artwork_new_from_file (path, error);
  if (artwork == NULL)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->path = g_steal_pointer (&key);
  entry->artwork = g_steal_pointer (&artwork);
  entry->device = info.st_dev;
  entry->inode = info.st_ino;
  entry->size = info.st_size;
  entry->mtime_ns = nanoseconds (&info.st_mtim);
  entry->ctime_ns = nanoseconds (&info.st_ctim);
  entry->link.data = entry;
  g_hash_table_insert (self->entries, entry->path, entry);
  return use_entry_locked (self, entry);
}

/* Drops idle entries, oldest first, until they fit in @limit. */
static void
trim_locked (MrArtworkCache *self,
             guint64         limit)
{
  Entry *entry;

  while (self->charged > limit && (entry = g_queue_peek_tail (&self->idle)) != NULL)
    drop_idle_locked (self, entry);
}

/* Gives back an artwork from mr_artwork_cache_acquire (). */
void
mr_artwork_cache_release (MrArtworkCache *self,
                          MockupArtwork  *artwork)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Entry *entry = g_hash_table_lookup (self->by_artwork, artwork);

  /* (not cached: it could not be looked at when acquired) */
  if (entry == NULL)
    return;
  g_object_unref (artwork);
  if (--entry->users > 0)
    return;

  g_hash_table_remove (self->by_artwork, artwork);
  if (entry->stale)
    {
      entry_free (entry);
      return;
    }

  entry->charged = mockup_artwork_get_decoded_size (entry->artwork);
  self->charged += entry->charged;
  mockup_renderer_charge_memory (self->renderer, entry->charged);
  g_queue_push_head_link (&self->idle, &entry->link);
  trim_locked (self, self->limit);
}

/**
 * mr_artwork_cache_reclaim:
 *
 * Drops the least recently used idle artwork: for renders that wait for
 * room in the budget.
 *
 * Returns: whether there was one to drop
 */
gboolean
mr_artwork_cache_reclaim (MrArtworkCache *self)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);
  Entry *entry = g_queue_peek_tail (&self->idle);

  if (entry == NULL)
    return FALSE;
  drop_idle_locked (self, entry);
  return TRUE;
}

/* What the idle entries hold, in bytes. */
guint64
mr_artwork_cache_get_size (MrArtworkCache *self)
{
  G_GNUC_UNUSED g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&self->lock);

  return self->charged;
}
