// Confinement checking by decoding emitted host code with Zydis in 64-bit mode.
#include "translator/verifier.h"

#include <Zydis/Zydis.h>

#include "common/result.h"
#include "runtime/vcpu.h"

namespace bt86::translator {

namespace off = runtime::vcpu_off;

namespace {

const ZydisDecoder& decoder64() {
  static ZydisDecoder d = [] {
    ZydisDecoder dec;
    ZydisDecoderInit(&dec, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    return dec;
  }();
  return d;
}

bool is_string_op(ZydisMnemonic m) {
  switch (m) {
    case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: case ZYDIS_MNEMONIC_MOVSD:
    case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW: case ZYDIS_MNEMONIC_STOSD:
    case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
    case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: case ZYDIS_MNEMONIC_CMPSD:
    case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
      return true;
    default:
      return false;
  }
}

// Instructions a block never needs: anything that leaves the sandbox or changes the host.
bool forbidden(const ZydisDecodedInstruction& z) {
  // RDTSC reads the host TSC into EDX:EAX and touches no memory: copied when the guest's
  // TSC is the host's (kModeRdtscNative). Zydis files it under SYSTEM.
  if (z.mnemonic == ZYDIS_MNEMONIC_RDTSC) return false;
  switch (z.meta.category) {
    case ZYDIS_CATEGORY_SYSTEM: case ZYDIS_CATEGORY_SYSCALL: case ZYDIS_CATEGORY_SYSRET:
    case ZYDIS_CATEGORY_INTERRUPT: case ZYDIS_CATEGORY_IO: case ZYDIS_CATEGORY_IOSTRINGOP:
    case ZYDIS_CATEGORY_CALL: case ZYDIS_CATEGORY_RET: case ZYDIS_CATEGORY_PUSH:
    case ZYDIS_CATEGORY_POP: case ZYDIS_CATEGORY_SEGOP: case ZYDIS_CATEGORY_RDWRFSGS:
      return true;
    default:
      break;
  }
  switch (z.mnemonic) {
    case ZYDIS_MNEMONIC_PUSHFQ: case ZYDIS_MNEMONIC_POPFQ: case ZYDIS_MNEMONIC_ENTER:
    case ZYDIS_MNEMONIC_LEAVE: case ZYDIS_MNEMONIC_XSAVE: case ZYDIS_MNEMONIC_XRSTOR:
      return true;
    default:
      return false;
  }
}

struct State {
  bool r14_window = false;  // r14 = window base (loaded from the vCPU state)
  bool r14_index = false;   // r14 < 2^16: just zero-extended from a 16-bit register
  bool rsi_window = false;  // rsi = window base + esi
  bool rdi_window = false;
  bool esi_clean = false, edi_clean = false;  // upper halves just zeroed
};

// Zydis files MOV to a segment, control or debug register as a data move: catch it by the
// register it writes. A block must never reload GS (the window) or touch the others.
bool writes_system_register(const ZydisDecodedInstruction& z, const ZydisDecodedOperand* ops) {
  for (int i = 0; i < z.operand_count; ++i) {
    const ZydisDecodedOperand& o = ops[i];
    if (o.type != ZYDIS_OPERAND_TYPE_REGISTER || !(o.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE))
      continue;
    switch (ZydisRegisterGetClass(o.reg.value)) {
      case ZYDIS_REGCLASS_SEGMENT:
      case ZYDIS_REGCLASS_CONTROL:
      case ZYDIS_REGCLASS_DEBUG:
        return true;
      default:
        break;
    }
  }
  return false;
}

bool writes(const ZydisDecodedInstruction& z, const ZydisDecodedOperand* ops, ZydisRegister r64) {
  for (int i = 0; i < z.operand_count; ++i) {
    const ZydisDecodedOperand& o = ops[i];
    if (o.type == ZYDIS_OPERAND_TYPE_REGISTER && (o.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
        ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LONG_64, o.reg.value) == r64)
      return true;
  }
  return false;
}

// True when the instruction writes exactly `r` (e.g. ESI, not RSI or SI).
bool writes_exactly(const ZydisDecodedInstruction& z, const ZydisDecodedOperand* ops,
                    ZydisRegister r) {
  for (int i = 0; i < z.operand_count; ++i) {
    const ZydisDecodedOperand& o = ops[i];
    if (o.type == ZYDIS_OPERAND_TYPE_REGISTER && (o.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE) &&
        o.reg.value == r)
      return true;
  }
  return false;
}

}  // namespace

bool verify_block(const uint8_t* code, size_t size, uint64_t address, const GlueAddrs& glue,
                  std::string* why) {
  State st;
  size_t pc = 0;
  while (pc < size) {
    ZydisDecodedInstruction z;
    ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT];
    if (!ZYAN_SUCCESS(ZydisDecoderDecodeFull(&decoder64(), code + pc, size - pc, &z, ops))) {
      *why = strfmt("undecodable host bytes at +0x%zx", pc);
      return false;
    }
    auto reject = [&](const char* what) {
      *why = strfmt("+0x%zx %s: %s", pc, ZydisMnemonicGetString(z.mnemonic), what);
      return false;
    };
    // The one call: IN/OUT into the glue's port-bus trampoline (translator/emit_io.cpp).
    if (z.mnemonic == ZYDIS_MNEMONIC_CALL && glue.port_io != 0 &&
        ops[0].type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
      uint64_t target = 0;
      ZydisCalcAbsoluteAddress(&z, &ops[0], address + pc, &target);
      if (target != glue.port_io) return reject("call to anything but the port-I/O glue");
      pc += z.length;
      continue;
    }
    if (forbidden(z)) return reject("instruction not allowed in translated code");
    if (writes_system_register(z, ops)) return reject("writes a segment, control or debug register");

    // Branches: relative ones stay in the block or reach the glue; the only indirect one
    // is the inline-table jump [r13 + r14*8 + ibl].
    if (z.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE) {
      const ZydisDecodedOperand& t = ops[0];
      if (t.type == ZYDIS_OPERAND_TYPE_IMMEDIATE) {
        uint64_t target = 0;
        ZydisCalcAbsoluteAddress(&z, &t, address + pc, &target);
        bool inside = target >= address && target < address + size;
        bool to_glue = target == glue.exit || target == glue.ibl_miss;
        if (!inside && !to_glue) return reject("branch leaves the block");
      } else if (!(t.type == ZYDIS_OPERAND_TYPE_MEMORY && t.mem.base == ZYDIS_REGISTER_R13 &&
                   t.mem.index == ZYDIS_REGISTER_R14 && t.mem.scale == 8 &&
                   t.mem.disp.value == off::kIbl && t.mem.segment != ZYDIS_REGISTER_GS)) {
        return reject("indirect branch other than the inline table");
      } else if (!st.r14_index) {
        return reject("inline-table index not bounded to 16 bits");
      }
    }

    // Memory accesses.
    for (int i = 0; i < z.operand_count; ++i) {
      const ZydisDecodedOperand& o = ops[i];
      if (o.type != ZYDIS_OPERAND_TYPE_MEMORY || o.mem.type == ZYDIS_MEMOP_TYPE_AGEN) continue;
      if (z.meta.branch_type != ZYDIS_BRANCH_TYPE_NONE) continue;  // checked above
      if (o.mem.segment == ZYDIS_REGISTER_GS) {
        // addr32 keeps any address inside the 4 GiB window. The one 64-bit form allowed is
        // an absolute address below 2 GiB, which is the same address either way.
        bool low_absolute = o.mem.base == ZYDIS_REGISTER_NONE &&
                            o.mem.index == ZYDIS_REGISTER_NONE && o.mem.disp.value >= 0 &&
                            o.mem.disp.value < 0x80000000ll;
        if (z.address_width != 32 && !low_absolute) return reject("GS access without addr32");
        continue;
      }
      if (o.mem.base == ZYDIS_REGISTER_R13 && o.mem.index == ZYDIS_REGISTER_NONE &&
          o.mem.disp.value >= 0 &&
          o.mem.disp.value + o.size / 8 <= int64_t(offsetof(runtime::VcpuState, guest_fx))) {
        continue;
      }
      if (is_string_op(z.mnemonic) && z.address_width == 64) {
        bool src = o.mem.base == ZYDIS_REGISTER_RSI, dst = o.mem.base == ZYDIS_REGISTER_RDI;
        if ((src && st.rsi_window) || (dst && st.rdi_window)) continue;
      }
      return reject("memory access outside the window and the vCPU state");
    }

    // Track the window-pointer pattern: mov r14,[r13+window_base]; mov esi,esi;
    // lea rsi,[r14+rsi] (likewise rdi). Any other write to these registers breaks it.
    bool handled = false;
    if (z.mnemonic == ZYDIS_MNEMONIC_MOV && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
        ops[0].reg.value == ZYDIS_REGISTER_R14 && ops[1].type == ZYDIS_OPERAND_TYPE_MEMORY &&
        ops[1].mem.base == ZYDIS_REGISTER_R13 && ops[1].mem.disp.value == off::kWindowBase) {
      st.r14_window = true;
      st.r14_index = false;
      handled = true;
    } else if (z.mnemonic == ZYDIS_MNEMONIC_MOV && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
               ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER && ops[0].reg.value == ops[1].reg.value &&
               (ops[0].reg.value == ZYDIS_REGISTER_ESI || ops[0].reg.value == ZYDIS_REGISTER_EDI)) {
      bool si = ops[0].reg.value == ZYDIS_REGISTER_ESI;
      (si ? st.esi_clean : st.edi_clean) = true;
      (si ? st.rsi_window : st.rdi_window) = false;
      handled = true;
    } else if (z.mnemonic == ZYDIS_MNEMONIC_LEA && ops[0].type == ZYDIS_OPERAND_TYPE_REGISTER &&
               (ops[0].reg.value == ZYDIS_REGISTER_RSI || ops[0].reg.value == ZYDIS_REGISTER_RDI) &&
               ops[1].mem.base == ZYDIS_REGISTER_R14 && ops[1].mem.index == ops[0].reg.value &&
               ops[1].mem.scale == 1 && ops[1].mem.disp.value == 0 && st.r14_window) {
      bool si = ops[0].reg.value == ZYDIS_REGISTER_RSI;
      if (si ? st.esi_clean : st.edi_clean) (si ? st.rsi_window : st.rdi_window) = true;
      handled = true;
    }
    if (!handled) {
      if (writes(z, ops, ZYDIS_REGISTER_R14)) st.r14_window = false;
      // The table index: movzx r14d, r14w or r15w (any other write unbounds it).
      if (writes(z, ops, ZYDIS_REGISTER_R14))
        st.r14_index = z.mnemonic == ZYDIS_MNEMONIC_MOVZX &&
                       ops[0].reg.value == ZYDIS_REGISTER_R14D &&
                       ops[1].type == ZYDIS_OPERAND_TYPE_REGISTER &&
                       ZydisRegisterGetClass(ops[1].reg.value) == ZYDIS_REGCLASS_GPR16;
      if (!is_string_op(z.mnemonic)) {
        // A 32-bit destination zero-extends: the register is below 4 GiB afterwards, which is
        // all the pointer pattern needs. Any other write breaks the pattern.
        if (writes(z, ops, ZYDIS_REGISTER_RSI)) {
          st.rsi_window = false;
          st.esi_clean = writes_exactly(z, ops, ZYDIS_REGISTER_ESI);
        }
        if (writes(z, ops, ZYDIS_REGISTER_RDI)) {
          st.rdi_window = false;
          st.edi_clean = writes_exactly(z, ops, ZYDIS_REGISTER_EDI);
        }
      }
    }
    pc += z.length;
  }
  return true;
}

}  // namespace bt86::translator
