// The i8042 controller, its keyboard's replies and port 0x92, checked against the 8042 docs.
#include <catch2/catch.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "devices/i8042.h"
#include "devices/irq.h"
#include "devices/port92.h"
#include "tests/unit/devices/fake_machine.h"

namespace bt86::devices {
using namespace i8042;
using test::FakeMachine;

namespace {

// Records every level driven on each line and counts the set(true) calls.
class CountingIrqSink final : public IrqSink {
 public:
  void set_irq(unsigned line, bool level) override {
    levels[line] = level;
    if (level) ++raises[line];
  }
  std::array<bool, 16> levels{};
  std::array<int, 16> raises{};
};

// A controller wired to IRQ1 and IRQ12 of a counting sink, with byte-wide IN/OUT helpers.
struct Fixture {
  FakeMachine machine;
  CountingIrqSink irqs;
  I8042 kbc{machine, IrqLine(&irqs, 1), IrqLine(&irqs, 12)};

  uint8_t status() { return static_cast<uint8_t>(kbc.command_port().read(0, 1)); }
  uint8_t data() { return static_cast<uint8_t>(kbc.data_port().read(0, 1)); }
  void command(uint8_t c) { kbc.command_port().write(0, 1, c); }
  void out_data(uint8_t v) { kbc.data_port().write(0, 1, v); }
  void command(uint8_t c, uint8_t arg) {
    command(c);
    out_data(arg);
  }
  // Reads the data port while OBF is set, as Linux's i8042_flush does.
  std::vector<uint8_t> drain() {
    std::vector<uint8_t> bytes;
    while ((status() & kStatusObf) && bytes.size() < 64) bytes.push_back(data());
    return bytes;
  }
  uint8_t read_command_byte() {
    command(kCmdReadRam);
    return data();
  }
};

using Bytes = std::vector<uint8_t>;

}  // namespace

TEST_CASE("i8042 powers on with an empty buffer, no SYS flag and the keyboard uninhibited",
          "[devices]") {
  Fixture f;
  // IBF is never set; CMD/DATA starts as after a command write, as on QEMU's power-on.
  CHECK(f.status() == (kStatusUnlocked | kStatusCmd));
  CHECK(f.read_command_byte() == 0x61);
  CHECK(f.kbc.a20());
  CHECK(f.machine.resets.empty());
}

TEST_CASE("i8042 self-test answers 0x55 and sets the SYS flag", "[devices]") {
  Fixture f;
  f.command(kCmdSelfTest);
  CHECK((f.status() & kStatusObf) != 0);
  CHECK((f.status() & kStatusSys) != 0);
  CHECK((f.status() & kStatusAuxObf) == 0);
  CHECK(f.data() == 0x55);
  CHECK((f.status() & kStatusObf) == 0);
  CHECK((f.status() & kStatusSys) != 0);  // the flag stays once the test has passed
}

TEST_CASE("i8042 interface tests report no stuck lines", "[devices]") {
  Fixture f;
  f.command(kCmdKbdTest);
  CHECK(f.drain() == Bytes{0x00});
  f.command(kCmdAuxTest);
  CHECK(f.drain() == Bytes{0x00});
}

TEST_CASE("i8042 command byte reads back what 0x60 wrote", "[devices]") {
  Fixture f;
  f.command(kCmdWriteRam, 0x47);
  CHECK(f.read_command_byte() == 0x47);
  f.command(kCmdWriteRam, 0x00);
  CHECK(f.read_command_byte() == 0x00);
  // The other RAM bytes are plain storage.
  f.command(0x65, 0x5A);
  f.command(0x25);
  CHECK(f.data() == 0x5A);
  CHECK(f.read_command_byte() == 0x00);
}

TEST_CASE("i8042 status bit 3 tells which port was written last", "[devices]") {
  Fixture f;
  f.command(kCmdWriteRam);
  CHECK((f.status() & kStatusCmd) != 0);
  f.out_data(0x61);
  CHECK((f.status() & kStatusCmd) == 0);
}

TEST_CASE("i8042 enable and disable commands drive the command byte's disable bits", "[devices]") {
  Fixture f;
  f.command(kCmdAuxEnable);
  CHECK((f.read_command_byte() & kCtrAuxDisable) == 0);
  f.command(kCmdAuxDisable);
  CHECK((f.read_command_byte() & kCtrAuxDisable) != 0);
  f.command(kCmdKbdDisable);
  CHECK((f.read_command_byte() & kCtrKbdDisable) != 0);
  f.command(kCmdKbdEnable);
  CHECK((f.read_command_byte() & kCtrKbdDisable) == 0);
}

TEST_CASE("i8042 command 0xFE pulses the reset line; 0xFF pulses nothing", "[devices]") {
  Fixture f;
  f.command(0xFF);  // Linux's A20 code sends it as a null command
  CHECK(f.machine.resets.empty());
  f.command(0xFE);
  REQUIRE(f.machine.resets.size() == 1);
  CHECK(f.machine.resets[0] == "i8042 command 0xFE");
  f.command(0xFD);  // pulses line 1 only
  CHECK(f.machine.resets.size() == 1);
  f.command(0xF0);  // pulses all four lines, reset among them
  CHECK(f.machine.resets.size() == 2);
}

TEST_CASE("i8042 output port: bit 0 low resets, bit 1 is the A20 gate", "[devices]") {
  Fixture f;
  f.command(kCmdReadOutput);
  CHECK((f.data() & (kOutReset | kOutA20)) == (kOutReset | kOutA20));

  f.command(kCmdWriteOutput, 0xDD);  // A20 off, as Linux's empty_8042 dance would
  CHECK_FALSE(f.kbc.a20());
  CHECK(f.machine.resets.empty());
  f.command(kCmdWriteOutput, 0xDF);
  CHECK(f.kbc.a20());
  CHECK(f.machine.resets.empty());
  f.command(kCmdReadOutput);
  CHECK((f.data() & (kOutReset | kOutA20)) == (kOutReset | kOutA20));

  f.command(kCmdWriteOutput, 0xDE);
  REQUIRE(f.machine.resets.size() == 1);
  CHECK(f.machine.resets[0] == "i8042 output port");
}

TEST_CASE("i8042 commands 0xDD and 0xDF turn A20 off and on", "[devices]") {
  Fixture f;
  f.command(kCmdA20Off);
  CHECK_FALSE(f.kbc.a20());
  f.command(kCmdA20On);
  CHECK(f.kbc.a20());
  CHECK(f.machine.resets.empty());
}

TEST_CASE("i8042 0xD2 and 0xD3 echo a byte as from the keyboard and from aux", "[devices]") {
  Fixture f;
  f.command(kCmdWriteKbdBuffer, 0x12);
  CHECK((f.status() & (kStatusObf | kStatusAuxObf)) == kStatusObf);
  CHECK(f.data() == 0x12);

  f.command(kCmdWriteAuxBuffer, 0x5A);  // Linux's AUX loopback probe
  CHECK((f.status() & (kStatusObf | kStatusAuxObf)) == (kStatusObf | kStatusAuxObf));
  CHECK(f.data() == 0x5A);
  CHECK((f.status() & (kStatusObf | kStatusAuxObf)) == 0);
}

TEST_CASE("i8042 data port reads the last byte again when the buffer is empty", "[devices]") {
  Fixture f;
  f.command(kCmdWriteKbdBuffer, 0x34);
  CHECK(f.data() == 0x34);
  CHECK(f.data() == 0x34);
  CHECK((f.status() & kStatusObf) == 0);
}

TEST_CASE("i8042 raises IRQ1 for a keyboard byte only when the command byte enables it",
          "[devices]") {
  Fixture f;
  // The default command byte enables IRQ1 and not IRQ12.
  f.command(kCmdWriteKbdBuffer, 0x12);
  CHECK(f.irqs.raises[1] == 1);
  CHECK(f.irqs.levels[1]);
  f.data();
  CHECK_FALSE(f.irqs.levels[1]);  // reading the byte lowers the line

  f.command(kCmdWriteRam, kCtrTranslate);  // both IRQs off
  f.command(kCmdWriteKbdBuffer, 0x13);
  CHECK(f.irqs.raises[1] == 1);
  // Enabling IRQ1 while the byte waits raises the line: it follows OBF through the gate.
  f.command(kCmdWriteRam, kCtrTranslate | kCtrKbdInt);
  CHECK(f.irqs.raises[1] == 2);
  CHECK(f.data() == 0x13);
  CHECK(f.irqs.raises[12] == 0);
}

TEST_CASE("i8042 raises IRQ12, not IRQ1, for an aux byte when enabled", "[devices]") {
  Fixture f;
  f.command(kCmdWriteAuxBuffer, 0xA5);
  CHECK(f.irqs.raises[12] == 0);  // the default command byte leaves IRQ12 off
  f.data();
  f.command(kCmdWriteRam, kCtrTranslate | kCtrKbdInt | kCtrAuxInt);
  f.command(kCmdWriteAuxBuffer, 0xA5);  // Linux's AUX IRQ delivery test
  CHECK(f.irqs.raises[12] == 1);
  CHECK(f.irqs.raises[1] == 0);
  CHECK(f.data() == 0xA5);
  CHECK_FALSE(f.irqs.levels[12]);
}

TEST_CASE("i8042 raises IRQ1 again for each queued byte", "[devices]") {
  Fixture f;
  f.out_data(kKbdReset);  // two bytes: ACK then BAT
  CHECK(f.irqs.raises[1] == 1);
  CHECK(f.data() == kKbdAck);
  CHECK(f.irqs.raises[1] == 2);  // the line fell and rose again for the second byte
  CHECK(f.data() == kKbdBatPassed);
  CHECK(f.irqs.raises[1] == 2);
  CHECK_FALSE(f.irqs.levels[1]);
}

TEST_CASE("PS/2 keyboard reset answers ACK then BAT passed", "[devices]") {
  Fixture f;
  f.out_data(kKbdReset);
  CHECK((f.status() & (kStatusObf | kStatusAuxObf)) == kStatusObf);
  CHECK(f.drain() == Bytes{0xFA, 0xAA});
}

TEST_CASE("PS/2 keyboard identifies as an MF2 keyboard, translated or not", "[devices]") {
  Fixture f;
  f.out_data(kKbdIdentify);
  CHECK(f.drain() == Bytes{0xFA, 0xAB, 0x41});
  f.command(kCmdWriteRam, kCtrKbdInt);  // translation off
  f.out_data(kKbdIdentify);
  CHECK(f.drain() == Bytes{0xFA, 0xAB, 0x83});
}

TEST_CASE("PS/2 keyboard acknowledges commands and their arguments", "[devices]") {
  Fixture f;
  f.out_data(kKbdSetLeds);
  CHECK(f.drain() == Bytes{0xFA});
  f.out_data(0x07);
  CHECK(f.drain() == Bytes{0xFA});
  f.out_data(kKbdTypematic);
  f.out_data(0x20);
  CHECK(f.drain() == Bytes{0xFA, 0xFA});
  f.out_data(kKbdDisable);
  f.out_data(kKbdDefaults);
  f.out_data(kKbdEnable);
  CHECK(f.drain() == Bytes{0xFA, 0xFA, 0xFA});
  f.out_data(kKbdEcho);
  CHECK(f.drain() == Bytes{0xEE});
  f.out_data(0x01);  // not a keyboard command
  CHECK(f.drain() == Bytes{0xFE});
}

TEST_CASE("PS/2 keyboard reports and changes its scancode set", "[devices]") {
  Fixture f;
  f.command(kCmdWriteRam, kCtrKbdInt);  // translation off: the set number comes raw
  f.out_data(kKbdScancodeSet);
  f.out_data(0);
  CHECK(f.drain() == Bytes{0xFA, 0xFA, 0x02});
  f.out_data(kKbdScancodeSet);
  f.out_data(3);
  CHECK(f.drain() == Bytes{0xFA, 0xFA});
  f.out_data(kKbdScancodeSet);
  f.out_data(0);
  CHECK(f.drain() == Bytes{0xFA, 0xFA, 0x03});
  f.out_data(kKbdScancodeSet);
  f.out_data(9);
  CHECK(f.drain() == Bytes{0xFA, 0xFE});

  // Through the translator, set 2 reads as 0x41 (what Linux's atkbd expects).
  f.out_data(kKbdReset);
  f.command(kCmdWriteRam, kCtrKbdInt | kCtrTranslate);
  f.out_data(kKbdScancodeSet);
  f.out_data(0);
  CHECK(f.drain() == Bytes{0xFA, 0xAA, 0xFA, 0xFA, 0x41});
}

TEST_CASE("i8042 holds keyboard bytes while the keyboard is disabled", "[devices]") {
  Fixture f;
  f.command(kCmdKbdDisable);
  f.out_data(kKbdEcho);
  CHECK((f.status() & kStatusObf) == 0);
  // The controller's own replies still come through.
  f.command(kCmdSelfTest);
  CHECK(f.drain() == Bytes{0x55});
  f.command(kCmdKbdEnable);
  CHECK(f.drain() == Bytes{0xEE});
}

TEST_CASE("i8042 controller replies wait behind a keyboard byte in the buffer", "[devices]") {
  Fixture f;
  f.out_data(kKbdEcho);
  f.command(kCmdSelfTest);
  CHECK(f.drain() == Bytes{0xEE, 0x55});
}

TEST_CASE("i8042 sends 0xD4 bytes to an absent aux device: nothing answers", "[devices]") {
  Fixture f;
  f.command(kCmdWriteAux, 0xF2);  // psmouse's GETID
  CHECK((f.status() & kStatusObf) == 0);
  // The byte went to aux, not to the keyboard: a keyboard would have answered it.
  f.out_data(kKbdEcho);
  CHECK(f.drain() == Bytes{0xEE});
}

TEST_CASE("i8042 uses the low byte of word and dword accesses", "[devices]") {
  Fixture f;
  f.kbc.command_port().write(0, 2, 0x12AA);
  CHECK(f.kbc.command_port().read(0, 2) ==
        (0xFF00u | kStatusUnlocked | kStatusCmd | kStatusSys | kStatusObf));
  CHECK(f.kbc.data_port().read(0, 4) == 0xFFFFFF55u);
}

TEST_CASE("Port 0x92 bit 1 is the A20 gate and reads back", "[devices]") {
  FakeMachine machine;
  Port92 port(machine);
  CHECK(port.read(0, 1) == 0x02);  // A20 on, as a guest booted without firmware finds it
  CHECK(port.a20());
  port.write(0, 1, 0x00);
  CHECK_FALSE(port.a20());
  CHECK(port.read(0, 1) == 0x00);
  port.write(0, 1, 0x02);
  CHECK(port.a20());
  CHECK(port.read(0, 1) == 0x02);
  port.write(0, 1, 0x00);
  CHECK_FALSE(port.a20());
  CHECK(machine.resets.empty());
}

TEST_CASE("Port 0x92 resets on a 0 to 1 edge of bit 0 only", "[devices]") {
  FakeMachine machine;
  Port92 port(machine);
  port.write(0, 1, 0x03);
  REQUIRE(machine.resets.size() == 1);
  CHECK(machine.resets[0] == "port 0x92 fast reset");
  CHECK(port.a20());
  port.write(0, 1, 0x03);  // bit 0 stays set: no edge
  CHECK(machine.resets.size() == 1);
  port.write(0, 1, 0x02);
  CHECK(machine.resets.size() == 1);
  port.write(0, 2, 0xFF01);  // a word write: only the low byte counts
  CHECK(machine.resets.size() == 2);
  CHECK_FALSE(port.a20());
}

}  // namespace bt86::devices
