/* test-image-files.c: hostile image files through the public API: decodes
 * that take too long, files that are not images, files swapped after a
 * template checked them, templates of many files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"
/* after mockup.h, for the test hook the shared library exports */
#include "mockup-image-reader-private.h"

static char *dir;

/* A render cancelled from another thread while a JPEG of its decodes. */
typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean decoding;
  GCancellable *cancellable;
  int max_scan;
  gint64 cancelled_at;
} CrossThread;

static void
wait_for_cancel (int      scan,
                 gpointer user_data)
{
  CrossThread *state = user_data;

  g_mutex_lock (&state->lock);
  state->max_scan = MAX (state->max_scan, scan);
  if (scan >= 3 && !state->decoding)
    {
      /* the decode is under way: hand over, and hold it until the cancel,
       * so that it cannot finish first however the threads are scheduled */
      state->decoding = TRUE;
      g_cond_broadcast (&state->cond);
      while (!g_cancellable_is_cancelled (state->cancellable))
        g_cond_wait (&state->cond, &state->lock);
    }
  g_mutex_unlock (&state->lock);
}

typedef struct
{
  MockupArtwork *artwork;
  MockupTemplate *template;
  GCancellable *cancellable;
  CrossThread *state;
  GError *error;
  gint64 returned_at;
  gboolean returned;
} RenderJob;

static gpointer
render_thread (gpointer data)
{
  RenderJob *job = data;
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupResult) result = NULL;

  mockup_renderer_set_max_size (renderer, 256);
  result = mockup_renderer_render (renderer, job->artwork, job->template, job->cancellable, &job->error);
  g_mutex_lock (&job->state->lock);
  job->returned_at = g_get_monotonic_time ();
  job->returned = TRUE;
  g_cond_broadcast (&job->state->cond);
  g_mutex_unlock (&job->state->lock);
  return NULL;
}

static void
cancel_render_while_decoding (MockupArtwork  *artwork,
                              MockupTemplate *template)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  CrossThread state = { .cancellable = cancellable };
  RenderJob job = { artwork, template, cancellable, &state, NULL, 0, FALSE };
  GThread *thread;

  g_mutex_init (&state.lock);
  g_cond_init (&state.cond);
  _mockup_jpeg_set_progress_hook (wait_for_cancel, &state);
  thread = g_thread_new ("render", render_thread, &job);

  g_mutex_lock (&state.lock);
  while (!state.decoding && !job.returned)
    g_cond_wait (&state.cond, &state.lock);
  if (job.returned)
    g_error ("the render returned before decoding (scan %d): %s", state.max_scan, job.error ? job.error->message : "no error");
  state.cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  g_cond_broadcast (&state.cond);
  g_mutex_unlock (&state.lock);

  g_thread_join (thread);
  _mockup_jpeg_set_progress_hook (NULL, NULL);

  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* it stopped inside the decode, not after it */
  g_assert_cmpint (state.max_scan, <, MOCKUP_JPEG_MAX_SCANS - 1);
  g_test_message ("cancelled in scan %d; the render returned %.1f ms after the cancel",
                  state.max_scan, (job.returned_at - state.cancelled_at) / 1000.0);
  g_clear_error (&job.error);
  g_mutex_clear (&state.lock);
  g_cond_clear (&state.cond);
}

static void
test_jpeg_cancel_render (void)
{
  g_autofree char *slow = test_write_jpeg_scans (dir, "slow-render.jpg", 2048, MOCKUP_JPEG_MAX_SCANS - 1);
  g_autofree char *sub = g_build_filename (dir, "slow-template", NULL);
  g_autofree char *photo = NULL, *art_path = NULL, *moved = NULL;
  g_autoptr(MockupArtwork) slow_artwork = NULL, artwork = NULL;
  g_autoptr(MockupTemplate) plain = NULL, slow_template = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  photo = test_write_png (sub, "photo.png", 400, 300, 0xff808080);
  art_path = test_write_png (dir, "plain-art.png", 64, 64, 0xffff0000);
  plain = test_template (sub, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"photo.png\"},"
                              "{\"type\": \"artwork\", \"quad\": [[10, 10], [300, 20], [290, 250], [20, 240]]}]}");
  slow_artwork = mockup_artwork_new_from_file (slow, &error);
  g_assert_no_error (error);
  artwork = mockup_artwork_new_from_file (art_path, &error);
  g_assert_no_error (error);

  /* the artwork's decode */
  cancel_render_while_decoding (slow_artwork, plain);

  /* a template image's */
  moved = g_build_filename (sub, "slow.jpg", NULL);
  g_assert_cmpint (g_rename (slow, moved), ==, 0);
  slow_template = test_template (sub, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"slow.jpg\"},"
                                      "{\"type\": \"artwork\", \"quad\": [[10, 10], [300, 20], [290, 250], [20, 240]]}]}");
  cancel_render_while_decoding (artwork, slow_template);
}

