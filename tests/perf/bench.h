/*
 * Helpers shared by the benchmark programs in tests/perf/.
 *
 * The benchmarks print figures and never assert on time: they run on
 * shared, noisy machines, so every figure is the median of repeated runs
 * and comparisons are ratios of figures measured in the same process.
 */
#ifndef ASSAY_BENCH_H
#define ASSAY_BENCH_H

#include <stddef.h>

/* Milliseconds on the monotonic clock, from an arbitrary origin. */
double	bench_now_ms(void);

/* CPU time of this process (user + system), in milliseconds. */
double	bench_cpu_ms(void);

/* The median of v[0..n-1] (n > 0); v is left sorted. */
double	bench_median(double *v, size_t n);

/* Peak resident set size of this process so far, in KiB. */
long	bench_maxrss_kib(void);

/*
 * The assay source tree: $ASSAY_SRCDIR, else the directory compiled in
 * (-DSRCDIR).  Never NULL.
 */
const char *bench_srcdir(void);

#endif
