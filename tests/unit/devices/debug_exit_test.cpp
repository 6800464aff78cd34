// isa-debug-exit: the exit status arithmetic and the stop request it makes of the machine.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/debug_exit.h"
#include "devices/port_bus.h"
#include "runtime/layout.h"
#include "tests/unit/devices/fake_machine.h"

namespace bt86::devices {
using test::FakeMachine;

TEST_CASE("A guest write of v to isa-debug-exit stops the machine with status (v << 1) | 1",
          "[devices]") {
  FakeMachine machine;
  DebugExit dev(machine);
  dev.write(0, 4, 0x10);
  REQUIRE(machine.stops.size() == 1);
  CHECK(machine.stops[0].status == 0x21);
  CHECK(machine.stops[0].reason.find("0x10") != std::string::npos);
  CHECK(machine.stops[0].reason.find("isa-debug-exit") != std::string::npos);
}

TEST_CASE("isa-debug-exit can never produce exit status 0", "[devices]") {
  CHECK(DebugExit::exit_status(0) == 1);
  CHECK(DebugExit::exit_status(1) == 3);
  CHECK(DebugExit::exit_status(0x7F) == 0xFF);
  CHECK(DebugExit::exit_status(0x31) == 0x63);
}

TEST_CASE("isa-debug-exit answers byte, word and dword writes on every port of its range",
          "[devices]") {
  FakeMachine machine;
  DebugExit dev(machine);
  PortBus bus;
  REQUIRE(bus.add(layout::kPortDebugExit, layout::kPortDebugExitSize, &dev).has_value());
  bus.write(0xF4, 1, 0x31);
  bus.write(0xF5, 2, 0x0102);
  bus.write(0xF7, 4, 0x20);
  REQUIRE(machine.stops.size() == 3);
  CHECK(machine.stops[0].status == 0x63);
  CHECK(machine.stops[1].status == 0x205);
  CHECK(machine.stops[2].status == 0x41);
}

TEST_CASE("isa-debug-exit reads as zero, as QEMU's does, and reading does not stop the machine",
          "[devices]") {
  FakeMachine machine;
  DebugExit dev(machine);
  CHECK(dev.read(0, 1) == 0);
  CHECK(dev.read(0, 4) == 0);
  CHECK(dev.read(3, 1) == 0);
  CHECK(machine.stops.empty());
}

}  // namespace bt86::devices
