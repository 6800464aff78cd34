// Maps a decoded guest instruction to its row of the instruction table.
#pragma once

#include "translator/decode.h"
#include "translator/insn_table.h"

namespace bt86::translator {

Kind classify(const Insn& insn);

// True for the instruction-set extensions of the modeled CPU (the same ones CPUID reports).
bool isa_set_modeled(ZydisISASet set);

}  // namespace bt86::translator
