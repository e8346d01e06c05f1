/* mockup-file-private.h: opening the files a template or an artwork names,
 * safely, and within a limit of descriptors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdio.h>
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

/* The same, as a stdio stream whose descriptor counts against a limit
 * for the whole process: at most a quarter of RLIMIT_NOFILE's soft limit,
 * and at most MOCKUP_FILE_MAX_OPEN. Past it, the streams used least
 * recently lose their descriptor, and get one again when they are next
 * read: the same file, opened as above and checked to be the same inode,
 * or the read fails with ESTALE. So a render of hundreds of images holds
 * a bounded number of descriptors, whatever its templates. */
#define MOCKUP_FILE_MAX_OPEN 256

FILE       *mockup_file_open_stream   (const char           *path,
                                       MockupFileOpenFlags   flags,
                                       struct stat          *info,
                                       int                  *error_number);

/* For tests: how many of those streams hold a descriptor now, and the
 * most that did at once since the last reset. */
guint       mockup_file_get_n_open    (guint                *peak);
void        mockup_file_reset_peak    (void);

G_END_DECLS
