// What a device may ask of the machine: stop it with a status (isa-debug-exit, reset).
#pragma once

#include <string>

namespace bt86::devices {

class MachineControl {
 public:
  virtual ~MachineControl() = default;
  // Ends the VM after the current instruction; `status` becomes the process exit status.
  virtual void request_stop(int status, std::string reason) = 0;
};

}  // namespace bt86::devices
