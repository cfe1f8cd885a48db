/* Monotonic milliseconds; see clock.h. */
#include <time.h>

#include "common/clock.h"
#include "common/log.h"

uint64_t
clock_ms(void)
{
	struct timespec	 ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		fatal("op=clock why=\"clock_gettime\"");
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
