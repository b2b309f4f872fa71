package io.scstdrbd.scst.mode;

import io.scstdrbd.kernel.bytes.BigEndian;
import java.util.List;

/**
 * The mode pages of a direct-access vdisk (SBC-3 6.4, SPC-4 7.5): Read-Write Error Recovery,
 * Disconnect-Reconnect, Format Device, Rigid Disk Geometry, Caching, Control and Informational
 * Exceptions Control. Changeable: Caching WCE; Control D_SENSE, SWP and the queue
 * algorithm modifier.
 */
public final class ModePageCatalog {
    public static final int READ_WRITE_ERROR_RECOVERY = 0x01;
    public static final int DISCONNECT_RECONNECT = 0x02;
    public static final int FORMAT_DEVICE = 0x03;
    public static final int RIGID_DISK_GEOMETRY = 0x04;
    public static final int CACHING = 0x08;
    public static final int CONTROL = 0x0a;
    public static final int INFORMATIONAL_EXCEPTIONS = 0x1c;

    private ModePageCatalog() {
    }

    /**
     * @param blockSize      logical block size
     * @param blocks         capacity in blocks (for the geometry page)
     * @param removable      sets RMB in the Format Device page
     * @param writeBack      default WCE (false for WRITE_THROUGH devices)
     */
    public static List<ModePage> vdisk(int blockSize, long blocks, boolean removable, boolean writeBack) {
        return List.of(errorRecovery(), disconnectReconnect(), formatDevice(blockSize, removable),
                geometry(blocks), caching(writeBack), control(), informationalExceptions());
    }

    static ModePage errorRecovery() {
        byte[] d = new byte[12];
        d[0] = READ_WRITE_ERROR_RECOVERY;
        d[1] = 0x0a;
        d[2] = (byte) 0xc0;   // AWRE, ARRE
        d[3] = 0;             // read retry count
        d[8] = 0;             // write retry count
        return new ModePage(READ_WRITE_ERROR_RECOVERY, 0, d, new byte[12], false);
    }

    static ModePage disconnectReconnect() {
        byte[] d = new byte[16];
        d[0] = DISCONNECT_RECONNECT;
        d[1] = 0x0e;
        return new ModePage(DISCONNECT_RECONNECT, 0, d, new byte[16], false);
    }

    static ModePage formatDevice(int blockSize, boolean removable) {
        byte[] d = new byte[24];
        d[0] = FORMAT_DEVICE;
        d[1] = 0x16;
        BigEndian.put16(d, 10, 64);         // sectors per track
        BigEndian.put16(d, 12, blockSize);  // data bytes per physical sector
        BigEndian.put16(d, 14, 1);          // interleave
        d[20] = (byte) (removable ? 0x20 : 0x00);
        return new ModePage(FORMAT_DEVICE, 0, d, new byte[24], false);
    }

    static ModePage geometry(long blocks) {
        byte[] d = new byte[24];
        d[0] = RIGID_DISK_GEOMETRY;
        d[1] = 0x16;
        int heads = 255;
        int sectors = 63;
        long cylinders = Math.min(blocks / (heads * sectors), 0xffffffL);
        BigEndian.put24(d, 2, (int) cylinders);
        d[5] = (byte) heads;
        BigEndian.put16(d, 20, 7200);       // medium rotation rate
        return new ModePage(RIGID_DISK_GEOMETRY, 0, d, new byte[24], false);
    }

    static ModePage caching(boolean writeBack) {
        byte[] d = new byte[20];
        d[0] = CACHING;
        d[1] = 0x12;
        d[2] = (byte) (writeBack ? 0x04 : 0x00);   // WCE
        BigEndian.put16(d, 4, 0xffff);             // disable pre-fetch transfer length
        BigEndian.put16(d, 8, 0xffff);             // maximum pre-fetch
        BigEndian.put16(d, 10, 0xffff);            // maximum pre-fetch ceiling
        byte[] m = new byte[20];
        m[2] = 0x04;
        return new ModePage(CACHING, 0, d, m, true);
    }

    static ModePage control() {
        byte[] d = new byte[12];
        d[0] = CONTROL;
        d[1] = 0x0a;
        d[2] = 0x00;                // TST 000b (one task set), D_SENSE 0
        d[3] = 0x10;                // QUEUE ALGORITHM MODIFIER 1 (unrestricted), QERR 00b
        d[5] = 0x00;                // TAS 0: tasks aborted for another nexus end silently (with a UA)
        BigEndian.put16(d, 8, 0xffff); // busy timeout period: unlimited
        byte[] m = new byte[12];
        m[2] = 0x04;                // D_SENSE
        m[3] = (byte) 0xf0;         // QUEUE ALGORITHM MODIFIER
        m[4] = 0x08;                // SWP
        return new ModePage(CONTROL, 0, d, m, true);
    }

    static ModePage informationalExceptions() {
        byte[] d = new byte[12];
        d[0] = INFORMATIONAL_EXCEPTIONS;
        d[1] = 0x0a;
        d[2] = 0x08;                // DEXCPT: no informational exception reporting
        return new ModePage(INFORMATIONAL_EXCEPTIONS, 0, d, new byte[12], false);
    }
}
