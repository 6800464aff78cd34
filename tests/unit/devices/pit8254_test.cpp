// The 8254 timer and port 0x61 as Linux drives them: periodic and one-shot IRQ0, latches,
// read-back, the TSC calibration loop, gates. Times are N ticks of 838.095 ns, rounded up.
#include <catch2/catch.hpp>

#include "devices/pit8254.h"
#include "devices/port61.h"

namespace bt86::devices {

using namespace pit;

namespace {

// Counts rising edges on each IRQ line.
class FakeIrqSink final : public IrqSink {
 public:
  void set_irq(unsigned line, bool level) override {
    if (level && !levels[line]) ++edges[line];
    levels[line] = level;
  }
  bool levels[16] = {};
  unsigned edges[16] = {};
};

struct PitFixture {
  ManualClock clock;
  FakeIrqSink irqs;
  Pit8254 pit{clock, IrqLine(&irqs, 0)};
  Port61 port61{clock, pit};

  uint8_t in(uint16_t offset) { return static_cast<uint8_t>(pit.read(offset, 1)); }
  void out(uint16_t offset, uint8_t value) { pit.write(offset, 1, value); }
  // A control word for `channel` with LSB-then-MSB access, then the count.
  void program(uint16_t channel, uint8_t control, uint16_t count) {
    out(kControl, control);
    out(channel, static_cast<uint8_t>(count));
    out(channel, static_cast<uint8_t>(count >> 8));
  }
  // Linux's i8253 clocksource read: the counter latch command, then LSB and MSB.
  uint16_t latched(uint16_t channel) {
    out(kControl, static_cast<uint8_t>(channel << 6));
    const uint8_t lo = in(channel);
    return static_cast<uint16_t>(in(channel) << 8 | lo);
  }
  unsigned irq0_pulses() const { return irqs.edges[0]; }
};

constexpr uint16_t kLinuxLatch = 4773;  // (1193182 + 250/2) / 250: HZ = 250

}  // namespace

TEST_CASE("Mode 2 with Linux's LATCH raises IRQ0 once per period", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, kLinuxLatch);  // ch0, LSB then MSB, mode 2
  // 4773 ticks = 4000227.96 ns; OUT rises (and the counter reloads) at the end of the period.
  CHECK(f.pit.next_deadline_ns() == 4000228);
  f.pit.advance(4000227);
  CHECK(f.irq0_pulses() == 0);
  f.pit.advance(4000228);
  CHECK(f.irq0_pulses() == 1);
  CHECK(f.pit.next_deadline_ns() == 8000456);
  // Advancing again at the same moment raises nothing new.
  f.pit.advance(4000228);
  CHECK(f.irq0_pulses() == 1);
  // Three more periods pass unseen: the 8259 would latch one edge, so one pulse.
  f.pit.advance(16000912);
  CHECK(f.irq0_pulses() == 2);
  CHECK(f.pit.next_deadline_ns() == 20001140);
}

TEST_CASE("The mode 2 counter reads LATCH minus the ticks elapsed", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, kLinuxLatch);
  CHECK(f.latched(0) == kLinuxLatch);
  f.clock.set(1'000'000);  // 1 ms = 1193.182 ticks
  CHECK(f.latched(0) == kLinuxLatch - 1193);
  // After the reload: 1 ms into the second period.
  f.clock.set(4000228 + 999848 - 1);
  CHECK(f.latched(0) == kLinuxLatch - 1192);
  f.clock.set(4000228 + 999848);  // tick 4773 + 1193
  CHECK(f.latched(0) == kLinuxLatch - 1193);
}

TEST_CASE("Reading the counter brings IRQ0 up to date without waiting for advance", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, kLinuxLatch);
  f.clock.set(4000228);
  f.latched(0);
  CHECK(f.irq0_pulses() == 1);
  f.pit.advance(4000228);
  CHECK(f.irq0_pulses() == 1);  // already reported
}

TEST_CASE("A latched count holds until read, then reads follow the counter", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, 10000);
  f.clock.set(838096);      // 1000 ticks
  f.out(kControl, 0x00);    // latch ch0
  f.clock.set(838096 * 2);  // 2000 ticks
  f.out(kControl, 0x00);    // ignored: the first latch has not been read
  CHECK(f.in(kCounter0) == (9000 & 0xFF));
  CHECK(f.in(kCounter0) == (9000 >> 8));
  // Unlatched, each read samples the live count.
  CHECK(f.in(kCounter0) == (8000 & 0xFF));
  CHECK(f.in(kCounter0) == (8000 >> 8));
}

