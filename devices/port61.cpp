// Port 0x61: the writable control bits, and the status bits read from the PIT and the clock.
#include "devices/port61.h"

namespace bt86::devices {

using namespace port61;

Port61::Port61(const Clock& clock, Pit8254& pit) : clock_(clock), pit_(pit) {
  pit_.set_gate(2, (control_ & kTimer2Gate) != 0);
}

uint32_t Port61::read(uint16_t offset, unsigned /*size*/) {
  if (offset != 0) return 0xFF;
  const bool refresh = (clock_.now_ns() / kRefreshPeriodNs) % 2 != 0;
  return control_ | (refresh ? kRefreshToggle : 0) | (pit_.out(2) ? kTimer2Out : 0);
}

void Port61::write(uint16_t offset, unsigned /*size*/, uint32_t value) {
  if (offset != 0) return;
  control_ = static_cast<uint8_t>(value) & kWritable;
  pit_.set_gate(2, (control_ & kTimer2Gate) != 0);
}

}  // namespace bt86::devices
