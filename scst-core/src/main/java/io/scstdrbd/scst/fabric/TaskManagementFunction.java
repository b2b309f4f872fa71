package io.scstdrbd.scst.fabric;

/** SAM task management functions (iSCSI function codes in comments). */
public enum TaskManagementFunction {
    ABORT_TASK,          // 1
    ABORT_TASK_SET,      // 2
    CLEAR_ACA,           // 3
    CLEAR_TASK_SET,      // 4
    LOGICAL_UNIT_RESET,  // 5
    TARGET_WARM_RESET,   // 6
    TARGET_COLD_RESET,   // 7
    TASK_REASSIGN,       // 8
    QUERY_TASK,
    QUERY_TASK_SET,
    QUERY_ASYNC_EVENT
}
