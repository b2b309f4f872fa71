package io.scstdrbd.scst.pr;

import io.scstdrbd.scst.sense.ScsiError;
import java.util.List;

/**
 * What a successful PERSISTENT RESERVE OUT asks of the rest of the core.
 *
 * @param unitAttentions unit attentions to establish, each for the nexuses of one initiator port
 * @param preempted      nexuses whose tasks PREEMPT AND ABORT must abort
 */
public record PrOutcome(List<Notice> unitAttentions, List<PrNexus> preempted) {

    /** A unit attention for one I_T nexus. */
    public record Notice(PrNexus nexus, ScsiError condition) {
    }

    public static final PrOutcome NONE = new PrOutcome(List.of(), List.of());
}
