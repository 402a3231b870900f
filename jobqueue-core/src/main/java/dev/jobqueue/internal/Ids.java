package dev.jobqueue.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Job ids in UUID version 7 layout: 48 bits of epoch milliseconds then 74 random bits. Sorting ids
 * sorts by creation time, and making one takes no lock (ThreadLocalRandom). Ids are unique, not
 * secret: access control never relies on them being unguessable.
 */
final class Ids {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Ids() {}

  public static String newId(long epochMillis) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (epochMillis << 16) | 0x7000L | (r.nextLong() & 0x0FFFL);
    long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    char[] out = new char[36];
    hex(out, 0, msb >>> 32, 8);
    out[8] = '-';
    hex(out, 9, msb >>> 16, 4);
    out[13] = '-';
    hex(out, 14, msb, 4);
    out[18] = '-';
    hex(out, 19, lsb >>> 48, 4);
    out[23] = '-';
    hex(out, 24, lsb, 12);
    return new String(out);
  }

  private static void hex(char[] out, int at, long value, int digits) {
    for (int i = digits - 1; i >= 0; i--) {
      out[at + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }
}
