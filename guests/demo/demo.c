// bt86 demo kernel: computes results with independently known values, prints
// them over COM1 and exits through isa-debug-exit.
//
// Exit: writes GUEST_EXIT_PASS (0x10, process status 33) when every result
// matches its known value, GUEST_EXIT_FAIL (0x11, status 35) otherwise.
//
// Expected transcript, checked by tests/guest/run_guest_tests.py:
// expect-exit: 33
// expect: bt86 demo kernel
// expect-match: command line: (".*"|\(none\))
// expect-match: memory: 6[0-9][0-9] KiB low, [0-9]+ KiB high \(about 128 MiB\)
// expect: results:
// expect:   primes below 1000000         78498 (expected 78498) ok
// expect:   8-queens solutions           92 (expected 92) ok
// expect:   10-queens solutions          724 (expected 724) ok
// expect:   crc32("123456789")           cbf43926 (expected cbf43926) ok
// expect:   longest collatz below 1e5    77031 (expected 77031) ok
// expect:     ... its chain length       351 (expected 351) ok
// expect:   fibonacci(90)                2880067194370816120 (expected 2880067194370816120) ok
// expect:   heap sort: misplaced items   0 (expected 0) ok
// expect:   trace of 8x8 (i+j) squared   3808 (expected 3808) ok
// expect: demo: all checks passed
#include "guests/lib/guest.h"

enum { SIEVE_LIMIT = 1000000, SORT_COUNT = 20000, MAT_N = 8 };

static uint8_t composite[SIEVE_LIMIT];
static uint32_t sort_buf[SORT_COUNT];
static int failures;

static void check(const char* what, uint64_t got, uint64_t want, int hex) {
  int ok = got == want;
  failures += !ok;
  if (hex) {
    printf("  %-28s %08x (expected %08x) %s\n", what, (uint32_t)got, (uint32_t)want,
           ok ? "ok" : "MISMATCH");
  } else {
    printf("  %-28s %llu (expected %llu) %s\n", what, got, want, ok ? "ok" : "MISMATCH");
  }
}

// Sieve of Eratosthenes: pi(10^6) = 78498.
static unsigned count_primes(unsigned limit) {
  unsigned count = 0;
  for (unsigned i = 2; i < limit; ++i) {
    if (composite[i]) continue;
    ++count;
    for (unsigned j = i * 2; j < limit; j += i) composite[j] = 1;
  }
  return count;
}

// Bitmask backtracking: 92 solutions for n = 8, 724 for n = 10.
static unsigned queens(unsigned n, unsigned row, uint32_t cols, uint32_t d1, uint32_t d2) {
  if (row == n) return 1;
  unsigned count = 0;
  uint32_t free = ~(cols | d1 | d2) & ((1u << n) - 1);
  while (free) {
    uint32_t bit = free & -free;
    free ^= bit;
    count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
  }
  return count;
}

// Bitwise reflected CRC-32 (polynomial 0xEDB88320): CRC of "123456789" is 0xCBF43926.
static uint32_t crc32(const char* s) {
  uint32_t crc = 0xFFFFFFFFu;
  for (; *s; ++s) {
    crc ^= (uint8_t)*s;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & -(crc & 1));
  }
  return ~crc;
}

// Longest Collatz chain starting below 100000: 77031 (351 terms).
static unsigned collatz_longest(unsigned limit, unsigned* best_len) {
  unsigned best = 1;
  *best_len = 1;
  for (unsigned start = 1; start < limit; ++start) {
    uint64_t n = start;
    unsigned len = 1;
    while (n != 1) {
      n = (n & 1) ? 3 * n + 1 : n >> 1;
      ++len;
    }
    if (len > *best_len) { *best_len = len; best = start; }
  }
  return best;
}

static uint64_t fibonacci(unsigned n) {
  uint64_t a = 0, b = 1;
  while (n--) { uint64_t t = a + b; a = b; b = t; }
  return a;
}

