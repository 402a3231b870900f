package dev.jobqueue.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jobqueue.JobQueue;
import dev.jobqueue.JobRequest;
import dev.jobqueue.servlet.JobQueueFilter;
import dev.jobqueue.spring.boot.internal.SpringSecurityUserResolver;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.mock.web.MockFilterChain;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

class JobQueueWebAutoConfigurationTest {
  private final WebApplicationContextRunner runner =
      new WebApplicationContextRunner()
          .withConfiguration(JobQueueAutoConfigurationTest.ALL)
          .withPropertyValues("jobqueue.workers=0");

  @AfterEach
  void clearSecurity() {
    SecurityContextHolder.clearContext();
  }

  @Test
  void withoutSecurityOrAResolverTheStartNeedsTheExplicitOptIn() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .run(
            ctx ->
                assertThat(ctx)
                    .getFailure()
                    .rootCause()
                    .hasMessageContaining("every caller would see and cancel every job")
                    .hasMessageContaining("jobqueue.web.shared-view-for-all-callers=true"));
  }

  @Test
  void theOptInMountsTheFilterUnderTheBasePath() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withPropertyValues(
            "jobqueue.web.shared-view-for-all-callers=true", "jobqueue.web.base-path=/ops/jobs")
        .run(
            ctx -> {
              assertThat(ctx).doesNotHaveBean(JobQueueUserResolver.class);
              FilterRegistrationBean<?> reg =
                  ctx.getBean("jobQueueFilterRegistration", FilterRegistrationBean.class);
              assertThat(reg.getFilter()).isSameAs(ctx.getBean(JobQueueFilter.class));
              assertThat(reg.getUrlPatterns()).containsExactly("/ops/jobs", "/ops/jobs/*");
              assertThat(reg.isAsyncSupported()).isTrue();
              assertThat(reg.getOrder()).isZero();

              ctx.getBean(JobQueue.class)
                  .tracker()
                  .create(JobRequest.builder("upload", "an upload").build());
              MockHttpServletResponse resp = get(ctx.getBean(JobQueueFilter.class), "/ops/jobs");
              assertThat(resp.getStatus()).isEqualTo(200);
              assertThat(resp.getContentAsString()).contains("\"title\":\"an upload\"");
            });
  }

  @Test
  void originsInputAndOrderReachTheFilter() {
    runner
        .withClassLoader(new FilteredClassLoader("org.springframework.security"))
        .withPropertyValues(
            "jobqueue.web.shared-view-for-all-callers=true",
            "jobqueue.web.allowed-origins=https://admin.example.com",
            "jobqueue.web.expose-input=true",
            "jobqueue.web.filter-order=5")
        .run(
            ctx -> {
              assertThat(
                      ctx.getBean("jobQueueFilterRegistration", FilterRegistrationBean.class)
                          .getOrder())
                  .isEqualTo(5);
              JobQueueFilter filter = ctx.getBean(JobQueueFilter.class);
              ctx.getBean(JobQueue.class)
                  .tracker()
                  .create(
                      JobRequest.builder("upload", "u")
                          .input(java.util.Map.of("file", "a.png"))
                          .build());
              assertThat(get(filter, "/api/jobs").getContentAsString())
                  .contains("\"input\":{\"file\":\"a.png\"}");

              assertThat(deleteCompleted(filter, "https://admin.example.com").getStatus())
                  .isEqualTo(200);
              assertThat(deleteCompleted(filter, "https://evil.example.com").getStatus())
                  .isEqualTo(403);
            });
  }

  private static MockHttpServletResponse deleteCompleted(JobQueueFilter filter, String origin)
      throws Exception {
    MockHttpServletRequest req = new MockHttpServletRequest("DELETE", "/api/jobs");
    req.setQueryString("status=completed"); // the filter reads the raw query string itself
    req.addHeader("Origin", origin);
    MockHttpServletResponse resp = new MockHttpServletResponse();
    filter.doFilter(req, resp, new MockFilterChain());
    return resp;
  }

  @Test
  void springSecuritysPrincipalScopesEveryCall() {
    runner.run(
        ctx -> {
          assertThat(ctx.getBean(JobQueueUserResolver.class))
              .isInstanceOf(SpringSecurityUserResolver.class);
          JobQueue queue = ctx.getBean(JobQueue.class);
          queue.tracker().create(JobRequest.builder("upload", "alice's").userId("alice").build());
          queue.tracker().create(JobRequest.builder("upload", "bob's").userId("bob").build());
          JobQueueFilter filter = ctx.getBean(JobQueueFilter.class);

          assertThat(get(filter, "/api/jobs").getStatus()).isEqualTo(401);
          SecurityContextHolder.getContext()
              .setAuthentication(
                  new AnonymousAuthenticationToken(
                      "key", "anonymousUser", AuthorityUtils.createAuthorityList("ROLE_ANON")));
          assertThat(get(filter, "/api/jobs").getStatus()).isEqualTo(401);

          SecurityContextHolder.getContext()
              .setAuthentication(
                  UsernamePasswordAuthenticationToken.authenticated("alice", null, List.of()));
          MockHttpServletResponse resp = get(filter, "/api/jobs");
          assertThat(resp.getStatus()).isEqualTo(200);
          assertThat(resp.getContentAsString()).contains("alice's").doesNotContain("bob's");
        });
  }

  @Test
  void aHostResolverWins() {
    runner
        .withBean(JobQueueUserResolver.class, () -> req -> req.getHeader("X-User"))
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(JobQueueUserResolver.class);
              ctx.getBean(JobQueue.class)
                  .tracker()
                  .create(JobRequest.builder("upload", "carol's").userId("carol").build());
              MockHttpServletRequest req = new MockHttpServletRequest("GET", "/api/jobs");
              req.addHeader("X-User", "carol");
              MockHttpServletResponse resp = new MockHttpServletResponse();
              ctx.getBean(JobQueueFilter.class).doFilter(req, resp, new MockFilterChain());
              assertThat(resp.getContentAsString()).contains("carol's");
            });
  }

  @Test
  void hostBeansAndTheSwitchTurnTheFilterOff() {
    runner
        .withPropertyValues("jobqueue.web.enabled=false")
        .run(ctx -> assertThat(ctx).doesNotHaveBean(JobQueueFilter.class));
    runner
        .withBean(
            "jobQueueFilterRegistration",
            FilterRegistrationBean.class,
            () -> new FilterRegistrationBean<>())
        .run(
            ctx -> {
              assertThat(ctx).hasSingleBean(FilterRegistrationBean.class);
              assertThat(ctx.getBean(FilterRegistrationBean.class).getFilter()).isNull();
            });
  }

  private static MockHttpServletResponse get(JobQueueFilter filter, String path) throws Exception {
    MockHttpServletResponse resp = new MockHttpServletResponse();
    filter.doFilter(new MockHttpServletRequest("GET", path), resp, new MockFilterChain());
    return resp;
  }
}
