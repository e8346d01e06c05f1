/* mockup-photo-maps.c: shading, displacement and mask images made from a
 * template's own photo
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <spng.h>

#include "mockup-error.h"
#include "mockup-image-reader-private.h"
#include "mockup-photo-maps.h"

/* A template's realism comes from its photo: the product's own light,
 * folds and whatever lies in front of the print. These functions make the
 * images a manifest's "shading", "displacement" and "mask" members name
 * from the photo's pixels, so that an editor can turn a photo into a
 * template without a paint program (doc/photo-maps.md). */

/* The maps are written at most this many pixels a side, at the photo's
 * aspect: the engine stretches every map to the canvas, maps of light and
 * folds are smooth, and a 6000 × 4000 photo is then read at 2048 × 1365
 * (JPEG's DCT scaling does most of the reduction) into planes of 11 MiB. */
#define MAX_MAP_SIDE 2048

/* What decoding the photo may hold at once (a WebP is decoded whole). */
#define MAX_DECODE_MEMORY ((gsize) 1 << 30)

#define MAX_REGION_POINTS 10000
#define MAX_COORDINATE 1e6
#define MAX_SMOOTHING 1000.0

/* The vertical samples per map row when the region's coverage is measured
 * (horizontally it is exact): 1/32 of a pixel. */
#define COVERAGE_SUBROWS 32

/* Displacement: the steepest slopes (this fraction of the region's pixels
 * is steeper) reach the full shift; a region flatter than MIN_SLOPE (in
 * relative luminance per photo pixel) is not amplified into noise. */
#define SLOPE_PERCENTILE 0.99
#define MIN_SLOPE 0.002

#define HISTOGRAM_BINS 4096

typedef enum {
  MAP_SHADING,
  MAP_DISPLACEMENT,
  MAP_COLOR_MASK,
} MapKind;

typedef struct
{
  MapKind kind;
  char *photo;
  double *region;
  gsize n_region;
  double smoothing;
  char *color;
  double tolerance;
  double softness;
  char *output;
} MapJob;

static void
map_job_free (MapJob *job)
{
  g_free (job->photo);
  g_free (job->region);
  g_free (job->color);
  g_free (job->output);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MapJob, map_job_free)

static MapJob *
map_job_new (MapKind       kind,
             const char   *photo,
             const double *region,
             gsize         n_region,
             double        smoothing,
             const char   *color,
             double        tolerance,
             double        softness,
             const char   *output)
{
  MapJob *job = g_new0 (MapJob, 1);

  job->kind = kind;
  job->photo = g_strdup (photo);
  /* an absurd length is refused by check_arguments () before the region
   * is read: do not copy what may not be there */
  if (n_region > 0 && n_region <= 2 * MAX_REGION_POINTS + 1)
    job->region = g_memdup2 (region, n_region * sizeof (double));
  job->n_region = n_region;
  job->smoothing = smoothing;
  job->color = g_strdup (color);
  job->tolerance = tolerance;
  job->softness = softness;
  job->output = g_strdup (output);
  return job;
}

/* What a map is made from: planes of floats at the map's size. */
typedef struct
{
  int width;
  int height;
  float *cover;   /* how much of each map pixel the region covers, 0 to 1 */
  float *weight;  /* cover × the photo's alpha: how much each pixel counts */
  float *value;   /* luminance, or for a mask the colour match */
} MapPlanes;

