// The Ctrl-A escape of the interactive console: which typed bytes reach the guest, which command.
#include "devices/console_escape.h"

#include "common/result.h"

namespace bt86::devices {

EscapeResult ConsoleEscape::feed(uint8_t byte) {
  if (!in_escape_) {
    if (byte == kEscapeChar) {
      in_escape_ = true;
      return {};
    }
    return {byte};
  }
  in_escape_ = false;
  switch (byte) {
    case kEscapeChar:
    case 'a':
      return {kEscapeChar};
    case 'x':
      return {std::nullopt, EscapeAction::kQuit, byte};
    case 'h':
    case '?':
      return {std::nullopt, EscapeAction::kHelp, byte};
    case 's':
    case 'b':
    case 'c':
    case 't':
      return {std::nullopt, EscapeAction::kUnsupported, byte};
    default:
      return {};
  }
}

std::string ConsoleEscape::help_text() {
  return "C-a h    print this help\n"
         "C-a x    exit bt86\n"
         "C-a a    send C-a to the guest (C-a C-a does too)\n"
         "C-a s, C-a b, C-a c, C-a t: QEMU's commit, break, monitor and timestamps;"
         " not in bt86\n";
}

std::string ConsoleEscape::unsupported_note(uint8_t key) {
  const char* what = "this command";
  switch (key) {
    case 's':
      what = "saving disks (there are none)";
      break;
    case 'b':
      what = "sending a break";
      break;
    case 'c':
      what = "the monitor";
      break;
    case 't':
      what = "console timestamps";
      break;
  }
  return strfmt("bt86: C-a %c: %s is not supported; C-a h lists the keys\n", key, what);
}

}  // namespace bt86::devices
