// Device time: a monotonic nanosecond clock the machine owns and tests can drive by hand.
#pragma once

#include <cstdint>
#include <limits>

namespace bt86::devices {

class Clock {
 public:
  virtual ~Clock() = default;
  // Nanoseconds since an arbitrary origin; never decreases.
  virtual uint64_t now_ns() const = 0;
};

// No deadline pending.
inline constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

// A device whose state changes with time (a timer output edge, an RTC update). The machine
// calls advance() once now_ns() has reached next_deadline_ns(), at exits and after HLT
// wakes; a device must also bring itself up to date whenever the guest reads it. The
// deadline may change only in advance() and in the device's port reads and writes: the
// machine keeps the earliest one and asks again only after those.
class TimedDevice {
 public:
  virtual ~TimedDevice() = default;
  // The next moment the device must be advanced, or kNever.
  virtual uint64_t next_deadline_ns() const = 0;
  // Performs what fell due up to `now` (raising IRQ lines as needed).
  virtual void advance(uint64_t now) = 0;
};

// A clock tests set by hand.
class ManualClock final : public Clock {
 public:
  uint64_t now_ns() const override { return now_; }
  void set(uint64_t t) { now_ = t; }
  void add(uint64_t dt) { now_ += dt; }

 private:
  uint64_t now_ = 0;
};

}  // namespace bt86::devices
