// The MC146818A real-time clock and its CMOS NVRAM as the PC wires them (ports 0x70-0x71).
#pragma once

#include <array>
#include <cstdint>

#include "devices/clock.h"
#include "devices/irq.h"
#include "devices/port_device.h"

namespace bt86::devices {

// Port offsets, register indices and bits, named as in the Motorola MC146818A datasheet.
namespace rtc {

inline constexpr uint16_t kIndexPort = 0;  // 0x70: bits 6:0 select a register, bit 7 masks NMI
inline constexpr uint16_t kDataPort = 1;   // 0x71

inline constexpr uint8_t kNmiDisable = 0x80;  // in the value written to the index port

inline constexpr uint8_t kSeconds = 0x00;
inline constexpr uint8_t kSecondsAlarm = 0x01;
inline constexpr uint8_t kMinutes = 0x02;
inline constexpr uint8_t kMinutesAlarm = 0x03;
inline constexpr uint8_t kHours = 0x04;
inline constexpr uint8_t kHoursAlarm = 0x05;
inline constexpr uint8_t kDayOfWeek = 0x06;  // 1 = Sunday
inline constexpr uint8_t kDayOfMonth = 0x07;
inline constexpr uint8_t kMonth = 0x08;
inline constexpr uint8_t kYear = 0x09;  // two digits; the century is kept in kCentury
inline constexpr uint8_t kRegA = 0x0A;
inline constexpr uint8_t kRegB = 0x0B;
inline constexpr uint8_t kRegC = 0x0C;
inline constexpr uint8_t kRegD = 0x0D;
inline constexpr uint8_t kCentury = 0x32;  // the IBM PC/AT's choice; ACPI's FADT names it too
inline constexpr unsigned kNvramSize = 128;

// Register A
inline constexpr uint8_t kAUip = 0x80;          // update in progress (read-only)
inline constexpr uint8_t kADividerMask = 0x70;  // DV2-DV0: 0x20 selects the 32.768 kHz base
inline constexpr uint8_t kARateMask = 0x0F;     // RS3-RS0: periodic interrupt rate

// Register B
inline constexpr uint8_t kBSet = 0x80;   // updates inhibited while the time is being set
inline constexpr uint8_t kBPie = 0x40;   // periodic interrupt enable
inline constexpr uint8_t kBAie = 0x20;   // alarm interrupt enable
inline constexpr uint8_t kBUie = 0x10;   // update-ended interrupt enable
inline constexpr uint8_t kBSqwe = 0x08;  // square-wave output (not connected on a PC)
inline constexpr uint8_t kBDm = 0x04;    // data mode: binary when set, BCD when clear
inline constexpr uint8_t kB24h = 0x02;   // 24-hour mode when set, 12-hour when clear
inline constexpr uint8_t kBDse = 0x01;   // daylight-saving switching (stored, never applied)

// Register C: the interrupt flags, cleared by reading it.
inline constexpr uint8_t kCIrqf = 0x80;
inline constexpr uint8_t kCPf = 0x40;
inline constexpr uint8_t kCAf = 0x20;
inline constexpr uint8_t kCUf = 0x10;

// Register D
inline constexpr uint8_t kDVrt = 0x80;  // valid RAM and time: the battery is never flat

// In 12-hour mode, the hours and hours-alarm registers carry PM in their top bit.
inline constexpr uint8_t kHoursPm = 0x80;
// An alarm byte whose two top bits are set matches every value.
inline constexpr uint8_t kAlarmDontCare = 0xC0;

}  // namespace rtc

// The RTC as a driver sees it through ports 0x70 (index) and 0x71 (data).
//
// The chip's time is not a counter that bt86 ticks: it is computed on demand from the
// machine's Clock, as the wall-clock time at construction plus the clock time elapsed since,
// plus whatever offset the guest introduced by setting the time. Each second of RTC time
// ends with an update (the time registers advance, UF is raised, the alarm is compared);
// UIP reads as set for the last 244 us (eight 32.768 kHz cycles) before it. Periodic ticks
// follow the same 32.768 kHz divider chain, so they are aligned to the second boundaries.
//
// IRQ8 follows register C's IRQF: the line goes high when IRQF becomes set and stays high
// until the guest reads register C (or disables the interrupt that set it), as the chip's
// open-drain IRQ pin does. The 8259 latches the rising edge; Linux's handler reads C, which
// lowers the line so that the next interrupt makes a new edge.
class RtcCmos final : public PortDevice, public TimedDevice {
 public:
  // `wall_clock_seconds` gives Unix time (UTC) at the moment `clock` reads `clock_origin_ns`;
  // the RTC then runs from `clock`, so guest time never jumps. Tests pass fixed values.
  // `clock` must outlive the device.
  RtcCmos(const Clock& clock, IrqLine irq8, int64_t wall_clock_seconds, uint64_t clock_origin_ns);

