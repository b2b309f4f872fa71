package io.scstdrbd.iscsi.testing;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.fabric.FabricCommand;
import io.scstdrbd.scst.fabric.ScsiResponse;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.ScsiTargetCore;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * A small SCSI target core for the transport's tests: RAM LUNs of 512-byte blocks, TEST UNIT
 * READY, INQUIRY, READ CAPACITY(10/16), READ/WRITE(10/16), REPORT LUNS, MODE SENSE(6),
 * SYNCHRONIZE CACHE; everything else ILLEGAL REQUEST. Commands complete on {@code executor}
 * (another thread, as the real core's backends do) unless it is null. A command whose CDB byte
 * 9 (control) is 0x40 is parked until task management aborts it.
 */
public final class RamScsiCore implements ScsiTargetCore {
    public static final int BLOCK = 512;

    private final Map<Long, byte[]> luns = new TreeMap<>();
    private final Executor executor;
    private final Set<String> allowed;
    public final List<SessionKey> opened = new CopyOnWriteArrayList<>();
    public final List<TaskManagementFunction> tmfs = new CopyOnWriteArrayList<>();

    /**
     * @param allowed initiator names that see the LUNs (null: everybody)
     */
    public RamScsiCore(Executor executor, Set<String> allowed, long... lunBlocks) {
        this.executor = executor;
        this.allowed = allowed;
        for (int i = 0; i < lunBlocks.length; i++) {
            luns.put((long) i, new byte[(int) (lunBlocks[i] * BLOCK)]);
        }
    }

    public byte[] lun(long n) {
        return luns.get(n);
    }

    @Override
    public ScsiSession openSession(SessionKey key) {
        opened.add(key);
        boolean sees = allowed == null || allowed.contains(key.initiatorName());
        return new Session(key, sees ? luns : Map.of());
    }

    private final class Session implements ScsiSession {
        private final SessionKey key;
        private final Map<Long, byte[]> visible;
        private final Map<Long, FabricCommand> active = new ConcurrentHashMap<>();
        private volatile boolean closed;

        Session(SessionKey key, Map<Long, byte[]> visible) {
            this.key = key;
            this.visible = visible;
        }

        @Override
        public SessionKey key() {
            return key;
        }

        @Override
        public void execute(FabricCommand cmd) {
            active.put(cmd.tag(), cmd);
            run(() -> process(cmd));
        }

        private void run(Runnable r) {
            if (executor == null) {
                r.run();
            } else {
                executor.execute(r);
            }
        }

        private void finish(FabricCommand cmd, ScsiResponse r) {
            if (active.remove(cmd.tag()) == cmd) {
                cmd.respond(r);
            } else {
                r.release().run();
            }
        }

        private void process(FabricCommand cmd) {
            byte[] cdb = cmd.cdb();
            int op = cdb[0] & 0xff;
            byte[] lu = visible.get(cmd.lun());
            if (lu == null && op != 0x12 && op != 0xa0) {
                finish(cmd, check(5, 0x25, 0));
                return;
            }
            switch (op) {
                case 0x00:
                case 0x35:
                    finish(cmd, ScsiResponse.status(ScsiResponse.GOOD));
                    return;
                case 0x12:
                    finish(cmd, data(inquiry(cdb, lu != null), BigEndian.u16(cdb, 3)));
                    return;
                case 0x25: {
                    byte[] d = new byte[8];
                    BigEndian.put32(d, 0, lu.length / BLOCK - 1);
                    BigEndian.put32(d, 4, BLOCK);
                    finish(cmd, data(d, 8));
                    return;
                }
                case 0x9e: {
                    if ((cdb[1] & 0x1f) != 0x10) {
                        finish(cmd, check(5, 0x24, 0));
                        return;
                    }
                    byte[] d = new byte[32];
                    BigEndian.put64(d, 0, lu.length / BLOCK - 1);
                    BigEndian.put32(d, 8, BLOCK);
                    finish(cmd, data(d, (int) BigEndian.u32(cdb, 10)));
                    return;
                }
                case 0x1a: {
                    byte[] d = new byte[4];
                    d[0] = 3;
                    finish(cmd, data(d, cdb[4] & 0xff));
                    return;
                }
                case 0xa0: {
                    byte[] d = new byte[8 + 8 * visible.size()];
                    BigEndian.put32(d, 0, 8L * visible.size());
                    int i = 8;
                    for (long l : visible.keySet()) {
                        BigEndian.put16(d, i, (int) l);
                        i += 8;
                    }
                    finish(cmd, data(d, (int) BigEndian.u32(cdb, 6)));
                    return;
                }
                case 0x28:
                case 0x88:
                case 0x2a:
                case 0x8a:
                    readWrite(cmd, cdb, lu, op);
                    return;
                default:
                    finish(cmd, check(5, 0x20, 0));
            }
        }

        private void readWrite(FabricCommand cmd, byte[] cdb, byte[] lu, int op) {
            boolean sixteen = op == 0x88 || op == 0x8a;
            long lba = sixteen ? BigEndian.u64(cdb, 2) : BigEndian.u32(cdb, 2);
            long blocks = sixteen ? BigEndian.u32(cdb, 10) : BigEndian.u16(cdb, 7);
            long bytes = blocks * BLOCK;
            if (lba + blocks > lu.length / BLOCK) {
                finish(cmd, ScsiResponse.status(ScsiResponse.CHECK_CONDITION, sense(5, 0x21, 0), bytes));
                return;
            }
            boolean park = (cdb[sixteen ? 15 : 9] & 0xff) == 0x40;
            int off = (int) (lba * BLOCK);
            if (op == 0x28 || op == 0x88) {
                if (park) {
                    return; // stays active until aborted
                }
                // zero-copy view of the LUN, like the mmap backend
                ByteBuffer view = ByteBuffer.wrap(lu, off, (int) bytes).slice();
                finish(cmd, ScsiResponse.good(new ByteBuffer[] {view}, null, bytes));
                return;
            }
            long want = Math.min(bytes, cmd.expectedDataLength());
            cmd.receiveData(want, new FabricCommand.DataOutCallback() {
                @Override
                public void received(ByteBuffer[] data) {
                    run(() -> {
                        int p = off;
                        for (ByteBuffer b : data) {
                            int n = b.remaining();
                            b.duplicate().get(lu, p, n);
                            p += n;
                        }
                        if (!park) {
                            finish(cmd, ScsiResponse.status(ScsiResponse.GOOD, null, bytes));
                        }
                    });
                }

                @Override
                public void failed(String reason) {
                    finish(cmd, check(0x0b, 0x0c, 0x00)); // ABORTED COMMAND, WRITE ERROR
                }
            });
        }

        @Override
        public void taskManagement(TaskManagementFunction f, long lun, long referencedTag,
                                   Consumer<TaskManagementResult> done) {
            tmfs.add(f);
            run(() -> {
                List<FabricCommand> victims = new ArrayList<>();
                if (f == TaskManagementFunction.ABORT_TASK) {
                    FabricCommand c = active.get(referencedTag);
                    if (c == null) {
                        done.accept(TaskManagementResult.TASK_DOES_NOT_EXIST);
                        return;
                    }
                    victims.add(c);
                } else {
                    for (FabricCommand c : active.values()) {
                        if (f == TaskManagementFunction.TARGET_WARM_RESET || f == TaskManagementFunction.TARGET_COLD_RESET
                                || c.lun() == lun) {
                            victims.add(c);
                        }
                    }
                }
                for (FabricCommand c : victims) {
                    if (active.remove(c.tag()) == c) {
                        c.aborted();
                    }
                }
                done.accept(TaskManagementResult.FUNCTION_COMPLETE);
            });
        }

        @Override
        public List<Long> luns() {
            return new ArrayList<>(visible.keySet());
        }

        @Override
        public int activeCommands() {
            return active.size();
        }

        @Override
        public void close() {
            closed = true;
            for (FabricCommand c : new ArrayList<>(active.values())) {
                if (active.remove(c.tag()) == c) {
                    c.aborted();
                }
            }
        }
    }

    private static byte[] inquiry(byte[] cdb, boolean present) {
        if ((cdb[1] & 1) != 0) {
            int page = cdb[2] & 0xff;
            if (page == 0) {
                return new byte[] {0, 0, 0, 3, 0x00, (byte) 0x80, (byte) 0x83};
            }
            if (page == 0x80) {
                byte[] sn = "RAM0001".getBytes(StandardCharsets.US_ASCII);
                byte[] d = new byte[4 + sn.length];
                d[1] = (byte) 0x80;
                d[3] = (byte) sn.length;
                System.arraycopy(sn, 0, d, 4, sn.length);
                return d;
            }
            byte[] id = "SCSTDRBDram0001".getBytes(StandardCharsets.US_ASCII);
            byte[] d = new byte[8 + id.length];
            d[1] = (byte) 0x83;
            d[3] = (byte) (4 + id.length);
            d[4] = 2; // ASCII
            d[5] = 1; // T10 vendor id
            d[7] = (byte) id.length;
            System.arraycopy(id, 0, d, 8, id.length);
            return d;
        }
        byte[] d = new byte[36];
        d[0] = (byte) (present ? 0 : 0x7f);
        d[2] = 6;
        d[3] = 2;
        d[4] = 31;
        System.arraycopy("SCSTDRBD".getBytes(StandardCharsets.US_ASCII), 0, d, 8, 8);
        System.arraycopy("TEST RAM DISK   ".getBytes(StandardCharsets.US_ASCII), 0, d, 16, 16);
        System.arraycopy("0001".getBytes(StandardCharsets.US_ASCII), 0, d, 32, 4);
        return d;
    }

    private static ScsiResponse data(byte[] d, int alloc) {
        int n = Math.min(d.length, alloc);
        return ScsiResponse.good(new ByteBuffer[] {ByteBuffer.wrap(d, 0, n)}, null);
    }

    private static byte[] sense(int key, int asc, int ascq) {
        byte[] s = new byte[18];
        s[0] = 0x70;
        s[2] = (byte) key;
        s[7] = 10;
        s[12] = (byte) asc;
        s[13] = (byte) ascq;
        return s;
    }

    private static ScsiResponse check(int key, int asc, int ascq) {
        return ScsiResponse.checkCondition(sense(key, asc, ascq));
    }
}
