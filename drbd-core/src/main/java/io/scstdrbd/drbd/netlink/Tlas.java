package io.scstdrbd.drbd.netlink;

import static io.scstdrbd.drbd.netlink.Field.INVARIANT;
import static io.scstdrbd.drbd.netlink.Field.MANDATORY;
import static io.scstdrbd.drbd.netlink.Field.REQUIRED;
import static io.scstdrbd.drbd.netlink.Field.SENSITIVE;
import static io.scstdrbd.drbd.netlink.Field.bin;
import static io.scstdrbd.drbd.netlink.Field.flag;
import static io.scstdrbd.drbd.netlink.Field.s32;
import static io.scstdrbd.drbd.netlink.Field.str;
import static io.scstdrbd.drbd.netlink.Field.u32;
import static io.scstdrbd.drbd.netlink.Field.u64;

import java.util.Map;
import java.util.TreeMap;

/**
 * The attribute sets of the drbd family (drbd.md §15.4; drbd_genl.h of drbd-utils 9.22) with
 * the defaults of linux/drbd_limits.h. Immutable constants.
 */
public final class Tlas {
    private Tlas() {
    }

    private static final int M = MANDATORY;

    public static final TlaSchema CFG_REPLY = new TlaSchema(1, "cfg_reply", str(1, "info_text", M, null, 4096));

    public static final TlaSchema CFG_CONTEXT = new TlaSchema(2, "cfg_context",
            u32(1, "ctx_volume", M, null),
            str(2, "ctx_resource_name", M, null, 128),
            bin(3, "ctx_my_addr", M, 128),
            bin(4, "ctx_peer_addr", M, 128),
            str(5, "ctx_conn_name", 0, null, 64),
            u32(6, "ctx_peer_node_id", M, null));

    public static final TlaSchema DISK_CONF = new TlaSchema(3, "disk_conf",
            str(1, "backing_dev", REQUIRED | INVARIANT, null, 128),
            str(2, "meta_dev", REQUIRED | INVARIANT, null, 128),
            s32(3, "meta_dev_idx", REQUIRED | INVARIANT, null),
            u64(4, "disk_size", M | INVARIANT, 0L),
            u32(6, "on_io_error", M, 2L),
            s32(9, "resync_after", M, -1L),
            u32(10, "al_extents", M, 1237L),
            flag(16, "disk_barrier", M, false),
            flag(17, "disk_flushes", M, true),
            flag(18, "disk_drain", M, true),
            flag(19, "md_flushes", M, true),
            u32(20, "disk_timeout", M, 0L),
            u32(21, "read_balancing", M, 0L),
            u32(22, "unplug_watermark", M, 128L),
            flag(23, "al_updates", 0, true),
            flag(24, "discard_zeroes_if_aligned", 0, true),
            u32(25, "rs_discard_granularity", 0, 0L),
            flag(26, "disable_write_same", 0, false));

    public static final TlaSchema RESOURCE_OPTS = new TlaSchema(4, "res_opts",
            str(1, "cpu_mask", M, "", 32),
            u32(2, "on_no_data", M, 0L),
            flag(3, "auto_promote", M, true),
            u32(4, "node_id", REQUIRED | INVARIANT, null),
            u32(5, "peer_ack_window", M, 4096L),
            u32(6, "twopc_timeout", M, 300L),
            u32(7, "twopc_retry_timeout", M, 1L),
            u32(8, "peer_ack_delay", 0, 100L),
            u32(9, "auto_promote_timeout", 0, 20L),
            u32(10, "nr_requests", 0, 8000L),
            s32(11, "quorum", 0, 0L),
            u32(12, "on_no_quorum", 0, 1L),
            s32(13, "quorum_min_redundancy", 0, 0L),
            u32(14, "on_susp_primary_outdated", 0, 0L));

    public static final TlaSchema NET_CONF = new TlaSchema(5, "net_conf",
            str(1, "shared_secret", M | SENSITIVE, "", 64),
            str(2, "cram_hmac_alg", M, "", 64),
            str(3, "integrity_alg", M, "", 64),
            str(4, "verify_alg", M, "", 64),
            str(5, "csums_alg", M, "", 64),
            u32(6, "wire_protocol", M, 3L),
            u32(7, "connect_int", M, 10L),
            u32(8, "timeout", M, 60L),
            u32(9, "ping_int", M, 10L),
            u32(10, "ping_timeo", M, 5L),
            u32(11, "sndbuf_size", M, 0L),
            u32(12, "rcvbuf_size", M, 0L),
            u32(13, "ko_count", M, 7L),
            u32(15, "max_epoch_size", M, 2048L),
            u32(17, "after_sb_0p", M, 0L),
            u32(18, "after_sb_1p", M, 0L),
            u32(19, "after_sb_2p", M, 0L),
            u32(20, "rr_conflict", M, 0L),
            u32(21, "on_congestion", M, 0L),
            u32(22, "cong_fill", M, 0L),
            u32(23, "cong_extents", M, 1237L),
            flag(24, "two_primaries", M, false),
            flag(26, "tcp_cork", M, true),
            flag(27, "always_asbp", M, false),
            flag(29, "use_rle", M, true),
            u32(30, "fencing_policy", M, 0L),
            str(31, "name", M, "", 64),
            flag(33, "csums_after_crash_only", 0, false),
            u32(34, "sock_check_timeo", 0, 0L),
            str(35, "transport_name", INVARIANT, "", 64),
            u32(36, "max_buffers", 0, 2048L),
            flag(37, "allow_remote_read", 0, true));

