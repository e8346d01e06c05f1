/* mockup-png-decoder-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "mockup-color-private.h"
#include "mockup-image-reader-private.h"

G_BEGIN_DECLS

#ifdef HAVE_ISAL
/* Takes @transform. */
MockupImageDecoder *mockup_png_isal_decoder_new (const MockupImageSource  *source,
                                                 int                       width,
                                                 int                       height,
                                                 gboolean                  alpha,
                                                 MockupColorTransform     *transform,
                                                 GError                  **error);
#endif

G_END_DECLS
