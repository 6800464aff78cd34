; Stack: PUSH/POP of registers, immediates and memory in 16 and 32 bits, PUSH ESP, POP ESP,
; POP [ESP+4], PUSH [ESP], PUSHA/POPA, PUSHAD/POPAD, ENTER (levels 0, 1, 3)/LEAVE.
; ESP starts at STACK_TOP, inside the data area, so every push is compared.
%include "case.inc"

CASE "push_pop_registers"
        push eax
        push ecx
        push edx
        pop esi
        pop edi
        pop ebp
ENDCASE

CASE "push_imm8_imm32"
        push byte -2
        push dword 0x12345678
        push byte 0x7F
ENDCASE

CASE "push_pop_memory"
        push dword [DATA + 0x10]
        pop dword [DATA + 0x20]
        push dword [ebx + 0x30]
        pop eax
ENDCASE

CASE "push_esp_pushes_old_value"
        push esp
        pop eax
        sub eax, esp
ENDCASE

CASE "pop_esp_loads_value"
        push dword STACK_TOP - 0x40
        pop esp
        push ecx
ENDCASE

CASE "pop_into_esp_relative_after_increment"
        push dword 0x11111111
        push dword 0x22222222
        push dword 0x33333333
        pop dword [esp + 4]               ; address computed with the incremented ESP
ENDCASE

CASE "push_esp_relative_memory"
        push dword 0xAAAAAAAA
        push dword [esp]
        push dword [esp + 4]
ENDCASE

CASE "push16_pop16"
        push ax
        push word 0x1234
        push word -1
        pop cx
        pop dx
        pop si
ENDCASE

CASE "push16_memory_and_pop16_memory"
        push word [DATA + 0x40]
        pop word [DATA + 0x50]
ENDCASE

CASE "pushad_popad"
        mov eax, 0x11111111
        mov ecx, 0x22222222
        pushad
        mov eax, 0
        mov ecx, 0
        mov esi, 0
        popad
ENDCASE

CASE "popad_skips_esp"
        pushad
        mov dword [esp + 12], 0           ; the saved ESP slot is ignored by POPAD
        mov dword [esp + 28], 0xCAFEF00D  ; saved EAX
        popad
ENDCASE

CASE "pusha16_popa16"
        mov eax, 0xAAAA1111
        mov ecx, 0xBBBB2222
        pushaw
        mov ax, 0
        mov cx, 0
        popaw
ENDCASE

CASE "enter_level0_leave"
        mov ebp, 0x5555AAAA
        enter 16, 0
        mov dword [ebp - 4], 0x01020304
        mov eax, ebp
        mov ecx, esp
        leave
ENDCASE

CASE "enter_level1"
        mov ebp, 0x5555AAAA
        enter 8, 1
        mov eax, ebp
        mov ecx, esp
        leave
ENDCASE

CASE "enter_level3_nested"
        mov ebp, DATA + 0x800             ; the outer frames' display is read from [ebp-4], [ebp-8]
        mov dword [DATA + 0x800 - 4], 0xF1F1F1F1
        mov dword [DATA + 0x800 - 8], 0xF2F2F2F2
        enter 12, 3
        mov eax, ebp
        mov ecx, esp
        leave
ENDCASE

CASE "enter_twice_leave_twice"
        enter 4, 0
        enter 8, 2
        leave
        leave
ENDCASE

CASE "enter16_leave16"
        mov ebp, DATA + 0x5678            ; LEAVE copies all of EBP to ESP: keep its top half
        o16 enter 6, 0
        mov eax, ebp
        o16 leave
ENDCASE

CASE "leave_restores_ebp_from_frame"
        push dword 0xCCCCCCCC
        mov ebp, esp
        sub esp, 32
        leave
ENDCASE

CASE "push_pop_flags_via_lahf"
        stc
        lahf
        push eax
        clc
        pop eax
        sahf
ENDCASE

CASE "deep_push_pop_sequence"
        mov ecx, 50
.push:  push ecx
        loop .push
        mov ecx, 50
        xor eax, eax
.pop:   pop edx
        add eax, edx
        loop .pop
ENDCASE

CASE "sub_esp_and_store"
        sub esp, 0x20
        mov dword [esp], 1
        mov dword [esp + 0x1C], 2
        add esp, 0x20
ENDCASE

CASE "xchg_esp_memory"
        push dword 0x10203040
        xchg eax, [esp]
        pop ecx
ENDCASE
