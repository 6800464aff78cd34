// The MC146818A's time registers, divider chain, interrupt flags and NVRAM (Motorola datasheet).
#include "devices/rtc_cmos.h"

#include <algorithm>

#include "common/assert.h"

namespace bt86::devices {

using namespace rtc;

namespace {

constexpr int64_t kNsPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
// The time base: the divider chain counts 32.768 kHz cycles, and one cycle is exactly
// 1953125/64 ns.
constexpr int64_t kCyclesPerSecond = 32'768;
constexpr int64_t kNsPerCycleNum = 1'953'125;
constexpr int64_t kNsPerCycleDen = 64;
// UIP rises eight cycles (244.1 us) before each update: the datasheet's t_BUC, long enough
// for a driver that saw UIP clear to read every time register before they change.
constexpr int64_t kUipCycles = 8;
// Leaving divider reset, the chain restarts half a second before its first update.
constexpr int64_t kFirstUpdateAfterResetNs = kNsPerSecond / 2;
// Register A's divider field: 11x holds the chain in reset.
constexpr uint8_t kDividerResetBits = 0x60;
constexpr uint8_t kBInterruptEnables = kBPie | kBAie | kBUie;

int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if (a % b != 0 && (a < 0) != (b < 0)) --q;
  return q;
}

int64_t floor_mod(int64_t a, int64_t b) {
  return a - floor_div(a, b) * b;
}

// Whole divider cycles in `ns` of divider time.
int64_t ns_to_cycles(int64_t ns) {
  const int64_t seconds = floor_div(ns, kNsPerSecond);
  const int64_t frac = ns - seconds * kNsPerSecond;
  return seconds * kCyclesPerSecond + frac * kNsPerCycleDen / kNsPerCycleNum;
}

// The first nanosecond by which `cycles` whole divider cycles have elapsed.
int64_t cycles_to_ns(int64_t cycles) {
  const int64_t seconds = floor_div(cycles, kCyclesPerSecond);
  const int64_t rest = cycles - seconds * kCyclesPerSecond;
  return seconds * kNsPerSecond + (rest * kNsPerCycleNum + kNsPerCycleDen - 1) / kNsPerCycleDen;
}

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's
// algorithms). The month may be out of range and carries into the year, as does a day past
// the month's end into the next month, so whatever the guest wrote names some moment.
int64_t days_from_civil(int64_t year, int64_t month, int64_t day) {
  year += floor_div(month - 1, 12);
  const int64_t m = floor_mod(month - 1, 12) + 1;
  const int64_t y = m <= 2 ? year - 1 : year;
  const int64_t era = floor_div(y, 400);
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146'097 + doe - 719'468 + (day - 1);
}

struct CivilDate {
  int64_t year;
  unsigned month;  // 1-12
  unsigned day;    // 1-31
};

CivilDate civil_from_days(int64_t days) {
  days += 719'468;
  const int64_t era = floor_div(days, 146'097);
  const int64_t doe = days - era * 146'097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36'524 - doe / 146'096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const auto day = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

bool is_time_register(uint8_t index) {
  switch (index) {
    case kSeconds:
    case kMinutes:
    case kHours:
    case kDayOfWeek:
    case kDayOfMonth:
    case kMonth:
    case kYear:
    case kCentury:
      return true;
  }
  return false;
}

}  // namespace

RtcCmos::RtcCmos(const Clock& clock, IrqLine irq8, int64_t wall_clock_seconds,
                 uint64_t clock_origin_ns)
    : clock_(clock),
      irq8_(irq8),
      phase_origin_ns_(clock_origin_ns),
      origin_seconds_(wall_clock_seconds),
      synced_ns_(clock.now_ns()) {
  cmos_[kRegA] = 0x26;  // 32.768 kHz time base, 1024 Hz periodic rate: what a BIOS leaves
  cmos_[kRegB] = kB24h;
  cmos_[kRegD] = kDVrt;
}

uint32_t RtcCmos::read(uint16_t offset, unsigned size) {
  uint32_t value = 0;
  for (unsigned i = 0; i < size; ++i) {
    const unsigned port = unsigned{offset} + i;
    const uint8_t byte = port == kDataPort ? read_register(index_) : 0xFF;
    value |= uint32_t{byte} << (8 * i);
  }
  return value;
}

void RtcCmos::write(uint16_t offset, unsigned size, uint32_t value) {
  for (unsigned i = 0; i < size; ++i) {
    const unsigned port = unsigned{offset} + i;
    const auto byte = static_cast<uint8_t>(value >> (8 * i));
    if (port == kIndexPort) {
      // Bit 7 is not an address line: the PC routes it to the NMI gate.
      index_ = byte & (kNvramSize - 1);
      nmi_disabled_ = (byte & kNmiDisable) != 0;
    } else if (port == kDataPort) {
      write_register(index_, byte);
    }
  }
}

uint64_t RtcCmos::next_deadline_ns() const {
  if (irq_level_) return kNever;
  const uint8_t b = cmos_[kRegB];
  int64_t next = INT64_MAX;  // divider time, relative to phase_origin_ns_
  const unsigned cycles = periodic_cycles();
  if ((b & kBPie) && cycles != 0 && divider_running()) {
    const int64_t tick = floor_div(ns_to_cycles(since_origin(synced_ns_)), cycles) + 1;
    next = std::min(next, cycles_to_ns(tick * cycles));
  }
  if ((b & (kBUie | kBAie)) && time_running()) {
    const int64_t update = floor_div(since_origin(synced_ns_), kNsPerSecond) + 1;
    next = std::min(next, update * kNsPerSecond);
  }
  if (next == INT64_MAX) return kNever;
  return static_cast<uint64_t>(static_cast<int64_t>(phase_origin_ns_) + next);
}

void RtcCmos::advance(uint64_t now) {
  sync(now);
}

void RtcCmos::set_memory_size(uint64_t ram_bytes) {
  constexpr uint64_t kKiB = 1024;
  constexpr uint64_t kMiB = 1024 * kKiB;
  const auto store16 = [this](uint8_t low_index, uint64_t value) {
    value = std::min<uint64_t>(value, 0xFFFF);
    cmos_[low_index] = static_cast<uint8_t>(value);
    cmos_[low_index + 1] = static_cast<uint8_t>(value >> 8);
  };
  store16(0x15, std::min<uint64_t>(ram_bytes / kKiB, 640));
  const uint64_t extended_kib = ram_bytes > kMiB ? (ram_bytes - kMiB) / kKiB : 0;
  store16(0x17, extended_kib);
  store16(0x30, extended_kib);
  store16(0x34, ram_bytes > 16 * kMiB ? (ram_bytes - 16 * kMiB) / (64 * kKiB) : 0);
}

void RtcCmos::set_nvram(uint8_t index, uint8_t value) {
  BT_ASSERT(index >= 0x0E && index < kNvramSize && index != kCentury,
            "CMOS byte 0x%02x is not plain NVRAM", index);
  cmos_[index] = value;
}

uint8_t RtcCmos::read_register(uint8_t index) {
  const uint64_t now = clock_.now_ns();
  sync(now);
  if (is_time_register(index)) {
    if (time_running()) store_time(rtc_seconds(now));
    return cmos_[index];
  }
  switch (index) {
    case kRegA: {
      const bool uip =
          time_running() && floor_mod(ns_to_cycles(since_origin(now)), kCyclesPerSecond) >=
                                kCyclesPerSecond - kUipCycles;
      return static_cast<uint8_t>((cmos_[kRegA] & ~kAUip) | (uip ? kAUip : 0));
    }
    case kRegC: {
      // Reading C is the acknowledge: every flag clears and IRQ8 goes low.
      const uint8_t value = cmos_[kRegC];
      cmos_[kRegC] = 0;
      update_irq();
      return value;
    }
    case kRegD:
      return kDVrt;
  }
  return cmos_[index];
}

void RtcCmos::write_register(uint8_t index, uint8_t value) {
  const uint64_t now = clock_.now_ns();
  sync(now);
  if (is_time_register(index)) {
    if (!time_running()) {
      cmos_[index] = value;  // taken up when SET clears or the divider leaves reset
      return;
    }
    // On the chip, the next update counts on from the byte written. bt86 keeps the time as
    // an offset from the clock, so it moves the offset now, keeping the sub-second phase.
    // (The day of week is not kept: it is always derived from the date.)
    store_time(rtc_seconds(now));
    cmos_[index] = value;
    origin_seconds_ = load_time() - floor_div(since_origin(now), kNsPerSecond);
    return;
  }
  switch (index) {
    case kRegA:
      write_reg_a(value);
      return;
    case kRegB:
      write_reg_b(value);
      return;
    case kRegC:  // read-only
    case kRegD:
      return;
  }
  cmos_[index] = value;
}

void RtcCmos::write_reg_a(uint8_t value) {
  set_control(kRegA, static_cast<uint8_t>(value & ~kAUip));  // UIP is read-only
}

void RtcCmos::write_reg_b(uint8_t value) {
  // Writing SET also clears UIE (datasheet, register B): no update-ended interrupt is due
  // while updates are inhibited.
  if (value & kBSet) value &= static_cast<uint8_t>(~kBUie);
  set_control(kRegB, value);
  update_irq();  // an enable may meet a flag already raised, or leave none
}

void RtcCmos::set_control(uint8_t index, uint8_t value) {
  const uint64_t now = clock_.now_ns();  // write_register() synced the flags up to here
  const bool divider_was_running = divider_running();
  const bool time_was_running = time_running();
  const int64_t seconds = rtc_seconds(now);
  cmos_[index] = value;
  // Stopping latches the time in the (possibly new) data and hour modes, so the guest
  // reads and amends it in the format it just chose.
  if (time_was_running && !time_running()) store_time(seconds);
  if (!divider_was_running && divider_running()) {
    phase_origin_ns_ = now + kFirstUpdateAfterResetNs;
  }
  if (!time_was_running && time_running()) {
    origin_seconds_ = load_time() - floor_div(since_origin(now), kNsPerSecond);
  }
}

void RtcCmos::sync(uint64_t now) {
  if (now <= synced_ns_) return;
  uint8_t flags = 0;
  // PF is raised at every periodic tick whether or not PIE lets it through.
  const unsigned cycles = periodic_cycles();
  if (cycles != 0 && divider_running()) {
    const int64_t before = floor_div(ns_to_cycles(since_origin(synced_ns_)), cycles);
    const int64_t after = floor_div(ns_to_cycles(since_origin(now)), cycles);
    if (after != before) flags |= kCPf;
  }
  if (time_running()) {
    const int64_t first = rtc_seconds(synced_ns_) + 1;
    const int64_t last = rtc_seconds(now);
    if (last >= first) {
      flags |= kCUf;
      // The alarm is compared at each update. Every time of day recurs within a day, so a
      // longer gap (a paused machine) needs only its last day looked at.
      for (int64_t s = std::max(first, last - kSecondsPerDay + 1); s <= last; ++s) {
        if (alarm_matches(floor_mod(s, kSecondsPerDay))) {
          flags |= kCAf;
          break;
        }
      }
    }
  }
  synced_ns_ = now;
  if (flags != 0) {
    cmos_[kRegC] |= flags;
    update_irq();
  }
}

void RtcCmos::update_irq() {
  // Each flag sits at the same bit in register C as its enable in register B.
  const bool irqf = (cmos_[kRegC] & cmos_[kRegB] & kBInterruptEnables) != 0;
  cmos_[kRegC] = static_cast<uint8_t>(irqf ? cmos_[kRegC] | kCIrqf : cmos_[kRegC] & ~kCIrqf);
  if (irqf != irq_level_) {
    irq_level_ = irqf;
    irq8_.set(irqf);
  }
}

bool RtcCmos::divider_running() const {
  // DV = 000 and 001 select 4.194304 and 1.048576 MHz crystals; PC chipsets hardwire
  // 32.768 kHz, so bt86 times all three settings from it. 11x holds the chain in reset.
  return (cmos_[kRegA] & kDividerResetBits) != kDividerResetBits;
}

bool RtcCmos::time_running() const {
  return divider_running() && !(cmos_[kRegB] & kBSet);
}

unsigned RtcCmos::periodic_cycles() const {
  const unsigned rate = cmos_[kRegA] & kARateMask;
  if (rate == 0) return 0;
  // RS = 1 and 2 tap the chain at 256 and 128 Hz rather than the 32.768 and 16.384 kHz the
  // formula 2^(RS-1) would give (those rates need the faster crystals).
  if (rate <= 2) return 64u << rate;
  return 1u << (rate - 1);
}

int64_t RtcCmos::since_origin(uint64_t now) const {
  return static_cast<int64_t>(now) - static_cast<int64_t>(phase_origin_ns_);
}

int64_t RtcCmos::rtc_seconds(uint64_t now) const {
  return origin_seconds_ + floor_div(since_origin(now), kNsPerSecond);
}

void RtcCmos::store_time(int64_t unix_seconds) {
  const int64_t days = floor_div(unix_seconds, kSecondsPerDay);
  const auto second_of_day = static_cast<unsigned>(unix_seconds - days * kSecondsPerDay);
  const CivilDate date = civil_from_days(days);
  cmos_[kSeconds] = encode(second_of_day % 60);
  cmos_[kMinutes] = encode(second_of_day / 60 % 60);
  cmos_[kHours] = encode_hours(second_of_day / 3600);
  // 1970-01-01 was a Thursday; the register counts from Sunday = 1.
  cmos_[kDayOfWeek] = encode(static_cast<unsigned>(floor_mod(days + 4, 7)) + 1);
  cmos_[kDayOfMonth] = encode(date.day);
  cmos_[kMonth] = encode(date.month);
  cmos_[kYear] = encode(static_cast<unsigned>(floor_mod(date.year, 100)));
  cmos_[kCentury] = encode(static_cast<unsigned>(floor_div(date.year, 100)));
}

int64_t RtcCmos::load_time() const {
  const int64_t year = int64_t{decode(cmos_[kCentury])} * 100 + decode(cmos_[kYear]);
  const int64_t days = days_from_civil(year, decode(cmos_[kMonth]), decode(cmos_[kDayOfMonth]));
  return days * kSecondsPerDay + int64_t{decode_hours(cmos_[kHours])} * 3600 +
         int64_t{decode(cmos_[kMinutes])} * 60 + decode(cmos_[kSeconds]);
}

uint8_t RtcCmos::encode(unsigned value) const {
  if (cmos_[kRegB] & kBDm) return static_cast<uint8_t>(value);
  return static_cast<uint8_t>((value / 10 % 10) << 4 | value % 10);
}

unsigned RtcCmos::decode(uint8_t value) const {
  if (cmos_[kRegB] & kBDm) return value;
  return (value >> 4) * 10u + (value & 0x0Fu);
}

uint8_t RtcCmos::encode_hours(unsigned hours24) const {
  if (cmos_[kRegB] & kB24h) return encode(hours24);
  // 12-hour mode: 12 AM is midnight, 12 PM noon.
  const unsigned hours12 = hours24 % 12 == 0 ? 12 : hours24 % 12;
  return static_cast<uint8_t>(encode(hours12) | (hours24 >= 12 ? kHoursPm : 0));
}

unsigned RtcCmos::decode_hours(uint8_t value) const {
  if (cmos_[kRegB] & kB24h) return decode(value);
  const unsigned hours12 = decode(value & static_cast<uint8_t>(~kHoursPm));
  return hours12 % 12 + ((value & kHoursPm) ? 12 : 0);
}

bool RtcCmos::alarm_matches(int64_t seconds_of_day) const {
  const auto sod = static_cast<unsigned>(seconds_of_day);
  const auto matches = [](uint8_t alarm, uint8_t now) {
    return (alarm & kAlarmDontCare) == kAlarmDontCare || alarm == now;
  };
  return matches(cmos_[kSecondsAlarm], encode(sod % 60)) &&
         matches(cmos_[kMinutesAlarm], encode(sod / 60 % 60)) &&
         matches(cmos_[kHoursAlarm], encode_hours(sod / 3600));
}

}  // namespace bt86::devices