static void
map_planes_clear (MapPlanes *planes)
{
  g_clear_pointer (&planes->cover, g_free);
  g_clear_pointer (&planes->weight, g_free);
  g_clear_pointer (&planes->value, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MapPlanes, map_planes_clear)

static gboolean
fail (GError     **error,
      GQuark       domain,
      int          code,
      const char  *file,
      const char  *format,
      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (GError     **error,
      GQuark       domain,
      int          code,
      const char  *file,
      const char  *format,
      ...)
{
  g_autofree char *name = g_filename_display_name (file);
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, domain, code, "%s: %s", name, problem);
  return FALSE;
}

static int
hex_digit (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* "#rgb" or "#rrggbb": a colour to select has no alpha. */
static gboolean
parse_color (const char *text,
             double      rgb[3])
{
  gsize len = strlen (text);
  int digits[6];

  if (text[0] != '#' || (len != 4 && len != 7))
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if ((digits[i - 1] = hex_digit (text[i])) < 0)
      return FALSE;
  for (int i = 0; i < 3; i++)
    rgb[i] = len == 4 ? digits[i] * 17 / 255.0 : (digits[2 * i] * 16 + digits[2 * i + 1]) / 255.0;
  return TRUE;
}

static gboolean
check_arguments (const MapJob  *job,
                 double         rgb[3],
                 GError       **error)
{
  double area = 0;
  gsize n_points = job->n_region / 2;

  if (job->n_region > 0 || job->kind != MAP_COLOR_MASK)
    {
      if (job->n_region % 2 != 0 || n_points < 3)
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "region: expected at least 3 points as x, y pairs, got %" G_GSIZE_FORMAT
                     " numbers", job->n_region);
      if (n_points > MAX_REGION_POINTS)
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "region: %" G_GSIZE_FORMAT " points are more than the %d allowed",
                     n_points, MAX_REGION_POINTS);
      for (gsize i = 0; i < job->n_region; i++)
        {
          if (!isfinite (job->region[i]))
            return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                         "region[%" G_GSIZE_FORMAT "]: %g is not a finite number",
                         i, job->region[i]);
          if (fabs (job->region[i]) > MAX_COORDINATE)
            return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                         "region[%" G_GSIZE_FORMAT "]: %g is out of range (-1e+06 to 1e+06)",
                         i, job->region[i]);
        }
      for (gsize i = 0; i < n_points; i++)
        {
          gsize j = (i + 1) % n_points;

          area += job->region[2 * i] * job->region[2 * j + 1] -
                  job->region[2 * j] * job->region[2 * i + 1];
        }
      if (fabs (area) / 2 < 1)
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "region: the polygon has no area (less than one square pixel)");
    }

  if (job->kind == MAP_COLOR_MASK)
    {
      if (job->color == NULL || !parse_color (job->color, rgb))
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "color: \"%s\" is not a colour (expected #rgb or #rrggbb)",
                     job->color != NULL ? job->color : "(null)");
      if (!(job->tolerance >= 0 && job->tolerance <= 1))
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "tolerance: %g is out of range (0 to 1)", job->tolerance);
      if (!(job->softness >= 0 && job->softness <= 1))
        return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                     "softness: %g is out of range (0 to 1)", job->softness);
    }
  else if (!(job->smoothing >= 0 && job->smoothing <= MAX_SMOOTHING))
    return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                 "smoothing: %g is out of range (0 to %g pixels)", job->smoothing, MAX_SMOOTHING);
  return TRUE;
}

/* Fails early, before the photo is decoded, when the map could not be
 * written: no such folder, or a folder in the way. */
static gboolean
check_output (const char  *output,
              const char  *photo,
              GError     **error)
{
  g_autofree char *folder = g_path_get_dirname (output);
  GStatBuf info, photo_info;

  if (g_stat (output, &info) == 0)
    {
      if (S_ISDIR (info.st_mode))
        return fail (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY, output,
                     "cannot write the map: it is a folder");
      /* an editor's slip that would replace the photo with its own map */
      if (g_stat (photo, &photo_info) == 0 &&
          info.st_dev == photo_info.st_dev && info.st_ino == photo_info.st_ino)
        return fail (error, G_IO_ERROR, G_IO_ERROR_EXISTS, output,
                     "cannot write the map: it is the photo itself");
    }
  if (g_stat (folder, &info) != 0)
    {
      int saved_errno = errno;

      return fail (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), output,
                   "cannot write the map: %s", g_strerror (saved_errno));
    }
  if (!S_ISDIR (info.st_mode))
    return fail (error, G_IO_ERROR, G_IO_ERROR_NOT_DIRECTORY, output,
                 "cannot write the map: %s is not a folder", folder);
  if (g_access (folder, W_OK) != 0)
    {
      int saved_errno = errno;

      return fail (error, G_IO_ERROR, g_io_error_from_errno (saved_errno), output,
                   "cannot write the map: %s", g_strerror (saved_errno));
    }
  return TRUE;
}

/* The area of each map pixel that the polygon covers (even-odd rule),
 * measured on COVERAGE_SUBROWS rows a pixel, exactly along each. The
 * polygon is in photo pixels; map pixel (i, j) covers the photo from
 * (i / sx, j / sy) to ((i + 1) / sx, (j + 1) / sy). */
