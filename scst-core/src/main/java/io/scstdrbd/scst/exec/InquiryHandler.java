package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.InquiryCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * INQUIRY: standard data and the VPD pages 00h, 80h, 83h, B0h, B1h, B2h (SPC-4 6.6, 7.8;
 * SBC-3 6.5).
 */
public final class InquiryHandler implements Handler {
    static final int[] VPD_PAGES = {0x00, 0x80, 0x83, 0xb0, 0xb1, 0xb2};
    static final String REVISION = " 330";
    static final int[] VERSION_DESCRIPTORS = {0x00a0 /* SAM-5 */, 0x0960 /* iSCSI */, 0x0460 /* SPC-4 */,
        0x04c0 /* SBC-3 */};

    private final Limits limits;

    public InquiryHandler(Limits limits) {
        this.limits = limits;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        InquiryCdb c = InquiryCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        byte[] data;
        if (!c.evpd()) {
            data = standard(dev);
        } else {
            data = vpd(c.pageCode(), dev, task.nexus().key());
        }
        DataIn.respond(task, data, c.allocationLength());
    }

    /** Standard INQUIRY data of a vdisk. */
    static byte[] standard(VirtualDevice dev) {
        byte[] b = new byte[74];
        b[0] = 0x00; // peripheral qualifier 000b, direct access block device
        b[1] = (byte) (dev.options().removable() ? 0x80 : 0x00);
        b[2] = 0x06; // SPC-4
        b[3] = 0x12; // HISUP, response data format 2
        b[4] = (byte) (b.length - 5);
        b[5] = 0x08; // 3PC: EXTENDED COPY supported
        b[7] = 0x02; // CMDQUE
        ascii(b, 8, 8, vendor(dev));
        ascii(b, 16, 16, dev.name());
        ascii(b, 32, 4, REVISION);
        for (int i = 0; i < VERSION_DESCRIPTORS.length; i++) {
            BigEndian.put16(b, 58 + 2 * i, VERSION_DESCRIPTORS[i]);
        }
        return b;
    }

    /** INQUIRY data for a LUN nobody mapped: qualifier 011b, type 1Fh (SPC-4 6.6.2). */
    public static byte[] unmappedLun() {
        byte[] b = new byte[36];
        b[0] = 0x7f;
        b[2] = 0x06;
        b[3] = 0x12;
        b[4] = (byte) (b.length - 5);
        ascii(b, 8, 8, "SCST_BIO");
        ascii(b, 16, 16, "Unmapped LUN");
        ascii(b, 32, 4, REVISION);
        return b;
    }

    static String vendor(VirtualDevice dev) {
        return dev.options().blockio() || dev.options().nullio() ? "SCST_BIO" : "SCST_FIO";
    }

