// Reading GDT/LDT/IDT entries from guest memory and decoding them.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/vcpu.h"

namespace bt86::runtime {

class Machine;

struct Descriptor {
  uint32_t base = 0;
  uint32_t limit = 0;     // in bytes, granularity applied
  uint8_t type = 0;       // bits 0-3 of the access byte
  bool system = false;    // S bit clear
  uint8_t dpl = 0;
  bool present = false;
  bool db = false;        // default operand size 32
  uint16_t attrib = 0;    // bytes 5-6 as stored in Segment::attrib
  uint32_t raw_hi = 0;    // the descriptor's high doubleword (LAR reads its access rights)
  bool is_code() const { return !system && (type & 8); }
};

// Inline, with read_descriptor below: built in a separate function, the struct was
// assembled on the stack field by field and copied out with one 16-byte load, a
// store-forwarding stall that was half of read_descriptor's time.
[[gnu::always_inline]] inline Descriptor decode_descriptor(uint64_t raw) {
  Descriptor d;
  const uint32_t lo = uint32_t(raw), hi = uint32_t(raw >> 32);
  d.base = (lo >> 16) | ((hi & 0xFF) << 16) | (hi & 0xFF000000);
  const uint32_t limit = (lo & 0xFFFF) | (hi & 0x000F0000);
  const bool g = hi & (1u << 23);
  d.limit = g ? (limit << 12) | 0xFFF : limit;
  d.type = (hi >> 8) & 0xF;
  d.system = !(hi & (1u << 12));
  d.dpl = (hi >> 13) & 3;
  d.present = hi & (1u << 15);
  d.db = hi & (1u << 22);
  d.attrib = uint16_t(((hi >> 8) & 0xFF) | ((hi >> 12) & 0xF00));
  d.raw_hi = hi;
  return d;
}
// Implicit supervisor accesses to system structures (GDT, LDT, TSS) at a linear address.
// False: outside RAM or a #PF (the VM has stopped: such a #PF is not delivered yet).
bool read_system(Machine& m, uint32_t linear, unsigned size, uint64_t* out);
bool write_system(Machine& m, uint32_t linear, unsigned size, uint64_t value);

// The GDT or LDT entry (by the selector's TI bit) for `selector`, or nullopt when the
// selector is outside the table's limit (or the LDTR is null) or outside memory.
// The raw eight bytes of that entry; false in the same cases.
bool read_descriptor_raw(Machine& m, uint16_t selector, uint64_t* raw);
[[gnu::always_inline]] inline std::optional<Descriptor> read_descriptor(Machine& m,
                                                                   uint16_t selector) {
  uint64_t raw;
  if (!read_descriptor_raw(m, selector, &raw)) return std::nullopt;
  return decode_descriptor(raw);
}
// Guest-linear address of the descriptor for `selector` (valid after read_descriptor).
uint32_t descriptor_address(const Machine& m, uint16_t selector);
// Sets the accessed bit of `selector`'s descriptor in its table, as a segment load does.
void mark_accessed(Machine& m, uint16_t selector);

struct Gate {
  uint16_t selector = 0;
  uint32_t offset = 0;
  uint8_t type = 0;   // 5 task, 6/7 16-bit interrupt/trap, 14/15 32-bit interrupt/trap
  uint8_t dpl = 0;
  bool present = false;
};
Gate decode_gate(uint64_t raw);

}  // namespace bt86::runtime
