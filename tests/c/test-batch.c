/* test-batch.c: batches, in order, in parallel, within a budget
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>

#include "test-util.h"

static char *dir;
static char *artwork_path;

/* @n templates of 320 × 240, each with a different quad; every
 * @bad_every-th one is broken in a way only loading reveals. */
static GListModel *
make_templates (const char *root,
                guint       n,
                guint       bad_every)
{
  const TestTemplates spec = {
    .width = 320, .height = 240,
    .quad = { { 20, 20 }, { 200, 30 }, { 210, 200 }, { 30, 190 } }, .shift = 1,
    .bad_every = bad_every,
  };

  return test_make_templates (root, n, &spec);
}

static void
test_batch_sync_in_order (void)
{
  g_autofree char *root = g_build_filename (dir, "sync", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 12, 5);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint index = 0, failed = 0;

  mockup_renderer_set_threads (renderer, 3);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mockup_batch_get_n_items (batch), ==, 12);

  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      g_autofree char *id = g_strdup_printf ("t%02u", index);

      g_assert_no_error (error);
      g_assert_cmpuint (mockup_result_get_index (result), ==, index);
      g_assert_cmpstr (mockup_result_get_template_id (result), ==, id);
      if (index % 5 == 4)
        {
          /* the malformed manifest fails alone, naming its file */
          g_assert_error ((GError *) mockup_result_get_error (result), MOCKUP_ERROR,
                          MOCKUP_ERROR_INVALID_TEMPLATE);
          g_assert_nonnull (strstr (mockup_result_get_error (result)->message, "template.json"));
          g_assert_false (mockup_result_check (result, NULL));
          g_assert_null (mockup_result_get_bytes (result));
          failed++;
        }
      else
        {
          g_assert_null (mockup_result_get_error (result));
          g_assert_cmpint (mockup_result_get_width (result), ==, 320);
          g_assert_nonnull (mockup_result_get_bytes (result));
        }
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 12);
  g_assert_cmpuint (failed, ==, 2);
  g_assert_true (mockup_batch_is_finished (batch));
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 12);

  /* the end stays the end */
  g_assert_null (mockup_batch_next (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

typedef struct
{
  GMainLoop *loop;
  MockupBatch *batch;
  guint next_index;
  guint progress;
  guint completed_notifies;
  GError *error;
} AsyncState;

static void next_ready (GObject *source, GAsyncResult *res, gpointer user_data);

static void
batch_ready (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncState *state = user_data;

  state->batch = mockup_renderer_render_batch_finish (MOCKUP_RENDERER (source), res, &state->error);
  g_assert_no_error (state->error);
  mockup_batch_next_async (state->batch, NULL, next_ready, state);
}

static void
next_ready (GObject      *source,
            GAsyncResult *res,
            gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(MockupResult) result = mockup_batch_next_finish (MOCKUP_BATCH (source), res, &state->error);

  g_assert_no_error (state->error);
  if (result == NULL)
    {
      g_main_loop_quit (state->loop);
      return;
    }
  g_assert_cmpuint (mockup_result_get_index (result), ==, state->next_index);
  state->next_index++;
  mockup_batch_next_async (state->batch, NULL, next_ready, state);
}

static void
on_progress (MockupBatch *batch,
             guint        index,
             guint        n_items,
             const char  *name,
             gpointer     user_data)
{
  AsyncState *state = user_data;

  g_assert_cmpuint (n_items, ==, 6);
  g_assert_cmpuint (index, <, n_items);
  g_assert_nonnull (name);
  state->progress++;
}

static void
on_completed (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  ((AsyncState *) user_data)->completed_notifies++;
}

static void
batch_started_connect (GObject      *source,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  AsyncState *state = user_data;

  batch_ready (source, res, user_data);
  g_signal_connect (state->batch, "progress", G_CALLBACK (on_progress), state);
  g_signal_connect (state->batch, "notify::n-completed", G_CALLBACK (on_completed), state);
}

static void
test_batch_async (void)
{
  g_autofree char *root = g_build_filename (dir, "async", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 6, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  AsyncState state = { 0 };

  state.loop = g_main_loop_new (NULL, FALSE);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);
  mockup_renderer_render_batch_async (renderer, artwork, templates, NULL, NULL,
                                      batch_started_connect, &state);
  g_main_loop_run (state.loop);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);

  g_assert_cmpuint (state.next_index, ==, 6);
  /* connected in the finish callback, we still see every start and every
   * completion: nothing is emitted before the caller holds the batch */
  g_assert_cmpuint (state.progress, ==, 6);
  g_assert_cmpuint (state.completed_notifies, ==, 6);
  g_main_loop_unref (state.loop);
  g_clear_object (&state.batch);
}

static void
test_batch_slots (void)
{
  g_autoptr(MockupTemplate) template = test_template (dir,
    "{\"format\": 1, \"size\": [100, 50], \"layers\": ["
    "{\"type\": \"artwork\", \"slot\": \"left\", \"fit\": \"stretch\", \"quad\": [[0,0],[50,0],[50,50],[0,50]]},"
    "{\"type\": \"artwork\", \"slot\": \"right\", \"fit\": \"stretch\", \"quad\": [[50,0],[100,0],[100,50],[50,50]]}]}");
  g_autofree char *green = test_write_png (dir, "green.png", 40, 40, 0xff00ff00);
  g_autofree char *magenta = test_write_png (dir, "magenta.png", 40, 40, 0xffff00ff);
  g_autoptr(MockupArtwork) left = mockup_artwork_new_from_file (green, NULL);
  g_autoptr(MockupArtwork) right = mockup_artwork_new_from_file (magenta, NULL);
  g_autoptr(GHashTable) slots = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(MockupBatch) missing = NULL;
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(MockupResult) failed = NULL;
  g_autoptr(GError) error = NULL;
  GdkPixbuf *pixbuf;

  g_list_store_append (templates, template);
  mockup_renderer_set_format (renderer, MOCKUP_FORMAT_PIXBUF);

  /* each slot its own artwork */
  g_hash_table_insert (slots, "left", left);
  g_hash_table_insert (slots, "right", right);
  batch = mockup_renderer_render_batch (renderer, NULL, G_LIST_MODEL (templates), slots, NULL, &error);
  g_assert_no_error (error);
  result = mockup_batch_next (batch, NULL, &error);
  g_assert_no_error (error);
  pixbuf = mockup_result_get_pixbuf (result);
  g_assert_cmphex (test_pixel (pixbuf, 20, 25), ==, 0xff00ff00);
  g_assert_cmphex (test_pixel (pixbuf, 80, 25), ==, 0xffff00ff);

  /* a slot without an artwork fails that template, naming the slot */
  g_hash_table_remove (slots, "right");
  missing = mockup_renderer_render_batch (renderer, NULL, G_LIST_MODEL (templates), slots, NULL, &error);
  g_assert_no_error (error);
  failed = mockup_batch_next (missing, NULL, &error);
  g_assert_no_error (error);
  g_assert_error ((GError *) mockup_result_get_error (failed), MOCKUP_ERROR, MOCKUP_ERROR_MISSING_SLOT);
  g_assert_nonnull (strstr (mockup_result_get_error (failed)->message, "\"right\""));
}

static void
test_batch_backpressure (void)
{
  /* A consumer that takes nothing: the workers stop after a few results
   * and hold no more memory than those. */
  g_autofree char *root = g_build_filename (dir, "pressure", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 30, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint completed, taken = 0;

  mockup_renderer_set_threads (renderer, 2);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);

  /* the workers run ahead by the window (twice the threads, at least 4)
   * and no further, however long we wait */
  for (int i = 0; i < 6000 && mockup_batch_get_n_completed (batch) < 4; i++)
    g_usleep (10000);
  completed = mockup_batch_get_n_completed (batch);
  g_assert_cmpuint (completed, ==, 4);
  g_usleep (G_USEC_PER_SEC / 2);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 4);

  /* taking results lets it go on, to the end */
  for (MockupResult *result; (result = mockup_batch_next (batch, NULL, &error)) != NULL; taken++)
    g_object_unref (result);
  g_assert_no_error (error);
  g_assert_cmpuint (taken, ==, 30);
}

