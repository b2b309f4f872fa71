package io.scstdrbd.iscsi.conn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.scstdrbd.iscsi.config.ChapAccount;
import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.IscsiConfigParser;
import io.scstdrbd.iscsi.conn.EmbeddedTarget.Received;
import io.scstdrbd.iscsi.pdu.DataIn;
import io.scstdrbd.iscsi.pdu.DataOut;
import io.scstdrbd.iscsi.pdu.LoginRequest;
import io.scstdrbd.iscsi.pdu.LoginResponse;
import io.scstdrbd.iscsi.pdu.LogoutRequest;
import io.scstdrbd.iscsi.pdu.LogoutResponse;
import io.scstdrbd.iscsi.pdu.Luns;
import io.scstdrbd.iscsi.pdu.NopIn;
import io.scstdrbd.iscsi.pdu.NopOut;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.R2t;
import io.scstdrbd.iscsi.pdu.Reject;
import io.scstdrbd.iscsi.pdu.ScsiCommand;
import io.scstdrbd.iscsi.pdu.ScsiResponsePdu;
import io.scstdrbd.iscsi.pdu.SnackRequest;
import io.scstdrbd.iscsi.pdu.TaskMgmtRequest;
import io.scstdrbd.iscsi.pdu.TaskMgmtResponse;
import io.scstdrbd.iscsi.pdu.TextRequest;
import io.scstdrbd.iscsi.pdu.TextResponse;
import io.scstdrbd.iscsi.session.SessionRegistry;
import io.scstdrbd.iscsi.testing.RamScsiCore;
import io.scstdrbd.kernel.bytes.BigEndian;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection state machine driven PDU by PDU (login, data paths, ordering, errors). */
class ConnectionTest {
    static final String T = "iqn.2024-01.io.scst-drbd:t";
    static final String I = "iqn.2024-01.test:initiator";
    static final long ISID = 0x400000000001L;
    static final long LUN0 = Luns.encode(0);

    private final SessionRegistry sessions = new SessionRegistry();
    private EmbeddedTarget t;

    @AfterEach
    void closeTarget() {
        if (t != null) {
            t.close();
        }
        LeakWatch.assertNoLeaks();
    }

    private static IscsiConfig config(String... lines) throws Exception {
        return IscsiConfigParser.parse("test", "Target " + T + "\n" + String.join("\n", lines));
    }

    private EmbeddedTarget target(String... lines) throws Exception {
        t = new EmbeddedTarget(config(lines), new RamScsiCore(null, null, 2048), sessions);
        return t;
    }

    private void loginOk(String... keys) {
        Received r = t.login(ISID, 0, I, T, keys);
        LoginResponse lr = (LoginResponse) r.header();
        assertEquals(0, lr.statusClass(), "login status " + lr.statusClass() + "/" + lr.statusDetail());
        assertTrue(lr.transit());
        assertNotEquals(0, lr.tsih());
    }

    private static byte[] cdb(int op, long lba, int blocks) {
        byte[] c = new byte[16];
        c[0] = (byte) op;
        if (op == 0x28 || op == 0x2a) {
            BigEndian.put32(c, 2, lba);
            BigEndian.put16(c, 7, blocks);
        }
        return c;
    }

    private ScsiCommand cmd(int itt, boolean read, boolean write, long edtl, byte[] cdb, boolean fin) {
        return new ScsiCommand(false, fin, read, write, 1, LUN0, itt, edtl, t.cmdSN++, t.expStatSN, cdb);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Reads Data-In PDUs up to the status; returns the data. */
    private byte[] readData(int itt) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int dataSN = 0;
        while (true) {
            Received r = t.expect();
            if (r.header() instanceof DataIn d) {
                assertEquals(itt, d.itt());
                assertEquals(dataSN++, d.dataSN());
                assertEquals(data.size(), d.bufferOffset());
                data.write(r.data(), 0, r.data().length);
                if (d.statusPresent()) {
                    assertEquals(0, d.status());
                    assertEquals(t.expStatSN++, d.statSN());
                    return data.toByteArray();
                }
            } else {
                throw new AssertionError("expected Data-In, got " + r.header());
            }
        }
    }

