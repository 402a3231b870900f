package dev.jobqueue.spring.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The job type a {@link dev.jobqueue.JobHandler} bean runs: put it on the handler's class or on its
 * {@code @Bean} method. The starter registers every handler bean for its type; a handler bean
 * without it, or two beans for one type, stop the application at startup.
 *
 * <pre>{@code
 * @Component
 * @JobType("analyze")
 * class AnalyzeHandler implements JobHandler { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface JobType {
  /** The job type, for example {@code "analyze"}. */
  String value();
}