    public static final TlaSchema SET_ROLE_PARMS = new TlaSchema(6, "set_role_parms", flag(1, "force", M, false));

    public static final TlaSchema RESIZE_PARMS = new TlaSchema(7, "resize_parms",
            u64(1, "resize_size", M, 0L),
            flag(2, "resize_force", M, false),
            flag(3, "no_resync", M, false),
            u32(4, "al_stripes", 0, 1L),
            u32(5, "al_stripe_size", 0, 32L));

    public static final TlaSchema START_OV_PARMS = new TlaSchema(9, "start_ov_parms",
            u64(1, "ov_start_sector", M, 0L),
            u64(2, "ov_stop_sector", M, -1L));

    public static final TlaSchema NEW_C_UUID_PARMS = new TlaSchema(10, "new_c_uuid_parms",
            flag(1, "clear_bm", M, false),
            flag(2, "force_resync", M, false));

    public static final TlaSchema TIMEOUT_PARMS = new TlaSchema(11, "timeout_parms",
            u32(1, "timeout_type", REQUIRED, null));

    public static final TlaSchema DISCONNECT_PARMS = new TlaSchema(12, "disconnect_parms",
            flag(1, "force_disconnect", M, false));

    public static final TlaSchema DETACH_PARMS = new TlaSchema(13, "detach_parms",
            flag(1, "force_detach", M, false),
            flag(2, "intentional_diskless_detach", 0, false));

    public static final TlaSchema DEVICE_CONF = new TlaSchema(14, "device_conf",
            u32(1, "max_bio_size", INVARIANT, 1048576L),
            flag(2, "intentional_diskless", 0, false));

    public static final TlaSchema RESOURCE_INFO = new TlaSchema(15, "resource_info",
            u32(1, "res_role", 0, null),
            flag(2, "res_susp", 0, false),
            flag(3, "res_susp_nod", 0, false),
            flag(4, "res_susp_fen", 0, false),
            flag(5, "res_susp_quorum", 0, false),
            flag(6, "res_fail_io", 0, false));

    public static final TlaSchema DEVICE_INFO = new TlaSchema(16, "device_info",
            u32(1, "dev_disk_state", 0, null),
            flag(2, "is_intentional_diskless", 0, false),
            flag(3, "dev_has_quorum", 0, false),
            str(4, "backing_dev_path", 0, null, 128));

    public static final TlaSchema CONNECTION_INFO = new TlaSchema(17, "connection_info",
            u32(1, "conn_connection_state", 0, null),
            u32(2, "conn_role", 0, null));

    public static final TlaSchema PEER_DEVICE_INFO = new TlaSchema(18, "peer_device_info",
            u32(1, "peer_repl_state", 0, null),
            u32(2, "peer_disk_state", 0, null),
            u32(3, "peer_resync_susp_user", 0, null),
            u32(4, "peer_resync_susp_peer", 0, null),
            u32(5, "peer_resync_susp_dependency", 0, null),
            flag(6, "peer_is_intentional_diskless", 0, false));

    public static final TlaSchema RESOURCE_STATISTICS = new TlaSchema(19, "resource_statistics",
            u32(1, "res_stat_write_ordering", 0, null));

    public static final TlaSchema DEVICE_STATISTICS = new TlaSchema(20, "device_statistics",
            u64(1, "dev_size", 0, null),
            u64(2, "dev_read", 0, null),
            u64(3, "dev_write", 0, null),
            u64(4, "dev_al_writes", 0, null),
            u64(5, "dev_bm_writes", 0, null),
            u32(6, "dev_upper_pending", 0, null),
            u32(7, "dev_lower_pending", 0, null),
            flag(8, "dev_upper_blocked", 0, false),
            flag(9, "dev_lower_blocked", 0, false),
            flag(10, "dev_al_suspended", 0, false),
            u64(11, "dev_exposed_data_uuid", 0, null),
            u64(12, "dev_current_uuid", 0, null),
            u32(13, "dev_disk_flags", 0, null),
            bin(14, "history_uuids", 0, 256));

    public static final TlaSchema CONNECTION_STATISTICS = new TlaSchema(21, "connection_statistics",
            flag(1, "conn_congested", 0, false),
            u64(2, "ap_in_flight", 0, null),
            u64(3, "rs_in_flight", 0, null));

