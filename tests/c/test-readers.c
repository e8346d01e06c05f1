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

#include <webp/encode.h>

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

/* Probes @name, written with @length bytes of @data: TRUE, or FALSE with
 * @error set. */
static gboolean
probe_bytes (const char     *name,
             const void     *data,
             gsize           length,
             MockupImageInfo *info,
             GError        **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  MockupImageSource source;
  gboolean ok;

  g_assert_true (g_file_set_contents (path, data, (gssize) length, NULL));
  mockup_image_source_init_path (&source, path);
  ok = mockup_image_source_probe (&source, info, error);
  mockup_image_source_clear (&source);
  return ok;
}

/* A 40-byte BMP header announcing 20000 × 20000 pixels: GdkPixbuf's BMP
 * loader reserved 1.2 GB for it, while the library was only probing. BMP
 * is not a format the library reads: refused by its magic bytes, before
 * any loader sees it. So are the other formats it does not read. */
static void
test_formats_unsupported (void)
{
  static const struct
  {
    const char *name;
    const char *bytes;
    gsize length;
    const char *format;
  } cases[] = {
    { "bomb.bmp", "BM\x28\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\x20\x4e\0\0\x20\x4e\0\0\1\0\x18\0\0\0\0\0\0\0\0\0\0\0", 40, "BMP" },
    { "icon.ico", "\0\0\1\0\1\0\x10\x10\0\0\1\0\x20\0\x68\x04\0\0\x16\0\0\0", 22, "ICO" },
    { "image.pgm", "P5\n2 2\n255\n\0\0\0\0", 15, "PNM" },
    { "image.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"9000\" height=\"9000\"/>", 68, "SVG" },
    { "image.psd", "8BPS\0\1\0\0\0\0\0\0\0\3", 14, "Photoshop (PSD)" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      MockupImageInfo info;

      g_assert_false (probe_bytes (cases[i].name, cases[i].bytes, cases[i].length, &info, &error));
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, cases[i].name));
      g_assert_nonnull (strstr (error->message, cases[i].format));
    }
}

static void
append_bytes (GByteArray *data,
              const char *bytes,
              gsize       length)
{
  g_byte_array_append (data, (const guint8 *) bytes, (guint) length);
}

static void
append_le16 (GByteArray *data,
             guint       value)
{
  guint8 bytes[2] = { value & 0xff, value >> 8 };

  g_byte_array_append (data, bytes, 2);
}

/* A GIF of a @width × @height screen and one frame a @frames entry,
 * { width, height } each, of colour 1 where it has pixels. */
static GByteArray *
make_gif (guint        width,
          guint        height,
          const guint  frames[][2],
          guint        n_frames)
{
  GByteArray *data = g_byte_array_new ();

  append_bytes (data, "GIF89a", 6);
  append_le16 (data, width);
  append_le16 (data, height);
  /* a global table of two colours: black, red */
  append_bytes (data, "\x80\0\0" "\0\0\0" "\xff\0\0", 9);
  for (guint f = 0; f < n_frames; f++)
    {
      append_bytes (data, "\x2c\0\0\0\0", 5);
      append_le16 (data, frames[f][0]);
      append_le16 (data, frames[f][1]);
      /* LZW, 2-bit codes start at 3 bits: clear (4), then the literal 1
       * for the first pixel (the decoder repeats nothing more), end (5) */
      append_bytes (data, "\0\x02\x02\x4c\x01\0", 6);
    }
  append_bytes (data, "\x3b", 1);
  return data;
}

/* A GIF whose frame has no height made GdkPixbuf's loader emit criticals
 * (fatal in these tests); now the header is read first. Only the first
 * frame goes to the loader: a later empty one, or thousands of later
 * frames, never reach it. */
