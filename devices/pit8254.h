// The Intel 8254 programmable interval timer: three counters on ports 0x40-0x43, IRQ0 on ch0.
#pragma once

#include <array>
#include <cstdint>

#include "devices/clock.h"
#include "devices/irq.h"
#include "devices/port_device.h"

namespace bt86::devices {

// The PC's PIT input clock: 14.31818 MHz / 12.
inline constexpr uint64_t kPitHz = 1193182;

// Port offsets, control-word fields and status bits, named as in the Intel 82C54 datasheet.
namespace pit {

inline constexpr uint16_t kCounter0 = 0;
inline constexpr uint16_t kCounter1 = 1;
inline constexpr uint16_t kCounter2 = 2;
inline constexpr uint16_t kControl = 3;  // write-only

// Control word: SC1 SC0 RW1 RW0 M2 M1 M0 BCD.
inline constexpr uint8_t kSelectReadBack = 3;  // SC = 11
inline constexpr uint8_t kAccessLatch = 0;     // RW = 00: counter latch command
inline constexpr uint8_t kAccessLsb = 1;
inline constexpr uint8_t kAccessMsb = 2;
inline constexpr uint8_t kAccessLsbMsb = 3;

// Read-back command bits (with SC = 11); COUNT and STATUS are active low.
inline constexpr uint8_t kReadBackNoCount = 0x20;
inline constexpr uint8_t kReadBackNoStatus = 0x10;

// Status byte: OUT, NULL COUNT, then RW1 RW0 M2 M1 M0 BCD as last programmed.
inline constexpr uint8_t kStatusOut = 0x80;
inline constexpr uint8_t kStatusNullCount = 0x40;

}  // namespace pit

// The counters' state is a pure function of the clock and of the moment each count was loaded
// (or its gate last changed), so reads cost no bookkeeping and errors cannot accumulate. The
// chip loads a written count on the following CLK pulse; bt86 starts counting at the write
// itself, so OUT in mode 0 goes high exactly N ticks later (the chip: N+1, 838 ns more), as in
// QEMU, whose timing guests are tuned against. The one-tick load delay survives only in the
// status byte's NULL COUNT bit.
//
// Only ch0 drives an IRQ line, and only the rising OUT edges that counting produces raise it:
// OUT jumping high because the guest rewrote a control word or changed a gate does not.
class Pit8254 final : public PortDevice, public TimedDevice {
 public:
  Pit8254(const Clock& clock, IrqLine irq0);

  const char* name() const override { return "pit"; }
  // A byte-wide chip: wider accesses act on the low byte (reads return it zero-extended).
  uint32_t read(uint16_t offset, unsigned size) override;
  void write(uint16_t offset, unsigned size, uint32_t value) override;

  // When ch0 OUT next rises (raising IRQ0), or kNever if it will not without guest action.
  uint64_t next_deadline_ns() const override;
  // Pulses IRQ0 once if ch0 OUT rose since the previous call, however many times it did: the
  // 8259 latches one edge per line, so extra pulses would be lost on the chip as well.
  void advance(uint64_t now) override;

  // The GATE inputs. On the PC ch0's and ch1's are tied high and port 0x61 bit 0 drives ch2's
  // (low at reset).
  void set_gate(int channel, bool gate);
  // The OUT pin's level now.
  bool out(int channel);

 private:
  // One counter: its programming, count register, latches and counting element.
  struct Counter {
    // Control word, as last written.
    uint8_t mode_bits = 0;  // M2 M1 M0, reported in the status byte
    uint8_t mode = 0;       // 0-5: 6 and 7 behave as 2 and 3
    uint8_t access = pit::kAccessLsbMsb;
    bool bcd = false;
    bool gate = true;

    // The count register (CR) and the byte flip-flops of two-byte accesses.
    uint16_t cr = 0;
    bool cr_written = false;  // a whole count has been written since the control word
    uint8_t cr_lsb = 0;       // first byte of a two-byte write, waiting for the second
    bool write_msb_next = false;
    bool read_msb_next = false;

    // Output latches: the status byte, then the latched count's bytes (bit 0 LSB, bit 1 MSB).
    bool status_latched = false;
    uint8_t status = 0;
    uint8_t latch_bytes = 0;
    uint16_t latched_count = 0;

    // The counting element (CE). While loaded it has counted elapsed(now) ticks of the count
    // n; in mode 3, `phase` ticks of the first period had passed before t0.
    bool loaded = false;   // holds a count (modes 1 and 5: has been triggered)
    bool running = false;  // counting; otherwise frozen at `base` ticks
    uint32_t n = 0;        // 1-65536 (1-10000 in BCD)
    uint32_t phase = 0;
    uint64_t t0 = 0;  // when `base` ticks had been counted
    uint64_t base = 0;
    uint16_t idle_value = 0;  // what the CE reads while not loaded

    // Modes 2 and 3 take a count written while counting at the end of the period
    // (mode 3: of the half-period), at reload_ns.
    bool reload_pending = false;
    uint64_t reload_ns = 0;
    bool reload_into_low_half = false;

    uint64_t null_count_until = kNever;  // NULL COUNT reads 1 until the CR reaches the CE

    uint64_t elapsed(uint64_t now) const;
    uint64_t tick_time(uint64_t tick) const;
    uint32_t modulus() const { return bcd ? 10000 : 65536; }
    uint32_t count_from_cr() const;
    uint16_t value(uint64_t now) const;
    bool out(uint64_t now) const;
    uint64_t edge_tick_after(uint64_t ticks) const;
    uint64_t next_edge_after(uint64_t t) const;
    uint8_t status_byte(uint64_t now) const;
    void start(uint64_t now);
    void pause(uint64_t now);
    void resume(uint64_t now);
    void apply_reload();
    void settle(uint64_t now);
    void schedule_reload(uint64_t now);
  };

  // Brings every counter up to the clock (pulsing IRQ0 if due); returns the time used.
  uint64_t sync();
  void write_control(uint8_t value, uint64_t now);
  void read_back(uint8_t value, uint64_t now);
  void latch_count(Counter& c, uint64_t now);
  void write_count_byte(Counter& c, uint8_t value, uint64_t now);
  void count_written(Counter& c, uint64_t now);
  uint8_t read_count_byte(Counter& c, uint64_t now);

  const Clock& clock_;
  IrqLine irq0_;
  std::array<Counter, 3> counters_;
  // Every edge of ch0 up to here has been reported; also the latest time any access used,
  // so the guest never sees the counters run backwards.
  uint64_t seen_until_ = 0;
};

}  // namespace bt86::devices
