/* mockup-error.h: the MockupError domain
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(MOCKUP_INSIDE) && !defined(MOCKUP_COMPILATION)
# error "Only <mockup-glib/mockup.h> can be included directly."
#endif

#include "mockup-version-macros.h"

G_BEGIN_DECLS

/**
 * MOCKUP_ERROR:
 *
 * The error domain of mockup-glib. Errors in it carry a [enum@Mockup.Error]
 * code.
 */
#define MOCKUP_ERROR (mockup_error_quark ())

/**
 * MockupError:
 * @MOCKUP_ERROR_FAILED: anything not covered by a more precise code
 * @MOCKUP_ERROR_INVALID_TEMPLATE: a template manifest is malformed JSON or one
 *   of its members is wrong; the message names the file and the member
 * @MOCKUP_ERROR_NOT_FOUND: a file named by a template or by the caller does
 *   not exist or cannot be opened
 * @MOCKUP_ERROR_INVALID_IMAGE: an image is truncated, corrupt, or not an image
 *   (GdkPixbuf cannot tell that from a format it has no loader for)
 * @MOCKUP_ERROR_UNSUPPORTED: an image format or a feature that this build
 *   cannot handle
 * @MOCKUP_ERROR_TOO_LARGE: an image, a canvas or a render exceeds a size or
 *   memory limit; nothing was decoded or allocated for it
 * @MOCKUP_ERROR_MISSING_SLOT: a template has an artwork slot that no artwork
 *   was given for
 * @MOCKUP_ERROR_PATH_OUTSIDE: a template names a file outside its own folder
 * @MOCKUP_ERROR_INVALID_OPTION: a render's [class@Mockup.RenderOptions] do
 *   not suit the template: a parameter it lacks, a value the parameter
 *   refuses, a placement that is not finite; the message names the
 *   parameter or slot
 *
 * The ways a template, an image or a render can fail.
 *
 * Cancelled operations fail with `G_IO_ERROR_CANCELLED`, as everywhere in
 * GIO, so that [method@Gio.Task.return_error_if_cancelled] and the bindings'
 * cancellation handling work unchanged.
 */
typedef enum {
  MOCKUP_ERROR_FAILED,
  MOCKUP_ERROR_INVALID_TEMPLATE,
  MOCKUP_ERROR_NOT_FOUND,
  MOCKUP_ERROR_INVALID_IMAGE,
  MOCKUP_ERROR_UNSUPPORTED,
  MOCKUP_ERROR_TOO_LARGE,
  MOCKUP_ERROR_MISSING_SLOT,
  MOCKUP_ERROR_PATH_OUTSIDE,
  MOCKUP_ERROR_INVALID_OPTION,
} MockupError;

MOCKUP_AVAILABLE_IN_1_0
GQuark mockup_error_quark (void);

G_END_DECLS
