package io.scstdrbd.scst.pr;

/** How a command touches the logical unit, for reservation conflict checks (SPC-4 5.9.1, table 43ff). */
public enum AccessKind {
    /** Allowed whatever the reservation (INQUIRY, REPORT LUNS, PR IN, ...). */
    ALWAYS,
    /** Reads (READ, VERIFY, MODE SENSE, ...): blocked by exclusive-access types. */
    READ,
    /** Writes or state changes (WRITE, MODE SELECT, SYNCHRONIZE CACHE, ...): blocked by all types. */
    WRITE
}
