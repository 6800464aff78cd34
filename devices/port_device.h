// A device on the port-I/O bus sees offsets within its own range, never the machine.
#pragma once

#include <cstdint>

namespace bt86::devices {

class PortDevice {
 public:
  virtual ~PortDevice() = default;
  virtual const char* name() const = 0;
  // size is 1, 2 or 4; the result's unused high bits are ignored by the caller.
  virtual uint32_t read(uint16_t offset, unsigned size) = 0;
  virtual void write(uint16_t offset, unsigned size, uint32_t value) = 0;
};

}  // namespace bt86::devices
