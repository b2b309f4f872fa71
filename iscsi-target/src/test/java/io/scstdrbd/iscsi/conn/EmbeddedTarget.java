package io.scstdrbd.iscsi.conn;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.login.TextParameters;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.Digests;
import io.scstdrbd.iscsi.pdu.LoginRequest;
import io.scstdrbd.iscsi.pdu.LoginResponse;
import io.scstdrbd.iscsi.pdu.PduCodec;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.session.SessionRegistry;
import io.scstdrbd.iscsi.testing.RamScsiCore;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@link IscsiConnection} in an {@link EmbeddedChannel}: the test plays the initiator with
 * raw PDUs; everything runs on the test thread (the SCSI core answers inline, the login
 * executor is direct), and time only moves when the test says so.
 */
final class EmbeddedTarget implements AutoCloseable {
    /** A PDU the target sent. */
    record Received(PduHeader header, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        Map<String, String> keys() {
            Map<String, String> m = new LinkedHashMap<>();
            try {
                for (Pair p : TextParameters.decode(data)) {
                    m.put(p.key(), p.value());
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return m;
        }
    }

    final EmbeddedChannel ch;
    final IscsiConnection conn;
    final RamScsiCore core;
    final SessionRegistry sessions;
    boolean headerDigest;
    boolean dataDigest;
    private final ByteBuf out = Unpooled.buffer();
    int cmdSN = 1000;
    int expStatSN;

    EmbeddedTarget(IscsiConfig config, RamScsiCore core, SessionRegistry sessions) {
        this.core = core;
        this.sessions = sessions;
        conn = new IscsiConnection(new PortalContext(config, core, sessions, Runnable::run,
                new SecureRandom(), 30_000));
        ch = new EmbeddedChannel();
        ch.freezeTime();
        ch.pipeline().addLast(conn.newDecoder(), conn);
    }

    /** Sends a PDU (header digest and data digest when switched on). */
    void send(PduHeader h, byte[] data) {
        send(h, new byte[0], data, false, false);
    }

    void send(PduHeader h, byte[] ahs, byte[] data, boolean badHeaderDigest, boolean badDataDigest) {
        int dsl = data == null ? 0 : data.length;
        ByteBuf b = Unpooled.buffer();
        byte[] bhs = PduCodec.encode(h, ahs.length, dsl);
        b.writeBytes(bhs);
        b.writeBytes(ahs);
        if (headerDigest) {
            byte[] hd = new byte[bhs.length + ahs.length];
            System.arraycopy(bhs, 0, hd, 0, bhs.length);
            System.arraycopy(ahs, 0, hd, bhs.length, ahs.length);
            b.writeIntLE(Digests.crc32c(hd, 0, hd.length) ^ (badHeaderDigest ? 1 : 0));
        }
        if (dsl > 0) {
            byte[] padded = new byte[PduCodec.padded(dsl)];
            System.arraycopy(data, 0, padded, 0, dsl);
            b.writeBytes(padded);
            if (dataDigest) {
                b.writeIntLE(Digests.crc32c(padded, 0, padded.length) ^ (badDataDigest ? 1 : 0));
            }
        }
        sendRaw(b);
    }

    void sendRaw(ByteBuf b) {
        ch.writeInbound(b);
        ch.runPendingTasks();
    }

    /** Lets {@code seconds} pass and runs what was scheduled. */
    void advance(long seconds) {
        for (long i = 0; i < seconds; i++) {
            ch.advanceTimeBy(1, TimeUnit.SECONDS);
            ch.runScheduledPendingTasks();
            ch.runPendingTasks();
        }
    }

    /** The next PDU the target sent, or null. Checks the target's digests. */
    Received next() {
        ch.runPendingTasks();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            out.writeBytes(b);
            b.release();
        }
        if (out.readableBytes() < 48) {
            return null;
        }
        byte[] bhs = new byte[48];
        out.getBytes(out.readerIndex(), bhs);
        int ahs = PduCodec.totalAhsLength(bhs);
        int dsl = PduCodec.dataSegmentLength(bhs);
        int hd = headerDigest ? 4 : 0;
        int dd = dataDigest && dsl > 0 ? 4 : 0;
        int total = 48 + ahs + hd + PduCodec.padded(dsl) + dd;
        if (out.readableBytes() < total) {
            return null;
        }
        byte[] all = new byte[total];
        out.readBytes(all);
        out.discardReadBytes();
        if (hd != 0 && Digests.crc32c(all, 0, 48 + ahs) != Digests.getDigest(all, 48 + ahs)) {
            throw new AssertionError("bad header digest from the target");
        }
        int dataAt = 48 + ahs + hd;
        if (dd != 0 && Digests.crc32c(all, dataAt, PduCodec.padded(dsl))
                != Digests.getDigest(all, dataAt + PduCodec.padded(dsl))) {
            throw new AssertionError("bad data digest from the target");
        }
        for (int i = dataAt + dsl; i < dataAt + PduCodec.padded(dsl); i++) {
            if (all[i] != 0) {
                throw new AssertionError("non-zero pad byte");
            }
        }
        byte[] data = new byte[dsl];
        System.arraycopy(all, dataAt, data, 0, dsl);
        return new Received(PduCodec.decode(bhs), data);
    }

    /** The next PDU, which must exist. */
    Received expect() {
        Received r = next();
        if (r == null) {
            throw new AssertionError("the target sent nothing (channel open: " + ch.isOpen() + ")");
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    <T extends PduHeader> T expect(Class<T> type) {
        Received r = expect();
        if (!type.isInstance(r.header())) {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + r.header());
        }
        return (T) r.header();
    }

    static byte[] text(String... kv) {
        List<Pair> l = new ArrayList<>();
        for (String s : kv) {
            int eq = s.indexOf('=');
            l.add(new Pair(s.substring(0, eq), s.substring(eq + 1)));
        }
        return TextParameters.encode(l);
    }

    /** A one-request login (operational stage straight to full feature). */
    Received login(long isid, int tsih, String initiator, String target, String... keys) {
        List<String> kv = new ArrayList<>(List.of("InitiatorName=" + initiator, "TargetName=" + target,
                "SessionType=Normal"));
        kv.addAll(List.of(keys));
        send(new LoginRequest(true, false, 1, 3, 0, 0, isid, tsih, 0x1000, 0, cmdSN, 0),
                text(kv.toArray(new String[0])));
        Received r = expect();
        LoginResponse lr = (LoginResponse) r.header();
        expStatSN = lr.statSN() + 1;
        if (lr.statusClass() == 0 && lr.transit()) {
            Map<String, String> k = r.keys();
            headerDigest = "CRC32C".equals(k.get("HeaderDigest"));
            dataDigest = "CRC32C".equals(k.get("DataDigest"));
        }
        return r;
    }

    @Override
    public void close() {
        ch.finishAndReleaseAll();
        out.release();
    }
}
