/* Every byte to a blocking descriptor; see writeall.h. */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "common/writeall.h"

int
write_all(int fd, const void *p, size_t n)
{
	const uint8_t	*b = p;
	ssize_t		 w;

	while (n > 0) {
		w = write(fd, b, n);
		if (w == -1 && errno == EINTR)
			continue;
		if (w == -1)
			return -1;
		if (w == 0) {
			errno = EIO;
			return -1;
		}
		b += w;
		n -= (size_t)w;
	}
	return 0;
}
