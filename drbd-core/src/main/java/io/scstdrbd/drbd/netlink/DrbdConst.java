package io.scstdrbd.drbd.netlink;

/**
 * Numbers of the generic-netlink family "drbd" (linux/drbd_genl.h, linux/drbd.h of the header
 * set drbd-utils 9.22 is built with): family facts, commands, notification types and the
 * {@code enum drbd_ret_code} values the replies carry.
 */
public final class DrbdConst {
    private DrbdConst() {
    }

    public static final String FAMILY = "drbd";
    public static final String EVENTS_GROUP = "events";
    /** GENL_MAGIC_VERSION. */
    public static final int GENL_VERSION = 2;
    /** sizeof(struct drbd_genlmsghdr): u32 minor, s32 flags / ret_code. */
    public static final int USER_HEADER = 8;
    public static final int MAX_TLA = 33;
    /** drbd_genlmsghdr.flags bit of --set-defaults. */
    public static final int F_SET_DEFAULTS = 1;
    /** minor value of messages that are not about a device. */
    public static final int NO_MINOR = -1;

    public static final int CMD_NEW_MINOR = 5;
    public static final int CMD_DEL_MINOR = 6;
    public static final int CMD_NEW_RESOURCE = 7;
    public static final int CMD_DEL_RESOURCE = 8;
    public static final int CMD_RESOURCE_OPTS = 9;
    public static final int CMD_CONNECT = 10;
    public static final int CMD_DISCONNECT = 11;
    public static final int CMD_ATTACH = 12;
    public static final int CMD_RESIZE = 13;
    public static final int CMD_PRIMARY = 14;
    public static final int CMD_SECONDARY = 15;
    public static final int CMD_NEW_C_UUID = 16;
    public static final int CMD_START_OV = 17;
    public static final int CMD_DETACH = 18;
    public static final int CMD_INVALIDATE = 19;
    public static final int CMD_INVAL_PEER = 20;
    public static final int CMD_PAUSE_SYNC = 21;
    public static final int CMD_RESUME_SYNC = 22;
    public static final int CMD_SUSPEND_IO = 23;
    public static final int CMD_RESUME_IO = 24;
    public static final int CMD_OUTDATE = 25;
    public static final int CMD_GET_TIMEOUT_TYPE = 26;
    public static final int CMD_DOWN = 27;
    public static final int CMD_CHG_DISK_OPTS = 28;
    public static final int CMD_CHG_NET_OPTS = 29;
    public static final int CMD_GET_RESOURCES = 30;
    public static final int CMD_GET_DEVICES = 31;
    public static final int CMD_GET_CONNECTIONS = 32;
    public static final int CMD_GET_PEER_DEVICES = 33;
    public static final int EVT_RESOURCE_STATE = 34;
    public static final int EVT_DEVICE_STATE = 35;
    public static final int EVT_CONNECTION_STATE = 36;
    public static final int EVT_PEER_DEVICE_STATE = 37;
    public static final int CMD_GET_INITIAL_STATE = 38;
    public static final int EVT_HELPER = 40;
    public static final int EVT_INITIAL_STATE_DONE = 41;
    public static final int CMD_FORGET_PEER = 42;
    public static final int CMD_CHG_PEER_DEVICE_OPTS = 43;
    public static final int CMD_NEW_PEER = 44;
    public static final int CMD_NEW_PATH = 45;
    public static final int CMD_DEL_PEER = 46;
    public static final int CMD_DEL_PATH = 47;
    public static final int EVT_PATH_STATE = 48;
    public static final int CMD_RENAME_RESOURCE = 49;

    public static final int NOTIFY_EXISTS = 0;
    public static final int NOTIFY_CREATE = 1;
    public static final int NOTIFY_CHANGE = 2;
    public static final int NOTIFY_DESTROY = 3;
    public static final int NOTIFY_CALL = 4;
    public static final int NOTIFY_RESPONSE = 5;
    public static final int NOTIFY_RENAME = 6;
    public static final int NOTIFY_CONTINUES = 0x8000;

