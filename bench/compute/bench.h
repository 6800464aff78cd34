// Compute benchmark kernels, shared verbatim by the guest and the native build.
#pragma once

#include <stdint.h>

typedef struct bench_kernel {
  const char* name;
  uint32_t (*run)(void);  // returns the kernel's checksum
} bench_kernel;

// kernels_int.c
uint32_t bench_crc32(void);
uint32_t bench_sort(void);
uint32_t bench_hash(void);

// kernels_fp.c, compiled twice: -mfpmath=sse (suffix _sse), -mfpmath=387 (_x87).
uint32_t bench_mandelbrot_sse(void);
uint32_t bench_nbody_sse(void);
uint32_t bench_mandelbrot_x87(void);
uint32_t bench_nbody_x87(void);

// driver.c: times every kernel with RDTSC and prints
// "kernel-name cycles=N checksum=X" lines; returns 0.
int bench_run_all(void);

// Provided by the guest runtime or by libc.
int printf(const char* fmt, ...);
