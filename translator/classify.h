// Maps a decoded guest instruction to its row of the instruction table.
#pragma once

#include "translator/decode.h"
#include "translator/block.h"
#include "translator/insn_table.h"

namespace bt86::translator {

Kind classify(const Insn& insn);

// True for the instruction-set extensions of the modeled CPU (the same ones CPUID reports).
bool isa_set_modeled(ZydisISASet set);

// The exception an instruction raises before executing, given only the mode: #NM or #UD
// for an x87, MMX or SSE instruction under CR0.MP/EM/TS and CR4.OSFXSR (each instruction's
// protected-mode exceptions in the SDM), #GP(0) for a memory access through a null
// segment register or a write through CS; -1 when the mode allows it.
int mode_exception(const Insn& insn, ModeKey mode);

}  // namespace bt86::translator
