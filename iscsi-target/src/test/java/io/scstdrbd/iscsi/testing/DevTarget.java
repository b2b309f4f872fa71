package io.scstdrbd.iscsi.testing;

import io.scstdrbd.iscsi.config.IscsiConfig;
import io.scstdrbd.iscsi.config.IscsiConfigParser;
import io.scstdrbd.iscsi.target.IscsiModule;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/** Manual testing: {@code DevTarget PORT [iscsi-scstd.conf]} serves two RAM LUNs over {@link RamScsiCore}. */
public final class DevTarget {
    private DevTarget() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        IscsiConfig cfg = args.length > 1 ? IscsiConfigParser.parse(Path.of(args[1]))
                : IscsiConfig.singleTarget("iqn.2024-01.io.scst-drbd:dev");
        RamScsiCore core = new RamScsiCore(Executors.newFixedThreadPool(2), null, 2L * 1024 * 1024, 131072);
        IscsiModule m = new IscsiModule(core, cfg, new InetSocketAddress("127.0.0.1", port), 0);
        m.init();
        Runtime.getRuntime().addShutdownHook(new Thread(m::exit));
        Thread.currentThread().join();
    }
}
