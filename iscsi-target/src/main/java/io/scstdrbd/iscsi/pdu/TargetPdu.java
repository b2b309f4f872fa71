package io.scstdrbd.iscsi.pdu;

/**
 * A PDU sent by the target. Every one of them carries the session's numbering at the same place
 * of its BHS (RFC 7143 chapter 11): StatSN at byte 24, ExpCmdSN at 28 and MaxCmdSN at 32, so
 * {@link PduCodec} writes these three fields once for all of them.
 */
public sealed interface TargetPdu extends PduHeader permits NopIn, ScsiResponsePdu, TaskMgmtResponse,
        LoginResponse, TextResponse, DataIn, LogoutResponse, R2t, AsyncMessage, Reject {

    int statSN();

    int expCmdSN();

    int maxCmdSN();
}
