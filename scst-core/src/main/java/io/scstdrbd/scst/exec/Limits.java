package io.scstdrbd.scst.exec;

/**
 * Transfer limits the core enforces and reports in the Block Limits VPD page.
 *
 * @param maxTransferBytes       largest READ/WRITE/VERIFY (bigger ones: INVALID FIELD IN CDB)
 * @param optimalTransferBytes   preferred transfer size
 * @param maxUnmapBlocks         MAXIMUM UNMAP LBA COUNT
 * @param maxUnmapDescriptors    MAXIMUM UNMAP BLOCK DESCRIPTOR COUNT
 * @param maxWriteSameBytes      largest WRITE SAME range
 * @param maxCompareAndWriteBlocks MAXIMUM COMPARE AND WRITE LENGTH (at most 255)
 * @param maxAtomicBytes         MAXIMUM ATOMIC TRANSFER LENGTH
 */
public record Limits(int maxTransferBytes, int optimalTransferBytes, int maxUnmapBlocks, int maxUnmapDescriptors,
                     long maxWriteSameBytes, int maxCompareAndWriteBlocks, int maxAtomicBytes) {

    /** 32 MiB transfers: 65536 blocks of 512 bytes, the largest transfer libiscsi's tests use. */
    public static final Limits DEFAULT = new Limits(32 << 20, 1 << 20, 1 << 20, 4095, 1L << 40, 255, 1 << 20);
}
