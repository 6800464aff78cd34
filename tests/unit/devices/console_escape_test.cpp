// ConsoleEscape: which typed bytes reach the guest and which Ctrl-A commands they make.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "devices/console_escape.h"

namespace bt86::devices {
namespace {

struct Typed {
  std::string guest;                  // the bytes the guest receives
  std::vector<EscapeAction> actions;  // every action other than kNone, in order
  std::string keys;                   // the key of each action
};

Typed type(ConsoleEscape& escape, const std::string& bytes) {
  Typed t;
  for (char c : bytes) {
    const EscapeResult r = escape.feed(static_cast<uint8_t>(c));
    if (r.guest_byte) t.guest += static_cast<char>(*r.guest_byte);
    if (r.action != EscapeAction::kNone) {
      t.actions.push_back(r.action);
      t.keys += static_cast<char>(r.key);
    }
  }
  return t;
}

Typed type(const std::string& bytes) {
  ConsoleEscape escape;
  return type(escape, bytes);
}

using A = EscapeAction;

}  // namespace

TEST_CASE("Bytes without Ctrl-A reach the guest unchanged, Ctrl-C included", "[devices]") {
  const std::string all_but_escape = [] {
    std::string s;
    for (int b = 0; b < 256; ++b)
      if (b != ConsoleEscape::kEscapeChar) s += static_cast<char>(b);
    return s;
  }();
  const Typed t = type(all_but_escape);
  CHECK(t.guest == all_but_escape);
  CHECK(t.actions.empty());
}

TEST_CASE("Ctrl-A x asks to quit and nothing of it reaches the guest", "[devices]") {
  ConsoleEscape escape;
  const Typed before = type(escape, "ls\x01");
  CHECK(before.guest == "ls");
  CHECK(before.actions.empty());
  CHECK(escape.in_escape());
  const Typed t = type(escape, "x");
  CHECK(t.guest.empty());
  CHECK(t.actions == std::vector<A>{A::kQuit});
  CHECK_FALSE(escape.in_escape());
}

TEST_CASE("Ctrl-A a and Ctrl-A Ctrl-A each send one Ctrl-A", "[devices]") {
  CHECK(type("\x01"
             "a")
            .guest == "\x01");
  CHECK(type("\x01\x01").guest == "\x01");
  // The sent Ctrl-A does not start a new escape: the x after it is an ordinary x.
  const Typed t = type(
      "\x01\x01x\x01"
      "ax");
  CHECK(t.guest == "\x01x\x01x");
  CHECK(t.actions.empty());
}

TEST_CASE("Ctrl-A h and Ctrl-A ? ask for help; s, b, c, t are noted as unsupported", "[devices]") {
  const Typed t = type(
      "\x01h\x01?\x01s\x01"
      "b\x01"
      "c\x01t");
  CHECK(t.guest.empty());
  CHECK(t.actions == std::vector<A>{A::kHelp, A::kHelp, A::kUnsupported, A::kUnsupported,
                                    A::kUnsupported, A::kUnsupported});
  CHECK(t.keys == "h?sbct");
}

TEST_CASE("Ctrl-A and a key that is no command are both dropped, as in QEMU", "[devices]") {
  const Typed t = type("a\x01qb\x01\r");
  CHECK(t.guest == "ab");
  CHECK(t.actions.empty());
}

TEST_CASE("An escape split across reads still works", "[devices]") {
  ConsoleEscape escape;
  CHECK(type(escape, "\x01").guest.empty());
  CHECK(type(escape, "x").actions == std::vector<A>{A::kQuit});
  CHECK(type(escape, "x").guest == "x");  // the escape is over
}

TEST_CASE("The help lists every key the escape knows", "[devices]") {
  const std::string help = ConsoleEscape::help_text();
  for (const char* key : {"C-a h", "C-a x", "C-a a", "C-a C-a", "C-a s", "C-a b", "C-a c"}) {
    INFO(key);
    CHECK(help.find(key) != std::string::npos);
  }
  CHECK(help.back() == '\n');
  const std::string note = ConsoleEscape::unsupported_note('b');
  CHECK(note.find("C-a b") != std::string::npos);
  CHECK(note.find("not supported") != std::string::npos);
}

}  // namespace bt86::devices
