package io.scstdrbd.kernel.genl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct nlmsghdr}: the 16-byte header of every netlink message, in host byte order
 * (little endian on the platforms the daemon runs on; the codec always uses the native order).
 *
 * @param length whole message length including this header (nlmsg_len)
 * @param type   family id, or a control type such as {@link #NLMSG_ERROR}
 * @param flags  NLM_F_* bits
 * @param seq    sequence number chosen by the requester and echoed in replies
 * @param portId the requester's port id (nlmsg_pid); 0 in kernel-originated messages
 */
public record NetlinkHeader(int length, int type, int flags, int seq, int portId) {
    public static final int SIZE = 16;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;
    /** Types below this are netlink control messages, not addressed to a family. */
    public static final int NLMSG_MIN_TYPE = 0x10;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_ECHO = 0x8;
    public static final int NLM_F_ROOT = 0x100;
    public static final int NLM_F_MATCH = 0x200;
    public static final int NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    /** In an NLMSG_ERROR: the echoed request was cut to its header. */
    public static final int NLM_F_CAPPED = 0x100;

    /** Host byte order, as netlink uses. */
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();

    /** Reads a header at {@code buf}'s index {@code at} without moving its position. */
    public static NetlinkHeader read(ByteBuffer buf, int at) {
        ByteBuffer b = buf.duplicate().order(ORDER);
        return new NetlinkHeader(b.getInt(at), b.getShort(at + 4) & 0xffff, b.getShort(at + 6) & 0xffff,
                b.getInt(at + 8), b.getInt(at + 12));
    }

    /** Writes this header at index {@code at}. */
    public void write(ByteBuffer buf, int at) {
        ByteBuffer b = buf.duplicate().order(ORDER);
        b.putInt(at, length);
        b.putShort(at + 4, (short) type);
        b.putShort(at + 6, (short) flags);
        b.putInt(at + 8, seq);
        b.putInt(at + 12, portId);
    }

    public boolean isRequest() {
        return (flags & NLM_F_REQUEST) != 0;
    }

    /** True for a dump request (both NLM_F_ROOT and NLM_F_MATCH, as libgenl and the kernel use). */
    public boolean isDump() {
        return (flags & NLM_F_DUMP) == NLM_F_DUMP;
    }

    public boolean wantsAck() {
        return (flags & NLM_F_ACK) != 0;
    }

    /** Netlink's 4-byte alignment. */
    public static int align(int n) {
        return (n + 3) & ~3;
    }
}
