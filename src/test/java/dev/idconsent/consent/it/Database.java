package dev.idconsent.consent.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The database the server under test runs on, {@code -Dit.db=h2|postgres|mariadb}: H2 in a file of the
 * distribution (opened with AUTO_SERVER so the tests can read it while Keycloak runs), or a fresh database on
 * the local PostgreSQL / MariaDB, created anew for every run.
 */
public final class Database {
    private final String kind;
    private final String url;
    private final String username;
    private final String password;

    private Database(String kind, String url, String username, String password) {
        this.kind = kind;
        this.url = url;
        this.username = username;
        this.password = password;
    }

    static Database forRun(String kind, java.nio.file.Path keycloakHome) {
        String name = System.getProperty("it.db.name", "idc_it");
        return switch (kind) {
            case "h2" -> new Database(kind, "jdbc:h2:file:" + keycloakHome.resolve("data/h2/keycloakdb")
                    + ";NON_KEYWORDS=VALUE;AUTO_SERVER=TRUE", "sa", "password");
            case "postgres" -> new Database(kind, System.getProperty("it.db.host.url",
                    "jdbc:postgresql://127.0.0.1:5432/") + name, System.getProperty("it.db.username", "postgres"),
                    System.getProperty("it.db.password", "postgres"));
            case "mariadb" -> new Database(kind, System.getProperty("it.db.host.url",
                    "jdbc:mariadb://127.0.0.1:3306/") + name, System.getProperty("it.db.username", "root"),
                    System.getProperty("it.db.password", ""));
            default -> throw new IllegalArgumentException("it.db must be h2, postgres or mariadb, not " + kind);
        };
    }

    /** A PostgreSQL database the test created itself (trust authentication). */
    static Database postgres(String url) {
        return new Database("postgres", url, "postgres", "postgres");
    }

    /** Drops and creates the test database so every run starts empty. */
    void recreate(java.nio.file.Path keycloakHome) throws SQLException, java.io.IOException {
        if (kind.equals("h2")) {
            java.nio.file.Path dir = keycloakHome.resolve("data/h2");
            if (java.nio.file.Files.exists(dir)) {
                try (var files = java.nio.file.Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return;
        }
        String name = url.substring(url.lastIndexOf('/') + 1);
        String adminUrl = url.substring(0, url.lastIndexOf('/') + 1) + (kind.equals("postgres") ? "test" : "");
        try (Connection c = DriverManager.getConnection(adminUrl, username, password);
             Statement s = c.createStatement()) {
            s.execute(kind.equals("postgres") ? "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
                    : "DROP DATABASE IF EXISTS " + name);
            s.execute(kind.equals("postgres") ? "CREATE DATABASE " + name
                    : "CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        }
    }

    /** Keycloak's options for this database. */
    java.util.List<String> keycloakOptions() {
        return java.util.List.of("--db=" + (kind.equals("h2") ? "dev-file" : kind), "--db-url=" + url,
                "--db-username=" + username, "--db-password=" + password);
    }

    public String kind() {
        return kind;
    }

    /** A single text value, or {@code null} when there is no row. */
    public String text(String sql, Object... params) {
        return query(sql, params, r -> r.next() ? r.getString(1) : null);
    }

    /** A single number, e.g. {@code select count(*) from IDC_CHOICE where USER_ID = ?}. */
    public long count(String sql, Object... params) {
        return query(sql, params, r -> {
            r.next();
            return r.getLong(1);
        });
    }

    /** One statement in its own transaction, e.g. a bulk insert; returns the update count. */
    public long execute(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(url, username, password);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            return s.executeLargeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** A statement run in a transaction that stays open until {@link Held#commit()}: a slow writer. */
    public Held hold(String sql, Object... params) {
        try {
            Connection c = DriverManager.getConnection(url, username, password);
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    s.setObject(i + 1, params[i]);
                }
                s.executeUpdate();
            }
            return new Held(c);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    public static final class Held {
        private final Connection connection;

        private Held(Connection connection) {
            this.connection = connection;
        }

        public void commit() {
            try (connection) {
                connection.commit();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private interface Reader<T> {
        T read(ResultSet result) throws SQLException;
    }

    private <T> T query(String sql, Object[] params, Reader<T> reader) {
        try (Connection c = DriverManager.getConnection(url, username, password);
             PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                return reader.read(r);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
