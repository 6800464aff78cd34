// The port-I/O bus: explicit ranges, no overlaps, unclaimed ports read as all ones.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/result.h"
#include "devices/port_device.h"

namespace bt86::devices {

class PortBus {
 public:
  // Claims [base, base+len) for `dev`; refuses a range that overlaps one already claimed.
  Result<void> add(uint16_t base, uint16_t len, PortDevice* dev);

  uint32_t read(uint16_t port, unsigned size);
  void write(uint16_t port, unsigned size, uint32_t value);

  // How many reads and writes the bus has carried. Device deadlines change only in a port
  // access or an advance (devices/clock.h), so the machine recomputes its earliest one
  // only when this count moved.
  uint64_t accesses() const { return accesses_; }

  // Called once per unclaimed port the guest touches (for --trace io).
  void set_unclaimed_hook(std::function<void(uint16_t port, bool is_write)> hook) {
    unclaimed_hook_ = std::move(hook);
  }

 private:
  struct Range {
    uint16_t base;
    uint16_t len;
    PortDevice* dev;
  };
  const Range* find(uint16_t port) const;
  void note_unclaimed(uint16_t port, bool is_write);

  std::vector<Range> ranges_;  // sorted by base
  uint64_t accesses_ = 0;
  std::vector<bool> unclaimed_seen_ = std::vector<bool>(65536);
  std::function<void(uint16_t, bool)> unclaimed_hook_;
};

}  // namespace bt86::devices
