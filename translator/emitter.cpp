// Block framing, entry checks, exits and the operand builders every family emitter uses.
#include "translator/emitter.h"

#include "common/assert.h"
#include "runtime/vcpu.h"
#include "translator/classify.h"
#include "translator/tcache.h"
#include "translator/translate.h"

namespace bt86::translator {

namespace x86 = asmjit::x86;
namespace off = runtime::vcpu_off;

Emitter::Emitter(uint64_t base_address, const GlueAddrs& glue, TCache& tc, ModeKey mode)
    : base_(base_address), glue_(glue), mode_(mode), tc_(tc) {
  asmjit::Environment env(asmjit::Arch::kX64);
  code_.init(env, base_address);
  code_.setErrorHandler(&sink_);
  code_.attach(&a_);
}

void Emitter::fail(const std::string& why) {
  if (error_.empty()) error_ = why;
}

void Emitter::raw(std::initializer_list<uint8_t> bytes) {
  a_.embed(bytes.begin(), bytes.size());
}

void Emitter::jmp_abs(uint64_t target) { rel32_abs(0xE9, target); }

void Emitter::call_abs(uint64_t target) { rel32_abs(0xE8, target); }

void Emitter::rel32_abs(uint8_t opcode, uint64_t target) {
  int64_t rel = int64_t(target) - int64_t(base_ + a_.offset() + 5);
  BT_ASSERT(rel == int32_t(rel), "glue out of rel32 reach");
  int32_t r = int32_t(rel);
  uint8_t b[5] = {opcode, uint8_t(r), uint8_t(r >> 8), uint8_t(r >> 16), uint8_t(r >> 24)};
  a_.embed(b, 5);
}

void Emitter::lea32(ZydisRegister dst, ZydisRegister base, int64_t disp) {
  ZydisEncoderRequest req{};
  req.mnemonic = ZYDIS_MNEMONIC_LEA;
  req.operand_count = 2;
  req.operands[0] = reg(dst);
  req.operands[1] = gmem(base, ZYDIS_REGISTER_NONE, 0, disp, 4);  // LEA: size of the destination
  req.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
  if (!encode(req, false)) fail("cannot encode lea");
}

bool Emitter::stack_based() const {
  return seg_class(mode_, 2) == SegClass::kBased || stack_limited();
}

bool Emitter::stack_limited() const { return seg_class(mode_, 2) == SegClass::kLimited; }

void Emitter::stack_check(ZydisRegister base, int64_t disp, unsigned bytes, bool writes,
                          uint32_t eip) {
  if (!stack_limited() || bytes == 0) return;
  lea32(ZYDIS_REGISTER_R14D, base, disp);  // the lowest offset touched, wrapped to 32 bits
  emit_limit_check(2, ZYDIS_REGISTER_R14D, bytes, writes, -1, eip);
}

ZydisEncoderOperand Emitter::stack_mem(ZydisRegister base, int64_t disp, unsigned size) const {
  return stack_based() ? gmem(base, ZYDIS_REGISTER_R10D, 1, disp, uint16_t(size))
                       : gmem(base, ZYDIS_REGISTER_NONE, 0, disp, uint16_t(size));
}

void Emitter::load_stack_base() {
  if (stack_based())
    ins(ZYDIS_MNEMONIC_MOV, {reg(ZYDIS_REGISTER_R10D), vmem(runtime::vcpu_off::seg_base(2), 4)},
        false);
}

void Emitter::emit_limit_check(int seg, ZydisRegister offset, unsigned size, bool writes,
                               int borrowed, uint32_t eip) {
  namespace x = asmjit::x86;
  // asmjit register for the 64-bit view of `offset` (r14 or a legacy GPR).
  x::Gp o = offset == ZYDIS_REGISTER_R14D
                ? x::r14
                : x::gpq(uint32_t(ZydisRegisterGetId(offset)));
  asmjit::Label fault = a_.newLabel(), ok = a_.newLabel(), expand_down = a_.newLabel(),
                b32 = a_.newLabel(), done = a_.newLabel();
  x::Mem saved_rax = x::qword_ptr(x::r13, runtime::vcpu_off::scratch(1));
  x::Mem saved_flags = x::word_ptr(x::r13, runtime::vcpu_off::scratch(2));
  a_.mov(saved_rax, x::rax);
  a_.lahf();
  a_.seto(x::al);
  a_.mov(saved_flags, x::ax);
  // Type: a write needs writable data; a read needs data or readable code.
  a_.movzx(x::eax, x::word_ptr(x::r13, runtime::vcpu_off::seg_attrib(seg)));
  if (writes) {
    a_.test(x::al, 8);
    a_.jnz(fault);
    a_.test(x::al, 2);
    a_.jz(fault);
  } else {
    asmjit::Label data = a_.newLabel();
    a_.test(x::al, 8);
    a_.jz(data);
    a_.test(x::al, 2);
    a_.jz(fault);
    a_.bind(data);
  }
  a_.lea(x::r11, x::ptr(o, int32_t(size - 1)));  // last byte, 64-bit: no wrap
  a_.test(x::al, 8);                            // code segments are expand-up
  asmjit::Label up = a_.newLabel();
  a_.jnz(up);
  a_.test(x::al, 4);                            // data: expand-down?
  a_.jnz(expand_down);
  a_.bind(up);
  a_.mov(x::eax, x::dword_ptr(x::r13, runtime::vcpu_off::seg_limit(seg)));
  a_.cmp(x::r11, x::rax);
  a_.ja(fault);
  a_.jmp(ok);
  a_.bind(expand_down);                         // valid: limit < offset, last <= upper bound
  a_.mov(x::eax, x::dword_ptr(x::r13, runtime::vcpu_off::seg_limit(seg)));
  a_.cmp(o, x::rax);
  a_.jbe(fault);
  a_.movzx(x::eax, x::word_ptr(x::r13, runtime::vcpu_off::seg_attrib(seg)));
  a_.test(x::ah, 4);
  a_.jnz(b32);
  a_.cmp(x::r11, 0xFFFF);
  a_.ja(fault);
  a_.jmp(ok);
  a_.bind(b32);
  a_.mov(x::eax, 0xFFFFFFFFu);
  a_.cmp(x::r11, x::rax);
  a_.ja(fault);
  a_.bind(ok);
  a_.mov(x::ax, saved_flags);
  a_.add(x::al, 0x7F);  // OF
  a_.sahf();
  a_.mov(x::rax, saved_rax);
  a_.jmp(done);
  // #GP(0): guest state as before the instruction, then out through the fault exit.
  a_.bind(fault);
  a_.mov(x::ax, saved_flags);
  a_.add(x::al, 0x7F);
  a_.sahf();
  a_.mov(x::rax, saved_rax);
  if (borrowed >= 0)
    a_.mov(x::gpq(uint32_t(ZydisRegisterGetId(host_gpr32(borrowed)))),
           x::qword_ptr(x::r13, runtime::vcpu_off::scratch(0)));
  fault_exit(seg == 2 ? 12 : 13, eip);
  a_.bind(done);
}

void Emitter::fault_exit(int vector, uint32_t eip) {
  namespace x = asmjit::x86;
  a_.mov(x::dword_ptr(x::r13, runtime::vcpu_off::kFaultVector), vector);
  a_.mov(x::dword_ptr(x::r13, runtime::vcpu_off::kFaultError), 0);
  a_.mov(x::dword_ptr(x::r13, runtime::vcpu_off::kFaultKind), 1);  // kFaultException
  a_.mov(x::dword_ptr(x::r13, runtime::vcpu_off::kEip), eip);
  a_.mov(x::dword_ptr(x::r13, runtime::vcpu_off::kExitReason),
         uint32_t(runtime::ExitReason::kFault));
  jmp_abs(glue_.exit);
}

void Emitter::cs_limit_check_r15(uint32_t eip) {
  namespace x = asmjit::x86;
  if (mode_.cs_limit == 0xFFFFFFFF) return;
  // r14 = r15 + (2^32 - 1 - limit) in 64 bits has bit 32 set exactly when r15d > limit;
  // BSWAP brings bits 32-63 into the low half for JRCXZ. No flags change.
  asmjit::Label ok = a_.newLabel();
  a_.mov(x::r14d, uint32_t(0xFFFFFFFFu - mode_.cs_limit));
  a_.lea(x::r14, x::ptr(x::r15, x::r14));
  a_.bswap(x::r14);
  a_.mov(x::r11, x::rcx);
  a_.mov(x::ecx, x::r14d);
  a_.short_().jecxz(x::rcx, ok);
  a_.mov(x::rcx, x::r11);
  fault_exit(13, eip);
  a_.bind(ok);
  a_.mov(x::rcx, x::r11);
}

void Emitter::fault_exit_if(asmjit::x86::CondCode cc, int vector, uint32_t eip) {
  asmjit::Label skip = a_.newLabel();
  a_.j(asmjit::x86::negateCond(cc), skip);
  fault_exit(vector, eip);
  a_.bind(skip);
}

// --- Block framing. ---

void Emitter::begin_block(uint32_t eip, bool flags_live) {
  block_eip_ = eip;
  pending_label_ = a_.newLabel();
  pending_restore_label_ = a_.newLabel();
  // Indirect entry: the inline table hashed r15d to this block; confirm the full EIP.
  if (flags_live) {
    asmjit::Label hit = a_.newLabel();
    a_.mov(x86::r11, x86::rcx);
    a_.lea(x86::ecx, x86::ptr(x86::r15d, int32_t(-int64_t(eip))));
    a_.short_().jecxz(x86::rcx, hit);
    a_.mov(x86::rcx, x86::r11);
    jmp_abs(glue_.ibl_miss);
    a_.bind(hit);
    a_.mov(x86::rcx, x86::r11);
  } else {
    a_.cmp(x86::r15d, int32_t(eip));
    asmjit::Label hit = a_.newLabel();
    a_.short_().je(hit);
    jmp_abs(glue_.ibl_miss);
    a_.bind(hit);
  }
  entry_off_ = uint32_t(a_.offset());
  emit_entry_check(flags_live);
  if (counting_) count(off::kCountEntries);
}

void Emitter::count(int32_t vcpu_offset) {
  a_.mov(x86::r11, x86::qword_ptr(x86::r13, vcpu_offset));
  a_.lea(x86::r11, x86::ptr(x86::r11, 1));
  a_.mov(x86::qword_ptr(x86::r13, vcpu_offset), x86::r11);
}

// Every entry tests vCPU.pending (DESIGN.md §3) with a cmp; where the arithmetic flags are
// live at entry, they are parked in AH/AL around it.
void Emitter::emit_entry_check(bool flags_live) {
  static_assert(off::kPendingIrq == off::kPending + 1, "entries test both bytes as one word");
  x86::Mem pending = x86::word_ptr(x86::r13, off::kPending);
  if (flags_live) {
    // The arithmetic flags are parked in AH (LAHF) and AL (SETO) around a cmp; the taken
    // path restores them out of line (finish()). A JRCXZ test of the word, which needs no
    // flags, measured 6-7 TSC ticks per entry on the AMD EPYC host against ~1 for this
    // (nanobench call/ret: 24-27 -> 9-14 ticks).
    a_.mov(x86::r11, x86::rax);
    a_.lahf();
    a_.seto(x86::al);
    a_.cmp(pending, 0);
    a_.jne(pending_restore_label_);
    a_.add(x86::al, 0x7F);  // OF = (AL == 1)
    a_.sahf();
    a_.mov(x86::rax, x86::r11);
  } else {
    a_.cmp(pending, 0);
    a_.jne(pending_label_);
  }
}

void Emitter::begin_insn(const Insn& in) {
  side_.push_back(SideEntry{uint32_t(a_.offset()), in.eip, Fixup::kNone, 0});
}

void Emitter::end_with_jump(uint32_t target_eip) { direct_exit(target_eip); }

void Emitter::monitor_exit(uint32_t eip, uint32_t site) {
  a_.mov(x86::dword_ptr(x86::r13, off::kEip), eip);
  a_.mov(x86::dword_ptr(x86::r13, off::kExitReason), uint32_t(runtime::ExitReason::kMonitor));
  a_.mov(x86::dword_ptr(x86::r13, off::kExitSlot), site);
  jmp_abs(glue_.exit);
}

void Emitter::emit_monitor_exit(const Insn& in, Kind kind) {
  const int vector = mode_exception(in, mode_);
  // The translator files an instruction its mode makes fault as Undef; the monitor counts
  // it under its own row.
  if (kind == Kind::Undef && vector >= 0) kind = classify(in);
  monitor_exit(in.eip, tc_.add_monitor_site({in, kind, vector}));
}

void Emitter::direct_exit(uint32_t target_eip) {
  uint32_t at = uint32_t(a_.offset());
  raw({0xE9, 0, 0, 0, 0});
  exits_.push_back(PendingExit{target_eip, tc_.new_slot(), at + 1, 0});
}

void Emitter::direct_exit_jcc(x86::CondCode cc, uint32_t target_eip) {
  uint32_t at = uint32_t(a_.offset());
  raw({0x0F, uint8_t(0x80 | (uint8_t(cc) & 0xF)), 0, 0, 0, 0});
  exits_.push_back(PendingExit{target_eip, tc_.new_slot(), at + 2, 0});
}

void Emitter::indirect_jump_r15() {
  if (counting_) count(off::kCountIndirect);
  // The index is (EIP + this mode's salt) mod 2^16: movzx bounds it, as the verifier checks.
  if (ibl_salt_ == 0) {
    a_.movzx(x86::r14d, x86::r15w);
  } else {
    a_.lea(x86::r14d, x86::ptr(x86::r15, int32_t(ibl_salt_)));
    a_.movzx(x86::r14d, x86::r14w);
  }
  a_.jmp(x86::qword_ptr(x86::r13, x86::r14, 3, off::kIbl));
}

void Emitter::finish() {
  BT_ASSERT(!finished_, "finish twice");
  finished_ = true;
  body_end_ = uint32_t(a_.offset());
  // Stubs: where each direct exit points until the dispatcher links it.
  for (PendingExit& e : exits_) {
    e.stub_off = uint32_t(a_.offset());
    a_.mov(x86::dword_ptr(x86::r13, off::kNextEip), e.target_eip);
    a_.mov(x86::dword_ptr(x86::r13, off::kExitSlot), e.slot);
    a_.mov(x86::dword_ptr(x86::r13, off::kExitReason), uint32_t(runtime::ExitReason::kBranch));
    jmp_abs(glue_.exit);
  }
  a_.bind(pending_restore_label_);  // from a flags-live entry check: guest RAX and flags back
  a_.add(x86::al, 0x7F);
  a_.sahf();
  a_.mov(x86::rax, x86::r11);
  a_.bind(pending_label_);
  a_.mov(x86::dword_ptr(x86::r13, off::kEip), block_eip_);
  a_.mov(x86::dword_ptr(x86::r13, off::kExitReason), uint32_t(runtime::ExitReason::kPending));
  jmp_abs(glue_.exit);
  // Point each exit's rel32 at its stub.
  asmjit::CodeBuffer& buf = code_.textSection()->buffer();
  for (const PendingExit& e : exits_) {
    int32_t rel = int32_t(e.stub_off) - int32_t(e.jump_rel32_off + 4);
    std::memcpy(buf.data() + e.jump_rel32_off, &rel, 4);
  }
}

// --- Operand builders. ---

ZydisRegister Emitter::host_reg(ZydisRegister guest) {
  switch (guest) {
    case ZYDIS_REGISTER_ESP: return ZYDIS_REGISTER_R12D;
    case ZYDIS_REGISTER_SP: return ZYDIS_REGISTER_R12W;
    default: return guest;
  }
}

ZydisRegister Emitter::host_gpr32(int guest_index) {
  static constexpr ZydisRegister kMap[8] = {
      ZYDIS_REGISTER_EAX, ZYDIS_REGISTER_ECX, ZYDIS_REGISTER_EDX, ZYDIS_REGISTER_EBX,
      ZYDIS_REGISTER_R12D, ZYDIS_REGISTER_EBP, ZYDIS_REGISTER_ESI, ZYDIS_REGISTER_EDI};
  return kMap[guest_index & 7];
}

ZydisEncoderOperand Emitter::gmem(ZydisRegister base, ZydisRegister index, uint8_t scale,
                                  int64_t disp, uint16_t size) {
  ZydisEncoderOperand o{};
  o.type = ZYDIS_OPERAND_TYPE_MEMORY;
  o.mem.base = base;
  o.mem.index = index;
  o.mem.scale = index == ZYDIS_REGISTER_NONE ? 0 : scale;
  o.mem.displacement = int32_t(uint32_t(disp));  // 32-bit address arithmetic wraps
  o.mem.size = size;
  return o;
}

ZydisEncoderOperand Emitter::vmem(int32_t offset, uint16_t size) {
  ZydisEncoderOperand o{};
  o.type = ZYDIS_OPERAND_TYPE_MEMORY;
  o.mem.base = ZYDIS_REGISTER_R13;
  o.mem.displacement = offset;
  o.mem.size = size;
  return o;
}

ZydisEncoderOperand Emitter::reg(ZydisRegister r) {
  ZydisEncoderOperand o{};
  o.type = ZYDIS_OPERAND_TYPE_REGISTER;
  o.reg.value = r;
  return o;
}

ZydisEncoderOperand Emitter::imm(int64_t v) {
  ZydisEncoderOperand o{};
  o.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
  o.imm.s = v;
  return o;
}

bool Emitter::encode(ZydisEncoderRequest& req, bool guest_memory) {
  req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
  if (guest_memory) {
    req.prefixes |= ZYDIS_ATTRIB_HAS_SEGMENT_GS;
    req.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
  }
  uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
  ZyanUSize len = sizeof buf;
  if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&req, buf, &len))) return false;
  a_.embed(buf, len);
  return true;
}

