/* fuzz-jpeg-passthrough.c: bytes → a template's photo → JPEG pass-through
 *
 * The input is a template's photo. It is written as photo.jpg into a
 * folder of its own, with a manifest that puts an artwork quad and a
 * cylinder over a part of it, and rendered as JPEG at the photo's own size:
 * the path of Mockup.Renderer:jpeg-passthrough, whose reader of the
 * photo's entropy-coded data is our own code. The template is rendered
 * twice, as a server renders it for two customers: the second render reads
 * the photo through what the first one left with the template (where its
 * MCUs start), so it must give the same bytes.
 *
 * Photos larger than 256 × 256 are only loaded: the point is the parser,
 * not drawing pixels (the renderer's own limits are fuzz-template's).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib/gstdio.h>
#include <stdio.h>

#include "fuzz-common.h"

static const char manifest[] =
  "{ \"format\": 1, \"id\": \"fuzz-jpeg-passthrough\",\n"
  "  \"layers\": [\n"
  "    { \"type\": \"image\", \"source\": \"photo.jpg\" },\n"
  "    { \"type\": \"artwork\", \"quad\": [[21, 17], [50, 19], [48, 40], [22, 38]], \"fit\": \"cover\" },\n"
  "    { \"type\": \"artwork\", \"blend\": \"multiply\", \"opacity\": 0.7,\n"
  "      \"cylinder\": { \"left\": 70, \"right\": 98, \"top\": 50, \"bottom\": 80, \"ellipse\": 3, \"wrap\": 160 } }\n"
  "  ] }\n";

#define MAX_PIXELS (256 * 256)

static char *folder;

static void
remove_folder (void)
{
  g_autofree char *path = g_build_filename (folder, "photo.jpg", NULL);

  g_unlink (path);
  g_rmdir (folder);
  g_clear_pointer (&folder, g_free);
}

static void
write_photo (const uint8_t *data,
             size_t         size)
{
  g_autofree char *path = g_build_filename (folder, "photo.jpg", NULL);
  FILE *file = g_fopen (path, "wb");

  /* Plain stdio: g_file_set_contents () may fsync, thousands of times a
   * second here. */
  g_assert_nonnull (file);
  g_assert_true (size == 0 || fwrite (data, 1, size, file) == size);
  g_assert_true (fclose (file) == 0);
}

static GBytes *
render (MockupRenderer *renderer,
        MockupArtwork  *artwork,
        MockupTemplate *template)
{
  g_autoptr(MockupResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MockupArtwork) decoded = NULL;
  GBytes *bytes;

  result = mockup_renderer_render (renderer, artwork, template, NULL, &error);
  if (result == NULL)
    {
      fuzz_check_error (error, "render: ");
      return NULL;
    }
  g_assert_no_error (error);
  g_assert_cmpint (mockup_result_get_width (result), ==, mockup_template_get_width (template));
  g_assert_cmpint (mockup_result_get_height (result), ==, mockup_template_get_height (template));

  /* What comes out is a JPEG of that size, whatever went in. */
  bytes = mockup_result_get_bytes (result);
  g_assert_nonnull (bytes);
  decoded = mockup_artwork_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mockup_artwork_get_width (decoded), ==, mockup_template_get_width (template));
  g_assert_cmpint (mockup_artwork_get_height (decoded), ==, mockup_template_get_height (template));
  if (fuzz_verbose ())
    g_printerr ("  rendered %d x %d, %zu bytes\n", mockup_result_get_width (result),
                mockup_result_get_height (result), g_bytes_get_size (bytes));
  return g_bytes_ref (bytes);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static MockupRenderer *renderer;
  static MockupArtwork *artwork;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;

  if (renderer == NULL)
    {
      fuzz_init ();
      folder = g_dir_make_tmp ("fuzz-jpeg-passthrough-XXXXXX", &error);
      g_assert_no_error (error);
      atexit (remove_folder);
      renderer = mockup_renderer_new ();
      mockup_renderer_set_format (renderer, MOCKUP_FORMAT_JPEG);
      mockup_renderer_set_quality (renderer, 50);
      mockup_renderer_set_threads (renderer, 1);
      mockup_renderer_set_memory_limit (renderer, 64 * 1024 * 1024);
      g_assert_true (mockup_renderer_get_jpeg_passthrough (renderer));
      artwork = fuzz_artwork_new ();
    }

  write_photo (data, size);
  template = mockup_template_new_from_data (manifest, -1, folder, &error);
  if (template == NULL)
    {
      fuzz_check_error (error, "");
      return 0;
    }
  g_assert_no_error (error);
  if ((gint64) mockup_template_get_width (template) * mockup_template_get_height (template) > MAX_PIXELS)
    return 0;

  first = render (renderer, artwork, template);
  second = render (renderer, artwork, template);
  /* A photo the first render could not read may still fail differently
   * the second time (the first render's findings are kept only when it
   * read the whole photo), but a photo rendered once renders the same. */
  if (first != NULL)
    {
      g_assert_nonnull (second);
      g_assert_true (g_bytes_equal (first, second));
    }
  return 0;
}
