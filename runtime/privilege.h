// Privilege-level changes the CPU makes (SDM Vol. 3A 5.8, 6.12, 7): the inner stack from
// the TSS, the stack-segment checks of a ring change, data segments nulled on the way
// out, and the I/O permission check (IOPL, then the TSS bitmap).
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/descriptors.h"
#include "runtime/vcpu.h"

namespace bt86::runtime {

class Machine;

// An exception a check raises instead of proceeding (vector, error code).
struct Raise {
  int vector;
  uint32_t error;
};

// A stack to switch to: selector, its descriptor, and the stack pointer.
struct StackSwitch {
  uint16_t ss;
  Descriptor desc;
  uint32_t esp;
};

// The two checks below return true with *out set, or false with *raise set to the
// exception to raise ({-1, 0}: the VM has stopped). A bool and out-parameters, not a
// std::optional<Raise>: GCC returned that through a stack slot written in pieces and read
// back whole, a store-forwarding stall on every system call.

// SS:ESP for privilege level `cpl` (0-2) from the current 32-bit TSS, checked as an
// inner-level transfer checks it: #TS(TSS or SS selector), #SS(SS selector) if not present.
// `ext` is the EXT bit of the error codes.
bool inner_stack(Machine& m, uint8_t cpl, uint32_t ext, StackSwitch* out, Raise* raise);

// Checks SS selector `ss` for a return to privilege level `rpl` (IRET, far RET): #GP(ss)
// unless RPL = DPL = rpl and it is writable data; #SS(ss) if not present.
bool outer_stack(Machine& m, uint16_t ss, uint8_t rpl, Descriptor* out, Raise* raise);

// After a return to an outer level: ES DS FS GS that the new CPL may not use (data or
// non-conforming code with DPL < CPL) become null.
void null_inaccessible_segments(VcpuState& v);

// The EFLAGS bits an IRET with operand size `n` (2 or 4) may load at the current CPL:
// IOPL only at CPL 0, IF only at CPL <= IOPL (SDM IRET). VM is handled by the caller.
inline uint32_t iret_writable_flags(const VcpuState& v, unsigned n) {
  uint32_t mask = kArithFlags | kFlagTF | kFlagIF | kFlagDF | kFlagIOPL | kFlagNT | kFlagRF |
                  kFlagAC | kFlagID | (3u << 19);  // VIF, VIP
  if (v.cpl > 0) mask &= ~kFlagIOPL;
  if (v.cpl > ((v.eflags & kFlagIOPL) >> 12)) mask &= ~kFlagIF;
  if (n == 2) mask &= 0xFFFF;
  return mask;
}

// A segment register as a load from descriptor `d` leaves it: the accessed bit set.
inline Segment loaded_segment(uint16_t selector, const Descriptor& d) {
  return Segment{selector, d.base, d.limit, uint16_t(d.attrib | 1)};
}

// TR names a 32-bit TSS (available or busy), the only kind the stack and I/O-bitmap
// lookups read.
inline bool tr_is_tss32(const VcpuState& v) {
  const uint8_t type = v.tr.attrib & 0xF;
  return (v.tr.selector & ~3u) != 0 && (type == 0x9 || type == 0xB);
}

// The CPU's switch to CPL `cpl`: CS = `code` with its RPL made `cpl` and, if `stack` is
// given, SS = *stack (as loaded: see loaded_segment) and ESP = `esp`.
void enter_cpl(VcpuState& v, uint8_t cpl, const Segment& code, const Segment* stack,
               uint32_t esp);
// The same from a code descriptor and a StackSwitch.
void enter_cpl(VcpuState& v, uint8_t cpl, uint16_t cs, const Descriptor& code,
               const StackSwitch* stack);

// IN/OUT/INS/OUTS: allowed at CPL <= IOPL, else only if every bit of `size` ports from
// `port` is clear in the TSS I/O bitmap. Raises #GP(0) and returns false otherwise.
bool io_permitted(Machine& m, uint16_t port, unsigned size);

}  // namespace bt86::runtime
