// The host interval timer that makes long-running translated code return to the dispatcher.
#pragma once

#include <cstdint>

namespace bt86::runtime {

// A periodic SIGALRM whose handler sets `*exit_request` (the vCPU's pending byte, tested at
// every block entry) and a tick flag the dispatcher reads to poll host input. Translated
// code never blocks, so this bounds how late a device deadline or a key press is seen.
class HostTimer {
 public:
  // Arms the timer; one per process. `period_us` > 0.
  HostTimer(volatile uint8_t* exit_request, uint32_t period_us);
  ~HostTimer();
  HostTimer(const HostTimer&) = delete;
  HostTimer& operator=(const HostTimer&) = delete;

  // True once per elapsed period or more (reading clears it).
  static bool take_tick();
};

}  // namespace bt86::runtime
