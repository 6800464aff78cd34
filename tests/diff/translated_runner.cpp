// run_translated: the differential harness's bt86 side. One in-process machine is reused;
// each case gets a flushed translation cache, its code at kCodeAddr followed by HLT (which
// stops a machine with IF=0), its data area, and its registers; the verifier checks every
// block, and the first guest exception stops the run instead of being delivered. Memory
// outside the code and data areas is absent, so stray accesses fault on both sides.
#include <cstdio>
#include <cstring>
#include <memory>

#include "runtime/machine.h"
#include "tests/diff/diff_case.h"

namespace bt86::diff {

namespace {

runtime::Machine& machine() {
  static std::unique_ptr<runtime::Machine> m = [] {
    runtime::MachineOptions opt;
    opt.ram_mib = 32;
    opt.tc_mib = 16;
    opt.translate.verify = true;
    opt.stop_on_exception = true;
    auto made = runtime::Machine::create(opt);
    if (!made) {
      std::fprintf(stderr, "run_translated: %s\n", made.error().message.c_str());
      std::abort();
    }
    // Only the case's code and data exist, as in the native test process: any other access
    // faults (and is reported as the #PF the native side sees).
    mmu::Window& w = (*made)->window();
    uint32_t ram = uint32_t((*made)->ram().size());
    w.make_absent(0, kCodeAddr);
    w.make_absent(kCodeAddr + kCodeMax, kDataAddr - (kCodeAddr + kCodeMax));
    w.make_absent(kDataAddr + kDataSize, ram - (kDataAddr + kDataSize));
    return std::move(*made);
  }();
  return *m;
}

}  // namespace

Snapshot run_translated(const CaseInput& in) {
  runtime::Machine& m = machine();
  m.tc().flush();
  std::vector<uint8_t> code = in.code;
  code.push_back(0xF4);  // HLT: the terminator
  m.ram().write(kCodeAddr, code.data(), code.size());
  m.ram().write(kDataAddr, in.data.data(), in.data.size());
  m.reset_protected_mode(kCodeAddr);
  m.reset_extended_state();
  runtime::VcpuState& v = m.vcpu();
  // The control bits a Linux user process runs with: CR0.MP and NE, CR4.OSFXSR and
  // OSXMMEXCPT (SSE enabled, SIMD errors as #XM).
  v.cr0 |= (1u << 1) | (1u << 5);
  v.cr4 |= (1u << 9) | (1u << 10);
  std::memcpy(v.gpr, in.gpr, sizeof v.gpr);
  v.eflags = (in.eflags & runtime::kHostFlags) | 0x2;

  runtime::StopInfo stop = m.run();

  Snapshot out;
  std::memcpy(out.gpr, v.gpr, sizeof out.gpr);
  out.eflags = v.eflags;
  out.data.resize(kDataSize);
  m.ram().read(kDataAddr, out.data.data(), kDataSize);
  out.eip = stop.eip;
  switch (stop.kind) {
    case runtime::StopKind::kHalted:
      out.eip = v.eip - 1;  // at the terminator, as the native side reports it
      break;
    case runtime::StopKind::kException:
      out.fault_vector = stop.vector;
      break;
    default:
      // Not something the hardware does: make the comparison fail, and say why.
      std::fprintf(stderr, "run_translated(%s): %s\n", in.name.c_str(), stop.message.c_str());
      out.fault_vector = 1000;
      break;
  }
  return out;
}

}  // namespace bt86::diff
