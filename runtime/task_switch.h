// The hardware task switch (SDM Vol. 3A 7.3) between 32-bit TSSs: exceptions and
// interrupts through an IDT task gate, JMP and CALL to a TSS or a task gate, and IRET with
// NT set back to the previous task.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/descriptors.h"
#include "runtime/privilege.h"

namespace bt86::runtime {

class Machine;

// What started the switch; it decides the busy bits, the link field and NT (SDM 7.4,
// Table 7-2):
//                 old TSS busy   new TSS busy   new TSS link   NT in the new task
//   JMP           cleared        set            unchanged      as in its TSS
//   CALL, INT     kept           set            old TR         set
//   IRET          cleared        stays set      unchanged      as in its TSS
// IRET also clears NT in the EFLAGS image saved for the old task.
enum class TaskSource : uint8_t { kJmp, kCall, kInterrupt, kIret };

struct TaskSwitch {
  uint16_t selector;  // the new task's TSS (a GDT selector)
  Descriptor tss;     // its descriptor, as incoming_tss or the IRET path checked it
  TaskSource source;
  uint32_t return_eip;  // the EIP saved for the old task
  uint32_t ext;         // the EXT bit of error codes: 1 for an event from outside the program
  std::optional<uint32_t> error_code;  // an exception's, pushed on the new task's stack
};

// The TSS a task gate, JMP or CALL names, as the SDM's INT n, JMP and CALL check it: a GDT
// selector within its limit and an available TSS, else #GP(selector); present, else
// #NP(selector). A Raise with vector -1: the VM has stopped (a 16-bit TSS).
std::optional<Raise> incoming_tss(Machine& m, uint16_t selector, uint32_t ext, Descriptor* out);

// Switches from the current task to `request.selector`. Returns nothing once the new task
// is ready to run at its EIP, a Raise with vector -1 if the VM stopped, or the exception to
// deliver. An exception found before the commit point (TSS limits, reaching the TSSs)
// leaves every register as it was; one found after it (the new task's LDT and segments,
// the error-code push) is raised in the new task's context, with TR, EIP and the general
// registers already the new task's, as the SDM specifies.
std::optional<Raise> switch_task(Machine& m, const TaskSwitch& request);

// IRET with EFLAGS.NT set (SDM IRET, TASK-RETURN): back to the task named by the current
// TSS's previous-task link, which must be a busy TSS in the GDT (#TS(link)) and present
// (#NP(link)). `return_eip` (after the IRET) is saved for the task being left.
std::optional<Raise> return_to_previous_task(Machine& m, uint32_t return_eip);

}  // namespace bt86::runtime
