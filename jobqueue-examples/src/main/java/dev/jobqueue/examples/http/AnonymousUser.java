package dev.jobqueue.examples.http;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Gives each browser its own anonymous user: a random id in an HttpOnly, SameSite=Lax cookie, set
 * on the first request. The app has no sign-in, so this id is what scopes the jobs: two browsers
 * never see (or cancel) each other's jobs. Runs before every other filter and servlet.
 *
 * <p>The id is only as secret as the cookie: whoever has it is that user. A real app resolves the
 * signed-in user instead (see the jobqueue-servlet-sse README).
 */
public final class AnonymousUser implements Filter {
  public static final String COOKIE = "jq_user";
  private static final String ATTRIBUTE = AnonymousUser.class.getName();

  /** 128 random bits, base64url without padding. */
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{22}");

  private final SecureRandom random = new SecureRandom();

  /** The user of a request that passed this filter. */
  public static String of(HttpServletRequest req) {
    Object user = req.getAttribute(ATTRIBUTE);
    if (!(user instanceof String s)) {
      throw new IllegalStateException(
          "the AnonymousUser filter must run before " + req.getRequestURI());
    }
    return s;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (request instanceof HttpServletRequest req && response instanceof HttpServletResponse resp) {
      String user = fromCookie(req.getHeader("Cookie"));
      if (user == null) {
        user = newId();
        resp.addHeader(
            "Set-Cookie",
            COOKIE
                + "="
                + user
                + "; Path=/; HttpOnly; SameSite=Lax"
                + (req.isSecure() ? "; Secure" : ""));
      }
      req.setAttribute(ATTRIBUTE, user);
    }
    chain.doFilter(request, response);
  }

  /**
   * The id in a {@code Cookie} header, or null when absent or not one we could have issued. Parsed
   * here rather than with {@code getCookies()}, which containers fail on malformed headers.
   */
  static String fromCookie(String header) {
    if (header == null) {
      return null;
    }
    for (String pair : header.split(";")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(COOKIE)) {
        String value = pair.substring(eq + 1).trim();
        if (VALID.matcher(value).matches()) {
          return value;
        }
      }
    }
    return null;
  }

  private String newId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
