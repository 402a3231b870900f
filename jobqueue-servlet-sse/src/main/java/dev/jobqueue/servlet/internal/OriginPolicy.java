package dev.jobqueue.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses state-changing requests sent by pages of another origin (CSRF): a browser always sends
 * {@code Origin} on a cross-origin POST or DELETE, so a request whose Origin is neither the
 * server's own scheme+host+port nor in the allow-list is not from one of our pages. Requests
 * without {@code Origin} come from non-browser clients and pass.
 */
public final class OriginPolicy {
  private final Set<String> allowed;

  /**
   * @param allowed normalised origins such as {@code https://app.example.com:8443}
   */
  public OriginPolicy(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  public static boolean isMutating(String method) {
    return switch (method) {
      case "POST", "PUT", "PATCH", "DELETE" -> true;
      default -> false;
    };
  }

  /** Whether {@code origin} (a header value) is the request's own origin or allowed. */
  public boolean permits(HttpServletRequest req, String origin) {
    if (origin == null) {
      return true;
    }
    String normalised = normalise(origin);
    if (normalised == null) {
      return false; // "null" (sandboxed frames, file:) or garbage
    }
    return allowed.contains(normalised) || normalised.equals(ownOrigin(req));
  }

  /** Whether {@code origin} is in the allow-list (for CORS answers). */
  public boolean isAllowListed(String origin) {
    String n = origin == null ? null : normalise(origin);
    return n != null && allowed.contains(n);
  }

  static String ownOrigin(HttpServletRequest req) {
    return normalise(req.getScheme() + "://" + req.getServerName() + ":" + req.getServerPort());
  }

  /**
   * {@code scheme://host:port} in lower case with the default port made explicit, or null when
   * {@code origin} is not an http(s) origin.
   */
  public static String normalise(String origin) {
    try {
      URI u = new URI(origin.trim());
      String scheme = u.getScheme();
      String host = u.getHost();
      if (scheme == null || host == null) {
        return null;
      }
      scheme = scheme.toLowerCase(Locale.ROOT);
      int port = u.getPort();
      if (port == -1) {
        port =
            switch (scheme) {
              case "http" -> 80;
              case "https" -> 443;
              default -> -1;
            };
      }
      if (port == -1) {
        return null;
      }
      return scheme + "://" + host.toLowerCase(Locale.ROOT) + ":" + port;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
