package io.clp.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Direct SQL checks for tests ("nothing was written"), as the superuser of the test database. */
public final class TestDatabase {

    private TestDatabase() {
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
        try (Connection c = TestPostgres.get().server().connect(TestPostgres.DATABASE);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
