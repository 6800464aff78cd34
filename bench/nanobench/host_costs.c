// host_costs: what the host itself charges for the operations a user-space
// monitor (bt86) is built from, in TSC ticks and nanoseconds. These bound
// what a monitor running as an ordinary process can reach for the
// nanobenchmark rows: a guest exception that bt86 takes as a host signal
// cannot cost less than a signal round trip, nor a shadow fill less than a
// fault plus an mmap.
//
// Also measured, for the "host user mode" column of run_nanobench.py: the
// rows that make sense natively at user level on this x86-64 Linux host
// (call/ret, indirect jmp, pushf/popf, divide by zero as a SIGFPE round trip).
//
// Output, one line per measurement (median of --reps repetitions):
//   host <name> cycles=<ticks per op> ns=<ns per op> n=<iterations>
// and last "host tsc_mhz=<MHz>" (TSC ticks per microsecond, from CLOCK_MONOTONIC).
//
// Usage: host_costs [--reps R] [--ms MILLISECONDS per measurement]
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static int reps = 7;
static double target_ms = 20.0;

static inline uint64_t tsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
  return ((uint64_t)hi << 32) | lo;
}

static double now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void die(const char* what) {
  fprintf(stderr, "host_costs: %s: %s\n", what, strerror(errno));
  exit(1);
}

// ---------------------------------------------------------------------------
// Bodies: each runs n iterations.

typedef void (*body_fn)(uint64_t n);

__asm__(".text\n.p2align 4\nhc_ret_only:\n\tret\n");

static void __attribute__((noinline)) loop_empty(uint64_t n) {
  __asm__ volatile(".p2align 4\n1:\n\tdec %0\n\tjnz 1b" : "+r"(n)::"cc", "memory");
}

static void __attribute__((noinline)) loop_call_ret(uint64_t n) {
  __asm__ volatile(".p2align 4\n1:\n\t.rept 8\n\tcall hc_ret_only\n\t.endr\n\tdec %0\n\tjnz 1b"
                   : "+r"(n)::"cc", "memory");
}

static void __attribute__((noinline)) loop_jmp_indirect(uint64_t n) {
  __asm__ volatile(".p2align 4\n1:\n\t.rept 8\n\tlea 2f(%%rip), %%rax\n\tjmp *%%rax\n"
                   "\t.p2align 2\n2:\n\t.endr\n\tdec %0\n\tjnz 1b"
                   : "+r"(n)::"rax", "cc", "memory");
}

static void __attribute__((noinline)) loop_pushf_popf(uint64_t n) {
  __asm__ volatile(".p2align 4\n1:\n\t.rept 8\n\tpushfq\n\tpopfq\n\t.endr\n\tdec %0\n\tjnz 1b"
                   : "+r"(n)::"cc", "memory");
}

// Signals. The faulting instructions are spelled as bytes so that the
// handlers know their length: F7 F1 = div ecx, 8B 07 = mov eax, [rdi].
static volatile int segv_mode;  // 0: skip the instruction, 1: mprotect RW, 2: mmap a page over it
static char* fault_page;
static int memfd = -1;

static void on_fpe(int sig, siginfo_t* si, void* ctx) {
  (void)sig, (void)si;
  ((ucontext_t*)ctx)->uc_mcontext.gregs[REG_RIP] += 2;
}

static void on_segv(int sig, siginfo_t* si, void* ctx) {
  (void)sig;
  if ((char*)si->si_addr != fault_page) abort();
  if (segv_mode == 0) {
    ((ucontext_t*)ctx)->uc_mcontext.gregs[REG_RIP] += 2;
  } else if (segv_mode == 1) {
    if (mprotect(fault_page, 4096, PROT_READ | PROT_WRITE)) abort();
  } else {
    if (mmap(fault_page, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd, 0) ==
        MAP_FAILED)
      abort();
  }
}

static void on_usr1(int sig) { (void)sig; }

static void __attribute__((noinline)) loop_sigfpe(uint64_t n) {
  for (; n; --n)
    __asm__ volatile("xor %%ecx, %%ecx\n\t.byte 0xf7, 0xf1" ::: "eax", "ecx", "edx", "cc",
                     "memory");
}

static inline void touch_fault_page(void) {
  __asm__ volatile("mov %0, %%rdi\n\t.byte 0x8b, 0x07" ::"r"(fault_page) : "rdi", "eax", "memory");
}

static void __attribute__((noinline)) loop_sigsegv_skip(uint64_t n) {
  segv_mode = 0;
  for (; n; --n) touch_fault_page();
}

static void __attribute__((noinline)) loop_sigsegv_mprotect(uint64_t n) {
  segv_mode = 1;
  for (; n; --n) {
    touch_fault_page();
    if (mprotect(fault_page, 4096, PROT_NONE)) die("mprotect");
  }
}

