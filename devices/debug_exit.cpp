// isa-debug-exit: turns a guest OUT into a request to stop the machine with a status.
#include "devices/debug_exit.h"

#include <string>

#include "common/result.h"

namespace bt86::devices {

int DebugExit::exit_status(uint32_t value) {
  // QEMU computes (val << 1) | 1 and hands it to exit(); the arithmetic is done on 32 bits
  // here, and the host shell sees its low 8 bits as usual.
  return static_cast<int>((value << 1) | 1u);
}

// QEMU's device reads as 0 at every offset and width; a guest that probes for it (as some
// firmware does) sees the same value here.
uint32_t DebugExit::read(uint16_t, unsigned) {
  return 0;
}

void DebugExit::write(uint16_t, unsigned, uint32_t value) {
  machine_.request_stop(exit_status(value),
                        strfmt("guest wrote 0x%x to isa-debug-exit", static_cast<unsigned>(value)));
}

}  // namespace bt86::devices
