package io.scstdrbd.iscsi.session;

import io.scstdrbd.iscsi.pdu.SerialNumber;

/**
 * Command numbering of a session (RFC 7143 4.2.2.1): ExpCmdSN, and MaxCmdSN computed from the
 * queue depth (QueuedCommands) minus the SCSI commands still in progress, so an initiator never
 * has more than the queue depth outstanding. MaxCmdSN never decreases. Not thread-safe.
 */
public final class CmdSnWindow {
    /** Where a received CmdSN falls. */
    public enum Position {
        /** The next expected command: deliver it. */
        IN_ORDER,
        /** Inside the window but ahead of a gap: hold it until the gap is filled. */
        AHEAD,
        /** Below ExpCmdSN (already seen) or beyond MaxCmdSN: silently ignored. */
        OUTSIDE
    }

    private final int depth;
    private int expCmdSN;
    private int active;
    private int maxCmdSN;

    public CmdSnWindow(int initialCmdSN, int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("queue depth " + depth);
        }
        this.depth = depth;
        this.expCmdSN = initialCmdSN;
        this.maxCmdSN = initialCmdSN + depth - 1;
    }

    public Position position(int cmdSN) {
        if (!SerialNumber.lessOrEqual(cmdSN, maxCmdSN)) {
            return Position.OUTSIDE; // beyond MaxCmdSN (a closed window ends at ExpCmdSN - 1)
        }
        if (cmdSN == expCmdSN) {
            return Position.IN_ORDER;
        }
        if (SerialNumber.lessThan(expCmdSN, cmdSN)) {
            return Position.AHEAD;
        }
        return Position.OUTSIDE;
    }

    /** The in-order command was delivered; it holds a queue slot until {@link #release()}. */
    public void acceptHoldingSlot() {
        expCmdSN++;
        active++;
        recompute();
    }

    /** The in-order PDU was delivered and completes at once (NOP-Out, Text, TMF, Logout). */
    public void acceptCompleted() {
        expCmdSN++;
        recompute();
    }

    /** A command that held a slot finished (responded or aborted). */
    public void release() {
        if (active > 0) {
            active--;
        }
        recompute();
    }

    private void recompute() {
        int free = Math.max(0, depth - active);
        int candidate = expCmdSN - 1 + free;
        if (SerialNumber.lessThan(maxCmdSN, candidate)) {
            maxCmdSN = candidate;
        }
        // a closed window is ExpCmdSN - 1; never advertise less than that
        if (SerialNumber.lessThan(maxCmdSN, expCmdSN - 1)) {
            maxCmdSN = expCmdSN - 1;
        }
    }

    public int expCmdSN() {
        return expCmdSN;
    }

    public int maxCmdSN() {
        return maxCmdSN;
    }

    public int active() {
        return active;
    }
}