static void __attribute__((noinline)) loop_sigsegv_mmap(uint64_t n) {
  segv_mode = 2;
  for (; n; --n) {
    touch_fault_page();
    if (mmap(fault_page, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
        MAP_FAILED)
      die("mmap PROT_NONE");
  }
}

static void __attribute__((noinline)) loop_raise(uint64_t n) {
  for (; n; --n) raise(SIGUSR1);
}

static void __attribute__((noinline)) loop_tgkill(uint64_t n) {
  pid_t pid = getpid(), tid = (pid_t)syscall(SYS_gettid);
  for (; n; --n) syscall(SYS_tgkill, pid, tid, SIGUSR1);
}

static void __attribute__((noinline)) loop_getppid(uint64_t n) {
  for (; n; --n) syscall(SYS_getppid);
}

static void __attribute__((noinline)) loop_mmap_munmap(uint64_t n) {
  for (; n; --n) {
    void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) die("mmap");
    if (munmap(p, 4096)) die("munmap");
  }
}

static char* fixed_page;
static void __attribute__((noinline)) loop_mmap_fixed(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (mmap(fixed_page, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, memfd,
             (off_t)(i & 1) * 4096) == MAP_FAILED)
      die("mmap MAP_FIXED");
}

static void __attribute__((noinline)) loop_mprotect(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i)
    if (mprotect(fixed_page, 4096, (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ))
      die("mprotect");
}

// ---------------------------------------------------------------------------
// Measurement: calibrate n to about target_ms, then `reps` runs; medians.

static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

static double median(double* v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double tsc_mhz_samples[64];
static int tsc_mhz_count;

static void measure(const char* name, body_fn f, int ops_per_iter, int subtract_empty) {
  uint64_t n = 1;
  for (;;) {
    double t0 = now_ns();
    f(n);
    double dt = now_ns() - t0;
    if (dt >= target_ms * 1e6 / 2 || n >= (1ull << 34)) break;
    double want = dt > 0 ? n * (target_ms * 1e6) / dt : n * 64.0;
    uint64_t next = want > n * 64.0 ? n * 64 : want < n * 2.0 ? n * 2 : (uint64_t)want;
    n = next;
  }
  double cyc[64], ns[64];
  for (int r = 0; r < reps; ++r) {
    double ce = 0, ne = 0;
    if (subtract_empty) {
      uint64_t c0 = tsc();
      double t0 = now_ns();
      loop_empty(n);
      ne = now_ns() - t0;
      ce = (double)(tsc() - c0);
    }
    uint64_t c0 = tsc();
    double t0 = now_ns();
    f(n);
    double dn = now_ns() - t0;
    double dc = (double)(tsc() - c0);
    if (tsc_mhz_count < 64 && dn > 1e6) tsc_mhz_samples[tsc_mhz_count++] = dc / dn * 1e3;
    cyc[r] = (dc - ce) / ((double)n * ops_per_iter);
    ns[r] = (dn - ne) / ((double)n * ops_per_iter);
  }
  printf("host %s cycles=%.1f ns=%.1f n=%llu\n", name, median(cyc, reps), median(ns, reps),
         (unsigned long long)n);
  fflush(stdout);
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (!strcmp(argv[i], "--reps") && i + 1 < argc) {
      reps = atoi(argv[++i]);
      if (reps < 1) reps = 1;
      if (reps > 64) reps = 64;
    } else if (!strcmp(argv[i], "--ms") && i + 1 < argc) {
      target_ms = atof(argv[++i]);
    } else {
      fprintf(stderr, "usage: %s [--reps R] [--ms MILLISECONDS]\n", argv[0]);
      return 64;
    }
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fpe;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  if (sigaction(SIGFPE, &sa, NULL)) die("sigaction SIGFPE");
  sa.sa_sigaction = on_segv;
  if (sigaction(SIGSEGV, &sa, NULL)) die("sigaction SIGSEGV");
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  if (sigaction(SIGUSR1, &sa, NULL)) die("sigaction SIGUSR1");

  memfd = (int)syscall(SYS_memfd_create, "host_costs", 0);
  if (memfd < 0) die("memfd_create");
  if (ftruncate(memfd, 2 * 4096)) die("ftruncate");
  fault_page = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  fixed_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
  if (fault_page == MAP_FAILED || fixed_page == MAP_FAILED) die("mmap");

  // User-mode rows of the nanobenchmark table (x86-64, this host, CPL 3).
  measure("call_ret", loop_call_ret, 8, 1);
  measure("jmp_indirect", loop_jmp_indirect, 8, 1);
  measure("pushf_popf", loop_pushf_popf, 8, 1);
  measure("sigfpe_skip", loop_sigfpe, 1, 0);
  // Host costs a user-space monitor is built from.
  measure("getppid", loop_getppid, 1, 0);
  measure("raise", loop_raise, 1, 0);
  measure("tgkill", loop_tgkill, 1, 0);
  measure("sigsegv_skip", loop_sigsegv_skip, 1, 0);
  if (mprotect(fault_page, 4096, PROT_NONE)) die("mprotect");
  measure("sigsegv_mprotect", loop_sigsegv_mprotect, 1, 0);
  if (mprotect(fault_page, 4096, PROT_NONE)) die("mprotect");
  measure("sigsegv_mmap", loop_sigsegv_mmap, 1, 0);
  measure("mprotect", loop_mprotect, 1, 0);
  measure("mmap_munmap", loop_mmap_munmap, 1, 0);
  measure("mmap_fixed", loop_mmap_fixed, 1, 0);

  printf("host tsc_mhz=%.0f\n", median(tsc_mhz_samples, tsc_mhz_count));
  return 0;
}
