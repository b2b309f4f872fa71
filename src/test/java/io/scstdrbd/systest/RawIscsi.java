package io.scstdrbd.systest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately small iSCSI initiator for system tests, written from the RFC 7143 byte layouts
 * (independent of the daemon's own codec): login without digests, READ(10)/WRITE(10) with
 * immediate data or R2T, TEST UNIT READY, logout, and raw byte access for fuzzing.
 */
final class RawIscsi implements AutoCloseable {
    /** One PDU as read from the wire. */
    record Pdu(byte[] bhs, byte[] data) {
        int opcode() {
            return bhs[0] & 0x3f;
        }

        int flags() {
            return bhs[1] & 0xff;
        }

        int u32(int off) {
            return ByteBuffer.wrap(bhs).getInt(off);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int itt = 1;
    private int cmdSN;
    private int expStatSN;
    private int maxBurst = 262144;
    private int firstBurst = 65536;
    private boolean initialR2T = true;

    private RawIscsi(Socket s) throws IOException {
        this.socket = s;
        this.in = new DataInputStream(s.getInputStream());
        this.out = s.getOutputStream();
    }

    static RawIscsi connect(int port, int timeoutMillis) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
        s.setSoTimeout(timeoutMillis);
        return new RawIscsi(s);
    }

    static byte[] text(String... kv) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String s : kv) {
            b.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        return b.toByteArray();
    }

    static Map<String, String> keys(byte[] data) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : new String(data, StandardCharsets.UTF_8).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return m;
    }

    /** The bytes of a Login Request going straight from operational negotiation to full feature. */
    static byte[] loginPdu(long isid, int cmdSN, byte[] text) {
        ByteBuffer b = ByteBuffer.allocate(48 + pad(text.length));
        b.put(0, (byte) 0x43).put(1, (byte) 0x87); // I + Login, T CSG=1 NSG=3
        b.putInt(4, text.length); // TotalAHSLength 0 (byte 4) + DataSegmentLength
        b.putShort(8, (short) (isid >>> 32)).putInt(10, (int) isid);
        b.putInt(16, 0x7000); // ITT
        b.putInt(24, cmdSN);
        b.position(48);
        b.put(text);
        return b.array();
    }

    /** Logs in to a normal session; returns the login response keys. */
    Map<String, String> login(String initiator, String target, long isid, String... extra) throws IOException {
        cmdSN = 1;
        String[] base = {"InitiatorName=" + initiator, "TargetName=" + target, "SessionType=Normal",
            "HeaderDigest=None", "DataDigest=None", "InitialR2T=No", "ImmediateData=Yes", "MaxBurstLength=262144",
            "FirstBurstLength=65536", "MaxRecvDataSegmentLength=65536", "MaxOutstandingR2T=1"};
        Map<String, String> offer = new LinkedHashMap<>();
        for (String[] list : new String[][] {base, extra}) {
            for (String kv : list) {
                offer.put(kv.substring(0, kv.indexOf('=')), kv); // an extra key replaces the default offer
            }
        }
        out.write(loginPdu(isid, cmdSN, text(offer.values().toArray(new String[0]))));
        out.flush();
        Pdu r = read();
        if (r.opcode() != 0x23) {
            throw new IOException("expected a Login Response, got opcode 0x" + Integer.toHexString(r.opcode()));
        }
        int status = ((r.bhs()[36] & 0xff) << 8) | (r.bhs()[37] & 0xff);
        if (status != 0 || (r.flags() & 0x80) == 0) {
            throw new IOException("login failed: status 0x" + Integer.toHexString(status));
        }
        expStatSN = r.u32(24) + 1;
        Map<String, String> k = keys(r.data());
        initialR2T = "Yes".equals(k.getOrDefault("InitialR2T", "Yes"));
        firstBurst = Integer.parseInt(k.getOrDefault("FirstBurstLength", "65536"));
        maxBurst = Integer.parseInt(k.getOrDefault("MaxBurstLength", "262144"));
        return k;
    }

    private static int pad(int n) {
        return (n + 3) & ~3;
    }

    private byte[] command(int flags, int itt, int edtl, byte[] cdb, int dataLen) {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(0, (byte) 0x01).put(1, (byte) flags);
        b.putInt(4, dataLen);
        b.putInt(16, itt).putInt(20, edtl).putInt(24, cmdSN++).putInt(28, expStatSN);
        b.position(32);
        b.put(cdb, 0, 16);
        return b.array();
    }

    private static byte[] cdb10(int op, long lba, int blocks) {
        byte[] c = new byte[16];
        ByteBuffer b = ByteBuffer.wrap(c);
        b.put(0, (byte) op).putInt(2, (int) lba).putShort(7, (short) blocks);
        return c;
    }

    /** TEST UNIT READY; returns the SCSI status. */
    int testUnitReady() throws IOException {
        int t = itt++;
        out.write(command(0x81, t, 0, new byte[16], 0));
        out.flush();
        return status(t, null);
    }

    byte[] read10(long lba, int blocks, int blockSize) throws IOException {
        int t = itt++;
        int len = blocks * blockSize;
        out.write(command(0xc1, t, len, cdb10(0x28, lba, blocks), 0));
        out.flush();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int s = status(t, data);
        if (s != 0) {
            throw new IOException("READ(10) status " + s);
        }
        return data.toByteArray();
    }

    void write10(long lba, byte[] data, int blockSize) throws IOException {
        int t = itt++;
        int imm = Math.min(data.length, firstBurst);
        int unsolicited = initialR2T ? imm : Math.min(data.length, firstBurst);
        boolean fin = unsolicited == imm;
        ByteBuffer pdu = ByteBuffer.allocate(48 + pad(imm));
        pdu.put(command((fin ? 0x80 : 0) | 0x21, t, data.length, cdb10(0x2a, lba, data.length / blockSize), imm));
        pdu.put(data, 0, imm);
        out.write(pdu.array());
        int dataSN = 0;
        for (int off = imm; off < unsolicited; ) {
            int n = Math.min(65536, unsolicited - off);
            dataOut(t, 0xffffffff, dataSN++, off, data, n, off + n == unsolicited);
            off += n;
        }
        out.flush();
        while (true) {
            Pdu r = read();
            if (r.opcode() == 0x31 && r.u32(16) == t) { // R2T
                int ttt = r.u32(20);
                int off = r.u32(40);
                int len = r.u32(44);
                int sn = 0;
                for (int o = off; o < off + len; ) {
                    int n = Math.min(65536, off + len - o);
                    dataOut(t, ttt, sn++, o, data, n, o + n == off + len);
                    o += n;
                }
                out.flush();
            } else if (r.opcode() == 0x21 && r.u32(16) == t) {
                expStatSN = r.u32(24) + 1;
                if ((r.bhs()[3] & 0xff) != 0) {
                    throw new IOException("WRITE(10) status " + (r.bhs()[3] & 0xff));
                }
                return;
            } else {
                handleOther(r);
            }
        }
    }

    private void dataOut(int itt, int ttt, int dataSN, int off, byte[] data, int n, boolean fin)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(48 + pad(n));
        b.put(0, (byte) 0x05).put(1, (byte) (fin ? 0x80 : 0));
        b.putInt(4, n);
        b.putInt(16, itt).putInt(20, ttt).putInt(28, expStatSN).putInt(36, dataSN).putInt(40, off);
        b.position(48);
        b.put(data, off, n);
        out.write(b.array());
    }

    /** Waits for the status of {@code t}, collecting Data-In into {@code data}. */
    private int status(int t, ByteArrayOutputStream data) throws IOException {
        while (true) {
            Pdu r = read();
            if (r.opcode() == 0x25 && r.u32(16) == t) { // Data-In
                if (data != null) {
                    data.writeBytes(r.data());
                }
                if ((r.flags() & 0x01) != 0) {
                    expStatSN = r.u32(24) + 1;
                    return r.bhs()[3] & 0xff;
                }
            } else if (r.opcode() == 0x21 && r.u32(16) == t) {
                expStatSN = r.u32(24) + 1;
                return r.bhs()[3] & 0xff;
            } else {
                handleOther(r);
            }
        }
    }

    /** Answers NOP-In pings; anything else unexpected is an error. */
    private void handleOther(Pdu r) throws IOException {
        if (r.opcode() == 0x20 && r.u32(16) == 0xffffffff) {
            ByteBuffer b = ByteBuffer.allocate(48);
            b.put(0, (byte) 0x40).put(1, (byte) 0x80);
            b.putInt(16, 0xffffffff).putInt(20, r.u32(20)).putInt(24, cmdSN).putInt(28, expStatSN);
            out.write(b.array());
            out.flush();
            return;
        }
        throw new IOException("unexpected PDU opcode 0x" + Integer.toHexString(r.opcode()));
    }

    void logout() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(48);
        b.put(0, (byte) 0x46).put(1, (byte) 0x80);
        b.putInt(16, itt++).putInt(24, cmdSN).putInt(28, expStatSN);
        out.write(b.array());
        out.flush();
        Pdu r = read();
        if (r.opcode() != 0x26 || r.bhs()[2] != 0) {
            throw new IOException("logout failed");
        }
    }

    void setTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads one PDU (no digests). */
    Pdu read() throws IOException {
        byte[] bhs = new byte[48];
        in.readFully(bhs);
        int ahs = (bhs[4] & 0xff) * 4;
        int dsl = ((bhs[5] & 0xff) << 16) | ((bhs[6] & 0xff) << 8) | (bhs[7] & 0xff);
        in.skipNBytes(ahs);
        byte[] data = new byte[dsl];
        in.readFully(data);
        in.skipNBytes(pad(dsl) - dsl);
        return new Pdu(bhs, data);
    }

    boolean isClosedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }
}
