package io.scstdrbd.scst.exec;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.AllocationCdb;
import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.cdb.ReportLunsCdb;
import io.scstdrbd.scst.cdb.ReportOpcodesCdb;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import io.scstdrbd.scst.tm.Task;
import io.scstdrbd.scst.tm.TaskOwner;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * REPORT LUNS, REPORT SUPPORTED OPERATION CODES and REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS
 * (SPC-4 6.33, 6.35, 6.36).
 */
public final class ReportHandler implements Handler {
    private final CommandTable table;

    public ReportHandler(CommandTable table) {
        this.table = table;
    }

    @Override
    public void execute(Task task) throws ScsiException {
        int op = task.cdb()[0] & 0xff;
        if (op == Opcodes.REPORT_LUNS) {
            ReportLunsCdb c = ReportLunsCdb.parse(task.cdb());
            task.nexus().clearUnitAttention(ScsiError.REPORTED_LUNS_DATA_HAS_CHANGED);
            DataIn.respond(task, reportLuns(task.nexus().owner(), c.selectReport()), c.allocationLength());
            return;
        }
        int sa = task.cdb()[1] & 0x1f;
        if (sa == Opcodes.SA_REPORT_SUPPORTED_OPCODES) {
            ReportOpcodesCdb c = ReportOpcodesCdb.parse(task.cdb());
            DataIn.respond(task, supportedOpcodes(c), c.allocationLength());
        } else {
            AllocationCdb c = AllocationCdb.parse(task.cdb());
            DataIn.respond(task, supportedTmfs((c.flags() & 0x80) != 0), c.allocationLength());
        }
    }

    /** REPORT LUNS parameter data (select report 1 = well-known LUNs only: none here). */
    public static byte[] reportLuns(TaskOwner owner, int selectReport) {
        List<Long> luns = selectReport == 1 ? List.of() : owner.lunList();
        byte[] b = new byte[8 + 8 * luns.size()];
        BigEndian.put32(b, 0, 8L * luns.size());
        int off = 8;
        for (long lun : luns) {
            System.arraycopy(owner.addressMethod().encode(lun), 0, b, off, 8);
            off += 8;
        }
        return b;
    }

    byte[] supportedOpcodes(ReportOpcodesCdb c) throws ScsiException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (c.reportingOptions() == 0) {
            for (CommandSpec s : table.all()) {
                byte[] d = new byte[8];
                d[0] = (byte) s.opcode();
                if (s.hasServiceAction()) {
                    BigEndian.put16(d, 2, s.serviceAction());
                    d[5] = 0x01;
                }
                if (c.rctd()) {
                    d[5] |= 0x02;
                }
                BigEndian.put16(d, 6, s.cdbLength());
                out.writeBytes(d);
                if (c.rctd()) {
                    out.writeBytes(timeouts());
                }
            }
            byte[] body = out.toByteArray();
            byte[] b = new byte[4 + body.length];
            BigEndian.put32(b, 0, body.length);
            System.arraycopy(body, 0, b, 4, body.length);
            return b;
        }
        boolean hasSa = table.hasServiceActions(c.requestedOpcode());
        if (c.reportingOptions() == 1 && hasSa) {
            throw ScsiException.invalidCdbField(3, -1);
        }
        if (c.reportingOptions() == 2 && !hasSa && table.lookup(c.requestedOpcode(), 0) != null) {
            throw ScsiException.invalidCdbField(3, -1);
        }
        CommandSpec s = hasSa ? table.lookup(c.requestedOpcode(), c.requestedServiceAction())
                : table.lookup(c.requestedOpcode(), 0);
        if (s == null) {
            byte[] b = new byte[4];
            b[1] = 0x01; // not supported
            return b;
        }
        byte[] usage = s.usage();
        byte[] b = new byte[4 + usage.length];
        b[1] = (byte) (0x03 | (c.rctd() ? 0x80 : 0));
        BigEndian.put16(b, 2, usage.length);
        System.arraycopy(usage, 0, b, 4, usage.length);
        out.writeBytes(b);
        if (c.rctd()) {
            out.writeBytes(timeouts());
        }
        return out.toByteArray();
    }

    /** A command timeouts descriptor: no nominal or recommended timeout reported. */
    private static byte[] timeouts() {
        byte[] t = new byte[12];
        BigEndian.put16(t, 0, 0x0a);
        return t;
    }

    static byte[] supportedTmfs(boolean extended) {
        byte[] b = new byte[extended ? 16 : 4];
        // ABORT TASK, ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT RESET, QUERY TASK, TARGET RESET
        b[0] = (byte) (0x80 | 0x40 | 0x10 | 0x08 | 0x04 | 0x02);
        b[1] = (byte) (0x04 | 0x02); // QUERY ASYNCHRONOUS EVENT, QUERY TASK SET
        if (extended) {
            b[3] = 0x0c;
        }
        return b;
    }
}
