// The 8259A pair against the datasheet: init words, priorities, EOIs, cascade, ELCR, spurious.
#include <catch2/catch.hpp>

#include <vector>

#include "devices/pic8259.h"

namespace bt86::devices {

using namespace pic;

namespace {

// Ports 0x20/0x21, 0xA0/0xA1 and 0x4D0/0x4D1, addressed as the bus does: by offset.
struct PicFixture {
  Pic8259Pair pic;

  void master_out(uint16_t offset, uint8_t value) { pic.master().write(offset, 1, value); }
  void slave_out(uint16_t offset, uint8_t value) { pic.slave().write(offset, 1, value); }
  uint8_t master_in(uint16_t offset) { return static_cast<uint8_t>(pic.master().read(offset, 1)); }
  uint8_t slave_in(uint16_t offset) { return static_cast<uint8_t>(pic.slave().read(offset, 1)); }

  // Linux's init_8259A: edge-triggered cascade, vectors 0x30/0x38, slave on IR2, 8086 mode.
  void linux_init(uint8_t icw4 = 0x01) {
    master_out(kCommand, 0x11);
    master_out(kData, 0x30);
    master_out(kData, 0x04);
    master_out(kData, icw4);
    slave_out(kCommand, 0x11);
    slave_out(kData, 0x38);
    slave_out(kData, 0x02);
    slave_out(kData, icw4);
  }

  void pulse(unsigned irq) {
    pic.set_irq(irq, true);
    pic.set_irq(irq, false);
  }
};

}  // namespace

TEST_CASE("After Linux's init an IRQ0 pulse is taken as vector 0x30 and EOI ends it", "[devices]") {
  PicFixture f;
  f.linux_init();
  CHECK(f.master_in(kData) == 0x00);  // ICW1 clears the IMR
  CHECK_FALSE(f.pic.intr());
  f.pulse(0);
  CHECK(f.pic.intr());
  CHECK(f.master_in(kCommand) == 0x01);  // the even port reads IRR by default
  CHECK(f.pic.acknowledge() == 0x30);
  CHECK(f.pic.isr(kMaster) == 0x01);
  CHECK(f.pic.irr(kMaster) == 0x00);
  CHECK_FALSE(f.pic.intr());
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.isr(kMaster) == 0x00);
  CHECK_FALSE(f.pic.intr());
}

TEST_CASE("A fresh pair works uninitialized with vector base 0 and nothing masked", "[devices]") {
  PicFixture f;
  CHECK_FALSE(f.pic.intr());
  CHECK(f.pic.imr(kMaster) == 0x00);
  CHECK(f.pic.imr(kSlave) == 0x00);
  f.pulse(4);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x04);
}

TEST_CASE("ICW2's low three bits are ignored and single mode skips ICW3", "[devices]") {
  PicFixture f;
  f.master_out(kCommand, kIcw1Init | kIcw1Sngl | kIcw1Ic4);
  f.master_out(kData, 0x47);
  f.master_out(kData, 0x03);  // ICW4, not ICW3: 8086 mode with auto-EOI
  f.master_out(kData, 0x01);  // initialization over: this is OCW1, masking IRQ0
  CHECK(f.pic.imr(kMaster) == 0x01);
  f.pulse(0);
  CHECK_FALSE(f.pic.intr());
  f.pulse(5);
  CHECK(f.pic.acknowledge() == 0x45);
  CHECK(f.pic.isr(kMaster) == 0x00);  // auto-EOI came from the ICW4
}

TEST_CASE("A lower-priority request waits for the EOI of the level in service", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(1);
  REQUIRE(f.pic.acknowledge() == 0x31);
  f.pulse(3);
  CHECK(f.pic.irr(kMaster) == 0x08);
  CHECK_FALSE(f.pic.intr());
  // A higher-priority one nests.
  f.pulse(0);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x30);
  CHECK(f.pic.isr(kMaster) == 0x03);
  f.master_out(kCommand, kOcw2NonSpecificEoi);  // ends IRQ0, the highest in service
  CHECK(f.pic.isr(kMaster) == 0x02);
  CHECK_FALSE(f.pic.intr());
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x33);
}

TEST_CASE("A masked request is held in IRR and presented once unmasked", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.master_out(kData, 0x10);
  CHECK(f.master_in(kData) == 0x10);  // the odd port reads IMR
  f.pulse(4);
  CHECK(f.pic.irr(kMaster) == 0x10);
  CHECK_FALSE(f.pic.intr());
  f.master_out(kData, 0x00);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x34);
}

