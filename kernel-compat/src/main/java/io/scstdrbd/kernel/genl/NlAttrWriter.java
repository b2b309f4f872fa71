package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Builds netlink attributes (and, through {@link GenlMessageBuilder}, whole messages) in host
 * byte order into a growing array. Nested attributes are opened with {@link #beginNested} and
 * closed with {@link #endNested}, which patches the length in. Not thread-safe.
 */
public class NlAttrWriter {
    private byte[] buf = new byte[256];
    private int pos;
    private final ArrayDeque<Integer> open = new ArrayDeque<>();

    protected void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    protected int position() {
        return pos;
    }

    protected void putRawU8(int at, int v) {
        buf[at] = (byte) v;
    }

    protected void putRawU16(int at, int v) {
        ByteBuffer.wrap(buf).order(NetlinkHeader.ORDER).putShort(at, (short) v);
    }

    protected void putRawU32(int at, int v) {
        ByteBuffer.wrap(buf).order(NetlinkHeader.ORDER).putInt(at, v);
    }

    /** Appends raw bytes (a fixed header), then pads to 4. */
    public NlAttrWriter raw(byte[] b) {
        ensure(NetlinkHeader.align(b.length));
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
        pad();
        return this;
    }

    /** Appends {@code n} zero bytes without padding (for fixed headers being filled in later). */
    protected int reserve(int n) {
        ensure(n);
        int at = pos;
        Arrays.fill(buf, pos, pos + n, (byte) 0);
        pos += n;
        return at;
    }

    private void pad() {
        int p = NetlinkHeader.align(pos);
        ensure(p - pos);
        while (pos < p) {
            buf[pos++] = 0;
        }
    }

    private NlAttrWriter attr(int type, byte[] payload, int len) {
        int total = NlAttr.HEADER + len;
        ensure(NetlinkHeader.align(total));
        putRawU16(pos, total);
        putRawU16(pos + 2, type);
        System.arraycopy(payload, 0, buf, pos + NlAttr.HEADER, len);
        pos += total;
        pad();
        return this;
    }

    private byte[] le(int size, long v) {
        ByteBuffer b = ByteBuffer.allocate(size).order(NetlinkHeader.ORDER);
        switch (size) {
            case 1 -> b.put((byte) v);
            case 2 -> b.putShort((short) v);
            case 4 -> b.putInt((int) v);
            default -> b.putLong(v);
        }
        return b.array();
    }

    public NlAttrWriter u8(int type, int v) {
        return attr(type, le(1, v), 1);
    }

    public NlAttrWriter u16(int type, int v) {
        return attr(type, le(2, v), 2);
    }

    public NlAttrWriter u32(int type, long v) {
        return attr(type, le(4, v), 4);
    }

    public NlAttrWriter u64(int type, long v) {
        return attr(type, le(8, v), 8);
    }

    /** A flag encoded as DRBD does: a one-byte 0/1 payload. */
    public NlAttrWriter flagByte(int type, boolean v) {
        return u8(type, v ? 1 : 0);
    }

    /** A classic netlink flag: an empty attribute. */
    public NlAttrWriter flag(int type) {
        return attr(type, new byte[0], 0);
    }

    /** A NUL-terminated string. */
    public NlAttrWriter string(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] z = Arrays.copyOf(b, b.length + 1);
        return attr(type, z, z.length);
    }

    public NlAttrWriter bytes(int type, byte[] b) {
        return attr(type, b, b.length);
    }

    /** Opens a nested attribute; every begin needs one {@link #endNested}. */
    public NlAttrWriter beginNested(int type) {
        ensure(NlAttr.HEADER);
        open.push(pos);
        putRawU16(pos, 0);
        putRawU16(pos + 2, type);
        pos += NlAttr.HEADER;
        return this;
    }

    public NlAttrWriter endNested() {
        if (open.isEmpty()) {
            throw new IllegalStateException("endNested without beginNested");
        }
        int start = open.pop();
        putRawU16(start, pos - start);
        pad();
        return this;
    }

    /** The bytes written so far (a copy). */
    public byte[] toByteArray() {
        if (!open.isEmpty()) {
            throw new IllegalStateException(open.size() + " nested attribute(s) still open");
        }
        return Arrays.copyOf(buf, pos);
    }
}
