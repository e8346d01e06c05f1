/* test-readers.c: image readers against hostile files: decoding work
 * limits, cancellation, what is opened and how, formats refused
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mockup-file-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-jpeg-private.h"
#include "test-util.h"

static char *dir;

/* Opens a reader on @path at full size, as a render of a template does. */
static MockupImageReader *
open_reader (const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  MockupImageSource source;
  MockupImageInfo info;
  MockupImageReader *reader = NULL;

  mockup_image_source_init_path (&source, path);
  if (mockup_image_source_probe (&source, &info, error))
    reader = mockup_image_reader_new_full (&source, &info, info.width, info.height,
                                           MOCKUP_IMAGE_READER_NONE, cancellable, error);
  mockup_image_source_clear (&source);
  return reader;
}

static void
test_jpeg_scan_limit (void)
{
  g_autofree char *ok_path = test_write_jpeg_scans (dir, "scans-ok.jpg", 64, MOCKUP_JPEG_MAX_SCANS);
  g_autofree char *bomb_path = test_write_jpeg_scans (dir, "scans-bomb.jpg", 64, MOCKUP_JPEG_MAX_SCANS + 1);
  g_autoptr(MockupImageReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  guint32 row[64];

  /* as many scans as allowed: decodes, to the grey of all-zero blocks */
  reader = open_reader (ok_path, NULL, &error);
  g_assert_no_error (error);
  for (int y = 0; y < 64; y++)
    {
      g_assert_true (mockup_image_reader_read_row (reader, row, &error));
      g_assert_no_error (error);
    }
  g_assert_cmphex (row[0], ==, 0xff808080);

  /* one more: refused, naming the file and the limit */
  g_clear_pointer (&reader, mockup_image_reader_free);
  reader = open_reader (bomb_path, NULL, &error);
  g_assert_null (reader);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "scans-bomb.jpg"));
  g_assert_nonnull (strstr (error->message, "more than 100 scans"));
}

/* A decode cancelled from the progress monitor stops at that call. */
typedef struct
{
  GCancellable *cancellable;
  int cancel_at;          /* scan to cancel at, from the hook */
  int max_scan;
  int calls_after_cancel;
} CancelFromHook;

static void
cancel_from_hook (int      scan,
                  gpointer user_data)
{
  CancelFromHook *state = user_data;

  state->max_scan = MAX (state->max_scan, scan);
  if (g_cancellable_is_cancelled (state->cancellable))
    state->calls_after_cancel++;
  else if (scan >= state->cancel_at)
    g_cancellable_cancel (state->cancellable);
}

static void
test_jpeg_cancel_in_decode (void)
{
  g_autofree char *path = test_write_jpeg_scans (dir, "slow.jpg", 1024, MOCKUP_JPEG_MAX_SCANS - 1);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MockupImageReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  CancelFromHook state = { cancellable, 10, 0, 0 };

  _mockup_jpeg_set_progress_hook (cancel_from_hook, &state);
  reader = open_reader (path, cancellable, &error);
  _mockup_jpeg_set_progress_hook (NULL, NULL);

  g_assert_null (reader);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* stopped at the call that saw the cancel, in the scan it came in */
  g_assert_cmpint (state.max_scan, ==, 10);
  g_assert_cmpint (state.calls_after_cancel, ==, 0);
}

