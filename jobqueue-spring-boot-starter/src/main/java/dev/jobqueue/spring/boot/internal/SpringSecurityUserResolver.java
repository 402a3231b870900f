package dev.jobqueue.spring.boot.internal;

import dev.jobqueue.spring.boot.JobQueueUserResolver;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;

/** The name of Spring Security's authenticated principal; anonymous callers have none (401). */
public final class SpringSecurityUserResolver implements JobQueueUserResolver {
  @Override
  public String userId(HttpServletRequest request) {
    Authentication auth = SecurityContextHolder.getContext().getAuthentication();
    if (auth == null || !auth.isAuthenticated() || auth instanceof AnonymousAuthenticationToken) {
      return null;
    }
    return auth.getName();
  }
}
