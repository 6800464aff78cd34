// A CharBackend for tests: records what the device sends and feeds it scripted input.
#pragma once

#include <deque>
#include <string>

#include "devices/char_backend.h"

namespace bt86::devices::test {

class FakeCharBackend final : public CharBackend {
 public:
  void write(uint8_t byte) override { sent += static_cast<char>(byte); }

  std::optional<uint8_t> read() override {
    if (input.empty()) return std::nullopt;
    const uint8_t byte = input.front();
    input.pop_front();
    return byte;
  }

  void queue_input(const std::string& bytes) {
    input.insert(input.end(), bytes.begin(), bytes.end());
  }

  std::string sent;           // every byte the device transmitted, in order
  std::deque<uint8_t> input;  // bytes still waiting to be received
};

}  // namespace bt86::devices::test
