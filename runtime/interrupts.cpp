// Between blocks: device deadlines, external interrupts through the PIC, and HLT's sleep.
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "runtime/exceptions.h"
#include "runtime/machine.h"

namespace bt86::runtime {

uint64_t Machine::next_deadline() const {
  uint64_t t = devices::kNever;
  for (const devices::TimedDevice* d : timed_) t = std::min(t, d->next_deadline_ns());
  return t;
}

void Machine::advance_devices(uint64_t now) {
  for (devices::TimedDevice* d : timed_)
    if (d->next_deadline_ns() <= now) d->advance(now);
}

void Machine::wait_for_input(uint64_t timeout_ns) {
  pollfd fds[8];
  const Input* owner[8];
  size_t n = 0;
  for (const Input& in : inputs_) {
    const int fd = in.fd();
    if (n < std::size(fds) && fd >= 0) {
      owner[n] = &in;
      fds[n++] = pollfd{fd, POLLIN, 0};
    }
  }
  timespec ts{time_t(timeout_ns / 1000000000u), long(timeout_ns % 1000000000u)};
  const int ready = ppoll(fds, n, timeout_ns == devices::kNever ? nullptr : &ts, nullptr);
  if (ready <= 0) return;  // timeout, or EINTR from the host timer
  for (size_t i = 0; i < n; ++i)
    if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) owner[i]->on_ready();
}

bool Machine::accept_events() {
  VcpuState& v = vcpu();
  const bool tick = HostTimer::take_tick();
  if (!timed_.empty()) {
    // The clock is read (an RDTSC, ~40 ticks on AMD) on a host tick, after a port access
    // may have moved a deadline, and every kExitsPerClockRead exits: a deadline is seen at
    // most that many exits late (microseconds), where translated code that does not exit
    // is seen up to a host-timer period (1 ms) late.
    bool look = tick || --exits_until_clock_ == 0;
    if (ports_.accesses() != deadline_accesses_) {
      earliest_deadline_ = next_deadline();
      deadline_accesses_ = ports_.accesses();
      look = true;
    }
    if (look) {
      exits_until_clock_ = kExitsPerClockRead;
      if (const uint64_t now = clock_.now_ns(); now >= earliest_deadline_) {
        advance_devices(now);
        earliest_deadline_ = next_deadline();
      }
    }
  }
  if (tick) {
    for (auto& hook : idle_hooks_) hook();
    if (!inputs_.empty()) wait_for_input(0);
  }
  if (!intc_) return true;

  const bool can_take = (v.eflags & kFlagIF) && intc_->intr();
  if (can_take && v.interrupt_shadow) {
    // The instruction after STI / MOV SS runs first, alone, then the interrupt is taken
    // (run() ends the shadow once an instruction has executed).
    next_one_shot_ = true;
    return true;
  }
  if (can_take) {
    const uint8_t vector = intc_->acknowledge();
    v.halted = false;
    stats_.interrupts_delivered++;
    if (FILE* t = opt_.trace_int)
      std::fprintf(t, "interrupt: vector 0x%02x at EIP 0x%08x\n", vector, v.eip);
    deliver_exception(*this, vector, false, 0);
    return true;
  }
  if (!v.halted) return true;

  // HLT: sleep until the next device deadline or host input, then look again.
  const uint64_t deadline = next_deadline();
  if (deadline == devices::kNever && std::none_of(inputs_.begin(), inputs_.end(),
                                                  [](const Input& in) { return in.fd() >= 0; })) {
    stop(StopKind::kHalted, kStatusHalted,
         strfmt("guest halted at EIP 0x%08x with interrupts enabled, and no device can "
                "interrupt it", v.eip));
    return false;
  }
  stats_.halts++;
  for (auto& hook : idle_hooks_) hook();
  const uint64_t now = clock_.now_ns();
  if (deadline > now) wait_for_input(deadline == devices::kNever ? deadline : deadline - now);
  exits_until_clock_ = 1;  // woken: look at the clock on the way back in
  return false;
}

}  // namespace bt86::runtime
