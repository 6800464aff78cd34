// 16550A register behaviour: reset values, DLAB, scratch, LSR, FIFOs (PC16550D datasheet).
#include <catch2/catch.hpp>

#include "tests/unit/devices/uart_fixture.h"

namespace bt86::devices {

using namespace uart;
using test::FakeCharBackend;
using test::UartFixture;

TEST_CASE("A reset 16550A shows the datasheet's reset values", "[devices]") {
  UartFixture f;
  CHECK(f.in(kIerDlm) == 0x00);
  CHECK(f.in(kIirFcr) == 0x01);  // no interrupt pending, FIFOs off
  CHECK(f.in(kLcr) == 0x00);
  CHECK(f.in(kMcr) == 0x00);
  CHECK(f.in(kLsr) == 0x60);  // THRE and TEMT
}

TEST_CASE("With DLAB set, offsets 0 and 1 are the divisor latch, not THR and IER", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, 0x05);
  f.out(kLcr, 0x83);  // DLAB, 8 data bits
  f.out(kRbrThrDll, 0x0C);
  f.out(kIerDlm, 0x00);  // 9600 baud from 1.8432 MHz
  CHECK(f.uart.divisor() == 12);
  CHECK(f.in(kRbrThrDll) == 0x0C);
  CHECK(f.in(kIerDlm) == 0x00);
  CHECK(f.backend.sent.empty());  // the DLL write transmitted nothing

  f.out(kLcr, 0x03);
  CHECK(f.in(kIerDlm) == 0x05);  // IER kept its value behind the latch
  f.out(kRbrThrDll, 'Z');
  CHECK(f.backend.sent == "Z");
  CHECK(f.uart.divisor() == 12);
}

TEST_CASE("Reading the divisor latch does not consume a received byte", "[devices]") {
  UartFixture f;
  f.backend.queue_input("q");
  REQUIRE(f.uart.poll_input() == 1);
  f.out(kLcr, kLcrDlab);
  f.in(kRbrThrDll);
  f.out(kLcr, 0x00);
  CHECK((f.in(kLsr) & kLsrDr) != 0);
  CHECK(f.in(kRbrThrDll) == 'q');
}

TEST_CASE("LCR holds all eight bits and the scratch register holds whatever is written",
          "[devices]") {
  UartFixture f;
  f.out(kLcr, 0x5B);
  CHECK(f.in(kLcr) == 0x5B);
  f.out(kScr, 0xA5);
  CHECK(f.in(kScr) == 0xA5);
  f.out(kScr, 0x5A);
  CHECK(f.in(kScr) == 0x5A);
}

TEST_CASE("IER bits 7:4 and MCR bits 7:5 always read as zero", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, 0xFF);
  CHECK(f.in(kIerDlm) == 0x0F);
  f.out(kMcr, 0xEF);  // everything but loopback
  CHECK(f.in(kMcr) == 0x0F);
}

TEST_CASE("A byte written to THR reaches the backend and leaves THRE and TEMT set", "[devices]") {
  UartFixture f;
  f.out(kRbrThrDll, 'h');
  f.out(kRbrThrDll, 'i');
  CHECK(f.backend.sent == "hi");
  CHECK(f.in(kLsr) == 0x60);
}

TEST_CASE("Without FIFOs the receiver holds one byte and DR tracks it", "[devices]") {
  UartFixture f;
  f.backend.queue_input("ab");
  CHECK(f.uart.poll_input() == 1);  // RBR is full; 'b' waits in the backend
  CHECK(f.in(kLsr) == 0x61);
  CHECK(f.in(kRbrThrDll) == 'a');
  CHECK(f.in(kLsr) == 0x60);
  CHECK(f.uart.poll_input() == 1);
  CHECK(f.in(kRbrThrDll) == 'b');
  CHECK(f.uart.poll_input() == 0);
}

