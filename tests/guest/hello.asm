; hello: the smallest guest — polled COM1 output and a clean exit.
; expect-exit: 1
; expect: hello, world
; expect: second line

%include "guest.inc"

main:
    println "hello, world"
    println "second line"
    exit 0
