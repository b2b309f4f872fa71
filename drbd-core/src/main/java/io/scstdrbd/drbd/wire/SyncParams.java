package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;

/** p_rs_param_95 (148 bytes), sent as P_SYNC_PARAM89. Rates in KiB/s, times in 1/10 s, fill in sectors. */
public record SyncParams(int resyncRate, String verifyAlg, String csumsAlg, int cPlanAhead, int cDelayTarget,
        int cFillTarget, int cMaxRate) implements Payload {
    public static final int SIZE = 148;

    public SyncParams {
        verifyAlg = verifyAlg == null ? "" : verifyAlg;
        csumsAlg = csumsAlg == null ? "" : csumsAlg;
    }

    public static SyncParams read(ByteBuf in) {
        int rate = in.readInt();
        String v = WireStrings.readFixed(in, 64);
        String c = WireStrings.readFixed(in, 64);
        return new SyncParams(rate, v, c, in.readInt(), in.readInt(), in.readInt(), in.readInt());
    }

    @Override
    public int length() {
        return SIZE;
    }

    @Override
    public void write(ByteBuf out) {
        out.writeInt(resyncRate);
        WireStrings.writeFixed(out, verifyAlg, 64);
        WireStrings.writeFixed(out, csumsAlg, 64);
        out.writeInt(cPlanAhead);
        out.writeInt(cDelayTarget);
        out.writeInt(cFillTarget);
        out.writeInt(cMaxRate);
    }
}
