// The POST diagnostic port 0x80: firmware and kernels write progress codes (and delay I/O) here.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "devices/port_device.h"

namespace bt86::devices {

// One port at layout::kPortPost. Linux also uses it as a harmless "outb to delay" target,
// so writes must be cheap. Reads return the last code written: many chipsets latch the POST
// code and read it back this way. QEMU's PC differs: its dummy "ioport80" reads all ones.
// Guests write this port and do not read it, so the difference does not show in transcripts.
class PostPort final : public PortDevice {
 public:
  const char* name() const override { return "post"; }
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // The last code the guest wrote (0 before the first write).
  uint8_t last_code() const { return last_code_; }

  // Called with every code written, for tracing; an empty function turns tracing off.
  void set_trace(std::function<void(uint8_t code)> trace) { trace_ = std::move(trace); }

 private:
  uint8_t last_code_ = 0;
  std::function<void(uint8_t)> trace_;
};

}  // namespace bt86::devices
