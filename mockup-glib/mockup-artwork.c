/* mockup-artwork.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "mockup-artwork-private.h"
#include "mockup-buffer-private.h"
#include "mockup-error.h"
#include "mockup-image-reader-private.h"

/**
 * MockupArtwork:
 *
 * The customer's image: what the templates show on their posters, shirts
 * and mugs.
 *
 * Creating an artwork only reads the image's header: its size and its EXIF
 * orientation (which is applied). The pixels are decoded on first use, once,
 * at the resolution the templates actually need, and shared read-only by
 * every render that uses the artwork, including renders running at the same
 * time in other threads. A 16-megapixel PNG that the templates show at
 * 1200 pixels wide is decoded row by row and shrunk as it streams in; it is
 * never held in memory whole.
 *
 * Create the artwork once and pass it to every render and batch that shows
 * it; the decoded pixels stay with it until it is finalized.
 *
 * A render that needs less resolution than an earlier one samples the
 * larger decode (through its mipmaps) instead of decoding again, and a
 * render that needs more decodes again at the larger size. The pixels of a
 * render can therefore differ slightly, mostly along hard edges of the
 * artwork, with what was rendered before with the same artwork object.
 * Where results must be identical bit for bit across runs (a cache keyed by
 * the render's inputs, a reference image in a test), use a new artwork for
 * each, or give every run the same sequence of renders.
 */

struct _MockupArtwork
{
  GObject parent_instance;

  MockupImageSource source;
  MockupImageInfo info;

  GMutex lock;
  MockupTexture *textures[2];   /* indexed by linear light */
};