    private ScsiResponsePdu status(int itt) {
        ScsiResponsePdu s = t.expect(ScsiResponsePdu.class);
        assertEquals(itt, s.itt());
        assertEquals(t.expStatSN++, s.statSN());
        return s;
    }

    @Test
    void writeWithImmediateDataThenReadBack() throws Exception {
        target();
        loginOk("ImmediateData=Yes", "InitialR2T=No", "MaxRecvDataSegmentLength=262144");
        byte[] payload = pattern(4096, 1);
        t.send(cmd(1, false, true, 4096, cdb(0x2a, 10, 8), true), payload);
        ScsiResponsePdu s = status(1);
        assertEquals(0, s.status());
        assertFalse(s.overflow() || s.underflow());
        assertEquals(t.cmdSN, s.expCmdSN());
        byte[] lun = java.util.Arrays.copyOfRange(t.core.lun(0), 10 * 512, 18 * 512);
        assertArrayEquals(payload, lun);
        t.send(cmd(2, true, false, 4096, cdb(0x28, 10, 8), true), null);
        assertArrayEquals(payload, readData(2));
    }

    @Test
    void solicitedDataWithMaxBurstAndMaxOutstandingR2t() throws Exception {
        target();
        loginOk("ImmediateData=No", "InitialR2T=Yes", "MaxBurstLength=4096", "MaxOutstandingR2T=2");
        byte[] payload = pattern(16384, 2);
        t.send(cmd(7, false, true, 16384, cdb(0x2a, 0, 32), true), null);
        R2t a = t.expect(R2t.class);
        R2t b = t.expect(R2t.class);
        assertNull(t.next(), "MaxOutstandingR2T=2");
        assertEquals(0, a.bufferOffset());
        assertEquals(4096, a.desiredDataTransferLength());
        assertEquals(0, a.r2tSN());
        assertEquals(4096, b.bufferOffset());
        assertEquals(1, b.r2tSN());
        assertEquals(t.expStatSN, a.statSN(), "R2T does not advance StatSN");
        for (R2t r : new R2t[] {a, b}) {
            t.send(new DataOut(true, LUN0, 7, r.ttt(), t.expStatSN, 0, r.bufferOffset()),
                    java.util.Arrays.copyOfRange(payload, r.bufferOffset(), r.bufferOffset() + 4096));
        }
        R2t c = t.expect(R2t.class);
        R2t d = t.expect(R2t.class);
        assertEquals(8192, c.bufferOffset());
        assertEquals(12288, d.bufferOffset());
        t.send(new DataOut(false, LUN0, 7, c.ttt(), t.expStatSN, 0, 8192), java.util.Arrays.copyOfRange(payload,
                8192, 10240));
        t.send(new DataOut(true, LUN0, 7, c.ttt(), t.expStatSN, 1, 10240), java.util.Arrays.copyOfRange(payload,
                10240, 12288));
        t.send(new DataOut(true, LUN0, 7, d.ttt(), t.expStatSN, 0, 12288), java.util.Arrays.copyOfRange(payload,
                12288, 16384));
        ScsiResponsePdu s = status(7);
        assertEquals(0, s.status());
        assertEquals(4, s.expDataSN(), "ExpDataSN counts the R2Ts");
        assertArrayEquals(payload, java.util.Arrays.copyOf(t.core.lun(0), 16384));
    }

