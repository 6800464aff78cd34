// Bounds-checked guest memory access for the monitor; writes go through the code-page hook.
#include "runtime/guest_memory.h"

#include <cstring>

namespace bt86::runtime {

bool GuestMemory::read(uint32_t addr, unsigned size, uint64_t* out) const {
  if (!ram_.contains(addr, size)) return false;
  uint64_t v = 0;
  std::memcpy(&v, ram_.host(addr), size);
  *out = v;
  return true;
}

bool GuestMemory::write(uint32_t addr, unsigned size, uint64_t value) {
  if (!ram_.contains(addr, size)) return false;
  ram_.write(addr, &value, size);
  return true;
}

bool GuestMemory::read_bytes(uint32_t addr, void* dst, uint32_t len) const {
  if (!ram_.contains(addr, len)) return false;
  ram_.read(addr, dst, len);
  return true;
}

bool GuestMemory::write_bytes(uint32_t addr, const void* src, uint32_t len) {
  if (!ram_.contains(addr, len)) return false;
  ram_.write(addr, src, len);
  return true;
}

}  // namespace bt86::runtime
