package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * p_uuids110 (40 + 8·n bytes): the DRBD 9 UUID set. {@code bitmapUuids} holds one UUID per bit of
 * {@code bitmapUuidsMask}, lowest node id first; {@code history} the rest of the packet.
 */
public record Uuids110(long current, long dirtyBits, long flags, long nodeMask, long bitmapUuidsMask,
        List<Long> bitmapUuids, List<Long> history) implements Payload {
    public static final int FIXED = 40;

    public Uuids110 {
        bitmapUuids = List.copyOf(bitmapUuids);
        history = List.copyOf(history);
        if (bitmapUuids.size() != Long.bitCount(bitmapUuidsMask)) {
            throw new IllegalArgumentException("bitmap UUID count does not match the mask");
        }
    }

    public static Uuids110 read(ByteBuf in, int length) throws ProtocolException {
        if (length < FIXED || (length - FIXED) % 8 != 0) {
            throw new ProtocolException("P_UUIDS110 of " + length + " bytes");
        }
        long cur = in.readLong();
        long dirty = in.readLong();
        long flags = in.readLong();
        long nodeMask = in.readLong();
        long bmMask = in.readLong();
        int n = (length - FIXED) / 8;
        int nb = Long.bitCount(bmMask);
        if (nb > n) {
            throw new ProtocolException("P_UUIDS110 announces " + nb + " bitmap UUIDs but carries " + n);
        }
        List<Long> bm = new ArrayList<>(nb);
        for (int i = 0; i < nb; i++) {
            bm.add(in.readLong());
        }
        List<Long> hist = new ArrayList<>(n - nb);
        for (int i = nb; i < n; i++) {
            hist.add(in.readLong());
        }
        return new Uuids110(cur, dirty, flags, nodeMask, bmMask, bm, hist);
    }

    /** The bitmap UUID the sender keeps for {@code nodeId}, or 0 if it sent none. */
    public long bitmapUuidFor(int nodeId) {
        if (nodeId < 0 || nodeId > 63 || (bitmapUuidsMask & (1L << nodeId)) == 0) {
            return 0;
        }
        int idx = Long.bitCount(bitmapUuidsMask & ((1L << nodeId) - 1));
        return bitmapUuids.get(idx);
    }

    @Override
    public int length() {
        return FIXED + 8 * (bitmapUuids.size() + history.size());
    }

    @Override
    public void write(ByteBuf out) {
        out.writeLong(current);
        out.writeLong(dirtyBits);
        out.writeLong(flags);
        out.writeLong(nodeMask);
        out.writeLong(bitmapUuidsMask);
        for (long u : bitmapUuids) {
            out.writeLong(u);
        }
        for (long u : history) {
            out.writeLong(u);
        }
    }
}
