/* mockup-file.c: opening the files a template or an artwork names,
 * safely
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
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
