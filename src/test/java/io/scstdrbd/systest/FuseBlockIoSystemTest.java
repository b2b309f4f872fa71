package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Block node I/O through the kernel's FUSE driver: unaligned pread/pwrite against a reference
 * file, the device end, parallel writers, the exclusive-writer rule, libaio at depth 16 with fio's
 * verification, fallocate.
 */
class FuseBlockIoSystemTest {
    private static final long SIZE = 64L << 20;
    private static final Path WORK = DaemonProcess.SCRATCH.resolve("blockio");
    private static DaemonProcess daemon;

    @BeforeAll
    static void start() throws Exception {
        DaemonProcess.requireRoot();
        Files.createDirectories(WORK);
        Files.deleteIfExists(WORK.resolve("f0.img"));
        daemon = DaemonProcess.builder("blockio")
                .backend("tcmu000:ram:@:64M")
                .backend("tcmu001:ram:@:64M")
                .backend("tcmu002:ram:@:64M")
                .backend("f0:file:" + WORK.resolve("f0.img") + ":64M")
                .start();
    }

    @AfterAll
    static void stop() {
        if (daemon != null) {
            try {
                daemon.stop();
            } finally {
                daemon.close();
            }
        }
    }

    @Test
    void unalignedPreadPwriteAtOddOffsetsMatchAReferenceFile() throws Exception {
        Path node = daemon.dev("tcmu000");
        Path ref = WORK.resolve("reference.img");
        Files.deleteIfExists(ref);
        Random r = new Random(2024);
        try (FileChannel dev = FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileChannel file = FileChannel.open(ref, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
            file.truncate(0);
            zero(file, SIZE);
            zero(dev, SIZE);
            for (int i = 0; i < 1500; i++) {
                int len = 1 + r.nextInt(i % 50 == 0 ? 3 << 20 : 9000);
                long off = (long) r.nextInt((int) (SIZE - len)) | 1; // odd offsets
                byte[] b = new byte[len];
                r.nextBytes(b);
                assertEquals(len, writeFully(dev, off, b));
                writeFully(file, off, b);
                int rl = 1 + r.nextInt(70000);
                long ro = r.nextInt((int) (SIZE - rl));
                assertArrayEquals(readFully(file, ro, rl), readFully(dev, ro, rl), "pread at " + ro + "+" + rl);
            }
        }
        Cmd.Result cmp = Cmd.run("cmp", node.toString(), ref.toString());
        assertEquals(0, cmp.exit(), "device and reference differ:\n" + cmp.output());
    }

    @Test
    void readsEndAtTheDeviceEndWritesPastItGetEnospc() throws Exception {
        try (FileChannel dev = FileChannel.open(daemon.dev("tcmu001"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            assertEquals(SIZE, dev.size());
            ByteBuffer b = ByteBuffer.allocate(4096);
            assertEquals(100, dev.read(b, SIZE - 100), "a read crossing the end is short");
            assertEquals(-1, dev.read(ByteBuffer.allocate(10), SIZE), "end of file at the end");
            assertEquals(57, dev.write(ByteBuffer.allocate(300), SIZE - 57), "a write crossing the end is cut");
            IOException e = assertThrows(IOException.class, () -> dev.write(ByteBuffer.allocate(1), SIZE));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertEquals(SIZE, dev.size(), "the node never grows");
        }
        Cmd.Result trunc = Cmd.run("truncate", "-s", "1M", daemon.dev("tcmu001").toString());
        assertNotEquals(0, trunc.exit(), "a device cannot be truncated");
        assertTrue(trunc.output().contains("Operation not permitted"), trunc.output());
    }

    @Test
    void fourWritersInParallelOnDistinctRegionsSharingBoundaryBlocks() throws Exception {
        int writers = 4;
        int region = 3_000_001; // regions start and end inside shared 4 KiB blocks
        long base = 12_345;
        byte[][] expect = new byte[writers][region];
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (FileChannel dev = FileChannel.open(daemon.dev("tcmu002"), StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int id = w;
                new Random(id).nextBytes(expect[id]);
                jobs.add(pool.submit(() -> {
                    // each writer writes its region in random-sized chunks in random order
                    Random r = new Random(100 + id);
                    List<int[]> chunks = new ArrayList<>();
                    for (int at = 0; at < region; ) {
                        int len = Math.min(region - at, 1 + r.nextInt(200_000));
                        chunks.add(new int[] {at, len});
                        at += len;
                    }
                    Collections.shuffle(chunks, r);
                    for (int[] c : chunks) {
                        ByteBuffer b = ByteBuffer.wrap(expect[id], c[0], c[1]);
                        long pos = base + (long) id * region + c[0];
                        while (b.hasRemaining()) {
                            pos += dev.write(b, pos);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get(120, TimeUnit.SECONDS);
            }
            for (int w = 0; w < writers; w++) {
                byte[] got = readFully(dev, base + (long) w * region, region);
                assertTrue(Arrays.equals(expect[w], got), "region of writer " + w + " is intact");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void secondWriterGetsEbusyReadersStayAllowedAndReopenAfterCloseWorks() throws Exception {
        Path node = daemon.dev("tcmu001");
        try (FileChannel writer = FileChannel.open(node, StandardOpenOption.WRITE)) {
            writer.write(ByteBuffer.wrap(new byte[] {1, 2, 3}), 0);
            long t0 = System.nanoTime();
            Cmd.Result dd = Cmd.run("dd", "if=/dev/zero", "of=" + node, "bs=4k", "count=1", "conv=notrunc");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertNotEquals(0, dd.exit());
            assertTrue(dd.output().contains("Device or resource busy"), dd.output());
            assertTrue(ms >= 1500, "a FUSE writer conflict waits for the grace period first: " + ms + " ms");
            Cmd.run("dd", "if=" + node, "of=/dev/null", "bs=4k", "count=16").ok();
            assertTrue(Cmd.run("cat", daemon.path("dev/tcmur").toString()).ok().output()
                    .matches("(?s).*tcmu001 .* fuse pid \\d+ \\(java\\).*"), "dev/tcmur names the writer");
        }
        // close(2) returns before the kernel's RELEASE: writers opening right away must still succeed
        Cmd.sh("for i in $(seq 0 29); do dd if=/dev/urandom of=" + node
                + " bs=4k count=1 seek=$i conv=notrunc status=none || exit 1; done").ok();
    }

    @Test
    void libaioDepth16WithFioVerificationOnRamAndFileBackends() {
        // ram completes inline on the reader thread, file on its own I/O threads
        fioVerify(daemon.dev("tcmu000"));
        fioVerify(daemon.dev("f0"));
    }

    private static void fioVerify(Path node) {
        Cmd.run("fio", "--name=verify4k", "--filename=" + node, "--direct=1", "--ioengine=libaio", "--iodepth=16",
                "--rw=randwrite", "--bs=4k", "--size=16M", "--verify=crc32c", "--do_verify=1",
                "--verify_fatal=1", "--verify_state_save=0").ok();
        Cmd.run("fio", "--name=verify1m", "--filename=" + node, "--direct=1", "--ioengine=libaio", "--iodepth=4",
                "--rw=write", "--bs=1M", "--size=32M", "--verify=crc32c", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0").ok();
        Cmd.run("fio", "--name=unaligned", "--filename=" + node, "--ioengine=psync", "--rw=randrw",
                "--bs=3333", "--size=8M", "--offset=7", "--verify=md5", "--do_verify=1", "--verify_fatal=1", "--verify_state_save=0").ok();
    }

    @Test
    void fallocatePunchesHolesAndZeroesRanges() throws Exception {
        Path node = daemon.dev("tcmu002");
        byte[] ones = new byte[65536];
        Arrays.fill(ones, (byte) 0x5a);
        try (FileChannel dev = FileChannel.open(node, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            writeFully(dev, 0, ones);
        }
        Cmd.run("fallocate", "--punch-hole", "--offset", "8192", "--length", "16384", node.toString()).ok();
        Cmd.run("fallocate", "--zero-range", "--keep-size", "--offset", "32768", "--length", "4096", node.toString())
                .ok();
        Cmd.Result plain = Cmd.run("fallocate", "--offset", "0", "--length", "4096", node.toString());
        assertNotEquals(0, plain.exit());
        assertTrue(plain.output().contains("Operation not supported"), plain.output());
        try (FileChannel dev = FileChannel.open(node, StandardOpenOption.READ)) {
            byte[] got = readFully(dev, 0, 65536);
            for (int i = 0; i < got.length; i++) {
                boolean zero = (i >= 8192 && i < 24576) || (i >= 32768 && i < 36864);
                assertEquals(zero ? 0 : 0x5a, got[i] & 0xff, "byte " + i);
            }
        }
    }

    private static void zero(FileChannel ch, long size) throws IOException {
        ByteBuffer z = ByteBuffer.allocateDirect(1 << 20);
        for (long at = 0; at < size; at += z.capacity()) {
            z.clear();
            while (z.hasRemaining()) {
                ch.write(z, at + z.position());
            }
        }
    }

    private static int writeFully(FileChannel ch, long off, byte[] b) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(b);
        int n = 0;
        while (buf.hasRemaining()) {
            n += ch.write(buf, off + buf.position());
        }
        return n;
    }

    private static byte[] readFully(FileChannel ch, long off, int len) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(len);
        while (buf.hasRemaining()) {
            if (ch.read(buf, off + buf.position()) < 0) {
                break;
            }
        }
        return buf.array();
    }
}
