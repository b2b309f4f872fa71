package io.scstdrbd.drbd.sync.bitmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.wire.Bytes;
import io.scstdrbd.drbd.wire.CompressedBitmap;
import io.scstdrbd.drbd.wire.PacketType;
import io.scstdrbd.drbd.wire.PlainBitmap;
import io.scstdrbd.drbd.wire.ProtocolException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitmapTransferTest {
    private static final int H100 = 16;

    @Test
    void referenceExampleCompressesToOnePacket() {
        // drbd.md §8.3: bm_bits 262119, bits 0-1023 set
        MemoryBitmap bm = new MemoryBitmap(262119);
        bm.setRange(0, 1024);
        BitmapSender s = new BitmapSender(bm, true, H100);
        BitmapChunk c = s.next();
        assertTrue(s.isDone());
        assertEquals(PacketType.COMPRESSED_BITMAP, c.type());
        CompressedBitmap cb = (CompressedBitmap) c.payload();
        assertEquals(0xE2, cb.encoding());
        assertEquals("3fcfe2cf567b00", HexFormat.of().formatHex(cb.code().toArray()));
    }

    @Test
    void referenceExampleDecodes() throws Exception {
        MemoryBitmap bm = new MemoryBitmap(262119);
        BitmapReceiver r = new BitmapReceiver(bm, H100);
        assertTrue(r.compressed(new CompressedBitmap(0xE2, Bytes.of(HexFormat.of().parseHex("3fcfe2cf567b00")))));
        assertEquals(1024, bm.cardinality());
        assertTrue(bm.test(1023));
        assertFalse(bm.test(1024));
    }

    @Test
    void plainTransferOfOneGibibyteDeviceMatchesWorkedExample() throws Exception {
        // drbd.md §8.2: 2096952 sectors -> 262119 bits -> 4096 words -> 8 x 510 + 16 + empty
        MemoryBitmap bm = new MemoryBitmap(PeerBitmap.bitsFor(2096952));
        assertEquals(262119, bm.bits());
        assertEquals(4096, bm.words());
        bm.setAll();
        List<BitmapChunk> chunks = drain(new BitmapSender(bm, false, H100));
        assertEquals(10, chunks.size());
        for (int i = 0; i < 8; i++) {
            assertEquals(510, ((PlainBitmap) chunks.get(i).payload()).wordCount());
        }
        assertEquals(16, ((PlainBitmap) chunks.get(8).payload()).wordCount());
        assertEquals(0, ((PlainBitmap) chunks.get(9).payload()).wordCount());
        MemoryBitmap dst = new MemoryBitmap(bm.bits());
        receive(dst, chunks);
        assertEquals(bm.bits(), dst.cardinality());
    }

    @Test
    void randomBitmapsSurviveBothEncodings() throws Exception {
        Random rnd = new Random(42);
        for (int round = 0; round < 30; round++) {
            long bits = 1 + rnd.nextInt(300_000);
            MemoryBitmap src = new MemoryBitmap(bits);
            int runs = rnd.nextInt(2000);
            for (int i = 0; i < runs; i++) {
                long a = (long) (rnd.nextDouble() * bits);
                long len = rnd.nextInt(round % 3 == 0 ? 3 : 5000);
                src.setRange(a, a + len);
            }
            for (boolean rle : new boolean[] {true, false}) {
                MemoryBitmap dst = new MemoryBitmap(bits);
                dst.setRange(0, 1); // receiving never clears
                receive(dst, drain(new BitmapSender(src, rle, H100)));
                for (long w = 0; w < src.words(); w++) {
                    long expect = src.word(w) | (w == 0 ? 1 : 0);
                    assertEquals(expect, dst.word(w), "word " + w + " rle=" + rle + " bits=" + bits);
                }
            }
        }
    }

    @Test
    void randomNoiseFallsBackToPlainChunks() {
        Random rnd = new Random(1);
        MemoryBitmap src = new MemoryBitmap(100_000);
        for (long b = 0; b < src.bits(); b++) {
            if (rnd.nextBoolean()) {
                src.setRange(b, b + 1);
            }
        }
        BitmapSender s = new BitmapSender(src, true, H100);
        drain(s);
        assertTrue(s.plainPackets() > 0);
    }

    @Test
    void emptyAndFullBitmapsCompressToOnePacket() {
        for (boolean full : new boolean[] {false, true}) {
            MemoryBitmap src = new MemoryBitmap(262144);
            if (full) {
                src.setAll();
            }
            List<BitmapChunk> c = drain(new BitmapSender(src, true, H100));
            assertEquals(1, c.size());
            assertEquals(PacketType.COMPRESSED_BITMAP, c.get(0).type());
        }
    }

    @Test
    void hostileChunksAreRejected() {
        MemoryBitmap bm = new MemoryBitmap(1000);
        BitmapReceiver r = new BitmapReceiver(bm, H100);
        // a run of 2000 set bits in a 1000-bit bitmap: level 6 cannot hold it, use level 7 code of 2000
        VliCode.Code c = VliCode.encode(2000);
        byte[] code = new byte[3];
        for (int i = 0; i < 21; i++) {
            if (((c.bits() >>> i) & 1) != 0) {
                code[i / 8] |= (byte) (1 << (i % 8));
            }
        }
        assertThrows(ProtocolException.class,
                () -> r.compressed(new CompressedBitmap(CompressedBitmap.encoding(true, 3), Bytes.of(code))));
        assertThrows(ProtocolException.class, () -> new BitmapReceiver(bm, H100)
                .compressed(new CompressedBitmap(0x01, Bytes.of(new byte[] {0}))));
        assertThrows(ProtocolException.class, () -> new BitmapReceiver(bm, H100).plain(new PlainBitmap(new long[3])));
        assertEquals(0, bm.cardinality());
    }

    @Test
    void bitsBeyondTheEndAreIgnored() throws Exception {
        MemoryBitmap bm = new MemoryBitmap(70);
        BitmapReceiver r = new BitmapReceiver(bm, H100);
        assertFalse(r.plain(new PlainBitmap(new long[] {-1L, -1L})));
        assertTrue(r.plain(new PlainBitmap(new long[0])));
        assertEquals(70, bm.cardinality());
    }

    @Test
    void memoryBitmapCountsAndSearches() {
        MemoryBitmap bm = new MemoryBitmap(200);
        assertEquals(10, bm.setRange(60, 70));
        assertEquals(0, bm.setRange(60, 70));
        assertEquals(60, bm.nextSetBit(0));
        assertEquals(69, bm.nextSetBit(69));
        assertEquals(-1, bm.nextSetBit(70));
        assertEquals(5, bm.clearRange(0, 65));
        assertEquals(5, bm.cardinality());
        bm.setAll();
        assertEquals(200, bm.cardinality());
        assertArrayEquals(new long[] {-1L, -1L, -1L, (1L << 8) - 1},
                new long[] {bm.word(0), bm.word(1), bm.word(2), bm.word(3)});
    }

    private static List<BitmapChunk> drain(BitmapSender s) {
        List<BitmapChunk> l = new ArrayList<>();
        while (!s.isDone()) {
            l.add(s.next());
            if (l.size() > 100_000) {
                throw new AssertionError("sender does not finish");
            }
        }
        return l;
    }

    private static void receive(PeerBitmap dst, List<BitmapChunk> chunks) throws ProtocolException {
        BitmapReceiver r = new BitmapReceiver(dst, H100);
        for (int i = 0; i < chunks.size(); i++) {
            BitmapChunk c = chunks.get(i);
            boolean done = c.type() == PacketType.BITMAP ? r.plain((PlainBitmap) c.payload())
                    : r.compressed((CompressedBitmap) c.payload());
            assertEquals(i == chunks.size() - 1, done, "done flag at chunk " + i + " of " + chunks.size());
        }
    }
}
