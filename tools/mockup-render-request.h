/* mockup-render-request.h: a server job line, parsed and checked
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

/* Limits on what one job line may ask, documented in doc/mockup-render.md.
 * They are checked before anything is parsed or loaded, so a hostile line
 * costs a bounded amount of memory and time. */
#define MR_REQUEST_MAX_LINE_LENGTH (1 << 20)
#define MR_REQUEST_MAX_DEPTH 8
#define MR_REQUEST_MAX_TEMPLATES 1000
#define MR_REQUEST_MAX_SLOTS 64
#define MR_REQUEST_MAX_PATH_LENGTH 4096
#define MR_REQUEST_MAX_ID_LENGTH 256
#define MR_REQUEST_MAX_PARAMETERS 64
#define MR_REQUEST_MAX_NAME_LENGTH 64
#define MR_REQUEST_MAX_VALUE_LENGTH 4096

/* What a job gets when it does not say otherwise: the command line's
 * options. */
typedef struct
{
  const char *output_dir;
  MockupFormat format;
  guint quality;
  guint max_size;
  gboolean jpeg_passthrough;    /* --jpeg-passthrough=auto */
  guint64 cache_limit;          /* templates kept between jobs */
  guint64 artwork_cache_limit;  /* decoded artworks kept between jobs */
} MrServerDefaults;

typedef struct
{
  JsonNode *id;                 /* a string or an integer, or NULL */
  char *label;                  /* the id as text, or "line N" */
  char *artwork;                /* nullable when slots are given */
  char **templates;
  char *output_dir;
  MockupFormat format;
  guint quality;
  guint max_size;
  gboolean jpeg_passthrough;    /* "jpeg_passthrough": "auto" (TRUE) or "never" */
  GHashTable *slots;            /* slot name → artwork path, or NULL */
  MockupRenderOptions *options; /* "parameters" and "placement", or NULL */
} MrJobRequest;

MrJobRequest *mr_job_request_parse (const char              *text,
                                    gsize                    length,
                                    guint                    line_number,
                                    const MrServerDefaults  *defaults,
                                    JsonNode               **id,
                                    GError                 **error);
void          mr_job_request_free  (MrJobRequest            *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MrJobRequest, mr_job_request_free)

G_END_DECLS
