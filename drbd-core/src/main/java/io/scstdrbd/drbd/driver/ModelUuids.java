package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.engine.GenerationUuids;
import io.scstdrbd.drbd.engine.UuidStore;
import io.scstdrbd.drbd.meta.MetaData;
import io.scstdrbd.drbd.meta.PeerMd;
import io.scstdrbd.drbd.meta.Superblock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The generation UUIDs kept in the v09 superblock: the current UUID, one bitmap UUID per peer
 * slot and 32 history UUIDs. Changes update the in-memory superblock atomically; writing it out is
 * {@link ModelVolume#persist}'s job.
 */
final class ModelUuids implements UuidStore {
    private final MetaData md;

    ModelUuids(MetaData md) {
        this.md = md;
    }

    @Override
    public GenerationUuids view() {
        return from(md.superblock());
    }

    private static GenerationUuids from(Superblock s) {
        GenerationUuids g = new GenerationUuids(s.currentUuid());
        for (int n = 0; n < Superblock.MAX_PEERS; n++) {
            // nodes without a bitmap slot are not configured peers (the model parks UUIDs there)
            if (n != s.nodeId() && s.peer(n).bitmapUuid() != 0 && s.peer(n).bitmapIndex() >= 0) {
                g.setBitmap(n, s.peer(n).bitmapUuid());
            }
        }
        List<Long> h = new ArrayList<>();
        for (long x : s.historyUuids()) {
            if (x != 0) {
                h.add(x);
            }
        }
        g.setHistory(h);
        return g;
    }

    @Override
    public <T> T change(Function<GenerationUuids, T> op) {
        Object[] out = new Object[1];
        md.update(b -> {
            Superblock s = b.build();
            GenerationUuids g = from(s);
            @SuppressWarnings("unchecked")
            T r = op.apply(g);
            out[0] = r;
            b.currentUuid(g.current());
            for (int n = 0; n < Superblock.MAX_PEERS; n++) {
                if (n == s.nodeId()) {
                    continue;
                }
                PeerMd p = s.peer(n);
                long want = g.bitmap(n);
                if (p.bitmapUuid() != want) {
                    b.peer(n, p.withBitmapUuid(want));
                }
            }
            long[] hist = new long[Superblock.HISTORY_UUIDS];
            List<Long> h = g.history();
            for (int i = 0; i < Math.min(hist.length, h.size()); i++) {
                hist[i] = h.get(i);
            }
            b.history(hist);
        });
        @SuppressWarnings("unchecked")
        T r = (T) out[0];
        return r;
    }

    @Override
    public String toString() {
        return view().toString();
    }
}
