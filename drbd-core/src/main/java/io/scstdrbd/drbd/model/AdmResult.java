package io.scstdrbd.drbd.model;

import io.scstdrbd.drbd.netlink.DrbdConst;
import io.scstdrbd.drbd.state.StateResult;
import java.util.List;

/**
 * The outcome of an administrative command: {@code NO_ERROR} (101), a state-change result
 * ({@code SS_*}, success ≥ 1) or an error code, plus info lines for the reply's info_text.
 */
public record AdmResult(int retCode, List<String> info) {
    public static final AdmResult OK = new AdmResult(DrbdConst.NO_ERROR, List.of());

    public static AdmResult of(StateResult rv) {
        return new AdmResult(rv.code(), List.of());
    }

    public static AdmResult of(int code, String info) {
        return new AdmResult(code, info == null ? List.of() : List.of(info));
    }
}
