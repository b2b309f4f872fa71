package io.scstdrbd.iscsi.login;

import io.scstdrbd.iscsi.pdu.PduFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The key=value text of Login and Text PDUs (RFC 7143 6.1): UTF-8 pairs, each terminated by a
 * NUL byte, in order.
 */
public final class TextParameters {
    /** RFC 7143 6.1: key names are at most 63 bytes. */
    public static final int MAX_KEY_LENGTH = 63;
    /** Binary CHAP values may be long; anything beyond this is hostile. */
    public static final int MAX_VALUE_LENGTH = 8192;

    /** One key=value pair. */
    public record Pair(String key, String value) {
        @Override
        public String toString() {
            return key + "=" + (key.equals("CHAP_R") || key.equals("CHAP_C") ? "…" : value);
        }
    }

    private TextParameters() {
    }

    /**
     * Parses a text data segment.
     *
     * @throws PduFormatException for a pair without '=', an empty or over-long key, or characters
     *                            not allowed in key names
     */
    public static List<Pair> decode(byte[] data) throws PduFormatException {
        List<Pair> out = new ArrayList<>();
        int start = 0;
        while (start < data.length) {
            int end = start;
            while (end < data.length && data[end] != 0) {
                end++;
            }
            if (end > start) {
                out.add(parsePair(new String(data, start, end - start, StandardCharsets.UTF_8)));
            }
            start = end + 1;
        }
        return out;
    }

    private static Pair parsePair(String s) throws PduFormatException {
        int eq = s.indexOf('=');
        if (eq <= 0) {
            throw new PduFormatException("malformed text key '" + clip(s) + "' (no key=value)");
        }
        String key = s.substring(0, eq);
        String value = s.substring(eq + 1);
        if (key.length() > MAX_KEY_LENGTH) {
            throw new PduFormatException("text key longer than 63 bytes: '" + clip(key) + "'");
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '+' || c == '@' || c == '_';
            if (!ok) {
                throw new PduFormatException("invalid character in text key '" + clip(key) + "'");
            }
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw new PduFormatException("value of " + key + " is longer than " + MAX_VALUE_LENGTH + " bytes");
        }
        return new Pair(key, value);
    }

    private static String clip(String s) {
        String p = s.replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > 40 ? p.substring(0, 40) + "…" : p;
    }

    public static byte[] encode(List<Pair> pairs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Pair p : pairs) {
            byte[] b = (p.key() + "=" + p.value()).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
            out.write(0);
        }
        return out.toByteArray();
    }
}
