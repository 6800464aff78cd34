// Monitor-call dispatch and the operand helpers the family files share.
#include "runtime/monitor.h"

#include <cstring>

#include "common/assert.h"
#include "runtime/exceptions.h"
#include "runtime/guest_access.h"
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
      uint64_t v = 0;
      if (!read_mem(m, operand_address(m, in, op), op.size / 8, &v)) return false;
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
  return write_mem(m, operand_address(m, in, op), op.size / 8, value);
}

bool push32(Machine& m, uint32_t value, unsigned size) {
  if (!write_mem(m, stack_slot(m.vcpu(), -int32_t(size)), size, value)) return false;
  move_sp(m.vcpu(), -int32_t(size));
  return true;
}

bool pop32(Machine& m, uint32_t* value, unsigned size) {
  uint64_t v = 0;
  if (!read_mem(m, stack_slot(m.vcpu(), 0), size, &v)) return false;
  *value = uint32_t(v);
  move_sp(m.vcpu(), int32_t(size));
  return true;
}

uint32_t parity_flag(uint32_t result) {
  return (__builtin_popcount(result & 0xFF) & 1) ? 0 : kFlagPF;
}

namespace {

// Decoded monitor instructions by EIP. An entry is used only if the guest's bytes at EIP
// are still the ones it was decoded from, so self-modifying code needs no invalidation.
// Decoding is a pure function of the bytes and EIP: one table serves every machine.
constexpr size_t kDecodeCacheSize = 256;
translator::MonitorSite g_decoded[kDecodeCacheSize];
bool g_decoded_valid[kDecodeCacheSize];

// The instruction at EIP (an offset in CS), decoded and classified; nullptr if it raised
// (#GP(0) past the CS limit, #PF on the fetch, #UD on bytes that do not decode).
const translator::MonitorSite* decode_at(Machine& m, uint32_t eip) {
  uint8_t bytes[15];
  uint32_t fault_linear = 0, fault_error = translator::kOutsideRam;
  const Segment& cs = m.vcpu().seg[kCS];
  size_t n = eip > cs.limit ? 0
                            : m.translator().fetch(cs.base + eip, bytes, &fault_linear,
                                                   &fault_error);
  // Bytes beyond the CS limit are not fetched: an instruction that needs them is #GP(0).
  const uint64_t in_limit = eip > cs.limit ? 0 : uint64_t(cs.limit) - eip + 1;
  const bool clamped = n >= in_limit;
  if (clamped) n = size_t(in_limit);
  const size_t slot = (eip ^ (eip >> 8)) % kDecodeCacheSize;
  translator::MonitorSite& e = g_decoded[slot];
  if (g_decoded_valid[slot] && e.in.eip == eip && e.in.z.length <= n &&
      std::memcmp(e.in.bytes, bytes, e.in.z.length) == 0) {
    e.mode_vector = translator::mode_exception(e.in, m.mode());
    return &e;
  }
  g_decoded_valid[slot] = false;
  if (clamped && (n == 0 || translator::decode(bytes, n, eip, &e.in) ==
                                translator::DecodeStatus::kTruncated)) {
    m.raise(13, true, 0);
    return nullptr;
  }
  if (n == 0 && fault_error != translator::kOutsideRam) {
    m.vcpu().cr2 = fault_linear;
    m.raise(14, true, fault_error);
    return nullptr;
  }
  if (n == 0 || translator::decode(bytes, n, eip, &e.in) != translator::DecodeStatus::kOk) {
    m.stats().monitor[size_t(Kind::Undef)]++;
    m.raise(6);
    return nullptr;
  }
  e.kind = translator::classify(e.in);
  e.mode_vector = translator::mode_exception(e.in, m.mode());
  g_decoded_valid[slot] = true;
  return &e;
}

// Performs `in` (of kind `k`, allowed in this mode). True: it completed and EIP moves to
// the next instruction; false: it set EIP itself, raised, or stopped the VM.
bool perform_kind(Machine& m, const Insn& in, Kind k) {
  switch (k) {
    case Kind::Undef:
      m.raise(6);
      return false;
    case Kind::Aaa: case Kind::Aas: case Kind::Daa: case Kind::Das: case Kind::Aam:
    case Kind::Aad: case Kind::Salc:
      return perform_bcd(m, in, k);
    case Kind::In: case Kind::Out: case Kind::Ins: case Kind::Outs:
      return perform_io(m, in, k);
    case Kind::Int: case Kind::Int1: case Kind::Int3: case Kind::Into: case Kind::Iret: case Kind::JmpFar:
    case Kind::CallFar: case Kind::RetFar: case Kind::Bound:
      return perform_control(m, in, k);
    case Kind::MovToSeg: case Kind::MovFromSeg: case Kind::PushSeg: case Kind::PopSeg:
    case Kind::LoadFarPtr: case Kind::Arpl:
      return perform_segment(m, in, k);
    case Kind::Lldt: case Kind::Ltr: case Kind::Sldt: case Kind::Str: case Kind::Lar:
    case Kind::Lsl: case Kind::Verr: case Kind::Verw:
      return perform_descriptor(m, in, k);
    case Kind::Movs: case Kind::Stos: case Kind::Lods: case Kind::Cmps: case Kind::Scas:
      return perform_string(m, in, k);
    case Kind::Push: case Kind::Pop: case Kind::Pusha: case Kind::Popa: case Kind::Enter:
    case Kind::Leave: case Kind::Call: case Kind::Ret:
      return perform_stack(m, in, k);  // a 16-bit stack (SS.B = 0)
    default:
      return perform_system(m, in, k);
  }
}

}  // namespace

void perform_monitor_call(Machine& m, uint32_t site) {
  VcpuState& v = m.vcpu();
  const translator::MonitorSite* decoded =
      site != translator::kNoMonitorSite ? &m.tc().monitor_site(site) : decode_at(m, v.eip);
  if (!decoded) return;
  const Insn& in = decoded->in;
  const Kind k = decoded->kind;
  m.stats().monitor[size_t(k)]++;
  // The translator sends an instruction here when the mode makes it fault before it
  // executes: x87/SSE under CR0/CR4, or memory through a null segment.
  if (int vector = decoded->mode_vector; vector >= 0) {
    m.raise(vector, pushes_error_code(vector), 0);
    return;
  }
  BT_ASSERT(translator::info(k).treatment != translator::Treatment::Copy,
            "copied instruction at 0x%08x reached the monitor: %s", v.eip,
            translator::format_insn(in).c_str());

  SensitiveReport* report = m.options().sensitive_report;
  if (!report) {
    if (perform_kind(m, in, k)) v.eip = in.next_eip();
    return;
  }
  const VcpuSnapshot before = v;
  if (perform_kind(m, in, k)) v.eip = in.next_eip();
  report->observe(in, k, before, v, m.mem());
}

}  // namespace bt86::runtime
