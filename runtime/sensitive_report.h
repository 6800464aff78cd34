// --sensitive-report: which sensitive instructions the guest ran, what bt86 gave it, and what
// naive deprivileged execution (the guest kernel run directly at CPL 3 on this host) would
// have given instead, measured by running each instruction natively. docs/SENSITIVE_REPORT.md.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "runtime/guest_memory.h"
#include "runtime/vcpu.h"
#include "translator/decode.h"
#include "translator/insn_table.h"

namespace bt86::runtime {

// The part of the vCPU state the report reads. VcpuState itself carries the 512 KiB inline
// branch table, far too much to copy around every monitor call; this is ~100 bytes. It
// converts implicitly, so observe() may be given VcpuStates directly.
struct VcpuSnapshot {
  uint32_t gpr[8] = {};  // eax ecx edx ebx esp ebp esi edi
  uint32_t eip = 0;
  uint32_t eflags = 0x2;
  uint16_t sel[6] = {};  // selectors, SegReg order (es cs ss ds fs gs)
  DescriptorTable gdtr, idtr;
  uint16_t ldtr = 0, tr = 0;  // selectors
  uint32_t cr0 = 0x11, cr4 = 0;
  uint8_t cpl = 0;

  VcpuSnapshot() = default;
  VcpuSnapshot(const VcpuState& v);  // NOLINT: implicit on purpose
};

class SensitiveReport {
 public:
  static constexpr size_t kMaxSamples = 4;  // distinct guest EIPs kept per kind

  // One distinct guest EIP of a kind, described at its first execution.
  struct Sample {
    uint32_t eip = 0;
    std::string insn;      // "sgdt [0x2000]"
    std::string gave;      // what bt86 gave the guest
    std::string naive;     // what the instruction does run natively at CPL 3 on this host
    bool measured = false; // naive comes from running it here (false: stated from the SDM)
  };
  struct Entry {
    uint64_t count = 0;
    std::vector<Sample> samples;  // the first kMaxSamples distinct EIPs, in order
  };

  // Called by the monitor after it performed (or tried to perform) a Monitor row: `before`
  // is the state when the exit was taken, `after` the state the guest continues with
  // (after.eip == in.next_eip() means the instruction completed). Innocuous rows are
  // ignored. Native probes run only for a new sample, so steady state costs a counter
  // increment and a scan of at most four EIPs.
  void observe(const translator::Insn& in, translator::Kind kind, const VcpuSnapshot& before,
               const VcpuSnapshot& after, const GuestMemory& mem);

  const Entry& entry(translator::Kind kind) const { return entries_[size_t(kind)]; }
  uint64_t count(translator::Kind kind) const { return entry(kind).count; }

  // The human report: a summary table, then per kind the samples and why it matters.
  std::string text() const;
  // The same as JSON: {"report": ..., "host": {...}, "kinds": [{kind, class, count,
  // first_eips, what, why, samples: [{eip, insn, bt86_gave, naive_ring3, naive_measured}]}]}.
  std::string json() const;

 private:
  std::array<Entry, size_t(translator::Kind::Count)> entries_;
};

// The JSON file that goes with a report file: FILE + ".json".
std::string sensitive_report_json_path(const std::string& file);

// Writes the report at exit: with `file` empty, the text to stderr; otherwise the text to
// `file` and the JSON to sensitive_report_json_path(file). The error names the file.
Result<void> write_sensitive_report(const SensitiveReport& report, const std::string& file);

// Formatting shared by the report's descriptions and its text rendering.
namespace report_format {
std::string hex(uint32_t v, int digits = 8);
std::string if_iopl(uint64_t flags);
}  // namespace report_format

}  // namespace bt86::runtime
