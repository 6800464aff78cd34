// The one place the PC's devices are created and given their port ranges.
#pragma once

#include <memory>
#include <vector>

#include "common/result.h"
#include "devices/char_backend.h"
#include "runtime/cli/config.h"
#include "runtime/machine.h"

namespace bt86::runtime {

struct PcDevices {
  // The serial ports' backends, COM1 first (one per -serial; COM1 on stdio by default).
  std::vector<std::unique_ptr<devices::CharBackend>> serial_backends;
};

Result<PcDevices> wire_pc_devices(Machine& m, const cli::Config& config);

}  // namespace bt86::runtime
