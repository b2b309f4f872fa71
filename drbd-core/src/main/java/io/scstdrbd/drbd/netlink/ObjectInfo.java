package io.scstdrbd.drbd.netlink;

import io.scstdrbd.drbd.meta.Superblock;
import io.scstdrbd.drbd.model.Connection;
import io.scstdrbd.drbd.model.ConnectionDriver;
import io.scstdrbd.drbd.model.Device;
import io.scstdrbd.drbd.model.LocalDisk;
import io.scstdrbd.drbd.model.Path;
import io.scstdrbd.drbd.model.PeerDevice;
import io.scstdrbd.drbd.model.Resource;
import io.scstdrbd.drbd.state.DiskState;
import io.scstdrbd.drbd.stats.PeerDeviceStatistics;
import io.scstdrbd.kernel.genl.NlAttr;
import io.scstdrbd.kernel.genl.NlAttrWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes the netlink attributes that describe DRBD objects, as the kernel's dumps and
 * notifications do (nla_put_drbd_cfg_context and the *_to_info / *_to_statistics helpers of
 * drbd_nl.c). Call with the node lock held so that the values belong together.
 */
public final class ObjectInfo {
    private ObjectInfo() {
    }

    /** DRBD_NLA_CFG_CONTEXT naming the objects given (any may be null). */
    public static void context(NlAttrWriter w, Resource r, Connection c, Device d, Path p) {
        w.beginNested(Tlas.CFG_CONTEXT.number());
        if (d != null) {
            w.u32(1, d.volume());
        }
        if (r != null) {
            w.string(2, r.name());
        }
        if (c != null) {
            w.u32(6, c.peerNodeId());
            w.string(5, c.name());
        }
        if (p != null) {
            w.bytes(3, p.myAddr());
            w.bytes(4, p.peerAddr());
        }
        w.endNested();
    }

    public static NlStruct resourceInfo(Resource r) {
        return Tlas.RESOURCE_INFO.empty().with("res_role", (long) r.role().code())
                .with("res_susp", r.suspendedByUser()).with("res_susp_nod", false).with("res_susp_fen", r.suspendedByFencing())
                .with("res_susp_quorum", r.suspendedByQuorum()).with("res_fail_io", r.failIo());
    }

    public static NlStruct resourceStatistics(Resource r) {
        return Tlas.RESOURCE_STATISTICS.empty().with("res_stat_write_ordering", (long) r.writeOrdering());
    }

    public static NlStruct deviceInfo(Device d) {
        LocalDisk l = d.ldev();
        NlStruct s = Tlas.DEVICE_INFO.empty().with("dev_disk_state", (long) d.disk().code())
                .with("is_intentional_diskless", d.disk() == DiskState.DISKLESS
                        && d.deviceConf().flag("intentional_diskless"))
                .with("dev_has_quorum", d.hasQuorum());
        if (l != null) {
            s = s.with("backing_dev_path", l.backingPath());
        }
        return s;
    }

    public static NlStruct deviceStatistics(Device d) {
        LocalDisk l = d.ldev();
        NlStruct s = Tlas.DEVICE_STATISTICS.empty()
                .with("dev_size", d.sizeSectors())
                .with("dev_read", d.readSectors.get())
                .with("dev_write", d.writtenSectors.get())
                .with("dev_al_writes", l == null ? 0L : l.md().alWrites())
                .with("dev_bm_writes", l == null ? 0L : l.md().bmWrites())
                .with("dev_upper_pending", (long) d.upperPending.get())
                .with("dev_lower_pending", (long) d.lowerPending.get())
                .with("dev_upper_blocked", d.resource().ioSuspended())
                .with("dev_lower_blocked", false)
                .with("dev_al_suspended", false)
                .with("dev_exposed_data_uuid", d.exposedDataUuid());
        byte[] hist = new byte[0];
        long current = 0;
        long flags = 0;
        if (l != null) {
            Superblock sb = l.md().superblock();
            current = sb.currentUuid();
            flags = sb.flags() & 0xffffffffL;
            ByteBuffer b = ByteBuffer.allocate(Superblock.HISTORY_UUIDS * 8).order(ByteOrder.nativeOrder());
            for (long h : sb.historyUuids()) {
                b.putLong(h);
            }
            hist = b.array();
        }
        return s.with("dev_current_uuid", current).with("dev_disk_flags", flags).with("history_uuids", hist);
    }

    public static NlStruct connectionInfo(Connection c) {
        return Tlas.CONNECTION_INFO.empty().with("conn_connection_state", (long) c.cstate().code())
                .with("conn_role", (long) c.peerRole().code());
    }

