/* mockup-render-util.h: small helpers shared by mockup-render's parts
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

/* Exit statuses, documented in doc/mockup-render.md. */
#define MR_EXIT_OK     0
#define MR_EXIT_FAILED 1
#define MR_EXIT_USAGE  2

/* Errors of the tool itself: a server job line that is not a job. */
#define MR_ERROR (mr_error_quark ())
#define MR_ERROR_INVALID_JOB 1

GQuark      mr_error_quark            (void);
gboolean    mr_parse_size             (const char    *text,
                                       guint64       *bytes,
                                       GError       **error);
const char *mr_error_code_name        (const GError  *error);

/* Placement values beyond this are refused: far outside any print area. */
#define MR_PLACEMENT_MAX 1.0e6

/* "LEFT,TOP,WIDTH[,DEGREES]", as --place takes it; @values gets the four
 * (DEGREES 0 when left out). */
gboolean    mr_parse_placement        (const char    *text,
                                       double         values[4],
                                       GError       **error);

/* One JSON object written as one line on stdout. json-glib prints
 * doubles with 17 digits (12.300000000000001), so lines are built here,
 * members in a fixed order. */
typedef struct
{
  GString *text;
} MrJsonLine;

void        mr_json_line_init         (MrJsonLine    *line);
void        mr_json_line_add_string   (MrJsonLine    *line,
                                       const char    *key,
                                       const char    *value);
void        mr_json_line_add_int      (MrJsonLine    *line,
                                       const char    *key,
                                       gint64         value);
void        mr_json_line_add_double   (MrJsonLine    *line,
                                       const char    *key,
                                       double         value);
void        mr_json_line_add_boolean  (MrJsonLine    *line,
                                       const char    *key,
                                       gboolean       value);
void        mr_json_line_add_null     (MrJsonLine    *line,
                                       const char    *key);
void        mr_json_line_add_node     (MrJsonLine    *line,
                                       const char    *key,
                                       JsonNode      *value);
void        mr_json_line_add_error    (MrJsonLine    *line,
                                       const GError  *error);
void        mr_json_line_print        (MrJsonLine    *line);

G_END_DECLS
