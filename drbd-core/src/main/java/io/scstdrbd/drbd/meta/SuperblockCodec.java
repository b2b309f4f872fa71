package io.scstdrbd.drbd.meta;

import io.scstdrbd.kernel.bytes.BigEndian;
import java.util.ArrayList;
import java.util.List;

/** Encodes and decodes the v09 superblock (big endian, offsets of drbd.md §11.2). */
public final class SuperblockCodec {
    static final int PEERS_AT = 112;
    static final int HISTORY_AT = 1136;

    private SuperblockCodec() {
    }

    public static byte[] encode(Superblock s) {
        byte[] b = new byte[Superblock.SIZE];
        BigEndian.put64(b, 0, s.effectiveSize());
        BigEndian.put64(b, 8, s.currentUuid());
        BigEndian.put64(b, 16, s.members());
        BigEndian.put64(b, 48, s.deviceUuid());
        BigEndian.put32(b, 56, s.flags());
        BigEndian.put32(b, 60, s.magic());
        BigEndian.put32(b, 64, s.mdSizeSect());
        BigEndian.put32(b, 68, s.alOffset());
        BigEndian.put32(b, 72, s.alNrExtents());
        BigEndian.put32(b, 76, s.bmOffset());
        BigEndian.put32(b, 80, s.bmBytesPerBit());
        BigEndian.put32(b, 84, s.laPeerMaxBioSize());
        BigEndian.put32(b, 88, s.bmMaxPeers());
        BigEndian.put32(b, 92, s.nodeId());
        BigEndian.put32(b, 96, s.alStripes());
        BigEndian.put32(b, 100, s.alStripeSize4k());
        for (int i = 0; i < Superblock.MAX_PEERS; i++) {
            PeerMd p = s.peer(i);
            int at = PEERS_AT + i * PeerMd.SIZE;
            BigEndian.put64(b, at, p.bitmapUuid());
            BigEndian.put64(b, at + 8, p.bitmapDagtag());
            BigEndian.put32(b, at + 16, p.flags());
            BigEndian.put32(b, at + 20, p.bitmapIndex());
        }
        long[] h = s.historyUuids();
        for (int i = 0; i < Superblock.HISTORY_UUIDS; i++) {
            BigEndian.put64(b, HISTORY_AT + i * 8, h[i]);
        }
        return b;
    }

    /** Decodes any 4 KiB block; whether it is valid v09 metadata is for {@link MdValidator}. */
    public static Superblock decode(byte[] b) {
        if (b.length < Superblock.SIZE) {
            throw new IllegalArgumentException("superblock needs 4096 bytes");
        }
        List<PeerMd> peers = new ArrayList<>();
        for (int i = 0; i < Superblock.MAX_PEERS; i++) {
            int at = PEERS_AT + i * PeerMd.SIZE;
            peers.add(new PeerMd(BigEndian.u64(b, at), BigEndian.u64(b, at + 8), BigEndian.s32(b, at + 16),
                    BigEndian.s32(b, at + 20)));
        }
        long[] h = new long[Superblock.HISTORY_UUIDS];
        for (int i = 0; i < h.length; i++) {
            h[i] = BigEndian.u64(b, HISTORY_AT + i * 8);
        }
        return new Superblock(BigEndian.u64(b, 0), BigEndian.u64(b, 8), BigEndian.u64(b, 16), BigEndian.u64(b, 48),
                BigEndian.s32(b, 56), BigEndian.s32(b, 60), BigEndian.s32(b, 64), BigEndian.s32(b, 68),
                BigEndian.s32(b, 72), BigEndian.s32(b, 76), BigEndian.s32(b, 80), BigEndian.s32(b, 84),
                BigEndian.s32(b, 88), BigEndian.s32(b, 92), BigEndian.s32(b, 96), BigEndian.s32(b, 100), peers, h);
    }
}
