package io.scstdrbd.scst.config;

import io.scstdrbd.scst.device.VdiskOptions;
import java.util.List;

/**
 * The contents of an scst.conf in the procfs-era format ([OPTIONS], [HANDLER vdisk],
 * [GROUP name], [ASSIGNMENT group], [TARGETS enable|disable]), validated.
 *
 * @param devices     vdisks in file order
 * @param groups      groups in file order (Default included if the file names it)
 * @param assignments LUN assignments in file order
 */
public record ScstConfig(boolean keepConfig, List<VdiskOptions> devices, List<Group> groups,
                         List<Assignment> assignments) {

    public ScstConfig {
        devices = List.copyOf(devices);
        groups = List.copyOf(groups);
        assignments = List.copyOf(assignments);
    }

    /** A [GROUP] section: its name and USER lines. */
    public record Group(String name, List<String> users) {
        public Group {
            users = List.copyOf(users);
        }
    }

    /** One DEVICE line of an [ASSIGNMENT] section. */
    public record Assignment(String group, String device, long lun, boolean readOnly) {
    }
}
