// A MachineControl for device tests: records every stop and reset a device asks for.
#pragma once

#include <string>
#include <vector>

#include "devices/machine_control.h"

namespace bt86::devices::test {

class FakeMachine final : public MachineControl {
 public:
  struct Stop {
    int status;
    std::string reason;
  };
  void request_stop(int status, std::string reason) override {
    stops.push_back({status, std::move(reason)});
  }
  void request_reset(std::string reason) override { resets.push_back(std::move(reason)); }

  std::vector<Stop> stops;
  std::vector<std::string> resets;
};

}  // namespace bt86::devices::test
