package com.whatsappclone.chat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Every statement chat runs on its tables, and every commit, as seen through the pool it is given
 * ({@code ChatApplication.start(..., tables)}): a statement run in auto-commit mode is a
 * transaction and commit of its own, as PostgreSQL counts it (xact_commit).
 */
final class StatementLog {

  /** One execution: its SQL, and whether it committed by itself (auto-commit). */
  record Execution(String sql, boolean autoCommit) {}

  private final List<Execution> executions = new ArrayList<>();
  private int explicitCommits;

  DataSource wrap(DataSource real) {
    return proxy(DataSource.class, real, (method, args, result) -> method.getName().equals("getConnection")
        ? connection((Connection) result) : result);
  }

  /** Where the log stands at one moment. */
  record Mark(int executions, int explicitCommits) {}

  synchronized Mark mark() {
    return new Mark(executions.size(), explicitCommits);
  }

  synchronized List<Execution> since(Mark mark) {
    return List.copyOf(executions.subList(mark.executions(), executions.size()));
  }

  /** Commits since {@code mark}: auto-committed statements and explicit commit() calls. */
  synchronized long commitsSince(Mark mark) {
    return since(mark).stream().filter(Execution::autoCommit).count() + explicitCommits - mark.explicitCommits();
  }

  private Connection connection(Connection real) {
    return proxy(Connection.class, real, (method, args, result) -> {
      if (method.getName().equals("commit")) {
        synchronized (this) {
          explicitCommits++;
        }
      }
      if (method.getName().equals("prepareStatement")) {
        return statement((PreparedStatement) result, (String) args[0], real);
      }
      return result;
    });
  }

  private PreparedStatement statement(PreparedStatement real, String sql, Connection connection) {
    return proxy(PreparedStatement.class, real, (method, args, result) -> result, (method, args) -> {
      if (method.getName().startsWith("execute")) {
        boolean autoCommit = connection.getAutoCommit();
        synchronized (this) {
          executions.add(new Execution(sql, autoCommit));
        }
      }
    });
  }

  @FunctionalInterface
  private interface After {
    Object apply(Method method, Object[] args, Object result) throws Exception;
  }

  @FunctionalInterface
  private interface Before {
    void accept(Method method, Object[] args) throws Exception;
  }

  private static <T> T proxy(Class<T> type, T real, After after) {
    return proxy(type, real, after, (method, args) -> {});
  }

  private static <T> T proxy(Class<T> type, T real, After after, Before before) {
    InvocationHandler handler = (self, method, args) -> {
      before.accept(method, args);
      Object result;
      try {
        result = method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      return after.apply(method, args, result);
    };
    return type.cast(Proxy.newProxyInstance(StatementLog.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
