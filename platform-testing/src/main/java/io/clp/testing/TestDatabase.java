package io.clp.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct SQL checks for tests ("nothing was written"), as the superuser of the test database. */
public final class TestDatabase {

    private TestDatabase() {
    }

    /** A connection as the service's own role, as the service itself connects (row-level security applies). */
    public static Connection asService(String service) throws SQLException {
        TestPostgres postgres = TestPostgres.get();
        return java.sql.DriverManager.getConnection(postgres.server().jdbcUrl(TestPostgres.DATABASE),
                postgres.role(service), postgres.prepareService(service));
    }

    /** Runs a statement (test fixtures that the API under test cannot make yet). */
    public static int execute(String sql, Object... args) {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long count(String sql, Object... args) {
        return single(sql, rs -> rs.getLong(1), args);
    }

    /** The first column of the first row as text (null when that value is null). */
    public static String text(String sql, Object... args) {
        return single(sql, rs -> rs.getString(1), args);
    }

    private interface Column<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private static <T> T single(String sql, Column<T> column, Object... args) {
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for: " + sql);
                }
                return column.read(rs);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
