package io.scstdrbd.drbd.sync.uuid;

/**
 * A correction the 8.4 rules apply before syncing, when a node missed the start or the end of the
 * last resync (drbd.md §10.2 rules 4.1, 7 and 10).
 */
public enum UuidFixup {
    NONE,
    /** My bitmap UUID moves into my history (I missed the end of a resync as source). */
    MY_BITMAP_TO_HISTORY,
    /** The peer's bitmap UUID moves into its history (it missed the end of a resync as source). */
    PEER_BITMAP_TO_HISTORY,
    /** The peer's last resync start is undone: its bitmap := history[0], history[0] := history[1]. */
    UNDO_PEER_SYNC_START,
    /** My last resync start is undone: my bitmap := history[0], history[0] := history[1]. */
    UNDO_MY_SYNC_START
}
