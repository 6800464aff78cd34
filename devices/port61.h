// The PC's system control port B (0x61): ch2 gate, speaker enable, refresh toggle, ch2 OUT.
#pragma once

#include <cstdint>

#include "devices/clock.h"
#include "devices/pit8254.h"
#include "devices/port_device.h"

namespace bt86::devices {

namespace port61 {

inline constexpr uint8_t kTimer2Gate = 0x01;      // drives PIT ch2's GATE
inline constexpr uint8_t kSpeakerData = 0x02;     // ANDed with ch2 OUT into the speaker
inline constexpr uint8_t kParityCheckOff = 0x04;  // stored only: there are no NMI sources
inline constexpr uint8_t kChannelCheckOff = 0x08;
inline constexpr uint8_t kWritable = 0x0F;
inline constexpr uint8_t kRefreshToggle = 0x10;  // read-only
inline constexpr uint8_t kTimer2Out = 0x20;      // read-only
// Bits 6 and 7 (channel check, parity error) read as zero: nothing raises those NMIs.

// On the PC the refresh request is ch1 OUT, programmed by the BIOS to 15.085 us; bit 4
// toggles with each request. bt86 derives it from the clock, so it keeps toggling whatever
// the guest does to ch1, as delay loops that count its flips expect.
inline constexpr uint64_t kRefreshPeriodNs = 15085;

}  // namespace port61

// One byte-wide port; wider accesses act on the low byte. Writing bit 0 sets ch2's gate.
class Port61 final : public PortDevice {
 public:
  Port61(const Clock& clock, Pit8254& pit);

  const char* name() const override { return "port61"; }
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // Whether the speaker is sounding ch2's tone: gate and speaker data both enabled.
  bool speaker_on() const {
    return (control_ & (port61::kTimer2Gate | port61::kSpeakerData)) ==
           (port61::kTimer2Gate | port61::kSpeakerData);
  }

 private:
  const Clock& clock_;
  Pit8254& pit_;
  uint8_t control_ = 0;  // bits 0-3 as last written; all clear at reset
};

}  // namespace bt86::devices
