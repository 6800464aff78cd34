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

Glue emit_glue(translator::TCache& tc);

}  // namespace bt86::runtime