TEST_CASE("Slave IRQ8 arrives through the master's IR2 with the slave's vector", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(8);
  CHECK(f.pic.irr(kSlave) == 0x01);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x38);
  CHECK(f.pic.isr(kSlave) == 0x01);
  CHECK(f.pic.isr(kMaster) == 0x04);
  CHECK_FALSE(f.pic.intr());
  f.slave_out(kCommand, kOcw2NonSpecificEoi);
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.isr(kSlave) == 0x00);
  CHECK(f.pic.isr(kMaster) == 0x00);
  CHECK_FALSE(f.pic.intr());
}

TEST_CASE("A slave request behind a slave level in service waits for both EOIs", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(12);
  REQUIRE(f.pic.acknowledge() == 0x3C);
  f.pulse(9);  // higher than IRQ12 on the slave, but the master's IR2 is in service
  CHECK_FALSE(f.pic.intr());
  f.slave_out(kCommand, kOcw2NonSpecificEoi);
  CHECK_FALSE(f.pic.intr());
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x39);
}

TEST_CASE("In auto-EOI mode the acknowledge leaves ISR clear", "[devices]") {
  PicFixture f;
  f.linux_init(0x03);
  f.pulse(3);
  f.pulse(6);
  CHECK(f.pic.acknowledge() == 0x33);
  CHECK(f.pic.isr(kMaster) == 0x00);
  CHECK(f.pic.intr());  // nothing in service holds IRQ6 off
  CHECK(f.pic.acknowledge() == 0x36);
  CHECK_FALSE(f.pic.intr());
}

TEST_CASE("A specific EOI ends the named level, not the highest", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(5);
  REQUIRE(f.pic.acknowledge() == 0x35);
  f.pulse(1);
  REQUIRE(f.pic.acknowledge() == 0x31);
  REQUIRE(f.pic.isr(kMaster) == 0x22);
  f.master_out(kCommand, kOcw2SpecificEoi | 5);  // a non-specific EOI would end IRQ1
  CHECK(f.pic.isr(kMaster) == 0x02);
}

TEST_CASE("The bus's IRQ2 arrives as IRQ9, as the AT rewired it", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(2);
  CHECK(f.pic.irr(kSlave) == 0x02);
  CHECK(f.pic.acknowledge() == 0x39);
}

TEST_CASE("OCW3 selects IRR or ISR for even-port reads until changed", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(6);
  REQUIRE(f.pic.acknowledge() == 0x36);
  f.pulse(7);
  f.master_out(kCommand, kOcw3ReadIsr);
  CHECK(f.master_in(kCommand) == 0x40);
  CHECK(f.master_in(kCommand) == 0x40);
  f.master_out(kCommand, kOcw3);  // RR=0: the selection stays
  CHECK(f.master_in(kCommand) == 0x40);
  f.master_out(kCommand, kOcw3ReadIrr);
  CHECK(f.master_in(kCommand) == 0x80);
}

TEST_CASE("A poll read acknowledges the highest request and returns 0x80 with its level",
          "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(3);
  f.pulse(5);
  f.master_out(kCommand, kOcw3Poll);
  CHECK(f.master_in(kCommand) == 0x83);
  CHECK(f.pic.isr(kMaster) == 0x08);
  CHECK(f.pic.irr(kMaster) == 0x20);
  // Poll is one-shot: the next read is IRR again.
  CHECK(f.master_in(kCommand) == 0x20);
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  f.master_out(kCommand, kOcw3Poll);
  CHECK(f.master_in(kCommand) == 0x85);
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  f.master_out(kCommand, kOcw3Poll);
  CHECK(f.master_in(kCommand) == 0x00);
}

TEST_CASE("An ELCR level-triggered line requests exactly while it is high", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pic.elcr().write(0, 1, 0x08);  // IRQ3 level-triggered
  f.pic.set_irq(3, true);
  CHECK(f.pic.irr(kMaster) == 0x08);
  CHECK(f.pic.intr());
  f.pic.set_irq(3, false);
  CHECK(f.pic.irr(kMaster) == 0x00);
  CHECK_FALSE(f.pic.intr());
  // Still high after the EOI: the device was not serviced, so it asks again.
  f.pic.set_irq(3, true);
  REQUIRE(f.pic.acknowledge() == 0x33);
  CHECK_FALSE(f.pic.intr());
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.intr());
}

TEST_CASE("An edge-triggered line gives one interrupt per rising edge", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pic.set_irq(4, true);
  REQUIRE(f.pic.acknowledge() == 0x34);
  f.pic.set_irq(4, true);  // still high, no edge: no new request
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.irr(kMaster) == 0x00);
  CHECK_FALSE(f.pic.intr());
  f.pic.set_irq(4, false);  // the fall does not withdraw a latched request either
  f.pic.set_irq(4, true);
  f.pic.set_irq(4, false);
  CHECK(f.pic.irr(kMaster) == 0x10);
  CHECK(f.pic.acknowledge() == 0x34);
}

