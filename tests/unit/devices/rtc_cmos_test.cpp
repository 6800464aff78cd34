// MC146818A RTC: time registers against gmtime, UIP, periodic/update/alarm flags, SET, NVRAM.
#include <catch2/catch.hpp>

#include <cmath>
#include <ctime>
#include <vector>

#include "devices/rtc_cmos.h"

namespace bt86::devices {

using namespace rtc;

namespace {

constexpr uint64_t kSecond = 1'000'000'000;

// Records every level IRQ8 is driven to.
class RecordingIrqSink final : public IrqSink {
 public:
  void set_irq(unsigned line, bool level) override {
    CHECK(line == 8);
    levels.push_back(level);
  }
  bool level() const { return !levels.empty() && levels.back(); }
  std::vector<bool> levels;
};

// 2023-11-14 22:13:20 UTC, a Tuesday.
constexpr int64_t kTuesdayEvening = 1'700'000'000;

struct RtcFixture {
  // The clock starts at `origin_ns`, the moment the wall clock read `unix_seconds`.
  explicit RtcFixture(int64_t unix_seconds = kTuesdayEvening, uint64_t origin_ns = 7 * kSecond)
      : origin(origin_ns), rtc(init_clock(origin_ns), IrqLine(&sink, 8), unix_seconds, origin_ns) {}

  ManualClock& init_clock(uint64_t t) {
    clock.set(t);
    return clock;
  }

  uint8_t get(uint8_t index) {
    rtc.write(kIndexPort, 1, index);
    return static_cast<uint8_t>(rtc.read(kDataPort, 1));
  }
  void put(uint8_t index, uint8_t value) {
    rtc.write(kIndexPort, 1, index);
    rtc.write(kDataPort, 1, value);
  }
  // Moves the clock to `ns` past the origin and lets the device catch up, as the machine does.
  void at(uint64_t ns) {
    clock.set(origin + ns);
    rtc.advance(clock.now_ns());
  }