    @Test
    void unsolicitedDataOutAfterImmediateData() throws Exception {
        target("FirstBurstLength 8192");
        loginOk("ImmediateData=Yes", "InitialR2T=No", "FirstBurstLength=65536", "MaxBurstLength=262144");
        byte[] payload = pattern(12288, 3);
        t.send(cmd(8, false, true, 12288, cdb(0x2a, 100, 24), false), java.util.Arrays.copyOf(payload, 2048));
        t.send(new DataOut(true, LUN0, 8, PduHeader.RESERVED_TAG, t.expStatSN, 0, 2048),
                java.util.Arrays.copyOfRange(payload, 2048, 8192));
        R2t r = t.expect(R2t.class);
        assertEquals(8192, r.bufferOffset(), "the rest after FirstBurstLength 8192 is solicited");
        assertEquals(4096, r.desiredDataTransferLength());
        t.send(new DataOut(true, LUN0, 8, r.ttt(), t.expStatSN, 0, 8192),
                java.util.Arrays.copyOfRange(payload, 8192, 12288));
        assertEquals(0, status(8).status());
        assertArrayEquals(payload, java.util.Arrays.copyOfRange(t.core.lun(0), 100 * 512, 100 * 512 + 12288));
    }

    @Test
    void dataInFollowsInitiatorSegmentSizeAndBurst() throws Exception {
        target();
        loginOk("MaxRecvDataSegmentLength=4096", "MaxBurstLength=8192");
        byte[] payload = pattern(16384, 4);
        System.arraycopy(payload, 0, t.core.lun(0), 0, payload.length);
        t.send(cmd(3, true, false, 16384, cdb(0x28, 0, 32), true), null);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        for (int i = 0; i < 4; i++) {
            Received r = t.expect();
            DataIn d = (DataIn) r.header();
            assertEquals(4096, r.data().length);
            assertEquals(i, d.dataSN());
            assertEquals(i * 4096, d.bufferOffset());
            assertEquals(i % 2 == 1, d.finalFlag(), "F at every MaxBurstLength sequence end");
            assertEquals(i == 3, d.statusPresent());
            got.write(r.data(), 0, 4096);
        }
        assertArrayEquals(payload, got.toByteArray());
    }

    @Test
    void residualsAndSense() throws Exception {
        target();
        loginOk();
        // READ(10) of 1 block with EDTL 200: 200 bytes and an overflow of 312
        t.send(cmd(4, true, false, 200, cdb(0x28, 0, 1), true), null);
        Received r = t.expect();
        DataIn d = (DataIn) r.header();
        assertEquals(200, r.data().length);
        assertTrue(d.statusPresent() && d.overflow());
        assertEquals(312, d.residualCount());
        t.expStatSN++;
        // READ(10) of 1 block with EDTL 0: status only, overflow 512
        t.send(cmd(5, true, false, 0, cdb(0x28, 0, 1), true), null);
        ScsiResponsePdu s = status(5);
        assertTrue(s.overflow());
        assertEquals(512, s.residualCount());
        // beyond the end: CHECK CONDITION with the sense length prefix
        t.send(cmd(6, true, false, 512, cdb(0x28, 4096, 1), true), null);
        Received rr = t.expect();
        ScsiResponsePdu c = (ScsiResponsePdu) rr.header();
        assertEquals(2, c.status());
        assertEquals(18, BigEndian.u16(rr.data(), 0));
        assertEquals(5, rr.data()[2 + 2] & 0x0f);
        assertEquals(0x21, rr.data()[2 + 12]);
        t.expStatSN++;
    }

    @Test
    void digestsBothWays() throws Exception {
        target("HeaderDigest CRC32C,None", "DataDigest CRC32C,None");
        loginOk("HeaderDigest=CRC32C,None", "DataDigest=CRC32C");
        assertTrue(t.headerDigest && t.dataDigest);
        byte[] payload = pattern(1000, 5);
        t.send(cmd(1, false, true, 1000, cdb(0x2a, 0, 2), true), payload); // 1000 bytes: padded, digested
        assertEquals(0, status(1).status());
        t.send(cmd(2, true, false, 1000, cdb(0x28, 0, 2), true), null);
        Received r = t.expect();
        assertArrayEquals(payload, r.data());
        // a NOP-Out with a broken data digest is rejected; the connection stays
        t.send(new NopOut(true, 0, 9, PduHeader.RESERVED_TAG, t.cmdSN, t.expStatSN), new byte[0],
                "ping".getBytes(StandardCharsets.US_ASCII), false, true);
        Reject j = t.expect(Reject.class);
        assertEquals(Reject.DATA_DIGEST_ERROR, j.reason());
        assertTrue(t.ch.isOpen());
        // a broken header digest closes the connection
        t.send(new NopOut(true, 0, 10, PduHeader.RESERVED_TAG, t.cmdSN, t.expStatSN), new byte[0], null, true, false);
        assertFalse(t.ch.isOpen());
    }

