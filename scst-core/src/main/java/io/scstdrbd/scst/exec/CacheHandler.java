package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.cdb.BlockRangeCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;

/**
 * SYNCHRONIZE CACHE(10/16): a FLUSH bio through the whole stack (unless the cache is
 * non-volatile, NV_CACHE); PRE-FETCH(10/16): nothing to do beyond the range check (SBC-3 5.9,
 * 5.22).
 */
public final class CacheHandler implements Handler {

    @Override
    public void execute(Task task) throws ScsiException {
        BlockRangeCdb c = BlockRangeCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        MediumIo.checkRange(dev, c.lba(), c.blocks());
        if (c.prefetch() || dev.options().nvCache()) {
            task.good();
            return;
        }
        MediumIo.flush(task, task::good);
    }
}