// Heap sort of a known permutation (i * 7919 mod SORT_COUNT): sorted, it must
// read 0, 1, 2, ..., so we count positions where a[i] != i (want 0).
static void sift_down(uint32_t* a, unsigned root, unsigned n) {
  for (;;) {
    unsigned child = 2 * root + 1;
    if (child >= n) return;
    if (child + 1 < n && a[child + 1] > a[child]) ++child;
    if (a[root] >= a[child]) return;
    uint32_t t = a[root]; a[root] = a[child]; a[child] = t;
    root = child;
  }
}

static unsigned sort_misplaced(void) {
  for (unsigned i = 0; i < SORT_COUNT; ++i) sort_buf[i] = (i * 7919u) % SORT_COUNT;
  for (unsigned i = SORT_COUNT / 2; i-- > 0;) sift_down(sort_buf, i, SORT_COUNT);
  for (unsigned n = SORT_COUNT; n > 1; --n) {
    uint32_t t = sort_buf[0]; sort_buf[0] = sort_buf[n - 1]; sort_buf[n - 1] = t;
    sift_down(sort_buf, 0, n - 1);
  }
  unsigned misplaced = 0;
  for (unsigned i = 0; i < SORT_COUNT; ++i) misplaced += sort_buf[i] != i;
  return misplaced;
}

// Trace of M^2 where M[i][j] = i + j: sum_i sum_j (i+j)^2 = 2*n*S2 + 2*S1^2
// with S1 = sum j, S2 = sum j^2 over 0..n-1; for n = 8: 2*8*140 + 2*28^2 = 3808.
static uint32_t matrix_square_trace(void) {
  uint32_t m[MAT_N][MAT_N], trace = 0;
  for (unsigned i = 0; i < MAT_N; ++i)
    for (unsigned j = 0; j < MAT_N; ++j) m[i][j] = i + j;
  for (unsigned i = 0; i < MAT_N; ++i)
    for (unsigned k = 0; k < MAT_N; ++k) trace += m[i][k] * m[k][i];
  return trace;
}

int main(uint32_t magic, const multiboot_info* info) {
  printf("bt86 demo kernel\n");
  if (magic != MULTIBOOT_LOADER_MAGIC) {
    printf("not loaded by a Multiboot loader (eax=%08x)\n", magic);
    return GUEST_EXIT_FAIL;
  }
  if (info->flags & MULTIBOOT_INFO_CMDLINE) {
    printf("command line: \"%s\"\n", (const char*)(uintptr_t)info->cmdline);
  } else {
    printf("command line: (none)\n");
  }
  if (info->flags & MULTIBOOT_INFO_MEMORY) {
    printf("memory: %u KiB low, %u KiB high (about %u MiB)\n", info->mem_lower,
           info->mem_upper, (info->mem_upper + 1024 + 512) / 1024);
  } else {
    printf("memory: (not reported)\n");
  }

  printf("results:\n");
  check("primes below 1000000", count_primes(SIEVE_LIMIT), 78498, 0);
  check("8-queens solutions", queens(8, 0, 0, 0, 0), 92, 0);
  check("10-queens solutions", queens(10, 0, 0, 0, 0), 724, 0);
  check("crc32(\"123456789\")", crc32("123456789"), 0xCBF43926u, 1);
  unsigned len;
  check("longest collatz below 1e5", collatz_longest(100000, &len), 77031, 0);
  check("  ... its chain length", len, 351, 0);
  check("fibonacci(90)", fibonacci(90), 2880067194370816120ull, 0);
  check("heap sort: misplaced items", sort_misplaced(), 0, 0);
  check("trace of 8x8 (i+j) squared", matrix_square_trace(), 3808, 0);

  if (failures) {
    printf("demo: %d check(s) FAILED\n", failures);
    return GUEST_EXIT_FAIL;
  }
  printf("demo: all checks passed\n");
  return GUEST_EXIT_PASS;
}
