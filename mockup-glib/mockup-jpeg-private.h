/* mockup-jpeg-private.h: what the JPEG decoder and encoder share about
 * libjpeg-turbo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <setjmp.h>
#include <stdio.h>

#include <glib.h>
#include <jpeglib.h>

G_BEGIN_DECLS

/* Cairo's ARGB32, as libjpeg-turbo names the same bytes in memory. */
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
#define MOCKUP_JCS_ARGB32 JCS_EXT_BGRA
#else
#define MOCKUP_JCS_ARGB32 JCS_EXT_ARGB
#endif

/* libjpeg reports a fatal error by calling error_exit, which must not
 * return: it keeps the message and jumps back to the setjmp () of the
 * call that failed, which turns it into a GError. */
typedef struct
{
  struct jpeg_error_mgr pub;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} MockupJpegError;

G_GNUC_NORETURN static inline void
mockup_jpeg_error_exit (j_common_ptr cinfo)
{
  MockupJpegError *error = (MockupJpegError *) cinfo->err;

  cinfo->err->format_message (cinfo, error->message);
  longjmp (error->jump, 1);
}

G_END_DECLS
