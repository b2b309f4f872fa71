package io.scstdrbd.drbd.sync.uuid;

import io.scstdrbd.drbd.state.Role;

/**
 * What the after-split-brain policies look at: roles, how much each side changed since the split
 * (set bits), whether each side's bitmap UUID was created as Primary, and the tie breaker.
 */
public record SplitBrainInput(Role myRole, Role peerRole, long myChanges, long peerChanges,
        boolean myBitmapUuidFromPrimary, boolean peerBitmapUuidFromPrimary, boolean resolveConflicts) {
}
