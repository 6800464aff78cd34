// bt86_diff_case: runs one hand-written case or one random sequence natively and translated,
// and prints both snapshots and their differences (for debugging a diff test failure).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/diff/case_file.h"
#include "tests/diff/flag_mask.h"
#include "tests/diff/random_gen.h"
#include "tests/diff/snapshot_diff.h"

namespace bt86::diff {
namespace {

constexpr const char* kUsage =
    "usage: bt86_diff_case NAME            run the hand-written case NAME (e.g. alu/add_carry)\n"
    "       bt86_diff_case --random SEED INDEX\n"
    "                                      run random sequence INDEX of SEED\n"
    "       bt86_diff_case --list          list the hand-written cases\n"
    "Cases are read from $BT86_DIFF_CASES or the build directory.\n";

Result<CaseInput> find_case(const std::string& name) {
  auto cases = load_case_dir(default_case_dir());
  if (!cases) return std::unexpected(cases.error());
  for (auto& c : *cases)
    if (c.name == name) return std::move(c);
  return fail("no case named %s (try --list)", name.c_str());
}

int run(const CaseInput& in) {
  std::printf("%s", describe_input(in).c_str());
  Snapshot native = run_native(in);
  std::optional<uint32_t> stop;
  if (native.fault_vector) stop = native.eip;
  uint32_t undefined = undefined_flags(in.code, stop);
  std::printf("undefined flags: %s\nnative:\n%s", flag_names(undefined).c_str(),
              format_snapshot(native).c_str());
#if BT86_DIFF_NATIVE_ONLY
  std::printf("translated: (not built: native-only harness)\n");
  return 0;
#else
  Snapshot translated = run_translated(in);
  std::printf("translated:\n%s", format_snapshot(translated).c_str());
  std::string diff = diff_snapshots(native, translated, undefined);
  std::printf("%s\n", diff.empty() ? "same" : ("differences:\n" + diff).c_str());
  return diff.empty() ? 0 : 1;
#endif
}

int main_impl(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--list") == 0) {
    auto cases = load_case_dir(default_case_dir());
    if (!cases) {
      std::fprintf(stderr, "bt86_diff_case: %s\n", cases.error().message.c_str());
      return 2;
    }
    for (const auto& c : *cases) std::printf("%s\n", c.name.c_str());
    return 0;
  }
  if (argc == 4 && std::strcmp(argv[1], "--random") == 0) {
    return run(random_case(std::strtoull(argv[2], nullptr, 0), std::strtoull(argv[3], nullptr, 0)));
  }
  if (argc == 2 && argv[1][0] != '-') {
    auto in = find_case(argv[1]);
    if (!in) {
      std::fprintf(stderr, "bt86_diff_case: %s\n", in.error().message.c_str());
      return 2;
    }
    return run(*in);
  }
  std::fprintf(stderr, "%s", kUsage);
  return 2;
}

}  // namespace
}  // namespace bt86::diff

int main(int argc, char** argv) {
  return bt86::diff::main_impl(argc, argv);
}