bool Emitter::ins(ZydisMnemonic m, std::initializer_list<ZydisEncoderOperand> ops,
                  bool guest_memory) {
  ZydisEncoderRequest req{};
  req.mnemonic = m;
  req.operand_count = uint8_t(ops.size());
  int i = 0;
  for (const ZydisEncoderOperand& o : ops) req.operands[i++] = o;
  if (!encode(req, guest_memory)) {
    fail(std::string("cannot encode host ") + ZydisMnemonicGetString(m));
    return false;
  }
  return true;
}

// --- Guest memory operands. ---

namespace {

ZydisRegister widen32(ZydisRegister r) {
  if (r == ZYDIS_REGISTER_NONE) return r;
  return ZydisRegisterGetLargestEnclosing(ZYDIS_MACHINE_MODE_LEGACY_32, r);
}

}  // namespace

bool Emitter::segment_usable(int seg, bool* based, bool* limited) {
  static const char* const kNames[6] = {"ES", "CS", "SS", "DS", "FS", "GS"};
  SegClass c = seg < 0 ? SegClass::kFlat : seg_class(mode_, seg);
  *based = c == SegClass::kBased;
  if (c == SegClass::kFlat || c == SegClass::kBased) return true;
  // Limits and types are checked at run time for the data and stack segments through
  // guest_mem (#GP(0), or #SS(0) for SS).
  if (limited && c == SegClass::kLimited) {
    *limited = true;
    return true;
  }
  fail(strfmt("memory through %s, a segment with a limit below 4 GiB, expand-down or read-only "
              "(or null), is not supported yet",
              kNames[seg]));
  return false;
}

