// The monitor's access to guest linear memory (paging off in this slice: linear = physical).
#pragma once

#include <cstdint>

#include "mmu/guest_ram.h"

namespace bt86::runtime {

class GuestMemory {
 public:
  explicit GuestMemory(mmu::GuestRam& ram) : ram_(ram) {}
  // false: the access leaves guest RAM.
  bool read(uint32_t addr, unsigned size, uint64_t* out) const;
  bool write(uint32_t addr, unsigned size, uint64_t value);
  bool read_bytes(uint32_t addr, void* dst, uint32_t len) const;
  bool write_bytes(uint32_t addr, const void* src, uint32_t len);

 private:
  mmu::GuestRam& ram_;
};

}  // namespace bt86::runtime
