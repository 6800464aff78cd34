// Monitor-call dispatch and the operand helpers the family files share.
#include "runtime/monitor.h"

#include "common/assert.h"
#include "runtime/machine.h"
#include "runtime/sensitive_report.h"
#include "translator/classify.h"
#include "translator/translate.h"

namespace bt86::runtime {

using translator::Insn;
using translator::Kind;

namespace {

int gpr_index(ZydisRegister r32) {
  return ZydisRegisterGetId(r32);  // eax=0 ... edi=7 in encoding order
}

}  // namespace

uint32_t read_reg(const Machine& m, ZydisRegister r) {
  const VcpuState& v = const_cast<Machine&>(m).vcpu();
  switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR32: return v.gpr[gpr_index(r)];
    case ZYDIS_REGCLASS_GPR16: return v.gpr[gpr_index(r)] & 0xFFFF;
    case ZYDIS_REGCLASS_GPR8: {
      int id = ZydisRegisterGetId(r);  // al cl dl bl ah ch dh bh
      return id < 4 ? v.gpr[id] & 0xFF : (v.gpr[id - 4] >> 8) & 0xFF;
    }
    default: BT_ASSERT(false, "read_reg: %s", ZydisRegisterGetString(r)); return 0;
  }
}

void write_reg(Machine& m, ZydisRegister r, uint32_t value) {
  VcpuState& v = m.vcpu();
  switch (ZydisRegisterGetClass(r)) {
    case ZYDIS_REGCLASS_GPR32: v.gpr[gpr_index(r)] = value; return;
    case ZYDIS_REGCLASS_GPR16: {
      uint32_t& g = v.gpr[gpr_index(r)];
      g = (g & 0xFFFF0000) | (value & 0xFFFF);
      return;
    }
    case ZYDIS_REGCLASS_GPR8: {
      int id = ZydisRegisterGetId(r);
      uint32_t& g = v.gpr[id < 4 ? id : id - 4];
      if (id < 4) g = (g & ~0xFFu) | (value & 0xFF);
      else g = (g & ~0xFF00u) | ((value & 0xFF) << 8);
      return;
    }
    default: BT_ASSERT(false, "write_reg: %s", ZydisRegisterGetString(r));
  }
}

uint32_t effective_address(const Machine& m, const Insn& in, const ZydisDecodedOperand& op) {
  uint32_t a = op.mem.disp.has_displacement ? uint32_t(op.mem.disp.value) : 0;
  if (op.mem.base != ZYDIS_REGISTER_NONE) a += read_reg(m, op.mem.base);
  if (op.mem.index != ZYDIS_REGISTER_NONE) a += read_reg(m, op.mem.index) * op.mem.scale;
  if (in.z.address_width == 16) a &= 0xFFFF;
  // Linear address: the segment's base added (limits are checked by the translator's mode).
  int seg = translator::segment_index(op.mem.segment);
  if (seg >= 0) a += const_cast<Machine&>(m).vcpu().seg[seg].base;
  return a;
}

void stop_outside_ram(Machine& m, uint32_t addr) {
  m.stop(StopKind::kGuestError, kStatusGuestError,
         strfmt("guest accessed 0x%08x, outside its RAM, at EIP 0x%08x: %s", addr, m.vcpu().eip,
                m.describe_insn_at(m.vcpu().eip).c_str()));
}

bool stop_unsupported(Machine& m, const Insn& in, const char* why) {
  m.stop(StopKind::kGuestError, kStatusGuestError,
         strfmt("unsupported: %s at EIP 0x%08x (%s): %s", translator::format_insn(in).c_str(),
                in.eip, translator::hex_bytes(in.bytes, in.z.length).c_str(), why));
  return false;
}

bool read_operand(Machine& m, const Insn& in, int i, uint32_t* out) {
  const ZydisDecodedOperand& op = in.ops[i];
  switch (op.type) {
    case ZYDIS_OPERAND_TYPE_REGISTER: *out = read_reg(m, op.reg.value); return true;
    case ZYDIS_OPERAND_TYPE_IMMEDIATE: *out = uint32_t(op.imm.value.u); return true;
    case ZYDIS_OPERAND_TYPE_MEMORY: {
      uint32_t addr = effective_address(m, in, op);
      uint64_t v = 0;
      if (!m.mem().read(addr, op.size / 8, &v)) {
        stop_outside_ram(m, addr);
        return false;
      }
      *out = uint32_t(v);
      return true;
    }
    default: BT_ASSERT(false, "read_operand type %d", op.type); return false;
  }
}

