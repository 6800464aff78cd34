// Loads the hand-written cases (cases/*.asm, assembled to flat record files) into CaseInputs.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"
#include "tests/diff/diff_case.h"

namespace bt86::diff {

// The state every hand-written case starts from; documented in cases/case.inc:
// eax=0x12345678 ecx=0x9ABCDEF0 edx=0x0F1E2D3C ebx=kDataAddr esp=kStackTop ebp=0x76543210
// esi=kDataAddr+0x1000 edi=kDataAddr+0x2000; OF SF AF CF set; data byte i = i*7+3.
CaseInput initial_case_state();

// The data area's initial contents: byte i = (i*7 + 3) & 0xFF.
std::vector<uint8_t> initial_data_pattern();

// Parses one assembled case file; each case is named "<file stem>/<case name>".
Result<std::vector<CaseInput>> load_case_file(const std::string& path);

// Every *.bin file in `dir`, sorted by file name, loaded in order.
Result<std::vector<CaseInput>> load_case_dir(const std::string& dir);

// The directory holding the assembled cases: $BT86_DIFF_CASES, else the build directory's.
std::string default_case_dir();

}  // namespace bt86::diff