static void
measure_coverage (const double *region,
                  gsize         n_points,
                  double        sx,
                  double        sy,
                  int           width,
                  int           height,
                  float        *cover)
{
  g_autofree double *points = g_new (double, 2 * n_points);
  g_autofree gsize *edges = g_new (gsize, n_points);
  g_autofree double *crossings = g_new (double, n_points);
  g_autofree float *steps = g_new (float, width + 1);

  for (gsize i = 0; i < n_points; i++)
    {
      points[2 * i] = region[2 * i] * sx;
      points[2 * i + 1] = region[2 * i + 1] * sy;
    }

  for (int j = 0; j < height; j++)
    {
      float *row = cover + (gsize) j * width;
      gsize n_edges = 0;

      /* the edges that reach into this row */
      for (gsize i = 0; i < n_points; i++)
        {
          gsize k = (i + 1) % n_points;
          double y0 = points[2 * i + 1], y1 = points[2 * k + 1];

          if (y0 != y1 && MAX (y0, y1) > j && MIN (y0, y1) < j + 1)
            edges[n_edges++] = i;
        }
      if (n_edges == 0)
        continue;

      memset (steps, 0, sizeof (float) * (width + 1));
      for (int s = 0; s < COVERAGE_SUBROWS; s++)
        {
          double y = j + (s + 0.5) / COVERAGE_SUBROWS;
          gsize n_crossings = 0;

          for (gsize e = 0; e < n_edges; e++)
            {
              gsize i = edges[e], k = (i + 1) % n_points;
              double x0 = points[2 * i], y0 = points[2 * i + 1];
              double x1 = points[2 * k], y1 = points[2 * k + 1];

              if ((y0 <= y && y < y1) || (y1 <= y && y < y0))
                crossings[n_crossings++] = x0 + (y - y0) * (x1 - x0) / (y1 - y0);
            }
          /* few crossings: an insertion sort */
          for (gsize a = 1; a < n_crossings; a++)
            for (gsize b = a; b > 0 && crossings[b - 1] > crossings[b]; b--)
              {
                double t = crossings[b];

                crossings[b] = crossings[b - 1];
                crossings[b - 1] = t;
              }
          for (gsize c = 0; c + 1 < n_crossings; c += 2)
            {
              double xa = CLAMP (crossings[c], 0, width);
              double xb = CLAMP (crossings[c + 1], 0, width);
              int ia = (int) xa, ib = (int) xb;
              float w = 1.0f / COVERAGE_SUBROWS;

              if (xb <= xa)
                continue;
              if (ia == ib)
                {
                  row[ia] += (float) (xb - xa) * w;
                  continue;
                }
              row[ia] += (float) (ia + 1 - xa) * w;
              steps[ia + 1] += w;
              steps[ib] -= w;
              if (ib < width)
                row[ib] += (float) (xb - ib) * w;
            }
        }
      {
        float run = 0;

        for (int i = 0; i < width; i++)
          {
            run += steps[i];
            row[i] = CLAMP (row[i] + run, 0.0f, 1.0f);
          }
      }
    }
}

/* Reads the photo at the map's size into @planes: the luminance (or the
 * match with @rgb for a mask) of each pixel, unpremultiplied, and its
 * weight, the region's cover × the photo's alpha. */
static gboolean
read_photo (const MapJob             *job,
            const MockupImageSource  *source,
            const MockupImageInfo    *info,
            const double              rgb[3],
            MapPlanes                *planes,
            GCancellable             *cancellable,
            GError                  **error)
{
  g_autoptr(MockupImageReader) reader = NULL;
  g_autofree guint32 *row = NULL;
  int width = planes->width, height = planes->height;
  double band_low = job->tolerance, band = job->softness;
  gsize estimate;

  estimate = mockup_image_reader_estimate_memory (info, width, height);
  if (estimate > MAX_DECODE_MEMORY)
    return fail (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE, job->photo,
                 "decoding the photo takes %" G_GSIZE_FORMAT " MiB, more than the %"
                 G_GSIZE_FORMAT " MiB allowed", estimate >> 20, MAX_DECODE_MEMORY >> 20);

  reader = mockup_image_reader_new_full (source, info, width, height, MOCKUP_IMAGE_READER_NONE,
                                         cancellable, error);
  if (reader == NULL)
    return FALSE;

  row = g_new (guint32, width);
  for (int y = 0; y < height; y++)
    {
      float *value = planes->value + (gsize) y * width;
      float *weight = planes->weight + (gsize) y * width;
      const float *cover = planes->cover + (gsize) y * width;

      if (((y & 31) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error)) ||
          !mockup_image_reader_read_row (reader, row, error))
        return FALSE;

      for (int x = 0; x < width; x++)
        {
          guint32 p = row[x];
          float a = (float) (p >> 24) / 255.0f;
          float r, g, b;

          if (a == 0)
            {
              value[x] = 0;
              weight[x] = 0;
              continue;
            }
          r = (float) ((p >> 16) & 0xff) / 255.0f / a;
          g = (float) ((p >> 8) & 0xff) / 255.0f / a;
          b = (float) (p & 0xff) / 255.0f / a;
          weight[x] = cover[x] * a;

          if (job->kind == MAP_COLOR_MASK)
            {
              double dr = r - rgb[0], dg = g - rgb[1], db = b - rgb[2];
              double distance = sqrt ((dr * dr + dg * dg + db * db) / 3);
              double match;

              if (distance <= band_low)
                match = 1;
              else if (distance >= band_low + band)
                match = 0;
              else
                match = 1 - (distance - band_low) / band;
              value[x] = (float) match;
            }
          else
            /* the engine's luminance, on sRGB values as it reads a map */
            value[x] = MIN (1.0f, 0.2126f * r + 0.7152f * g + 0.0722f * b);
        }
    }
  return TRUE;
}

/* A box filter of 2 @radius + 1 samples along a row, zero past its ends;
 * @scratch holds @n + 1 running sums, in doubles: differences of large
 * float sums would lose the small slopes a displacement map is made of. */
