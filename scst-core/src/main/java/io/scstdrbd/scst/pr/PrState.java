package io.scstdrbd.scst.pr;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A snapshot of a logical unit's persistent reservation state, and its text codec for the
 * APTPL file ({@code <pr dir>/<device>}):
 * <pre>
 * generation 7
 * aptpl 1
 * registrant KEY_HEX REL_TGT_PORT INITIATOR_PORT TRANSPORT_ID_HEX
 * reservation TYPE SCOPE HOLDER_INITIATOR_PORT HOLDER_REL_TGT_PORT   (holder "*" for all-registrants types)
 * </pre>
 *
 * @param holder the holding nexus, or null for an all-registrants reservation or none
 * @param type   the reservation type, or null if not reserved
 */
public record PrState(long generation, boolean aptpl, List<Registration> registrations, ReservationType type,
                      int scope, PrNexus holder) {

    public PrState {
        registrations = List.copyOf(registrations);
    }

    public boolean reserved() {
        return type != null;
    }

    public String encode() {
        StringBuilder sb = new StringBuilder("# persistent reservations (scst-drbd)\n");
        sb.append("generation ").append(generation).append('\n');
        sb.append("aptpl ").append(aptpl ? 1 : 0).append('\n');
        for (Registration r : registrations) {
            sb.append("registrant ").append(String.format("%016x", r.key())).append(' ')
                    .append(r.nexus().relativeTargetPort()).append(' ').append(r.nexus().initiatorPort()).append(' ')
                    .append(r.nexus().transportId().length == 0 ? "-" : HexFormat.of().formatHex(r.nexus().transportId()))
                    .append('\n');
        }
        if (type != null) {
            sb.append("reservation ").append(type.code()).append(' ').append(scope).append(' ');
            if (holder == null) {
                sb.append("* 0");
            } else {
                sb.append(holder.initiatorPort()).append(' ').append(holder.relativeTargetPort());
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Parses {@link #encode()} output; a malformed file is an IllegalArgumentException naming the line. */
    public static PrState decode(String text) {
        long gen = 0;
        boolean aptpl = false;
        List<Registration> regs = new ArrayList<>();
        ReservationType type = null;
        int scope = 0;
        String holderPort = null;
        int holderRtp = 0;
        int lineNo = 0;
        for (String raw : text.split("\n")) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            try {
                switch (f[0]) {
                    case "generation":
                        gen = Long.parseLong(f[1]);
                        break;
                    case "aptpl":
                        aptpl = "1".equals(f[1]);
                        break;
                    case "registrant": {
                        long key = Long.parseUnsignedLong(f[1], 16);
                        int rtp = Integer.parseInt(f[2]);
                        byte[] tid = "-".equals(f[4]) ? new byte[0] : HexFormat.of().parseHex(f[4]);
                        regs.add(new Registration(new PrNexus(f[3], rtp, tid), key));
                        break;
                    }
                    case "reservation":
                        type = ReservationType.fromCode(Integer.parseInt(f[1]));
                        if (type == null) {
                            throw new IllegalArgumentException("bad reservation type " + f[1]);
                        }
                        scope = Integer.parseInt(f[2]);
                        holderPort = "*".equals(f[3]) ? null : f[3];
                        holderRtp = Integer.parseInt(f[4]);
                        break;
                    default:
                        throw new IllegalArgumentException("unknown keyword " + f[0]);
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                throw new IllegalArgumentException("line " + lineNo + ": malformed '" + line + "'");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNo + ": " + e.getMessage());
            }
        }
        PrNexus holder = null;
        if (type != null && holderPort != null) {
            for (Registration r : regs) {
                if (r.nexus().initiatorPort().equals(holderPort) && r.nexus().relativeTargetPort() == holderRtp) {
                    holder = r.nexus();
                }
            }
            if (holder == null) {
                throw new IllegalArgumentException("reservation holder " + holderPort + " is not registered");
            }
        }
        return new PrState(gen, aptpl, regs, type, scope, holder);
    }
}
