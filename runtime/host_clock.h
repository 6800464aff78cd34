// The host's monotonic clock as device time.
#pragma once

#include <time.h>

#include "devices/clock.h"

namespace bt86::runtime {

class HostClock final : public devices::Clock {
 public:
  uint64_t now_ns() const override {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
  }
};

}  // namespace bt86::runtime
