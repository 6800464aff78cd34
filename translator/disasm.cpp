// Capstone wrappers; Capstone is the independent second decoder (Zydis does the real work).
#include "translator/disasm.h"

#include <capstone/capstone.h>

namespace bt86::translator {

namespace {

std::string disassemble(cs_mode mode, const uint8_t* code, size_t size, uint64_t address,
                        bool offsets) {
  csh h;
  if (cs_open(CS_ARCH_X86, mode, &h) != CS_ERR_OK) return "(capstone unavailable)\n";
  cs_insn* insn = nullptr;
  size_t n = cs_disasm(h, code, size, address, 0, &insn);
  std::string out;
  char line[256];
  size_t consumed = 0;
  for (size_t i = 0; i < n; ++i) {
    if (offsets)
      std::snprintf(line, sizeof line, "  +%04llx: %s %s\n",
                    (unsigned long long)(insn[i].address - address), insn[i].mnemonic,
                    insn[i].op_str);
    else
      std::snprintf(line, sizeof line, "  %08llx: %s %s\n", (unsigned long long)insn[i].address,
                    insn[i].mnemonic, insn[i].op_str);
    out += line;
    consumed += insn[i].size;
  }
  if (consumed < size) {
    std::snprintf(line, sizeof line, "  (%zu undecodable bytes)\n", size - consumed);
    out += line;
  }
  if (insn) cs_free(insn, n);
  cs_close(&h);
  return out;
}

}  // namespace

void disassemble_host(FILE* out, const uint8_t* code, size_t size) {
  std::fputs(disassemble(CS_MODE_64, code, size, uint64_t(code), true).c_str(), out);
}

std::string disassemble_host(const uint8_t* code, size_t size, uint64_t address) {
  return disassemble(CS_MODE_64, code, size, address, true);
}

std::string disassemble_guest(const uint8_t* code, size_t size, uint64_t address) {
  return disassemble(CS_MODE_32, code, size, address, false);
}

}  // namespace bt86::translator
