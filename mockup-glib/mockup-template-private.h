/* mockup-template-private.h: the layer model behind MockupTemplate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "mockup-geometry-private.h"
#include "mockup-image-reader-private.h"
#include "mockup-parameter-private.h"
#include "mockup-render-options.h"
#include "mockup-template.h"

G_BEGIN_DECLS

#define MOCKUP_TEMPLATE_FORMAT 1
#define MOCKUP_MAX_CANVAS_SIDE 32768
#define MOCKUP_MAX_LAYERS 256
#define MOCKUP_MAX_MESH_POINTS 64
#define MOCKUP_MAX_COORDINATE 1.0e6
#define MOCKUP_MAX_MANIFEST_SIZE (4 * 1024 * 1024)
#define MOCKUP_DEFAULT_SLOT "artwork"

typedef enum {
  MOCKUP_LAYER_IMAGE,
  MOCKUP_LAYER_ARTWORK,
  MOCKUP_LAYER_COLOR,
} MockupLayerKind;

/* In the order of the manifest's names. The first sixteen are Cairo
 * operators; the rest, Photoshop's modes that Cairo lacks, are blended by
 * mockup_color_blend_row (). */
typedef enum {
  MOCKUP_BLEND_NORMAL,
  MOCKUP_BLEND_MULTIPLY,
  MOCKUP_BLEND_SCREEN,
  MOCKUP_BLEND_OVERLAY,
  MOCKUP_BLEND_DARKEN,
  MOCKUP_BLEND_LIGHTEN,
  MOCKUP_BLEND_COLOR_DODGE,
  MOCKUP_BLEND_COLOR_BURN,
  MOCKUP_BLEND_HARD_LIGHT,
  MOCKUP_BLEND_SOFT_LIGHT,
  MOCKUP_BLEND_DIFFERENCE,
  MOCKUP_BLEND_EXCLUSION,
  MOCKUP_BLEND_HUE,
  MOCKUP_BLEND_SATURATION,
  MOCKUP_BLEND_COLOR,
  MOCKUP_BLEND_LUMINOSITY,
  MOCKUP_BLEND_LINEAR_BURN,
  MOCKUP_BLEND_LINEAR_DODGE,
  MOCKUP_BLEND_DARKER_COLOR,
  MOCKUP_BLEND_LIGHTER_COLOR,
  MOCKUP_BLEND_VIVID_LIGHT,
  MOCKUP_BLEND_LINEAR_LIGHT,
  MOCKUP_BLEND_PIN_LIGHT,
  MOCKUP_BLEND_HARD_MIX,
  MOCKUP_BLEND_SUBTRACT,
  MOCKUP_BLEND_DIVIDE,
} MockupBlendMode;

typedef enum {
  MOCKUP_FIT_COVER,
  MOCKUP_FIT_CONTAIN,
  MOCKUP_FIT_STRETCH,
} MockupFit;

typedef enum {
  MOCKUP_MASK_LUMINANCE,
  MOCKUP_MASK_ALPHA,
} MockupMaskMode;

/* What tells that a file changed: a rewrite changes its times or size
 * (the change time even when the modification time is put back), a
 * replacement its inode. */
typedef struct
{
  char *path;             /* absolute, symbolic links resolved */
  gint64 mtime_ns;
  gint64 ctime_ns;
  gint64 size;
  guint64 inode;
  guint64 device;
} MockupTemplateFile;

/* An image file a template names, checked at load time. */
typedef struct
{
  MockupImageSource source;
  char *member;           /* where the manifest names it, for errors */
  MockupImageInfo info;
  MockupTemplateFile file; /* stamped just before the check */
} MockupImageRef;

typedef struct
{
  MockupLayerKind kind;
  char *member;           /* "layers[2]" */
  char *name;

  MockupBlendMode blend;
  double opacity;
  gboolean visible;
  /* {"parameter": NAME} in place of a literal: the parameter's name, or
   * NULL where the literal above holds */
  char *opacity_parameter;
  char *visible_parameter;
  char *color_parameter;
  MockupImageRef *mask;
  MockupMaskMode mask_mode;
  gboolean mask_invert;

  /* image */
  MockupImageRef *source;

  /* color: straight RGBA in [0, 1] */
  double color[4];

  /* artwork */
  char *slot;
  MockupShape shape;
  MockupFit fit;
  double align[2];
  double aspect;          /* 0: estimated from the shape */
  MockupImageRef *shading;
  double shading_strength;
  double shading_neutral;
  MockupImageRef *displacement;
  double displacement_strength;
} MockupLayer;

typedef struct
{
  char *id;
  char *name;
  int width;
  int height;
  double background[4];
  GPtrArray *layers;      /* MockupLayer */
  GPtrArray *parameters;  /* MockupParameter, in manifest order */
} MockupTemplateData;

/* A layer's members that parameters may set, as one render sees them. */
typedef struct
{
  gboolean visible;
  double opacity;
  double color[4];
} MockupLayerValues;

/* A template's parameter values for one render: the options' values,
 * else the defaults, checked; and each layer's values with them. */
typedef struct
{
  guint n_layers;
  MockupLayerValues *layers;
  guint n_parameters;
  MockupParameter **parameters;  /* borrowed from the template */
  MockupParameterValue *values;  /* one per parameter */
} MockupResolvedValues;

const char         *mockup_blend_mode_to_string          (MockupBlendMode       mode);

gboolean            mockup_template_parse                (JsonNode             *root,
                                                          const char           *label,
                                                          const char           *base_dir,
                                                          const char           *default_id,
                                                          MockupTemplateData   *data,
                                                          GError              **error);
void                mockup_template_data_clear           (MockupTemplateData   *data);
gboolean            mockup_template_file_stamp           (MockupTemplateFile   *file,
                                                          const char           *path);
void                mockup_template_file_clear           (MockupTemplateFile   *file);

/* For the renderer. */
const char         *_mockup_template_get_label           (MockupTemplate       *self);
guint               _mockup_template_get_n_layers        (MockupTemplate       *self);
const MockupLayer  *_mockup_template_get_layer           (MockupTemplate       *self,
                                                          guint                 index);
const double       *_mockup_template_get_background      (MockupTemplate       *self);
/* Checks @options against the template (see
 * mockup_render_options_validate) and resolves every parameter and every
 * layer's values for one render; @options may be NULL. */
MockupResolvedValues *mockup_template_resolve            (MockupTemplate       *self,
                                                          MockupRenderOptions  *options,
                                                          GError              **error);
void                mockup_resolved_values_free          (MockupResolvedValues *values);
/* The value of parameter @name, or NULL if the template has none. */
const MockupParameterValue *mockup_resolved_values_lookup (const MockupResolvedValues *values,
                                                          const char           *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MockupResolvedValues, mockup_resolved_values_free)

/* For mockup-render's template cache, which must notice an image changed
 * under a template it keeps: the image files the template reads, each
 * once, as they were when it was loaded. Exported, not public. */
_MOCKUP_EXTERN
const MockupTemplateFile *_mockup_template_get_files     (MockupTemplate       *self,
                                                          guint                *n_files);
_MOCKUP_EXTERN
gboolean            _mockup_template_file_is_unchanged   (const MockupTemplateFile *file);

G_END_DECLS
