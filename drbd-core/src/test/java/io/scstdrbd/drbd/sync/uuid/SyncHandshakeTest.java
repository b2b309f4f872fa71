package io.scstdrbd.drbd.sync.uuid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.Role;
import io.scstdrbd.drbd.sync.uuid.HandshakeDecision.Outcome;
import io.scstdrbd.drbd.sync.uuid.SyncHandshake.Policies;
import org.junit.jupiter.api.Test;

class SyncHandshakeTest {
    private static SplitBrainInput sb(Role me, Role peer, long myCh, long peerCh) {
        return new SplitBrainInput(me, peer, myCh, peerCh, false, false, false);
    }

    private static HandshakeDecision decide(SyncStrategy s, DiskState me, DiskState peer, Policies p,
            boolean discard, boolean peerDiscard, SplitBrainInput sb) {
        return SyncHandshake.decide(new SyncHandshake.Input(new UuidComparison(s, "test", UuidFixup.NONE), me, peer, p,
                discard, peerDiscard, sb));
    }

    @Test
    void diskStatesDecideWhenUuidsSayNothing() {
        HandshakeDecision d = decide(SyncStrategy.NO_SYNC, DiskState.UP_TO_DATE, DiskState.INCONSISTENT, Policies.DEFAULT,
                false, false, sb(Role.PRIMARY, Role.SECONDARY, 0, 0));
        assertEquals(Outcome.SYNC_SOURCE, d.outcome());
        assertFalse(d.fullSync());
        d = decide(SyncStrategy.SYNC_SOURCE_SET_BITMAP, DiskState.UP_TO_DATE, DiskState.INCONSISTENT, Policies.DEFAULT,
                false, false, sb(Role.PRIMARY, Role.SECONDARY, 0, 0));
        assertEquals(Outcome.SYNC_SOURCE, d.outcome());
        assertTrue(d.fullSync());
    }

    @Test
    void bothInconsistentStayConnectedWithoutSync() {
        HandshakeDecision d = decide(SyncStrategy.NO_SYNC, DiskState.INCONSISTENT, DiskState.INCONSISTENT,
                Policies.DEFAULT, false, false, sb(Role.SECONDARY, Role.SECONDARY, 0, 0));
        assertEquals(Outcome.NO_SYNC, d.outcome());
    }

    @Test
    void unresolvedSplitBrainDisconnectsAndCallsHelper() {
        HandshakeDecision d = decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE, DiskState.UP_TO_DATE,
                Policies.DEFAULT, false, false, sb(Role.PRIMARY, Role.SECONDARY, 10, 20));
        assertEquals(Outcome.DISCONNECT, d.outcome());
        assertEquals(java.util.List.of("initial-split-brain", "split-brain"), d.helpers());
    }

    @Test
    void discardMyDataResolvesSplitBrain() {
        HandshakeDecision d = decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE, DiskState.UP_TO_DATE,
                Policies.DEFAULT, true, false, sb(Role.SECONDARY, Role.PRIMARY, 10, 20));
        assertEquals(Outcome.SYNC_TARGET, d.outcome());
        assertFalse(d.fullSync());
        HandshakeDecision peer = decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, Policies.DEFAULT, false, true, sb(Role.PRIMARY, Role.SECONDARY, 20, 10));
        assertEquals(Outcome.SYNC_SOURCE, peer.outcome());
        HandshakeDecision hist = decide(SyncStrategy.SPLIT_BRAIN_DISCONNECT, DiskState.UP_TO_DATE, DiskState.UP_TO_DATE,
                Policies.DEFAULT, true, false, sb(Role.SECONDARY, Role.PRIMARY, 10, 20));
        assertTrue(hist.fullSync(), "no common bitmap UUID: only a full sync is safe");
    }

    @Test
    void afterSbPolicies() {
        Policies least = new Policies(AfterSbPolicy.DISCARD_LEAST_CHG, AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT,
                AfterSbPolicy.DISCONNECT, false);
        assertEquals(Outcome.SYNC_TARGET, decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, least, false, false, sb(Role.SECONDARY, Role.SECONDARY, 5, 50)).outcome());
        Policies zero = new Policies(AfterSbPolicy.DISCARD_ZERO_CHG, AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT,
                AfterSbPolicy.DISCONNECT, false);
        assertEquals(Outcome.DISCONNECT, decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, zero, false, false, sb(Role.SECONDARY, Role.SECONDARY, 5, 50)).outcome());
        assertEquals(Outcome.SYNC_SOURCE, decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, zero, false, false, sb(Role.SECONDARY, Role.SECONDARY, 5, 0)).outcome());
        Policies discardSecondary = new Policies(AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCARD_SECONDARY,
                AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT, false);
        assertEquals(Outcome.SYNC_SOURCE, decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, discardSecondary, false, false, sb(Role.PRIMARY, Role.SECONDARY, 5, 50)).outcome());
        SplitBrainInput younger = new SplitBrainInput(Role.SECONDARY, Role.SECONDARY, 1, 1, false, true, false);
        Policies yp = new Policies(AfterSbPolicy.DISCARD_YOUNGER_PRI, AfterSbPolicy.DISCONNECT, AfterSbPolicy.DISCONNECT,
                AfterSbPolicy.DISCONNECT, false);
        assertEquals(Outcome.SYNC_TARGET, decide(SyncStrategy.SPLIT_BRAIN_AUTO_RECOVER, DiskState.UP_TO_DATE,
                DiskState.UP_TO_DATE, yp, false, false, younger).outcome(), "I was promoted later: discard me");
    }

    @Test
    void primaryWithGoodDataRefusesToBecomeTarget() {
        HandshakeDecision d = decide(SyncStrategy.SYNC_TARGET_USE_BITMAP, DiskState.UP_TO_DATE, DiskState.UP_TO_DATE,
                Policies.DEFAULT, false, false, sb(Role.PRIMARY, Role.SECONDARY, 0, 0));
        assertEquals(Outcome.DISCONNECT, d.outcome());
    }

    @Test
    void inconsistentNodeRefusesToBeSource() {
        HandshakeDecision d = decide(SyncStrategy.SYNC_SOURCE_USE_BITMAP, DiskState.INCONSISTENT, DiskState.INCONSISTENT,
                Policies.DEFAULT, false, false, sb(Role.SECONDARY, Role.SECONDARY, 0, 0));
        assertEquals(Outcome.DISCONNECT, d.outcome());
    }

    @Test
    void unrelatedDataDisconnects() {
        assertEquals(Outcome.DISCONNECT, decide(SyncStrategy.UNRELATED_DATA, DiskState.UP_TO_DATE, DiskState.UP_TO_DATE,
                Policies.DEFAULT, false, false, sb(Role.SECONDARY, Role.SECONDARY, 0, 0)).outcome());
    }
}
