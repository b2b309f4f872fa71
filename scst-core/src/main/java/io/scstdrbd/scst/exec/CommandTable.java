package io.scstdrbd.scst.exec;

import static io.scstdrbd.scst.exec.CommandSpec.DURING_SANITIZE;
import static io.scstdrbd.scst.exec.CommandSpec.EXCLUSIVE;
import static io.scstdrbd.scst.exec.CommandSpec.MEDIUM;
import static io.scstdrbd.scst.exec.CommandSpec.SPC2_ALLOWED;
import static io.scstdrbd.scst.exec.CommandSpec.UA_EXEMPT;
import static io.scstdrbd.scst.exec.CommandSpec.WRITES;

import io.scstdrbd.scst.cdb.Opcodes;
import io.scstdrbd.scst.pr.AccessKind;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every operation code (and service action) the core implements, with its handler and the
 * generic checks that apply. Anything not in here is answered ILLEGAL REQUEST / INVALID COMMAND
 * OPERATION CODE (or INVALID FIELD IN CDB for an unknown service action of a known opcode).
 * Immutable after construction; thread-safe.
 */
public final class CommandTable {
    /** Specs by opcode for opcodes without service actions. */
    private final CommandSpec[] plain = new CommandSpec[256];
    /** Specs by opcode, then service action. */
    private final Map<Integer, Map<Integer, CommandSpec>> withSa = new TreeMap<>();