static void
test_formats_gif (void)
{
  static const guint empty_height[][2] = { { 10, 0 } };
  static const guint empty_width[][2] = { { 0, 10 } };
  static const guint second_empty[][2] = { { 10, 10 }, { 10, 0 } };
  static const guint huge[][2] = { { 10, 10 } };
  g_autoptr(GByteArray) a = make_gif (10, 10, empty_height, 1);
  g_autoptr(GByteArray) b = make_gif (10, 10, empty_width, 1);
  g_autoptr(GByteArray) c = make_gif (10, 10, second_empty, 2);
  g_autoptr(GByteArray) d = make_gif (65535, 65535, huge, 1);
  g_autoptr(MockupImageReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  MockupImageSource source;
  MockupImageInfo info;
  guint32 row[10];

  g_assert_false (probe_bytes ("empty-height.gif", a->data, a->len, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "empty-height.gif"));
  g_assert_nonnull (strstr (error->message, "its first frame is empty"));
  g_clear_error (&error);

  g_assert_false (probe_bytes ("empty-width.gif", b->data, b->len, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  g_assert_false (probe_bytes ("huge.gif", d->data, d->len, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* the first frame decodes; the second is never looked at */
  g_assert_true (probe_bytes ("second-empty.gif", c->data, c->len, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.width, ==, 10);
  path = g_build_filename (dir, "second-empty.gif", NULL);
  mockup_image_source_init_path (&source, path);
  reader = mockup_image_reader_new (&source, &info, 10, 10, MOCKUP_IMAGE_READER_NONE, &error);
  mockup_image_source_clear (&source);
  g_assert_no_error (error);
  g_assert_true (mockup_image_reader_read_row (reader, row, &error));
  g_assert_cmphex (row[0], ==, 0xffff0000);
}

/* A TIFF's size is read from its first directory, before GdkPixbuf's
 * loader (which would buffer and decode the whole file to learn it). */
static void
test_formats_tiff (void)
{
  /* little-endian, one directory at 8: ImageWidth (LONG) 70000,
   * ImageLength (SHORT) 2 */
  static const char header[] =
    "II*\0\x08\0\0\0"
    "\x02\0"
    "\x00\x01\x04\0\x01\0\0\0\x70\x11\x01\0"
    "\x01\x01\x03\0\x01\0\0\0\x02\0\0\0"
    "\0\0\0\0";
  static const char past_end[] = "MM\0*\0\0\x10\0";
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 12, 7);
  g_autofree char *path = g_build_filename (dir, "small.tif", NULL);
  g_autoptr(MockupImageReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  MockupImageSource source;
  MockupImageInfo info;
  guint32 row[12];

  g_assert_false (probe_bytes ("wide.tif", header, sizeof header - 1, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "70000"));
  g_clear_error (&error);

  g_assert_false (probe_bytes ("past-end.tif", past_end, sizeof past_end - 1, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_clear_error (&error);

  /* a real one, through the loader */
  gdk_pixbuf_fill (pixbuf, 0x20c04000);
  g_assert_true (gdk_pixbuf_save (pixbuf, path, "tiff", &error, NULL));
  mockup_image_source_init_path (&source, path);
  g_assert_true (mockup_image_source_probe (&source, &info, &error));
  g_assert_cmpint (info.width, ==, 12);
  g_assert_cmpint (info.height, ==, 7);
  reader = mockup_image_reader_new (&source, &info, 12, 7, MOCKUP_IMAGE_READER_NONE, &error);
  mockup_image_source_clear (&source);
  g_assert_no_error (error);
  g_assert_true (mockup_image_reader_read_row (reader, row, &error));
  g_assert_cmphex (row[11], ==, 0xff20c040);
}

/* WebP through libwebp: the pixels it encoded, losslessly; an animation
 * refused by its header. */
static void
test_formats_webp (void)
{
  enum { W = 9, H = 5 };
  /* RIFF, WEBP, a VP8X chunk whose flags say "animation", a 16 × 16 canvas */
  static const char animated[] =
    "RIFF\x12\0\0\0WEBP" "VP8X\x0a\0\0\0" "\x02\0\0\0" "\x0f\0\0" "\x0f\0\0";
  guint8 rgba[W * H * 4];
  guint8 *encoded = NULL;
  gsize length;
  g_autofree char *path = NULL;
  g_autoptr(MockupImageReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  MockupImageSource source;
  MockupImageInfo info;
  guint32 row[W];

  for (int i = 0; i < W * H; i++)
    {
      rgba[4 * i + 0] = (guint8) (i * 5);
      rgba[4 * i + 1] = (guint8) (255 - i * 3);
      rgba[4 * i + 2] = (guint8) (i * 7);
      rgba[4 * i + 3] = 255;
    }
  length = WebPEncodeLosslessRGBA (rgba, W, H, W * 4, &encoded);
  g_assert_cmpuint (length, >, 0);
  g_assert_true (probe_bytes ("lossless.webp", encoded, length, &info, &error));
  WebPFree (encoded);
  g_assert_no_error (error);
  g_assert_cmpint (info.kind, ==, MOCKUP_IMAGE_KIND_WEBP);
  g_assert_cmpint (info.width, ==, W);
  g_assert_false (info.has_alpha);

  path = g_build_filename (dir, "lossless.webp", NULL);
  mockup_image_source_init_path (&source, path);
  reader = mockup_image_reader_new (&source, &info, W, H, MOCKUP_IMAGE_READER_NONE, &error);
  mockup_image_source_clear (&source);
  g_assert_no_error (error);
  for (int y = 0; y < H; y++)
    {
      g_assert_true (mockup_image_reader_read_row (reader, row, &error));
      for (int x = 0; x < W; x++)
        {
          const guint8 *p = rgba + 4 * (y * W + x);

          g_assert_cmphex (row[x], ==, 0xff000000u | (guint32) p[0] << 16 | (guint32) p[1] << 8 | p[2]);
        }
    }

  g_assert_false (probe_bytes ("animated.webp", animated, sizeof animated - 1, &info, &error));
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "animated.webp"));
  g_assert_nonnull (strstr (error->message, "animated WebP"));
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
  g_test_add_func ("/readers/formats/unsupported", test_formats_unsupported);
  g_test_add_func ("/readers/formats/gif", test_formats_gif);
  g_test_add_func ("/readers/formats/tiff", test_formats_tiff);
  g_test_add_func ("/readers/formats/webp", test_formats_webp);

  return g_test_run ();
}
