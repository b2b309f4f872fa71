package io.scstdrbd.iscsi.config;

import java.util.List;

/**
 * The iSCSI target configuration: the targets and the discovery CHAP accounts (the global
 * IncomingUser / OutgoingUser lines of iscsi-scstd.conf).
 */
public record IscsiConfig(List<TargetConfig> targets, List<ChapAccount> discoveryIncoming,
                          ChapAccount discoveryOutgoing) {
    public IscsiConfig {
        targets = List.copyOf(targets);
        discoveryIncoming = List.copyOf(discoveryIncoming);
    }

    /** The embedded default: one target with default keys, no CHAP. */
    public static IscsiConfig singleTarget(String iqn) {
        return new IscsiConfig(List.of(TargetConfig.withDefaults(iqn)), List.of(), null);
    }

    /** The target of that name (iSCSI names compare case-insensitively), or null. */
    public TargetConfig find(String name) {
        for (TargetConfig t : targets) {
            if (t.name().equalsIgnoreCase(name)) {
                return t;
            }
        }
        return null;
    }
}