    /** In flight on the connection, in sectors (the kernel's ap_in_flight and rs_in_flight). */
    public static NlStruct connectionStatistics(Connection c) {
        ConnectionDriver drv = c.driver();
        long ap = drv == null ? 0 : drv.apInFlightSectors();
        long rs = drv == null ? 0 : drv.rsInFlightSectors();
        return Tlas.CONNECTION_STATISTICS.empty().with("conn_congested", false).with("ap_in_flight", ap)
                .with("rs_in_flight", rs);
    }

    public static NlStruct peerDeviceInfo(PeerDevice pd) {
        return Tlas.PEER_DEVICE_INFO.empty().with("peer_repl_state", (long) pd.repl().code())
                .with("peer_disk_state", (long) pd.peerDisk().code())
                .with("peer_resync_susp_user", pd.resyncSuspUser() ? 1L : 0L)
                .with("peer_resync_susp_peer", pd.resyncSuspPeer() ? 1L : 0L)
                .with("peer_resync_susp_dependency", pd.resyncSuspDependency() ? 1L : 0L)
                .with("peer_is_intentional_diskless", false);
    }

    /**
     * The counters come from the connection's driver; without a local disk only the data counters
     * are reported, as the kernel does (no bitmap, so no resync or verify figures).
     */
    public static NlStruct peerDeviceStatistics(PeerDevice pd) {
        LocalDisk l = pd.device().ldev();
        ConnectionDriver drv = pd.connection().driver();
        PeerDeviceStatistics st = drv == null ? PeerDeviceStatistics.NONE : drv.statistics(pd);
        long oos = 0;
        long bmUuid = 0;
        long flags = 0;
        if (l == null) {
            st = PeerDeviceStatistics.traffic(st.receivedSectors(), st.sentSectors())
                    .withInFlight(st.pending(), st.unacked(), 0);
        } else {
            int slot = pd.bitmapIndex();
            if (slot >= 0) {
                oos = l.md().bitmap().count(slot) * 8;
            }
            bmUuid = l.md().superblock().peer(pd.peerNodeId()).bitmapUuid();
            flags = l.md().superblock().peer(pd.peerNodeId()).flags() & 0xffffffffL;
        }
        return Tlas.PEER_DEVICE_STATISTICS.empty()
                .with("peer_dev_received", st.receivedSectors())
                .with("peer_dev_sent", st.sentSectors())
                .with("peer_dev_pending", (long) st.pending())
                .with("peer_dev_unacked", (long) st.unacked())
                .with("peer_dev_out_of_sync", oos)
                .with("peer_dev_resync_failed", st.rsFailedSectors())
                .with("peer_dev_bitmap_uuid", bmUuid)
                .with("peer_dev_flags", flags)
                .with("peer_dev_rs_total", st.rsTotalSectors())
                .with("peer_dev_ov_start_sector", st.ovStartSector())
                .with("peer_dev_ov_stop_sector", st.ovStopSector())
                .with("peer_dev_ov_position", st.ovPosition())
                .with("peer_dev_ov_left", st.ovLeftSectors())
                .with("peer_dev_ov_skipped", st.ovSkippedSectors())
                .with("peer_dev_rs_same_csum", st.rsSameCsumSectors())
                .with("peer_dev_rs_dt_start_ms", st.rsDtStartMs())
                .with("peer_dev_rs_paused_ms", st.rsPausedMs())
                .with("peer_dev_rs_dt0_ms", st.older().dtMs())
                .with("peer_dev_rs_db0_sectors", st.older().dbSectors())
                .with("peer_dev_rs_dt1_ms", st.recent().dtMs())
                .with("peer_dev_rs_db1_sectors", st.recent().dbSectors())
                .with("peer_dev_rs_c_sync_rate", st.syncRateKiBs())
                .with("peer_dev_uuid_flags", 0L);
    }

    /**
     * PATH_PARMS with every path; the address types carry 0x4000 because drbdsetup 9.22 compares
     * them with the flag included (drbd.md §15.5) and would otherwise drop the path from show.
     */
    public static void paths(NlAttrWriter w, Connection c) {
        w.beginNested(Tlas.PATH_PARMS.number());
        for (Path p : c.paths()) {
            w.bytes(1 | NlAttr.F_NET_BYTEORDER, p.myAddr());
            w.bytes(2 | NlAttr.F_NET_BYTEORDER, p.peerAddr());
        }
        w.endNested();
    }

    public static void notification(NlAttrWriter w, int nhType) {
        Tlas.NOTIFICATION_HEADER.empty().with("nh_type", (long) nhType).encode(w, true);
    }
}
