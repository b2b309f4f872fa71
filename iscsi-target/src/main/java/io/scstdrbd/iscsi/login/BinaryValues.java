package io.scstdrbd.iscsi.login;

import java.util.Base64;
import java.util.HexFormat;

/** Binary text values (RFC 7143 6.1): {@code 0x} hex or {@code 0b} base64; numbers for CHAP_I. */
final class BinaryValues {
    private BinaryValues() {
    }

    static byte[] decode(String v) {
        if (v.length() > 2 && (v.startsWith("0x") || v.startsWith("0X"))) {
            String hex = v.substring(2);
            if ((hex.length() & 1) == 1) {
                hex = "0" + hex;
            }
            return HexFormat.of().parseHex(hex);
        }
        if (v.length() > 2 && (v.startsWith("0b") || v.startsWith("0B"))) {
            return Base64.getDecoder().decode(v.substring(2));
        }
        throw new IllegalArgumentException("not a 0x or 0b binary value");
    }

    static String encodeHex(byte[] b) {
        return "0x" + HexFormat.of().formatHex(b);
    }

    /** A decimal or 0x-hex number. */
    static long number(String v) {
        if (v.startsWith("0x") || v.startsWith("0X")) {
            return Long.parseLong(v.substring(2), 16);
        }
        return Long.parseLong(v);
    }
}
