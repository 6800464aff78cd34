; BCD adjustments: DAA DAS AAA AAS AAM AAD with several values (their OF and some other flags
; are undefined and masked); AAM 0 faults with #DE.
%include "case.inc"

%macro DAA_CASE 3   ; name, a, b: al = a + b, then DAA
CASE %1
        mov eax, %2
        add al, %3
        daa
ENDCASE
%endmacro
%macro DAS_CASE 3
CASE %1
        mov eax, %2
        sub al, %3
        das
ENDCASE
%endmacro

DAA_CASE "daa_0f_plus_01", 0x0F, 0x01
DAA_CASE "daa_99_plus_01", 0x99, 0x01
DAA_CASE "daa_45_plus_45", 0x45, 0x45
DAA_CASE "daa_88_plus_88", 0x88, 0x88
DAA_CASE "daa_50_plus_50", 0x50, 0x50
DAA_CASE "daa_09_plus_09", 0x09, 0x09
DAS_CASE "das_10_minus_01", 0x10, 0x01
DAS_CASE "das_00_minus_01", 0x00, 0x01
DAS_CASE "das_45_minus_46", 0x45, 0x46
DAS_CASE "das_91_minus_19", 0x91, 0x19

CASE "daa_with_cf_af_preset"
        mov eax, 0x119A                 ; AH: AF and CF for SAHF, AL: 0x9A
        sahf
        daa
ENDCASE

CASE "aaa_low_nibble_over_9"
        mov eax, 0x0000010B
        aaa
ENDCASE

CASE "aaa_after_add"
        mov eax, 0x00000008
        add al, 0x08
        aaa
        mov ecx, eax
        mov eax, 0x00000205
        add al, 0x03
        aaa
ENDCASE

CASE "aas_borrow"
        mov eax, 0x00000203
        sub al, 0x05
        aas
ENDCASE

CASE "aas_no_adjust"
        mov eax, 0x00000309
        sub al, 0x02
        aas
ENDCASE

CASE "aam_10_and_16"
        mov eax, 0x12340063             ; 99
        aam
        mov ecx, eax
        mov eax, 0x000000FF
        aam 16
ENDCASE

CASE "aam_zero_result"
        mov eax, 0x0000FF00
        aam
ENDCASE

CASE "aad_10_and_7"
        mov eax, 0x00000909
        aad
        mov ecx, eax
        mov eax, 0x0000FFFF
        aad 7
ENDCASE

CASE "aad_zero_base"
        mov eax, 0x00001234
        aad 0
ENDCASE

CASE "aam_0_fault"
        mov eax, 0x00000055
        aam 0
ENDCASE
