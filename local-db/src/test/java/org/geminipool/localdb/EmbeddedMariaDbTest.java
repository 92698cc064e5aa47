package org.geminipool.localdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run.sh's embedded MariaDB takes the small-VM profile (deploy/mysql/small-vm.cnf) when told to. */
class EmbeddedMariaDbTest {

    static final Path SMALL_VM = Path.of("..", "deploy", "mysql", "small-vm.cnf");

    @Test
    void serverSectionsBecomeArgumentsAndOtherSectionsAreSkipped(@TempDir Path dir) throws Exception {
        Path cnf = dir.resolve("my.cnf");
        Files.writeString(cnf, "# comment\n[client]\nport = 1\n[mysqld]\ninnodb_buffer_pool_size = 48M  # why\n"
                + "skip-name-resolve\n; other comment\n[mariadb]\nloose-mysqlx=OFF\n");
        assertEquals(List.of("--innodb_buffer_pool_size=48M", "--skip-name-resolve", "--loose-mysqlx=OFF"),
                EmbeddedMariaDb.serverOptions(cnf));
    }

    /** The value the small-VM profile gives an option. */
    static String option(String name) {
        return EmbeddedMariaDb.serverOptions(SMALL_VM).stream().filter(a -> a.startsWith("--" + name + "="))
                .map(a -> a.substring(a.indexOf('=') + 1)).findFirst()
                .orElseThrow(() -> new AssertionError(SMALL_VM + " sets no " + name));
    }

    static long megabytes(String name) {
        String v = option(name);
        assertTrue(v.endsWith("M"), name + " in MB: " + v);
        return Long.parseLong(v.substring(0, v.length() - 1));
    }

    @Test
    void theSmallVmProfileReachesTheServer() throws Exception {
        assertTrue(Files.isRegularFile(SMALL_VM), SMALL_VM + " missing");
        String before = System.getProperty(EmbeddedMariaDb.OPTIONS_FILE_PROPERTY);
        System.setProperty(EmbeddedMariaDb.OPTIONS_FILE_PROPERTY, SMALL_VM.toString());
        try (EmbeddedMariaDb db = EmbeddedMariaDb.start(null, 0);
                Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + db.port() + "/mysql", "root", "");
                Statement s = c.createStatement();
                ResultSet r = s.executeQuery(
                        "SELECT @@innodb_buffer_pool_size, @@performance_schema, @@max_connections, @@tmp_table_size")) {
            assertTrue(r.next());
            assertEquals(megabytes("innodb_buffer_pool_size") << 20, r.getLong(1), "innodb_buffer_pool_size");
            assertEquals(0, r.getInt(2), "performance_schema");
            assertEquals(Long.parseLong(option("max_connections")), r.getInt(3), "max_connections");
            assertEquals(megabytes("tmp_table_size") << 20, r.getLong(4), "tmp_table_size");
        } finally {
            if (before == null) {
                System.clearProperty(EmbeddedMariaDb.OPTIONS_FILE_PROPERTY);
            } else {
                System.setProperty(EmbeddedMariaDb.OPTIONS_FILE_PROPERTY, before);
            }
        }
    }
}
