// 16550A interrupt identification, priorities, loopback and the OUT2-gated IRQ line.
#include <catch2/catch.hpp>

#include "tests/unit/devices/uart_fixture.h"

namespace bt86::devices {

using namespace uart;
using test::UartFixture;

TEST_CASE("Received data raises IIR code 0x4 until the byte is read", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, kIerRdai);
  CHECK(f.in(kIirFcr) == 0x01);
  f.backend.queue_input("r");
  f.uart.poll_input();
  CHECK(f.in(kIirFcr) == 0x04);
  CHECK(f.in(kIirFcr) == 0x04);  // reading IIR does not clear it
  f.in(kRbrThrDll);
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("In FIFO mode received data is identified once the trigger level is reached",
          "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable | 0x40);  // trigger level 4 bytes
  f.out(kIerDlm, kIerRdai);
  f.enter_loopback();
  for (char c : std::string("abcd")) f.out(kRbrThrDll, static_cast<uint8_t>(c));
  CHECK(f.in(kIirFcr) == 0xC4);
  f.in(kRbrThrDll);
  // Below the trigger level with data left: the character-timeout indication. (bt86 reports
  // it at once; on the chip it follows four character times without FIFO activity.)
  CHECK(f.in(kIirFcr) == 0xCC);
  f.in(kRbrThrDll);
  f.in(kRbrThrDll);
  f.in(kRbrThrDll);
  CHECK(f.in(kIirFcr) == 0xC1);
}

TEST_CASE("Trigger level 14 needs fourteen bytes before IIR reports received data", "[devices]") {
  UartFixture f;
  f.out(kIirFcr, kFcrEnable | 0xC0);
  f.out(kIerDlm, kIerRdai);
  f.enter_loopback();
  for (int i = 0; i < 13; ++i) f.out(kRbrThrDll, 'x');
  CHECK(f.in(kIirFcr) != 0xC4);
  f.out(kRbrThrDll, 'x');
  CHECK(f.in(kIirFcr) == 0xC4);
}

TEST_CASE("Reading IIR clears a THRE interrupt it reports", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, kIerThri);  // THR is empty, so enabling ETBEI raises the interrupt
  CHECK(f.in(kIirFcr) == 0x02);
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("Writing THR ends a THRE interrupt that returns when the byte has gone", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, kIerThri);
  REQUIRE(f.in(kIirFcr) == 0x02);
  REQUIRE(f.in(kIirFcr) == 0x01);
  // Transmission is instant, so THR is empty again by the time the guest can look.
  f.out(kRbrThrDll, '.');
  CHECK(f.in(kIirFcr) == 0x02);
}

TEST_CASE("Re-enabling ETBEI with THR empty reasserts the THRE interrupt", "[devices]") {
  // Linux's 8250 startup test: real 16550s reassert THRE whenever the transmitter is idle
  // and the interrupt is enabled again; otherwise it marks the port UART_BUG_THRE.
  UartFixture f;
  f.out(kIerDlm, kIerThri);
  REQUIRE(f.in(kIirFcr) == 0x02);
  f.out(kIerDlm, 0x00);
  CHECK(f.in(kIirFcr) == 0x01);
  f.out(kIerDlm, kIerThri);
  CHECK(f.in(kIirFcr) == 0x02);
}