TEST_CASE("Two-byte accesses alternate LSB and MSB; one-byte modes fill half the count",
          "[devices]") {
  PitFixture f;
  SECTION("LSB then MSB: no count until the second byte") {
    f.out(kControl, 0x30);  // ch0 mode 0
    f.out(kCounter0, 0x34);
    CHECK(f.pit.next_deadline_ns() == kNever);
    f.out(kCounter0, 0x12);  // 0x1234 = 4660 ticks
    CHECK(f.in(kCounter0) == 0x34);
    CHECK(f.in(kCounter0) == 0x12);
    CHECK(f.in(kCounter0) == 0x34);
  }
  SECTION("MSB only") {
    f.out(kControl, 0x20 | 0x04);  // ch0, MSB only, mode 2
    f.out(kCounter0, 0x12);
    CHECK(f.in(kCounter0) == 0x12);
    CHECK(f.in(kCounter0) == 0x12);
    f.clock.set(839);       // one tick: 0x1200 - 1 = 0x11FF
    f.out(kControl, 0x00);  // latch: read back as one byte, the MSB
    f.clock.set(839 * 300);
    CHECK(f.in(kCounter0) == 0x11);
    CHECK(f.in(kCounter0) == 0x10);  // live again: 0x1200 - 300 = 0x10D4
  }
  SECTION("LSB only") {
    f.out(kControl, 0x10 | 0x04);  // ch0, LSB only, mode 2
    f.out(kCounter0, 100);
    f.clock.set(839 * 10);  // 10 ticks (8390 ns > 8381 ns)
    CHECK(f.in(kCounter0) == 90);
    CHECK(f.in(kCounter0) == 90);
  }
}

TEST_CASE("Read-back reports OUT, NULL COUNT and the programming", "[devices]") {
  PitFixture f;
  f.out(kControl, 0x34);
  f.out(kControl, 0xE2);  // read-back: status only, ch0
  // OUT high (mode 2), NULL COUNT (no count yet), RW = 3, mode 2, binary.
  CHECK(f.in(kCounter0) == 0xF4);
  f.out(kCounter0, 0x00);
  f.out(kCounter0, 0x01);  // 256
  f.out(kControl, 0xE2);
  CHECK(f.in(kCounter0) == 0xF4);  // the count reaches the CE on the next CLK
  f.clock.set(839);
  f.out(kControl, 0xE2);
  CHECK(f.in(kCounter0) == 0xB4);

  SECTION("Status first, then the count, when both are latched") {
    f.out(kControl, 0xC2);  // count and status, ch0
    f.clock.set(839 * 10);
    CHECK(f.in(kCounter0) == 0xB4);
    CHECK(f.in(kCounter0) == 255);  // latched one tick in
    CHECK(f.in(kCounter0) == 0);
  }
  SECTION("Mode 6 is mode 2 but reports the bits as written; mode 0 starts with OUT low") {
    f.out(kControl, 0x0C | 0x30 | 0x80 | 0x01);  // ch2, mode 6, BCD
    f.out(kControl, 0xE8);                       // status, ch2
    CHECK(f.in(kCounter2) == (0x80 | 0x40 | 0x30 | 0x0C | 0x01));
    f.out(kControl, 0x70);  // ch1 mode 0
    f.out(kControl, 0xE4);
    CHECK(f.in(kCounter1) == 0x70);
  }
}

