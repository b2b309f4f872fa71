package io.scstdrbd.drbd.testutil;

import io.scstdrbd.drbd.meta.AlTransaction;
import io.scstdrbd.drbd.meta.AlTransactionCodec;
import io.scstdrbd.drbd.meta.MdLayout;
import io.scstdrbd.drbd.meta.Superblock;
import io.scstdrbd.drbd.meta.SuperblockCodec;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** Writes fresh internal v09 metadata the way {@code drbdmeta create-md} does (for tests without drbd-utils). */
public final class TestMd {
    private TestMd() {
    }

    public static MdLayout createMd(Path file, long bytes, int maxPeers) throws IOException {
        MdLayout l = MdLayout.createInternal(bytes, maxPeers, 1, 8);
        Superblock sb = new Superblock.Builder().currentUuid(Superblock.UUID_JUST_CREATED)
                .flags(Superblock.MDF_AL_CLEAN).mdSizeSect(l.mdSizeSect()).alOffset(l.alOffsetSect())
                .alNrExtents(257).bmOffset(l.bmOffsetSect()).bmMaxPeers(maxPeers).build();
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (f.length() < bytes) {
                f.setLength(bytes);
            }
            f.seek(l.bmStart());
            f.write(new byte[(int) l.bmAreaBytes()]);
            byte[] init = AlTransactionCodec.encode(AlTransaction.initialized());
            for (int i = 0; i < l.alSize4k(); i++) {
                f.seek(l.alStart() + i * 4096L);
                f.write(init);
            }
            f.seek(l.superblockAt());
            f.write(SuperblockCodec.encode(sb));
        }
        return l;
    }
}
