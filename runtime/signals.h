// Host signals from translated code: faults become guest events, anything else is a bug.
#pragma once

namespace bt86::runtime {

class Machine;

// Installs SIGSEGV/SIGBUS/SIGFPE/SIGILL/SIGTRAP handlers on an alternate stack (once).
void install_fault_handlers();
// The machine whose translated code is running on this thread (or nullptr).
void set_running_machine(Machine* m);
Machine* running_machine();

// What the handler found; the dispatcher reads it from VcpuState::fault_kind.
enum FaultKind : unsigned {
  kFaultException = 1,  // a guest exception: fault_vector, fault_error
  kFaultCodeWrite = 2,  // a write to a page holding translated code: fault_addr
  kFaultUnassigned = 3, // an access outside guest RAM: fault_addr
};

}  // namespace bt86::runtime