TEST_CASE("Linux's PIT calibration loop through port 0x61 ends after the programmed count",
          "[devices]") {
  // pit_calibrate_tsc(): gate on, speaker off; ch2 mode 0 with a 10 ms count; poll bit 5.
  PitFixture f;
  f.clock.set(5'000'000);
  const uint8_t old = static_cast<uint8_t>(f.port61.read(0, 1));
  f.port61.write(0, 1, (old & ~0x02) | 0x01);
  f.pit.write(kControl, 1, 0xB0);
  const uint16_t latch = 1193182 / 100;  // 11931 ticks = 9999312.7 ns
  f.pit.write(kCounter2, 1, latch & 0xFF);
  f.pit.write(kCounter2, 1, latch >> 8);
  uint64_t polls = 0;
  while ((f.port61.read(0, 1) & 0x20) == 0 && polls < 100'000) {
    f.clock.add(1000);
    ++polls;
  }
  CHECK(polls == 10'000);  // the first 1 us step at or past 9999313 ns
  f.clock.add(1'000'000);
  CHECK((f.port61.read(0, 1) & 0x20) != 0);  // OUT stays high once up
  // The exact edge, re-arming without a new control word as the calibration retries do.
  f.pit.write(kCounter2, 1, latch & 0xFF);
  CHECK((f.port61.read(0, 1) & 0x20) == 0);  // in mode 0 the first byte drops OUT
  f.pit.write(kCounter2, 1, latch >> 8);
  const uint64_t start = f.clock.now_ns();
  f.clock.set(start + 9999312);
  CHECK((f.port61.read(0, 1) & 0x20) == 0);
  f.clock.set(start + 9999313);
  CHECK((f.port61.read(0, 1) & 0x20) != 0);
  CHECK(f.irq0_pulses() == 0);  // ch2 has no IRQ
}

TEST_CASE("Quick PIT calibration sees the MSB fall once per 256 ticks", "[devices]") {
  // quick_pit_calibrate(): ch2 mode 0 from 0xFFFF, reading LSB and MSB without a latch.
  PitFixture f;
  f.port61.write(0, 1, 0x01);
  f.program(kCounter2, 0xB0, 0xFFFF);
  f.in(kCounter2);
  CHECK(f.in(kCounter2) == 0xFF);
  f.clock.set(214'552);  // 255 ticks: the count is 0xFF00
  f.in(kCounter2);
  CHECK(f.in(kCounter2) == 0xFF);
  f.clock.set(214'553);            // 256 ticks = 214552.1 ns: the count is 0xFEFF
  CHECK(f.in(kCounter2) == 0xFF);  // its LSB
  CHECK(f.in(kCounter2) == 0xFE);
}

TEST_CASE("Mode 0 one-shot raises IRQ0 once at terminal count, then counts on", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x30, 1000);  // Linux's oneshot: mode 0
  CHECK_FALSE(f.pit.out(0));
  CHECK(f.pit.next_deadline_ns() == 838096);
  f.pit.advance(838095);
  CHECK(f.irq0_pulses() == 0);
  CHECK_FALSE(f.pit.out(0));
  f.pit.advance(838096);
  CHECK(f.irq0_pulses() == 1);
  CHECK(f.pit.out(0));
  CHECK(f.pit.next_deadline_ns() == kNever);
  f.clock.set(838096 + 838096);
  f.pit.advance(f.clock.now_ns());
  CHECK(f.irq0_pulses() == 1);
  CHECK(f.latched(0) == 65536 - 1000);  // wrapped past zero
  // Re-arming restarts from the new count.
  f.program(kCounter0, 0x30, 500);
  CHECK(f.pit.next_deadline_ns() == 838096 * 2 + 419048);
}

TEST_CASE("Mode 3 holds OUT high for half the count and low for the rest", "[devices]") {
  PitFixture f;
  f.port61.write(0, 1, 0x01);
  SECTION("Even count") {
    f.program(kCounter2, 0xB6, 1000);  // ch2 mode 3
    f.clock.set(419048 - 1);           // 499 ticks
    CHECK(f.pit.out(2));
    CHECK(f.latched(2) == 1000 - 2 * 499);
    f.clock.set(419048);  // 500 ticks
    CHECK_FALSE(f.pit.out(2));
    CHECK(f.latched(2) == 1000);
    f.clock.set(838096 - 1);
    CHECK_FALSE(f.pit.out(2));
    f.clock.set(838096);
    CHECK(f.pit.out(2));
  }
  SECTION("Odd count: one tick longer high") {
    f.program(kCounter2, 0xB6, 1001);
    CHECK(f.latched(2) == 1000);  // an odd count loads N-1 and counts down by two
    f.clock.set(839);
    CHECK(f.latched(2) == 998);
    f.clock.set(419886 - 1);  // 500 ticks
    CHECK(f.pit.out(2));
    f.clock.set(419886);  // 501 ticks
    CHECK_FALSE(f.pit.out(2));
    f.clock.set(838934 - 1);
    CHECK_FALSE(f.pit.out(2));
    f.clock.set(838934);
    CHECK(f.pit.out(2));
  }
  SECTION("On ch0 each period raises IRQ0 once") {
    f.program(kCounter0, 0x36, 1000);
    CHECK(f.pit.next_deadline_ns() == 838096);
    f.pit.advance(419048);  // the falling edge raises nothing
    CHECK(f.irq0_pulses() == 0);
    f.pit.advance(838096);
    CHECK(f.irq0_pulses() == 1);
  }
}

TEST_CASE("GATE low stops ch2 in mode 2; its rising edge reloads the count", "[devices]") {
  PitFixture f;
  f.port61.write(0, 1, 0x01);
  f.program(kCounter2, 0xB4, 1000);
  f.clock.set(838096 / 2);  // 500 ticks (419048 ns)
  f.port61.write(0, 1, 0x00);
  CHECK((f.port61.read(0, 1) & 0x01) == 0);
  f.clock.set(838096 * 3);
  CHECK(f.latched(2) == 500);
  CHECK(f.pit.out(2));
  f.port61.write(0, 1, 0x01);
  CHECK(f.latched(2) == 1000);
  f.clock.add(839 * 10);  // 10 ticks
  CHECK(f.latched(2) == 990);
}

TEST_CASE("A gate held low at reset keeps ch2 from counting", "[devices]") {
  PitFixture f;
  f.program(kCounter2, 0xB0, 100);  // mode 0, gate low (port 0x61 = 0)
  f.clock.set(1'000'000);
  CHECK(f.latched(2) == 100);
  CHECK((f.port61.read(0, 1) & 0x20) == 0);
  f.port61.write(0, 1, 0x01);
  f.clock.add(83810);  // 100 ticks = 83809.5 ns
  CHECK((f.port61.read(0, 1) & 0x20) != 0);
}

TEST_CASE("A count of 0 counts 65536 ticks", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, 0);
  CHECK(f.latched(0) == 0);
  CHECK(f.pit.next_deadline_ns() == 54925402);
  f.clock.set(839);
  CHECK(f.latched(0) == 0xFFFF);
}

TEST_CASE("A new mode 2 count takes effect at the end of the current period", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, 1000);
  f.clock.set(419048);  // 500 ticks in
  f.out(kCounter0, 200 & 0xFF);
  f.out(kCounter0, 200 >> 8);
  CHECK(f.latched(0) == 500);  // still counting the old period
  CHECK(f.pit.next_deadline_ns() == 838096);
  f.pit.advance(838096);
  CHECK(f.irq0_pulses() == 1);
  // The next period is 200 ticks from the reload.
  CHECK(f.pit.next_deadline_ns() == 838096 + 167620);  // 200 ticks = 167619.1 ns
}

