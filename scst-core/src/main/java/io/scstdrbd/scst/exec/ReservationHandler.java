package io.scstdrbd.scst.exec;

import io.scstdrbd.scst.cdb.ReserveCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.pr.PrState;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;

/**
 * RESERVE(6/10) and RELEASE(6/10) (SPC-2): whole-LU reservations of one I_T nexus. While
 * persistent reservation registrations exist, RESERVE conflicts and RELEASE does nothing
 * (SPC-4 compatible reservation handling).
 */
public final class ReservationHandler implements Handler {

    @Override
    public void execute(Task task) throws ScsiException {
        ReserveCdb c = ReserveCdb.parse(task.cdb());
        VirtualDevice dev = task.device();
        PrState pr = dev.persistentReservations().snapshot();
        long me = task.nexus().sessionId();
        if (c.reserve()) {
            if (pr.reserved() || !pr.registrations().isEmpty() || !dev.reservation().reserve(me)) {
                throw ScsiException.reservationConflict();
            }
        } else if (!pr.reserved()) {
            dev.reservation().release(me);
        }
        task.good();
    }
}