    public CommandTable(ExecContext ctx, Limits limits) {
        BufferPool buf = ctx.buffers();
        Handler inquiry = new InquiryHandler(limits);
        Handler capacity = new CapacityHandler();
        Handler rw = new ReadWriteHandler(buf, limits);
        Handler cache = new CacheHandler();
        Handler ws = new WriteSameHandler(buf, limits);
        Handler unit = new UnitHandler();
        Handler mode = new ModeHandler(ctx.background());
        Handler report = new ReportHandler(this);
        Handler reserve = new ReservationHandler();
        Handler pr = new PersistentReservationHandler(ctx);
        AccessKind r = AccessKind.READ;
        AccessKind w = AccessKind.WRITE;
        AccessKind a = AccessKind.ALWAYS;
        int info = UA_EXEMPT | SPC2_ALLOWED | DURING_SANITIZE;

        add(Opcodes.TEST_UNIT_READY, "TEST UNIT READY", "00 00 00 00 00 00", a, MEDIUM | SPC2_ALLOWED, unit);
        add(Opcodes.REQUEST_SENSE, "REQUEST SENSE", "03 01 00 00 ff 00", a, info, unit);
        add(Opcodes.INQUIRY, "INQUIRY", "12 01 ff ff ff 00", a, info, inquiry);
        add(Opcodes.REPORT_LUNS, "REPORT LUNS", "a0 00 ff 00 00 00 ff ff ff ff 00 00", a, info, report);
        add(Opcodes.READ_CAPACITY_10, "READ CAPACITY(10)", "25 00 ff ff ff ff 00 00 01 00", a, MEDIUM, capacity);
        addSa(Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_READ_CAPACITY_16, "READ CAPACITY(16)",
                "9e 10 ff ff ff ff ff ff ff ff ff ff ff ff 01 00", a, MEDIUM, capacity);

        add(Opcodes.READ_6, "READ(6)", "08 1f ff ff ff 00", r, MEDIUM, rw);
        add(Opcodes.READ_10, "READ(10)", "28 f8 ff ff ff ff 00 ff ff 00", r, MEDIUM, rw);
        add(Opcodes.READ_12, "READ(12)", "a8 f8 ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, rw);
        add(Opcodes.READ_16, "READ(16)", "88 f8 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, rw);
        add(Opcodes.WRITE_6, "WRITE(6)", "0a 1f ff ff ff 00", w, MEDIUM | WRITES, rw);
        add(Opcodes.WRITE_10, "WRITE(10)", "2a f8 ff ff ff ff 00 ff ff 00", w, MEDIUM | WRITES, rw);
        add(Opcodes.WRITE_12, "WRITE(12)", "aa f8 ff ff ff ff ff ff ff ff 00 00", w, MEDIUM | WRITES, rw);
        add(Opcodes.WRITE_16, "WRITE(16)", "8a f8 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", w, MEDIUM | WRITES, rw);
        add(Opcodes.VERIFY_10, "VERIFY(10)", "2f f6 ff ff ff ff 00 ff ff 00", r, MEDIUM, rw);
        add(Opcodes.VERIFY_12, "VERIFY(12)", "af f6 ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, rw);
        add(Opcodes.VERIFY_16, "VERIFY(16)", "8f f6 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, rw);
        add(Opcodes.WRITE_AND_VERIFY_10, "WRITE AND VERIFY(10)", "2e f2 ff ff ff ff 00 ff ff 00", w,
                MEDIUM | WRITES, rw);
        add(Opcodes.WRITE_AND_VERIFY_12, "WRITE AND VERIFY(12)", "ae f2 ff ff ff ff ff ff ff ff 00 00", w,
                MEDIUM | WRITES, rw);
        add(Opcodes.WRITE_AND_VERIFY_16, "WRITE AND VERIFY(16)", "8e f2 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", w,
                MEDIUM | WRITES, rw);
        add(Opcodes.ORWRITE_16, "ORWRITE(16)", "8b f8 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", w,
                MEDIUM | WRITES | EXCLUSIVE, rw);
        add(Opcodes.COMPARE_AND_WRITE, "COMPARE AND WRITE", "89 f8 ff ff ff ff ff ff ff ff 00 00 00 ff 00 00", w,
                MEDIUM | WRITES | EXCLUSIVE, rw);
        add(Opcodes.WRITE_ATOMIC_16, "WRITE ATOMIC(16)", "9c f8 ff ff ff ff ff ff ff ff 00 00 ff ff 00 00", w,
                MEDIUM | WRITES | EXCLUSIVE, rw);
        add(Opcodes.WRITE_SAME_10, "WRITE SAME(10)", "41 e8 ff ff ff ff 00 ff ff 00", w, MEDIUM | WRITES, ws);
        add(Opcodes.WRITE_SAME_16, "WRITE SAME(16)", "93 e9 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", w,
                MEDIUM | WRITES, ws);
        add(Opcodes.UNMAP, "UNMAP", "42 00 00 00 00 00 00 ff ff 00", w, MEDIUM | WRITES, new UnmapHandler(limits));
        addSa(Opcodes.SERVICE_ACTION_IN_16, Opcodes.SA_GET_LBA_STATUS, "GET LBA STATUS",
                "9e 12 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, new LbaStatusHandler(buf));
        add(Opcodes.PRE_FETCH_10, "PRE-FETCH(10)", "34 02 ff ff ff ff 00 ff ff 00", r, MEDIUM, cache);
        add(Opcodes.PRE_FETCH_16, "PRE-FETCH(16)", "90 02 ff ff ff ff ff ff ff ff ff ff ff ff 00 00", r, MEDIUM, cache);
        add(Opcodes.SYNCHRONIZE_CACHE_10, "SYNCHRONIZE CACHE(10)", "35 02 ff ff ff ff 00 ff ff 00", w, MEDIUM, cache);
        add(Opcodes.SYNCHRONIZE_CACHE_16, "SYNCHRONIZE CACHE(16)", "91 02 ff ff ff ff ff ff ff ff ff ff ff ff 00 00",
                w, MEDIUM, cache);

        add(Opcodes.MODE_SENSE_6, "MODE SENSE(6)", "1a 08 ff ff ff 00", r, 0, mode);
        add(Opcodes.MODE_SENSE_10, "MODE SENSE(10)", "5a 18 ff ff 00 00 00 ff ff 00", r, 0, mode);
        add(Opcodes.MODE_SELECT_6, "MODE SELECT(6)", "15 11 00 00 ff 00", w, 0, mode);
        add(Opcodes.MODE_SELECT_10, "MODE SELECT(10)", "55 11 00 00 00 00 00 ff ff 00", w, 0, mode);
        add(Opcodes.START_STOP_UNIT, "START STOP UNIT", "1b 01 00 0f f7 00", w, 0, unit);
        add(Opcodes.PREVENT_ALLOW_MEDIUM_REMOVAL, "PREVENT ALLOW MEDIUM REMOVAL", "1e 00 00 00 03 00", r, 0, unit);
        add(Opcodes.READ_DEFECT_DATA_10, "READ DEFECT DATA(10)", "37 00 1f 00 00 00 00 ff ff 00", r, 0, unit);
        add(Opcodes.READ_DEFECT_DATA_12, "READ DEFECT DATA(12)", "b7 1f 00 00 00 00 ff ff ff ff 00 00", r, 0, unit);

        add(Opcodes.RESERVE_6, "RESERVE(6)", "16 00 00 00 00 00", a, SPC2_ALLOWED, reserve);
        add(Opcodes.RELEASE_6, "RELEASE(6)", "17 00 00 00 00 00", a, SPC2_ALLOWED, reserve);
        add(Opcodes.RESERVE_10, "RESERVE(10)", "56 00 00 00 00 00 00 00 00 00", a, SPC2_ALLOWED, reserve);
        add(Opcodes.RELEASE_10, "RELEASE(10)", "57 00 00 00 00 00 00 00 00 00", a, SPC2_ALLOWED, reserve);
        for (int sa = 0; sa <= 3; sa++) {
            addSa(Opcodes.PERSISTENT_RESERVE_IN, sa, "PERSISTENT RESERVE IN",
                    String.format("5e %02x 00 00 00 00 00 ff ff 00", sa), a, 0, pr);
        }
        for (int sa = 0; sa <= 7; sa++) {
            addSa(Opcodes.PERSISTENT_RESERVE_OUT, sa, "PERSISTENT RESERVE OUT",
                    String.format("5f %02x ff 00 00 ff ff ff ff 00", sa), a, 0, pr);
        }
        Handler copy = new CopyHandler(ctx);
        addSa(Opcodes.EXTENDED_COPY, Opcodes.SA_EXTENDED_COPY_LID1, "EXTENDED COPY(LID1)",
                "83 00 00 00 00 00 00 00 00 00 ff ff ff ff 00 00", w, MEDIUM | WRITES, copy);
        addSa(Opcodes.RECEIVE_COPY_RESULTS, Opcodes.SA_RECEIVE_COPY_STATUS_LID1, "RECEIVE COPY STATUS(LID1)",
                "84 00 ff 00 00 00 00 00 00 00 ff ff ff ff 00 00", a, 0, copy);
        addSa(Opcodes.RECEIVE_COPY_RESULTS, Opcodes.SA_RECEIVE_COPY_OPERATING_PARAMETERS,
                "RECEIVE COPY OPERATING PARAMETERS", "84 03 00 00 00 00 00 00 00 00 ff ff ff ff 00 00", a, 0, copy);
        Handler sanitize = new SanitizeHandler(buf);
        for (int sa : new int[] {0x01, 0x02, 0x1f}) {
            addSa(Opcodes.SANITIZE, sa, "SANITIZE", String.format("48 %02x 00 00 00 00 00 ff ff 00", 0x80 | sa), w,
                    MEDIUM | WRITES, sanitize);
        }
        addSa(Opcodes.MAINTENANCE_IN, Opcodes.SA_REPORT_SUPPORTED_OPCODES, "REPORT SUPPORTED OPERATION CODES",
                "a3 0c 87 ff ff ff ff ff ff ff 00 00", a, info, report);
        addSa(Opcodes.MAINTENANCE_IN, Opcodes.SA_REPORT_SUPPORTED_TMFS, "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS",
                "a3 0d 80 00 00 00 ff ff ff ff 00 00", a, info, report);
    }

    private void add(int opcode, String name, String usage, AccessKind access, int flags, Handler h) {
        plain[opcode] = new CommandSpec(opcode, -1, name, HexFormat.ofDelimiter(" ").parseHex(usage), access, flags, h);
    }

    /** Adds a command with a service action (EXTENDED COPY, SANITIZE register theirs this way too). */
    void addSa(int opcode, int sa, String name, String usage, AccessKind access, int flags, Handler h) {
        withSa.computeIfAbsent(opcode, k -> new TreeMap<>())
                .put(sa, new CommandSpec(opcode, sa, name, HexFormat.ofDelimiter(" ").parseHex(usage), access, flags, h));
    }

    /** True if the opcode is implemented with service actions. */
    public boolean hasServiceActions(int opcode) {
        return withSa.containsKey(opcode);
    }

    /** The spec for an opcode (and, for service-action opcodes, the service action); null if unsupported. */
    public CommandSpec lookup(int opcode, int serviceAction) {
        Map<Integer, CommandSpec> m = withSa.get(opcode);
        if (m != null) {
            return m.get(serviceAction);
        }
        return plain[opcode];
    }

    /** The spec for a CDB, or null. */
    public CommandSpec lookup(byte[] cdb) {
        int op = cdb[0] & 0xff;
        return lookup(op, cdb.length > 1 ? cdb[1] & 0x1f : 0);
    }

    /** All specs, by opcode then service action. */
    public List<CommandSpec> all() {
        List<CommandSpec> l = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            if (plain[op] != null) {
                l.add(plain[op]);
            }
            Map<Integer, CommandSpec> m = withSa.get(op);
            if (m != null) {
                l.addAll(m.values());
            }
        }
        return l;
    }
}
