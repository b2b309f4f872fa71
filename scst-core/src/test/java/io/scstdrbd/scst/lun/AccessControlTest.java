package io.scstdrbd.scst.lun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scstdrbd.kernel.errno.Errno;
import io.scstdrbd.kernel.errno.KernelException;
import io.scstdrbd.scst.device.VdiskOptions;
import io.scstdrbd.scst.device.VirtualDevice;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Groups, initiator names and LUN maps (SCST access control). */
class AccessControlTest {
    static VirtualDevice dev(String name) {
        return new VirtualDevice(VdiskOptions.of(name, null, 512, List.of("NULLIO"), null), null, null);
    }

    final VirtualDevice d0 = dev("d0");
    final VirtualDevice d1 = dev("d1");

    @Test
    void unknownInitiatorsUseTheDefaultGroup() throws KernelException {
        AccessControl acl = new AccessControl();
        acl.addLun(AccessControl.DEFAULT_GROUP, d0, 0, false, false);
        acl.addGroup("hosts", null);
        acl.addInitiator("hosts", "iqn.2024-01.host:a");
        acl.addLun("hosts", d1, 3, true, false);
        GroupView a = acl.groupFor("iqn.2024-01.host:a");
        assertEquals("hosts", a.name());
        assertEquals(List.of(3L), List.copyOf(a.luns().keySet()));
        assertTrue(a.luns().get(3L).readOnly());
        GroupView other = acl.groupFor("iqn.2024-01.host:b");
        assertEquals("Default", other.name());
        assertEquals(d0, other.luns().get(0L).device());
    }

    @Test
    void groupWithoutLunsStillAdmitsItsInitiators() throws KernelException {
        AccessControl acl = new AccessControl();
        acl.addLun(AccessControl.DEFAULT_GROUP, d0, 0, false, false);
        acl.addGroup("empty", null);
        acl.addInitiator("empty", "iqn.x");
        assertTrue(acl.groupFor("iqn.x").luns().isEmpty());
    }

    @Test
    void wildcardsLoseToExactNames() throws KernelException {
        AccessControl acl = new AccessControl();
        acl.addGroup("all-debian", null);
        acl.addInitiator("all-debian", "iqn.1993-08.org.debian:*");
        acl.addGroup("one", null);
        acl.addInitiator("one", "iqn.1993-08.org.debian:01:42f44c781338");
        assertEquals("one", acl.groupFor("iqn.1993-08.org.debian:01:42f44c781338").name());
        assertEquals("all-debian", acl.groupFor("iqn.1993-08.org.debian:01:other").name());
        assertEquals("Default", acl.groupFor("iqn.2024.example:x").name());
        assertTrue(AccessControl.matches("a?c*", "abcdef"));
    }

    @Test
    void errorsCarryErrnos() throws KernelException {
        AccessControl acl = new AccessControl();
        acl.addGroup("g", null);
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class, () -> acl.addGroup("g", null)).errno());
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> acl.deleteGroup("Default")).errno());
        assertEquals(Errno.ENOENT, assertThrows(KernelException.class, () -> acl.deleteGroup("nope")).errno());
        acl.addLun("g", d0, 1, false, false);
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> acl.addLun("g", d1, 1, false, false)).errno(), "LUN taken");
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> acl.addLun("g", d0, 2, false, false)).errno(), "device already mapped in the group");
        acl.addLun("g", d1, 1, true, true); // replace
        assertEquals(d1, acl.group("g").luns().get(1L).device());
        acl.addInitiator("g", "iqn.i");
        assertEquals(Errno.EEXIST, assertThrows(KernelException.class,
                () -> acl.addInitiator("Default", "iqn.i")).errno(), "one group per initiator");
        assertEquals(Errno.EINVAL, assertThrows(KernelException.class,
                () -> acl.addLun("g", d0, 16384, false, false)).errno());
    }

    @Test
    void moveRenameAndListenerNotifications() throws KernelException {
        AccessControl acl = new AccessControl();
        AtomicInteger changes = new AtomicInteger();
        acl.addListener(changes::incrementAndGet);
        acl.addGroup("a", null);
        acl.addGroup("b", AddressMethod.FLAT);
        acl.addInitiator("a", "iqn.i");
        acl.moveInitiator("a", "iqn.i", "b");
        assertEquals("b", acl.groupFor("iqn.i").name());
        acl.renameGroup("b", "c");
        assertEquals("c", acl.groupFor("iqn.i").name());
        assertEquals(AddressMethod.FLAT, acl.group("c").addressMethod());
        assertEquals(5, changes.get());
        acl.deleteGroup("c");
        assertEquals("Default", acl.groupFor("iqn.i").name());
    }

    @Test
    void lunAddressing() {
        assertArrayEquals(new byte[] {0, 5, 0, 0, 0, 0, 0, 0}, AddressMethod.PERIPHERAL.encode(5));
        assertArrayEquals(new byte[] {0x41, 0x2c, 0, 0, 0, 0, 0, 0}, AddressMethod.PERIPHERAL.encode(300));
        assertArrayEquals(new byte[] {0x40, 5, 0, 0, 0, 0, 0, 0}, AddressMethod.FLAT.encode(5));
    }
}
