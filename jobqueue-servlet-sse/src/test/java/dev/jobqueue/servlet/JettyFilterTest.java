package dev.jobqueue.servlet;

class JettyFilterTest extends AbstractFilterTest {
  @Override
  ServletContainer newContainer() {
    return new JettyContainer();
  }
}
