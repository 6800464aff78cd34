// The host's monotonic clock as device time.
//
// The dispatcher asks for the time at every exit (device deadlines), and clock_gettime()
// costs ~70 TSC ticks in this VM-hosted vDSO, as much as a seventh of a monitor call. So
// the clock extrapolates from an anchor with the TSC (constant rate on the hosts bt86 runs
// on; the guest TSC is the host's already) and re-anchors on CLOCK_MONOTONIC every
// kAnchorNs, correcting its rate each time. It never goes backwards.
#pragma once

#include <time.h>
#include <x86intrin.h>

#include <algorithm>
#include <cstdint>

#include "devices/clock.h"

namespace bt86::runtime {

class HostClock final : public devices::Clock {
 public:
  uint64_t now_ns() const override {
    const uint64_t tsc = __rdtsc();
    const uint64_t since = tsc - anchor_tsc_;
    if (ns_per_tick_q32_ == 0 || since > anchor_ticks_) return reanchor(tsc);
    const uint64_t ns =
        anchor_ns_ + uint64_t((unsigned __int128)since * ns_per_tick_q32_ >> 32);
    return last_ = std::max(last_, ns);
  }

 private:
  static constexpr uint64_t kAnchorNs = 50'000'000;       // re-anchor every 50 ms
  static constexpr uint64_t kCalibrateNs = 5'000'000;     // first rate after 5 ms

  static uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
  }

  uint64_t reanchor(uint64_t tsc) const {
    const uint64_t ns = monotonic_ns();
    if (anchor_ns_ == 0) {
      anchor_ns_ = ns;
      anchor_tsc_ = tsc;
    } else if (ns - anchor_ns_ >= kCalibrateNs && tsc > anchor_tsc_) {
      ns_per_tick_q32_ = uint64_t(((unsigned __int128)(ns - anchor_ns_) << 32) / (tsc - anchor_tsc_));
      anchor_ticks_ = ns_per_tick_q32_ ? uint64_t(((unsigned __int128)kAnchorNs << 32) /
                                                  ns_per_tick_q32_)
                                       : 0;
      anchor_ns_ = ns;
      anchor_tsc_ = tsc;
    }
    return last_ = std::max(last_, ns);
  }

  mutable uint64_t anchor_ns_ = 0, anchor_tsc_ = 0;
  mutable uint64_t ns_per_tick_q32_ = 0;  // 0 until calibrated: every call reads the clock
  mutable uint64_t anchor_ticks_ = 0;
  mutable uint64_t last_ = 0;
};

}  // namespace bt86::runtime
