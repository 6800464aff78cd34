// Parses the flat record files that cases/case.inc makes NASM emit (format described there).
#include "tests/diff/case_file.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bt86::diff {

namespace {

constexpr uint32_t kMagic = 0x43363862;  // 'b86C' as NASM stores dd 'b86C'

bool read_u32(const std::vector<uint8_t>& buf, size_t& pos, uint32_t& out) {
  if (buf.size() - pos < 4) return false;
  std::memcpy(&out, buf.data() + pos, 4);
  pos += 4;
  return true;
}

}  // namespace

std::vector<uint8_t> initial_data_pattern() {
  static const std::vector<uint8_t> pattern = [] {
    std::vector<uint8_t> data(kDataSize);
    for (uint32_t i = 0; i < kDataSize; ++i) data[i] = static_cast<uint8_t>(i * 7 + 3);
    return data;
  }();
  return pattern;
}

CaseInput initial_case_state() {
  CaseInput in;
  in.gpr[kEax] = 0x12345678;
  in.gpr[kEcx] = 0x9ABCDEF0;
  in.gpr[kEdx] = 0x0F1E2D3C;
  in.gpr[kEbx] = kDataAddr;
  in.gpr[kEsp] = kStackTop;
  in.gpr[kEbp] = 0x76543210;
  in.gpr[kEsi] = kDataAddr + 0x1000;
  in.gpr[kEdi] = kDataAddr + 0x2000;
  in.eflags = kFlagOF | kFlagSF | kFlagAF | kFlagCF;
  in.data = initial_data_pattern();
  return in;
}

Result<std::vector<CaseInput>> load_case_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail("cannot open case file %s", path.c_str());
  std::vector<uint8_t> buf((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string stem = std::filesystem::path(path).stem().string();

  std::vector<CaseInput> cases;
  CaseInput base = initial_case_state();
  size_t pos = 0;
  while (pos < buf.size()) {
    uint32_t magic, name_len, code_len;
    if (!read_u32(buf, pos, magic) || magic != kMagic)
      return fail("%s: bad record magic at offset %zu", path.c_str(), pos);
    if (!read_u32(buf, pos, name_len) || buf.size() - pos < name_len)
      return fail("%s: truncated name at offset %zu", path.c_str(), pos);
    std::string name(reinterpret_cast<const char*>(buf.data() + pos), name_len);
    pos += name_len;
    if (!read_u32(buf, pos, code_len) || buf.size() - pos < code_len || code_len > kCodeMax)
      return fail("%s: case %s: bad code length", path.c_str(), name.c_str());
    CaseInput in = base;
    in.name = stem + "/" + name;
    in.code.assign(buf.begin() + pos, buf.begin() + pos + code_len);
    pos += code_len;
    cases.push_back(std::move(in));
  }
  return cases;
}

Result<std::vector<CaseInput>> load_case_dir(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().extension() == ".bin") files.push_back(e.path().string());
  if (ec) return fail("cannot list case directory %s: %s", dir.c_str(), ec.message().c_str());
  if (files.empty()) return fail("no assembled cases (*.bin) in %s", dir.c_str());
  std::sort(files.begin(), files.end());
  std::vector<CaseInput> all;
  for (const auto& file : files) {
    auto cases = load_case_file(file);
    if (!cases) return std::unexpected(cases.error());
    for (auto& c : *cases) all.push_back(std::move(c));
  }
  return all;
}

std::string default_case_dir() {
  if (const char* env = std::getenv("BT86_DIFF_CASES")) return env;
  return BT86_DIFF_CASE_DIR;
}

}  // namespace bt86::diff
