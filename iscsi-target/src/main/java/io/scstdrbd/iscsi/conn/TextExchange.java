package io.scstdrbd.iscsi.conn;

import io.scstdrbd.iscsi.login.TextParameters;
import io.scstdrbd.iscsi.login.TextParameters.Pair;
import io.scstdrbd.iscsi.pdu.PduFormatException;
import io.scstdrbd.iscsi.pdu.PduHeader;
import io.scstdrbd.iscsi.pdu.Reject;
import io.scstdrbd.iscsi.pdu.TextRequest;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The Text Request / Response exchanges of a connection in full feature phase (RFC 7143 11.10,
 * 11.11): requests continued with the C bit are joined; answers longer than the initiator's
 * segment size go out in parts, each further part asked for by an empty request carrying the
 * target transfer tag of the previous one. Not thread-safe (the connection's event loop).
 */
final class TextExchange {
    /** What to send: one Text Response. */
    record Reply(boolean finalFlag, boolean cont, int ttt, byte[] data) {
    }

    /** Requests and answers bigger than this are hostile. */
    static final int MAX_TEXT = 64 * 1024;

    private final ByteArrayOutputStream in = new ByteArrayOutputStream();
    private byte[] out;
    private int outPos;
    private int outTtt = PduHeader.RESERVED_TAG;

    /**
     * Handles one Text Request.
     *
     * @param answer    turns the request's keys into the answer's keys
     * @param maxXmit   the largest data segment the initiator accepts
     * @throws PduFormatException for an unknown transfer tag, an over-long or malformed text
     */
    Reply request(TextRequest h, byte[] data, Function<List<Pair>, List<Pair>> answer, int maxXmit,
                  IntSupplier newTtt) throws PduFormatException {
        if (h.ttt() != PduHeader.RESERVED_TAG) {
            if (h.ttt() != outTtt || out == null) {
                throw new PduFormatException("Text Request with unknown TTT", Reject.INVALID_PDU_FIELD);
            }
            return nextPart(maxXmit, newTtt);
        }
        out = null;
        outTtt = PduHeader.RESERVED_TAG;
        if (in.size() + data.length > MAX_TEXT) {
            in.reset();
            throw new PduFormatException("Text request longer than " + MAX_TEXT + " bytes");
        }
        in.write(data, 0, data.length);
        if (h.cont()) {
            // more text follows: an empty answer with a tag keeps the exchange going
            outTtt = newTtt.getAsInt();
            out = new byte[0];
            outPos = 0;
            return new Reply(false, false, outTtt, new byte[0]);
        }
        List<Pair> keys;
        try {
            keys = TextParameters.decode(in.toByteArray());
        } finally {
            in.reset();
        }
        out = TextParameters.encode(answer.apply(keys));
        outPos = 0;
        return nextPart(maxXmit, newTtt);
    }

    private Reply nextPart(int maxXmit, IntSupplier newTtt) {
        int n = Math.min(out.length - outPos, maxXmit);
        byte[] chunk = Arrays.copyOfRange(out, outPos, outPos + n);
        outPos += n;
        if (outPos < out.length) {
            outTtt = newTtt.getAsInt();
            return new Reply(false, true, outTtt, chunk);
        }
        out = null;
        outTtt = PduHeader.RESERVED_TAG;
        return new Reply(true, false, PduHeader.RESERVED_TAG, chunk);
    }
}
