// The common privilege transfers (delivery from CPL 3, IRET) in one pass; see fast_transfer.h.
#include "runtime/fast_transfer.h"

#include <cstring>

#include "runtime/descriptors.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/privilege.h"

namespace bt86::runtime {

namespace {

constexpr uint8_t kInterruptGate32 = 14, kTrapGate32 = 15;

// `size` bytes at supervisor linear address `linear`, in one page of RAM: their host
// address, or nullptr (the general path will read them, or fault).
const uint8_t* system_bytes(Machine& m, uint32_t linear, unsigned size) {
  const uint64_t phys = span_in_page(m, linear, size, Access::kRead, false);
  return phys == kNoSpan ? nullptr : m.ram().host(uint32_t(phys));
}

// The GDT descriptor of `selector`: false for a null or LDT selector or one past the limit.
bool gdt_descriptor(Machine& m, uint16_t selector, RawDescriptor* out) {
  const VcpuState& v = m.vcpu();
  if ((selector & ~3u) == 0 || (selector & 4) || (selector & ~7u) + 7 > v.gdtr.limit)
    return false;
  const uint8_t* p = system_bytes(m, v.gdtr.base + (selector & ~7u), 8);
  if (!p) return false;
  std::memcpy(&out->raw, p, 8);
  return true;
}

// A present, non-conforming, 32-bit code segment with DPL `dpl`.
bool plain_code(RawDescriptor d, uint8_t dpl) {
  return d.is_code() && !(d.type() & 4) && d.present() && d.db() && d.dpl() == dpl;
}

// A present, writable, 32-bit (B = 1) data segment with DPL `dpl`, for SS.
bool plain_stack(RawDescriptor d, uint8_t dpl) {
  return !d.system() && !d.is_code() && (d.type() & 2) && d.present() && d.db() &&
         d.dpl() == dpl;
}

// The segment register a load of `d` by `selector` leaves (as loaded_segment, privilege.h).
Segment raw_segment(uint16_t selector, RawDescriptor d, uint16_t accessed = 0) {
  return Segment{selector, d.base(), d.limit(), uint16_t(d.attrib() | accessed)};
}

}  // namespace

bool fast_deliver_from_user(Machine& m, int vector, bool has_error, uint32_t error,
                            bool software, uint32_t frame_eip) {
  VcpuState& v = m.vcpu();
  if (v.cpl != 3 || uint32_t(vector) * 8 + 7 > v.idtr.limit) return false;
  const uint8_t* g = system_bytes(m, v.idtr.base + uint32_t(vector) * 8, 8);
  if (!g) return false;
  RawDescriptor gate;
  std::memcpy(&gate.raw, g, 8);
  // Present, 32-bit interrupt or trap; INT n also needs the gate's DPL to be 3 (= CPL).
  const uint8_t type = gate.gate_type();
  if ((type != kInterruptGate32 && type != kTrapGate32) || !gate.present() ||
      (software && gate.dpl() != 3))
    return false;
  RawDescriptor code;
  if (!gdt_descriptor(m, gate.gate_selector(), &code) || !plain_code(code, 0) ||
      gate.gate_offset() > code.limit())
    return false;

  // SS0:ESP0 from a 32-bit TSS.
  if (!tr_is_tss32(v) || v.tr.limit < 4 + 5) return false;
  const uint8_t* t = system_bytes(m, v.tr.base + 4, 6);
  if (!t) return false;
  uint32_t esp0;
  uint16_t ss0;
  std::memcpy(&esp0, t, 4);
  std::memcpy(&ss0, t + 4, 2);
  RawDescriptor stack;
  if ((ss0 & 3) != 0 || !gdt_descriptor(m, ss0, &stack) || !plain_stack(stack, 0)) return false;
  // The frame from the lowest address: [error] EIP CS EFLAGS ESP SS, all in one page.
  const Segment ss = raw_segment(ss0, stack);
  const uint32_t size = has_error ? 24 : 20;
  if (segment_fault(ss, true, esp0 - size, size, Access::kWrite)) return false;
  const uint64_t phys = span_in_page(m, ss.base + esp0 - size, size, Access::kWrite, false);
  if (phys == kNoSpan) return false;

  const uint32_t frame[6] = {error, frame_eip, v.seg[kCS].selector, v.eflags, v.gpr[4],
                             v.seg[kSS].selector};
  m.ram().write(uint32_t(phys), has_error ? frame : frame + 1, size);
  const Segment loaded_ss = raw_segment(ss0, stack, 1);
  enter_cpl(v, 0, raw_segment(gate.gate_selector(), code), &loaded_ss, esp0 - size);
  v.eflags &= ~(kFlagTF | kFlagNT | kFlagRF | kFlagVM);
  if (type == kInterruptGate32) v.eflags &= ~kFlagIF;
  v.eip = gate.gate_offset();
  m.stats().fast_deliver++;
  return true;
}

bool fast_iret(Machine& m) {
  VcpuState& v = m.vcpu();
  const Segment& ss = v.seg[kSS];
  if (v.cpl != 0 || (v.eflags & kFlagNT) || stack_is_16(ss)) return false;
  // EIP CS EFLAGS, then for a return to CPL 3 ESP SS: each part read in one page.
  uint32_t frame[5];
  auto pop = [&](unsigned at, unsigned bytes) {
    const uint32_t offset = v.gpr[4] + at;
    if (segment_fault(ss, true, offset, bytes, Access::kRead)) return false;
    const uint64_t phys = span_in_page(m, ss.base + offset, bytes, Access::kRead, false);
    if (phys == kNoSpan) return false;
    std::memcpy(frame + at / 4, m.ram().host(uint32_t(phys)), bytes);
    return true;
  };
  if (!pop(0, 12) || (frame[2] & kFlagVM)) return false;
  const uint16_t cs = uint16_t(frame[1]);
  const uint32_t mask = iret_writable_flags(v, 4);
  RawDescriptor code;
  if ((cs & 3) == 0) {  // to CPL 0
    if (!gdt_descriptor(m, cs, &code) || !plain_code(code, 0) || frame[0] > code.limit())
      return false;
    v.eflags = (v.eflags & ~mask) | (frame[2] & mask) | 0x2;
    v.seg[kCS] = raw_segment(cs, code);
    v.gpr[4] += 12;
    v.eip = frame[0];
    m.stats().fast_iret++;
    return true;
  }
  if ((cs & 3) != 3 || !pop(12, 8)) return false;
  const uint16_t outer_ss = uint16_t(frame[4]);
  RawDescriptor stack;
  if ((outer_ss & 3) != 3 || !gdt_descriptor(m, cs, &code) || !plain_code(code, 3) ||
      frame[0] > code.limit() || !gdt_descriptor(m, outer_ss, &stack) ||
      !plain_stack(stack, 3))
    return false;

  v.eflags = (v.eflags & ~mask) | (frame[2] & mask) | 0x2;
  const Segment loaded_ss = raw_segment(outer_ss, stack, 1);
  enter_cpl(v, 3, raw_segment(cs, code), &loaded_ss, frame[3]);
  null_inaccessible_segments(v);
  v.eip = frame[0];
  m.stats().fast_iret++;
  return true;
}

}  // namespace bt86::runtime
