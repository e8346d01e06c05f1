/* mockup-file.c: opening the files a template or an artwork names,
 * safely, and within a limit of descriptors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mockup-file-private.h"

#ifndef O_PATH
#define O_PATH 0
#endif

const char *
mockup_file_type_name (mode_t mode)
{
  if (S_ISDIR (mode))
    return "a folder";
  if (S_ISFIFO (mode))
    return "a FIFO";
  if (S_ISCHR (mode) || S_ISBLK (mode))
    return "a device";
  if (S_ISSOCK (mode))
    return "a socket";
  return "a special file";
}

/* openat () one component at a time from the root, none of them followed
 * if it is a symbolic link: what a resolved path must still be. (O_PATH
 * opens folders that may be searched but not listed.) */
static int
open_without_symlinks (const char *path,
                       int         open_flags)
{
  g_auto(GStrv) parts = NULL;
  int dir, fd, saved_errno;
  guint n;

  if (!g_path_is_absolute (path))
    {
      errno = EINVAL;
      return -1;
    }
  parts = g_strsplit (path, G_DIR_SEPARATOR_S, -1);
  n = g_strv_length (parts);

  dir = open (G_DIR_SEPARATOR_S, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return -1;
  for (guint i = 1; i + 1 < n; i++)
    {
      int next;

      if (parts[i][0] == '\0')
        continue;
      if (strcmp (parts[i], ".") == 0 || strcmp (parts[i], "..") == 0)
        {
          close (dir);
          errno = EINVAL;
          return -1;
        }
      next = openat (dir, parts[i], O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        {
          struct stat info;

          /* O_DIRECTORY fails on a link before O_NOFOLLOW does */
          saved_errno = errno;
          if (fstatat (dir, parts[i], &info, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (info.st_mode))
            saved_errno = ELOOP;
          close (dir);
          errno = saved_errno;
          return -1;
        }
      close (dir);
      dir = next;
    }

  fd = openat (dir, n > 0 ? parts[n - 1] : "", open_flags | O_NOFOLLOW);
  saved_errno = errno;
  close (dir);
  errno = saved_errno;
  return fd;
}

int
mockup_file_open_regular (const char          *path,
                          MockupFileOpenFlags  flags,
                          struct stat         *info,
                          int                 *error_number)
{
  int open_flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC;
  int fd, file_flags;

  if (flags & MOCKUP_FILE_OPEN_NO_SYMLINKS)
    fd = open_without_symlinks (path, open_flags);
  else
    fd = open (path, open_flags);
  if (fd < 0)
    {
      *error_number = errno;
      return -1;
    }

  /* checked on the descriptor: nothing can be swapped in between */
  if (fstat (fd, info) != 0)
    {
      *error_number = errno;
      close (fd);
      return -1;
    }
  if (!S_ISREG (info->st_mode))
    {
      *error_number = 0;
      close (fd);
      return -1;
    }

  /* a regular file is read blocking, as any other */
  file_flags = fcntl (fd, F_GETFL);
  if (file_flags < 0 || fcntl (fd, F_SETFL, file_flags & ~O_NONBLOCK) < 0)
    {
      *error_number = errno;
      close (fd);
      return -1;
    }
  return fd;
}

/* The streams of mockup_file_open_stream (): each a descriptor it may
 * lose and get again, and its own offset, read with pread (). A stream is
 * read by one thread at a time; the pool by all, under pool_lock. */
typedef struct
{
  GList link;             /* in pool_open while fd >= 0 */
  char *path;
  MockupFileOpenFlags flags;
  dev_t device;
  ino_t inode;
  off_t size;
  off_t offset;
  int fd;
  gboolean busy;          /* in a read: its descriptor stays */
} PooledFile;

static GMutex pool_lock;
static GQueue pool_open = G_QUEUE_INIT;   /* least recently read first */
static guint pool_peak;

static guint
pool_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return MOCKUP_FILE_MAX_OPEN;
  return (guint) CLAMP (limit.rlim_cur / 4, 4, MOCKUP_FILE_MAX_OPEN);
}

/* Under pool_lock: closes the least recently read descriptors that are
 * not being read until one more fits. */
static void
pool_make_room (void)
{
  guint limit = pool_limit ();
  GList *l = pool_open.head;

  while (pool_open.length >= limit && l != NULL)
    {
      PooledFile *file = l->data;
      GList *next = l->next;

      if (!file->busy)
        {
          g_queue_unlink (&pool_open, l);
          close (file->fd);
          file->fd = -1;
        }
      l = next;
    }
}

static void
pool_add (PooledFile *file)
{
  g_queue_push_tail_link (&pool_open, &file->link);
  pool_peak = MAX (pool_peak, pool_open.length);
}

/* Under pool_lock: the descriptor again, for the same file. */
static gboolean
pool_reopen (PooledFile *file)
{
  struct stat info;
  int error_number;
  int fd;

  pool_make_room ();
  fd = mockup_file_open_regular (file->path, file->flags, &info, &error_number);
  if (fd < 0)
    {
      errno = error_number != 0 ? error_number : ESTALE;
      return FALSE;
    }
  if (info.st_dev != file->device || info.st_ino != file->inode)
    {
      close (fd);
      errno = ESTALE;
      return FALSE;
    }
  file->fd = fd;
  pool_add (file);
  return TRUE;
}

static ssize_t
pooled_read (void   *cookie,
             char   *buffer,
             size_t  size)
{
  PooledFile *file = cookie;
  ssize_t n;
  int fd, saved_errno;

  g_mutex_lock (&pool_lock);
  if (file->fd < 0)
    {
      if (!pool_reopen (file))
        {
          saved_errno = errno;
          g_mutex_unlock (&pool_lock);
          errno = saved_errno;
          return -1;
        }
    }
  else
    {
      g_queue_unlink (&pool_open, &file->link);
      g_queue_push_tail_link (&pool_open, &file->link);
    }
  file->busy = TRUE;
  fd = file->fd;
  g_mutex_unlock (&pool_lock);

  do
    n = pread (fd, buffer, size, file->offset);
  while (n < 0 && errno == EINTR);
  saved_errno = errno;

  g_mutex_lock (&pool_lock);
  file->busy = FALSE;
  g_mutex_unlock (&pool_lock);

  if (n > 0)
    file->offset += n;
  errno = saved_errno;
  return n;
}

static int
pooled_seek (void    *cookie,
             off64_t *position,
             int      whence)
{
  PooledFile *file = cookie;
  off64_t base;

  switch (whence)
    {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = file->offset; break;
    case SEEK_END: base = file->size; break;
    default: errno = EINVAL; return -1;
    }
  if (*position < -base)
    {
      errno = EINVAL;
      return -1;
    }
  file->offset = base + *position;
  *position = file->offset;
  return 0;
}

static int
pooled_close (void *cookie)
{
  PooledFile *file = cookie;

  g_mutex_lock (&pool_lock);
  if (file->fd >= 0)
    {
      g_queue_unlink (&pool_open, &file->link);
      close (file->fd);
    }
  g_mutex_unlock (&pool_lock);
  g_free (file->path);
  g_free (file);
  return 0;
}

FILE *
mockup_file_open_stream (const char          *path,
                         MockupFileOpenFlags  flags,
                         struct stat         *info,
                         int                 *error_number)
{
  static const cookie_io_functions_t functions = {
    .read = pooled_read,
    .seek = pooled_seek,
    .close = pooled_close,
  };
  PooledFile *file;
  FILE *stream;
  int fd;

  g_mutex_lock (&pool_lock);
  pool_make_room ();
  g_mutex_unlock (&pool_lock);

  fd = mockup_file_open_regular (path, flags, info, error_number);
  if (fd < 0)
    return NULL;

  file = g_new0 (PooledFile, 1);
  file->link.data = file;
  file->path = g_strdup (path);
  file->flags = flags;
  file->device = info->st_dev;
  file->inode = info->st_ino;
  file->size = info->st_size;
  file->fd = fd;

  stream = fopencookie (file, "r", functions);
  if (stream == NULL)
    {
      *error_number = errno;
      close (fd);
      g_free (file->path);
      g_free (file);
      return NULL;
    }

  g_mutex_lock (&pool_lock);
  pool_add (file);
  g_mutex_unlock (&pool_lock);
  return stream;
}

guint
mockup_file_get_n_open (guint *peak)
{
  guint n;

  g_mutex_lock (&pool_lock);
  n = pool_open.length;
  if (peak != NULL)
    *peak = pool_peak;
  g_mutex_unlock (&pool_lock);
  return n;
}

void
mockup_file_reset_peak (void)
{
  g_mutex_lock (&pool_lock);
  pool_peak = pool_open.length;
  g_mutex_unlock (&pool_lock);
}
