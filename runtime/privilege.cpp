// Ring changes and I/O permission; see privilege.h.
#include "runtime/privilege.h"

#include <cstring>

#include "runtime/guest_access.h"
#include "runtime/machine.h"

namespace bt86::runtime {

bool inner_stack(Machine& m, uint8_t cpl, uint32_t ext, StackSwitch* out, Raise* raise) {
  auto fail = [raise](int vector, uint32_t error) {
    *raise = Raise{vector, error};
    return false;
  };
  const VcpuState& v = m.vcpu();
  if (!tr_is_tss32(v)) return fail(10, (v.tr.selector & ~3u) | ext);  // no 32-bit TSS: #TS
  const uint32_t esp_off = 4 + 8u * cpl;          // ESPn, then SSn 4 bytes later
  if (esp_off + 5 > v.tr.limit) return fail(10, (v.tr.selector & ~3u) | ext);
  uint32_t esp;
  uint16_t sel;
  if (const uint64_t phys = span_in_page(m, v.tr.base + esp_off, 6, Access::kRead, false);
      phys != kNoSpan) {
    std::memcpy(&esp, m.ram().host(uint32_t(phys)), 4);
    std::memcpy(&sel, m.ram().host(uint32_t(phys) + 4), 2);
  } else {
    uint64_t esp64 = 0, ss64 = 0;
    if (!read_system(m, v.tr.base + esp_off, 4, &esp64) ||
        !read_system(m, v.tr.base + esp_off + 4, 2, &ss64))
      return fail(-1, 0);  // the VM has stopped
    esp = uint32_t(esp64);
    sel = uint16_t(ss64);
  }
  if ((sel & ~3u) == 0) return fail(10, ext);
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return fail(-1, 0);
  if (!d || (sel & 3) != cpl || d->dpl != cpl || d->system || d->is_code() || !(d->type & 2))
    return fail(10, (sel & ~3u) | ext);
  if (!d->present) return fail(12, (sel & ~3u) | ext);
  *out = StackSwitch{sel, *d, esp};
  return true;
}

bool outer_stack(Machine& m, uint16_t ss, uint8_t rpl, Descriptor* out, Raise* raise) {
  auto fail = [raise](int vector, uint32_t error) {
    *raise = Raise{vector, error};
    return false;
  };
  if ((ss & ~3u) == 0) return fail(13, 0);
  auto d = read_descriptor(m, ss);
  if (m.stopped()) return fail(-1, 0);
  if (!d || (ss & 3) != rpl || d->dpl != rpl || d->system || d->is_code() || !(d->type & 2))
    return fail(13, ss & ~3u);
  if (!d->present) return fail(12, ss & ~3u);
  *out = *d;
  return true;
}

void null_inaccessible_segments(VcpuState& v) {
  for (int s : {kES, kDS, kFS, kGS}) {
    Segment& seg = v.seg[s];
    if ((seg.selector & ~3u) == 0) continue;
    const uint8_t type = seg.attrib & 0xF;
    const uint8_t dpl = (seg.attrib >> 5) & 3;
    const bool conforming_code = (type & 0xC) == 0xC;
    if (!conforming_code && dpl < v.cpl) seg = Segment{0, 0, 0, 0};
  }
}

void enter_cpl(VcpuState& v, uint8_t cpl, const Segment& code, const Segment* stack,
               uint32_t esp) {
  v.seg[kCS] = code;
  v.seg[kCS].selector = uint16_t((code.selector & ~3u) | cpl);
  if (stack) {
    v.seg[kSS] = *stack;
    v.gpr[4] = esp;
  }
  v.cpl = cpl;
}

void enter_cpl(VcpuState& v, uint8_t cpl, uint16_t cs, const Descriptor& code,
               const StackSwitch* stack) {
  const Segment code_seg{cs, code.base, code.limit, code.attrib};
  if (!stack) return enter_cpl(v, cpl, code_seg, nullptr, 0);
  const Segment ss = loaded_segment(stack->ss, stack->desc);
  enter_cpl(v, cpl, code_seg, &ss, stack->esp);
}

bool io_permitted(Machine& m, uint16_t port, unsigned size) {
  VcpuState& v = m.vcpu();
  if (v.cpl <= ((v.eflags & kFlagIOPL) >> 12)) return true;
  // The bitmap starts at the 16-bit offset at TSS+0x66; bits past the TSS limit deny.
  bool allowed = false;
  if (tr_is_tss32(v) && v.tr.limit >= 0x67) {
    uint64_t base = 0, bits = 0;
    if (!read_system(m, v.tr.base + 0x66, 2, &base)) return false;
    const uint32_t at = uint32_t(base) + port / 8;
    if (at + 1 <= v.tr.limit) {
      if (!read_system(m, v.tr.base + at, 2, &bits)) return false;
      const uint32_t mask = ((1u << size) - 1) << (port % 8);
      allowed = (bits & mask) == 0;
    }
  }
  if (!allowed) m.raise(13, true, 0);
  return allowed;
}

}  // namespace bt86::runtime
