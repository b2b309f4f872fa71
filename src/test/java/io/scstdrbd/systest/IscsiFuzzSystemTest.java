package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Throws random and mutated PDUs at a live target (random bytes, corrupted logins, corrupted
 * commands and data after a good login, truncated and oversized frames) from several
 * connections at once, while another initiator writes and verifies data on its own LUN. The
 * daemon must close only the offending connections, log them, keep serving, and leak nothing.
 */
class IscsiFuzzSystemTest {
    static final int PORT = IscsiTestSupport.PORT_BASE + 5;
    static final String IQN = "iqn.2024-01.io.scst-drbd:fuzz";
    static final String GOOD = "iqn.2024-01.test:good";
    static final long SEED = Long.getLong("iscsi.fuzz.seed", 20240101L);
    static final int CONNECTIONS = Integer.getInteger("iscsi.fuzz.connections", 600);

    @Test
    void hostilePdusDoNotDisturbOtherSessions() throws Exception {
        DaemonProcess.requireRoot();
        IscsiTestSupport.requireTools("iscsi-inq");
        IscsiTestSupport.freePort(PORT);
        Path dir = IscsiTestSupport.scratch("fuzz");
        Path root = dir.resolve("root");
        Path iscsiConf = dir.resolve("iscsi-scstd.conf");
        Files.writeString(iscsiConf, "Target " + IQN + "\n\tHeaderDigest CRC32C,None\n\tDataDigest CRC32C,None\n");
        Path scstConf = dir.resolve("scst.conf");
        Files.writeString(scstConf, String.join("\n",
                "[HANDLER vdisk]",
                "DEVICE disk_fuzz," + root + "/dev/tcmu000,BLOCKIO,512,fuzz",
                "DEVICE disk_good," + root + "/dev/tcmu001,BLOCKIO,512,good",
                "[GROUP Default]",
                "[GROUP good]",
                "USER " + GOOD,
                "[ASSIGNMENT Default]",
                "DEVICE disk_fuzz,0",
                "[ASSIGNMENT good]",
                "DEVICE disk_good,0",
                ""));
        try (DaemonProcess d = DaemonProcess.builder("iscsi-fuzz").fuseRoot(root)
                .backend("tcmu000:ram:@:64M").backend("tcmu001:ram:@:64M")
                .jvmArg("-Dio.netty.leakDetection.level=paranoid")
                .arg("--iscsi-listen", "127.0.0.1:" + PORT, "--iscsi-conf", iscsiConf.toString(),
                        "--scst-conf", scstConf.toString(), "--scst-state-dir", dir.resolve("state").toString())
                .start()) {
            d.waitForLog("iSCSI portal /127.0.0.1:" + PORT, Duration.ofSeconds(30));

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger goodOps = new AtomicInteger();
            AtomicReference<Throwable> goodFailure = new AtomicReference<>();
            Thread good = new Thread(() -> goodSession(stop, goodOps, goodFailure), "good-session");
            good.start();

            ExecutorService fuzzers = Executors.newFixedThreadPool(8);
            List<Future<?>> runs = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                long seed = SEED * 31 + i;
                runs.add(fuzzers.submit(() -> fuzzOne(new Random(seed))));
            }
            for (Future<?> f : runs) {
                f.get(120, TimeUnit.SECONDS);
            }
            fuzzers.shutdown();
            stop.set(true);
            good.join(30_000);

            assertEquals(null, goodFailure.get(), "the good session failed during the fuzzing (seed " + SEED + ")");
            assertTrue(goodOps.get() >= 20, "the good session kept working: " + goodOps.get() + " verified writes");
            assertTrue(d.isAlive(), d.tail());
            // the daemon still serves new sessions
            Cmd.Result inq = Cmd.run("iscsi-inq", "-i", GOOD, IscsiTestSupport.url(PORT, IQN, 0)).ok();
            assertTrue(inq.output().contains("DIRECT_ACCESS"), inq.output());
            try (RawIscsi c = RawIscsi.connect(PORT, 10_000)) {
                c.login(GOOD, IQN, 0x400000000099L);
                c.logout();
            }
            assertTrue(d.countLog("protocol error|closing the connection|login of .* failed|rejected") > 0,
                    "hostile connections are logged");
            assertEquals(0, d.countLog("unexpected error|error handling|LEAK:|Exception in"),
                    "no handler failed and no buffer leaked:\n" + d.tail());
            d.stop();
        }
    }

    /** Writes, reads back and compares 4 KiB blocks until told to stop. */
    private static void goodSession(AtomicBoolean stop, AtomicInteger ops, AtomicReference<Throwable> failure) {
        Random r = new Random(SEED);
        try (RawIscsi c = RawIscsi.connect(PORT, 20_000)) {
            c.login(GOOD, IQN, 0x400000000001L);
            while (c.testUnitReady() != 0) {
                // unit attention after login
            }
            long lba = 0;
            while (!stop.get()) {
                byte[] block = new byte[4096];
                r.nextBytes(block);
                c.write10(lba, block, 512);
                assertArrayEquals(block, c.read10(lba, 8, 512));
                lba = (lba + 8) % 100_000;
                ops.incrementAndGet();
            }
            c.logout();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    private static void fuzzOne(Random r) {
        try (RawIscsi c = RawIscsi.connect(PORT, 2_000)) {
            switch (r.nextInt(5)) {
                case 0 -> {
                    byte[] junk = new byte[1 + r.nextInt(2000)];
                    r.nextBytes(junk);
                    c.sendRaw(junk);
                }
                case 1 -> c.sendRaw(mutate(RawIscsi.loginPdu(r.nextLong() & 0xffffffffffffL, 1, RawIscsi.text(
                        "InitiatorName=iqn.2024-01.test:fuzz", "TargetName=" + IQN, "SessionType=Normal",
                        "HeaderDigest=None", "MaxRecvDataSegmentLength=65536")), r));
                case 2 -> {
                    byte[] login = RawIscsi.loginPdu(1, 1, RawIscsi.text("InitiatorName=iqn.2024-01.test:fuzz",
                            "TargetName=" + IQN));
                    c.sendRaw(java.util.Arrays.copyOf(login, r.nextInt(login.length))); // truncated
                }
                default -> {
                    c.login("iqn.2024-01.test:fuzz", IQN, 0x400000000000L | r.nextInt(1 << 16));
                    int n = 1 + r.nextInt(8);
                    for (int i = 0; i < n; i++) {
                        c.sendRaw(mutate(template(r, i), r));
                    }
                }
            }
            drain(c);
        } catch (IOException e) {
            // expected: the target closes hostile connections
        }
    }

    /** Reads whatever the target answers for a short while. */
    private static void drain(RawIscsi c) {
        try {
            c.setTimeout(100);
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
            while (System.nanoTime() < end) {
                c.read();
            }
        } catch (IOException e) {
            // closed or quiet
        }
    }

    /** A well-formed full feature phase PDU to start from. */
    private static byte[] template(Random r, int i) {
        int kind = r.nextInt(9);
        int dsl = switch (kind) {
            case 1, 2 -> 4096;
            case 3 -> 16;
            case 5 -> 16;
            default -> 0;
        };
        ByteBuffer b = ByteBuffer.allocate(48 + dsl);
        int itt = 0x100 + i;
        switch (kind) {
            case 0 -> { // READ(10) 8 blocks
                b.put(0, (byte) 0x01).put(1, (byte) 0xc1).putInt(16, itt).putInt(20, 4096).putInt(24, 1 + i);
                b.put(32, (byte) 0x28).putShort(39, (short) 8);
            }
            case 1 -> { // WRITE(10) with immediate data
                b.put(0, (byte) 0x01).put(1, (byte) 0xa1).putInt(16, itt).putInt(20, 4096).putInt(24, 1 + i);
                b.put(32, (byte) 0x2a).putInt(34, r.nextInt(1000)).putShort(39, (short) 8);
            }
            case 2 -> { // Data-Out for a command that may not exist
                b.put(0, (byte) 0x05).put(1, (byte) 0x80).putInt(16, itt).putInt(20, -1).putInt(36, 0).putInt(40, 0);
            }
            case 3 -> { // NOP-Out with ping data
                b.put(0, (byte) 0x40).put(1, (byte) 0x80).putInt(16, itt).putInt(20, -1).putInt(24, 1 + i);
            }
            case 4 -> { // ABORT TASK
                b.put(0, (byte) 0x42).put(1, (byte) 0x81).putInt(16, itt).putInt(20, itt - 1).putInt(24, 1 + i);
            }
            case 5 -> { // Text SendTargets
                b.put(0, (byte) 0x44).put(1, (byte) 0x80).putInt(16, itt).putInt(20, -1).putInt(24, 1 + i);
            }
            case 6 -> { // LUN RESET
                b.put(0, (byte) 0x42).put(1, (byte) 0x85).putInt(16, itt).putInt(24, 1 + i);
            }
            case 7 -> { // SNACK
                b.put(0, (byte) 0x10).put(1, (byte) 0x80).putInt(16, itt);
            }
            default -> { // a target-only opcode sent by the initiator
                b.put(0, (byte) (0x20 + r.nextInt(0x20))).put(1, (byte) 0x80).putInt(16, itt);
            }
        }
        b.putInt(4, dsl);
        byte[] a = b.array();
        if (kind == 5) {
            System.arraycopy("SendTargets=All\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, a, 48, 16);
        } else if (dsl > 0) {
            for (int k = 48; k < a.length; k++) {
                a[k] = (byte) r.nextInt();
            }
        }
        return a;
    }

    /** Flips header fields the target must check (opcode, flags, lengths, tags, numbers, offsets). */
    private static byte[] mutate(byte[] pdu, Random r) {
        byte[] m = pdu.clone();
        int flips = r.nextInt(4);
        int[] hot = {0, 1, 2, 3, 4, 7, 8, 9, 16, 19, 20, 23, 24, 27, 28, 32, 33, 36, 39, 40, 43, 44, 47};
        for (int i = 0; i < flips; i++) {
            int at = r.nextBoolean() ? hot[r.nextInt(hot.length)] : r.nextInt(m.length);
            m[at] = (byte) (r.nextInt(4) == 0 ? 0xff : r.nextInt());
        }
        switch (r.nextInt(12)) {
            case 0 -> {
                return java.util.Arrays.copyOf(m, r.nextInt(m.length)); // truncated
            }
            case 1 -> {
                ByteBuffer.wrap(m).put(5, (byte) r.nextInt()).put(6, (byte) r.nextInt()); // any length
                return m;
            }
            case 2 -> {
                m[4] = (byte) (1 + r.nextInt(8)); // AHS that is not there
                return m;
            }
            default -> {
                return m;
            }
        }
    }
}