    static void ascii(byte[] b, int off, int len, String s) {
        byte[] src = s.getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < len; i++) {
            b[off + i] = i < src.length ? src[i] : (byte) ' ';
        }
    }

    byte[] vpd(int page, VirtualDevice dev, SessionKey key) throws ScsiException {
        switch (page) {
            case 0x00: {
                byte[] b = new byte[4 + VPD_PAGES.length];
                b[1] = 0x00;
                BigEndian.put16(b, 2, VPD_PAGES.length);
                for (int i = 0; i < VPD_PAGES.length; i++) {
                    b[4 + i] = (byte) VPD_PAGES[i];
                }
                return b;
            }
            case 0x80: {
                byte[] serial = dev.identity().serial().getBytes(StandardCharsets.US_ASCII);
                byte[] b = new byte[4 + serial.length];
                b[1] = (byte) 0x80;
                BigEndian.put16(b, 2, serial.length);
                System.arraycopy(serial, 0, b, 4, serial.length);
                return b;
            }
            case 0x83:
                return deviceIdentification(dev, key);
            case 0xb0:
                return blockLimits(dev);
            case 0xb1: {
                byte[] b = new byte[64];
                b[1] = (byte) 0xb1;
                BigEndian.put16(b, 2, 0x3c);
                BigEndian.put16(b, 4, 1); // non-rotating medium
                b[7] = 0x40;              // WABEREQ 01b: reads after a block erase succeed
                return b;
            }
            case 0xb2: {
                byte[] b = new byte[8];
                b[1] = (byte) 0xb2;
                BigEndian.put16(b, 2, 4);
                if (dev.thinProvisioned()) {
                    b[5] = (byte) (0x80 | 0x40 | 0x20 | (dev.discardZeroes() ? 0x04 : 0)); // LBPU LBPWS LBPWS10 LBPRZ
                    b[6] = 0x02; // thin provisioned
                }
                return b;
            }
            default:
                throw ScsiException.invalidCdbField(2, -1);
        }
    }

    /** The designation descriptors with LU association: T10 vendor id and NAA (also EXTENDED COPY's targets). */
    public static java.util.List<byte[]> luDesignators(VirtualDevice dev) {
        ByteArrayOutputStream t10 = new ByteArrayOutputStream();
        designator(t10, 0x02, 0x01,
                (padded(vendor(dev), 8) + dev.options().t10DevId()).getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream naa = new ByteArrayOutputStream();
        designator(naa, 0x01, 0x03, dev.identity().naa());
        return java.util.List.of(t10.toByteArray(), naa.toByteArray());
    }

    static byte[] deviceIdentification(VirtualDevice dev, SessionKey key) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] d : luDesignators(dev)) {
            out.writeBytes(d);
        }
        if (key != null) {
            // relative target port, target port, iSCSI
            byte[] rtp = new byte[4];
            BigEndian.put16(rtp, 2, key.relativeTargetPort());
            designator(out, 0x51, 0x14, rtp, true);
            // SCSI name string of the target device
            byte[] name = key.targetName().getBytes(StandardCharsets.UTF_8);
            int len = (name.length + 1 + 3) & ~3;
            byte[] padded = new byte[len];
            System.arraycopy(name, 0, padded, 0, name.length);
            designator(out, 0x53, 0x28, padded, true);
        }
        byte[] body = out.toByteArray();
        byte[] b = new byte[4 + body.length];
        b[1] = (byte) 0x83;
        BigEndian.put16(b, 2, body.length);
        System.arraycopy(body, 0, b, 4, body.length);
        return b;
    }

    private static String padded(String s, int n) {
        StringBuilder sb = new StringBuilder(s);
        while (sb.length() < n) {
            sb.append(' ');
        }
        return sb.substring(0, n);
    }

    private static void designator(ByteArrayOutputStream out, int codeSet, int typeAssoc, byte[] id) {
        designator(out, codeSet, typeAssoc, id, false);
    }

    /**
     * @param protoCodeSet protocol identifier (high nibble) and code set (low nibble)
     * @param piv          protocol identifier valid (bit 7 of byte 1)
     */
    private static void designator(ByteArrayOutputStream out, int protoCodeSet, int typeAssoc, byte[] id,
                                   boolean piv) {
        out.write(protoCodeSet & 0xff);
        out.write((typeAssoc & 0x7f) | (piv ? 0x80 : 0));
        out.write(0);
        out.write(id.length);
        out.write(id, 0, id.length);
    }

    byte[] blockLimits(VirtualDevice dev) {
        byte[] b = new byte[64];
        b[1] = (byte) 0xb0;
        BigEndian.put16(b, 2, 0x3c);
        int bs = dev.blockSize();
        b[5] = (byte) limits.maxCompareAndWriteBlocks();
        int lbppb = dev.blocksPerPhysicalBlock();
        BigEndian.put16(b, 6, lbppb);
        BigEndian.put32(b, 8, limits.maxTransferBytes() / bs);
        BigEndian.put32(b, 12, limits.optimalTransferBytes() / bs);
        BigEndian.put32(b, 16, limits.maxTransferBytes() / bs);
        if (dev.thinProvisioned()) {
            BigEndian.put32(b, 20, limits.maxUnmapBlocks());
            BigEndian.put32(b, 24, limits.maxUnmapDescriptors());
            BigEndian.put32(b, 28, lbppb);
        }
        BigEndian.put64(b, 36, limits.maxWriteSameBytes() / bs);
        BigEndian.put32(b, 44, limits.maxAtomicBytes() / bs);
        BigEndian.put32(b, 48, 1);
        BigEndian.put32(b, 52, 1);
        return b;
    }
}
