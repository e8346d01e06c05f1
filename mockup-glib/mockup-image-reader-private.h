/* mockup-image-reader-private.h: images decoded row by row at the size needed
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>

#include "mockup-version-macros.h"

G_BEGIN_DECLS

/* Guards against decompression bombs: checked on the header, before any
 * pixel is decoded. */
#define MOCKUP_MAX_IMAGE_SIDE   65535
#define MOCKUP_MAX_IMAGE_PIXELS ((guint64) 16384 * 16384)

/* What the library reads, told by the first bytes of a file: JPEG, PNG and
 * WebP (libwebp's incremental decoder, scaling as it goes) stream; GIF and
 * TIFF (GdkPixbuf's loaders for these two only, their first frame or page)
 * are decoded whole. Another image format
 * is refused as MOCKUP_ERROR_UNSUPPORTED, anything else as
 * MOCKUP_ERROR_INVALID_IMAGE, before any decoder sees it. */
typedef enum {
  MOCKUP_IMAGE_KIND_JPEG,
  MOCKUP_IMAGE_KIND_PNG,
  MOCKUP_IMAGE_KIND_WEBP,
  MOCKUP_IMAGE_KIND_OTHER,    /* GIF or TIFF: GdkPixbuf's loader, decoded whole */
  MOCKUP_IMAGE_KIND_PIXBUF,   /* already decoded by the caller */
} MockupImageKind;

/* Where pixels come from: exactly one of path, bytes and pixbuf is set.
 * Only a regular file is read from a path; with no_symlinks, the path is
 * one realpath () gave when a template checked it, and a symbolic link
 * found on it when it is opened, later, is refused as
 * MOCKUP_ERROR_PATH_OUTSIDE: it may lead out of the template's folder. */
typedef struct
{
  char *path;
  GBytes *bytes;
  GdkPixbuf *pixbuf;
  char *display_name;   /* for error messages */
  gboolean no_symlinks;
} MockupImageSource;

typedef struct
{
  MockupImageKind kind;
  int width;            /* as displayed, EXIF orientation applied */
  int height;
  int stored_width;     /* as encoded */
  int stored_height;
  int orientation;      /* EXIF 1 to 8 */
  gboolean has_alpha;
  gboolean progressive; /* interlaced PNG: decoded whole */
  gsize codec_memory;   /* what the codec holds whatever the size decoded
                         * at: a multi-scan JPEG's coefficients, libwebp's
                         * buffers and the WebP file */
  gsize encoded_size;   /* WebP: the file's size, for the rows a step of
                         * its streamed decode gives */
  const char *loader;   /* KIND_OTHER: GdkPixbuf's loader, "gif" or "tiff" */
} MockupImageInfo;

typedef struct _MockupImageReader MockupImageReader;

void               mockup_image_source_init_path          (MockupImageSource        *source,
                                                           const char               *path);
void               mockup_image_source_init_bytes         (MockupImageSource        *source,
                                                           GBytes                   *bytes);
void               mockup_image_source_init_pixbuf        (MockupImageSource        *source,
                                                           GdkPixbuf                *pixbuf);
void               mockup_image_source_clear              (MockupImageSource        *source);

/* Reads the header: kind, size, orientation. Refuses absurd sizes. */
gboolean           mockup_image_source_probe              (const MockupImageSource  *source,
                                                           MockupImageInfo          *info,
                                                           GError                  **error);

/* Opens @source to produce @width × @height rows of premultiplied ARGB32
 * (oriented as displayed), top to bottom, decoding only what those rows
 * need: JPEG DCT scaling, then area resampling as rows stream past. */
typedef enum {
  MOCKUP_IMAGE_READER_NONE = 0,
  MOCKUP_IMAGE_READER_LINEAR_LIGHT = 1 << 0,
  /* decode in a thread of its own, a few rows ahead of the conversion
   * and resampling: for large images read once, such as an artwork */
  MOCKUP_IMAGE_READER_PREFETCH = 1 << 1,
} MockupImageReaderFlags;

MockupImageReader *mockup_image_reader_new                (const MockupImageSource  *source,
                                                           const MockupImageInfo    *info,
                                                           int                       width,
                                                           int                       height,
                                                           MockupImageReaderFlags    flags,
                                                           GError                  **error);
/* @cancellable, kept by the reader, stops a long decode (the whole of a
 * progressive JPEG is decoded when the reader is made) with
 * G_IO_ERROR_CANCELLED: what a render uses. */
MockupImageReader *mockup_image_reader_new_full           (const MockupImageSource  *source,
                                                           const MockupImageInfo    *info,
                                                           int                       width,
                                                           int                       height,
                                                           MockupImageReaderFlags    flags,
                                                           GCancellable             *cancellable,
                                                           GError                  **error);
gboolean           mockup_image_reader_read_row           (MockupImageReader        *self,
                                                           guint32                  *row,
                                                           GError                  **error);
/* Decodes every row now and lets the decoder go; the rows are then read
 * from memory, preload_size () bytes of it. Only before the first row. */
gboolean           mockup_image_reader_preload            (MockupImageReader        *self,
                                                           GError                  **error);
gsize              mockup_image_reader_preload_size       (int                       width,
                                                           int                       height);
void               mockup_image_reader_free               (MockupImageReader        *self);
/* What a reader for @info at @width × @height holds at most. */
gsize              mockup_image_reader_estimate_memory    (const MockupImageInfo    *info,
                                                           int                       width,
                                                           int                       height);