TEST_CASE("A request gone before the acknowledge gives spurious IRQ7 with ISR clear", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pic.elcr().write(0, 1, 0x20);
  f.pic.set_irq(5, true);
  REQUIRE(f.pic.intr());
  f.pic.set_irq(5, false);
  CHECK(f.pic.acknowledge() == 0x37);
  CHECK(f.pic.isr(kMaster) == 0x00);
}

TEST_CASE("A slave request gone before the acknowledge gives spurious IRQ15", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pic.elcr().write(1, 1, 0x04);  // IRQ10 level-triggered
  f.pic.set_irq(10, true);
  REQUIRE(f.pic.intr());
  f.pic.set_irq(10, false);
  // The master latched IR2 as an edge, so the slave is asked and has nothing to give.
  CHECK(f.pic.acknowledge() == 0x3F);
  CHECK(f.pic.isr(kSlave) == 0x00);
  CHECK(f.pic.isr(kMaster) == 0x04);  // Linux EOIs the master for a spurious IRQ15
}

TEST_CASE("The INTR callback fires on each change and only then", "[devices]") {
  PicFixture f;
  std::vector<bool> seen;
  f.pic.set_intr_callback([&](bool level) { seen.push_back(level); });
  f.linux_init();
  f.pulse(0);
  f.pulse(1);
  CHECK(seen == std::vector<bool>{true});
  REQUIRE(f.pic.acknowledge() == 0x30);  // IRQ1 is now below the level in service
  CHECK(seen == std::vector<bool>{true, false});
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(seen == std::vector<bool>{true, false, true});
  f.master_out(kData, 0x02);
  CHECK(seen == std::vector<bool>{true, false, true, false});
}

TEST_CASE("ELCR bits for IRQ0, 1, 2, 8 and 13 read as zero", "[devices]") {
  PicFixture f;
  CHECK(f.pic.elcr().read(0, 1) == 0x00);
  f.pic.elcr().write(0, 1, 0xFF);
  f.pic.elcr().write(1, 1, 0xFF);
  CHECK(f.pic.elcr().read(0, 1) == 0xF8);
  CHECK(f.pic.elcr().read(1, 1) == 0xDE);
  f.pic.elcr().write(1, 1, 0x20);
  CHECK(f.pic.elcr().read(1, 1) == 0x00);
}

TEST_CASE("Rotation makes the level just serviced the lowest priority", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(0);
  REQUIRE(f.pic.acknowledge() == 0x30);
  f.master_out(kCommand, kOcw2RotateNonSpecificEoi);
  CHECK(f.pic.isr(kMaster) == 0x00);
  f.pulse(0);
  f.pulse(3);
  CHECK(f.pic.acknowledge() == 0x33);  // IR1 highest now, IR0 lowest
  // Set priority: IR4 lowest makes IR5 the highest.
  f.master_out(kCommand, kOcw2SetPriority | 4);
  f.master_out(kCommand, kOcw2SpecificEoi | 3);
  f.pulse(6);
  CHECK(f.pic.acknowledge() == 0x36);  // IR0 was pending too, but ranks below IR6 now
  CHECK_FALSE(f.pic.intr());
  f.master_out(kCommand, kOcw2NonSpecificEoi);
  CHECK(f.pic.acknowledge() == 0x30);
}

TEST_CASE("Special mask mode lets a lower level through past a masked one in service",
          "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pulse(1);
  REQUIRE(f.pic.acknowledge() == 0x31);
  f.pulse(3);
  REQUIRE_FALSE(f.pic.intr());
  f.master_out(kData, 0x02);
  f.master_out(kCommand, kOcw3SetSpecialMask);
  CHECK(f.pic.intr());
  CHECK(f.pic.acknowledge() == 0x33);
  f.master_out(kCommand, kOcw3ClearSpecialMask);
  CHECK(f.pic.isr(kMaster) == 0x0A);
}

TEST_CASE("Wide accesses reach only the addressed byte", "[devices]") {
  PicFixture f;
  f.linux_init();
  f.pic.master().write(kData, 2, 0xAB12);
  CHECK(f.pic.imr(kMaster) == 0x12);
  CHECK(f.pic.master().read(kData, 4) == 0x12);
  CHECK(f.pic.elcr().read(0, 2) == 0x00);
}

}  // namespace bt86::devices
