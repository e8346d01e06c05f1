/* fuzz-common.h: what the fuzz targets share (doc/fuzzing.md)
 *
 * Each target defines LLVMFuzzerTestOneInput (). It is linked either with
 * libFuzzer (-Dfuzzing=true, clang) or with standalone-main.c, which runs
 * it once over every file of the corpus and regression folders: the
 * regression tests of the `fuzz` suite.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stddef.h>
#include <stdint.h>

#include <mockup-glib/mockup.h>

G_BEGIN_DECLS

/* The longest side of every render: small, so that a run is spent in the
 * parsers and decoders rather than in drawing pixels. */
#define FUZZ_MAX_SIZE 64

int             LLVMFuzzerTestOneInput    (const uint8_t  *data,
                                           size_t          size);

/* Once per process: criticals abort (they are bugs); other log messages
 * are dropped, so that a run is not spent printing them. */
void            fuzz_init                 (void);
/* Whether FUZZ_VERBOSE is set: then the targets say on stderr what each
 * input did (loaded, rendered, or the error), to see what a corpus covers. */
gboolean        fuzz_verbose              (void);
/* tests/python/schema-fixtures: small images (photo.jpg, overlay.png,
 * mask.png, shading.png, displacement.png) that manifests can name. */
const char     *fuzz_fixtures_dir         (void);
/* Checks what every failure promises: an error, a MockupError, whose
 * message is UTF-8; says it (after @what) when FUZZ_VERBOSE is set. */
void            fuzz_check_error          (const GError   *error,
                                           const char     *what);
/* A renderer of FUZZ_MAX_SIZE pixbufs, one thread, a 256 MiB budget. */
MockupRenderer *fuzz_renderer_new         (gboolean        linear_light);
/* A 12 × 8 artwork with a gradient and some transparency. */
MockupArtwork  *fuzz_artwork_new          (void);
/* Renders @artwork into @template and checks what a render promises: a
 * result no larger than FUZZ_MAX_SIZE and of the template's aspect, or a
 * MockupError that names the template. */
void            fuzz_render               (MockupRenderer *renderer,
                                           MockupArtwork  *artwork,
                                           MockupTemplate *template);

G_END_DECLS