TEST_CASE("Without FIFOs a second byte overwrites the unread one and sets OE", "[devices]") {
  UartFixture f;
  f.enter_loopback();
  f.out(kRbrThrDll, 'x');
  f.out(kRbrThrDll, 'y');
  CHECK(f.in(kLsr) == 0x63);  // DR, OE, THRE, TEMT
  CHECK(f.in(kLsr) == 0x61);  // reading LSR cleared OE
  CHECK(f.in(kRbrThrDll) == 'y');
  CHECK(f.in(kLsr) == 0x60);
}

TEST_CASE("Enabling the FIFOs sets IIR bits 7:6 and disabling them clears those bits",
          "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  CHECK(f.in(kIirFcr) == 0xC1);
  f.out(kIirFcr, 0x00);
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("The receive FIFO hands bytes back in the order they arrived", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  f.backend.queue_input("serial");
  CHECK(f.uart.poll_input() == 6);
  std::string got;
  while (f.in(kLsr) & kLsrDr) got += static_cast<char>(f.in(kRbrThrDll));
  CHECK(got == "serial");
}

TEST_CASE("A seventeenth byte into a full FIFO is lost and sets OE", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  f.enter_loopback();
  for (int i = 0; i < 17; ++i) f.out(kRbrThrDll, static_cast<uint8_t>('A' + i));
  CHECK(f.in(kLsr) == 0x63);
  CHECK(f.in(kLsr) == 0x61);
  std::string got;
  while (f.in(kLsr) & kLsrDr) got += static_cast<char>(f.in(kRbrThrDll));
  CHECK(got == "ABCDEFGHIJKLMNOP");  // 'Q' never entered the FIFO
}

TEST_CASE("Polling input stops when the FIFO is full instead of overrunning it", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  f.backend.queue_input("0123456789abcdefXYZ");
  CHECK(f.uart.poll_input() == 16);
  CHECK(f.backend.input.size() == 3);
  CHECK((f.in(kLsr) & kLsrOe) == 0);
}

TEST_CASE("FCR bit 1 empties the receive FIFO", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  f.backend.queue_input("junk");
  f.uart.poll_input();
  REQUIRE((f.in(kLsr) & kLsrDr) != 0);
  f.out(kIirFcr, kFcrEnable | kFcrClearRx | kFcrClearTx);
  CHECK(f.in(kLsr) == 0x60);
  CHECK(f.in(kIirFcr) == 0xC1);  // FIFOs still enabled; the reset bits clear themselves
}

TEST_CASE("Leaving FIFO mode empties the receiver", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable);
  f.backend.queue_input("abc");
  f.uart.poll_input();
  f.out(kIirFcr, 0x00);
  CHECK((f.in(kLsr) & kLsrDr) == 0);
}

TEST_CASE("FCR bits are not programmed unless FCR bit 0 is written as one", "[devices]") {
  UartFixture f;
  f.backend.queue_input("k");
  f.uart.poll_input();
  f.out(kIirFcr, 0xC2);  // trigger level and receiver reset, but FIFO enable clear
  CHECK(f.in(kIirFcr) == 0x01);
  CHECK(f.in(kLsr) == 0x61);  // the byte in RBR survived
  CHECK(f.in(kRbrThrDll) == 'k');
}

TEST_CASE("A UART without a backend swallows output and never receives", "[devices]") {
  Uart16550 uart("com2", nullptr);
  uart.write(kRbrThrDll, 1, 'x');
  CHECK(uart.read(kLsr, 1) == 0x60);
  CHECK(uart.poll_input() == 0);
}

TEST_CASE("A 16-bit read of the UART reads two registers, the lower offset first", "[devices]") {
  UartFixture f;
  f.out(kMcr, 0x03);
  // MCR at offset 4 in the low byte, LSR at offset 5 in the high byte.
  CHECK(f.uart.read(kMcr, 2) == 0x6003);
  f.uart.write(kLcr, 2, 0x0B1B);  // LCR = 0x1B, MCR = 0x0B
  CHECK(f.in(kLcr) == 0x1B);
  CHECK(f.in(kMcr) == 0x0B);
}

}  // namespace bt86::devices
