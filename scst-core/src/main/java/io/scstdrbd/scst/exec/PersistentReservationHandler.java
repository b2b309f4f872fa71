package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.cdb.PersistentReserveInCdb;
import io.scstdrbd.scst.cdb.PersistentReserveOutCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.pr.PrOutParameters;
import io.scstdrbd.scst.pr.PrOutcome;
import io.scstdrbd.scst.pr.PrState;
import io.scstdrbd.scst.pr.Registration;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import java.io.ByteArrayOutputStream;

/**
 * PERSISTENT RESERVE IN and OUT (SPC-4 6.15, 6.16). OUT runs on the background executor because
 * with APTPL the new state is written to disk before the command completes.
 */
public final class PersistentReservationHandler implements Handler {
    private final ExecContext ctx;

    public PersistentReservationHandler(ExecContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        if ((task.cdb()[0] & 0xff) == Opcodes.PERSISTENT_RESERVE_IN) {
            PersistentReserveInCdb c = PersistentReserveInCdb.parse(task.cdb());
            DataIn.respond(task, in(c.serviceAction(), task.device()), c.allocationLength());
        } else {
            out(task, PersistentReserveOutCdb.parse(task.cdb()));
        }
    }

    static byte[] in(int serviceAction, VirtualDevice dev) {
        PrState s = dev.persistentReservations().snapshot();
        switch (serviceAction) {
            case PersistentReserveInCdb.READ_KEYS: {
                byte[] b = new byte[8 + 8 * s.registrations().size()];
                BigEndian.put32(b, 0, s.generation());
                BigEndian.put32(b, 4, 8L * s.registrations().size());
                int off = 8;
                for (Registration r : s.registrations()) {
                    BigEndian.put64(b, off, r.key());
                    off += 8;
                }
                return b;
            }
            case PersistentReserveInCdb.READ_RESERVATION: {
                byte[] b = new byte[s.reserved() ? 24 : 8];
                BigEndian.put32(b, 0, s.generation());
                if (s.reserved()) {
                    BigEndian.put32(b, 4, 16);
                    BigEndian.put64(b, 8, holderKey(s));
                    b[21] = (byte) ((s.scope() << 4) | s.type().code());
                }
                return b;
            }
            case PersistentReserveInCdb.REPORT_CAPABILITIES: {
                byte[] b = new byte[8];
                BigEndian.put16(b, 0, 8);
                b[2] = (byte) (0x10 | 0x08 | 0x01); // CRH, SIP_C, PTPL_C
                b[3] = (byte) (0x80 | (s.aptpl() ? 0x01 : 0)); // TMV, PTPL_A
                b[4] = (byte) (0x80 | 0x40 | 0x20 | 0x08 | 0x02); // WR_EX_AR EX_AC_RO WR_EX_RO EX_AC WR_EX
                b[5] = 0x01; // EX_AC_AR
                return b;
            }
            default: {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (Registration r : s.registrations()) {
                    byte[] tid = r.nexus().transportId();
                    byte[] d = new byte[24];
                    BigEndian.put64(d, 0, r.key());
                    boolean holder = s.reserved() && (s.holder() == null || s.holder().sameAs(r.nexus()));
                    if (holder) {
                        d[12] = 0x01;
                        d[13] = (byte) ((s.scope() << 4) | s.type().code());
                    }
                    BigEndian.put16(d, 18, r.nexus().relativeTargetPort());
                    BigEndian.put32(d, 20, tid.length);
                    out.writeBytes(d);
                    out.writeBytes(tid);
                }
                byte[] body = out.toByteArray();
                byte[] b = new byte[8 + body.length];
                BigEndian.put32(b, 0, s.generation());
                BigEndian.put32(b, 4, body.length);
                System.arraycopy(body, 0, b, 8, body.length);
                return b;
            }
        }
    }

    private static long holderKey(PrState s) {
        if (s.holder() == null) {
            return 0; // all-registrants types report key 0
        }
        for (Registration r : s.registrations()) {
            if (r.nexus().sameAs(s.holder())) {
                return r.key();
            }
        }
        return 0;
    }

    private void out(Task task, PersistentReserveOutCdb c) throws ScsiException {
        long len = Math.min(c.parameterListLength(), task.expectedDataLength());
        if (len < PrOutParameters.BASIC_LENGTH || c.parameterListLength() > 1 << 16) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        task.receiveData(len, (t, data) -> {
            PrOutParameters p = PrOutParameters.parse(c.serviceAction(), Segments.toArray(data));
            ctx.background().execute(() -> apply(t, c, p));
        });
    }

    private void apply(Task t, PersistentReserveOutCdb c, PrOutParameters p) {
        VirtualDevice dev = t.device();
        PrOutcome outcome;
        try {
            outcome = dev.persistentReservations().out(t.nexus().prNexus(), c.serviceAction(), c.scope(), c.type(), p);
        } catch (ScsiException e) {
            t.fail(e);
            return;
        }
        for (PrOutcome.Notice n : outcome.unitAttentions()) {
            for (ItlNexus x : dev.nexuses()) {
                if (x != t.nexus() && x.matches(n.nexus())) {
                    x.addUnitAttention(n.condition());
                }
            }
        }
        if (outcome.preempted().isEmpty()) {
            t.good();
        } else {
            ctx.aborter().abortNexusTasks(dev, outcome.preempted(), t.nexus(), t::good);
        }
    }
}
