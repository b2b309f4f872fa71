package io.scstdrbd.scst.testing;

import io.scstdrbd.kernel.Kernel;
import io.scstdrbd.scst.ScstModule;
import io.scstdrbd.scst.ScstOptions;
import io.scstdrbd.scst.fabric.ScsiSession;
import io.scstdrbd.scst.fabric.SessionKey;
import io.scstdrbd.scst.fabric.TaskAttribute;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An in-process fabric for end-to-end tests: a kernel with ram disks, the SCST module configured
 * from scst.conf text, and sessions that send CDBs and wait for the outcome.
 */
public final class TestFabric implements AutoCloseable {
    public static final String TARGET = "iqn.2024-01.io.scstdrbd:test";
    public final Kernel kernel;
    public final ScstModule scst;
    public final Path dir;

    public TestFabric(Path dir, String scstConf, RamDisk... disks) throws Exception {
        this.dir = dir;
        this.kernel = new Kernel(dir.resolve("fuse").toString());
        for (RamDisk d : disks) {
            kernel.devices().register(d);
        }
        Path conf = null;
        if (scstConf != null) {
            conf = dir.resolve("scst.conf");
            Files.writeString(conf, scstConf.replace("@ROOT@", kernel.fsRoot()), StandardCharsets.UTF_8);
        }
        this.scst = new ScstModule(kernel, new ScstOptions(conf, dir.resolve("state"), 2));
        scst.init();
    }

    /** Restarts the SCST module (state files survive). */
    public TestFabric restartScst() throws Exception {
        scst.exit();
        scst.init();
        return this;
    }

    public Session login(String initiator) {
        return login(initiator, "0x23d000000001");
    }

    public Session login(String initiator, String isid) {
        String port = initiator + ",i," + isid;
        byte[] name = port.getBytes(StandardCharsets.UTF_8);
        int len = (name.length + 1 + 3) & ~3;
        byte[] tid = new byte[4 + len];
        tid[0] = 0x45; // format 01h, iSCSI
        tid[2] = (byte) (len >> 8);
        tid[3] = (byte) len;
        System.arraycopy(name, 0, tid, 4, name.length);
        SessionKey key = new SessionKey("iscsi", TARGET, initiator, port, tid, 1);
        return new Session(scst.core().openSession(key));
    }

    @Override
    public void close() throws Exception {
        scst.exit();
        kernel.close();
    }

    /** One I_T nexus of the test fabric. */
    public static final class Session implements AutoCloseable {
        public final ScsiSession session;

        Session(ScsiSession s) {
            this.session = s;
        }

        public TestCommand.Result run(long lun, byte[] cdb, byte[] dataOut, long edtl) throws Exception {
            return start(lun, cdb, TaskAttribute.SIMPLE, dataOut, edtl, false).result.get(10, TimeUnit.SECONDS);
        }

        /** Data-in command with the EDTL the CDB implies (alloc or transfer length). */
        public TestCommand.Result in(long lun, byte[] cdb, long edtl) throws Exception {
            return run(lun, cdb, null, edtl);
        }

        public TestCommand.Result out(long lun, byte[] cdb, byte[] data) throws Exception {
            return run(lun, cdb, data, data == null ? 0 : data.length);
        }

        public TestCommand start(long lun, byte[] cdb, TaskAttribute attr, byte[] dataOut, long edtl,
                                 boolean holdData) {
            TestCommand c = new TestCommand(lun, cdb, attr, dataOut, edtl, holdData);
            session.execute(c);
            return c;
        }

        /** Sends TEST UNIT READY until no unit attention is reported (as libiscsi does at login). */
        public void clearUnitAttentions(long lun) throws Exception {
            for (int i = 0; i < 10; i++) {
                TestCommand.Result r = in(lun, new byte[6], 0);
                if (r.senseKey() != 6) {
                    return;
                }
            }
        }

        public TaskManagementResult tmf(TaskManagementFunction f, long lun, long tag) throws Exception {
            CompletableFuture<TaskManagementResult> f2 = new CompletableFuture<>();
            session.taskManagement(f, lun, tag, f2::complete);
            return f2.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            session.close();
        }
    }
}
