package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.ReadCapacityCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;

/** READ CAPACITY(10) and (16) (SBC-3 5.15, 5.16). */
public final class CapacityHandler implements Handler {

    @Override
    public void execute(Task task) throws ScsiException {
        ReadCapacityCdb c = ReadCapacityCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        long last = dev.capacityBlocks() - 1;
        if (!c.sixteen()) {
            byte[] b = new byte[8];
            BigEndian.put32(b, 0, Math.min(last, 0xffffffffL));
            BigEndian.put32(b, 4, dev.blockSize());
            DataIn.respond(task, b, 8);
            return;
        }
        byte[] b = new byte[32];
        BigEndian.put64(b, 0, last);
        BigEndian.put32(b, 8, dev.blockSize());
        // byte 12: no protection; byte 13: LOGICAL BLOCKS PER PHYSICAL BLOCK EXPONENT stays 0
        if (dev.thinProvisioned()) {
            b[14] = (byte) (0x80 | (dev.discardZeroes() ? 0x40 : 0)); // LBPME, LBPRZ
        }
        DataIn.respond(task, b, c.allocationLength());
    }
}