bool Emitter::guest_mem(const Insn& in, const ZydisDecodedOperand& m, bool avoid_rex,
                        MemOperand* out, bool address_only) {
  ZydisRegister base = widen32(m.mem.base);
  ZydisRegister index = widen32(m.mem.index);
  int64_t disp = m.mem.disp.has_displacement ? m.mem.disp.value : 0;
  uint16_t size = m.size / 8;
  bool sixteen = in.z.address_width == 16;
  // A segment with a non-zero base: linear = base + offset, added in a temp with lea.
  const int seg = segment_index(m.mem.segment);
  bool based = false, limited = false;
  if (!address_only && !segment_usable(seg, &based, &limited)) return false;
  if (limited) based = true;  // any base, added after the check
  // Zydis encodes a base-less, index-less operand as a sign-extended disp32 when the
  // address has bit 31 set (no addr32 form exists for it): such addresses go through a temp.
  bool high_absolute = base == ZYDIS_REGISTER_NONE && index == ZYDIS_REGISTER_NONE &&
                       (uint32_t(disp) & 0x80000000u);
  bool needs_temp = sixteen || high_absolute || based;
  bool needs_rex = base == ZYDIS_REGISTER_ESP || needs_temp;

  if (!needs_rex || (!avoid_rex && !needs_temp)) {
    out->op = gmem(host_reg(base), host_reg(index), m.mem.scale, disp, size);
    return true;
  }
  // The address goes into a temp: r14d, or, when the instruction names AH/BH/CH/DH (which
  // cannot share an instruction with a REX prefix), a guest register it does not use,
  // saved in scratch[0] and restored after (the side-table fixup restores it on a fault).
  ZydisRegister tmp = ZYDIS_REGISTER_R14D;
  if (avoid_rex) {
    for (int g : {3, 6, 7, 5, 2, 1}) {  // ebx esi edi ebp edx ecx (never eax: limit checks use it)
      ZydisRegister r = host_gpr32(g);
      if (in.reads_or_writes_reg(r)) continue;
      out->borrowed = g;
      tmp = r;
      break;
    }
    if (out->borrowed < 0) {
      fail("no free register to address memory");
      return false;
    }
    ZydisRegister r64 = ZydisRegisterEncode(ZYDIS_REGCLASS_GPR64, ZydisRegisterGetId(tmp));
    ins(ZYDIS_MNEMONIC_MOV, {vmem(runtime::vcpu_off::scratch(0), 8), reg(r64)}, false);
    side_.back().fixup = Fixup::kRestoreBorrowed;
    side_.back().fixup_reg = uint8_t(out->borrowed);
  }
  ZydisEncoderRequest lea{};
  lea.mnemonic = ZYDIS_MNEMONIC_LEA;
  lea.operand_count = 2;
  lea.operands[0] = reg(tmp);
  lea.operands[1] = gmem(host_reg(base), host_reg(index), m.mem.scale, disp, 4);
  lea.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
  if (base == ZYDIS_REGISTER_NONE && index == ZYDIS_REGISTER_NONE) {
    ins(ZYDIS_MNEMONIC_MOV, {reg(tmp), imm(int32_t(uint32_t(disp)))}, false);  // imm32 is signed to Zydis
  } else if (!encode(lea, false)) {
    fail("cannot encode address computation");
    return false;
  }
  if (sixteen) {
    ZydisRegister tmp16 = ZydisRegisterEncode(ZYDIS_REGCLASS_GPR16, ZydisRegisterGetId(tmp));
    ins(ZYDIS_MNEMONIC_MOVZX, {reg(tmp), reg(tmp16)}, false);
  }
  if (limited)
    emit_limit_check(seg, tmp, size ? size : 1, m.actions & ZYDIS_OPERAND_ACTION_MASK_WRITE,
                     out->borrowed, in.eip);
  if (based) {
    // tmp = (offset + segment base) mod 2^32, flags untouched.
    ins(ZYDIS_MNEMONIC_MOV, {reg(ZYDIS_REGISTER_R11D), vmem(runtime::vcpu_off::seg_base(seg), 4)},
        false);
    ZydisEncoderRequest add{};
    add.mnemonic = ZYDIS_MNEMONIC_LEA;
    add.operand_count = 2;
    add.operands[0] = reg(tmp);
    add.operands[1] = gmem(tmp, ZYDIS_REGISTER_R11D, 1, 0, 4);
    add.address_size_hint = ZYDIS_ADDRESS_SIZE_HINT_32;
    if (!encode(add, false)) {
      fail("cannot encode the segment-base addition");
      return false;
    }
  }
  out->op = gmem(tmp, ZYDIS_REGISTER_NONE, 0, 0, size);
  return true;
}

void Emitter::end_mem(const MemOperand& m) {
  if (m.borrowed < 0) return;
  ZydisRegister r64 =
      ZydisRegisterEncode(ZYDIS_REGCLASS_GPR64, ZydisRegisterGetId(host_gpr32(m.borrowed)));
  ins(ZYDIS_MNEMONIC_MOV, {reg(r64), vmem(runtime::vcpu_off::scratch(0), 8)}, false);
}

}  // namespace bt86::translator
