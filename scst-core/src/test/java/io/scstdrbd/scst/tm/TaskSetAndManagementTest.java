package io.scstdrbd.scst.tm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.scst.fabric.TaskAttribute;
import io.scstdrbd.scst.fabric.TaskManagementFunction;
import io.scstdrbd.scst.fabric.TaskManagementResult;
import io.scstdrbd.scst.testing.Cdb;
import io.scstdrbd.scst.testing.TestCommand;
import io.scstdrbd.scst.testing.TestFabric;
import io.scstdrbd.scst.testing.TwoInitiatorFixture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Task attributes and task management, with commands held in flight by withholding their
 * data-out (the task is then enabled and waiting for the initiator).
 */
class TaskSetAndManagementTest extends TwoInitiatorFixture {
    TestCommand heldWrite(TestFabric.Session s, TaskAttribute attr) {
        TestCommand w = s.start(0, Cdb.write10(0, 1), attr, new byte[512], 512, true);
        assertTrue(w.requestedDataOut() == 512, "write asked for its data");
        return w;
    }

    @Test
    void orderedWaitsForOlderTasksAndHoldsBackNewer() throws Exception {
        TestCommand w = heldWrite(a, TaskAttribute.SIMPLE);
        TestCommand ordered = a.start(0, Cdb.tur(), TaskAttribute.ORDERED, null, 0, false);
        TestCommand simple = b.start(0, Cdb.read10(0, 1), TaskAttribute.SIMPLE, null, 512, false);
        TestCommand hoq = b.start(0, Cdb.tur(), TaskAttribute.HEAD_OF_QUEUE, null, 0, false);
        assertEquals(0, hoq.result.get(5, TimeUnit.SECONDS).status(), "head of queue runs at once");
        Thread.sleep(50);
        assertFalse(ordered.result.isDone());
        assertFalse(simple.result.isDone());
        w.release();
        assertEquals(0, w.result.get(5, TimeUnit.SECONDS).status());
        assertEquals(0, ordered.result.get(5, TimeUnit.SECONDS).status());
        assertEquals(0, simple.result.get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void simpleTasksRunConcurrently() throws Exception {
        TestCommand w1 = heldWrite(a, TaskAttribute.SIMPLE);
        TestCommand w2 = heldWrite(b, TaskAttribute.SIMPLE);
        TestCommand r = a.start(0, Cdb.read10(8, 1), TaskAttribute.SIMPLE, null, 512, false);
        assertEquals(0, r.result.get(5, TimeUnit.SECONDS).status());
        w2.release();
        w1.release();
        assertEquals(0, w1.result.get(5, TimeUnit.SECONDS).status());
        assertEquals(0, w2.result.get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void abortTaskWhileWaitingForData() throws Exception {
        TestCommand w = heldWrite(a, TaskAttribute.SIMPLE);
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.ABORT_TASK, 0, w.tag()));
        assertTrue(w.result.get(5, TimeUnit.SECONDS).aborted());
        w.release(); // a late data delivery is ignored
        assertEquals(TaskManagementResult.TASK_DOES_NOT_EXIST,
                a.tmf(TaskManagementFunction.ABORT_TASK, 0, w.tag()));
    }

    @Test
    void abortOfABlockedTask() throws Exception {
        TestCommand w = heldWrite(a, TaskAttribute.ORDERED);
        TestCommand r = a.start(0, Cdb.read10(0, 1), TaskAttribute.SIMPLE, null, 512, false);
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.ABORT_TASK, 0, r.tag()));
        assertTrue(r.result.get(5, TimeUnit.SECONDS).aborted());
        w.release();
        assertEquals(0, w.result.get(5, TimeUnit.SECONDS).status());
    }

    @Test
    void clearTaskSetAbortsEveryNexusAndTellsTheOthers() throws Exception {
        TestCommand wa = heldWrite(a, TaskAttribute.SIMPLE);
        TestCommand wb = heldWrite(b, TaskAttribute.SIMPLE);
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.CLEAR_TASK_SET, 0, 0));
        assertTrue(wa.result.get(5, TimeUnit.SECONDS).aborted());
        assertTrue(wb.result.get(5, TimeUnit.SECONDS).aborted());
        assertEquals(0x2f00, b.in(0, Cdb.tur(), 0).ascq());
        assertEquals(0, a.in(0, Cdb.tur(), 0).status(), "the issuer gets no unit attention");
    }

    @Test
    void abortTaskSetOnlyTouchesTheIssuer() throws Exception {
        TestCommand wa = heldWrite(a, TaskAttribute.SIMPLE);
        TestCommand wb = heldWrite(b, TaskAttribute.SIMPLE);
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.ABORT_TASK_SET, 0, 0));
        assertTrue(wa.result.get(5, TimeUnit.SECONDS).aborted());
        assertFalse(wb.result.isDone());
        assertEquals(TaskManagementResult.FUNCTION_SUCCEEDED, b.tmf(TaskManagementFunction.QUERY_TASK, 0, wb.tag()));
        wb.release();
        assertEquals(0, wb.result.get(5, TimeUnit.SECONDS).status());
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, b.tmf(TaskManagementFunction.QUERY_TASK, 0, wb.tag()));
    }

    @Test
    void lunResetClearsReservationAndReportsTheReset() throws Exception {
        assertEquals(0, a.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status());   // RESERVE(6)
        assertEquals(0x18, b.in(0, Cdb.read10(0, 1), 512).status());        // conflict
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.LOGICAL_UNIT_RESET, 0, 0));
        assertEquals(0x2903, a.in(0, Cdb.tur(), 0).ascq());
        assertEquals(0x2903, b.in(0, Cdb.tur(), 0).ascq());
        assertEquals(0, b.in(0, Cdb.read10(0, 1), 512).status());
        assertEquals(TaskManagementResult.LUN_DOES_NOT_EXIST, a.tmf(TaskManagementFunction.LOGICAL_UNIT_RESET, 9, 0));
    }

    @Test
    void targetResetReachesAllLuns() throws Exception {
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.TARGET_WARM_RESET, 0, 0));
        assertEquals(0x2900, b.in(0, Cdb.tur(), 0).ascq());
        assertEquals(0x2900, b.in(1, Cdb.tur(), 0).ascq());
    }

    @Test
    void queryAsyncEventReportsPendingUnitAttention() throws Exception {
        assertEquals(TaskManagementResult.FUNCTION_COMPLETE, a.tmf(TaskManagementFunction.QUERY_ASYNC_EVENT, 0, 0));
        a.tmf(TaskManagementFunction.LOGICAL_UNIT_RESET, 0, 0);
        assertEquals(TaskManagementResult.FUNCTION_SUCCEEDED, b.tmf(TaskManagementFunction.QUERY_ASYNC_EVENT, 0, 0));
    }

    @Test
    void closingASessionAbortsItsTasksAndReleasesItsReservation() throws Exception {
        assertEquals(0, a.in(0, Cdb.of(0x16, 0, 0, 0, 0, 0), 0).status());
        TestCommand w = heldWrite(a, TaskAttribute.SIMPLE);
        a.close();
        assertTrue(w.result.get(5, TimeUnit.SECONDS).aborted());
        assertEquals(0, b.in(0, Cdb.read10(0, 1), 512).status());
        assertEquals(0, b.session.activeCommands());
    }
}
