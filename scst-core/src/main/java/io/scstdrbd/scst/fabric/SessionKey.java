package io.scstdrbd.scst.fabric;

/**
 * Who is talking to whom: everything the SCSI core needs to know about an I_T nexus.
 *
 * @param fabric              transport name, e.g. {@code iscsi}
 * @param targetName          target port name, e.g. {@code iqn.2001-04.com.example.blackbox:1}
 * @param initiatorName       initiator name used for group (ACL) matching, e.g. an IQN
 * @param initiatorPortName   unique name of the initiator port, e.g. {@code iqn...,i,0x23d000000001} for iSCSI
 *                            (two sessions of one initiator with different ISIDs are different I_T nexuses)
 * @param transportId         SPC-4 TransportID of the initiator port (iSCSI: format 01h with the port name),
 *                            used by persistent reservations
 * @param relativeTargetPort  relative target port identifier (1-based) for VPD 83h and PR
 */
public record SessionKey(String fabric, String targetName, String initiatorName, String initiatorPortName,
                         byte[] transportId, int relativeTargetPort) {
}
