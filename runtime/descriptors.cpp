// Descriptor and gate decoding per the SDM vol. 3, §3.4.5 and §6.11.
#include "runtime/descriptors.h"

#include "runtime/guest_access.h"
#include "runtime/machine.h"

namespace bt86::runtime {

namespace {

// Guests keep their descriptor tables and TSS mapped; a #PF on them is not delivered yet
// (it would need the fault's place in the surrounding instruction's checks): stop instead.
bool settle_system(Machine& m, const LinearStatus& s, const char* what) {
  if (s.kind == LinearStatus::kPageFault) {
    m.stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("a descriptor-table %s at 0x%08x page-faults (error 0x%x), at EIP 0x%08x; "
                  "bt86 does not deliver that #PF yet",
                  what, s.addr, s.error, m.vcpu().eip));
    return false;
  }
  return s.ok();
}

}  // namespace

bool read_system(Machine& m, uint32_t linear, unsigned size, uint64_t* out) {
  return settle_system(m, read_linear(m, linear, size, out, false), "read");
}

bool write_system(Machine& m, uint32_t linear, unsigned size, uint64_t value) {
  return settle_system(m, write_linear(m, linear, size, value, false), "write");
}

uint32_t descriptor_address(const Machine& m, uint16_t selector) {
  const VcpuState& v = const_cast<Machine&>(m).vcpu();
  uint32_t table = (selector & 4) ? v.ldtr.base : v.gdtr.base;
  return table + (selector & ~7u);
}

bool read_descriptor_raw(Machine& m, uint16_t selector, uint64_t* raw) {
  const VcpuState& v = m.vcpu();
  uint32_t limit = v.gdtr.limit;
  if (selector & 4) {
    if ((v.ldtr.selector & ~3u) == 0) return false;  // no LDT loaded
    limit = v.ldtr.limit;
  }
  if ((selector & ~7u) + 7 > limit) return false;
  return read_system(m, descriptor_address(m, selector), 8, raw);
}

void mark_accessed(Machine& m, uint16_t selector) {
  uint32_t type_byte = descriptor_address(m, selector) + 5;
  uint64_t b = 0;
  if (read_system(m, type_byte, 1, &b) && !(b & 1)) write_system(m, type_byte, 1, b | 1);
}

}  // namespace bt86::runtime