    @Test
    void digestsRequiredButRefused() throws Exception {
        target("HeaderDigest CRC32C");
        Received r = t.login(ISID, 0, I, T, "HeaderDigest=None");
        assertEquals("Reject", r.keys().get("HeaderDigest"));
    }

    @Test
    void nopOutEchoAndNopInKeepalive() throws Exception {
        target("NopInInterval 2", "NopInTimeout 3");
        loginOk();
        t.send(new NopOut(false, 0, 77, PduHeader.RESERVED_TAG, t.cmdSN++, t.expStatSN),
                "hello".getBytes(StandardCharsets.US_ASCII));
        Received echo = t.expect();
        NopIn n = (NopIn) echo.header();
        assertEquals(77, n.itt());
        assertEquals(t.expStatSN++, n.statSN());
        assertEquals("hello", echo.text());
        t.advance(3);
        NopIn ping = t.expect(NopIn.class);
        assertEquals(PduHeader.RESERVED_TAG, ping.itt());
        assertNotEquals(PduHeader.RESERVED_TAG, ping.ttt());
        assertEquals(t.expStatSN, ping.statSN(), "a ping does not advance StatSN");
        t.send(new NopOut(true, 0, PduHeader.RESERVED_TAG, ping.ttt(), t.cmdSN, t.expStatSN), null);
        assertNull(t.next(), "no answer to the ping reply");
        t.advance(3);
        NopIn ping2 = t.expect(NopIn.class);
        assertTrue(t.ch.isOpen());
        t.advance(5); // silence beyond NopInTimeout
        assertFalse(t.ch.isOpen(), "a dead initiator's connection is closed");
        assertNotEquals(ping.ttt(), ping2.ttt());
    }

    @Test
    void cmdSnWindowIgnoresOutsideAndHoldsAhead() throws Exception {
        target("QueuedCommands 4");
        Received r = t.login(ISID, 0, I, T);
        LoginResponse lr = (LoginResponse) r.header();
        assertEquals(t.cmdSN, lr.expCmdSN());
        assertEquals(t.cmdSN + 3, lr.maxCmdSN());
        int base = t.cmdSN;
        // beyond MaxCmdSN and below ExpCmdSN: silently ignored
        t.send(new ScsiCommand(false, true, false, false, 1, LUN0, 1, 0, base + 4, t.expStatSN, cdb(0, 0, 0)), null);
        t.send(new ScsiCommand(false, true, false, false, 1, LUN0, 2, 0, base - 1, t.expStatSN, cdb(0, 0, 0)), null);
        assertNull(t.next());
        // CmdSN base+1 arrives first: held until base fills the gap
        t.send(new ScsiCommand(false, true, false, false, 1, LUN0, 3, 0, base + 1, t.expStatSN, cdb(0, 0, 0)), null);
        assertNull(t.next());
        t.send(new ScsiCommand(false, true, false, false, 1, LUN0, 4, 0, base, t.expStatSN, cdb(0, 0, 0)), null);
        assertEquals(4, status(4).itt());
        ScsiResponsePdu s = status(3);
        assertEquals(base + 2, s.expCmdSN());
        assertEquals(base + 5, s.maxCmdSN());
    }

