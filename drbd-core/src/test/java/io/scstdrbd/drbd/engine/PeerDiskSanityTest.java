package io.scstdrbd.drbd.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.state.ReplState;
import org.junit.jupiter.api.Test;

/** The peer's disk as the replication state allows it, as the kernel's sanitize_state has it. */
class PeerDiskSanityTest {

    @Test
    void aSyncSourceSeesItsPeerInconsistentAndAPreparingOrPausedOneAtBestConsistent() {
        assertEquals(DiskState.INCONSISTENT, PeerDevice.sanePeerDisk(ReplState.SYNC_SOURCE, DiskState.UP_TO_DATE));
        assertEquals(DiskState.INCONSISTENT, PeerDevice.sanePeerDisk(ReplState.SYNC_SOURCE, DiskState.OUTDATED));
        for (ReplState r : new ReplState[] {ReplState.STARTING_SYNC_S, ReplState.WF_BITMAP_S, ReplState.PAUSED_SYNC_S,
                ReplState.AHEAD}) {
            assertEquals(DiskState.CONSISTENT, PeerDevice.sanePeerDisk(r, DiskState.UP_TO_DATE), r.toString());
            assertEquals(DiskState.OUTDATED, PeerDevice.sanePeerDisk(r, DiskState.OUTDATED), r.toString());
        }
        // lower states stay as they are; other replication states take the peer's word
        assertEquals(DiskState.DISKLESS, PeerDevice.sanePeerDisk(ReplState.SYNC_SOURCE, DiskState.DISKLESS));
        for (ReplState r : new ReplState[] {ReplState.ESTABLISHED, ReplState.SYNC_TARGET, ReplState.PAUSED_SYNC_T,
                ReplState.VERIFY_S, ReplState.OFF}) {
            assertEquals(DiskState.UP_TO_DATE, PeerDevice.sanePeerDisk(r, DiskState.UP_TO_DATE), r.toString());
        }
    }
}
