package io.embedstream.stream.generic;

/** Byte positions in a UTF-8 JSON text. Stateless. */
final class JsonText {

    private JsonText() {}

    /** The index of the first byte that is not JSON white space or a UTF-8 byte-order mark; -1 when none. */
    static int firstContent(byte[] text) {
        int i = 0;
        if (text.length >= 3 && (text[0] & 0xff) == 0xEF && (text[1] & 0xff) == 0xBB && (text[2] & 0xff) == 0xBF) {
            i = 3;
        }
        for (; i < text.length; i++) {
            if (!isWhitespace(text[i])) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the last byte that is not JSON white space; -1 when none. */
    static int lastContent(byte[] text) {
        return lastContentBefore(text, text.length);
    }

    /** The index of the last byte before {@code end} that is not JSON white space; -1 when none. */
    static int lastContentBefore(byte[] text, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (!isWhitespace(text[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