bool write_operand(Machine& m, const Insn& in, int i, uint32_t value) {
  const ZydisDecodedOperand& op = in.ops[i];
  if (op.type == ZYDIS_OPERAND_TYPE_REGISTER) {
    write_reg(m, op.reg.value, value);
    return true;
  }
  BT_ASSERT(op.type == ZYDIS_OPERAND_TYPE_MEMORY, "write_operand type %d", op.type);
  uint32_t addr = effective_address(m, in, op);
  if (!m.mem().write(addr, op.size / 8, value)) {
    stop_outside_ram(m, addr);
    return false;
  }
  return true;
}

uint32_t stack_address(Machine& m, uint32_t esp) { return esp + m.vcpu().seg[kSS].base; }

bool push32(Machine& m, uint32_t value, unsigned size) {
  uint32_t esp = m.vcpu().gpr[4] - size;
  if (!m.mem().write(stack_address(m, esp), size, value)) {
    stop_outside_ram(m, stack_address(m, esp));
    return false;
  }
  m.vcpu().gpr[4] = esp;
  return true;
}

bool pop32(Machine& m, uint32_t* value, unsigned size) {
  uint32_t esp = m.vcpu().gpr[4];
  uint64_t v = 0;
  if (!m.mem().read(stack_address(m, esp), size, &v)) {
    stop_outside_ram(m, stack_address(m, esp));
    return false;
  }
  *value = uint32_t(v);
  m.vcpu().gpr[4] = esp + size;
  return true;
}

uint32_t parity_flag(uint32_t result) {
  return (__builtin_popcount(result & 0xFF) & 1) ? 0 : kFlagPF;
}

void perform_monitor_call(Machine& m) {
  VcpuState& v = m.vcpu();
  uint8_t bytes[15];
  size_t n = m.translator().fetch(v.eip, bytes);
  Insn in;
  if (n == 0 || translator::decode(bytes, n, v.eip, &in) != translator::DecodeStatus::kOk) {
    m.stats().monitor[size_t(Kind::Undef)]++;
    m.raise(6);
    return;
  }
  Kind k = translator::classify(in);
  m.stats().monitor[size_t(k)]++;
  // The translator sends an instruction here when the mode makes it fault before it
  // executes: x87/SSE under CR0/CR4, or memory through a null segment.
  if (int vector = translator::mode_exception(in, m.mode()); vector >= 0) {
    m.raise(vector, vector == 13, 0);
    return;
  }
  BT_ASSERT(translator::info(k).treatment != translator::Treatment::Copy,
            "copied instruction at 0x%08x reached the monitor: %s", v.eip,
            translator::format_insn(in).c_str());

  SensitiveReport* report = m.options().sensitive_report;
  VcpuSnapshot before;
  if (report) before = v;

  bool next = false;
  switch (k) {
    case Kind::Undef:
      m.raise(6);
      return;
    case Kind::Aaa: case Kind::Aas: case Kind::Daa: case Kind::Das: case Kind::Aam:
    case Kind::Aad: case Kind::Salc:
      next = perform_bcd(m, in, k);
      break;
    case Kind::In: case Kind::Out: case Kind::Ins: case Kind::Outs:
      next = perform_io(m, in, k);
      break;
    case Kind::Int: case Kind::Int1: case Kind::Int3: case Kind::Into: case Kind::Iret: case Kind::JmpFar:
    case Kind::CallFar: case Kind::RetFar: case Kind::Bound:
      next = perform_control(m, in, k);
      break;
    case Kind::MovToSeg: case Kind::MovFromSeg: case Kind::PushSeg: case Kind::PopSeg:
    case Kind::LoadFarPtr: case Kind::Arpl:
      next = perform_segment(m, in, k);
      break;
    case Kind::Lldt: case Kind::Ltr: case Kind::Sldt: case Kind::Str: case Kind::Lar:
    case Kind::Lsl: case Kind::Verr: case Kind::Verw:
      next = perform_descriptor(m, in, k);
      break;
    case Kind::Movs: case Kind::Stos: case Kind::Lods: case Kind::Cmps: case Kind::Scas:
      next = perform_string(m, in, k);
      break;
    default:
      next = perform_system(m, in, k);
      break;
  }
  if (next) v.eip = in.next_eip();
  if (report) report->observe(in, k, before, v, m.mem());
}

}  // namespace bt86::runtime
