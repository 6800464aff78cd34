// The command line: QEMU's spelling, each option's effect, and each error's message.
#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>
#include <vector>

#include "runtime/cli/options.h"

using namespace bt86;
using namespace bt86::cli;
using Catch::Contains;

namespace {

Result<ParsedArgs> parse(std::initializer_list<const char*> args) {
  std::vector<const char*> argv{"bt86"};
  argv.insert(argv.end(), args.begin(), args.end());
  return parse_args(static_cast<int>(argv.size()), argv.data());
}

Config config(std::initializer_list<const char*> args) {
  auto parsed = parse(args);
  if (!parsed) FAIL(parsed.error().message);
  return parsed->config;
}

std::string error(std::initializer_list<const char*> args) {
  auto parsed = parse(args);
  if (parsed) FAIL("accepted");
  return parsed ? std::string() : parsed.error().message;
}

}  // namespace

TEST_CASE("-kernel alone gives the documented defaults", "[cli]") {
  Config c = config({"-kernel", "k.elf"});
  CHECK(c.kernel == "k.elf");
  CHECK(c.ram_mib == 128);
  CHECK(c.append.empty());
  CHECK(c.serial.empty());  // COM1 on stdio
  CHECK_FALSE(c.stats);
  CHECK(c.stats_json.empty());
  CHECK_FALSE(c.sensitive_report);
  CHECK(c.sensitive_report_file.empty());
  CHECK(c.trace == 0);
  CHECK(c.log_file.empty());
  CHECK_FALSE(c.verify_translations);
  CHECK(c.tc_mib == 64);
}

TEST_CASE("every option has a -opt, --opt and -opt=value spelling", "[cli]") {
  CHECK(config({"-kernel", "a"}).kernel == "a");
  CHECK(config({"--kernel", "a"}).kernel == "a");
  CHECK(config({"-kernel=a"}).kernel == "a");
  CHECK(config({"--kernel=a=b"}).kernel == "a=b");
  CHECK(config({"-kernel", "k", "--append=x y"}).append == "x y");
  CHECK(config({"-kernel", "k", "--m", "256"}).ram_mib == 256);
  CHECK(config({"-kernel", "k", "-m=64"}).ram_mib == 64);
}

TEST_CASE("each option sets its field", "[cli]") {
  SECTION("-append, including an empty string and a value starting with a dash") {
    CHECK(config({"-kernel", "k", "-append", "console=ttyS0 a,b"}).append == "console=ttyS0 a,b");
    CHECK(config({"-kernel", "k", "-append", ""}).append.empty());
    CHECK(config({"-kernel", "k", "-append", "-x"}).append == "-x");
  }
  SECTION("-initrd, and QEMU's -no-reboot and -nographic accepted") {
    CHECK(config({"-kernel", "k", "-initrd", "i.gz"}).initrd == "i.gz");
    CHECK(config({"-kernel", "k"}).initrd.empty());
    CHECK(config({"-kernel", "k", "-no-reboot", "-nographic"}).kernel == "k");
  }
  SECTION("-serial") {
    CHECK(config({"-kernel", "k", "-serial", "none"}).serial == std::vector<std::string>{"none"});
    CHECK(config({"-kernel", "k", "-serial", "stdio"}).serial == std::vector<std::string>{"stdio"});
    CHECK(config({"-kernel", "k", "-serial", "file:/tmp/out.txt"}).serial == std::vector<std::string>{"file:/tmp/out.txt"});
    // Socket options are the backend's to check; the option keeps the spec whole.
    CHECK(config({"-kernel", "k", "-serial", "unix:/tmp/s"}).serial == std::vector<std::string>{"unix:/tmp/s"});
    CHECK(config({"-kernel", "k", "-serial", "unix:/tmp/s,server=on,wait=off"}).serial ==
          std::vector<std::string>{"unix:/tmp/s,server=on,wait=off"});
    CHECK_THAT(error({"-kernel", "k", "-serial", "unix:"}), Contains("needs a socket path"));
    CHECK_THAT(error({"-kernel", "k", "-serial", "unix:,server"}), Contains("needs a socket path"));
    CHECK_THAT(error({"-kernel", "k", "-serial", "tcp::4444"}), Contains("unix:PATH"));
    // Repeated: COM1, COM2, ... as QEMU numbers them; at most four, one on the terminal.
    CHECK(config({"-kernel", "k", "-serial", "none", "-serial", "stdio"}).serial ==
          std::vector<std::string>{"none", "stdio"});
    CHECK_THAT(error({"-kernel", "k", "-serial", "stdio", "-serial", "stdio"}),
               Contains("only one"));
    CHECK_THAT(error({"-kernel", "k", "-serial", "none", "-serial", "none", "-serial", "none",
                      "-serial", "none", "-serial", "none"}),
               Contains("four serial ports"));
  }
  SECTION("-D") {
    CHECK(config({"-kernel", "k", "-D", "log.txt"}).log_file == "log.txt");
  }
  SECTION("-d and --trace") {
    CHECK(config({"-kernel", "k", "-d", "in_asm"}).trace == kTraceInAsm);
    CHECK(config({"-kernel", "k", "--trace", "in_asm,out_asm,exec,int,io"}).trace ==
          (kTraceInAsm | kTraceOutAsm | kTraceExec | kTraceInt | kTraceIo));
    CHECK(config({"-kernel", "k", "--trace=int,io"}).trace == (kTraceInt | kTraceIo));
    // Like QEMU's -d, a later list replaces an earlier one.
    CHECK(config({"-kernel", "k", "-d", "exec", "-d", "io"}).trace == kTraceIo);
  }
  SECTION("--stats") {
    Config plain = config({"-kernel", "k", "--stats"});
    CHECK(plain.stats);
    CHECK(plain.stats_json.empty());
    Config json = config({"-kernel", "k", "--stats=out.json"});
    CHECK(json.stats);
    CHECK(json.stats_json == "out.json");
  }
  SECTION("--sensitive-report, with and without a file") {
    Config plain = config({"-kernel", "k", "--sensitive-report"});
    CHECK(plain.sensitive_report);
    CHECK(plain.sensitive_report_file.empty());
    Config file = config({"-kernel", "k", "--sensitive-report=sens.txt"});
    CHECK(file.sensitive_report);
    CHECK(file.sensitive_report_file == "sens.txt");
    CHECK(config({"-kernel", "k", "-sensitive-report"}).sensitive_report);
    // An optional value only follows '=': the next argument stays an argument.
    Config next = config({"--sensitive-report", "-kernel", "k2"});
    CHECK(next.sensitive_report);
    CHECK(next.sensitive_report_file.empty());
    CHECK(next.kernel == "k2");
  }
  SECTION("--verify-translations") {
    CHECK(config({"-kernel", "k", "--verify-translations"}).verify_translations);
    CHECK(config({"-kernel", "k", "-verify-translations"}).verify_translations);
  }
  SECTION("--tc-size") {
    CHECK(config({"-kernel", "k", "--tc-size", "1"}).tc_mib == 1);
    CHECK(config({"-kernel", "k", "--tc-size=1024"}).tc_mib == 1024);
    CHECK(config({"-kernel", "k", "--tc-size", "16M"}).tc_mib == 16);
  }
  SECTION("a later option overrides an earlier one") {
    Config c = config({"-kernel", "a", "-m", "64", "-kernel", "b", "-m", "32"});
    CHECK(c.kernel == "b");
    CHECK(c.ram_mib == 32);
  }
}

