package io.scstdrbd.fuse.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.fuse.TestDevice;
import io.scstdrbd.kernel.block.BioOp;
import io.scstdrbd.kernel.block.DeviceCapability;
import io.scstdrbd.kernel.block.DeviceHandle;
import io.scstdrbd.kernel.block.DeviceRegistry;
import io.scstdrbd.kernel.block.OpenMode;
import io.scstdrbd.kernel.errno.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlockNodeIoTest {
    private static final int SIZE = 1 << 20;
    private final DeviceRegistry reg = new DeviceRegistry("/UMCfuse");
    private final RangeLock lock = new RangeLock();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(8192);
    private ExecutorService pool;

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private DeviceHandle open(TestDevice d) throws Exception {
        reg.register(d);
        return reg.open(d.name(), OpenMode.READ_WRITE, "test");
    }

    private int[] write(DeviceHandle h, long off, byte[] bytes) throws Exception {
        CompletableFuture<int[]> f = new CompletableFuture<>();
        ByteBuffer data = ByteBuffer.allocateDirect(bytes.length + 7);
        data.position(7);
        data.put(bytes).position(7); // data does not start at index 0 of its buffer
        BlockNodeIo.write(h, lock, off, data, scratch, 0, (err, n) -> f.complete(new int[] {err, n}));
        return f.get(10, TimeUnit.SECONDS);
    }

    private byte[] read(DeviceHandle h, long off, int len, int[] errOut) throws Exception {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        ByteBuffer target = ByteBuffer.allocateDirect(len + BlockNodeIo.readSlack(h.device()));
        BlockNodeIo.read(h, off, len, target, (err, at, n) -> {
            errOut[0] = err;
            byte[] b = new byte[n];
            target.get(at, b);
            f.complete(b);
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void unalignedWritesAndReadsMatchAReferenceFile() throws Exception {
        TestDevice d = new TestDevice("t0", SIZE, 4096, EnumSet.noneOf(DeviceCapability.class));
        new Random(1).nextBytes(d.data);
        byte[] ref = d.data.clone();
        DeviceHandle h = open(d);
        Random r = new Random(7);
        for (int i = 0; i < 300; i++) {
            int off = r.nextInt(SIZE - 20000);
            int len = 1 + r.nextInt(i % 10 == 0 ? 20000 : 700);
            byte[] b = new byte[len];
            r.nextBytes(b);
            int[] res = write(h, off, b);
            assertEquals(0, res[0]);
            assertEquals(len, res[1]);
            System.arraycopy(b, 0, ref, off, len);
            int roff = r.nextInt(SIZE - 9000);
            int rlen = 1 + r.nextInt(9000);
            int[] err = new int[1];
            assertArrayEquals(Arrays.copyOfRange(ref, roff, roff + rlen), read(h, roff, rlen, err), "read " + roff);
            assertEquals(0, err[0]);
        }
        assertArrayEquals(ref, d.data);
        assertEquals(0, lock.size(), "every range released");
    }

    @Test
    void edgesOfTheDevice() throws Exception {
        TestDevice d = new TestDevice("t1", 8192);
        DeviceHandle h = open(d);
        int[] err = new int[1];
        assertEquals(192, read(h, 8000, 1000, err).length, "a read crossing the end is cut short");
        assertEquals(0, read(h, 8192, 10, err).length, "a read at the end is end of file");
        assertEquals(0, err[0]);
        assertArrayEquals(new int[] {Errno.ENOSPC, 0}, write(h, 8192, new byte[1]));
        assertArrayEquals(new int[] {0, 100}, write(h, 8092, new byte[300]), "a write crossing the end is cut short");
        assertArrayEquals(new int[] {0, 0}, write(h, 0, new byte[0]));
    }

    @Test
    void failedPreReadFailsTheWriteAndChangesNothing() throws Exception {
        TestDevice d = new TestDevice("t2", 65536, 4096, EnumSet.noneOf(DeviceCapability.class));
        Arrays.fill(d.data, (byte) 1);
        d.failReadsOf(12288 / 512 + 3); // a sector of the tail block [12288, 16384)
        DeviceHandle h = open(d);
        byte[] junk = new byte[5000];
        Arrays.fill(junk, (byte) 9);
        // [8000, 13000): the head block [4096, 8192) and the tail block [12288, 16384) need pre-reads
        int[] res = write(h, 8000, junk);
        assertEquals(Errno.EIO, res[0]);
        for (byte b : d.data) {
            assertEquals(1, b, "nothing was written");
        }
        assertTrue(d.seen.stream().noneMatch(b -> b.op() == BioOp.WRITE));
        assertEquals(0, lock.size());
    }

    @Test
    void concurrentUnalignedWritersSharingBoundaryBlocksLoseNothing() throws Exception {
        pool = Executors.newFixedThreadPool(8);
        TestDevice d = new TestDevice("t3", SIZE, 4096, EnumSet.noneOf(DeviceCapability.class)).async(pool);
        DeviceHandle h = open(d);
        // four writers on distinct byte ranges whose boundaries fall inside shared 4 KiB blocks
        int writers = 4;
        int region = 10_000;
        List<CompletableFuture<int[]>> all = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            for (int w = 0; w < writers; w++) {
                byte[] b = new byte[region];
                Arrays.fill(b, (byte) (w * 20 + round + 1));
                ByteBuffer data = ByteBuffer.allocateDirect(region).put(b).flip();
                CompletableFuture<int[]> f = new CompletableFuture<>();
                // each write needs its own scratch: they are in flight together
                BlockNodeIo.write(h, lock, 100 + (long) w * region, data, ByteBuffer.allocateDirect(8192), 0,
                        (err, n) -> f.complete(new int[] {err, n}));
                all.add(f);
            }
        }
        for (CompletableFuture<int[]> f : all) {
            assertArrayEquals(new int[] {0, region}, f.get(20, TimeUnit.SECONDS));
        }
        for (int w = 0; w < writers; w++) {
            for (int i = 0; i < region; i++) {
                assertEquals((byte) (w * 20 + 20), d.data[100 + w * region + i], "writer " + w + " byte " + i);
            }
        }
        assertEquals(0, d.data[99]);
        assertEquals(0, d.data[100 + writers * region]);
    }

    @Test
    void fallocateFollowsBlockDeviceRules() throws Exception {
        TestDevice d = new TestDevice("t4", 65536);
        Arrays.fill(d.data, (byte) 3);
        DeviceHandle h = open(d);
        assertEquals(0, fallocate(h, 2 | 1, 4096, 8192));
        assertEquals(BioOp.DISCARD, d.seen.get(d.seen.size() - 1).op());
        assertEquals(0, d.data[4096]);
        assertEquals(3, d.data[4095]);
        assertEquals(0, fallocate(h, 0x10, 0, 512));
        assertEquals(BioOp.WRITE_ZEROES, d.seen.get(d.seen.size() - 1).op());
        assertEquals(Errno.EOPNOTSUPP, fallocate(h, 0, 0, 4096), "plain allocation");
        assertEquals(Errno.EOPNOTSUPP, fallocate(h, 2, 0, 4096), "punch without keep-size");
        assertEquals(Errno.EINVAL, fallocate(h, 3, 100, 512), "unaligned");
        assertEquals(Errno.EINVAL, fallocate(h, 3, 65024, 1024), "past the end");

        TestDevice nozero = new TestDevice("t5", 65536, 512, EnumSet.of(DeviceCapability.DISCARD));
        DeviceHandle h2 = open(nozero);
        assertEquals(Errno.EOPNOTSUPP, fallocate(h2, 3, 0, 512),
                "a discard that would not read back as zeroes is not a punched hole");
    }

    private int fallocate(DeviceHandle h, int mode, long off, long len) throws Exception {
        CompletableFuture<Integer> f = new CompletableFuture<>();
        BlockNodeIo.fallocate(h, lock, mode, off, len, f::complete);
        return f.get(10, TimeUnit.SECONDS);
    }
}
