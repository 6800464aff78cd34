// Native CPL-3 probes: a few instructions run directly in this ring-3 process under a
// temporary fault handler, measuring what naive deprivileged execution gives on this host.
#include "runtime/host_probes.h"

#include <cpuid.h>
#include <signal.h>
#include <x86intrin.h>

#include <csetjmp>
#include <cstring>

#include "runtime/vcpu.h"

namespace bt86::runtime {

// Each probe is a few instructions of inline asm run under a SIGSEGV/SIGBUS/SIGILL handler
// that siglongjmps back. Nothing with a destructor lives between sigsetjmp and the probe, and
// the previous handlers (bt86's fault handlers) are back in place before the probe returns.
// Probes that push use the stack below the red zone.

namespace {

sigjmp_buf g_probe_jmp;
volatile sig_atomic_t g_probe_signal = 0;

void on_probe_fault(int sig, siginfo_t*, void*) {
  g_probe_signal = sig;
  siglongjmp(g_probe_jmp, 1);
}

// Runs fn(); returns 0, or the signal it raised.
template <typename F>
int guarded(F fn) {
  static constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL};
  struct sigaction sa {};
  struct sigaction old[3];
  sa.sa_sigaction = on_probe_fault;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &sa, &old[i]);
  g_probe_signal = 0;
  if (sigsetjmp(g_probe_jmp, 1) == 0) fn();
  int sig = g_probe_signal;
  for (int i = 0; i < 3; ++i) sigaction(kSignals[i], &old[i], nullptr);
  return sig;
}

NativeResult probe_table(bool idt) {
  NativeResult r;
  uint8_t buf[10] = {};
  r.signal = guarded([&] {
    if (idt) asm volatile("sidt %0" : "=m"(buf));
    else asm volatile("sgdt %0" : "=m"(buf));
  });
  std::memcpy(&r.limit, buf, 2);
  std::memcpy(&r.value, buf + 2, 8);
  return r;
}

uint64_t native_rflags() {
  uint64_t f;
  asm volatile("pushfq; popq %0" : "=r"(f));
  return f;
}

}  // namespace

// POPF with the guest's IF and IOPL (all other bits kept: TF or AC would hurt the probe).
uint64_t probe_popf(uint32_t guest_value) {
  uint64_t cur = native_rflags();
  uint64_t want = (cur & ~uint64_t(kFlagIF | kFlagIOPL)) | (guest_value & (kFlagIF | kFlagIOPL));
  uint64_t got;
  asm volatile(
      "sub $128, %%rsp\n\t"
      "pushfq\n\t"
      "pushq %[want]\n\t"
      "popfq\n\t"
      "pushfq\n\t"
      "popq %[got]\n\t"
      "popfq\n\t"
      "add $128, %%rsp"
      : [got] "=&r"(got)
      : [want] "r"(want)
      : "cc", "memory");
  return got;
}

// IRET to the same ring (IRETQ here) with the guest's IF and IOPL; returns RFLAGS after it.
NativeResult probe_iret(uint32_t guest_value) {
  uint64_t cur = native_rflags();
  uint64_t want = (cur & ~uint64_t(kFlagIF | kFlagIOPL)) | (guest_value & (kFlagIF | kFlagIOPL));
  NativeResult r;
  r.signal = guarded([&] {
    uint64_t got;
    asm volatile(
        "sub $128, %%rsp\n\t"
        "pushfq\n\t"
        "movq %%rsp, %%r11\n\t"
        "xorl %%eax, %%eax\n\t"
        "movw %%ss, %%ax\n\t"
        "pushq %%rax\n\t"
        "pushq %%r11\n\t"
        "pushq %[want]\n\t"
        "movw %%cs, %%ax\n\t"
        "pushq %%rax\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "iretq\n"
        "1:\n\t"
        "pushfq\n\t"
        "popq %[got]\n\t"
        "popfq\n\t"
        "add $128, %%rsp"
        : [got] "=&r"(got)
        : [want] "r"(want)
        : "rax", "r11", "cc", "memory");
    r.value = got;
  });
  return r;
}

SelectorProbe probe_selector(uint16_t sel) {
  SelectorProbe p;
  uint32_t in = sel, ar = 0, lim = 0;
  uint8_t z1, z2, z3, z4;
  asm volatile("lar %2, %0; setz %1" : "=r"(ar), "=q"(z1) : "r"(in) : "cc");
  asm volatile("lsl %2, %0; setz %1" : "=r"(lim), "=q"(z2) : "r"(in) : "cc");
  asm volatile("verr %w1; setz %0" : "=q"(z3) : "r"(in) : "cc");
  asm volatile("verw %w1; setz %0" : "=q"(z4) : "r"(in) : "cc");
  p.lar_ok = z1, p.lsl_ok = z2, p.verr = z3, p.verw = z4;
  p.access = p.lar_ok ? ar : 0;
  p.limit = p.lsl_ok ? lim : 0;
  // ES is ignored in 64-bit mode, so loading it is harmless; a faulting load changes nothing.
  uint16_t saved;
  asm volatile("movw %%es, %0" : "=r"(saved));
  p.load_signal = guarded([&] { asm volatile("movw %w0, %%es" : : "r"(in)); });
  asm volatile("movw %w0, %%es" : : "r"(saved));
  return p;
}

namespace {

HostFacts measure_host() {
  HostFacts h;
  unsigned a, b, c, d;
  __cpuid(0, a, b, c, d);
  h.max_leaf = a;
  std::memcpy(h.vendor, &b, 4);
  std::memcpy(h.vendor + 4, &d, 4);
  std::memcpy(h.vendor + 8, &c, 4);
  __cpuid(1, a, b, c, d);
  h.signature = a;
  if (h.max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    h.umip = (c >> 2) & 1;
  }
  h.rflags = native_rflags();
  asm volatile("movw %%es, %0" : "=r"(h.sel[kES]));
  asm volatile("movw %%cs, %0" : "=r"(h.sel[kCS]));
  asm volatile("movw %%ss, %0" : "=r"(h.sel[kSS]));
  asm volatile("movw %%ds, %0" : "=r"(h.sel[kDS]));
  asm volatile("movw %%fs, %0" : "=r"(h.sel[kFS]));
  asm volatile("movw %%gs, %0" : "=r"(h.sel[kGS]));
  h.sgdt = probe_table(false);
  h.sidt = probe_table(true);
  {
    uint64_t reg = 0;
    uint16_t mem = 0;
    h.smsw_reg.signal = guarded([&] { asm volatile("smsw %0" : "=r"(reg)); });
    h.smsw_reg.value = reg;
    h.smsw_mem.signal = guarded([&] { asm volatile("smsw %0" : "=m"(mem)); });
    h.smsw_mem.value = mem;
  }
  {
    uint64_t ldt = 0, tr = 0;
    h.sldt.signal = guarded([&] { asm volatile("sldt %0" : "=r"(ldt)); });
    h.sldt.value = ldt & 0xFFFF;
    h.str.signal = guarded([&] { asm volatile("str %0" : "=r"(tr)); });
    h.str.value = tr & 0xFFFF;
  }
  // If CLI ever ran here (IOPL 3), STI undoes it at once.
  h.cli.signal = guarded([] { asm volatile("cli; sti" ::: "memory"); });
  {
    uint32_t aux = 0;
    h.rdtscp.signal = guarded([&] { (void)__rdtscp(&aux); });
    h.rdtscp.value = aux;
  }
  return h;
}

}  // namespace

const HostFacts& host_facts() {
  static const HostFacts facts = measure_host();
  return facts;
}

}  // namespace bt86::runtime
