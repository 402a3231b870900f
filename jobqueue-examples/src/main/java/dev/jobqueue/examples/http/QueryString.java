package dev.jobqueue.examples.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Query parameters of the app's endpoints, decoded strictly as UTF-8. Never {@code getParameter}:
 * it would also parse a body sent as form content (an upload, or a charset the JVM does not know)
 * and containers differ on malformed escapes. Every problem is a 400 that says what is wrong.
 */
final class QueryString {
  private QueryString() {}

  /** The one value of {@code key}, null when absent; 400 when given twice or malformed. */
  static String single(HttpServletRequest req, String key) {
    String query = req.getQueryString();
    if (query == null) {
      return null;
    }
    List<String> values = new ArrayList<>(1);
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (name.equals(key)) {
        values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
      }
    }
    if (values.size() > 1) {
      throw HttpError.badRequest(
          "parameter " + key + " is given " + values.size() + " times; give it once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  static String decode(String raw) {
    if (raw.indexOf('%') < 0 && raw.indexOf('+') < 0) {
      return raw;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int lo = hi < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
        if (lo < 0) {
          throw HttpError.badRequest(
              "malformed percent-encoding in the query string near '"
                  + abbreviate(raw.substring(i))
                  + "': '%' must be followed by two hex digits");
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        int cp = raw.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        bytes.write(b, 0, b.length);
        i += Character.charCount(cp) - 1;
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw HttpError.badRequest(
          "the query string parameter '"
              + abbreviate(raw)
              + "' is not percent-encoded UTF-8 (for example %FF alone is not a character)");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