static void
box_row (float  *data,
         int     n,
         gsize   step,
         int     radius,
         double *scratch)
{
  double sum = 0;
  double scale = 1.0 / (2 * radius + 1);

  scratch[0] = 0;
  for (int i = 0; i < n; i++)
    {
      sum += data[i * step];
      scratch[i + 1] = sum;
    }
  for (int i = 0; i < n; i++)
    {
      int lo = MAX (i - radius, 0), hi = MIN (i + radius + 1, n);

      data[i * step] = (float) ((scratch[hi] - scratch[lo]) * scale);
    }
}

/* A Gaussian blur of standard deviation @sigma (map pixels) as three box
 * filters each way, zero outside the plane. */
static gboolean
gaussian_blur (float         *plane,
               int            width,
               int            height,
               double         sigma,
               GCancellable  *cancellable,
               GError       **error)
{
  g_autofree double *scratch = g_new (double, MAX (width, height) + 1);
  g_autofree float *column = g_new (float, height);
  double ideal = sqrt (12 * sigma * sigma / 3 + 1);
  int lower = (int) floor (ideal), n_lower;

  if (sigma < 0.2)
    return TRUE;

  if (lower % 2 == 0)
    lower--;
  n_lower = (int) round ((12 * sigma * sigma - 3.0 * lower * lower - 12.0 * lower - 9) /
                         (-4.0 * lower - 4));
  for (int pass = 0; pass < 3; pass++)
    {
      int radius = ((pass < n_lower ? lower : lower + 2) - 1) / 2;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (radius <= 0)
        continue;
      for (int y = 0; y < height; y++)
        box_row (plane + (gsize) y * width, width, 1, radius, scratch);
      /* columns through a copy: striding down a large plane misses the
       * cache on every sample */
      for (int x = 0; x < width; x++)
        {
          for (int y = 0; y < height; y++)
            column[y] = plane[(gsize) y * width + x];
          box_row (column, height, 1, radius, scratch);
          for (int y = 0; y < height; y++)
            plane[(gsize) y * width + x] = column[y];
        }
    }
  return TRUE;
}

/* The weighted median of @value over the pixels' @weight, from a
 * histogram of HISTOGRAM_BINS over [0, @top]; -1 when nothing weighs. */
static double
weighted_quantile (const float *value,
                   const float *weight,
                   gsize        n,
                   double       top,
                   double       quantile)
{
  g_autofree double *bins = g_new0 (double, HISTOGRAM_BINS);
  double total = 0, below = 0;

  for (gsize i = 0; i < n; i++)
    if (weight[i] > 0)
      {
        int bin = (int) (value[i] / top * HISTOGRAM_BINS);

        bins[CLAMP (bin, 0, HISTOGRAM_BINS - 1)] += weight[i];
        total += weight[i];
      }
  if (total <= 0)
    return -1;
  for (int bin = 0; bin < HISTOGRAM_BINS; bin++)
    {
      if (below + bins[bin] >= quantile * total)
        {
          /* where in the bin, as if its values were spread evenly */
          double inside = bins[bin] > 0 ? (quantile * total - below) / bins[bin] : 0.5;

          return (bin + inside) * top / HISTOGRAM_BINS;
        }
      below += bins[bin];
    }
  return top;
}

/* Smooths the luminance where the region is, as a normalised convolution:
 * blur (value × weight) / blur (weight), so that what lies outside the
 * region (the wall behind the product) does not bleed into its edge.
 * Leaves the luminance relative to the region's median in @planes->value,
 * 1 where nothing of the region is near. */
static gboolean
relative_luminance (MapPlanes     *planes,
                    double         sigma,
                    GCancellable  *cancellable,
                    GError       **error)
{
  gsize n = (gsize) planes->width * planes->height;
  g_autofree float *weight = g_memdup2 (planes->weight, n * sizeof (float));
  double median;

  /* the median of the pixels that are mostly inside: the edge's mixed
   * pixels would pull it toward the background */
  {
    g_autofree float *inside = g_new (float, n);

    for (gsize i = 0; i < n; i++)
      inside[i] = planes->cover[i] >= 0.5f ? planes->weight[i] : 0;
    median = weighted_quantile (planes->value, inside, n, 1.0, 0.5);
    if (median < 0)
      median = weighted_quantile (planes->value, planes->weight, n, 1.0, 0.5);
  }
  /* a black region: compare with the darkest grey a map can tell */
  median = MAX (median, 1 / 255.0);

  for (gsize i = 0; i < n; i++)
    planes->value[i] *= planes->weight[i];
  if (!gaussian_blur (planes->value, planes->width, planes->height, sigma, cancellable, error) ||
      !gaussian_blur (weight, planes->width, planes->height, sigma, cancellable, error))
    return FALSE;
  for (gsize i = 0; i < n; i++)
    planes->value[i] = weight[i] > 1e-6f ? (float) (planes->value[i] / weight[i] / median) : 1.0f;
  return TRUE;
}

static guint8
to_byte (double value)
{
  return (guint8) lround (CLAMP (value, 0, 1) * 255);
}