    public static final TlaSchema PEER_DEVICE_STATISTICS = new TlaSchema(22, "peer_device_statistics",
            u64(1, "peer_dev_received", 0, null),
            u64(2, "peer_dev_sent", 0, null),
            u32(3, "peer_dev_pending", 0, null),
            u32(4, "peer_dev_unacked", 0, null),
            u64(5, "peer_dev_out_of_sync", 0, null),
            u64(6, "peer_dev_resync_failed", 0, null),
            u64(7, "peer_dev_bitmap_uuid", 0, null),
            u32(9, "peer_dev_flags", 0, null),
            u64(10, "peer_dev_rs_total", 0, null),
            u64(11, "peer_dev_ov_start_sector", 0, null),
            u64(12, "peer_dev_ov_stop_sector", 0, null),
            u64(13, "peer_dev_ov_position", 0, null),
            u64(14, "peer_dev_ov_left", 0, null),
            u64(15, "peer_dev_ov_skipped", 0, null),
            u64(16, "peer_dev_rs_same_csum", 0, null),
            u64(17, "peer_dev_rs_dt_start_ms", 0, null),
            u64(18, "peer_dev_rs_paused_ms", 0, null),
            u64(19, "peer_dev_rs_dt0_ms", 0, null),
            u64(20, "peer_dev_rs_db0_sectors", 0, null),
            u64(21, "peer_dev_rs_dt1_ms", 0, null),
            u64(22, "peer_dev_rs_db1_sectors", 0, null),
            u32(23, "peer_dev_rs_c_sync_rate", 0, null),
            u64(24, "peer_dev_uuid_flags", 0, null));

    public static final TlaSchema NOTIFICATION_HEADER = new TlaSchema(23, "drbd_notification_header",
            u32(1, "nh_type", M, null));

    public static final TlaSchema HELPER = new TlaSchema(24, "drbd_helper_info",
            str(1, "helper_name", M, null, 32),
            u32(2, "helper_status", M, null));

    public static final TlaSchema INVALIDATE_PARMS = new TlaSchema(25, "invalidate_parms",
            s32(1, "sync_from_peer_node_id", M, -1L),
            flag(2, "reset_bitmap", M, true));

    public static final TlaSchema FORGET_PEER_PARMS = new TlaSchema(26, "forget_peer_parms",
            s32(1, "forget_peer_node_id", M, -1L));

    public static final TlaSchema PEER_DEVICE_OPTS = new TlaSchema(27, "peer_device_conf",
            u32(1, "resync_rate", M, 250L),
            u32(2, "c_plan_ahead", M, 20L),
            u32(3, "c_delay_target", M, 10L),
            u32(4, "c_fill_target", M, 100L),
            u32(5, "c_max_rate", M, 102400L),
            u32(6, "c_min_rate", M, 250L),
            flag(7, "bitmap", 0, true));

    public static final TlaSchema PATH_PARMS = new TlaSchema(28, "path_parms",
            bin(1, "my_addr", M, 128),
            bin(2, "peer_addr", M, 128));

    public static final TlaSchema CONNECT_PARMS = new TlaSchema(29, "connect_parms",
            flag(1, "tentative", M, false),
            flag(2, "discard_my_data", M, false));

    public static final TlaSchema PATH_INFO = new TlaSchema(30, "drbd_path_info", flag(1, "path_established", 0, false));

    public static final TlaSchema RENAME_RESOURCE_PARMS = new TlaSchema(31, "rename_resource_parms",
            str(1, "new_resource_name", M, null, 128));

    public static final TlaSchema RENAME_RESOURCE_INFO = new TlaSchema(32, "rename_resource_info",
            str(1, "res_new_name", M, null, 128));

    public static final TlaSchema INVAL_PEER_PARAMS = new TlaSchema(33, "invalidate_peer_parms",
            flag(1, "p_reset_bitmap", M, true));

    private static final Map<Integer, TlaSchema> BY_NUMBER = new TreeMap<>();

    static {
        for (TlaSchema s : new TlaSchema[] {CFG_REPLY, CFG_CONTEXT, DISK_CONF, RESOURCE_OPTS, NET_CONF,
            SET_ROLE_PARMS, RESIZE_PARMS, START_OV_PARMS, NEW_C_UUID_PARMS, TIMEOUT_PARMS, DISCONNECT_PARMS,
            DETACH_PARMS, DEVICE_CONF, RESOURCE_INFO, DEVICE_INFO, CONNECTION_INFO, PEER_DEVICE_INFO,
            RESOURCE_STATISTICS, DEVICE_STATISTICS, CONNECTION_STATISTICS, PEER_DEVICE_STATISTICS,
            NOTIFICATION_HEADER, HELPER, INVALIDATE_PARMS, FORGET_PEER_PARMS, PEER_DEVICE_OPTS, PATH_PARMS,
            CONNECT_PARMS, PATH_INFO, RENAME_RESOURCE_PARMS, RENAME_RESOURCE_INFO, INVAL_PEER_PARAMS}) {
            BY_NUMBER.put(s.number(), s);
        }
    }

    /** The schema of a TLA number, or null for an unknown one. */
    public static TlaSchema byNumber(int n) {
        return BY_NUMBER.get(n);
    }
}