TEST_CASE("Mode 1 waits for a gate rising edge; mode 4 strobes at count 0", "[devices]") {
  PitFixture f;
  SECTION("Mode 1") {
    f.program(kCounter2, 0xB2, 100);
    CHECK(f.pit.out(2));
    f.clock.set(1'000'000);
    f.port61.write(0, 1, 0x01);  // trigger
    CHECK_FALSE(f.pit.out(2));
    f.clock.add(83810);  // 100 ticks
    CHECK(f.pit.out(2));
  }
  SECTION("Mode 4") {
    f.program(kCounter0, 0x38, 100);
    CHECK(f.pit.out(0));
    f.clock.set(83810);  // count 0
    CHECK_FALSE(f.pit.out(0));
    CHECK(f.pit.next_deadline_ns() == 84648);  // 101 ticks = 84647.6 ns
    f.clock.set(84648);
    CHECK(f.pit.out(0));
  }
}

TEST_CASE("BCD counting reads decimal digits", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x35, 0x1000);  // mode 2, BCD 1000
  f.clock.set(839);
  CHECK(f.latched(0) == 0x0999);
  f.program(kCounter0, 0x35, 0);                     // 0 is 10000 in BCD
  CHECK(f.pit.next_deadline_ns() == 839 + 8380952);  // 10000 ticks = 8380951.1 ns
}

TEST_CASE("Port 0x61 keeps bits 0-3, toggles bit 4 every 15.085 us, reads 0 in bits 6-7",
          "[devices]") {
  PitFixture f;
  f.port61.write(0, 4, 0xFFFFFFFF);
  CHECK(f.port61.read(0, 1) == 0x0F);  // clock at 0: refresh bit low; ch2 idle in mode 0
  f.clock.set(15085);
  CHECK(f.port61.read(0, 1) == 0x1F);
  f.clock.set(2 * 15085 - 1);
  CHECK(f.port61.read(0, 1) == 0x1F);
  f.clock.set(2 * 15085);
  CHECK(f.port61.read(0, 1) == 0x0F);
  CHECK(f.port61.speaker_on());
}

TEST_CASE("PIT time never runs backwards past an advance ahead of the clock", "[devices]") {
  PitFixture f;
  f.program(kCounter0, 0x34, 1000);
  f.pit.advance(419048);       // the machine advanced to a time the clock has not reached
  CHECK(f.latched(0) == 500);  // 500 ticks in, not the 1000 of clock time 0
  f.clock.set(839);
  CHECK(f.latched(0) == 500);
  f.clock.set(419048 + 839);
  CHECK(f.latched(0) == 499);
}

}  // namespace bt86::devices
