package io.scstdrbd.iscsi.session;

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

    @Override
    public String toString() {
        return initiatorPortName(initiatorName, isid) + (targetName != null ? " -> " + targetName : " (discovery)");
    }
}
