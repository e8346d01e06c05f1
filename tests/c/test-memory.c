/* test-memory.c: one memory budget for many users
 *
 * Eight threads each run a batch of ten templates on one renderer whose
 * memory-limit is far below what they would take together. Every batch
 * must finish, in order, and the process's peak resident memory must stay
 * within what it held before, plus the limit, plus a stated overhead for
 * what the budget does not count: thread stacks and allocator slack.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-util.h"

#define N_USERS 8
#define N_TEMPLATES 10
#define MEMORY_LIMIT ((guint64) 48 << 20)
/* Thread stacks and malloc's per-thread arenas for small allocations.
 * Results waiting to be taken count in the budget; large buffers are
 * mapped and unmapped directly (mockup-buffer.c). Measured: the peak stays
 * 29 to 36 MiB above the start with a 48 MiB limit (Debian 12, x86_64). */
#define FIXED_OVERHEAD ((guint64) 12 << 20)

static char *dir;
static char *artwork_path;

/* Photo-like 2000 × 1500 JPEGs, so that the budget's estimates are
 * realistic. */
static GListModel *
make_templates (void)
{
  const TestTemplates spec = {
    .width = 2000, .height = 1500, .textured = TRUE,
    .quad = { { 400, 300 }, { 1300, 320 }, { 1280, 1250 }, { 420, 1200 } }, .shift = 20,
  };

  return test_make_templates (dir, N_TEMPLATES, &spec);
}

static char *
write_artwork (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 2400, 2400);
  cairo_t *cr = cairo_create (surface);
  char *path = g_build_filename (dir, "artwork.png", NULL);

  for (int i = 0; i < 200; i++)
    {
      cairo_set_source_rgba (cr, (i % 7) / 7.0, (i % 5) / 5.0, (i % 3) / 3.0, 0.8);
      cairo_arc (cr, (i * 97) % 2400, (i * 193) % 2400, 40 + i % 200, 0, 2 * G_PI);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  return path;
}

typedef struct
{
  MockupRenderer *renderer;
  GListModel *templates;
  guint rendered;
  gboolean in_order;
  guint64 largest_result_rss;
} User;

static gpointer
run_user (gpointer data)
{
  User *user = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, &error);
  g_autoptr(MockupBatch) batch = NULL;
  MockupResult *result;

  g_assert_no_error (error);
  batch = mockup_renderer_render_batch (user->renderer, artwork, user->templates, NULL, NULL, &error);
  g_assert_no_error (error);

  user->in_order = TRUE;
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      user->in_order &= mockup_result_get_index (result) == user->rendered;
      g_assert_no_error ((GError *) mockup_result_get_error (result));
      g_assert_cmpint (mockup_result_get_width (result), ==, 2000);
      user->largest_result_rss = MAX (user->largest_result_rss, mockup_result_get_resident_memory (result));
      user->rendered++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  return NULL;
}

static void
test_memory_many_users (void)
{
  g_autoptr(GListModel) shared = make_templates ();
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  User users[N_USERS];
  GThread *threads[N_USERS];
  guint64 before, peak;

  mockup_renderer_set_memory_limit (renderer, MEMORY_LIMIT);

  /* Warm up in this thread: libraries loaded, tables built. */
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
    g_autoptr(MockupTemplate) template = NULL;
    g_autoptr(GFile) file = g_list_model_get_item (shared, 0);
    g_autofree char *path = g_file_get_path (file);
    g_autoptr(MockupResult) result = NULL;
    g_autoptr(GError) error = NULL;

    template = mockup_template_new_from_file (path, &error);
    g_assert_no_error (error);
    mockup_renderer_set_max_size (renderer, 200);
    result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
    g_assert_no_error (error);
    mockup_renderer_set_max_size (renderer, 0);
  }
  before = mockup_get_resident_memory ();

  for (guint i = 0; i < N_USERS; i++)
    {
      /* each user its own list: a GListStore is not thread-safe */
      GListStore *own = g_list_store_new (G_TYPE_FILE);

      for (guint k = 0; k < N_TEMPLATES; k++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (shared, k);
          g_list_store_append (own, item);
        }
      users[i] = (User) { renderer, G_LIST_MODEL (own), 0, FALSE, 0 };
      threads[i] = g_thread_new ("user", run_user, &users[i]);
    }
  for (guint i = 0; i < N_USERS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (users[i].rendered, ==, N_TEMPLATES);
      g_assert_true (users[i].in_order);
      g_object_unref (users[i].templates);
    }

  peak = mockup_get_peak_resident_memory ();
  g_test_message ("resident before %.1f MiB, peak %.1f MiB: %.1f MiB more, limit %.0f MiB + overhead %.0f MiB",
                  before / 1048576.0, peak / 1048576.0, (peak - before) / 1048576.0,
                  MEMORY_LIMIT / 1048576.0, FIXED_OVERHEAD / 1048576.0);
  g_assert_cmpuint (peak, <=, before + MEMORY_LIMIT + FIXED_OVERHEAD);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
# define SANITIZED 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#  define SANITIZED 1
# endif
#endif

static void
test_memory_not_measurable (void)
{
  g_test_skip ("resident memory means nothing under valgrind or a sanitizer; "
               "this test runs in the plain build");
}

int
main (int    argc,
      char **argv)
{
  gboolean measurable = g_getenv ("MOCKUP_UNDER_VALGRIND") == NULL;

#ifdef SANITIZED
  measurable = FALSE;
#endif

  g_test_init (&argc, &argv, NULL);

  if (!measurable)
    {
      g_test_add_func ("/memory/many-users", test_memory_not_measurable);
      return g_test_run ();
    }

  dir = test_make_dir ();
  artwork_path = write_artwork ();
  g_test_add_func ("/memory/many-users", test_memory_many_users);

  return g_test_run ();
}
