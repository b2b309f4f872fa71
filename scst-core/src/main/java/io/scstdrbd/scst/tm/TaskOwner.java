package io.scstdrbd.scst.tm;

import io.scstdrbd.scst.lun.AddressMethod;
import java.util.List;

/**
 * The session that created a task: told when the task is finished so it can forget its tag, and
 * asked for what REPORT LUNS returns.
 */
public interface TaskOwner {
    void taskFinished(Task task);

    /** LUN numbers this session sees, ascending. */
    List<Long> lunList();

    /** How this session's group encodes LUNs. */
    AddressMethod addressMethod();
}
