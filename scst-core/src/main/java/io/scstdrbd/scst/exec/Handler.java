package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;

/**
 * Executes one command family: parses the CDB into its typed record, then executes it. Must not
 * block: I/O goes out as bios and the task completes from their callbacks; blocking work (state
 * files) goes to the background executor. Throwing fails the task with the exception's status.
 */
@FunctionalInterface
public interface Handler {
    void execute(Task task) throws ScsiException;
}
