// The port-I/O bus: claims ranges for devices and routes IN/OUT to them by offset.
#include "devices/port_bus.h"

#include <algorithm>

#include "common/assert.h"

namespace bt86::devices {

namespace {

// The bits an access of `size` bytes carries: 0xFF, 0xFFFF or 0xFFFFFFFF.
uint32_t size_mask(unsigned size) {
  BT_ASSERT(size == 1 || size == 2 || size == 4, "port access of %u bytes", size);
  return size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

// Last port of a range, for messages; the range is known not to wrap.
unsigned last_port(uint16_t base, uint16_t len) {
  return unsigned{base} + len - 1;
}

}  // namespace

Result<void> PortBus::add(uint16_t base, uint16_t len, PortDevice* dev) {
  if (dev == nullptr) {
    return fail("port range at 0x%x: no device given", unsigned{base});
  }
  if (len == 0) {
    return fail("port range for %s at 0x%x is empty", dev->name(), unsigned{base});
  }
  // The range may end exactly at the top of the 64 KiB port space but not wrap past it.
  if (unsigned{base} + len > 0x10000u) {
    return fail("port range for %s at 0x%x with %u ports runs past port 0xffff", dev->name(),
                unsigned{base}, unsigned{len});
  }
  const unsigned first = base;
  const unsigned last = last_port(base, len);
  for (const Range& r : ranges_) {
    const unsigned r_first = r.base;
    const unsigned r_last = last_port(r.base, r.len);
    if (first <= r_last && r_first <= last) {
      return fail("port range 0x%x-0x%x for %s overlaps 0x%x-0x%x already claimed by %s", first,
                  last, dev->name(), r_first, r_last, r.dev->name());
    }
  }
  auto at = std::upper_bound(ranges_.begin(), ranges_.end(), base,
                             [](uint16_t b, const Range& r) { return b < r.base; });
  ranges_.insert(at, Range{base, len, dev});
  return {};
}

const PortBus::Range* PortBus::find(uint16_t port) const {
  // The last range whose base is <= port is the only one that can hold it.
  auto after = std::upper_bound(ranges_.begin(), ranges_.end(), port,
                                [](uint16_t p, const Range& r) { return p < r.base; });
  if (after == ranges_.begin()) return nullptr;
  const Range& r = *(after - 1);
  if (unsigned{port} - r.base < r.len) return &r;
  return nullptr;
}

void PortBus::note_unclaimed(uint16_t port, bool is_write) {
  if (unclaimed_seen_[port]) return;
  unclaimed_seen_[port] = true;
  if (unclaimed_hook_) unclaimed_hook_(port, is_write);
}

// A multi-byte access goes, whole, to the device that claims its first port, as on the ISA
// bus where the device decoding the start address answers the cycle. The device sees the
// offset of that first port and handles the remaining bytes itself (a byte-wide device such
// as the UART splits the access the way the ISA bus controller would).
uint32_t PortBus::read(uint16_t port, unsigned size) {
  ++accesses_;
  const uint32_t mask = size_mask(size);
  const Range* r = find(port);
  if (r == nullptr) {
    // Nothing drives the data lines; the pull-ups make every bit read as one.
    note_unclaimed(port, false);
    return mask;
  }
  return r->dev->read(static_cast<uint16_t>(port - r->base), size) & mask;
}

void PortBus::write(uint16_t port, unsigned size, uint32_t value) {
  ++accesses_;
  const uint32_t mask = size_mask(size);
  const Range* r = find(port);
  if (r == nullptr) {
    note_unclaimed(port, true);
    return;
  }
  r->dev->write(static_cast<uint16_t>(port - r->base), size, value & mask);
}

}  // namespace bt86::devices
