package io.scstdrbd.systest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What must be refused or detected between two daemons, reported in status, events2 and the log,
 * without overwriting data: a wrong shared secret, an unknown cram-hmac-alg, incompatible
 * protocols, a split brain (handler called; resolved with connect --discard-my-data or by an
 * after-sb policy), two Primaries without allow-two-primaries, and hostile byte streams on the
 * replication port (they drop only their own socket).
 */
class ReplicationFailuresSystemTest {
    private static final Duration REFUSAL = Duration.ofSeconds(30);
    /** DRBD_MAGIC_100 and P_CONNECTION_FEATURES (drbd.md sections 3 and 4). */
    private static final int MAGIC_100 = 0x8620EC20;
    private static final int FEATURES = 0xFFFE;

    @Test
    void wrongSharedSecretIsRefused() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("secret", 17704, "64M")) {
            n.net = "protocol C; cram-hmac-alg sha256;";
            n.a.netExtra = "shared-secret \"Oh9Ahx\";";
            n.b.netExtra = "shared-secret \"not-it\";";
            n.a.start();
            n.b.start();
            n.a.createMd();
            n.b.createMd();
            n.a.up();
            n.a.adm("primary", "--force", "r0").ok();
            TwoNodes.writeBlocks(n.a.drbd1(), new long[] {0, 1, 2}, 7);
            n.b.up();
            n.a.awaitStatus(s -> s.contains("beta connection:StandAlone"), REFUSAL);
            n.b.awaitStatus(s -> s.contains("alpha connection:StandAlone"), REFUSAL);
            assertTrue(n.a.daemon.countLog("authentication of peer failed") + n.b.daemon.countLog("authentication of peer failed") > 0,
                    n.a.daemon.tail() + n.b.daemon.tail());
            assertTrue(n.a.setup("events2", "--now", "r0").ok().output()
                    .contains("exists connection name:r0 peer-node-id:1 conn-name:beta connection:StandAlone role:Unknown\n"));
            long size = n.a.dataBytes();
            assertNotEquals(n.a.md5(size), n.b.md5(size), "nothing may have been replicated");
            assertEquals(0, n.a.resyncBits().size() + n.b.resyncBits().size());

            // the right secret through adjust: net-options and connect
            n.b.netExtra = "shared-secret \"Oh9Ahx\";";
            n.b.writeConf();
            n.b.adm("adjust", "r0").ok();
            n.a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            assertTrue(n.a.daemon.countLog("peer authenticated using 32 bytes HMAC \\(sha256\\)") > 0, n.a.daemon.tail());
            n.assertSameData("after connecting with the right secret");

            // an algorithm this node cannot compute is refused, not ignored
            n.a.adm("disconnect", "r0").ok();
            Cmd.Result bad = n.a.setup("net-options", "r0", "1", "--cram-hmac-alg=whirlpool");
            assertEquals(10, bad.exit(), bad.output());
            assertTrue(bad.output().contains("(120)"), bad.output());
        }
    }

    @Test
    void incompatibleProtocolsAreRefused() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("proto", 17706, "64M")) {
            n.net = "";
            n.a.netExtra = "protocol C;";
            n.b.netExtra = "protocol A;";
            n.a.start();
            n.b.start();
            n.a.createMd();
            n.b.createMd();
            n.a.up();
            n.b.up();
            n.a.awaitStatus(s -> s.contains("beta connection:StandAlone"), REFUSAL);
            n.b.awaitStatus(s -> s.contains("alpha connection:StandAlone"), REFUSAL);
            String logs = n.a.daemon.logText() + n.b.daemon.logText();
            assertTrue(logs.contains("incompatible communication protocols"), n.a.daemon.tail() + n.b.daemon.tail());
        }
    }

    /**
     * Both sides write while disconnected: the sync handshake detects the split brain, calls the
     * split-brain handler, both go StandAlone and keep their data; connect --discard-my-data on one
     * side resolves it and that side becomes the sync target.
     */
    @Test
    void splitBrainIsDetectedAndResolvedByDiscardMyData() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("splitbrain", 17708, "64M")) {
            Path calls = n.work().resolve("helper-calls");
            Path helper = helperScript(n.work(), calls);
            n.upConnected();
            for (TwoNodes.Node x : List.of(n.a, n.b)) {
                Files.writeString(x.daemon.path("sys/module/drbd/parameters/usermode_helper"), helper.toString());
            }
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            n.a.adm("disconnect", "r0").ok();
            n.b.adm("disconnect", "r0").ok();
            TwoNodes.writeBlocks(n.a.drbd1(), new long[] {100, 101, 102, 9000}, 1);
            n.a.adm("secondary", "r0").ok();
            n.b.adm("primary", "r0").ok();
            TwoNodes.writeBlocks(n.b.drbd1(), new long[] {100, 5000}, 2);
            n.b.adm("secondary", "r0").ok();
            long size = n.a.dataBytes();
            String sumA = n.a.md5(size);
            String sumB = n.b.md5(size);
            assertNotEquals(sumA, sumB);

            Path events = n.work().resolve("events2-beta.out");
            Process live = n.b.spawn(events, "drbdsetup", "events2");
            n.a.adm("connect", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.a.awaitStatus(s -> s.contains("beta connection:StandAlone"), REFUSAL);
            n.b.awaitStatus(s -> s.contains("alpha connection:StandAlone"), REFUSAL);
            assertTrue(n.a.daemon.countLog("split brain detected and not resolved") > 0, n.a.daemon.tail());
            assertTrue(n.b.daemon.countLog("split brain detected and not resolved") > 0, n.b.daemon.tail());
            awaitFile(calls, "beta split-brain r0");
            awaitFile(calls, "alpha split-brain r0");
            assertEquals(sumA, n.a.md5(size), "split brain: alpha's data was changed");
            assertEquals(sumB, n.b.md5(size), "split brain: beta's data was changed");
            TwoNodes.sleep(500);
            String ev = Files.readString(events);
            assertTrue(ev.contains("call helper name:r0 peer-node-id:0 conn-name:alpha volume:0 minor:1 helper:split-brain\n"), ev);
            assertTrue(ev.contains("change connection name:r0 peer-node-id:0 conn-name:alpha connection:StandAlone\n"), ev);
            live.destroy();

            // beta gives up its changes
            n.b.adm("connect", "--discard-my-data", "r0").ok();
            n.a.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after discard-my-data");
            assertEquals(sumA, n.b.md5(size), "beta now holds alpha's data");
            List<Long> bits = n.b.resyncBits();
            assertEquals(5, bits.get(bits.size() - 1), "the blocks changed on either side resync");
        }
    }

    /** after-sb-0pri discard-least-changes: the side with fewer changes becomes the sync target. */
    @Test
    void splitBrainAutoRecoveryDiscardLeastChanges() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("autosb", 17710, "64M")) {
            n.net = "protocol C; after-sb-0pri discard-least-changes;";
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            n.a.adm("disconnect", "r0").ok();
            n.b.adm("disconnect", "r0").ok();
            TwoNodes.writeBlocks(n.a.drbd1(), new long[] {7}, 3);
            n.a.adm("secondary", "r0").ok();
            n.b.adm("primary", "r0").ok();
            TwoNodes.writeBlocks(n.b.drbd1(), new long[] {20, 21, 22, 4000, 4001, 9999}, 4);
            n.b.adm("secondary", "r0").ok();
            long size = n.a.dataBytes();
            String sumB = n.b.md5(size);
            n.a.adm("connect", "r0").ok();
            n.b.adm("connect", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            assertEquals(sumB, n.a.md5(size), "alpha changed less and took beta's data");
            n.assertSameData("after automatic split-brain recovery");
        }
    }

    @Test
    void twoPrimariesNeedAllowTwoPrimaries() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("twopri", 17712, "64M")) {
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            Cmd.Result refused = n.b.adm("primary", "r0");
            assertNotEquals(0, refused.exit(), refused.output());
            assertTrue(refused.output().contains("State change failed"), refused.output());
            assertEquals("Secondary\n", n.b.adm("role", "r0").ok().output());
            assertTrue(n.a.status().contains("beta role:Secondary\n"), n.a.status());

            // allowed once both sides say so (net options changed on the connected resource)
            n.net = "protocol C; allow-two-primaries yes;";
            n.a.writeConf();
            n.b.writeConf();
            n.a.adm("adjust", "r0").ok();
            n.b.adm("adjust", "r0").ok();
            n.awaitConnected();
            n.b.adm("primary", "r0").ok();
            assertTrue(n.a.awaitStatus(s -> s.contains("beta role:Primary"), Duration.ofSeconds(10))
                    .startsWith("r0 role:Primary\n"));
            TwoNodes.writeBlocks(n.b.drbd1(), new long[] {1, 2, 3}, 5);
            n.assertSameData("written on the second Primary");
        }
    }

    /**
     * Garbage, a bad magic, an oversized length and a cut-off packet on the replication port, from
     * the peer's address and from another one: only those sockets are dropped; the established
     * connection keeps replicating and a later reconnect works.
     */
    @Test
    void hostileStreamsDropOnlyTheirSocket() throws Exception {
        DrbdTools.require();
        try (TwoNodes n = new TwoNodes("hostile", 17714, "64M")) {
            n.upConnected();
            n.a.adm("primary", "--force", "r0").ok();
            n.awaitInSync(Duration.ofMinutes(1));
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", 17714);
            for (String from : List.of("127.0.0.2", "127.0.0.3")) {
                hostile(target, from, randomBytes(4096));
                hostile(target, from, header100(0x12345678, FEATURES, 80)); // not a DRBD magic
                hostile(target, from, header100(MAGIC_100, 0x7777, 8)); // unknown packet type
                hostile(target, from, cut(header100(MAGIC_100, FEATURES, 80))); // ends inside the payload
                hostile(target, from, header100(MAGIC_100, FEATURES, 1 << 30)); // features with 1 GiB payload
            }
            assertTrue(n.a.status().contains("beta role:Secondary\n    peer-disk:UpToDate\n"), n.a.status());
            TwoNodes.writeBlocks(n.a.drbd1(), new long[] {11, 12, 13}, 6);
            n.assertSameData("replication after the hostile streams");
            assertTrue(n.a.daemon.isAlive() && n.b.daemon.isAlive());

            // while the peer is away the hostile streams hit the connect path; the peer still gets in
            n.b.adm("down", "r0").ok();
            n.a.awaitStatus(s -> s.contains("beta connection:Connecting"), Duration.ofSeconds(20));
            for (int i = 0; i < 3; i++) {
                hostile(target, "127.0.0.2", header100(MAGIC_100, FEATURES, 1 << 30));
                hostile(target, "127.0.0.2", header100(MAGIC_100, 0x0003, 8)); // P_BARRIER as a first packet
                hostile(target, "127.0.0.2", randomBytes(100));
            }
            n.b.up();
            n.awaitInSync(Duration.ofMinutes(1));
            n.assertSameData("after reconnecting");
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * A usermode helper that records "NODE CMD RESOURCE peer=ID" lines; fence-peer answers 4 (peer
     * outdated), everything else succeeds.
     */
    static Path helperScript(Path dir, Path calls) throws IOException {
        Path s = dir.resolve("helper.sh");
        Files.writeString(s, "#!/bin/sh\necho \"$__DRBD_NODE__ $1 $2 peer=$DRBD_PEER_NODE_ID\" >> " + calls + "\n"
                + "[ \"$1\" = fence-peer ] && exit 4\nexit 0\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.deleteIfExists(calls);
        return s;
    }

    static void awaitFile(Path f, String line) throws IOException {
        for (int i = 0; i < 100; i++) {
            if (Files.exists(f) && Files.readString(f).contains(line)) {
                return;
            }
            TwoNodes.sleep(100);
        }
        throw new AssertionError("no '" + line + "' in " + f + ":\n" + (Files.exists(f) ? Files.readString(f) : "(missing)"));
    }

    /** Connects from {@code from}, sends {@code bytes}, and expects the daemon to close the socket. */
    private static void hostile(InetSocketAddress target, String from, byte[] bytes) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(target, 2000);
            s.setSoTimeout(15000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException closedEarly) {
                return;
            }
            try {
                // the daemon closes it: read returns -1 (or the connection is reset)
                while (s.getInputStream().read() >= 0) {
                    // drain whatever the daemon sent (its own first packet)
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the daemon kept a hostile connection from " + from + " open", e);
            } catch (IOException reset) {
                // reset: dropped
            }
        }
    }

    private static byte[] header100(int magic, int cmd, int length) {
        ByteBuffer b = ByteBuffer.allocate(16);
        b.putInt(magic).putShort((short) 0).putShort((short) cmd).putInt(length).putInt(0);
        return b.array();
    }

    private static byte[] cut(byte[] header) {
        byte[] b = new byte[header.length + 10];
        System.arraycopy(header, 0, b, 0, header.length);
        return b;
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new java.util.Random(n).nextBytes(b);
        return b;
    }
}
