/*
 * clock.c: the driver's wall clock (clock.h).
 */
#include "clock.h"

#include <time.h>

double drv_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
