/* standalone-main.c: runs a fuzz target without libFuzzer
 *
 *   fuzz-NAME-regress PATH…
 *
 * calls LLVMFuzzerTestOneInput () once with the contents of each file named
 * or found directly in each folder named (subfolders such as pending/ are
 * not entered; a folder that does not exist counts as empty), in name
 * order, and reports each as a TAP test. A crash, a sanitizer report or an
 * assertion in the target is the failure. No input at all is a failure
 * too: a regression test that runs nothing proves nothing.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
add_inputs (GPtrArray  *inputs,
            const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        g_ptr_array_add (inputs, g_strdup (path));
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (name[0] != '.' && g_file_test (child, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (names, g_steal_pointer (&child));
    }
  g_ptr_array_sort (names, compare_paths);
  for (guint i = 0; i < names->len; i++)
    g_ptr_array_add (inputs, g_strdup (names->pdata[i]));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    add_inputs (inputs, argv[i]);

  if (inputs->len == 0)
    {
      printf ("1..0 # no inputs: nothing was tested\n");
      fprintf (stderr, "%s: no input files in the folders given\n", argv[0]);
      return 1;
    }

  printf ("1..%u\n", inputs->len);
  for (guint i = 0; i < inputs->len; i++)
    {
      const char *path = inputs->pdata[i];
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize length;

      if (!g_file_get_contents (path, &contents, &length, &error))
        {
          printf ("not ok %u - %s: %s\n", i + 1, path, error->message);
          continue;
        }
      /* What libFuzzer passes: a copy of exactly the input's bytes, so that
       * reading one byte past the end is caught by AddressSanitizer. */
      {
        g_autofree uint8_t *copy = g_memdup2 (contents, length);

        fflush (stdout);
        LLVMFuzzerTestOneInput (length > 0 ? copy : (const uint8_t *) "", length);
      }
      printf ("ok %u - %s\n", i + 1, path);
      fflush (stdout);
    }
  return 0;
}
