package io.scstdrbd.iscsi.session;

import io.scstdrbd.kernel.bytes.BigEndian;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * What makes a session unique (RFC 7143 4.4.3): the initiator name and ISID together with the
 * target (null for discovery sessions). Names compare case-insensitively.
 */
public record SessionIdentity(String initiatorName, long isid, String targetName) {
    public SessionIdentity {
        initiatorName = initiatorName.toLowerCase(Locale.ROOT);
        targetName = targetName == null ? null : targetName.toLowerCase(Locale.ROOT);
    }

    /** The initiator port name of SAM: {@code <name>,i,0x<ISID>}. */
    public static String initiatorPortName(String initiatorName, long isid) {
        return initiatorName + ",i,0x" + String.format("%012x", isid);
    }

    /** SPC-4 TransportID of an iSCSI initiator port (format 01b: {@code name,i,0xISID}, NUL, padding). */
    public static byte[] transportId(String initiatorName, long isid) {
        byte[] name = initiatorPortName(initiatorName, isid).getBytes(StandardCharsets.UTF_8);
        int len = (name.length + 1 + 3) & ~3;
        byte[] t = new byte[4 + len];
        t[0] = (byte) 0x45; // format code 01b, protocol identifier 5 (iSCSI)
        BigEndian.put16(t, 2, len);
        System.arraycopy(name, 0, t, 4, name.length);
        return t;
    }

    @Override
    public String toString() {
        return initiatorPortName(initiatorName, isid) + (targetName != null ? " -> " + targetName : " (discovery)");
    }
}