static gboolean
write_png (const char    *output,
           const guint8  *pixels,
           int            width,
           int            height,
           int            channels,
           GError       **error)
{
  spng_ctx *ctx = spng_ctx_new (SPNG_CTX_ENCODER);
  struct spng_ihdr ihdr = {
    .width = (uint32_t) width,
    .height = (uint32_t) height,
    .bit_depth = 8,
    .color_type = channels == 1 ? SPNG_COLOR_TYPE_GRAYSCALE : SPNG_COLOR_TYPE_TRUECOLOR,
  };
  g_autoptr(GError) local_error = NULL;
  void *data = NULL;
  size_t length = 0;
  int ret;

  if (ctx == NULL)
    return fail (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED, output, "PNG encoder: out of memory");

  spng_set_option (ctx, SPNG_ENCODE_TO_BUFFER, 1);
  spng_set_ihdr (ctx, &ihdr);
  spng_set_srgb (ctx, 0);
  ret = spng_encode_image (ctx, pixels, (size_t) width * height * channels, SPNG_FMT_PNG,
                           SPNG_ENCODE_FINALIZE);
  if (ret == 0)
    data = spng_get_png_buffer (ctx, &length, &ret);
  spng_ctx_free (ctx);
  if (ret != 0 || data == NULL)
    {
      free (data);
      return fail (error, MOCKUP_ERROR, MOCKUP_ERROR_FAILED, output,
                   "PNG encoder: %s", spng_strerror (ret));
    }

  /* a temporary file renamed over @output: a reader never sees half a map */
  if (!g_file_set_contents_full (output, data, (gssize) length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0666, &local_error))
    {
      free (data);
      return fail (error, G_IO_ERROR,
                   local_error->code == G_FILE_ERROR_ACCES ? G_IO_ERROR_PERMISSION_DENIED :
                   local_error->code == G_FILE_ERROR_NOSPC ? G_IO_ERROR_NO_SPACE :
                   local_error->code == G_FILE_ERROR_NOENT ? G_IO_ERROR_NOT_FOUND :
                   local_error->code == G_FILE_ERROR_ISDIR ? G_IO_ERROR_IS_DIRECTORY :
                   G_IO_ERROR_FAILED,
                   output, "cannot write the map: %s", local_error->message);
    }
  free (data);
  return TRUE;
}

/* What each map is where the region is not: a shading map's neutral grey
 * (for "neutral": 0.5), a displacement map's no shift, a mask's nothing. */