    /** timeout_parms.timeout_type. */
    public static final int UT_DEFAULT = 0;
    public static final int UT_DEGRADED = 1;
    public static final int UT_PEER_OUTDATED = 2;

    public static final int NO_ERROR = 101;
    public static final int ERR_LOCAL_ADDR = 102;
    public static final int ERR_PEER_ADDR = 103;
    public static final int ERR_OPEN_DISK = 104;
    public static final int ERR_OPEN_MD_DISK = 105;
    public static final int ERR_DISK_NOT_BDEV = 107;
    public static final int ERR_MD_NOT_BDEV = 108;
    public static final int ERR_DISK_TOO_SMALL = 111;
    public static final int ERR_MD_DISK_TOO_SMALL = 112;
    public static final int ERR_BDCLAIM_DISK = 114;
    public static final int ERR_BDCLAIM_MD_DISK = 115;
    public static final int ERR_MD_IDX_INVALID = 116;
    public static final int ERR_IO_MD_DISK = 118;
    public static final int ERR_MD_INVALID = 119;
    public static final int ERR_NOMEM = 122;
    public static final int ERR_DISCARD_IMPOSSIBLE = 123;
    public static final int ERR_DISK_CONFIGURED = 124;
    public static final int ERR_NET_CONFIGURED = 125;
    public static final int ERR_MANDATORY_TAG = 126;
    public static final int ERR_MINOR_INVALID = 127;
    public static final int ERR_INTR = 129;
    public static final int ERR_RESIZE_RESYNC = 130;
    public static final int ERR_NO_PRIMARY = 131;
    public static final int ERR_RESYNC_AFTER = 132;
    public static final int ERR_PAUSE_IS_SET = 134;
    public static final int ERR_PAUSE_IS_CLEAR = 135;
    public static final int ERR_NO_DISK = 138;
    public static final int ERR_NOT_PROTO_C = 139;
    public static final int ERR_CSUMS_RESYNC_RUNNING = 148;
    public static final int ERR_VERIFY_RUNNING = 149;
    public static final int ERR_DATA_NOT_CURRENT = 150;
    public static final int ERR_CONNECTED = 151;
    public static final int ERR_PERM = 152;
    public static final int ERR_STONITH_AND_PROT_A = 154;
    public static final int ERR_CONG_NOT_PROTO_A = 155;
    public static final int ERR_RES_NOT_KNOWN = 158;
    public static final int ERR_RES_IN_USE = 159;
    public static final int ERR_MINOR_CONFIGURED = 160;
    public static final int ERR_MINOR_OR_VOLUME_EXISTS = 161;
    public static final int ERR_INVALID_REQUEST = 162;
    public static final int ERR_NEED_APV_93 = 153;
    public static final int ERR_NEED_APV_100 = 163;
    public static final int ERR_NEED_ALLOW_TWO_PRI = 164;
    public static final int ERR_MD_UNCLEAN = 165;
    public static final int ERR_MD_LAYOUT_CONNECTED = 166;
    public static final int ERR_MD_LAYOUT_TOO_BIG = 167;
    public static final int ERR_MD_LAYOUT_TOO_SMALL = 168;
    public static final int ERR_MD_LAYOUT_NO_FIT = 169;
    public static final int ERR_IMPLICIT_SHRINK = 170;
    public static final int ERR_INVALID_PEER_NODE_ID = 171;
    public static final int ERR_CREATE_TRANSPORT = 172;
    public static final int ERR_LOCAL_AND_PEER_ADDR = 173;
    public static final int ERR_ALREADY_EXISTS = 174;
    public static final int ERR_APV_TOO_LOW = 175;

    /** Largest node id + 1 (DRBD_NODE_ID_MAX / DRBD_PEERS_MAX). */
    public static final int NODE_ID_MAX = 32;
    /** MINORMASK: largest minor number. */
    public static final int MINOR_MAX = (1 << 20) - 1;
    public static final int VOLUME_MAX = 65534;

    /** meta_dev_idx values. */
    public static final int MD_INDEX_INTERNAL = -1;
    public static final int MD_INDEX_FLEX_EXT = -2;
    public static final int MD_INDEX_FLEX_INT = -3;
}