  const char* name() const override { return "rtc"; }
  // Offset 0 (the index port) is write-only on PC chipsets; reading it gives 0xFF, as on
  // QEMU. Offset 1 reads or writes the selected register. Wider accesses are split into byte
  // accesses at successive offsets; bytes past offset 1 float high.
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // The next periodic, update-ended or alarm moment whose interrupt is enabled (alarms are
  // checked at every update, so AIE asks for one wake-up per second), or kNever if none is
  // enabled or IRQ8 is already high: further flags cannot make a new edge before the guest
  // reads register C, and flags are brought up to date whenever the guest looks.
  uint64_t next_deadline_ns() const override;
  void advance(uint64_t now) override;

  // The loader stores the memory size as a PC BIOS would (QEMU's layout): 0x15/0x16 base
  // memory in KiB (640), 0x17/0x18 and 0x30/0x31 extended memory above 1 MiB in KiB (capped
  // at 0xFFFF), 0x34/0x35 memory above 16 MiB in 64 KiB units (capped at 0xFFFF).
  void set_memory_size(uint64_t ram_bytes);
  // A raw NVRAM byte, for the wiring code. Only 0x0E-0x7F other than the century (0x32): the
  // clock and control registers belong to the clock.
  void set_nvram(uint8_t index, uint8_t value);

  // The last NMI-disable bit written to the index port (the PC gates NMI with it).
  bool nmi_disabled() const { return nmi_disabled_; }

 private:
  uint8_t read_register(uint8_t index);
  void write_register(uint8_t index, uint8_t value);
  void write_reg_a(uint8_t value);
  void write_reg_b(uint8_t value);
  // Stores register A or B, then latches the time if that stopped it, restarts the divider
  // phase if that left reset, and takes up the registers' time if that restarted it.
  void set_control(uint8_t index, uint8_t value);

  // Raises the flags for whatever fell due in (synced_ns_, now] and moves synced_ns_ to now.
  void sync(uint64_t now);
  // Drives IRQ8 from IRQF = PF.PIE + AF.AIE + UF.UIE, recording IRQF in register C.
  void update_irq();

  // Whether the divider chain runs (it is held in reset by DV = 11x); periodic ticks need it.
  bool divider_running() const;
  // Whether the time advances: the divider runs and SET does not inhibit updates.
  bool time_running() const;
  // Periodic interrupt period in 32.768 kHz cycles, or 0 when RS selects none.
  unsigned periodic_cycles() const;

  // Divider-chain time: the signed distance from phase_origin_ns_ (a second boundary).
  int64_t since_origin(uint64_t now) const;
  // RTC time (Unix seconds) at `now`, valid while time_running().
  int64_t rtc_seconds(uint64_t now) const;
  // Writes `unix_seconds` into the time registers in the current data and hour modes.
  void store_time(int64_t unix_seconds);
  // Reads the time registers back into Unix seconds (the day of week is ignored).
  int64_t load_time() const;
  // A time register value in the current data mode (BCD or binary).
  uint8_t encode(unsigned value) const;
  unsigned decode(uint8_t value) const;
  uint8_t encode_hours(unsigned hours24) const;
  unsigned decode_hours(uint8_t value) const;
  // Whether the alarm bytes match the time of day `seconds_of_day`.
  bool alarm_matches(int64_t seconds_of_day) const;

  const Clock& clock_;
  IrqLine irq8_;

  // The CMOS bytes. The time registers hold the latched time only while the clock is
  // stopped (SET or divider reset); otherwise reads compute them afresh.
  std::array<uint8_t, rtc::kNvramSize> cmos_{};
  uint8_t index_ = 0;
  bool nmi_disabled_ = false;

  // A clock reading at which the divider chain crossed a second boundary, and the RTC time
  // (Unix seconds) that boundary began. Setting the time moves the second; leaving divider
  // reset moves the phase.
  uint64_t phase_origin_ns_;
  int64_t origin_seconds_;
  uint64_t synced_ns_;  // flags account for everything up to this clock reading
  bool irq_level_ = false;
};

}  // namespace bt86::devices