static gboolean
make_map (MapJob        *job,
          GCancellable  *cancellable,
          GError       **error)
{
  MockupImageSource source;
  MockupImageInfo info;
  g_auto(MapPlanes) planes = { 0 };
  g_autofree guint8 *pixels = NULL;
  double rgb[3] = { 0, 0, 0 };
  double scale, sx, sy, covered = 0;
  gsize n;
  int channels = job->kind == MAP_DISPLACEMENT ? 3 : 1;
  gboolean ok;

  if (!check_arguments (job, rgb, error) || !check_output (job->output, job->photo, error))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  mockup_image_source_init_path (&source, job->photo);
  ok = mockup_image_source_probe (&source, &info, error);
  if (!ok)
    {
      mockup_image_source_clear (&source);
      return FALSE;
    }

  scale = MIN (1.0, (double) MAX_MAP_SIDE / MAX (info.width, info.height));
  planes.width = MAX (1, (int) lround (info.width * scale));
  planes.height = MAX (1, (int) lround (info.height * scale));
  sx = (double) planes.width / info.width;
  sy = (double) planes.height / info.height;
  n = (gsize) planes.width * planes.height;

  planes.cover = g_new0 (float, n);
  if (job->n_region == 0)
    for (gsize i = 0; i < n; i++)
      planes.cover[i] = 1;
  else
    measure_coverage (job->region, job->n_region / 2, sx, sy,
                      planes.width, planes.height, planes.cover);
  for (gsize i = 0; i < n; i++)
    covered += planes.cover[i];
  if (covered / (sx * sy) < 1)
    {
      mockup_image_source_clear (&source);
      return fail (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, job->photo,
                   "region: the polygon lies outside the photo (%d × %d pixels)",
                   info.width, info.height);
    }

  planes.weight = g_new (float, n);
  planes.value = g_new (float, n);
  ok = read_photo (job, &source, &info, rgb, &planes, cancellable, error);
  mockup_image_source_clear (&source);
  if (!ok)
    return FALSE;

  pixels = g_new (guint8, n * channels);
  switch (job->kind)
    {
    case MAP_SHADING:
      if (!relative_luminance (&planes, job->smoothing * (sx + sy) / 2, cancellable, error))
        return FALSE;
      /* 0.5 × relative luminance: with "neutral": 0.5 the engine
       * multiplies the print by L / 0.5, the relative luminance itself */
      for (gsize i = 0; i < n; i++)
        pixels[i] = to_byte (0.5 + planes.cover[i] * (MIN (0.5 * planes.value[i], 1.0) - 0.5));
      break;

    case MAP_DISPLACEMENT:
      {
        int w = planes.width, h = planes.height;
        g_autofree float *slope = g_new (float, n);
        g_autofree float *gx = g_new (float, n);
        g_autofree float *gy = g_new (float, n);
        double steepest, top = 0;

        if (!relative_luminance (&planes, job->smoothing * (sx + sy) / 2,
                                 cancellable, error))
          return FALSE;
        /* the gradient of the relative luminance, per photo pixel, as
         * central differences (one-sided at the plane's ends) */
        for (int y = 0; y < h; y++)
          for (int x = 0; x < w; x++)
            {
              const float *v = planes.value;
              gsize i = (gsize) y * w + x;
              int xl = MAX (x - 1, 0), xr = MIN (x + 1, w - 1);
              int yu = MAX (y - 1, 0), yd = MIN (y + 1, h - 1);

              gx[i] = xr > xl ? (v[(gsize) y * w + xr] - v[(gsize) y * w + xl]) / (xr - xl) * sx : 0;
              gy[i] = yd > yu ? (v[(gsize) yd * w + x] - v[(gsize) yu * w + x]) / (yd - yu) * sy : 0;
              slope[i] = MAX (fabsf (gx[i]), fabsf (gy[i]));
              if (planes.cover[i] >= 0.5f)
                top = MAX (top, slope[i]);
            }
        {
          g_autofree float *inside = g_new (float, n);

          for (gsize i = 0; i < n; i++)
            inside[i] = planes.cover[i] >= 0.5f ? 1.0f : 0.0f;
          steepest = top > 0 ? weighted_quantile (slope, inside, n, top, SLOPE_PERCENTILE) : 0;
        }
        steepest = MAX (steepest, MIN_SLOPE);
        /* brighter toward +x moves the print toward +x, as the gradient of
         * a height field does in the sample templates */
        for (gsize i = 0; i < n; i++)
          {
            double c = planes.cover[i];

            pixels[3 * i] = to_byte (0.5 + c * 0.5 * CLAMP (gx[i] / steepest, -1, 1));
            pixels[3 * i + 1] = to_byte (0.5 + c * 0.5 * CLAMP (gy[i] / steepest, -1, 1));
            pixels[3 * i + 2] = 128;
          }
      }
      break;

    case MAP_COLOR_MASK:
      for (gsize i = 0; i < n; i++)
        pixels[i] = to_byte (planes.value[i] * planes.weight[i]);
      break;

    default:
      g_assert_not_reached ();
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  return write_png (job->output, pixels, planes.width, planes.height, channels, error);
}

static void
map_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GError *error = NULL;

  if (make_map (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
map_run_async (MapJob              *job,
               gpointer             source_tag,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) map_job_free);
  /* a cancelled map is not written, and its error is the cancellation */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, map_thread);
}

