package dev.jobqueue.spring.boot;

import dev.jobqueue.JobContext;
import dev.jobqueue.JobHandler;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Handler beans for the tests. */
final class Handlers {
  private Handlers() {}

  @JobType("analyze")
  static final class AnalyzeHandler implements JobHandler {
    @Override
    public Map<String, Object> run(JobContext ctx) {
      return Map.of("colors", 3);
    }
  }

  /** One class-annotated handler and one {@code @Bean} method handler. */
  @Configuration(proxyBeanMethods = false)
  static class Two {
    @Bean
    AnalyzeHandler analyzeHandler() {
      return new AnalyzeHandler();
    }

    @Bean
    @JobType("thumbnail")
    JobHandler thumbnailHandler() {
      return ctx -> Map.of("width", 64);
    }
  }

  /** Fails its first attempt, completes the next. */
  @Configuration(proxyBeanMethods = false)
  static class FlakyOnce {
    @Bean
    @JobType("flaky")
    JobHandler flaky() {
      AtomicInteger calls = new AtomicInteger();
      return ctx -> {
        if (calls.incrementAndGet() == 1) {
          throw new IllegalStateException("first attempt fails");
        }
        return Map.of("attempt", ctx.attempt());
      };
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Untyped {
    @Bean
    JobHandler mystery() {
      return ctx -> Map.of();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Duplicate {
    @Bean
    AnalyzeHandler analyzeHandler() {
      return new AnalyzeHandler();
    }

    @Bean
    @JobType("analyze")
    JobHandler otherAnalyzer() {
      return ctx -> Map.of();
    }
  }
}
