/* mockup-file-private.h: opening the files a template or an artwork names,
 * safely
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <sys/stat.h>

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  MOCKUP_FILE_OPEN_NONE = 0,
  /* @path is absolute and was resolved by realpath () when it was checked:
   * a symbolic link anywhere in it now is a change, and is refused (with
   * ELOOP) rather than followed out of the folder it was checked in */
  MOCKUP_FILE_OPEN_NO_SYMLINKS = 1 << 0,
} MockupFileOpenFlags;

/* Opens @path read-only and close-on-exec, without blocking: a FIFO with
 * no writer would block open () itself, and a device read () forever.
 * Returns the descriptor of a regular file, blocking again, with @info
 * filled. Else -1 and *@error_number is the errno of the call that failed,
 * or 0 when the file opened but is not a regular file (@info says what it
 * is). */
int         mockup_file_open_regular  (const char           *path,
                                       MockupFileOpenFlags   flags,
                                       struct stat          *info,
                                       int                  *error_number);

/* "a folder", "a FIFO", "a device", "a socket", "a special file" */
const char *mockup_file_type_name     (mode_t                mode);

G_END_DECLS
