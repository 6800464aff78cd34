// A 16550A wired to a fake backend, with byte-wide IN/OUT helpers, for the UART tests.
#pragma once

#include <cstdint>

#include "devices/uart16550.h"
#include "tests/unit/devices/fake_char_backend.h"

namespace bt86::devices::test {

struct UartFixture {
  FakeCharBackend backend;
  Uart16550 uart{"com1", &backend};

  uint8_t in(uint16_t offset) { return static_cast<uint8_t>(uart.read(offset, 1)); }
  void out(uint16_t offset, uint8_t value) { uart.write(offset, 1, value); }

  // Loopback with the given modem-control bits also set; bytes written to THR come back.
  void enter_loopback(uint8_t mcr_bits = 0) { out(uart::kMcr, uart::kMcrLoop | mcr_bits); }
};

}  // namespace bt86::devices::test
