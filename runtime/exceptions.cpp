// Protected-mode delivery through the guest IDT: gate checks; for interrupt and trap gates
// the frame EFLAGS/CS/EIP[/error] (on the TSS stack for an inner level) and IF for
// interrupt gates; for task gates a task switch (runtime/task_switch.cpp).
#include "runtime/exceptions.h"

#include <cstdio>

#include "runtime/descriptors.h"
#include "runtime/fast_transfer.h"
#include "runtime/guest_access.h"
#include "runtime/machine.h"
#include "runtime/privilege.h"
#include "runtime/task_switch.h"

namespace bt86::runtime {

namespace {

// Why one delivery attempt failed: the exception it raised instead.
struct Nested {
  int vector;
  uint32_t error;
};

bool contributory(int v) { return v == 0 || (v >= 10 && v <= 13); }

constexpr uint8_t kTaskGate = 5;

// A task gate delivers by switching to the task whose TSS it names, the error code (if
// any) pushed on that task's stack (SDM 6.11.2, INT n TASK-GATE). A fault after the
// switch's commit point is the new task's, but still a fault during this delivery.
std::optional<Nested> through_task_gate(Machine& m, const Gate& gate, bool has_error,
                                        uint32_t error, bool software, uint32_t frame_eip) {
  const uint32_t ext = software ? 0 : 1;
  Descriptor tss;
  std::optional<Raise> r = incoming_tss(m, gate.selector, ext, &tss);
  if (!r)
    r = switch_task(m, TaskSwitch{gate.selector, tss, TaskSource::kInterrupt, frame_eip, ext,
                                  has_error ? std::optional<uint32_t>(error) : std::nullopt});
  if (!r || r->vector < 0) return std::nullopt;  // delivered, or the VM stopped
  return Nested{r->vector, r->error};
}

// One attempt. True when delivered (or the VM stopped); false with *nested set to the
// exception the attempt itself raised. (A bool: a std::optional<Nested> came back through
// a stack slot written in pieces and read whole, a store-forwarding stall per delivery.)
bool try_deliver(Machine& m, int vector, bool has_error, uint32_t error, bool software,
                 uint32_t frame_eip, Nested* nested) {
  auto fail = [nested](int v, uint32_t e) {
    *nested = Nested{v, e};
    return false;
  };
  VcpuState& v = m.vcpu();
  const uint32_t idt_error = uint32_t(vector) * 8 + 2 + (software ? 0 : 1);
  if (uint32_t(vector) * 8 + 7 > v.idtr.limit) return fail(13, idt_error);
  uint64_t raw = 0;
  if (LinearStatus s = read_linear(m, v.idtr.base + vector * 8, 8, &raw, false); !s.ok()) {
    if (s.kind != LinearStatus::kPageFault) return fail(13, idt_error);
    v.cr2 = s.addr;
    return fail(14, s.error);
  }
  Gate gate = decode_gate(raw);
  if (gate.type != 14 && gate.type != 15 && gate.type != kTaskGate) {
    if (gate.type == 6 || gate.type == 7) {
      m.stop(StopKind::kGuestError, kStatusGuestError,
             strfmt("IDT vector %d is a 16-bit gate, which bt86 does not deliver yet", vector));
      return true;
    }
    return fail(13, idt_error);
  }
  if (software && gate.dpl < v.cpl) return fail(13, idt_error);
  if (!gate.present) return fail(11, idt_error);
  if (gate.type == kTaskGate) {
    auto r = through_task_gate(m, gate, has_error, error, software, frame_eip);
    return r ? fail(r->vector, r->error) : true;
  }

  auto cs = read_descriptor(m, gate.selector);
  if (!cs || !cs->is_code() || (gate.selector & ~3u) == 0) return fail(13, gate.selector & ~3u);
  if (!cs->present) return fail(11, gate.selector & ~3u);
  if (!cs->db) {
    m.stop(StopKind::kGuestError, kStatusGuestError,
           strfmt("IDT vector %d enters a 16-bit code segment (D = 0), not supported yet",
                  vector));
    return true;
  }
  // A non-conforming handler runs at its DPL: from an outer level, on the stack the TSS
  // gives for that level, with the old SS:ESP saved in the frame (SDM 6.12.1).
  const bool conforming = cs->type & 4;
  if (cs->dpl > v.cpl) return fail(13, gate.selector & ~3u);
  const uint8_t new_cpl = conforming ? v.cpl : cs->dpl;
  const bool switching = new_cpl < v.cpl;
  const uint32_t ext = software ? 0 : 1;
  // Member by member: `{.., {}, ..}` zeroes the struct with a REP STOSB, ~30 ticks per
  // delivery on the hosts measured.
  StackSwitch stack;
  stack.ss = v.seg[kSS].selector;
  stack.esp = v.gpr[4];
  if (switching) {
    if (Raise r; !inner_stack(m, new_cpl, ext, &stack, &r))
      return r.vector < 0 ? true : fail(r.vector, r.error);  // < 0: stopped
  }
  const Segment target_ss = switching ? Segment{stack.ss, stack.desc.base, stack.desc.limit,
                                                stack.desc.attrib}
                                      : v.seg[kSS];

  // The frame, written only when all of it fits, so a failure leaves state unchanged.
  uint32_t frame[6];
  int n = 0;
  if (has_error) frame[n++] = error;
  frame[n++] = frame_eip;
  frame[n++] = v.seg[kCS].selector;
  frame[n++] = v.eflags;
  if (switching) {
    frame[n++] = v.gpr[4];
    frame[n++] = v.seg[kSS].selector;
  }
  // On a 16-bit stack (SS.B = 0) the frame goes below SP, wrapping at 64 KiB.
  if (push_fault(target_ss, stack.esp, unsigned(n), 4))
    return fail(12, switching ? (stack.ss & ~3u) | ext : ext);
  // The handler's EIP is an offset in its code segment, which may have any base and limit.
  if (gate.offset > cs->limit) return fail(13, ext);
  // frame[0] is at the lowest address. In one page of a 32-bit stack it is one write;
  // otherwise slot by slot from the top, as the CPU pushes, so a #PF names the first slot.
  bool written = false;
  if (!stack_is_16(target_ss)) {
    const uint32_t bottom = target_ss.base + stack.esp - 4 * uint32_t(n);
    if (const uint64_t phys = span_in_page(m, bottom, 4 * n, Access::kWrite, new_cpl == 3);
        phys != kNoSpan) {
      m.ram().write(uint32_t(phys), frame, 4 * size_t(n));
      written = true;
    }
  }
  for (int i = 0; !written && i < n; ++i) {
    const uint32_t esp = stack_offset(target_ss, stack.esp, -4 * (i + 1));
    LinearStatus s = write_linear(m, esp + target_ss.base, 4, frame[n - 1 - i], new_cpl == 3);
    if (s.kind == LinearStatus::kPageFault) {
      v.cr2 = s.addr;
      return fail(14, s.error);
    }
    if (!s.ok()) {
      m.stop(StopKind::kGuestError, kStatusGuestError,
             strfmt("exception %d: the stack at 0x%08x is outside guest RAM", vector, esp));
      return true;
    }
  }
  stack.esp = moved_esp(target_ss, stack.esp, -4 * n);
  enter_cpl(v, new_cpl, gate.selector, *cs, switching ? &stack : nullptr);
  if (!switching) v.gpr[4] = stack.esp;
  v.eflags &= ~(kFlagTF | kFlagNT | kFlagRF | kFlagVM);
  if (gate.type == 14) v.eflags &= ~kFlagIF;
  v.eip = gate.offset;
  return true;
}

}  // namespace

void deliver_exception(Machine& m, int vector, bool has_error, uint32_t error, bool software,
                       std::optional<uint32_t> return_eip) {
  m.stats().exceptions_delivered++;
  if (FILE* t = m.options().trace_int)
    std::fprintf(t, "exception %d (error 0x%x) at eip=%08x esp=%08x\n", vector, error,
                 m.vcpu().eip, m.vcpu().gpr[4]);
  const uint32_t frame_eip = return_eip.value_or(m.vcpu().eip);
  if (fast_deliver_from_user(m, vector, has_error, error, software, frame_eip)) return;
  int first = vector;
  Nested nested;
  if (try_deliver(m, vector, has_error, error, software, frame_eip, &nested) || m.stopped())
    return;
  // A fault while delivering: benign first exceptions are followed by the second one;
  // two contributory ones, a #PF then a #PF or contributory one (or anything during #DF)
  // make a double fault (SDM Table 6-5). Each is raised at vcpu().eip: the faulting
  // instruction's, or the new task's when a task gate's switch committed before it faulted.
  int second = nested.vector;
  const bool double_fault = (contributory(first) && contributory(second)) ||
                            (first == 14 && (second == 14 || contributory(second)));
  if (first != 8 && !double_fault) {
    if (try_deliver(m, second, true, nested.error, false, m.vcpu().eip, &nested) || m.stopped())
      return;
    first = second;
    second = nested.vector;
  }
  if (first != 8) {
    if (try_deliver(m, 8, true, 0, false, m.vcpu().eip, &nested) || m.stopped()) return;
  }
  m.stop(StopKind::kTripleFault, kStatusGuestError,
         strfmt("triple fault: exception %d at EIP 0x%08x could not be delivered (IDTR base "
                "0x%08x limit 0x%x); the VM stops",
                vector, m.vcpu().eip, m.vcpu().idtr.base, m.vcpu().idtr.limit));
}

}  // namespace bt86::runtime
