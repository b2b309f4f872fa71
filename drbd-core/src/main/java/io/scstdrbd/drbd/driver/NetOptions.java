package io.scstdrbd.drbd.driver;

import io.scstdrbd.drbd.engine.NetConfig;
import io.scstdrbd.drbd.engine.WriteOrdering;
import io.scstdrbd.drbd.netlink.NlStruct;
import io.scstdrbd.drbd.replication.WireProtocol;
import io.scstdrbd.drbd.sync.resync.ResyncSettings;
import io.scstdrbd.drbd.sync.uuid.AfterSbPolicy;

/** Reads the engine's settings from the model's netlink option structs (net, peer-device and disk options). */
final class NetOptions {
    private NetOptions() {
    }

    private static long num(NlStruct s, String name, long dflt) {
        return s != null && s.has(name) ? s.num(name) : dflt;
    }

    private static boolean flag(NlStruct s, String name, boolean dflt) {
        return s != null && s.has(name) ? s.flag(name) : dflt;
    }

    private static String str(NlStruct s, String name) {
        return s != null && s.has(name) ? s.str(name) : "";
    }

    private static AfterSbPolicy policy(NlStruct s, String name) {
        try {
            return AfterSbPolicy.fromCode((int) num(s, name, 0));
        } catch (IllegalArgumentException e) {
            return AfterSbPolicy.DISCONNECT;
        }
    }

    /**
     * The net options; {@code maxProtocol} caps the offered protocol version (the module
     * parameter that lets a node speak only the 8.4 dialect).
     */
    static NetConfig net(String peerName, NlStruct nc, int maxProtocol) {
        WireProtocol proto;
        try {
            proto = WireProtocol.fromCode((int) num(nc, "wire_protocol", 3));
        } catch (IllegalArgumentException e) {
            proto = WireProtocol.C;
        }
        return new NetConfig(peerName, proto, str(nc, "cram_hmac_alg"), str(nc, "shared_secret"),
                str(nc, "integrity_alg"), str(nc, "verify_alg"), str(nc, "csums_alg"),
                (int) num(nc, "connect_int", 10), (int) num(nc, "timeout", 60), (int) num(nc, "ping_int", 10),
                (int) num(nc, "ping_timeo", 5), (int) num(nc, "ko_count", 7), (int) num(nc, "max_epoch_size", 2048),
                (int) num(nc, "max_buffers", 2048), policy(nc, "after_sb_0p"), policy(nc, "after_sb_1p"),
                policy(nc, "after_sb_2p"), policy(nc, "rr_conflict"), flag(nc, "two_primaries", false),
                flag(nc, "always_asbp", false), flag(nc, "use_rle", true), (int) num(nc, "sock_check_timeo", 0),
                maxProtocol, num(nc, "fencing_policy", 0) > 0);
    }

    /** Peer-device options: resync-rate (KiB/s), c-plan-ahead, c-delay-target, c-fill-target, c-max-rate, c-min-rate. */
    static ResyncSettings resync(NlStruct pdc) {
        try {
            return new ResyncSettings((int) num(pdc, "resync_rate", 250), (int) num(pdc, "c_plan_ahead", 20),
                    (int) Math.max(1, num(pdc, "c_delay_target", 10)), (int) num(pdc, "c_fill_target", 100),
                    (int) Math.max(250, num(pdc, "c_max_rate", 102400)), (int) num(pdc, "c_min_rate", 250));
        } catch (IllegalArgumentException e) {
            return ResyncSettings.DEFAULTS;
        }
    }

    /** disk-flushes / disk-drain of the disk options. */
    static WriteOrdering writeOrdering(NlStruct diskConf) {
        return WriteOrdering.of(flag(diskConf, "disk_flushes", true), flag(diskConf, "disk_drain", true));
    }
}
