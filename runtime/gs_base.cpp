// wrgsbase costs ~12 ns where the kernel enables FSGSBASE; arch_prctl is the fallback.
#include "runtime/gs_base.h"

#include <asm/prctl.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/assert.h"

#ifndef HWCAP2_FSGSBASE
#define HWCAP2_FSGSBASE (1 << 1)
#endif

namespace bt86::runtime {

void set_gs_base(uint64_t base) {
  static const bool fsgsbase = getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE;
  if (fsgsbase) {
    asm volatile("wrgsbase %0" ::"r"(base) : "memory");
    return;
  }
  long rc = syscall(SYS_arch_prctl, ARCH_SET_GS, base);
  BT_ASSERT(rc == 0, "arch_prctl(ARCH_SET_GS) failed");
}

}  // namespace bt86::runtime
