/* fuzz-template.c: bytes → a template manifest → a tiny render
 *
 * The input is a manifest, loaded from memory with the schema fixtures as
 * its folder (so that "photo.jpg", "mask.png"… exist); when it loads, a
 * small artwork is rendered into it at FUZZ_MAX_SIZE pixels.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static MockupRenderer *renderer;
  static MockupArtwork *artwork;
  g_autoptr(MockupTemplate) template = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) slots = NULL;
  int width, height;

  if (renderer == NULL)
    {
      fuzz_init ();
      renderer = fuzz_renderer_new (FALSE);
      artwork = fuzz_artwork_new ();
    }

  /* Not nul-terminated: the length is what counts. */
  template = mockup_template_new_from_data ((const char *) data, size, fuzz_fixtures_dir (), &error);
  if (template == NULL)
    {
      fuzz_check_error (error, "");
      /* The format's errors name the manifest first. */
      g_assert_true (g_str_has_prefix (error->message, "template data: "));
      return 0;
    }
  g_assert_no_error (error);

  /* What the parser accepts is within the format's documented limits. */
  width = mockup_template_get_width (template);
  height = mockup_template_get_height (template);
  g_assert_cmpint (width, >=, 1);
  g_assert_cmpint (width, <=, 32768);
  g_assert_cmpint (height, >=, 1);
  g_assert_cmpint (height, <=, 32768);
  g_assert_cmpuint ((guint64) width * height, <=, (guint64) 16384 * 16384);
  g_assert_cmpuint (mockup_template_get_n_layers (template), >=, 1);
  g_assert_cmpuint (mockup_template_get_n_layers (template), <=, 256);
  /* Strings that bindings turn into str: UTF-8, whatever \u escapes said. */
  g_assert_true (g_utf8_validate (mockup_template_get_id (template), -1, NULL));
  g_assert_true (g_utf8_validate (mockup_template_get_name (template), -1, NULL));
  slots = mockup_template_dup_slots (template);
  g_assert_nonnull (slots);
  g_assert_cmpuint (g_strv_length (slots), <=, mockup_template_get_n_layers (template));
  for (guint i = 0; slots[i] != NULL; i++)
    g_assert_true (g_utf8_validate (slots[i], -1, NULL));

  fuzz_render (renderer, artwork, template);
  return 0;
}
