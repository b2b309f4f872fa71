package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string inside a packet (challenges, HMACs, digests). */
public final class Bytes implements Payload {
    public static final Bytes EMPTY = new Bytes(new byte[0]);
    private final byte[] b;

    private Bytes(byte[] b) {
        this.b = b;
    }

    public static Bytes of(byte[] b) {
        return b.length == 0 ? EMPTY : new Bytes(b.clone());
    }

    public static Bytes read(ByteBuf in, int n) {
        if (n == 0) {
            return EMPTY;
        }
        byte[] b = new byte[n];
        in.readBytes(b);
        return new Bytes(b);
    }

    public byte[] toArray() {
        return b.clone();
    }

    public boolean isEmpty() {
        return b.length == 0;
    }

    @Override
    public int length() {
        return b.length;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeBytes(b);
    }

    /** Constant-time comparison (for authentication responses). */
    public boolean constantTimeEquals(byte[] other) {
        return java.security.MessageDigest.isEqual(b, other);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes && Arrays.equals(b, ((Bytes) o).b);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(b);
    }

    @Override
    public String toString() {
        return b.length <= 16 ? HexFormat.of().formatHex(b) : HexFormat.of().formatHex(b, 0, 16) + "…(" + b.length + ")";
    }
}
