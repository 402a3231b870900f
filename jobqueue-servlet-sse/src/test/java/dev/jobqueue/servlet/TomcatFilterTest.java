package dev.jobqueue.servlet;

class TomcatFilterTest extends AbstractFilterTest {
  @Override
  ServletContainer newContainer() {
    return new TomcatContainer();
  }

  @Override
  boolean containerAnswersUnreadableBodies() {
    return true;
  }
}