static gboolean
map_finish (GAsyncResult  *result,
            gpointer       source_tag,
            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
map_run (MapJob        *job,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(MapJob) owned = job;

  return make_map (owned, cancellable, error);
}

/**
 * mockup_photo_maps_shading:
 * @photo: (type filename): the template's photo: JPEG, PNG, WebP, GIF or
 *   TIFF, its EXIF orientation applied
 * @region: (array length=n_region): the slot's outline on the photo, a
 *   polygon of @n_region / 2 points x0, y0, x1, y1, … in the photo's pixels
 *   (its corners for a quad; the outline of a mesh or cylinder)
 * @n_region: the number of coordinates in @region: 6 or more, even
 * @smoothing: the standard deviation of the Gaussian blur applied to the
 *   photo's light, in photo pixels, 0 (none) to 1000; a few pixels keep
 *   folds and drop the texture of the fabric
 * @output: (type filename): the PNG file to write, replaced atomically
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for an error
 *
 * Makes a shading map for a slot from the light on the photo under it.
 * Within @region, the map is 0.5 × the photo's luminance / the region's
 * median luminance, smoothed, clamped to 0 to 1; outside it, mid-grey.
 * Named as the slot's `shading` with `"neutral": 0.5`, it multiplies the
 * print by the photo's luminance relative to the median: the product's own
 * light and folds, which the manifest's `strength` can then tone down. The
 * luminance is the engine's own (0.2126 R + 0.7152 G + 0.0722 B on sRGB
 * values), and the smoothing only averages pixels of the region, so the
 * background does not darken or lighten its edge.
 *
 * The map is an 8-bit grey PNG at the photo's aspect ratio, at most 2048
 * pixels a side (the engine stretches it to the canvas); the photo is read
 * at that size, with JPEG's scaled decoding, so a large photo takes little
 * memory. Bad arguments fail with `G_IO_ERROR_INVALID_ARGUMENT`, a photo
 * that cannot be read with a [error@Mockup.Error], a map that cannot be
 * written with a `G_IO_ERROR`; every message names the file and the
 * problem.
 *
 * Returns: %TRUE when @output was written; %FALSE with @error set
 */
gboolean
mockup_photo_maps_shading (const char    *photo,
                           const double  *region,
                           gsize          n_region,
                           double         smoothing,
                           const char    *output,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_return_val_if_fail (photo != NULL, FALSE);
  g_return_val_if_fail (region != NULL || n_region == 0, FALSE);
  g_return_val_if_fail (output != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return map_run (map_job_new (MAP_SHADING, photo, region, n_region, smoothing,
                               NULL, 0, 0, output),
                  cancellable, error);
}

/**
 * mockup_photo_maps_shading_async:
 * @photo: (type filename): the template's photo
 * @region: (array length=n_region): the slot's outline on the photo, x, y
 *   pairs in the photo's pixels
 * @n_region: the number of coordinates in @region
 * @smoothing: the blur's standard deviation in photo pixels
 * @output: (type filename): the PNG file to write
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the map is written or has failed
 * @user_data: data for @callback
 *
 * Makes the shading map of [func@Mockup.photo_maps_shading] in a worker
 * thread. Cancelling it leaves @output as it was.
 */
void
mockup_photo_maps_shading_async (const char          *photo,
                                 const double        *region,
                                 gsize                n_region,
                                 double               smoothing,
                                 const char          *output,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_return_if_fail (photo != NULL);
  g_return_if_fail (region != NULL || n_region == 0);
  g_return_if_fail (output != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  map_run_async (map_job_new (MAP_SHADING, photo, region, n_region, smoothing,
                              NULL, 0, 0, output),
                 mockup_photo_maps_shading_async, cancellable, callback, user_data);
}

/**
 * mockup_photo_maps_shading_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Completes [func@Mockup.photo_maps_shading_async].
 *
 * Returns: %TRUE when the map was written; %FALSE with @error set
 *   (`G_IO_ERROR_CANCELLED` when it was cancelled)
 */
gboolean
mockup_photo_maps_shading_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return map_finish (result, mockup_photo_maps_shading_async, error);
}

/**
 * mockup_photo_maps_displacement:
 * @photo: (type filename): the template's photo: JPEG, PNG, WebP, GIF or
 *   TIFF, its EXIF orientation applied
 * @region: (array length=n_region): the slot's outline on the photo, a
 *   polygon of @n_region / 2 points x0, y0, x1, y1, … in the photo's pixels
 * @n_region: the number of coordinates in @region: 6 or more, even
 * @smoothing: the standard deviation of the Gaussian blur applied to the
 *   photo's light before its slopes are taken, in photo pixels, 0 to 1000;
 *   keep it larger than for shading (a displacement that changes abruptly
 *   tears the print)
 * @output: (type filename): the PNG file to write, replaced atomically
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for an error
 *
 * Makes a displacement map for a slot on fabric from the folds on the photo
 * under it. The photo's luminance relative to the region's median, smoothed
 * as for [func@Mockup.photo_maps_shading], stands for the height of the
 * surface; the map is its gradient: red is 0.5 + 0.5 × the horizontal slope
 * / S, green the same for the vertical slope, blue 0.5, where S is the
 * slope that only 1% of the region's pixels exceed (and at least 0.002 per
 * pixel, so that a flat region stays flat). The print thus moves toward
 * the lit side of each fold, by up to the manifest's `displacement.strength`
 * pixels at the steepest slopes. Outside @region, and at flat places, the
 * map is 0.5 (128): no shift.
 *
 * The map is an 8-bit RGB PNG at the photo's aspect ratio, at most 2048
 * pixels a side. Errors as for [func@Mockup.photo_maps_shading].
 *
 * Returns: %TRUE when @output was written; %FALSE with @error set
 */
gboolean
mockup_photo_maps_displacement (const char    *photo,
                                const double  *region,
                                gsize          n_region,
                                double         smoothing,
                                const char    *output,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_return_val_if_fail (photo != NULL, FALSE);
  g_return_val_if_fail (region != NULL || n_region == 0, FALSE);
  g_return_val_if_fail (output != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return map_run (map_job_new (MAP_DISPLACEMENT, photo, region, n_region, smoothing,
                               NULL, 0, 0, output),
                  cancellable, error);
}

/**
 * mockup_photo_maps_displacement_async:
 * @photo: (type filename): the template's photo
 * @region: (array length=n_region): the slot's outline on the photo, x, y
 *   pairs in the photo's pixels
 * @n_region: the number of coordinates in @region
 * @smoothing: the blur's standard deviation in photo pixels
 * @output: (type filename): the PNG file to write
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the map is written or has failed
 * @user_data: data for @callback
 *
 * Makes the displacement map of [func@Mockup.photo_maps_displacement] in a
 * worker thread. Cancelling it leaves @output as it was.
 */
void
mockup_photo_maps_displacement_async (const char          *photo,
                                      const double        *region,
                                      gsize                n_region,
                                      double               smoothing,
                                      const char          *output,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (photo != NULL);
  g_return_if_fail (region != NULL || n_region == 0);
  g_return_if_fail (output != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  map_run_async (map_job_new (MAP_DISPLACEMENT, photo, region, n_region, smoothing,
                              NULL, 0, 0, output),
                 mockup_photo_maps_displacement_async, cancellable, callback, user_data);
}

/**
 * mockup_photo_maps_displacement_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Completes [func@Mockup.photo_maps_displacement_async].
 *
 * Returns: %TRUE when the map was written; %FALSE with @error set
 *   (`G_IO_ERROR_CANCELLED` when it was cancelled)
 */
gboolean
mockup_photo_maps_displacement_finish (GAsyncResult  *result,
                                       GError       **error)
{
  return map_finish (result, mockup_photo_maps_displacement_async, error);
}

/**
 * mockup_photo_maps_color_mask:
 * @photo: (type filename): the template's photo: JPEG, PNG, WebP, GIF or
 *   TIFF, its EXIF orientation applied
 * @region: (array length=n_region) (nullable): where to look, a polygon of
 *   @n_region / 2 points x0, y0, x1, y1, … in the photo's pixels; %NULL
 *   with @n_region 0 for the whole photo
 * @n_region: the number of coordinates in @region: 0, or 6 or more, even
 * @color: the colour to select, `"#rgb"` or `"#rrggbb"` (sRGB)
 * @tolerance: how far a pixel's colour may be from @color and still be
 *   fully selected, 0 to 1: the distance between two colours is the root
 *   mean square of their R, G and B differences (0 to 1 each), so 0 is the
 *   exact colour and 1 every colour
 * @softness: over how much more distance the selection fades out, 0 (a
 *   hard edge) to 1
 * @output: (type filename): the PNG file to write, replaced atomically
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for an error
 *
 * Makes a mask of the parts of the photo that have a colour: an occluder
 * (a hand over a mug, a clip over a poster) to draw in front of the print,
 * or a product to colour. The mask is white where a pixel's colour is
 * within @tolerance of @color, black beyond @tolerance + @softness, grey
 * in between (linearly), and black outside @region and where the photo is
 * transparent; the region's own edge is antialiased. Use it as a layer's
 * `mask` (mode `luminance`, the default).
 *
 * The mask is an 8-bit grey PNG at the photo's aspect ratio, at most 2048
 * pixels a side, so that it fits any canvas the photo sets. Errors as for
 * [func@Mockup.photo_maps_shading].
 *
 * Returns: %TRUE when @output was written; %FALSE with @error set
 */
gboolean
mockup_photo_maps_color_mask (const char    *photo,
                              const double  *region,
                              gsize          n_region,
                              const char    *color,
                              double         tolerance,
                              double         softness,
                              const char    *output,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_return_val_if_fail (photo != NULL, FALSE);
  g_return_val_if_fail (region != NULL || n_region == 0, FALSE);
  g_return_val_if_fail (color != NULL, FALSE);
  g_return_val_if_fail (output != NULL, FALSE);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return map_run (map_job_new (MAP_COLOR_MASK, photo, region, n_region, 0,
                               color, tolerance, softness, output),
                  cancellable, error);
}

/**
 * mockup_photo_maps_color_mask_async:
 * @photo: (type filename): the template's photo
 * @region: (array length=n_region) (nullable): where to look, x, y pairs
 *   in the photo's pixels; %NULL with @n_region 0 for the whole photo
 * @n_region: the number of coordinates in @region
 * @color: the colour to select, `"#rgb"` or `"#rrggbb"`
 * @tolerance: the distance fully selected, 0 to 1
 * @softness: the distance over which the selection fades, 0 to 1
 * @output: (type filename): the PNG file to write
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async): called when the mask is written or has failed
 * @user_data: data for @callback
 *
 * Makes the mask of [func@Mockup.photo_maps_color_mask] in a worker
 * thread. Cancelling it leaves @output as it was.
 */
void
mockup_photo_maps_color_mask_async (const char          *photo,
                                    const double        *region,
                                    gsize                n_region,
                                    const char          *color,
                                    double               tolerance,
                                    double               softness,
                                    const char          *output,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (photo != NULL);
  g_return_if_fail (region != NULL || n_region == 0);
  g_return_if_fail (color != NULL);
  g_return_if_fail (output != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  map_run_async (map_job_new (MAP_COLOR_MASK, photo, region, n_region, 0,
                              color, tolerance, softness, output),
                 mockup_photo_maps_color_mask_async, cancellable, callback, user_data);
}

/**
 * mockup_photo_maps_color_mask_finish:
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for an error
 *
 * Completes [func@Mockup.photo_maps_color_mask_async].
 *
 * Returns: %TRUE when the mask was written; %FALSE with @error set
 *   (`G_IO_ERROR_CANCELLED` when it was cancelled)
 */
gboolean
mockup_photo_maps_color_mask_finish (GAsyncResult  *result,
                                     GError       **error)
{
  return map_finish (result, mockup_photo_maps_color_mask_async, error);
}