TEST_CASE("IIR reports line status, then data, then THRE, then modem status", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, kIerRdai | kIerThri | kIerRlsi | kIerMsi);
  f.enter_loopback(kMcrRts);  // the CTS change is a modem-status event
  f.out(kRbrThrDll, '1');
  f.out(kRbrThrDll, '2');  // overrun: a line-status event

  CHECK(f.in(kIirFcr) == 0x06);
  f.in(kLsr);
  CHECK(f.in(kIirFcr) == 0x04);
  f.in(kRbrThrDll);
  CHECK(f.in(kIirFcr) == 0x02);  // THRE survived the earlier IIR reads that did not report it
  CHECK(f.in(kIirFcr) == 0x00);
  f.in(kMsr);
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("Disabled interrupt sources do not show in IIR", "[devices]") {
  UartFixture f;
  f.out(kIerDlm, kIerThri);
  f.out(kIerDlm, 0x00);
  f.enter_loopback(kMcrRts | kMcrDtr);
  f.out(kRbrThrDll, 'a');
  f.out(kRbrThrDll, 'b');
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("In loopback, transmitted bytes come back to the receiver and not the backend",
          "[devices]") {
  UartFixture f;
  f.enter_loopback();
  f.out(kRbrThrDll, 'L');
  CHECK(f.backend.sent.empty());
  CHECK(f.in(kLsr) == 0x61);
  CHECK(f.in(kRbrThrDll) == 'L');

  f.out(kMcr, 0x00);
  f.out(kRbrThrDll, 'N');
  CHECK(f.backend.sent == "N");
  CHECK(f.in(kLsr) == 0x60);
}

TEST_CASE("In loopback the receiver ignores the backend's input", "[devices]") {
  UartFixture f;
  f.enter_loopback();
  f.backend.queue_input("outside");
  CHECK(f.uart.poll_input() == 0);
  CHECK(f.backend.input.size() == 7);
  CHECK((f.in(kLsr) & kLsrDr) == 0);
}

TEST_CASE("In loopback MSR's CTS, DSR, RI and DCD mirror RTS, DTR, OUT1 and OUT2", "[devices]") {
  UartFixture f;
  // Linux's 8250 probe: loopback with RTS and OUT2 must read CTS and DCD (0x90).
  f.enter_loopback(kMcrRts | kMcrOut2);
  CHECK((f.in(kMsr) & 0xF0) == 0x90);
  f.enter_loopback(kMcrDtr);
  CHECK((f.in(kMsr) & 0xF0) == 0x20);
  f.enter_loopback(kMcrOut1);
  CHECK((f.in(kMsr) & 0xF0) == 0x40);
  f.enter_loopback(kMcrDtr | kMcrRts | kMcrOut1 | kMcrOut2);
  CHECK((f.in(kMsr) & 0xF0) == 0xF0);
}

TEST_CASE("MSR delta bits record line changes until MSR is read", "[devices]") {
  UartFixture f;
  f.enter_loopback();
  f.in(kMsr);  // forget the change from entering loopback
  REQUIRE(f.in(kMsr) == 0x00);

  f.enter_loopback(kMcrDtr | kMcrRts | kMcrOut1 | kMcrOut2);
  // CTS, DSR and DCD changed; RI rose, which is not a trailing edge, so TERI stays clear.
  CHECK(f.in(kMsr) == 0xFB);
  CHECK(f.in(kMsr) == 0xF0);

  f.enter_loopback();
  // Everything fell: three deltas plus TERI for the trailing edge of RI.
  CHECK(f.in(kMsr) == 0x0F);
  CHECK(f.in(kMsr) == 0x00);
}

TEST_CASE("A modem-status change raises IIR code 0x0 until MSR is read", "[devices]") {
  UartFixture f;
  f.enter_loopback();
  f.in(kMsr);
  f.out(kIerDlm, kIerMsi);
  CHECK(f.in(kIirFcr) == 0x01);
  f.enter_loopback(kMcrDtr);
  CHECK(f.in(kIirFcr) == 0x00);
  f.in(kMsr);
  CHECK(f.in(kIirFcr) == 0x01);
}

TEST_CASE("The interrupt line is asserted only while an interrupt is pending and OUT2 is set",
          "[devices]") {
  UartFixture f;
  CHECK_FALSE(f.uart.irq_pending());
  f.out(kIerDlm, kIerThri);
  CHECK_FALSE(f.uart.irq_pending());  // pending, but OUT2 is clear
  f.out(kMcr, kMcrOut2 | kMcrDtr | kMcrRts);
  CHECK(f.uart.irq_pending());
  f.in(kIirFcr);  // reports and clears THRE
  CHECK_FALSE(f.uart.irq_pending());

  f.out(kIerDlm, kIerRdai);
  f.backend.queue_input("!");
  f.uart.poll_input();
  CHECK(f.uart.irq_pending());
  f.in(kRbrThrDll);
  CHECK_FALSE(f.uart.irq_pending());
}

}  // namespace bt86::devices
