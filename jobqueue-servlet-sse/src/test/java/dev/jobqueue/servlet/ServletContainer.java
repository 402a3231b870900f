package dev.jobqueue.servlet;

import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** An embedded container running one filter in front of a fallback servlet, on a free port. */
interface ServletContainer extends AutoCloseable {
  /** Starts the container with {@code filter} mapped to every path; returns the port. */
  int start(Filter filter) throws Exception;

  @Override
  void close() throws Exception;

  /** Answers what the filter passes through, so tests can see the pass-through. */
  final class Fallback extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setStatus(200);
      resp.setContentType("text/plain");
      resp.getWriter().write("fallback " + req.getRequestURI());
    }
  }
}
