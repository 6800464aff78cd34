// Classification: mnemonic (and, for MOV/PUSH/POP, operand class) to instruction-table row.
#include "translator/classify.h"

#include "translator/translate.h"

namespace bt86::translator {

namespace {

ZydisRegisterClass reg_class(const ZydisDecodedOperand& op) {
  return op.type == ZYDIS_OPERAND_TYPE_REGISTER ? ZydisRegisterGetClass(op.reg.value)
                                                : ZYDIS_REGCLASS_INVALID;
}

Kind classify_mov(const Insn& insn) {
  const ZydisDecodedOperand& dst = insn.ops[0];
  const ZydisDecodedOperand& src = insn.ops[1];
  for (const ZydisDecodedOperand* op : {&dst, &src}) {
    if (reg_class(*op) == ZYDIS_REGCLASS_CONTROL) return Kind::MovCr;
    if (reg_class(*op) == ZYDIS_REGCLASS_DEBUG) return Kind::MovDr;
  }
  if (reg_class(dst) == ZYDIS_REGCLASS_SEGMENT) return Kind::MovToSeg;
  if (reg_class(src) == ZYDIS_REGCLASS_SEGMENT) return Kind::MovFromSeg;
  return Kind::Copy;
}

bool is_far(const Insn& insn) { return insn.z.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR; }

// Categories whose instructions are never copied by default: if one is missing from the
// switch below, the VM stops and names it rather than running it natively.
bool never_copied(ZydisInstructionCategory c) {
  switch (c) {
    case ZYDIS_CATEGORY_SYSTEM:
    case ZYDIS_CATEGORY_IO:
    case ZYDIS_CATEGORY_IOSTRINGOP:
    case ZYDIS_CATEGORY_INTERRUPT:
    case ZYDIS_CATEGORY_SEGOP:
    case ZYDIS_CATEGORY_SYSCALL:
    case ZYDIS_CATEGORY_SYSRET:
    case ZYDIS_CATEGORY_CALL:
    case ZYDIS_CATEGORY_RET:
    case ZYDIS_CATEGORY_COND_BR:
    case ZYDIS_CATEGORY_UNCOND_BR:
    case ZYDIS_CATEGORY_PUSH:
    case ZYDIS_CATEGORY_POP:
    case ZYDIS_CATEGORY_STRINGOP:
      return true;
    default:
      return false;
  }
}

}  // namespace

bool isa_set_modeled(ZydisISASet set) {
  switch (set) {
    case ZYDIS_ISA_SET_I86:
    case ZYDIS_ISA_SET_I186:
    case ZYDIS_ISA_SET_I286REAL:
    case ZYDIS_ISA_SET_I386:
    case ZYDIS_ISA_SET_I486:
    case ZYDIS_ISA_SET_I486REAL:
    case ZYDIS_ISA_SET_PENTIUMREAL:
    case ZYDIS_ISA_SET_PPRO:
    case ZYDIS_ISA_SET_CMOV:
    case ZYDIS_ISA_SET_FCMOV:
    case ZYDIS_ISA_SET_X87:
    case ZYDIS_ISA_SET_PENTIUMMMX:
    case ZYDIS_ISA_SET_FXSAVE:
    case ZYDIS_ISA_SET_SSE:
    case ZYDIS_ISA_SET_SSEMXCSR:
    case ZYDIS_ISA_SET_SSE_PREFETCH:
    case ZYDIS_ISA_SET_SSE2:
    case ZYDIS_ISA_SET_SSE2MMX:
    case ZYDIS_ISA_SET_SSE3:
    case ZYDIS_ISA_SET_SSE3X87:
    case ZYDIS_ISA_SET_CLFSH:
    case ZYDIS_ISA_SET_PAUSE:
    case ZYDIS_ISA_SET_LAHF:
    case ZYDIS_ISA_SET_FAT_NOP:
    case ZYDIS_ISA_SET_PREFETCH_NOP:
      return true;
    default:
      return false;
  }
}

Kind classify(const Insn& insn) {
  const ZydisDecodedInstruction& z = insn.z;
  switch (z.mnemonic) {
    case ZYDIS_MNEMONIC_MOV: return classify_mov(insn);
    case ZYDIS_MNEMONIC_PUSH:
      return reg_class(insn.ops[0]) == ZYDIS_REGCLASS_SEGMENT ? Kind::PushSeg : Kind::Push;
    case ZYDIS_MNEMONIC_POP:
      return reg_class(insn.ops[0]) == ZYDIS_REGCLASS_SEGMENT ? Kind::PopSeg : Kind::Pop;
    case ZYDIS_MNEMONIC_PUSHA: case ZYDIS_MNEMONIC_PUSHAD: return Kind::Pusha;
    case ZYDIS_MNEMONIC_POPA: case ZYDIS_MNEMONIC_POPAD: return Kind::Popa;
    case ZYDIS_MNEMONIC_ENTER: return Kind::Enter;
    case ZYDIS_MNEMONIC_LEAVE: return Kind::Leave;

    case ZYDIS_MNEMONIC_MOVSB: case ZYDIS_MNEMONIC_MOVSW: return Kind::Movs;
    case ZYDIS_MNEMONIC_MOVSD:  // also SSE2's scalar move
      return z.meta.category == ZYDIS_CATEGORY_STRINGOP ? Kind::Movs : Kind::Copy;
    case ZYDIS_MNEMONIC_CMPSB: case ZYDIS_MNEMONIC_CMPSW: return Kind::Cmps;
    case ZYDIS_MNEMONIC_CMPSD:  // also SSE2's scalar compare
      return z.meta.category == ZYDIS_CATEGORY_STRINGOP ? Kind::Cmps : Kind::Copy;
    case ZYDIS_MNEMONIC_STOSB: case ZYDIS_MNEMONIC_STOSW: case ZYDIS_MNEMONIC_STOSD:
      return Kind::Stos;
    case ZYDIS_MNEMONIC_LODSB: case ZYDIS_MNEMONIC_LODSW: case ZYDIS_MNEMONIC_LODSD:
      return Kind::Lods;
    case ZYDIS_MNEMONIC_SCASB: case ZYDIS_MNEMONIC_SCASW: case ZYDIS_MNEMONIC_SCASD:
      return Kind::Scas;

    case ZYDIS_MNEMONIC_JMP: return is_far(insn) ? Kind::JmpFar : Kind::Jmp;
    case ZYDIS_MNEMONIC_CALL: return is_far(insn) ? Kind::CallFar : Kind::Call;
    case ZYDIS_MNEMONIC_RET: return is_far(insn) ? Kind::RetFar : Kind::Ret;
    case ZYDIS_MNEMONIC_JB: case ZYDIS_MNEMONIC_JBE: case ZYDIS_MNEMONIC_JL:
    case ZYDIS_MNEMONIC_JLE: case ZYDIS_MNEMONIC_JNB: case ZYDIS_MNEMONIC_JNBE:
    case ZYDIS_MNEMONIC_JNL: case ZYDIS_MNEMONIC_JNLE: case ZYDIS_MNEMONIC_JNO:
    case ZYDIS_MNEMONIC_JNP: case ZYDIS_MNEMONIC_JNS: case ZYDIS_MNEMONIC_JNZ:
    case ZYDIS_MNEMONIC_JO: case ZYDIS_MNEMONIC_JP: case ZYDIS_MNEMONIC_JS:
    case ZYDIS_MNEMONIC_JZ:
      return Kind::Jcc;
    case ZYDIS_MNEMONIC_LOOP: case ZYDIS_MNEMONIC_LOOPE: case ZYDIS_MNEMONIC_LOOPNE:
      return Kind::Loop;
    case ZYDIS_MNEMONIC_JCXZ: case ZYDIS_MNEMONIC_JECXZ: return Kind::Jcxz;

    case ZYDIS_MNEMONIC_AAA: return Kind::Aaa;
    case ZYDIS_MNEMONIC_AAS: return Kind::Aas;
    case ZYDIS_MNEMONIC_DAA: return Kind::Daa;
    case ZYDIS_MNEMONIC_DAS: return Kind::Das;
    case ZYDIS_MNEMONIC_AAM: return Kind::Aam;
    case ZYDIS_MNEMONIC_AAD: return Kind::Aad;
    case ZYDIS_MNEMONIC_SALC: return Kind::Salc;
    case ZYDIS_MNEMONIC_BOUND: return Kind::Bound;
    case ZYDIS_MNEMONIC_ARPL: return Kind::Arpl;

    case ZYDIS_MNEMONIC_CLI: return Kind::Cli;
    case ZYDIS_MNEMONIC_STI: return Kind::Sti;
    case ZYDIS_MNEMONIC_HLT: return Kind::Hlt;
    case ZYDIS_MNEMONIC_LGDT: return Kind::Lgdt;
    case ZYDIS_MNEMONIC_LIDT: return Kind::Lidt;
    case ZYDIS_MNEMONIC_LLDT: return Kind::Lldt;
    case ZYDIS_MNEMONIC_LTR: return Kind::Ltr;
    case ZYDIS_MNEMONIC_LMSW: return Kind::Lmsw;
    case ZYDIS_MNEMONIC_CLTS: return Kind::Clts;
    case ZYDIS_MNEMONIC_INVD: return Kind::Invd;
    case ZYDIS_MNEMONIC_WBINVD: return Kind::Wbinvd;
    case ZYDIS_MNEMONIC_INVLPG: return Kind::Invlpg;
    case ZYDIS_MNEMONIC_RDMSR: return Kind::Rdmsr;
    case ZYDIS_MNEMONIC_WRMSR: return Kind::Wrmsr;
    case ZYDIS_MNEMONIC_RDPMC: return Kind::Rdpmc;
    case ZYDIS_MNEMONIC_IN: return Kind::In;
    case ZYDIS_MNEMONIC_OUT: return Kind::Out;
    case ZYDIS_MNEMONIC_INSB: case ZYDIS_MNEMONIC_INSW: case ZYDIS_MNEMONIC_INSD:
      return Kind::Ins;
    case ZYDIS_MNEMONIC_OUTSB: case ZYDIS_MNEMONIC_OUTSW: case ZYDIS_MNEMONIC_OUTSD:
      return Kind::Outs;
    case ZYDIS_MNEMONIC_SYSEXIT: return Kind::Sysexit;
    case ZYDIS_MNEMONIC_IRET: case ZYDIS_MNEMONIC_IRETD: return Kind::Iret;

    case ZYDIS_MNEMONIC_SGDT: return Kind::Sgdt;
    case ZYDIS_MNEMONIC_SIDT: return Kind::Sidt;
    case ZYDIS_MNEMONIC_SLDT: return Kind::Sldt;
    case ZYDIS_MNEMONIC_STR: return Kind::Str;
    case ZYDIS_MNEMONIC_SMSW: return Kind::Smsw;
    case ZYDIS_MNEMONIC_PUSHF: case ZYDIS_MNEMONIC_PUSHFD: return Kind::Pushf;
    case ZYDIS_MNEMONIC_POPF: case ZYDIS_MNEMONIC_POPFD: return Kind::Popf;
    case ZYDIS_MNEMONIC_LAR: return Kind::Lar;
    case ZYDIS_MNEMONIC_LSL: return Kind::Lsl;
    case ZYDIS_MNEMONIC_VERR: return Kind::Verr;
    case ZYDIS_MNEMONIC_VERW: return Kind::Verw;
    case ZYDIS_MNEMONIC_LDS: case ZYDIS_MNEMONIC_LES: case ZYDIS_MNEMONIC_LFS:
    case ZYDIS_MNEMONIC_LGS: case ZYDIS_MNEMONIC_LSS:
      return Kind::LoadFarPtr;
    case ZYDIS_MNEMONIC_INT: return Kind::Int;
    case ZYDIS_MNEMONIC_INT3: return Kind::Int3;
    case ZYDIS_MNEMONIC_INTO: return Kind::Into;
    case ZYDIS_MNEMONIC_INT1: return Kind::Int1;

    case ZYDIS_MNEMONIC_CPUID: return Kind::Cpuid;
    case ZYDIS_MNEMONIC_RDTSC: return Kind::Rdtsc;
    case ZYDIS_MNEMONIC_RDTSCP: return Kind::Undef;  // not in the modeled CPU
    case ZYDIS_MNEMONIC_SYSENTER: return Kind::Sysenter;

    case ZYDIS_MNEMONIC_UD0: case ZYDIS_MNEMONIC_UD1: case ZYDIS_MNEMONIC_UD2:
    case ZYDIS_MNEMONIC_RSM:  // #UD outside system-management mode
      return Kind::Undef;
    // On a CPU without BMI1/ABM the F3 prefix is ignored: TZCNT is BSF, LZCNT is BSR.
    case ZYDIS_MNEMONIC_TZCNT: case ZYDIS_MNEMONIC_LZCNT: return Kind::BitScanLegacy;
    // CET hint NOPs execute as NOPs on older CPUs.
    case ZYDIS_MNEMONIC_ENDBR32: case ZYDIS_MNEMONIC_ENDBR64: return Kind::Copy;
    default: break;
  }
  if (!isa_set_modeled(z.meta.isa_set)) return Kind::Undef;
  if (never_copied(z.meta.category)) return Kind::Unsupported;
  return Kind::Copy;
}

}  // namespace bt86::translator

