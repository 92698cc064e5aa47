package org.geminipool.testsupport;

import org.geminipool.localdb.EmbeddedMariaDb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * The database server tests use: the one named by GEMINI_POOL_DB_URL (CI: MariaDB on 127.0.0.1:3306, root, empty
 * password) or, when unset, one embedded MariaDB started once per test JVM. Each module gets its own database.
 */
public final class TestDatabase {

    /** System-wide, because each Quarkus test application loads this class in its own class loader. */
    private static final String EMBEDDED_URL_PROPERTY = "gemini-pool.test.embedded-db-url";

    private static String serverUrl;
    private static String user;
    private static String password;

    private TestDatabase() {
    }

    /** Server address as {@code mysql://host:port}. */
    public static String serverUrl() {
        synchronized (System.class) {
            return resolveServerUrl();
        }
    }

    private static String resolveServerUrl() {
        if (serverUrl == null) {
            String fromEnv = System.getenv("GEMINI_POOL_DB_URL");
            if (fromEnv != null && !fromEnv.isBlank()) {
                serverUrl = stripTrailingSlash(fromEnv.trim());
                user = envOr("GEMINI_POOL_DB_USER", "root");
                password = envOr("GEMINI_POOL_DB_PASSWORD", "");
            } else if (System.getProperty(EMBEDDED_URL_PROPERTY) != null) {
                // Started already by another Quarkus application's class loader in this JVM.
                serverUrl = System.getProperty(EMBEDDED_URL_PROPERTY);
                user = "root";
                password = "";
            } else {
                EmbeddedMariaDb db = EmbeddedMariaDb.start(null, 0);
                Runtime.getRuntime().addShutdownHook(new Thread(db::close, "test-mariadb-stop"));
                serverUrl = db.url();
                System.setProperty(EMBEDDED_URL_PROPERTY, serverUrl);
                user = "root";
                password = "";
            }
        }
        return serverUrl;
    }

    public static String user() {
        serverUrl();
        return user;
    }

    public static String password() {
        serverUrl();
        return password;
    }

    /** Drops and re-creates {@code name}, so each test JVM starts from an empty schema. */
    public static void recreate(String name) {
        execute("DROP DATABASE IF EXISTS `" + name + "`", "CREATE DATABASE `" + name + "` CHARACTER SET utf8mb4");
    }

    public static void execute(String... statements) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(""), user(), password());
             Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("test database " + serverUrl() + ": " + e.getMessage(), e);
        }
    }

    /** Quarkus datasource settings (JDBC for Flyway, reactive for Panache) pointing at {@code database}. */
    public static Map<String, String> quarkusDatasource(String database) {
        Map<String, String> config = new HashMap<>();
        config.put("gemini-pool.db.url", serverUrl());
        config.put("quarkus.datasource.username", user());
        config.put("quarkus.datasource.password", password());
        config.put("quarkus.datasource.jdbc.url", jdbcUrl(database));
        config.put("quarkus.datasource.reactive.url", serverUrl() + "/" + database);
        return config;
    }

    /** JDBC URL for the MariaDB driver, which reads {@code mysql://} URLs when told to. */
    public static String jdbcUrl(String database) {
        return "jdbc:" + serverUrl() + "/" + database + "?permitMysqlScheme";
    }

    private static String envOr(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
