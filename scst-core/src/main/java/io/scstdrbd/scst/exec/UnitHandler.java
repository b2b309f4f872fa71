package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.cdb.AllocationCdb;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.cdb.PreventAllowCdb;
import io.scstdrbd.scst.cdb.RequestSenseCdb;
import io.scstdrbd.scst.cdb.StartStopCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.sense.SenseData;
import io.scstdrbd.scst.sense.SenseFormat;
import io.scstdrbd.scst.tm.Task;

/**
 * Logical unit state commands: TEST UNIT READY, REQUEST SENSE, START STOP UNIT, PREVENT ALLOW
 * MEDIUM REMOVAL and READ DEFECT DATA(10/12).
 */
public final class UnitHandler implements Handler {

    @Override
    public void execute(Task task) throws ScsiException {
        switch (task.cdb()[0] & 0xff) {
            case Opcodes.TEST_UNIT_READY:
                task.good(); // readiness was checked before execution
                break;
            case Opcodes.REQUEST_SENSE:
                requestSense(task, RequestSenseCdb.parse(task.cdb()));
                break;
            case Opcodes.START_STOP_UNIT:
                startStop(task, StartStopCdb.parse(task.cdb()));
                break;
            case Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL:
                preventAllow(task, PreventAllowCdb.parse(task.cdb()));
                break;
            case Opcodes.READ_DEFECT_DATA_10:
            case Opcodes.READ_DEFECT_DATA_12:
                readDefectData(task, AllocationCdb.parse(task.cdb()));
                break;
            default:
                throw ScsiException.of(ScsiError.INVALID_COMMAND_OPERATION_CODE);
        }
    }

    /**
     * Returns (and clears) a pending unit attention; else the condition a medium access would
     * meet (sanitize in progress, no medium); else NO SENSE (SPC-4 6.39).
     */
    static void requestSense(Task task, RequestSenseCdb c) {
        ScsiError ua = task.nexus().takeUnitAttention();
        VirtualDevice dev = task.device();
        if (ua == null && dev.sanitizing()) {
            ua = ScsiError.LOGICAL_UNIT_NOT_READY_SANITIZE_IN_PROGRESS;
        } else if (ua == null && !dev.mediumPresent()) {
            ua = ScsiError.MEDIUM_NOT_PRESENT;
        }
        byte[] data;
        if (ua != null) {
            data = SenseFormat.encode(SenseData.of(ua), c.descriptor());
        } else if (c.descriptor()) {
            data = new byte[8];
            data[0] = 0x72;
        } else {
            data = new byte[SenseFormat.FIXED_LENGTH];
            data[0] = 0x70;
            data[7] = (byte) (SenseFormat.FIXED_LENGTH - 8);
        }
        DataIn.respond(task, data, c.allocationLength());
    }

    private static void startStop(Task task, StartStopCdb c) throws ScsiException {
        VirtualDevice dev = task.device();
        if (!dev.options().removable() || c.powerCondition() != 0 || !c.loej()) {
            // no power conditions and no stopped state: the unit stays ready
            task.good();
            return;
        }
        if (dev.removalPrevented()) {
            // while any nexus prevents removal the medium can be neither ejected nor (re)loaded
            throw ScsiException.of(ScsiError.MEDIUM_REMOVAL_PREVENTED);
        }
        if (c.start()) {
            if (!dev.mediumLoaded()) {
                dev.setMediumLoaded(true);
                dev.broadcastUnitAttention(ScsiError.MEDIUM_MAY_HAVE_CHANGED, task.nexus());
            }
        } else {
            dev.setMediumLoaded(false);
        }
        task.good();
    }

    private static void preventAllow(Task task, PreventAllowCdb c) {
        if (task.device().options().removable()) {
            task.nexus().setPreventRemoval(c.prevent() == 1);
        }
        task.good();
    }

    private static void readDefectData(Task task, AllocationCdb c) {
        boolean twelve = (task.cdb()[0] & 0xff) == Opcodes.READ_DEFECT_DATA_12;
        // an empty list in the requested format; PLISTV and GLISTV say the (empty) lists are valid
        int fmt = c.flags() & 0x1f;
        byte[] b = new byte[twelve ? 8 : 4];
        b[1] = (byte) fmt;
        DataIn.respond(task, b, c.allocationLength());
    }
}
