package io.scstdrbd.drbd.sync.uuid;

import java.util.List;

/**
 * What the sync handshake decided for one peer device.
 *
 * @param outcome  no sync, become source or target, disconnect, or retry the connection
 * @param fullSync set every bit before the bitmap exchange
 * @param reason   a log line explaining the decision
 * @param helpers  handler scripts to run (e.g. {@code split-brain}), in order
 * @param demote   a call-pri-lost-after-sb policy asks this Primary to become Secondary before syncing;
 *                 if that fails the caller runs {@code pri-lost-after-sb} and disconnects
 */
public record HandshakeDecision(Outcome outcome, boolean fullSync, SyncStrategy strategy, String reason,
        List<String> helpers, boolean demote) {

    public enum Outcome { NO_SYNC, SYNC_SOURCE, SYNC_TARGET, DISCONNECT, RETRY }

    public HandshakeDecision {
        helpers = List.copyOf(helpers);
    }
}
