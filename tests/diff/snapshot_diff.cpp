// Snapshot comparison and failure reports (disassembly by Capstone, independent of Zydis).
#include "tests/diff/snapshot_diff.h"

#include <capstone/capstone.h>

#include "common/result.h"

namespace bt86::diff {

namespace {

constexpr const char* kRegNames[8] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
constexpr int kMaxDataLines = 16;

}  // namespace

std::string flag_names(uint32_t flags) {
  static constexpr struct {
    uint32_t bit;
    const char* name;
  } kFlags[] = {{kFlagCF, "CF"}, {kFlagPF, "PF"}, {kFlagAF, "AF"}, {kFlagZF, "ZF"},
                {kFlagSF, "SF"}, {kFlagDF, "DF"}, {kFlagOF, "OF"}};
  std::string out;
  for (const auto& f : kFlags) {
    if (!(flags & f.bit)) continue;
    if (!out.empty()) out += ' ';
    out += f.name;
  }
  return out.empty() ? "-" : out;
}

std::string disassemble(std::span<const uint8_t> code) {
  std::string out;
  csh handle;
  if (cs_open(CS_ARCH_X86, CS_MODE_32, &handle) != CS_ERR_OK) return "(capstone unavailable)\n";
  const uint8_t* p = code.data();
  size_t left = code.size();
  uint64_t addr = kCodeAddr;
  cs_insn* insn = cs_malloc(handle);
  while (left > 0) {
    uint64_t at = addr;
    const uint8_t* start = p;
    std::string hex, text;
    if (cs_disasm_iter(handle, &p, &left, &addr, insn)) {
      text = strfmt("%s %s", insn->mnemonic, insn->op_str);
    } else {  // not an instruction: show one byte and go on
      ++p;
      --left;
      ++addr;
      text = "(bad)";
    }
    for (const uint8_t* b = start; b < p; ++b) hex += strfmt("%02x ", *b);
    out += strfmt("  %08llx  %-30s %s\n", static_cast<unsigned long long>(at), hex.c_str(),
                  text.c_str());
  }
  cs_free(insn, 1);
  cs_close(&handle);
  return out;
}

std::string describe_input(const CaseInput& in) {
  std::string out = strfmt("case %s (%zu bytes)\n  initial:", in.name.c_str(), in.code.size());
  for (int i = 0; i < 8; ++i) out += strfmt(" %s=%08x", kRegNames[i], in.gpr[i]);
  out += strfmt(" flags=%s\n", flag_names(in.eflags).c_str());
  return out + disassemble(in.code);
}

std::string format_snapshot(const Snapshot& s) {
  std::string out;
  for (int i = 0; i < 8; ++i)
    out += strfmt("%s=%08x%s", kRegNames[i], s.gpr[i], i == 3 ? "\n" : " ");
  out += strfmt("\neflags=%08x (%s)", s.eflags, flag_names(s.eflags & kComparedFlags).c_str());
  if (s.fault_vector)
    out += strfmt(" fault: vector %d at eip %08x", *s.fault_vector, s.eip);
  else
    out += " no fault";
  return out + "\n";
}

std::string diff_snapshots(const Snapshot& ref, const Snapshot& got, uint32_t undefined) {
  std::string out;
  if (ref.fault_vector != got.fault_vector || (ref.fault_vector && ref.eip != got.eip)) {
    auto fault = [](const Snapshot& s) {
      return s.fault_vector ? strfmt("vector %d at %08x", *s.fault_vector, s.eip)
                            : std::string("none");
    };
    out += strfmt("  fault: native %s, translated %s\n", fault(ref).c_str(), fault(got).c_str());
  }
  for (int i = 0; i < 8; ++i)
    if (ref.gpr[i] != got.gpr[i])
      out += strfmt("  %s: native %08x, translated %08x\n", kRegNames[i], ref.gpr[i], got.gpr[i]);
  uint32_t flag_diff = (ref.eflags ^ got.eflags) & kComparedFlags & ~undefined;
  if (flag_diff)
    out += strfmt("  flags differ in %s: native %s, translated %s (undefined here: %s)\n",
                  flag_names(flag_diff).c_str(), flag_names(ref.eflags & kComparedFlags).c_str(),
                  flag_names(got.eflags & kComparedFlags).c_str(), flag_names(undefined).c_str());
  if (ref.data == got.data) {
    // the common case, checked in one memcmp
  } else if (ref.data.size() != got.data.size()) {
    out += strfmt("  data size: native %zu, translated %zu\n", ref.data.size(), got.data.size());
  } else {
    int lines = 0;
    size_t differing = 0;
    for (size_t i = 0; i < ref.data.size(); ++i) {
      if (ref.data[i] == got.data[i]) continue;
      ++differing;
      if (lines < kMaxDataLines) {
        out += strfmt("  data[%08zx]: native %02x, translated %02x\n", kDataAddr + i, ref.data[i],
                      got.data[i]);
        ++lines;
      }
    }
    if (differing > static_cast<size_t>(lines))
      out += strfmt("  ... %zu differing data bytes in all\n", differing);
  }
  return out;
}

}  // namespace bt86::diff
