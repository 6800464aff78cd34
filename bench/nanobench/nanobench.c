// nanobench guest, C half: the classic nanobenchmarks of Adams & Agesen
// (ASPLOS 2006) as a Multiboot guest. The timed loops, handlers and mode
// switches are in nb_asm.asm; this file calibrates, repeats, takes medians
// and reports on COM1, one line per row:
//
//   nb-guest nanobench 1 reps=R target=T     header (options in effect)
//   nb-begin <unit>                          a row or a setup step starts
//   nb-ok <unit>                             a setup step (paging, ring3) is done
//   nb <row> <ticks/op> n=.. ops=.. ...      a result: TSC ticks per operation
//   nb <row> skip <reason>                   not measured, and why
//   nb-info <text>                           facts: CPUID.SEP, COM1 scratch, failed checks
//   nb-error <text>                          an unexpected exception; exit FAIL
//   nb-done                                  everything ran; exit PASS
//
// The rows that need neither paging nor ring 3 run first, then paging is
// turned on, then ring 3 is set up; so an emulator that stops at paging or at
// the first ring transition still reports the rows before. The harness
// (run_nanobench.py) reruns a guest that stopped with skip=<unit> to get the
// rows after the unit it stopped in.
//
// Command line (-append): reps=R (odd, default 7), target=T (TSC ticks a
// measurement should take, default 4000000), maxn=N (iteration cap),
// skip=a,b,c (rows or units to skip: paging, ring3, or row names).
#include "guests/lib/guest.h"

typedef uint64_t (*loop_fn)(uint32_t n);

// nb_asm.asm
extern uint64_t nb_loop_empty(uint32_t n);
extern uint64_t nb_loop_in(uint32_t n);
extern uint64_t nb_loop_out(uint32_t n);
extern uint64_t nb_loop_call_ret(uint32_t n);
extern uint64_t nb_loop_jmp_indirect(uint32_t n);
extern uint64_t nb_loop_divzero(uint32_t n);
extern uint64_t nb_loop_cli_sti(uint32_t n);
extern uint64_t nb_loop_pushf_popf(uint32_t n);
extern uint64_t nb_loop_cr3_write(uint32_t n);
extern uint64_t nb_loop_cr3_touch8(uint32_t n);
extern uint64_t nb_loop_pte_write(uint32_t n);
extern uint64_t nb_loop_page_fault(uint32_t n);
extern uint64_t nb_loop_int80(uint32_t n);
extern uint64_t nb_loop_sysenter(uint32_t n);
extern uint64_t nb_run_user(loop_fn fn, uint32_t arg);
extern void nb_setup_basic(void);
extern void nb_setup_ring3(int have_sep);
extern void nb_enable_paging(void);
extern void nb_disarm(void);
extern uint32_t nb_cpuid_edx(uint32_t leaf);
extern uint32_t nb_pd[1024];
extern uint32_t nb_pt[5 * 1024];
extern uint8_t nb_frames[3 * 4096];
extern volatile uint32_t nb_de_count, nb_pf_count;

void nb_unexpected(uint32_t vec, uint32_t err, uint32_t eip, uint32_t cs, uint32_t eflags,
                   uint32_t cr2) __attribute__((noreturn));

enum { MAX_REPS = 31, PTE_P = 1, PTE_RW = 2, PTE_US = 4 };
#define NB_PF_PAGE 0x01000000u
#define NB_PTEW_PAGE 0x01001000u

static struct {
  uint32_t reps;
  uint64_t target;
  uint32_t maxn;
  char skip[256];
} opt = {7, 4000000, 1u << 24, ""};

static const char* current_unit = "setup";
static int paging_on = 0;

// ---------------------------------------------------------------------------
// Command line.

static int parse_u32(const char* s, uint32_t* out) {
  uint32_t v = 0;
  if (*s < '0' || *s > '9') return 0;
  for (; *s >= '0' && *s <= '9'; ++s) v = v * 10 + (uint32_t)(*s - '0');
  *out = v;
  return 1;
}