  ManualClock clock;
  RecordingIrqSink sink;
  uint64_t origin;
  RtcCmos rtc;
};

uint8_t bcd(int value) {
  return static_cast<uint8_t>((value / 10) * 16 + value % 10);
}

std::tm utc(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

int64_t unix_time(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<int64_t>(timegm(&tm));
}

// Checks every time register against gmtime, in BCD or binary, 24-hour mode.
void check_time(RtcFixture& f, int64_t unix_seconds, bool binary) {
  const std::tm tm = utc(unix_seconds);
  const auto enc = [binary](int v) { return binary ? static_cast<uint8_t>(v) : bcd(v); };
  INFO("expected " << std::asctime(&tm));
  CHECK(f.get(kSeconds) == enc(tm.tm_sec));
  CHECK(f.get(kMinutes) == enc(tm.tm_min));
  CHECK(f.get(kHours) == enc(tm.tm_hour));
  CHECK(f.get(kDayOfWeek) == enc(tm.tm_wday + 1));
  CHECK(f.get(kDayOfMonth) == enc(tm.tm_mday));
  CHECK(f.get(kMonth) == enc(tm.tm_mon + 1));
  CHECK(f.get(kYear) == enc((tm.tm_year + 1900) % 100));
  CHECK(f.get(kCentury) == enc((tm.tm_year + 1900) / 100));
}

// Where the 1024 Hz periodic tick number `k` falls: k / 1024 s, rounded up to a nanosecond.
uint64_t tick_1024hz(uint64_t k) {
  return static_cast<uint64_t>(std::ceil(static_cast<double>(k) * 1e9 / 1024.0));
}

}  // namespace

TEST_CASE("RTC powers up as a BIOS leaves it: 32.768 kHz, 1024 Hz rate, 24 h BCD, VRT",
          "[devices]") {
  RtcFixture f;
  CHECK(f.get(kRegA) == 0x26);
  CHECK(f.get(kRegB) == 0x02);
  CHECK(f.get(kRegC) == 0x00);
  CHECK(f.get(kRegD) == 0x80);
  CHECK(f.rtc.next_deadline_ns() == kNever);
  CHECK(f.sink.levels.empty());
}

TEST_CASE("RTC reads the wall-clock time in BCD by default", "[devices]") {
  RtcFixture f;
  check_time(f, kTuesdayEvening, false);
  CHECK(f.get(kHours) == 0x22);  // a literal, in case gmtime and the RTC agreed on nonsense
  CHECK(f.get(kDayOfWeek) == 3);
}

TEST_CASE("RTC reads the time in binary when DM is set", "[devices]") {
  RtcFixture f;
  f.put(kRegB, kB24h | kBDm);
  check_time(f, kTuesdayEvening, true);
  CHECK(f.get(kYear) == 23);
}

TEST_CASE("RTC 12-hour mode flags PM in the hours register", "[devices]") {
  SECTION("22:13 is 10 PM") {
    RtcFixture f;
    f.put(kRegB, 0x00);
    CHECK(f.get(kHours) == (kHoursPm | bcd(10)));
    f.put(kRegB, kBDm);
    CHECK(f.get(kHours) == (kHoursPm | 10));
  }
  SECTION("noon is 12 PM and midnight 12 AM") {
    RtcFixture noon(unix_time(2024, 3, 1, 12, 0, 0));
    noon.put(kRegB, 0x00);
    CHECK(noon.get(kHours) == (kHoursPm | 0x12));
    RtcFixture midnight(unix_time(2024, 3, 1, 0, 30, 0));
    midnight.put(kRegB, 0x00);
    CHECK(midnight.get(kHours) == 0x12);
  }
}

TEST_CASE("RTC time advances with the clock across midnight, months and years", "[devices]") {
  const int64_t start = GENERATE(unix_time(2023, 12, 31, 23, 59, 58),  // new year
                                 unix_time(2024, 2, 28, 23, 59, 59),   // leap day
                                 unix_time(2023, 2, 28, 23, 59, 59),   // no leap day
                                 unix_time(2024, 4, 30, 23, 59, 59),   // 30-day month
                                 unix_time(2099, 12, 31, 23, 59, 59),  // new century
                                 kTuesdayEvening);
  RtcFixture f(start);
  check_time(f, start, false);
  f.at(kSecond - 1);
  check_time(f, start, false);
  f.at(kSecond);
  check_time(f, start + 1, false);
  f.at(2 * kSecond + kSecond / 2);
  check_time(f, start + 2, false);
  f.at(86'400 * kSecond);
  check_time(f, start + 86'400, false);
  f.at(40ull * 86'400 * kSecond + 3 * kSecond);
  check_time(f, start + 40 * 86'400 + 3, false);
}

TEST_CASE("RTC UIP is set for the 244 us before each update", "[devices]") {
  RtcFixture f;
  const auto uip = [&f] { return (f.get(kRegA) & kAUip) != 0; };
  f.clock.set(f.origin + 5 * kSecond - 245'000);
  CHECK_FALSE(uip());
  f.clock.set(f.origin + 5 * kSecond - 244'000);
  CHECK(uip());
  f.clock.set(f.origin + 5 * kSecond - 1);
  CHECK(uip());
  CHECK(f.get(kSeconds) == bcd(utc(kTuesdayEvening + 4).tm_sec));
  f.clock.set(f.origin + 5 * kSecond);
  CHECK_FALSE(uip());
  CHECK(f.get(kSeconds) == bcd(utc(kTuesdayEvening + 5).tm_sec));
  // Writes cannot set it.
  f.put(kRegA, 0x26 | kAUip);
  CHECK_FALSE(uip());
  CHECK(f.get(kRegA) == 0x26);
}

TEST_CASE("RTC periodic interrupt at 1024 Hz raises PF every 976562.5 ns", "[devices]") {
  RtcFixture f;
  SECTION("PF is set without PIE, and no interrupt is asked for") {
    f.at(tick_1024hz(1));
    CHECK(f.rtc.next_deadline_ns() == kNever);
    CHECK(f.get(kRegC) == kCPf);
    CHECK(f.sink.levels.empty());
  }
  SECTION("with PIE, each tick is a deadline and raises IRQ8 until C is read") {
    f.put(kRegB, kB24h | kBPie);
    for (uint64_t k = 1; k <= 1030; ++k) {
      INFO("tick " << k);
      REQUIRE(f.rtc.next_deadline_ns() == f.origin + tick_1024hz(k));
      f.at(tick_1024hz(k) - 1);
      REQUIRE_FALSE(f.sink.level());
      f.at(tick_1024hz(k));
      REQUIRE(f.sink.level());
      // Nothing more to wake for while IRQ8 is high.
      REQUIRE(f.rtc.next_deadline_ns() == kNever);
      const uint8_t c = f.get(kRegC);
      REQUIRE((c & (kCIrqf | kCPf)) == (kCIrqf | kCPf));
      REQUIRE_FALSE(f.sink.level());
    }
    CHECK(f.get(kRegC) == 0);
  }
  SECTION("rate 15 is 2 Hz, and rate 0 stops it") {
    f.put(kRegA, 0x2F);
    f.put(kRegB, kB24h | kBPie);
    CHECK(f.rtc.next_deadline_ns() == f.origin + kSecond / 2);
    f.put(kRegA, 0x20);
    CHECK(f.rtc.next_deadline_ns() == kNever);
    f.at(10 * kSecond);
    CHECK(f.get(kRegC) == kCUf);  // the update still happened; no PF
  }
  SECTION("rates 1 and 2 are 256 and 128 Hz") {
    f.put(kRegB, kB24h | kBPie);
    f.put(kRegA, 0x21);
    CHECK(f.rtc.next_deadline_ns() == f.origin + 3'906'250);
    f.put(kRegA, 0x22);
    CHECK(f.rtc.next_deadline_ns() == f.origin + 7'812'500);
  }
}

TEST_CASE("RTC reading register C acknowledges: flags clear and IRQ8 drops", "[devices]") {
  RtcFixture f;
  f.at(kSecond + 1);  // an update and several periodic ticks, nothing enabled
  CHECK(f.sink.levels.empty());
  // Enabling an interrupt whose flag is already up raises IRQF and IRQ8 at once.
  f.put(kRegB, kB24h | kBUie);
  CHECK(f.sink.levels == std::vector<bool>{true});
  CHECK(f.get(kRegC) == (kCIrqf | kCPf | kCUf));
  CHECK(f.sink.levels == std::vector<bool>{true, false});
  CHECK(f.get(kRegC) == 0);
  // Disabling the interrupt before the acknowledge also drops the line.
  f.at(2 * kSecond);
  CHECK(f.sink.level());
  f.put(kRegB, kB24h);
  CHECK_FALSE(f.sink.level());
  CHECK(f.get(kRegC) == (kCPf | kCUf));
}

TEST_CASE("RTC update-ended interrupt comes once per second", "[devices]") {
  RtcFixture f(kTuesdayEvening, 7 * kSecond + 300'000'000);  // seconds turn at .3 of the clock
  f.put(kRegA, 0x20);  // no periodic ticks to muddle register C
  f.put(kRegB, kB24h | kBUie);
  for (int s = 1; s <= 5; ++s) {
    INFO("second " << s);
    CHECK(f.rtc.next_deadline_ns() == f.origin + s * kSecond);
    f.at(s * kSecond - kSecond / 2);
    CHECK_FALSE(f.sink.level());
    f.at(s * kSecond);
    CHECK(f.sink.level());
    CHECK(f.get(kRegC) == (kCIrqf | kCUf));
    CHECK(f.get(kSeconds) == bcd(utc(kTuesdayEvening + s).tm_sec));
  }
  // Several seconds unseen still make one flag.
  f.at(9 * kSecond);
  CHECK(f.get(kRegC) == (kCIrqf | kCUf));
  CHECK(f.sink.levels.size() == 12);
}

TEST_CASE("RTC alarm raises AF when the time matches", "[devices]") {
  RtcFixture f;
  f.put(kRegA, 0x20);
  const std::tm alarm = utc(kTuesdayEvening + 3);
  SECTION("all three bytes exact") {
    f.put(kSecondsAlarm, bcd(alarm.tm_sec));
    f.put(kMinutesAlarm, bcd(alarm.tm_min));
    f.put(kHoursAlarm, bcd(alarm.tm_hour));
    f.put(kRegB, kB24h | kBAie);
    for (int s = 1; s <= 2; ++s) {
      f.at(s * kSecond);
      CHECK_FALSE(f.sink.level());
      CHECK(f.get(kRegC) == kCUf);
    }
    f.at(3 * kSecond);
    CHECK(f.sink.level());
    CHECK(f.get(kRegC) == (kCIrqf | kCAf | kCUf));
    f.at(4 * kSecond);
    CHECK(f.get(kRegC) == kCUf);
  }
  SECTION("don't-care hours and minutes match the seconds every minute") {
    f.put(kSecondsAlarm, bcd(alarm.tm_sec));
    f.put(kMinutesAlarm, 0xC0);
    f.put(kHoursAlarm, 0xFF);
    f.put(kRegB, kB24h | kBAie);
    f.at(3 * kSecond);
    CHECK(f.get(kRegC) == (kCIrqf | kCAf | kCUf));
    f.at(62 * kSecond);
    CHECK(f.get(kRegC) == kCUf);
    f.at(63 * kSecond);
    CHECK(f.get(kRegC) == (kCIrqf | kCAf | kCUf));
  }
  SECTION("an alarm passed while the device was not advanced is still flagged") {
    f.put(kSecondsAlarm, bcd(alarm.tm_sec));
    f.put(kMinutesAlarm, bcd(alarm.tm_min));
    f.put(kHoursAlarm, bcd(alarm.tm_hour));
    f.clock.set(f.origin + 10 * kSecond);
    CHECK(f.get(kRegC) == (kCAf | kCUf));
  }
  SECTION("12-hour alarms compare the PM bit") {
    f.put(kRegB, 0x00);  // 12-hour BCD; 22:13:23 is 10:13:23 PM
    f.put(kSecondsAlarm, bcd(alarm.tm_sec));
    f.put(kMinutesAlarm, bcd(alarm.tm_min));
    f.put(kHoursAlarm, bcd(10));  // AM: no match
    f.at(3 * kSecond);
    CHECK(f.get(kRegC) == kCUf);
    f.put(kHoursAlarm, kHoursPm | bcd(10));
    f.at(86'400 * kSecond + 3 * kSecond);
    CHECK(f.get(kRegC) == (kCAf | kCUf));
  }
}

TEST_CASE("RTC SET freezes the time, takes the time written, and keeps the phase", "[devices]") {
  RtcFixture f;
  f.at(kSecond / 4);
  f.put(kRegB, kB24h | kBSet | kBUie);
  CHECK(f.get(kRegB) == (kB24h | kBSet));  // SET clears UIE
  f.get(kRegC);
  f.at(5 * kSecond + kSecond / 2);
  check_time(f, kTuesdayEvening, false);  // frozen at the moment SET was written
  CHECK((f.get(kRegA) & kAUip) == 0);
  CHECK(f.get(kRegC) == kCPf);  // the divider ran on: periodic ticks, but no update

  // Linux's mc146818_set_time, in BCD: 2031-06-15 08:09:10, a Sunday. (Linux leaves the day
  // of week alone; a BIOS sets it. Once running, bt86 derives it from the date.)
  f.put(kDayOfWeek, 1);
  f.put(kYear, 0x31);
  f.put(kMonth, 0x06);
  f.put(kDayOfMonth, 0x15);
  f.put(kHours, 0x08);
  f.put(kMinutes, 0x09);
  f.put(kSeconds, 0x10);
  f.put(kCentury, 0x20);
  f.at(5 * kSecond + 3 * kSecond / 4);
  const int64_t set_to = unix_time(2031, 6, 15, 8, 9, 10);
  check_time(f, set_to, false);
  f.put(kRegB, kB24h);
  check_time(f, set_to, false);
  // The divider kept its phase through SET, so the next update is on the old boundary.
  f.at(6 * kSecond - 1);
  check_time(f, set_to, false);
  f.at(6 * kSecond);
  check_time(f, set_to + 1, false);
  f.at(100 * kSecond);
  check_time(f, set_to + 95, false);
}

TEST_CASE("RTC time written while running moves the clock from there on", "[devices]") {
  RtcFixture f;
  f.put(kRegB, kB24h | kBDm);
  f.put(kYear, 30);  // 2023 -> 2030, everything else kept
  const std::tm now = utc(kTuesdayEvening);
  const int64_t moved =
      unix_time(2030, now.tm_mon + 1, now.tm_mday, now.tm_hour, now.tm_min, now.tm_sec);
  check_time(f, moved, true);
  f.at(3 * kSecond);
  check_time(f, moved + 3, true);
}

TEST_CASE("RTC divider reset stops the time; the first update is half a second after",
          "[devices]") {
  RtcFixture f;
  f.at(kSecond / 10);
  f.put(kRegA, 0x70);
  f.get(kRegC);  // the ticks before the reset
  f.put(kRegB, kB24h | kBPie | kBUie);
  CHECK(f.rtc.next_deadline_ns() == kNever);
  f.at(20 * kSecond);
  check_time(f, kTuesdayEvening, false);
  CHECK(f.get(kRegC) == 0);
  f.put(kRegA, 0x2F);  // 2 Hz periodic, from the restarted chain
  CHECK(f.rtc.next_deadline_ns() == f.origin + 20 * kSecond + kSecond / 2);
  f.at(20 * kSecond + kSecond / 2 - 1);
  check_time(f, kTuesdayEvening, false);
  f.at(20 * kSecond + kSecond / 2);
  check_time(f, kTuesdayEvening + 1, false);
  CHECK(f.get(kRegC) == (kCIrqf | kCPf | kCUf));
}

TEST_CASE("RTC stores the memory size as a PC BIOS does", "[devices]") {
  RtcFixture f;
  const auto word = [&f](uint8_t low) { return f.get(low) | f.get(low + 1) << 8; };
  SECTION("128 MiB") {
    f.rtc.set_memory_size(128ull << 20);
    CHECK(word(0x15) == 640);
    CHECK(word(0x17) == 0xFFFF);  // 127 * 1024 KiB does not fit
    CHECK(word(0x30) == 0xFFFF);
    CHECK(word(0x34) == (128 - 16) * 16);
    CHECK(word(0x34) == 0x0700);
  }
  SECTION("32 MiB") {
    f.rtc.set_memory_size(32ull << 20);
    CHECK(word(0x15) == 640);
    CHECK(word(0x17) == 31 * 1024);
    CHECK(word(0x30) == 31 * 1024);
    CHECK(word(0x34) == 16 * 16);
  }
  SECTION("8 MiB has nothing above 16 MiB") {
    f.rtc.set_memory_size(8ull << 20);
    CHECK(word(0x17) == 7 * 1024);
    CHECK(word(0x34) == 0);
  }
}

TEST_CASE("RTC index bit 7 masks NMI and is not an address bit", "[devices]") {
  RtcFixture f;
  f.rtc.write(kIndexPort, 1, kNmiDisable | 0x20);
  CHECK(f.rtc.nmi_disabled());
  f.rtc.write(kDataPort, 1, 0x5A);
  CHECK(f.get(0x20) == 0x5A);
  CHECK_FALSE(f.rtc.nmi_disabled());
  f.rtc.write(kIndexPort, 1, kNmiDisable | kRegD);
  CHECK(f.rtc.read(kDataPort, 1) == 0x80);
  CHECK(f.rtc.read(kIndexPort, 1) == 0xFF);
}

TEST_CASE("RTC NVRAM bytes 0x0E-0x7F hold what is written", "[devices]") {
  RtcFixture f;
  for (unsigned i = 0x0E; i < kNvramSize; ++i) {
    if (i != kCentury) f.put(static_cast<uint8_t>(i), static_cast<uint8_t>(i * 7 + 1));
  }
  f.rtc.set_nvram(0x40, 0xC3);
  for (unsigned i = 0x0E; i < kNvramSize; ++i) {
    if (i == kCentury) continue;
    INFO("index " << i);
    CHECK(f.get(static_cast<uint8_t>(i)) == (i == 0x40 ? 0xC3 : static_cast<uint8_t>(i * 7 + 1)));
  }
  // C and D are read-only.
  f.put(kRegD, 0x00);
  CHECK(f.get(kRegD) == 0x80);
}

TEST_CASE("RTC wide accesses act as byte accesses at successive ports", "[devices]") {
  RtcFixture f;
  f.rtc.write(kIndexPort, 2, 0xA540);  // index 0x40, then 0xA5 to the data port
  CHECK(f.get(0x40) == 0xA5);
  f.rtc.write(kIndexPort, 1, 0x40);
  CHECK(f.rtc.read(kIndexPort, 2) == 0xA5FF);
  CHECK(f.rtc.read(kDataPort, 4) == 0xFFFFFFA5);
}

}  // namespace bt86::devices
