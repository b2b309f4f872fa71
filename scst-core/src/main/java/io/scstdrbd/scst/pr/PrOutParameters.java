package io.scstdrbd.scst.pr;

import io.scstdrbd.kernel.bytes.BigEndian;
import io.scstdrbd.scst.cdb.PersistentReserveOutCdb;
import io.scstdrbd.scst.sense.ScsiError;
import io.scstdrbd.scst.sense.ScsiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The parameter list of PERSISTENT RESERVE OUT (SPC-4 6.16.3 basic, 6.16.4 REGISTER AND MOVE).
 *
 * @param transportIds  initiator ports named by SPEC_I_PT or REGISTER AND MOVE, as port names
 *                      ({@code name,i,0xISID} for format 01h, {@code name} for format 00h)
 * @param transportIdBytes the TransportIDs as received, in the same order
 */
public record PrOutParameters(long key, long serviceActionKey, boolean specIPt, boolean allTgPt, boolean aptpl,
                              boolean unregister, int relativeTargetPort, List<String> transportIds,
                              List<byte[]> transportIdBytes) {

    public static final int BASIC_LENGTH = 24;

    public static PrOutParameters parse(int serviceAction, byte[] p) throws ScsiException {
        if (p.length < BASIC_LENGTH) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        long key = BigEndian.u64(p, 0);
        long sark = BigEndian.u64(p, 8);
        if (serviceAction == PersistentReserveOutCdb.REGISTER_AND_MOVE) {
            boolean unreg = (p[17] & 0x02) != 0;
            boolean aptpl = (p[17] & 0x01) != 0;
            int rtp = BigEndian.u16(p, 18);
            long tidLen = BigEndian.u32(p, 20);
            if (BASIC_LENGTH + tidLen != p.length) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            List<String> ids = new ArrayList<>();
            List<byte[]> raw = new ArrayList<>();
            parseTransportIds(p, BASIC_LENGTH, p.length, ids, raw);
            if (ids.size() != 1) {
                throw ScsiException.invalidParameter(BASIC_LENGTH, -1);
            }
            return new PrOutParameters(key, sark, false, false, aptpl, unreg, rtp, ids, raw);
        }
        boolean specIPt = (p[20] & 0x08) != 0;
        boolean allTgPt = (p[20] & 0x04) != 0;
        boolean aptpl = (p[20] & 0x01) != 0;
        List<String> ids = new ArrayList<>();
        List<byte[]> raw = new ArrayList<>();
        if (specIPt) {
            if (p.length < BASIC_LENGTH + 4) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            long len = BigEndian.u32(p, 24);
            if (28 + len != p.length) {
                throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
            }
            parseTransportIds(p, 28, p.length, ids, raw);
        } else if (p.length != BASIC_LENGTH) {
            throw ScsiException.of(ScsiError.PARAMETER_LIST_LENGTH_ERROR);
        }
        return new PrOutParameters(key, sark, specIPt, allTgPt, aptpl, false, 0, ids, raw);
    }

    /** Decodes iSCSI TransportIDs (protocol identifier 5h, formats 00h and 01h). */
    static void parseTransportIds(byte[] p, int off, int end, List<String> ids, List<byte[]> raw)
            throws ScsiException {
        while (off < end) {
            if (end - off < 4) {
                throw ScsiException.invalidParameter(off, -1);
            }
            int format = (p[off] >>> 6) & 3;
            int proto = p[off] & 0x0f;
            if (proto != 5 || format > 1) {
                throw ScsiException.invalidParameter(off, -1);
            }
            int len = BigEndian.u16(p, off + 2);
            if (len < 4 || len % 4 != 0 || off + 4 + len > end) {
                throw ScsiException.invalidParameter(off + 2, -1);
            }
            int n = 0;
            while (n < len && p[off + 4 + n] != 0) {
                n++;
            }
            String name = new String(p, off + 4, n, StandardCharsets.UTF_8);
            if (name.isEmpty()) {
                throw ScsiException.invalidParameter(off + 4, -1);
            }
            if (format == 1) {
                int sep = name.toLowerCase(Locale.ROOT).indexOf(",i,0x");
                if (sep <= 0) {
                    throw ScsiException.invalidParameter(off + 4, -1);
                }
                name = name.substring(0, sep) + ",i,0x" + name.substring(sep + 5).toLowerCase(Locale.ROOT);
            }
            ids.add(name);
            byte[] tid = new byte[4 + len];
            System.arraycopy(p, off, tid, 0, tid.length);
            raw.add(tid);
            off += 4 + len;
        }
    }
}
