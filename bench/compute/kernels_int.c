// Integer compute kernels: table-driven CRC-32, quicksort, FNV-1a hashing.
#include "bench/compute/bench.h"

enum {
  BUF_BYTES = 1 << 20,       // 1 MiB input buffer
  CRC_PASSES = 24,           // 24 MiB through the CRC
  HASH_PASSES = 24,          // 24 MiB through FNV-1a
  SORT_COUNT = 1 << 20,      // 1M 32-bit keys
};

static uint8_t buffer[BUF_BYTES];
static uint32_t keys[SORT_COUNT];
static uint32_t crc_table[256];

static uint32_t xorshift32(uint32_t* s) {
  uint32_t x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

static void fill_buffer(uint32_t seed) {
  for (unsigned i = 0; i < BUF_BYTES; i += 4) {
    uint32_t v = xorshift32(&seed);
    buffer[i] = (uint8_t)v;
    buffer[i + 1] = (uint8_t)(v >> 8);
    buffer[i + 2] = (uint8_t)(v >> 16);
    buffer[i + 3] = (uint8_t)(v >> 24);
  }
}

uint32_t bench_crc32(void) {
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
    crc_table[n] = c;
  }
  fill_buffer(0x12345678u);
  uint32_t combined = 0;
  for (int pass = 0; pass < CRC_PASSES; ++pass) {
    uint32_t crc = 0xFFFFFFFFu ^ (uint32_t)pass;
    for (unsigned i = 0; i < BUF_BYTES; ++i) {
      crc = crc_table[(crc ^ buffer[i]) & 0xFF] ^ (crc >> 8);
    }
    combined = (combined << 1 | combined >> 31) ^ ~crc;
  }
  return combined;
}

static void insertion_sort(uint32_t* a, int n) {
  for (int i = 1; i < n; ++i) {
    uint32_t v = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      --j;
    }
    a[j + 1] = v;
  }
}

// Quicksort, median-of-three pivot, recursing into the smaller part only.
static void quicksort(uint32_t* a, int n) {
  while (n > 16) {
    uint32_t x = a[0], y = a[n / 2], z = a[n - 1];
    uint32_t pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    int i = 0, j = n - 1;
    for (;;) {
      while (a[i] < pivot) ++i;
      while (a[j] > pivot) --j;
      if (i >= j) break;
      uint32_t t = a[i];
      a[i] = a[j];
      a[j] = t;
      ++i;
      --j;
    }
    int left = j + 1;  // a[0..j] <= pivot <= a[j+1..n-1]
    if (left < n - left) {
      quicksort(a, left);
      a += left;
      n -= left;
    } else {
      quicksort(a + left, n - left);
      n = left;
    }
  }
  insertion_sort(a, n);
}

uint32_t bench_sort(void) {
  uint32_t seed = 0x9E3779B9u;
  for (unsigned i = 0; i < SORT_COUNT; ++i) keys[i] = xorshift32(&seed);
  quicksort(keys, SORT_COUNT);
  uint32_t sum = 0;
  for (unsigned i = 0; i < SORT_COUNT; ++i) {
    if (i && keys[i - 1] > keys[i]) return 0xBADBAD00u;  // not sorted
    sum = sum * 31 + keys[i];
  }
  return sum;
}

uint32_t bench_hash(void) {
  fill_buffer(0xCAFEF00Du);
  uint32_t combined = 0;
  for (int pass = 0; pass < HASH_PASSES; ++pass) {
    uint32_t h = 2166136261u ^ (uint32_t)pass;
    for (unsigned i = 0; i < BUF_BYTES; ++i) {
      h ^= buffer[i];
      h *= 16777619u;
    }
    combined ^= h + (combined << 6) + (combined >> 2);
  }
  return combined;
}
