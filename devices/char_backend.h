// Where a UART's bytes go and come from: stdio, a file, or nowhere.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/result.h"

namespace bt86::devices {

class CharBackend {
 public:
  virtual ~CharBackend() = default;
  virtual void write(uint8_t byte) = 0;
  // A byte the guest may receive now, if any; never blocks.
  virtual std::optional<uint8_t> read() = 0;
  // Host file descriptor to poll() for input while the guest halts, or -1.
  virtual int poll_fd() const { return -1; }
  virtual void flush() {}
};

// Parses QEMU's -serial spelling: "stdio", "file:PATH", "none".
Result<std::unique_ptr<CharBackend>> make_char_backend(const std::string& spec);

}  // namespace bt86::devices
