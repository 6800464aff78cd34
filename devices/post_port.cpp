// The POST port: latches the last progress code written and reads it back.
#include "devices/post_port.h"

namespace bt86::devices {

// The range is one port wide, so only the first byte of a wider access is ours; the others
// read as an undriven bus (all ones), as the unclaimed ports next to us would.
uint32_t PostPort::read(uint16_t, unsigned size) {
  const uint32_t upper = size == 1 ? 0 : (size == 2 ? 0xFF00u : 0xFFFFFF00u);
  return upper | last_code_;
}

void PostPort::write(uint16_t, unsigned, uint32_t value) {
  last_code_ = static_cast<uint8_t>(value);
  if (trace_) trace_(last_code_);
}

}  // namespace bt86::devices