    @Test
    void windowClosesWhileCommandsRun() throws Exception {
        target("QueuedCommands 2");
        t.login(ISID, 0, I, T);
        int base = t.cmdSN;
        byte[] park = cdb(0x28, 0, 1);
        park[9] = 0x40; // RamScsiCore parks it until aborted
        t.send(new ScsiCommand(false, true, true, false, 1, LUN0, 1, 512, base, t.expStatSN, park), null);
        t.send(new ScsiCommand(false, true, true, false, 1, LUN0, 2, 512, base + 1, t.expStatSN, park), null);
        t.send(new NopOut(true, 0, 50, PduHeader.RESERVED_TAG, base + 2, t.expStatSN), null);
        NopIn n = t.expect(NopIn.class);
        assertEquals(base + 2, n.expCmdSN());
        assertEquals(base + 1, n.maxCmdSN(), "both slots taken: window closed");
        t.expStatSN++;
        t.send(new TaskMgmtRequest(true, 1, LUN0, 60, 1, base + 2, t.expStatSN, base, 0), null);
        TaskMgmtResponse tm = t.expect(TaskMgmtResponse.class);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, tm.response());
        assertEquals(base + 2, tm.maxCmdSN(), "the aborted command freed its slot");
    }

    @Test
    void taskManagement() throws Exception {
        target();
        loginOk();
        byte[] park = cdb(0x28, 0, 1);
        park[9] = 0x40;
        t.send(cmd(11, true, false, 512, park, true), null);
        assertNull(t.next());
        t.send(new TaskMgmtRequest(true, 1, LUN0, 12, 11, t.cmdSN, t.expStatSN, t.cmdSN - 1, 0), null);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, t.expect(TaskMgmtResponse.class).response());
        t.expStatSN++;
        assertNull(t.next(), "an aborted command gets no response");
        t.send(new TaskMgmtRequest(true, 1, LUN0, 13, 11, t.cmdSN, t.expStatSN, 0, 0), null);
        assertEquals(TaskMgmtResponse.TASK_DOES_NOT_EXIST, t.expect(TaskMgmtResponse.class).response());
        t.send(new TaskMgmtRequest(true, 8, LUN0, 14, 11, t.cmdSN, t.expStatSN, 0, 0), null);
        assertEquals(TaskMgmtResponse.REASSIGNMENT_NOT_SUPPORTED, t.expect(TaskMgmtResponse.class).response());
        t.send(new TaskMgmtRequest(true, 42, LUN0, 15, 0, t.cmdSN, t.expStatSN, 0, 0), null);
        assertEquals(TaskMgmtResponse.FUNCTION_NOT_SUPPORTED, t.expect(TaskMgmtResponse.class).response());
        t.send(cmd(16, true, false, 512, park, true), null);
        t.send(new TaskMgmtRequest(true, 5, LUN0, 17, 0, t.cmdSN, t.expStatSN, 0, 0), null);
        assertEquals(TaskMgmtResponse.FUNCTION_COMPLETE, t.expect(TaskMgmtResponse.class).response());
        assertNull(t.next());
        assertTrue(t.ch.isOpen());
    }

    @Test
    void dataSnErrorFailsOnlyTheCommand() throws Exception {
        target();
        loginOk("ImmediateData=No", "InitialR2T=No");
        t.send(cmd(21, false, true, 1024, cdb(0x2a, 0, 2), false), null);
        t.send(new DataOut(false, LUN0, 21, PduHeader.RESERVED_TAG, t.expStatSN, 0, 0), new byte[512]);
        t.send(new DataOut(true, LUN0, 21, PduHeader.RESERVED_TAG, t.expStatSN, 0, 512), new byte[512]);
        ScsiResponsePdu s = status(21);
        assertEquals(2, s.status());
        assertTrue(t.ch.isOpen());
        t.send(cmd(22, false, false, 0, cdb(0, 0, 0), true), null);
        assertEquals(0, status(22).status());
    }

    @Test
    void sendTargetsInDiscoveryWithContinuation() throws Exception {
        StringBuilder conf = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            conf.append("Target iqn.2024-01.io.scst-drbd:target-with-a-rather-long-name-").append(i).append('\n');
        }
        t = new EmbeddedTarget(IscsiConfigParser.parse("t", conf.toString()), new RamScsiCore(null, null, 8),
                sessions);
        t.send(new LoginRequest(true, false, 1, 3, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0), EmbeddedTarget.text(
                "InitiatorName=" + I, "SessionType=Discovery", "MaxRecvDataSegmentLength=512"));
        LoginResponse lr = t.expect(LoginResponse.class);
        assertEquals(0, lr.statusClass());
        t.expStatSN = lr.statSN() + 1;
        t.send(new TextRequest(false, true, false, 0, 30, PduHeader.RESERVED_TAG, t.cmdSN++, t.expStatSN),
                EmbeddedTarget.text("SendTargets=All"));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int parts = 0;
        while (true) {
            Received r = t.expect();
            TextResponse tr = (TextResponse) r.header();
            assertTrue(r.data().length <= 512);
            all.write(r.data(), 0, r.data().length);
            parts++;
            if (tr.finalFlag()) {
                assertEquals(PduHeader.RESERVED_TAG, tr.ttt());
                break;
            }
            assertTrue(tr.cont());
            t.send(new TextRequest(false, true, false, 0, 30, tr.ttt(), t.cmdSN++, t.expStatSN), null);
        }
        assertTrue(parts > 3);
        String text = all.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("TargetName=iqn.2024-01.io.scst-drbd:target-with-a-rather-long-name-19\0"), text);
        assertTrue(text.contains("TargetAddress="), text);
        // SCSI commands have no place in a discovery session
        t.send(cmd(31, false, false, 0, cdb(0, 0, 0), true), null);
        assertEquals(Reject.PROTOCOL_ERROR, t.expect(Reject.class).reason());
        assertFalse(t.ch.isOpen());
    }

    @Test
    void logoutClosesTheSession() throws Exception {
        target();
        loginOk();
        assertEquals(1, sessions.all().size());
        t.send(new LogoutRequest(true, LogoutRequest.CLOSE_SESSION, 40, 0, t.cmdSN, t.expStatSN), null);
        LogoutResponse lo = t.expect(LogoutResponse.class);
        assertEquals(LogoutResponse.CLOSED, lo.response());
        assertEquals(40, lo.itt());
        assertFalse(t.ch.isOpen());
        assertEquals(0, sessions.all().size());
    }

    @Test
    void logoutForRecoveryIsRefused() throws Exception {
        target();
        loginOk();
        t.send(new LogoutRequest(true, LogoutRequest.REMOVE_FOR_RECOVERY, 41, 0, t.cmdSN, t.expStatSN), null);
        assertEquals(LogoutResponse.RECOVERY_NOT_SUPPORTED, t.expect(LogoutResponse.class).response());
        assertTrue(t.ch.isOpen());
    }

    @Test
    void malformedPdusAreRejected() throws Exception {
        target();
        loginOk();
        byte[] vendor = new byte[48];
        vendor[0] = 0x1c;
        t.sendRaw(Unpooled.wrappedBuffer(vendor));
        Received r = t.expect();
        Reject j = (Reject) r.header();
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, j.reason());
        assertArrayEquals(vendor, r.data(), "the Reject carries the rejected header");
        t.expStatSN++;
        t.send(new SnackRequest(0, 0, 1, 0, t.expStatSN, 0, 0), null);
        assertEquals(Reject.COMMAND_NOT_SUPPORTED, t.expect(Reject.class).reason());
        assertTrue(t.ch.isOpen());
        // immediate data on a command without the W bit: protocol error, connection closed
        t.send(cmd(50, true, false, 512, cdb(0x28, 0, 1), true), new byte[512]);
        assertEquals(Reject.PROTOCOL_ERROR, t.expect(Reject.class).reason());
        assertFalse(t.ch.isOpen());
    }

    @Test
    void oversizedDataSegmentClosesBeforeBuffering() throws Exception {
        target("MaxRecvDataSegmentLength 8192");
        loginOk();
        byte[] bhs = io.scstdrbd.iscsi.pdu.PduCodec.encode(new NopOut(true, 0, 1, PduHeader.RESERVED_TAG, t.cmdSN,
                t.expStatSN), 0, 0);
        BigEndian.put24(bhs, 5, 8193);
        t.sendRaw(Unpooled.wrappedBuffer(bhs)); // only the header: the target must not wait for 8 KiB
        assertEquals(Reject.PROTOCOL_ERROR, t.expect(Reject.class).reason());
        assertFalse(t.ch.isOpen());
    }

    @Test
    void loginPhaseErrors() throws Exception {
        target();
        t.send(new NopOut(true, 0, 1, PduHeader.RESERVED_TAG, 0, 0), null);
        assertFalse(t.ch.isOpen(), "only Login Requests before login");
        t.close();
        target();
        Received r = t.login(ISID, 0, I, "iqn.2024-01.io.scst-drbd:nope");
        LoginResponse lr = (LoginResponse) r.header();
        assertEquals(2, lr.statusClass());
        assertEquals(3, lr.statusDetail());
        assertFalse(t.ch.isOpen());
        t.close();
        target();
        r = t.login(ISID, 77, I, T);
        lr = (LoginResponse) r.header();
        assertEquals(0x0a, lr.statusDetail(), "TSIH 77 names no session");
        t.close();
        target();
        t.advance(31);
        assertFalse(t.ch.isOpen(), "login timeout");
    }

    @Test
    void loginWithContinuedText() throws Exception {
        target();
        byte[] text = EmbeddedTarget.text("InitiatorName=" + I, "TargetName=" + T, "ImmediateData=No");
        int half = 20;
        t.send(new LoginRequest(false, true, 1, 3, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0),
                java.util.Arrays.copyOf(text, half));
        LoginResponse first = t.expect(LoginResponse.class);
        assertFalse(first.transit());
        assertEquals(0, first.statusClass());
        t.send(new LoginRequest(true, false, 1, 3, 0, 0, ISID, 0, 1, 0, t.cmdSN, first.statSN() + 1),
                java.util.Arrays.copyOfRange(text, half, text.length));
        Received r = t.expect();
        assertTrue(((LoginResponse) r.header()).transit());
        assertEquals("No", r.keys().get("ImmediateData"));
    }

    @Test
    void chapLoginOverTheWire() throws Exception {
        IscsiConfig cfg = IscsiConfigParser.parse("t", "Target " + T + "\nIncomingUser alice alicesecret12\n"
                + "OutgoingUser target targetsecret9\n");
        t = new EmbeddedTarget(cfg, new RamScsiCore(null, null, 8), sessions);
        t.send(new LoginRequest(false, false, 0, 1, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0), EmbeddedTarget.text(
                "InitiatorName=" + I, "TargetName=" + T, "SessionType=Normal", "AuthMethod=CHAP,None"));
        Received r = t.expect();
        assertEquals("CHAP", r.keys().get("AuthMethod"));
        t.send(new LoginRequest(false, false, 0, 1, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0), EmbeddedTarget.text("CHAP_A=5"));
        Map<String, String> c = t.expect().keys();
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update((byte) Integer.parseInt(c.get("CHAP_I")));
        md.update("alicesecret12".getBytes(StandardCharsets.UTF_8));
        md.update(HexFormat.of().parseHex(c.get("CHAP_C").substring(2)));
        byte[] mine = new byte[16];
        mine[3] = 9;
        t.send(new LoginRequest(true, false, 0, 1, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0), EmbeddedTarget.text(
                "CHAP_N=alice", "CHAP_R=0x" + HexFormat.of().formatHex(md.digest()), "CHAP_I=3",
                "CHAP_C=0x" + HexFormat.of().formatHex(mine)));
        r = t.expect();
        LoginResponse lr = (LoginResponse) r.header();
        assertTrue(lr.transit());
        assertEquals(1, lr.nsg());
        assertEquals("target", r.keys().get("CHAP_N"));
        md.reset();
        md.update((byte) 3);
        md.update("targetsecret9".getBytes(StandardCharsets.UTF_8));
        md.update(mine);
        assertEquals("0x" + HexFormat.of().formatHex(md.digest()), r.keys().get("CHAP_R"));
        t.send(new LoginRequest(true, false, 1, 3, 0, 0, ISID, 0, 1, 0, t.cmdSN, 0), null);
        lr = t.expect(LoginResponse.class);
        assertEquals(0, lr.statusClass());
        assertEquals(3, lr.nsg());
        assertEquals(I, t.core.opened.get(0).initiatorName());
        assertEquals(T, t.core.opened.get(0).targetName());
        assertEquals(I + ",i,0x400000000001", t.core.opened.get(0).initiatorPortName());
        byte[] tid = t.core.opened.get(0).transportId();
        assertEquals(0x45, tid[0] & 0xff);
        assertEquals(0, BigEndian.u16(tid, 2) % 4);
    }

    @Test
    void sessionReinstatementClosesTheOldConnection() throws Exception {
        IscsiConfig cfg = config();
        RamScsiCore core = new RamScsiCore(null, null, 8);
        EmbeddedTarget first = new EmbeddedTarget(cfg, core, sessions);
        try {
            LoginResponse a = (LoginResponse) first.login(ISID, 0, I, T).header();
            assertEquals(0, a.statusClass());
            t = new EmbeddedTarget(cfg, core, sessions);
            LoginResponse b = (LoginResponse) t.login(ISID, 0, I, T).header();
            assertEquals(0, b.statusClass());
            first.ch.runPendingTasks();
            assertFalse(first.ch.isOpen(), "the old session's connection is closed");
            assertEquals(List.of(b.tsih()), sessions.all().stream().map(s -> s.tsih()).toList());
            // a non-leading login naming the live session keeps its TSIH
            EmbeddedTarget third = new EmbeddedTarget(cfg, core, sessions);
            try {
                LoginResponse c = (LoginResponse) third.login(ISID, b.tsih(), I, T).header();
                assertEquals(0, c.statusClass());
                assertEquals(b.tsih(), c.tsih());
                t.ch.runPendingTasks();
                assertFalse(t.ch.isOpen());
            } finally {
                third.close();
            }
        } finally {
            first.close();
        }
    }

    @Test
    void extendedCdbAhsReachesTheCore() throws Exception {
        target();
        loginOk();
        // a 32-byte CDB: 16 bytes in the BHS, 16 in an extended CDB AHS (AHSLength 17)
        byte[] ahs = new byte[20];
        BigEndian.put16(ahs, 0, 17);
        ahs[2] = 1;
        t.send(cmd(60, false, false, 0, cdb(0x7f, 0, 0), true), ahs, null, false, false);
        ScsiResponsePdu s = status(60);
        assertEquals(2, s.status(), "variable-length CDB: ILLEGAL REQUEST from the core, not a dropped PDU");
    }

    @Test
    void drainAnswersNewCommandsBusyAndFinishesRunningOnes() throws Exception {
        target();
        loginOk("ImmediateData=No", "InitialR2T=Yes");
        byte[] payload = pattern(4096, 9);
        t.send(cmd(70, false, true, 4096, cdb(0x2a, 0, 8), true), null);
        R2t r = t.expect(R2t.class);
        t.conn.drain();
        t.ch.runPendingTasks();
        t.send(cmd(71, false, false, 0, cdb(0, 0, 0), true), null);
        ScsiResponsePdu busy = status(71);
        assertEquals(0x08, busy.status());
        t.send(new DataOut(true, LUN0, 70, r.ttt(), t.expStatSN, 0, 0), payload);
        assertEquals(0, status(70).status(), "the write in progress still gets its data and completes");
        assertArrayEquals(payload, java.util.Arrays.copyOf(t.core.lun(0), 4096));
    }
}
