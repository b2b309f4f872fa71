package io.scstdrbd.iscsi.config;

import java.util.List;

/**
 * One {@code Target} section of iscsi-scstd.conf.
 *
 * @param name     the target's iSCSI name
 * @param keys     local values of the session keys
 * @param settings the target keys (QueuedCommands, RspTimeout, NOP-In, MaxSessions)
 * @param incoming CHAP accounts initiators must authenticate with (none: no authentication)
 * @param outgoing the target's own CHAP identity for mutual CHAP, or null
 */
public record TargetConfig(String name, KeySettings keys, TargetSettings settings, List<ChapAccount> incoming,
                           ChapAccount outgoing) {
    public TargetConfig {
        incoming = List.copyOf(incoming);
    }

    /** A target with every key at its local default and no authentication. */
    public static TargetConfig withDefaults(String name) {
        return new TargetConfig(name, KeySettings.defaults(), TargetSettings.defaults(), List.of(), null);
    }
}
