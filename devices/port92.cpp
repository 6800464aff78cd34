// Port 0x92: latches the A20 and fast-reset bits; a rising edge on bit 0 resets the machine.
#include "devices/port92.h"

namespace bt86::devices {

using namespace port92;

namespace {

constexpr uint8_t kImplemented = kFastReset | kA20;

}  // namespace

// The port is one byte wide: the bytes above it read as an undriven bus (all ones).
uint32_t Port92::read(uint16_t, unsigned size) {
  const uint32_t upper = size == 1 ? 0 : (size == 2 ? 0xFF00u : 0xFFFFFF00u);
  return upper | value_;
}

void Port92::write(uint16_t, unsigned, uint32_t value) {
  const uint8_t old = value_;
  value_ = static_cast<uint8_t>(value) & kImplemented;
  // The reset fires on the edge, not the level: a guest that writes the port back with bit 0
  // still set (as it read it) must not reset again.
  if ((value_ & kFastReset) != 0 && (old & kFastReset) == 0) {
    machine_.request_reset("port 0x92 fast reset");
  }
}

}  // namespace bt86::devices