TEST_CASE("-m takes QEMU's size syntax", "[cli]") {
  CHECK(parse_ram_size("256").value() == 256);  // a plain number is MiB
  CHECK(parse_ram_size("256M").value() == 256);
  CHECK(parse_ram_size("256m").value() == 256);
  CHECK(parse_ram_size("1G").value() == 1024);
  CHECK(parse_ram_size("3g").value() == 3072);
  CHECK(parse_ram_size("1.5G").value() == 1536);
  CHECK(parse_ram_size("2048K").value() == 2);
  CHECK(parse_ram_size("4194304B").value() == 4);
  CHECK(parse_ram_size("size=256M").value() == 256);
  CHECK(parse_ram_size("size=512").value() == 512);
  CHECK(parse_ram_size("2").value() == layout::kMinRamMiB);
  CHECK(parse_ram_size("3072").value() == layout::kMaxRamMiB);
}

TEST_CASE("bad -m values are refused with the reason", "[cli]") {
  auto msg = [](const char* v) {
    auto r = parse_ram_size(v);
    if (r) FAIL("accepted " << v);
    return r ? std::string() : r.error().message;
  };
  CHECK_THAT(msg("1"), Contains("out of range"));
  CHECK_THAT(msg("3073"), Contains("out of range"));
  CHECK_THAT(msg("4G"), Contains("out of range"));
  CHECK_THAT(msg("0"), Contains("out of range"));
  CHECK_THAT(msg("1T"), Contains("out of range"));
  CHECK_THAT(msg("1000000000000000000000"), Contains("too large"));
  CHECK_THAT(msg("1500K"), Contains("whole number of MiB"));
  CHECK_THAT(msg("1.0000001M"), Contains("whole number"));
  CHECK_THAT(msg(""), Contains("not a number"));
  CHECK_THAT(msg("M"), Contains("not a number"));
  CHECK_THAT(msg("12X"), Contains("unknown suffix"));
  CHECK_THAT(msg("12MB"), Contains("unexpected text"));
  CHECK_THAT(msg("-5"), Contains("not a number"));
  CHECK_THAT(msg("256,slots=2,maxmem=1G"), Contains("slots"));
  CHECK_THAT(msg("maxmem=1G"), Contains("unknown key"));
}

