/*
 * clock.h: the driver's wall clock for its timings (seconds, monotonic).
 */
#ifndef DRV_CLOCK_H
#define DRV_CLOCK_H

/* Seconds on the monotonic clock (only differences mean anything). */
double drv_now(void);

#endif /* DRV_CLOCK_H */
