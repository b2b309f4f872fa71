package io.scstdrbd.scst.fabric;

/** Outcome of a task management function (mapped by the transport to its response codes). */
public enum TaskManagementResult {
    /** Done (iSCSI response 0). */
    FUNCTION_COMPLETE,
    /** ABORT TASK / QUERY TASK for a tag the core does not know (iSCSI 1). */
    TASK_DOES_NOT_EXIST,
    /** LUN not mapped for this session (iSCSI 2). */
    LUN_DOES_NOT_EXIST,
    /** The task is still allowed to run / was already done (iSCSI 3). */
    TASK_STILL_ALLEGIANT,
    /** Not supported (iSCSI 5). */
    FUNCTION_NOT_SUPPORTED,
    /** Not authorized (iSCSI 6). */
    FUNCTION_REJECTED,
    /** QUERY TASK: the task exists (SAM-5 FUNCTION SUCCEEDED). */
    FUNCTION_SUCCEEDED
}
