package dev.jobqueue.spring.boot;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The user a web request acts for; the API and the stream show only that user's jobs. A bean of
 * this type replaces the starter's own (Spring Security's principal name when Spring Security is
 * present). Return null or blank for a caller who is not signed in (401).
 */
@FunctionalInterface
public interface JobQueueUserResolver {
  String userId(HttpServletRequest request);
}
