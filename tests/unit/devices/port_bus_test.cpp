// PortBus: range claims, dispatch by offset, and what unclaimed ports look like.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "devices/port_bus.h"

namespace bt86::devices {
namespace {

// Records every access it sees and answers reads with a fixed value.
class RecordingDevice final : public PortDevice {
 public:
  struct Access {
    bool is_write;
    uint16_t offset;
    unsigned size;
    uint32_t value;
  };

  explicit RecordingDevice(const char* name, uint32_t read_value = 0)
      : name_(name), read_value_(read_value) {}

  const char* name() const override { return name_; }
  uint32_t read(uint16_t offset, unsigned size) override {
    log.push_back({false, offset, size, 0});
    return read_value_;
  }
  void write(uint16_t offset, unsigned size, uint32_t value) override {
    log.push_back({true, offset, size, value});
  }

  std::vector<Access> log;

 private:
  const char* name_;
  uint32_t read_value_;
};

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("A port range that overlaps a claimed one is refused, naming both devices", "[devices]") {
  PortBus bus;
  RecordingDevice com1("com1");
  RecordingDevice intruder("intruder");
  REQUIRE(bus.add(0x3F8, 8, &com1).has_value());

  SECTION("overlapping the end") {
    auto r = bus.add(0x3FF, 2, &intruder);
    REQUIRE_FALSE(r.has_value());
    CHECK(contains(r.error().message, "intruder"));
    CHECK(contains(r.error().message, "com1"));
  }
  SECTION("overlapping the start") {
    CHECK_FALSE(bus.add(0x3F0, 9, &intruder).has_value());
  }
  SECTION("inside it") {
    CHECK_FALSE(bus.add(0x3FA, 1, &intruder).has_value());
  }
  SECTION("covering it") {
    CHECK_FALSE(bus.add(0x300, 0x200, &intruder).has_value());
  }
}

TEST_CASE("Port ranges that only touch each other are both accepted", "[devices]") {
  PortBus bus;
  RecordingDevice below("below");
  RecordingDevice above("above");
  REQUIRE(bus.add(0x3F8, 8, &above).has_value());
  CHECK(bus.add(0x3F0, 8, &below).has_value());
  CHECK(bus.add(0x400, 1, &below).has_value());
}

TEST_CASE("An empty port range or one that wraps past 0xffff is refused", "[devices]") {
  PortBus bus;
  RecordingDevice dev("dev");
  CHECK_FALSE(bus.add(0x80, 0, &dev).has_value());
  CHECK_FALSE(bus.add(0xFFFF, 2, &dev).has_value());
  CHECK_FALSE(bus.add(0xFFF0, 0x20, &dev).has_value());
  // Ending exactly at the top of the port space is fine.
  CHECK(bus.add(0xFFFF, 1, &dev).has_value());
}

TEST_CASE("Accesses reach the claiming device with the offset from its base", "[devices]") {
  PortBus bus;
  RecordingDevice low("low", 0x12345678);
  RecordingDevice high("high", 0xCAFEF00D);
  // Registered out of order: lookup must not depend on insertion order.
  REQUIRE(bus.add(0x3F8, 8, &high).has_value());
  REQUIRE(bus.add(0x60, 5, &low).has_value());

  CHECK(bus.read(0x3FD, 1) == 0x0D);
  CHECK(bus.read(0x64, 2) == 0x5678);
  bus.write(0x3F8, 4, 0xAABBCCDD);

  REQUIRE(high.log.size() == 2);
  CHECK_FALSE(high.log[0].is_write);
  CHECK(high.log[0].offset == 5);
  CHECK(high.log[0].size == 1);
  CHECK(high.log[1].is_write);
  CHECK(high.log[1].offset == 0);
  CHECK(high.log[1].size == 4);
  CHECK(high.log[1].value == 0xAABBCCDD);
  REQUIRE(low.log.size() == 1);
  CHECK(low.log[0].offset == 4);
  CHECK(low.log[0].size == 2);
}

TEST_CASE("The bus hands a device only the bits of the access size", "[devices]") {
  PortBus bus;
  RecordingDevice dev("dev", 0xFFFFFFFF);
  REQUIRE(bus.add(0x70, 2, &dev).has_value());
  CHECK(bus.read(0x70, 1) == 0xFF);
  CHECK(bus.read(0x70, 2) == 0xFFFF);
  bus.write(0x71, 1, 0x12345678);  // e.g. OUT DX, AL with junk in EAX's upper bytes
  REQUIRE(dev.log.size() == 3);
  CHECK(dev.log[2].value == 0x78);
}

TEST_CASE("A wide access goes whole to the device that claims its first port", "[devices]") {
  PortBus bus;
  RecordingDevice first("first", 0x11223344);
  RecordingDevice second("second");
  REQUIRE(bus.add(0x100, 2, &first).has_value());
  REQUIRE(bus.add(0x102, 2, &second).has_value());

  CHECK(bus.read(0x101, 4) == 0x11223344);
  bus.write(0x101, 2, 0xBEEF);

  CHECK(second.log.empty());
  REQUIRE(first.log.size() == 2);
  CHECK(first.log[0].offset == 1);
  CHECK(first.log[0].size == 4);
  CHECK(first.log[1].offset == 1);
  CHECK(first.log[1].value == 0xBEEF);
}

TEST_CASE("Unclaimed ports read as all ones at every access size", "[devices]") {
  PortBus bus;
  CHECK(bus.read(0x1234, 1) == 0xFFu);
  CHECK(bus.read(0x1234, 2) == 0xFFFFu);
  CHECK(bus.read(0x1234, 4) == 0xFFFFFFFFu);
}

TEST_CASE("Writes to unclaimed ports reach no device", "[devices]") {
  PortBus bus;
  RecordingDevice neighbour("neighbour");
  REQUIRE(bus.add(0x61, 1, &neighbour).has_value());
  bus.write(0x60, 1, 0xAB);
  bus.write(0x62, 4, 0xABCDEF01);
  CHECK(neighbour.log.empty());
}

TEST_CASE("The unclaimed hook is called once per port, however often it is touched", "[devices]") {
  PortBus bus;
  std::vector<std::pair<uint16_t, bool>> calls;
  bus.set_unclaimed_hook([&](uint16_t port, bool is_write) { calls.emplace_back(port, is_write); });
  RecordingDevice dev("dev");
  REQUIRE(bus.add(0x80, 1, &dev).has_value());

  bus.write(0x3F8, 1, 'a');
  bus.write(0x3F8, 1, 'b');
  bus.read(0x3F8, 1);
  bus.read(0x2F8, 2);
  bus.read(0x2F8, 1);
  bus.write(0x80, 1, 0x55);  // claimed: no hook

  REQUIRE(calls.size() == 2);
  CHECK(calls[0] == std::make_pair(uint16_t{0x3F8}, true));
  CHECK(calls[1] == std::make_pair(uint16_t{0x2F8}, false));
}

}  // namespace bt86::devices
