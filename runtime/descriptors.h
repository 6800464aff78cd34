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

// The fields of a descriptor's eight bytes as it sits in the GDT, LDT or IDT (SDM vol. 3A,
// 3.4.5 and 6.11), read from one register: no struct is assembled. GCC built small structs
// such as Descriptor and Gate on the stack field by field and read them back with wider
// loads, a store-forwarding stall per decode; the monitor's hot paths use this instead.
struct RawDescriptor {
  uint64_t raw;
  uint32_t lo() const { return uint32_t(raw); }
  uint32_t hi() const { return uint32_t(raw >> 32); }
  // Segment descriptors.
  uint32_t base() const { return (lo() >> 16) | ((hi() & 0xFF) << 16) | (hi() & 0xFF000000); }
  uint32_t limit() const {  // in bytes, granularity applied
    const uint32_t l = (lo() & 0xFFFF) | (hi() & 0x000F0000);
    return (hi() & (1u << 23)) ? (l << 12) | 0xFFF : l;
  }
  uint8_t type() const { return (hi() >> 8) & 0xF; }
  bool system() const { return !(hi() & (1u << 12)); }
  uint8_t dpl() const { return (hi() >> 13) & 3; }
  bool present() const { return hi() & (1u << 15); }
  bool db() const { return hi() & (1u << 22); }
  uint16_t attrib() const { return uint16_t(((hi() >> 8) & 0xFF) | ((hi() >> 12) & 0xF00)); }
  bool is_code() const { return !system() && (type() & 8); }
  // Gate descriptors.
  uint16_t gate_selector() const { return uint16_t(lo() >> 16); }
  uint32_t gate_offset() const { return (lo() & 0xFFFF) | (hi() & 0xFFFF0000); }
  uint8_t gate_type() const { return (hi() >> 8) & 0x1F; }
};

// Inline, with read_descriptor below, for the same reason as RawDescriptor.
[[gnu::always_inline]] inline Descriptor decode_descriptor(uint64_t raw) {
  const RawDescriptor r{raw};
  Descriptor d;
  d.base = r.base();
  d.limit = r.limit();
  d.type = r.type();
  d.system = r.system();
  d.dpl = r.dpl();
  d.present = r.present();
  d.db = r.db();
  d.attrib = r.attrib();
  d.raw_hi = r.hi();
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
[[gnu::always_inline]] inline Gate decode_gate(uint64_t raw) {
  const RawDescriptor r{raw};
  Gate g;
  g.selector = r.gate_selector();
  g.offset = r.gate_offset();
  g.type = r.gate_type();
  g.dpl = r.dpl();
  g.present = r.present();
  return g;
}

}  // namespace bt86::runtime
