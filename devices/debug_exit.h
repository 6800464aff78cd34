// QEMU's isa-debug-exit: a guest write ends the VM with an exit status it chose.
#pragma once

#include <cstdint>

#include "devices/machine_control.h"
#include "devices/port_device.h"

namespace bt86::devices {

// Sits at layout::kPortDebugExit with layout::kPortDebugExitSize ports, as QEMU's
// "-device isa-debug-exit,iobase=0xf4,iosize=4" does, so test guests run unchanged on both.
// Writing v (any width, any offset) stops the machine with status (v << 1) | 1: a guest can
// never produce 0, so a zero exit always means the VM ended some other way.
class DebugExit final : public PortDevice {
 public:
  explicit DebugExit(MachineControl& machine) : machine_(machine) {}

  const char* name() const override { return "isa-debug-exit"; }
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // The process exit status a guest write of `value` asks for.
  static int exit_status(uint32_t value);

 private:
  MachineControl& machine_;
};

}  // namespace bt86::devices