/* Renders @template with a one-colour artwork into a pixbuf. */
static MockupResult *
render_pixbuf (MockupTemplate  *template,
               GError         **error)
{
  g_autofree char *art_path = test_write_png (dir, "render-art.png", 32, 32, 0xff2080c0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (art_path, error);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();

  g_assert_nonnull (artwork);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  return mockup_renderer_render (renderer, artwork, template, NULL, error);
}

static void
assert_artwork_refused (const char *path,
                        const char *what)
{
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (path);

  artwork = mockup_artwork_new_from_file (path, &error);
  g_assert_null (artwork);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, base));
  g_assert_nonnull (strstr (error->message, what));
}

/* A FIFO with no writer, a folder, a device: refused at once, naming what
 * they are, where they used to block (the FIFO) or read as empty. */
static void
test_not_regular_artworks (void)
{
  g_autofree char *fifo = g_build_filename (dir, "artwork-fifo.png", NULL);
  g_autofree char *folder = g_build_filename (dir, "artwork-folder.jpg", NULL);

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0755), ==, 0);

  assert_artwork_refused (fifo, "is a FIFO, not an image file");
  assert_artwork_refused (folder, "is a folder, not an image file");
  assert_artwork_refused ("/dev/zero", "is a device, not an image file");
}

/* A template image replaced by a FIFO after loading: the render fails, it
 * does not wait for a writer. */
static void
test_template_image_becomes_fifo (void)
{
  g_autofree char *sub = g_build_filename (dir, "becomes-fifo", NULL);
  g_autofree char *photo = NULL;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  photo = test_write_png (sub, "photo.png", 64, 48, 0xff808080);
  template = test_template (sub, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"photo.png\"},"
                                 "{\"type\": \"artwork\", \"quad\": [[4, 4], [60, 4], [60, 44], [4, 44]]}]}");
  g_assert_cmpint (g_unlink (photo), ==, 0);
  g_assert_cmpint (mkfifo (photo, 0600), ==, 0);

  result = render_pixbuf (template, &error);
  g_assert_null (result);
  g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_INVALID_IMAGE);
  g_assert_nonnull (strstr (error->message, "layers[0].source"));
  g_assert_nonnull (strstr (error->message, "\"photo.png\" is a FIFO, not an image file"));
}

/* Templates whose images are swapped for symbolic links after loading:
 * the file itself, or a folder on its path. A render opens only what the
 * template checked, and names the file and the member. */
