package io.scstdrbd.scst.cdb;

/** SCSI operation codes and service actions the core knows (SPC-4 / SBC-3). */
public final class Opcodes {
    private Opcodes() {
    }

    public static final int TEST_UNIT_READY = 0x00;
    public static final int REQUEST_SENSE = 0x03;
    public static final int READ_6 = 0x08;
    public static final int WRITE_6 = 0x0a;
    public static final int INQUIRY = 0x12;
    public static final int MODE_SELECT_6 = 0x15;
    public static final int RESERVE_6 = 0x16;
    public static final int RELEASE_6 = 0x17;
    public static final int MODE_SENSE_6 = 0x1a;
    public static final int START_STOP_UNIT = 0x1b;
    public static final int PREVENT_ALLOW_MEDIUM_REMOVAL = 0x1e;
    public static final int READ_CAPACITY_10 = 0x25;
    public static final int READ_10 = 0x28;
    public static final int WRITE_10 = 0x2a;
    public static final int WRITE_AND_VERIFY_10 = 0x2e;
    public static final int VERIFY_10 = 0x2f;
    public static final int PRE_FETCH_10 = 0x34;
    public static final int SYNCHRONIZE_CACHE_10 = 0x35;
    public static final int READ_DEFECT_DATA_10 = 0x37;
    public static final int WRITE_SAME_10 = 0x41;
    public static final int UNMAP = 0x42;
    public static final int SANITIZE = 0x48;
    public static final int MODE_SELECT_10 = 0x55;
    public static final int RESERVE_10 = 0x56;
    public static final int RELEASE_10 = 0x57;
    public static final int MODE_SENSE_10 = 0x5a;
    public static final int PERSISTENT_RESERVE_IN = 0x5e;
    public static final int PERSISTENT_RESERVE_OUT = 0x5f;
    public static final int EXTENDED_COPY = 0x83;
    public static final int RECEIVE_COPY_RESULTS = 0x84;
    public static final int READ_16 = 0x88;
    public static final int COMPARE_AND_WRITE = 0x89;
    public static final int WRITE_16 = 0x8a;
    public static final int ORWRITE_16 = 0x8b;
    public static final int WRITE_AND_VERIFY_16 = 0x8e;
    public static final int VERIFY_16 = 0x8f;
    public static final int PRE_FETCH_16 = 0x90;
    public static final int SYNCHRONIZE_CACHE_16 = 0x91;
    public static final int WRITE_SAME_16 = 0x93;
    public static final int WRITE_ATOMIC_16 = 0x9c;
    public static final int SERVICE_ACTION_IN_16 = 0x9e;
    public static final int REPORT_LUNS = 0xa0;
    public static final int MAINTENANCE_IN = 0xa3;
    public static final int READ_12 = 0xa8;
    public static final int WRITE_12 = 0xaa;
    public static final int WRITE_AND_VERIFY_12 = 0xae;
    public static final int VERIFY_12 = 0xaf;
    public static final int READ_DEFECT_DATA_12 = 0xb7;

    // SERVICE ACTION IN(16)
    public static final int SA_READ_CAPACITY_16 = 0x10;
    public static final int SA_GET_LBA_STATUS = 0x12;
    // MAINTENANCE IN
    public static final int SA_REPORT_SUPPORTED_OPCODES = 0x0c;
    public static final int SA_REPORT_SUPPORTED_TMFS = 0x0d;
    // EXTENDED COPY / RECEIVE COPY RESULTS (LID1)
    public static final int SA_EXTENDED_COPY_LID1 = 0x00;
    public static final int SA_RECEIVE_COPY_STATUS_LID1 = 0x00;
    public static final int SA_RECEIVE_COPY_DATA_LID1 = 0x01;
    public static final int SA_RECEIVE_COPY_OPERATING_PARAMETERS = 0x03;
    public static final int SA_RECEIVE_COPY_FAILED_SEGMENT_DETAILS = 0x04;

    /** Length of the CDB for an operation code, from its group code (SPC-4 4.2.5.1). */
    public static int cdbLength(int opcode) {
        switch ((opcode >>> 5) & 7) {
            case 0: return 6;
            case 1: case 2: return 10;
            case 4: return 16;
            case 5: return 12;
            default: return 0;
        }
    }
}
