package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One netlink attribute ({@code struct nlattr}) as found in a received message: its raw type
 * (flag bits included) and a read-only slice of its payload in host byte order.
 *
 * <p>Getters check the payload length and throw {@link GenlException} with EINVAL on a short or
 * malformed payload, so a handler never reads past an attribute.
 */
public record NlAttr(int rawType, ByteBuffer payload) {
    /** Set on attributes whose payload is itself a list of attributes. */
    public static final int F_NESTED = 0x8000;
    /** NLA_F_NET_BYTEORDER; DRBD reuses this bit as its "mandatory" flag. */
    public static final int F_NET_BYTEORDER = 0x4000;
    public static final int TYPE_MASK = 0x3fff;
    public static final int HEADER = 4;

    /** The type without the nested / byte-order flag bits. */
    public int type() {
        return rawType & TYPE_MASK;
    }

    public int length() {
        return payload.remaining();
    }

    public int u8() throws GenlException {
        need(1);
        return payload.get(payload.position()) & 0xff;
    }

    public int u16() throws GenlException {
        need(2);
        return payload.getShort(payload.position()) & 0xffff;
    }

    public int s32() throws GenlException {
        need(4);
        return payload.getInt(payload.position());
    }

    /** Unsigned 32-bit value. */
    public long u32() throws GenlException {
        return s32() & 0xffffffffL;
    }

    public long u64() throws GenlException {
        need(8);
        return payload.getLong(payload.position());
    }

    /** A flag attribute: present means true; a one-byte payload (DRBD's encoding) gives its value. */
    public boolean flag() {
        return payload.remaining() == 0 || payload.get(payload.position()) != 0;
    }

    /** A NUL-terminated (or unterminated) string. */
    public String string() {
        int n = payload.remaining();
        int end = 0;
        while (end < n && payload.get(payload.position() + end) != 0) {
            end++;
        }
        byte[] b = new byte[end];
        payload.duplicate().get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        byte[] b = new byte[payload.remaining()];
        payload.duplicate().get(b);
        return b;
    }

    /** The payload parsed as a list of attributes. */
    public NlAttrs nested() throws GenlException {
        return NlAttrs.parse(payload);
    }

    private void need(int n) throws GenlException {
        if (payload.remaining() < n) {
            throw GenlException.invalid("attribute " + type() + " has " + payload.remaining()
                    + " bytes, needs " + n);
        }
    }
}