static int starts_with(const char* s, const char* prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

static void parse_cmdline(const char* cmd) {
  char tok[256];
  while (*cmd) {
    while (*cmd == ' ') ++cmd;
    size_t len = 0;
    while (cmd[len] && cmd[len] != ' ') ++len;
    if (len == 0) break;
    size_t n = len < sizeof tok - 1 ? len : sizeof tok - 1;
    memcpy(tok, cmd, n);
    tok[n] = 0;
    cmd += len;
    uint32_t v;
    if (starts_with(tok, "reps=") && parse_u32(tok + 5, &v)) {
      if (v < 1) v = 1;
      if (v > MAX_REPS) v = MAX_REPS;
      opt.reps = v;
    } else if (starts_with(tok, "target=") && parse_u32(tok + 7, &v)) {
      opt.target = v ? v : 1;
    } else if (starts_with(tok, "maxn=") && parse_u32(tok + 5, &v)) {
      opt.maxn = v ? v : 1;
    } else if (starts_with(tok, "skip=")) {
      memcpy(opt.skip, tok + 5, strlen(tok + 5) + 1);
    }
  }
}

// Is `name` in the comma-separated skip list?
static int skipped(const char* name) {
  size_t len = strlen(name);
  for (const char* p = opt.skip; *p;) {
    size_t n = 0;
    while (p[n] && p[n] != ',') ++n;
    if (n == len && memcmp(p, name, n) == 0) return 1;
    p += n;
    if (*p == ',') ++p;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Measurement.

static void sort_i64(int64_t* a, uint32_t n) {
  for (uint32_t i = 1; i < n; ++i) {
    int64_t x = a[i];
    uint32_t j = i;
    for (; j > 0 && a[j - 1] > x; --j) a[j] = a[j - 1];
    a[j] = x;
  }
}

// Formats ticks / ops with one decimal into buf.
static const char* fmt_per_op(char* buf, int64_t ticks, uint64_t ops) {
  int neg = ticks < 0;
  uint64_t mag = neg ? (uint64_t)-ticks : (uint64_t)ticks;
  uint64_t tenths = (mag * 10 + ops / 2) / ops;
  char digits[24];
  char* p = digits + sizeof digits;
  *--p = 0;
  *--p = (char)('0' + tenths % 10);
  *--p = '.';
  uint64_t whole = tenths / 10;
  do {
    *--p = (char)('0' + whole % 10);
    whole /= 10;
  } while (whole);
  if (neg) *--p = '-';
  memcpy(buf, p, (size_t)(digits + sizeof digits - p));
  return buf;
}

static uint64_t ops_run;  // iterations of measured (non-empty) loops in the current row

static uint64_t run(loop_fn f, uint32_t n, int user) {
  if (f != nb_loop_empty) ops_run += n;
  return user ? nb_run_user(f, n) : f(n);
}

// Measures one row: `per_iter` operations per loop iteration, at CPL 3 if
// `user`. Calibrates n so that one measurement takes about opt.target ticks
// (the calibration runs also warm up translation caches), then takes
// opt.reps pairs (empty loop, measured loop) of n iterations and reports the
// median of (measured - empty) / (n * per_iter). If `events` is given (the
// count of exceptions a handler took), every iteration must have taken exactly
// one: check=ok, else check=bad (and an nb-info line with the counts).
static void measure_checked(const char* name, loop_fn f, uint32_t per_iter, int user,
                            volatile uint32_t* events) {
  if (skipped(name)) {
    printf("nb %s skip requested\n", name);
    return;
  }
  current_unit = name;
  printf("nb-begin %s\n", name);
  ops_run = 0;
  uint32_t events0 = events ? *events : 0;
  uint32_t n = 1;
  for (;;) {
    uint64_t t = run(f, n, user);
    if (t >= opt.target / 2 || n >= opt.maxn) break;
    uint64_t next = t ? (uint64_t)n * opt.target / t + 1 : (uint64_t)n * 64;
    if (next < 2ull * n) next = 2ull * n;
    if (next > 64ull * n) next = 64ull * n;
    if (next > opt.maxn) next = opt.maxn;
    n = (uint32_t)next;
  }
  int64_t d[MAX_REPS], e[MAX_REPS];
  for (uint32_t r = 0; r < opt.reps; ++r) {
    uint64_t te = run(nb_loop_empty, n, user);
    uint64_t to = run(f, n, user);
    d[r] = (int64_t)(to - te);
    e[r] = (int64_t)te;
  }
  sort_i64(d, opt.reps);
  sort_i64(e, opt.reps);
  uint32_t m = opt.reps / 2;
  int64_t med = opt.reps % 2 ? d[m] : (d[m - 1] + d[m]) / 2;
  uint64_t ops = (uint64_t)n * per_iter;
  char b1[24], b2[24], b3[24], b4[24], check[48] = "";
  if (events) {
    uint32_t got = *events - events0, want = (uint32_t)ops_run;
    if (got == want)
      memcpy(check, " check=ok", 10);
    else {
      printf("nb-info %s: %u exceptions for %u iterations\n", name, got, want);
      memcpy(check, " check=bad", 11);
    }
  }
  printf("nb %s %s n=%u ops=%u reps=%u min=%s max=%s empty=%s cpl=%d paging=%s%s\n", name,
         fmt_per_op(b1, med, ops), n, per_iter, opt.reps, fmt_per_op(b2, d[0], ops),
         fmt_per_op(b3, d[opt.reps - 1], ops), fmt_per_op(b4, e[m], n), user ? 3 : 0,
         paging_on ? "on" : "off", check);
  current_unit = "between rows";
}

static void measure(const char* name, loop_fn f, uint32_t per_iter, int user) {
  measure_checked(name, f, per_iter, user, 0);
}

void nb_unexpected(uint32_t vec, uint32_t err, uint32_t eip, uint32_t cs, uint32_t eflags,
                   uint32_t cr2) {
  printf("nb-error unexpected exception vector %u err=%x eip=%08x cs=%x eflags=%08x cr2=%08x "
         "in %s\n",
         vec, err, eip, cs, eflags, cr2, current_unit);
  guest_exit(GUEST_EXIT_FAIL);
}

// ---------------------------------------------------------------------------
// Setup steps.

static void fill_page_tables(void) {
  // 0-16 MiB identity-mapped with 4 KiB pages, user-accessible and writable
  // (ring 3 runs the same flat code and data as ring 0).
  for (uint32_t i = 0; i < 4; ++i) nb_pd[i] = (uint32_t)&nb_pt[i * 1024] | PTE_P | PTE_RW | PTE_US;
  for (uint32_t j = 0; j < 4 * 1024; ++j) nb_pt[j] = (j << 12) | PTE_P | PTE_RW | PTE_US;
  // PDE 4 (16-20 MiB): the test pages only.
  nb_pd[NB_PF_PAGE >> 22] = (uint32_t)&nb_pt[4 * 1024] | PTE_P | PTE_RW | PTE_US;
  nb_pt[4 * 1024 + ((NB_PF_PAGE >> 12) & 1023)] = (uint32_t)&nb_frames[0] | PTE_RW | PTE_US;
  nb_pt[4 * 1024 + ((NB_PTEW_PAGE >> 12) & 1023)] =
      (uint32_t)&nb_frames[4096] | PTE_P | PTE_RW | PTE_US;
}

static void skip_rows(const char* const* rows, const char* reason) {
  for (; *rows; ++rows) printf("nb %s skip %s\n", *rows, reason);
}

int main(uint32_t magic, const multiboot_info* info) {
  if (magic == MULTIBOOT_LOADER_MAGIC && (info->flags & MULTIBOOT_INFO_CMDLINE) && info->cmdline)
    parse_cmdline((const char*)info->cmdline);
  printf("nb-guest nanobench 1 reps=%u target=%u maxn=%u skip=%s\n", opt.reps,
         (uint32_t)opt.target, opt.maxn, opt.skip[0] ? opt.skip : "-");

  nb_setup_basic();
  int sep = (nb_cpuid_edx(1) >> 11) & 1;  // CPUID.01H:EDX.SEP
  printf("nb-info cpuid.sep=%d\n", sep);

  // The port rows use the COM1 scratch register: check that it is there.
  outb(0x3FF, 0xA5);
  uint8_t scr = inb(0x3FF);
  printf("nb-info com1.scr=%s\n", scr == 0xA5 ? "ok" : "missing");

  // Phase 1: CPL 0, paging off.
  measure("in", nb_loop_in, 1, 0);
  measure("out", nb_loop_out, 1, 0);
  measure("call_ret", nb_loop_call_ret, 8, 0);
  measure("jmp_indirect", nb_loop_jmp_indirect, 8, 0);
  measure_checked("divzero", nb_loop_divzero, 1, 0, &nb_de_count);
  nb_disarm();
  measure("cli_sti", nb_loop_cli_sti, 8, 0);
  measure("pushf_popf", nb_loop_pushf_popf, 8, 0);

  // Phase 2: paging on, CPL 0.
  static const char* const paging_rows[] = {"cr3_write", "cr3_touch8", "pte_write", "page_fault",
                                            0};
  if (skipped("paging")) {
    skip_rows(paging_rows, "paging-skipped");
  } else if ((uint32_t)&nb_frames[sizeof nb_frames] > 16u << 20) {
    skip_rows(paging_rows, "image-above-16MiB");
  } else {
    current_unit = "paging";
    printf("nb-begin paging\n");
    fill_page_tables();
    nb_enable_paging();
    paging_on = 1;
    printf("nb-ok paging\n");
    measure("cr3_write", nb_loop_cr3_write, 1, 0);
    measure("cr3_touch8", nb_loop_cr3_touch8, 1, 0);
    measure("pte_write", nb_loop_pte_write, 8, 0);
    measure_checked("page_fault", nb_loop_page_fault, 1, 0, &nb_pf_count);
    nb_disarm();
  }

  // Phase 3: ring 3 (with paging on unless it was skipped).
  static const char* const ring3_rows[] = {"syscall_int80", "syscall_sysenter", 0};
  if (skipped("ring3")) {
    skip_rows(ring3_rows, "ring3-skipped");
  } else {
    current_unit = "ring3";
    printf("nb-begin ring3\n");
    nb_setup_ring3(sep);
    nb_run_user(nb_loop_empty, 1);  // one round trip to ring 3 and back
    printf("nb-ok ring3\n");
    measure("syscall_int80", nb_loop_int80, 1, 1);
    if (sep)
      measure("syscall_sysenter", nb_loop_sysenter, 1, 1);
    else
      printf("nb syscall_sysenter skip cpuid-no-sep\n");
  }

  printf("nb-done\n");
  return GUEST_EXIT_PASS;
}
