/* The one clock: monotonic milliseconds. */
#include <criterion/criterion.h>

#include <time.h>

#include "common/clock.h"

Test(clock, is_monotonic_milliseconds)
{
	struct timespec	 ts = { 0, 20 * 1000 * 1000 };
	uint64_t	 a, b;

	a = clock_ms();
	nanosleep(&ts, NULL);
	b = clock_ms();
	/* At least the 20 ms slept; no upper bound: a machine may be slow. */
	cr_assert_geq(b - a, 20, "%llu ms", (unsigned long long)(b - a));
	cr_assert_geq(clock_ms(), b);
}
