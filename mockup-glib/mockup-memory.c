/* mockup-memory.c: resident memory, read the cheap way
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "mockup-memory.h"

/**
 * mockup_get_resident_memory:
 *
 * The resident set size of the calling process: how much physical memory it
 * holds now. Servers log it next to each result; see
 * [method@Mockup.Result.get_resident_memory].
 *
 * Returns: bytes, or 0 where the platform does not tell
 */
guint64
mockup_get_resident_memory (void)
{
#ifdef __linux__
  unsigned long long size = 0, resident = 0;
  FILE *file = fopen ("/proc/self/statm", "re");

  if (file != NULL)
    {
      int n = fscanf (file, "%llu %llu", &size, &resident);

      fclose (file);
      if (n == 2)
        return (guint64) resident * (guint64) sysconf (_SC_PAGESIZE);
    }
#endif
  return 0;
}

/**
 * mockup_get_peak_resident_memory:
 *
 * The largest resident set size the calling process has had since it
 * started.
 *
 * Returns: bytes, or 0 where the platform does not tell
 */
guint64
mockup_get_peak_resident_memory (void)
{
  struct rusage usage;
#ifdef __linux__
  /* VmHWM is exact; ru_maxrss can lag behind the current resident size */
  FILE *file = fopen ("/proc/self/status", "re");
  char line[256];

  if (file != NULL)
    {
      unsigned long long kib = 0;

      while (fgets (line, sizeof line, file) != NULL)
        if (sscanf (line, "VmHWM: %llu kB", &kib) == 1)
          break;
      fclose (file);
      if (kib > 0)
        return (guint64) kib * 1024;
    }
#endif

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return 0;

  /* Linux reports kilobytes. */
  return (guint64) usage.ru_maxrss * 1024;
}
