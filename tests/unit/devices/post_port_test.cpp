// The POST port latches the last code, reads it back, and reports each code to a tracer.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/port_bus.h"
#include "devices/post_port.h"
#include "runtime/layout.h"

namespace bt86::devices {

TEST_CASE("The POST port remembers the last code written and reads it back", "[devices]") {
  PostPort post;
  PortBus bus;
  REQUIRE(bus.add(layout::kPortPost, 1, &post).has_value());
  CHECK(post.last_code() == 0);
  bus.write(0x80, 1, 0x12);
  bus.write(0x80, 1, 0xAB);
  CHECK(post.last_code() == 0xAB);
  CHECK(bus.read(0x80, 1) == 0xAB);
  // A wide read: our byte, then the undriven bus above it.
  CHECK(bus.read(0x80, 2) == 0xFFAB);
}

TEST_CASE("The POST port hands every code to its tracer in order", "[devices]") {
  PostPort post;
  std::vector<uint8_t> codes;
  post.set_trace([&](uint8_t code) { codes.push_back(code); });
  post.write(0, 1, 0x01);
  post.write(0, 1, 0x55);
  post.write(0, 1, 0x01);
  CHECK(codes == std::vector<uint8_t>{0x01, 0x55, 0x01});
  post.set_trace(nullptr);
  post.write(0, 1, 0x99);
  CHECK(codes.size() == 3);
  CHECK(post.last_code() == 0x99);
}

}  // namespace bt86::devices
