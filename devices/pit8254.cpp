// The 8254's control words, latches, byte flip-flops and six counting modes (Intel 82C54).
#include "devices/pit8254.h"

#include <algorithm>

#include "common/assert.h"

namespace bt86::devices {

using namespace pit;

namespace {

constexpr uint64_t kNsPerSecond = 1'000'000'000;

// Whole PIT ticks in `ns`. Always computed from the start of a count, never summed, so no
// rounding error builds up however often the guest reads.
constexpr uint64_t ns_to_ticks(uint64_t ns) {
  return static_cast<uint64_t>(static_cast<unsigned __int128>(ns) * kPitHz / kNsPerSecond);
}

// The first nanosecond by which `ticks` ticks have passed: the inverse of ns_to_ticks.
constexpr uint64_t ticks_to_ns(uint64_t ticks) {
  const unsigned __int128 ns =
      (static_cast<unsigned __int128>(ticks) * kNsPerSecond + kPitHz - 1) / kPitHz;
  return ns >= kNever ? kNever : static_cast<uint64_t>(ns);
}

// One CLK period (838 ns, rounded up): how long a written count waits to reach the CE.
constexpr uint64_t kTickNs = ticks_to_ns(1);

// Counts in BCD mode are four decimal digits. Hex digits in a BCD count are undefined on the
// chip; they are taken at face value here (0xFFFF is 16665, modulo 10000).
uint32_t from_bcd(uint16_t v) {
  return (v >> 12 & 0xF) * 1000u + (v >> 8 & 0xF) * 100u + (v >> 4 & 0xF) * 10u + (v & 0xF);
}

uint16_t to_bcd(uint32_t v) {
  return static_cast<uint16_t>((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 | (v / 10 % 10) << 4 |
                               v % 10);
}

uint8_t low_byte(uint16_t v) {
  return static_cast<uint8_t>(v);
}
uint8_t high_byte(uint16_t v) {
  return static_cast<uint8_t>(v >> 8);
}

}  // namespace

// --- One counter, as a function of time ---

uint64_t Pit8254::Counter::elapsed(uint64_t now) const {
  if (!running || now <= t0) return base;
  return base + ns_to_ticks(now - t0);
}

// When the CE will have counted `tick` ticks (tick >= base), or kNever.
uint64_t Pit8254::Counter::tick_time(uint64_t tick) const {
  if (tick == kNever) return kNever;
  const uint64_t dt = ticks_to_ns(tick - base);
  return dt >= kNever - t0 ? kNever : t0 + dt;
}

// The CR as a count: 0 stands for the largest, 2^16 in binary or 10^4 in BCD.
uint32_t Pit8254::Counter::count_from_cr() const {
  if (bcd) {
    const uint32_t v = from_bcd(cr) % 10000;
    return v == 0 ? 10000 : v;
  }
  return cr == 0 ? 65536 : cr;
}

uint16_t Pit8254::Counter::value(uint64_t now) const {
  if (!loaded) return idle_value;
  const uint64_t d = elapsed(now);
  const uint32_t m = modulus();
  uint32_t raw;
  switch (mode) {
    case 2:
      // N, N-1, ..., 1, then N again.
      raw = n - static_cast<uint32_t>(d % n);
      break;
    case 3: {
      // Down by two in each half-period. An odd N loads N-1, so the high half runs
      // N-1, ..., 2, 0 ((N+1)/2 ticks) and the low half N-1, ..., 2 ((N-1)/2 ticks).
      const uint64_t p = (d + phase) % n;
      const uint64_t high = (n + 1) / 2;
      const auto into_half = static_cast<uint32_t>(p < high ? p : p - high);
      raw = (n % 2 == 0 ? n : n - 1) - 2 * into_half;
      break;
    }
    default:
      // The one-shot modes keep counting down past zero, wrapping around.
      raw = (n + m - static_cast<uint32_t>(d % m)) % m;
      break;
  }
  raw %= m;  // a count of 65536 (10000) reads as 0
  return bcd ? to_bcd(raw) : static_cast<uint16_t>(raw);
}

bool Pit8254::Counter::out(uint64_t now) const {
  // After a control word OUT is low in mode 0 and high in the others until a count arrives.
  if (!loaded) return mode != 0;
  const uint64_t d = elapsed(now);
  switch (mode) {
    case 0:  // low until terminal count, then high until reprogrammed
    case 1:
      return d >= n;
    case 2:  // low for the one tick the count is 1; GATE low forces it high
      return !running || d % n != n - 1;
    case 3:  // high for ceil(N/2), low for floor(N/2); GATE low forces it high
      return !running || (d + phase) % n < (n + 1) / 2;
    default:  // 4, 5: a one-tick low strobe at count 0
      return d != n;
  }
}

// The first tick after `ticks` at which counting takes OUT from low to high, or kNever.
uint64_t Pit8254::Counter::edge_tick_after(uint64_t ticks) const {
  if (!loaded || !running) return kNever;
  switch (mode) {
    case 0:
    case 1:
      return ticks < n ? n : kNever;
    case 2:  // at each reload; with the illegal N = 1 OUT never leaves low
      return n < 2 ? kNever : (ticks / n + 1) * n;
    case 3: {  // at each period start; with N = 1 OUT never leaves high
      if (n < 2) return kNever;
      const uint64_t x = ticks + phase;
      return (x / n + 1) * n - phase;
    }
    default:  // 4, 5: the strobe ends a tick after count 0
      return ticks <= n ? uint64_t{n} + 1 : kNever;
  }
}

// The time of the first OUT rising edge after `t`, looking through a pending reload.
uint64_t Pit8254::Counter::next_edge_after(uint64_t t) const {
  Counter c = *this;
  c.settle(t);
  const uint64_t when = c.tick_time(c.edge_tick_after(c.elapsed(t)));
  // An edge at the reload moment itself belongs to the old count: mode 2 reloads as OUT rises.
  if (!c.reload_pending || when <= c.reload_ns) return when;
  c.apply_reload();
  return c.tick_time(c.edge_tick_after(0));
}

uint8_t Pit8254::Counter::status_byte(uint64_t now) const {
  return static_cast<uint8_t>((out(now) ? kStatusOut : 0) |
                              (now < null_count_until ? kStatusNullCount : 0) | access << 4 |
                              mode_bits << 1 | (bcd ? 1 : 0));
}

// Loads the CR into the CE and counts from it.
void Pit8254::Counter::start(uint64_t now) {
  n = count_from_cr();
  phase = 0;
  t0 = now;
  base = 0;
  loaded = true;
  running = true;
  reload_pending = false;
  null_count_until = std::min(null_count_until, now + kTickNs);
}

void Pit8254::Counter::pause(uint64_t now) {
  base = elapsed(now);
  running = false;
}

void Pit8254::Counter::resume(uint64_t now) {
  t0 = now;
  running = true;
}

void Pit8254::Counter::apply_reload() {
  n = count_from_cr();
  t0 = reload_ns;
  base = 0;
  phase = reload_into_low_half ? (n + 1) / 2 : 0;
  reload_pending = false;
}

void Pit8254::Counter::settle(uint64_t now) {
  if (reload_pending && now >= reload_ns) apply_reload();
}

// Modes 2 and 3, counting: the new count waits for the end of the period (mode 3: the end of
// the half-period, after which it counts the other half first).
void Pit8254::Counter::schedule_reload(uint64_t now) {
  const uint64_t e = elapsed(now);
  uint64_t tick;
  if (mode == 2) {
    tick = (e / n + 1) * n;
    reload_into_low_half = false;
  } else {
    const uint64_t x = e + phase;
    const uint64_t period_start = x - x % n;
    const uint64_t high = (n + 1) / 2;
    reload_into_low_half = x % n < high;
    tick = (reload_into_low_half ? period_start + high : period_start + n) - phase;
  }
  reload_ns = tick_time(tick);  // after `now`, since tick > e
  reload_pending = true;
  null_count_until = reload_ns;
}

// --- The chip ---

Pit8254::Pit8254(const Clock& clock, IrqLine irq0) : clock_(clock), irq0_(irq0) {
  // The chip powers up undefined. Each counter starts as if told "mode 0, LSB then MSB" and
  // given no count: nothing counts and IRQ0 stays quiet until the guest programs ch0 (there is
  // no firmware here to set up the 18.2 Hz tick a BIOS would).
  counters_[2].gate = false;  // port 0x61 bit 0 is clear at reset
  seen_until_ = clock.now_ns();
}

uint64_t Pit8254::sync() {
  advance(clock_.now_ns());
  return seen_until_;
}

uint64_t Pit8254::next_deadline_ns() const {
  return counters_[0].next_edge_after(seen_until_);
}

void Pit8254::advance(uint64_t now) {
  now = std::max(now, seen_until_);
  if (counters_[0].next_edge_after(seen_until_) <= now) irq0_.pulse();
  seen_until_ = now;
  for (Counter& c : counters_) c.settle(now);
}

uint32_t Pit8254::read(uint16_t offset, unsigned /*size*/) {
  // The control register is write-only; reading it leaves the ISA bus floating.
  if (offset >= kControl) return 0xFF;
  const uint64_t now = sync();
  return read_count_byte(counters_[offset], now);
}

void Pit8254::write(uint16_t offset, unsigned /*size*/, uint32_t value) {
  if (offset > kControl) return;
  const uint64_t now = sync();
  const auto byte = static_cast<uint8_t>(value);
  if (offset == kControl) {
    write_control(byte, now);
  } else {
    write_count_byte(counters_[offset], byte, now);
  }
}

void Pit8254::set_gate(int channel, bool gate) {
  BT_ASSERT(channel >= 0 && channel < 3, "no PIT channel %d", channel);
  const uint64_t now = sync();
  Counter& c = counters_[channel];
  if (c.gate == gate) return;
  c.gate = gate;
  switch (c.mode) {
    case 0:
    case 4:
      // GATE low suspends counting; high resumes it where it stopped.
      if (c.loaded) gate ? c.resume(now) : c.pause(now);
      break;
    case 1:
    case 5:
      // The rising edge (re)triggers the one-shot from the CR; the level does not matter.
      if (gate && c.cr_written) c.start(now);
      break;
    default:
      // 2, 3: GATE low stops counting (OUT high); the rising edge restarts from the CR, which
      // also takes any count still waiting for the end of the period.
      if (gate) {
        if (c.cr_written) c.start(now);
      } else {
        if (c.loaded) c.pause(now);
        if (c.reload_pending) c.null_count_until = kNever;
        c.reload_pending = false;
      }
      break;
  }
}

bool Pit8254::out(int channel) {
  BT_ASSERT(channel >= 0 && channel < 3, "no PIT channel %d", channel);
  const uint64_t now = sync();
  return counters_[channel].out(now);
}

void Pit8254::write_control(uint8_t value, uint64_t now) {
  const unsigned select = value >> 6;
  if (select == kSelectReadBack) return read_back(value, now);
  Counter& c = counters_[select];
  const uint8_t access = (value >> 4) & 3;
  if (access == kAccessLatch) return latch_count(c, now);
  // A control word resets the counter's logic: counting stops, a half-written count and any
  // latched count or status are dropped, and OUT takes the new mode's initial level.
  c.idle_value = c.value(now);
  c.mode_bits = (value >> 1) & 7;
  c.mode = c.mode_bits >= 6 ? c.mode_bits & 3 : c.mode_bits;
  c.access = access;
  c.bcd = (value & 1) != 0;
  c.cr_written = false;
  c.loaded = false;
  c.running = false;
  c.reload_pending = false;
  c.write_msb_next = false;
  c.read_msb_next = false;
  c.status_latched = false;
  c.latch_bytes = 0;
  c.null_count_until = kNever;
}

// SC = 11: latch the count and/or the status of each counter selected by bits 3-1.
void Pit8254::read_back(uint8_t value, uint64_t now) {
  for (unsigned i = 0; i < counters_.size(); ++i) {
    if ((value & (2u << i)) == 0) continue;
    Counter& c = counters_[i];
    if ((value & kReadBackNoCount) == 0) latch_count(c, now);
    // Like a count, a latched status holds until read; a second command does not replace it.
    if ((value & kReadBackNoStatus) == 0 && !c.status_latched) {
      c.status = c.status_byte(now);
      c.status_latched = true;
    }
  }
}

void Pit8254::latch_count(Counter& c, uint64_t now) {
  if (c.latch_bytes != 0) return;  // the first latch holds until read
  c.latched_count = c.value(now);
  c.latch_bytes = c.access == kAccessLsb ? 1 : c.access == kAccessMsb ? 2 : 3;
}

void Pit8254::write_count_byte(Counter& c, uint8_t value, uint64_t now) {
  switch (c.access) {
    case kAccessLsb:
      c.cr = value;
      break;
    case kAccessMsb:
      c.cr = static_cast<uint16_t>(value << 8);
      break;
    default:
      if (!c.write_msb_next) {
        c.cr_lsb = value;
        c.write_msb_next = true;
        // Mode 0: the first byte of a new count stops counting and drops OUT at once, so a
        // one-shot being re-armed cannot fire on the old count between the two writes.
        if (c.mode == 0 && c.loaded) {
          c.idle_value = c.value(now);
          c.loaded = false;
          c.running = false;
        }
        return;
      }
      c.cr = static_cast<uint16_t>(value << 8 | c.cr_lsb);
      c.write_msb_next = false;
      break;
  }
  count_written(c, now);
}

void Pit8254::count_written(Counter& c, uint64_t now) {
  c.cr_written = true;
  c.null_count_until = kNever;
  switch (c.mode) {
    case 0:
    case 4:
      // Counting restarts from the new count, if GATE allows.
      c.start(now);
      if (!c.gate) c.pause(now);
      break;
    case 1:
    case 5:
      // The count waits in the CR for the next GATE rising edge.
      break;
    default:
      // 2, 3: a counter already counting finishes its period first; otherwise the count
      // loads at once (and, with GATE low, waits there for the rising edge).
      if (c.loaded && c.running) {
        c.schedule_reload(now);
      } else {
        c.start(now);
        if (!c.gate) c.pause(now);
      }
      break;
  }
}

uint8_t Pit8254::read_count_byte(Counter& c, uint64_t now) {
  // A latched status comes first, then a latched count, then the live count.
  if (c.status_latched) {
    c.status_latched = false;
    return c.status;
  }
  if (c.latch_bytes & 1) {
    c.latch_bytes &= ~1u;
    return low_byte(c.latched_count);
  }
  if (c.latch_bytes & 2) {
    c.latch_bytes = 0;
    return high_byte(c.latched_count);
  }
  // Unlatched, each byte is sampled when read: the two halves may straddle a decrement.
  const uint16_t v = c.value(now);
  switch (c.access) {
    case kAccessLsb:
      return low_byte(v);
    case kAccessMsb:
      return high_byte(v);
    default:
      c.read_msb_next = !c.read_msb_next;
      return c.read_msb_next ? low_byte(v) : high_byte(v);
  }
}

}  // namespace bt86::devices
