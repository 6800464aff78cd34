// What a device may ask of the machine: stop it with a status (isa-debug-exit) or reset it.
#pragma once

#include <string>

namespace bt86::devices {

class MachineControl {
 public:
  virtual ~MachineControl() = default;
  // Ends the VM after the current instruction; `status` becomes the process exit status.
  virtual void request_stop(int status, std::string reason) = 0;
  // A CPU reset (i8042 command 0xFE, port 0x92 bit 0, a triple fault). bt86 boots kernels
  // directly, with no firmware to run again, so a reset ends the VM as QEMU's -no-reboot does.
  virtual void request_reset(std::string reason) = 0;
};

}  // namespace bt86::devices
