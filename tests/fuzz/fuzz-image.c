/* fuzz-image.c: bytes → an artwork → a render into a tiny template
 *
 * The input is an image file. It is loaded with
 * mockup_artwork_new_from_bytes () and, when that succeeds, rendered into
 * a 64 × 48 template with every kind of artwork layer (quad, mesh,
 * cylinder; mask, shading, displacement), once in sRGB and once in linear
 * light. One source, built as one target per format family
 * (fuzz-image-png, -jpeg, -webp, -pixbuf) so that each has its own corpus
 * and its own share of the fuzzing time; the code does not care which.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "fuzz-common.h"

static const char manifest[] =
  "{ \"format\": 1, \"id\": \"fuzz-image\", \"size\": [64, 48],\n"
  "  \"layers\": [\n"
  "    { \"type\": \"image\", \"source\": \"photo.jpg\" },\n"
  "    { \"type\": \"artwork\", \"quad\": [[4, 3], [30, 5], [29, 22], [5, 20]], \"fit\": \"cover\" },\n"
  "    { \"type\": \"artwork\", \"fit\": \"contain\", \"align\": \"top-left\",\n"
  "      \"mesh\": [[[34, 2], [46, 4], [60, 2]], [[35, 20], [47, 22], [61, 19]]],\n"
  "      \"displacement\": { \"source\": \"displacement.png\", \"strength\": 3 } },\n"
  "    { \"type\": \"artwork\", \"fit\": \"stretch\", \"blend\": \"multiply\", \"opacity\": 0.8,\n"
  "      \"cylinder\": { \"left\": 8, \"right\": 56, \"top\": 26, \"bottom\": 46, \"ellipse\": 3, \"wrap\": 200 },\n"
  "      \"shading\": \"shading.png\", \"mask\": \"mask.png\" },\n"
  "    { \"type\": \"image\", \"source\": \"overlay.png\", \"blend\": \"screen\" }\n"
  "  ] }\n";

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static MockupRenderer *srgb, *linear;
  static MockupTemplate *template;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(MockupArtwork) artwork = NULL;
  g_autoptr(GError) error = NULL;

  if (template == NULL)
    {
      fuzz_init ();
      srgb = fuzz_renderer_new (FALSE);
      linear = fuzz_renderer_new (TRUE);
      template = mockup_template_new_from_data (manifest, -1, fuzz_fixtures_dir (), &error);
      g_assert_no_error (error);
    }

  bytes = g_bytes_new (data, size);
  artwork = mockup_artwork_new_from_bytes (bytes, &error);
  if (artwork == NULL)
    {
      fuzz_check_error (error, "");
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpint (mockup_artwork_get_width (artwork), >=, 1);
  g_assert_cmpint (mockup_artwork_get_width (artwork), <=, 65535);
  g_assert_cmpint (mockup_artwork_get_height (artwork), >=, 1);
  g_assert_cmpint (mockup_artwork_get_height (artwork), <=, 65535);

  if (fuzz_verbose ())
    g_printerr ("  artwork %d x %d\n", mockup_artwork_get_width (artwork), mockup_artwork_get_height (artwork));
  fuzz_render (srgb, artwork, template);
  fuzz_render (linear, artwork, template);
  return 0;
}
