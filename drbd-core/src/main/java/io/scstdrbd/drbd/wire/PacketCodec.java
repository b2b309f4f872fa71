package io.scstdrbd.drbd.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Turns a framed payload into a {@link Packet} (parse, then execute) and writes packet heads.
 * Decoding never releases {@code body}; data packets get a retained slice of it.
 */
public final class PacketCodec {
    private PacketCodec() {
    }

    /**
     * Decodes the payload of one framed packet.
     *
     * @param type the packet type (known and length-checked by the framing)
     * @param body exactly the payload bytes
     * @throws ProtocolException if the payload does not fit the type's layout
     */
    public static Packet decode(PacketType type, int volume, ByteBuf body, WireContext ctx) throws ProtocolException {
        int len = body.readableBytes();
        if (len < type.minLength() || len > type.maxLength()) {
            throw new ProtocolException(type + " with " + len + " payload bytes");
        }
        Payload p;
        ByteBuf data = null;
        switch (type) {
            case DATA:
            case DATA_REPLY:
            case RS_DATA_REPLY: {
                int dlen = ctx.integrityDigestLength();
                if (len < DataHeader.SIZE + dlen) {
                    throw new ProtocolException(type + " shorter than its header and digest");
                }
                p = DataHeader.read(body, dlen);
                data = body.readRetainedSlice(body.readableBytes());
                break;
            }
            case BARRIER: p = Barrier.read(body); break;
            case BITMAP: p = PlainBitmap.read(body, len); break;
            case DATA_REQUEST:
            case RS_DATA_REQUEST:
            case OV_REQUEST:
            case OV_REPLY:
            case CSUM_RS_REQUEST:
            case RS_THIN_REQ:
                p = BlockRequest.read(body, len);
                break;
            case PROTOCOL:
            case PROTOCOL_UPDATE:
                p = ProtocolParams.read(body, len);
                break;
            case UUIDS: p = Uuids84.read(body); break;
            case SIZES: p = Sizes.read(body, len); break;
            case STATE: p = StatePayload.read(body); break;
            case SYNC_UUID: p = SyncUuid.read(body); break;
            case AUTH_CHALLENGE:
            case AUTH_RESPONSE:
                p = Bytes.read(body, len);
                break;
            case STATE_CHG_REQ:
            case CONN_ST_CHG_REQ:
                p = ReqState.read(body);
                break;
            case STATE_CHG_REPLY:
            case CONN_ST_CHG_REPLY:
                p = ReqStateReply.read(body);
                break;
            case RECV_ACK:
            case WRITE_ACK:
            case RS_WRITE_ACK:
            case SUPERSEDED:
            case NEG_ACK:
            case NEG_DREPLY:
            case NEG_RS_DREPLY:
            case OV_RESULT:
            case RS_IS_IN_SYNC:
            case RS_CANCEL:
            case RETRY_WRITE:
            case RS_CANCEL_AHEAD:
                p = BlockAck.read(body);
                break;
            case BARRIER_ACK: p = BarrierAck.read(body); break;
            case SYNC_PARAM89: p = SyncParams.read(body); break;
            case COMPRESSED_BITMAP: p = CompressedBitmap.read(body, len); break;
            case DELAY_PROBE: p = DelayProbe.read(body); break;
            case OUT_OF_SYNC:
            case RS_DEALLOCATED:
                p = BlockDesc.read(body);
                break;
            case TWOPC_PREPARE:
            case TWOPC_ABORT:
            case TWOPC_COMMIT:
            case TWOPC_PREP_RSZ:
                p = TwopcRequest.read(body);
                break;
            case TWOPC_YES:
            case TWOPC_NO:
            case TWOPC_RETRY:
                p = TwopcReply.read(body);
                break;
            case DAGTAG: p = Dagtag.read(body); break;
            case TRIM:
            case ZEROES:
                p = Trim.read(body);
                break;
            case PEER_ACK: p = PeerAck.read(body); break;
            case PEERS_IN_SYNC: p = PeerBlockDesc.read(body); break;
            case UUIDS110: p = Uuids110.read(body, len); break;
            case PEER_DAGTAG: p = PeerDagtag.read(body); break;
            case CURRENT_UUID: p = CurrentUuid.read(body); break;
            case CONFIRM_STABLE: p = ConfirmStable.read(body); break;
            case CONNECTION_FEATURES: p = ConnectionFeatures.read(body); break;
            case WSAME:
                throw new ProtocolException("P_WSAME is not supported");
            default:
                p = Payload.EMPTY;
        }
        if (body.isReadable()) {
            if (data != null) {
                data.release();
            }
            throw new ProtocolException(type + " carries " + body.readableBytes() + " bytes beyond its layout");
        }
        return new Packet(type, volume, p, data);
    }

    /**
     * Writes header and payload of a packet into a new buffer; {@code dataLength} bytes of data are
     * written separately right after it (no copy).
     */
    public static ByteBuf encodeHead(ByteBufAllocator alloc, HeaderFormat format, PacketType type, int volume,
            Payload payload, int dataLength) {
        int plen = payload.length();
        ByteBuf out = alloc.buffer(format.size() + plen);
        HeaderCodec.write(out, format, type.code(), volume, (long) plen + dataLength);
        payload.write(out);
        return out;
    }
}
