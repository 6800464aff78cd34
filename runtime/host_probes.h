// Native CPL-3 probes: what a sensitive instruction gives when this host runs it directly in a
// ring-3 process, as naive deprivileged execution would. Used by --sensitive-report.
#pragma once

#include <cstdint>

namespace bt86::runtime {

// One instruction run natively at CPL 3 under a temporary fault handler.
struct NativeResult {
  int signal = 0;      // non-zero: it faulted with this signal (SIGSEGV: #GP), nothing stored
  uint64_t value = 0;  // what it stored or returned
  uint16_t limit = 0;  // SGDT/SIDT: the limit word
};

// What this host gives a ring-3 process, measured once per process. The same probes feed the
// per-instruction "naive ring 3" column.
struct HostFacts {
  char vendor[13] = {};    // CPUID leaf 0
  uint32_t max_leaf = 0;   // CPUID leaf 0 EAX
  uint32_t signature = 0;  // CPUID leaf 1 EAX
  bool umip = false;       // CPUID.(7,0):ECX[2], the CPU has UMIP
  uint64_t rflags = 0;     // PUSHF at CPL 3
  uint16_t sel[6] = {};    // the host process's es cs ss ds fs gs
  NativeResult sgdt, sidt, smsw_reg, smsw_mem, sldt, str, cli, rdtscp;
};
const HostFacts& host_facts();

// The probes that depend on the guest's operands, run each time they are asked.

// POPF with the guest's IF and IOPL (all other host flags kept); returns RFLAGS after it.
uint64_t probe_popf(uint32_t guest_value);

// IRET to the same ring (IRETQ here) with the guest's IF and IOPL; value: RFLAGS after it.
NativeResult probe_iret(uint32_t guest_value);

// LAR, LSL, VERR, VERW and a load into ES of one selector, against the host's GDT/LDT.
struct SelectorProbe {
  bool lar_ok = false, lsl_ok = false, verr = false, verw = false;
  uint32_t access = 0, limit = 0;
  int load_signal = 0;  // loading it into ES: 0 or the signal
};
SelectorProbe probe_selector(uint16_t sel);

}  // namespace bt86::runtime
