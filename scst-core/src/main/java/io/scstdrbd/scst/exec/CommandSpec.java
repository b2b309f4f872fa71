package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.pr.AccessKind;

/**
 * What the core knows about one operation code (and service action): how to run it and which
 * generic checks apply before it runs.
 *
 * @param serviceAction the service action, or -1 for an opcode without one
 * @param usage         CDB USAGE DATA for REPORT SUPPORTED OPERATION CODES (byte 0 = opcode)
 * @param access        reservation conflict class
 * @param flags         {@link #MEDIUM}, {@link #WRITES}, ... combined
 */
public record CommandSpec(int opcode, int serviceAction, String name, byte[] usage, AccessKind access, int flags,
                          Handler handler) {

    /** Needs the medium: NOT READY while detached, ejected or sanitizing. */
    public static final int MEDIUM = 1;
    /** Changes the medium: DATA PROTECT while write protected. */
    public static final int WRITES = 1 << 1;
    /** Runs alone in the task set (atomic read-modify-write). */
    public static final int EXCLUSIVE = 1 << 2;
    /** Reported even while a unit attention is pending (INQUIRY, REPORT LUNS, REQUEST SENSE). */
    public static final int UA_EXEMPT = 1 << 3;
    /** Allowed while another nexus holds a RESERVE(6/10) reservation. */
    public static final int SPC2_ALLOWED = 1 << 4;
    /** Allowed while a sanitize operation runs. */
    public static final int DURING_SANITIZE = 1 << 5;

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public int cdbLength() {
        return usage.length;
    }

    public boolean hasServiceAction() {
        return serviceAction >= 0;
    }
}
