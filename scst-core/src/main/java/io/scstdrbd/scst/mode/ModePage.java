package io.scstdrbd.scst.mode;

/**
 * One mode page as defined for a device: its default contents (including the two-byte page
 * header) and the mask of bits MODE SELECT may change. Immutable.
 *
 * @param pageCode   page code (0x00-0x3e)
 * @param subpage    subpage code (0 for page_0 format)
 * @param defaults   default values, header included; byte 0 bit 7 (PS) is filled in by MODE SENSE
 * @param changeable bits an initiator may change (same length); all zero for a fixed page
 * @param savable    the page's values can be saved (PS = 1)
 */
public record ModePage(int pageCode, int subpage, byte[] defaults, byte[] changeable, boolean savable) {

    public ModePage {
        if (defaults.length != changeable.length) {
            throw new IllegalArgumentException("mask length differs from page length");
        }
        defaults = defaults.clone();
        changeable = changeable.clone();
    }

    public int length() {
        return defaults.length;
    }

    /** Key for maps: page code in the high byte, subpage in the low byte. */
    public int key() {
        return key(pageCode, subpage);
    }

    public static int key(int pageCode, int subpage) {
        return (pageCode << 8) | subpage;
    }

    @Override
    public byte[] defaults() {
        return defaults.clone();
    }

    @Override
    public byte[] changeable() {
        return changeable.clone();
    }

    byte[] defaultsView() {
        return defaults;
    }

    byte[] changeableView() {
        return changeable;
    }
}
