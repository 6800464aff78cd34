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

Descriptor decode_descriptor(uint64_t raw);
// Implicit supervisor accesses to system structures (GDT, LDT, TSS) at a linear address.
// False: outside RAM or a #PF (the VM has stopped: such a #PF is not delivered yet).
bool read_system(Machine& m, uint32_t linear, unsigned size, uint64_t* out);
bool write_system(Machine& m, uint32_t linear, unsigned size, uint64_t value);

// The GDT or LDT entry (by the selector's TI bit) for `selector`, or nullopt when the
// selector is outside the table's limit (or the LDTR is null) or outside memory.
std::optional<Descriptor> read_descriptor(Machine& m, uint16_t selector);
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
