// Runs each compute kernel once, timed with RDTSC, and prints one line each.
#include "bench/compute/bench.h"

static const bench_kernel kernels[] = {
    {"crc32", bench_crc32},
    {"sort", bench_sort},
    {"fnv1a", bench_hash},
    {"mandelbrot-sse", bench_mandelbrot_sse},
    {"mandelbrot-x87", bench_mandelbrot_x87},
    {"nbody-sse", bench_nbody_sse},
    {"nbody-x87", bench_nbody_x87},
};

static inline uint64_t read_tsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

int bench_run_all(void) {
  uint64_t total = 0;
  for (unsigned i = 0; i < sizeof kernels / sizeof kernels[0]; ++i) {
    uint64_t start = read_tsc();
    uint32_t sum = kernels[i].run();
    uint64_t cycles = read_tsc() - start;
    total += cycles;
    printf("%s cycles=%llu checksum=%08x\n", kernels[i].name, (unsigned long long)cycles, sum);
  }
  printf("total cycles=%llu\n", (unsigned long long)total);
  return 0;
}