/* What mockup_file_open_regular () opens, and what it refuses. */
static void
test_open_regular (void)
{
  g_autofree char *sub = g_build_filename (dir, "open-regular", NULL);
  g_autofree char *folder = g_build_filename (sub, "folder", NULL);
  g_autofree char *fifo = g_build_filename (sub, "fifo", NULL);
  g_autofree char *file = NULL, *link = g_build_filename (sub, "link", NULL);
  g_autofree char *linked_folder = g_build_filename (sub, "linked", NULL);
  g_autofree char *through_link = g_build_filename (linked_folder, "file", NULL);
  struct stat info;
  int error_number, fd;

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  file = test_write_file (folder, "file", "data");
  g_assert_cmpint (symlink (file, link), ==, 0);
  g_assert_cmpint (symlink ("folder", linked_folder), ==, 0);

  /* a regular file, blocking again once open */
  fd = mockup_file_open_regular (file, MOCKUP_FILE_OPEN_NO_SYMLINKS, &info, &error_number);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (info.st_size, ==, 4);
  g_assert_cmpint (fcntl (fd, F_GETFL) & O_NONBLOCK, ==, 0);
  g_assert_cmpint (fcntl (fd, F_GETFD) & FD_CLOEXEC, !=, 0);
  close (fd);

  /* the others opened without blocking, and named by what they are */
  g_assert_cmpint (mockup_file_open_regular (fifo, MOCKUP_FILE_OPEN_NONE, &info, &error_number), ==, -1);
  g_assert_cmpint (error_number, ==, 0);
  g_assert_cmpstr (mockup_file_type_name (info.st_mode), ==, "a FIFO");
  g_assert_cmpint (mockup_file_open_regular (folder, MOCKUP_FILE_OPEN_NONE, &info, &error_number), ==, -1);
  g_assert_cmpint (error_number, ==, 0);
  g_assert_cmpstr (mockup_file_type_name (info.st_mode), ==, "a folder");
  g_assert_cmpint (mockup_file_open_regular ("/dev/null", MOCKUP_FILE_OPEN_NONE, &info, &error_number), ==, -1);
  g_assert_cmpstr (mockup_file_type_name (info.st_mode), ==, "a device");

  /* links are followed, unless the path was resolved already */
  fd = mockup_file_open_regular (link, MOCKUP_FILE_OPEN_NONE, &info, &error_number);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  fd = mockup_file_open_regular (through_link, MOCKUP_FILE_OPEN_NONE, &info, &error_number);
  g_assert_cmpint (fd, >=, 0);
  close (fd);
  g_assert_cmpint (mockup_file_open_regular (link, MOCKUP_FILE_OPEN_NO_SYMLINKS, &info, &error_number), ==, -1);
  g_assert_cmpint (error_number, ==, ELOOP);
  g_assert_cmpint (mockup_file_open_regular (through_link, MOCKUP_FILE_OPEN_NO_SYMLINKS, &info, &error_number), ==, -1);
  g_assert_cmpint (error_number, ==, ELOOP);
  g_assert_cmpint (mockup_file_open_regular (fifo, MOCKUP_FILE_OPEN_NO_SYMLINKS, &info, &error_number), ==, -1);
  g_assert_cmpint (error_number, ==, 0);
}

/* Streams past the limit of descriptors: they share the few there are,
 * read on where they were, and get their descriptor again only for the
 * file they opened. */
static void
test_stream_pool (void)
{
  enum { N_STREAMS = 40 };
  g_autofree char *sub = g_build_filename (dir, "pool", NULL);
  char *paths[N_STREAMS];
  FILE *streams[N_STREAMS];
  struct rlimit saved, low;
  struct stat info;
  int error_number;
  guint peak;
  char c;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  for (int i = 0; i < N_STREAMS; i++)
    {
      g_autofree char *name = g_strdup_printf ("file-%02d", i);
      g_autofree char *contents = g_strnfill (100, (char) ('0' + i));

      paths[i] = test_write_file (sub, name, contents);
    }

  /* a limit of 16 */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = 64;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  mockup_file_reset_peak ();

  for (int i = 0; i < N_STREAMS; i++)
    {
      streams[i] = mockup_file_open_stream (paths[i], MOCKUP_FILE_OPEN_NO_SYMLINKS, &info, &error_number);
      g_assert_nonnull (streams[i]);
      setvbuf (streams[i], NULL, _IONBF, 0);   /* every fgetc () reads */
    }
  for (int round = 0; round < 3; round++)
    for (int i = 0; i < N_STREAMS; i++)
      g_assert_cmpint (fgetc (streams[i]), ==, '0' + i);
  g_assert_cmpint (fseeko (streams[5], 99, SEEK_SET), ==, 0);
  g_assert_cmpint (fgetc (streams[5]), ==, '0' + 5);
  g_assert_cmpint (fgetc (streams[5]), ==, EOF);
  g_assert_cmpint (fseeko (streams[5], -50, SEEK_END), ==, 0);
  g_assert_cmpint (ftello (streams[5]), ==, 50);
  g_assert_cmpuint (mockup_file_get_n_open (&peak), <=, 16);
  g_assert_cmpuint (peak, <=, 16);

  /* a file replaced while its stream had no descriptor */
  g_assert_cmpint (g_rename (paths[1], paths[0]), ==, 0);
  for (int i = 2; i < N_STREAMS; i++)
    g_assert_cmpint (fgetc (streams[i]), ==, '0' + i);
  errno = 0;
  g_assert_cmpint (fread (&c, 1, 1, streams[0]), ==, 0);
  g_assert_true (ferror (streams[0]));
  g_assert_cmpint (errno, ==, ESTALE);

  for (int i = 0; i < N_STREAMS; i++)
    fclose (streams[i]);
  g_assert_cmpuint (mockup_file_get_n_open (NULL), ==, 0);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  for (int i = 0; i < N_STREAMS; i++)
    g_free (paths[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();

  g_test_add_func ("/readers/jpeg/scan-limit", test_jpeg_scan_limit);
  g_test_add_func ("/readers/jpeg/cancel-in-decode", test_jpeg_cancel_in_decode);
  g_test_add_func ("/readers/files/open-regular", test_open_regular);
  g_test_add_func ("/readers/files/stream-pool", test_stream_pool);

  return g_test_run ();
}
