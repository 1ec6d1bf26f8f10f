package com.whatsappclone.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * What {@link PostgresExtension} and {@link KafkaExtension} have in common: the shared server is
 * started before a class's first test, so its start-up isn't charged to one test, and test
 * parameters of one type are resolved from it.
 */
abstract class SharedServerExtension<S extends Stoppable> implements BeforeAllCallback, ParameterResolver {

  private final SharedServer<S> shared;
  private final Class<?> parameterType;

  SharedServerExtension(SharedServer<S> shared, Class<?> parameterType) {
    this.shared = shared;
    this.parameterType = parameterType;
  }

  /** The value of one resolved parameter of the type given to the constructor. */
  abstract Object parameter(S server);

  @Override
  public void beforeAll(ExtensionContext context) {
    shared.get();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameterContext.getParameter().getType() == parameterType;
  }

  @Override
  public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
    return parameter(shared.get());
  }
}