/* A band of rows of one image, decoded once for renders that run in step
 * (the variants of a template): its owner fills it band by band from the
 * reader it was made with, and each render reads the band through a reader
 * of its own, made by mockup_row_window_new_reader (), which copies rows
 * out of it. A reader that was not asked for some rows (its layer hidden
 * in that variant) goes on from the band's first row. */
typedef struct _MockupRowWindow MockupRowWindow;

/* @reader (transfer full); NULL when there is no memory for the rows */
MockupRowWindow   *mockup_row_window_new                  (MockupImageReader        *reader,
                                                           int                       max_rows);
/* Reads the reader's next @n_rows rows into the window. */
gboolean           mockup_row_window_fill                 (MockupRowWindow          *self,
                                                           int                       n_rows,
                                                           GError                  **error);
/* A reader of the window's rows; it must not outlive the window. */
MockupImageReader *mockup_row_window_new_reader           (MockupRowWindow          *self);
void               mockup_row_window_free                 (MockupRowWindow          *self);
gsize              mockup_row_window_estimate_memory      (int                       width,
                                                           int                       max_rows);

/* Backends: each produces rows of premultiplied ARGB32, oriented as stored,
 * at a size of its choosing no smaller than asked for, in two stages: the
 * codec's own sequential work (inflating, unfiltering, inverse DCT), then
 * the conversion to premultiplied ARGB32, which may run in another thread
 * on rows already read. */
typedef struct _MockupImageDecoder MockupImageDecoder;
struct _MockupImageDecoder
{
  int width;
  int height;
  gsize raw_row_size;
  /* The next row as the codec gives it, raw_row_size bytes. */
  gboolean (*read_raw) (MockupImageDecoder  *self,
                        guint8              *raw,
                        GError             **error);
  /* Raw to premultiplied ARGB32; NULL when raw rows are that already. */
  void     (*convert)  (MockupImageDecoder  *self,
                        const guint8        *raw,
                        guint32             *row);
  void     (*free)     (MockupImageDecoder  *self);
};

MockupImageDecoder *mockup_jpeg_decoder_new        (const MockupImageSource  *source,
                                                    int                       min_width,
                                                    int                       min_height,
                                                    GCancellable             *cancellable,
                                                    GError                  **error);
gboolean            mockup_jpeg_probe              (const MockupImageSource  *source,
                                                    MockupImageInfo          *info,
                                                    GError                  **error);
int                 mockup_jpeg_choose_scale       (int                       stored_width,
                                                    int                       stored_height,
                                                    int                       width,
                                                    int                       height);
gsize               mockup_jpeg_estimate_memory    (const MockupImageInfo    *info,
                                                    int                       min_width,
                                                    int                       min_height);
MockupImageDecoder *mockup_png_decoder_new         (const MockupImageSource  *source,
                                                    GError                  **error);
gboolean            mockup_png_probe               (const MockupImageSource  *source,
                                                    MockupImageInfo          *info,
                                                    GError                  **error);
/* Scales as it decodes to @min_width × @min_height when both shrink. */
MockupImageDecoder *mockup_webp_decoder_new        (const MockupImageSource  *source,
                                                    int                       min_width,
                                                    int                       min_height,
                                                    GError                  **error);
void                mockup_webp_choose_size        (int                       stored_width,
                                                    int                       stored_height,
                                                    int                       min_width,
                                                    int                       min_height,
                                                    int                      *width,
                                                    int                      *height);
gsize               mockup_webp_estimate_memory    (const MockupImageInfo    *info,
                                                    int                       min_width,
                                                    int                       min_height);
gboolean            mockup_webp_probe              (const MockupImageSource  *source,
                                                    MockupImageInfo          *info,
                                                    GError                  **error);
MockupImageDecoder *mockup_pixbuf_decoder_new      (const MockupImageSource  *source,
                                                    const MockupImageInfo    *info,
                                                    GError                  **error);
/* @loader: "gif" or "tiff", as the magic bytes said */
gboolean            mockup_pixbuf_probe            (const MockupImageSource  *source,
                                                    const char               *loader,
                                                    MockupImageInfo          *info,
                                                    GError                  **error);

/* A JPEG of more scans than this is refused: each scan of a progressive
 * file passes over every block of the image, however little data it
 * holds, so a small file of thousands of empty scans takes minutes to
 * decode. Encoders write about 10 (libjpeg's default script) and at most a
 * few dozen. */
#define MOCKUP_JPEG_MAX_SCANS 100

/* For tests: called from the progress monitor of every JPEG decode, in the
 * thread decoding, with the number of the scan it reads; NULL for none.
 * Exported, not public, so that tests of the public API reach it. */
typedef void (*MockupJpegProgressHook) (int      scan,
                                        gpointer user_data);
_MOCKUP_EXTERN
void                _mockup_jpeg_set_progress_hook (MockupJpegProgressHook    hook,
                                                    gpointer                  user_data);

/* Reads the whole file for a source given by path, or returns its bytes. */
GBytes             *mockup_image_source_load_bytes (const MockupImageSource  *source,
                                                    GError                  **error);
/* Opens a source given by path as a stream (see mockup_file_open_stream ():
 * its descriptor counts against the process's limit of open images, and
 * it is only ever a regular file), or fails naming the file. */
FILE               *mockup_image_source_fopen      (const MockupImageSource  *source,
                                                    GError                  **error);
gboolean            mockup_image_check_size        (const MockupImageSource  *source,
                                                    guint64                   width,
                                                    guint64                   height,
                                                    GError                  **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupImageReader, mockup_image_reader_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupRowWindow, mockup_row_window_free)

G_END_DECLS
