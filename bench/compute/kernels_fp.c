// Floating-point kernels (double): a Mandelbrot region and an n-body
// simulation. Compiled twice, with FP_SUFFIX=_sse (-msse2 -mfpmath=sse) and
// FP_SUFFIX=_x87 (-mfpmath=387); the checksums of the two may differ (x87
// keeps intermediates in 80 bits) but each must agree across emulators.
#include "bench/compute/bench.h"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FP_NAME(name) CAT(name, FP_SUFFIX)

enum { MANDEL_W = 256, MANDEL_H = 192, MANDEL_ITER = 256, NBODY_STEPS = 50000 };

// Total escape iterations over the region [-2.0, 0.6] x [-1.2, 1.2].
uint32_t FP_NAME(bench_mandelbrot)(void) {
  uint32_t total = 0;
  for (int py = 0; py < MANDEL_H; ++py) {
    double ci = -1.2 + 2.4 * py / MANDEL_H;
    for (int px = 0; px < MANDEL_W; ++px) {
      double cr = -2.0 + 2.6 * px / MANDEL_W;
      double zr = 0.0, zi = 0.0;
      int it = 0;
      while (it < MANDEL_ITER && zr * zr + zi * zi <= 4.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        ++it;
      }
      total += (uint32_t)it;
    }
  }
  return total;
}

typedef struct body {
  double x, y, z, vx, vy, vz, mass;
} body;

// Five bodies in a made-up, roughly circular configuration (units: G = 1).
static const body initial[5] = {
    {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0},
    {4.0, 0.0, 0.1, 0.0, 3.1, 0.0, 0.04},
    {0.0, 7.0, -0.2, -2.4, 0.0, 0.05, 0.012},
    {-11.0, 0.5, 0.0, 0.1, -1.9, 0.0, 0.002},
    {0.3, -15.0, 0.4, 1.6, 0.0, -0.02, 0.0005},
};

static double energy(const body* b, int n) {
  double e = 0.0;
  for (int i = 0; i < n; ++i) {
    e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
    for (int j = i + 1; j < n; ++j) {
      double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
      e -= b[i].mass * b[j].mass / __builtin_sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

// Leapfrog-style steps; the checksum folds the bits of the final energy and
// of the first planet's position.
uint32_t FP_NAME(bench_nbody)(void) {
  body b[5];
  for (int i = 0; i < 5; ++i) b[i] = initial[i];
  const double dt = 0.001;
  for (int step = 0; step < NBODY_STEPS; ++step) {
    for (int i = 0; i < 5; ++i) {
      for (int j = i + 1; j < 5; ++j) {
        double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
        double d2 = dx * dx + dy * dy + dz * dz;
        double mag = dt / (d2 * __builtin_sqrt(d2));
        b[i].vx -= dx * b[j].mass * mag;
        b[i].vy -= dy * b[j].mass * mag;
        b[i].vz -= dz * b[j].mass * mag;
        b[j].vx += dx * b[i].mass * mag;
        b[j].vy += dy * b[i].mass * mag;
        b[j].vz += dz * b[i].mass * mag;
      }
    }
    for (int i = 0; i < 5; ++i) {
      b[i].x += dt * b[i].vx;
      b[i].y += dt * b[i].vy;
      b[i].z += dt * b[i].vz;
    }
  }
  union { double d; uint32_t w[2]; } e = {energy(b, 5)}, p = {b[1].x + b[1].y};
  return e.w[0] ^ e.w[1] ^ (p.w[0] * 33u) ^ p.w[1];
}
