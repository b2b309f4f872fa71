package io.scstdrbd.scst.target;

import io.scstdrbd.scst.cdb.InquiryCdb;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.cdb.ReportLunsCdb;
import io.scstdrbd.scst.cdb.RequestSenseCdb;
import io.scstdrbd.scst.device.VirtualDevice;
import io.scstdrbd.scst.exec.CommandSpec;
import io.scstdrbd.scst.exec.CommandTable;
import io.scstdrbd.scst.exec.InquiryHandler;
import io.scstdrbd.scst.exec.ReportHandler;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.sense.SenseData;
import io.scstdrbd.scst.sense.SenseFormat;
import io.scstdrbd.scst.tm.ItlNexus;
import io.scstdrbd.scst.tm.Task;
import io.scstdrbd.scst.tm.TaskBody;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a command from a session to its handler: LUN lookup, unit attention, opcode lookup,
 * then the task set; once enabled, reservation conflicts, readiness and write protection are
 * checked before the handler runs (SAM-5 order: UA before everything but INQUIRY, REPORT LUNS
 * and REQUEST SENSE; conflicts and readiness at execution time).
 *
 * <p>Threading: called on the transport's thread; never blocks.
 */
final class Dispatcher {
    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

    private final CommandTable table;
    /** One body per spec, so that no lambda is allocated per command. */
    private final java.util.Map<CommandSpec, TaskBody> bodies = new java.util.IdentityHashMap<>();

    Dispatcher(CommandTable table) {
        this.table = table;
        for (CommandSpec s : table.all()) {
            bodies.put(s, t -> run(s, t));
        }
    }

    CommandTable table() {
        return table;
    }

    void dispatch(ScstSession session, ItlNexus nexus, FabricCommand fc) {
        byte[] cdb = fc.cdb();
        if (cdb == null || cdb.length < 6) {
            fc.respond(ScsiResponse.checkCondition(SenseFormat.fixed(SenseData.cdbField(0, -1))));
            return;
        }
        if (nexus == null) {
            unmappedLun(session, fc, cdb);
            return;
        }
        CommandSpec spec = table.lookup(cdb);
        boolean descriptor = nexus.device().descriptorSense();
        if (nexus.hasUnitAttention() && (spec == null || !spec.has(CommandSpec.UA_EXEMPT))) {
            ScsiError ua = nexus.takeUnitAttention();
            if (ua != null) {
                fc.respond(ScsiResponse.checkCondition(SenseFormat.encode(SenseData.of(ua), descriptor)));
                return;
            }
        }
        if (spec == null) {
            int op = cdb[0] & 0xff;
            SenseData s = table.hasServiceActions(op) ? SenseData.cdbField(1, 4)
                    : SenseData.of(ScsiError.INVALID_COMMAND_OPERATION_CODE);
            fc.respond(ScsiResponse.checkCondition(SenseFormat.encode(s, descriptor)));
            return;
        }
        int control = spec.cdbLength() - 1;
        if (control < cdb.length && (cdb[control] & 0x04) != 0) {
            // NACA = 1: normal ACA is not supported (NORMACA = 0 in the INQUIRY data)
            fc.respond(ScsiResponse.checkCondition(SenseFormat.encode(SenseData.cdbField(control, 2), descriptor)));
            return;
        }
        Task t = new Task(nexus, fc, cdb, spec.has(CommandSpec.EXCLUSIVE), bodies.get(spec));
        session.track(t);
        nexus.device().taskSet().submit(t);
    }

    /** The checks at execution time, then the handler. */
    private void run(CommandSpec spec, Task t) {
        ItlNexus n = t.nexus();
        VirtualDevice dev = n.device();
        try {
            if (!spec.has(CommandSpec.SPC2_ALLOWED) && dev.reservation().heldByOther(n.sessionId())) {
                throw ScsiException.reservationConflict();
            }
            if (dev.persistentReservations().conflicts(n.prNexus(), spec.access())) {
                throw ScsiException.reservationConflict();
            }
            if (dev.sanitizing() && !spec.has(CommandSpec.DURING_SANITIZE)) {
                throw ScsiException.of(ScsiError.LOGICAL_UNIT_NOT_READY_SANITIZE_IN_PROGRESS);
            }
            if (spec.has(CommandSpec.MEDIUM)) {
                if (!dev.mediumPresent()) {
                    throw ScsiException.of(ScsiError.MEDIUM_NOT_PRESENT);
                }
                if (dev.sanitizeFailed() && spec.opcode() != Opcodes.SANITIZE) {
                    throw ScsiException.of(ScsiError.MEDIUM_FORMAT_CORRUPTED);
                }
            }
            if (spec.has(CommandSpec.WRITES) && (dev.writeProtected() || n.readOnly())) {
                throw ScsiException.of(ScsiError.WRITE_PROTECTED);
            }
            spec.handler().execute(t);
        } catch (ScsiException e) {
            t.fail(e);
        }
    }

    /** Commands to a LUN this session does not see (SPC-4 4.6.5, 6.6.2). */
    private void unmappedLun(ScstSession session, FabricCommand fc, byte[] cdb) {
        try {
            switch (cdb[0] & 0xff) {
                case Opcodes.INQUIRY: {
                    InquiryCdb c = InquiryCdb.parse(cdb);
                    if (c.evpd()) {
                        throw ScsiException.of(ScsiError.LOGICAL_UNIT_NOT_SUPPORTED);
                    }
                    respond(fc, InquiryHandler.unmappedLun(), c.allocationLength());
                    return;
                }
                case Opcodes.REPORT_LUNS: {
                    ReportLunsCdb c = ReportLunsCdb.parse(cdb);
                    respond(fc, ReportHandler.reportLuns(session, c.selectReport()), c.allocationLength());
                    return;
                }
                case Opcodes.REQUEST_SENSE: {
                    RequestSenseCdb c = RequestSenseCdb.parse(cdb);
                    respond(fc, SenseFormat.encode(SenseData.of(ScsiError.LOGICAL_UNIT_NOT_SUPPORTED), c.descriptor()),
                            c.allocationLength());
                    return;
                }
                default:
                    throw ScsiException.of(ScsiError.LOGICAL_UNIT_NOT_SUPPORTED);
            }
        } catch (ScsiException e) {
            if (e.sense() == null) {
                fc.respond(ScsiResponse.status(e.status()));
            } else {
                fc.respond(ScsiResponse.checkCondition(SenseFormat.fixed(e.sense())));
            }
        } catch (RuntimeException e) {
            LOG.error("command for unmapped LUN {} failed", fc.lun(), e);
            fc.respond(ScsiResponse.checkCondition(SenseFormat.fixed(SenseData.of(ScsiError.INTERNAL_TARGET_FAILURE))));
        }
    }

    private static void respond(FabricCommand fc, byte[] data, long alloc) {
        int n = (int) Math.min(data.length, alloc);
        fc.respond(ScsiResponse.good(new ByteBuffer[] {ByteBuffer.wrap(data, 0, n)}, null));
    }
}