namespace bt86::translator {

namespace {

// #GP(0) before the access: a null segment, or a write through CS.
bool null_segment_access(const Insn& insn, ModeKey mode) {
  for (int i = 0; i < insn.z.operand_count; ++i) {
    const ZydisDecodedOperand& op = insn.ops[i];
    if (op.type != ZYDIS_OPERAND_TYPE_MEMORY || op.mem.type == ZYDIS_MEMOP_TYPE_AGEN ||
        op.mem.type == ZYDIS_MEMOP_TYPE_MIB)
      continue;
    int seg = segment_index(op.mem.segment);
    if (seg >= 0 && seg_class(mode, seg) == SegClass::kNull) return true;
    // Code segments are never writable (SDM vol. 3, 5.4.1): a write through CS faults.
    if (seg == 1 && (op.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE)) return true;
  }
  return false;
}

int fpu_exception(const Insn& insn, ModeKey mode);

}  // namespace

int mode_exception(const Insn& insn, ModeKey mode) {
  int fpu = fpu_exception(insn, mode);
  if (fpu >= 0) return fpu;
  return null_segment_access(insn, mode) ? 13 : -1;
}

namespace {

int fpu_exception(const Insn& insn, ModeKey mode) {
  const bool mp = mode.bits & kModeCr0Mp, em = mode.bits & kModeCr0Em,
             ts = mode.bits & kModeCr0Ts, no_sse = mode.bits & kModeNoSse;
  switch (insn.z.mnemonic) {
    // No x87/SSE state involved: fences, hints, cache control, GPR-only stores.
    case ZYDIS_MNEMONIC_SFENCE: case ZYDIS_MNEMONIC_LFENCE: case ZYDIS_MNEMONIC_MFENCE:
    case ZYDIS_MNEMONIC_PAUSE: case ZYDIS_MNEMONIC_CLFLUSH: case ZYDIS_MNEMONIC_MOVNTI:
    case ZYDIS_MNEMONIC_PREFETCHNTA: case ZYDIS_MNEMONIC_PREFETCHT0:
    case ZYDIS_MNEMONIC_PREFETCHT1: case ZYDIS_MNEMONIC_PREFETCHT2:
      return -1;
    case ZYDIS_MNEMONIC_FWAIT:
      return (ts && mp) ? 7 : -1;
    default:
      break;
  }
  switch (insn.z.meta.isa_set) {
    case ZYDIS_ISA_SET_X87:
    case ZYDIS_ISA_SET_FCMOV:
    case ZYDIS_ISA_SET_SSE3X87:  // FISTTP: an x87 instruction
    case ZYDIS_ISA_SET_FXSAVE:   // FXSAVE/FXRSTOR: #NM for EM or TS
      return (em || ts) ? 7 : -1;
    case ZYDIS_ISA_SET_PENTIUMMMX:
    case ZYDIS_ISA_SET_SSE2MMX:  // MMX-register forms: MMX rules
      return em ? 6 : ts ? 7 : -1;
    case ZYDIS_ISA_SET_SSE:
    case ZYDIS_ISA_SET_SSE2:
    case ZYDIS_ISA_SET_SSE3:
    case ZYDIS_ISA_SET_SSEMXCSR:
      return (em || no_sse) ? 6 : ts ? 7 : -1;
    default:
      return -1;
  }
}

}  // namespace
}  // namespace bt86::translator
