package dev.jobqueue.servlet;

import jakarta.servlet.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** Embedded Tomcat 11, mounted the way the README tells hosts to. */
final class TomcatContainer implements ServletContainer {
  private Tomcat tomcat;
  private Path base;

  @Override
  public int start(Filter filter) throws Exception {
    base = Files.createTempDirectory("jobqueue-tomcat");
    tomcat = new Tomcat();
    tomcat.setBaseDir(base.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    tomcat.setConnector(connector);
    // Requests Tomcat refuses itself (an encoded '/' or non-UTF-8 bytes in the path) never reach
    // the filter; its error page must not name the server, its version or exceptions either.
    ErrorReportValve quiet = new ErrorReportValve();
    quiet.setShowReport(false);
    quiet.setShowServerInfo(false);
    tomcat.getHost().getPipeline().addValve(quiet);
    Context context = tomcat.addContext("", base.toString());
    FilterDef def = new FilterDef();
    def.setFilterName("jobqueue");
    def.setFilter(filter);
    def.setAsyncSupported("true");
    context.addFilterDef(def);
    FilterMap map = new FilterMap();
    map.setFilterName("jobqueue");
    map.addURLPattern("/*");
    context.addFilterMap(map);
    // Tomcat only runs filters for a mapped servlet, and it must support async too.
    Wrapper fallback = Tomcat.addServlet(context, "fallback", new Fallback());
    fallback.setAsyncSupported(true);
    context.addServletMappingDecoded("/", "fallback");
    tomcat.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    if (base != null) {
      try (var files = Files.walk(base)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  public String toString() {
    return "Tomcat 11";
  }
}