static void
test_symlink_swapped_in (void)
{
  g_autofree char *outside = g_build_filename (dir, "outside", NULL);
  g_autofree char *secret = NULL, *secret_mask = NULL;

  g_assert_cmpint (g_mkdir_with_parents (outside, 0755), ==, 0);
  secret = test_write_png (outside, "secret.png", 64, 48, 0xffff0000);
  secret_mask = test_write_png (outside, "mask.png", 64, 48, 0xffffffff);

  for (int which = 0; which < 3; which++)
    {
      g_autofree char *name = g_strdup_printf ("swapped-%d", which);
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      g_autofree char *maps = g_build_filename (sub, "maps", NULL);
      g_autofree char *photo = NULL, *mask = NULL, *other = NULL, *target = NULL, *link = NULL;
      g_autoptr(MockupTemplate) template = NULL;
      g_autoptr(MockupResult) result = NULL;
      g_autoptr(GError) error = NULL;
      const char *member;

      g_assert_cmpint (g_mkdir_with_parents (maps, 0755), ==, 0);
      photo = test_write_png (sub, "photo.png", 64, 48, 0xff808080);
      mask = test_write_png (maps, "mask.png", 64, 48, 0xff000000);
      template = test_template (sub, "{\"format\": 1, \"layers\": [{\"type\": \"image\", \"source\": \"photo.png\"},"
                                     "{\"type\": \"artwork\", \"quad\": [[4, 4], [60, 4], [60, 44], [4, 44]],"
                                     " \"mask\": \"maps/mask.png\"}]}");
      switch (which)
        {
        case 0:   /* the photo, for a link to a file outside */
          g_assert_cmpint (g_unlink (photo), ==, 0);
          link = g_strdup (photo);
          target = g_strdup (secret);
          member = "layers[0].source";
          break;
        case 1:   /* its folder, for a link to a folder outside */
          g_assert_cmpint (g_unlink (mask), ==, 0);
          g_assert_cmpint (g_rmdir (maps), ==, 0);
          link = g_strdup (maps);
          target = g_strdup (outside);
          member = "layers[1].mask";
          break;
        default:  /* even a link that stays inside: not what was checked */
          other = g_build_filename (sub, "other.png", NULL);
          g_assert_cmpint (g_rename (photo, other), ==, 0);
          link = g_strdup (photo);
          target = g_strdup ("other.png");
          member = "layers[0].source";
          break;
        }
      g_assert_cmpint (symlink (target, link), ==, 0);

      result = render_pixbuf (template, &error);
      g_assert_null (result);
      g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_PATH_OUTSIDE);
      g_assert_nonnull (strstr (error->message, member));
      g_assert_nonnull (strstr (error->message, which == 1 ? "maps/mask.png" : "photo.png"));
    }
}

/* A template of many images, rendered with few descriptors allowed: the
 * readers share a bounded number of them, re-opening their files where
 * they left off, and the pixels are those of an unconstrained render. */
static void
test_many_images_few_descriptors (void)
{
  const int n_layers = 60;
  g_autofree char *sub = g_build_filename (dir, "many-images", NULL);
  g_autoptr(GString) json = g_string_new ("{\"format\": 1, \"layers\": [");
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(MockupResult) expected = NULL, result = NULL;
  g_autoptr(GError) error = NULL;
  struct rlimit saved, low;
  GdkPixbuf *a, *b;

  g_assert_cmpint (g_mkdir_with_parents (sub, 0755), ==, 0);
  for (int i = 0; i < n_layers; i++)
    {
      g_autofree char *photo_name = g_strdup_printf ("photo-%02d.jpg", i);
      g_autofree char *mask_name = g_strdup_printf ("mask-%02d.png", i);
      g_autofree char *photo = test_write_photo (sub, photo_name, 320, 240, i);
      g_autofree char *mask = test_write_png (sub, mask_name, 160, 120, 0xff000000 | (i * 0x040404));

      g_string_append_printf (json, "%s{\"type\": \"image\", \"source\": \"%s\", \"mask\": \"%s\","
                              " \"blend\": \"%s\"}", i > 0 ? ", " : "", photo_name, mask_name,
                              i % 2 ? "multiply" : "normal");
    }
  g_string_append (json, ", {\"type\": \"artwork\", \"quad\": [[10, 10], [300, 10], [300, 230], [10, 230]]}]}");
  template = test_template (sub, json->str);

  expected = render_pixbuf (template, &error);
  g_assert_no_error (error);

  /* 120 files, 32 descriptors for the whole process */
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  low = saved;
  low.rlim_cur = 32;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &low), ==, 0);
  result = render_pixbuf (template, &error);
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &saved), ==, 0);
  g_assert_no_error (error);

  a = mockup_result_get_pixbuf (expected);
  b = mockup_result_get_pixbuf (result);
  g_assert_cmpint (gdk_pixbuf_get_rowstride (a), ==, gdk_pixbuf_get_rowstride (b));
  g_assert_true (memcmp (gdk_pixbuf_read_pixels (a), gdk_pixbuf_read_pixels (b),
                         (gsize) gdk_pixbuf_get_rowstride (a) * gdk_pixbuf_get_height (a)) == 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();

  g_test_add_func ("/image-files/jpeg/cancel-render", test_jpeg_cancel_render);
  g_test_add_func ("/image-files/not-regular-artworks", test_not_regular_artworks);
  g_test_add_func ("/image-files/template-image-becomes-fifo", test_template_image_becomes_fifo);
  g_test_add_func ("/image-files/symlink-swapped-in", test_symlink_swapped_in);
  g_test_add_func ("/image-files/many-images-few-descriptors", test_many_images_few_descriptors);

  return g_test_run ();
}
