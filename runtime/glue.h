// The monitor glue between C++ and translated code, emitted once into the TC arena.
#pragma once

#include "runtime/vcpu.h"
#include "translator/emitter.h"
#include "translator/tcache.h"

namespace bt86::runtime {

struct Glue {
  // Loads guest state from `vcpu` and runs host code at `entry` until an exit; returns with
  // vcpu->exit_reason and the guest registers and flags saved back into `vcpu`.
  void (*enter)(VcpuState* vcpu, const void* entry) = nullptr;
  translator::GlueAddrs addrs;  // exit and ibl_miss, which blocks jump to
};

// Performs IN/OUT for translated code (runtime/monitor_io.cpp, port_io_from_block): `op` is
// port | size << 16 | (OUT ? 1 << 24 : 0), `value` the OUT value. Returns the IN value.
using PortIoHelper = uint32_t (*)(VcpuState* vcpu, uint32_t op, uint32_t value);

Glue emit_glue(translator::TCache& tc, PortIoHelper port_io);

}  // namespace bt86::runtime
