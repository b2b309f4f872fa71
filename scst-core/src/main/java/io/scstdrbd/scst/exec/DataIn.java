package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.tm.Task;
import java.nio.ByteBuffer;

/** Small data-in responses built in a byte array (INQUIRY, MODE SENSE, ...). */
public final class DataIn {
    private DataIn() {
    }

    /** GOOD with at most {@code allocationLength} bytes of {@code data}. */
    public static void respond(Task task, byte[] data, long allocationLength) {
        int n = (int) Math.min(data.length, Math.max(0, allocationLength));
        task.complete(ScsiResponse.good(new ByteBuffer[] {ByteBuffer.wrap(data, 0, n)}, null));
    }
}