static void
test_batch_cancel (void)
{
  g_autofree char *root = g_build_filename (dir, "cancel", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 20, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(MockupResult) first = NULL;
  g_autoptr(MockupResult) after = NULL;
  g_autoptr(GError) error = NULL;

  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, cancellable, &error);
  g_assert_no_error (error);
  first = mockup_batch_next (batch, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);

  g_cancellable_cancel (cancellable);
  after = mockup_batch_next (batch, NULL, &error);
  g_assert_null (after);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_true (mockup_batch_is_finished (batch));

  /* everything the renders held is given back once they stop */
  for (int i = 0; i < 200 && mockup_renderer_get_memory_in_use (renderer) != 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static void
test_batch_cancel_counts (void)
{
  /* n-completed counts results that were rendered or failed, never the
   * renders a cancel stopped */
  g_autofree char *root = g_build_filename (dir, "cancel-counts", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 18, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  guint taken = 0, completed;

  mockup_renderer_set_threads (renderer, 2);
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);

  /* nobody takes a result: the window (4) fills, then the batch waits */
  for (int i = 0; i < 6000 && mockup_batch_get_n_completed (batch) < 4; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 4);

  mockup_batch_cancel (batch);
  g_assert_true (mockup_batch_is_finished (batch));
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 4);
  g_assert_null (mockup_batch_next (batch, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  for (int i = 0; i < 200 && mockup_renderer_get_memory_in_use (renderer) != 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 4);
  g_clear_object (&batch);

  /* a batch taken to its end keeps its count when cancelled afterwards */
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  for (MockupResult *result; (result = mockup_batch_next (batch, NULL, &error)) != NULL; taken++)
    {
      /* the count includes the result in hand, and those ready after it */
      g_assert_cmpuint (mockup_batch_get_n_completed (batch), >, taken);
      g_assert_cmpuint (mockup_result_get_index (result), ==, taken);
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (taken, ==, 18);
  mockup_batch_cancel (batch);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, 18);
  g_clear_object (&batch);

  /* cancelled while renders run: those do not count, once they stop */
  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 6000 && mockup_batch_get_n_completed (batch) < 1; i++)
    g_usleep (1000);
  mockup_batch_cancel (batch);
  completed = mockup_batch_get_n_completed (batch);
  g_assert_cmpuint (completed, >=, 1);
  g_assert_cmpuint (completed, <=, 4);
  for (int i = 0; i < 200 && mockup_renderer_get_memory_in_use (renderer) != 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
  g_assert_cmpuint (mockup_batch_get_n_completed (batch), ==, completed);
}

static void
test_batch_dropped_while_running (void)
{
  g_autofree char *root = g_build_filename (dir, "dropped", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 10, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  MockupBatch *batch;
  g_autoptr(GError) error = NULL;

  batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  /* dropping the batch stops it; nothing leaks, nothing crashes */
  g_object_unref (batch);
  for (int i = 0; i < 200 && mockup_renderer_get_memory_in_use (renderer) != 0; i++)
    g_usleep (10000);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

static void
cancel_from_callback (GObject      *source,
                      GAsyncResult *res,
                      gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(MockupResult) result = mockup_batch_next_finish (MOCKUP_BATCH (source), res, &state->error);

  if (result != NULL)
    {
      /* cancel, then ask again: the next answer is "cancelled" */
      mockup_batch_cancel (state->batch);
      state->next_index++;
      mockup_batch_next_async (state->batch, NULL, cancel_from_callback, state);
      return;
    }
  g_main_loop_quit (state->loop);
}

static void
test_batch_cancel_async (void)
{
  g_autofree char *root = g_build_filename (dir, "cancel-async", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 8, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  AsyncState state = { 0 };
  g_autoptr(GError) error = NULL;

  state.loop = g_main_loop_new (NULL, FALSE);
  state.batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
  g_assert_no_error (error);
  mockup_batch_next_async (state.batch, NULL, cancel_from_callback, &state);
  g_main_loop_run (state.loop);

  g_assert_cmpuint (state.next_index, ==, 1);
  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&state.error);
  g_main_loop_unref (state.loop);
  g_clear_object (&state.batch);
}

static void
pending_cancelled (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  AsyncState *state = user_data;
  g_autoptr(MockupResult) result = mockup_batch_next_finish (MOCKUP_BATCH (source), res, &state->error);

  if (result != NULL)
    {
      state->next_index++;
      mockup_batch_next_async (state->batch, g_object_get_data (G_OBJECT (state->batch), "cancellable"),
                               pending_cancelled, state);
      return;
    }
  g_main_loop_quit (state->loop);
}

static gboolean
cancel_soon (gpointer data)
{
  g_cancellable_cancel (data);
  return G_SOURCE_REMOVE;
}

static void
test_batch_shared_cancellable (void)
{
  /* One cancellable for the batch and for a pending next_async, cancelled
   * while the wait is pending: both give up, nothing waits for itself. */
  g_autofree char *root = g_build_filename (dir, "shared-cancellable", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 40, 0);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState state = { 0 };
  g_autoptr(GError) error = NULL;

  state.loop = g_main_loop_new (NULL, FALSE);
  mockup_renderer_set_threads (renderer, 1);
  state.batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, cancellable, &error);
  g_assert_no_error (error);
  g_object_set_data (G_OBJECT (state.batch), "cancellable", cancellable);
  mockup_batch_next_async (state.batch, cancellable, pending_cancelled, &state);
  g_timeout_add (30, cancel_soon, cancellable);
  g_main_loop_run (state.loop);

  g_assert_error (state.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (state.next_index, <, 40);
  g_clear_error (&state.error);
  g_main_loop_unref (state.loop);
  g_clear_object (&state.batch);
}

static void
test_batch_empty (void)
{
  g_autoptr(GListStore) templates = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;

  batch = mockup_renderer_render_batch (renderer, artwork, G_LIST_MODEL (templates), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (mockup_batch_next (batch, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mockup_batch_is_finished (batch));
}

/* An image that can only be decoded whole, its header announcing a size
 * far over the memory limit: an artwork fails the batch, naming its file,
 * before anything is allocated; a template's photo fails that template
 * alone, naming its member and file. */
static void
test_batch_decoding_over_memory_limit (void)
{
  g_autofree char *root = g_build_filename (dir, "bombs", NULL);
  g_autofree char *jpeg = NULL;
  g_autoptr(GListModel) templates = make_templates (root, 2, 0);
  g_autoptr(GListStore) mixed = g_list_store_new (MOCKUP_TYPE_TEMPLATE);
  g_autoptr(MockupTemplate) photo_bomb = NULL;
  g_autoptr(MockupTemplate) plain = NULL;
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(MockupBatch) batch = NULL;
  g_autoptr(GError) error = NULL;
  MockupResult *result;
  guint index = 0;

  jpeg = test_write_jpeg_bomb (root, "progressive.jpg");
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (jpeg, &error);

    g_assert_no_error (error);
    batch = mockup_renderer_render_batch (renderer, artwork, templates, NULL, NULL, &error);
    g_assert_null (batch);
    g_assert_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
    g_assert_nonnull (strstr (error->message, "memory-limit"));
    g_assert_nonnull (strstr (error->message, "progressive.jpg"));
    g_clear_error (&error);
    g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
  }

  photo_bomb = test_template (root,
    "{\"format\": 1, \"size\": [200, 200], \"layers\": ["
    "{\"type\": \"image\", \"source\": \"progressive.jpg\"},"
    "{\"type\": \"artwork\", \"quad\": [[50, 50], [150, 50], [150, 150], [50, 150]]}]}");
  plain = test_template (root,
    "{\"format\": 1, \"size\": [200, 200], \"layers\": ["
    "{\"type\": \"artwork\", \"quad\": [[50, 50], [150, 50], [150, 150], [50, 150]]}]}");
  g_list_store_append (mixed, photo_bomb);
  g_list_store_append (mixed, plain);
  {
    g_autoptr(MockupArtwork) artwork = mockup_artwork_new_from_file (artwork_path, NULL);

    batch = mockup_renderer_render_batch (renderer, artwork, G_LIST_MODEL (mixed), NULL, NULL, &error);
    g_assert_no_error (error);
  }
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      const GError *result_error = mockup_result_get_error (result);

      if (index == 0)
        {
          g_assert_error ((GError *) result_error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE);
          g_assert_nonnull (strstr (result_error->message, "layers[0].source"));
          g_assert_nonnull (strstr (result_error->message, "progressive.jpg"));
        }
      else
        g_assert_null (result_error);
      index++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  g_assert_cmpuint (index, ==, 2);
  g_clear_object (&batch);
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

typedef struct
{
  MockupRenderer *renderer;
  MockupArtwork *artwork;
  GListModel *templates;    /* each user its own: a GListStore is not thread-safe */
  guint rendered;
  gboolean in_order;
} UserThread;

static gpointer
user_thread (gpointer data)
{
  UserThread *user = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupBatch) batch = mockup_renderer_render_batch (user->renderer, user->artwork,
                                                               user->templates, NULL, NULL, &error);
  MockupResult *result;

  g_assert_no_error (error);
  user->in_order = TRUE;
  while ((result = mockup_batch_next (batch, NULL, &error)) != NULL)
    {
      user->in_order &= mockup_result_get_index (result) == user->rendered;
      if (mockup_result_get_error (result) == NULL)
        user->rendered++;
      g_object_unref (result);
    }
  g_assert_no_error (error);
  return NULL;
}

static void
test_batch_many_users (void)
{
  /* 8 users at once on one renderer with a tight budget: all finish, each
   * in order, and the budget is never overdrawn (it warns if it is). */
  g_autofree char *root = g_build_filename (dir, "users", NULL);
  g_autoptr(GListModel) templates = make_templates (root, 10, 0);
  g_autoptr(MockupRenderer) renderer = mockup_renderer_new ();
  g_autoptr(GPtrArray) models = g_ptr_array_new_with_free_func (g_object_unref);
  UserThread users[8];
  GThread *threads[8];

  mockup_renderer_set_memory_limit (renderer, 24 << 20);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      GListStore *own = g_list_store_new (G_TYPE_FILE);

      for (guint k = 0; k < g_list_model_get_n_items (templates); k++)
        {
          g_autoptr(GObject) item = g_list_model_get_item (templates, k);
          g_list_store_append (own, item);
        }
      g_ptr_array_add (models, own);
      users[i] = (UserThread) { renderer, mockup_artwork_new_from_file (artwork_path, NULL),
                                G_LIST_MODEL (own), 0, FALSE };
      threads[i] = g_thread_new ("user", user_thread, &users[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (users[i].rendered, ==, 10);
      g_assert_true (users[i].in_order);
      g_object_unref (users[i].artwork);
    }
  g_assert_cmpuint (mockup_renderer_get_memory_in_use (renderer), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  dir = test_make_dir ();
  artwork_path = test_write_png (dir, "artwork.png", 300, 400, 0xffd04020);

  g_test_add_func ("/batch/sync-in-order", test_batch_sync_in_order);
  g_test_add_func ("/batch/async", test_batch_async);
  g_test_add_func ("/batch/slots", test_batch_slots);
  g_test_add_func ("/batch/backpressure", test_batch_backpressure);
  g_test_add_func ("/batch/cancel", test_batch_cancel);
  g_test_add_func ("/batch/cancel-counts", test_batch_cancel_counts);
  g_test_add_func ("/batch/cancel-async", test_batch_cancel_async);
  g_test_add_func ("/batch/dropped-while-running", test_batch_dropped_while_running);
  g_test_add_func ("/batch/empty", test_batch_empty);
  g_test_add_func ("/batch/shared-cancellable", test_batch_shared_cancellable);
  g_test_add_func ("/batch/many-users", test_batch_many_users);
  g_test_add_func ("/batch/decoding-over-memory-limit", test_batch_decoding_over_memory_limit);

  return g_test_run ();
}