TEST_CASE("command-line errors name the problem", "[cli]") {
  SECTION("an unknown option, in either spelling") {
    CHECK(error({"-kernel", "k", "-foo"}) == "unknown option '-foo' (see bt86 --help)");
    CHECK(error({"-kernel", "k", "--foo=1"}) == "unknown option '--foo' (see bt86 --help)");
  }
  SECTION("a missing value") {
    CHECK_THAT(error({"-kernel"}), Contains("'-kernel' needs a value"));
    CHECK_THAT(error({"-kernel", "k", "-m"}), Contains("'-m' needs a value"));
    CHECK_THAT(error({"-kernel", "k", "--tc-size"}), Contains("needs a value"));
    CHECK_THAT(error({"-kernel", "k", "-append"}), Contains("needs a value"));
    CHECK_THAT(error({"-kernel", "k", "-D"}), Contains("needs a value"));
    CHECK_THAT(error({"-kernel", "k", "-d"}), Contains("needs a value"));
    CHECK_THAT(error({"-kernel", "k", "-serial"}), Contains("needs a value"));
  }
  SECTION("an empty value where a name is needed") {
    CHECK_THAT(error({"-kernel="}), Contains("-kernel"));
    CHECK_THAT(error({"-kernel", "k", "-D", ""}), Contains("-D"));
    CHECK_THAT(error({"-kernel", "k", "--stats="}), Contains("file name"));
    CHECK_THAT(error({"-kernel", "k", "--sensitive-report="}),
               Contains("--sensitive-report=: needs a file name"));
  }
  SECTION("a value given to a switch") {
    CHECK_THAT(error({"-kernel", "k", "--verify-translations=yes"}), Contains("takes no value"));
  }
  SECTION("no kernel") {
    CHECK_THAT(error({"-m", "64"}), Contains("-kernel FILE"));
  }
  SECTION("nothing at all") {
    CHECK_THAT(error({}), Contains("no kernel"));
  }
  SECTION("a positional argument") {
    CHECK_THAT(error({"-kernel", "k", "disk.img"}), Contains("unexpected argument 'disk.img'"));
    CHECK_THAT(error({"k.elf"}), Contains("unexpected argument"));
    CHECK_THAT(error({"-kernel", "k", "-"}), Contains("unexpected argument '-'"));
  }
  SECTION("a bad -serial") {
    std::string e = error({"-kernel", "k", "-serial", "pty"});
    CHECK_THAT(e, Contains("'pty'"));
    CHECK_THAT(e, Contains("stdio"));
    CHECK_THAT(e, Contains("file:PATH"));
    CHECK_THAT(e, Contains("none"));
    CHECK_THAT(error({"-kernel", "k", "-serial", "file:"}), Contains("needs a path"));
  }
  SECTION("a bad trace item names it and lists the valid ones") {
    std::string e = error({"-kernel", "k", "-d", "in_asm,bogus"});
    CHECK_THAT(e, Contains("'bogus'"));
    CHECK_THAT(e, Contains("in_asm,out_asm,exec,int,io"));
    CHECK_THAT(error({"-kernel", "k", "--trace", "exec,,io"}), Contains("empty item"));
    CHECK_THAT(error({"-kernel", "k", "--trace", ""}), Contains("empty item"));
  }
  SECTION("a bad -m reaches the user") {
    CHECK_THAT(error({"-kernel", "k", "-m", "1"}), Contains("out of range"));
  }
  SECTION("a bad --tc-size") {
    CHECK_THAT(error({"-kernel", "k", "--tc-size", "0"}), Contains("out of range"));
    CHECK_THAT(error({"-kernel", "k", "--tc-size", "1025"}), Contains("out of range"));
    CHECK_THAT(error({"-kernel", "k", "--tc-size", "lots"}), Contains("not a number"));
  }
}

TEST_CASE("help and version stop parsing and need no kernel", "[cli]") {
  for (const char* h : {"-h", "--h", "-help", "--help"}) {
    auto p = parse({h});
    REQUIRE(p.has_value());
    CHECK(p->help);
  }
  for (const char* v : {"-version", "--version"}) {
    auto p = parse({v});
    REQUIRE(p.has_value());
    CHECK(p->version);
  }
  auto later = parse({"--help", "-bogus"});  // as in QEMU: -h acts at once
  REQUIRE(later.has_value());
  CHECK(later->help);
  CHECK_FALSE(parse({"-bogus", "--help"}).has_value());  // errors before it still count

  auto d = parse({"-d", "help"});
  REQUIRE(d.has_value());
  CHECK(d->trace_help);
  CHECK_THAT(trace_help_text(), Contains("out_asm"));
  CHECK_THAT(version_text(), Contains("bt86"));
}

TEST_CASE("the usage text lists every option on its own line", "[cli]") {
  std::string u = usage_text();
  for (const char* opt :
       {"\n  -kernel FILE", "\n  -append STR", "\n  -m SIZE", "\n  -serial DEV", "\n  -D LOGFILE",
        "\n  -d LIST", "\n  --trace LIST", "\n  --stats[=FILE.json]", "\n  --sensitive-report[=FILE]", "\n  --verify-translations",
        "\n  --tc-size MiB", "\n  -h ", "\n  -help ", "\n  -version "}) {
    INFO(opt);
    CHECK_THAT(u, Contains(opt));
  }
  CHECK_THAT(u, Contains("QEMU"));
}