enum {
  PROP_0,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (MockupArtwork, mockup_artwork, G_TYPE_OBJECT)

static void
mockup_artwork_finalize (GObject *object)
{
  MockupArtwork *self = (MockupArtwork *) object;

  mockup_image_source_clear (&self->source);
  g_clear_pointer (&self->textures[0], mockup_texture_unref);
  g_clear_pointer (&self->textures[1], mockup_texture_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (mockup_artwork_parent_class)->finalize (object);
}

static void
mockup_artwork_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  MockupArtwork *self = MOCKUP_ARTWORK (object);

  switch (prop_id)
    {
    case PROP_WIDTH:
      g_value_set_int (value, self->info.width);
      break;
    case PROP_HEIGHT:
      g_value_set_int (value, self->info.height);
      break;
    case PROP_PATH:
      g_value_set_string (value, self->source.path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mockup_artwork_class_init (MockupArtworkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mockup_artwork_finalize;
  object_class->get_property = mockup_artwork_get_property;

  /**
   * MockupArtwork:width: (getter get_width)
   *
   * The image's width in pixels, as displayed (after EXIF orientation).
   */
  properties[PROP_WIDTH] =
    g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupArtwork:height: (getter get_height)
   *
   * The image's height in pixels, as displayed (after EXIF orientation).
   */
  properties[PROP_HEIGHT] =
    g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * MockupArtwork:path: (getter get_path)
   *
   * The file the artwork is read from, or %NULL for one made from bytes
   * or a pixbuf.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
mockup_artwork_init (MockupArtwork *self)
{
  g_mutex_init (&self->lock);
}

static MockupArtwork *
artwork_new_probed (MockupImageSource  *source,
                    GError            **error)
{
  g_autoptr(MockupArtwork) self = g_object_new (MOCKUP_TYPE_ARTWORK, NULL);

  self->source = *source;
  memset (source, 0, sizeof *source);

  if (!mockup_image_source_probe (&self->source, &self->info, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * mockup_artwork_new_from_file:
 * @path: (type filename): an image file: JPEG and PNG are decoded as they
 *   stream in; WebP, GIF (its first frame) and TIFF (its first page) are
 *   decoded whole; other formats are refused
 * @error: return location for a [error@Mockup.Error]
 *
 * Opens an artwork file and reads its header. A missing file, one that is
 * not an image, and one whose header announces an absurd size (a
 * decompression bomb) fail here; a file truncated after its header fails
 * when a render decodes it.
 *
 * Returns: (transfer full): the artwork, or %NULL with @error set
 */
MockupArtwork *
mockup_artwork_new_from_file (const char  *path,
                              GError     **error)
{
  MockupImageSource source;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mockup_image_source_init_path (&source, path);
  return artwork_new_probed (&source, error);
}

/**
 * mockup_artwork_new_from_bytes:
 * @bytes: the contents of an image file
 * @error: return location for a [error@Mockup.Error]
 *
 * Like [ctor@Mockup.Artwork.new_from_file], for an image already in
 * memory, such as an upload a server received.
 *
 * Returns: (transfer full): the artwork, or %NULL with @error set
 */
MockupArtwork *
mockup_artwork_new_from_bytes (GBytes  *bytes,
                               GError **error)
{
  MockupImageSource source;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  mockup_image_source_init_bytes (&source, bytes);
  return artwork_new_probed (&source, error);
}

/**
 * mockup_artwork_new_from_pixbuf:
 * @pixbuf: an 8-bit RGB or RGBA pixbuf
 *
 * Wraps an image that is decoded already. The pixbuf is referenced, not
 * copied, and must not be changed while the artwork is in use.
 *
 * Returns: (transfer full): the artwork
 */
MockupArtwork *
mockup_artwork_new_from_pixbuf (GdkPixbuf *pixbuf)
{
  MockupImageSource source;
  MockupArtwork *self;

  g_return_val_if_fail (GDK_IS_PIXBUF (pixbuf), NULL);
  g_return_val_if_fail (gdk_pixbuf_get_bits_per_sample (pixbuf) == 8, NULL);
  g_return_val_if_fail (gdk_pixbuf_get_n_channels (pixbuf) >= 3, NULL);

  mockup_image_source_init_pixbuf (&source, pixbuf);
  self = artwork_new_probed (&source, NULL);
  g_assert (self != NULL);
  return self;
}

/**
 * mockup_artwork_get_width: (get-property width)
 * @self: an artwork
 *
 * Gets [property@Mockup.Artwork:width].
 *
 * Returns: the width in pixels, as displayed
 */
int
mockup_artwork_get_width (MockupArtwork *self)
{
  g_return_val_if_fail (MOCKUP_IS_ARTWORK (self), 0);
  return self->info.width;
}

/**
 * mockup_artwork_get_height: (get-property height)
 * @self: an artwork
 *
 * Gets [property@Mockup.Artwork:height].
 *
 * Returns: the height in pixels, as displayed
 */
int
mockup_artwork_get_height (MockupArtwork *self)
{
  g_return_val_if_fail (MOCKUP_IS_ARTWORK (self), 0);
  return self->info.height;
}

/**
 * mockup_artwork_get_path: (get-property path)
 * @self: an artwork
 *
 * Gets [property@Mockup.Artwork:path].
 *
 * Returns: (type filename) (nullable): the file the artwork is read from
 */
const char *
mockup_artwork_get_path (MockupArtwork *self)
{
  g_return_val_if_fail (MOCKUP_IS_ARTWORK (self), NULL);
  return self->source.path;
}

/**
 * mockup_artwork_get_decoded_size:
 * @self: an artwork
 *
 * How much memory the artwork's decoded pixels take: the texture (and its
 * filtered levels) that the first render decoded and every later render
 * shares. A program that keeps artworks between batches, as a server's
 * cache does, can count this against the renderer's budget with
 * [method@Mockup.Renderer.charge_memory].
 *
 * Returns: bytes, 0 while nothing is decoded
 */
guint64
mockup_artwork_get_decoded_size (MockupArtwork *self)
{
  guint64 size = 0;

  g_return_val_if_fail (MOCKUP_IS_ARTWORK (self), 0);

  g_mutex_lock (&self->lock);
  for (guint linear = 0; linear < G_N_ELEMENTS (self->textures); linear++)
    {
      const MockupTexture *texture = self->textures[linear];

      for (int i = 0; texture != NULL && i < texture->n_levels; i++)
        size += (guint64) texture->levels[i].width * texture->levels[i].height * (linear ? 8 : 4);
    }
  g_mutex_unlock (&self->lock);
  return size;
}

char *
_mockup_artwork_explain_memory (MockupArtwork *self,
                                guint64        cost,
                                guint64        needed)
{
  if (self == NULL || cost <= needed / 2)
    return g_strdup ("");
  return g_strdup_printf ("; decoding the artwork %s takes %" G_GUINT64_FORMAT " MiB of it",
                          self->source.display_name, (cost + (1 << 20) - 1) >> 20);
}

static void
clamp_size (MockupArtwork *self,
            int           *width,
            int           *height)
{
  *width = CLAMP (*width, 1, self->info.width);
  *height = CLAMP (*height, 1, self->info.height);
}

static gboolean
texture_suffices (MockupTexture *texture,
                  int            width,
                  int            height)
{
  return texture != NULL &&
         texture->levels[0].width >= width && texture->levels[0].height >= height;
}

gsize
_mockup_artwork_estimate_memory (MockupArtwork *self,
                                 int            width,
                                 int            height,
                                 gboolean       linear)
{
  gboolean cached;

  clamp_size (self, &width, &height);

  g_mutex_lock (&self->lock);
  cached = texture_suffices (self->textures[linear], width, height);
  g_mutex_unlock (&self->lock);

  if (cached)
    return 0;
  return mockup_texture_estimate_memory (width, height, linear) +
         mockup_image_reader_estimate_memory (&self->info, width, height);
}

MockupTexture *
_mockup_artwork_get_texture (MockupArtwork  *self,
                             int             width,
                             int             height,
                             gboolean        linear,
                             GCancellable   *cancellable,
                             GError        **error)
{
  g_autoptr(MockupImageReader) reader = NULL;
  guint32 *pixels = NULL;
  MockupTexture *texture;
  g_autoptr(GMutexLocker) locker = NULL;

  clamp_size (self, &width, &height);

  /* Holding the lock while decoding makes concurrent batches of the same
   * artwork wait for one decode instead of each doing their own. */
  locker = g_mutex_locker_new (&self->lock);

  if (texture_suffices (self->textures[linear], width, height))
    return mockup_texture_ref (self->textures[linear]);

  /* Keep the aspect ratio of the source: grow the other side to match. */
  if ((double) width / self->info.width < (double) height / self->info.height)
    width = MIN (self->info.width, (int) ceil ((double) height * self->info.width / self->info.height));
  else
    height = MIN (self->info.height, (int) ceil ((double) width * self->info.height / self->info.width));

  /* An artwork is decoded once, often from a large file, while nothing
   * else can start: give the codec a thread of its own. */
  reader = mockup_image_reader_new_full (&self->source, &self->info, width, height,
                                         (linear ? MOCKUP_IMAGE_READER_LINEAR_LIGHT : 0) |
                                         ((guint64) self->info.stored_width * self->info.stored_height >= 1000000
                                            ? MOCKUP_IMAGE_READER_PREFETCH : 0),
                                         cancellable, error);
  if (reader == NULL)
    return NULL;

  pixels = mockup_buffer_alloc ((gsize) width * height * 4);
  if (pixels == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory to decode the artwork at %d × %d",
                   self->source.display_name, width, height);
      return NULL;
    }

  for (int y = 0; y < height; y++)
    {
      if (((y & 63) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error)) ||
          !mockup_image_reader_read_row (reader, pixels + (gsize) y * width, error))
        {
          mockup_buffer_free (pixels, (gsize) width * height * 4);
          return NULL;
        }
    }

  texture = mockup_texture_new (pixels, width, height, linear);
  if (texture == NULL)
    {
      g_set_error (error, MOCKUP_ERROR, MOCKUP_ERROR_TOO_LARGE,
                   "%s: no memory for the artwork's filtered levels at %d × %d",
                   self->source.display_name, width, height);
      return NULL;
    }
  g_clear_pointer (&self->textures[linear], mockup_texture_unref);
  self->textures[linear] = mockup_texture_ref (texture);
  return texture;
}
