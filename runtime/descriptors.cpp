// Descriptor and gate decoding per the SDM vol. 3, §3.4.5 and §6.11.
#include "runtime/descriptors.h"

#include "runtime/machine.h"

namespace bt86::runtime {

Descriptor decode_descriptor(uint64_t raw) {
  Descriptor d;
  uint32_t lo = uint32_t(raw), hi = uint32_t(raw >> 32);
  d.base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
  uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000);
  bool g = hi & (1u << 23);
  d.limit = g ? (limit << 12) | 0xFFF : limit;
  d.type = (hi >> 8) & 0xF;
  d.system = !(hi & (1u << 12));
  d.dpl = (hi >> 13) & 3;
  d.present = hi & (1u << 15);
  d.db = hi & (1u << 22);
  d.attrib = uint16_t(((hi >> 8) & 0xFF) | ((hi >> 12) & 0xF00));
  return d;
}

std::optional<Descriptor> read_gdt_descriptor(Machine& m, uint16_t selector) {
  if (selector & 4) return std::nullopt;  // LDT: not modeled yet
  const VcpuState& v = m.vcpu();
  uint32_t index = selector & ~7u;
  if (index + 7 > v.gdtr.limit) return std::nullopt;
  uint64_t raw = 0;
  if (!m.mem().read(v.gdtr.base + index, 8, &raw)) return std::nullopt;
  return decode_descriptor(raw);
}

Gate decode_gate(uint64_t raw) {
  Gate g;
  uint32_t lo = uint32_t(raw), hi = uint32_t(raw >> 32);
  g.selector = uint16_t(lo >> 16);
  g.offset = (lo & 0xFFFF) | (hi & 0xFFFF0000);
  g.type = (hi >> 8) & 0x1F;
  g.dpl = (hi >> 13) & 3;
  g.present = hi & (1u << 15);
  return g;
}

}  // namespace bt86::runtime
