// Ring changes and I/O permission; see privilege.h.
#include "runtime/privilege.h"

#include <cstring>

#include "runtime/guest_access.h"
#include "runtime/machine.h"

namespace bt86::runtime {

namespace {

constexpr uint8_t kTss32Available = 0x9, kTss32Busy = 0xB;

Segment segment_of(uint16_t selector, const Descriptor& d) {
  return Segment{selector, d.base, d.limit, uint16_t(d.attrib | 1)};
}

}  // namespace

std::optional<Raise> inner_stack(Machine& m, uint8_t cpl, uint32_t ext, StackSwitch* out) {
  const VcpuState& v = m.vcpu();
  const uint8_t tss_type = v.tr.attrib & 0xF;
  if ((v.tr.selector & ~3u) == 0 || (tss_type != kTss32Available && tss_type != kTss32Busy))
    return Raise{10, (v.tr.selector & ~3u) | ext};  // no 32-bit TSS: #TS
  const uint32_t esp_off = 4 + 8u * cpl;          // ESPn, then SSn 4 bytes later
  if (esp_off + 5 > v.tr.limit) return Raise{10, (v.tr.selector & ~3u) | ext};
  uint64_t esp = 0, ss = 0;
  if (auto phys = span_in_page(m, v.tr.base + esp_off, 6, Access::kRead, false)) {
    std::memcpy(&esp, m.ram().host(*phys), 4);
    std::memcpy(&ss, m.ram().host(*phys + 4), 2);
  } else if (!read_system(m, v.tr.base + esp_off, 4, &esp) ||
             !read_system(m, v.tr.base + esp_off + 4, 2, &ss)) {
    return Raise{-1, 0};  // the VM has stopped
  }
  const uint16_t sel = uint16_t(ss);
  if ((sel & ~3u) == 0) return Raise{10, ext};
  auto d = read_descriptor(m, sel);
  if (m.stopped()) return Raise{-1, 0};
  if (!d || (sel & 3) != cpl || d->dpl != cpl || d->system || d->is_code() || !(d->type & 2))
    return Raise{10, (sel & ~3u) | ext};
  if (!d->present) return Raise{12, (sel & ~3u) | ext};
  *out = StackSwitch{sel, *d, uint32_t(esp)};
  return std::nullopt;
}

std::optional<Raise> outer_stack(Machine& m, uint16_t ss, uint8_t rpl, Descriptor* out) {
  if ((ss & ~3u) == 0) return Raise{13, 0};
  auto d = read_descriptor(m, ss);
  if (m.stopped()) return Raise{-1, 0};
  if (!d || (ss & 3) != rpl || d->dpl != rpl || d->system || d->is_code() || !(d->type & 2))
    return Raise{13, ss & ~3u};
  if (!d->present) return Raise{12, ss & ~3u};
  *out = *d;
  return std::nullopt;
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

void enter_cpl(VcpuState& v, uint8_t cpl, uint16_t cs, const Descriptor& code,
               const StackSwitch* stack) {
  v.seg[kCS] = Segment{uint16_t((cs & ~3u) | cpl), code.base, code.limit, code.attrib};
  if (stack) {
    v.seg[kSS] = segment_of(stack->ss, stack->desc);
    v.gpr[4] = stack->esp;
  }
  v.cpl = cpl;
}

bool io_permitted(Machine& m, uint16_t port, unsigned size) {
  VcpuState& v = m.vcpu();
  if (v.cpl <= ((v.eflags & kFlagIOPL) >> 12)) return true;
  // The bitmap starts at the 16-bit offset at TSS+0x66; bits past the TSS limit deny.
  const uint8_t tss_type = v.tr.attrib & 0xF;
  bool allowed = false;
  if ((tss_type == kTss32Available || tss_type == kTss32Busy) && v.tr.limit >= 0x67) {
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
